"""Small, explicit test inputs: a valid row per feed and writers for csv/xlsx files."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from data_contracts.identifiers import ric_check_digit, uscc_check_char


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def ric(first17: str) -> str:
    return first17 + ric_check_digit(first17)


AGENCY_USCC = uscc("11410108MB1234567")
COMPANY_USCC = uscc("91410108MA1234567")
PERSON_ID = ric("41010819800101123")  # a fake, checksum-valid 身份证
PERSON_ID_15 = "410108800101123"  # the same person's legacy 15-digit number

PENALTY_HEADERS = [
    "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "法定代表人", "证件类型", "证件号码",
    "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
    "处罚决定日期", "处罚有效期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位",
    "数据来源单位统一社会信用代码", "行政区划代码", "执法领域", "录入日期",
]


def penalty_row(**overrides: str) -> dict[str, str]:
    row = {
        "行政相对人名称": "郑州某某食品有限公司", "行政相对人类别": "法人及非法人组织",
        "行政相对人代码_1（统一社会信用代码）": COMPANY_USCC, "法定代表人": "王五", "证件类型": "", "证件号码": "",
        "行政处罚决定书文号": "惠市监罚〔2024〕1号", "违法行为类型": "销售不合格食品",
        "违法事实": "当事人销售不合格食品，销售金额共计人民币3000元。", "处罚依据": "《食品安全法》第一百二十四条",
        "处罚类别": "警告;罚款", "处罚内容": "警告，罚款0.5万元", "罚款金额（万元）": "0.5",
        "处罚决定日期": "2024-03-05", "处罚有效期": "2025-03-05", "处罚机关": "郑州市惠济区市场监督管理局",
        "处罚机关统一社会信用代码": AGENCY_USCC, "数据来源单位": "郑州市惠济区市场监督管理局",
        "数据来源单位统一社会信用代码": AGENCY_USCC, "行政区划代码": "410108", "执法领域": "市场监管",
        "录入日期": "2024-03-08",
    }
    row.update(overrides)
    return row


def person_row(**overrides: str) -> dict[str, str]:
    base = {"行政相对人名称": "张三", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
            "法定代表人": "", "证件类型": "身份证", "证件号码": PERSON_ID,
            "违法事实": f"当事人张三（身份证号{PERSON_ID}，电话13912345678）非法采矿。"}
    base.update(overrides)
    return penalty_row(**base)


def write_csv(path: Path, headers: list[str], rows: list[dict[str, str]], encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(headers)
        for r in rows:
            w.writerow([r.get(h, "") for h in headers])
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[dict[str, object]], title: str | None = None,
               footer: list[object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    if footer:
        ws.append([None] * len(headers))
        ws.append(footer)
    wb.save(path)
    return path


def execute_sql(warehouse: Path, sql: str, params: list | None = None) -> None:
    """Run `sql` on the warehouse file in a connection of its own (to plant or change rows as someone might)."""
    import duckdb

    con = duckdb.connect(str(warehouse))
    try:
        con.execute(sql, params or [])
    finally:
        con.close()
