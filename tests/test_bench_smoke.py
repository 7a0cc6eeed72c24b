"""The benchmark generator at a tiny scale: exact row counts per feed, and files the contracts accept."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.generate import Sizes, generate
from ingest.pipeline import IngestTarget, ingest_files
from ingest.readers import read_grids

SIZES = Sizes(penalty_rows=240, hotline_rows=60, supervision_rows=30, regions=1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench-data")
    manifest = generate(out, SIZES, seed=11, bad_share=0.03, incremental_rows=40)
    return out, manifest


def _data_rows_in_file(path: Path, entry: dict) -> int:
    """Rows counted from the file itself: csv records after the header; xlsx rows below the header row."""
    if entry["format"] == "csv":
        raw = path.read_bytes()
        text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode(entry["encoding"])
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=entry["delimiter"]))
        return len(records) - 1
    _fmt, grids, _ = read_grids(path)
    rows = grids[0].rows  # row 1: the merged title, row 2: the header
    return sum(1 for r in rows[2:] if any(c is not None for c in r) and r[0] != "合计")


def test_sizes_scale_to_the_issue_numbers() -> None:
    full = Sizes.from_scale(1.0)
    assert (full.penalty_rows, full.hotline_rows, full.supervision_rows, full.regions, full.units) == (
        5_000_000, 1_000_000, 300_000, 100, 2_000)
    assert Sizes.from_scale(0.01) == Sizes(50_000, 10_000, 3_000, 1)


def test_exact_row_counts_per_feed(generated: tuple[Path, dict]) -> None:
    out, manifest = generated
    counted: Counter[str] = Counter()
    for entry in manifest["files"]:
        n = _data_rows_in_file(out / entry["path"], entry)
        assert n == entry["data_rows"], entry["path"]
        counted[entry["feed"]] += n
    assert counted == {"penalty_ledger": 240, "hotline_exchange": 60, "supervision_ledger": 30, "member_units": 20}
    assert manifest["incremental"]["data_rows"] == 40
    formats = {f["format"] for f in manifest["files"]} | {f["encoding"] for f in manifest["files"]}
    assert {"xlsx", "csv", "gb18030", "utf-8-sig"} <= formats


def test_same_seed_same_bytes(generated: tuple[Path, dict], tmp_path: Path) -> None:
    out, manifest = generated
    again = generate(tmp_path, SIZES, seed=11, bad_share=0.03, incremental_rows=40)
    assert [f["path"] for f in again["files"]] == [f["path"] for f in manifest["files"]]
    for f in manifest["files"][:40]:
        assert (tmp_path / f["path"]).read_bytes() == (out / f["path"]).read_bytes(), f["path"]


def test_contracts_accept_the_files(generated: tuple[Path, dict], tmp_path: Path) -> None:
    """Every row is loaded except the planted bad rows, which are quarantined; no file is rejected."""
    out, manifest = generated
    entries = sorted(manifest["files"] + [manifest["incremental"]], key=lambda f: f["feed"] != "member_units")
    target = IngestTarget(tmp_path / "warehouse.duckdb", tmp_path / "landing", tmp_path / "quarantine",
                          b"bench-smoke-test-key-0123456789")
    outcomes = ingest_files([out / f["path"] for f in entries], target, today=date(2026, 6, 30))
    by_feed: dict[str, Counter[str]] = {}
    for entry, o in zip(entries, outcomes, strict=True):
        assert o.feed == entry["feed"], entry["path"]
        assert o.status in ("loaded", "partial"), (entry["path"], [p.message_en for p in o.problems[:3]])
        assert not o.unknown_headers, (entry["path"], o.unknown_headers)
        assert o.rows_quarantined == entry["bad_rows"], (entry["path"], [p.message_en for p in o.problems[:3]])
        assert o.rows_non_data == entry["non_data_rows"], entry["path"]
        c = by_feed.setdefault(o.feed, Counter())
        c["loaded"] += o.rows_loaded
        c["quarantined"] += o.rows_quarantined
    for feed, total in manifest["totals"].items():
        extra = manifest["incremental"] if feed == "penalty_ledger" else {"data_rows": 0, "bad_rows": 0}
        assert by_feed[feed]["loaded"] + by_feed[feed]["quarantined"] == total["data_rows"] + extra["data_rows"]
        assert by_feed[feed]["quarantined"] == total["bad_rows"] + extra["bad_rows"]
    assert sum(f["bad_rows"] for f in manifest["files"]) > 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sizes"]["penalty_rows"] == 240


def test_a_result_names_the_commit_it_measured():
    import re

    from bench.run import code_commit

    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", code_commit() or "")


def test_the_reference_peek_finds_each_files_header(generated: tuple[Path, dict]) -> None:
    """The best-case reference is told each file's layout: the header row of an xlsx (below a title row or
    not) as the project's own reader sees it, and the header record of a csv."""
    from bench.reference import peek_csv, peek_xlsx

    out, manifest = generated
    for entry in manifest["files"]:
        path = out / entry["path"]
        if entry["format"] == "xlsx":
            header_row, width, _ = peek_xlsx(path)
            _fmt, grids, _ = read_grids(path)
            rows = grids[0].rows
            first = next(i for i, r in enumerate(rows, start=1) if sum(c is not None for c in r) > 1)
            assert (header_row, width) == (first, sum(c is not None for c in rows[first - 1])), entry["path"]
        else:
            raw = path.read_bytes()
            text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode(entry["encoding"])
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=entry["delimiter"]))
            assert peek_csv(path, entry["encoding"], entry["delimiter"]) == tuple(header), entry["path"]


