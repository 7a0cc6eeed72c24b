"""Publications end to end: the sample published for every jurisdiction, then checked in headless Chromium
(no console errors, screenshots as artefacts), for script injection, jurisdiction isolation, personal data,
immutability (CLI and the monthly Dagster schedule) and the scorecard's redistribution of points."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pytest

from privacy.pii_audit import vendor_asset_hashes
from tests.browser import ARTIFACTS, PageReport, browser_page
from tests.builders import PENALTY_HEADERS, penalty_row, write_csv
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
REGION = "410108"
XSS = "<img src=x onerror=alert(1)>"
PSEUDONYM = re.compile(r"\b(?:id|name|tel)_[0-9a-f]{24}\b")
pytestmark = pytest.mark.slow


def _planted_files(folder: Path) -> list[Path]:
    """A suspected-crime penalty (a 应移未移 clue) whose company name is a script, and an overdue 12345 ticket
    whose number is one (free text is no longer published: the fields shown carry the script)."""
    penalty = write_csv(folder / "惠济区市场监管局_XSS.csv", [*PENALTY_HEADERS, "是否涉嫌犯罪"], [penalty_row(**{
        "行政处罚决定书文号": "惠市监罚〔2025〕999号", "违法事实": f"当事人销售假药。{XSS}",
        "行政相对人名称": f"郑州某某药房{XSS}",
        "处罚决定日期": "2025-06-02",
        "处罚有效期": "2026-06-02", "录入日期": "2025-06-04", "是否涉嫌犯罪": "是"})])
    hotline = write_csv(folder / "12345_XSS.csv",
                        ["工单编号", "来源渠道", "行政区划代码", "受理时间", "诉求类型", "诉求内容", "承办单位"],
                        [{"工单编号": f"RX2025XSS0001{XSS}", "来源渠道": "12345", "行政区划代码": REGION,
                          "受理时间": "2025-03-03 09:00:00", "诉求类型": "投诉", "诉求内容": f"反映噪声扰民{XSS}",
                          "承办单位": "郑州市惠济区市场监督管理局"}])
    return [penalty, hotline]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from ingest.pipeline import IngestTarget, ingest_files
    from orchestration import cli
    from sample_data import generate_sample
    from warehouse.settings import load_settings

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("published_home")
    mp.setenv("LIANDONG_HOME", str(home))
    mp.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
    settings = load_settings(home)
    settings.prepare()
    folder = tmp_path_factory.mktemp("sample_pub")
    manifest = generate_sample(folder, 2024)
    paths = [folder / f["path"] for f in manifest["files"]] + _planted_files(folder)
    ingest_files(paths, IngestTarget.of(settings))
    cli.build_warehouse(settings, AS_OF)
    outcomes = cli.publish_site(settings, AS_OF, None)
    yield settings, outcomes
    mp.undo()


def _publication(settings, region: str = REGION) -> Path:
    return settings.site / region / AS_OF.isoformat()


def _texts(folder: Path):
    """(path, text) of every file of a publication; workbooks as their XML; the vendored Plotly bundle,
    byte-identical to the package's (checked), is library code and holds no data."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == "plotly.min.js":
            assert hashlib.sha256(path.read_bytes()).hexdigest() in vendor_asset_hashes()
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                yield path, "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
        else:
            yield path, path.read_text(encoding="utf-8")


