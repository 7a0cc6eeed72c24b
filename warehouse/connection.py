"""Short-lived DuckDB connections to the warehouse, bounded in memory, with the meta schema on first write.

DuckDB allows one writer per file: connections are opened for one step and closed before dbt starts, and
every writer holds `warehouse.lock.writer_lock` first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.errors import UserError
from warehouse.schema import META_DDL

MEMORY_LIMIT_ENV = "LIANDONG_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"  # DuckDB's own default is 80 % of RAM; a province build then passes 6 GB


def duckdb_config() -> dict[str, str]:
    """Settings for every warehouse connection (dbt's profile reads the same variable)."""
    return {"memory_limit": os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT}


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; the meta schema is created on first write (raw tables: `ingest.raw_tables`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if read_only and not path.exists():
        raise UserError("仓库尚未建立，请先运行 liandong ingest 或 liandong demo",
                        "the warehouse does not exist yet; run liandong ingest or liandong demo first")
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=duckdb_config())
    except duckdb.IOException as exc:
        raise UserError(f"无法打开仓库文件 {path}（可能被其他程序占用）：{exc}",
                        f"cannot open the warehouse file {path} (another program may hold it): {exc}") from exc
    try:
        if not read_only:
            con.execute(META_DDL)
        yield con
    finally:
        con.close()
