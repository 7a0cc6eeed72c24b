"""Run dbt as a subprocess against the warehouse: the CLI's `build` and the manifest for Dagster.

dbt runs in its own process so that our Python process never holds the DuckDB file while dbt writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from orchestration.settings import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_env(settings: Settings, target: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["LIANDONG_WAREHOUSE"] = str(settings.warehouse)
    env["LIANDONG_HOME"] = str(settings.home)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env["DBT_USE_COLORS"] = "false"  # our terminal output quotes dbt lines
    env["DBT_PROFILES_DIR"] = str(DBT_PROJECT_DIR)
    if target == "spark":
        from orchestration.spark import spark_env

        env.update(spark_env(env))
    return env


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_vars(as_of: date | None, extra: dict[str, Any] | None = None) -> list[str]:
    """`--vars` for dbt: the as-of date (when given) and any further vars."""
    values: dict[str, Any] = {"as_of": as_of.isoformat()} if as_of else {}
    values.update(extra or {})
    return ["--vars", json.dumps(values)] if values else []


def _die_with_parent() -> None:
    """Linux: SIGKILL dbt when the process holding the writer lock dies, so dbt never outlives the lock."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def run_dbt(settings: Settings, args: list[str], *, as_of: date | None = None,
            target: str | None = None, extra_vars: dict[str, Any] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """dbt with the profile's default target (DuckDB), or another output of profiles.yml, e.g. `spark`.

    Another target writes its artifacts to target/<name>/, so the DuckDB manifest Dagster reads stays put.
    """
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if args and args[0] in ("build", "run", "test", "seed"):
        cmd += dbt_vars(as_of, extra_vars)
    if target:
        cmd += ["--target", target, "--target-path", str(DBT_PROJECT_DIR / "target" / target)]
    return subprocess.run(cmd, cwd=DBT_PROJECT_DIR, env=dbt_env(settings, target), capture_output=True, text=True,
                          preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)


def _newest_source_mtime() -> float:
    newest = 0.0
    for sub in ("models", "macros", "seeds", "tests", "snapshots"):
        for p in (DBT_PROJECT_DIR / sub).rglob("*"):
            if p.is_file():
                newest = max(newest, p.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (DBT_PROJECT_DIR / name).stat().st_mtime)
    return newest


def ensure_manifest(settings: Settings) -> Path:
    """`dbt parse` when the manifest is missing or older than the project (never at import time)."""
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_source_mtime():
        return MANIFEST
    result = run_dbt(settings, ["parse", "--quiet"])
    if result.returncode != 0 or not MANIFEST.exists():
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return MANIFEST


# ----------------------------------------------------------------------------------------------------------
# Incremental builds: `liandong build` decides itself when the incremental models need a full refresh.

BUILD_STATE_TABLE = "meta.dbt_build_state"
_FINGERPRINTED = ("models", "macros", "seeds", "tests", "snapshots")


def project_fingerprint() -> str:
    """SHA-256 over every file of the dbt project (SQL, YAML, seeds, macros) and the dbt versions."""
    digest = hashlib.sha256()
    files = [p for sub in _FINGERPRINTED for p in (DBT_PROJECT_DIR / sub).rglob("*") if p.is_file()]
    files += [DBT_PROJECT_DIR / name for name in ("dbt_project.yml", "profiles.yml")]
    for path in sorted(files):
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for package in ("dbt-core", "dbt-duckdb"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}=={metadata.version(package)}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildPlan:
    """What the next DuckDB build does: a full refresh (and why), or an incremental run after a watermark."""

    as_of: date
    fingerprint: str
    files_through: datetime | None  # newest meta.files.ingested_at when the build starts
    full_refresh: bool
    reason: str
    files_after: datetime | None  # the last build's watermark, when incremental

    def describe(self) -> str:
        """What the build does and why, for the terminal and the Dagster log."""
        return f"{'full refresh' if self.full_refresh else 'incremental'} ({self.reason})"

    def dbt_args(self) -> list[str]:
        return ["build", "--full-refresh"] if self.full_refresh else ["build"]

    def dbt_extra_vars(self) -> dict[str, Any]:
        return {"penalty_files_after": self.files_after.isoformat(sep=" ")} if self.files_after else {}


def _ensure_state_table(con: Any) -> None:
    con.execute("create schema if not exists meta")
    con.execute(f"""create table if not exists {BUILD_STATE_TABLE} (
        built_at timestamp, as_of date, project_fingerprint varchar, files_through timestamp,
        full_refresh boolean, reason varchar)""")


def plan_build(con: Any, as_of: date | None) -> BuildPlan:
    """Compare with the last successful build: a full refresh on the first build, another as-of date
    (deadlines depend on it) or a changed dbt project; otherwise incremental after its watermark."""
    _ensure_state_table(con)
    effective = as_of or date.today()
    fingerprint = project_fingerprint()
    files_through = con.execute("select max(ingested_at) from meta.files").fetchone()[0] \
        if con.execute("select count(*) from information_schema.tables "
                       "where table_schema = 'meta' and table_name = 'files'").fetchone()[0] else None
    last = con.execute(f"select as_of, project_fingerprint, files_through from {BUILD_STATE_TABLE} "
                       "order by built_at desc limit 1").fetchone()
    if last is None:
        reason = "first build"
    elif last[0] != effective:
        reason = f"as-of date changed ({last[0]} → {effective})"
    elif last[1] != fingerprint:
        reason = "dbt project changed"
    else:
        return BuildPlan(effective, fingerprint, files_through, False, "incremental", last[2])
    return BuildPlan(effective, fingerprint, files_through, True, reason, None)


def record_build(con: Any, plan: BuildPlan) -> None:
    """Remember a successful build: its as-of date, project fingerprint and files watermark."""
    _ensure_state_table(con)
    con.execute(f"insert into {BUILD_STATE_TABLE} values (current_timestamp, ?, ?, ?, ?, ?)",
                [plan.as_of, plan.fingerprint, plan.files_through, plan.full_refresh, plan.reason])


def build_duckdb(settings: Settings, as_of: date | None) -> tuple[subprocess.CompletedProcess[str], BuildPlan]:
    """`dbt build` on DuckDB, incremental when the last build allows it (call under the writer lock)."""
    from ingest.warehouse import connect

    with connect(settings.warehouse) as con:
        plan = plan_build(con, as_of)
    result = run_dbt(settings, plan.dbt_args(), as_of=as_of, extra_vars=plan.dbt_extra_vars())
    if result.returncode == 0:
        with connect(settings.warehouse) as con:
            record_build(con, plan)
    return result, plan
