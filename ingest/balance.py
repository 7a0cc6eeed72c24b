"""How much of each chunk the worker process makes ready to store, adjusted chunk by chunk so that neither the
worker nor the loading process waits for the other.

The worker reads, types and validates chunk N+1 while the parent loads chunk N; the rows of a chunk are also
protected (pseudonymised, masked, hashed) before they are stored, by either process. A fixed share for the
worker suits one delivery and one warehouse size: on a province warehouse each commit and version join costs
the parent more, on a hotline-only delivery the worker reads less per row. So the worker measures, per chunk,
how long it was blocked handing the chunk over (the parent was still loading the one before) and how long the
parent waited for it (the worker was still reading), and moves half the difference of protection work from the
slower process to the other.
"""

from __future__ import annotations

from dataclasses import dataclass

# The share of the first chunks. Measured on the 0.1 bench delivery (4 December): all in the parent 107.9 s (the
# parent is the bottleneck), all in the worker 111.7 s (the worker is), half 100.7 s; later, with half the parent
# waited 4.9 s for each chunk after the first, with 0.3 2.0 s, while the worker's waits to hand a chunk over grew
# from 11.7 s to 14.6 s in all. A quarter was about balanced there; from the second chunk on it is measured.
START_SHARE = 0.25
MAX_STEP = 0.2  # the most the share moves after one chunk (chunks of one file, a feed's first chunk: noisy)
DEAD_BAND = 0.2  # seconds of waiting per chunk that are left alone
MIN_ROWS = 1_000  # a protection of fewer rows says little about the cost per row


@dataclass
class ShareBalance:
    """The worker's share of a chunk's good rows (0–1) and what it has measured so far."""

    share: float
    seconds_per_row: float = 60e-6  # the worker's protection cost per row (measured on the 0.1 delivery)
    chunks: int = 0

    def protected(self, seconds: float, rows: int) -> None:
        """The worker made `rows` rows ready in `seconds`."""
        if rows >= MIN_ROWS:
            self.seconds_per_row = seconds / rows

    def adjust(self, worker_blocked: float, parent_waited: float | None, rows: int) -> float:
        """The share for the next chunk, after one of `rows` good rows that the worker was blocked
        `worker_blocked` s handing over and the parent waited `parent_waited` s for (None: not known yet).

        The first chunk is left out: the parent waits for it whatever the share.
        """
        self.chunks += 1
        if self.chunks == 1 or parent_waited is None or rows < MIN_ROWS:
            return self.share
        gap = worker_blocked - parent_waited  # > 0: the parent is the slower one
        if abs(gap) < DEAD_BAND:
            return self.share
        step = gap / 2 / self.seconds_per_row / rows
        self.share = min(1.0, max(0.0, self.share + max(-MAX_STEP, min(MAX_STEP, step))))
        return self.share
