"""Run dbt as a subprocess against the warehouse: the CLI's `build` and the manifest for Dagster.

dbt runs in its own process so that our Python process never holds the DuckDB file while dbt writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

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


def dbt_vars(as_of: date | None) -> list[str]:
    return ["--vars", json.dumps({"as_of": as_of.isoformat()})] if as_of else []


def _die_with_parent() -> None:
    """Linux: SIGKILL dbt when the process holding the writer lock dies, so dbt never outlives the lock."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def run_dbt(settings: Settings, args: list[str], *, as_of: date | None = None,
            target: str | None = None) -> subprocess.CompletedProcess[str]:
    """dbt with the profile's default target (DuckDB), or another output of profiles.yml, e.g. `spark`.

    Another target writes its artifacts to target/<name>/, so the DuckDB manifest Dagster reads stays put.
    """
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if args and args[0] in ("build", "run", "test", "seed"):
        cmd += dbt_vars(as_of)
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
