"""The PII audit remembers what passed (privacy.pii_audit.AuditState) and reads only what changed since: a value
planted after a passing audit — in place, in a new file's rows, in a file — is still found; an unchanged
warehouse is not read again; a change of the detector forgets everything. Files are searched piece by piece,
with the same findings as the whole text."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ingest.pipeline import ingest_file
from orchestration.cli import app
from privacy import pii_audit
from privacy.mask import find_personal_data
from privacy.pii_audit import audit, find_in_text
from tests.builders import PENALTY_HEADERS, PERSON_ID, execute_sql, person_row, write_csv

runner = CliRunner()


@pytest.fixture
def audited(tmp_path, target, settings):
    """A warehouse with one ingested file and a clean mart, after a passing audit that kept its state. The notes'
    16-digit numbers fail the Luhn check: candidates the audit validates (a card number's shape), never findings."""
    assert ingest_file(write_csv(tmp_path / "p.csv", PENALTY_HEADERS, [person_row()]), target).rows_loaded == 1
    _sql(settings, "create schema if not exists marts; create table marts.fct_notes as "
                   "select i as id, '案件' || i || ' 联系 0000000000000001' as note from range(5) t(i)")
    state = settings.home / "pii_audit.duckdb"
    assert audit(settings.warehouse, [settings.site], state) == []
    return settings, state


def _sql(settings, sql: str, params: list | None = None) -> None:
    execute_sql(settings.warehouse, sql, params)


def _count_scans(monkeypatch, rows_read: list | None = None) -> list[str]:
    """The columns the audit reads from now on (and, into `rows_read`, how many rows each read saw)."""
    scanned: list[str] = []
    real = pii_audit._scan_columns

    def spy(con, state, relation, name, columns, *rest):
        scanned.extend(f"{name}.{c}" for c in columns)
        if rows_read is not None:
            rows_read.append(con.execute(f"select count(*) from {relation}").fetchone()[0])
        yield from real(con, state, relation, name, columns, *rest)

    monkeypatch.setattr(pii_audit, "_scan_columns", spy)
    return scanned


def test_an_unchanged_warehouse_and_site_are_not_read_again(audited, monkeypatch):
    settings, state = audited
    page = settings.site / "a.html"
    page.write_text("<p>联系 0000000</p>", encoding="utf-8")
    assert audit(settings.warehouse, [settings.site], state) == []
    scanned = _count_scans(monkeypatch)
    files: list[Path] = []
    real_file = pii_audit._scan_file
    monkeypatch.setattr(pii_audit, "_scan_file",
                        lambda path, texts, *names: files.append(path) or real_file(path, texts, *names))
    assert audit(settings.warehouse, [settings.site], state) == []
    assert scanned == [] and files == []
    assert audit(settings.warehouse, [settings.site]) == []  # without a state: everything is read
    assert "marts.fct_notes.note" in scanned and page in files


def test_a_value_planted_in_place_after_a_passing_audit_is_found(audited):
    """Same row count, same table: only the content changed, and the fingerprint sees it."""
    settings, state = audited
    _sql(settings, "update marts.fct_notes set note = ? where id = 3", [f"联系人身份证{PERSON_ID}"])
    findings = audit(settings.warehouse, [settings.site], state)
    assert [(f.location, f.kind) for f in findings] == [("marts.fct_notes.note", "id_number")]
    assert audit(settings.warehouse, [settings.site], state) == findings  # a failed table is not remembered


def test_a_value_in_a_new_files_rows_is_found_and_only_those_rows_are_read(audited, monkeypatch):
    settings, state = audited
    _sql(settings, "insert into raw.penalty_ledger by name select * replace ('new' as _file_sha256, ? as remarks) "
                   "from raw.penalty_ledger", [f"电话 13912345678 {PERSON_ID}"])
    scanned = _count_scans(monkeypatch)
    findings = audit(settings.warehouse, [], state)
    assert {(f.location, f.kind) for f in findings} == {("raw.penalty_ledger.remarks", "id_number"),
                                                         ("raw.penalty_ledger.remarks", "mobile")}
    assert set(scanned) == {f"raw.penalty_ledger.{c}" for c in _text_columns(settings, "raw", "penalty_ledger")}


@pytest.mark.parametrize(("table", "part", "text"), [
    ("marts.fct_by_region", "region_code", "note"),  # a mart rebuilt after one region's new file
    ("raw.facts_like", "agency_uscc", "evidence"),  # like raw.penalty_facts: neither a file nor a region column
])
def test_a_table_changed_in_one_part_is_rescanned_in_that_part_only(audited, monkeypatch, table, part, text):
    """A table changed for one region (or, without a region column, one agency): the rows of the other parts
    are not read again."""
    settings, state = audited
    _sql(settings, f"create table {table} as select r as {part}, '工单 ' || r as {text} "
                   "from (values ('410108'), ('410102'), ('410105')) t(r)")
    assert audit(settings.warehouse, [], state) == []
    _sql(settings, f"insert into {table} values ('410102', ?)", [f"联系 {PERSON_ID}"])
    read: list[int] = []
    _count_scans(monkeypatch, read)
    findings = audit(settings.warehouse, [], state)
    # reported at its row in the table (not in the rows read), every column read for part 410102 only
    assert [(f.location, f.where, f.kind) for f in findings] == [(f"{table}.{text}", "rowid 3", "id_number")]
    assert read == [2]


def test_a_candidate_value_found_clean_is_not_validated_again(audited, monkeypatch):
    """A changed table is read again, but a candidate value already found clean is not checked again."""
    settings, state = audited
    _sql(settings, "insert into marts.fct_notes values "
                   "(5, '案件1 联系 0000000000000001'), (6, '新案 联系 1111111111111112')")
    checked: list[str] = []
    real = pii_audit.find_personal_data
    monkeypatch.setattr(pii_audit, "find_personal_data", lambda text: checked.append(text) or real(text))
    assert audit(settings.warehouse, [], state) == []
    assert checked == ["新案 联系 1111111111111112"]
    _sql(settings, "insert into marts.fct_notes values (7, '新案 联系 1111111111111112'), (8, ?)",
         [f"联系 {PERSON_ID}"])
    checked.clear()
    findings = audit(settings.warehouse, [], state)
    assert [(f.location, f.where, f.kind) for f in findings] == [("marts.fct_notes.note", "rowid 8", "id_number")]
    assert checked == [f"联系 {PERSON_ID}"]


def test_a_value_in_two_columns_is_validated_once_and_reported_in_both(audited, monkeypatch):
    """The columns of a table are read in one statement: a candidate in two columns is checked once, and a
    finding is reported in each column that holds it, at its own row."""
    settings, state = audited
    _sql(settings, "create table marts.fct_two as select * from (values "
                   "('联系 2222222222222223', '联系 2222222222222223'), ('无', ?)) t(a, b)", [f"联系 {PERSON_ID}"])
    checked: list[str] = []
    real = pii_audit.find_personal_data
    monkeypatch.setattr(pii_audit, "find_personal_data", lambda text: checked.append(text) or real(text))
    findings = audit(settings.warehouse, [], state)
    assert sorted(checked) == sorted(["联系 2222222222222223", f"联系 {PERSON_ID}"])
    assert [(f.location, f.where, f.kind) for f in findings] == [("marts.fct_two.b", "rowid 1", "id_number")]
    _sql(settings, "insert into marts.fct_two values (?, '无')", [f"联系 {PERSON_ID}"])
    checked.clear()
    findings = audit(settings.warehouse, [], state)
    assert checked == [f"联系 {PERSON_ID}"]
    assert [(f.location, f.where) for f in findings] == [("marts.fct_two.a", "rowid 2"), ("marts.fct_two.b", "rowid 1")]


def test_the_memory_of_clean_values_is_bounded(audited, monkeypatch):
    """Past MAX_CLEAN_VALUES the memory is forgotten whole; what changed is then validated afresh."""
    settings, state = audited
    _sql(settings, "insert into marts.fct_notes values "
                   "(5, '新案 联系 1111111111111112'), (6, '新案 联系 2222222222222223')")
    monkeypatch.setattr(pii_audit, "MAX_CLEAN_VALUES", 3)
    assert audit(settings.warehouse, [], state) == []
    con = duckdb.connect(str(state))
    try:
        assert con.execute("select count(*) from clean_values").fetchone()[0] == 0
        assert con.execute("select count(*) from tables where name = 'marts.fct_notes'").fetchone()[0] == 1
    finally:
        con.close()
    _sql(settings, "insert into marts.fct_notes values (7, ?)", [f"联系 {PERSON_ID}"])
    assert [f.where for f in audit(settings.warehouse, [], state)] == ["rowid 7"]


def test_a_value_planted_in_an_old_files_rows_is_found(audited):
    settings, state = audited
    _sql(settings, "update raw.penalty_ledger set remarks = ?", [f"证件{PERSON_ID}"])
    assert [f.location for f in audit(settings.warehouse, [], state)] == ["raw.penalty_ledger.remarks"]


def test_a_clean_file_changed_after_the_audit_is_read_again(audited):
    settings, state = audited
    page = settings.site / "a.html"
    page.write_text("<p>ok</p>", encoding="utf-8")
    assert audit(settings.warehouse, [settings.site], state) == []
    page.write_text(f"<p>{PERSON_ID}</p>", encoding="utf-8")
    assert [f.location for f in audit(settings.warehouse, [settings.site], state)] == [str(page)]


def test_a_changed_detector_forgets_what_passed(audited, monkeypatch):
    settings, state = audited
    monkeypatch.setattr(pii_audit, "detector_version", lambda: "another detector")
    scanned = _count_scans(monkeypatch)
    assert audit(settings.warehouse, [], state) == []
    assert "marts.fct_notes.note" in scanned


def test_audit_pii_full_reads_everything_and_the_gate_fails_on_a_planted_value(audited, monkeypatch):
    settings, _ = audited
    scanned = _count_scans(monkeypatch)
    assert runner.invoke(app, ["audit-pii"]).exit_code == 0 and scanned == []
    assert runner.invoke(app, ["audit-pii", "--full"]).exit_code == 0 and "marts.fct_notes.note" in scanned
    _sql(settings, "update marts.fct_notes set note = ? where id = 1", [f"证件{PERSON_ID}"])
    result = runner.invoke(app, ["audit-pii"])
    assert result.exit_code == 1 and "marts.fct_notes.note" in " ".join(result.output.split())


def _text_columns(settings, schema: str, table: str) -> set[str]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "and data_type = 'VARCHAR'", [schema, table]).fetchall()}
    finally:
        con.close()


