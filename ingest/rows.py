"""Grid rows under a matched header → typed records, with per-cell problems and non-data rows counted."""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from data_contracts.identifiers import is_legacy_ric
from data_contracts.model import Contract, Field, load_contract
from ingest.errors import Problem
from ingest.headers import HeaderMatch, fold
from ingest.normalise import (
    NULL_TOKENS_NON_TEXT,
    ValueError_,
    clean,
    needs_context,
    parse_amount,
    parse_boolean,
    parse_code,
    parse_code_list,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_identifier,
    parse_integer,
    parse_list,
)
from ingest.readers.grid import Grid
from privacy.protect import columns_of

SUMMARY_WORDS = {"合计", "总计", "小计", "合计:", "总计:", "共计"}
# in every summary word, and no other character NFKC-folds to one containing it (tests/test_typing_cache.py):
# a cell without it cannot be a summary word, so most cells are never folded
SUMMARY_MARK = "计"
# typed cells kept per memo (one memo per type, codes and units: ~15 in use), emptied when full: dates, codes
# and amounts repeat heavily, identifiers hardly; bounds the memos to some tens of MB
VALUE_CACHE_SIZE = 1 << 15
LONG_TERM_WORDS = {"长期", "永久", "长期有效", "永久有效"}


class RawCells(MutableMapping[str, "str | None"]):
    """A row's cells as written (field → text), read from its sheet's columns when first asked for: only rows
    that fail a rule or repeat another need them, and a dict per row cost the reading process a third of
    building its rows. Pickled as a plain dict of the row's own cells."""

    __slots__ = ("_cells", "_columns", "_index", "_names")

    def __init__(self, names: Sequence[str], columns: Sequence[list[str | None]], index: int) -> None:
        self._names, self._columns, self._index = names, columns, index
        self._cells: dict[str, str | None] | None = None

    def _dict(self) -> dict[str, str | None]:
        cells = self._cells
        if cells is None:
            i = self._index
            cells = self._cells = {name: column[i] for name, column in zip(self._names, self._columns, strict=True)}
            self._names, self._columns = (), ()  # the sheet's columns are not held for one row
        return cells

    def __getitem__(self, key: str) -> str | None:
        return self._dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._dict().get(key, default)

    def __setitem__(self, key: str, value: str | None) -> None:
        self._dict()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return repr(self._dict())

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self._dict(),)


class ParsedRow:
    """A typed data row: where it was read, its values and cells as written, its problems and flags.

    A row typed by column (`ingest.columns`) makes its `values` dict from its sheet's typed columns when first
    asked for (`columns=(names, columns), index=i`): the worker hands good rows over as columns taken from the
    sheet's (`ingest.pipeline.protect_chunk`), so most rows never need one (a 50-field dict per row was a third
    of typing a sheet).
    """

    __slots__ = ("_columns", "_index", "_values", "flags", "problems", "raw", "row_number", "sheet", "staged")

    def __init__(self, sheet: str | None, row_number: int, values: dict[str, Any] | None,
                 raw: MutableMapping[str, str | None], problems: list[Problem] | None = None,
                 flags: list[str] | None = None, staged: dict[str, Any] | None = None, *,
                 columns: tuple[Sequence[str], Sequence[list[Any]]] | None = None, index: int = 0) -> None:
        self.sheet = sheet
        self.row_number = row_number
        self._values = values  # field → typed value (raw identifiers still present); None: from `_columns`
        self._columns, self._index = columns, index
        self.raw = raw  # field → cell text as written (messages; masked before storing)
        self.problems = [] if problems is None else problems
        self.flags = [] if flags is None else flags
        self.staged = staged  # the values protected ahead (`privacy.protect.protect_own`), or None

    @property
    def values(self) -> dict[str, Any]:
        values = self._values
        if values is None:
            names, columns = self._columns or ((), ())
            i = self._index
            values = self._values = {name: column[i] for name, column in zip(names, columns, strict=True)}
            self._columns = None  # the sheet's columns are not held for one row
        return values

    @values.setter
    def values(self, values: dict[str, Any]) -> None:
        self._values, self._columns = values, None

    def _fields(self) -> tuple[Any, ...]:
        return (self.sheet, self.row_number, self.values, dict(self.raw), self.problems, self.flags, self.staged)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParsedRow) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return (f"ParsedRow(sheet={self.sheet!r}, row_number={self.row_number!r}, values={self.values!r}, "
                f"raw={self.raw!r}, problems={self.problems!r}, flags={self.flags!r}, staged={self.staged!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        return ParsedRow, (self.sheet, self.row_number, self.values, self.raw, self.problems, self.flags,
                           self.staged)


