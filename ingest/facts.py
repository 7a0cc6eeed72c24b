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

EXTRACTOR_VERSION = "2"

FACT_COLUMNS = [
    ("agency_uscc", "varchar"), ("decision_no", "varchar"), ("_row_hash", "varchar"), ("fact_no", "integer"),
    ("fact", "varchar"), ("value", "decimal(18,4)"), ("unit", "varchar"), ("value_source", "varchar"),
    ("evidence", "varchar"), ("qualifiers", "varchar"), ("extractor_version", "varchar"), ("bound", "varchar"),
]

# Every fact this module can produce, with the name a clue shows for it (seed `fact_labels` mirrors it;
# tests/test_facts.py ties both, and the facts the threshold rules name, to this list).
FACTS: dict[str, str] = {
    "case_value": "涉案金额", "sales_amount": "销售金额", "business_amount": "非法经营数额", "goods_value": "货值金额",
    "sales_x3_plus_goods_value": "销售金额的三倍与未销售货值金额合计", "illegal_gain": "违法所得",
    "tax_evaded": "逃避缴纳税款数额", "invoice_tax": "虚开税款数额", "invoice_amount": "发票票面金额",
    "tax_amount": "税额", "direct_loss": "直接经济损失", "mineral_value": "矿产品价值", "prey_value": "猎获物价值",
    "catch_value": "渔获物价值", "timber_value": "林木价值", "wages_owed": "拖欠劳动报酬数额",
    "wages_owed_per_worker": "人均拖欠劳动报酬数额", "workers": "劳动者人数", "deposits": "吸收公众存款数额",
    "fine": "罚款", "amount": "金额", "area": "面积", "volume": "立木蓄积", "trees": "株数", "weight": "重量",
    "persons": "人数", "deaths": "死亡人数", "serious_injuries": "重伤人数", "minor_injuries": "轻伤人数",
    "injured": "受伤人数", "households": "户数", "pieces": "份数", "exceed_multiple": "超标倍数",
    "blood_alcohol": "血液酒精含量", "quantity": "数量",
}

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
    bound: str | None = None  # how the text qualifies the number: see BOUNDS (None = as written)


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

# Words that qualify a written number, and what they let a rule conclude (刑法 art 99: 以上 includes the number):
#   at_least    "6万余元", "十多名", "逾5万元", "超过5万元" — more than the number: reaches a threshold ≤ it;
#   near_below  "近5万元", "将近5万元" — just below the number: reaches only a threshold below it;
#   below       "不足5万元", "不到5万元" — an upper bound only: reaches no threshold;
#   about       "约5万元" — the agency's own estimate: read as written.
BOUNDS = {"余": "at_least", "多": "at_least", "逾": "at_least", "超过": "at_least", "近": "near_below",
          "将近": "near_below", "接近": "near_below", "不足": "below", "不到": "below", "不满": "below",
          "约": "about", "大约": "about"}
_PRE_WORDS = "将近|接近|不足|不到|不满|近|大约|约|逾|超过"
_PRE = rf"(?:(?P<pre>{_PRE_WORDS})(?:人民币)?|人民币(?P<pre2>{_PRE_WORDS})?)?"

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
    "份": ("份", Decimal(1), "pieces"),
    "张": ("份", Decimal(1), "pieces"),
    "倍": ("倍", Decimal(1), "exceed_multiple"),
    "mg/100mL": ("mg/100mL", Decimal(1), "blood_alcohol"),
    "毫克/100毫升": ("mg/100mL", Decimal(1), "blood_alcohol"),
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"{_PRE}{_NUM}(?P<a1>余|多)?{_MULT}(?P<a2>余|多)?(?P<unit>{_UNIT_RE})(?![面式法案向便位针某])",
    re.IGNORECASE)
