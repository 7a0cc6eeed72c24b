"""Test data for the contracts: frames built like the ingest normaliser builds them, clean rows per feed,
and one "breaker" per rule kind that turns a clean row into a row breaking exactly that rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd

from data_contracts.compiler import RIC_ID_TYPE, Rule, long_term_column
from data_contracts.identifiers import ric_check_digit, uscc_check_char
from data_contracts.model import Contract, load_codes

TODAY = date(2025, 6, 30)

OBJECT_TYPES = {"text", "code", "code_list", "list", "uscc", "id_no", "region_code"}
DATE_TYPES = {"date", "date_or_long_term", "datetime"}


def uscc(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    assert len(first17) == 17
    return first17 + uscc_check_char(first17)


def bad_check(code: str, alphabet: str = "0123456789ABCDEFGHJKLMNPQRTUWXY") -> str:
    """The same code with a different (wrong) last character."""
    last = code[-1]
    return code[:-1] + next(c for c in alphabet if c != last)


def ric18(first17: str) -> str:
    return first17 + ric_check_digit(first17)


def ric18_bad(first17: str) -> str:
    good = ric_check_digit(first17)
    return first17 + next(c for c in "0123456789X" if c != good)


def make_frame(contract: Contract, rows: list[dict[str, Any]],
               index: list[Any] | None = None) -> pd.DataFrame:
    """A frame shaped like the normaliser's output: every field present, typed, `_row_number`, `_sheet`."""
    data: dict[str, Any] = {}
    for f in contract.fields:
        values = [r.get(f.name) for r in rows]
        if f.type in OBJECT_TYPES:
            data[f.name] = pd.Series(values, dtype=object)
        elif f.type in DATE_TYPES:
            data[f.name] = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")
            if f.type == "date_or_long_term":
                lt = long_term_column(f.name)
                data[lt] = pd.Series([bool(r.get(lt, False)) for r in rows], dtype=bool)
        elif f.type in ("amount", "decimal"):
            data[f.name] = pd.Series(values, dtype="float64")
        elif f.type == "integer":
            data[f.name] = pd.Series(values, dtype="Int64")
        elif f.type == "boolean":
            data[f.name] = pd.Series(values, dtype="boolean")
        else:
            raise AssertionError(f.type)
    data["_row_number"] = pd.Series([r.get("_row_number", i + 2) for i, r in enumerate(rows)], dtype="int64")
    data["_sheet"] = pd.Series([r.get("_sheet", "Sheet1") for r in rows], dtype=object)
    df = pd.DataFrame(data)
    if index is not None:
        df.index = index
    return df


# --------------------------------------------------------------------------------------------------
# Clean rows

AGENCY_USCC = uscc("11441302MB2C0000X"[:17])
AGENCY2_USCC = uscc("12441302MB2C1111Y"[:17])
SOURCE_USCC = uscc("11441300MB2D00001"[:17])
COMPANY_USCC = uscc("91441302MA4W00001"[:17])
SELF_EMPLOYED_USCC = uscc("92441302MA4W00002"[:17])


def _penalty_rows() -> list[dict[str, Any]]:
    common = {
        "violation_type": "违法行为", "violation_facts": "事实", "legal_basis": "依据",
        "penalty_content": "内容", "agency_name": "惠城区市场监督管理局", "agency_uscc": AGENCY_USCC,
        "source_unit_name": "惠城区政务服务数据管理局", "source_unit_uscc": SOURCE_USCC,
        "region_code": "441302", "enforcement_domain": "市场监管",
    }
    company = {
        "party_name": "某某有限公司", "party_category": "法人及非法人组织", "party_uscc": COMPANY_USCC,
        "legal_rep_name": "张三", "legal_rep_id_type": "身份证",
        "legal_rep_id_no": ric18("44130219800101123"),
        "decision_no": "惠城市监罚〔2025〕1号", "penalty_categories": "警告;罚款", "fine_amount": 1.5,
        "decision_date": "2025-03-01", "valid_until_long_term": True, "publicity_until": "2025-09-01",
        "case_no": "A-1", "filing_date": "2025-02-01", "case_value": 1000.0, "illegal_gain": 10.0,
        "quantity": 3.0, "quantity_unit": "亩", "deaths": 0, "serious_injuries": 0, "direct_loss": 0.0,
        "suspected_crime": True, "transfer_date": "2025-02-10", "transfer_receiver": "惠城公安分局",
        "police_decision": "立案", "police_decision_date": "2025-02-20",
        "copied_to_procuratorate_date": "2025-02-11", "entry_date": "2025-03-05", "_row_number": 2,
    }
    person = {
        "party_name": "李四", "party_category": "自然人", "party_id_type": "身份证",
        "party_id_no": "441302800101123", "decision_no": "惠城市监罚〔2025〕2号",
        "penalty_categories": "没收违法所得;其他-责令改正", "confiscation_amount": 0.2,
        "decision_date": "2025-04-01", "valid_until": "2026-04-01", "entry_date": "2025-04-02",
        "_row_number": 3,
    }
    self_employed = {
        "party_name": "王五商行", "party_category": "个体工商户", "party_uscc": SELF_EMPLOYED_USCC,
        "legal_rep_name": "王五", "legal_rep_id_type": "护照", "legal_rep_id_no": "E12345678",
        "decision_no": "惠城市监罚〔2025〕3号", "penalty_categories": "吊销许可证件",
        "license_action": "食品经营许可证 JY123", "decision_date": "2025-05-01",
        "valid_until": "2025-05-01", "agency_uscc": AGENCY2_USCC, "_row_number": 4,
    }
    return [{**common, **company}, {**common, **person}, {**common, **self_employed}]


