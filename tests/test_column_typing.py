"""Column typing (ingest/columns.py, privacy.protect.protect_rows, pipeline.row_hashes_columns) against the per-cell
path (`LIANDONG_TYPING=cells`): the same warehouse, byte for byte, on the sample, the bad-input corpus and
the fuzzed sample files (issue 19, part A)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.columns import TYPING_ENV, column_typing
from ingest.pipeline import FileOutcome, IngestTarget, ingest_files
from tests.test_end_to_end import raw_and_meta_rows

KEY = b"column-typing-test-key-0123456789"
TODAY = date(2025, 12, 31)
WHEN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _outcome(o: FileOutcome) -> tuple[Any, ...]:
    """What a file's outcome says to the user: counts, problems (located, with their reasons), notes, warnings."""
    notes = [WHEN.sub("<when>", n) for n in o.notes]  # "already processed at 02:53": the clock, not the typing
    return (o.name, o.status, o.feed, o.rows_read, o.rows_loaded, o.rows_new, o.rows_unchanged,
            o.rows_quarantined, o.rows_non_data, o.rows_duplicate, o.rule_counts, notes,
            [(p.rule_id, p.sheet, p.row_number, p.column, p.value, p.field, p.message_zh, p.message_en)
             for p in o.problems + o.warnings], o.unknown_headers, o.header_map)


def _both(monkeypatch: pytest.MonkeyPatch, tmp: Path, batches: list[tuple[list[Path], str | None]]) -> dict:
    """Each batch ingested into a home per path: per cell, then by column; tables and outcomes of each."""
    result = {}
    for mode in ("cells", "columns"):
        monkeypatch.setenv(TYPING_ENV, mode)
        assert column_typing() is (mode == "columns")
        home = tmp / mode
        target = IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", KEY)
        outcomes = [_outcome(o) for paths, feed in batches for o in ingest_files(paths, target, feed, TODAY)]
        result[mode] = (raw_and_meta_rows(target.warehouse), outcomes)
    return result


def _assert_same(result: dict) -> dict[str, list[tuple[Any, ...]]]:
    (cell_tables, cell_outcomes), (col_tables, col_outcomes) = result["cells"], result["columns"]
    assert list(col_tables) == list(cell_tables)
    for table in cell_tables:
        assert len(col_tables[table]) == len(cell_tables[table]), table
        for a, b in zip(col_tables[table], cell_tables[table], strict=True):
            assert repr(a) == repr(b), table  # byte-identical: same values, same types
    assert col_outcomes == cell_outcomes
    return cell_tables


def test_sample_loads_byte_identically_by_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from sample_data import generate_sample

    folder = tmp_path / "sample"
    manifest = generate_sample(folder, 2024)
    paths = [folder / f["path"] for f in manifest["files"]]
    tables = _assert_same(_both(monkeypatch, tmp_path, [(paths, None)]))
    # the comparison is not vacuous: the sample loads rows into every feed and quarantines some
    assert all(len(tables[f"raw.{feed}"]) > 0 for feed in
               ("penalty_ledger", "hotline_exchange", "supervision_ledger", "member_units"))
    assert len(tables["meta.quarantine"]) > 0 and len(tables["meta.files"]) == len(paths)


def test_bad_input_corpus_loads_byte_identically_by_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from tests.corpus.cases import CASES

    by_feed: dict[str | None, list[Path]] = {}
    for case in CASES:
        src = tmp_path / "in" / case.id
        src.mkdir(parents=True)
        by_feed.setdefault(case.feed, []).extend(case.build(src))
    batches = [(paths, feed) for feed, paths in by_feed.items()]
    tables = _assert_same(_both(monkeypatch, tmp_path, batches))
    con = duckdb.connect(str(tmp_path / "cells" / "warehouse.duckdb"), read_only=True)
    try:  # not vacuous: cells that cannot be typed are among the quarantined, located by column
        rules = {r for (r,) in con.execute("select rule_id from meta.quarantine where column_name is not null")
                 .fetchall()}
    finally:
        con.close()
    assert {"type.date", "type.amount"} <= rules, rules
    assert len(tables["meta.files"]) > 60


def test_fuzzed_sample_files_load_byte_identically_by_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from tests.test_fuzz import make_mutants

    (tmp_path / "mutants").mkdir()
    mutants = make_mutants(tmp_path / "sample", tmp_path / "mutants")
    tables = _assert_same(_both(monkeypatch, tmp_path, [(mutants, None)]))
    assert len(tables["meta.quarantine"]) > 0


