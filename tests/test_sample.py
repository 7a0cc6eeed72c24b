"""The sample generator: reproducible bytes, realistic layouts, and planted cases where the manifest says.

Files are read back independently of the generator (openpyxl / csv) and compared with expected.json.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from chinese_calendar import is_workday

from sample_data import generate_sample
from sample_data.ids import is_valid_ric18, is_valid_uscc, ric_check_digit
from sample_data.layouts import F1_DATE_FIELDS
from sample_data.workdays import add_months, due_in_days, due_in_months, due_in_workdays

SEED = 2024
Row = tuple[str | None, int, dict[str, Any]]  # sheet, row number, field → cell value
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID18 = re.compile(r"(?<![0-9A-Z])\d{17}[\dX](?![0-9A-Z])")


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate_sample(out, SEED)


@pytest.fixture(scope="module")
def tables(sample: tuple[Path, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every file read back once: data rows by field, plus the raw facts the layout tests need."""
    out, manifest = sample
    return {f["path"]: _read(out, f) for f in manifest["files"]}


def _read(out: Path, entry: dict[str, Any]) -> dict[str, Any]:
    path = out / entry["path"]
    by_header = {h: f for f, h in entry["columns"].items()}
    rows: list[Row] = []
    info: dict[str, Any] = {"rows": rows, "sheets": {}, "text": []}
    if entry["format"] == "csv":
        text = path.read_bytes().decode(entry["encoding"])
        info["text"].append(text)
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=entry["delimiter"]))
        header = records[0]
        info["sheets"][None] = {"header": header, "counted": len([r for r in records[1:] if any(r)])}
        for n, rec in enumerate(records[1:], start=2):
            rows.append(
                (
                    None,
                    n,
                    {by_header[h]: (v or None) for h, v in zip(header, rec, strict=True) if h in by_header},
                )
            )
        return info
    wb = openpyxl.load_workbook(path)
    for sheet in entry["sheets"]:
        ws = wb[sheet["name"]]
        grid = [[c.value for c in row] for row in ws.iter_rows()]
        header = grid[sheet["header_row"] - 1]
        after = grid[sheet["header_row"] :]
        counted = sum(1 for r in after if any(v is not None for v in r) and r[0] != "合计")
        info["sheets"][sheet["name"]] = {
            "header": header,
            "counted": counted,
            "grid": grid,
            "merged": [str(m) for m in ws.merged_cells.ranges],
        }
        for n in range(sheet["first_data_row"], sheet["last_data_row"] + 1):
            values = grid[n - 1]
            rows.append(
                (
                    sheet["name"],
                    n,
                    {by_header[h]: v for h, v in zip(header, values, strict=True) if h in by_header},
                )
            )
        info["text"] += [str(v) for r in grid for v in r if v is not None]
    return info


def _files(manifest: dict[str, Any], feed: str) -> list[dict[str, Any]]:
    return [f for f in manifest["files"] if f["feed"] == feed]


def _row(tables: dict[str, dict[str, Any]], ref: dict[str, Any]) -> dict[str, Any]:
    for sheet, n, values in tables[ref["file"]]["rows"]:
        if sheet == ref["sheet"] and n == ref["row"]:
            return values
    raise AssertionError(f"no row {ref['row']} in {ref['file']} / {ref['sheet']}")


def _planted(manifest: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in manifest["planted"] if p["id"] == pid)


def _as_date(value: Any) -> date:
    """Read a date cell however the clerk wrote it."""
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    assert m, f"unreadable date {value!r}"
    return date(*(int(g) for g in m.groups()))


def _as_yuan(value: Any, header: str) -> Decimal:
    amount = Decimal(str(value).replace(",", ""))
    return amount * 10000 if "万元" in header else amount


def _truthy(value: Any) -> bool:
    return str(value) in ("是", "Y", "1")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------ reproducibility
