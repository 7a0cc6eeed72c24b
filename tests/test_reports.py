"""The drafted documents (issue 20, items 2 and 4): the annual and monthly 通报 as .docx and .pdf, and the
工作提示函, written from the sample warehouse and checked against the marts they were read from.

The session's shared sample build (conftest `sample_warehouse`) is copied into a home of this module's own,
since drafting writes under `$LIANDONG_HOME/reports/`. The sample's natural persons (`expected.json` → pii)
are known names to the audit; two of them are parties of 2025 clues of 410108 (planted answers)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from docx import Document as open_docx
from docx.enum.text import WD_COLOR_INDEX
from pypdf import PdfReader

from dashboards.site.formats import count, pct, points_change, ratio
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
ISSUED = date(2026, 1, 15)
REGION = "410108"
# the sample's natural-person clues of 410108 decided in 2025 (expected.json planted: text_farmland_12.5mu and
# col_illegal_business_person_60000)
PERSON_CLUES = {"郑惠自然资罚〔2025〕14号", "郑惠市监罚〔2025〕28号"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def drafted(sample_warehouse, tmp_path_factory):
    """The sample built as of 2025-12-31, then the annual and the monthly 通报 and the reminders of 410108."""
    from orchestration import workflows
    from warehouse.settings import load_settings

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("reports_home")
    shutil.copy2(sample_warehouse.warehouse, home / "warehouse.duckdb")
    mp.setenv("LIANDONG_HOME", str(home))
    mp.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
    settings = load_settings(home)
    settings.prepare()
    annual = workflows.report(settings, REGION, year=2025, issued=ISSUED)
    monthly = workflows.report(settings, REGION, month="2025-11", issued=ISSUED)
    letters = workflows.reminders(settings, REGION, 5, issued=ISSUED)
    yield settings, annual, monthly, letters
    mp.undo()


def _query(settings, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in open_docx(str(path)).tables]


def _indicator_table(path: Path) -> dict[str, list[str]]:
    table = next(t for t in _tables(path) if t[0][:4] == ["指标", "本期", "上年同期", "变化"])
    return {row[0]: row[1:] for row in table[1:]}


def _docx_text(path: Path) -> str:
    from reports.gate import docx_text

    return docx_text(path)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _transfer(settings, year: int, months: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(int(v or 0) for v in _query(
        settings, "select sum(penalty_cases), sum(should_transfer_cases), sum(transferred_cases) "
                  "from marts.agg_transfer_rates where region_code = ? and decision_year = ? "
                  "and decision_month between ? and ?", [REGION, year, *months])[0])


def _timeliness(settings, year: int, kinds: list[str]) -> float | None:
    on_time, due = _query(
        settings, "select sum(on_time), sum(on_time + replied_late + overdue_no_reply) from "
                  "marts.agg_obligation_timeliness where region_code = ? and due_year = ? "
                  f"and obligation_kind in ({', '.join('?' for _ in kinds)})", [REGION, year, *kinds])[0]
    return ratio(on_time, due)


def test_the_annual_report_is_a_docx_with_the_headings_of_a_tongbao(drafted):
    settings, annual, _, _ = drafted
    assert annual.docx == settings.home / "reports" / REGION / "通报_2025年度.docx"
    assert annual.pdf == settings.home / "reports" / REGION / "通报_2025年度.pdf"
    paragraphs = [p for p in open_docx(str(annual.docx)).paragraphs if p.text.strip()]
    texts = [p.text for p in paragraphs]
    assert texts[0] == "府检联办〔2026〕  号"  # the 文号 the office fills in
    assert texts[1] == "关于2025年度府检联动工作情况的通报"
    assert texts[2] == "各成员单位："
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、基本情况", "二、主要做法和成效", "三、存在的问题", "四、下一步工作"]
    assert [p.text for p in paragraphs if p.style.name == "Heading 2"][:5] == [
        "（一）行政执法与刑事司法衔接", "（二）检察建议、检察意见及热线办复", "（三）12345 政务服务便民热线",
        "（四）数据报送质量", "（五）主要指标与上年同期比较"]
    # 存在的问题 and 下一步工作 are placeholders the office replaces: bracketed and highlighted in yellow
    highlighted = [p.text for p in paragraphs
                   if any(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in p.runs)]
    assert len(highlighted) == 3
    assert highlighted[1].startswith("【待填写：存在的问题") and highlighted[2].startswith("【待填写：下一步工作")
    after = texts.index("三、存在的问题")
    assert texts.index(highlighted[1]) > after > texts.index("二、主要做法和成效")
    assert "府检联动联席会议办公室" in texts and "2026年1月15日" in texts  # 落款 and date
    assert texts.index("2026年1月15日") < texts.index(next(t for t in texts if t.startswith("附件1")))


def test_the_annual_figures_equal_the_marts(drafted):
    settings, annual, _, _ = drafted
    table = _indicator_table(annual.docx)
    cases, should, transferred = _transfer(settings, 2025, (1, 12))
    cases_24, should_24, transferred_24 = _transfer(settings, 2024, (1, 12))
    assert should > 0 and should_24 > 0  # the sample has both years: the comparison below is real
    assert table["行政处罚案件（件）"][:2] == [count(cases), count(cases_24)]
    assert table["应当移送案件（件）"][:2] == [count(should), count(should_24)]
    rate, rate_24 = ratio(transferred, should), ratio(transferred_24, should_24)
    assert table["行刑衔接移送率"][:3] == [pct(rate), pct(rate_24), points_change(rate, rate_24)]
    clues = _query(settings, "select sum(clue_cases) from marts.agg_non_transfer_clues where region_code = ? "
                             "and decision_year = 2025", [REGION])[0][0]
    assert table["应移未移线索（件）"][0] == count(clues)
    sup, sup_24 = _timeliness(settings, 2025, ["supervision_reply"]), _timeliness(settings, 2024, ["supervision_reply"])
    assert table["检察建议/意见到期办复率"][:3] == [pct(sup), pct(sup_24), points_change(sup, sup_24)]
    h12309 = _timeliness(settings, 2025, ["hotline_procedural_reply", "hotline_result_reply"])
    assert table["12309 到期答复率"][0] == pct(h12309)
    closed, due, satisfied, evaluated = _query(
        settings, "select sum(closed_on_time), sum(tickets_due), sum(satisfied), sum(evaluated) "
                  "from marts.agg_hotline_rates where region_code = ? and received_year = 2025", [REGION])[0]
    assert table["12345 按期办结率"][0] == pct(ratio(closed, due))
    assert table["12345 满意率"][0] == pct(ratio(satisfied, evaluated))
    loaded, total = _query(settings, "select sum(rows_loaded), sum(rows_loaded + rows_quarantined) "
                                     "from marts.agg_data_quality where region_code = ?", [REGION])[0]
    assert table["数据标准符合率"][0] == pct(ratio(loaded, total))
    # the body text says the same figures
    text = _docx_text(annual.docx)
    assert f"应当移送涉嫌犯罪案件 {count(should)} 件，已移送 {count(transferred)} 件，移送率 {pct(rate)}" in text
    # the scorecard ranking is the mart's, in its order
    ranking = _query(settings, "select unit_rank, unit_name, total_points_earned from marts.agg_unit_scorecard_ranking"
                               " where region_code = ? and score_year = 2025 order by unit_rank nulls last, unit_name",
                     [REGION])
    shown = next(t for t in _tables(annual.docx) if t[0][:3] == ["排名", "单位", "得分"])
    assert [(r[0], r[1], r[2]) for r in shown[1:]] == [
        ("不排名" if k is None else str(k), n, f"{float(p):.2f}") for k, n, p in ranking]


def test_without_data_a_year_before_the_change_is_a_dash(drafted):
    """2024 is the sample's first year: the 2024 report compares with 2023, which has no data."""
    from orchestration import workflows

    settings, *_ = drafted
    outcome = workflows.report(settings, REGION, year=2024, issued=ISSUED)
    table = _indicator_table(outcome.docx)
    assert _transfer(settings, 2023, (1, 12)) == (0, 0, 0)
    for name in ("行政处罚案件（件）", "行刑衔接移送率", "检察建议/意见到期办复率", "12345 按期办结率"):
        assert table[name][1:3] == ["—", "—"], name
    assert table["行政处罚案件（件）"][0] == count(_transfer(settings, 2024, (1, 12))[0])


