"""Apply the contract's personal-data rules to a validated row: pseudonyms in place, masked free text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, repeat
from operator import is_not
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
    validates them); `mask_known_names` then finishes it with the names known when the rows are stored.
    (`protect_own_columns` over the rows' columns: one implementation for both shapes.)"""
    columns, n = columns_of(rows), len(rows)
    own = protect_own_columns(contract, columns, n, key)
    changed = [name for name in own if own[name] is not columns.get(name)]
    out = [dict(v) for v in rows]
    for name in changed:
        for row_out, value, had in zip(out, own[name], columns[name], strict=True):
            if had is not None:  # a field absent from a row stays absent
                row_out[name] = value
    return out


def mask_known_names(contract: Contract, rows: list[dict[str, Any]], own: list[dict[str, Any]],
                     known: KnownNames | None) -> list[dict[str, Any]]:
    """`own` (`protect_own` of `rows`) with the `known` persons masked in the free text it masked: the last
    step of `_mask`, so the two together equal `protect_rows`. Changes and returns `own`."""
    if not known:
        return own
    plan = _plan(contract)
    names = [name for name, _, _, is_text in plan.personal if is_text] + list(plan.text)
    own_columns = columns_of(own, names)
    masked = mask_known_names_columns(contract, columns_of(rows), own_columns, len(rows), known)
    for name in names:
        if masked[name] is not own_columns[name]:
            for row_out, value, had in zip(own, masked[name], own_columns[name], strict=True):
                if had is not None:
                    row_out[name] = value
    return own


def columns_of(rows: list[dict[str, Any]], names: Sequence[str] | None = None) -> dict[str, list[Any]]:
    """The rows' values column by column, for `names` or every field any row has, in order of appearance (a
    value a row lacks is None)."""
    if names is None:
        names = list(dict.fromkeys(chain.from_iterable(rows)))
    return {name: list(map(dict.get, rows, repeat(name))) for name in names}


def _holding(cond: Condition | None, columns: dict[str, list[Any]], n: int) -> list[bool] | None:
    """Per row, whether `cond` holds (None: on every row), once per distinct value of its column."""
    if cond is None:
        return None
    column = columns.get(cond.field) or [None] * n
    try:
        memo = {v: holds(cond, {cond.field: v}) for v in set(column)}
    except TypeError:  # an unhashable value (never from the readers)
        return [holds(cond, {cond.field: v}) for v in column]
    return list(map(memo.__getitem__, column))


def _personal_columns(plan: _Plan, columns: dict[str, list[Any]], n: int) -> dict[str, list[bool] | None]:
    """Per personal field, per row, whether it is personal there (None: on every row)."""
    return {name: _holding(when, columns, n) for name, _, when, _ in plan.personal}


def _orders(plan: _Plan, columns: dict[str, list[Any]], personal: dict[str, list[bool] | None],
            n: int) -> list[list[tuple[str, str]]]:
    """Per row, its own person names in replacement order (`name_order`), as `protect_row` finds them."""
    if not plan.name_tags:
        return [[]] * n
    tagged = [(tag, columns.get(name) or [None] * n, personal.get(name)) for name, tag in plan.name_tags]
    orders: list[list[tuple[str, str]]] = []
    for i in range(n):
        names: dict[str, str] = {}
        for tag, column, where in tagged:
            v = column[i]
            if v and (where is None or where[i]):
                names[str(v)] = tag
        orders.append(name_order(names) if names else [])
    return orders


def person_names_columns(contract: Contract, columns: dict[str, list[Any]], n: int) -> set[str]:
    """`person_names` of every row of the columns, together: the raw names of the natural persons."""
    plan = _plan(contract)
    personal = _personal_columns(plan, columns, n)
    found: set[str] = set()
    for name, _ in plan.name_tags:
        column, where = columns.get(name), personal[name]
        if column is not None:
            found.update(str(v) for v, is_personal in zip(column, where or repeat(True), strict=False)
                         if v and is_personal)
    return found


