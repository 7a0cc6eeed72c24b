"""Fact extraction at ingest (ingest/facts.py): numbers in every spelling, what an amount is, evidence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.facts import cn_to_decimal, column_facts, extract_facts, fact_rows, qualifiers_of, text_facts


@pytest.mark.parametrize(
    ("written", "value"),
    [("二十五", 25), ("十二点五", Decimal("12.5")), ("六万八千", 68000), ("伍万贰仟", 52000), ("一百零五", 105),
     ("一亿二千万", 120_000_000), ("十", 10), ("两千", 2000)],
)
def test_chinese_numerals(written: str, value: int | Decimal) -> None:
    assert cn_to_decimal(written) == Decimal(value)


def _one(text: str) -> tuple[str, Decimal, str, str | None]:
    facts = text_facts(text)
    assert len(facts) == 1, facts
    f = facts[0]
    return f.fact, f.value, f.unit, f.evidence


# The sample's text-only planted cases (ingest/sample/planted.py) and their expected evidence.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("经查，当事人【当事人】自2024年10月至2025年2月销售以次充好的劣质机油共计312桶，销售金额共计人民币6.8万元。",
         ("sales_amount", Decimal(68000), "元", "销售金额共计人民币6.8万元")),
        ("当事人【当事人】未经批准，于2025年3月在花园口镇非法占用耕地12.5亩建设仓储用房，经核查所占地类为一般耕地。",
         ("area", Decimal("12.5"), "亩", "非法占用耕地12.5亩")),
        ("当事人【当事人】未取得林木采伐许可证，于2024年4月擅自采伐其承包地内的杨树，滥伐林木二十五立方米。",
         ("volume", Decimal(25), "立方米", "滥伐林木二十五立方米")),
        ("当事人【当事人】未取得成品油经营许可，自2025年1月起利用改装罐车在汉西一路一带流动销售柴油，"
         "非法经营数额共计人民币伍万贰仟元。",
         ("business_amount", Decimal(52000), "元", "非法经营数额共计人民币伍万贰仟元")),
        ("经查，当事人某公司销售以不合格产品冒充合格产品的电动自行车充电器，销售金额共计人民币4.9万元。",
         ("sales_amount", Decimal(49000), "元", "销售金额共计人民币4.9万元")),
        ("销售金额六万八千元", ("sales_amount", Decimal(68000), "元", "销售金额六万八千元")),
        ("违法所得１，２００元", ("illegal_gain", Decimal(1200), "元", "违法所得１，２００元")),
        ("偷逃应缴税额1.2亿元", ("tax_evaded", Decimal(120_000_000), "元", "偷逃应缴税额1.2亿元")),
        ("占用林地2公顷", ("area", Decimal(30), "亩", "占用林地2公顷")),
        ("在禁渔期内捕捞水产品650千克", ("weight", Decimal(650), "公斤", "捕捞水产品650千克")),
        ("非法处置危险废物3.5吨", ("weight", Decimal("3.5"), "吨", "处置危险废物3.5吨")),
        ("盗伐幼树230株", ("trees", Decimal(230), "株", "盗伐幼树230株")),
        ("事故造成2人死亡", ("deaths", Decimal(2), "人", "2人死亡")),
        ("重伤3人", ("serious_injuries", Decimal(3), "人", "重伤3人")),
        ("血液酒精含量为126mg/100mL", ("blood_alcohol", Decimal(126), "mg/100mL", "126mg/100mL")),
    ],
)
def test_text_facts(text: str, expected: tuple[str, Decimal, str, str]) -> None:
    assert _one(text) == expected


def test_several_amounts_each_get_their_own_label() -> None:
    facts = text_facts("上述产品货值金额8,600元，违法所得1200元。")
    assert [(f.fact, f.value, f.evidence) for f in facts] == [
        ("goods_value", Decimal(8600), "货值金额8,600元"),
        ("illegal_gain", Decimal(1200), "违法所得1200元"),
    ]


@pytest.mark.parametrize("text", ["一方面当事人", "2024年3月5日", "第一百一十四条", "当事人【当事人】", "罚款人民币"])
def test_no_false_facts(text: str) -> None:
    assert text_facts(text) == []


def test_qualifiers() -> None:
    assert qualifiers_of("于2024年4月禁渔期内在琼江使用电鱼方法捕捞") == ["禁渔期", "电鱼"]
    assert qualifiers_of("占用永久基本农田与一般耕地") == ["永久基本农田", "基本农田", "耕地"]


def test_columns_come_first_and_name_their_column() -> None:
    values = {
        "agency_uscc": "11X", "decision_no": "1号", "_row_hash": "h",
        "case_value": Decimal(68000), "illegal_gain": None, "quantity": Decimal("2"), "quantity_unit": "公顷",
        "deaths": 0, "violation_type": "非法占用农用地", "violation_facts": "占用耕地12.5亩",
    }
    facts = extract_facts(values)
    assert [(f.fact, f.value, f.unit, f.value_source) for f in facts] == [
        ("case_value", Decimal(68000), "元", "column:case_value"),
        ("area", Decimal(30), "亩", "column:quantity"),
        ("deaths", Decimal(0), "人", "column:deaths"),
        ("area", Decimal("12.5"), "亩", "text"),
    ]
    assert {f.qualifiers for f in facts} == {"耕地"}
    rows = fact_rows(values)
    assert [r["fact_no"] for r in rows] == [1, 2, 3, 4]
    assert {(r["agency_uscc"], r["decision_no"], r["_row_hash"]) for r in rows} == {("11X", "1号", "h")}


def test_column_quantity_units() -> None:
    facts = column_facts({"quantity": Decimal(600), "quantity_unit": "公斤"})
    assert [(f.fact, f.unit) for f in facts] == [("weight", "公斤")]
    assert column_facts({"quantity": Decimal(3), "quantity_unit": "件"})[0].fact == "quantity"


def test_deterministic() -> None:
    values = {"violation_facts": "销售金额共计人民币6.8万元，违法所得8800元", "case_value": Decimal(1)}
    assert fact_rows(values) == fact_rows(dict(values))


def test_the_loader_hands_fact_rows_every_column_it_reads():
    """load_facts passes only FACT_INPUTS: fact_rows must read nothing else."""
    from ingest.facts import FACT_INPUTS

    class Recording(dict):
        def get(self, key, default=None):
            read.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            read.add(key)
            return super().__getitem__(key)

    read: set[str] = set()
    row = {"violation_facts": "非法占用耕地12.5亩，违法所得3万元", "quantity": 2, "quantity_unit": "公顷"}
    assert fact_rows(Recording(row))
    assert read <= FACT_INPUTS
    assert {"violation_type", "violation_facts", "quantity", "quantity_unit", "_row_hash"} <= read


# ---------------------------------------------------------------- issue 16: the text forms real 违法事实 use
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 余 / 多 / 逾: more than the number; 近: just below it; 不足: an upper bound only; 约: as written
        ("销售金额6万余元", ("sales_amount", Decimal(60000), "at_least", "销售金额6万余元")),
        ("销售金额十余万元", ("sales_amount", Decimal(100000), "at_least", "销售金额十余万元")),
        ("违法所得3000多元", ("illegal_gain", Decimal(3000), "at_least", "违法所得3000多元")),
        ("销售金额逾5万元", ("sales_amount", Decimal(50000), "at_least", "销售金额逾5万元")),
        ("销售金额近5万元", ("sales_amount", Decimal(50000), "near_below", "销售金额近5万元")),
        ("销售金额人民币将近5万元", ("sales_amount", Decimal(50000), "near_below", "销售金额人民币将近5万元")),
        ("销售金额不足5万元", ("sales_amount", Decimal(50000), "below", "销售金额不足5万元")),
        ("销售金额约5万元", ("sales_amount", Decimal(50000), "about", "销售金额约5万元")),
        ("销售金额５万元", ("sales_amount", Decimal(50000), None, "销售金额５万元")),
        # 倍 only as an exceedance; "标准的3.5倍" exceeds by 2.5倍
        ("总镉浓度超过排放标准6倍", ("exceed_multiple", Decimal(6), None, "超过排放标准6倍")),
        ("总镉超标三倍", ("exceed_multiple", Decimal(3), None, "超标三倍")),
        ("总铬浓度为标准限值的3.5倍", ("exceed_multiple", Decimal("2.5"), None, "标准限值的3.5倍")),
        # deaths / injuries by the word beside the count, not by 名/人
        ("造成一名工人死亡", ("deaths", Decimal(1), None, "一名工人死亡")),
        ("1名工人经抢救无效死亡", ("deaths", Decimal(1), None, "1名工人经抢救无效死亡")),
        ("事故造成死亡1人", ("deaths", Decimal(1), None, "死亡1人")),
        ("造成两人重伤", ("serious_injuries", Decimal(2), None, "两人重伤")),
        ("造成一名工人轻伤", ("minor_injuries", Decimal(1), None, "一名工人轻伤")),
        # counts and weights
        ("虚开增值税专用发票12份", ("pieces", Decimal(12), None, "虚开增值税专用发票12份")),
        ("捕捞渔获物800斤", ("weight", Decimal(400), None, "渔获物800斤")),
        ("非法占用林地0.5公顷", ("area", Decimal("7.5"), None, "非法占用林地0.5公顷")),
        ("滥伐林木３０立方米", ("volume", Decimal(30), None, "滥伐林木３０立方米")),
    ],
)
def test_text_forms(text: str, expected: tuple[str, Decimal, str | None, str]) -> None:
    (f,) = text_facts(text)
    assert (f.fact, f.value, f.bound, f.evidence) == expected


def test_an_amount_in_another_clause_of_the_sentence() -> None:
    facts = text_facts("当事人虚开增值税专用发票12份，票面税额合计13.5万元。")
    assert [(f.fact, f.value, f.evidence) for f in facts] == [
        ("pieces", Decimal(12), "虚开增值税专用发票12份"), ("invoice_tax", Decimal(135000), "税额合计13.5万元")]
    # 价税合计 is not the tax; an amount of another sentence keeps no label from this one
    facts = text_facts("虚开增值税专用发票12份，价税合计113.5万元，税额9万元。另查，罚款1万元。")
    assert [(f.fact, f.value) for f in facts] == [
        ("pieces", 12), ("invoice_amount", 1135000), ("invoice_tax", 90000), ("fine", 10000)]
    # another amount between label and number takes the label: the second stays unlabelled
    assert [f.fact for f in text_facts("违法所得共计1万元，另2万元。")] == ["illegal_gain", "amount"]


def test_a_fine_multiple_is_no_exceedance() -> None:
    assert text_facts("依法处货值金额二倍罚款") == []


def test_wages_per_worker_and_workers() -> None:
    facts = extract_facts({"violation_facts": "拖欠12名劳动者工资共计3.5万元，经责令支付逾期仍未支付。"})
    assert [(f.fact, f.value) for f in facts] == [
        ("workers", 12), ("wages_owed", 35000), ("wages_owed_per_worker", Decimal("2916.6667"))]
    facts = extract_facts({"violation_facts": "拖欠张某等3人工资共计1.8万元"})
    assert [(f.fact, f.value) for f in facts] == [
        ("persons", 3), ("wages_owed", 18000), ("workers", 3), ("wages_owed_per_worker", 6000)]
    facts = extract_facts({"violation_facts": "拖欠劳动者李某工资6000元"})
    assert [(f.fact, f.value, f.evidence) for f in facts] == [
        ("wages_owed", 6000, "工资6000元"), ("wages_owed_per_worker", 6000, "工资6000元")]


def test_sales_three_times_plus_unsold_goods() -> None:
    facts = extract_facts({"violation_facts": "销售金额３万元，库存货值金额７万元"})
    assert [(f.fact, f.value) for f in facts][-1] == ("sales_x3_plus_goods_value", 160000)
    assert facts[-1].evidence == "销售金额３万元；库存货值金额７万元"


def test_fact_labels_seed_is_the_catalogue() -> None:
    """The Chinese names clues show (seed fact_labels) are exactly ingest/facts.py's FACTS."""
    import csv
    from pathlib import Path

    from ingest.facts import FACTS

    seed = Path(__file__).parents[1] / "dbt_project/seeds/rules/fact_labels.csv"
    with seed.open(encoding="utf-8") as fh:
        assert {r["fact"]: r["label_zh"] for r in csv.DictReader(fh)} == FACTS


