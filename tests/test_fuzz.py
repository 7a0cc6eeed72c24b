"""Fuzz (issue 15): a few hundred randomly mutated copies of sample files through `validate` and `ingest`.

Bytes flipped, files truncated, re-encoded, cells and rows shuffled (csv, xlsx and legacy xls); fixed seed,
so the same files every run.
Every file must end loaded, partial, rejected or skipped with a sentence — no exception escapes, no file
fails unexpectedly (`file.internal` would hide a bug behind the containment) — and every file reconciles:
read = loaded + quarantined + non-data + duplicate, in the outcome and in `meta.files`.
"""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest.pipeline import IngestTarget, ingest_files, inspect_files
from ingest.readers.csv import decode

SEED = 15
MUTANTS = 300
BASES_PER_KIND = 3  # smallest sample files of each (feed, format)
TIME_LIMIT_S = 120  # ~25 s on 2 busy cores; a bound, so a pathological slowdown fails


def _flip(rng: random.Random, data: bytes, _suffix: str) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes, _suffix: str) -> bytes:
    return data[: rng.randrange(len(data))]


def _reencode(rng: random.Random, data: bytes, suffix: str) -> bytes:
    if suffix != ".csv":
        return _flip(rng, data, suffix)
    text, _ = decode(data)
    choice = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "gb18030", "utf-8-sig", "bom+gb18030"])
    if choice == "bom+gb18030":
        return b"\xef\xbb\xbf" + text.encode("gb18030")
    return text.encode(choice)


def _shuffle_grid(rng: random.Random, grid: list[list[object]]) -> list[list[object]]:
    grid = [list(r) for r in grid]
    for _ in range(rng.randint(1, 6)):
        what = rng.random()
        r = rng.randrange(len(grid))
        if what < 0.4 and grid[r]:  # cells of one row shuffled
            rng.shuffle(grid[r])
        elif what < 0.6:  # rows swapped (the header may move down)
            s = rng.randrange(len(grid))
            grid[r], grid[s] = grid[s], grid[r]
        elif what < 0.8:  # a row duplicated
            grid.insert(rng.randrange(len(grid) + 1), list(grid[r]))
        elif grid[r]:  # a cell pushed right (an unquoted comma)
            grid[r].insert(rng.randrange(len(grid[r])), rng.choice(["", "备注", "2024", "\u200b"]))
    return grid


def _shuffle(rng: random.Random, data: bytes, suffix: str) -> bytes:
    if suffix == ".csv":
        text, _ = decode(data)
        grid: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        buf = io.StringIO()
        csv.writer(buf).writerows(_shuffle_grid(rng, grid))
        return buf.getvalue().encode("utf-8")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    out = openpyxl.Workbook()
    for row in _shuffle_grid(rng, grid):
        out.active.append(row)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


MUTATIONS: list[Callable[[random.Random, bytes, str], bytes]] = [_flip, _truncate, _reencode, _shuffle]


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_mutants(tmp_path_factory.mktemp("sample"), tmp_path_factory.mktemp("mutants"))


def make_mutants(sample: Path, out: Path) -> list[Path]:
    """MUTANTS files written into `out`, from the sample files written into `sample` (same seed, same files)."""
    from sample_data import generate_sample

    manifest = generate_sample(sample, 2024)
    by_kind: dict[tuple[str, str], list[Path]] = {}
    for f in manifest["files"]:
        path = sample / f["path"]
        by_kind.setdefault((str(f.get("feed")), path.suffix), []).append(path)
    bases = sorted(p for paths in by_kind.values()
                   for p in sorted(paths, key=lambda p: (p.stat().st_size, p.name))[:BASES_PER_KIND])
    # the sample has no legacy .xls: two from the corpus (calamine once aborted the process on a damaged one)
    from tests.corpus.cases import legacy_xls

    bases += [legacy_xls(numbers)(sample)[0] for numbers in (False, True)]
    rng = random.Random(SEED)
    paths = []
    for i in range(MUTANTS):
        base = rng.choice(bases)
        data = base.read_bytes()
        for mutate in rng.sample(MUTATIONS, rng.choice([1, 1, 2])):
            if data:
                try:
                    data = mutate(rng, data, base.suffix)
                except Exception:  # an earlier mutation left nothing to parse: flip bytes instead
                    data = _flip(rng, data, base.suffix)
        path = out / f"{i:03d}_{base.name}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _assert_sound(outcomes) -> None:
    statuses = {"loaded", "partial", "rejected", "skipped"}
    for o in outcomes:
        assert o.status in statuses, (o.name, o.status)
        assert o.reconciles(), (o.name, o.rows_read, o.rows_loaded, o.rows_quarantined, o.rows_non_data,
                                o.rows_duplicate)
        internal = [p.sentence(o.name) for p in o.problems if p.rule_id == "file.internal"]
        assert not internal, internal
        if o.status == "rejected":
            assert o.file_problem is not None and o.file_problem.message_zh and o.file_problem.message_en


def test_mutated_sample_files_never_crash_and_always_reconcile(mutants: list[Path], tmp_path: Path):
    started = time.monotonic()
    checked = [i.outcome for i in inspect_files(mutants, None, date(2025, 12, 31))]
    assert len(checked) == MUTANTS
    _assert_sound(checked)
    home = tmp_path / "home"
    target = IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", b"fuzz-key-0123456789ab")
    outcomes = ingest_files(mutants, target, None, date(2025, 12, 31))
    assert len(outcomes) == MUTANTS
    _assert_sound(outcomes)
    assert time.monotonic() - started < TIME_LIMIT_S
    kinds = {o.status for o in outcomes}
    assert {"loaded", "partial", "rejected"} <= kinds, kinds  # the mutations reach every outcome
    con = duckdb.connect(str(target.warehouse), read_only=True)
    try:
        recorded, unreconciled = con.execute(
            "select count(*), count(*) filter (where rows_read <> rows_loaded + rows_quarantined + rows_non_data"
            " + rows_duplicate) from meta.files").fetchone()
    finally:
        con.close()
    assert recorded == sum(1 for o in outcomes if o.status != "skipped")
    assert unreconciled == 0
