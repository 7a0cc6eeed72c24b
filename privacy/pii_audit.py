"""Scan the warehouse and the published files for personal data that escaped pseudonymisation.

Every text column of every table (the landing archive is outside the warehouse and is not scanned) and
every file of the site and exports is searched with the same detector that masks text at ingest
(`privacy.mask.find_personal_data`, with check-digit validation; the kinds in `mask.AUDIT_KINDS`: identifiers
and address shapes) and, given the key, for the natural persons' names known from the ledgers' party fields
(`privacy.names`: candidate 2–4 character Han sequences are hashed with the key and looked up in the set of
known names' hashes). `liandong build` and `publish` run it as a gate: any finding fails the run with its
locations.

At province scale a full scan takes minutes and `publish` repeats it right after `build`, so a passing
audit remembers what it checked (`AuditState`, a small DuckDB file in the home holding only hashes and
counts): per table (or per input file, region or agency, of a table with such a column) a content
fingerprint of its text columns, the MD5 of each distinct candidate value found clean, the SHA-256 and the
stat (inode, size, modification and change times) of each clean file, and the MD5 of each clean line of a long
text file. What is unchanged is not read again; any change of content — an update in place included — changes
the fingerprint and is scanned. A change of the detector's code (or of the year, which bounds birth dates)
forgets everything. Names learned after a value was found clean are checked against it by `--full`.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import compress
from pathlib import Path

import duckdb
import pyarrow as pa

from privacy.mask import (
    ACCEPTED_SHAPE,
    AUDIT_KINDS,
    FULL_WIDTH_MAY_HOLD,
    SAFE_WHOLE_VALUE,
    VECTOR_MIN_TEXTS,
    Finding,
    find_personal_data,
    find_shapes,
    is_public_code,
    matches_each,
)
from privacy.names import TABLE as NAMES_TABLE
from privacy.names import KnownNames
from warehouse import raw_custody
from warehouse.connection import duckdb_config
from warehouse.raw_custody import stat_key

# Only values that may hold an identifier the detector accepts are candidates: DuckDB filters them before
# Python validates check digits, so large tables stay cheap to scan. Each alternative is what one of the
# detector's patterns (mask._PATTERNS) needs for a finding it accepts (mask._accept): 15 digits in a row
# (身份证, 15 or 18), a card number with or without single separators, a mobile, '@' (e-mail), and a
# landline only as the detector takes one — with an area code or an extension after a dash
# (mask.ACCEPTED_SHAPE). A bare run of 7–14 digits (a case number's 20240004, a 9-digit organisation code)
# is none of these: at province scale that spared ~7 million values checked one by one in Python.
# A value that is wholly a pseudonym or a content hash is never a finding (mask.SAFE_WHOLE_VALUE), so it is
# not fetched; each distinct value is checked once, reported with its first row and how many rows hold it.
# A mobile or card number written with spaces or dashes, and digits or an '@' written full-width
# (mask.FULL_WIDTH_MAY_HOLD), are candidates too: RE2's `\d` is ASCII only. tests/test_pii_audit.py
# checks that no value with a finding is left out.
_CANDIDATE_SQL = ("not regexp_matches({col}, '" + SAFE_WHOLE_VALUE.replace("{", "{{").replace("}", "}}") + "')"
                  r" and regexp_matches({col}, '\d{{15}}|@|1[3-9]\d[- ]?\d{{4}}[- ]?\d{{4}}|"
                  + ACCEPTED_SHAPE["landline"].replace("{", "{{").replace("}", "}}") +
                  r"|(?:\d[ -]?){{15,18}}\d|" + FULL_WIDTH_MAY_HOLD + "{more}')")
# Values that may hold an address shape (privacy.mask checks the shape): a road, community or village word
# followed by a number, a building or unit number, or a word that introduces an address.
_NUM_RE2 = "[0-9０-９一二三四五六七八九十百零〇两]"
ADDRESS_RE2 = (f"(路|街|大道|巷|胡同|弄|小区|花园|家园|公寓|新村|社区|苑|大厦|广场|村){_NUM_RE2}"
               f"|{_NUM_RE2}(号楼|栋|幢|单元)|家住|住在|现住|居住|住址|地址")


def _candidate_sql(col: str, names: KnownNames | None) -> str:
    more = "|" + ADDRESS_RE2
    if names and names.initials_pattern:
        more += "|" + names.initials_pattern + "[\\x{4e00}-\\x{9fff}]"
    return _CANDIDATE_SQL.format(col=col, more=more.replace("'", "''"))
TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".txt", ".md", ".js", ".svg", ".xml", ".tsv"}
MAX_FINDINGS = 1000
# The memory of clean values only saves work, so it is bounded: past this many hashes (about 30 bytes each on
# disk; a province's ledgers give ~11 million) it is forgotten whole, and changed parts are validated afresh.
MAX_CLEAN_VALUES = 25_000_000
MAX_CLEAN_LINES = 2_000_000
# A text file of at least this many lines is searched only in the lines not found clean before: the contract
# report (data_docs/index.html: a line per input file, unit and rule, ~10 MB at province scale) is written
# again by every build with a few lines changed.
LINE_MEMO_MIN_LINES = 1_000
FETCH_ROWS = 50_000  # candidate values read into Python at a time
# Tables with one of these columns (the first found) are fingerprinted per input file, or else per region, or
# else per agency: a new file rescans only its rows, a mart rebuilt after one region's new file only that
# region's rows, and the facts of one agency's new decisions (raw.penalty_facts: 5 M rows) only that agency's.
PARTITION_COLUMNS = ("_file_sha256", "file_sha256", "region_code", "agency_uscc")

# Files are searched piece by piece. No detector pattern or safe token (privacy.mask) can contain one of
# these characters, and each reads as "not a digit, letter or dot" to every lookaround there, exactly like
# the end of the text; so the findings of the pieces are the findings of the whole text. A piece can only
# hold a finding if it has an '@', 7 digits in a row, or a mobile or card number written with separators.
_BOUNDARY = re.compile(r"[<>\"',;:=\[\]{}/\t\r\n]")
_CANDIDATE = re.compile(r"@|\d{7}|1[3-9]\d[- ]?\d{4}[- ]?\d{4}|(?:\d[ -]?){15,18}\d|" + FULL_WIDTH_MAY_HOLD)
_ADDRESS_CANDIDATE = re.compile(ADDRESS_RE2)


@dataclass(frozen=True)
class PiiFinding:
    location: str  # "schema.table.column" or a file path
    where: str  # row key or line / sheet!cell
    kind: str
    masked_sample: str  # the finding with its middle hidden, so the report itself leaks nothing

    def sentence(self) -> str:
        return (f"{self.location} {self.where}：发现个人信息（{self.kind}）{self.masked_sample} / "
                f"personal data ({self.kind}) found: {self.masked_sample}")


def _hide(text: str) -> str:
    return text[:3] + "*" * max(len(text) - 5, 1) + text[-2:] if len(text) > 5 else "*" * len(text)


@cache
def detector_version() -> str:
    """Changes whenever what counts as a finding may change: the detector's code, or the year."""
    from data_contracts import identifiers
    from privacy import mask, names

    parts = [Path(m.__file__).read_bytes() for m in (mask, names, identifiers)] + [Path(__file__).read_bytes()]
    return hashlib.sha256(b"\0".join(parts) + str(date.today().year).encode()).hexdigest()


