"""Measured facts of a penalty decision (amounts, areas, volumes, weights, persons) for the threshold rules.

Real 双公示 records often carry the amounts only inside 违法事实 ("销售金额共计人民币6.8万元",
"非法占用耕地12.5亩"), so besides the structured columns the (already masked) text is read too. Each fact
keeps where it came from (`column:<name>` or `text`) and, for text, the matched span as evidence, so a
transfer clue can always be checked by a person. Pure and deterministic: same row, same facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

EXTRACTOR_VERSION = "1"

FACT_COLUMNS = [
    ("agency_uscc", "varchar"), ("decision_no", "varchar"), ("_row_hash", "varchar"), ("fact_no", "integer"),
    ("fact", "varchar"), ("value", "decimal(18,4)"), ("unit", "varchar"), ("value_source", "varchar"),
    ("evidence", "varchar"), ("qualifiers", "varchar"), ("extractor_version", "varchar"),
]

# The row columns `fact_rows` reads (the loader hands it only these).
FACT_INPUTS = frozenset({
    "agency_uscc", "decision_no", "_row_hash", "violation_type", "violation_facts", "case_value", "illegal_gain",
    "quantity", "quantity_unit", "deaths", "serious_injuries", "direct_loss",
})


@dataclass(frozen=True)
class Fact:
    fact: str  # sales_amount | business_amount | goods_value | illegal_gain | case_value | area | volume | …
    value: Decimal  # in `unit`
    unit: str  # 元 | 亩 | 立方米 | 株 | 公斤 | 吨 | 人 | 户 | mg/100mL | the column's 计量单位
    value_source: str  # column:<name> | text
    evidence: str | None  # the matched span of 违法事实 (text facts only)
    qualifiers: str | None  # ';'-joined words of the case that rules may require (禁渔期, 耕地, 危险废物 …)


# ---------------------------------------------------------------- qualifiers
QUALIFIERS = (
    "禁渔期", "禁渔区", "禁用渔具", "禁用工具", "禁用方法", "电鱼", "毒鱼", "炸鱼", "禁猎区", "禁猎期",
    "永久基本农田", "基本农田", "耕地", "公益林", "商品林", "林地", "草原", "危险废物", "重金属", "暗管", "渗坑",
    "幼树", "禁采区", "禁采期", "醉酒",
)
_QUALIFIER_ALIASES = {"电击": "电鱼", "电捕": "电鱼", "投毒": "毒鱼", "爆炸": "炸鱼", "禁止捕捞期": "禁渔期",
                      "禁止捕捞区": "禁渔区"}


def qualifiers_of(text: str) -> list[str]:
    """Qualifier words present in the text, in catalogue order (aliases folded)."""
    found = [q for q in QUALIFIERS if q in text]
    found += [q for alias, q in _QUALIFIER_ALIASES.items() if alias in text and q not in found]
    return [q for q in QUALIFIERS if q in found]


# ---------------------------------------------------------------- numbers
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_CN_DIGIT) + "".join(_CN_SMALL) + "".join(_CN_BIG) + "点"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def cn_to_decimal(text: str) -> Decimal | None:
    """Chinese numerals → number: 二十五 → 25, 六万八千 → 68000, 伍万贰仟 → 52000, 十二点五 → 12.5."""
    if not text:
        return None
    whole, _, frac = text.partition("点")
    total = section = digit = 0
    seen = False
    for ch in whole:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
            seen = True
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]
            digit = 0
            seen = True
        elif ch == "亿":
            total = (total + section + digit) * _CN_BIG[ch]
            section = digit = 0
        elif ch in _CN_BIG:
            total += (section + digit) * _CN_BIG[ch]
            section = digit = 0
        else:
            return None
    if not seen and not total:
        return None
    value = Decimal(total + section + digit)
    if frac:
        if any(c not in _CN_DIGIT for c in frac):
            return None
        value += Decimal("0." + "".join(str(_CN_DIGIT[c]) for c in frac))
    return value


def _number(raw: str) -> Decimal | None:
    raw = raw.translate(_FULLWIDTH)
    if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", raw):
        return Decimal(raw.replace(",", ""))
    return cn_to_decimal(raw)


# ---------------------------------------------------------------- text patterns
_ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾零〇][" + _CN_CHARS + r"]*"
_NUM = rf"(?P<num>{_ARABIC}|{_CHINESE})"
_MULT = r"(?P<mult>万|亿)?"

# unit as written → (normalised unit, factor, fact when no label says otherwise)
_UNITS: dict[str, tuple[str, Decimal, str]] = {
    "元": ("元", Decimal(1), "amount"),
    "亩": ("亩", Decimal(1), "area"),
    "公顷": ("亩", Decimal(15), "area"),
    "平方米": ("亩", Decimal(1) / Decimal("666.6667"), "area"),
    "立方米": ("立方米", Decimal(1), "volume"),
    "m³": ("立方米", Decimal(1), "volume"),
    "方": ("立方米", Decimal(1), "volume"),
    "株": ("株", Decimal(1), "trees"),
    "棵": ("株", Decimal(1), "trees"),
    "公斤": ("公斤", Decimal(1), "weight"),
    "千克": ("公斤", Decimal(1), "weight"),
    "kg": ("公斤", Decimal(1), "weight"),
    "斤": ("公斤", Decimal("0.5"), "weight"),
    "吨": ("吨", Decimal(1), "weight"),
    "人": ("人", Decimal(1), "persons"),
    "名": ("人", Decimal(1), "persons"),
    "户": ("户", Decimal(1), "households"),
    "mg/100mL": ("mg/100mL", Decimal(1), "blood_alcohol"),
    "毫克/100毫升": ("mg/100mL", Decimal(1), "blood_alcohol"),
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?:人民币)?{_NUM}{_MULT}(?P<unit>{_UNIT_RE})(?![面式法案向便位针])", re.IGNORECASE)
# "方" (立方米) and "名"/"人" after Chinese numerals are too ambiguous (一方面, 一名) unless clearly counted
_ARABIC_ONLY_UNITS = {"方"}

# Labels that say what an amount is; the label nearest before the amount in the same clause wins.
_AMOUNT_LABELS: list[tuple[str, str]] = [
    ("非法经营数额|经营数额|经营额|经营金额", "business_amount"),
    ("销售金额|销售额|销售收入|销售总额|销售总金额|售价", "sales_amount"),
    ("货值金额|货值|未销售[^，。；]{0,6}价值", "goods_value"),
    ("违法所得|非法获利|获利|非法所得", "illegal_gain"),
    ("偷逃[^，。；]{0,4}税|逃避缴纳[^，。；]{0,4}税|少缴|不缴|逃税|偷税", "tax_evaded"),
    ("虚开[^，。；]{0,20}税款|虚开[^，。；]{0,12}税额", "invoice_tax"),
    ("直接经济损失|经济损失|直接损失|损失", "direct_loss"),
    ("矿产品[^，。；]{0,6}价值|矿石[^，。；]{0,6}价值|砂石[^，。；]{0,6}价值", "mineral_value"),
    ("猎获物[^，。；]{0,6}价值", "prey_value"),
    ("渔获物[^，。；]{0,6}价值|水产品[^，。；]{0,6}价值", "catch_value"),
    ("林木[^，。；]{0,6}价值|立木[^，。；]{0,6}价值", "timber_value"),
    ("劳动报酬|工资", "wages_owed"),
    ("吸收[^，。；]{0,8}(?:存款|资金)|集资", "deposits"),
    ("涉案金额|案值|涉案价值", "case_value"),
    ("罚款", "fine"),
]
# Labels that open the evidence span of a quantity (what was occupied, felled, caught …).
_QUANTITY_LABELS = (
    "非法占用|占用|滥伐林木|盗伐林木|滥伐|盗伐|采伐|砍伐|捕捞|渔获物|猎捕|倾倒|处置|排放|贮存|堆放|填埋|"
    "开采|采挖|蓄积|面积|数量|共计|合计|死亡|重伤|拖欠|集资"
)
_AMOUNT_LABEL_RE = re.compile("|".join(f"(?P<l{i}>{p})" for i, (p, _) in enumerate(_AMOUNT_LABELS)))
_QUANTITY_LABEL_RE = re.compile(_QUANTITY_LABELS)
_CLAUSE_BREAK = re.compile(r"[。；;！？!?\n]|，|,(?![0-9])|、")


def _clause_start(text: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    return start


def _person_fact(text: str, start: int, end: int) -> str:
    after = text[end:end + 4]
    before = text[max(0, start - 4):start]
    if after.startswith("死亡") or before.endswith(("死亡", "致死")):
        return "deaths"
    if after.startswith("重伤") or before.endswith("重伤"):
        return "serious_injuries"
    if after.startswith("轻伤") or before.endswith("轻伤"):
        return "minor_injuries"
    if after.startswith("受伤") or after.startswith("中毒"):
        return "injured"
    return "persons"


def text_facts(text: str | None, qualifiers: str | None = None) -> list[Fact]:
    """Facts written in 违法事实, each with the span it was read from."""
    if not text:
        return []
    out: list[Fact] = []
    for m in _QUANTITY.finditer(text):
        written = m.group("unit")
        key = next((k for k in _UNITS if k.lower() == written.lower()), written)
        unit, factor, fact = _UNITS[key]
        raw = m.group("num")
        if key in _ARABIC_ONLY_UNITS and not re.match(r"[0-9０-９]", raw):
            continue
        number = _number(raw)
        if number is None:
            continue
        if m.group("mult"):
            number *= _CN_BIG[m.group("mult")]
        value = (number * factor).quantize(Decimal("0.0001"))
        clause = _clause_start(text, m.start())
        start = m.start()
        if fact == "amount":
            labels = list(_AMOUNT_LABEL_RE.finditer(text, clause, m.start()))
            if labels:
                last = labels[-1]
                idx = int(next(k for k, v in last.groupdict().items() if v is not None)[1:])
                fact = _AMOUNT_LABELS[idx][1]
                start = last.start()
        else:
            if fact == "persons":
                fact = _person_fact(text, m.start(), m.end())
            labels = list(_QUANTITY_LABEL_RE.finditer(text, clause, m.start()))
            if labels:
                start = labels[-1].start()
        evidence = text[start:m.end()]
        out.append(Fact(fact, value, unit, "text", evidence, qualifiers))
    return out


# ---------------------------------------------------------------- structured columns
_QUANTITY_UNIT_FACT = {"亩": "area", "公顷": "area", "立方米": "volume", "株": "trees", "公斤": "weight",
                       "吨": "weight", "人": "persons", "倍": "exceed_multiple"}


def column_facts(values: dict[str, Any], qualifiers: str | None = None) -> list[Fact]:
    """Facts from the 府检联动 extension columns (涉案金额, 违法所得, 涉案数量 + 计量单位, 人数, 损失)."""
    out: list[Fact] = []

    def add(fact: str, value: Any, unit: str, column: str) -> None:
        if value is None:
            return
        out.append(Fact(fact, Decimal(str(value)).quantize(Decimal("0.0001")), unit, f"column:{column}", None,
                        qualifiers))

    add("case_value", values.get("case_value"), "元", "case_value")
    add("illegal_gain", values.get("illegal_gain"), "元", "illegal_gain")
    quantity, unit = values.get("quantity"), values.get("quantity_unit")
    if quantity is not None and unit:
        if unit == "公顷":
            add("area", Decimal(str(quantity)) * 15, "亩", "quantity")
        else:
            add(_QUANTITY_UNIT_FACT.get(unit, "quantity"), quantity, unit, "quantity")
    add("deaths", values.get("deaths"), "人", "deaths")
    add("serious_injuries", values.get("serious_injuries"), "人", "serious_injuries")
    add("direct_loss", values.get("direct_loss"), "元", "direct_loss")
    return out


def extract_facts(values: dict[str, Any]) -> list[Fact]:
    """Every measured fact of one penalty row version: columns first, then the 违法事实 text."""
    text = " ".join(str(values.get(f) or "") for f in ("violation_type", "violation_facts"))
    quals = ";".join(qualifiers_of(text)) or None
    return column_facts(values, quals) + text_facts(values.get("violation_facts"), quals)


def fact_rows(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of raw.penalty_facts for one (protected) row version carrying its `_row_hash`."""
    return [
        {"agency_uscc": values.get("agency_uscc"), "decision_no": values.get("decision_no"),
         "_row_hash": values.get("_row_hash"), "fact_no": i, "fact": f.fact, "value": f.value, "unit": f.unit,
         "value_source": f.value_source, "evidence": f.evidence, "qualifiers": f.qualifiers,
         "extractor_version": EXTRACTOR_VERSION}
        for i, f in enumerate(extract_facts(values), start=1)
    ]
