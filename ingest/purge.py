"""Retention: delete archived raw files ingested before a date, keeping their hashes and reconciliation.

The landing archive is the only place that holds raw personal data; once a file is past retention its
copy goes, while `meta.files` keeps its hash, counts and a `purged_at` stamp, so the record of what
was received and how every row was accounted for survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from warehouse import raw_custody
from warehouse.connection import connect


@dataclass(frozen=True)
class PurgeResult:
    files: int
    bytes: int


def purge_landing(warehouse: Path, home: Path, before: date) -> PurgeResult:
    """Delete archive copies of files ingested before `before`; the caller holds the writer lock. It writes
    `meta.files` only, never a raw table: it keeps the raw tables' chain of custody (`warehouse.raw_custody`)."""
    # the schema is created on a new home, so there is a files table to read
    with raw_custody.kept(warehouse), connect(warehouse) as con:
        con.execute("alter table meta.files add column if not exists purged_at timestamp")
        rows = con.execute(
            "select file_sha256, archive_path from meta.files where purged_at is null and ingested_at < ?",
            [datetime.combine(before, datetime.min.time())],
        ).fetchall()
        removed = size = 0
        con.execute("begin transaction")
        for sha, archive_path in rows:
            path = home / archive_path if archive_path else None
            if path is not None and path.exists():
                size += path.stat().st_size
                path.unlink()
                removed += 1
            con.execute("update meta.files set purged_at = ? where file_sha256 = ?", [datetime.now(), sha])
        con.execute("commit")
        return PurgeResult(removed, size)
