"""Chinese wording of the clue mart's codes for publications: a threshold rule's id (R140_SALES) becomes
what it means (生产销售伪劣产品：销售金额 ≥ 50,000 元), a value source becomes where the value was read,
and working notes in legal sources ("UNCONFIRMED") are not shown. The rule table is the dbt seed itself,
so a rule added there is named here without a code change."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import Any

RULES_CSV = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "rules" / "threshold_rules.csv"

FACT_ZH = {
    "sales_amount": "销售金额", "business_amount": "非法经营数额", "goods_value": "货值金额",
    "illegal_gain": "违法所得", "tax_evaded": "偷逃税款", "invoice_tax": "虚开税款",
    "direct_loss": "直接经济损失", "mineral_value": "矿产品价值", "prey_value": "猎获物价值",
    "catch_value": "渔获物价值", "timber_value": "林木价值", "wages_owed": "拖欠劳动报酬",
    "deposits": "吸收存款/集资数额", "case_value": "涉案金额", "fine": "罚款", "area": "面积",
    "volume": "体积", "trees": "株数", "weight": "重量", "persons": "人数", "households": "户数",
    "exceed_multiple": "超标倍数", "quantity": "涉案数量", "deaths": "死亡人数",
    "serious_injuries": "重伤人数", "blood_alcohol": "血液酒精含量", "prior_penalties": "此前行政处罚次数",
}
COMPARISON_ZH = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "=": "="}
RULE_KIND_ZH = {"threshold": "追诉标准", "keyword": "违法行为类型", "repeat": "多次违法", "agency_flag": "单位自报"}
_NOTES = re.compile(r"[;；,，]?\s*[(（]?[^;；()（）]*UNCONFIRMED[^;；()（）]*[)）]?", re.IGNORECASE)


@cache
def _rules() -> dict[str, dict[str, str]]:
    if not RULES_CSV.exists():
        return {}
    with RULES_CSV.open(encoding="utf-8", newline="") as f:
        return {r["rule_id"]: r for r in csv.DictReader(f)}


def _number(value: str) -> str:
    try:
        n = float(value)
    except ValueError:
        return value
    return f"{n:,.0f}" if n == int(n) else f"{n:,}"


def rule_label(rule_id: Any) -> str:
    """What a fired rule means, in Chinese; never the internal id."""
    if rule_id in (None, ""):
        return ""
    if rule_id == "agency_flag":
        return "处罚机关自报涉嫌犯罪"
    rule = _rules().get(str(rule_id))
    if rule is None:
        return "追诉标准规则"
    kind = rule.get("rule_kind", "")
    offence = rule.get("offence", "")
    if kind == "threshold" and rule.get("threshold"):
        facts = "或".join(FACT_ZH.get(f, f) for f in (rule.get("measured_facts") or "").split("|") if f)
        cmp = COMPARISON_ZH.get(rule.get("comparison", ""), rule.get("comparison", ""))
        party = {"个人": "（个人）", "单位": "（单位）"}.get(rule.get("party_type", ""), "")
        return f"{offence}{party}：{facts} {cmp} {_number(rule['threshold'])} {rule.get('unit', '')}".strip()
    if kind == "repeat":
        years, prior = rule.get("repeat_window_years", ""), rule.get("repeat_min_prior_penalties", "")
        if years and prior:
            return f"{offence}：{years} 年内曾受行政处罚 {prior} 次以上又违法"
        return f"{offence}：多次违法"
    return f"{offence}：{RULE_KIND_ZH.get(kind, '追诉标准')}"


def value_source_label(row: dict[str, Any]) -> str:
    """Where the measured value was read: a ledger column (in Chinese), the 违法事实 text, or the history."""
    if row.get("evidence_zh"):
        return str(row["evidence_zh"])
    kind, source = row.get("value_source_kind"), row.get("value_source")
    if kind == "column":
        return f"台账字段“{FACT_ZH.get(str(source), '涉案数额')}”"
    if kind == "prior_penalties":
        return "此前的行政处罚记录"
    if kind == "text":
        return f"违法事实原文：{source}" if source else "违法事实原文"
    if row.get("rule_id") == "agency_flag":
        return "台账字段“是否涉嫌犯罪”"
    return ""


def legal_source_label(text: Any) -> str:
    """The legal source without working notes (UNCONFIRMED …) and with the agency flag in Chinese."""
    if text in (None, ""):
        return ""
    out = str(text)
    if out.startswith("是否涉嫌犯罪 = 是"):
        return "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）第三条"
    out = _NOTES.sub("", out).strip(" ;；,，")
    return out
