"""The pages of a publication, built from one jurisdiction's marts (see data.py).

Rates are re-derived here only by adding up the marts' additive counts (numerators and denominators) over
a period; every definition lives in the dbt models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from markupsafe import Markup

from dashboards.site import clue_labels, figures
from dashboards.site.data import PublicationData
from dashboards.site.formats import NO_DATA, count, count_change, day, number, pct, points, points_change, ratio
from dashboards.site.html import Column, Page, Section, e, grouped_table, kpi_cards, link, paragraph, table
from dashboards.site.region_pages import regions_page

KIND_ZH = {
    "supervision_reply": "检察建议/检察意见办复", "police_review": "公安机关审查移送案件",
    "hotline_close": "12345 工单办结", "hotline_procedural_reply": "12309 程序性回复",
    "hotline_result_reply": "12309 办理结果答复", "hotline_push": "12345 向 12309 推送",
    "hotline_feedback": "双推送反馈",
}
FEED_ZH = {"penalty_ledger": "行政处罚台账", "supervision_ledger": "行政检察监督台账",
           "hotline_exchange": "12345/12309 双推送", "member_units": "成员单位名单", "task_list": "任务清单"}
TREND_MONTHS = 24
MIN_ITEMS_TO_COMPARE = 20  # a year-on-year change of a rate over fewer items is noise, not a trend
HEATMAP_MONTHS = 12


def months_back(as_of: date, n: int) -> list[tuple[int, int]]:
    """The n calendar months ending with the as-of month, oldest first."""
    y, m = as_of.year, as_of.month
    out = []
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def month_label(ym: tuple[int, int]) -> str:
    return f"{ym[0]}-{ym[1]:02d}"


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def sums(frame: pl.DataFrame, year_col: str, month_col: str | None, year: int, upto_month: int,
         cols: Iterable[str], where: dict[str, Any] | None = None) -> dict[str, int]:
    """Sum additive counts over months 1..upto_month of a year."""
    f = frame.filter(pl.col(year_col) == year)
    if month_col:
        f = f.filter(pl.col(month_col) <= upto_month)
    for k, v in (where or {}).items():
        f = f.filter(pl.col(k).is_in(v) if isinstance(v, list | tuple) else pl.col(k) == v)
    return {c: int(f[c].sum() or 0) for c in cols}


def by_month(frame: pl.DataFrame, year_col: str, month_col: str, cols: Iterable[str],
             where: dict[str, Any] | None = None) -> dict[tuple[int, int], dict[str, int]]:
    f = frame
    for k, v in (where or {}).items():
        f = f.filter(pl.col(k).is_in(v) if isinstance(v, list | tuple) else pl.col(k) == v)
    cols = list(cols)
    out: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(cols, 0))
    if f.is_empty():
        return out
    g = f.group_by([year_col, month_col]).agg([pl.col(c).sum() for c in cols])
    for r in g.to_dicts():
        out[(int(r[year_col]), int(r[month_col]))] = {c: int(r[c] or 0) for c in cols}
    return out


# ----------------------------------------------------------------------------------------------- pages


def overview(data: PublicationData) -> Page:
    y, m = data.as_of.year, data.as_of.month
    t = data["transfer"]
    now_t = sums(t, "decision_year", "decision_month", y, m, ["transferred_cases", "should_transfer_cases"])
    before_t = sums(t, "decision_year", "decision_month", y - 1, m, ["transferred_cases", "should_transfer_cases"])
    c = data["clue_counts"]
    now_c = sums(c, "decision_year", "decision_month", y, m, ["clue_cases"])
    before_c = sums(c, "decision_year", "decision_month", y - 1, m, ["clue_cases"])
    o = data["timeliness"]
    due = ["on_time", "replied_late", "overdue_no_reply"]

    def timeliness(kinds: list[str], year: int) -> float | None:
        s = sums(o, "due_year", "due_month", year, m, due, {"obligation_kind": kinds})
        return ratio(s["on_time"], sum(s.values()))

    h = data["hotline"]
    hc = ["closed_on_time", "tickets_due", "satisfied", "evaluated"]
    now_h, before_h = (sums(h, "received_year", "received_month", yr, m, hc) for yr in (y, y - 1))
    q = data["quality"]
    q_loaded, q_total = int(q["rows_loaded"].sum() or 0), int((q["rows_loaded"] + q["rows_quarantined"]).sum() or 0)
    period = f"{y}年1–{m}月"

    def compare(now: float | None, before: float | None, n_now: int, n_before: int, unit: str = "件") -> str:
        """Change against the same months of last year, only when both periods have enough items."""
        counts = f"（本期 {count(n_now)} {unit}，上年同期 {count(n_before)} {unit}）"
        if n_now < MIN_ITEMS_TO_COMPARE or n_before < MIN_ITEMS_TO_COMPARE:
            return f"— 样本不足 {MIN_ITEMS_TO_COMPARE} {unit}，不作比较{counts}"
        return points_change(now, before) + counts

    def due_items(kinds: list[str], year: int) -> int:
        return sum(sums(o, "due_year", "due_month", year, m, due, {"obligation_kind": kinds}).values())

    rate_t = ratio(now_t["transferred_cases"], now_t["should_transfer_cases"])
    sup, push = ["supervision_reply"], ["hotline_push", "hotline_feedback"]
    cards = [
        ("行刑衔接移送率", pct(rate_t),
         compare(rate_t, ratio(before_t["transferred_cases"], before_t["should_transfer_cases"]),
                 now_t["should_transfer_cases"], before_t["should_transfer_cases"]),
         f"{period}决定的应当移送案件 {count(now_t['should_transfer_cases'])} 件，已移送 "
         f"{count(now_t['transferred_cases'])} 件"),
        ("应移未移线索（件）", count(now_c["clue_cases"]) if data.has("transfer") else NO_DATA,
         count_change(now_c["clue_cases"], before_c["clue_cases"]) if data.has("transfer") else "—",
         f"{period}决定、截至统计日仍未移送的应当移送案件（线索增加为不利变化）", "lower"),
        ("检察建议/意见到期办复率", pct(timeliness(sup, y)),
         compare(timeliness(sup, y), timeliness(sup, y - 1), due_items(sup, y), due_items(sup, y - 1), "项"),
         f"{period}到期的办复义务"),
        ("双推送双反馈到期办复率", pct(timeliness(push, y)),
         compare(timeliness(push, y), timeliness(push, y - 1), due_items(push, y), due_items(push, y - 1), "项"),
         f"{period}到期的推送与反馈"),
        ("12345 按期办结率", pct(ratio(now_h["closed_on_time"], now_h["tickets_due"])),
         compare(ratio(now_h["closed_on_time"], now_h["tickets_due"]),
                 ratio(before_h["closed_on_time"], before_h["tickets_due"]),
                 now_h["tickets_due"], before_h["tickets_due"]),
         f"{period}受理的工单"),
        ("12345 满意率", pct(ratio(now_h["satisfied"], now_h["evaluated"])),
         compare(ratio(now_h["satisfied"], now_h["evaluated"]), ratio(before_h["satisfied"], before_h["evaluated"]),
                 now_h["evaluated"], before_h["evaluated"]),
         "（满意 + 基本满意）÷ 已评价"),
        ("数据标准符合率", pct(ratio(q_loaded, q_total)), "—",
         f"累计报送 {count(q_total)} 行，符合标准并入库 {count(q_loaded)} 行"),
    ]
    page = Page("index", "概览")
    page.sections.append(Section(
        f"主要指标（{period}，与上年同期比较）", kpi_cards(cards),
        intro="比率的分母为 0 时显示“无数据”，不显示为 0% 或 100%。变化以百分点表示，绿色为改善、红色为变差；"
              f"两期分母均不少于 {MIN_ITEMS_TO_COMPARE} 时才作比较，括号内为两期的件数。"))
    guide = table(
        [Column("页面", lambda r: r["title"]), Column("内容", lambda r: r["what"])],
        [{"title": "行刑衔接", "what": "各单位移送率（由低到高）、立案率、主动移送率及应移未移线索"},
         {"title": "月度趋势", "what": "近 24 个月的移送、办复与热线指标"},
         {"title": "应移未移线索", "what": "应当移送而未移送的案件，附触发规则、测得数值和依据"},
         {"title": "到期办复", "what": "各单位本年与近 12 个月到期办复率排名（含原因与回复用时）、热力图、"
                                     "按单位分组的逾期事项清单"},
         {"title": "12345/12309", "what": "热线办结、满意率与双推送双反馈"},
         {"title": "数据质量", "what": "各单位、各类台账的数据标准符合率与数据标准报告"},
         {"title": "考核排名", "what": "年度考核得分、排名与各单位得分明细"},
         *([{"title": "下辖地区", "what": "下辖各区县（市）主要指标并列比较，本级与合计"}]
           if "rollup" in data.frames else [])])
    page.sections.append(Section("本看板包含", guide))
    return page


def transfer(data: PublicationData) -> Page:
    y, m = data.as_of.year, data.as_of.month
    names = data.unit_names()
    # ranked in the mart (agg_unit_transfer_yearly): lowest 移送率 first, agencies without a rate last
    units = [{**r, "unit": names.get(r["agency_uscc"], r["agency_uscc"]),
              "proactive_rate": r["proactive_transfer_rate"], "open_clues": r["clue_cases"]}
             for r in rows(data["unit_transfer"].filter(pl.col("decision_year") == y))]
    page = Page("transfer", "行刑衔接", has_figures=True)
    with_rate = [u for u in units if u["should_transfer_cases"] > 0]
    fig = figures.rate_bars(
        [u["unit"] for u in with_rate], [u["transfer_rate"] for u in with_rate],
        [f"{u['unit']}：已移送 {u['transferred_cases']} / 应当移送 {u['should_transfer_cases']}" for u in with_rate],
        f"{y}年1–{m}月各单位移送率（仅列有应当移送案件的单位，移送率低的在上）")
    page.has_figures = bool(with_rate)
    page.sections.append(Section(
        "各单位移送率", figures.html(fig, "fig-transfer-by-unit") if with_rate else paragraph(
            f"{y}年尚无应当移送的案件（{NO_DATA}）。"),
        intro="移送率 = 已移送 ÷ 应当移送（单位自报涉嫌犯罪、已移送或触发追诉标准规则的案件）。"))
    page.sections.append(Section("各单位明细", table([
        Column("处罚机关", "unit"), Column("处罚案件", "penalty_cases", count, True),
        Column("应当移送", "should_transfer_cases", count, True), Column("已移送", "transferred_cases", count, True),
        Column("移送率", "transfer_rate", pct, True), Column("主动移送率", "proactive_rate", pct, True),
        Column("公安已决定", "transfers_with_police_decision", count, True),
        Column("立案", "transfers_filed", count, True), Column("立案率", "filing_rate", pct, True),
        Column("应移未移线索", "open_clues", count, True),
    ], units, table_id="transfer-by-unit"),
        intro="移送率由低到高排列；应移未移线索为本年决定、截至统计日仍未移送的应当移送案件数。"))
    return page


def trends(data: PublicationData) -> Page:
    months = months_back(data.as_of, TREND_MONTHS)
    labels = [month_label(ym) for ym in months]
    t = by_month(data["transfer"], "decision_year", "decision_month",
                 ["penalty_cases", "should_transfer_cases", "transferred_cases"])
    o = by_month(data["timeliness"], "due_year", "due_month", ["on_time", "replied_late", "overdue_no_reply"],
                 {"obligation_kind": "supervision_reply"})
    h = by_month(data["hotline"], "received_year", "received_month",
                 ["closed_on_time", "tickets_due", "satisfied", "evaluated"])
    page = Page("trends", "月度趋势", has_figures=True)
    fig1 = figures.monthly_bars(labels, {
        "处罚案件": [t[ym]["penalty_cases"] for ym in months],
        "应当移送": [t[ym]["should_transfer_cases"] for ym in months],
        "已移送": [t[ym]["transferred_cases"] for ym in months]}, "处罚案件与移送（按决定月份）")
    fig2 = figures.monthly_lines(labels, {
        "移送率": [ratio(t[ym]["transferred_cases"], t[ym]["should_transfer_cases"]) for ym in months],
        "检察建议/意见到期办复率": [ratio(o[ym]["on_time"], sum(o[ym].values())) for ym in months],
        "12345 按期办结率": [ratio(h[ym]["closed_on_time"], h[ym]["tickets_due"]) for ym in months],
        "12345 满意率": [ratio(h[ym]["satisfied"], h[ym]["evaluated"]) for ym in months]},
        "主要比率（分母为 0 的月份不连线）")
    page.sections.append(Section("处罚与移送", figures.html(fig1, "fig-trend-cases")))
    page.sections.append(Section("主要比率", figures.html(fig2, "fig-trend-rates"),
                                 intro="办复率按到期月份统计；12345 指标按受理月份统计。"))
    table_rows = [{"month": month_label(ym), **t[ym],
                   "transfer_rate": ratio(t[ym]["transferred_cases"], t[ym]["should_transfer_cases"]),
                   "reply_rate": ratio(o[ym]["on_time"], sum(o[ym].values())),
                   "close_rate": ratio(h[ym]["closed_on_time"], h[ym]["tickets_due"]),
                   "satisfaction": ratio(h[ym]["satisfied"], h[ym]["evaluated"])} for ym in reversed(months)]
    page.sections.append(Section("月度数据", table([
        Column("月份", "month"), Column("处罚案件", "penalty_cases", count, True),
        Column("应当移送", "should_transfer_cases", count, True), Column("已移送", "transferred_cases", count, True),
        Column("移送率", "transfer_rate", pct, True), Column("检察建议/意见到期办复率", "reply_rate", pct, True),
        Column("12345 按期办结率", "close_rate", pct, True), Column("12345 满意率", "satisfaction", pct, True),
    ], table_rows)))
    return page


def clues(data: PublicationData) -> Page:
    names = data.unit_names()
    frame = data["clues"]
    page = Page("clues", "应移未移线索")
    status = frame.group_by("clue_status").agg(pl.col("decision_no").n_unique().alias("cases")) \
        if not frame.is_empty() else None
    summary = {r["clue_status"]: r["cases"] for r in (status.to_dicts() if status is not None else [])}
    page.sections.append(Section("线索概况", table(
        [Column("线索状态", "status"), Column("案件数", "cases", count, True), Column("说明", "what")],
        [{"status": "未处理", "cases": summary.get("未处理", 0), "what": "截至统计日未移送、也未被检察监督"},
         {"status": "已监督", "cases": summary.get("已监督", 0), "what": "检察机关已就该案制发监督文书"},
         {"status": "已移送", "cases": summary.get("已移送", 0), "what": "统计日后才移送（统计日时仍属线索）"}]),
        intro="应当移送：单位自报涉嫌犯罪、或触发追诉标准规则（数额、数量、次数等）的行政处罚案件；"
              "截至统计日未移送即为线索。一案可触发多条规则。"))
    page.sections.append(Section("各单位应移未移线索", table([
        Column("处罚机关", "unit"), Column("线索案件", "cases", count, True),
        Column("其中未处理", "open", count, True), Column("已监督", "supervised", count, True),
        Column("统计日后已移送", "transferred", count, True)], _clues_by_unit(frame, names),
        empty="无应移未移线索", table_id="clues-by-unit"),
        intro="未处理线索多的单位在前。"))
    page.sections.append(Section("线索清单", table([
        Column("处罚机关", lambda r: names.get(r["agency_uscc"], r["agency_uscc"])),
        Column("决定书文号", "decision_no"), Column("决定日期", "decision_date", day),
        Column("当事人", "party_display_name"), Column("涉嫌罪名", "offence"),
        Column("触发规则", lambda r: clue_labels.rule_label(r["rule_id"])),
        Column("测得数值", lambda r: _with_unit(r["measured_value"], r.get("unit")), str, True),
        Column("追诉标准", lambda r: _with_unit(r["threshold"], r.get("unit")), str, True),
        Column("数值来源", clue_labels.value_source_label),
        Column("法律依据", lambda r: r.get("legal_basis_zh") or clue_labels.legal_source_label(r["legal_source"])),
        Column("状态", "clue_status"),
    ], rows(frame), empty="无应移未移线索", css="wide clues"),
        intro="自然人当事人仅显示为“自然人”；案情以涉嫌罪名与线索依据概括，不刊载违法事实原文，"
              "请凭决定书文号查阅案卷。"))
    return page


def _with_unit(value: Any, unit: Any) -> str:
    return "—" if value is None else f"{number(value)} {unit or ''}".strip()


def _clues_by_unit(frame: pl.DataFrame, names: dict[str, str]) -> list[dict[str, Any]]:
    """Clue cases per agency by status, most open clues first."""
    if frame.is_empty():
        return []
    g = frame.group_by("agency_uscc").agg(
        pl.col("decision_no").n_unique().alias("cases"),
        pl.col("decision_no").filter(pl.col("clue_status") == "未处理").n_unique().alias("open"),
        pl.col("decision_no").filter(pl.col("clue_status") == "已监督").n_unique().alias("supervised"),
        pl.col("decision_no").filter(pl.col("clue_status") == "已移送").n_unique().alias("transferred"))
    out = [{**r, "unit": names.get(r["agency_uscc"], r["agency_uscc"])} for r in g.to_dicts()]
    out.sort(key=lambda r: (-r["open"], -r["cases"], r["unit"]))
    return out


def _days(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def _unit_label(names: dict[str, str], uscc: Any, name: Any) -> str:
    return names.get(uscc or "", "") or (name or "") or "（未识别单位）"


def unit_ranking(data: PublicationData, period_kind: str, year: int, kind: str = "all") -> list[dict[str, Any]]:
    """Units ranked worst first by 到期办复率 over a period (agg_unit_timeliness_yearly), each with the
    obligation kinds that pulled it down ("why"): the kinds with late items, worst rate first."""
    names = data.unit_names()
    y = data["unit_timeliness"].filter((pl.col("period_kind") == period_kind) & (pl.col("period_year") == year))
    if y.is_empty():
        return []
    if kind != "all":
        only = y.filter(pl.col("obligation_kind") == kind).sort(["worst_rank", "responsible_unit_name"])
        return [{**r, "unit": _unit_label(names, r["responsible_unit_uscc"], r["responsible_unit_name"])}
                for r in rows(only)]
    kinds: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows(y.filter(pl.col("obligation_kind") != "all")):
        kinds[r["responsible_unit_uscc"]].append(r)
    out = []
    for r in rows(y.filter(pl.col("obligation_kind") == "all").sort(["worst_rank", "responsible_unit_name"])):
        late = sorted((k for k in kinds[r["responsible_unit_uscc"]] if k["on_time"] < k["items_due"]),
                      key=lambda k: (float(k["timeliness_rate"] or 0), -k["items_due"]))
        why = "；".join(f"{KIND_ZH.get(k['obligation_kind'], k['obligation_kind'])} 按期 "
                       f"{k['on_time']}/{k['items_due']}（逾期未回复 {k['overdue_no_reply']}）" for k in late)
        why = why or "全部按期"
        out.append({**r, "unit": _unit_label(names, r["responsible_unit_uscc"], r["responsible_unit_name"]),
                    "why": why})
    return out


def _spread(median: Any, p90: Any) -> str:
    return "—" if median is None else f"{_days(median)} / {_days(p90)}"


RANKING_COLUMNS = [
    Column("排名", "worst_rank", count, True), Column("责任单位", "unit"),
    Column("到期", "items_due", count, True), Column("按期", "on_time", count, True),
    Column("逾期回复", "replied_late", count, True), Column("逾期未回复", "overdue_no_reply", count, True),
    Column("到期办复率", "timeliness_rate", pct, True), Column("逾期天数中位数", "median_days_late", _days, True),
    Column("回复用时 中位/P90（日）", lambda r: _spread(r["median_reply_days"], r["p90_reply_days"]), str, True),
    Column("回复用时 中位/P90（工作日）",
           lambda r: _spread(r["median_reply_working_days"], r["p90_reply_working_days"]), str, True),
    Column("未按期的义务类型（原因）", "why"),
]


def timeliness(data: PublicationData) -> Page:
    names = data.unit_names()
    months = months_back(data.as_of, HEATMAP_MONTHS)
    y = data.as_of.year
    o = data["timeliness"]
    page = Page("timeliness", "到期办复", has_figures=True)
    year_rows = unit_ranking(data, "calendar_year", y)
    page.sections.append(Section(
        f"各责任单位到期办复率排名（{y}年1月1日至{data.as_of.month}月{data.as_of.day}日到期）",
        table(RANKING_COLUMNS, year_rows, empty=f"{y}年尚无到期的办复事项", css="ranking", table_id="rank-year"),
        intro="按到期办复率由低到高排列（同率时逾期未回复多者在前）；最后一列列出未全部按期的义务类型及其按期数，"
              "即“为什么”。逾期天数中位数只计逾期事项；回复用时为起算日至答复日，P90 表示九成事项在此天数内答复。",
        anchor="rank-year"))
    page.sections.append(Section(
        "各责任单位到期办复率排名（近 12 个月）",
        table(RANKING_COLUMNS, unit_ranking(data, "last_12_months", y), empty="近 12 个月没有到期的办复事项",
              css="ranking", table_id="rank-12m"), anchor="rank-12m"))

    cells: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in rows(o):
        ym = (int(r["due_year"]), int(r["due_month"]))
        if ym not in months or not r["responsible_unit_uscc"]:
            continue
        due = int(r["on_time"]) + int(r["replied_late"]) + int(r["overdue_no_reply"])
        if due == 0:
            continue
        c = cells[names.get(r["responsible_unit_uscc"], r["responsible_unit_uscc"])][ym]
        c[0] += int(r["on_time"])
        c[1] += due
    # rows by the unit's rate over the 12 months, worst at the top (not by name)
    totals = {u: (sum(v[0] for v in cells[u].values()), sum(v[1] for v in cells[u].values())) for u in cells}
    units = sorted(cells, key=lambda u: (ratio(*totals[u]) or 0.0, -totals[u][1], u))
    if units:
        z = [[ratio(*cells[u][ym]) if cells[u][ym][1] else None for ym in months] for u in units]
        hover = [[f"{u} {month_label(ym)}：按期 {cells[u][ym][0]} / 到期 {cells[u][ym][1]}"
                  if cells[u][ym][1] else f"{u} {month_label(ym)}：无到期事项" for ym in months] for u in units]
        fig = figures.heatmap(units, [month_label(ym) for ym in months], z, hover,
                              "各责任单位到期办复率（近 12 个月，按到期月份；办复率低的单位在上）")
        body = figures.html(fig, "fig-timeliness-heatmap")
    else:
        body = paragraph("近 12 个月没有到期的办复事项。")
        page.has_figures = False
    page.sections.append(Section(
        "到期办复率热力图", body,
        intro="到期办复率 = 按期 ÷（按期 + 逾期回复 + 逾期未回复）；"
              "含检察建议/意见、公安审查、12345/12309 与双推送各类义务；"
              "空白表示当月无到期事项。"))
    by_kind = o.group_by("obligation_kind").agg(
        [pl.col(c).sum() for c in ("on_time", "replied_late", "overdue_no_reply", "not_yet_due")]) \
        if not o.is_empty() else None
    kind_rows = []
    for r in (by_kind.to_dicts() if by_kind is not None else []):
        kind_rows.append({**r, "kind": KIND_ZH.get(r["obligation_kind"], r["obligation_kind"]),
                          "rate": ratio(r["on_time"], r["on_time"] + r["replied_late"] + r["overdue_no_reply"])})
    kind_rows.sort(key=lambda r: list(KIND_ZH).index(r["obligation_kind"]) if r["obligation_kind"] in KIND_ZH else 99)
    page.sections.append(Section("各类义务（截至统计日累计）", table([
        Column("义务类型", "kind"), Column("按期", "on_time", count, True),
        Column("逾期回复", "replied_late", count, True),
        Column("逾期未回复", "overdue_no_reply", count, True), Column("未到期", "not_yet_due", count, True),
        Column("到期办复率", "rate", pct, True)], kind_rows)))
    overdue = rows(data["overdue"])
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in overdue:
        groups[r["responsible_unit_name"] or "（未识别单位）"].append(r)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    titled = [(f"{unit}：逾期 {len(items)} 项（逾期未回复 "
               f"{sum(1 for i in items if i['status'] == '逾期未回复')} 项，逾期回复 "
               f"{sum(1 for i in items if i['status'] == '逾期回复')} 项）", items) for unit, items in ordered]
    page.sections.append(Section(f"逾期事项清单（{len(overdue)} 项，按责任单位分组）", grouped_table([
        Column("义务类型", lambda r: KIND_ZH.get(r["obligation_kind"], r["obligation_kind"])),
        Column("文书/工单编号", "source_key"),
        Column("事由类别", "subject_summary"), Column("起算日期", "anchor_date", day),
        Column("截止日期", "due_date", day), Column("答复日期", "replied_date", day),
        Column("状态", "status"), Column("逾期天数", "days_past_due", count, True),
        Column("期限依据", "due_date_basis"),
    ], titled, empty="无逾期事项", css="wide", table_id="overdue"),
        intro="逾期事项多的单位在前，每个单位一行小计；单位内按逾期天数由多到少排列。事由类别为诉求类型或监督类型，"
              "不刊载诉求原文，请凭文书/工单编号查阅。本清单亦以 Excel 文件随本期发布：overdue.xlsx。"))
    return page


def hotline(data: PublicationData) -> Page:
    months = months_back(data.as_of, TREND_MONTHS)
    labels = [month_label(ym) for ym in months]
    h = by_month(data["hotline"], "received_year", "received_month",
                 ["tickets_received", "tickets_closed", "closed_on_time", "tickets_due", "satisfied", "evaluated"])
    o = data["timeliness"]
    due = ["on_time", "replied_late", "overdue_no_reply"]
    series = {kind: by_month(o, "due_year", "due_month", due, {"obligation_kind": kind})
              for kind in ("hotline_procedural_reply", "hotline_result_reply", "hotline_push", "hotline_feedback")}
    page = Page("hotline", "12345/12309", has_figures=True)
    fig1 = figures.monthly_lines(labels, {
        "按期办结率": [ratio(h[ym]["closed_on_time"], h[ym]["tickets_due"]) for ym in months],
        "办结率": [ratio(h[ym]["tickets_closed"], h[ym]["tickets_received"]) for ym in months],
        "满意率": [ratio(h[ym]["satisfied"], h[ym]["evaluated"]) for ym in months]},
        "12345 工单（按受理月份）")
    fig2 = figures.monthly_lines(labels, {
        KIND_ZH[k]: [ratio(s[ym]["on_time"], sum(s[ym].values())) for ym in months] for k, s in series.items()},
        "12309 答复与双推送双反馈到期办复率（按到期月份）")
    page.sections.append(Section("12345 办理", figures.html(fig1, "fig-hotline-12345"),
                                 intro="按期办结率 = 按期办结 ÷ 到期工单；办结率 = 办结 ÷ 受理；"
                                       "满意率 =（满意 + 基本满意）÷ 已评价。"))
    y = data.as_of.year
    page.sections.append(Section(
        f"各承办单位 12345 工单按期办结排名（{y}年到期）",
        table(RANKING_COLUMNS[:-1], unit_ranking(data, "calendar_year", y, "hotline_close"),
              empty=f"{y}年尚无到期的 12345 工单", css="ranking", table_id="hotline-rank"),
        intro="按期办结率由低到高排列；回复用时为受理至办结，P90 表示九成工单在此天数内办结。"))
    page.sections.append(Section("12309 与双推送双反馈", figures.html(fig2, "fig-hotline-12309")))
    table_rows = [{"month": month_label(ym), **h[ym],
                   "on_time_rate": ratio(h[ym]["closed_on_time"], h[ym]["tickets_due"]),
                   "close_rate": ratio(h[ym]["tickets_closed"], h[ym]["tickets_received"]),
                   "satisfaction": ratio(h[ym]["satisfied"], h[ym]["evaluated"]),
                   **{k: ratio(s[ym]["on_time"], sum(s[ym].values())) for k, s in series.items()}}
                  for ym in reversed(months)]
    page.sections.append(Section("月度数据", table([
        Column("月份", "month"), Column("受理", "tickets_received", count, True),
        Column("办结", "tickets_closed", count, True), Column("按期办结率", "on_time_rate", pct, True),
        Column("办结率", "close_rate", pct, True), Column("满意率", "satisfaction", pct, True),
        *(Column(f"{KIND_ZH[k]}到期办复率", k, pct, True) for k in series),
    ], table_rows)))
    return page


CHANNEL_ZH = {"12345": "12345 政务服务便民热线", "12309": "12309 检察服务中心"}


def quality_unit_label(feed: str, label: Any, names: dict[str, str]) -> str:
    """Who delivered the rows, by name: the mart keys hotline rows by channel and the member-unit list by
    region code, which read as bare numbers (12309, 410108) on a page."""
    text = "" if label is None else str(label)
    if feed == "hotline_exchange":
        return CHANNEL_ZH.get(text, text)
    if feed == "member_units":
        return "成员单位名单（本地区）"
    if feed == "task_list":
        return "联席会议办公室（本地区）"
    return names.get(text, text)


def quality(data: PublicationData, docs_href: str | None) -> Page:
    page = Page("quality", "数据质量")
    q = rows(data["quality"])
    names = data.unit_names()
    for r in q:
        r["feed_zh"] = FEED_ZH.get(r["feed"], r["feed"])
        r["unit_label"] = quality_unit_label(r["feed"], r["unit_label"], names)
    page.sections.append(Section("各单位数据标准符合率", table([
        Column("台账", "feed_zh"), Column("报送单位", "unit_label"), Column("文件数", "files", count, True),
        Column("入库行数", "rows_loaded", count, True), Column("隔离行数", "rows_quarantined", count, True),
        Column("数据标准符合率", "compliance_rate", pct, True)], q),
        intro="数据标准符合率 = 入库行数 ÷（入库行数 + 隔离行数）；隔离行按其所在文件归属单位与地区。"
              "隔离原因（文件、行、列、规则）见数据标准报告。"))
    if docs_href:
        page.sections.append(Section("数据标准报告",
                                     link(docs_href, "打开本地区的数据标准报告（各文件、规则的检查结果）"),
                                     intro="报告只含本地区报送的文件；交换标准的字段说明见报告中的各台账标准。"))
    files = rows(data["files"])
    for r in files:
        r["feed_zh"] = FEED_ZH.get(r["feed"], r["feed"])
    page.sections.append(Section("报送文件", table([
        Column("台账", "feed_zh"), Column("文件名", "file_name"), Column("入库行数", "rows_loaded", count, True),
        Column("隔离行数", "rows_quarantined", count, True)], files, empty="无文件")))
    return page


def _score_year(data: PublicationData) -> int | None:
    years = data["ranking"]["score_year"].unique().to_list()
    years = [y for y in years if y <= data.as_of.year]
    return max(years) if years else None


def scorecard(data: PublicationData) -> Page:
    page = Page("scorecard", "考核排名", has_figures=True)
    year = _score_year(data)
    if year is None:
        page.has_figures = False
        page.sections.append(Section("考核排名", paragraph("尚无可考核的数据。")))
        return page
    ranking = rows(data["ranking"].filter(pl.col("score_year") == year))
    details = data["scorecard"].filter(pl.col("score_year") == year)
    provisional = data.as_of < date(year, 12, 31)
    ranked = [r for r in ranking if r["unit_rank"] is not None]
    first = rows(details.head(1))
    cfg = first[0] if first else {}
    intro = (f"考核细则：{cfg.get('config_name', '')}（版本 {cfg.get('config_version', '')}，指纹 "
             f"{cfg.get('config_fingerprint', '')}）；输入数据指纹 {cfg.get('input_fingerprint', '')}。"
             "无数据的指标不计分，其分值按权重分配至该单位其他有数据的指标。")
    if provisional:
        intro += f"{year}年度尚未结束，以下为截至统计日的暂定结果。"
    fig = figures.rate_bars([r["unit_name"] for r in ranked],
                            [float(r["total_points_earned"]) / float(r["total_points_available"] or 1) for r in ranked],
                            [f"{r['unit_name']}：{points(r['total_points_earned'])} 分" for r in ranked],
                            f"{year}年度考核得分率（得分 ÷ 可得分）")
    page.sections.append(Section(f"{year}年度排名", table([
        Column("排名", "unit_rank", lambda v: "不排名" if v is None else str(v), True),
        Column("单位", "unit_name"), Column("得分", "total_points_earned", points, True),
        Column("可得分", "total_points_available", points, True),
        Column("有数据指标", "indicators_with_data", count, True),
        Column("无数据指标", "indicators_without_data", count, True)], ranking), intro=intro))
    if ranked:
        page.sections.append(Section("得分率", figures.html(fig, "fig-scorecard")))
    else:
        page.has_figures = False
    blocks = []
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows(details):
        by_unit[r["unit_uscc"]].append(r)
    for r in ranking:
        items = sorted(by_unit.get(r["unit_uscc"], []), key=lambda x: x["sort_order"])
        rank = "不排名" if r["unit_rank"] is None else f"第 {r['unit_rank']} 名"
        inner = table([
            Column("板块", "indicator_block"), Column("指标", "indicator_name"),
            Column("指标值", lambda x: _indicator_value(x)), Column("分子/分母", lambda x: (
                f"{count(x['numerator'])}/{count(x['denominator'])}" if x["has_data"] else "—")),
            Column("配置分值", "points_configured", points, True), Column("可得分", "points_available", points, True),
            Column("得分", "points_earned", points, True), Column("计分规则", "scoring_rule"), Column("说明", "note"),
        ], items)
        anchor = f"unit-{len(blocks) + 1}"
        r["anchor"] = anchor
        blocks.append(f'<section class="unit-detail" id="{anchor}"><h3>{e(r["unit_name"])} — '
                      f"{e(points(r['total_points_earned']))} 分，{e(rank)}</h3>{inner}</section>")
    # always laid out (not folded in <details>), so that printing the page prints every unit's table
    index = Markup("<p class=\"unit-index\">" + " · ".join(
        f'<a href="#{e(r["anchor"])}">{e(r["unit_name"])}</a>' for r in ranking if "anchor" in r) + "</p>")
    page.sections.append(Section("各单位得分明细", Markup(index + Markup("".join(blocks))),
                                 intro="每个单位一份得分明细，按排名顺序；点击单位名称跳转。", anchor="details"))
    return page


TASK_STATUSES = ("按期完成", "逾期完成", "逾期未完成", "进行中")


def _task_year(data: PublicationData) -> int | None:
    years = [y for y in data["tasks"]["task_year"].unique().to_list() if y is not None and y <= data.as_of.year]
    return max(years) if years else None


def tasks(data: PublicationData) -> Page:
    """双清单: the year's 重点工作任务 and 议定事项 with their status as of the statistics date, per responsible
    unit, and the progress reports missed. Task text is the masked text of the warehouse."""
    page = Page("tasks", "任务清单")
    year = _task_year(data)
    if year is None:
        return page
    frame = data["tasks"].filter(pl.col("task_year") == year)
    per_task: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows(frame):
        t = per_task.setdefault((r["task_category"], r["task_no"]), {**r, "units": []})
        t["units"].append(r["responsible_unit_name"])
    summary = []
    for category in ("重点工作任务", "议定事项"):
        items = [t for (c, _), t in per_task.items() if c == category]
        if not items:
            continue
        row: dict[str, Any] = {"category": category, "total": len(items),
                               "missed": sum(1 for t in items if t["has_missed_progress_report"])}
        row.update({s: sum(1 for t in items if t["task_status"] == s) for s in TASK_STATUSES})
        summary.append(row)
    status_columns = [Column(s, s, count, True) for s in TASK_STATUSES]
    page.sections.append(Section(f"{year}年度任务落实情况", table(
        [Column("类别", "category"), Column("任务数", "total", count, True), *status_columns,
         Column("有漏报进展的任务", "missed", count, True)], summary),
        intro=f"截至 {data.as_of.isoformat()}：按期完成 = 完成日期不晚于完成时限；逾期完成 = 完成于时限之后；"
              "逾期未完成 = 时限已过仍未完成；进行中 = 尚未完成、未到时限。完成时限遇法定节假日或休息日，"
              "顺延至其后第一个工作日（与其他期限同一规则）。重点工作任务来自年度工作要点与联席会议决议，"
              "议定事项来自联席会议纪要。"))
    by_unit: dict[str, dict[str, Any]] = {}
    for r in rows(frame):
        u = by_unit.setdefault(r["responsible_unit_name"], {"unit": r["responsible_unit_name"], "total": 0,
                                                            "missed": 0, **{s: 0 for s in TASK_STATUSES}})
        u["total"] += 1
        u[r["task_status"]] += 1
        u["missed"] += r["progress_reports_missed"]
    for u in by_unit.values():
        due = u["按期完成"] + u["逾期完成"] + u["逾期未完成"]
        u["rate"] = u["按期完成"] / due if due else None
    unit_rows = sorted(by_unit.values(), key=lambda u: (-u["逾期未完成"], -u["missed"], u["unit"]))
    page.sections.append(Section("各责任单位落实情况", table(
        [Column("责任单位", "unit"), Column("任务数", "total", count, True), *status_columns,
         Column("按期完成率", "rate", pct, True), Column("漏报进展（次）", "missed", count, True)],
        unit_rows, table_id="tasks-by-unit"),
        intro="一项任务有多个责任单位的，计入每个责任单位。按期完成率 = 按期完成 ÷（按期完成 + 逾期完成 + "
              "逾期未完成），即考核指标“落实任务清单”；逾期未完成多的单位在前。"))
    listed = sorted(per_task.values(), key=lambda t: (t["task_category"] != "重点工作任务", t["task_no"]))
    page.sections.append(Section("任务清单", table([
        Column("类别", "task_category"), Column("编号", "task_no"), Column("任务内容", "task_content"),
        Column("责任单位", lambda t: "、".join(t["units"])),
        Column("完成时限", "due_date", day),
        Column("顺延至", lambda t: t["effective_due_date"] if t["effective_due_date"] != t["due_date"] else None, day),
        Column("完成日期", "completed_date", day), Column("状态", "task_status"),
        Column("逾期天数", "days_overdue", count, True),
        Column("进展报告（已报/应报）", lambda t: f"{t['progress_reports_made']}/{t['progress_reports_owed']}"),
        Column("最近进展报告", "last_progress_report_date", day),
    ], listed, css="wide"),
        intro="进展报告按清单的报送频次（季度、半年度或月度）计：每期截止日为期末（遇节假日顺延），"
              "截至统计日已到期、且当期未完成的任务应报一次。任务内容已按个人信息规则处理。"))
    return page


def _indicator_value(row: dict[str, Any]) -> str:
    if not row["has_data"]:
        return NO_DATA
    if row["indicator_code"] == "non_transfer_clues_per_100":
        return f"{number(row['indicator_value'])} 件/百件"
    return pct(row["indicator_value"])


# which marts a page is made of, and the feed that fills them: a page whose marts are all empty opens with
# a 无数据 notice naming the missing feed (a jurisdiction with only 12345 data still gets every page)
PAGE_SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "transfer": (("transfer",), "行政处罚台账"),
    "trends": (("transfer", "timeliness", "hotline"), "行政处罚、行政检察监督或 12345/12309 数据"),
    "clues": (("clues", "clue_counts"), "行政处罚台账"),
    "timeliness": (("timeliness",), "行政检察监督台账或 12345/12309 数据"),
    "hotline": (("hotline",), "12345/12309 双推送数据"),
    "scorecard": (("ranking",), "成员单位名单（纳入考核的单位）"),
    "tasks": (("tasks",), "任务清单（重点工作任务、议定事项）"),
}


def _no_data_notice(page: Page, data: PublicationData) -> Page:
    frames, feed = PAGE_SOURCES.get(page.slug, ((), ""))
    if frames and not data.has(*frames):
        page.sections.insert(0, Section(NO_DATA, Markup(
            f'<p class="notice">{e(NO_DATA)}：本地区尚未载入{e(feed)}，本页暂无数据；其他页面按已有数据发布。</p>')))
    return page


def build_pages(data: PublicationData, docs_href: str | None) -> list[Page]:
    pages = [overview(data), transfer(data), trends(data), clues(data), timeliness(data), hotline(data),
             quality(data, docs_href), scorecard(data), tasks(data)]
    if "rollup" in data.frames:  # a city or province whose counties have data: them side by side, second
        pages.insert(1, regions_page(data))
    return [_no_data_notice(p, data) for p in pages]
