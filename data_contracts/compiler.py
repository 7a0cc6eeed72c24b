"""Compile a feed contract into a flat list of rules, independent of any validation engine.

The contract YAML is data; this module decides what each keyword means as a check and words the
message a person reads when a row breaks it. `gx_runner` turns the rules into Great Expectations.
Every keyword that constrains values compiles to exactly one rule per field (one per pair for gte/lte),
so the test suite can enumerate rules and break each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from data_contracts.model import CodeList, Condition, Contract, Field, load_codes

ERROR = "error"
WARNING = "warning"

RULE_KINDS = (
    "required", "required_when", "max_length", "codes", "code_list_codes", "uscc_checksum",
    "ric_checksum", "region_format", "non_negative", "not_future", "gte", "lte", "prefix", "unique_key",
)

# Field types whose values must not be negative (the standard: negative amounts are errors).
NON_NEGATIVE_TYPES = ("amount", "decimal", "integer")
# The id type under which 证件号码 must be a GB 11643 公民身份号码.
RIC_ID_TYPE = "身份证"
REGION_REGEX = r"^[1-9]\d{5}$"
LIST_SEPARATOR = ";"
KEY_RULE_ID = "key.unique"


@dataclass(frozen=True)
class Rule:
    """One check on one column (or column pair, or the key) of a feed.

    `severity` "error" quarantines a failing row; "warning" is reported only.
    `params` holds what the engine needs (code values, bounds, regex, key columns, ...).
    """

    rule_id: str
    kind: str
    field: str
    severity: str
    message_zh: str
    message_en: str
    other_field: str | None = None
    condition: Condition | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every contract field the rule reads (for naming the columns in a report)."""
        if self.kind == "unique_key":
            return tuple(self.params["columns"])
        cols = [self.field]
        if self.other_field:
            cols.append(self.other_field)
        if self.condition is not None and self.condition.field not in cols:
            cols.append(self.condition.field)
        return tuple(cols)


def long_term_column(field_name: str) -> str:
    """The bool column the normaliser adds beside a `date_or_long_term` field."""
    return f"{field_name}_long_term"


def _header(contract: Contract, name: str) -> str:
    try:
        return contract.field(name).header
    except KeyError:
        return name


def _fmt_value(value: Any, zh: bool) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else str(value).lower()
    return str(value)


def condition_zh(contract: Contract, cond: Condition) -> str:
    """A Chinese clause such as `行政相对人类别不为「自然人」时`, naming the column by its header."""
    h = _header(contract, cond.field)
    quoted = [f"「{_fmt_value(v, True)}」" for v in cond.values]
    alternatives, listed = "或".join(quoted), "、".join(quoted)
    return {
        "in": f"{h}为{alternatives}时",
        "not_in": f"{h}不为{listed}时",
        "contains_any": f"{h}含{alternatives}时",
        "is": f"{h}为{alternatives}时",
        "not_null": f"{h}有值时",
    }[cond.op]


def condition_en(cond: Condition) -> str:
    vals = " or ".join(_fmt_value(v, False) for v in cond.values)
    return {
        "in": f"when {cond.field} is {vals}",
        "not_in": f"when {cond.field} is not {vals}",
        "contains_any": f"when {cond.field} contains {vals}",
        "is": f"when {cond.field} is {vals}",
        "not_null": f"when {cond.field} is given",
    }[cond.op]


