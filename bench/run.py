"""The benchmark: the whole pipeline on generated data, against DuckDB's own readers (`python -m bench.run`).

    python -m bench.generate --scale 0.1 --out /tmp/liandong-bench
    python -m bench.run --data /tmp/liandong-bench --out results.json

In a fresh `$LIANDONG_HOME`, each stage runs the real CLI in its own process:
  ingest        `liandong ingest units penalty hotline supervision` (read, type, validate with GX, load)
  build         `liandong build` (dbt build with tests, contract report, PII gate)
  publish       `liandong publish`, only when the CLI has that verb (else recorded as skipped)
  reference     bench/reference.py: DuckDB `read_csv` / `read_xlsx` of the same files into tables
  incremental   `liandong ingest` of one new 10,000-row penalty file, then `liandong build`
Wall seconds and peak resident memory (the stage's whole process tree, sampled) are measured per stage;
the JSON has rows, seconds, rows per second, peak RSS, the ratio of pipeline to reference and the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REF_VENV_PYTHON = REPO / "bench" / ".ref-venv" / "bin" / "python"
FEED_DIRS = ("units", "penalty", "hotline", "supervision")
# issue 19's targets: (comparison, limit, what is measured)
TARGETS: dict[str, tuple[str, float, str]] = {
    "pipeline_vs_reference": ("<=", 4.0, "(ingest + build + publish) / best-case DuckDB reference"),
    "ingest_rows_per_second": (">=", 10_000.0, "rows of the whole delivery / ingest seconds"),
    "incremental_vs_full_build": ("<=", 0.15, "(ingest + build of the new file) / full build"),
    "incremental_ingest_seconds": ("<=", 8.0, "`liandong ingest` of the new 10,000-row file"),
    "peak_rss_gb": ("<=", 6.0, "peak resident memory of any pipeline stage"),
}
BENCH_KEY = "liandong-benchmark-key-not-for-real-data"


@dataclass
class Stage:
    name: str
    command: list[str]
    status: str = "pending"  # ok | failed | skipped | aborted
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    rows: int | None = None
    returncode: int | None = None
    note: str | None = None
    stderr_tail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float | None:
        return round(self.rows / self.seconds, 1) if self.rows and self.seconds else None


def _tree_rss(proc: Any) -> int:
    """Resident bytes of a process and all its descendants (psutil)."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except Exception:
        return 0
    for p in procs:
        with contextlib.suppress(Exception):  # a process that has just exited
            total += p.memory_info().rss
    return total


def run_stage(stage: Stage, env: dict[str, str], *, max_rss_gb: float | None, timeout: float | None,
              log_dir: Path, nice: int = 0) -> Stage:
    """Run one stage in its own session; sample its process tree's RSS; kill it past the memory cap."""
    import psutil

    out = (log_dir / f"{stage.name}.stdout").open("w")
    err = (log_dir / f"{stage.name}.stderr").open("w")
    started = time.perf_counter()
    popen = subprocess.Popen(stage.command, env=env, stdout=out, stderr=err, cwd=REPO, start_new_session=True,
                             preexec_fn=(lambda: os.nice(nice)) if nice else None)
    proc = psutil.Process(popen.pid)
    peak = 0
    aborted: str | None = None
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, aborted
        while not stop.is_set():
            rss = _tree_rss(proc)
            peak = max(peak, rss)
            if max_rss_gb and rss > max_rss_gb * 1e9 and aborted is None:
                aborted = f"aborted: resident memory passed {max_rss_gb} GB"
                os.killpg(popen.pid, signal.SIGKILL)
            if timeout and time.perf_counter() - started > timeout and aborted is None:
                aborted = f"aborted: ran longer than {timeout:.0f} s"
                os.killpg(popen.pid, signal.SIGKILL)
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stage.returncode = popen.wait()
    stage.seconds = round(time.perf_counter() - started, 3)
    stop.set()
    sampler.join()
    out.close()
    err.close()
    stage.peak_rss_mb = round(peak / 1e6, 1)
    if aborted:
        stage.status, stage.note = "aborted", aborted
    else:
        stage.status = "ok" if stage.returncode == 0 else "failed"
    if stage.status != "ok":
        text = (log_dir / f"{stage.name}.stderr").read_text(errors="replace")[-2000:]
        text += (log_dir / f"{stage.name}.stdout").read_text(errors="replace")[-2000:]
        stage.stderr_tail = text
    return stage


