"""A dbt process started before the warehouse is free: `python -m warehouse.dbt_launcher`, driven by
`dbt_runner.DbtLauncher` over its stdin.

dbt spends ~2–3 s importing itself and loading the project before it opens the warehouse. Started early, it does
that while the build's own process still holds the warehouse (scorecard configuration, the contract report's
rows, the PII gate's raw tables), and opens the warehouse only when told to go. Three lines on stdin:

1. the `dbt parse` arguments (JSON): imported and parsed at once, `manifest.json` written;
2. the `dbt build` arguments (JSON), run on that manifest (`dbtRunner(manifest=...)`, so not parsed again) once
3. `go` arrives; anything else (or the end of stdin: the caller failed) ends the process without building.

The exit code is the `dbt` command's: 0 success, 1 failures, 2 an error before or outside the run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    from dbt.cli.main import dbtRunner  # the ~1.6 s the launch saves

    parse_args = json.loads(sys.stdin.readline() or "null")
    if not parse_args:
        return 2
    parsed = dbtRunner().invoke(parse_args)
    if not parsed.success:
        print(f"dbt parse failed: {parsed.exception}", flush=True)
        return 2
    build_args = json.loads(sys.stdin.readline() or "null")
    if not build_args or sys.stdin.readline().strip() != "go":
        return 2
    sys.stdout.flush()
    result = dbtRunner(manifest=parsed.result).invoke(build_args)
    run_results = getattr(result.result, "write", None)
    if run_results is not None and "--no-write-json" in build_args:
        # the run's results, as `dbt build` writes them; the manifest was written by the parse
        run_results(str(Path(os.environ.get("DBT_TARGET_PATH", "target")) / "run_results.json"))
    if result.success:
        return 0
    if result.exception is not None:
        print(f"dbt build failed: {result.exception}", flush=True)
        return 2
    return 1


def _exit(code: int) -> None:
    """End at once: dbt has closed the warehouse, and the interpreter's teardown of dbt's objects takes ~0.5 s
    that the build would wait for. The DuckDB instance (if dbt kept one) and the log files are closed first."""
    import logging

    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
    except Exception:  # another adapter, or nothing to close: the normal exit closes what is open
        sys.exit(code)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(main())
