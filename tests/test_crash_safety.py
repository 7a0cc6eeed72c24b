"""Crash safety and concurrency of the real command line (issue 5, items 3–5).

Every run here is `python -m orchestration.cli …` in its own process group with `LIANDONG_HOME` set:
- marts are idempotent: the sample loaded twice, or in reversed order, builds identical marts;
- `liandong ingest` killed (SIGKILL) at measured moments and at injected points (while archiving, inside a
  chunk's transaction after a file's record, right after a chunk's commit) and then run again leaves the
  warehouse of an uninterrupted run — the crashed runs load in small chunks (`LIANDONG_INGEST_CHUNK_ROWS`),
  the uninterrupted one in the default chunk, so the result does not depend on the chunking either;
- `liandong build` killed mid-run and run again builds the marts of an uninterrupted build;
- a second writer started while the first runs waits with a sentence and both finish cleanly.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import TEST_KEY
from tests.test_end_to_end import _fingerprint

pytestmark = [pytest.mark.slow, pytest.mark.durability]  # own CI step: see pyproject

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 12, 31)
WAIT_SENTENCE = "仓库正被另一个任务写入"
NEVER_SHOWN = ("Traceback", "Could not set lock", "IO Error", "内部错误")

# Runs the CLI with a fault injected: the process SIGKILLs itself at a chosen point of `ingest_files`.
INJECTED = """
import os, signal, sys
import ingest.pipeline as p

mode, n = sys.argv[1], int(sys.argv[2])
calls = 0


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def nth():
    global calls
    calls += 1
    return calls == n