def test_the_annexes_list_the_overdue_items_and_clues_of_the_region(drafted):
    settings, annual, _, _ = drafted
    tables = _tables(annual.docx)
    overdue = next(t for t in tables if t[0][:4] == ["序号", "责任单位", "义务类型", "文书/工单编号"])
    expected = _query(settings, "select source_key, status, days_past_due from marts.fct_overdue_items "
                                "where region_code = ?", [REGION])
    assert len(expected) > 0
    assert sorted((r[3], r[6], r[7]) for r in overdue[1:]) == sorted(
        (str(k), s, count(d)) for k, s, d in expected)
    others = {r[0] for r in _query(settings, "select source_key from marts.fct_overdue_items "
                                             "where region_code <> ?", [REGION])}
    assert not others & {r[3] for r in overdue[1:]}
    clues = next(t for t in tables if t[0][:3] == ["序号", "处罚机关", "决定书文号"])
    expected_clues = _query(settings, "select decision_no, rule_id from marts.fct_non_transfer_clues where "
                                      "region_code = ? and extract(year from decision_date) = 2025", [REGION])
    assert len(clues) - 1 == len(expected_clues) > 0
    assert {r[2] for r in clues[1:]} == {d for d, _ in expected_clues}
    assert {r[2] for r in clues[1:]} >= PERSON_CLUES  # the natural persons' cases are listed, by number


