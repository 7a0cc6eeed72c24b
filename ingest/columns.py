"""Type a sheet column by column: each distinct cell of a column is cleaned and typed once, then mapped back.

The per-cell path (`ingest.rows.parse_sheet`) walks every cell of every row through Python; here each
column is a list, its distinct texts go through the very same parsers (`ingest.rows._typed`, so values,
flags, rule codes and messages are the same by construction), and the results are mapped back with
`dict.get` over the whole column (in C). Per-cell problems keep their sheet, row and column.

`LIANDONG_TYPING=cells` selects the per-cell path (kept for `tests/test_column_typing.py`, which checks
that both give byte-identical raw tables, quarantine rows and file counts).
"""

from __future__ import annotations

import os
from functools import partial
from itertools import compress
from operator import is_, is_not
from typing import Any

from data_contracts.model import Contract
from ingest.errors import Problem
from ingest.headers import HeaderMatch
from ingest.normalise import clean, needs_context
from ingest.readers.grid import Grid
from ingest.rows import (
    OUTSIDE_FLAG,
    SUMMARY_MARK,
    ParsedRow,
    ParsedSheet,
    RawCells,
    _folded_headers,
    _folds_to,
    _is_footer,
    _is_summary,
    _named_columns,
    _outside_problem,
    _plan,
    _typed,
    _typed_code_list,
    _Unreadable,
    fill_merged_down,
    parse_sheet,
)

TYPING_ENV = "LIANDONG_TYPING"


def column_typing() -> bool:
    """Whether sheets are typed by column (the default) or cell by cell (`LIANDONG_TYPING=cells`)."""
    return os.environ.get(TYPING_ENV, "").strip().lower() != "cells"


def type_sheet(contract: Contract, grid: Grid, match: HeaderMatch) -> ParsedSheet:
    """The sheet's data rows typed: by column, or by cell when `LIANDONG_TYPING=cells`."""
    if column_typing():
        return parse_sheet_columns(contract, grid, match)
    return parse_sheet(contract, grid, match)


def _cleaned(cells: list[Any]) -> list[str | None]:
    """`clean` of every cell of a column, once per distinct cell (columns repeat: dates, units, codes)."""
    try:
        memo = {c: clean(c) for c in set(cells)}
    except TypeError:  # an unhashable cell (never from the readers): clean each one
        return [clean(c) for c in cells]
    return list(map(memo.__getitem__, cells))


def _data_rows(body: list[list[str | None]], by_column: list[tuple[str | None, ...]],
               cleaned: list[list[str | None]], headers: list[tuple[int, str, bool]]) -> list[bool]:
    """Per body row, whether it is data: not blank, not a 合计 row, not a footer, not the header repeated.

    `is_non_data` and `_repeats` worked out column by column (each distinct cell once); the footer test
    reads the row's first filled cell, so it stays per row.
    """
    rows = len(body)
    blank = [True] * rows
    for column in cleaned:
        for i in compress(range(rows), map(_is_not_none, column)):
            blank[i] = False
    summary = [False] * rows
    for column in by_column:
        distinct = set(column)
        try:  # no 计 anywhere in the column (most columns): no cell of it is a summary word, found in C
            if SUMMARY_MARK not in "\x1f".join(filter(None, distinct)):
                continue
        except TypeError:  # a cell that is not text (never from the readers): each cell is checked
            pass
        words = {c for c in distinct if c is not None and _is_summary([c])}
        if words:
            for i in compress(range(rows), map(words.__contains__, column)):
                summary[i] = True
    need = len(headers) // 2 + 1  # `_repeats`: more than half of the columns hold their own header
    same = _header_counts(by_column, headers, need)
    return [not (blank[i] or summary[i] or same[i] >= need or _is_footer(body[i])) for i in range(rows)]


def _header_counts(by_column: list[tuple[str | None, ...]], headers: list[tuple[int, str, bool]],
                   need: int) -> list[int]:
    """Per body row, how many columns hold their own header, exact wherever the count can reach `need`.

    Folding long free text (NFKC) is the cost: the columns are checked shortest texts first, and once too few
    columns are left for a row to reach `need`, only the rows that still can are checked further (a delivery
    has almost none), so the long columns are hardly folded at all.
    """
    rows = len(by_column[0]) if by_column else 0
    same = [0] * rows
    present = []
    for index, folded, ascii_header in headers:
        if index < len(by_column):
            distinct = {c for c in set(by_column[index]) if c is not None}
            present.append((sum(map(len, map(str, distinct))), index, folded, ascii_header, distinct))
    present.sort(key=lambda p: p[:2])
    candidates: list[int] | None = None  # None: every row
    for left, (_, index, folded, ascii_header, distinct) in enumerate(present, start=1):
        column = by_column[index]
        if candidates is not None:
            distinct = {column[i] for i in candidates} - {None}
        hits = {c for c in distinct if _folds_to(str(c), folded, ascii_header)}
        if hits:
            for i in compress(range(rows), map(hits.__contains__, column)):
                same[i] += 1
        remaining = len(present) - left
        if remaining < need:  # a row below need - remaining can no longer reach need
            candidates = [i for i in (range(rows) if candidates is None else candidates)
                          if same[i] + remaining >= need]
            if not candidates:
                break
    return same