if mode == "while_archiving":  # the n-th file half copied to its .part file, earlier files archived
    real_archive = p.archive

    def archive(path, sha, landing):
        if nth():
            target = landing / sha[:2] / f"{sha}{path.suffix.lower()}"
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            target.with_suffix(target.suffix + ".part").write_bytes(data[: len(data) // 2])
            die()
        return real_archive(path, sha, landing)

    p.archive = archive
elif mode == "in_transaction":  # the n-th chunk's rows and its file records written, not committed
    real_insert = p.ChunkRecords.insert

    def insert(self, con):
        real_insert(self, con)
        if nth():
            die()

    p.ChunkRecords.insert = insert
elif mode == "after_commit":  # the n-th chunk committed (quarantine reports written), later chunks not begun
    real_load = p._load_chunk

    def _load_chunk(*args):
        real_load(*args)
        if nth():
            die()

    p._load_chunk = _load_chunk
else:
    raise SystemExit(f"unknown mode {mode}")

from orchestration.cli import main

sys.argv = ["liandong", *sys.argv[3:]]
main()
"""


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float


SMALL_CHUNK_ROWS = 200  # the sample's ~3,800 rows in ~25 chunks (the default chunk holds a feed whole)


def _env(home: Path, chunk_rows: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(LIANDONG_HOME=str(home), LIANDONG_SECRET_KEY=TEST_KEY, GX_ANALYTICS_ENABLED="false",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    for name in ("LIANDONG_SECRET_KEY_FILE", "LIANDONG_DEBUG", "DAGSTER_HOME", "LIANDONG_INGEST_CHUNK_ROWS"):
        env.pop(name, None)
    if chunk_rows is not None:
        env["LIANDONG_INGEST_CHUNK_ROWS"] = str(chunk_rows)
    return env


def _start(home: Path, args: list[str], log: Path, inject: tuple[str, int] | None = None,
           chunk_rows: int | None = None) -> subprocess.Popen:
    """The CLI in its own process group (so a kill can take its dbt child too); output to a log file."""
    if inject:
        cmd = [sys.executable, "-c", INJECTED, inject[0], str(inject[1]), *args]
    else:
        cmd = [sys.executable, "-m", "orchestration.cli", *args]
    with log.open("w", encoding="utf-8") as fh:
        return subprocess.Popen(cmd, cwd=ROOT, env=_env(home, chunk_rows), stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _finish(proc: subprocess.Popen, log: Path, start: float, *, kill_after: float | None = None,
            group: bool = True, timeout: float = 240) -> Run:
    """Wait for the process; with kill_after, SIGKILL it (its group unless group=False) at that moment."""
    try:
        proc.wait(timeout=kill_after if kill_after is not None else timeout)
    except subprocess.TimeoutExpired:
        if kill_after is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    return Run(proc.returncode, log.read_text(encoding="utf-8", errors="replace"), time.monotonic() - start)


def _cli(home: Path, *args: str, kill_after: float | None = None, inject: tuple[str, int] | None = None,
         chunk_rows: int | None = None) -> Run:
    log = home.parent / f"{home.name}-{time.monotonic_ns()}.log"
    home.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    return _finish(_start(home, list(args), log, inject, chunk_rows), log, start, kill_after=kill_after)


def _clean(run: Run) -> None:
    for text in NEVER_SHOWN:
        assert text not in run.output, run.output[-3000:]


def _marts(warehouse: Path) -> dict[str, str]:
    """A hash of every table in schema marts (column names and order-free rows; no build timestamps exist)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        out = {}
        for t in tables:
            cur = con.execute(f"select * from marts.{t}")
            names = [d[0] for d in cur.description]
            rows = sorted(map(repr, cur.fetchall()))
            out[t] = hashlib.sha256("\n".join([repr(names), *rows]).encode()).hexdigest()
        return out
    finally:
        con.close()


def _ledgers(folder: Path) -> list[Path]:
    """The files `liandong ingest <folder>` picks up, in its order (the sample also holds expected.json)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".csv"))


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@dataclass
class Reference:
    sample: Path
    shas: set[str]
    first: Run  # `liandong ingest` of the sample folder in a new home: the uninterrupted ingest
    second: Run  # the same command, started while the first held the writer lock
    build_seconds: float
    fingerprint: dict[str, str]
    marts: dict[str, str]
    quarantine: set[str]
    prebuild: Path  # the warehouse after the ingests, before any build


def _ingest_twice_at_once(home: Path, sample: Path, logs: Path) -> tuple[Run, Run]:
    """Start an ingest; once it holds the writer lock, start a second one on the same home; wait for both."""
    home.mkdir(parents=True, exist_ok=True)
    lock = home / "warehouse.lock"
    log_a, log_b = logs / "first.log", logs / "second.log"
    start = time.monotonic()
    first = _start(home, ["ingest", str(sample)], log_a)
    second = None
    try:
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):  # written once the lock is held
            assert first.poll() is None and time.monotonic() < deadline, log_a.read_text()
            time.sleep(0.05)
        second_start = time.monotonic()
        second = _start(home, ["ingest", str(sample)], log_b)
        a = _finish(first, log_a, start)
        b = _finish(second, log_b, second_start)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return a, b


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Reference:
    """The uninterrupted run: ingest the sample folder twice (the second waiting for the first), build."""
    from ingest.pipeline import sha256_of
    from sample_data import generate_sample

    base = tmp_path_factory.mktemp("crash_ref")
    sample = base / "sample"
    generate_sample(sample, 2024)
    home = base / "home"
    first, second = _ingest_twice_at_once(home, sample, base)
    assert first.returncode in (0, 1), first.output[-3000:]  # 1: the sample holds files that are rejected
    fingerprint = _fingerprint(home / "warehouse.duckdb")
    prebuild = base / "prebuild.duckdb"
    shutil.copyfile(home / "warehouse.duckdb", prebuild)
    build = _cli(home, "build", "--as-of", AS_OF.isoformat())
    assert build.returncode == 0, build.output[-3000:]
    marts = _marts(home / "warehouse.duckdb")
    assert len(marts) >= 8
    shas = {sha256_of(p) for p in _ledgers(sample)}
    return Reference(sample, shas, first, second, build.seconds, fingerprint, marts, _listing(home / "quarantine"),
                     prebuild)


def _assert_recovered(home: Path, ref: Reference) -> None:
    """The state of an uninterrupted ingest: every file once, reconciled, archived exactly, same tables."""
    warehouse = home / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = con.execute("select file_sha256, archive_path, rows_read, rows_loaded, rows_quarantined, "
                            "rows_non_data from meta.files").fetchall()
    finally:
        con.close()
    recorded = [f[0] for f in files]
    assert len(recorded) == len(set(recorded)) and set(recorded) == ref.shas
    unreconciled = [f for f in files if f[2] != f[3] + f[4] + f[5]]
    assert unreconciled == []
    assert _listing(home / "landing") == {str(Path(f[1]).relative_to("landing")) for f in files}
    assert _fingerprint(warehouse) == ref.fingerprint


def test_marts_are_the_same_when_the_sample_is_loaded_twice_or_in_reversed_order(reference, tmp_path):
    """The reference home was ingested twice (by the CLI); a second home ingests the files in reversed order."""
    from ingest.pipeline import IngestTarget, ingest_files
    from orchestration.cli import build_warehouse
    from warehouse.settings import load_settings

    paths = _ledgers(reference.sample)  # what `liandong ingest <folder>` reads, reversed below
    home = tmp_path / "reversed"
    settings = load_settings(home)
    settings.prepare()
    target = IngestTarget(settings.warehouse, settings.landing, settings.quarantine, TEST_KEY.encode())
    ingest_files(list(reversed(paths)), target)
    # an uncontested, in-process load equals the reference (loaded by two CLI runs at once): raw and meta tables
    # (meta.files' rows_new / rows_unchanged aside: the task lists are re-delivered whole, so which file first
    # delivered a row depends on the order)
    assert _fingerprint(settings.warehouse, any_order=True) == _fingerprint(reference.prebuild, any_order=True)
    build_warehouse(settings, AS_OF)  # what `liandong build` does: scorecard configuration, dbt build, gate
    assert _marts(settings.warehouse) == reference.marts


@pytest.fixture(scope="module")
def crashed(reference, tmp_path_factory) -> tuple[Path, list[int]]:
    """One home through five crashes, then a complete run; returns the home and the measured kills' exit codes.

    Every run loads in chunks of SMALL_CHUNK_ROWS rows. In order: injected, the 12th file half copied into
    landing (earlier chunks may have committed); the 3rd chunk's file records written inside its transaction,
    not committed; the 3rd chunk just committed; then measured, SIGKILL at 45 % and 80 % of the uninterrupted
    ingest's duration (whatever phase that is in).
    """
    home = tmp_path_factory.mktemp("crashed") / "home"
    sample = str(reference.sample)
    small = SMALL_CHUNK_ROWS
    archive = _cli(home, "ingest", sample, inject=("while_archiving", 12), chunk_rows=small)
    assert archive.returncode == -signal.SIGKILL, archive.output[-3000:]
    assert any(p.suffix == ".part" for p in (home / "landing").rglob("*"))
    for point in (("in_transaction", 3), ("after_commit", 3)):
        run = _cli(home, "ingest", sample, inject=point, chunk_rows=small)
        assert run.returncode == -signal.SIGKILL, (point, run.output[-3000:])
    timed = [_cli(home, "ingest", sample, kill_after=f * reference.first.seconds, chunk_rows=small).returncode
             for f in (0.45, 0.8)]
    final = _cli(home, "ingest", sample, chunk_rows=small)
    _clean(final)
    assert final.returncode in (0, 1), final.output[-3000:]
    return home, timed


def test_ingest_killed_at_measured_moments_and_injected_points_then_run_again(reference, crashed):
    home, timed = crashed
    assert -signal.SIGKILL in timed, timed  # at least one measured kill interrupted a run
    _assert_recovered(home, reference)


def test_quarantine_reports_survive_a_crash_after_a_commit(reference, crashed):
    assert _listing(crashed[0] / "quarantine") == reference.quarantine


def _build_home(reference: Reference, root: Path) -> Path:
    home = root / "home"
    home.mkdir(parents=True)
    shutil.copyfile(reference.prebuild, home / "warehouse.duckdb")
    return home


def test_build_killed_mid_run_then_run_again(reference, tmp_path):
    home = _build_home(reference, tmp_path)
    runs = [_cli(home, "build", "--as-of", AS_OF.isoformat(), kill_after=s)
            for s in (min(2.0, 0.2 * reference.build_seconds), min(5.0, 0.45 * reference.build_seconds))]
    assert any(r.returncode == -signal.SIGKILL for r in runs), [r.returncode for r in runs]
    final = _cli(home, "build", "--as-of", AS_OF.isoformat())
    _clean(final)
    assert final.returncode == 0, final.output[-3000:]
    assert _marts(home / "warehouse.duckdb") == reference.marts


def test_build_whose_dbt_outlives_it_does_not_break_the_next_build(reference, tmp_path):
    home = _build_home(reference, tmp_path)
    log = tmp_path / "orphan.log"
    orphan = _start(home, ["build", "--as-of", AS_OF.isoformat()], log)
    try:
        _finish(orphan, log, time.monotonic(), kill_after=min(4.0, 0.3 * reference.build_seconds), group=False)
        nxt = _cli(home, "build", "--as-of", AS_OF.isoformat())
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(orphan.pid, signal.SIGKILL)  # the dbt child left behind in the killed run's group
    _clean(nxt)
    assert nxt.returncode == 0, nxt.output[-3000:]
    assert _marts(home / "warehouse.duckdb") == reference.marts


def test_a_second_writer_waits_for_the_first_and_both_finish_cleanly(reference):
    """The reference ingest ran with a second `liandong ingest` started while the first held the writer lock."""
    first, second = reference.first, reference.second
    for run in (first, second):
        _clean(run)
    assert WAIT_SENTENCE in second.output and "the warehouse is busy" in second.output, second.output[-3000:]
    # every file was already ingested by the first; the refused ones are read (and refused) again: a rejection
    # does not mark the content as processed
    assert second.returncode == 1 and "已处理过" in second.output, second.output[-3000:]
    assert first.returncode in (0, 1), first.output[-3000:]
    # every file once, reconciled, archived exactly; the tables themselves equal an uncontested load (see the
    # reversed-order test, which compares its in-process load with this reference)
    _assert_recovered(reference.prebuild.parent / "home", reference)