def test_same_seed_gives_byte_identical_files(sample: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, _manifest = sample
    again = tmp_path / "again"
    generate_sample(again, SEED)
    first = {p.name: _sha(p) for p in out.iterdir()}
    second = {p.name: _sha(p) for p in again.iterdir()}
    assert first == second


def test_different_seed_gives_different_files(sample: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, _manifest = sample
    other = generate_sample(tmp_path / "other", SEED + 1)
    assert other["seed"] == SEED + 1
    common = [p.name for p in out.iterdir() if (tmp_path / "other" / p.name).exists()]
    differing = [n for n in common if _sha(out / n) != _sha(tmp_path / "other" / n)]
    assert len(common) > 20
    assert len(differing) >= 0.9 * len(common)


def test_regenerating_into_the_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    generate_sample(tmp_path, SEED + 2)
    manifest = generate_sample(tmp_path, SEED + 3)
    listed = {f["path"] for f in manifest["files"]} | {"expected.json"}
    assert {p.name for p in tmp_path.iterdir()} == listed


# ------------------------------------------------------------------------------------------- layouts
def test_manifest_lists_exactly_the_files_written(sample: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = sample
    assert {p.name for p in out.iterdir()} == {f["path"] for f in manifest["files"]} | {"expected.json"}
    feeds = {f["feed"] for f in manifest["files"]}
    assert feeds == {"member_units", "penalty_ledger", "supervision_ledger", "hotline_exchange", "task_list"}


def test_every_xlsx_has_a_merged_title_row_above_the_header(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    xlsx = [f for f in manifest["files"] if f["format"] == "xlsx"]
    assert len(xlsx) > 30
    for f in xlsx:
        for sheet in f["sheets"]:
            got = tables[f["path"]]["sheets"][sheet["name"]]
            assert sheet["title_row"] == 1 and sheet["header_row"] == 2, f["path"]
            title = got["grid"][0]
            assert isinstance(title[0], str) and title[0], f["path"]
            assert all(v is None for v in title[1:]), f["path"]
            assert any(m.startswith("A1:") for m in got["merged"]), f["path"]
            assert sum(1 for v in got["header"] if v) >= 9, f["path"]


def test_total_and_blank_rows_sit_below_the_data(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    with_total = [(f, s) for f in manifest["files"] for s in f["sheets"] if s.get("total_row")]
    assert with_total, "some ledger must end with a 合计 row"
    assert any(s["blank_row"] for _f, s in with_total)
    for f, s in with_total:
        grid = tables[f["path"]]["sheets"][s["name"]]["grid"]
        assert grid[s["total_row"] - 1][0] == "合计"
        assert s["total_row"] == len(grid)
        if s["blank_row"]:
            assert all(v is None for v in grid[s["blank_row"] - 1])


def test_manifest_row_counts_equal_the_rows_in_the_files(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    for f in manifest["files"]:
        counted = sum(s["counted"] for s in tables[f["path"]]["sheets"].values())
        assert counted == f["data_rows"] == sum(s["data_rows"] for s in f["sheets"]), f["path"]
        assert len(tables[f["path"]]["rows"]) == f["data_rows"]
    totals = manifest["totals"]
    assert totals["penalty_rows"] == sum(f["data_rows"] for f in _files(manifest, "penalty_ledger"))
    assert 1500 <= totals["penalty_rows"] <= 3000
    assert 130 <= totals["supervision_rows"] <= 180
    assert 1300 <= totals["hotline_rows"] <= 1800


def test_gb18030_csv_decodes_only_as_gb18030(sample: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = sample
    gb = [f for f in manifest["files"] if f["encoding"] == "gb18030"]
    assert gb
    for f in gb:
        raw = (out / f["path"]).read_bytes()
        assert raw.decode("gb18030").startswith(next(iter(f["columns"].values())).split("\n")[0][:2])
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


def test_csv_variants_bom_and_semicolon(sample: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = sample
    bom = [f for f in manifest["files"] if f["encoding"] == "utf-8-sig"]
    assert bom and all((out / f["path"]).read_bytes().startswith(b"\xef\xbb\xbf") for f in bom)
    semicolon = [f for f in manifest["files"] if f["delimiter"] == ";"]
    assert len(semicolon) == 1
    text = (out / semicolon[0]["path"]).read_bytes().decode("utf-8-sig")
    assert len(next(csv.reader(io.StringIO(text, newline=""), delimiter=";"))) > 30
    assert len(next(csv.reader(io.StringIO(text, newline=""), delimiter=","))) < 5


def test_headers_use_synonyms_brackets_and_line_breaks(sample: tuple[Path, dict[str, Any]]) -> None:
    _out, manifest = sample
    headers = [h for f in _files(manifest, "penalty_ledger") for h in f["columns"].values()]
    for spelling in ("行政处罚决定书文号", "罚款金额（万元）", "罚款金额\n（万元）"):
        assert spelling in headers
    assert {"当事人名称", "被处罚单位", "被处罚人"} & set(headers)
    assert {"罚款金额（元）", "处罚金额（万元）"} & set(headers)
    assert any("(" in h for h in headers)


def test_dates_come_in_several_formats_per_file(tables: dict[str, dict[str, Any]]) -> None:
    shapes = set()
    for path, info in tables.items():
        if "行政处罚台账" not in path:
            continue
        per_file = set()
        for _s, _n, values in info["rows"]:
            for field in F1_DATE_FIELDS:
                v = values.get(field)
                if isinstance(v, datetime):
                    per_file.add("excel")
                elif v and v != "长期":
                    per_file.add(re.sub(r"\d", "9", str(v))[:7])
        assert len(per_file) >= 2, path
        shapes |= per_file
    assert {"excel", "9999-99", "99999999", "9999年9月"} <= shapes or len(shapes) >= 6


# ------------------------------------------------------------------------------------ planted cases
def test_every_planted_record_is_in_the_named_file(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    assert len(manifest["planted"]) >= 50
    for case in manifest["planted"]:
        for ref in case["records"]:
            row = _row(tables, ref)
            if case["feed"] == "penalty_ledger":
                assert row["decision_no"] == ref["decision_no"], case["id"]
                assert row["agency_uscc"] == ref["agency_uscc"], case["id"]
            elif case["feed"] == "supervision_ledger":
                assert row["document_no"] == ref["document_no"], case["id"]
            else:
                assert row["ticket_no"] == ref["ticket_no"], case["id"]
                assert str(row["channel"]) == ref["channel"], case["id"]


def test_threshold_values_are_where_the_manifest_says(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    columns = {f["path"]: f["columns"] for f in manifest["files"]}
    checked = 0
    for case in manifest["planted"]:
        e = case["expect"]
        if case["feed"] != "penalty_ledger" or "value_source" not in e:
            continue
        ref = case["records"][-1]
        row = _row(tables, ref)
        measure = e["measure"]
        if e["value_source"] == "text":
            assert e["evidence"] in row["violation_facts"], case["id"]
            assert row.get(measure) in (None, ""), case["id"]
        else:
            header = columns[ref["file"]][measure]
            assert _as_yuan(row[measure], header) == Decimal(str(e["measured_value"])), case["id"]
        checked += 1
    assert checked >= 15
    facts = _row(tables, _planted(manifest, "col_fishing_600kg_closed_season"))["violation_facts"]
    assert "禁渔期" in facts
    assert "禁渔" not in _row(tables, _planted(manifest, "col_fishing_600kg_open_season"))["violation_facts"]


def test_expected_clues_are_the_planted_ones(sample: tuple[Path, dict[str, Any]]) -> None:
    _out, manifest = sample
    clues = set(manifest["totals"]["expected_clues"])
    assert {
        "col_fake_goods_68000",
        "text_sales_6.8wan",
        "text_overlogging_25m3_cn",
        "repeat_person_mining_3",
        "repeat_company_pollution_3",
        "flag_not_transferred",
        "col_fishing_600kg_closed_season",
        "col_illegal_business_person_60000",
        "text_illegal_business_52000_capital",
    } <= clues
    not_clues = {
        "text_sales_4.9wan",
        "col_fishing_600kg_open_season",
        "col_illegal_business_unit_300000",
        "repeat_person_mining_1",
        "repeat_person_mining_2",
        "transfer_filed",
        "transfer_dragon_boat",
    }
    assert not clues & not_clues
    assert _planted(manifest, "text_farmland_12.5mu")["expect"]["clue_status"] == "已监督"
    assert _planted(manifest, "transfer_after_supervision")["expect"]["proactive_transfer"] is False


def test_only_planted_rows_are_flagged_as_suspected_crimes(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    planted = {(r["file"], r["sheet"], r["row"]) for c in manifest["planted"] for r in c["records"]}
    flagged = {
        (f["path"], s, n)
        for f in _files(manifest, "penalty_ledger")
        for s, n, v in tables[f["path"]]["rows"]
        if _truthy(v.get("suspected_crime"))
    }
    assert flagged and flagged <= planted


def test_repeat_offender_is_one_person_under_two_id_forms(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    rows = [_row(tables, _planted(manifest, f"repeat_person_mining_{i}")) for i in (1, 2, 3)]
    first, legacy, third = (r["party_id_no"] for r in rows)
    assert len(first) == 18 and first == third and is_valid_ric18(first)
    assert len(legacy) == 15 and legacy == first[:6] + first[8:17]
    upgraded = legacy[:6] + "19" + legacy[6:]
    assert upgraded + ric_check_digit(upgraded) == first
    assert len({r["party_name"] for r in rows}) == 1
    agencies = [_planted(manifest, f"repeat_person_mining_{i}")["agency_uscc"] for i in (1, 2, 3)]
    assert agencies[0] == agencies[1] != agencies[2]
    companies = {
        _row(tables, _planted(manifest, f"repeat_company_pollution_{i}"))["party_uscc"] for i in (1, 2, 3)
    }
    assert len(companies) == 1


def test_transfer_cases_carry_their_police_decisions(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    expected = {
        "transfer_filed": "立案",
        "transfer_not_filed": "不予立案",
        "transfer_pending": "未决定",
        "transfer_dragon_boat": "立案",
        "transfer_after_supervision": "立案",
    }
    for pid, decision in expected.items():
        row = _row(tables, _planted(manifest, pid))
        assert _truthy(row["suspected_crime"]) and row["transfer_date"], pid
        assert row["police_decision"] == decision, pid
    dragon = _row(tables, _planted(manifest, "transfer_dragon_boat"))
    assert _as_date(dragon["transfer_date"]) == date(2024, 6, 7)
    assert _as_date(dragon["police_decision_date"]) == date(2024, 6, 11)
    flag = _row(tables, _planted(manifest, "flag_not_transferred"))
    assert _truthy(flag["suspected_crime"]) and not flag["transfer_date"]
    supervise = _planted(manifest, "sup_supervise_transfer")
    assert supervise["related_decision_no"] == _planted(manifest, "transfer_after_supervision")["decision_no"]


def test_correction_file_repeats_three_keys_with_a_later_entry_date(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    corrections = [f for f in _files(manifest, "penalty_ledger") if f["correction"]]
    assert [f["path"] for f in corrections] == ["410108_区市场监管局_2025年行政处罚台账_更正.xlsx"]
    fixed = tables[corrections[0]["path"]]["rows"]
    original = {
        v["decision_no"]: v for _s, _n, v in tables["410108_区市场监管局_2025年行政处罚台账.xlsx"]["rows"]
    }
    assert len(fixed) == 3
    for _s, _n, v in fixed:
        before = original[v["decision_no"]]
        assert v["agency_uscc"] == before["agency_uscc"]
        assert _as_date(v["entry_date"]) > _as_date(before["entry_date"])
    case = _planted(manifest, "correction_crosses_threshold")
    assert case["expect"]["before_correction"]["case_value"] == 45000
    assert case["records"][1]["file"] == corrections[0]["path"]


# ------------------------------------------------------------------------------ identifiers and bad rows
USCC_FIELDS = ("party_uscc", "agency_uscc", "source_unit_uscc", "unit_uscc", "target_unit_uscc")


def test_identifiers_pass_their_checks_except_the_planted_bad_ones(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    legacy = set(manifest["pii"]["legacy_id_numbers"])
    bad = {
        (f["path"], b["sheet"], b["row"])
        for f in manifest["files"]
        for b in f["bad"]
        if b["reason"] == "uscc_check"
    }
    prefixes: set[str] = set()
    uscc_count = id_count = 0
    for f in manifest["files"]:
        for sheet, n, values in tables[f["path"]]["rows"]:
            for field in USCC_FIELDS:
                code = values.get(field)
                if not code:
                    continue
                uscc_count += 1
                if (f["path"], sheet, n) in bad and field == "party_uscc":
                    assert not is_valid_uscc(code), (f["path"], n)
                else:
                    assert is_valid_uscc(code), (f["path"], n, field, code)
                    prefixes.add(code[0])
            for field in ("party_id_no", "legal_rep_id_no"):
                number = values.get(field)
                if number:
                    id_count += 1
                    assert is_valid_ric18(number) or number in legacy, (f["path"], n, number)
    assert uscc_count > 2000 and id_count > 300
    assert {"1", "9", "A", "N", "Y"} <= prefixes
    assert legacy and all(len(x) == 15 for x in legacy)


def test_bad_rows_break_exactly_what_the_manifest_says(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    reasons: dict[str, int] = {}
    for f in manifest["files"]:
        assert f["bad_rows"] == len(f["bad"])
        assert f["expect"] == ("rejected" if f["missing_columns"] else "partial" if f["bad"] else "loaded")
        for b in f["bad"]:
            reasons[b["reason"]] = reasons.get(b["reason"], 0) + 1
            row = _row(tables, {"file": f["path"], "sheet": b["sheet"], "row": b["row"]})
            value = row.get(b["field"])
            if b["reason"] == "impossible_date":
                assert re.search(r"-(02-30|13-)", str(value))
            elif b["reason"] == "future_date":
                assert _as_date(value).year == 2030
            elif b["reason"] == "negative_fine":
                assert Decimal(str(value)) < 0
            elif b["reason"] == "unknown_category":
                assert "训诫" in value
            elif b["reason"] == "natural_person_no_id":
                assert row["party_category"] == "自然人" and not value
    assert set(reasons) == {
        "uscc_check",
        "future_date",
        "impossible_date",
        "negative_fine",
        "unknown_category",
        "natural_person_no_id",
    }
    share = manifest["totals"]["penalty_bad_rows"] / manifest["totals"]["penalty_rows"]
    assert 0.01 <= share <= 0.02
    assert len({f["path"] for f in _files(manifest, "penalty_ledger") if f["bad"]}) >= 25


def test_one_file_is_missing_the_decision_number_column(sample: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = sample
    rejected = [f for f in manifest["files"] if f["expect"] == "rejected"]
    assert len(rejected) == 1 and rejected[0]["missing_columns"]
    header = (out / rejected[0]["path"]).read_bytes().decode(rejected[0]["encoding"]).splitlines()[0]
    assert "文号" not in header and "决定文书号" not in header
    assert not any(c["file"] == rejected[0]["path"] for p in manifest["planted"] for c in p["records"])


# ----------------------------------------------------------------------------------------------- PII
def test_pii_manifest_lists_every_identifier_and_phone_written(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    pii = manifest["pii"]
    ids, phones, names = set(pii["id_numbers"]), set(pii["phones"]), set(pii["names"])
    text = "\n".join(t for info in tables.values() for t in info["text"])
    assert all(x in text for x in ids) and all(p in text for p in phones)
    uscc_values = {v.get(f) for info in tables.values() for _s, _n, v in info["rows"] for f in USCC_FIELDS}
    assert set(ID18.findall(text)) - uscc_values <= ids
    assert set(MOBILE.findall(text)) <= phones
    for f in manifest["files"]:
        for _s, _n, v in tables[f["path"]]["rows"]:
            if f["feed"] == "penalty_ledger" and v["party_category"] == "自然人":
                assert v["party_name"] in names
                assert f"当事人{v['party_name']}" in v["violation_facts"]
            if f["feed"] == "hotline_exchange" and v.get("caller_phone"):
                assert v["caller_phone"] in phones
    embedded = [
        p
        for info in tables.values()
        for _s, _n, v in info["rows"]
        for p in MOBILE.findall(
            str(v.get("violation_facts") or "") + str(v.get("remarks") or "") + str(v.get("content") or "")
        )
    ]
    assert len(embedded) > 20


def test_person_names_never_appear_inside_organisation_names(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    orgs = {
        v["party_name"]
        for f in _files(manifest, "penalty_ledger")
        for _s, _n, v in tables[f["path"]]["rows"]
        if v["party_category"] != "自然人"
    }
    orgs |= {
        v["unit_name"] for f in _files(manifest, "member_units") for _s, _n, v in tables[f["path"]]["rows"]
    }
    joined = "\n".join(orgs)
    assert not [n for n in manifest["pii"]["names"] if n in joined]


# ----------------------------------------------------------------------------- F2, F3 and deadlines
def test_supervision_ledgers_cover_every_type_and_link_to_penalties(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    rows = [v for f in _files(manifest, "supervision_ledger") for _s, _n, v in tables[f["path"]]["rows"]]
    assert len({v["supervision_type"] for v in rows}) == 11
    decisions = {
        v["decision_no"]
        for f in _files(manifest, "penalty_ledger")
        for _s, _n, v in tables[f["path"]]["rows"]
        if v.get("decision_no")
    }
    linked = [v["related_decision_no"] for v in rows if v["related_decision_no"]]
    assert len(linked) >= 10 and set(linked) <= decisions
    assert any(not v["served_date"] for v in rows) and any(v["reply_due_date"] for v in rows)
    assert re.fullmatch(r"惠检行建〔2024〕\d+号", _planted(manifest, "sup_on_time")["document_no"])


def test_pushed_tickets_link_both_exports(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    by_channel: dict[str, dict[str, dict[str, Any]]] = {"12345": {}, "12309": {}}
    for f in _files(manifest, "hotline_exchange"):
        for _s, _n, v in tables[f["path"]]["rows"]:
            by_channel[f["channel"]][v["ticket_no"]] = v
    pushes = 0
    for channel, other in (("12345", "12309"), ("12309", "12345")):
        for ticket, v in by_channel[channel].items():
            if _truthy(v["pushed"]):
                pushes += 1
                assert v["pushed_at"] and v["clue_category"], ticket
                assert by_channel[other][v["counterpart_ticket_no"]]["counterpart_ticket_no"] == ticket
    assert pushes >= 40
    case = _planted(manifest, "hl_push_no_feedback")
    assert case["expect"]["has_feedback"] is False and not _row(tables, case)["feedback_at"]


def test_planted_deadlines_match_the_calendar(sample: tuple[Path, dict[str, Any]]) -> None:
    _out, manifest = sample

    def expect(pid: str) -> dict[str, Any]:
        return _planted(manifest, pid)["expect"]

    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)
    assert expect("sup_month_end")["reply_due"] == "2025-02-28"
    assert expect("sup_national_day")["reply_due"] == "2024-10-08" and not is_workday(date(2024, 10, 1))
    assert expect("sup_urgent_pil")["reply_due"] == "2025-06-18"
    assert expect("sup_explicit_due")["status"] == "逾期回复"
    assert due_in_months(date(2025, 5, 12), 2) > date(2025, 6, 20)  # on time under the default rule
    assert expect("sup_no_served_date")["flags"] == ["served_date_missing"]
    assert expect("sup_missing_not_due")["status"] == "未到期"
    assert expect("sup_missing_past_due")["status"] == "逾期未回复"
    assert expect("sup_clue_transfer")["reply_duty"] is False
    assert expect("transfer_dragon_boat")["police_review_due"] == "2024-06-11"
    assert not is_workday(date(2024, 6, 10)) and due_in_days(date(2024, 6, 7), 3) == date(2024, 6, 11)
    assert expect("hl_national_day_makeup")["due_date"] == "2025-10-11"
    assert is_workday(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert expect("hl_national_day_0929")["due_date"] == due_in_workdays(date(2025, 9, 29), 5).isoformat()
    assert expect("hl_due_override")["status"] == "逾期回复" and expect("hl_due_override")["default_due_date"]
    assert expect("hl_12309_reply_late")["procedural_reply_status"] == "逾期回复"
    assert expect("entry_on_time")["entry_timely"] and not expect("entry_late")["entry_timely"]
    statuses = {p["expect"].get("status") for p in manifest["planted"] if p["feed"] == "supervision_ledger"}
    assert {"按期", "逾期回复", "逾期未回复", "未到期"} <= statuses


def test_member_units_follow_the_seed_lists(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    _out, manifest = sample
    units = [v for f in _files(manifest, "member_units") for _s, _n, v in tables[f["path"]]["rows"]]
    by_name = {v["unit_name"]: v for v in units}
    market = by_name["郑州市惠济区市场监督管理局"]
    assert "区市场监管局" in re.split(r"[、;]", market["aliases"]) and market["scored"] == "是"
    kinds = {v["unit_kind"] for v in units}
    assert {"政府部门", "检察院", "公安机关", "热线中心", "乡镇街道"} <= kinds
    assert all(v["scored"] == "否" for v in units if v["unit_kind"] in ("检察院", "公安机关", "热线中心"))
    assert len({v["unit_uscc"] for v in units}) == len(units)
    assert all(v["unit_uscc"].startswith(("11", "12")) for v in units)
    assert any(v["valid_to"] for v in units)


# ------------------------------------------------------------------------------------------- F4 任务清单
def test_task_lists_are_in_the_sample(
    sample: tuple[Path, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    """Each jurisdiction delivers its 2025 重点工作任务清单 after every progress report round (quarterly in 惠济区
    and 永昌县, half-yearly elsewhere) and 永昌县 one 议定事项 list; the files are what the standard's F4 says."""
    from ingest.headers import find_header

    _out, manifest = sample
    files = _files(manifest, "task_list")
    assert manifest["totals"]["task_list_files"] == len(files) == 15
    assert manifest["totals"]["task_list_rows"] == 101
    per_region: dict[str, int] = {}
    for f in files:
        per_region[f["region_code"]] = per_region.get(f["region_code"], 0) + 1
        sheet = tables[f["path"]]["sheets"][f["sheets"][0]["name"]]
        match = find_header([sheet["header"]])
        assert match is not None and match.feed == "task_list", f["path"]
    assert per_region == {"410108": 4, "620321": 5, "620900": 2, "420104": 2, "510904": 2}
    rows = [v for f in files for _s, _n, v in tables[f["path"]]["rows"]]
    assert {v["task_category"] for v in rows} == {"重点工作任务", "议定事项"}
    assert any("、" in str(v["responsible_units"]) for v in rows)  # several responsible units in one cell
    decisions = [f for f in files if "议定事项" in f["path"]]
    assert len(decisions) == 1 and decisions[0]["region_code"] == "620321"
