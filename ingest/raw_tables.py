"""Raw tables of the warehouse, derived from the contracts, and the transactional load of a chunk's rows.

`raw.<feed>` keeps every row version (`_is_current` marks the current one); `raw.penalty_facts` the measured
facts of every penalty row version. The meta tables are `warehouse.schema`'s.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from data_contracts.model import FEEDS, Contract, load_contract
from ingest.facts import FACT_COLUMNS
from warehouse.raw_custody import record_changed_parts

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
    """Every raw table and history view, idempotent."""
    parts = ["create schema if not exists raw;"]
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
    # a warehouse from before extractor version 2 lacks the later columns (their old rows read NULL)
    parts += [f"alter table raw.penalty_facts add column if not exists {n} {t};" for n, t in FACT_COLUMNS]
    return "\n".join(parts)


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables that are missing (dbt's sources must exist even for a feed never loaded)."""
    con.execute(ddl())


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
    con.register("chunk_batch", batch)  # scanned where whole rows are needed (Arrow, no copy)
    try:
        # what the versions are worked out from: copying every column here cost a quarter of the load
        con.execute(f"create or replace temp table _chunk as select {key_cols}, _row_hash, _file_sha256, _pos "
                    "from chunk_batch")
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
        chosen = f"chunk_batch b join _chunk_versions v on {same('b', 'v')} and b._file_sha256 = v._min_sha"
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
        # the files of the rows inserted, and of the rows whose lineage moved (`_is_current` is not text: the
        # gate's fingerprint does not read it)
        record_changed_parts(con, f"raw.{feed}", "_file_sha256", "select _file_sha256 from _chunk union all "
                             "select _table_sha from _chunk_versions where _hit")
    finally:
        con.unregister("chunk_batch")
        con.execute("drop table if exists _chunk_versions")
        con.execute("drop table if exists _chunk")
    return counts
