"""The collector's pace while ingesting (ingest/gc_pace.py): relaxed for the ingest, restored after it."""

from __future__ import annotations

import gc

from ingest import gc_pace


def test_the_collector_is_relaxed_during_an_ingest_and_restored_after_it():
    before = gc.get_threshold()
    try:
        with gc_pace.relaxed():
            assert gc.get_threshold() == (gc_pace.YOUNG_THRESHOLD, *before[1:])
            assert gc.get_freeze_count() > 0  # what was alive at the start is out of the collector's sight
            raise RuntimeError("an ingest that fails")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