# "方" (立方米) after Chinese numerals is too ambiguous (一方面, 双方) unless written in digits
_ARABIC_ONLY_UNITS = {"方"}
# 倍 counts only as an exceedance of a standard (超标6倍, 超过排放标准6倍), never a fine's multiple
_EXCEED_CONTEXT = re.compile(r"超标|超过|超出|高于|标准|限值")
# "为标准限值的3.5倍" is the concentration as a multiple of the standard: it exceeds it by 2.5倍
_TIMES_OF_STANDARD = re.compile(r"(?:标准|限值)[^，。；]{0,4}的$")

# Labels that say what an amount is; the label nearest before the amount wins (same clause first, then
# the same sentence when no other amount stands between them: "虚开…12份，票面税额合计13.5万元").
_AMOUNT_LABELS: list[tuple[str, str]] = [
    ("非法经营数额|经营数额|经营额|经营金额", "business_amount"),
    ("销售金额|销售额|销售收入|销售总额|销售总金额|售价", "sales_amount"),
    ("尚未销售[^，。；]{0,8}货值|未销售[^，。；]{0,8}货值|库存[^，。；]{0,8}货值|货值金额|货值|"
     "未销售[^，。；]{0,6}价值", "goods_value"),
    ("违法所得|非法获利|获利|非法所得", "illegal_gain"),
    ("偷逃[^，。；]{0,4}税|逃避缴纳[^，。；]{0,4}税|少缴|不缴|逃税|偷税", "tax_evaded"),
    ("虚开[^，。；]{0,20}税款|虚开[^，。；]{0,12}税额", "invoice_tax"),
    ("价税合计|票面金额|发票金额|开票金额|金额合计", "invoice_amount"),
    ("税额|税款", "tax_amount"),
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
    "开采|采挖|蓄积|面积|数量|共计|合计|死亡|重伤|拖欠|集资|超标|超过|虚开"
)
_AMOUNT_LABEL_RE = re.compile("|".join(f"(?P<l{i}>{p})" for i, (p, _) in enumerate(_AMOUNT_LABELS)))
_QUANTITY_LABEL_RE = re.compile(_QUANTITY_LABELS)
_CLAUSE_BREAK = re.compile(r"[。；;！？!?\n]|，|,(?![0-9])|、")
_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
_TAX_EVASION = re.compile(r"偷逃|逃避缴纳|少缴|不缴|逃税|偷税|虚假申报")
_WORKER_WORDS = re.compile(r"劳动者|工人|农民工|员工|职工|务工人员|雇员")
_HARM_WORDS = re.compile(r"死亡|重伤|轻伤|受伤|中毒")
_HARM_FACT = {"死亡": "deaths", "重伤": "serious_injuries", "轻伤": "minor_injuries", "受伤": "injured",
              "中毒": "injured"}


def _last_break(pattern: re.Pattern[str], text: str, pos: int) -> int:
    start = 0
    for m in pattern.finditer(text, 0, pos):
        start = m.end()
    return start


def _clause_start(text: str, pos: int) -> int:
    return _last_break(_CLAUSE_BREAK, text, pos)


def _person_fact(text: str, start: int, end: int, next_number: int) -> tuple[str, int]:
    """What a count of persons counts: the harm written next to it (一名工人经抢救无效死亡, 死亡1人), else
    workers (十二名劳动者, 劳动者12人), else persons; and where its evidence ends."""
    after_end = min(next_number, _CLAUSE_BREAK.search(text, end).start() if _CLAUSE_BREAK.search(text, end)
                    else len(text), end + 12)
    harm = _HARM_WORDS.search(text, end, after_end)
    if harm:
        return _HARM_FACT[harm.group()], harm.end()
    before = text[max(_clause_start(text, start), start - 4):start]
    for word, fact in _HARM_FACT.items():
        if before.endswith(word) or before.endswith(word + "人数") or before.endswith("致" + word[:1]):
            return fact, end
    worker = _WORKER_WORDS.search(text, end, min(after_end, end + 6))
    if worker:
        return "workers", worker.end()
    return ("workers" if _WORKER_WORDS.search(before) else "persons"), end


