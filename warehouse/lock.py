"""The warehouse writer lock: DuckDB allows one writer per file.

Every process that writes (CLI ingest/build, Dagster runs, the sensor) takes it first, so a second writer
waits with a visible message instead of hitting DuckDB's lock error.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import UserError


@contextmanager
def writer_lock(
    lock_path: Path, *, wait: bool = True, timeout: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse writer lock (an flock, released by the OS if the process dies)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise UserError("仓库正被另一个任务写入，请稍后再试",
                                "the warehouse is being written by another job; try again later") from None
            if on_wait:
                on_wait()
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise UserError(f"等待仓库写锁超过 {timeout:.0f} 秒，已放弃",
                                        f"gave up after waiting {timeout:.0f} s for the warehouse lock") from None
                    time.sleep(0.2)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