def _query(settings, sql: str, params=()):
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_one_publication_per_jurisdiction_with_manifest_and_index(published):
    settings, outcomes = published
    assert sorted(o.region_code for o in outcomes) == ["410108", "420104", "510904", "620321", "620900"]
    assert all(o.created for o in outcomes)
    folder = _publication(settings)
    pages = sorted(p.name for p in folder.glob("*.html"))
    assert pages == ["clues.html", "hotline.html", "index.html", "quality.html", "scorecard.html",
                     "tasks.html", "timeliness.html", "transfer.html", "trends.html"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2025-12-31" and manifest["region_code"] == REGION
    assert {"python", "liandong", "duckdb", "dbt-core", "plotly"} <= set(manifest["versions"])
    assert len(manifest["data_fingerprint"]) == 64
    for f in manifest["files"]:  # the manifest describes the files exactly
        assert hashlib.sha256((folder / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    index = json.loads((settings.site / "index.json").read_text(encoding="utf-8"))
    assert sorted((e["region_code"], e["as_of"]) for e in index) == [
        (r, "2025-12-31") for r in ("410108", "420104", "510904", "620321", "620900")]
    assert "410108/2025-12-31/index.html" in (settings.site / "index.html").read_text(encoding="utf-8")
    # no sample jurisdiction has a region with data below it: no 下辖地区 page, the pages as before the hierarchy
    assert sorted(settings.site.glob("*/2025-12-31/regions.html")) == []


def test_every_page_renders_in_chromium_without_console_errors(published):
    settings, _ = published
    folder = _publication(settings)
    pages = sorted(folder.glob("*.html")) + sorted((folder / "data_docs").rglob("*.html"))
    shots = ARTIFACTS / "screenshots" / REGION
    shots.mkdir(parents=True, exist_ok=True)
    report = PageReport()
    with browser_page(report) as page:
        for path in pages:
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert page.title(), path
            if path.parent == folder:
                assert page.locator("nav a").count() == 9  # the nine pages, 任务清单 included
                figures = page.locator(".plotly-graph-div").count()
                if figures:  # Plotly drew every figure (the bundled script loaded, offline)
                    page.wait_for_selector(".plotly-graph-div .main-svg")
                    assert page.locator(".plotly-graph-div .main-svg").count() >= figures
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 1366, f"{path.name} scrolls sideways at 1366 px ({width})"
            name = path.relative_to(folder).as_posix().replace("/", "__").removesuffix(".html")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert report.console_errors == []
    assert report.dialogs == []
    assert len(list(shots.glob("*.png"))) == len(pages)


def test_script_in_a_party_name_and_a_ticket_number_is_shown_as_text(published):
    settings, _ = published
    folder = _publication(settings)
    report = PageReport()
    with browser_page(report) as page:
        for name, expected in (("clues.html", f"郑州某某药房{XSS}"), ("timeliness.html", f"RX2025XSS0001{XSS}")):
            page.goto((folder / name).as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            assert expected in page.inner_text("main")
            assert page.locator('img[src="x"]').count() == 0
    assert report.dialogs == []
    assert report.console_errors == []


def test_clues_show_evidence_and_legal_basis_in_chinese_never_rule_ids(published):
    """Issue 16: each clue of the page shows why (evidence_zh) and under which article (legal_basis_zh)."""
    import html

    settings, _ = published
    text = html.unescape((_publication(settings) / "clues.html").read_text(encoding="utf-8"))
    clues = _query(settings, "select rule_id, evidence_zh, legal_basis_zh from marts.fct_non_transfer_clues "
                             "where region_code = ?", [REGION])
    assert {r[0] for r in clues} >= {"agency_flag", "R141_FAKE_DRUG"}  # the planted 销售假药 case
    for _rule_id, evidence_zh, legal_basis_zh in clues:
        assert evidence_zh in text and legal_basis_zh in text
    assert "违法行为类型或违法事实符合“销售假药”的情形" in text and "《中华人民共和国刑法》第一百四十一条" in text
    assert re.findall(r"\bR\d{3}_[A-Z_]+|agency_flag", text) == []


def test_publication_contains_only_its_own_jurisdiction(published):
    settings, _ = published
    own_units = {n for (n,) in _query(settings, "select unit_name from marts.dim_member_units where region_code = ?",
                                      [REGION])}
    foreign: set[str] = {code for (code,) in _query(
        settings, "select distinct region_code from marts.dim_member_units where region_code <> ?", [REGION])}
    foreign |= {n for (n,) in _query(settings, "select unit_name from marts.dim_member_units where region_code <> ?",
                                     [REGION])} - own_units
    for sql in ("select decision_no from marts.fct_penalty_cases where region_code <> ?",
                "select ticket_no from staging.stg_hotline__tickets where region_code <> ?",
                "select document_no from staging.stg_supervision__documents where region_code <> ?",
                "select file_name from marts.fct_input_file_regions where region_code <> ?"):
        foreign |= {v for (v,) in _query(settings, sql, [REGION]) if v}
    assert len(foreign) > 500
    found_own, leaks = False, []
    for path, text in _texts(_publication(settings)):
        found_own |= "郑州市惠济区市场监督管理局" in text
        leaks += [(path.name, v) for v in foreign if v in text]
    assert found_own  # the check can see this region's rows, so it would see another region's
    assert leaks == []


def test_natural_persons_appear_only_as_ziranren(published):
    settings, _ = published
    people = _query(settings, "select region_code, count(*) from marts.fct_non_transfer_clues "
                              "where party_display_name = '自然人' group by 1 order by 2 desc")
    assert people, "the sample has clues against natural persons"
    region = people[0][0]
    for region_dir in settings.site.iterdir():
        if region_dir.is_dir():
            for path, text in _texts(region_dir):
                assert not PSEUDONYM.search(text), path
    clue_page = (settings.site / region / AS_OF.isoformat() / "clues.html").read_text(encoding="utf-8")
    assert clue_page.count("<td>自然人</td>") == people[0][1]


def test_scorecard_redistributes_the_points_of_a_unit_without_hotline_data(published):
    settings, _ = published
    hotline = ("hotline_on_time_close_rate", "hotline_satisfaction_rate")
    candidates = _query(settings, """
        select region_code, unit_uscc, score_year from marts.fct_unit_scorecard
        group by all
        having sum(case when indicator_code in ('hotline_on_time_close_rate', 'hotline_satisfaction_rate')
                        and has_data then 1 else 0 end) = 0
           and sum(case when has_data then 1 else 0 end) >= 3
        order by 1, 2, 3""")
    assert candidates
    region, unit, year = candidates[0]
    rows = _query(settings, """select indicator_code, has_data, points_configured, points_available, note
                               from marts.fct_unit_scorecard
                               where region_code = ? and unit_uscc = ? and score_year = ?""", [region, unit, year])
    assert len(rows) == 11  # the ten of DOMAIN.md §5 and 落实任务清单
    with_data = sum(cfg for _, has, cfg, _, _ in rows if has)
    assert with_data < 100
    assert sum(avail for *_, avail, _ in rows) == pytest.approx(100.0, abs=1e-4)
    for code, has, cfg, avail, note in rows:
        if code in hotline:
            assert (has, avail) == (False, 0)
            assert note.startswith("无数据") and "分配" in note
        elif has:
            assert avail == pytest.approx(cfg * 100 / with_data, abs=1e-5)
    total = _query(settings, "select total_points_available from marts.agg_unit_scorecard_ranking "
                             "where region_code = ? and unit_uscc = ? and score_year = ?", [region, unit, year])
    assert float(total[0][0]) == 100.0


def test_workbooks_have_chinese_headers_and_every_row(published):
    settings, _ = published
    folder = _publication(settings)
    wb = openpyxl.load_workbook(folder / "scorecard.xlsx")
    assert wb.sheetnames == ["排名", "得分明细", "说明"]
    ranking = wb["排名"]
    assert [c.value for c in ranking[1]][:4] == ["考核年度", "排名", "单位", "统一社会信用代码"]
    expected = _query(settings, "select count(*) from marts.agg_unit_scorecard_ranking where region_code = ?", [REGION])
    assert ranking.max_row - 1 == expected[0][0]
    overdue = openpyxl.load_workbook(folder / "overdue.xlsx")["逾期事项"]
    expected = _query(settings, "select count(*) from marts.fct_overdue_items where region_code = ?", [REGION])
    assert overdue.max_row - 1 == expected[0][0]
    assert overdue.freeze_panes == "A2"


def test_publishing_again_never_overwrites(published):
    from orchestration import cli

    settings, _ = published
    folder = _publication(settings)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    outcomes = cli.publish_site(settings, AS_OF, [REGION])
    assert [(o.region_code, o.created) for o in outcomes] == [(REGION, False)]
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()} == before
    assert all(not (p.stat().st_mode & 0o222) for p in before)  # published files are read-only


def _copy_home(settings, tmp_path: Path, monkeypatch):
    from warehouse.settings import load_settings

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy2(settings.warehouse, home / "warehouse.duckdb")
    monkeypatch.setenv("LIANDONG_HOME", str(home))
    copy = load_settings(home)
    copy.prepare()
    return copy


def test_personal_data_in_a_mart_stops_publish(published, tmp_path, monkeypatch):
    import typer

    from orchestration import cli
    from tests.builders import PERSON_ID

    copy = _copy_home(published[0], tmp_path, monkeypatch)
    con = duckdb.connect(str(copy.warehouse))
    con.execute("update marts.fct_overdue_items set subject_summary = ? where obligation_id = "
                "(select min(obligation_id) from marts.fct_overdue_items)", [f"联系人身份证{PERSON_ID}"])
    con.close()
    with pytest.raises(typer.Exit) as exc:
        cli.publish_site(copy, AS_OF, [REGION])
    assert exc.value.exit_code == 1
    assert not (copy.site / REGION).exists()


def test_personal_data_in_a_rendered_page_stops_that_publication(published, tmp_path, monkeypatch):
    from dashboards.site import publish as site_publish
    from orchestration import cli
    from tests.builders import PERSON_ID
    from warehouse.errors import UserError

    copy = _copy_home(published[0], tmp_path, monkeypatch)
    monkeypatch.setattr(site_publish, "region_name", lambda code: f"惠济区（联系人 {PERSON_ID}）")
    with pytest.raises(UserError):
        cli.publish_site(copy, AS_OF, [REGION])
    assert list((copy.site / REGION).iterdir()) == []  # nothing published, no temporary folder left


@pytest.mark.long
def test_monthly_schedule_run_twice_leaves_the_first_publication_untouched(published, tmp_path, monkeypatch):
    from dagster import DagsterInstance, build_schedule_context

    from orchestration.definitions import defs
    from orchestration.schedules import monthly_publication_schedule

    copy = _copy_home(published[0], tmp_path, monkeypatch)
    when = datetime(2025, 12, 1, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    request = monthly_publication_schedule(build_schedule_context(scheduled_execution_time=when))
    assert request.run_key == "monthly-2025-11-30"
    job = defs().resolve_job_def("monthly_publication_job")
    first = job.execute_in_process(run_config=request.run_config, instance=DagsterInstance.ephemeral())
    assert first.success
    folder = copy.site / REGION / "2025-11-30"
    files = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    assert len(files) > 10
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2025-11-30"
    second = job.execute_in_process(run_config=request.run_config, instance=DagsterInstance.ephemeral())
    assert second.success
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()} == files
    meta = next(m for m in second.get_asset_materialization_events()
            if m.asset_key.path == ["site", "monthly_publication"]).materialization.metadata
    assert str(folder) in meta["left_untouched"].value
    assert meta["published"].value == []


def test_timeliness_page_answers_which_units_are_worst_this_year(published):
    """The analyst's question, asked of the page in Chromium: the first row of this year's ranking is the
    unit with the lowest 到期办复率, computed here independently from the reply duties themselves."""
    settings, _ = published
    duties = _query(settings, """
        select responsible_unit_name,
               sum(case when status = '按期' then 1 else 0 end) * 1.0 / count(*) as rate,
               sum(case when status = '逾期未回复' then 1 else 0 end) as no_reply, count(*) as due
        from marts.fct_obligations
        where region_code = ? and status in ('按期', '逾期回复', '逾期未回复')
          and due_date between date '2025-01-01' and date '2025-12-31'
        group by responsible_unit_uscc, responsible_unit_name
        order by rate, no_reply desc, due desc""", [REGION])
    assert len(duties) >= 5 and duties[0][1] < duties[-1][1]
    report = PageReport()
    with browser_page(report) as page:
        page.goto((_publication(settings) / "timeliness.html").as_uri())
        page.wait_for_load_state("load")
        table = page.locator("#rank-year")
        header = table.locator("thead th").all_inner_texts()
        body = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    assert report.console_errors == []
    unit, rate = header.index("责任单位"), header.index("到期办复率")
    worst = [d[0] for d in duties if d[1:] == duties[0][1:]]  # units tied on rate, 逾期未回复 and items
    assert body[0][unit] in worst  # the worst unit is first
    assert body[0][rate] == f"{duties[0][1] * 100:.1f}%"
    shown = [float(r[rate].rstrip("%")) for r in body]
    assert shown == sorted(shown) and len(body) == len(duties)  # every unit, worst to best
    assert body[-1][header.index("未按期的义务类型（原因）")] == "全部按期" or shown[-1] < 100


def test_scorecard_prints_every_units_detail_table(published, tmp_path):
    """Printed to PDF (A4), the scorecard page carries one detail table per ranked unit, each with all eleven
    indicators: nothing is folded away or cut off on paper."""
    from pypdf import PdfReader

    settings, _ = published
    units = _query(settings, """select unit_name, total_points_earned from marts.agg_unit_scorecard_ranking
                                where region_code = ? and score_year = 2025 order by unit_name""", [REGION])
    assert len(units) >= 5
    pdf = tmp_path / "scorecard.pdf"
    report = PageReport()
    with browser_page(report) as page:
        page.goto((_publication(settings) / "scorecard.html").as_uri())
        page.wait_for_load_state("load")
        page.wait_for_selector("#fig-scorecard .main-svg")
        page.pdf(path=str(pdf), format="A4", print_background=True)
        page.emulate_media(media="print")
        visible = page.locator(".unit-detail table").evaluate_all(
            "ts => ts.filter(t => t.getBoundingClientRect().height > 0).length")
    assert report.console_errors == []
    assert visible == len(units)
    # NFKC: Chromium's CJK font maps some characters to compatibility code points (⽣ for 生, ― for —); a few
    # come out as CJK radicals without a decomposition (⺠ for 民), so a name's character may be one of those
    text = "".join("".join(unicodedata.normalize("NFKC", p.extract_text() or "").split())
                   for p in PdfReader(str(pdf)).pages)

    def loose(name: str) -> str:
        return "".join(f"(?:{re.escape(c)}|[\u2e80-\u2eff])" for c in name)

    for name, total in units:
        shown = "—" if total is None else f"{float(total):.2f}"  # a unit without any data has no total
        assert re.search(loose(name) + r"[—―‐-]" + re.escape(shown).replace("—", "[—―‐-]") + "分", text), name
    assert len(re.findall(r"分,(?:第\d+名|不排名)", text)) == len(units)  # one heading per unit, no more
    assert text.count("整改落实率") >= len(units) and text.count("满意率") >= len(units)


def test_pages_run_no_inline_script_and_publication_folders_are_read_only(published):
    settings, _ = published
    folder = _publication(settings)
    csp = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]+)"')
    for path in folder.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        policy = csp.search(html).group(1)
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        for attrs, body in scripts:  # code only from files; inline blocks are JSON data, never run
            assert 'src="assets/' in attrs or ('type="application/json"' in attrs and body.strip().startswith("{"))
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)  # no inline event handlers either
    assert sorted(p.name for p in (folder / "assets").iterdir()) == ["figures.js", "plotly.min.js", "site.css"]
    for d in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        assert not (d.stat().st_mode & 0o222), d  # no file can be added, renamed or removed


