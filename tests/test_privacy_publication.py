"""Names and addresses planted in 诉求内容 / 违法事实 of sample-like ledgers never reach a mart or a published file
(ingest → build → publish), and `audit-pii` finds them when they are planted in a mart table."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.builders import PENALTY_HEADERS, PERSON_ID, penalty_row, write_csv
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
REGION = "410108"
PERSON = "赵明亮"  # a natural person who is a party of a penalty (so a known name)
CALLER = "孙丽华"  # a citizen who names herself in 诉求内容 (我叫…)
ADDRESS = "天河路88号3栋2单元501室"
HOME_ADDRESS = "开元路66号2单元301室"
PLATE = "豫A12345"
WECHAT = "sunlh2025"
PLANTED = [PERSON, CALLER, ADDRESS, "天河路88号", "2单元501室", HOME_ADDRESS, "开元路66号", PLATE, WECHAT]
pytestmark = pytest.mark.slow


def _penalty(folder: Path) -> Path:
    """A natural person's suspected-crime penalty (a 应移未移 clue): name and home address in 违法事实."""
    return write_csv(folder / "惠济区市场监管局_planted.csv", [*PENALTY_HEADERS, "是否涉嫌犯罪"], [penalty_row(**{
        "行政相对人名称": PERSON, "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
        "法定代表人": "", "证件类型": "身份证", "证件号码": PERSON_ID,
        "行政处罚决定书文号": "惠市监罚〔2025〕888号", "违法行为类型": "销售假药",
        "违法事实": f"当事人{PERSON}家住{ADDRESS}，于2025年5月在其住所销售假药，车牌{PLATE}的车辆用于运输。",
        "处罚决定日期": "2025-06-02", "处罚有效期": "2026-06-02", "录入日期": "2025-06-04", "是否涉嫌犯罪": "是"})])


def _hotline(folder: Path) -> Path:
    """Two overdue 12345 tickets: one whose caller names herself and her address, one naming the penalised
    person without any trigger word (only the known names find it)."""
    headers = ["工单编号", "来源渠道", "行政区划代码", "受理时间", "诉求类型", "诉求内容", "承办单位"]
    base = {"来源渠道": "12345", "行政区划代码": REGION, "受理时间": "2025-03-03 09:00:00", "诉求类型": "投诉",
            "承办单位": "郑州市惠济区市场监督管理局"}
    return write_csv(folder / "12345_planted.csv", headers, [
        {**base, "工单编号": "RX2025PII0001",
         "诉求内容": f"我叫{CALLER}，家住{HOME_ADDRESS}，微信号 {WECHAT}，反映楼下商户夜间噪声扰民。"},
        {**base, "工单编号": "RX2025PII0002", "诉求类型": "举报",
         "诉求内容": f"举报{PERSON}在小区门口销售假药，请尽快查处。"},
    ])


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from ingest.pipeline import IngestTarget, ingest_files
    from orchestration import cli
    from sample_data import generate_sample
    from warehouse.settings import load_settings

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("privacy_home")
    mp.setenv("LIANDONG_HOME", str(home))
    mp.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
    settings = load_settings(home)
    settings.prepare()
    folder = tmp_path_factory.mktemp("privacy_sample")
    manifest = generate_sample(folder, 2024)
    # The penalty ledgers first, so the hotline texts are loaded when the person's name is already known.
    ingest_files([folder / f["path"] for f in manifest["files"]] + [_penalty(folder)], IngestTarget.of(settings))
    ingest_files([_hotline(folder)], IngestTarget.of(settings))
    cli.build_warehouse(settings, AS_OF)  # the PII gate runs here: no false positive on the sample
    outcomes = cli.publish_site(settings, AS_OF, [REGION])
    yield settings, outcomes
    mp.undo()