def has_verb(verb: str) -> bool:
    """Whether the project's CLI has a command (the publish verb is being added on main)."""
    from orchestration.cli import app

    names = {c.name or (c.callback.__name__.replace("_", "-") if c.callback else "") for c in app.registered_commands}
    return verb in names


def warehouse_counts(warehouse: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = con.execute("""select feed, count(*), sum(rows_read), sum(rows_loaded), sum(rows_quarantined),
                               sum(rows_non_data), count(*) filter (where status = 'rejected')
                               from meta.files group by feed order by feed""").fetchall()
        raw = {}
        for feed in ("penalty_ledger", "supervision_ledger", "hotline_exchange", "member_units"):
            raw[feed] = con.execute(f"select count(*), count(*) filter (where _is_current) from raw.{feed}").fetchone()
        facts = con.execute("select count(*) from raw.penalty_facts").fetchone()[0]
        size = warehouse.stat().st_size
    finally:
        con.close()
    return {
        "files": {f: {"files": n, "rows_read": int(r or 0), "rows_loaded": int(lo or 0),
                      "rows_quarantined": int(q or 0), "rows_non_data": int(nd or 0), "rejected": rej}
                  for f, n, r, lo, q, nd, rej in files},
        "raw_rows": {f: {"rows": a, "current": b} for f, (a, b) in raw.items()},
        "penalty_facts": facts,
        "warehouse_mb": round(size / 1e6, 1),
    }


def dbt_timings(home: Path) -> dict[str, Any]:
    """Per-node execution times of the last dbt run ($LIANDONG_HOME/dbt/target/run_results.json)."""
    path = home / "dbt" / "target" / "run_results.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    nodes = sorted(((r["unique_id"], round(r.get("execution_time") or 0.0, 2)) for r in data.get("results", [])),
                   key=lambda x: -x[1])
    return {"elapsed": round(data.get("elapsed_time") or 0.0, 2), "nodes": len(nodes),
            "models_seconds": round(sum(s for u, s in nodes if u.startswith("model.")), 2),
            "tests_seconds": round(sum(s for u, s in nodes if u.startswith("test.")), 2),
            "seeds_seconds": round(sum(s for u, s in nodes if u.startswith("seed.")), 2),
            "slowest": dict(nodes[:12])}