def test_clue_and_quality_pages_speak_chinese(published):
    settings, _ = published
    folder = _publication(settings)
    rule_ids = {r for (r,) in _query(settings, "select distinct rule_id from marts.fct_non_transfer_clues "
                                               "where region_code = ?", [REGION])}
    assert len(rule_ids) >= 2
    clues = (folder / "clues.html").read_text(encoding="utf-8")
    assert [r for r in rule_ids if f">{r}<" in clues] == []
    assert "UNCONFIRMED" not in clues and "column:" not in clues and "agency_flag" not in clues
    assert "处罚机关自报涉嫌犯罪" in clues or "：" in clues
    quality = (folder / "quality.html").read_text(encoding="utf-8")
    assert "<td>12309</td>" not in quality and f"<td>{REGION}</td>" not in quality
    assert "12345 政务服务便民热线" in quality
    scorecard = (folder / "scorecard.html").read_text(encoding="utf-8")
    assert "DOMAIN.md" not in scorecard and "<details" not in scorecard
    overview = (folder / "index.html").read_text(encoding="utf-8")
    assert 'class="kpi-change up"' not in overview  # colours say better/worse, not up/down
    transfer = (folder / "transfer.html").read_text(encoding="utf-8")
    body = transfer.split('id="transfer-by-unit"', 1)[1].split("</table>", 1)[0]
    rates = [re.findall(r"<td[^>]*>([^<]*)</td>", row)[4] for row in re.findall(r"<tr>(.*?)</tr>", body)[1:]]
    shown = [float(r.rstrip("%")) for r in rates if r.endswith("%")]
    assert len(shown) >= 3 and shown == sorted(shown)  # 移送率 worst first
    assert rates[len(shown):] == ["无数据"] * (len(rates) - len(shown))  # units without a rate last


