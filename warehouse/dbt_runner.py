"""Run dbt against the warehouse: as a subprocess for the CLI, or through any runner (Dagster's dbt resource).

dbt runs in its own process so that our Python process never holds the DuckDB file while dbt writes. Its
`target/` and `logs/` live under `$LIANDONG_HOME/dbt/`, so two homes never share or overwrite artefacts.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from warehouse.build_state import DBT_BUILD_VARS, BuildPlan, plan_build, record_build
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


class DbtLauncher:
    """`dbt build` in a process started ahead (`warehouse.dbt_launcher`): it imports dbt and parses the project
    (with the vars every build passes) while the caller still holds the warehouse, and opens the warehouse only at
    `build`. Its results are those of `run_dbt`'s subprocess (a CompletedProcess with dbt's output); the manifest
    is written by the parse, the run's results by the launcher, not the manifest again (~0.5 s at the end of each
    build). The last build's manifest, which the parse replaces, is read first (`previous_manifest`)."""

    def __init__(self, settings: Settings, as_of: date) -> None:
        self.settings = settings
        self.previous_manifest = _current_manifest(settings)
        self._vars = dbt_vars(as_of, {**dbt_region_vars(settings.home), **DBT_BUILD_VARS})
        # files, not pipes: dbt's output never waits for a reader; closed in `_finish`
        self._out, self._err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
        self.cmd = [sys.executable, "-m", "warehouse.dbt_launcher"]
        self._result: subprocess.CompletedProcess[str] | None = None
        env = {**dbt_env(settings), "PYTHONIOENCODING": "utf-8"}
        self.proc = subprocess.Popen(self.cmd, cwd=DBT_PROJECT_DIR, env=env, text=True,
                                     encoding="utf-8", stdin=subprocess.PIPE, stdout=self._out, stderr=self._err,
                                     preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        self._send(json.dumps(["parse", *self._common()]))

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # the launcher ended (its parse failed): its output says why
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()

    def _common(self) -> list[str]:
        return ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), *self._vars]

    def build(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        """Run `dbt <args>` on the parsed project, now that the caller no longer holds the warehouse; wait for it."""
        (self.settings.dbt_target_dir / "run_results.json").unlink(missing_ok=True)  # never a past run's
        self._send(json.dumps([*args, "--no-write-json", *self._common()]))
        self._send("go")
        return self._finish()

    def abort(self) -> None:
        """End the launcher without building, unless it has built (the caller failed before `build`)."""
        if self._result is None:
            if self.proc.poll() is None:
                self.proc.kill()
            self._finish()

    def _finish(self) -> subprocess.CompletedProcess[str]:
        with contextlib.suppress(BrokenPipeError):
            if self.proc.stdin:
                self.proc.stdin.close()
        code = self.proc.wait()
        out, err = (self._read(f) for f in (self._out, self._err))
        self._result = subprocess.CompletedProcess(self.cmd, code, out, err)
        return self._result

    @staticmethod
    def _read(f: Any) -> str:
        f.seek(0)
        text = f.read().decode("utf-8", errors="replace")
        f.close()
        return text


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


def build_duckdb(settings: Settings, as_of: date, run: DbtRunner | None = None, *, plan: BuildPlan | None = None,
                 launcher: DbtLauncher | None = None,
                 before_dbt: Callable[[], None] | None = None) -> tuple[Any, BuildPlan]:
    """`dbt build` on DuckDB, incremental when the last build allows it, recorded when it succeeds.

    Call under the writer lock. `run` executes dbt (default: a subprocess, whose CompletedProcess is returned,
    or the `launcher`'s, started earlier); Dagster passes its dbt resource so that the same plan and record
    serve both faces. `plan` is the caller's (`plan_build` under the same lock), else made here; `before_dbt` is
    what the caller still does in the warehouse while dbt starts.
    """
    region_vars = dbt_region_vars(settings.home)
    if plan is None:
        with connect(settings.warehouse) as con:
            plan = plan_build(con, as_of, region_vars)
    # Dagster's face builds every model: a dbt asset not built yields no materialization, and the assets
    # below it (the publications) would not run.
    manifest = launcher.previous_manifest if launcher is not None else _current_manifest(settings)
    args = plan.dbt_args(None if plan.full_refresh else manifest, skip_unchanged_models=run is None)
    if before_dbt is not None:
        before_dbt()
    if launcher is not None:
        result: Any = launcher.build(args)
    elif run is None:
        result = run_dbt(settings, args, as_of=as_of, extra_vars=plan.dbt_extra_vars())
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