def test_every_fact_a_rule_names_can_be_produced() -> None:
    """Each fact in threshold_rules.measured_facts / also_facts is one facts.py produces for some text."""
    import csv
    from pathlib import Path

    from ingest.facts import FACTS

    samples = [
        "销售金额6万元", "非法经营数额6万元", "货值金额16万元", "销售金额3万元，库存货值金额7万元", "违法所得1万元",
        "偷逃税款12万元", "虚开增值税专用发票，税款13万元", "直接经济损失120万元", "矿产品价值12万元",
        "猎获物价值1.2万元", "渔获物价值1.2万元", "林木价值3万元", "拖欠12名劳动者工资共计3.5万元",
        "吸收公众存款120万元", "涉案金额20万元", "占用耕地12亩", "滥伐林木25立方米", "盗伐幼树230株",
        "处置危险废物3.5吨", "造成1人死亡、3人重伤", "集资对象160人", "烧毁房屋12户", "超过排放标准6倍",
        "血液酒精含量为126mg/100mL",
    ]
    produced = {f.fact for text in samples for f in extract_facts({"violation_facts": text})}
    produced |= {f.fact for f in extract_facts({"case_value": 1, "illegal_gain": 1, "deaths": 1,
                                                "serious_injuries": 1, "direct_loss": 1})}
    rules = Path(__file__).parents[1] / "dbt_project/seeds/rules/threshold_rules.csv"
    with rules.open(encoding="utf-8") as fh:
        named = {f for r in csv.DictReader(fh) for col in ("measured_facts", "also_facts")
                 for f in (r[col] or "").split("|") if f}
    assert named - produced == set()
    assert produced <= set(FACTS)


