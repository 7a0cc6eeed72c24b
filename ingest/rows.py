"""Grid rows under a matched header → typed records, with per-cell problems and non-data rows counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from data_contracts.identifiers import is_legacy_ric
from data_contracts.model import Contract, Field
from ingest.errors import Problem
from ingest.headers import HeaderMatch, fold
from ingest.normalise import (
    NULL_TOKENS_NON_TEXT,
    ValueError_,
    clean,
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

SUMMARY_WORDS = {"合计", "总计", "小计", "合计:", "总计:", "共计"}
LONG_TERM_WORDS = {"长期", "永久", "长期有效", "永久有效"}


@dataclass
class ParsedRow:
    sheet: str | None
    row_number: int
    values: dict[str, Any]  # field → typed value (raw identifiers still present)
    raw: dict[str, str | None]  # field → cell text as written (for messages, masked before storing)
    problems: list[Problem] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class ParsedSheet:
    sheet: str | None
    rows: list[ParsedRow]
    rows_read: int
    non_data: int


def _is_summary(cells: list[str | None]) -> bool:
    return any(c is not None and fold(str(c)).rstrip(":：") in SUMMARY_WORDS for c in cells)


def is_non_data(cells: list[str | None]) -> bool:
    """Blank rows and 合计/总计 summary rows are not data (nor is a repeated header: see repeats_header)."""
    return all(clean(c) is None for c in cells) or _is_summary(cells)


def repeats_header(cells: list[str | None], match: HeaderMatch) -> bool:
    """The header written again below (print titles, several exports pasted together): not data."""
    same = sum(1 for c in match.columns
               if c.index < len(cells) and cells[c.index] is not None and fold(str(cells[c.index])) == fold(c.header))
    return same * 2 > len(match.columns)


def parse_value(f: Field, text: str, unit: str | None, row_raw: dict[str, str | None]) -> tuple[Any, list[str]]:
    """Typed value of one cell and the flags it raises."""
    t = f.type
    if t not in ("text", "list") and text in NULL_TOKENS_NON_TEXT:
        return None, []
    if t == "text":
        return text, []
    if t == "code":
        return parse_code(text, f.codes or ""), []
    if t == "code_list":
        return parse_code_list(text, f.codes or "", context=row_raw.get("penalty_content"))
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
        return parse_amount(text, unit, f.unit), []
    if t == "decimal":
        number, suffix = parse_decimal(text)
        return number, ([f"unit:{suffix}"] if suffix else [])
    if t == "integer":
        return parse_integer(text), []
    if t == "boolean":
        return parse_boolean(text), []
    raise AssertionError(t)


def parse_sheet(contract: Contract, grid: Grid, match: HeaderMatch) -> ParsedSheet:
    by_field = {c.field: c for c in match.columns}
    rows: list[ParsedRow] = []
    non_data = 0
    body = grid.rows[match.row_index + 1:]
    for offset, cells in enumerate(body):
        row_number = grid.row_number(match.row_index + 1 + offset)
        if is_non_data(cells) or repeats_header(cells, match):
            non_data += 1
            continue
        raw = {name: clean(cells[c.index]) if c.index < len(cells) else None for name, c in by_field.items()}
        row = ParsedRow(grid.sheet, row_number, {}, raw)
        for f in contract.fields:
            text = raw.get(f.name)
            if f.type == "date_or_long_term":
                row.values[f"{f.name}_long_term"] = False
            if text is None:
                row.values[f.name] = None
                if f.flag_when_missing:
                    row.flags.append(f.flag_when_missing)
                continue
            col = by_field.get(f.name)  # None when filled from another cell (计量单位 from 涉案数量)
            try:
                value, flags = parse_value(f, text, col.unit if col else None, raw)
            except ValueError_ as err:
                row.values[f.name] = None
                header = col.header if col else f.header
                row.problems.append(Problem(err.rule, err.zh, err.en, grid.sheet, row_number, header, text, f.name))
                continue
            if "long_term" in flags:
                row.values[f"{f.name}_long_term"] = True
                flags = [x for x in flags if x != "long_term"]
            unit_flags = [x for x in flags if x.startswith("unit:")]
            for uf in unit_flags:  # "12.5亩" in 涉案数量 fills an empty 计量单位
                if "quantity_unit" in contract.field_names and not raw.get("quantity_unit"):
                    raw["quantity_unit"] = uf[5:]
            row.flags.extend(x for x in flags if not x.startswith("unit:"))
            row.values[f.name] = value
        rows.append(row)
    return ParsedSheet(grid.sheet, rows, rows_read=len(body), non_data=non_data)