def _supervision_rows() -> list[dict[str, Any]]:
    common = {"procuratorate": "惠城区人民检察院", "region_code": "441302",
              "target_unit_name": "惠城区市场监督管理局"}
    return [
        {**common, "document_no": "惠城检行建〔2025〕1号", "supervision_type": "社会治理检察建议",
         "target_unit_uscc": AGENCY_USCC, "enforcement_domain": "市场监管",
         "related_decision_no": "惠城市监罚〔2025〕1号", "issued_date": "2025-03-01",
         "served_date": "2025-03-03", "urgent": False, "reply_due_date": "2025-05-03",
         "reply_date": "2025-04-20", "reply_outcome": "采纳", "rectification_status": "已整改",
         "rectified_date": "2025-04-30", "follow_up": "无"},
        {**common, "document_no": "惠城检行公建〔2025〕2号", "supervision_type": "公益诉讼诉前检察建议",
         "issued_date": "2025-06-01", "urgent": True},
        {**common, "document_no": "惠城检刑通〔2025〕3号", "supervision_type": "检察意见（督促移送）",
         "target_unit_name": "惠城公安分局", "issued_date": "2025-06-10", "served_date": "2025-06-10"},
    ]


def _hotline_rows() -> list[dict[str, Any]]:
    common = {"channel": "12345", "region_code": "441302"}
    return [
        {**common, "ticket_no": "GD2025000001", "received_at": "2025-06-01 09:30:00", "request_type": "投诉",
         "content": "反映噪声", "caller_name": "赵六", "caller_phone": "13800000000",
         "handling_unit_name": "惠城区生态环境分局", "dispatched_at": "2025-06-01 10:00:00",
         "due_at": "2025-06-08 10:00:00", "closed_at": "2025-06-05 16:00:00", "result": "已处理",
         "satisfaction": "满意", "pushed": True, "pushed_at": "2025-06-02 09:00:00",
         "counterpart_ticket_no": "XS2025000009", "clue_category": "生态环境和资源保护",
         "procedural_reply_at": "2025-06-03 09:00:00", "feedback_at": "2025-06-20 09:00:00",
         "feedback_result": "已立案"},
        {**common, "ticket_no": "GD2025000002", "received_at": "2025-06-02 11:00:00",
         "request_type": "咨询", "pushed": False},
        {**common, "ticket_no": "XS2025000009", "channel": "12309", "received_at": "2025-06-02 09:05:00",
         "request_type": "举报", "handling_unit_name": "惠城区人民检察院"},
    ]


def _member_rows() -> list[dict[str, Any]]:
    return [
        {"unit_name": "惠城区市场监督管理局", "unit_uscc": AGENCY_USCC, "region_code": "441302",
         "unit_kind": "政府部门", "enforcement_domain": "市场监管", "aliases": "区市场监管局;惠城市监局",
         "scored": True, "valid_from": "2020-01-01", "valid_to": "2030-12-31"},
        {"unit_name": "惠城区人民检察院", "unit_uscc": AGENCY2_USCC, "region_code": "441302",
         "unit_kind": "检察院", "scored": False},
    ]


