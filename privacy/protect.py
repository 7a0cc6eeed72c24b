"""Apply the contract's personal-data rules to a validated row: pseudonyms in place, masked free text."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any

from data_contracts.model import Condition, Contract
from privacy.mask import mask_identifiers, mask_text, name_order, replace_names, unchanged_texts
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


# A name sharing no character with a tag can only be found in the text as written (not across a tag put in by
# an earlier replacement), so a name absent from the text changes nothing and is left out of the memo key.
_TAG_CHARS = frozenset("".join(NAME_TAGS.values()) + "【姓名】")


def _names_in(text: str, order: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The row's names (in replacement order) that can change `text`."""
    return tuple(o for o in order if o[0] in text or not _TAG_CHARS.isdisjoint(o[0]))


def protect_rows(contract: Contract, rows: list[dict[str, Any]], key: bytes,
                 known: KnownNames | None = None) -> list[dict[str, Any]]:
    """`protect_row` of every row, with the work done per distinct value instead of per cell.

    Pseudonyms are computed once per distinct (kind, value) of the batch, and each distinct free text is
    masked once per set of the row's own names it contains (most texts contain none: one mask per distinct
    text). The result equals `protect_row` row by row (tests/test_column_typing.py compares both).
    """
    return mask_known_names(contract, rows, protect_own(contract, rows, key), known)


def protect_own(contract: Contract, rows: list[dict[str, Any]], key: bytes) -> list[dict[str, Any]]:
    """`protect_rows` without the known persons: pseudonyms, and free text masked for the row's own names and
    the identifiers and shapes. It depends on the rows alone, so it can be done ahead (while Great Expectations
    validates them); `mask_known_names` then finishes it with the names known when the rows are stored."""
    plan = _plan(contract)
    out = [dict(v) for v in rows]
    personals = [_personal(plan, values) for values in rows]
    orders = [name_order(_names(plan, p, v)) if plan.name_tags else [] for p, v in zip(personals, rows, strict=True)]
    pseudonyms: dict[tuple[str, str], str] = {}
    # text → as masked with none of the row's own names in it; the texts without identifier or shape are known
    # at once (one pass over the distinct texts) and left as written
    plain = {t: t for t in unchanged_texts(_texts(plan, rows, personals))}
    owned: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}

    def mask(text: str, order: list[tuple[str, str]]) -> str:
        own = _names_in(text, order) if order else ()
        if own:
            hit = owned.get((text, own))
            if hit is None:
                hit = owned[(text, own)] = _mask(text, list(own), None)
            return hit
        hit = plain.get(text)
        if hit is None:
            hit = plain[text] = _mask(text, [], None)
        return hit

    for name, kind, _, is_text in plan.personal:
        for values, row_out, personal, order in zip(rows, out, personals, orders, strict=True):
            v = values.get(name)
            if v is None:
                continue
            if name in personal:
                text = str(v)
                hit = pseudonyms.get((kind, text))
                if hit is None:
                    hit = pseudonyms[(kind, text)] = pseudonym(key, kind, text)
                row_out[name] = hit
            elif is_text:
                row_out[name] = mask(str(v), order)
    # the common case inline: none of the row's own names in the text (a name sharing a tag's characters is
    # rare: those rows always go through `mask`)
    tagged = [any(not _TAG_CHARS.isdisjoint(n) for n, _ in order) for order in orders]
    for name in plan.text:
        for values, row_out, order, odd in zip(rows, out, orders, tagged, strict=True):
            v = values.get(name)
            if v is None:
                continue
            text = v if v.__class__ is str else str(v)
            if not odd:
                for own_name, _ in order:
                    if own_name in text:
                        break
                else:
                    hit = plain.get(text)
                    if hit is not None:
                        row_out[name] = hit
                        continue
            row_out[name] = mask(text, order)
    return out


def mask_known_names(contract: Contract, rows: list[dict[str, Any]], own: list[dict[str, Any]],
                     known: KnownNames | None) -> list[dict[str, Any]]:
    """`own` (`protect_own` of `rows`) with the `known` persons masked in the free text it masked: the last
    step of `_mask`, so the two together equal `protect_rows`. Changes and returns `own`."""
    if not known:
        return own
    plan = _plan(contract)
    personal_texts = [name for name, _, _, is_text in plan.personal if is_text]
    personals = [_personal(plan, values) for values in rows] if personal_texts else []
    spared = known.unchanged_texts(_texts(plan, rows, personals, own))  # no known initial before a Han character
    for name in personal_texts:  # masked where the row's condition does not make them personal (pseudonymised)
        for values, row_out, personal in zip(rows, own, personals, strict=True):
            if values.get(name) is not None and name not in personal and row_out[name] not in spared:
                row_out[name] = known.mask(row_out[name])
    for name in plan.text:
        for values, row_out in zip(rows, own, strict=True):
            if values.get(name) is not None and row_out[name] not in spared:
                row_out[name] = known.mask(row_out[name])
    return own


def _texts(plan: _Plan, rows: list[dict[str, Any]], personals: list[set[str]],
           out: list[dict[str, Any]] | None = None) -> set[str]:
    """The distinct free texts of the rows that are masked (of `out` when given: the texts as masked so far)."""
    found: set[str] = set()
    source = rows if out is None else out
    for name, _, _, is_text in plan.personal:
        if is_text:
            found.update(str(o[name]) for v, o, p in zip(rows, source, personals, strict=True)
                         if v.get(name) is not None and name not in p)
    for name in plan.text:  # a value absent from a row is absent from its output too
        distinct = set(map(dict.get, source, repeat(name)))
        distinct.discard(None)
        found.update(v if v.__class__ is str else str(v) for v in distinct)
    return found
