"""The worker-process path of `ingest_files` (issue 19 B): the same tables, records and quarantine as the
in-process path, and a worker that crashes or hangs on one file rejects that file only."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

import ingest.workers as workers
from ingest.balance import START_SHARE
from ingest.pipeline import IngestTarget, PrepareSettings, ingest_files, prepare_file
from tests.builders import PENALTY_HEADERS, penalty_row, write_csv
from tests.corpus.cases import CASES, TODAY
from tests.test_end_to_end import _fingerprint

KEY = b"workers-test-key-0123456789abcdef"
D = [f"惠市监罚〔2024〕{i}号" for i in range(1, 7)]


def _target(home: Path) -> IngestTarget:
    return IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", KEY)


def _summary(outcomes) -> list[tuple]:
    return [(o.name, o.sha256, o.feed, o.status, o.rows_read, o.rows_loaded, o.rows_new, o.rows_unchanged,
             o.rows_quarantined, o.rows_non_data, o.rows_duplicate, sorted(o.rule_counts.items()),
             [p.sentence(o.name) for p in o.problems], o.notes) for o in outcomes]


def _quarantine_files(home: Path) -> dict[str, bytes]:
    folder = home / "quarantine"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


def _ingest(paths: list[Path], home: Path, workers_env: str, monkeypatch, chunk_rows: int) -> list:
    monkeypatch.setenv(workers.WORKERS_ENV, workers_env)
    monkeypatch.setenv("LIANDONG_INGEST_CHUNK_ROWS", str(chunk_rows))
    return ingest_files(paths, _target(home), None, TODAY)


@pytest.mark.durability  # the worker path is opt-in (LIANDONG_INGEST_WORKERS=1): its minutes run in that step
def test_the_worker_path_loads_exactly_what_the_in_process_path_loads(tmp_path, monkeypatch):
    """The sample and the bad-input corpus (cases without --feed) in one delivery, in small chunks."""
    from sample_data import generate_sample

    generate_sample(tmp_path / "sample", 2024)
    paths = sorted(p for p in (tmp_path / "sample").rglob("*") if p.is_file() and p.suffix in (".csv", ".xlsx"))
    for case in CASES:
        if case.feed is None and case.xfail is None:
            folder = tmp_path / "corpus" / case.id
            folder.mkdir(parents=True)
            paths += case.build(folder)
    assert len(paths) > 60

    inline = _ingest(paths, tmp_path / "inline", "0", monkeypatch, 400)
    worker = _ingest(paths, tmp_path / "worker", "1", monkeypatch, 400)

    assert _summary(worker) == _summary(inline)
    assert {o.status for o in inline} >= {"loaded", "partial", "rejected", "skipped"}
    assert sum(o.rows_loaded for o in inline) == 3_020  # the sample (its task lists included) and the corpus cases
    prints = [_fingerprint(tmp_path / h / "warehouse.duckdb") for h in ("inline", "worker")]
    assert prints[0] == prints[1]
    assert {"raw.penalty_ledger", "meta.files", "meta.quarantine"} <= set(prints[0])
    assert _quarantine_files(tmp_path / "worker") == _quarantine_files(tmp_path / "inline")
    assert len(_quarantine_files(tmp_path / "inline")) > 10


# The worker resolves this by name (`workers.PREPARE`): it runs in the spawned worker, not in the test.
def prepare_or_fail(path: Path, *args):
    from ingest import pipeline

    if "crash" in path.name:
        os._exit(9)  # a reader dying in C: no exception, no cleanup
    if "hang" in path.name:
        time.sleep(3600)
    if "poison" in path.name and not getattr(pipeline, "_poisoned", False):
        real_validate = pipeline.validate_inspections

        def validate(inspections, *args):
            if any("poison" in i.outcome.name for i in inspections):
                os._exit(11)
            return real_validate(inspections, *args)

        pipeline.validate_inspections, pipeline._poisoned = validate, True
    return prepare_file(path, *args)  # the real one, imported before the worker swapped it


def _three(folder: Path, bad: str) -> list[Path]:
    folder.mkdir()
    row = lambda i: penalty_row(**{"行政处罚决定书文号": D[i]})  # noqa: E731
    return [write_csv(folder / "a.csv", PENALTY_HEADERS, [row(0), row(1)]),
            write_csv(folder / f"{bad}.csv", PENALTY_HEADERS, [row(2), row(3)]),
            write_csv(folder / "c.csv", PENALTY_HEADERS, [row(4), row(5)])]


@pytest.mark.durability
@pytest.mark.parametrize("bad", ["crash", "hang", "poison"])
def test_a_worker_that_stops_on_one_file_rejects_that_file_only(tmp_path, monkeypatch, bad):
    monkeypatch.setattr(workers, "PREPARE", f"{__name__}:prepare_or_fail")
    monkeypatch.setenv(workers.TIMEOUT_ENV, "15")  # the first file also pays the worker's imports
    paths = _three(tmp_path / "in", bad)
    started = time.monotonic()
    outcomes = _ingest(paths, tmp_path / "home", "1", monkeypatch, 1_000)
    assert time.monotonic() - started < 600  # the hang was stopped, not waited out (slow on a busy machine)

    assert [(o.name, o.status, o.rows_loaded) for o in outcomes] == [
        ("a.csv", "loaded", 2), (f"{bad}.csv", "rejected", 0), ("c.csv", "loaded", 2)]
    assert [p.rule_id for p in outcomes[1].problems] == ["file.internal"]
    assert "PreparationStopped" in outcomes[1].problems[0].message_en
    con = duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select decision_no from raw.penalty_ledger order by 1").fetchall() == [
            (D[0],), (D[1],), (D[4],), (D[5],)]
        assert sorted(con.execute("select file_name, status, rows_loaded from meta.files").fetchall()) == sorted([
            ("a.csv", "loaded", 2), (f"{bad}.csv", "rejected", 0), ("c.csv", "loaded", 2)])
    finally:
        con.close()
    # the rejection is not a mark of the content: with a working reader it loads on the next run
    monkeypatch.setattr(workers, "PREPARE", None)
    again = _ingest(paths, tmp_path / "home", "1", monkeypatch, 1_000)
    assert [o.status for o in again] == ["skipped", "loaded", "skipped"]


def test_large_deliveries_go_to_a_worker_on_two_cores(tmp_path, monkeypatch):
    """A worker for a delivery of WORKER_MIN_BYTES or more on two cores; in process for a small one, one file
    or one core, unless forced either way."""
    paths = _three(tmp_path / "in", "b")
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    assert not workers.workers_wanted(paths)  # a few hundred bytes
    size = sum(p.stat().st_size for p in paths)
    monkeypatch.setattr(workers, "WORKER_MIN_BYTES", size)
    assert workers.workers_wanted(paths)
    assert not workers.workers_wanted(paths[:1])  # one file is one chunk: nothing to overlap
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    assert not workers.workers_wanted(paths)
    monkeypatch.setenv(workers.WORKERS_ENV, "1")
    assert workers.workers_wanted(paths[:1])
    monkeypatch.setenv(workers.WORKERS_ENV, "0")
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    assert not workers.workers_wanted(paths)
    monkeypatch.setenv(workers.WORKERS_ENV, "many")
    with pytest.raises(workers.UserError) as err:
        workers.workers_wanted(paths)
    assert workers.WORKERS_ENV in err.value.message_zh and "must be 0" in err.value.message_en


def test_what_a_worker_receives_pickles():  # spawn: everything crosses the pipe pickled
    import pickle

    from ingest.profiles import available_profiles

    profiles = tuple(available_profiles(None))
    assert profiles
    how = PrepareSettings(None, profiles[0], profiles, date(2025, 6, 30), Path("/tmp/x"), 10)
    assert pickle.loads(pickle.dumps(how)) == how


def _threads(con) -> int:
    return con.execute("select current_setting('threads')").fetchone()[0]


def _threads_while_loading(monkeypatch) -> list[int]:
    """DuckDB's threads on the ingest connection at each chunk's load, from now on (the pipeline's own load
    runs after the look)."""
    from ingest import pipeline

    seen: list[int] = []
    real = pipeline._load_contained
    monkeypatch.setattr(pipeline, "_load_contained", lambda con, *a: seen.append(_threads(con)) or real(con, *a))
    return seen


def test_the_worker_sends_rows_ready_to_store(tmp_path, monkeypatch):
    """A worker masks, pseudonymises and hashes the rows on its core: the parent stores them as sent (it makes
    no table of its own), the same rows as in process, the persons known before masked in the new texts."""
    from ingest import pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    rows = [penalty_row(**{"行政处罚决定书文号": D[i], "法定代表人": "李四" if i < 2 else "王五",
                           "违法事实": f"经查李四未履行第{i}项义务"}) for i in range(6)]
    paths = [write_csv(folder / f"{n}.csv", PENALTY_HEADERS, rows[2 * n: 2 * n + 2]) for n in range(3)]
    made_here: list[str] = []
    real = pipeline.load_table
    monkeypatch.setattr(pipeline, "load_table",
                        lambda c, ins, *a: made_here.append(ins.outcome.name) or real(c, ins, *a))
    default_threads = _threads(duckdb.connect())
    threads_inline = _threads_while_loading(monkeypatch)
    inline = _ingest(paths, tmp_path / "inline", "0", monkeypatch, 2)
    assert threads_inline == [default_threads] * 3  # read here: DuckDB keeps its threads
    assert sorted(made_here) == ["0.csv", "1.csv", "2.csv"]
    made_here.clear()
    from privacy.names import KnownNames

    hashed_here: list = []
    real_add = KnownNames.add
    monkeypatch.setattr(KnownNames, "add", lambda self, names: hashed_here.append(names) or real_add(self, names))
    threads = _threads_while_loading(monkeypatch)  # one beside a worker (it and its validator use the other core)
    worker = _ingest(paths, tmp_path / "worker", "1", monkeypatch, 2)
    assert threads == [pipeline.INGEST_THREADS_BESIDE_WORKER] * 3 == [1, 1, 1]
    assert made_here == []
    assert hashed_here == []  # the names' hashes come with the chunk: the parent learns them (the same table)
    facts = _as_loaded_inline(tmp_path, "worker", worker, inline, 6)
    assert facts == [("经查【姓名】未履行第4项义务",), ("经查【姓名】未履行第5项义务",)]  # 李四 of 0.csv


def _three_files_with_known_names(tmp_path: Path) -> list[Path]:
    """Three two-row penalty files: 李四 (0.csv's 法定代表人) and 王五 (the others') named in every 违法事实,
    the last row quarantined (an unreadable date)."""
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [penalty_row(**{"行政处罚决定书文号": D[i], "法定代表人": "李四" if i < 2 else "王五",
                           "违法事实": f"经查李四未履行第{i}项义务，王五在场"}) for i in range(6)]
    rows[5]["处罚决定日期"] = "不详"  # quarantined
    return [write_csv(folder / f"{n}.csv", PENALTY_HEADERS, rows[2 * n: 2 * n + 2]) for n in range(3)]


def test_rows_the_worker_leaves_to_the_parent_travel_as_columns(tmp_path, monkeypatch):
    """Past its share of a chunk, the worker sends a file's good rows as columns (`RowColumns`); the parent
    protects and stores them as in process: own names, a person known from an earlier file, a quarantined row."""
    from ingest import pipeline

    paths = _three_files_with_known_names(tmp_path)
    made_here: list[tuple[str, bool]] = []
    real = pipeline.load_table
    monkeypatch.setattr(pipeline, "load_table", lambda c, ins, *a: made_here.append(
        (ins.outcome.name, ins.good_columns is not None)) or real(c, ins, *a))
    inline = _ingest(paths, tmp_path / "inline", "0", monkeypatch, 6)
    made_here.clear()
    worker = _ingest(paths, tmp_path / "worker", "1", monkeypatch, 6)
    # 0.csv's two rows pass the worker's quarter of the chunk's five good rows: the parent makes the others
    assert START_SHARE == 0.25  # the first chunk's share (the worker adjusts the next ones)
    assert made_here == [("1.csv", True), ("2.csv", True)]
    facts = _as_loaded_inline(tmp_path, "worker", worker, inline, 5)
    assert facts == [("经查【姓名】未履行第4项义务，【法定代表人】在场",)]
    assert _quarantine_files(tmp_path / "worker") == _quarantine_files(tmp_path / "inline") != {}


def test_row_columns_give_back_the_rows():
    """`RowColumns` round trip: values (a value a row lacks reads None), sheets, row numbers and flags."""
    from ingest.rows import ParsedRow, RowColumns

    rows = [ParsedRow("表1", 3, {"a": 1, "b": "x"}, {"a": "1"}, [], ["f"]), ParsedRow(None, 4, {"a": None}, {}, [])]
    columns = RowColumns.of(rows)
    assert len(columns) == 2 and columns.values() == [{"a": 1, "b": "x"}, {"a": None, "b": None}]
    assert [(r.sheet, r.row_number, r.values, r.flags) for r in columns.rows()] == [
        ("表1", 3, {"a": 1, "b": "x"}, ["f"]), (None, 4, {"a": None, "b": None}, [])]
    assert RowColumns.of([]).values() == []


def _as_loaded_inline(tmp_path: Path, home: str, outcomes: list, inline: list, loaded: int) -> list[tuple]:
    """Check that `home` holds what the in-process load (`inline`) gave; the 违法事实 of its 2.csv, sorted."""
    assert _summary(outcomes) == _summary(inline) and sum(o.rows_loaded for o in outcomes) == loaded
    assert _fingerprint(tmp_path / home / "warehouse.duckdb") == _fingerprint(tmp_path / "inline" / "warehouse.duckdb")
    con = duckdb.connect(str(tmp_path / home / "warehouse.duckdb"), read_only=True)
    try:
        return sorted(con.execute("select violation_facts from raw.penalty_ledger where _file_name = '2.csv'")
                      .fetchall())
    finally:
        con.close()


class _SlowValidator:
    """A validator process stand-in whose report is never back early: every row is protected ahead."""

    def submit(self, contract, frame, today):
        from data_contracts.gx_runner import validate_frame

        return workers._Report(lambda: validate_frame(contract, frame, today), lambda: False)


def test_rows_protected_ahead_are_stored_as_rows_protected_at_load(tmp_path, monkeypatch):
    """While GX validates a delivery read here, its rows are protected (`stage_protection`); the tables are
    those of rows protected at load: own names, a person known from an earlier file, a quarantined row."""
    from ingest import pipeline

    paths = _three_files_with_known_names(tmp_path)
    staged: list[int] = []
    real = pipeline.stage_protection

    def counted(inspections, key, ready):
        real(inspections, key, ready)
        staged.append(sum(r.staged is not None for ins in inspections for r in ins.parsed))

    monkeypatch.setattr(pipeline, "stage_protection", counted)
    inline = [o for p in paths for o in _ingest([p], tmp_path / "inline", "0", monkeypatch, 2)]
    assert staged == []
    monkeypatch.delenv(workers.WORKERS_ENV)
    monkeypatch.setattr(workers, "validator", _SlowValidator)
    ahead = [o for p in paths for o in ingest_files([p], _target(tmp_path / "ahead"), None, TODAY)]
    assert staged == [2, 2, 1]  # the row with an unreadable date is not protected ahead
    facts = _as_loaded_inline(tmp_path, "ahead", ahead, inline, 5)
    assert facts == [("经查【姓名】未履行第4项义务，【法定代表人】在场",)]  # 李四 known from 0.csv


def test_the_protection_a_worker_is_given_pickles():
    import functools
    import pickle

    from ingest.pipeline import protect_chunk
    from privacy.names import KnownNames, hash_rows

    rows = hash_rows(KEY, ["张三"])
    persons = KnownNames(KEY, {h for k, h in rows if k == "name"}, {h for k, h in rows if k == "initial"})
    protect = pickle.loads(pickle.dumps(functools.partial(protect_chunk, key=KEY, persons=persons)))
    assert protect.keywords["persons"].mask("举报张三") == "举报【姓名】"


def test_the_validator_starts_at_once_for_a_delivery_read_here(tmp_path, monkeypatch):
    """One new file is read in this process: its validator process starts before the warehouse is opened.
    A delivery a worker reads starts none here (the worker has its own)."""
    started: list[bool] = []
    monkeypatch.setattr(workers, "validator", lambda: started.append(True))
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    small = [write_csv(tmp_path / f"{n}.csv", PENALTY_HEADERS, [penalty_row()]) for n in range(2)]
    workers.warm_validator(small)
    assert started == [True]
    monkeypatch.setattr(workers, "WORKER_MIN_BYTES", 10)
    workers.warm_validator(small)
    assert started == [True]


class _Pipe:
    """The validator's end as `Validator` sees it: a write that waits until `open` is set (the validator busy
    importing GX), or fails (it died)."""

    def __init__(self, fail: bool = False) -> None:
        import threading

        self.open, self.fail, self.sent = threading.Event(), fail, []

    def send_bytes(self, data) -> None:
        self.open.wait(10)
        if self.fail:
            raise BrokenPipeError
        self.sent.append(bytes(data))

    def poll(self, timeout: float = 0) -> bool:
        return bool(self.sent)

    def recv(self):
        return "ok", "the report"

    def close(self) -> None:
        pass


class _Process:
    def join(self, timeout: float | None = None) -> None:
        pass

    def is_alive(self) -> bool:
        return False


@pytest.mark.parametrize("dies", [False, True])
def test_a_frame_goes_to_the_validator_without_waiting_for_it(monkeypatch, dies):
    """The frame is written by a thread: `submit` returns while the validator cannot read yet, and the caller
    works on; collecting waits for the write, then the report. A validator that dies meanwhile: validated here."""
    import pickle

    from data_contracts.model import load_contract

    validator = workers.Validator.__new__(workers.Validator)
    validator.conn, validator.proc, validator.sending = _Pipe(fail=dies), _Process(), None
    monkeypatch.setattr(workers.Validator, "_here", staticmethod(lambda contract, frame, today: "validated here"))
    started = time.perf_counter()
    report = validator.submit(load_contract("penalty_ledger"), {"frame": 1}, TODAY)
    assert time.perf_counter() - started < 5 and not report.ready()
    pipe = validator.conn
    pipe.open.set()
    if dies:
        assert report() == "validated here" and validator.conn is None
    else:
        assert report() == "the report"
        assert pickle.loads(pipe.sent[0]) == ("penalty_ledger", {"frame": 1}, TODAY)


def test_an_ingest_through_a_worker_ends_without_a_leaked_semaphore_warning(tmp_path):
    """GX's (hidden) progress bar made tqdm create a multiprocessing lock in the validator process, which it
    never released: every large ingest ended with Python's "leaked semaphore objects" warning on the terminal."""
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [penalty_row(**{"行政处罚决定书文号": D[i]}) for i in range(4)]
    for n in range(2):
        write_csv(folder / f"{n}.csv", PENALTY_HEADERS, rows[2 * n: 2 * n + 2])
    env = {**os.environ, "LIANDONG_HOME": str(tmp_path / "home"), "LIANDONG_SECRET_KEY": KEY.decode(),
           workers.WORKERS_ENV: "1", "PYTHONWARNINGS": "default"}
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "ingest", str(folder)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("已载入") == 2  # both files went in (through the worker), all four rows:
    con = duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"), read_only=True)
    try:  # (a "4" in the output also matched the progress bar's elapsed time, and failed when it took longer)
        assert con.execute("select count(*) from raw.penalty_ledger").fetchone() == (4,)
    finally:
        con.close()
    assert "leaked semaphore" not in done.stderr