def test_clue_list_keeps_every_column_on_a4(published, tmp_path):
    """Printed to A4 portrait, the clue list is not cut by its scrolling wrapper: the last columns print."""
    from pypdf import PdfReader

    settings, _ = published
    pdf = tmp_path / "clues.pdf"
    report = PageReport()
    with browser_page(report) as page:
        page.goto((_publication(settings) / "clues.html").as_uri())
        page.wait_for_load_state("load")
        page.pdf(path=str(pdf), format="A4")
        page.emulate_media(media="print")
        clipped = page.locator("table.clues").evaluate(
            "t => t.getBoundingClientRect().right > t.closest('.table-wrap').getBoundingClientRect().right + 1")
    assert report.console_errors == []
    assert clipped is False
    text = "".join("".join(unicodedata.normalize("NFKC", p.extract_text() or "").split())
                   for p in PdfReader(str(pdf)).pages)
    for header in ("处罚机关", "决定书文号", "触发规则", "测得数值", "追诉标准", "数值来源", "法律依据", "状态"):
        assert header in text, header


# ------------------------------------------------------------------ 双清单 (issue 20 item 1)
def test_fct_tasks_statuses_on_the_sample(published):
    """The sample's task lists (sample_data/tasks.py) as of 2025-12-31: one row per (task, responsible unit);
    deadlines on 国庆 (10-01 → 10-09), on a Sunday (11-30 → 12-01) and on month-ends follow the calendar."""
    from sample_data.tasks import expected_statuses

    settings, _ = published
    by_status = dict(_query(settings, "select task_status, count(*) from marts.fct_tasks group by 1"))
    assert by_status == {"按期完成": 28, "逾期完成": 20, "逾期未完成": 6, "进行中": 5}
    assert by_status == expected_statuses(["410108", "620900", "420104", "510904", "620321"])
    assert _query(settings, "select count(*) from marts.fct_tasks where responsible_unit_uscc is null") == [(0,)]
    # the 议定事项 list of 永昌县: 议-2 due Sunday 08-31 met on Monday 09-01; 议-3 due 10-08 (国庆) still open
    decisions = _query(settings, """select task_no, responsible_unit_name, effective_due_date, task_status,
                                           progress_reports_owed, progress_reports_missed
                                    from marts.fct_tasks where task_category = '议定事项' order by all""")
    assert decisions == [
        ("议-1", "永昌县司法局", date(2025, 6, 30), "按期完成", 0, 0),
        ("议-2", "永昌县公安局", date(2025, 9, 1), "按期完成", 1, 1),
        ("议-2", "永昌县市场监督管理局", date(2025, 9, 1), "按期完成", 1, 1),
        ("议-3", "永昌县人民检察院", date(2025, 10, 9), "逾期未完成", 2, 2)]
    # planted missed progress reports: 惠济区 tasks 5 (Q2) and 6 (Q1), 硚口区 task 6 (H1), 永昌县's 议定事项
    missed = _query(settings, """select region_code, task_category, task_no, sum(progress_reports_missed)
                                 from marts.fct_tasks where has_missed_progress_report
                                 group by all order by all""")
    assert missed == [("410108", "重点工作任务", "5", 1), ("410108", "重点工作任务", "6", 1),
                      ("420104", "重点工作任务", "6", 1), ("620321", "议定事项", "议-2", 2),
                      ("620321", "议定事项", "议-3", 2)]


