"""Loading files into the warehouse: reconciliation, quarantine, idempotency, corrections, personal data."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest

from ingest.pipeline import IngestTarget, ingest_file, inspect_file
from tests.builders import (
    AGENCY_USCC,
    PENALTY_HEADERS,
    PERSON_ID,
    PERSON_ID_15,
    penalty_row,
    person_row,
    uscc,
    write_csv,
    write_xlsx,
)


def _table(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_clean_xlsx_with_title_blank_and_total_rows_reconciles(tmp_path, target):
    rows = [penalty_row(**{"行政处罚决定书文号": f"惠市监罚〔2024〕{i}号"}) for i in range(1, 4)]
    path = write_xlsx(tmp_path / "台账.xlsx", PENALTY_HEADERS, rows, title="2024年行政处罚台账",
                      footer=["合计", *[None] * (len(PENALTY_HEADERS) - 1)])
    out = ingest_file(path, target)
    assert (out.status, out.feed, out.rows_read, out.rows_loaded, out.rows_quarantined, out.rows_non_data) == (
        "loaded", "penalty_ledger", 5, 3, 0, 2)
    assert out.reconciles()
    assert _table(target.warehouse, "select count(*), sum(fine_amount) from raw.penalty_ledger where _is_current") == [
        (3, 15000)]


def test_bad_rows_are_quarantined_with_reasons(tmp_path, target):
    wrong_check = AGENCY_USCC[:-1] + ("0" if AGENCY_USCC[-1] != "0" else "1")
    rows = [
        penalty_row(),
        penalty_row(**{"行政处罚决定书文号": "X-2", "处罚决定日期": "2030-01-01", "录入日期": "2030-01-02",
                       "处罚有效期": "2031-01-01"}),
        penalty_row(**{"行政处罚决定书文号": "X-3", "处罚机关统一社会信用代码": wrong_check}),
        penalty_row(**{"行政处罚决定书文号": "X-4", "处罚决定日期": "2024-02-30"}),
        penalty_row(**{"行政处罚决定书文号": "X-5", "罚款金额（万元）": "-1"}),
    ]
    out = ingest_file(write_csv(tmp_path / "bad.csv", PENALTY_HEADERS, rows, "gb18030"), target)
    assert (out.status, out.rows_loaded, out.rows_quarantined) == ("partial", 1, 4)
    assert out.reconciles()
    rules = dict(_table(target.warehouse, "select row_number, list(rule_id order by rule_id)::varchar "
                                          "from meta.quarantine group by row_number"))
    assert "decision_date.not_future" in rules[3]
    assert "agency_uscc.checksum" in rules[4]
    assert "type.date" in rules[5]
    assert "fine_amount.non_negative" in rules[6]
    files = _table(target.warehouse, "select status, rows_read, rows_loaded, rows_quarantined from meta.files")
    assert files == [("partial", 5, 1, 4)]
    assert (target.quarantine).glob("*.quarantine.csv")


def test_missing_required_column_rejects_the_file(tmp_path, target):
    headers = [h for h in PENALTY_HEADERS if h != "行政处罚决定书文号"]
    out = ingest_file(write_csv(tmp_path / "no_no.csv", headers, [penalty_row()]), target)
    assert out.status == "rejected" and out.rows_loaded == 0 and out.rows_quarantined == 1
    assert "行政处罚决定书文号" in out.problems[0].message_zh
    assert _table(target.warehouse, "select count(*) from raw.penalty_ledger") == [(0,)]
    assert _table(target.warehouse, "select status from meta.files") == [("rejected",)]


def test_same_file_twice_changes_nothing(tmp_path, target):
    path = write_csv(tmp_path / "a.csv", PENALTY_HEADERS, [penalty_row()])
    first = ingest_file(path, target)
    snapshot = _table(target.warehouse, "select * from raw.penalty_ledger")
    again = ingest_file(path, target)
    assert (first.status, again.status) == ("loaded", "skipped")
    assert _table(target.warehouse, "select * from raw.penalty_ledger") == snapshot
    assert _table(target.warehouse, "select count(*) from meta.files") == [(1,)]


def _load_in_order(tmp_path: Path, target, files: list[Path]) -> list[tuple]:
    for f in files:
        ingest_file(f, target)
    return _table(target.warehouse, "select * exclude (_sheet) from raw.penalty_ledger order by all")


def test_order_of_files_does_not_matter_and_corrections_keep_history(tmp_path, monkeypatch, settings):
    src = tmp_path / "src"
    src.mkdir()
    original = write_csv(src / "2024-03.csv", PENALTY_HEADERS, [
        penalty_row(), penalty_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕2号"})])
    correction = write_csv(src / "2024-03_更正.csv", PENALTY_HEADERS, [
        penalty_row(**{"罚款金额（万元）": "0.8", "处罚内容": "警告，罚款0.8万元", "录入日期": "2024-04-01"})])
    results = []
    for order in ([original, correction], [correction, original]):
        from warehouse.settings import load_settings

        h = tmp_path / f"home{len(results)}"
        s = load_settings(h)
        s.prepare()
        results.append(_load_in_order(tmp_path, IngestTarget.of(s), order))
        current = _table(s.warehouse, "select decision_no, fine_amount from raw.penalty_ledger where _is_current "
                                      "order by decision_no")
        assert [(d, float(a)) for d, a in current] == [("惠市监罚〔2024〕1号", 8000.0), ("惠市监罚〔2024〕2号", 5000.0)]
        history = _table(s.warehouse, "select decision_no, fine_amount, _file_name from raw.penalty_ledger_history")
        assert [(d, float(a), f) for d, a, f in history] == [("惠市监罚〔2024〕1号", 5000.0, "2024-03.csv")]
    assert results[0] == results[1]


def test_no_raw_personal_data_in_the_warehouse_and_same_person_same_key(tmp_path, target):
    other_agency = uscc("11410108MB7654321")
    rows = [
        person_row(),
        person_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕9号", "证件号码": PERSON_ID_15,
                      "处罚机关统一社会信用代码": other_agency, "数据来源单位统一社会信用代码": other_agency}),
    ]
    out = ingest_file(write_xlsx(tmp_path / "p.xlsx", PENALTY_HEADERS, rows), target)
    assert out.rows_loaded == 2, [p.sentence(out.name) for p in out.problems]
    con = duckdb.connect(str(target.warehouse), read_only=True)
    try:
        tables = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
        for (table,) in tables:
            dump = str(con.execute(f"select * from {table}").fetchall())
            for secret in (PERSON_ID, PERSON_ID_15, "13912345678", "张三"):
                assert secret not in dump, f"{secret} found in {table}"
        keys = con.execute("select distinct party_id_no from raw.penalty_ledger").fetchall()
        facts = con.execute("select violation_facts, _flags from raw.penalty_ledger order by decision_no").fetchall()
    finally:
        con.close()
    assert len(keys) == 1 and keys[0][0].startswith("id_")
    assert facts[0][0] == "当事人【当事人】（身份证号【身份证号】，电话【手机号】）非法采矿。"
    assert facts[1][1] == "legacy_id_15"


def test_landing_archive_is_owner_only(tmp_path, target):
    ingest_file(write_csv(tmp_path / "a.csv", PENALTY_HEADERS, [penalty_row()]), target)
    files = [p for p in target.landing.rglob("*") if p.is_file()]
    assert len(files) == 1
    for p in [target.landing, *files]:
        assert stat.S_IMODE(os.stat(p).st_mode) & 0o077 == 0, p


def test_validate_reports_row_column_and_rule_without_loading(tmp_path):
    wrong_check = AGENCY_USCC[:-1] + ("0" if AGENCY_USCC[-1] != "0" else "1")
    path = write_csv(tmp_path / "v.csv", PENALTY_HEADERS, [penalty_row(**{"处罚机关统一社会信用代码": wrong_check})])
    outcome = inspect_file(path).outcome
    assert outcome.failed
    sentence = next(p for p in outcome.problems if p.rule_id == "agency_uscc.checksum").sentence("v.csv")
    assert "第 2 行" in sentence and "处罚机关统一社会信用代码" in sentence and "row 2" in sentence


@pytest.mark.parametrize("feed_headers", [
    ["单位名称", "统一社会信用代码", "行政区划代码", "单位类型", "别名", "纳入考核"],
])
def test_member_units_load(tmp_path, target, feed_headers):
    row = {"单位名称": "郑州市惠济区市场监督管理局", "统一社会信用代码": AGENCY_USCC, "行政区划代码": "410108",
           "单位类型": "政府部门", "别名": "区市场监管局、惠济区市场监管局", "纳入考核": "是"}
    out = ingest_file(write_csv(tmp_path / "units.csv", feed_headers, [row]), target)
    assert out.feed == "member_units" and out.rows_loaded == 1
    assert _table(target.warehouse, "select aliases, scored from raw.member_units") == [
        ("区市场监管局;惠济区市场监管局", True)]


def test_a_correction_in_the_same_batch_is_not_a_duplicate(tmp_path, target):
    from ingest.pipeline import ingest_files

    original = write_csv(tmp_path / "2024-03.csv", PENALTY_HEADERS, [penalty_row()])
    correction = write_csv(tmp_path / "2024-03_更正.csv", PENALTY_HEADERS, [
        penalty_row(**{"罚款金额（万元）": "0.8", "录入日期": "2024-04-01"})])
    duplicated = write_csv(tmp_path / "dup.csv", PENALTY_HEADERS, [
        penalty_row(**{"行政处罚决定书文号": "D-1"}),
        penalty_row(**{"行政处罚决定书文号": "D-1", "罚款金额（万元）": "0.6"})])  # conflicting (a copy loads once)
    outs = ingest_files([original, correction, duplicated], target)
    assert [(o.status, o.rows_loaded, o.rows_quarantined) for o in outs] == [
        ("loaded", 1, 0), ("loaded", 1, 0), ("partial", 0, 2)]
    assert outs[2].rule_counts == {"key.unique": 2}
    assert _table(target.warehouse, "select count(*) filter (where _is_current), count(*) from raw.penalty_ledger") == [
        (1, 2)]


def test_an_unreadable_required_date_is_reported_once(tmp_path, target):
    out = ingest_file(write_csv(tmp_path / "d.csv", PENALTY_HEADERS, [penalty_row(**{"处罚决定日期": "2024-02-30"})]),
                      target)
    assert out.rule_counts == {"type.date": 1}


def _pinned_row(contract) -> dict:
    """Every contract column filled by its type (some left empty), Chinese text and quotes included."""
    from datetime import date, datetime
    from decimal import Decimal

    from ingest.raw_tables import columns

    by_type = {
        "varchar": lambda i: f"值{i}：“引号”\"q\"\\ 张三",
        "date": lambda i: date(2024, 3, i % 28 + 1),
        "timestamp": lambda i: datetime(2024, 3, 5, 8, 30, i % 60),
        "decimal(18,2)": lambda i: Decimal("68000.50"),
        "decimal(18,4)": lambda i: Decimal("12.5000"),
        "integer": lambda i: i,
        "boolean": lambda i: i % 2 == 0,
    }
    return {name: None if i % 5 == 4 else by_type[sql](i)
            for i, (name, sql) in enumerate(columns(contract)) if not name.startswith("_")}


@pytest.mark.parametrize(("feed", "expected"), [
    ("penalty_ledger", "68bf893ebff63c0e2b00e1f2de657dd05c93689e202af193a747d94125709c3c"),
    ("supervision_ledger", "2e6653d9dd1e41fd9ce59af71e4d0dbb45d621e169308befb222d27927313a97"),
    ("hotline_exchange", "5130d3f726a43fea249ed073b92795a1839bf287ab539b051cbdcd7791cb8a00"),
    ("member_units", "3b0d36d0670305634a9a1bd5aa179d089a0f37ef375bbfc088613ad359bc0a8f"),
])
def test_row_hashes_never_change(feed, expected):
    """Stored hashes decide whether a re-delivered row is a new version: the hash of a known row is pinned."""
    import hashlib
    import json

    from data_contracts.model import load_contract
    from ingest.pipeline import _plain, row_hash, row_hashes_columns
    from ingest.raw_tables import columns

    contract = load_contract(feed)
    values = {**_pinned_row(contract), "_file_name": "ignored.csv", "not_a_column": 1}
    assert row_hash(contract, values) == expected
    reference = json.dumps([_plain(values.get(n)) for n, _ in columns(contract) if not n.startswith("_")],
                           ensure_ascii=False)  # the formula the stored hashes were made with
    assert hashlib.sha256(reference.encode()).hexdigest() == expected
    names = [n for n, _ in columns(contract) if not n.startswith("_")]
    hashed = row_hashes_columns(contract, {n: [values.get(n)] * 2 for n in names}, 2)
    assert hashed == [expected, expected]  # by column, with the encoder made once


def test_the_row_encoder_made_once_writes_what_json_dumps_writes():
    import json
    import random

    from ingest.pipeline import _ROW_JSON

    rng = random.Random(3)
    pool = [None, True, False, 0, -5, 2**70, 1.5, 1e16, -0.0, float("nan"), float("inf"), "", 'a"b\\c\n\t\x00',
            "中文「」", "\u2028\ud800x", "x" * 300]
    for _ in range(20_000):
        row = tuple(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert _ROW_JSON(row) == json.dumps(list(row), ensure_ascii=False)