def code_commit() -> str | None:
    """The commit of the code measured (with `+dirty` for uncommitted changes), so a result names its code."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=30, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import duckdb
    import great_expectations
    import polars

    try:
        dbt_version = subprocess.run([str(Path(sys.executable).parent / "dbt"), "--version"], capture_output=True,
                                     text=True, timeout=60).stdout.split("\n")[1].strip()
    except Exception:
        dbt_version = None
    return {"nproc": os.cpu_count(), "memory_gb": mem_gb, "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "great_expectations": great_expectations.__version__, "polars": polars.__version__, "dbt": dbt_version,
            "load_average": os.getloadavg()}


def _gate_only(stage: Stage, log_dir: Path) -> None:
    """A build whose dbt run passed but whose PII gate failed ran every step: time it, and say why it failed.

    (The contract report prints the first 12 hex characters of each file's SHA-256; when they happen to be
    digits the detector reads a landline number — with thousands of files some always do.)
    """
    if stage.returncode != 1:
        return
    out = (log_dir / f"{stage.name}.stdout").read_text(errors="replace")
    err = (log_dir / f"{stage.name}.stderr").read_text(errors="replace")
    if " ERROR=0 " in out and "personal data found" in err:
        findings = [ln.strip() for ln in err.splitlines() if "✗" in ln]
        stage.status = "gate_failed"
        example = findings[0][:150] if findings else ""
        stage.note = f"dbt passed; PII gate failed: {len(findings)} finding(s), e.g. {example}"
        stage.extra["pii_findings"] = findings[:20]


def benchmark(data: Path, home: Path, *, reference_python: str | None, skip_reference: bool, max_rss_gb: float | None,
              timeout: float | None, nice: int, publish_args: list[str], as_of: str | None,
              incremental: bool = True) -> dict[str, Any]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    log_dir = home / "bench-logs"
    log_dir.mkdir()
    env = dict(os.environ, LIANDONG_HOME=str(home),
               LIANDONG_SECRET_KEY=os.environ.get("LIANDONG_SECRET_KEY", BENCH_KEY),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", PYTHONUNBUFFERED="1")
    cli = [str(Path(sys.executable).parent / "liandong")]
    if not Path(cli[0]).exists():
        cli = [sys.executable, "-m", "orchestration.cli"]
    build_args = ["build", *(["--as-of", as_of] if as_of else [])]
    totals = manifest["totals"]
    data_rows = sum(t["data_rows"] for t in totals.values())
    dirs = [str(data / d) for d in FEED_DIRS if (data / d).exists()]
    kw = {"max_rss_gb": max_rss_gb, "timeout": timeout, "log_dir": log_dir, "nice": nice}
    stages: list[Stage] = []

    def stage(name: str, command: list[str], rows: int | None) -> Stage:
        s = Stage(name, command, rows=rows)
        print(f"[bench] {name}: {' '.join(command[-4:])}", file=sys.stderr, flush=True)
        run_stage(s, env, **kw)
        print(f"[bench] {name}: {s.status} in {s.seconds:.1f} s, peak {s.peak_rss_mb:.0f} MB", file=sys.stderr,
              flush=True)
        stages.append(s)
        # what has run so far, so a run stopped before its end still leaves its measurements
        (log_dir / "stages.json").write_text(json.dumps([asdict(x) for x in stages], ensure_ascii=False, indent=1))
        return s

    ingest = stage("ingest", [*cli, "ingest", *dirs], data_rows)
    if ingest.returncode == 1:
        ingest.status, ingest.note = "ok", "exit 1: some file was rejected (see the counts)"
    counts = warehouse_counts(home / "warehouse.duckdb") if (home / "warehouse.duckdb").exists() else {}
    loaded_rows = sum(r["rows"] for r in counts.get("raw_rows", {}).values())
    build = stage("build", [*cli, *build_args], loaded_rows or None)
    build.extra["dbt"] = dbt_timings(home)
    _gate_only(build, log_dir)
    if has_verb("publish"):
        stage("publish", [*cli, "publish", *publish_args], loaded_rows or None)
    else:
        stages.append(Stage("publish", [*cli, "publish"], status="skipped",
                            note="the CLI has no `publish` verb on this branch"))
    if skip_reference:
        stages.append(Stage("reference", [], status="skipped", note="--skip-reference"))
    else:
        py = reference_python or (str(REF_VENV_PYTHON) if REF_VENV_PYTHON.exists() else sys.executable)
        ref = stage("reference", [py, str(REPO / "bench" / "reference.py"), str(data), "--db",
                                  str(home / "reference.duckdb")], None)
        if ref.status == "ok":
            result = json.loads((log_dir / "reference.stdout").read_text().strip().splitlines()[-1])
            ref.extra["reference"] = result
            ref.rows = result["rows_total"]
            if result["skipped_files"] or not result.get("complete", True):
                ref.note = (f"incomplete: {result['rows_total']:,} of {result.get('rows_expected', 0):,} rows; "
                            f"files DuckDB could not read here: {result['skipped_files']}")
        (home / "reference.duckdb").unlink(missing_ok=True)
    inc = manifest.get("incremental") if incremental else None
    if inc:
        stage("incremental_ingest", [*cli, "ingest", str(data / inc["path"])], inc["data_rows"])
        inc_build = stage("incremental_build", [*cli, *build_args], None)
        inc_build.extra["dbt"] = dbt_timings(home)
        _gate_only(inc_build, log_dir)
    return summarise(manifest, stages, counts, data)


def summarise(manifest: dict[str, Any], stages: list[Stage], counts: dict[str, Any], data: Path) -> dict[str, Any]:
    by = {s.name: s for s in stages}
    done = ("ok", "gate_failed")
    full_names = [n for n in ("ingest", "build", "publish") if n in by and by[n].status in done]
    pipeline = sum(by[n].seconds for n in full_names)
    ref = by.get("reference")
    ref_seconds = ref.seconds if ref and ref.status == "ok" else None
    inc = [by[n] for n in ("incremental_ingest", "incremental_build") if n in by]
    inc_seconds = sum(s.seconds for s in inc) if inc and all(s.status in done for s in inc) else None
    peak = max((s.peak_rss_mb for s in stages if s.name != "reference"), default=0.0)
    expected = {f: {"data_rows": t["data_rows"], "bad_rows": t["bad_rows"]} for f, t in manifest["totals"].items()}
    reconciled = None
    if counts.get("files"):
        reconciled = all(
            counts["files"].get(f, {}).get("rows_loaded", 0) + counts["files"].get(f, {}).get("rows_quarantined", 0)
            == e["data_rows"] and counts["files"].get(f, {}).get("rows_quarantined", 0) == e["bad_rows"]
            for f, e in expected.items())
    all_ok = all(s.status in done for s in stages if s.name in ("ingest", "build"))
    ratio = round(pipeline / ref_seconds, 2) if ref_seconds and all_ok else None
    inc_ratio = round(inc_seconds / pipeline, 3) if inc_seconds and pipeline and all_ok else None
    full_build = by["build"].seconds if "build" in by and by["build"].status in done else None
    inc_build_ratio = round(inc_seconds / full_build, 3) if inc_seconds and full_build and all_ok else None
    ingest = by.get("ingest")
    ingest_rate = ingest.rows_per_second if ingest and ingest.status in done else None
    inc_ingest = by.get("incremental_ingest")
    inc_ingest_seconds = inc_ingest.seconds if inc_ingest and inc_ingest.status in done else None
    ref_result = ref.extra.get("reference", {}) if ref else {}
    ref_complete = ref_result.get("complete")
    return {
        "data": str(data), "sizes": manifest["sizes"], "units": manifest["units"], "seed": manifest["seed"],
        "files": {f: t["files"] for f, t in manifest["totals"].items()}, "files_by_format": manifest["files_by_format"],
        "data_bytes": sum(t["bytes"] for t in manifest["totals"].values()),
        "rows": {"data_rows": sum(e["data_rows"] for e in expected.values()), "expected": expected},
        "stages": [{**{k: v for k, v in asdict(s).items() if k not in ("command",)},
                    "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(s.command[:3])),
                    "rows_per_second": s.rows_per_second} for s in stages],
        "pipeline_seconds": round(pipeline, 2), "pipeline_stages": full_names,
        "reference_seconds": ref_seconds, "pipeline_vs_reference": ratio,
        "incremental_seconds": round(inc_seconds, 2) if inc_seconds else None, "incremental_vs_full": inc_ratio,
        "peak_rss_mb": peak, "warehouse": counts, "reconciled": reconciled,
        "incremental_vs_full_build": inc_build_ratio, "reference_complete": ref_complete,
        "targets": _honest(targets(ratio, ingest_rate, inc_build_ratio, inc_ingest_seconds, peak, all_ok),
                           ref_complete),
        "machine": machine(), "commit": code_commit(), "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        "rusage_children_maxrss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def targets(ratio: float | None, ingest_rate: float | None, inc_build_ratio: float | None,
            inc_ingest_seconds: float | None, peak_mb: float, all_ok: bool) -> dict[str, dict[str, Any]]:
    """Each target of issue 19 with its value and whether it is met (a value not measured is not met)."""
    values = {"pipeline_vs_reference": ratio, "ingest_rows_per_second": ingest_rate,
              "incremental_vs_full_build": inc_build_ratio, "incremental_ingest_seconds": inc_ingest_seconds,
              "peak_rss_gb": round(peak_mb / 1000, 2) if all_ok else None}
    out = {}
    for name, (op, limit, what) in TARGETS.items():
        value = values[name]
        met = value is not None and (value <= limit if op == "<=" else value >= limit)
        out[name] = {"target": f"{op} {limit:g}", "value": value, "met": met, "what": what}
    return out


def _honest(tg: dict[str, dict[str, Any]], ref_complete: bool | None) -> dict[str, dict[str, Any]]:
    """A reference that did not read every data row is no best case: its ratio is shown but never met."""
    if ref_complete is False:
        tg["pipeline_vs_reference"]["met"] = False
        tg["pipeline_vs_reference"]["what"] += " (reference incomplete: not a best case)"
    return tg


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    s = result["sizes"]
    t = Table(title=f"liandong benchmark — {s['penalty_rows']:,} penalty rows, {s['hotline_rows']:,} tickets, "
                    f"{s['supervision_rows']:,} documents, {result['units']:,} units, {s['regions']} regions, "
                    f"{sum(result['files'].values()):,} files")
    for col in ("stage", "status", "seconds", "rows", "rows/s", "peak RSS MB", "note"):
        t.add_column(col)
    for st in result["stages"]:
        t.add_row(st["name"], st["status"], f"{st['seconds']:.1f}", f"{st['rows']:,}" if st["rows"] else "",
                  f"{st['rows_per_second']:,.0f}" if st["rows_per_second"] else "", f"{st['peak_rss_mb']:.0f}",
                  (st["note"] or "")[:60])
    console.print(t)
    tg = result["targets"]
    tt = Table(title="targets (issue 19)")
    for col in ("target", "value", "limit", "pass", "measured as"):
        tt.add_column(col)
    for name, v in tg.items():
        value = v["value"]
        shown = "—" if value is None else (f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}")
        tt.add_row(name, shown, v["target"], "PASS" if v["met"] else "FAIL", v["what"])
    console.print(tt)
    console.print(f"pipeline {result['pipeline_seconds']} s ({' + '.join(result['pipeline_stages'])}); "
                  f"DuckDB best-case reference {result['reference_seconds']} s (complete: "
                  f"{result.get('reference_complete')}); incremental {result['incremental_seconds']} s "
                  f"({result['incremental_vs_full']} of the whole pipeline); reconciled: {result['reconciled']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="folder written by python -m bench.generate")
    p.add_argument("--out", type=Path, default=Path("bench-results.json"))
    p.add_argument("--home", type=Path, help="fresh LIANDONG_HOME (deleted first); default: a new temp folder")
    p.add_argument("--reference-python", help="interpreter for bench/reference.py (default bench/.ref-venv)")
    p.add_argument("--skip-reference", action="store_true")
    p.add_argument("--skip-incremental", action="store_true")
    p.add_argument("--max-rss-gb", type=float, default=16.0, help="kill a stage whose memory passes this")
    p.add_argument("--timeout-minutes", type=float, help="kill a stage running longer than this")
    p.add_argument("--nice", type=int, default=0, help="run the stages with this niceness")
    p.add_argument("--as-of", help="as-of date for dbt (default today)")
    p.add_argument("--publish-args", default="", help="arguments for `liandong publish`")
    a = p.parse_args(argv)
    a.out.parent.mkdir(parents=True, exist_ok=True)  # now, not after a half-hour run (one was lost that way)
    home = a.home or Path(tempfile.mkdtemp(prefix="liandong-bench-home-"))
    result = benchmark(a.data.resolve(), home.resolve(), reference_python=a.reference_python,
                       skip_reference=a.skip_reference, max_rss_gb=a.max_rss_gb,
                       timeout=a.timeout_minutes * 60 if a.timeout_minutes else None, nice=a.nice,
                       publish_args=a.publish_args.split(), as_of=a.as_of, incremental=not a.skip_incremental)
    result["home"] = str(home)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_table(result)
    print(f"→ {a.out}")
    return 0 if all(s["status"] in ("ok", "skipped", "gate_failed") for s in result["stages"]) else 1


if __name__ == "__main__":
    sys.exit(main())
