"""Readers turn a file into grids of strings, one per sheet; typing happens later, per field."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import FileRejected, Problem
from ingest.readers.grid import Grid
from ingest.readers.sniff import sniff_format

__all__ = ["Grid", "read_grids", "sniff_format"]


def read_grids(path: Path) -> tuple[str, list[Grid], dict[str, str]]:
    """Return (format, grids, details) for any supported file, or raise FileRejected."""
    fmt = sniff_format(path)
    if fmt in ("xlsx", "xls"):
        from ingest.readers.excel import read_excel_grids

        grids, details = read_excel_grids(path, fmt)
    elif fmt == "csv":
        from ingest.readers.csv import read_csv_grid

        grid, details = read_csv_grid(path)
        grids = [grid]
    else:
        raise FileRejected(Problem(
            "file.format",
            f"无法识别的文件格式（{fmt}），只接受 xlsx、xls 或 csv",
            f"unrecognised file format ({fmt}); only xlsx, xls or csv are accepted",
        ))
    return fmt, grids, details
