"""Where the ingest time goes: `python -m bench.profile_ingest --data DIR [--cprofile FILE]`.

Runs `ingest.pipeline.ingest_files` in this process on the generated files (fresh home, units first, as
`liandong ingest` does) with a timer around each step of the pipeline — hashing and archiving, the
already-ingested lookup, reading, header matching, typing (rows.py / normalise.py), building the
validation frame, Great Expectations, applying failures, pseudonymising and masking, row hashes, the
DuckDB load, facts extraction, the file record — and prints each step's share of the wall time.
Timers are inclusive: nested steps are listed under their parent. `--cprofile` adds the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

LOAD = "_load_chunk (one transaction per chunk)"
# (module, attribute, label, parent label or None)
STEPS = [
    ("ingest.pipeline", "sha256_of", "hash file (sha256)", None),
    ("ingest.pipeline", "ingested_hashes", "already-ingested lookup (one query)", None),
    ("ingest.pipeline", "archive", "archive copy to landing/", None),
    ("ingest.pipeline", "prepare_file", "prepare_file (read + headers + typing)", None),
    ("ingest.pipeline", "read_grids", "read (csv decode / calamine)", "prepare_file (read + headers + typing)"),
    ("ingest.pipeline", "find_header", "header matching", "prepare_file (read + headers + typing)"),
    ("ingest.pipeline", "type_sheet", "typing: columns.py (rows.py / normalise.py per distinct cell)",
     "prepare_file (read + headers + typing)"),
    ("ingest.pipeline", "validate_inspections", "validate_inspections (GX and results)", None),
    ("ingest.pipeline", "validation_frame", "validation frame (pandas)", "validate_inspections (GX and results)"),
    ("data_contracts.gx_runner", "validate_frame", "Great Expectations validate_frame",
     "validate_inspections (GX and results)"),
    ("data_contracts.report", "results_by_unit", "results per unit", "validate_inspections (GX and results)"),
    ("ingest.pipeline", "_apply_failures", "apply failures to rows", "validate_inspections (GX and results)"),
    ("ingest.pipeline", "_load_chunk", LOAD, None),
    ("ingest.pipeline", "load_table", "load_table (protect + hash + arrow)", LOAD),
    ("ingest.pipeline", "stage_protection", "protect ahead while GX validates (protect_own)", None),
    ("ingest.pipeline", "protect_own_columns", "pseudonymise + mask free text (not done ahead)",
     "load_table (protect + hash + arrow)"),
    ("ingest.pipeline", "mask_known_names_columns", "mask the known persons", "load_table (protect + hash + arrow)"),
    ("ingest.pipeline", "row_hashes_columns", "row hash (json + sha256)", "load_table (protect + hash + arrow)"),
    ("ingest.pipeline", "load_rows", "DuckDB insert + current versions", LOAD),
    ("ingest.pipeline", "load_facts", "facts: extract + insert", LOAD),
    ("ingest.pipeline", "fact_rows", "facts extraction (facts.py)", "facts: extract + insert"),
    ("ingest.pipeline", "_quarantine_rows", "quarantine rows (masked reasons)", LOAD),
    ("ingest.pipeline", "_file_record", "file records (meta.files rows)", LOAD),
    ("ingest.pipeline", "_write_quarantine_csv", "quarantine csv", LOAD),
]


class Timers:
    @staticmethod
    def reset(timers: Timers) -> Timers:
        timers.seconds.clear()
        timers.calls.clear()
        return timers

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.depth: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls[label] += 1
            if self.depth[label]:  # recursion: count the outermost call only
                return fn(*args, **kwargs)
            self.depth[label] += 1
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - t
                self.depth[label] -= 1

        return timed


def profile_run(pipeline: Any, paths: list[Path], target: Any, timers: Timers, cprofile: Path | None) -> dict:
    profiler = cProfile.Profile() if cprofile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    outcomes = pipeline.ingest_files(paths, target)
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - started
    rows = sum(o.rows_read for o in outcomes)
    print(f"{len(paths)} files, {rows:,} rows read in {wall:.1f} s ({rows / wall:,.0f} rows/s)")
    breakdown = []
    for _m, _a, label, parent in STEPS:
        s = timers.seconds.get(label, 0.0)
        indent = 0
        q = parent
        while q:
            indent += 1
            q = next((pp for _1, _2, ll, pp in STEPS if ll == q), None)
        breakdown.append({"step": label, "parent": parent, "seconds": round(s, 2), "share": round(s / wall, 3),
                          "calls": timers.calls.get(label, 0)})
        print(f"{'  ' * indent}{label:<{60 - 2 * indent}} {s:8.1f} s {100 * s / wall:5.1f} %  "
              f"{timers.calls.get(label, 0):>8} calls")
    top = []
    if profiler and cprofile:
        profiler.dump_stats(str(cprofile))
        stats = pstats.Stats(str(cprofile))
        for (filename, line, func), (_cc, nc, tt, ct, _callers) in sorted(
                stats.stats.items(), key=lambda kv: -kv[1][2])[:25]:  # type: ignore[attr-defined]
            where = f"{Path(filename).parent.name}/{Path(filename).name}:{line}:{func}"
            top.append({"function": where, "self_seconds": round(tt, 2), "cumulative_seconds": round(ct, 2),
                        "calls": nc})
        print("\ntop functions by self time (cProfile; its overhead inflates per-call costs):")
        for t in top[:20]:
            print(f"  {t['self_seconds']:8.1f} s  {t['cumulative_seconds']:8.1f} s cum  {t['calls']:>10}  "
                  f"{t['function']}")
    return {"files": len(paths), "rows_read": rows, "wall_seconds": round(wall, 2),
            "rows_per_second": round(rows / wall, 1), "steps": breakdown, "top": top}


def instrument(timers: Timers) -> None:
    for module, attr, label, _parent in STEPS:
        mod = importlib.import_module(module)
        setattr(mod, attr, timers.wrap(label, getattr(mod, attr)))


def files_of(data: Path, limit_files: int | None) -> list[Path]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    order = {"member_units": 0, "penalty_ledger": 1, "hotline_exchange": 2, "supervision_ledger": 3}
    entries = sorted(manifest["files"], key=lambda f: (order[f["feed"]], f["path"]))
    paths = [data / f["path"] for f in entries]
    return paths[:limit_files] if limit_files else paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_ingest", description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--home", type=Path)
    p.add_argument("--limit-files", type=int)
    p.add_argument("--cprofile", type=Path, help="also run under cProfile and write the stats here")
    p.add_argument("--out", type=Path, help="write the breakdown as JSON")
    p.add_argument("--incremental", action="store_true",
                   help="then ingest the manifest's incremental file and break that down too")
    a = p.parse_args(argv)
    home = a.home or Path(tempfile.mkdtemp(prefix="liandong-profile-"))
    if home.exists():
        shutil.rmtree(home)
    os.environ["LIANDONG_HOME"] = str(home)
    os.environ.setdefault("LIANDONG_SECRET_KEY", "liandong-benchmark-key-not-for-real-data")
    from warehouse.settings import load_settings

    settings = load_settings(home)
    settings.prepare()
    from ingest import pipeline

    target = pipeline.IngestTarget.of(settings)
    timers = Timers()
    instrument(timers)

    paths = files_of(a.data, a.limit_files)
    result = {"full": profile_run(pipeline, paths, target, timers, a.cprofile)}
    if a.incremental:
        manifest = json.loads((a.data / "manifest.json").read_text(encoding="utf-8"))
        print("\nincremental file:")
        result["incremental"] = profile_run(pipeline, [a.data / manifest["incremental"]["path"]], target,
                                            Timers.reset(timers), None)
    if a.out:
        a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