@dataclass
class RowColumns:
    """Typed rows as columns: how a worker process hands the parent the rows it leaves to it. Unpickling a
    column of values costs a fraction of unpickling a `ParsedRow` per row (86,000 penalty rows: 0.25 s, not 1.8 s).
    A value a row lacks is None (every reader of `values` uses `.get`)."""

    names: tuple[str, ...]
    columns: list[list[Any]]
    sheets: list[str | None]
    row_numbers: list[int]
    flags: list[list[str]]

    @classmethod
    def of(cls, rows: list[ParsedRow]) -> RowColumns:
        columns = columns_of([row.values for row in rows])
        return cls(tuple(columns), list(columns.values()), [row.sheet for row in rows],
                   [row.row_number for row in rows], [row.flags for row in rows])

    def __len__(self) -> int:
        return len(self.row_numbers)

    def values(self) -> list[dict[str, Any]]:
        """Each row's values, as `ParsedRow.values`."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in zip(*self.columns, strict=True)] if names \
            else [{} for _ in self.row_numbers]

    def rows(self) -> list[ParsedRow]:
        """The rows again (what the per-row path reads), without the cells as written."""
        return [ParsedRow(sheet, number, values, {}, [], list(flags)) for sheet, number, values, flags
                in zip(self.sheets, self.row_numbers, self.values(), self.flags, strict=True)]


@dataclass
class ParsedSheet:
    sheet: str | None
    rows: list[ParsedRow]
    rows_read: int
    non_data: int
    outside: list[Problem] = field(default_factory=list)  # warnings: cells under no named column
    # the rows' values column by column, as typed (column typing only): the validation frame is built from them
    columns: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)


OUTSIDE_FLAG = "cells_outside_columns"


def fill_merged_down(grid: Grid, below: int) -> None:
    """Write the value of each range merged down over rows below row index `below` into every row it covers.

    A 处罚机关 or 单位类型 merged over a group of rows is, as Excel shows it, the value of each of them.
    Only the range's first column is filled (the others of a range merged across are empty in Excel too).
    """
    for r1, c1, r2, _c2 in grid.merged:
        if r2 <= r1 or r1 <= below or r1 >= len(grid.rows):
            continue
        value = grid.rows[r1][c1] if c1 < len(grid.rows[r1]) else None
        if value is None:
            continue
        for r in range(r1 + 1, min(r2, len(grid.rows) - 1) + 1):
            cells = grid.rows[r]
            if c1 >= len(cells):
                cells.extend([None] * (c1 + 1 - len(cells)))
            if cells[c1] is None or not str(cells[c1]).strip():
                cells[c1] = value


def _named_columns(grid: Grid, match: HeaderMatch) -> set[int]:
    """Column indexes under a header: matched, unknown or ignored ones, and group labels of the row above."""
    named = {c.index for c in match.columns}
    for r in (match.row_index - 1, match.row_index):
        if r >= 0:
            named |= {i for i, c in enumerate(grid.rows[r]) if c is not None and str(c).strip()}
    return named


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _outside_problem(row: ParsedRow, indexes: list[int]) -> Problem:
    cols = "、".join(_column_letter(i) for i in indexes)
    return Problem(
        "row.cells_outside_columns",
        f"第 {cols} 列没有表头，但该行在这些列有内容；这些内容不会载入（多了一个未加引号的逗号，或表头缺失？）",
        f"this row has content in column(s) {cols.replace('、', ', ')}, which have no header; that content is not "
        "loaded (an unquoted comma, or a missing header?)",
        row.sheet, row.row_number, f"{cols}（无表头 / no header）",
    )


def _is_summary(cells: list[str | None]) -> bool:
    for c in cells:
        if c is None:
            continue
        text = str(c)
        if SUMMARY_MARK in text and fold(text).rstrip(":：") in SUMMARY_WORDS:
            return True
    return False


# Signature, footer and note lines under a table (制表人：张三 审核人：李四 填报日期：… 注：…): a label, a colon.
FOOTER_LABEL = re.compile(
    r"^\s*(制表人|制表|填表人|填表|填报人|填报|经办人|审核人|审核|审批人|复核人|负责人|单位负责人|主管领导|分管领导|"
    r"联系人|联系电话|电话|填报日期|制表日期|填表日期|报送日期|统计日期|填报单位|报送单位|单位(（盖章）|\(盖章\))?|"
    r"盖章|签字|签名|注|说明|填表说明)\s*(（[^）]{0,8}）|\([^)]{0,8}\))?\s*[:：]")


def _is_footer(cells: list[str | None]) -> bool:
    """Every filled cell starts with a signature/footer label (制表人：…, 审核人：…, 填报日期：…)."""
    first = next((c for c in cells if c is not None and str(c).strip()), None)
    if first is None or (":" not in str(first) and "：" not in str(first)):  # most rows stop here
        return False
    return all(FOOTER_LABEL.match(str(c)) for c in cells if c is not None and str(c).strip())


def is_non_data(cells: list[str | None]) -> bool:
    """Blank rows, 合计/总计 summary rows and signature lines are not data (nor is a repeated header)."""
    return all(clean(c) is None for c in cells) or _is_summary(cells) or _is_footer(cells)


def repeats_header(cells: list[str | None], match: HeaderMatch) -> bool:
    """The header written again below (print titles, several exports pasted together): not data."""
    return _repeats(cells, _folded_headers(match))


# fields whose cells are mostly ASCII (digits, dates, codes): an ASCII cell cannot fold to a Chinese header
_MOSTLY_ASCII = {"date", "date_or_long_term", "datetime", "amount", "decimal", "integer", "uscc", "region_code",
                 "id_no", "boolean"}


def _folded_headers(match: HeaderMatch) -> list[tuple[int, str, bool]]:
    """(column index, folded header, header is ASCII) per matched column, folded once per sheet.

    Mostly-ASCII columns come first: the answer depends only on how many columns hold their header, not on
    the order, and those cells are rejected without folding, so a data row is decided after few folds.
    """
    types = {f.name: f.type for f in load_contract(match.feed).fields}
    columns = sorted(match.columns, key=lambda c: types.get(c.field) not in _MOSTLY_ASCII)
    return [(c.index, h, h.isascii()) for c in columns for h in (fold(c.header),)]


def _repeats(cells: list[str | None], headers: list[tuple[int, str, bool]]) -> bool:
    """More than half of the columns hold their own header; stops as soon as the answer is known."""
    need = len(headers) // 2 + 1  # same * 2 > len(headers)
    same = misses = 0
    width = len(cells)
    for index, folded, ascii_header in headers:
        cell = cells[index] if index < width else None
        if cell is not None and _folds_to(str(cell), folded, ascii_header):
            same += 1
            if same >= need:
                return True
        else:
            misses += 1
            if misses > len(headers) - need:
                return False
    return False


def _folds_to(text: str, folded: str, ascii_header: bool) -> bool:
    """fold(text) == folded, without folding an ASCII cell against a non-ASCII header (fold keeps ASCII ASCII)."""
    if not ascii_header and text.isascii():
        return False
    return fold(text) == folded


def parse_value(f: Field, text: str, unit: str | None, row_raw: dict[str, str | None]) -> tuple[Any, list[str]]:
    """Typed value of one cell and the flags it raises.

    A cell's type depends on the cell alone (per type, codes, default and header unit), so each distinct text
    is typed once and then looked up; the exception, a code list with legacy wording read by 处罚内容 of its
    row, is typed every time.
    """
    if f.type == "text":
        return text, []
    if f.type == "code_list":
        value, flags = _raise_unreadable(_typed_code_list(_memo(f, unit), f, text, row_raw))
    else:
        value, flags = _raise_unreadable(_typed(_memo(f, unit), f, text, unit))
    return value, list(flags)


@dataclass(frozen=True)
class _Unreadable:
    """A remembered ValueError_, raised afresh on every hit (no exception object shared between cells)."""

    rule: str
    zh: str
    en: str


_Typed = tuple[Any, tuple[str, ...]] | _Unreadable
_MEMOS: dict[tuple[str, str | None, str | None, str | None], dict[str, _Typed]] = {}


def _memo(f: Field, unit: str | None) -> dict[str, _Typed]:
    """The text → typed-cell memo for one (type, codes, default unit, header unit): what typing depends on."""
    return _MEMOS.setdefault((f.type, f.codes, f.unit, unit), {})


def _typed(memo: dict[str, _Typed], f: Field, text: str, unit: str | None) -> _Typed:
    """The cell typed once per distinct text; the memo is emptied when full, so memory stays bounded."""
    hit = memo.get(text)
    if hit is None:
        if len(memo) >= VALUE_CACHE_SIZE:
            memo.clear()
        try:
            value, flags = _parse_context_free(f.type, f.codes, f.unit, text, unit)
            hit = memo[text] = (value, tuple(flags))
        except ValueError_ as err:
            hit = memo[text] = _Unreadable(err.rule, err.zh, err.en)
    return hit


def _raise_unreadable(typed: _Typed) -> tuple[Any, tuple[str, ...]]:
    if isinstance(typed, _Unreadable):
        raise ValueError_(typed.rule, typed.zh, typed.en)
    return typed


def _parse_code_list(f: Field, text: str, row_raw: dict[str, str | None]) -> tuple[Any, list[str]]:
    if text in NULL_TOKENS_NON_TEXT:
        return None, []
    return parse_code_list(text, f.codes or "", context=row_raw.get("penalty_content"))


def _parse_context_free(t: str, codes: str | None, default_unit: str | None, text: str,
                        unit: str | None) -> tuple[Any, list[str]]:
    if t != "list" and text in NULL_TOKENS_NON_TEXT:
        return None, []
    if t == "code":
        return parse_code(text, codes or ""), []
    if t == "list":
        return parse_list(text), []
    if t in ("uscc", "region_code"):
        return parse_identifier(text), []
    if t == "id_no":
        value = parse_identifier(text)
        return value, (["legacy_id_15"] if is_legacy_ric(value) else [])
    if t == "date":
        return parse_date(text), []
    if t == "date_or_long_term":
        return (None, ["long_term"]) if fold(text) in LONG_TERM_WORDS else (parse_date(text), [])
    if t == "datetime":
        return parse_datetime(text), []
    if t == "amount":
        return parse_amount(text, unit, default_unit), []
    if t == "decimal":
        number, suffix = parse_decimal(text)
        return number, ([f"unit:{suffix}"] if suffix else [])
    if t == "integer":
        return parse_integer(text), []
    if t == "boolean":
        return parse_boolean(text), []
    raise AssertionError(t)


class _Column(NamedTuple):
    """What typing one field of a sheet needs, worked out once per sheet instead of once per cell."""

    name: str
    field: Field
    header: str  # as written in the file, for messages (the contract's header when there is no column)
    unit: str | None
    long_term_key: str | None  # `<name>_long_term` for date_or_long_term fields
    missing_flag: str | None
    memo: dict[str, _Typed] | None  # None for text (kept as is)


def _plan(contract: Contract, match: HeaderMatch) -> list[_Column]:
    by_field = {c.field: c for c in match.columns}
    plan = []
    for f in contract.fields:
        col = by_field.get(f.name)  # None when filled from another cell (计量单位 from 涉案数量)
        unit = col.unit if col else None
        plan.append(_Column(f.name, f, col.header if col else f.header, unit,
                            f"{f.name}_long_term" if f.type == "date_or_long_term" else None,
                            f.flag_when_missing, None if f.type == "text" else _memo(f, unit)))
    return plan


def parse_sheet(contract: Contract, grid: Grid, match: HeaderMatch) -> ParsedSheet:
    raw_columns = [(c.field, c.index) for c in {c.field: c for c in match.columns}.values()]
    plan = _plan(contract, match)
    fills_quantity_unit = "quantity_unit" in contract.field_names
    headers = _folded_headers(match)
    rows: list[ParsedRow] = []
    non_data = 0
    if grid.merged:
        fill_merged_down(grid, match.row_index)
    named = _named_columns(grid, match)
    unnamed: dict[int, tuple[int, ...]] = {}  # row width → the indexes under no header (most often none)
    outside: list[Problem] = []
    body = grid.rows[match.row_index + 1:]
    for offset, cells in enumerate(body):
        if is_non_data(cells) or _repeats(cells, headers):
            non_data += 1
            continue
        width = len(cells)
        raw = {name: clean(cells[index]) if index < width else None for name, index in raw_columns}
        row = ParsedRow(grid.sheet, grid.row_number(match.row_index + 1 + offset), {}, raw)
        _type_row(row, plan, fills_quantity_unit)
        spare = unnamed.get(width)
        if spare is None:
            spare = unnamed[width] = tuple(i for i in range(width) if i not in named)
        if spare and (extra := [i for i in spare if clean(cells[i]) is not None]):
            row.flags.append(OUTSIDE_FLAG)
            outside.append(_outside_problem(row, extra))
        rows.append(row)
    return ParsedSheet(grid.sheet, rows, rows_read=len(body), non_data=non_data, outside=outside)


def _type_row(row: ParsedRow, plan: list[_Column], fills_quantity_unit: bool) -> None:
    """Type every field of a row into row.values, row.flags and row.problems, in the contract's field order.

    The innermost loop of the ingest (one pass per cell): kept flat, the per-sheet work is in the plan.
    """
    values, raw = row.values, row.raw
    for name, f, header, unit, long_term_key, missing_flag, memo in plan:
        text = raw.get(name)
        if long_term_key:
            values[long_term_key] = False
        if text is None:
            values[name] = None
            if missing_flag:
                row.flags.append(missing_flag)
            continue
        if memo is None:  # text
            values[name] = text
            continue
        typed = memo.get(text)
        if typed is None:
            typed = _typed_code_list(memo, f, text, raw) if f.type == "code_list" else _typed(memo, f, text, unit)
        if typed.__class__ is _Unreadable:
            values[name] = None
            row.problems.append(Problem(typed.rule, typed.zh, typed.en, row.sheet, row.row_number, header, text, name))
            continue
        value, flags = typed
        if flags:
            _apply_flags(row, long_term_key, flags, fills_quantity_unit)
        values[name] = value


def _typed_code_list(memo: dict[str, _Typed], f: Field, text: str, row_raw: dict[str, str | None]) -> _Typed:
    """A code list typed once per distinct text, unless it reads 处罚内容 of its row (legacy wording)."""
    hit = memo.get(text)
    if hit is not None:
        return hit
    try:
        value, flags = _parse_code_list(f, text, row_raw)
        typed: _Typed = (value, tuple(flags))
    except ValueError_ as err:
        typed = _Unreadable(err.rule, err.zh, err.en)
    if not needs_context(text, f.codes or ""):
        if len(memo) >= VALUE_CACHE_SIZE:
            memo.clear()
        memo[text] = typed
    return typed


def _apply_flags(row: ParsedRow, long_term_key: str | None, flags: Sequence[str], fills_quantity_unit: bool) -> None:
    if "long_term" in flags and long_term_key:
        row.values[long_term_key] = True
    for flag in flags:
        if flag == "long_term":
            continue
        if flag.startswith("unit:"):  # "12.5亩" in 涉案数量 fills an empty 计量单位
            if fills_quantity_unit and not row.raw.get("quantity_unit"):
                row.raw["quantity_unit"] = flag[5:]
        else:
            row.flags.append(flag)