def _task_rows() -> list[dict[str, Any]]:
    common = {"region_code": "441302", "task_year": 2025, "task_category": "重点工作任务",
              "task_source": "年度工作要点"}
    return [
        {**common, "task_no": "1", "task_content": "召开府检联动联席会议", "responsible_units": "区司法局",
         "cooperating_units": "区检察院", "due_date": "2025-03-31", "report_cadence": "季度",
         "progress_report_date": "2025-03-26", "progress": "已召开", "completion_status": "已完成",
         "completed_date": "2025-03-28"},
        {**common, "task_no": "2", "task_content": "建设信息共享平台", "responsible_units": "区司法局;区检察院",
         "due_date": "2025-06-30", "completion_status": "推进中"},
        {**common, "task_no": "议-1", "task_category": "议定事项", "task_source": "联席会议纪要",
         "task_content": "联合排查以罚代刑案件", "responsible_units": "区公安分局", "due_date": "2025-10-01",
         "meeting_date": "2025-04-18"},
    ]


CLEAN_ROWS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "penalty_ledger": _penalty_rows,
    "supervision_ledger": _supervision_rows,
    "hotline_exchange": _hotline_rows,
    "member_units": _member_rows,
    "task_list": _task_rows,
}


def clean_rows(feed: str) -> list[dict[str, Any]]:
    return [dict(r) for r in CLEAN_ROWS[feed]()]


# --------------------------------------------------------------------------------------------------
# Breakers


def _as_ts(value: Any) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def _sample_value(contract: Contract, name: str) -> Any:
    f = contract.field(name)
    if f.type in ("amount", "decimal"):
        return 1.0
    if f.type == "integer":
        return 1
    if f.type == "boolean":
        return True
    if f.type in DATE_TYPES:
        return "2025-01-01"
    if f.type in ("code", "code_list") and f.codes:
        return load_codes()[f.codes].values[0]
    return "值"


def _satisfy(contract: Contract, row: dict[str, Any], rule: Rule) -> None:
    c = rule.condition
    if c is None:
        return
    if c.op in ("in", "is", "contains_any"):
        row[c.field] = c.values[0]
    elif c.op == "not_in":
        f = contract.field(c.field)
        row[c.field] = next(v for v in load_codes()[f.codes].values if v not in c.values)
    elif c.op == "not_null" and row.get(c.field) is None:
        row[c.field] = _sample_value(contract, c.field)


def condition_holds(rule: Rule, row: dict[str, Any]) -> bool:
    c = rule.condition
    if c is None:
        return True
    v = row.get(c.field)
    if v is None:
        return False
    if c.op in ("in", "is"):
        return v in c.values
    if c.op == "not_in":
        return v not in c.values
    if c.op == "contains_any":
        return bool(set(str(v).split(";")) & set(c.values))
    return True


def _set_date(contract: Contract, row: dict[str, Any], name: str, value: pd.Timestamp | None) -> None:
    row[name] = value
    if contract.field(name).type == "date_or_long_term":
        row[long_term_column(name)] = value is None


def _later_dependents(contract: Contract, name: str) -> list[str]:
    """Fields that must be ≥ `name` (so raising `name` could break them)."""
    own = contract.field(name)
    return [f.name for f in contract.fields if name in f.gte] + list(own.lte)


def _break_not_future(contract: Contract, row: dict[str, Any], rule: Rule) -> None:
    """Move the field to tomorrow, and every field that must be ≥ it out of the way (null, 长期, or along)."""
    f = contract.field(rule.field)
    tomorrow = pd.Timestamp(TODAY + timedelta(days=1))
    if f.type == "datetime":
        tomorrow += timedelta(hours=9)

    def move(name: str, seen: set[str]) -> None:
        row[name] = tomorrow
        for dep in _later_dependents(contract, name):
            d = contract.field(dep)
            if dep in seen or (row.get(dep) is None and not d.required):
                continue
            if d.type == "date_or_long_term":
                _set_date(contract, row, dep, None)
            elif d.not_future and d.required:
                continue  # cannot follow into the future: the pair rule fails as well (see INHERENT)
            elif d.required or d.required_when is not None:
                move(dep, seen | {dep})
            else:
                row[dep] = None

    move(f.name, {f.name})


# Rules that cannot be broken alone: a future 立案日期 forces 处罚决定日期 (required, not in the future)
# to be earlier than it.
INHERENT_COMPANIONS: dict[str, set[str]] = {
    "filing_date.not_future": {"filing_date.lte.decision_date"},
}


