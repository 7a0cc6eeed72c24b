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
-- exact copies of another row of the same file, kept once (read = loaded + quarantined + non-data + duplicate)
alter table meta.files add column if not exists rows_duplicate integer;
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


MEMORY_LIMIT_ENV = "LIANDONG_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"  # DuckDB's own default is 80 % of RAM; a province build then passes 6 GB


def duckdb_config() -> dict[str, str]:
    """Settings for every warehouse connection (dbt's profile reads the same variable)."""
    return {"memory_limit": os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT}


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; the schema is created on first write."""
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


def load_rows(con: duckdb.DuckDBPyConnection, contract: Contract, batch: pa.Table) -> dict[int, tuple[int, int]]:
    """Insert a chunk's new row versions and recompute the current version of every touched key, set-based.

    `batch` holds the good rows of several files of one feed, each row tagged with its file's place in
    the input (`_pos`). Returns (new versions, unchanged rows) per `_pos`: a row is unchanged when the
    table or an earlier file of the chunk already holds the same key and content, exactly as loading
    the files one by one in input order would count. Must run inside the caller's transaction.

    The table is joined a fixed number of times per chunk (hash joins on the key columns), never per
    file, so the cost per file does not grow with the table. The current version does not depend on
    load order: latest `version_order` fields, then file name, then hash; identical content seen in
    several files (also within the chunk) keeps the lineage of the smallest file hash.
    """
    feed = contract.id
    keys = list(contract.key)
    key_cols = ", ".join(keys)
    names = ", ".join(n for n, _ in columns(contract))
    lineage = [n for n, _ in LINEAGE_COLUMNS if n != "_row_hash"]
    same = lambda a, b: _key_join(contract, a, b) + f" and {a}._row_hash = {b}._row_hash"  # noqa: E731
    con.register("chunk_batch", batch)
    try:
        con.execute("create or replace temp table _chunk as select * from chunk_batch")
    finally:
        con.unregister("chunk_batch")
    try:
        # one row per (key, content) of the chunk: its smallest file hash, first file, and the table's copy
        con.execute(f"""
            create or replace temp table _chunk_versions as
            select g.*, t._row_hash is not null as _hit, t._file_sha256 as _table_sha
            from (select {key_cols}, _row_hash, min(_file_sha256) as _min_sha, min(_pos) as _first_pos
                  from _chunk group by all) g
            left join raw.{feed} t on {same('t', 'g')}""")
        counts = {pos: (total - unchanged, unchanged) for pos, total, unchanged in con.execute(f"""
            select b._pos, count(*), count(*) filter (where v._hit or v._first_pos < b._pos)
            from _chunk b join _chunk_versions v on {same('b', 'v')} group by b._pos""").fetchall()}
        chosen = f"_chunk b join _chunk_versions v on {same('b', 'v')} and b._file_sha256 = v._min_sha"
        sets = ", ".join(f"{c} = s.{c}" for c in lineage)
        con.execute(f"""
            update raw.{feed} t set {sets}
            from (select b.* from {chosen} where v._hit and v._min_sha < v._table_sha) s
            where {same('t', 's')}""")
        con.execute(f"""
            insert into raw.{feed} ({names}, _is_current)
            select {", ".join(f"b.{n}" for n, _ in columns(contract))}, false from {chosen} where not v._hit""")
        order = ", ".join([f"{c} desc nulls last" for c in contract.version_order]
                          + ["_file_name desc", "_row_hash desc"])
        con.execute(f"""
            update raw.{feed} t set _is_current = (r.rn = 1)
            from (
                select v.{", v.".join(keys)}, v._row_hash,
                       row_number() over (partition by {", ".join(f"v.{k}" for k in keys)} order by {order}) as rn
                from raw.{feed} v
                semi join (select distinct {key_cols} from _chunk_versions) k on {_key_join(contract, 'v', 'k')}
            ) r
            where {same('t', 'r')} and t._is_current is distinct from (r.rn = 1)""")
    finally:
        con.execute("drop table if exists _chunk_versions")
        con.execute("drop table if exists _chunk")
    return counts
