"""Run dbt against the warehouse: as a subprocess for the CLI, or through any runner (Dagster's dbt resource).

dbt runs in its own process so that our Python process never holds the DuckDB file while dbt writes. Its
`target/` and `logs/` live under `$LIANDONG_HOME/dbt/`, so two homes never share or overwrite artefacts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from warehouse.build_state import BuildPlan, plan_build, record_build
from warehouse.connection import connect
from warehouse.regions import dbt_region_vars
from warehouse.settings import DBT_PROJECT_DIR, Settings

SPARK_CONF_DIR = Path(__file__).resolve().parent / "spark_conf"  # log4j2.properties: warnings and errors only


def spark_env(env: Mapping[str, str]) -> dict[str, str]:
    """Environment for a local Spark JVM: quiet logging, loopback only, the same Python as ours."""
    return {
        "SPARK_CONF_DIR": env.get("SPARK_CONF_DIR", str(SPARK_CONF_DIR)),
        "SPARK_LOCAL_IP": env.get("SPARK_LOCAL_IP", "127.0.0.1"),
        "PYSPARK_PYTHON": env.get("PYSPARK_PYTHON", sys.executable),
    }


def manifest_path(settings: Settings) -> Path:
    """The DuckDB target's manifest (Dagster's asset graph), under the home."""
    return settings.dbt_target_dir / "manifest.json"


def dbt_env(settings: Settings, target: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["LIANDONG_WAREHOUSE"] = str(settings.warehouse)
    env["LIANDONG_HOME"] = str(settings.home)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env["DBT_USE_COLORS"] = "false"  # our terminal output quotes dbt lines
    env["DBT_PROFILES_DIR"] = str(DBT_PROJECT_DIR)
    env["DBT_TARGET_PATH"] = str(settings.dbt_target_dir / target if target else settings.dbt_target_dir)
    env["DBT_LOG_PATH"] = str(settings.dbt_log_dir)
    if target == "spark":
        env.update(spark_env(env))
    return env


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_vars(as_of: date, extra: dict[str, Any] | None = None) -> list[str]:
    """`--vars` for dbt: the as-of date (always: SQL never decides "today") and any further vars."""
    return ["--vars", json.dumps({"as_of": as_of.isoformat(), **(extra or {})})]


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

    Commands that run models need `as_of`. Another target writes its artifacts to target/<name>/ under the
    home, so the DuckDB manifest Dagster reads stays put.
    """
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if args and args[0] in ("build", "run", "test", "seed"):
        if as_of is None:
            raise ValueError(f"dbt {args[0]} needs an as-of date")
        cmd += dbt_vars(as_of, {**dbt_region_vars(settings.home), **(extra_vars or {})})
    if target:
        cmd += ["--target", target]
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
    manifest = manifest_path(settings)
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    result = run_dbt(settings, ["parse", "--quiet"])
    if result.returncode != 0 or not manifest.exists():
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return manifest


def _current_manifest(settings: Settings) -> dict[str, Any] | None:
    """The last run's manifest when it is as new as the project (None otherwise: parsing again would cost
    more than the tests it lets an incremental build skip)."""
    manifest = manifest_path(settings)
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))


DbtRunner = Callable[[list[str]], Any]  # dbt arguments → result; raises or returns a non-zero returncode on failure


def build_duckdb(settings: Settings, as_of: date, run: DbtRunner | None = None) -> tuple[Any, BuildPlan]:
    """`dbt build` on DuckDB, incremental when the last build allows it, recorded when it succeeds.

    Call under the writer lock. `run` executes dbt (default: a subprocess, whose CompletedProcess is returned);
    Dagster passes its dbt resource so that the same plan and record serve both faces.
    """
    region_vars = dbt_region_vars(settings.home)
    with connect(settings.warehouse) as con:
        plan = plan_build(con, as_of, region_vars)
    # Dagster's face builds every model: a dbt asset not built yields no materialization, and the assets
    # below it (the publications) would not run.
    args = plan.dbt_args(None if plan.full_refresh else _current_manifest(settings), skip_unchanged_models=run is None)
    if run is None:
        result: Any = run_dbt(settings, args, as_of=as_of, extra_vars=plan.dbt_extra_vars())
    else:
        result = run([*args, *dbt_vars(as_of, {**region_vars, **plan.dbt_extra_vars()})])
    if getattr(result, "returncode", 0) == 0:
        with connect(settings.warehouse) as con:
            record_build(con, plan)
    return result, plan




@dataclass(frozen=True)
class BuildWarning:
    """A dbt test that warned, by name, with the sentence its YAML gives (`meta.warning_zh/_en`)."""

    test: str
    failures: int
    message_zh: str
    message_en: str


def build_warnings(target_path: Path) -> list[BuildWarning]:
    """The warnings of the last dbt run whose artefacts are in `target_path` (run_results + manifest)."""
    results_file, manifest_file = target_path / "run_results.json", target_path / "manifest.json"
    if not results_file.exists() or not manifest_file.exists():
        return []
    results = json.loads(results_file.read_text(encoding="utf-8"))["results"]
    nodes = json.loads(manifest_file.read_text(encoding="utf-8"))["nodes"]
    out = []
    for r in results:
        if r.get("status") != "warn":
            continue
        node = nodes.get(r["unique_id"], {})
        meta = node.get("config", {}).get("meta", {}) or node.get("meta", {})
        failures = int(r.get("failures") or 0)
        name = node.get("name", r["unique_id"])
        out.append(BuildWarning(
            name, failures,
            meta.get("warning_zh", "{failures} 行未通过检查").format(failures=f"{failures:,}"),
            meta.get("warning_en", "{failures} row(s) fail this check").format(failures=f"{failures:,}")))
    return out