def test_the_pdf_is_valid_with_the_same_headings(drafted):
    _, annual, _, _ = drafted
    assert annual.pdf.read_bytes().startswith(b"%PDF-")
    text = re.sub(r"\s+", "", _pdf_text(annual.pdf))
    for heading in ("关于2025年度府检联动工作情况的通报", "一、基本情况", "三、存在的问题", "四、下一步工作",
                    "附件1", "府检联动联席会议办公室"):
        assert heading in text, heading


def test_no_document_holds_a_personal_name(drafted, sample_warehouse):
    """The natural persons' cases are in the annex (previous test) but never their names or ID numbers; the
    known-names audit finds nothing in any drafted file — and does find a name when it is there."""
    from privacy.pii_audit import find_in_text, known_names
    from reports.gate import check_texts
    from warehouse.errors import UserError

    settings, annual, monthly, (_, letters) = drafted
    pii = sample_warehouse.manifest["pii"]
    people, ids = pii["names"], pii["id_numbers"]
    assert len(people) > 10 and len(ids) > 10
    names = known_names(settings.warehouse, TEST_KEY.encode())
    assert names is not None and list(names.find(f"当事人{people[0]}")), "the sample's persons are known names"
    texts = {p.name: _docx_text(p) for p in (annual.docx, monthly.docx, *(letter.path for letter in letters))}
    texts |= {p.name: _pdf_text(p) for p in (annual.pdf, monthly.pdf)}
    assert len(texts) == 4 + len(letters)
    for name, text in texts.items():
        assert not [p for p in people if p in text], name
        assert not [i for i in ids if i in text], name
        assert [f.kind for line in text.splitlines() for f in find_in_text(line, names)] == [], name
    with pytest.raises(UserError, match="个人信息"):
        check_texts(settings, {"draft.docx": f"附件：当事人{people[0]}"})


def test_the_monthly_report_covers_january_to_the_month(drafted):
    settings, _, monthly, _ = drafted
    assert monthly.docx.name == "通报_2025年11月.docx" and monthly.pdf.exists()
    texts = [p.text for p in open_docx(str(monthly.docx)).paragraphs]
    assert "关于2025年11月府检联动工作情况的通报" in texts
    table = _indicator_table(monthly.docx)
    _, should, transferred = _transfer(settings, 2025, (1, 11))
    _, should_24, transferred_24 = _transfer(settings, 2024, (1, 11))
    assert table["应当移送案件（件）"][:2] == [count(should), count(should_24)]
    assert table["行刑衔接移送率"][:2] == [pct(ratio(transferred, should)), pct(ratio(transferred_24, should_24))]