def _break_pair(contract: Contract, row: dict[str, Any], rule: Rule) -> None:
    """gte (field ≥ other): lower field below other. lte (field ≤ other): lower other below field."""
    field, other = rule.field, rule.other_field
    base = pd.Timestamp("2025-01-15 10:00:00")
    for name in (field, other):
        if _as_ts(row.get(name)) is None:
            _set_date(contract, row, name, base)
    if rule.kind == "gte":
        _set_date(contract, row, field, _as_ts(row[other]) - timedelta(days=1))
    else:
        _set_date(contract, row, other, _as_ts(row[field]) - timedelta(days=1))


def break_row(contract: Contract, rule: Rule, row: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """A copy of `row` that breaks `rule` (and, as far as the rules allow, no other rule)."""
    row = dict(row)
    f = contract.field(rule.field) if rule.kind != "unique_key" or "," not in rule.field else None
    k = rule.kind
    if k == "required":
        row[rule.field] = None
        if f is not None and f.type == "date_or_long_term":
            row[long_term_column(rule.field)] = False
    elif k == "required_when":
        _satisfy(contract, row, rule)
        row[rule.field] = None
    elif k == "max_length":
        row[rule.field] = "长" * (rule.params["max_length"] + 1)
    elif k == "codes":
        row[rule.field] = "不存在的代码"
    elif k == "code_list_codes":
        row[rule.field] = f"{rule.params['values'][0]};打板子"
    elif k == "uscc_checksum":
        row[rule.field] = bad_check(row.get(rule.field) or COMPANY_USCC)
    elif k == "ric_checksum":
        _satisfy(contract, row, rule)
        row[rule.field] = ric18_bad("44130219900307123")
    elif k == "region_format":
        row[rule.field] = "4413"
    elif k == "non_negative":
        row[rule.field] = -1
    elif k == "not_future":
        _break_not_future(contract, row, rule)
    elif k in ("gte", "lte"):
        _break_pair(contract, row, rule)
    elif k == "prefix":
        row[rule.field] = uscc("91" + "441302MA4W0009" + "9")
    elif k == "unique_key":
        for col in rule.params["columns"]:
            row[col] = source[col]
    else:
        raise AssertionError(f"no breaker for rule kind {k}")
    return row


def source_row(rule: Rule, rows: list[dict[str, Any]]) -> int:
    """The clean row a breaker starts from: the rule's condition holds and its columns are filled."""
    def filled(r: dict[str, Any]) -> bool:
        return all(r.get(c) is not None or r.get(long_term_column(c)) for c in rule.columns)

    for i, r in enumerate(rows):
        if condition_holds(rule, r) and filled(r):
            return i
    for i, r in enumerate(rows):
        if condition_holds(rule, r):
            return i
    return 0


def make_unique(contract: Contract, row: dict[str, Any], n: int) -> dict[str, Any]:
    """Give a derived row its own key, so only the key rule's breaker produces a duplicate."""
    row = dict(row)
    for col in contract.key:
        f = contract.field(col)
        if f.type == "text":
            row[col] = f"{row[col]}-{n}"
            return row
    col = contract.key[0]
    row[col] = uscc(f"9144130{n:06d}MA4W")
    return row


def broken_frame(contract: Contract, rules: list[Rule]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Clean rows (labels clean0…) plus one row per rule (label = rule id) breaking that rule.

    Returns the frame and, per rule id, the label of the clean row the breaker started from.
    """
    clean = clean_rows(contract.id)
    rows = list(clean)
    labels = [f"clean{i}" for i in range(len(clean))]
    sources: dict[str, str] = {}
    for n, rule in enumerate(rules, start=1):
        i = source_row(rule, clean)
        base = make_unique(contract, clean[i], n) if rule.kind != "unique_key" else dict(clean[i])
        broken = break_row(contract, rule, base, clean[i])
        broken["_row_number"] = 100 + n
        rows.append(broken)
        labels.append(rule.rule_id)
        sources[rule.rule_id] = f"clean{i}"
    return make_frame(contract, rows, index=labels), sources


__all__ = [
    "RIC_ID_TYPE", "TODAY", "bad_check", "break_row", "broken_frame", "clean_rows", "make_frame", "ric18",
    "ric18_bad", "uscc",
]
