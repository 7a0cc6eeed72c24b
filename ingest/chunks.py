"""Bounded chunks of prepared files: what one validation call and one load transaction see.

Files are read lazily and buffered per feed; a feed's buffer is flushed (validated, loaded, freed)
before the rows held in all buffers would pass the chunk size, so peak memory depends on the chunk
size, not on the number of files. A file is never split: one larger than the chunk is a chunk alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from warehouse.errors import UserError

DEFAULT_CHUNK_ROWS = 100_000  # ~1 GB of typed rows per chunk in flight; a worker holds two or three
CHUNK_ROWS_ENV = "LIANDONG_INGEST_CHUNK_ROWS"


def chunk_rows() -> int:
    """The chunk size in rows: `$LIANDONG_INGEST_CHUNK_ROWS` or the default."""
    raw = os.environ.get(CHUNK_ROWS_ENV, "").strip()
    if not raw:
        return DEFAULT_CHUNK_ROWS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise UserError(f"{CHUNK_ROWS_ENV} 必须是正整数（当前为「{raw}」）",
                        f"{CHUNK_ROWS_ENV} must be a positive whole number (it is '{raw}')")
    return value


@dataclass(frozen=True)
class _IpcTable:
    """A pyarrow Table as Arrow IPC stream bytes (`Pending` pickled)."""

    data: bytes


@dataclass
class Pending:
    """A prepared file waiting for its chunk: its inspection, archive path and place in the input."""

    position: int
    inspection: Any  # ingest.pipeline.Inspection
    stored: Any  # pathlib.Path of the archived copy
    # Made by a worker process (`ingest.pipeline.protect_chunk`): the natural persons' names the good rows hold,
    # their hashes and, for the files it made ready, those rows as stored (pseudonymised, masked, hashed: a
    # pyarrow Table).
    table: Any = None
    names: frozenset[str] | None = None
    hashed: list[tuple[str, str, str]] | None = None  # `names` hashed (`privacy.names.hashed_by_name`)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its table as Arrow IPC bytes: a worker hands it over in a fraction of the time a pickled
        table takes, and the parent reads the table back without copying its buffers."""
        state = dict(self.__dict__)
        table = state.get("table")
        if table is not None:
            import pyarrow as pa

            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            state["table"] = _IpcTable(sink.getvalue().to_pybytes())
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        table = state.get("table")
        if isinstance(table, _IpcTable):
            import pyarrow as pa

            state["table"] = pa.ipc.open_stream(pa.py_buffer(table.data)).read_all()
        self.__dict__.update(state)

    @property
    def rows(self) -> int:
        return len(self.inspection.parsed)

    @property
    def feed(self) -> str | None:
        """The feed whose transaction loads it; None for a file rejected before typing (record only)."""
        contract = self.inspection.contract
        return contract.id if contract is not None else None


@dataclass
class ChunkBuffer:
    """Prepared files per feed, flushed so that at most `limit` rows (or one larger file) are held."""

    limit: int
    groups: dict[str | None, list[Pending]] = field(default_factory=dict)
    rows: int = 0

    def add(self, item: Pending) -> Iterator[list[Pending]]:
        """Yield the chunks to load before `item` fits, then hold it."""
        while self.rows and self.rows + item.rows > self.limit:
            yield self._pop(max((f for f in self.groups if f is not None and self.groups[f]),
                                key=lambda f: sum(p.rows for p in self.groups[f])))
        self.groups.setdefault(item.feed, []).append(item)
        self.rows += item.rows

    def drain(self) -> Iterator[list[Pending]]:
        """Yield every remaining chunk, one per feed (files rejected before typing ride along)."""
        for feed in [f for f in self.groups if f is not None and self.groups[f]]:
            yield self._pop(feed)
        if self.groups.get(None):
            yield self._pop(None)

    def _pop(self, feed: str | None) -> list[Pending]:
        """One feed's files, with any record-only files waiting, in input order."""
        items = self.groups.pop(feed, [])
        if feed is not None:
            items += self.groups.pop(None, [])
        self.rows -= sum(p.rows for p in items)
        return sorted(items, key=lambda p: p.position)