def test_pieces_have_the_findings_of_the_whole_text():
    """find_in_text skips what cannot hold a finding; on random text mixing identifiers, separators,
    decimals and markup it finds exactly what the detector finds in the whole text."""
    rng = random.Random(7)
    atoms = [PERSON_ID, "13912345678", "139 1234 5678", "+86 139-1234-5678", "0931-6212345", "6222021234567890128",
             "zhangsan@example.com", "0.9371234567890129", "91410100MA44XYZ12X", "2024-01-01", "AA202401010025",
             "id_0123456789abcdef01234567", "<v>", "</v>", '"', ",", ":", "[", "]", "{", "}", "=", "/", "\t",
             " ", "-", ".", "(", ")", "x", "Z", "号", "5", "12", "1234567", "@", "e+3"]
    for _ in range(3000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 12)))
        expected = [(f.kind, f.text) for f in find_personal_data(text)]
        assert sorted((f.kind, f.text) for f in find_in_text(text)) == sorted(expected), text


@pytest.mark.parametrize("with_identifiers", [False, True])
def test_texts_searched_together_have_the_findings_of_each(monkeypatch, with_identifiers):
    """A published file's lines (or a workbook's parts) are searched together, the pre-filters run once over
    all of them in Rust: the findings are those of `find_in_text` on each text, in the same order. Without an
    identifier anywhere no text is searched one by one; with one, every text is (the exact search)."""
    from privacy.names import KnownNames, hash_rows

    rows = hash_rows(b"audit-test-key-0123456789", ["张三", "欧阳明华"])
    names = KnownNames(b"audit-test-key-0123456789", {h for k, h in rows if k == "name"},
                       {h for k, h in rows if k == "initial"})
    rng = random.Random(11)
    atoms = ["<v>", "</v>", '"', ",", ":", "[", "]", "{", "}", "=", "/", " ", "-", ".", "x", "号", "5", "12",
             "人民路", "12号", "3号楼", "2单元", "家住", "地址", "张三", "欧阳明华", "张家口", "不得早于立案日期",
             "投诉", "\u2028"]
    candidates = ["1234567", "AA202401010025", "0.9371234567890129", "91410100MA44XYZ12X", "@"]
    if with_identifiers:  # anywhere: next to an address, an identifier's piece is a finding too
        atoms += [*candidates, PERSON_ID, "13912345678", "139 1234 5678", "zhangsan@example.com",
                  "6222021234567890128", "2024-01-01"]
    else:  # candidates that are no identifier, in pieces of their own (a passing audit has no finding in one)
        atoms += [f'"{c}"' for c in candidates]
    texts = [(f"line {i}", "".join(rng.choice(atoms) for _ in range(rng.randint(1, 14)))) for i in range(800)]
    expected = [(place, f.kind, f.text) for place, text in texts for f in find_in_text(text, names)]
    one_by_one: list[str] = []
    real = pii_audit.find_in_text
    monkeypatch.setattr(pii_audit, "find_in_text",
                        lambda text, known=None: one_by_one.append(text) or real(text, known))
    found = [(place, f.kind, f.text) for place, f in pii_audit.findings_in_texts(texts, names)]
    assert found == expected
    assert {kind for _, kind, _ in expected} >= ({"address", "person_name", "id_number"} if with_identifiers
                                                 else {"address", "person_name"})
    assert len(one_by_one) == (len(texts) if with_identifiers else 0)