# --------------------------------------------------------------------------------------------- state

_STATE_DDL = """
create table if not exists info (detector varchar);
create table if not exists custody (epoch varchar);
create table if not exists tables (name varchar, part varchar, fingerprint varchar);
create table if not exists clean_values (h uhugeint);
create table if not exists clean_files (sha256 varchar);
create table if not exists clean_stats (stat varchar);
create table if not exists clean_lines (h blob);
"""
# A file last changed this recently may change again within the same tick of the file system's clock, keeping
# its size and times: it is read by its bytes until it has been still for longer (git's "racily clean" files).
STILL_NS = 2_000_000_000


class AuditState:
    """What passing audits have checked: fingerprints and hashes only, never a value. Opened on a
    connection that also attaches the warehouse read-only as `wh`, so both are joined in SQL."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, persistent: bool) -> None:
        self.con = con
        self.persistent = persistent
        con.execute(_STATE_DDL)
        stored = con.execute("select detector from info").fetchone()
        if stored is None or stored[0] != detector_version():
            for table in ("info", "custody", "tables", "clean_values", "clean_files", "clean_stats", "clean_lines"):
                con.execute(f"drop table {table}")  # dropped, not emptied: a newer detector may store other types
            con.execute(_STATE_DDL)
            con.execute("insert into info values (?)", [detector_version()])
        self.files: set[str] = {r[0] for r in con.execute("select sha256 from clean_files").fetchall()}
        self.new_files: list[str] = []
        # clean files by what their stat says (`stat_key`): found again unchanged, they are not read at all
        self.stats: set[str] = {r[0] for r in con.execute("select stat from clean_stats").fetchall()}
        self.new_stats: list[str] = []
        self._lines: set[bytes] | None = None  # read when a long text file is first met
        self.new_lines: list[bytes] = []

    @classmethod
    def open(cls, path: Path | None) -> AuditState:
        """The state at `path`; an empty, throw-away one without a path or when it is busy (full scan)."""
        if path is not None:
            try:
                return cls(duckdb.connect(str(path), config=duckdb_config()), persistent=True)
            except duckdb.Error:
                pass
        return cls(duckdb.connect(config=duckdb_config()), persistent=False)

    def all_fingerprints(self) -> dict[str, dict[str, str]]:
        """Each table's parts' fingerprints, as it last passed."""
        out: dict[str, dict[str, str]] = {}
        for name, part, fingerprint in self.con.execute("select name, part, fingerprint from tables").fetchall():
            out.setdefault(name, {})[part] = fingerprint
        return out

    @property
    def epoch(self) -> str | None:
        """The epoch of the raw tables' fingerprints: started by the last full audit that passed all of them
        (`warehouse.raw_custody`: a custody of another epoch is not trusted)."""
        row = self.con.execute("select epoch from custody").fetchone()
        return row[0] if row else None

    def start_epoch(self) -> None:
        self.con.execute("delete from custody")
        self.con.execute("insert into custody values (?)", [uuid.uuid4().hex])

    def passed(self, name: str, prints: dict[str, str]) -> None:
        """Record a table (every part of it) as scanned with no finding."""
        self.con.execute("delete from tables where name = ?", [name])
        if prints:
            self._insert("tables", pa.table({"name": [name] * len(prints), "part": list(prints),
                                             "fingerprint": list(prints.values())}))

    def file_passed(self, sha256: str) -> None:
        self.files.add(sha256)
        self.new_files.append(sha256)

    @property
    def clean_lines(self) -> set[bytes]:
        """The MD5 of each line found clean in a long text file (`LINE_MEMO_MIN_LINES`)."""
        if self._lines is None:
            self._lines = {bytes(h) for (h,) in self.con.execute("select h from clean_lines").fetchall()}
        return self._lines

    def lines_passed(self, digests: list[bytes]) -> None:
        self.clean_lines.update(digests)
        self.new_lines += digests

    def stat_passed(self, key: str) -> None:
        self.stats.add(key)
        self.new_stats.append(key)

    def remember_published(self, folder: Path) -> None:
        """Remember the files of a publication as they now are: the gate scanned each of them clean before
        publish renamed the folder into place and made it read-only, which changed their place and their
        ctime, not their bytes (so the next gate does not read ~600 MB of province publications again)."""
        for path in folder.rglob("*"):
            if path.is_file():
                self.stat_passed(stat_key(path.stat()))

    def close(self) -> None:
        if self.new_files:
            self._insert("clean_files", pa.table({"sha256": sorted(set(self.new_files))}))
        if self.new_stats:
            self._insert("clean_stats", pa.table({"stat": sorted(set(self.new_stats))}))
        if self.new_lines:
            self._insert("clean_lines", pa.table({"h": pa.array(sorted(set(self.new_lines)), pa.binary())}))
        self._forget_past("clean_lines", MAX_CLEAN_LINES)
        self._forget_past("clean_stats", MAX_CLEAN_VALUES)  # files deleted long ago: their keys never match again
        if self._forget_past("clean_values", MAX_CLEAN_VALUES):
            self.con.execute("checkpoint")
        self.con.close()

    def _forget_past(self, table: str, limit: int) -> bool:
        """Empty a memory grown past `limit` rows (it only saves work); whether it was emptied."""
        if self.con.execute(f"select count(*) from {table}").fetchone()[0] <= limit:
            return False
        self.con.execute(f"delete from {table}")
        return True

    def _insert(self, table: str, rows: pa.Table) -> None:
        self.con.register("_new_rows", rows)
        try:
            self.con.execute(f"insert into {table} select * from _new_rows")
        finally:
            self.con.unregister("_new_rows")


# ----------------------------------------------------------------------------------------- warehouse


@dataclass(frozen=True)
class _Table:
    """A warehouse table the audit reads: its text columns and the column it is fingerprinted by, if any."""

    schema: str
    table: str
    columns: list[str]
    part: str | None

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def relation(self) -> str:
        return f'wh."{self.schema}"."{self.table}"'

    @property
    def select_list(self) -> str:
        """The text columns, quoted for SQL."""
        return ", ".join(f'"{c}"' for c in self.columns)

    @property
    def part_sql(self) -> str:
        """A row's part as SQL: its partition column's value ('' for none, or without one)."""
        return f"coalesce(cast(\"{self.part}\" as varchar), '')" if self.part else "''"


def _tables(con: duckdb.DuckDBPyConnection, schemas: Callable[[str], bool] | None = None) -> list[_Table]:
    """The tables with a text column (of the `schemas` it says yes to), read in one query."""
    rows = con.execute("""
        select c.schema_name, c.table_name,
            list(c.column_name order by c.column_name) filter (where c.data_type in ('VARCHAR', 'JSON')),
            list(c.column_name)
        from duckdb_columns() c join duckdb_tables() t using (database_name, schema_name, table_name)
        where c.database_name = 'wh'
        group by all
        order by all""").fetchall()
    return [_Table(schema, table, text, next((p for p in PARTITION_COLUMNS if p in every), None))
            for schema, table, text, every in rows
            if text and (schemas is None or schemas(schema))]


def _fingerprints(con: duckdb.DuckDBPyConnection, table: _Table, parts: Collection[str] | None = None
                  ) -> dict[str, str]:
    """Row count and the sum of each row's hash over the text columns, per part (or '' for the table), of
    every part or of the `parts` given. One statement per table: a `union all` of 25 tables' aggregates never
    finished (DuckDB 1.4.5, 2 threads)."""
    where = "" if parts is None else _rows_of(con, table, parts)
    if where is None:
        return {}
    rows = con.execute(f"select {table.part_sql}, count(*), sum(hash({table.select_list}))::varchar "
                       f"from {table.relation} {where} group by 1").fetchall()
    return {p: f"{_head(table)}:{n}:{s}" for p, n, s in rows}


def _head(table: _Table) -> str:
    """What a fingerprint starts with: the text columns (a column added or dropped changes every part's)."""
    return hashlib.sha256("\0".join(table.columns).encode()).hexdigest()[:16]


def _rows_of(con: duckdb.DuckDBPyConnection, table: _Table, parts: Collection[str]) -> str | None:
    """A where clause for the rows of some parts (None if they have none), bounded by their first and last
    rowid: a filter on the part column alone still decompresses every column of every row (a new file's
    rows in a province's raw ledger: ~1.5 s), while a rowid range skips the row groups outside it (~0.02 s)."""
    con.execute("create or replace temp table _parts as select unnest(?::varchar[]) as part", [sorted(parts)])
    within = f"{table.part_sql} in (select part from _parts)"
    lo, hi = con.execute(f"select min(rowid), max(rowid) from {table.relation} where {within}").fetchone()
    return None if lo is None else f"where rowid between {lo} and {hi} and {within}"


def findings_in_value(value: str, names: KnownNames | None = None, *, detect: bool = True) -> list[Finding]:
    """What the audit reports in one value: identifiers, address shapes and known names. The identifier and
    address detector is not run where it would find nothing: with `detect=False` (the value is a candidate for a
    known name only: `_candidate_sql` without names does not take it) or on a whole valid USCC
    (`is_public_code`)."""
    found = [f for f in find_personal_data(value) if f.kind in AUDIT_KINDS] \
        if detect and not is_public_code(value) else []
    if names:
        found += [f for f in names.find(value) if not any(f.start < g.end and g.start < f.end for g in found)]
    return found


def _scan_columns(con: duckdb.DuckDBPyConnection, state: AuditState, relation: str, name: str, columns: list[str],
                  names: KnownNames | None = None, rowid: str = "rowid") -> Iterator[PiiFinding]:
    """Each column's distinct candidate values first (one statement for the table), then only those not yet
    found clean: the clean-value memory holds millions of hashes, so it is joined once per table, not once
    per column (114 columns at province scale), and holds each MD5 as a number (UHUGEINT), which is read
    ~4 times faster than its hex text (8 M hashes at province scale: ~0.04 s instead of ~0.15 s a table).
    The values are then read a column at a time, in batches: a province's raw ledger has millions of
    candidates (all at once, the build's peak memory passed 6 GB). The values found clean are remembered
    in SQL once the table is done."""
    quoted = [f'"{c}"' for c in columns]
    branches = [f"select {i} as col, min({rowid}) as first_row, count(*) as n, {c} as value, md5_number({c}) as h "
                f"from {relation} where {_candidate_sql(c, names)} group by {c}" for i, c in enumerate(quoted)]
    # Most candidates of a free-text column are there only for the known names (a surname and a Han character):
    # `detect` says which distinct values the identifier and address detector must read too.
    detect_sql = _candidate_sql("value", None) if names and names.initials_pattern else "true"
    con.execute(f"create or replace temp table _candidates as select *, {detect_sql} as detect from ("
                + " union all ".join(branches) + ")")
    if not con.execute("select count(*) from _candidates").fetchone()[0]:
        return
    # Where a value is met first is where it is validated: a value in two columns is checked once.
    con.execute("create or replace temp table _unchecked as select col, first_row, n, value, h, detect, "
                "row_number() over (partition by h order by col, first_row) = 1 as first_seen from _candidates c "
                "where not exists (select 1 from clean_values v where v.h = c.h)")
    # by value, not by its hash: DuckDB hands a UHUGEINT to Python ~250 times slower than a string
    found_in: dict[str, list[Finding]] = {}  # the values with findings (few: any finding fails the gate)
    for col, column in enumerate(columns):
        cursor = con.execute("select first_row, n, value, first_seen, detect from _unchecked where col = ? "
                             "order by first_row", [col])
        while batch := cursor.fetchmany(FETCH_ROWS):
            for first_row, n, value, first_seen, detect in batch:
                if first_seen:
                    found = findings_in_value(str(value), names, detect=detect)
                    if found:
                        found_in[str(value)] = found
                else:
                    found = found_in.get(str(value), [])
                place = f"rowid {first_row}" + (f"（共 {n} 行 / {n} rows）" if n > 1 else "")
                for f in found:
                    yield PiiFinding(f"{name}.{column}", place, f.kind, _hide(f.text))
    con.execute("insert into clean_values select h from _unchecked where first_seen "
                "and value::varchar not in (select unnest(?::varchar[]))", [list(found_in)])


def _scan_table(con: duckdb.DuckDBPyConnection, state: AuditState, table: _Table, now: dict[str, str],
                before: dict[str, str], names: KnownNames | None = None) -> Iterator[PiiFinding]:
    """The parts of a table whose fingerprint differs from the one it last passed with (`now` against
    `before`); recorded as passed when clean (and when parts were only deleted)."""
    changed = sorted(p for p, fp in now.items() if before.get(p) != fp)
    if not changed:
        if now != before:
            state.passed(table.name, now)  # forgets the parts that were deleted
        return
    relation, rowid = table.relation, "rowid"
    if table.part and len(changed) < len(now):
        # The changed parts' rows, read once (not once per column: a province's raw ledger has 5 M rows).
        where = _rows_of(con, table, changed) or "where false"
        con.execute(f"create or replace temp table _changed_rows as select rowid as _rowid, {table.select_list} "
                    f"from {relation} {where}")
        relation, rowid = "_changed_rows", "_rowid"
    found = False
    for finding in _scan_columns(con, state, relation, table.name, table.columns, names, rowid):
        found = True
        yield finding
    if not found:
        state.passed(table.name, now)


def known_names(path: Path, key: bytes | None) -> KnownNames | None:
    """The known names' hashes of the warehouse at `path` (None without a key or a warehouse)."""
    if key is None or not path.exists():
        return None
    con = duckdb.connect(config=duckdb_config())
    try:
        con.execute(f"attach '{_sql_text(path)}' as wh (read_only)")
        return KnownNames.load(con, key, f"wh.{NAMES_TABLE}")
    finally:
        con.close()


def scan_warehouse(path: Path, state: AuditState | None = None, names: KnownNames | None = None,
                   schemas: Callable[[str], bool] | None = None,
                   custody: raw_custody.Custody | None = None) -> Iterator[PiiFinding]:
    """Findings in every text column of every table (of the `schemas` it says yes to); with a state, only in
    what changed since it passed. With the raw tables' custody (of the state's epoch), only the parts their
    journal names are fingerprinted again; without, a full audit that passes them all starts an epoch."""
    if not path.exists():
        return
    own = state is None
    state = state or AuditState.open(None)
    con = state.con
    con.execute(f"attach '{_sql_text(path)}' as wh (read_only)")
    try:
        before = state.all_fingerprints()
        journal = None
        if custody is not None and state.epoch == custody.epoch:
            journal = raw_custody.changed_parts(con, f"wh.{raw_custody.JOURNAL}", custody.seen)
        raw_passed = schemas is None or all(schemas(s) for s in SCHEMAS_IN_CUSTODY)
        for table in _tables(con, schemas):
            was = before.get(table.name, {})
            now = _fingerprints_in_custody(con, table, was, journal)
            for finding in _scan_table(con, state, table, now, was, names):
                raw_passed = raw_passed and table.schema not in SCHEMAS_IN_CUSTODY
                yield finding
        if raw_passed and journal is None and state.persistent:
            state.start_epoch()
    finally:
        con.execute("detach wh")
        if own:
            state.close()


def _fingerprints_in_custody(con: duckdb.DuckDBPyConnection, table: _Table, before: dict[str, str],
                             journal: dict[str, tuple[str, set[str]]] | None) -> dict[str, str]:
    """A table's fingerprints now: with the raw tables' journal, those it last passed with, but for the parts
    journalled since (a table with other text columns, or journalled by another column than its part column,
    is read whole). None passed is an empty table: the epoch's full audit read every raw table there was, and
    a raw table created since is created empty."""
    if journal is None or table.schema not in SCHEMAS_IN_CUSTODY \
            or any(not fp.startswith(_head(table) + ":") for fp in before.values()):
        return _fingerprints(con, table)
    column, parts = journal.get(table.name, (table.part, set()))
    if column != table.part or (parts and not table.part):
        return _fingerprints(con, table)
    now = {p: fp for p, fp in before.items() if p not in parts}
    return now | (_fingerprints(con, table, parts) if parts else {})


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


# --------------------------------------------------------------------------------------------- files


def _xlsx_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Shared strings and inline cell text of a workbook, read as XML so nothing is evaluated."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml") and (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
                yield name, zf.read(name).decode("utf-8", errors="replace")


@cache
def vendor_asset_hashes() -> frozenset[str]:
    """SHA-256 of third-party files shipped unchanged in publications (plotly.min.js). Minified library code
    is full of digit runs that look like card or phone numbers; a byte-identical copy is skipped, any
    changed copy is scanned like every other file."""
    import plotly

    js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return frozenset({hashlib.sha256(js.read_bytes()).hexdigest()} if js.exists() else set())


def _piece_start(text: str, pos: int) -> int:
    """Where the boundary-free piece holding `pos` starts (searching back in growing windows)."""
    width = 256
    while True:
        lo = max(0, pos - width)
        last = None
        for last in _BOUNDARY.finditer(text, lo, pos):  # noqa: B007 - only the last one is wanted
            pass
        if last is not None:
            return last.end()
        if lo == 0:
            return 0
        width *= 8


def find_in_text(text: str, names: KnownNames | None = None) -> Iterator[Finding]:
    """The audit's findings over `text`: identifiers run only on the pieces that can hold one (same findings);
    address shapes and known names over the whole text when it has a candidate."""
    end = -1
    for m in _CANDIDATE.finditer(text):
        if m.start() < end:
            continue
        start = _piece_start(text, m.start())
        stop = _BOUNDARY.search(text, m.end())
        end = stop.start() if stop else len(text)
        yield from (f for f in find_personal_data(text[start:end]) if f.kind in AUDIT_KINDS)
    if _ADDRESS_CANDIDATE.search(text):
        yield from (f for f in find_shapes(text) if f.kind == "address")
    if names:
        yield from names.find(text)


def findings_in_texts(texts: list[tuple[str, str]], names: KnownNames | None = None,
                      clean: set[str] | None = None) -> Iterator[tuple[str, Finding]]:
    """`find_in_text` of each (place, text), the same findings in the same order, with the searches done once
    over all the texts in Rust where they can: a published file is a few very long lines (a page's figure data,
    a workbook's shared strings) that Python's regular expressions crawl through.

    Identifiers: the distinct boundary-free pieces with a candidate are validated once each (`clean`: pieces
    found clean in earlier files, learned here); when none holds a finding (as in a passing audit), neither does
    any text's, else every text is searched as before. Address shapes in the whole text and known names: only
    the texts their one-pass pre-filters flag are searched."""
    clean = set() if clean is None else clean
    pieces = _candidate_pieces([text for _, text in texts]) - clean
    if any(f.kind in AUDIT_KINDS for piece in pieces for f in find_personal_data(piece)):
        for place, text in texts:
            for f in find_in_text(text, names):
                yield place, f
        return
    if len(clean) + len(pieces) > MAX_CLEAN_PIECES:  # bounded: past it, forgotten (only work is saved)
        clean.clear()
    clean |= pieces
    distinct = {text for _, text in texts}
    addressed = _matching(distinct, ADDRESS_RE2, _ADDRESS_CANDIDATE)
    name_free = names.unchanged_texts(distinct) if names else distinct
    for place, text in texts:
        if text in addressed:
            for f in find_shapes(text):
                if f.kind == "address":
                    yield place, f
        if names and text not in name_free:
            for f in names.find(text):
                yield place, f


# Rust (polars) searches many or long texts in one pass where Python's `re` crawls; below this, `re` does.
VECTOR_MIN_CHARS = 1 << 16
MAX_CLEAN_PIECES = 1_000_000  # of one scan's files: a figure's numbers recur in every region's pages
# A whole boundary-free piece holding a candidate (leftmost-first: from the piece's start to its end), in the
# syntax of Rust's regex, where `\d` is Unicode's decimal digits as in Python (a newer Unicode: never fewer).
_PIECE_WITH_CANDIDATE = "[^{b}*(?:{c})[^{b}*".format(b=_BOUNDARY.pattern[1:], c=_CANDIDATE.pattern)


def _vectorised(texts: Collection[str]) -> bool:
    return len(texts) >= VECTOR_MIN_TEXTS or sum(map(len, texts)) >= VECTOR_MIN_CHARS


def _matching(texts: set[str], pattern: str, regex: re.Pattern[str]) -> set[str]:
    """Those of `texts` `regex` matches in; `pattern` is the same expression in Rust's syntax (no class whose
    meaning differs: the same texts either way)."""
    if not _vectorised(texts):
        return {t for t in texts if regex.search(t)}
    listed = list(texts)
    return set(compress(listed, matches_each(listed, pattern)))


def _candidate_pieces(texts: list[str]) -> set[str]:
    """The distinct boundary-free pieces of the texts that `find_in_text` validates: those with a candidate (a
    candidate never holds a boundary, so it lies in one piece)."""
    if _vectorised(texts):
        import polars as pl

        found = pl.Series(texts, dtype=pl.String).str.extract_all(_PIECE_WITH_CANDIDATE).explode().drop_nulls()
        pieces = set(found.unique().to_list())
    else:
        pieces = {piece for text in texts for piece in _BOUNDARY.split(text)}
    return {piece for piece in pieces if _CANDIDATE.search(piece)}


def _texts_to_search(path: Path, data: bytes,
                     state: AuditState | None = None) -> tuple[list[tuple[str, str]], list[bytes]]:
    """A file's texts to search, by place (none for a kind of file not searched), and the MD5 of the lines
    among them that the state should keep if the file is clean. Given the state, a long text file is searched
    only in the lines not found clean before (each line is searched on its own: the others' findings are the
    same)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return list(_xlsx_texts(path)), []
    if suffix not in TEXT_SUFFIXES:
        return [], []
    text = data.decode("utf-8", errors="replace")
    texts = [(f"line {lineno}", line) for lineno, line in enumerate(text.splitlines(), start=1)]
    if state is None or len(texts) < LINE_MEMO_MIN_LINES:
        return texts, []
    md5, seen = hashlib.md5, state.clean_lines
    digests = [md5(line.encode(), usedforsecurity=False).digest() for _, line in texts]
    new = [i for i, d in enumerate(digests) if d not in seen]
    return [texts[i] for i in new], [digests[i] for i in new]


def _scan_file(path: Path, texts: list[tuple[str, str]], names: KnownNames | None = None,
               clean: set[str] | None = None) -> Iterator[PiiFinding]:
    """The findings in one file's texts (`_texts_to_search`)."""
    for place, f in findings_in_texts(texts, names, clean):
        yield PiiFinding(str(path), place, f.kind, _hide(f.text))


def scan_files(root: Path, state: AuditState | None = None,
               names: KnownNames | None = None) -> Iterator[PiiFinding]:
    """Findings in every file under `root`; with a state, files already found clean are skipped — unchanged
    since (same stat: not read at all), or with the same bytes — and clean ones are remembered."""
    if not root.exists():
        return
    clean: set[str] = set()  # pieces validated clean in this root's files
    still_before = time.time_ns() - STILL_NS
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        st = path.stat()
        key = stat_key(st)
        if state and key in state.stats:
            continue
        still = max(st.st_mtime_ns, st.st_ctime_ns) < still_before
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if (path.suffix == ".js" and sha in vendor_asset_hashes()) or (state and sha in state.files):
            if state and still:
                state.stat_passed(key)
            continue
        found = False
        texts, lines = _texts_to_search(path, data, state)
        for finding in _scan_file(path, texts, names, clean):
            found = True
            yield finding
        if state and not found:
            state.file_passed(sha)
            state.lines_passed(lines)
            if still:
                state.stat_passed(key)


# dbt reads these schemas and never writes them (its models, seeds and hooks write staging, intermediate, marts and
# reference: dbt_project.yml; tests/test_build_gate.py checks the manifest), so a build audits them before
# dbt starts, while dbt imports itself and parses the project (see `Audit`).
SCHEMAS_DBT_ONLY_READS = frozenset({"raw"})
# Written by ingest only, which journals the parts it changes (warehouse.raw_custody).
SCHEMAS_IN_CUSTODY = frozenset({"raw"})


class Audit:
    """One audit in steps, each adding its findings (at most MAX_FINDINGS in all): the warehouse's tables (all,
    or those of some schemas), then the folders. A build runs the steps where they cost least: the tables dbt
    only reads before dbt starts, the folders in a thread while dbt runs, the tables dbt writes after it. With
    `state_path`, what a passing audit saw unchanged is not read again (see AuditState), and with the raw
    tables' `custody` too their parts not journalled since; with the pseudonymisation `key`, the natural
    persons' names known from the ledgers are searched for too."""

    def __init__(self, warehouse: Path, folders: list[Path], state_path: Path | None = None,
                 key: bytes | None = None, custody: raw_custody.Custody | None = None) -> None:
        self.warehouse, self.folders, self.state_path, self.custody = warehouse, folders, state_path, custody
        self.names = known_names(warehouse, key)
        self.state = AuditState.open(state_path)
        self.findings: list[PiiFinding] = []

    def free_memory(self) -> None:
        """Close the state's DuckDB instance and open it again, keeping what it recorded: scanning a province's
        raw tables for the first time leaves GBs in it (candidate values, the warehouse's blocks), which a build
        would otherwise hold while dbt, with a memory limit of its own, runs beside it (8.2 GB at province scale)."""
        self.state.close()
        self.state = AuditState.open(self.state_path)

    def tables(self, schemas: Callable[[str], bool] | None = None) -> None:
        """The warehouse's tables (of the `schemas` it says yes to). The warehouse is attached only meanwhile."""
        self._collect([scan_warehouse(self.warehouse, self.state, self.names, schemas, self.custody)])

    def files(self) -> None:
        """The folders' files."""
        self._collect([scan_files(f, self.state, self.names) for f in self.folders])

    def _collect(self, sources: list[Iterator[PiiFinding]]) -> None:
        try:
            for source in sources:
                if len(self.findings) >= MAX_FINDINGS:
                    return
                for finding in source:
                    self.findings.append(finding)
                    if len(self.findings) >= MAX_FINDINGS:
                        return
        finally:
            for source in sources:
                source.close()  # an unfinished table is not recorded as passed

    def close(self) -> None:
        self.state.close()

    def everything(self) -> list[PiiFinding]:
        """Every step at once (the tables, then the folders), then closed: the audit outside a build."""
        try:
            self.tables()
            self.files()
        finally:
            self.close()
        return self.findings


def audit(warehouse: Path, folders: list[Path], state_path: Path | None = None,
          key: bytes | None = None) -> list[PiiFinding]:
    """All findings (at most MAX_FINDINGS) in the warehouse and the given folders (see `Audit`)."""
    return Audit(warehouse, folders, state_path, key).everything()


def findings_json(findings: list[PiiFinding]) -> str:
    return json.dumps([f.__dict__ for f in findings], ensure_ascii=False, indent=1)
