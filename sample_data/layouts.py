"""How each feed's fields are written: headers (standard, "also seen" synonyms, bracket and line-break
variants), value kinds, and the per-file style (date formats, booleans, 序号 column, 合计 row).

Records hold typed values in canonical field names (amounts in 元); this module turns them into cells the
way a given agency's spreadsheet would show them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# ---------------------------------------------------------------- F1 行政处罚台账
F1_HEADERS: dict[str, str] = {
    "party_name": "行政相对人名称",
    "party_category": "行政相对人类别",
    "party_uscc": "行政相对人代码_1（统一社会信用代码）",
    "party_code_2": "行政相对人代码_2（工商注册号）",
    "party_code_3": "行政相对人代码_3（组织机构代码）",
    "party_code_4": "行政相对人代码_4（税务登记号）",
    "party_code_5": "行政相对人代码_5（事业单位证书号）",
    "party_code_6": "行政相对人代码_6（社会组织登记证号）",
    "legal_rep_name": "法定代表人",
    "legal_rep_id_type": "法定代表人证件类型",
    "legal_rep_id_no": "法定代表人证件号码",
    "party_id_type": "证件类型",
    "party_id_no": "证件号码",
    "decision_no": "行政处罚决定书文号",
    "violation_type": "违法行为类型",
    "violation_facts": "违法事实",
    "legal_basis": "处罚依据",
    "penalty_categories": "处罚类别",
    "penalty_content": "处罚内容",
    "fine_amount": "罚款金额（万元）",
    "confiscation_amount": "没收违法所得、没收非法财物的金额（万元）",
    "license_action": "暂扣或吊销证照名称及编号",
    "decision_date": "处罚决定日期",
    "valid_until": "处罚有效期",
    "publicity_until": "公示截止期",
    "agency_name": "处罚机关",
    "agency_uscc": "处罚机关统一社会信用代码",
    "source_unit_name": "数据来源单位",
    "source_unit_uscc": "数据来源单位统一社会信用代码",
    "remarks": "备注",
    "region_code": "行政区划代码",
    "enforcement_domain": "执法领域",
    "case_no": "案件编号",
    "filing_date": "立案日期",
    "case_value": "涉案金额（元）",
    "illegal_gain": "违法所得（元）",
    "quantity": "涉案数量",
    "quantity_unit": "计量单位",
    "deaths": "死亡人数",
    "serious_injuries": "重伤人数",
    "direct_loss": "直接经济损失（元）",
    "suspected_crime": "是否涉嫌犯罪",
    "transfer_date": "移送公安机关日期",
    "transfer_receiver": "移送接收机关",
    "police_decision": "公安机关立案决定",
    "police_decision_date": "公安机关决定日期",
    "copied_to_procuratorate_date": "抄送检察院日期",
    "entry_date": "录入日期",
}
F1_FIELDS: tuple[str, ...] = tuple(F1_HEADERS)
F1_NATIONAL: tuple[str, ...] = F1_FIELDS[:30]
F1_KINDS: dict[str, str] = {
    **{
        f: "date"
        for f in (
            "decision_date",
            "valid_until",
            "publicity_until",
            "filing_date",
            "transfer_date",
            "police_decision_date",
            "copied_to_procuratorate_date",
            "entry_date",
        )
    },
    **{
        f: "amount"
        for f in ("fine_amount", "confiscation_amount", "case_value", "illegal_gain", "direct_loss")
    },
    "quantity": "decimal",
    "deaths": "int",
    "serious_injuries": "int",
    "suspected_crime": "bool",
}
F1_DATE_FIELDS: tuple[str, ...] = tuple(f for f in F1_FIELDS if F1_KINDS.get(f) == "date")
# Optional extension columns an agency with no accident cases often leaves out of its template.
F1_DROPPABLE: tuple[str, ...] = ("deaths", "serious_injuries", "direct_loss")

# ---------------------------------------------------------------- F2 检察监督台账
F2_HEADERS: dict[str, str] = {
    "document_no": "文书编号",
    "procuratorate": "检察院",
    "region_code": "行政区划代码",
    "supervision_type": "监督类型",
    "target_unit_name": "被监督单位",
    "target_unit_uscc": "被监督单位统一社会信用代码",
    "enforcement_domain": "执法领域",
    "related_decision_no": "关联处罚决定书文号",
    "related_case_no": "关联案件编号",
    "issued_date": "制发日期",
    "served_date": "送达日期",
    "urgent": "是否紧急",
    "reply_due_date": "回复期限",
    "reply_date": "回复日期",
    "reply_outcome": "回复结果",
    "rectification_status": "整改情况",
    "rectified_date": "整改完成日期",
    "follow_up": "跟进措施",
    "remarks": "备注",
}
F2_FIELDS: tuple[str, ...] = tuple(F2_HEADERS)
F2_KINDS: dict[str, str] = {
    **{f: "date" for f in ("issued_date", "served_date", "reply_due_date", "reply_date", "rectified_date")},
    "urgent": "bool",
}
F2_DATE_FIELDS: tuple[str, ...] = (
    "issued_date",
    "served_date",
    "reply_due_date",
    "reply_date",
    "rectified_date",
)

# ---------------------------------------------------------------- F3 热线工单
F3_HEADERS: dict[str, str] = {
    "ticket_no": "工单编号",
    "channel": "来源渠道",
    "region_code": "行政区划代码",
    "received_at": "受理时间",
    "request_type": "诉求类型",
    "content": "诉求内容",
    "caller_name": "来电人",
    "caller_phone": "联系电话",
    "handling_unit_name": "承办单位",
    "dispatched_at": "派单时间",
    "due_at": "办理时限",
    "closed_at": "办结时间",
    "result": "办理结果",
    "satisfaction": "满意度",
    "pushed": "是否推送",
    "pushed_at": "推送时间",
    "counterpart_ticket_no": "对方工单编号",
    "clue_category": "线索类别",
    "procedural_reply_at": "程序性回复时间",
    "feedback_at": "反馈时间",
    "feedback_result": "反馈结果",
}
F3_FIELDS: tuple[str, ...] = tuple(F3_HEADERS)
F3_KINDS: dict[str, str] = {
    **{
        f: "datetime"
        for f in (
            "received_at",
            "dispatched_at",
            "due_at",
            "closed_at",
            "pushed_at",
            "procedural_reply_at",
            "feedback_at",
        )
    },
    "pushed": "bool",
}

# ---------------------------------------------------------------- R1 成员单位名录
R1_HEADERS: dict[str, str] = {
    "unit_name": "单位名称",
    "unit_uscc": "统一社会信用代码",
    "region_code": "行政区划代码",
    "unit_kind": "单位类型",
    "enforcement_domain": "执法领域",
    "aliases": "别名",
    "scored": "纳入考核",
    "valid_from": "生效日期",
    "valid_to": "失效日期",
}
R1_FIELDS: tuple[str, ...] = tuple(R1_HEADERS)
R1_KINDS: dict[str, str] = {"valid_from": "date", "valid_to": "date", "scored": "bool"}

DATE_FORMATS = ("iso", "slash", "cn", "compact", "dot")
XLSX_DATE_NUMBER_FORMATS = {"iso": "yyyy-mm-dd", "slash": "yyyy/m/d", "cn": 'yyyy"年"m"月"d"日"'}


def f1_headers(style: str, rng: random.Random) -> dict[str, str]:
    """Header text per field for one penalty file.

    national: the standard's own headers; synonyms: the "also seen" spellings (罚款金额 in 元 or 处罚金额 in
    万元); brackets: half-width brackets, line breaks and stray spaces inside headers.
    """
    headers = dict(F1_HEADERS)
    if style == "synonyms":
        headers.update(
            {
                "party_name": rng.choice(("当事人名称", "被处罚单位", "被处罚人")),
                "party_uscc": rng.choice(("统一社会信用代码", "社会信用代码")),
                "legal_rep_name": rng.choice(("负责人", "法定代表人")),
                "decision_no": rng.choice(("处罚决定书文号", "决定文书号")),
                "fine_amount": rng.choice(("罚款金额（元）", "处罚金额（万元）")),
            }
        )
    elif style == "brackets":
        headers = {f: h.replace("（", "(").replace("）", ")") for f, h in headers.items()}
        headers.update(
            {
                "fine_amount": "罚款金额\n（万元）",
                "confiscation_amount": "没收违法所得、没收非法财物\n的金额(万元)",
                "party_uscc": "行政相对人代码_1\n(统一社会信用代码)",
                "case_value": rng.choice(("涉案金额\n(元)", "涉案金额（万元）")),
                "decision_date": "处罚决定 日期",
                "entry_date": " 录入日期",
            }
        )
    return headers


def amount_unit(header: str) -> str:
    """万元 when the header says so, else 元 (the header's unit wins)."""
    return "万元" if "万元" in header else "元"


@dataclass
class FileStyle:
    """Per-file habits of the clerk who filled the spreadsheet."""

    target: str  # xlsx | csv
    date_formats: dict[str, str] = field(default_factory=dict)  # field → iso/slash/cn/compact/dot/excel
    mixed_dates: bool = False  # some rows typed in another format
    datetime_format: str = "iso"  # iso: 2024-03-05 14:30:00, slash: 2024/3/5 14:30, excel
    bools: tuple[str, str] = ("是", "否")
    thousands: bool = False  # csv amounts like 12,345.00
    seq_column: bool = False  # leading 序号 column
    total_row: bool = False  # trailing 合计 row (after a blank row when blank_before_total)
    blank_before_total: bool = False


def random_style(rng: random.Random, target: str, date_fields: tuple[str, ...]) -> FileStyle:
    """A plausible mix of habits; xlsx files use real Excel dates for most date columns."""
    formats: dict[str, str] = {}
    for f in date_fields:
        if target == "xlsx" and rng.random() < 0.6:
            formats[f] = "excel"
        else:
            formats[f] = rng.choice(DATE_FORMATS)
    # Several formats per file, always: the first and last date fields (filled in every row) differ.
    if date_fields and formats[date_fields[-1]] == formats[date_fields[0]]:
        formats[date_fields[-1]] = "cn" if formats[date_fields[0]] != "cn" else "slash"
    dt_format = rng.choice(("iso", "slash", "excel") if target == "xlsx" else ("iso", "slash"))
    return FileStyle(
        target=target,
        date_formats=formats,
        mixed_dates=rng.random() < 0.4,
        datetime_format=dt_format,
        bools=rng.choices((("是", "否"), ("Y", "N"), ("1", "0")), weights=(8, 1, 1))[0],
        thousands=target == "csv" and rng.random() < 0.3,
        seq_column=target == "xlsx" and rng.random() < 0.5,
        total_row=target == "xlsx" and rng.random() < 0.45,
        blank_before_total=rng.random() < 0.7,
    )


def format_date(value: date, fmt: str, target: str) -> Any:
    """A date as the clerk would have typed it (or a real Excel date)."""
    if fmt == "excel" and target == "xlsx":
        return value
    y, m, d = value.year, value.month, value.day
    return {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "slash": f"{y}/{m}/{d}",
        "cn": f"{y}年{m}月{d}日",
        "compact": f"{y:04d}{m:02d}{d:02d}",
        "dot": f"{y}.{m}.{d}",
        "excel": f"{y:04d}-{m:02d}-{d:02d}",
    }[fmt]


def format_datetime(value: datetime, fmt: str, target: str) -> Any:
    if fmt == "excel" and target == "xlsx":
        return value
    if fmt == "slash":
        return f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _plain_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def format_amount(value: Decimal, unit: str, style: FileStyle) -> Any:
    """Yuan → the column's unit; xlsx numbers stay numeric, csv gets text (sometimes 12,345.00)."""
    shown = value / Decimal(10000) if unit == "万元" else value
    if style.target == "xlsx":
        return int(shown) if shown == shown.to_integral_value() else float(shown)
    if style.thousands and unit == "元":
        return f"{shown:,.2f}"
    return _plain_decimal(shown)


def format_value(
    value: Any, kind: str | None, fld: str, style: FileStyle, rng: random.Random, unit: str = "元"
) -> Any:
    """One cell. Raw strings (planted bad values, 长期) pass through unchanged."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if kind == "date" and isinstance(value, date):
        fmt = style.date_formats.get(fld, "iso")
        if style.mixed_dates and rng.random() < 0.15:
            fmt = rng.choice(DATE_FORMATS)
        return format_date(value, fmt, style.target)
    if kind == "datetime" and isinstance(value, datetime):
        return format_datetime(value, style.datetime_format, style.target)
    if kind == "bool":
        return style.bools[0] if value else style.bools[1]
    if kind == "amount":
        return format_amount(Decimal(value), unit, style)
    if kind == "decimal":
        d = Decimal(str(value))
        if style.target == "xlsx":
            return int(d) if d == d.to_integral_value() else float(d)
        return _plain_decimal(d)
    if kind == "int":
        return int(value) if style.target == "xlsx" else str(int(value))
    return value
