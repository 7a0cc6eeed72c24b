"""The cyclic garbage collector's pace while ingesting.

Typing and protecting a delivery allocates millions of small objects that live until their chunk is loaded
(rows, their cells, dicts) and hold no reference cycles. Python's collector, at its default pace (a young
collection every 700 allocations), scans them again and again, and a full collection scans everything alive,
including every module imported (pandas, polars, Great Expectations: hundreds of thousands of objects).
While ingesting, what is alive at the start is frozen (`gc.freeze`: never scanned again) and young collections
are rarer; cycles are still collected.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

YOUNG_THRESHOLD = 50_000  # allocations between two young collections (Python's default: 700)


def relax() -> None:
    """For a process that only ingests (the reading worker, the validator): for the rest of its life."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


@contextlib.contextmanager
def relaxed() -> Iterator[None]:
    """`relax` for one ingest in a process that goes on afterwards (the CLI, Dagster, tests): undone after."""
    before = gc.get_threshold()
    relax()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
