"""One bad file never stops a batch (issue 15): the CLI, the pipeline and the Dagster inbox asset.

Whatever fails for one file — a broken file, or a failure nobody foresaw in reading, validating or loading
it — that file is rejected and recorded with its reason; the other files load; `liandong ingest` exits 1
("some files rejected", README) with sentences, never a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ingest.pipeline import IngestTarget, ingest_files, inspect_files
from tests.builders import PENALTY_HEADERS, penalty_row, write_csv, write_xlsx
from tests.corpus.cases import PNG, csv_text

DOC_NO = "行政处罚决定书文号"
TODAY = date(2025, 6, 30)
KEY = b"containment-test-key-0123456789"


def _rows(prefix: str, n: int) -> list[dict[str, str]]:
    return [penalty_row(**{DOC_NO: f"{prefix}-{i}"}) for i in range(1, n + 1)]


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _ten_files(folder: Path) -> tuple[list[Path], set[str]]:
    """7 good files (1 + 2 + … rows) and 3 broken in different ways; returns them and the broken names."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(7):
        writer = write_xlsx if i % 2 else write_csv
        paths.append(writer(folder / f"good_{i}.{'xlsx' if i % 2 else 'csv'}", PENALTY_HEADERS,
                            _rows(f"G{i}", i + 1)))
    whole = write_xlsx(folder / "whole.xlsx", PENALTY_HEADERS, _rows("T", 3))
    (folder / "cut.xlsx").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    (folder / "u16_cut.csv").write_bytes(csv_text(PENALTY_HEADERS, _rows("U", 2)).encode("utf-16")[:-1])
    (folder / "photo.xlsx").write_bytes(PNG)
    broken = {"cut.xlsx", "u16_cut.csv", "photo.xlsx"}
    paths[2:2] = [folder / "cut.xlsx"]
    paths[5:5] = [folder / "u16_cut.csv"]
    paths.append(folder / "photo.xlsx")
    return paths, broken


def test_cli_batch_of_ten_with_three_broken_files(tmp_path: Path, home: Path):
    from orchestration.cli import app

    paths, broken = _ten_files(tmp_path / "in")
    assert len(paths) == 10
    result = CliRunner().invoke(app, ["ingest", *map(str, paths)])
    assert result.exit_code == 1, result.output  # 1 = some files rejected (README's command table)
    assert "Traceback" not in result.output and "内部错误" not in result.output
    assert "3 个文件被拒收" in result.output and "3 file(s) rejected" in result.output
    warehouse = home / "warehouse.duckdb"
    files = _query(warehouse, "select file_name, status, rows_read, rows_loaded, rows_quarantined, rows_non_data, "
                              "rows_duplicate, message_zh, message_en from meta.files order by file_name")
    assert len(files) == 10
    rejected = {f[0]: f for f in files if f[1] == "rejected"}
    assert set(rejected) == broken
    assert rejected["cut.xlsx"][7].startswith("无法打开该 xlsx 文件") or "截断" in rejected["cut.xlsx"][7]
    assert "被截断" in rejected["u16_cut.csv"][7] and "truncated" in rejected["u16_cut.csv"][8]
    assert "png" in rejected["photo.xlsx"][8].lower() or "binary" in rejected["photo.xlsx"][8]
    loaded = [f for f in files if f[1] == "loaded"]
    assert sorted(f[3] for f in loaded) == [1, 2, 3, 4, 5, 6, 7]
    assert _query(warehouse, "select count(*) from raw.penalty_ledger") == [(28,)]
    for f in files:
        assert f[2] == f[3] + f[4] + f[5] + f[6], f


@pytest.fixture
def target(tmp_path: Path) -> IngestTarget:
    home = tmp_path / "home"
    return IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", KEY)


def _three(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(folder / f"{name}.csv", PENALTY_HEADERS, _rows(name, n))
            for name, n in (("a", 2), ("bad", 3), ("c", 1))]


def _assert_contained(outcomes, warehouse: Path) -> None:
    assert [o.status for o in outcomes] == ["loaded", "rejected", "loaded"]
    bad = outcomes[1]
    assert bad.file_problem is not None and bad.file_problem.rule_id == "file.internal"
    assert "意外错误" in bad.file_problem.message_zh and "unexpected error" in bad.file_problem.message_en
    assert "RuntimeError" in bad.file_problem.message_en and "boom" not in bad.file_problem.message_en  # may quote data
    assert any("RuntimeError: boom" in note for note in bad.notes)  # shown on the console, not stored
    assert all(o.reconciles() for o in outcomes)
    assert (bad.rows_loaded, bad.rows_quarantined) == (0, bad.rows_read - bad.rows_non_data)
    assert _query(warehouse, "select file_name, status from meta.files order by file_name") == [
        ("a.csv", "loaded"), ("bad.csv", "rejected"), ("c.csv", "loaded")]
    assert _query(warehouse, "select count(*) from raw.penalty_ledger") == [(3,)]
    assert _query(warehouse, "select count(*) from raw.penalty_ledger where _file_name = 'bad.csv'") == [(0,)]


