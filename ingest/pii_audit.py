"""Scan the warehouse and the published files for personal data that escaped pseudonymisation.

Every text column of every table (the landing archive is outside the warehouse and is not scanned) and
every file of the site and exports is searched with the same detector that masks text at ingest
(`ingest.mask.find_personal_data`, with check-digit validation). `liandong build` and `publish` run it
as a gate: any finding fails the run with its locations.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from ingest.mask import SAFE_WHOLE_VALUE, find_personal_data

# Values with a run of 7+ digits, an 'X'-terminated ID or an '@' are the only candidates: DuckDB filters
# them before Python validates check digits, so large tables stay cheap to scan. A value that is wholly a
# pseudonym or a content hash is never a finding (mask.SAFE_WHOLE_VALUE), so it is not fetched;
# each distinct value is checked once, reported with its first row and how many rows hold it.
_CANDIDATE_SQL = (r"regexp_matches({col}, '\d{{7,}}|\d{{17}}[Xx]|@')"
                  " and not regexp_matches({col}, '" + SAFE_WHOLE_VALUE.replace("{", "{{").replace("}", "}}") + "')")
TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".txt", ".md", ".js", ".svg", ".xml", ".tsv"}
MAX_FINDINGS = 1000


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


def scan_warehouse(path: Path) -> Iterator[PiiFinding]:
    if not path.exists():
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute("""
            select c.table_schema, c.table_name, c.column_name
            from information_schema.columns c
            join information_schema.tables t using (table_catalog, table_schema, table_name)
            where t.table_type = 'BASE TABLE' and c.data_type in ('VARCHAR', 'JSON')
            order by all""").fetchall()
        for schema, table, column in columns:
            col = f'"{column}"'
            rows = con.execute(
                f'select min(rowid), count(*), {col} from "{schema}"."{table}" '
                f'where {_CANDIDATE_SQL.format(col=col)} group by {col} order by 1'
            ).fetchall()
            for rowid, n, value in rows:
                where = f"rowid {rowid}" + (f"（共 {n} 行 / {n} rows）" if n > 1 else "")
                for f in find_personal_data(str(value)):
                    yield PiiFinding(f"{schema}.{table}.{column}", where, f.kind, _hide(f.text))
    finally:
        con.close()


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


def _is_vendor_asset(path: Path) -> bool:
    return path.suffix == ".js" and hashlib.sha256(path.read_bytes()).hexdigest() in vendor_asset_hashes()


def scan_files(root: Path) -> Iterator[PiiFinding]:
    if not root.exists():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if _is_vendor_asset(path):
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            for lineno, line in enumerate(text.splitlines(), start=1):
                for f in find_personal_data(line):
                    yield PiiFinding(str(path), f"line {lineno}", f.kind, _hide(f.text))
        elif suffix == ".xlsx":
            for part, text in _xlsx_texts(path):
                for f in find_personal_data(text):
                    yield PiiFinding(str(path), part, f.kind, _hide(f.text))


def audit(warehouse: Path, folders: list[Path]) -> list[PiiFinding]:
    """All findings (at most MAX_FINDINGS) in the warehouse and the given folders."""
    findings: list[PiiFinding] = []
    sources = [scan_warehouse(warehouse), *(scan_files(f) for f in folders)]
    for source in sources:
        for finding in source:
            findings.append(finding)
            if len(findings) >= MAX_FINDINGS:
                return findings
    return findings


def findings_json(findings: list[PiiFinding]) -> str:
    return json.dumps([f.__dict__ for f in findings], ensure_ascii=False, indent=1)