def test_a_crafted_sheet_is_typed_alike_cell_by_cell_and_by_column():
    """The cases the column path handles apart: a unit written in 涉案数量 filling an empty 计量单位 (a field
    typed after it), legacy 暂扣或者吊销 wording read with 处罚内容 of its own row, unreadable cells located
    per row, 长期 validity, a repeated header, a 合计 row and content under no header."""
    from data_contracts.model import FEEDS, load_contract
    from ingest.columns import parse_sheet_columns
    from ingest.headers import find_header
    from ingest.readers.grid import Grid
    from ingest.rows import parse_sheet
    from tests.builders import PENALTY_HEADERS, penalty_row

    headers = [*PENALTY_HEADERS, "涉案数量", "计量单位"]
    cells = [
        {"涉案数量": "12.5亩", "计量单位": ""},
        {"涉案数量": "12.5亩", "计量单位": "公斤"},
        {"处罚类别": "暂扣或者吊销许可证", "处罚内容": "吊销食品经营许可证"},
        {"处罚类别": "暂扣或者吊销许可证", "处罚内容": "暂扣许可证三个月"},
        {"处罚类别": "暂扣或者吊销许可证", "处罚内容": "警告"},
        {"处罚决定日期": "2024-02-30", "罚款金额（万元）": "五千"},
        {"处罚有效期": "长期", "处罚决定日期": "2024年3月5日"},
        {"处罚决定日期": "2024-02-30", "罚款金额（万元）": "0.5"},
    ]
    body = [[penalty_row(**{"行政相对人名称": f"郑州某某{i}号店", **c}).get(h, c.get(h)) for h in headers]
            for i, c in enumerate(cells)]
    body[1].append("多出的一格")
    grid_rows = [headers, *body[:4], list(headers), ["合计", *[None] * (len(headers) - 1)], *body[4:]]
    match = find_header(grid_rows, FEEDS)
    assert match is not None and match.feed == "penalty_ledger"
    contract = load_contract("penalty_ledger")
    by_cell = parse_sheet(contract, Grid("表1", [list(r) for r in grid_rows]), match)
    by_column = parse_sheet_columns(contract, Grid("表1", [list(r) for r in grid_rows]), match)
    assert (by_column.rows_read, by_column.non_data, len(by_column.rows)) == (10, 2, 8)
    assert repr(by_column) == repr(by_cell)
    assert by_column.columns == {name: [r.values[name] for r in by_cell.rows] for name in by_cell.rows[0].values}
    from ingest.pipeline import validation_frame  # built from the columns as from the rows

    assert validation_frame(contract, by_cell.rows, by_column.columns).equals(validation_frame(contract, by_cell.rows))
    first, second, revoked, suspended, unclear, bad, long_term = by_column.rows[:7]
    assert (first.raw["quantity_unit"], first.values["quantity_unit"]) == ("亩", "亩")
    assert second.values["quantity_unit"] == "公斤" and "cells_outside_columns" in second.flags
    assert revoked.values["penalty_categories"] == "吊销许可证件"
    assert suspended.values["penalty_categories"] == "暂扣许可证件"
    assert "penalty_category_unclear" in unclear.flags
    assert [(p.rule_id, p.row_number, p.column) for p in bad.problems] == [
        ("type.amount", 9, "罚款金额（万元）"), ("type.date", 9, "处罚决定日期")]  # in the contract's field order
    assert long_term.values["valid_until_long_term"] is True


def test_a_rows_cells_as_written_are_read_from_its_sheets_columns_when_asked():
    """`RawCells`: the row's own cells, equal to the dict the per-cell path makes; pickled as that dict alone
    (not the sheet's columns); a cell written into it stays with the row."""
    import pickle

    from ingest.rows import RawCells

    columns = [["甲", "乙", None], ["2024-01-01", "不详", "2024-03-01"]]
    raw = RawCells(("party_name", "decision_date"), columns, 1)
    assert raw == {"party_name": "乙", "decision_date": "不详"} and raw.get("remarks") is None
    assert sorted(raw.items()) == [("decision_date", "不详"), ("party_name", "乙")] and len(raw) == 2
    raw["quantity_unit"] = "亩"
    columns[0][1] = "changed later"  # read once: the row keeps what it was given
    assert pickle.loads(pickle.dumps(raw)) == {"party_name": "乙", "decision_date": "不详", "quantity_unit": "亩"}
    assert type(pickle.loads(pickle.dumps(raw))) is dict
    assert repr(RawCells(("a",), [["x"]], 0)) == "{'a': 'x'}"


