"""The raw tables' chain of custody: which parts of them changed since the PII gate last passed them, known
without reading them.

The gate fingerprints a table per part (per input file, or per agency for `raw.penalty_facts`) to find what
changed since it passed; at province scale that reads 5 M ledger rows and 36 text columns (~3 s of a ~15 s
incremental build) to find the one new file. Yet every change of a raw table is made by ingest, which knows
the parts it touched and writes them to a journal (`meta.raw_changes`) in the same transaction.

The journal is only to be trusted if nothing else wrote the warehouse. So each writer that keeps to the rules
(ingest, the build, the scorecard configuration, `liandong purge`: under the writer lock, raw tables changed
only with their journal) checks, before it opens the warehouse, that the file is exactly as the last such writer
left it (its stat: inode, size, modification and change times, and those of its WAL), and records the file's new
stat when it is done. Any other write — a DuckDB shell, a restored backup, a writer that failed half-way —
changes the stat without recording it, breaks the chain, and the next gate fingerprints every part again.

The custody (`<warehouse>.custody.json`) holds that stat, the audit state's epoch (a passing full audit of the
raw tables starts one; `privacy.pii_audit.AuditState`) and the journal's last entry the gate had read.
A write within the file system clock's tick of a writer's own last write, by a program ignoring the writer
lock, could go unseen; the lock is the contract. `liandong audit-pii --full` reads everything regardless.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

JOURNAL = "meta.raw_changes"


@dataclass(frozen=True)
class Custody:
    key: str  # the warehouse file's stat when the last writer keeping to the rules closed it
    epoch: str  # the audit state's epoch the raw tables' fingerprints belong to
    seen: int  # the journal's last entry when the gate last read the raw tables


def custody_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".custody.json")


def stat_key(st: os.stat_result) -> str:
    """A file as its stat describes it: the same inode with the same size, modification and change times.
    Any write changes the modification time, a rename or chmod the change time, so an unchanged key is an
    unchanged file (unless it changed within the clock's tick)."""
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _stat(path: Path) -> str:
    try:
        return stat_key(path.stat())
    except FileNotFoundError:
        return "-"


def warehouse_key(warehouse: Path) -> str:
    """The warehouse file and its write-ahead log as their stats describe them."""
    return f"{_stat(warehouse)}|{_stat(warehouse.with_name(warehouse.name + '.wal'))}"


def held(warehouse: Path) -> Custody | None:
    """The custody, if the warehouse is as the last writer keeping to the rules left it (else None)."""
    try:
        custody = Custody(**json.loads(custody_path(warehouse).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return custody if custody.key == warehouse_key(warehouse) else None


def drop(warehouse: Path) -> None:
    """Break the chain: the next gate reads every part of the raw tables."""
    custody_path(warehouse).unlink(missing_ok=True)


def grant(warehouse: Path, epoch: str, seen: int) -> None:
    """After a gate passed the raw tables: the warehouse as it is now, with their fingerprints' epoch."""
    _write(warehouse, Custody(warehouse_key(warehouse), epoch, seen))


def hand_over(warehouse: Path, custody: Custody | None) -> None:
    """After a writer keeping to the rules closed the warehouse: its new stat, if the chain held when it
    opened it; else the chain stays broken."""
    if custody is None:
        drop(warehouse)
    else:
        _write(warehouse, replace(custody, key=warehouse_key(warehouse)))


def _write(warehouse: Path, custody: Custody) -> None:
    path = custody_path(warehouse)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(custody)), encoding="utf-8")
    os.replace(tmp, path)


@contextmanager
def kept(warehouse: Path) -> Iterator[Custody | None]:
    """Around a writer keeping to the rules (under the writer lock, the warehouse closed at the end): the
    custody it found, handed over when it finishes; dropped if it fails."""
    custody = held(warehouse)
    try:
        yield custody
    except BaseException:
        drop(warehouse)
        raise
    hand_over(warehouse, custody)


def record_changed_parts(con: Any, table: str, column: str, parts_sql: str) -> None:
    """Journal the parts (values of `column`, '' for NULL) of `table` that a statement of this transaction
    changes or may change; `parts_sql` selects them (one column). More is harmless, fewer is not."""
    con.execute(f"insert into {JOURNAL} select nextval('meta.raw_change_seq'), ?, ?, p "
                f"from (select distinct coalesce(cast(p as varchar), '') as p from ({parts_sql}) t(p))",
                [table, column])


def journal_head(con: Any) -> int:
    """The journal's last entry (0 when empty)."""
    return int(con.execute(f"select coalesce(max(seq), 0) from {JOURNAL}").fetchone()[0])


def forget_read(con: Any, custody: Custody | None) -> None:
    """Drop the journal's entries the gate has read (only while the chain holds: else they may be needed)."""
    if custody is not None:
        con.execute(f"delete from {JOURNAL} where seq <= ?", [custody.seen])


def changed_parts(con: Any, journal: str, since: int) -> dict[str, tuple[str, set[str]]]:
    """Per table, the part column and the parts journalled after entry `since` (`journal`: the relation)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for table, column, parts in con.execute(
            f"select table_name, part_column, list(distinct part) from {journal} where seq > ? group by all",
            [since]).fetchall():
        if table in out:  # one table journalled by two columns: read it all (see the caller)
            out[table] = ("", set())
        else:
            out[table] = (column, set(parts))
    return out