def test_one_reminder_per_unit_listing_its_overdue_and_due_soon_items(drafted):
    settings, _, _, (as_of, letters) = drafted
    assert as_of == AS_OF
    # the 5th working day after 2025-12-31 on the calendar seed: 2026-01-01..03 are 元旦, Sunday 01-04 is a
    # make-up working day (调休), so 01-04..01-08
    days = [d for d, w in _query(settings, "select cast(calendar_date as date), is_workday from "
                                           "reference.work_calendar where cast(calendar_date as date) > ? "
                                           "order by 1 limit 20", [AS_OF]) if str(w).lower() in ("true", "1")]
    horizon = days[4]
    assert horizon == date(2026, 1, 8)
    expected = _query(settings, "select coalesce(responsible_unit_name, responsible_name_as_written), source_key, "
                                "status from marts.fct_obligations where region_code = ? and (status = '逾期未回复' "
                                "or (status = '未到期' and cast(due_date as date) <= ?))", [REGION, horizon])
    units = {u or "（未识别单位）" for u, _, _ in expected}
    assert len(letters) == len(units) > 1
    assert {letter.unit for letter in letters} == units
    assert any(s == "未到期" for *_, s in expected), "the sample has items due soon, not only overdue ones"
    folder = settings.home / "reports" / REGION / f"提示函_{AS_OF.isoformat()}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(letter.path.name for letter in letters)
    for letter in letters:
        paragraphs = [p.text for p in open_docx(str(letter.path)).paragraphs if p.text.strip()]
        assert paragraphs[1] == "工作提示函" and paragraphs[2] == f"{letter.unit}："
        assert "府检联动联席会议办公室" in paragraphs
        rows = _tables(letter.path)[0][1:]
        mine = sorted((str(k), "已逾期" if s == "逾期未回复" else "即将到期")
                      for u, k, s in expected if (u or "（未识别单位）") == letter.unit)
        assert sorted((r[2], r[4]) for r in rows) == mine
        assert letter.items == len(mine)


def test_reminders_within_zero_days_list_only_overdue_items(drafted):
    from orchestration import workflows

    settings, *_ = drafted
    _, letters = workflows.reminders(settings, REGION, 0, issued=ISSUED)
    overdue = _query(settings, "select count(*) from marts.fct_obligations where region_code = ? and "
                               "(status = '逾期未回复' or (status = '未到期' and cast(due_date as date) <= ?))",
                     [REGION, AS_OF])[0][0]
    assert sum(letter.items for letter in letters) == overdue


def test_region_codes_fall_back_to_the_code_and_use_the_hierarchy_when_present(monkeypatch):
    import types

    from reports import regions

    monkeypatch.setattr(regions, "_descendants_api", lambda: None)
    assert regions.region_codes("620900") == ["620900"]
    fake = types.SimpleNamespace(descendants=lambda code: ["620921", "620902"] if code == "620900" else [])
    monkeypatch.setattr(regions, "_descendants_api", lambda: fake.descendants)
    assert regions.region_codes("620900") == ["620900", "620902", "620921"]
    assert regions.region_codes("410108") == ["410108"]


def test_the_cli_needs_a_year_or_a_month(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from orchestration.cli import app

    monkeypatch.setenv("LIANDONG_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["report", "--region", REGION])
    assert result.exit_code != 0
    assert "--year" in result.output and "Traceback" not in result.output


def test_a_period_after_the_build_is_refused_with_a_sentence(drafted):
    from orchestration import workflows
    from warehouse.errors import UserError

    settings, *_ = drafted
    with pytest.raises(UserError, match="liandong build --as-of"):
        workflows.report(settings, REGION, year=2026, issued=ISSUED)
    with pytest.raises(UserError, match="YYYY-MM"):
        workflows.report(settings, REGION, month="2025-13", issued=ISSUED)
    assert not (settings.home / "reports" / REGION / "通报_2026年度.docx").exists()


def test_the_cli_prints_the_paths_and_names_an_unknown_region(drafted):
    from typer.testing import CliRunner

    from orchestration.cli import app

    settings, *_ = drafted
    home = ["--home", str(settings.home)]
    ok = CliRunner().invoke(app, ["report", "--region", REGION, "--year", "2025", *home])
    assert ok.exit_code == 0, ok.output
    assert "通报_2025年度.docx" in ok.output and "通报_2025年度.pdf" in ok.output
    for args in (["report", "--region", "999999", "--year", "2025"], ["reminders", "--region", "999999"]):
        result = CliRunner().invoke(app, [*args, *home])
        assert result.exit_code == 2, result.output
        assert "999999" in result.output and "Traceback" not in result.output