def _amount_label(text: str, start: int, amounts_before: list[int]) -> tuple[str, int] | None:
    """The label of an amount and where it starts: nearest in the clause, else nearest in the sentence when
    no other amount stands between label and number."""
    clause = _clause_start(text, start)
    labels = list(_AMOUNT_LABEL_RE.finditer(text, clause, start))
    if not labels:
        sentence = _last_break(_SENTENCE_BREAK, text, start)
        labels = [lab for lab in _AMOUNT_LABEL_RE.finditer(text, sentence, start)
                  if not any(lab.end() <= a < start for a in amounts_before)]
    if not labels:
        return None
    last = labels[-1]
    idx = int(next(k for k, v in last.groupdict().items() if v is not None)[1:])
    fact = _AMOUNT_LABELS[idx][1]
    if fact == "tax_amount":  # 税额 alone: what the sentence is about decides (虚开 … / 偷逃 …)
        sentence_text = text[_last_break(_SENTENCE_BREAK, text, start):start]
        fact = ("invoice_tax" if "虚开" in sentence_text
                else "tax_evaded" if _TAX_EVASION.search(sentence_text) else "tax_amount")
    return fact, last.start()


def text_facts(text: str | None, qualifiers: str | None = None) -> list[Fact]:
    """Facts written in 违法事实, each with the span it was read from."""
    if not text:
        return []
    out: list[Fact] = []
    matches = list(_QUANTITY.finditer(text))
    amounts_seen: list[int] = []
    for i, m in enumerate(matches):
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
        word = m.group("pre") or m.group("pre2") or m.group("a1") or m.group("a2")
        bound = BOUNDS.get(word) if word else None
        start = m.start()
        clause = _clause_start(text, start)
        end = m.end()
        if fact == "exceed_multiple":
            before = text[clause:m.start("num")]
            exceed = _EXCEED_CONTEXT.search(before)
            if not exceed:
                continue
            if _TIMES_OF_STANDARD.search(before):
                number -= 1
        value = (number * factor).quantize(Decimal("0.0001"))
        if fact == "amount":
            label = _amount_label(text, m.start(), amounts_seen)
            amounts_seen.append(m.start())
            if label:
                fact, start = label
        else:
            if fact == "persons":
                nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
                fact, end = _person_fact(text, m.start(), m.end(), nxt)
            labels = list(_QUANTITY_LABEL_RE.finditer(text, clause, m.start()))
            if fact == "exceed_multiple":
                start = clause + exceed.start()
            elif labels:
                start = labels[-1].start()
        evidence = text[start:end]
        out.append(Fact(fact, value, unit, "text", evidence, qualifiers, bound))
    return out


def _worst_bound(facts: list[Fact]) -> str | None:
    bounds = {f.bound for f in facts}
    for b in ("below", "near_below", "about", "at_least"):
        if b in bounds:
            return b
    return None


