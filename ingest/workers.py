"""Both cores for `ingest_files`: a worker process reads, types and validates chunk N+1 while the parent
loads chunk N into DuckDB.

Only the parent opens the warehouse (one writer). The worker runs the very generator the in-process path
runs (`ingest.pipeline.prepared_chunks`), so it yields the same chunks in the same order, and the parent
loads them exactly as it would have. The pipe is the flow control: the worker blocks sending chunk N+1
until the parent has taken it, so at most two chunks are held (one loading, one ready) and memory stays
bounded by the chunk size.

The worker is started with **spawn**, not fork: the parent already holds an open DuckDB connection (with
its own threads and file lock) when the worker starts, and forking a process with running threads copies
locks held by those threads into a child that can never release them; a spawned child starts clean and
imports only what it needs (Great Expectations included, which then never costs the parent anything).

A file whose reading crashes the worker (a segfault in a reader, an out-of-memory kill) or hangs it
past its time limit (`LIANDONG_INGEST_TIMEOUT` seconds, default 600, plus 1 s per 20 kB) is rejected
alone: the worker is replaced and goes on with the files not yet loaded.
A crash while validating a chunk of several files retries those files one by one to find the culprit.

With two cores, a delivery of at least `WORKER_MIN_BYTES` is read in a worker; `LIANDONG_INGEST_WORKERS=1`
forces the worker, `0` keeps everything in process. The worker's rows go to the parent as columns or as stored
tables (Arrow IPC), without the cells as written (used for typing and messages only). The worker validates
through a validator process of its own, one chunk ahead: three processes on two cores, each chunk read,
validated and loaded side by side. In process (with two cores), Great Expectations runs in a validator process
started at once, so its import and context creation overlap the reading instead of following it.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler
from typing import Any

from data_contracts.model import load_contract
from ingest import gc_pace
from ingest.balance import START_SHARE, ShareBalance
from ingest.chunks import Pending
from warehouse.errors import UserError

WORKERS_ENV = "LIANDONG_INGEST_WORKERS"
TIMEOUT_ENV = "LIANDONG_INGEST_TIMEOUT"  # seconds a file may take to read (plus its size allowance)
DEFAULT_TIMEOUT = 600.0  # a file's base time limit in the worker; a hang is stopped after this
BYTES_PER_SECOND = 20_000  # allowance per byte of the file (a slow xlsx reads at ~100 kB/s)
POLL_SECONDS = 0.5
WORKER_MIN_BYTES = 32_000_000  # a delivery this large is read in a worker process by default (two cores)
# Great Expectations imports Spark, SQLAlchemy and ODBC support whenever they are installed (the Spark extra,
# Dagster's SQLAlchemy); a validator checks pandas frames only, and its import, which the first chunk of
# every ingest waits for, is ~0.6 s shorter without them (2.6 → 2.0 s).
NOT_FOR_VALIDATION = ("pyspark", "sqlalchemy", "pyodbc")
# GX imports scipy.stats for three distribution expectations no contract uses (`from scipy import stats` at the
# top of their modules): loaded lazily, on first use, it leaves ~0.5 s of the validator's ~2 s import.
LAZY_FOR_VALIDATION = ("scipy.stats",)
PREPARE: str | None = None  # "module:function" the worker reads files with instead of prepare_file (tests)


class PreparationStopped(Exception):
    """The worker stopped (crashed or timed out) on this file; the file is rejected, the others go on."""


@dataclass
class _Failed(Exception):
    suspects: list[int]
    reason: str


def workers_wanted(paths: Sequence[Any]) -> bool:
    """Whether the files at `paths` go through a worker process: forced by `$LIANDONG_INGEST_WORKERS`, else when there
    are two cores, at least two files (one file is one chunk: nothing to overlap) and enough bytes."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value < 0:
            raise UserError(f"{WORKERS_ENV} 必须是 0（在本进程中读取）或 1（在工作进程中读取）（当前为「{raw}」）",
                            f"{WORKERS_ENV} must be 0 (read in process) or 1 (read in a worker process); "
                            f"it is '{raw}'")
        return value >= 1 and bool(paths)
    # Measured (4 December, quiet machine, chunks of 100,000 rows): the 0.1 bench delivery (630,980 rows, 221 MB)
    # took 121 s with the worker against 160 s in process, the 0.02 one (41 MB) 32 s against 35 s. A small
    # delivery (the sample, one new file) does not repay starting a process: it is read here.
    return _cores() >= 2 and len(paths) >= 2 and sum(map(_size, paths)) >= WORKER_MIN_BYTES


