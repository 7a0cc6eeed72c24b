"""Bounded streaming ingest (issue 7): files are read lazily and loaded in chunks of at most N rows.

The same files loaded in one chunk, in one chunk per file, or in chunks of three rows give exactly the
same raw and meta tables (lineage, current versions, facts, per-file counts); identical rows of several
files in one chunk keep the smallest file hash's lineage; no chunk holds more rows than the limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

import ingest.pipeline as pipeline
from data_contracts.gx_runner import validate_frame
from ingest import workers
from ingest.chunks import CHUNK_ROWS_ENV, chunk_rows
from ingest.pipeline import IngestTarget, ingest_files, sha256_of
from tests.builders import PENALTY_HEADERS, penalty_row, write_csv
from tests.conftest import TEST_KEY
from tests.test_end_to_end import _fingerprint
from warehouse.errors import UserError

D = [f"惠市监罚〔2024〕{i}号" for i in range(1, 6)]


def _files(folder: Path) -> list[Path]:
    """a: D1 D2; b: D1 (identical) D3; c: D2 corrected later; d: D1 (identical) and an unreadable date."""
    folder.mkdir()
    row = lambda i, **kw: penalty_row(**{"行政处罚决定书文号": D[i], **kw})  # noqa: E731
    return [
        write_csv(folder / "a.csv", PENALTY_HEADERS, [row(0), row(1)]),
        write_csv(folder / "b.csv", PENALTY_HEADERS, [row(0), row(2, **{"罚款金额（万元）": "0.7"})]),
        write_csv(folder / "c.csv", PENALTY_HEADERS, [row(1, **{"罚款金额（万元）": "0.8", "录入日期": "2024-04-01"})]),
        write_csv(folder / "d.csv", PENALTY_HEADERS, [row(0), row(4, 处罚决定日期="2024-02-30")]),
    ]


def _target(home: Path) -> IngestTarget:
    from warehouse.settings import load_settings

    settings = load_settings(home)
    settings.prepare()
    return IngestTarget(settings.warehouse, settings.landing, settings.quarantine, TEST_KEY.encode())


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


class _AheadHere:
    """A validator taking each frame ahead, as the validator process does (`submit`), but validating here."""

    def __call__(self, contract, frame, today):
        return validate_frame(contract, frame, today)

    def submit(self, contract, frame, today):
        return lambda: validate_frame(contract, frame, today)


def _ingest(paths: list[Path], home: Path, rows: int, monkeypatch: pytest.MonkeyPatch,
            ahead: bool = False) -> tuple[list, list, list]:
    """Ingest with a chunk size, in process, validating each chunk when formed or (`ahead`) while the next one is
    read; returns (outcomes, events: prepare/load in order, rows per load_rows call)."""
    monkeypatch.setenv(CHUNK_ROWS_ENV, str(rows))
    monkeypatch.setenv(workers.WORKERS_ENV, "0")
    monkeypatch.setattr(workers, "validator", lambda: _AheadHere() if ahead else None)
    events: list[Any] = []
    batch_rows: list[int] = []
    real_prepare, real_load, real_rows = pipeline.prepare_file, pipeline._load_chunk, pipeline.load_rows

    def prepare_file(path, *args):
        events.append(path.name)
        return real_prepare(path, *args)

    def _load_chunk(con, chunk, target, *rest):
        events.append([p.inspection.outcome.name for p in chunk])
        return real_load(con, chunk, target, *rest)

    def load_rows(con, contract, batch):
        batch_rows.append(batch.num_rows)
        return real_rows(con, contract, batch)

    monkeypatch.setattr(pipeline, "prepare_file", prepare_file)
    monkeypatch.setattr(pipeline, "_load_chunk", _load_chunk)
    monkeypatch.setattr(pipeline, "load_rows", load_rows)
    try:
        outcomes = ingest_files(paths, _target(home))
    finally:
        monkeypatch.undo()
    return outcomes, events, batch_rows


def test_chunk_size_changes_nothing_but_the_chunks(tmp_path, monkeypatch):
    paths = _files(tmp_path / "in")
    sha = {p.name: sha256_of(p) for p in paths}
    one, one_events, one_rows = _ingest(paths, tmp_path / "one", 1_000, monkeypatch)
    per_file, per_file_events, per_file_rows = _ingest(paths, tmp_path / "per_file", 1, monkeypatch)
    three, three_events, three_rows = _ingest(paths, tmp_path / "three", 3, monkeypatch)
    ahead, ahead_events, ahead_rows = _ingest(paths, tmp_path / "ahead", 1, monkeypatch, ahead=True)

    # the chunks: prepared lazily, flushed before the rows held would pass the limit
    assert one_events == ["a.csv", "b.csv", "c.csv", "d.csv", ["a.csv", "b.csv", "c.csv", "d.csv"]]
    assert one_rows == [6]  # d's unreadable row is quarantined, not loaded
    assert per_file_events == ["a.csv", "b.csv", ["a.csv"], "c.csv", ["b.csv"], "d.csv", ["c.csv"], ["d.csv"]]
    assert per_file_rows == [2, 2, 1, 1]
    assert three_events == ["a.csv", "b.csv", ["a.csv"], "c.csv", "d.csv", ["b.csv", "c.csv"], ["d.csv"]]
    assert three_rows == [2, 3, 1]
    # validated ahead: a chunk is loaded once the next one is formed (its frame went out first)
    assert ahead_events == ["a.csv", "b.csv", "c.csv", ["a.csv"], "d.csv", ["b.csv"], ["c.csv"], ["d.csv"]]
    assert ahead_rows == per_file_rows

    # exact per-file counts, the same whatever the chunking: as if loaded one by one in input order
    for outcomes in (one, per_file, three, ahead):
        assert [(o.name, o.status, o.rows_loaded, o.rows_new, o.rows_unchanged, o.rows_quarantined)
                for o in outcomes] == [("a.csv", "loaded", 2, 2, 0, 0), ("b.csv", "loaded", 2, 1, 1, 0),
                                       ("c.csv", "loaded", 1, 1, 0, 0), ("d.csv", "partial", 1, 0, 1, 1)]
    homes = [tmp_path / h / "warehouse.duckdb" for h in ("one", "per_file", "three", "ahead")]
    assert _fingerprint(homes[0]) == _fingerprint(homes[1]) == _fingerprint(homes[2]) == _fingerprint(homes[3])

    smallest = min(("a.csv", "b.csv", "d.csv"), key=lambda n: sha[n])
    for warehouse in homes:
        assert _rows(warehouse, "select decision_no, fine_amount, _file_name, _file_sha256, _is_current "
                                "from raw.penalty_ledger order by decision_no, fine_amount") == [
            (D[0], 5000, smallest, sha[smallest], True),  # in a, b and d: the smallest file hash's lineage
            (D[1], 5000, "a.csv", sha["a.csv"], False),
            (D[1], 8000, "c.csv", sha["c.csv"], True),  # the correction (later 录入日期) is current
            (D[2], 7000, "b.csv", sha["b.csv"], True),
        ]
        assert _rows(warehouse, "select decision_no, count(distinct _row_hash), count(*) from raw.penalty_facts "
                                "group by 1 order by 1") == [(D[0], 1, 1), (D[1], 2, 2), (D[2], 1, 1)]
        assert _rows(warehouse, "select file_name, rows_new, rows_unchanged, rows_quarantined from meta.files "
                                "order by 1") == [("a.csv", 2, 0, 0), ("b.csv", 1, 1, 0), ("c.csv", 1, 0, 0),
                                                  ("d.csv", 0, 1, 1)]


def test_identical_rows_in_one_chunk_keep_the_smallest_hash_in_any_order(tmp_path, monkeypatch):
    paths = _files(tmp_path / "in")
    forward, *_ = _ingest(paths, tmp_path / "fwd", 1_000, monkeypatch)
    backward, *_ = _ingest(list(reversed(paths)), tmp_path / "bwd", 1_000, monkeypatch)
    sql = ("select decision_no, _row_hash, _file_sha256, _file_name, _sheet, _row_number, _is_current "
           "from raw.penalty_ledger order by all")
    assert _rows(tmp_path / "fwd" / "warehouse.duckdb", sql) == _rows(tmp_path / "bwd" / "warehouse.duckdb", sql)
    assert [o.rows_new for o in reversed(backward)] == [1, 1, 1, 1]  # d first now: its D1 is the new one
    assert [o.rows_new for o in forward] == [2, 1, 1, 0]


def test_a_rerun_opens_one_connection_and_changes_nothing(tmp_path, monkeypatch):
    paths = _files(tmp_path / "in")
    _ingest(paths, tmp_path / "home", 3, monkeypatch)
    before = _fingerprint(tmp_path / "home" / "warehouse.duckdb")
    opened: list[Path] = []
    real_connect = pipeline.connect

    def connect(path, *args, **kwargs):
        opened.append(path)
        return real_connect(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "connect", connect)
    seen: list[str] = []
    again = ingest_files(paths, _target(tmp_path / "home"), on_file=lambda o: seen.append(o.name))
    assert [o.status for o in again] == ["skipped"] * 4
    assert seen == ["a.csv", "b.csv", "c.csv", "d.csv"]
    assert len(opened) == 1  # one batched lookup of the known hashes, not one connection per file
    assert _fingerprint(tmp_path / "home" / "warehouse.duckdb") == before


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_bad_chunk_size_is_a_sentence(monkeypatch, value):
    monkeypatch.setenv(CHUNK_ROWS_ENV, value)
    with pytest.raises(UserError) as err:
        chunk_rows()
    assert err.value.message_zh.startswith(CHUNK_ROWS_ENV) and "positive whole number" in err.value.message_en