def derived_facts(facts: list[Fact], qualifiers: str | None) -> list[Fact]:
    """Facts the law computes from others, with the evidence of each part.

    - workers: in a wage case (劳动报酬) a count of persons is the count of workers (拖欠张某等12人工资);
    - wages_owed_per_worker: the amount owed ÷ the workers (1 when no count is written) — at least one worker is
      owed that much, which is what 2013 JI art 3(一) asks of "一名劳动者";
    - sales_x3_plus_goods_value: 销售金额 × 3 + 未销售货值, which 追诉标准（一） art 16(三) compares to 15万.
    """
    out: list[Fact] = []
    text_only = [f for f in facts if f.value_source == "text"]
    wages = [f for f in text_only if f.fact == "wages_owed"]
    if wages:
        workers = [f for f in text_only if f.fact == "workers"]
        if not workers:
            workers = [Fact("workers", f.value, f.unit, f.value_source, f.evidence, qualifiers, f.bound)
                       for f in text_only if f.fact == "persons"]
            out += workers
        owed = max(wages, key=lambda f: f.value)
        count = max(workers, key=lambda f: f.value) if workers else None
        per = owed.value / (count.value if count and count.value > 0 else 1)
        parts = [owed] + ([count] if count else [])
        bound = owed.bound if not count or count.bound not in ("at_least",) else "below"
        out.append(Fact("wages_owed_per_worker", per.quantize(Decimal("0.0001")), "元", "text",
                        "；".join(p.evidence or "" for p in parts), qualifiers, bound))
    sales = [f for f in facts if f.fact == "sales_amount"]
    goods = [f for f in facts if f.fact == "goods_value"]
    if sales and goods:
        s, g = max(sales, key=lambda f: f.value), max(goods, key=lambda f: f.value)
        source = "text" if "text" in (s.value_source, g.value_source) else s.value_source
        out.append(Fact("sales_x3_plus_goods_value", (s.value * 3 + g.value).quantize(Decimal("0.0001")), "元",
                        source, "；".join(p.evidence or p.value_source for p in (s, g)), qualifiers,
                        _worst_bound([s, g])))
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


def extract_facts(values: dict[str, Any], *, quantities: bool = True, qualified: bool = True) -> list[Fact]:
    """Every measured fact of one penalty row version: columns first, then the 违法事实 text.

    `quantities=False` says the text holds no quantity and `qualified=False` no qualifier word (known from
    `text_gates`, which looks at a whole batch at once): that part is not searched again.
    """
    quals = None
    if qualified:
        text = " ".join(str(values.get(f) or "") for f in ("violation_type", "violation_facts"))
        quals = ";".join(qualifiers_of(text)) or None
    facts = column_facts(values, quals)
    if quantities:
        facts += text_facts(values.get("violation_facts"), quals)
    return facts + derived_facts(facts, quals)


# `_QUANTITY` without its look-ahead, for the Rust regex engine: every match of `_QUANTITY` is a match of this,
# so a text it does not match yields no text fact (tests/test_facts.py compares both on random texts).
QUANTITY_GATE = "(?i)" + _QUANTITY.pattern.replace("(?![面式法案向便位针某])", "")
QUALIFIER_GATE = "|".join(map(re.escape, [*QUALIFIERS, *_QUALIFIER_ALIASES]))


def text_gates(violation_types: list[str | None], violation_facts: list[str | None]) -> tuple[list[bool], list[bool]]:
    """Per row, whether 违法事实 may hold a quantity and whether either text holds a qualifier word: one pass of
    each over the whole batch (in polars), so most texts (no number with a unit, no qualifier) are read once."""
    import polars as pl

    facts = pl.Series(violation_facts, dtype=pl.String)
    kinds = pl.Series(violation_types, dtype=pl.String)
    quantities = facts.str.contains(QUANTITY_GATE).fill_null(False)
    qualified = (facts.str.contains(QUALIFIER_GATE).fill_null(False)
                 | kinds.str.contains(QUALIFIER_GATE).fill_null(False))
    return quantities.to_list(), qualified.to_list()


def fact_rows(values: dict[str, Any], *, quantities: bool = True, qualified: bool = True) -> list[dict[str, Any]]:
    """Rows of raw.penalty_facts for one (protected) row version carrying its `_row_hash`."""
    return [
        {"agency_uscc": values.get("agency_uscc"), "decision_no": values.get("decision_no"),
         "_row_hash": values.get("_row_hash"), "fact_no": i, "fact": f.fact, "value": f.value, "unit": f.unit,
         "value_source": f.value_source, "evidence": f.evidence, "qualifiers": f.qualifiers,
         "extractor_version": EXTRACTOR_VERSION, "bound": f.bound}
        for i, f in enumerate(extract_facts(values, quantities=quantities, qualified=qualified), start=1)
    ]