def warm_validator(paths: Sequence[Any]) -> None:
    """Start the validator process at once when the files will be read in this process (a small delivery,
    such as one new file): Great Expectations then imports while the warehouse is opened and the files are
    hashed, instead of after (about 1.7 s of the 8 s a 10,000-row file takes). A delivery a worker reads
    starts none here: the worker has its own."""
    if not workers_wanted(paths):
        validator()


def chunks_for(tasks: Sequence[Any], how: Any, prepared_chunks: Callable[..., Iterator[list[Pending]]],
               stopped: Callable[[Any, Any, Exception], Pending],
               protect: Callable[..., Any] | None = None) -> Iterator[list[Pending]]:
    """The validated chunks of the files (`ingest.pipeline.PrepareTask`s), in load order: from a worker
    process or read here. `prepared_chunks` makes them (`ingest.pipeline.prepared_chunks`, passed in so this
    module does not import the pipeline); `stopped` is the record-only chunk of a file the worker stopped on;
    `protect` (`ingest.pipeline.protect_chunk`, pickled when a worker starts) is what a worker does to each
    chunk before sending it: the rows made ready to store there, on the other core."""
    if not tasks:
        return
    if workers_wanted([t.path for t in tasks]):
        yield from _from_worker(list(tasks), how, prepared_chunks, stopped, protect)
        return
    yield from prepared_chunks(tasks, how, validate=validator())


_VALIDATOR: Validator | None = None


def validator() -> Validator | None:
    """The process's validator process, started on first use and kept for later calls (a long-lived
    process such as Dagster's or a test run pays the GX import once); None with one core, when forced in
    process (`LIANDONG_INGEST_WORKERS=0`), or when GX is already imported here (nothing left to save)."""
    global _VALIDATOR
    if _cores() < 2 or os.environ.get(WORKERS_ENV, "").strip() == "0":
        return None
    if _VALIDATOR is not None and _VALIDATOR.conn is not None:
        return _VALIDATOR
    if "great_expectations" in sys.modules:
        return None
    first = _VALIDATOR is None
    _VALIDATOR = Validator()
    if first:  # registered after multiprocessing's own exit handler, so it runs before it: the validator
        atexit.register(_close_validator)  # exits on its own, instead of being killed holding semaphores
    return _VALIDATOR if _VALIDATOR.conn is not None else None


def _close_validator() -> None:
    if _VALIDATOR is not None:
        _VALIDATOR.close()


class RemoteValidationError(Exception):
    """Validation raised in the validator process (contained per file, as an error raised here would be)."""