def test_unexpected_reader_failure_rejects_only_that_file(tmp_path: Path, target, monkeypatch):
    import ingest.pipeline as pipeline

    real = pipeline.read_grids

    def flaky(path: Path):
        if path.name == "bad.csv":
            raise RuntimeError("boom")
        return real(path)

    monkeypatch.setattr(pipeline, "read_grids", flaky)
    outcomes = ingest_files(_three(tmp_path / "in"), target, None, TODAY)
    _assert_contained(outcomes, target.warehouse)
    assert outcomes[1].rows_read == 0


def test_unexpected_load_failure_rejects_only_that_file(tmp_path: Path, target, monkeypatch):
    """The chunk's transaction fails; its files are loaded one by one and the failing one is recorded rejected."""
    import ingest.pipeline as pipeline

    real = pipeline.load_table

    def flaky(contract, inspection, key, *args, **kwargs):
        if inspection.outcome.name == "bad.csv":
            raise RuntimeError("boom")
        return real(contract, inspection, key, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_table", flaky)
    outcomes = ingest_files(_three(tmp_path / "in"), target, None, TODAY)
    _assert_contained(outcomes, target.warehouse)
    assert outcomes[1].rows_read == 3 and outcomes[1].rows_quarantined == 3


def test_unexpected_validation_failure_rejects_only_that_file(tmp_path: Path, target, monkeypatch):
    import ingest.pipeline as pipeline

    real = pipeline._chunk_frame

    def flaky(contract, chunk):
        if any(ins.outcome.name == "bad.csv" for ins in chunk):
            raise RuntimeError("boom")
        return real(contract, chunk)

    monkeypatch.setattr(pipeline, "_chunk_frame", flaky)
    paths = _three(tmp_path / "in")
    outcomes = ingest_files(paths, target, None, TODAY)
    _assert_contained(outcomes, target.warehouse)
    checked = [i.outcome for i in inspect_files(paths, None, TODAY)]  # `liandong validate` the same way
    assert [o.status for o in checked] == ["loaded", "rejected", "loaded"]


def test_a_vanished_file_is_rejected_not_fatal(tmp_path: Path, target):
    paths = _three(tmp_path / "in")
    gone = tmp_path / "in" / "gone.csv"
    outcomes = ingest_files([paths[0], gone, paths[2]], target, None, TODAY)
    assert [o.status for o in outcomes] == ["loaded", "rejected", "loaded"]
    assert outcomes[1].file_problem.rule_id == "file.unreadable"


def test_dagster_inbox_asset_contains_a_broken_file(tmp_path: Path, home: Path, monkeypatch):
    """The inbox ingest asset takes the inbox with a broken file and a file whose reading fails unexpectedly."""
    from dagster import materialize

    import ingest.pipeline as pipeline
    from orchestration.assets.ingest import ingest_inbox
    from orchestration.resources import LiandongResource

    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    for name, n in (("a", 2), ("c", 1)):
        write_csv(inbox / f"{name}.csv", PENALTY_HEADERS, _rows(name, n))
    write_csv(inbox / "bad.csv", PENALTY_HEADERS, _rows("bad", 2))
    (inbox / "u16_cut.csv").write_bytes(csv_text(PENALTY_HEADERS, _rows("U", 2)).encode("utf-16")[:-1])
    real = pipeline.read_grids

    def flaky(path: Path):
        if path.name == "bad.csv":
            raise RuntimeError("boom")
        return real(path)

    monkeypatch.setattr(pipeline, "read_grids", flaky)
    result = materialize([ingest_inbox], resources={"liandong": LiandongResource(home=str(home))})
    assert result.success
    got = _query(home / "warehouse.duckdb", "select file_name, status from meta.files order by file_name")
    assert got == [("a.csv", "loaded"), ("bad.csv", "rejected"), ("c.csv", "loaded"), ("u16_cut.csv", "rejected")]
    assert not [p for p in inbox.iterdir() if p.is_file()]  # every file moved to processed/