def test_protect_rows_equals_protect_row_row_by_row():
    """Pseudonyms per distinct value and masks per distinct text give what `protect_row` gives per row: the
    row's own names (a name sharing characters with a tag too), known names, identifiers, conditions."""
    from data_contracts.model import load_contract
    from privacy.names import KnownNames, hash_rows
    from privacy.protect import mask_known_names, protect_own, protect_row, protect_rows

    contract = load_contract("penalty_ledger")
    known_rows = hash_rows(KEY, ["赵六", "钱七"])
    known = KnownNames(KEY, {h for k, h in known_rows if k == "name"}, {h for k, h in known_rows if k == "initial"})
    facts = ["当事人张三销售不合格食品，张三电话13912345678，赵六在场。", "当事人李四与事人、钱七无关。",
             "当事人销售不合格食品。", "身份证110101199003074514，住在幸福小区3号楼2单元501室。"]
    rows = []
    for i in range(24):
        category = "自然人" if i % 2 else "法人及非法人组织"
        name = ["张三", "事人", "郑州某某食品有限公司", "李四"][i % 4]
        rows.append({"party_name": name, "party_category": category, "legal_rep_name": ["王五", "当事", None][i % 3],
                     "violation_facts": facts[i % 4], "penalty_content": facts[(i + 1) % 4],
                     "party_id_no": "110101199003074514" if i % 2 else None, "decision_no": f"{i}号"})
    expected = [protect_row(contract, dict(r), KEY, known) for r in rows]
    assert protect_rows(contract, [dict(r) for r in rows], KEY, known) == expected
    assert protect_rows(contract, rows, KEY, None) == [protect_row(contract, r, KEY, None) for r in rows]
    # done ahead in two parts (while the rows are validated), then finished with the names known at load
    own = protect_own(contract, rows[:10], KEY) + protect_own(contract, rows[10:], KEY)
    assert mask_known_names(contract, rows, own, known) == expected
    assert any("【当事人】" in str(r["violation_facts"]) for r in expected)  # names were masked at all
    # enough distinct texts for the one-pass checks (`unchanged_texts`): the same result
    many = [{**r, "violation_facts": f"{r['violation_facts']}第{i}次", "penalty_content": f"{r['penalty_content']}{i}",
             "remarks": f"赵{'六七'[i % 2]}于{i}日复查"} for i, r in enumerate(rows * 20)]
    assert protect_rows(contract, [dict(r) for r in many], KEY, known) == [
        protect_row(contract, dict(r), KEY, known) for r in many]
    assert any("【姓名】" in str(r["penalty_content"]) for r in expected)


def test_header_rows_are_counted_exactly_where_they_can_repeat_the_header():
    """`_header_counts` stops folding rows that can no longer hold more than half of the headers: the rows it
    calls a repeated header are those a full count calls one (random grids of headers, spellings and text)."""
    import random

    from ingest.columns import _header_counts
    from ingest.headers import fold
    from ingest.rows import _folds_to

    rng = random.Random(5)
    written = ["行政处罚决定书文号", "当事人名称", "处罚日期", "Amount", "违法事实"]
    spellings = {h: [h, f" {h} ", h.replace("处", "處"), f"{h}\u200b", "x", None, "经查当事人" * 30] for h in written}
    headers = [(i, fold(h), h.isascii()) for i, h in enumerate(written)] + [(9, "缺失列", False)]
    need = len(headers) // 2 + 1
    repeats = 0
    for _ in range(300):
        width = rng.randint(3, 5)
        by_column = [tuple(rng.choice(spellings[written[i]][:3] if rng.random() < 0.6 else spellings[written[i]])
                           for _ in range(8)) for i in range(width)]
        full = [sum(1 for i, folded, ascii_header in headers if i < width and by_column[i][r] is not None
                    and _folds_to(str(by_column[i][r]), folded, ascii_header)) for r in range(8)]
        counted = _header_counts(by_column, headers, need)
        assert [c >= need for c in counted] == [c >= need for c in full]
        repeats += sum(c >= need for c in full)
    assert 100 < repeats < 2000  # both kinds of row are common