def test_task_completion_indicator_on_the_sample(published):
    """落实任务清单 for 永昌县司法局: tasks 1 (按期), 2 (逾期完成), 5 (逾期未完成) and 议-1 (按期) → 2/4; it carries
    its 10 configured points, and the score agrees with the figures of fct_tasks."""
    settings, _ = published
    [(uscc,)] = _query(settings, "select unit_uscc from marts.dim_member_units where unit_name = '永昌县司法局'")
    measured = _query(settings, """select numerator, denominator from marts.fct_scorecard_indicators
                                   where unit_uscc = ? and indicator_code = 'task_completion'
                                     and score_year = 2025""", [uscc])
    assert measured == [(2, 4)]
    from_tasks = _query(settings, """select count(*) filter (where task_status = '按期完成'),
                                            count(*) filter (where is_due_by_as_of)
                                     from marts.fct_tasks where responsible_unit_uscc = ?""", [uscc])
    assert from_tasks == measured
    [(configured, has_data, available, earned)] = _query(settings, """
        select points_configured, has_data, points_available, points_earned from marts.fct_unit_scorecard
        where unit_uscc = ? and score_year = 2025 and indicator_code = 'task_completion'""", [uscc])
    assert (configured, has_data) == (10.0, True)
    assert earned == pytest.approx(available / 2, abs=1e-5)


def test_tasks_page_is_published_per_jurisdiction(published):
    """Every publication has the 任务清单 page, linked from the navigation, showing only its own list."""
    settings, _ = published
    huiji = (_publication(settings) / "tasks.html").read_text(encoding="utf-8")
    yongchang = (_publication(settings, "620321") / "tasks.html").read_text(encoding="utf-8")
    assert 'href="tasks.html"' in (_publication(settings) / "index.html").read_text(encoding="utf-8")
    assert "2025年度任务落实情况" in huiji and "各责任单位落实情况" in huiji
    # 惠济区: 7 key tasks — 3 按期完成, 2 逾期完成, 1 逾期未完成, 1 进行中; 2 with a missed progress report
    summary = re.search(r"<td>重点工作任务</td>(.*?)</tr>", huiji, re.S).group(1)
    assert re.findall(r">(\d+)<", summary) == ["7", "3", "2", "1", "1", "2"]
    assert "议定事项" not in re.sub(r"<p[^>]*>.*?</p>", "", huiji, flags=re.S)  # (the intro explains the word)
    assert "议-3" in yongchang and "议-3" not in huiji
    assert "2025-10-09" in yongchang  # 议-3's deadline on 国庆, shown rolled to the next working day
