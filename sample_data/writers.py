"""Write tables as agencies deliver them: xlsx with a merged title row (and sometimes a blank row and a
合计 row under the data), or csv in GB18030 / UTF-8 with BOM / UTF-8, with `,` or `;`.

Output is byte-for-byte reproducible: workbook properties carry a fixed timestamp and the zip entries of
an xlsx are rewritten with a fixed date, because openpyxl stamps both with the current time.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

FIXED_TIMESTAMP = datetime(2026, 1, 5, 9, 0, 0)
_ZIP_DATE = (2026, 1, 5, 9, 0, 0)


@dataclass
class Sheet:
    """One table. `number_formats` gives the Excel format of date cells per column index."""

    name: str
    headers: list[str]
    rows: list[list[Any]]
    title: str | None = None
    total: list[Any] | None = None
    blank_before_total: bool = False
    number_formats: dict[int, str] = field(default_factory=dict)


@dataclass
class SheetLayout:
    """Where things landed, for the manifest. Rows are 1-based (xlsx row numbers, or csv record numbers)."""

    name: str | None
    title_row: int | None
    header_row: int
    data_rows: list[int]
    blank_row: int | None
    total_row: int | None

    def to_manifest(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title_row": self.title_row,
            "header_row": self.header_row,
            "first_data_row": self.data_rows[0] if self.data_rows else None,
            "last_data_row": self.data_rows[-1] if self.data_rows else None,
            "data_rows": len(self.data_rows),
            "blank_row": self.blank_row,
            "total_row": self.total_row,
        }


def _deterministic_zip(raw: bytes) -> bytes:
    """Re-pack a zip with fixed entry dates and a stable order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_xlsx(path: Path, sheets: list[Sheet]) -> list[SheetLayout]:
    """Title row merged across the table (row 1), header (row 2), data, then optional blank + 合计 rows."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "liandong sample"
    wb.properties.lastModifiedBy = "liandong sample"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    layouts: list[SheetLayout] = []
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        width = len(sheet.headers)
        row = 1
        title_row = None
        if sheet.title:
            ws.cell(row=1, column=1, value=sheet.title).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
            title_row, row = 1, 2
        header_row = row
        for col, text in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=row, column=col, value=text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(col)].width = max(
                10, min(40, len(text.replace("\n", "")) * 2)
            )
        data_rows: list[int] = []
        for values in sheet.rows:
            row += 1
            data_rows.append(row)
            for col, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=row, column=col, value=value)
                if isinstance(value, (date, datetime)) and col - 1 in sheet.number_formats:
                    cell.number_format = sheet.number_formats[col - 1]
        blank_row = total_row = None
        if sheet.total is not None:
            if sheet.blank_before_total:
                row += 1
                blank_row = row
            row += 1
            total_row = row
            for col, value in enumerate(sheet.total, start=1):
                if value is not None:
                    ws.cell(row=row, column=col, value=value).font = Font(bold=True)
        layouts.append(SheetLayout(sheet.name, title_row, header_row, data_rows, blank_row, total_row))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook(): that would stamp `modified` with now()
    path.write_bytes(_deterministic_zip(buf.getvalue()))
    return layouts


def write_csv(path: Path, sheet: Sheet, encoding: str, delimiter: str = ",") -> SheetLayout:
    """Header on record 1, data from record 2 (cells with line breaks are quoted, so count records)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(sheet.headers)
    for values in sheet.rows:
        writer.writerow(["" if v is None else v for v in values])
    path.write_bytes(buf.getvalue().encode(encoding))
    return SheetLayout(None, None, 1, list(range(2, len(sheet.rows) + 2)), None, None)
