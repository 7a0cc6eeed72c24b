"""xlsx and xls through fastexcel (calamine): fast, no formulas evaluated, cached values read."""

from __future__ import annotations

from pathlib import Path

import fastexcel

from ingest.errors import FileRejected, Problem
from ingest.readers.grid import Grid


def read_excel_grids(path: Path, fmt: str) -> tuple[list[Grid], dict[str, str]]:
    """Every sheet as a grid of strings; row 1 of the sheet is rows[0] (skip_rows=0 keeps numbering)."""
    try:
        # calamine picks the format from the extension, and extensions lie (an xlsx named .xls): when the
        # extension is wrong, hand over the bytes and let it detect the format from the content
        source = str(path) if path.suffix.lower() == f".{fmt}" else path.read_bytes()
        reader = fastexcel.read_excel(source)
    except Exception as exc:  # calamine reports broken workbooks with many exception types
        if "password" in str(exc).lower():  # a legacy .xls with an opening password (FILEPASS record)
            raise FileRejected(Problem(
                "file.encrypted",
                f"该 {fmt} 文件设有打开密码，请取消密码后另存再提交",
                f"this {fmt} file is password-protected; remove the password and save it again",
            )) from exc
        raise FileRejected(Problem(
            "file.unreadable",
            f"无法打开该 {fmt} 文件（文件可能已损坏、被截断或加密）：{_first_line(exc)}",
            f"cannot open this {fmt} file (it may be damaged, truncated or encrypted): {_first_line(exc)}",
        )) from exc
    grids = []
    for idx, name in enumerate(reader.sheet_names):
        try:
            sheet = reader.load_sheet(idx, header_row=None, dtypes="string", skip_rows=0)
            frame = sheet.to_polars()
        except Exception as exc:
            raise FileRejected(Problem(
                "file.unreadable",
                f"工作表「{name}」无法读取：{_first_line(exc)}",
                f"sheet '{name}' cannot be read: {_first_line(exc)}",
                sheet=name,
            )) from exc
        rows = [list(r) for r in frame.rows()]
        grids.append(Grid(sheet=name, rows=rows, first_row_number=1, hidden=sheet.visible != "visible"))
    return grids, {"sheets": ",".join(reader.sheet_names)}


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
