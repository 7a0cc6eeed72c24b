"""Apply the contract's personal-data rules to a validated row: pseudonyms in place, masked free text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data_contracts.model import Condition, Contract
from privacy.mask import mask_identifiers, mask_text, name_order, replace_names
from privacy.names import KnownNames
from privacy.pseudonymise import pseudonym

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


@dataclass(frozen=True)
class _Plan:
    """What protection a contract asks for, worked out once instead of per row and field."""

    personal: tuple[tuple[str, str, Condition | None, bool], ...]  # (field, kind, when, is text)
    text: tuple[str, ...]  # free-text fields that are never personal
    name_tags: tuple[tuple[str, str], ...]  # personal name fields → the tag replacing them in free text


_PLANS: dict[int, tuple[Contract, _Plan]] = {}


def _plan(contract: Contract) -> _Plan:
    cached = _PLANS.get(id(contract))
    if cached is not None and cached[0] is contract:
        return cached[1]
    plan = _Plan(
        personal=tuple((f.name, f.personal_kind or "name", f.personal_when, f.type == "text")
                       for f in contract.fields if f.personal),
        text=tuple(f.name for f in contract.fields if not f.personal and f.type == "text"),
        name_tags=tuple((f.name, NAME_TAGS.get(f.name, "【姓名】"))
                        for f in contract.fields if f.personal and f.personal_kind == "name"),
    )
    _PLANS[id(contract)] = (contract, plan)  # contracts are cached objects: a handful per process
    return plan


def _personal(plan: _Plan, values: dict[str, Any]) -> set[str]:
    return {name for name, _, when, _ in plan.personal if holds(when, values)}


def _names(plan: _Plan, personal: set[str], values: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, tag in plan.name_tags:
        if name in personal and values.get(name):
            names[str(values[name])] = tag
    return names


def personal_fields(contract: Contract, values: dict[str, Any]) -> set[str]:
    """The fields of this row that hold personal data (e.g. party_name only for 自然人)."""
    return _personal(_plan(contract), values)


def person_names(contract: Contract, values: dict[str, Any]) -> dict[str, str]:
    """Raw names of the natural persons on the row → the tag that replaces them in free text."""
    plan = _plan(contract)
    return _names(plan, _personal(plan, values), values)


def _mask(text: str, names: list[tuple[str, str]], known: KnownNames | None) -> str:
    """The row's own names first (they get their role's tag), then identifiers and shapes, then known names."""
    out = mask_identifiers(replace_names(text, names))
    return known.mask(out) if known else out


def protect_row(contract: Contract, values: dict[str, Any], key: bytes,
                known: KnownNames | None = None) -> dict[str, Any]:
    """The row with personal fields pseudonymised and free text masked: the row's person names, identifiers,
    names after 我叫/联系人…, addresses, plates, accounts, and the persons `known` from any ledger."""
    plan = _plan(contract)
    out = dict(values)
    personal = _personal(plan, values)
    names = name_order(_names(plan, personal, values))
    for name, kind, _, is_text in plan.personal:
        v = values.get(name)
        if v is None:
            continue
        if name in personal:
            out[name] = pseudonym(key, kind, str(v))
        elif is_text:
            out[name] = _mask(str(v), names, known)
    for name in plan.text:
        v = values.get(name)
        if v is not None:
            out[name] = _mask(str(v), names, known)
    return out


def masked_value(contract: Contract, field: str | None, value: str | None, values: dict[str, Any],
                 known: KnownNames | None = None) -> str | None:
    """A cell value safe to store in the quarantine: personal fields hidden, free text masked (the persons
    `known` from any ledger too)."""
    if value is None:
        return None
    plan = _plan(contract)
    personal = _personal(plan, values)
    if field and field in personal:
        return HIDDEN
    out = mask_text(str(value), _names(plan, personal, values))
    return known.mask(out) if known else out