class _FieldRules:
    """Builds the rules of one field; keeps the message wording in one place."""

    def __init__(self, contract: Contract, fld: Field, codes: dict[str, CodeList], today: date):
        self.contract, self.f, self.codes, self.today = contract, fld, codes, today
        self.h = fld.header
        self.rules: list[Rule] = []

    def add(self, suffix: str, kind: str, zh: str, en: str, *, severity: str = ERROR,
            other: str | None = None, condition: Condition | None = None, **params: Any) -> None:
        self.rules.append(Rule(
            rule_id=f"{self.f.name}.{suffix}", kind=kind, field=self.f.name, severity=severity,
            message_zh=f"{zh}（{self.h}）", message_en=f"{en} ({self.f.name})",
            other_field=other, condition=condition, params=params,
        ))

    def build(self) -> list[Rule]:
        f = self.f
        self._required()
        if f.max_length is not None:
            self.add("max_length", "max_length", f"超过 {f.max_length} 个字符",
                     f"Longer than {f.max_length} characters", max_length=f.max_length)
        self._type_rules()
        if f.not_future:
            zh, en = ("时间", "Time") if f.type == "datetime" else ("日期", "Date")
            self.add("not_future", "not_future", f"{zh}晚于今天", f"{en} is in the future",
                     today=self.today.isoformat(), field_type=f.type)
        for other in f.gte:
            oh = _header(self.contract, other)
            self.add(f"gte.{other}", "gte", f"不得早于{oh}", f"Must not be earlier than {other}", other=other)
        for other in f.lte:
            oh = _header(self.contract, other)
            self.add(f"lte.{other}", "lte", f"不得晚于{oh}", f"Must not be later than {other}", other=other)
        if f.starts_with:
            prefixes = [str(p) for p in f.starts_with["prefix"]]
            severity = f.starts_with.get("severity", ERROR)
            if severity not in (ERROR, WARNING):
                raise ValueError(f"field {f.name}: unknown severity {severity!r}")
            self.add("prefix", "prefix", f"应以 {' 或 '.join(prefixes)} 开头",
                     f"Should start with {' or '.join(prefixes)}", severity=severity, prefixes=prefixes)
        if f.unique:
            self.add("unique", "unique_key", "在同一批数据中重复", "Duplicate value within the batch",
                     columns=[f.name])
        return self.rules

    def _required(self) -> None:
        f = self.f
        if f.required:
            params: dict[str, Any] = {}
            zh, en = "必填项为空", "Required value is missing"
            if f.type == "date_or_long_term":
                params["long_term_column"] = long_term_column(f.name)
                zh, en = "必填项为空，应填日期或“长期”", "Required value is missing; give a date or 长期"
            self.add("required", "required", zh, en, **params)
        elif f.required_when is not None:
            c = f.required_when
            self.add("required_when", "required_when",
                     f"{condition_zh(self.contract, c)}必填，但为空",
                     f"Required {condition_en(c)}, but missing", condition=c)

    def _type_rules(self) -> None:
        f = self.f
        if f.type in ("code", "code_list"):
            if not f.codes:
                raise ValueError(f"field {f.name}: type {f.type} needs `codes`")
            cl = self.codes[f.codes]
            other = f"；表外的值写作“{cl.open_prefix}名称”" if cl.open_prefix else ""
            other_en = f"; write '{cl.open_prefix}<name>' for other values" if cl.open_prefix else ""
            if f.type == "code":
                self.add("codes", "codes", f"不是「{cl.title}」代码表中的值{other}",
                         f"Not a code of the list {cl.name}{other_en}",
                         code_list=cl.name, values=list(cl.values), open_prefix=cl.open_prefix)
            else:
                self.add("codes", "code_list_codes",
                         f"含「{cl.title}」代码表以外的值（多个值以“;”分隔）{other}",
                         f"Contains a value outside the code list {cl.name} "
                         f"(values separated by ';'){other_en}",
                         code_list=cl.name, values=list(cl.values), open_prefix=cl.open_prefix,
                         separator=LIST_SEPARATOR)
        elif f.type == "uscc":
            self.add("checksum", "uscc_checksum", "统一社会信用代码格式或校验位错误",
                     "USCC format or check character is wrong per GB 32100")
        elif f.type == "id_no" and f.id_type_field:
            cond = Condition(f.id_type_field, "in", (RIC_ID_TYPE,))
            self.add("checksum", "ric_checksum",
                     f"{condition_zh(self.contract, cond)}，公民身份号码格式或校验位错误",
                     f"公民身份号码 format or check digit is wrong per GB 11643 {condition_en(cond)}",
                     condition=cond)
        elif f.type == "region_code":
            self.add("format", "region_format", "行政区划代码应为 6 位数字",
                     "Region code must be 6 digits per GB/T 2260", regex=REGION_REGEX)
        elif f.type in NON_NEGATIVE_TYPES:
            self.add("non_negative", "non_negative", "不能为负数", "Must not be negative", min_value=0)


def compile_rules(contract: Contract, today: date) -> list[Rule]:
    """All rules of a contract, in field order, with the batch-key rule last. `today` bounds not_future."""
    codes = load_codes()
    names = set(contract.field_names)
    rules: list[Rule] = []
    for fld in contract.fields:
        for other in (*fld.gte, *fld.lte):
            if other not in names:
                raise ValueError(f"{contract.id}.{fld.name}: gte/lte refers to unknown field {other}")
        if fld.required_when is not None and fld.required_when.field not in names:
            raise ValueError(f"{contract.id}.{fld.name}: condition on unknown field "
                             f"{fld.required_when.field}")
        rules.extend(_FieldRules(contract, fld, codes, today).build())
    key = list(contract.key)
    headers = " + ".join(_header(contract, k) for k in key)
    rules.append(Rule(
        rule_id=KEY_RULE_ID, kind="unique_key", field=",".join(key), severity=ERROR,
        message_zh=f"主键在同一批数据中重复（{headers}）",
        message_en=f"Duplicate key within the batch ({' + '.join(key)})",
        params={"columns": key},
    ))
    seen: set[str] = set()
    for r in rules:
        if r.rule_id in seen:
            raise ValueError(f"{contract.id}: duplicate rule id {r.rule_id}")
        seen.add(r.rule_id)
    return rules
