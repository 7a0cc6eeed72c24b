"""The page 下辖地区 of a city's or province's publication: its counties (and cities) side by side.

Built from the frame `rollup` (agg_region_rollup of the region and its descendants, see data.py): each
region's counts are added up over the months of the period and every rate is recomputed from the sums, as
the overview does for one region, so a county's figure here equals the one on its own publication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dashboards.site import figures
from dashboards.site.data import PublicationData
from dashboards.site.formats import count, pct, ratio
from dashboards.site.html import Column, Page, Section, paragraph, table

SLUG = "regions"
TITLE = "下辖地区"
LEVEL_ZH = {"省": "省级", "市": "市级", "县": "县级"}
COUNTS = ("penalty_cases", "should_transfer_cases", "transferred_cases", "clue_cases", "supervision_on_time",
          "supervision_due", "push_on_time", "push_due", "hotline_closed_on_time", "hotline_tickets_due",
          "hotline_satisfied", "hotline_evaluated")


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    numerator: str
    denominator: str
    numerator_zh: str
    denominator_zh: str


METRICS = (
    Metric("transfer", "行刑衔接移送率", "transferred_cases", "should_transfer_cases", "已移送", "应当移送"),
    Metric("supervision", "检察建议/意见到期办复率", "supervision_on_time", "supervision_due", "按期办复", "到期"),
    Metric("push", "双推送双反馈到期办复率", "push_on_time", "push_due", "按期", "到期"),
    Metric("hotline", "12345 按期办结率", "hotline_closed_on_time", "hotline_tickets_due", "按期办结", "到期"),
    Metric("satisfaction", "12345 满意率", "hotline_satisfied", "hotline_evaluated", "满意与基本满意", "已评价"),
)


def region_rows(data: PublicationData) -> list[dict[str, Any]]:
    """One row per region shown, in code order (a city before its counties): the publication's own region
    twice — 合计 (with everything below it) and 本级 (its own units) — then each descendant with data, rolled
    up over its own descendants. Counts are summed over months 1..as-of month of the as-of year."""
    y, m = data.as_of.year, data.as_of.month
    frame = data["rollup"].filter((pl.col("metric_year") == y) & (pl.col("metric_month") <= m))
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for r in frame.to_dicts():
        key = (r["region_code"], r["scope"])
        row = sums.setdefault(key, {"region_code": r["region_code"], "scope": r["scope"],
                                    "region_name": r["region_name"] or r["region_code"],
                                    "region_level": r["region_level"], **dict.fromkeys(COUNTS, 0)})
        for c in COUNTS:
            row[c] += int(r[c] or 0)
    own = data.region_code
    codes = sorted({code for code, _ in sums} | {own})
    out: list[dict[str, Any]] = []
    for code in codes:
        if code == own:
            total = sums.get((own, "rollup"))
            if total:
                out.append({**total, "label": f"{total['region_name']}（合计）", "scope_zh": "本级及下辖"})
            mine = sums.get((own, "own"))
            if mine:
                out.append({**mine, "label": f"{mine['region_name']}（本级）", "scope_zh": "本级"})
        elif (code, "rollup") in sums:
            r = sums[(code, "rollup")]
            scope_zh = "本级" if r["region_level"] == "县" else "本级及下辖"
            out.append({**r, "label": r["region_name"], "scope_zh": scope_zh})
    for r in out:
        r["level_zh"] = LEVEL_ZH.get(r["region_level"], "—")
        for metric in METRICS:
            r[f"{metric.key}_rate"] = ratio(r[metric.numerator], r[metric.denominator])
    return out


def _fraction(metric: Metric) -> Any:
    return lambda r: f"{count(r[metric.numerator])} / {count(r[metric.denominator])}"


def regions_page(data: PublicationData) -> Page:
    y, m = data.as_of.year, data.as_of.month
    period = f"{y}年1–{m}月"
    rows = region_rows(data)
    page = Page(SLUG, TITLE, has_figures=True)
    page.sections.append(Section(f"各地区主要指标（{period}）", table([
        Column("地区", "label"), Column("层级", "level_zh"), Column("范围", "scope_zh"),
        Column("处罚案件", "penalty_cases", count, True),
        *(Column(metric.title, f"{metric.key}_rate", pct, True) for metric in METRICS[:1]),
        Column("应移未移线索", "clue_cases", count, True),
        *(Column(metric.title, f"{metric.key}_rate", pct, True) for metric in METRICS[1:]),
    ], rows, table_id="regions-side-by-side"),
        intro="下辖各地区的数据并列展示；“合计”为本地区及全部下辖地区的件数相加后重新计算的比率（不是各地区比率的"
              "平均数），“本级”为本地区自身成员单位的数据。比率的分母为 0 时显示“无数据”。"))
    for metric in METRICS:
        shown = [r for r in rows if r[metric.denominator] > 0]
        body = figures.html(figures.rate_bars(
            [r["label"] for r in shown], [r[f"{metric.key}_rate"] for r in shown],
            [f"{r['label']}：{metric.numerator_zh} {r[metric.numerator]} / {metric.denominator_zh} "
             f"{r[metric.denominator]}" for r in shown],
            f"{period}各地区{metric.title}"), f"fig-regions-{metric.key}") if shown else paragraph(
            f"{period}各地区均无{metric.title}的数据（无数据）。")
        detail = table([Column("地区", "label"), Column(metric.numerator_zh, metric.numerator, count, True),
                        Column(metric.denominator_zh, metric.denominator, count, True),
                        Column(metric.title, f"{metric.key}_rate", pct, True),
                        Column("分子 / 分母", _fraction(metric), str, True)],
                       rows, table_id=f"regions-{metric.key}")
        page.sections.append(Section(metric.title, body + detail))
    page.has_figures = any(r[metric.denominator] > 0 for r in rows for metric in METRICS)
    return page
