"""Export any mart to csv, xlsx or parquet, optionally for one jurisdiction, with Chinese headers.

Excel cells that start with = + - @ are written as text with a leading apostrophe so a value from a
ledger can never run as a formula (CSV injection); CSV gets a BOM so Excel reads it as UTF-8.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import yaml

from dashboards.marts import mart_names
from data_contracts.model import load_contracts
from warehouse.connection import connect
from warehouse.errors import UserError

FORMATS = ("csv", "xlsx", "parquet")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@cache
def column_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for contract in load_contracts().values():
        for f in contract.fields:
            labels.setdefault(f.name, f.header)
    labels.update(yaml.safe_load((Path(__file__).parent / "labels.yml").read_text(encoding="utf-8")))
    return labels


def label(column: str) -> str:
    zh = column_labels().get(column)
    return f"{zh}\n{column}" if zh else column


def safe_cell(value: object) -> object:
    """Neutralise text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def find_relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """`marts.fct_x` for `fct_x` (marts first, then other schemas); refuse anything that is not a name."""
    schema, _, table = name.rpartition(".")
    if not _NAME.match(table) or (schema and not _NAME.match(schema)):
        raise UserError(f"无效的表名：{name}", f"not a table name: {name}")
    rows = con.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "and (? = '' or table_schema = ?) order by table_schema <> 'marts', table_schema",
        [table, schema, schema]).fetchall()
    if not rows:
        names = "、".join(mart_names())
        if table in mart_names():
            raise UserError(f"仓库中还没有 {name}（先运行 liandong build）",
                            f"{name} is not in the warehouse yet (run liandong build)")
        raise UserError(f"没有名为 {name} 的数据集市；可导出：{names}（还没有时先运行 liandong build）",
                        f"there is no mart named {name}; marts: {', '.join(mart_names())} "
                        "(run liandong build when they are missing)")
    return f'"{rows[0][0]}"."{table}"'


def read_mart(warehouse: Path, mart: str, region: str | None) -> pl.DataFrame:
    if not warehouse.exists():
        raise UserError("仓库尚未建立", "the warehouse does not exist yet")
    with connect(warehouse, read_only=True) as con:
        relation = find_relation(con, mart)
        cols = [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
        if region is not None:
            if "region_code" not in cols:
                raise UserError(f"{mart} 没有行政区划代码列，不能按地区导出",
                                f"{mart} has no region_code column; cannot filter by region")
            return con.execute(f"select * from {relation} where region_code = ?", [region]).pl()
        return con.execute(f"select * from {relation}").pl()


def write_export(frame: pl.DataFrame, out: Path, fmt: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        frame.write_parquet(out)
    elif fmt == "csv":
        renamed = frame.rename({c: label(c).replace("\n", " / ") for c in frame.columns})
        renamed = renamed.with_columns(pl.col(pl.String).map_elements(safe_cell, return_dtype=pl.String))
        out.write_bytes(b"\xef\xbb\xbf" + renamed.write_csv().encode("utf-8"))
    elif fmt == "xlsx":
        _write_xlsx(frame, out)
    else:
        raise UserError(f"--format 只能是 {'|'.join(FORMATS)}", f"--format must be one of {'|'.join(FORMATS)}")
    return out


def _write_xlsx(frame: pl.DataFrame, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([label(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(frame.iter_rows(), start=2):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, str):  # a text cell: shown as written (no apostrophe), never run as a formula
                cell.data_type = "s"
                cell.number_format = "@"
    for idx, col in enumerate(frame.columns, start=1):
        width = max(len(str(column_labels().get(col, col))) * 2, 10)
        ws.column_dimensions[get_column_letter(idx)].width = min(width, 40)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(out)


def default_path(exports: Path, mart: str, region: str | None, fmt: str, as_of: date | None = None) -> Path:
    """`<mart>_<region|all>_asof<YYYYMMDD>.<fmt>`: the date the marts were built for (today before any build)."""
    stamp = f"asof{as_of:%Y%m%d}" if as_of else f"{date.today():%Y%m%d}"
    return exports / f"{mart.split('.')[-1]}_{region or 'all'}_{stamp}.{fmt}"