def test_values_the_detector_cannot_find_anything_in_are_not_given_to_it(audited, monkeypatch):
    """Most candidates at province scale are there for a known name only (a surname and a Han character in free
    text) or are wholly a valid 统一社会信用代码 (a party's code): the detector is not run on them, and the findings
    stay the same — a known name and an ID number in one text are both found."""
    from orchestration.workflows import audit_key
    from tests.builders import uscc

    settings, state = audited
    key = audit_key(settings)
    code = uscc("91410102354399725")  # all digits: a candidate (15 digits in a row)
    _sql(settings, "create table marts.fct_names as select * from (values (1, '张某某案件已办结', ?), "
                   "(2, ?, '无')) t(id, note, party)", [code, f"张三 联系 {PERSON_ID}"])
    checked: list[str] = []
    real = pii_audit.find_personal_data
    monkeypatch.setattr(pii_audit, "find_personal_data", lambda text: checked.append(text) or real(text))
    findings = audit(settings.warehouse, [], state, key)
    assert sorted((f.location, f.where, f.kind) for f in findings) == [
        ("marts.fct_names.note", "rowid 1", "id_number"), ("marts.fct_names.note", "rowid 1", "person_name")]
    assert checked == [f"张三 联系 {PERSON_ID}"]
    assert pii_audit.findings_in_value("张某某案件已办结", None) == []  # named only, yet a candidate: not a finding


