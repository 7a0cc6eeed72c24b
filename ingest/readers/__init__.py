"""Readers turn a file into grids of strings, one per sheet; typing happens later, per field."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import FileRejected, Problem
from ingest.readers.grid import Grid
from ingest.readers.sniff import sniff_format

__all__ = ["Grid", "read_grids", "sniff_format", "unsupported_format"]


_REJECTIONS = {  # formats sniff_format recognises but no reader accepts: say what the file is
    "empty": Problem("file.empty", "文件为空（0 字节）；只接受有内容的 xlsx、xls 或 csv",
                     "the file is empty (0 bytes); only xlsx, xls or csv with content are accepted"),
    "truncated": Problem("file.unreadable", "文件已损坏或不完整（像是被截断的 xlsx），请重新导出",
                         "the file is damaged or incomplete (it looks like a truncated xlsx); export it again"),
    "encrypted": Problem("file.encrypted", "文件设有打开密码（加密的 xlsx），请取消密码后另存再提交",
                         "the file is password-protected (an encrypted xlsx); remove the password and save it again"),
    "zip": Problem("file.format", "文件是 zip 压缩包而不是 xlsx（扩展名可能与内容不符）；只接受 xlsx、xls 或 csv",
                   "the file is a zip archive, not an xlsx (its extension may not match its content); "
                   "only xlsx, xls or csv are accepted"),
    "html": Problem("file.format", "文件是网页（HTML/XML）表格而不是真正的 Excel 文件；请用 Excel 打开后另存为 xlsx",
                    "the file is a web page (HTML/XML table), not a real Excel file; open it in Excel and save "
                    "it as xlsx"),
    "binary": Problem("file.format", "文件是二进制内容，不是 xlsx、xls 或 csv（扩展名可能与内容不符）",
                      "the file holds binary content that is not xlsx, xls or csv (its extension may not match)"),
}


# Formats people export that are not ledgers: named as such, never read as a CSV that "has no header".
UNSUPPORTED = {".jsonl": "JSON Lines", ".ndjson": "JSON Lines", ".json": "JSON", ".md": "Markdown",
               ".markdown": "Markdown", ".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".wps": "WPS 文字",
               ".ppt": "PowerPoint", ".pptx": "PowerPoint", ".ods": "OpenDocument", ".et": "WPS 表格",
               ".zip": "zip", ".rar": "rar", ".7z": "7z", ".xml": "XML", ".html": "HTML", ".htm": "HTML",
               ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def unsupported_format(path: Path) -> str | None:
    """The name of a format no reader accepts, judged by the content first (a PDF is a PDF whatever its name),
    then by an extension that names a non-ledger format when the content is not a workbook."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "PDF"
    name = UNSUPPORTED.get(path.suffix.lower())
    if name is None or path.suffix.lower() in (".zip", ".html", ".htm", ".xml"):
        return None  # zip and HTML tables have their own sentences (a misnamed xlsx is still read)
    return None if sniff_format(path) in ("xlsx", "xls") else name


def read_grids(path: Path) -> tuple[str, list[Grid], dict[str, str]]:
    """Return (format, grids, details) for any supported file, or raise FileRejected."""
    other = unsupported_format(path)
    if other is not None:
        raise FileRejected(Problem(
            "file.format",
            f"不支持的文件格式：{other}（{path.suffix or '无扩展名'}）；只接受 xlsx、xls 或 csv，"
            "请从原系统导出为 Excel 或 CSV",
            f"unsupported file format: {other} ({path.suffix or 'no extension'}); only xlsx, xls or csv are "
            "accepted: export the ledger from its system as Excel or CSV"))
    fmt = sniff_format(path)
    if fmt in ("xlsx", "xls"):
        from ingest.readers.excel import read_excel_grids

        grids, details = read_excel_grids(path, fmt)
    elif fmt == "csv":
        from ingest.readers.csv import read_csv_grid

        grid, details = read_csv_grid(path)
        grids = [grid]
    else:
        raise FileRejected(_REJECTIONS.get(fmt) or Problem(
            "file.format",
            f"无法识别的文件格式（{fmt}），只接受 xlsx、xls 或 csv",
            f"unrecognised file format ({fmt}); only xlsx, xls or csv are accepted",
        ))
    return fmt, grids, details