def parse_sheet_columns(contract: Contract, grid: Grid, match: HeaderMatch) -> ParsedSheet:
    """Same result as `ingest.rows.parse_sheet` (rows, values, raw, flags, problems, counts), typed by column."""
    raw_columns = [(c.field, c.index) for c in {c.field: c for c in match.columns}.values()]
    plan = _plan(contract, match)
    fills_quantity_unit = "quantity_unit" in contract.field_names
    headers = _folded_headers(match)
    if grid.merged:
        fill_merged_down(grid, match.row_index)
    named = _named_columns(grid, match)
    body = grid.rows[match.row_index + 1:]
    first = match.row_index + 1
    width = max(map(len, body), default=0)
    # the body transposed (C-level zip over rows padded to one width): one tuple of cells per column
    by_column = list(zip(*[r if len(r) == width else r + [None] * (width - len(r)) for r in body],
                         strict=True)) if body else []
    cleaned = [_cleaned(list(col)) for col in by_column]
    keep = _data_rows(body, by_column, cleaned, headers)
    numbers = [grid.row_number(first + offset) for offset in compress(range(len(body)), keep)]
    n = sum(keep)
    sheet_name = grid.sheet

    # raw texts per field (mutable: a unit written in 涉案数量 fills an empty 计量单位 below)
    raw: dict[str, list[str | None]] = {}
    for name, index in raw_columns:
        raw[name] = list(compress(cleaned[index], keep)) if index < width else [None] * n
    added_unit: list[bool] | None = None  # rows whose raw gains a quantity_unit key it had no column for

    values: dict[str, list[Any]] = {}
    flags: list[list[str] | None] = [None] * n
    problems: list[list[Problem] | None] = [None] * n
    nones = [None] * n
    for name, f, header, unit, long_term_key, missing_flag, memo in plan:
        texts = raw.get(name, nones)
        if long_term_key:
            values[long_term_key] = [False] * n
        if missing_flag:
            for i in compress(range(n), map(_is_none, texts)):
                flags[i] = (flags[i] or []) + [missing_flag]
        if memo is None:  # text: kept as is
            values[name] = list(texts)
            continue
        typed_of: dict[str, Any] = {}
        contextual: set[str] = set()
        for text in set(texts):
            if text is None:
                continue
            if f.type == "code_list":
                if needs_context(text, f.codes or ""):
                    contextual.add(text)
                    continue
                typed_of[text] = _typed_code_list(memo, f, text, {})
            else:
                typed_of[text] = _typed(memo, f, text, unit)
        # Most distinct texts type to a value without flags: their column is one map in C, and only the rows of
        # the other texts (flags, unreadable, read with their row's context) are visited one by one.
        value_of: dict[str, Any] = {}
        visit = set(contextual)
        for text, hit in typed_of.items():
            if hit.__class__ is _Unreadable or hit[1]:
                visit.add(text)
            else:
                value_of[text] = hit[0]
        column: list[Any] = list(map(value_of.get, texts))
        if not visit:
            values[name] = column
            continue
        penalty_content = raw.get("penalty_content", nones)
        for i in compress(range(n), map(visit.__contains__, texts)):
            if texts[i] in contextual:  # legacy 暂扣或者吊销 wording is read with 处罚内容 of its own row
                hit = _typed_code_list(memo, f, texts[i], {"penalty_content": penalty_content[i]})
            else:
                hit = typed_of[texts[i]]
            if hit is None:
                continue
            if hit.__class__ is _Unreadable:
                problem = Problem(hit.rule, hit.zh, hit.en, sheet_name, numbers[i], header, texts[i], name)
                problems[i] = (problems[i] or []) + [problem]
                continue
            value, hit_flags = hit
            column[i] = value
            for flag in hit_flags:
                if flag == "long_term":
                    if long_term_key:
                        values[long_term_key][i] = True
                elif flag.startswith("unit:"):
                    if fills_quantity_unit:
                        units = raw.get("quantity_unit")
                        if units is None:
                            units = raw["quantity_unit"] = [None] * n
                            added_unit = [False] * n
                        if not units[i]:
                            units[i] = flag[5:]
                            if added_unit is not None:
                                added_unit[i] = True
                else:
                    flags[i] = (flags[i] or []) + [flag]
        values[name] = column

    value_names = list(values)
    value_columns = [values[k] for k in value_names]
    raw_names = [name for name, _ in raw_columns]
    raw_lists = [raw[k] for k in raw_names]
    # cells under no named column, per data row (`cleaned` is `clean` of every cell; a short row's are None)
    extras: dict[int, list[int]] = {}
    for j in range(width):
        if j not in named:
            for i in compress(range(n), map(_is_not_none, compress(cleaned[j], keep))):
                extras.setdefault(i, []).append(j)
    rows: list[ParsedRow] = []
    outside: list[Problem] = []
    typed = (value_names, value_columns)  # each row's values, made from these when first asked for
    for i in range(n):
        row = ParsedRow(sheet_name, numbers[i], None, RawCells(raw_names, raw_lists, i), problems[i] or [],
                        flags[i] or [], columns=typed, index=i)
        if added_unit is not None and added_unit[i]:
            row.raw["quantity_unit"] = raw["quantity_unit"][i]
        extra = extras.get(i)
        if extra:
            row.flags.append(OUTSIDE_FLAG)
            outside.append(_outside_problem(row, extra))
        rows.append(row)
    return ParsedSheet(sheet_name, rows, rows_read=len(body), non_data=len(body) - n, outside=outside,
                       columns=values)


_is_not_none = partial(is_not, None)  # in C: the map over every cell stays in C
_is_none = partial(is_, None)