class Validator:
    """Great Expectations in a spawned process, for the process that reads the files (this one or the worker).

    Importing GX and creating its context costs seconds of pure Python; in a process of its own it runs on
    the other core while this one reads the files, instead of after them. Frames go over a pipe and the
    report comes back. If the process cannot start or dies, validation happens here as before.
    """

    def __init__(self) -> None:
        self.conn: Any = None
        self.sending: _Sending | None = None
        try:
            ctx = multiprocessing.get_context("spawn")  # see the module docstring: never fork
            self.conn, child = ctx.Pipe()
            self.proc = ctx.Process(target=_validator_main, args=(child,), daemon=True,
                                    name="liandong-validator")
            self.proc.start()
            child.close()
        except OSError:
            self.conn = None

    def __call__(self, contract: Any, frame: Any, today: Any) -> Any:
        return self.submit(contract, frame, today)()

    def submit(self, contract: Any, frame: Any, today: Any) -> Callable[[], Any]:
        """Send a frame now and return how to collect its report: Great Expectations runs while the caller
        reads on. One frame at a time: collect a report before submitting the next frame."""
        if self.conn is not None:
            sending = _Sending(self.conn, ForkingPickler.dumps((contract.id, frame, today)))
            self.sending = sending
            return _Report(lambda: self._report(contract, frame, today, sending), self._ready)
        return lambda: self._here(contract, frame, today)

    def _ready(self) -> bool:
        """Whether the report sent for is back (or the process is gone: collecting it then validates here)."""
        if self.conn is None or (self.sending is not None and self.sending.failed):
            return True
        try:
            return bool(self.conn.poll())
        except (EOFError, OSError):
            return True

    def _report(self, contract: Any, frame: Any, today: Any, sending: _Sending) -> Any:
        if self.conn is not None:
            try:
                if not sending.finish():
                    raise EOFError
                kind, value = self.conn.recv()
            except (EOFError, OSError):  # the process died: validate here from now on
                self.close()
            else:
                if kind == "ok":
                    return value
                raise value if isinstance(value, Exception) else RemoteValidationError(value)
        return self._here(contract, frame, today)

    @staticmethod
    def _here(contract: Any, frame: Any, today: Any) -> Any:
        from data_contracts.gx_runner import validate_frame

        return validate_frame(contract, frame, today)

    def close(self) -> None:
        if self.conn is None:
            return
        if self.sending is not None:  # a frame still going out: it ends once the process is gone or read it
            self.sending.thread.join(10)
        with contextlib.suppress(OSError):
            self.conn.close()
        self.conn = None
        self.proc.join(10)  # it exits on its own once the pipe is closed
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)


class _Sending:
    """A pickled frame written to the validator by a thread: the write waits while the validator is busy (at first:
    importing GX) and holds no lock meanwhile, so the caller goes on (protecting the rows, reading the next file)."""

    def __init__(self, conn: Any, data: Any) -> None:
        self.failed = False
        self.thread = threading.Thread(target=self._send, args=(conn, data), name="liandong-validator-send",
                                       daemon=True)
        self.thread.start()

    def _send(self, conn: Any, data: Any) -> None:
        try:
            conn.send_bytes(data)
        except (EOFError, OSError, ValueError):  # the process died, or the pipe was closed
            self.failed = True

    def finish(self) -> bool:
        """Wait for the write; whether the frame went out."""
        self.thread.join()
        return not self.failed


@dataclass(frozen=True)
class _Report:
    """How to collect a report sent for (call it), and whether it is back yet (`ready`: the caller works on
    meanwhile, see `ingest.pipeline.stage_protection`)."""

    collect: Callable[[], Any]
    ready: Callable[[], bool]

    def __call__(self) -> Any:
        return self.collect()


