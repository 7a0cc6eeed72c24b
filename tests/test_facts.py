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