def protect_own_columns(contract: Contract, columns: dict[str, list[Any]], n: int,
                        key: bytes) -> dict[str, list[Any]]:
    """`protect_own` over the rows' columns: a dict of the same columns, those protected replaced by new lists
    (the others are the input's own lists). No dict per row is made: the worker hands its rows over as columns
    and they are stored as columns."""
    plan = _plan(contract)
    personal = _personal_columns(plan, columns, n)
    orders = _orders(plan, columns, personal, n)
    pseudonyms: dict[tuple[str, str], str] = {}
    # text → as masked with none of the row's own names in it; the texts without identifier or shape are known
    # at once (one pass over the distinct texts) and left as written
    plain = {t: t for t in unchanged_texts(_column_texts(plan, columns, personal))}
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

    out = dict(columns)
    for name, kind, _, is_text in plan.personal:
        column = columns.get(name)
        if column is None:
            continue
        where = personal[name]
        made = list(column)
        for i in compress(range(n), map(_is_not_none, column)):
            if where is None or where[i]:
                text = str(column[i])
                hit = pseudonyms.get((kind, text))
                if hit is None:
                    hit = pseudonyms[(kind, text)] = pseudonym(key, kind, text)
                made[i] = hit
            elif is_text:
                made[i] = mask(str(column[i]), orders[i])
        out[name] = made
    # the common case inline: none of the row's own names in the text (a name sharing a tag's characters is
    # rare: those rows always go through `mask`)
    odd = [any(not _TAG_CHARS.isdisjoint(own) for own, _ in order) for order in orders]
    for name in plan.text:
        column = columns.get(name)
        if column is None:
            continue
        made = list(column)
        for i in compress(range(n), map(_is_not_none, column)):
            v = column[i]
            text = v if v.__class__ is str else str(v)
            order = orders[i]
            if not odd[i]:
                for own_name, _ in order:
                    if own_name in text:
                        break
                else:
                    hit = plain.get(text)
                    if hit is not None:
                        made[i] = hit
                        continue
            made[i] = mask(text, order)
        out[name] = made
    return out


def mask_known_names_columns(contract: Contract, columns: dict[str, list[Any]], own: dict[str, list[Any]],
                             n: int, known: KnownNames | None) -> dict[str, list[Any]]:
    """`mask_known_names` over columns: `own` (`protect_own_columns` of `columns`) with the `known` persons
    masked in the free text it masked; the columns changed are new lists (`own` itself is left as it is)."""
    if not known:
        return own
    plan = _plan(contract)
    personal_texts = [name for name, _, when, is_text in plan.personal if is_text]
    personal = {name: _holding(when, columns, n) for name, _, when, is_text in plan.personal if is_text}
    # the free texts as masked so far, those left unchanged for sure set aside (no known initial before a Han
    # character)
    texts: set[str] = set()
    masked: dict[str, tuple[list[Any], list[int]]] = {}
    for name in personal_texts:  # masked where the row's condition does not make them personal (pseudonymised)
        column, where, made = columns.get(name), personal[name], own.get(name)
        if column is None or made is None or where is None:
            continue
        rows = [i for i in compress(range(n), map(_is_not_none, column)) if not where[i]]
        masked[name] = (made, rows)
        texts.update(str(made[i]) for i in rows)
    for name in plan.text:
        made = own.get(name)
        if made is None:
            continue
        rows = list(compress(range(n), map(_is_not_none, columns.get(name) or made)))
        masked[name] = (made, rows)
        distinct = set(made)
        distinct.discard(None)
        texts.update(v if v.__class__ is str else str(v) for v in distinct)
    spared = known.unchanged_texts(texts)
    out = dict(own)
    for name, (made, rows) in masked.items():
        todo = [i for i in rows if made[i] not in spared]
        if todo:
            column = out[name] = list(made)
            for i in todo:
                column[i] = known.mask(column[i])
    return out


def _column_texts(plan: _Plan, columns: dict[str, list[Any]], personal: dict[str, list[bool] | None]) -> set[str]:
    """The distinct free texts of the rows that are masked: personal text fields where the row does not make
    them personal, and the other free-text fields."""
    found: set[str] = set()
    for name, _, _, is_text in plan.personal:
        column, where = columns.get(name), personal[name]
        if is_text and column is not None and where is not None:
            found.update(str(v) for v, is_personal in zip(column, where, strict=True)
                         if v is not None and not is_personal)
    for name in plan.text:
        distinct = set(columns.get(name) or ())
        distinct.discard(None)
        found.update(v if v.__class__ is str else str(v) for v in distinct)
    return found


_is_not_none = partial(is_not, None)  # in C: the map over every cell stays in C