def _validator_main(conn: Any) -> None:
    """Import GX and create its context at once, then validate each frame received until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in NOT_FOR_VALIDATION:  # GX imports these only if they are there (its compatibility modules)
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # an import of it now raises ImportError
    for name in LAZY_FOR_VALIDATION:
        _import_lazily(name)
    try:
        from data_contracts import gx_runner

        gx_runner.warm()
        gc_pace.relax()  # GX's context and modules, never scanned again
        while True:
            feed, frame, today = conn.recv()
            try:
                conn.send(("ok", gx_runner.validate_frame(load_contract(feed), frame, today)))
            except Exception as exc:  # the parent contains it per file, as if raised there
                try:
                    conn.send(("error", exc))
                except Exception:  # an exception that does not pickle: its kind and text
                    conn.send(("error", f"{type(exc).__name__}: {exc}"))
    except (EOFError, OSError):  # the parent closed the pipe or is gone
        pass
    finally:
        conn.close()
    # Nothing here needs tearing down, and the parent waits for this process to end: Python's own teardown of
    # GX, pandas and scipy took 0.7 s of the 8 s a one-file ingest takes.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _import_lazily(name: str) -> None:
    """Put module `name` in `sys.modules` unexecuted: it runs when one of its attributes is first read
    (`importlib.util.LazyLoader`). Nothing happens if it is imported already or cannot be found."""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:  # as an import binds it: `from scipy import stats` then reads no attribute of it
        setattr(sys.modules[parent], child, module)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _size(path: Any) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def _from_worker(tasks: list[Any], how: Any, prepared_chunks: Callable[..., Iterator[list[Pending]]],
                 stopped: Callable[[Any, Any, Exception], Pending],
                 protect: Callable[..., Any] | None = None) -> Iterator[list[Pending]]:
    """Chunks from worker processes: a worker that stops is replaced; the file it stopped on is rejected
    (or, when that was a chunk of several files, they are validated one by one in the next worker)."""
    remaining = tasks
    alone: frozenset[int] = frozenset()
    while remaining:
        run = _WorkerRun(remaining, how, alone, prepared_chunks, protect)  # started now: the parent's state
        try:
            for chunk in run:
                delivered = {p.position for p in chunk}
                remaining = [t for t in remaining if t.position not in delivered]
                yield chunk
            return
        except _Failed as failed:
            suspects, reason = [t for t in remaining if t.position in failed.suspects], failed.reason
        finally:
            run.close()
        if len(suspects) == 1:
            culprit = suspects[0]
            yield [stopped(culprit, how, PreparationStopped(reason))]
            remaining = [t for t in remaining if t is not culprit]
        elif suspects and not {t.position for t in suspects} <= alone:
            alone = alone | {t.position for t in suspects}
        else:  # the worker could not start (or stopped between files): read the rest here
            yield from prepared_chunks(remaining, how, alone)
            return


class _WorkerRun:
    """One worker process over the files not yet loaded; iterating yields its chunks, raises `_Failed`."""

    def __init__(self, tasks: list[Any], how: Any, alone: frozenset[int], produce: Callable[..., Any],
                 protect: Callable[..., Any] | None = None):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=False)
        # chunks received so far, and how long this process waited for the last one (read by the worker)
        self.waited = ctx.Array("d", 2, lock=False)
        self.waiting = 0.0
        # not a daemon: a daemon may not start the validator process; it dies with the parent (PDEATHSIG)
        self.proc = ctx.Process(target=_worker_main, daemon=False, name="liandong-ingest-worker",
                                args=(child, tasks, how, alone, PREPARE, produce, protect, self.waited))
        self.limit = _timeout()
        self.phase: tuple[list[int], float | None] | None = None  # positions worked on, deadline (epoch s)
        self.done = False
        self.proc.start()
        child.close()

    def __iter__(self) -> Iterator[list[Pending]]:
        while True:
            message = self._receive()
            kind = message[0]
            if kind == "phase":  # only reading has a time limit: a malformed file can make a reader loop
                _, phase, positions, size, started = message
                deadline = started + self.limit + size / BYTES_PER_SECOND if phase == "prepare" else None
                self.phase = (positions, deadline)
            elif kind == "chunk":
                chunk = message[1]
                self.phase = None
                self.waited[1], self.waiting = self.waiting, 0.0
                self.waited[0] += 1
                for p in chunk:  # the parent's own contract objects, as the in-process path has them
                    if p.inspection.contract is not None:
                        p.inspection.contract = load_contract(p.inspection.contract.id)
                yield chunk
            elif kind == "done":
                self.done = True
                return
            else:  # "failed": an error the worker could not contain
                raise self._failure(f"the worker process failed ({message[1]})")

    def _receive(self) -> Any:
        started = time.perf_counter()
        while True:
            if self.conn.poll(POLL_SECONDS):
                self.waiting += time.perf_counter() - started
                try:
                    return self.conn.recv()
                except (EOFError, OSError):
                    self.proc.join(5)
                    raise self._failure(f"the worker process stopped (exit code {self.proc.exitcode})") from None
            if not self.proc.is_alive() and not self.conn.poll():
                raise self._failure(f"the worker process stopped (exit code {self.proc.exitcode})")
            if self.phase is not None and self.phase[1] is not None and time.time() > self.phase[1]:
                self.proc.kill()
                raise self._failure(f"reading took longer than its time limit ({self.limit:.0f} s plus its "
                                    f"size allowance, {TIMEOUT_ENV})")

    def _failure(self, reason: str) -> _Failed:
        return _Failed(list(self.phase[0]) if self.phase else [], reason)

    def close(self) -> None:
        """Stop the worker if it still runs (the caller stopped early or it failed) and release the pipe."""
        if self.done:  # it is closing its validator process: let it exit on its own
            self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def _worker_main(conn: Any, tasks: list[Any], how: Any, alone: frozenset[int], prepare: str | None,
                 produce: Callable[..., Any], protect: Callable[..., Any] | None = None,
                 waited: Any = None) -> None:
    """The worker: read, type, validate and (`protect`) make ready to store the files; send each chunk, then
    "done". Never a traceback. `waited` is where the parent writes how long it waited for each chunk
    (`_WorkerRun`): with the time this process was blocked handing a chunk over, it sets the share of the next
    chunk made ready here (`ingest.balance`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops the worker
    _die_with_parent()
    gc_pace.relax()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    blocked = 0.0  # seconds spent handing messages over since the last chunk was sent

    def send(message: tuple[Any, ...]) -> None:
        nonlocal blocked
        data = ForkingPickler.dumps(message)
        started = time.perf_counter()
        conn.send_bytes(data)  # what conn.send does, the pickling left out of the time blocked
        blocked += time.perf_counter() - started

    try:
        if prepare:  # `produce` (pickled by name) brought its module in: read with another function
            module, name = prepare.split(":")
            sys.modules[produce.__module__].prepare_file = getattr(importlib.import_module(module), name)

        def on_phase(phase: str, positions: list[int], size: int) -> None:
            send(("phase", phase, positions, size, time.time()))

        balance = ShareBalance(START_SHARE)
        sent: tuple[float, int] | None = None  # the last chunk sent: time blocked, good rows
        for count, chunk in enumerate(produce(tasks, how, alone, on_phase, validator())):
            if sent is not None:
                balance.adjust(sent[0], _parent_waited(waited, count), sent[1])
            total = 0
            if protect is not None:  # `ingest.pipeline.protect_chunk`: says what it made, in how long
                done = protect(chunk, share=balance.share)
                balance.protected(done.seconds, done.made)
                total = done.total
            for p in chunk:  # the cells as written served typing and the messages, the typed columns typing and
                p.inspection.columns = None  # the rows sent as columns: the parent never reads them
                for row in p.inspection.parsed:
                    row.raw = {}
            send(("chunk", chunk))
            sent, blocked = (blocked, total), 0.0  # the phase messages' waits count with the chunk's
            del chunk
        send(("done",))
    except (BrokenPipeError, EOFError):  # the parent is gone
        pass
    except BaseException as exc:  # reported to the parent, which rejects the file
        with contextlib.suppress(OSError):
            conn.send(("failed", type(exc).__name__))
    finally:
        conn.close()


def _parent_waited(waited: Any, count: int) -> float | None:
    """How long the parent waited for chunk `count` - 1 (the last sent), or None if it has not said yet."""
    if waited is None or int(waited[0]) != count:
        return None
    return float(waited[1])


def _die_with_parent() -> None:
    """Ask Linux to kill the worker when the parent dies (a killed `liandong ingest` leaves no reader behind)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
