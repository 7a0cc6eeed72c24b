"""The worker's share of each chunk's protection follows the measured waits (`ingest.balance`)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from ingest import workers
from ingest.balance import MAX_STEP, START_SHARE, ShareBalance
from ingest.pipeline import Protected


def _balance(share: float = 0.25, chunks: int = 1) -> ShareBalance:
    """A balance past its first chunk, protecting at 50 µs per row."""
    return ShareBalance(share, seconds_per_row=50e-6, chunks=chunks)


def test_the_first_chunk_leaves_the_share_alone():
    """The parent waits for the first chunk whatever the share: that wait says nothing about the balance."""
    balance = ShareBalance(0.25, seconds_per_row=50e-6)
    assert balance.adjust(0.0, 30.0, 100_000) == 0.25
    assert balance.adjust(0.0, 1.0, 100_000) == pytest.approx(0.15)  # the second one counts


def test_half_the_gap_moves_to_the_process_that_waited():
    # the parent waited 1 s for the worker: 0.5 s of protection (10,000 rows at 50 µs) goes to the parent
    assert _balance().adjust(0.0, 1.0, 100_000) == pytest.approx(0.15)
    # the worker was blocked 1.6 s: 0.8 s (16,000 rows) more for it
    assert _balance().adjust(1.6, 0.0, 100_000) == pytest.approx(0.41)


def test_a_large_gap_moves_the_share_one_step_at_most_and_within_0_and_1():
    assert _balance().adjust(30.0, 0.0, 100_000) == pytest.approx(0.25 + MAX_STEP)
    assert _balance(0.1).adjust(0.0, 30.0, 100_000) == 0.0
    assert _balance(0.9).adjust(30.0, 0.0, 100_000) == 1.0


def test_small_gaps_unknown_waits_and_small_chunks_leave_it_alone():
    assert _balance().adjust(0.15, 0.0, 100_000) == 0.25  # within the dead band
    assert _balance().adjust(5.0, None, 100_000) == 0.25  # the parent has not said yet
    assert _balance().adjust(5.0, 0.0, 500) == 0.25  # a chunk of a few rows


def test_the_cost_per_row_is_measured_on_enough_rows():
    balance = _balance()
    balance.protected(0.5, 500)  # too few rows to say
    assert balance.seconds_per_row == 50e-6
    balance.protected(2.0, 20_000)
    assert balance.seconds_per_row == pytest.approx(100e-6)
    assert balance.adjust(0.0, 1.0, 100_000) == pytest.approx(0.20)  # 5,000 rows at 100 µs


class _Parent:
    """The parent's end of the pipe as the worker sees it: taking chunk 1 waits `slow` s (the parent still
    loading), and after each chunk it writes how long it waited for it (`waits`)."""

    def __init__(self, waited, waits: list[float], slow: float) -> None:
        self.waited, self.waits, self.slow, self.chunks = waited, waits, slow, 0

    def send_bytes(self, data: bytes) -> None:
        from multiprocessing.reduction import ForkingPickler

        if ForkingPickler.loads(data)[0] != "chunk":
            return
        if self.chunks == 1:
            time.sleep(self.slow)
        self.waited[1] = self.waits[self.chunks]
        self.waited[0] += 1
        self.chunks += 1

    def close(self) -> None:
        pass


def test_the_worker_sets_each_chunks_share_from_the_waits(monkeypatch):
    """Chunk 0's wait is the start; the worker is blocked 0.6 s handing chunk 1 over (the next gets more), then
    the parent waits 0.3 s for chunk 2 (the next gets less)."""
    monkeypatch.setenv(workers.WORKERS_ENV, "0")  # no validator process
    monkeypatch.setattr(workers, "_die_with_parent", lambda: None)
    monkeypatch.setattr(workers.signal, "signal", lambda *a: None)
    waited = [0.0, 0.0]
    parent = _Parent(waited, waits=[20.0, 0.0, 0.3, 0.0], slow=0.6)
    shares: list[float] = []

    def produce(tasks, how, alone, on_phase, validate):
        for _ in range(4):
            yield [SimpleNamespace(inspection=SimpleNamespace(parsed=[]))]

    def protect(chunk, share):
        shares.append(share)
        return Protected(2_000, 2_000, 0.2)  # 100 µs per row: 0.6 s blocked is 3,000 rows, past one step

    workers._worker_main(parent, [], None, frozenset(), None, produce, protect, waited)
    assert shares == pytest.approx([START_SHARE, START_SHARE, START_SHARE + MAX_STEP, START_SHARE])
    assert parent.chunks == 4