def test_a_whole_valid_uscc_is_a_public_code_and_the_detector_finds_nothing_in_it():
    """`is_public_code` stands in for the audit's detector on a value that is wholly a valid 统一社会信用代码 —
    numeric ones included, which look like card and ID numbers — but never on a valid 身份证 number, even one that
    also passes the USCC check. (Masking at ingest may still read 'WX' and what follows in a code as a 微信
    account, a kind the audit does not report.)"""
    from data_contracts.identifiers import USCC_ALPHABET, is_valid_uscc, ric_check_digit, uscc_check_char
    from privacy.mask import AUDIT_KINDS, is_public_code

    rng = random.Random(11)
    codes = []
    for i in range(20_000):
        alphabet = "0123456789" if i % 2 else USCC_ALPHABET
        body = "".join(rng.choice(alphabet) for _ in range(2)) + f"{rng.randint(0, 999_999):06d}" \
            + "".join(rng.choice(alphabet) for _ in range(9))
        codes.append(body + uscc_check_char(body))
    assert all(is_public_code(c) for c in codes)  # none of them has a real birth date where a 身份证 has it
    assert [c for c in codes if any(f.kind in AUDIT_KINDS for f in find_personal_data(c))] == []
    ids = []
    while len(ids) < 3:  # a valid 身份证 number (real birth date) that is also a valid USCC: one in 31
        born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body = f"410102{born}{rng.randint(0, 999):03d}"
        number = body + ric_check_digit(body)
        if is_valid_uscc(number):
            ids.append(number)
    assert not any(is_public_code(n) for n in ids)
    assert [[f.kind for f in find_personal_data(n)] for n in ids] == [["id_number"]] * 3
    assert not is_public_code(codes[0][:17] + "I") and not is_public_code(f" {codes[0]}")


