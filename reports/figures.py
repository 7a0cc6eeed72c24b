"""The figures of a 通报, read from the marts of a set of region codes.

Rates are re-derived only by adding up the marts' additive counts (numerators and denominators) over the
period, as the publication's overview does (`dashboards/site/pages.py`); every definition stays in dbt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from dashboards.site.formats import count, count_change, pct, points, points_change, ratio
from dashboards.site.pages import KIND_ZH
from warehouse.build_state import warehouse_built_as_of
from warehouse.connection import connect
from warehouse.errors import UserError

SUPERVISION = ("supervision_reply",)
HOTLINE_12309 = ("hotline_procedural_reply", "hotline_result_reply")
DOUBLE_PUSH = ("hotline_push", "hotline_feedback")
DUE = ("on_time", "replied_late", "overdue_no_reply")


@dataclass(frozen=True)
class Period:
    """Months first_month..last_month of a year; the comparison is the same months of the year before."""

    year: int
    first_month: int = 1
    last_month: int = 12

    @property
    def label(self) -> str:
        if self.first_month == 1 and self.last_month == 12:
            return f"{self.year}年度"
        if self.first_month == self.last_month:
            return f"{self.year}年{self.last_month}月"
        return f"{self.year}年{self.first_month}–{self.last_month}月"

    def previous(self) -> Period:
        return Period(self.year - 1, self.first_month, self.last_month)


@dataclass
class Indicator:
    """One line of the 主要指标 table: the value now, a year before and the change ('—' without data then)."""

    name: str
    now: str
    before: str
    change: str
    basis: str = ""


@dataclass
class ReportFigures:
    region_code: str
    codes: list[str]
    period: Period
    as_of: date
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # "now"/"before" → additive counts
    kinds: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # now/before → kind → counts
    clue_status: dict[str, int] = field(default_factory=dict)
    quality: dict[str, int] = field(default_factory=dict)
    ranking: list[dict[str, Any]] = field(default_factory=list)
    monthly: list[dict[str, Any]] = field(default_factory=list)  # per month of the period, for the charts
    overdue: list[dict[str, Any]] = field(default_factory=list)
    clues: list[dict[str, Any]] = field(default_factory=list)
    unit_names: dict[str, str] = field(default_factory=dict)

    def due(self, when: str, kinds: Sequence[str] | None = None) -> dict[str, int]:
        """on_time / replied_late / overdue_no_reply summed over the kinds (all kinds without)."""
        out = dict.fromkeys(DUE, 0)
        for kind, c in self.kinds.get(when, {}).items():
            if kinds is None or kind in kinds:
                for k in DUE:
                    out[k] += c.get(k, 0)
        return out

    def timeliness(self, when: str, kinds: Sequence[str] | None = None) -> float | None:
        d = self.due(when, kinds)
        return ratio(d["on_time"], sum(d.values()))

    def indicators(self) -> list[Indicator]:
        """The 主要指标 table. The change is '—' when the year before has no data for the figure."""
        now, before = self.counts["now"], self.counts["before"]

        def rate(name: str, num: str, den: str, basis: str) -> Indicator:
            a, b = ratio(now[num], now[den]), ratio(before[num], before[den])
            return Indicator(name, pct(a), pct(b) if b is not None else "—", points_change(a, b), basis)

        def n(name: str, key: str, feed_rows: str, basis: str) -> Indicator:
            had = before[feed_rows] > 0
            return Indicator(name, count(now[key]), count(before[key]) if had else "—",
                             _count_change(now[key], before[key]) if had else "—", basis)

        def timely(name: str, kinds: Sequence[str] | None, basis: str) -> Indicator:
            a, b = self.timeliness("now", kinds), self.timeliness("before", kinds)
            return Indicator(name, pct(a), pct(b) if b is not None else "—", points_change(a, b), basis)

        overdue_now = self.due("now")["overdue_no_reply"]
        overdue_before = self.due("before")["overdue_no_reply"]
        had_due = sum(self.due("before").values()) > 0
        return [
            n("行政处罚案件（件）", "penalty_cases", "penalty_cases", "按处罚决定日期"),
            n("应当移送案件（件）", "should_transfer_cases", "penalty_cases", "单位自报涉嫌犯罪或触发追诉标准"),
            n("已移送案件（件）", "transferred_cases", "penalty_cases", ""),
            rate("行刑衔接移送率", "transferred_cases", "should_transfer_cases", "已移送 ÷ 应当移送"),
            rate("主动移送率", "proactive_transfers", "transferred_cases", "主动移送 ÷ 已移送"),
            rate("立案率", "transfers_filed", "transfers_with_police_decision", "立案 ÷ 公安机关已作决定的移送"),
            n("应移未移线索（件）", "clue_cases", "penalty_cases", "截至统计日仍未移送的应当移送案件"),
            timely("检察建议/意见到期办复率", SUPERVISION, "按期办复 ÷ 到期事项"),
            timely("12309 到期答复率", HOTLINE_12309, "程序性回复与办理结果答复"),
            timely("双推送双反馈到期办复率", DOUBLE_PUSH, "12345 向 12309 推送及反馈"),
            timely("全部义务到期办复率", None, "各类办复义务合计"),
            Indicator("逾期未回复事项（项）", count(overdue_now), count(overdue_before) if had_due else "—",
                      _count_change(overdue_now, overdue_before) if had_due else "—", "按截止日期所在期间"),
            n("12345 受理工单（件）", "tickets_received", "tickets_received", "按受理日期"),
            rate("12345 按期办结率", "closed_on_time", "tickets_due", "按期办结 ÷ 到期工单"),
            rate("12345 办结率", "tickets_closed", "tickets_received", "已办结 ÷ 受理"),
            rate("12345 满意率", "satisfied", "evaluated", "（满意 + 基本满意）÷ 已评价"),
            Indicator("数据标准符合率", pct(ratio(self.quality["rows_loaded"], self.quality["rows_total"])), "—", "—",
                      f"累计报送 {count(self.quality['rows_total'])} 行，入库 {count(self.quality['rows_loaded'])} 行"),
        ]

    def ranking_rows(self) -> list[list[str]]:
        show_region = len(self.codes) > 1
        out = []
        for r in self.ranking:
            rank = "不排名" if r["unit_rank"] is None else str(r["unit_rank"])
            row = [rank, r["unit_name"], points(r["total_points_earned"]), points(r["total_points_available"]),
                   count(r["indicators_with_data"])]
            out.append([r["region_code"], *row] if show_region else row)
        return out


def _count_change(now: int, before: int) -> str:
    change = count_change(now, before)
    if before:
        change += f"（{(now - before) / before * 100:+.1f}%）"
    return change


def _in(codes: Sequence[str]) -> str:
    return "(" + ", ".join("?" for _ in codes) + ")"


def _sums(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], cols: Sequence[str]) -> dict[str, int]:
    row = con.execute(sql, params).fetchone() or ()
    return {c: int(v or 0) for c, v in zip(cols, row, strict=False)} | {c: 0 for c in cols[len(row):]}


TRANSFER = ("penalty_cases", "should_transfer_cases", "transferred_cases", "proactive_transfers",
            "transfers_with_police_decision", "transfers_filed")
HOTLINE = ("tickets_received", "tickets_closed", "closed_on_time", "tickets_due", "satisfied", "evaluated")


def _period_counts(con: duckdb.DuckDBPyConnection, codes: list[str], p: Period) -> tuple[dict[str, int], dict]:
    where = f"region_code in {_in(codes)} and {{y}} = ? and {{m}} between ? and ?"
    args = [*codes, p.year, p.first_month, p.last_month]
    t = where.format(y="decision_year", m="decision_month")
    counts = _sums(con, f"select {', '.join(f'sum({c})' for c in TRANSFER)} from marts.agg_transfer_rates "
                        f"where {t}", args, TRANSFER)
    counts |= _sums(con, f"select sum(clue_cases) from marts.agg_non_transfer_clues where {t}", args, ["clue_cases"])
    h = where.format(y="received_year", m="received_month")
    counts |= _sums(con, f"select {', '.join(f'sum({c})' for c in HOTLINE)} from marts.agg_hotline_rates "
                         f"where {h}", args, HOTLINE)
    o = where.format(y="due_year", m="due_month")
    kinds: dict[str, dict[str, int]] = {}
    for kind, *vals in con.execute(
            f"select obligation_kind, {', '.join(f'sum({c})' for c in DUE)} from marts.agg_obligation_timeliness "
            f"where {o} group by obligation_kind order by 1", args).fetchall():
        kinds[kind] = {c: int(v or 0) for c, v in zip(DUE, vals, strict=True)}
    return counts, kinds


def ensure_region(con: duckdb.DuckDBPyConnection, region_code: str, codes: list[str]) -> None:
    """A sentence, not an empty document, for a region the warehouse has nothing of."""
    known = con.execute(
        f"select count(*) from (select region_code from marts.dim_member_units where region_code in "
        f"{_in(codes)} union select region_code from marts.fct_input_file_regions where region_code in "
        f"{_in(codes)} and rows_loaded > 0)", codes + codes).fetchone()[0]
    if not known:
        raise UserError(f"仓库中没有行政区划 {region_code} 的数据（既无成员单位名单，也无任何台账）",
                        f"the warehouse has no data for region {region_code}")


def read_figures(warehouse: Path, region_code: str, codes: list[str], period: Period) -> ReportFigures:
    """Every figure of the 通报 for `codes` over `period`, with the build's as-of date."""
    if not warehouse.exists():
        raise UserError("仓库尚未建立（先运行 liandong demo 或 ingest + build）",
                        "the warehouse does not exist yet (run liandong demo, or ingest and build)")
    as_of = warehouse_built_as_of(warehouse)
    if as_of is None:
        raise UserError("数据集市尚未构建，请先运行 liandong build", "the marts are not built yet; run liandong build")
    if (period.year, period.first_month) > (as_of.year, as_of.month):
        raise UserError(f"数据集市统计截至 {as_of}，尚无{period.label}的数据；请先运行 liandong build --as-of "
                        "（该期末日期）", f"the marts are built as of {as_of}, before {period.label}; "
                        "run liandong build --as-of <the period's last day> first")
    fig = ReportFigures(region_code, codes, period, as_of)
    args = list(codes)
    try:
        with connect(warehouse, read_only=True) as con:
            ensure_region(con, region_code, codes)
            fig.counts["now"], fig.kinds["now"] = _period_counts(con, codes, period)
            fig.counts["before"], fig.kinds["before"] = _period_counts(con, codes, period.previous())
            for status, n in con.execute(
                    f"select clue_status, sum(clue_cases) from marts.agg_non_transfer_clues where region_code in "
                    f"{_in(codes)} and decision_year = ? and decision_month between ? and ? group by 1 order by 1",
                    [*args, period.year, period.first_month, period.last_month]).fetchall():
                fig.clue_status[status] = int(n or 0)
            fig.quality = _sums(con, "select sum(rows_loaded), sum(rows_loaded + rows_quarantined) from "
                                     f"marts.agg_data_quality where region_code in {_in(codes)}", args,
                                ["rows_loaded", "rows_total"])
            cols = [d for d in ("region_code", "unit_rank", "unit_name", "total_points_earned",
                                "total_points_available", "indicators_with_data")]
            cur = con.execute(f"select {', '.join(cols)} from marts.agg_unit_scorecard_ranking where region_code in "
                              f"{_in(codes)} and score_year = ? order by region_code, unit_rank nulls last, unit_name",
                              [*args, period.year])
            fig.ranking = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
            fig.monthly = _monthly(con, codes, period)
            fig.unit_names = dict(con.execute(
                f"select unit_uscc, unit_name from marts.dim_member_units where region_code in {_in(codes)}",
                args).fetchall())
            fig.overdue = _dicts(con.execute(
                f"select * from marts.fct_overdue_items where region_code in {_in(codes)} "
                "order by responsible_unit_name nulls last, days_past_due desc nulls last, due_date, obligation_id",
                args))
            fig.clues = _dicts(con.execute(
                f"select * from marts.fct_non_transfer_clues where region_code in {_in(codes)} "
                "and extract(year from decision_date) = ? and extract(month from decision_date) between ? and ? "
                "order by decision_date, agency_uscc, decision_no, rule_id",
                [*args, period.year, period.first_month, period.last_month]))
    except duckdb.CatalogException as exc:
        raise UserError(f"数据集市不完整，请先运行 liandong build（{exc}）",
                        f"the marts are incomplete; run liandong build first ({exc})") from None
    return fig


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _monthly(con: duckdb.DuckDBPyConnection, codes: list[str], p: Period) -> list[dict[str, Any]]:
    """Per month of the period: cases to transfer and transferred, 移送率, 到期办复率, 12345 按期办结率."""
    out = []
    for m in range(p.first_month, p.last_month + 1):
        one = Period(p.year, m, m)
        counts, kinds = _period_counts(con, codes, one)
        due = {k: sum(c[k] for c in kinds.values()) for k in DUE}
        out.append({"month": m, "should": counts["should_transfer_cases"], "transferred": counts["transferred_cases"],
                    "transfer_rate": ratio(counts["transferred_cases"], counts["should_transfer_cases"]),
                    "reply_rate": ratio(due["on_time"], sum(due.values())),
                    "close_rate": ratio(counts["closed_on_time"], counts["tickets_due"])})
    return out


def kind_label(kind: str) -> str:
    return KIND_ZH.get(kind, kind)
