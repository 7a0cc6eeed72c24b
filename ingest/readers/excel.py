"""xlsx and xls through fastexcel (calamine): fast, no formulas evaluated, cached values read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import fastexcel

from ingest.errors import FileRejected, Problem
from ingest.readers.grid import Grid


def read_excel_grids(path: Path, fmt: str) -> tuple[list[Grid], dict[str, str]]:
    """Every sheet as a grid of strings; row 1 of the sheet is rows[0] (skip_rows=0 keeps numbering).

    A legacy .xls is first opened by xlrd (pure Python, it raises on a damaged file): calamine can abort the
    whole process on some damaged OLE containers (an allocation of many GB), which no `except` catches.
    """
    merged = xls_merged_ranges(path) if fmt == "xls" else {}
    try:
        # calamine picks the format from the extension, and extensions lie (an xlsx named .xls): when the
        # extension is wrong, hand over the bytes and let it detect the format from the content
        source = str(path) if path.suffix.lower() == f".{fmt}" else path.read_bytes()
        reader = fastexcel.read_excel(source)
    except BaseException as exc:  # calamine reports broken workbooks with many types, and panics (BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
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
    if fmt == "xlsx":
        merged = merged_ranges(path)
    grids = []
    for idx, name in enumerate(reader.sheet_names):
        try:
            sheet = reader.load_sheet(idx, header_row=None, dtypes="string", skip_rows=0)
            frame = sheet.to_polars()
        except BaseException as exc:  # a calamine panic too
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise FileRejected(Problem(
                "file.unreadable",
                f"工作表「{name}」无法读取：{_first_line(exc)}",
                f"sheet '{name}' cannot be read: {_first_line(exc)}",
                sheet=name,
            )) from exc
        rows = [list(r) for r in frame.rows()]
        grids.append(Grid(sheet=name, rows=rows, first_row_number=1, hidden=sheet.visible != "visible",
                          merged=merged.get(name, [])))
    return grids, {"sheets": ",".join(reader.sheet_names)}


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)"')
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges per sheet name of an xlsx, 0-based (row, column, last row, last column).

    calamine (fastexcel) does not report merged cells, so the sheet XML is scanned for `<mergeCell ref=…>`
    (a stream read; the ranges sit after the cell data). Any problem reading them means no ranges: the
    cells are then read as stored, which is what happened before.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes()) if path.stat().st_size < 1 << 20 else path) as zf:
            sheets = _sheet_parts(zf)
            return {name: _scan_merges(zf, part) for name, part in sheets.items() if part in zf.NameToInfo}
    except Exception:  # a damaged zip (zlib, CRC, XML errors …): no ranges, cells as stored
        return {}


def xls_merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges per sheet of a legacy .xls (MERGEDCELLS records, read by xlrd), as `merged_ranges`.

    A file xlrd finds damaged is rejected here, before calamine reads it (see read_excel_grids).
    """
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=path.read_bytes(), formatting_info=True, on_demand=True,
                                  logfile=io.StringIO())  # xlrd writes its warnings to stdout otherwise
        try:
            return {name: [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in book.sheet_by_name(name).merged_cells]
                    for name in book.sheet_names()}
        finally:
            book.release_resources()
    except Exception as exc:
        if "encrypted" in str(exc).lower():
            raise FileRejected(Problem(
                "file.encrypted", "该 xls 文件设有打开密码，请取消密码后另存再提交",
                "this xls file is password-protected; remove the password and save it again")) from exc
        raise FileRejected(Problem(
            "file.unreadable",
            f"无法打开该 xls 文件（文件已损坏或不完整）：{_first_line(exc)}",
            f"cannot open this xls file (it is damaged or incomplete): {_first_line(exc)}",
        )) from exc


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip (xl/worksheets/sheetN.xml), from workbook.xml and its relationships."""
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = part
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    return {el.get("name", ""): targets.get(el.get(_REL), "") for el in book.iter() if el.tag.endswith("}sheet")}


def _scan_merges(zf: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if b"mergeCell" not in data:  # most sheets have none: a byte search, no regex
                tail = data[-64:]
                continue
            cut = data.rfind(b"<")  # a tag cut at the chunk's end is read with the next chunk
            if cut < 0:
                cut = len(data)
            for m in _MERGE_REF.finditer(data, 0, cut):
                c1, r1, c2, r2 = m.groups()
                found.append((int(r1) - 1, _column_index(c1), int(r2) - 1, _column_index(c2)))
            tail = data[cut:]
    for m in _MERGE_REF.finditer(tail):
        c1, r1, c2, r2 = m.groups()
        found.append((int(r1) - 1, _column_index(c1), int(r2) - 1, _column_index(c2)))
    return found


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