def test_a_module_imported_lazily_runs_on_first_use_only():
    """`_import_lazily` (the validator's scipy.stats, `LAZY_FOR_VALIDATION`): `from package import module` binds
    the module without running it; reading one of its attributes runs it, and it works as imported."""
    code = textwrap.dedent("""
        import sys
        from ingest.workers import _import_lazily
        _import_lazily("xml.dom.minidom")
        from xml.dom import minidom
        print(type(minidom).__name__, "xml.dom.minicompat" in sys.modules)
        print(minidom.parseString("<a><b/></a>").documentElement.firstChild.tagName,
              "xml.dom.minicompat" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["_LazyModule False", "b True"]


def test_the_validator_process_gives_the_report_given_here_without_spark_or_sqlalchemy():
    """GX in the validator process is imported without pyspark, SQLAlchemy and pyodbc (`NOT_FOR_VALIDATION`) and
    with scipy.stats not yet run (`LAZY_FOR_VALIDATION`): the process lives on and its report of a frame that
    breaks every rule is the one validated here."""
    from data_contracts.compiler import compile_rules
    from data_contracts.gx_runner import validate_frame
    from data_contracts.model import load_contract
    from tests.contract_cases import TODAY as CONTRACT_TODAY
    from tests.contract_cases import broken_frame

    contract = load_contract("penalty_ledger")
    frame, _ = broken_frame(contract, compile_rules(contract, CONTRACT_TODAY))
    validator = workers.Validator()
    try:
        there = validator.submit(contract, frame, CONTRACT_TODAY)()
        assert validator.conn is not None and validator.proc.is_alive()  # not validated here after a crash
    finally:
        validator.close()
    here = validate_frame(contract, frame, CONTRACT_TODAY)
    assert [(o.rule_id, o.unexpected_count, list(o.failed_index), o.exception) for o in there.outcomes] == \
        [(o.rule_id, o.unexpected_count, list(o.failed_index), o.exception) for o in here.outcomes]
    assert sum(o.unexpected_count for o in here.outcomes) > 0 and not any(o.exception for o in here.outcomes)
