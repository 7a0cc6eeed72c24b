"""One writer at a time: a second writer waits (and says so) or gives up with a sentence."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.errors import UserError
from warehouse.lock import writer_lock

HOLDER = """
import sys, time
from pathlib import Path
from warehouse.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(lock: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(seconds)], stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).parent.parent)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_writer_waits_for_the_first(tmp_path: Path):
    lock = tmp_path / "warehouse.lock"
    holder = _hold(lock, 1.5)
    waited: list[bool] = []
    start = time.monotonic()
    with writer_lock(lock, on_wait=lambda: waited.append(True)):
        elapsed = time.monotonic() - start
    holder.wait(timeout=10)
    assert waited == [True] and elapsed >= 1.0


def test_writer_gives_up_with_a_sentence(tmp_path: Path):
    lock = tmp_path / "warehouse.lock"
    holder = _hold(lock, 3)
    try:
        with pytest.raises(UserError) as info, writer_lock(lock, wait=False):
            pass
        assert "另一个任务" in info.value.message_zh
        with pytest.raises(UserError) as info, writer_lock(lock, timeout=0.5):
            pass
        assert info.value.message_en.startswith("gave up after waiting")
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_writer_releases_the_lock(tmp_path: Path):
    lock = tmp_path / "warehouse.lock"
    holder = _hold(lock, 60)
    holder.kill()  # SIGKILL: the OS drops the flock with the process
    holder.wait()
    with writer_lock(lock, wait=False):
        pass
