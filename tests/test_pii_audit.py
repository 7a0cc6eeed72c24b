"""The PII audit finds planted personal data in a mart column and in a published file, and fails the run."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from ingest.pipeline import ingest_file
from orchestration.cli import app
from privacy.pii_audit import audit
from tests.builders import PENALTY_HEADERS, PERSON_ID, person_row, write_csv

runner = CliRunner()


def _ingest_person(tmp_path: Path, target) -> None:
    out = ingest_file(write_csv(tmp_path / "p.csv", PENALTY_HEADERS, [person_row()]), target)
    assert out.rows_loaded == 1


def test_clean_warehouse_passes_and_hashes_are_not_findings(tmp_path, target, settings):
    _ingest_person(tmp_path, target)
    assert audit(settings.warehouse, [settings.site]) == []
    result = runner.invoke(app, ["audit-pii"])
    assert result.exit_code == 0, result.output


def test_planted_id_in_a_mart_column_and_in_html_fails(tmp_path, target, settings):
    _ingest_person(tmp_path, target)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema if not exists marts")
    con.execute("create table marts.fct_planted as select 'x' as decision_no, ? as note", [f"证件{PERSON_ID}"])
    con.close()
    page = settings.site / "410108" / "2025-12-31" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body><td>联系电话 13912345678</td><td>{PERSON_ID}</td></body></html>", encoding="utf-8")
    findings = audit(settings.warehouse, [settings.site])
    where = {(f.location.split("/")[-1], f.kind) for f in findings}
    assert ("marts.fct_planted.note", "id_number") in where
    assert ("index.html", "id_number") in where and ("index.html", "mobile") in where
    assert all(PERSON_ID not in f.sentence() for f in findings)  # the report does not leak it again
    result = runner.invoke(app, ["audit-pii"])
    assert result.exit_code == 1 and "marts.fct_planted.note" in " ".join(result.output.split())


def test_planted_id_in_a_quarantine_report_or_a_changed_vendor_script_fails(tmp_path, target, settings):
    import plotly

    _ingest_person(tmp_path, target)
    report = settings.quarantine / "abc_410108_市场监管局.quarantine.csv"
    report.write_text(f"行,列,值\n3,证件号码,{PERSON_ID}\n", encoding="utf-8")
    vendor = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assets = settings.site / "410108" / "2025-12-31" / "assets"
    assets.mkdir(parents=True)
    (assets / "plotly.min.js").write_bytes(vendor.read_bytes())  # the shipped library: skipped, not a finding
    assert audit(settings.warehouse, [settings.site, settings.quarantine]) != []
    assert {f.location.split("/")[-1] for f in audit(settings.warehouse, [settings.site, settings.quarantine])} == {
        report.name}
    (assets / "plotly.min.js").write_bytes(vendor.read_bytes() + f"//{PERSON_ID}".encode())  # changed: scanned
    names = {f.location.split("/")[-1] for f in audit(settings.warehouse, [settings.site])}
    assert "plotly.min.js" in names
    (assets / "plotly.min.js").write_bytes(vendor.read_bytes())
    result = runner.invoke(app, ["audit-pii"])
    assert result.exit_code == 1 and report.name in " ".join(result.output.split())


def test_purge_deletes_raw_files_but_keeps_hashes(tmp_path, target, settings):
    _ingest_person(tmp_path, target)
    archived = [p for p in settings.landing.rglob("*") if p.is_file()]
    assert len(archived) == 1 and stat.S_IMODE(os.stat(archived[0]).st_mode) == 0o600
    result = runner.invoke(app, ["purge", "--before", "2999-01-01"])
    assert result.exit_code == 0, result.output
    assert not archived[0].exists()
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = con.execute("select file_sha256, rows_loaded, purged_at is not null from meta.files").fetchall()
    con.close()
    assert len(rows) == 1 and rows[0][1] == 1 and rows[0][2] is True
    again = ingest_file(tmp_path / "p.csv", target)  # the hash survives: the file is still known
    assert again.status == "skipped"


def test_every_kind_of_personal_data_is_gone_after_ingest(tmp_path, target, settings):
    from tests.builders import PERSON_ID_15

    card = "6222021234567890128"  # Luhn-valid
    facts = (f"当事人张三（身份证号{PERSON_ID}，旧证{PERSON_ID_15}），手机138 1234 5678，座机0931-6212345，"
             f"银行卡{card}，邮箱zhangsan@example.com，于2024年3月销售伪劣产品，销售金额共计人民币6.8万元。")
    row = person_row(**{"违法事实": facts, "处罚内容": "警告，罚款0.5万元（张三已签收）",
                        "法定代表人": "", "行政相对人名称": "张三"})
    rows = [{**row, "备注": f"电话13912345678 {card}"}]
    out = ingest_file(write_csv(tmp_path / "all.csv", [*PENALTY_HEADERS, "备注"], rows), target)
    assert out.rows_loaded == 1, [p.sentence(out.name) for p in out.problems]
    assert audit(settings.warehouse, [settings.site, settings.quarantine]) == []
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    text, remarks, name = con.execute("select violation_facts, remarks, party_name from raw.penalty_ledger").fetchone()
    con.close()
    assert text == ("当事人【当事人】（身份证号【身份证号】，旧证【身份证号】），手机【手机号】，座机【电话】，"
                    "银行卡【银行卡号】，邮箱【邮箱】，于2024年3月销售伪劣产品，销售金额共计人民币6.8万元。")
    assert remarks == "电话【手机号】 【银行卡号】"
    assert name.startswith("name_") and "张三" not in name


def test_hash_prefixes_shown_in_reports_are_not_findings(tmp_path):
    """Seen at bench scale: a 12-character prefix of a file hash (a0208875387b) read as a landline and failed
    the gate. Reports show 8 characters, which can never hold a phone, card or ID number."""
    from data_contracts.docs import build_data_docs
    from privacy.pii_audit import scan_files

    shas = ["a0208875387bc572ae645ebabd427b88921fb929b2ace94f17d33c75647d3908",
            "d17212207633777464a8c6f4c7afd1f1e68133b734e9c866ff4f608472d24e24"]
    files = [{"file_sha256": s, "file_name": f"f{i}.xlsx", "feed": "penalty_ledger", "status": "loaded",
              "rows_read": 1, "rows_loaded": 1, "rows_quarantined": 0, "rows_non_data": 0} for i, s in enumerate(shas)]
    build_data_docs(tmp_path / "docs", [], files)
    assert "a0208875" in (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert list(scan_files(tmp_path / "docs")) == []


def test_a_value_held_by_many_rows_is_one_finding_with_its_count(tmp_path, target, settings):
    """Each distinct value is checked once (bench scale: millions of USCCs and hashes); the report says how many
    rows hold it and where the first one is. Values that are wholly a pseudonym or a hash are no finding."""
    _ingest_person(tmp_path, target)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema if not exists marts")
    con.execute("create table marts.fct_planted (note varchar)")
    con.executemany("insert into marts.fct_planted values (?)",
                    [[f"证件{PERSON_ID}"]] * 3 + [["id_0123456789abcdef01234567"], ["0" * 40 + "abc"], ["ok"]])
    con.close()
    findings = [f for f in audit(settings.warehouse, []) if f.location == "marts.fct_planted.note"]
    assert [(f.kind, f.where) for f in findings] == [("id_number", "rowid 0（共 3 行 / 3 rows）")]


def test_phones_written_with_separators_or_full_width_are_found_in_a_mart_column(tmp_path, target, settings):
    """The warehouse pre-filter (RE2, whose `\\d` is ASCII only) let through no value the detector finds: a mobile
    with spaces or dashes and one typed full-width were skipped before."""
    _ingest_person(tmp_path, target)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema if not exists marts")
    con.execute("create table marts.fct_planted (note varchar)")
    con.executemany("insert into marts.fct_planted values (?)",
                    [["电话139-1234-5678"], ["电话139 1234 5678"], ["电话１３９１２３４５６７８"], ["第１２号"],
                     ["ok"]])
    con.close()
    findings = [f for f in audit(settings.warehouse, []) if f.location == "marts.fct_planted.note"]
    assert sorted((f.kind, f.where) for f in findings) == [("mobile", f"rowid {i}") for i in range(3)]


def test_the_fraction_of_a_decimal_number_is_not_a_card_number():
    """Seen at bench scale: a score written at full precision in scorecard.xlsx (<v>0.9371234567890129</v>) has a
    16-digit fraction that passed the Luhn check and stopped the publication. The same digits alone still count."""
    from privacy.mask import find_personal_data

    digits = "937123456789012"
    digits += next(str(d) for d in range(10) if _luhn_ok(digits + str(d)))
    assert [f.kind for f in find_personal_data(f"卡号 {digits}")] == ["bank_card"]
    for text in (f"<v>0.{digits}</v>", f'"y":[93.{digits}]', f"得分 1.{digits}E-2"):
        assert list(find_personal_data(text)) == [], text


def _luhn_ok(digits: str) -> bool:
    from privacy.mask import _luhn

    return _luhn(digits)


def test_the_warehouse_pre_filter_leaves_out_no_value_with_a_finding(tmp_path):
    """The SQL pre-filter (`_candidate_sql`) is the only thing between a warehouse value and the detector: every
    value with a finding is a candidate — on the sample's cells, planted identifiers in every spelling and random
    text made of digits, separators and the shapes' parts. Bare runs of 7–14 digits (case numbers, organisation
    codes: ~7 million values at province scale) are not, and a landline with an area code or an extension is."""
    import random

    from privacy.pii_audit import _candidate_sql, findings_in_value
    from tests.test_personal_data import _SHAPE_PARTS, _planted_texts, _sample_cells

    rng = random.Random(23)
    digits = ["".join(rng.choice("0123456789 -@()（）+xX－０１＠") for _ in range(rng.randint(1, 30)))
              for _ in range(20_000)]
    parts = ["".join(rng.choice(_SHAPE_PARTS) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    spared = ["AAJT20240004", "360629283", "ADYC20241459", "罚字〔2024〕12345678号", "BE202401140017",
              "AE202509300072"]
    kept = ["0371-6788123", "(0371)67881234", "6788123-12", "电话０３７１－６７８８１２３"]
    texts = sorted(set(_sample_cells(tmp_path / "sample") + _planted_texts() + digits + parts + spared + kept))
    con = duckdb.connect()
    con.execute("create table v (value varchar)")
    con.executemany("insert into v values (?)", [[t] for t in texts])
    candidates = {t for t, in con.execute(f"select value from v where {_candidate_sql('value', None)}").fetchall()}
    with_findings = {t for t in texts if findings_in_value(t)}
    assert with_findings - candidates == set()
    assert len(with_findings) > 5_000 and len(texts) - len(candidates) > 20_000  # both sides are common
    assert candidates.isdisjoint(spared) and candidates.issuperset(kept)
