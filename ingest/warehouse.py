"""The DuckDB warehouse: schema from the contracts, the single-writer lock, and transactional loads.

DuckDB allows one writer per file. Every process that writes (CLI ingest/build, Dagster runs, the
sensor) takes `writer_lock` first, so a second writer waits with a visible message instead of
hitting DuckDB's lock error; connections are short-lived and closed before dbt starts.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from data_contracts.model import FEEDS, Contract, load_contract
from ingest.errors import UserError
from ingest.facts import FACT_COLUMNS

SQL_TYPES = {
    "text": "varchar", "code": "varchar", "code_list": "varchar", "list": "varchar", "uscc": "varchar",
    "id_no": "varchar", "region_code": "varchar", "date": "date", "date_or_long_term": "date",
    "datetime": "timestamp", "amount": "decimal(18,2)", "decimal": "decimal(18,4)", "integer": "integer",
    "boolean": "boolean",
}
ARROW_TYPES = {
    "varchar": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"),
    "decimal(18,2)": pa.decimal128(18, 2), "decimal(18,4)": pa.decimal128(18, 4), "integer": pa.int32(),
    "boolean": pa.bool_(),
}
LINEAGE_COLUMNS = [
    ("_row_hash", "varchar"), ("_file_sha256", "varchar"), ("_file_name", "varchar"), ("_sheet", "varchar"),
    ("_row_number", "integer"), ("_flags", "varchar"),
]

META_DDL = """
create schema if not exists meta;
create table if not exists meta.files (
  file_sha256 varchar primary key, file_name varchar, feed varchar, format varchar, encoding varchar,
  delimiter varchar, sheets varchar, size_bytes bigint, status varchar,
  rows_read integer, rows_loaded integer, rows_new integer, rows_unchanged integer,
  rows_quarantined integer, rows_non_data integer, unknown_headers varchar, header_map varchar,
  message_zh varchar, message_en varchar, archive_path varchar, ingested_at timestamp
);
create table if not exists meta.quarantine (
  file_sha256 varchar, file_name varchar, feed varchar, sheet varchar, row_number integer,
  column_name varchar, rule_id varchar, message_zh varchar, message_en varchar, value_masked varchar,
  unit_name varchar
);
create table if not exists meta.contract_results (
  file_sha256 varchar, file_name varchar, feed varchar, rule_id varchar, field varchar, severity varchar,
  unit_name varchar, element_count integer, unexpected_count integer, failed_rows varchar,
  message_zh varchar, message_en varchar
);
create table if not exists meta.scorecard_config (
  region_code varchar, config_name varchar, config_version varchar, config_source varchar,
  config_fingerprint varchar, indicator_code varchar, indicator_block varchar, indicator_name varchar,
  sort_order integer, points double, scoring_method varchar, target double, zero_points_at double,
  working_days integer
);
"""


def columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, sql type) of the raw table of a feed: contract fields, then lineage columns."""
    cols: list[tuple[str, str]] = []
    for f in contract.fields:
        cols.append((f.name, SQL_TYPES[f.type]))
        if f.type == "date_or_long_term":
            cols.append((f"{f.name}_long_term", "boolean"))
    return cols + LINEAGE_COLUMNS


def arrow_schema(contract: Contract) -> pa.Schema:
    return pa.schema([(name, ARROW_TYPES[sql]) for name, sql in columns(contract)])


def ddl() -> str:
    parts = ["create schema if not exists raw;", META_DDL]
    for feed in FEEDS:
        contract = load_contract(feed)
        cols = ",\n  ".join(f"{n} {t}" for n, t in columns(contract))
        parts.append(f"create table if not exists raw.{feed} (\n  {cols},\n  _is_current boolean\n);")
        parts.append(
            f"create or replace view raw.{feed}_history as select * from raw.{feed} where not _is_current;"
        )
    # measured facts of every penalty row version (ingest/facts.py), keyed to the version's _row_hash
    facts = ",\n  ".join(f"{n} {t}" for n, t in FACT_COLUMNS)
    parts.append(f"create table if not exists raw.penalty_facts (\n  {facts}\n);")
    return "\n".join(parts)


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; the schema is created on first write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if read_only and not path.exists():
        raise UserError("仓库尚未建立，请先运行 liandong ingest 或 liandong demo",
                        "the warehouse does not exist yet; run liandong ingest or liandong demo first")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise UserError(f"无法打开仓库文件 {path}（可能被其他程序占用）：{exc}",
                        f"cannot open the warehouse file {path} (another program may hold it): {exc}") from exc
    try:
        if not read_only:
            con.execute(ddl())
        yield con
    finally:
        con.close()


@contextmanager
def writer_lock(
    lock_path: Path, *, wait: bool = True, timeout: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse writer lock (an flock, released by the OS if the process dies)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise UserError("仓库正被另一个任务写入，请稍后再试",
                                "the warehouse is being written by another job; try again later") from None
            if on_wait:
                on_wait()
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise UserError(f"等待仓库写锁超过 {timeout:.0f} 秒，已放弃",
                                        f"gave up after waiting {timeout:.0f} s for the warehouse lock") from None
                    time.sleep(0.2)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _key_join(contract: Contract, left: str, right: str) -> str:
    return " and ".join(f"{left}.{k} = {right}.{k}" for k in contract.key)


def load_rows(con: duckdb.DuckDBPyConnection, contract: Contract, batch: pa.Table) -> tuple[int, int]:
    """Insert new row versions and recompute the current version of every touched key.

    Returns (new versions, unchanged rows). Must run inside the caller's transaction. The current
    version does not depend on load order: latest `version_order` fields, then file name, then hash;
    identical content seen in several files keeps the lineage of the smallest file hash.
    """
    feed = contract.id
    con.register("batch", batch)
    try:
        key_cols = ", ".join(contract.key)
        same = _key_join(contract, "t", "b") + " and t._row_hash = b._row_hash"
        unchanged = con.execute(
            f"select count(*) from batch b where exists (select 1 from raw.{feed} t where {same})").fetchone()[0]
        con.execute(f"""
            update raw.{feed} t set _file_sha256 = b._file_sha256, _file_name = b._file_name,
                   _sheet = b._sheet, _row_number = b._row_number
            from batch b where {same} and b._file_sha256 < t._file_sha256""")
        names = ", ".join(n for n, _ in columns(contract))
        con.execute(f"""
            insert into raw.{feed} ({names}, _is_current)
            select {names}, false from batch b where not exists (select 1 from raw.{feed} t where {same})""")
        order = ", ".join([f"{c} desc nulls last" for c in contract.version_order]
                          + ["_file_name desc", "_row_hash desc"])
        con.execute(f"""
            update raw.{feed} t set _is_current = (r.rn = 1)
            from (
                select {key_cols}, _row_hash,
                       row_number() over (partition by {key_cols} order by {order}) as rn
                from raw.{feed} v
                where exists (select 1 from batch b where {_key_join(contract, 'v', 'b')})
            ) r
            where {_key_join(contract, 't', 'r')} and t._row_hash = r._row_hash""")
    finally:
        con.unregister("batch")
    return batch.num_rows - unchanged, unchanged
