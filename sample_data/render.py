"""Turn typed records into a `Sheet` (cells, headers, Excel number formats, 合计 row) for one file style."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sample_data.layouts import (
    XLSX_DATE_NUMBER_FORMATS,
    FileStyle,
    amount_unit,
    format_amount,
    format_value,
)
from sample_data.writers import Sheet

_XLSX_DATETIME_FORMATS = ("yyyy-mm-dd hh:mm:ss", "yyyy/m/d h:mm")


def to_sheet(
    name: str,
    title: str | None,
    records: list[dict[str, Any]],
    fields: list[str],
    headers: dict[str, str],
    kinds: dict[str, str],
    style: FileStyle,
    rng: random.Random,
    total_field: str | None = None,
) -> Sheet:
    """Cells in field order (with a leading 序号 when the style has one)."""
    offset = 1 if style.seq_column else 0
    header_row = (["序号"] if style.seq_column else []) + [headers[f] for f in fields]
    units = {f: amount_unit(headers[f]) for f in fields if kinds.get(f) == "amount"}
    rows: list[list[Any]] = []
    for i, rec in enumerate(records, start=1):
        cells: list[Any] = [i] if style.seq_column else []
        cells += [format_value(rec.get(f), kinds.get(f), f, style, rng, units.get(f, "元")) for f in fields]
        rows.append(cells)
    number_formats: dict[int, str] = {}
    for idx, f in enumerate(fields):
        if kinds.get(f) == "date" and style.date_formats.get(f) == "excel":
            number_formats[idx + offset] = XLSX_DATE_NUMBER_FORMATS[rng.choice(("iso", "slash", "cn"))]
        elif kinds.get(f) == "datetime" and style.datetime_format == "excel":
            number_formats[idx + offset] = rng.choice(_XLSX_DATETIME_FORMATS)
    total = None
    if style.total_row and total_field in fields:
        total = [None] * len(header_row)
        total[0] = "合计"
        amounts = [r[total_field] for r in records if isinstance(r.get(total_field), Decimal)]
        total[fields.index(total_field) + offset] = format_amount(
            sum(amounts, Decimal(0)), units[total_field], style
        )
        if len(header_row) > 2:
            total[1] = f"共{len(records)}件"
    return Sheet(
        name=name,
        headers=header_row,
        rows=rows,
        title=title,
        total=total,
        blank_before_total=style.blank_before_total,
        number_formats=number_formats,
    )