def test_a_file_still_since_it_passed_is_not_read_again_and_a_rewrite_of_the_same_size_is(audited, monkeypatch):
    """A clean file unchanged since (same inode, size, modification and change times) is not read at all; a file
    that changed within the last STILL_NS is read by its bytes (it may change again within the clock's tick)."""
    import time

    settings, state = audited
    page = settings.site / "a.html"
    clean, dirty = "<p>联系 0000000</p>    ", f"<p>{PERSON_ID}</p>"
    assert len(clean.encode()) == len(dirty.encode())
    page.write_text(clean, encoding="utf-8")
    read: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or real(self))
    assert audit(settings.warehouse, [settings.site], state) == []
    assert audit(settings.warehouse, [settings.site], state) == [] and read == [page, page]  # just written
    monkeypatch.setattr(pii_audit, "STILL_NS", 0)
    time.sleep(0.05)
    assert audit(settings.warehouse, [settings.site], state) == [] and len(read) == 3  # remembered by its stat
    assert audit(settings.warehouse, [settings.site], state) == [] and len(read) == 3  # not read
    page.write_text(dirty, encoding="utf-8")
    assert [f.location for f in audit(settings.warehouse, [settings.site], state)] == [str(page)]


def test_a_long_text_file_written_again_is_searched_in_its_new_lines_only(audited, monkeypatch):
    """A text file of LINE_MEMO_MIN_LINES lines or more (the contract report) is searched only in the lines not
    found clean before; a new line with an ID number is found, at its own line number."""
    settings, state = audited
    report = settings.site / "data_docs" / "index.html"
    report.parent.mkdir(parents=True)
    lines = [f"<tr><td>文件{i}.xlsx</td><td>{i}</td></tr>" for i in range(pii_audit.LINE_MEMO_MIN_LINES)]
    report.write_text("\n".join(lines), encoding="utf-8")
    assert audit(settings.warehouse, [settings.site], state) == []
    searched: list[str] = []
    real = pii_audit.findings_in_texts
    monkeypatch.setattr(pii_audit, "findings_in_texts",
                        lambda texts, *rest: searched.extend(t for _, t in texts) or real(texts, *rest))
    lines[5] = f"<tr><td>证件{PERSON_ID}</td></tr>"
    report.write_text("\n".join([*lines, "<p>生成时间 2026-12-06</p>"]), encoding="utf-8")
    assert [(f.location, f.where) for f in audit(settings.warehouse, [settings.site], state)] == \
        [(str(report), "line 6")]
    assert searched == [lines[5], "<p>生成时间 2026-12-06</p>"]
    lines[5] = "<tr><td>更正</td></tr>"  # the clean file's lines are remembered; those of a file with a finding are not
    report.write_text("\n".join(lines), encoding="utf-8")
    searched.clear()
    assert audit(settings.warehouse, [settings.site], state) == [] and searched == [lines[5]]
    report.write_text("\n".join([*lines, "<p>2026</p>"]), encoding="utf-8")
    searched.clear()
    assert audit(settings.warehouse, [settings.site], state) == [] and searched == ["<p>2026</p>"]
