"""Formatted Excel workbooks published beside the pages: Chinese headers, widths, number formats, frozen
header, filters; text that a spreadsheet would run as a formula is neutralised (dashboards.exports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboards.exports import safe_cell
from dashboards.site.formats import plain

FORMATS = {"pct": "0.0%", "int": "#,##0", "num": "0.00", "date": "yyyy-mm-dd", "text": "@"}


@dataclass(frozen=True)
class XColumn:
    label: str
    key: str
    kind: str = "text"  # pct | int | num | date | text
    width: int = 14


@dataclass
class Sheet:
    title: str
    columns: Sequence[XColumn]
    rows: Sequence[dict[str, Any]]


def write_workbook(path: Path, sheets: Sequence[Sheet], notes: Sequence[tuple[str, str]] = ()) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="BCCCDC")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        ws.append([c.label for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.border = Border(bottom=thin)
        for row in sheet.rows:
            ws.append([safe_cell(plain(row.get(c.key))) for c in sheet.columns])
        for idx, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(idx)
            ws.column_dimensions[letter].width = col.width
            if col.kind != "text":
                for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                    cell.number_format = FORMATS[col.kind]
            else:
                for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                    cell.alignment = Alignment(wrap_text=col.width >= 30, vertical="top")
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
        ws.print_options.gridLines = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.print_title_rows = "1:1"
    if notes:
        ws = wb.create_sheet("说明")
        for k, v in notes:
            ws.append([safe_cell(k), safe_cell(v)])
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 90
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