# ---------------------------------------------------------------- issue 19: one pass over a batch's texts
_GATE_PARTS = [
    "当事人", "销售金额", "违法所得", "共计", "人民币", "约", "近", "将近", "不足", "逾", "超过", "余", "多",
    "万", "亿", "12", "3.5", "１２", "６．８", "1,200", "十二", "两", "伍万贰仟", "〇", "点", "二十五", "元",
    "亩", "公顷", "平方米", "立方米", "m³", "M³", "方", "株", "棵", "公斤", "千克", "kg", "KG", "Kg",
    "\u212ag", "斤", "吨", "人", "名", "户", "份", "张", "倍", "mg/100mL", "MG/100ML", "毫克/100毫升", "面",
    "式", "法", "案", "向", "便", "位", "针", "某", "，", "。", "、", " ", "\n", "耕地", "禁渔期", "电击",
    "禁止捕捞区", "幼树", "公益林", "醉酒", "标准", "的", "a", "7",
]


def test_the_batch_gates_never_skip_a_text_that_holds_a_fact() -> None:
    """`text_gates` (one Rust-regex pass per batch) says no quantity only for texts `text_facts` finds nothing
    in, and no qualifier exactly when `qualifiers_of` finds none — on random texts built from the patterns'
    parts (every unit, numeral form, bound word, look-ahead character and case) and the sample's offences."""
    import random

    from ingest.facts import text_gates
    from sample_data.offences import OFFENCES

    rng = random.Random(19)
    texts = ["".join(rng.choice(_GATE_PARTS) for _ in range(rng.randint(1, 10))) for _ in range(20_000)]
    texts += [o.facts for offences in OFFENCES.values() for o in offences]
    kinds = [rng.choice([None, "", "电击捕鱼", "非法占用耕地", "销售不合格产品"]) for _ in texts]
    quantities, qualified = text_gates(kinds, texts)
    with_facts = [bool(text_facts(t)) for t in texts]
    assert not any(f and not q for f, q in zip(with_facts, quantities, strict=True))
    assert qualified == [bool(qualifiers_of(f"{k or ''} {t}")) for k, t in zip(kinds, texts, strict=True)]
    # both answers are common: the test can fail either way
    assert sum(with_facts) > 3_000 and quantities.count(False) > 4_000 and qualified.count(False) > 4_000
    assert text_gates([None], [None]) == ([False], [False])
    # a row the gates clear has the facts it would have had without them
    row = {"violation_type": "销售不合格产品", "violation_facts": "当事人销售不合格产品", "case_value": Decimal(3)}
    assert fact_rows(row, quantities=False, qualified=False) == fact_rows(row)