def _file_texts(folder: Path):
    """(path, text) of every file under `folder`; workbooks as their XML parts."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                yield path, "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist()
                                    if n.endswith(".xml"))
        elif path.suffix != ".js":
            yield path, path.read_bytes().decode("utf-8", "replace")


def test_the_planted_records_are_published(published):
    """The planted clue and the overdue tickets are in the publication (by number), so the next test is real."""
    settings, outcomes = published
    assert [o.created for o in outcomes] == [True]
    pages = {p.name: p.read_text(encoding="utf-8") for p in (settings.site / REGION / AS_OF.isoformat()).glob("*.html")}
    assert "惠市监罚〔2025〕888号" in pages["clues.html"]
    assert "RX2025PII0001" in pages["timeliness.html"] and "RX2025PII0002" in pages["timeliness.html"]


def test_no_published_file_contains_a_planted_name_or_address(published):
    settings, _ = published
    forms = {s: (s, json.dumps(s)[1:-1]) for s in PLANTED}  # as written, and as JSON escapes it
    texts = list(_file_texts(settings.site))
    assert len(texts) > 10
    leaks = [(path.name, s) for path, text in texts for s, spelled in forms.items() if any(f in text for f in spelled)]
    assert leaks == []


def test_no_mart_holds_a_planted_name_or_address(published):
    """Masked at ingest: the marts (and the raw tables they come from) never hold them."""
    settings, _ = published
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        columns = con.execute("""select table_schema, table_name, column_name from information_schema.columns
                                 where table_schema in ('marts', 'raw') and data_type = 'VARCHAR'""").fetchall()
        hits = []
        for schema, table, column in columns:
            for s in PLANTED:
                n = con.execute(f'select count(*) from "{schema}"."{table}" where contains("{column}", ?)',
                                [s]).fetchone()[0]
                if n:
                    hits.append((f"{schema}.{table}.{column}", s, n))
        facts = con.execute("select violation_facts from marts.fct_non_transfer_clues "
                            "where decision_no = '惠市监罚〔2025〕888号'").fetchall()
        contents = dict(con.execute("select ticket_no, content from raw.hotline_exchange "
                                    "where ticket_no like 'RX2025PII%'").fetchall())
    finally:
        con.close()
    assert hits == []
    assert {f for (f,) in facts} == {
        "当事人【当事人】家住【地址】，于2025年5月在其住所销售假药，车牌【车牌号】的车辆用于运输。"}
    assert contents == {"RX2025PII0001": "我叫【姓名】，家住【地址】，微信号 【社交账号】，反映楼下商户夜间噪声扰民。",
                        "RX2025PII0002": "举报【姓名】在小区门口销售假药，请尽快查处。"}


def test_audit_pii_finds_names_and_addresses_planted_in_a_mart(published, tmp_path, monkeypatch):
    from orchestration.cli import app
    from privacy.pii_audit import audit
    from warehouse.settings import load_settings

    settings, _ = published
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy2(settings.warehouse, home / "warehouse.duckdb")
    shutil.copy2(settings.pii_audit_state, home / "pii_audit.duckdb")  # what passed is remembered: still found
    monkeypatch.setenv("LIANDONG_HOME", str(home))
    copy = load_settings(home)
    copy.prepare()
    runner = CliRunner()
    clean = runner.invoke(app, ["audit-pii", "--home", str(home)])
    assert clean.exit_code == 0, clean.output

    con = duckdb.connect(str(copy.warehouse))
    first = con.execute("select min(decision_no) from marts.fct_non_transfer_clues").fetchone()[0]
    con.execute("update marts.fct_non_transfer_clues set violation_facts = ? where decision_no = ?",
                [f"经查，{PERSON}于2025年5月销售假药。", first])  # a known name, no trigger word
    con.execute("update marts.fct_overdue_items set subject_summary = ? where source_key = 'RX2025PII0001'",
                [f"来电人住{HOME_ADDRESS}"])  # an address shape
    con.close()

    found = audit(copy.warehouse, [], None, TEST_KEY.encode())
    assert sorted((f.location, f.kind) for f in found) == [
        ("marts.fct_non_transfer_clues.violation_facts", "person_name"),
        ("marts.fct_overdue_items.subject_summary", "address"),
    ]
    assert all(PERSON not in f.masked_sample and "66号" not in f.masked_sample for f in found)
    result = runner.invoke(app, ["audit-pii", "--home", str(home)])
    assert result.exit_code == 1
    assert "marts.fct_non_transfer_clues.violation_facts" in result.output
    assert "marts.fct_overdue_items.subject_summary" in result.output
    # Without the key the names cannot be recognised (they are stored only as keyed hashes); addresses still are.
    assert [f.kind for f in audit(copy.warehouse, [], None, b"another-key-0123456789")] == ["address"]
