"""Apply the contract's personal-data rules to a validated row: pseudonyms in place, masked free text."""

from __future__ import annotations

from typing import Any

from data_contracts.model import Condition, Contract
from ingest.mask import mask_text
from ingest.pseudonymise import pseudonym

NAME_TAGS = {"party_name": "【当事人】", "legal_rep_name": "【法定代表人】", "caller_name": "【来电人】"}
HIDDEN = "【个人信息已隐去】"


def holds(cond: Condition | None, values: dict[str, Any]) -> bool:
    """Whether a contract condition holds for a row (None: always)."""
    if cond is None:
        return True
    v = values.get(cond.field)
    if cond.op == "in":
        return v in cond.values
    if cond.op == "not_in":
        return v is not None and v not in cond.values
    if cond.op == "contains_any":
        return v is not None and bool(set(str(v).split(";")) & set(cond.values))
    if cond.op == "is":
        return v == cond.values[0]
    if cond.op == "not_null":
        return v is not None
    raise AssertionError(cond.op)


def personal_fields(contract: Contract, values: dict[str, Any]) -> set[str]:
    """The fields of this row that hold personal data (e.g. party_name only for 自然人)."""
    return {f.name for f in contract.fields if f.personal and holds(f.personal_when, values)}


def person_names(contract: Contract, values: dict[str, Any]) -> dict[str, str]:
    """Raw names of the natural persons on the row → the tag that replaces them in free text."""
    names: dict[str, str] = {}
    personal = personal_fields(contract, values)
    for f in contract.fields:
        if f.personal_kind == "name" and f.name in personal and values.get(f.name):
            names[str(values[f.name])] = NAME_TAGS.get(f.name, "【姓名】")
    return names


def protect_row(contract: Contract, values: dict[str, Any], key: bytes) -> dict[str, Any]:
    out = dict(values)
    personal = personal_fields(contract, values)
    names = person_names(contract, values)
    for f in contract.fields:
        v = values.get(f.name)
        if v is None:
            continue
        if f.name in personal:
            out[f.name] = pseudonym(key, f.personal_kind or "name", str(v))
        elif f.type == "text":
            out[f.name] = mask_text(str(v), names)
    return out


def masked_value(contract: Contract, field: str | None, value: str | None, values: dict[str, Any]) -> str | None:
    """A cell value safe to store in the quarantine: personal fields hidden, free text masked."""
    if value is None:
        return None
    if field and field in personal_fields(contract, values):
        return HIDDEN
    return mask_text(str(value), person_names(contract, values))
