from datetime import date, datetime
from decimal import Decimal

import pytest

from ingest.normalise import (
    ValueError_,
    parse_amount,
    parse_boolean,
    parse_code,
    parse_code_list,
    parse_date,
    parse_datetime,
    parse_identifier,
)


@pytest.mark.parametrize("text", ["2024-03-05", "2024/3/5", "2024.3.5", "20240305", "2024年3月5日", "45356",
                                  "2024-03-05 14:30", "2024-03-05 14:30:00", "２０２４－０３－０５",
                                  "2024-03-05 00:00:00"])
def test_every_accepted_date_spelling(text):
    assert parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", ["3月5日", "2024-02-30", "2024-13-01", "明天", "24-3-5"])
def test_dates_without_year_or_impossible_are_errors(text):
    with pytest.raises(ValueError_):
        parse_date(text)


def test_datetimes():
    assert parse_datetime("2024/3/5 14:30") == datetime(2024, 3, 5, 14, 30)
    assert parse_datetime("2024-03-05 14:30:07") == datetime(2024, 3, 5, 14, 30, 7)
    assert parse_datetime("2024-03-05") == datetime(2024, 3, 5)


@pytest.mark.parametrize(("text", "header_unit", "default", "expected"), [
    ("1,234.50", None, "元", "1234.50"),
    ("１２３４．５", "元", None, "1234.50"),
    ("1.2万", "元", None, "12000.00"),
    ("1.2万元", None, "元", "12000.00"),
    ("0.5", None, "万元", "5000.00"),  # the standard's header unit is 万元
    ("0.5", "元", "万元", "0.50"),  # a header that says 元 wins over the default
    ("3元", "万元", None, "3.00"),  # a unit written in the cell wins over the header
    ("¥2,000", None, "元", "2000.00"),
    ("-5", None, "元", "-5.00"),  # parsed; the contract rejects negative amounts
])
def test_amounts_convert_to_yuan(text, header_unit, default, expected):
    assert parse_amount(text, header_unit, default) == Decimal(expected)


def test_non_numeric_amount_is_an_error():
    with pytest.raises(ValueError_):
        parse_amount("五千", None, "元")


@pytest.mark.parametrize(("text", "value"), [("是", True), ("否", False), ("Y", True), ("n", False), ("1", True),
                                             ("0", False), ("TRUE", True), ("false", False)])
def test_booleans(text, value):
    assert parse_boolean(text) is value


def test_codes_fold_aliases_and_keep_unknown_values():
    assert parse_code("检察意见(督促移送)", "supervision_type") == "检察意见（督促移送）"
    assert parse_code(" 法人 ", "party_category") == "法人及非法人组织"
    assert parse_code("打板子", "penalty_category") == "打板子"
    assert parse_code("其他-责令改正", "penalty_category") == "其他-责令改正"


def test_code_lists_split_and_map_pre_2021_wording():
    assert parse_code_list("警告、罚款", "penalty_category") == ("警告;罚款", [])
    split = parse_code_list("罚款；没收违法所得、没收非法财物", "penalty_category")[0]
    assert split == "罚款;没收违法所得;没收非法财物"
    assert parse_code_list("暂扣或者吊销许可证", "penalty_category", "吊销食品经营许可证") == ("吊销许可证件", [])
    assert parse_code_list("暂扣或者吊销许可证", "penalty_category", "责令改正") == (
        "暂扣许可证件;吊销许可证件", ["penalty_category_unclear"])


def test_identifiers_are_folded():
    assert parse_identifier(" 91410108ma1234567x ") == "91410108MA1234567X"
    assert parse_identifier("410108.0") == "410108"


@pytest.mark.parametrize("text", ["1900-01-01", "9999-12-31", "2101/1/1 10:00"])
def test_implausible_years_are_errors(text):
    with pytest.raises(ValueError_):
        parse_date(text)