def test_the_reference_reads_every_data_row_it_can_read(generated: tuple[Path, dict], tmp_path: Path) -> None:
    """Without the excel/encodings extensions (the project's DuckDB), xlsx and GB18030 files are counted as
    unreadable and the UTF-8 csv files are read exactly: the reference is then marked incomplete."""
    from bench.reference import run

    out, manifest = generated
    result = run(out, str(tmp_path / "ref.duckdb"))
    readable = [f for f in manifest["files"] if f["format"] == "csv" and f["encoding"] != "gb18030"]
    unreadable = Counter("xlsx" if f["format"] == "xlsx" else "csv/gb18030"
                         for f in manifest["files"] if f not in readable)
    if result["extensions"]["excel"].startswith("loaded"):  # a DuckDB with the extensions: everything
        assert result["complete"] and result["rows_total"] == result["rows_expected"]
        return
    assert result["skipped_files"] == dict(unreadable)
    assert result["rows_total"] == sum(f["data_rows"] for f in readable) > 0
    assert result["complete"] is False


def test_each_target_has_its_value_and_verdict() -> None:
    from bench.run import targets

    got = targets(3.9, 12_000.0, 0.2, 7.5, 5_000.0, True)
    assert {k: (v["value"], v["met"]) for k, v in got.items()} == {
        "pipeline_vs_reference": (3.9, True), "ingest_rows_per_second": (12_000.0, True),
        "incremental_vs_full_build": (0.2, False), "incremental_ingest_seconds": (7.5, True),
        "peak_rss_gb": (5.0, True)}
    missing = targets(None, None, None, None, 7_000.0, False)
    assert not any(v["met"] for v in missing.values())


def test_the_result_goes_to_a_folder_that_did_not_exist(tmp_path: Path, monkeypatch) -> None:
    """The output folder is made before the half-hour run, not found missing after it."""
    from bench import run

    made: list[bool] = []
    out = tmp_path / "results" / "new" / "scale-1.0.json"

    def benchmark(*args, **kwargs):
        made.append(out.parent.is_dir())
        return {"stages": [{"status": "ok"}]}

    monkeypatch.setattr(run, "benchmark", benchmark)
    monkeypatch.setattr(run, "print_table", lambda result: None)
    assert run.main(["--data", str(tmp_path), "--out", str(out), "--home", str(tmp_path / "home")]) == 0
    assert made == [True] and json.loads(out.read_text(encoding="utf-8"))["stages"] == [{"status": "ok"}]
