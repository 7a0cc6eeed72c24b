"""One file end to end: archive → read → match headers → type → validate (GX) → protect → load.

Every row read is loaded, quarantined with a reason, or counted as a non-data row (blank, 合计);
the same file (by content hash) is never loaded twice. Files stream through in bounded chunks
(`ingest.chunks`): prepared lazily, validated per feed chunk, loaded in one DuckDB transaction per
chunk, then freed.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import compress, repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from data_contracts.model import FEEDS, Contract, load_contract
from ingest import gc_pace
from ingest.balance import START_SHARE
from ingest.chunks import ChunkBuffer, Pending, chunk_rows
from ingest.columns import column_typing, type_sheet
from ingest.errors import FileRejected, Problem
from ingest.facts import FACT_COLUMNS, FACT_INPUTS, fact_rows, text_gates
from ingest.headers import HeaderMatch, find_header, missing_required
from ingest.profile_draft import FEED_CHOICE, draft_for, header_row, refusal_hints
from ingest.profiles import Profile, apply_profile, pick_profile
from ingest.raw_tables import ARROW_TYPES, arrow_schema, columns, ensure_raw_tables, load_rows
from ingest.readers import read_grids
from ingest.rows import OUTSIDE_FLAG, ParsedRow, RowColumns
from privacy import names as known_names
from privacy.mask import mask_identifiers
from privacy.protect import (
    columns_of,
    mask_known_names_columns,
    masked_value,
    person_names,
    person_names_columns,
    protect_own,
    protect_own_columns,
    protect_row,
)
from warehouse import raw_custody
from warehouse.connection import MEMORY_LIMIT_ENV, connect
from warehouse.settings import Settings


@dataclass(frozen=True)
class IngestTarget:
    """Where a load goes; built from settings by the caller (the CLI or a Dagster asset)."""

    warehouse: Path
    landing: Path
    quarantine: Path
    secret_key: bytes

    @classmethod
    def of(cls, settings: Settings, *, demo: bool = False) -> IngestTarget:
        """The home's warehouse, landing and quarantine folders and its key (the demo key only for the demo)."""
        return cls(settings.warehouse, settings.landing, settings.quarantine, settings.secret_key(demo=demo))


@dataclass
class FileOutcome:
    path: Path
    sha256: str
    feed: str | None = None
    status: str = "pending"  # loaded | partial | rejected | skipped
    format: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_new: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    rows_non_data: int = 0
    rows_duplicate: int = 0  # exact copies of another row of the file (same key, every value equal): kept once
    problems: list[Problem] = field(default_factory=list)  # file-level and row-level errors
    notes: list[str] = field(default_factory=list)  # warnings that do not stop a row
    warnings: list[Problem] = field(default_factory=list)  # located warnings (the row loads, flagged)
    unknown_headers: list[str] = field(default_factory=list)
    header_map: dict[str, str] = field(default_factory=dict)
    contract_results: list[dict[str, Any]] = field(default_factory=list)
    rule_counts: dict[str, int] = field(default_factory=dict)  # quarantine reasons → rows

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def failed(self) -> bool:
        return self.status == "rejected" or self.rows_quarantined > 0

    @property
    def file_problem(self) -> Problem | None:
        return next((p for p in self.problems if p.row_number is None), None)

    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_non_data + self.rows_duplicate


@dataclass
class Inspection:
    outcome: FileOutcome
    contract: Contract | None = None
    parsed: list[ParsedRow] = field(default_factory=list)  # every data row, before validation
    good: list[ParsedRow] = field(default_factory=list)  # rows that passed, after validation
    # the rows that passed, as columns instead of `good` (from a worker process, see `protect_chunk`)
    good_columns: RowColumns | None = None
    missing_fields: set[str] = field(default_factory=set)  # required columns absent: the file is rejected
    # `parsed`'s values column by column while they wait for validation (None: read them row by row)
    columns: dict[str, list[Any]] | None = None

# DuckDB's cache while ingesting (unless LIANDONG_DUCKDB_MEMORY_LIMIT is set): it only appends chunks and joins
# them to the key columns; the rest of the machine is for the worker and validator processes (issue 19: ≤ 6 GB).
# At 2 GB the loading process reached 3.3 GB at province scale, its share of a 6.1 GB peak. (Each chunk's commit
# checkpoints, ~1.8 s against a province's 5 million penalty rows; a 1 GB checkpoint threshold saved most of it
# but kept ~0.45 GB more in this process, and a delivery into an empty warehouse was not faster beyond this
# machine's noise: not taken.)
INGEST_MEMORY_LIMIT = "1GB"
# DuckDB's threads while a worker process reads the delivery: the worker and its validator keep the other core
# busy, so a second DuckDB thread only contends with them for it. A 1.3 M-row part of the 1.0 bench delivery (20
# regions, two runs each way, alternated): 163.0–164.8 s and 289–294 CPU-s with two threads, 154.9–156.4 s and
# 271 CPU-s with one. A 0.1 delivery of another seed into a copy of the 1.0 warehouse (6.3 M rows: the joins at
# their largest): 75.4–76.0 s, 128–129 CPU-s, 2.0 GB with two; 73.5–74.7 s, 117 CPU-s, 1.8 GB with one. A delivery
# read in process (one new file) keeps both: its joins against the tables wait alone.
INGEST_THREADS_BESIDE_WORKER = 1
VALIDATION_CHUNK_ROWS = 500_000  # GX costs ~1.4 s per call whatever the size: validate files together


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _detect(grids_match: list[tuple[Any, HeaderMatch | None]], feed: str | None) -> str | None:
    found = [m.feed for _, m in grids_match if m is not None]
    if feed:
        return feed
    return found[0] if found else None


def inspect_file(path: Path, feed: str | None = None, today: date | None = None,
                 profile: Profile | None = None, profiles: Sequence[Profile] = ()) -> Inspection:
    """Read, type and validate a file without touching the warehouse (what `liandong validate` runs)."""
    return inspect_files([path], feed, today, profile=profile, profiles=profiles)[0]


def inspect_files(paths: list[Path], feed: str | None = None, today: date | None = None,
                  profile: Profile | None = None, profiles: Sequence[Profile] = ()) -> list[Inspection]:
    inspections = [prepare_file(p, feed, profile=profile, profiles=profiles) for p in paths]
    validate_inspections(inspections, today or date.today())
    return inspections


def _read_sheets(path: Path, outcome: FileOutcome, grids: list[Any], feed: str | None, profile: Profile | None,
                 profiles: Sequence[Profile]) -> tuple[list[tuple[Any, HeaderMatch | None]], Profile | None]:
    """Each visible sheet with its header match: through the profile given or picked by its signature, or by
    the standard's headers."""
    feeds = (feed,) if feed else FEEDS
    visible: list[tuple[Any, HeaderMatch | None]] = []
    used: dict[str, Profile] = {}
    for grid in grids:
        if grid.hidden:
            outcome.notes.append(f"隐藏工作表「{grid.sheet}」未读取 / hidden sheet '{grid.sheet}' not read")
            continue
        chosen = profile or pick_profile(profiles, grid, feed)
        applied = apply_profile(chosen, grid) if chosen is not None else None
        if applied is None:
            visible.append((grid, None if profile is not None else find_header(grid.rows, feeds)))
            continue
        if chosen.name not in used:
            used[chosen.name] = chosen
            how = "" if profile is not None else "（按表头自动选用 / picked by its headers）"
            outcome.notes.append(f"按配置「{chosen.label()}」读取{how} / read with profile '{chosen.name}' "
                                 f"({chosen.path})")
        outcome.notes.extend(applied.notes)
        visible.append((applied.grid, applied.match))
    return visible, next(iter(used.values()), None)


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _no_header(path: Path, grids: list[Any], feed: str | None, profile: Profile | None) -> Problem:
    """Why no header was found, with what to do: the headers read, the required fields missing for the feed
    they come closest to, the likely columns for them, and the command that drafts a profile."""
    grid = next((g for g in grids if not g.hidden and g.rows), None)
    row = header_row(grid.rows) if grid is not None else None
    if grid is None or row is None:
        return Problem("file.no_header", "文件中没有表头（没有数据，或开头几十行都不像表头）",
                       "the file holds no header (no data, or nothing near the top looks like a header)")
    # the row read as a header may be a data row of a file without one: identifiers masked, long text cut
    headers = [_short(mask_identifiers(str(c).strip())) for c in grid.rows[row] if c is not None and str(c).strip()]
    shown = "、".join(headers[:40]) + ("…" if len(headers) > 40 else "")
    if profile is not None:
        return Problem(
            "file.profile_mismatch",
            f"文件中找不到配置「{profile.name}」（{profile.path}）所列的列；读到的表头：{shown}",
            f"none of the columns of profile '{profile.name}' ({profile.path}) is in the file; headers read: {shown}")
    try:
        draft = draft_for(grid, feed, row)
    except Exception:  # advice is a courtesy: a refusal must never fail the batch
        draft = None
    command = f"liandong profile draft {path}" + (f" --feed {FEED_CHOICE[feed]}" if feed else "")
    if draft is None:
        return Problem(
            "file.no_header",
            f"找不到数据交换标准的表头；读到的表头：{shown}。若这是某一台账的导出，用 {command} --feed … 生成配置",
            f"no header of the exchange standard was found; headers read: {shown}. If this is an export of one "
            f"of the feeds, draft a profile with: {command} --feed …")
    contract = load_contract(draft.feed)
    matched = {f.name for f in draft.sure.values()}
    missing = [f for f in contract.required_fields if f.name not in matched]
    hint_zh, hint_en = _hints(contract, grid, row, missing)
    command = f"liandong profile draft {path} --feed {FEED_CHOICE[draft.feed]}"
    return Problem(
        "file.no_header",
        f"表头不符合数据交换标准；读到的表头：{shown}。最接近{contract.title}，缺少必填字段："
        f"{'、'.join(f.header for f in missing) or '无'}{hint_zh}。生成配置：{command}，填写后用 --profile 载入",
        f"the header does not fit the exchange standard; headers read: {shown}. Closest feed: {contract.title_en}; "
        f"required fields missing: {', '.join(f.header for f in missing) or 'none'}{hint_en}. Draft a profile "
        f"with: {command}, edit it, then load with --profile")


def prepare_file(path: Path, feed: str | None = None, sha: str | None = None, profile: Profile | None = None,
                 profiles: Sequence[Profile] = ()) -> Inspection:
    """Read and type a file (no validation yet); a file that cannot be read comes back rejected.

    `profile` reads every sheet through that source profile; otherwise a sheet is read through the first of
    `profiles` whose signature headers it carries, or by the standard's headers.
    """
    outcome = FileOutcome(path=path, sha256=sha or sha256_of(path))
    if profile is not None:
        feed = profile.feed
    try:
        outcome.format, grids, outcome.details = read_grids(path)
        visible, used = _read_sheets(path, outcome, grids, feed, profile, profiles)
        detected = _detect(visible, feed)
        if detected is None or not any(m for _, m in visible):
            raise FileRejected(_no_header(path, grids, feed, profile))
        outcome.feed = detected
        contract = load_contract(detected)
        parsed: list[ParsedRow] = []
        sheet_columns: list[dict[str, list[Any]] | None] = []
        missing_fields: set[str] = set()
        data_sheets = 0
        for grid, match in visible:
            if match is None or match.feed != detected:
                if match is not None:
                    outcome.notes.append(f"工作表「{grid.sheet}」属于另一台账（{match.feed}），未读取 / "
                                         f"sheet '{grid.sheet}' belongs to feed {match.feed}; not read")
                elif grid.rows:
                    outcome.notes.append(f"工作表「{grid.sheet}」没有表头，未读取 / sheet '{grid.sheet}' has no header")
                continue
            missing = missing_required(contract, match)
            if missing:  # rejected, but its rows are still checked so one report names every problem
                missing_fields.update(f.name for f in contract.required_fields if f.header in missing)
                zh, en = _missing_advice(path, contract, grid, match, used)
                outcome.problems.append(Problem(
                    "file.missing_columns",
                    f"缺少必填列：{'、'.join(missing)}；整个文件不予载入{zh}",
                    f"required columns are missing: {', '.join(missing)}; the whole file is rejected{en}",
                    sheet=grid.sheet,
                ))
            data_sheets += 1
            outcome.unknown_headers += match.unknown + [f"{h}（重复列）" for h in match.duplicates]
            outcome.header_map.update({c.header: c.field for c in match.columns})
            sheet = type_sheet(contract, grid, match)
            outcome.rows_read += sheet.rows_read
            outcome.rows_non_data += sheet.non_data
            outcome.warnings += sheet.outside
            parsed.extend(sheet.rows)
            sheet_columns.append(sheet.columns)
        typed = len(parsed)
        columns = _joined(sheet_columns)
        parsed = _drop_exact_duplicates(contract, parsed, outcome, columns)
        _note_outside(outcome)
        if outcome.rows_read - outcome.rows_non_data == 0:
            raise FileRejected(Problem("file.no_rows", "文件只有表头，没有数据行",
                                       "the file has a header but no data rows"))
        columns = columns if len(parsed) == typed else None
        return Inspection(outcome, contract, parsed, missing_fields=missing_fields, columns=columns)
    except FileRejected as rejected:
        outcome.status = "rejected"
        outcome.problems.append(rejected.problem)
        outcome.rows_quarantined = outcome.rows_read - outcome.rows_non_data - outcome.rows_duplicate
        return Inspection(outcome)
    except Exception as exc:  # one file's failure, whatever it is, must not stop the batch
        inspection = Inspection(outcome)
        contain(inspection, exc)
        return inspection


def _joined(sheets: list[dict[str, list[Any]] | None]) -> dict[str, list[Any]] | None:
    """The sheets' value columns one after the other (None unless every sheet has the same columns)."""
    if not sheets or any(c is None or list(c) != list(sheets[0] or ()) for c in sheets):
        return None
    if len(sheets) == 1:
        return sheets[0]
    return {name: [v for c in sheets for v in c[name]] for name in sheets[0]}  # type: ignore[index]


NOTED_LOCATIONS = 10  # row numbers named in one note; the rest are counted


def _drop_exact_duplicates(contract: Contract, parsed: list[ParsedRow], outcome: FileOutcome,
                           columns: dict[str, list[Any]] | None = None) -> list[ParsedRow]:
    """Keep one of the rows that repeat another row of the file exactly (same key, every value the same).

    Such a row is a copy (pasted twice, exported twice), not a conflict: it is counted as a duplicate and
    named in a note; rows sharing a key with different values stay and fail the key rule together. The keys
    are read from the file's typed `columns` when given (one value per row of `parsed`).
    """
    if columns is not None and all(len(columns.get(k, parsed)) == len(parsed) for k in contract.key):
        nones = [None] * len(parsed)
        keys = list(zip(*(columns.get(k, nones) for k in contract.key), strict=True)) if contract.key \
            else [()] * len(parsed)
    else:
        keys = [tuple(r.values.get(k) for k in contract.key) for r in parsed]
    counts: dict[tuple[Any, ...], int] = {}
    for key in keys:
        if None not in key:
            counts[key] = counts.get(key, 0) + 1
    if all(n == 1 for n in counts.values()):
        return parsed
    first_of: dict[tuple[Any, ...], ParsedRow] = {}
    kept: list[ParsedRow] = []
    dropped: list[tuple[ParsedRow, ParsedRow]] = []
    for row, key in zip(parsed, keys, strict=True):
        if counts.get(key, 0) > 1:
            whole = (key, tuple(sorted(row.values.items())), tuple(sorted(row.raw.items(), key=lambda kv: kv[0])))
            same = first_of.get(whole)
            if same is not None:
                dropped.append((row, same))
                continue
            first_of[whole] = row
        kept.append(row)
    outcome.rows_duplicate += len(dropped)
    shown = dropped[:NOTED_LOCATIONS]
    more = " …" if len(dropped) > NOTED_LOCATIONS else ""
    where_zh = "、".join(f"{_at(r)}（同{_at(s)}）" for r, s in shown) + more
    where_en = ", ".join(f"{_at(r, 'en')} (= {_at(s, 'en')})" for r, s in shown) + more
    outcome.notes.append(
        f"{len(dropped)} 行与本文件中的另一行完全相同（同一主键、每个值都相同），计为重复行，只载入一次：{where_zh} / "
        f"{len(dropped)} row(s) repeat another row of this file exactly (same key, every value equal); counted as "
        f"duplicates and loaded once: {where_en}")
    return kept


def _at(row: ParsedRow, lang: str = "zh") -> str:
    if lang == "zh":
        return f"{'工作表 ' + row.sheet + ' ' if row.sheet else ''}第 {row.row_number} 行"
    return f"{'sheet ' + row.sheet + ' ' if row.sheet else ''}row {row.row_number}"


def _note_outside(outcome: FileOutcome) -> None:
    """One note naming the rows with content under no header (each is also a located warning)."""
    if not outcome.warnings:
        return
    shown = outcome.warnings[:NOTED_LOCATIONS]
    more = " …" if len(outcome.warnings) > NOTED_LOCATIONS else ""
    where_zh = "、".join(f"{'工作表 ' + p.sheet + ' ' if p.sheet else ''}第 {p.row_number} 行" for p in shown) + more
    where_en = ", ".join(f"{'sheet ' + p.sheet + ' ' if p.sheet else ''}row {p.row_number}" for p in shown) + more
    n = len(outcome.warnings)
    outcome.notes.append(
        f"{n} 行在没有表头的列中有内容，这些内容未载入（行已标记 {OUTSIDE_FLAG}）：{where_zh} / "
        f"{n} row(s) have content in columns without a header, which is not loaded (rows flagged "
        f"{OUTSIDE_FLAG}): {where_en}")


def unexpected_problem(exc: BaseException) -> Problem:
    """A failure nobody foresaw, as a file-level reason: the file is rejected, the batch goes on.

    The stored reason names only the kind of error: its text may quote a cell (personal data).
    """
    what = type(exc).__name__
    return Problem(
        "file.internal",
        f"处理该文件时发生意外错误（{what}）；该文件未载入，其他文件不受影响；请把文件交给维护人员检查",
        f"an unexpected error occurred while processing this file ({what}); the file was not loaded, the other "
        "files are not affected; please pass the file to the maintainers",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def contain(inspection: Inspection, exc: BaseException) -> None:
    """Turn an inspection that failed unexpectedly into a rejected, record-only file.

    Row-level reasons are dropped with the rows (they would need the contract to be masked); every data row
    read counts as quarantined, so the file still reconciles.
    """
    outcome = inspection.outcome
    outcome.status = "rejected"
    outcome.problems = [unexpected_problem(exc)]
    detail = mask_identifiers(_first_line(exc))[:300]  # shown, never stored
    outcome.notes.append(f"意外错误详情 / details of the unexpected error: {type(exc).__name__}: {detail}")
    outcome.rule_counts, outcome.contract_results = {}, []
    outcome.rows_loaded = outcome.rows_new = outcome.rows_unchanged = outcome.rows_duplicate = 0
    outcome.rows_quarantined = max(outcome.rows_read - outcome.rows_non_data, 0)
    inspection.contract, inspection.parsed, inspection.good, inspection.good_columns = None, [], [], None
    inspection.columns = None


def _hints(contract: Contract, grid: Any, row: int, missing: list[Any]) -> tuple[str, str]:
    """The likely columns for the missing fields; nothing when they cannot be worked out."""
    try:
        return refusal_hints(contract, grid, row, missing)
    except Exception:  # advice is a courtesy: a refusal must never fail the batch
        return "", ""


def _missing_advice(path: Path, contract: Contract, grid: Any, match: HeaderMatch,
                    profile: Profile | None) -> tuple[str, str]:
    """What to do about missing required columns: the headers read, likely columns, and the profile to write
    or the constants to fill in."""
    missing = [f for f in contract.required_fields if f.name not in match.fields]
    hint_zh, hint_en = _hints(contract, grid, match.row_index, missing) if profile is None else ("", "")
    read = [str(c).strip() for c in grid.rows[match.row_index] if c is not None and str(c).strip()]
    if profile is not None:  # not the constant columns the profile added
        read = [h for h in read if h not in {c.header for c in match.columns if "（配置 " in c.header}]
    shown = "、".join(read[:40]) + ("…" if len(read) > 40 else "")
    if profile is not None:
        names = "、".join(f.header for f in missing)
        own = f"liandong profile draft {path} --name <名称>"
        return (f"。读到的表头：{shown}。请在配置 {profile.path} 的 columns 中指出对应的列，或在 constants 中填写"
                f"固定值（{names}）；内置配置不要直接改：用 {own} 生成你自己的配置，填写后用 --profile 载入",
                f". Headers read: {shown}. In profile {profile.path}, map a column to each under columns, or give "
                f"a fixed value under constants ({names}); for a shipped profile, draft your own with "
                f"{own.replace('<名称>', '<name>')}, fill it in, then load with --profile")
    command = f"liandong profile draft {path} --feed {FEED_CHOICE[contract.id]}"
    return (f"。读到的表头：{shown}{hint_zh}。生成配置：{command}，填写后用 --profile 载入",
            f". Headers read: {shown}{hint_en}. Draft a profile with: {command}, edit it, then load with --profile")


def validation_frame(contract: Contract, rows: list[ParsedRow],
                     columns: dict[str, list[Any]] | None = None) -> pd.DataFrame:
    """The typed frame Great Expectations validates (raw identifiers still present): from the rows' value
    `columns` when given (as typed, in row order), else from each row's values."""
    dicts = [r.values for r in rows] if columns is None else []

    def column(name: str, default: Any = None) -> list[Any]:  # dict.get mapped in C, not a comprehension
        if columns is not None:
            return columns[name] if name in columns else [default] * len(rows)
        return list(map(dict.get, dicts, repeat(name), repeat(default)))

    data: dict[str, Any] = {}
    for f in contract.fields:
        vals = column(f.name)
        if f.type in ("date", "date_or_long_term", "datetime"):
            data[f.name] = pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce")
            if f.type == "date_or_long_term":
                data[f"{f.name}_long_term"] = pd.array(column(f"{f.name}_long_term", False), dtype="boolean")
        elif f.type in ("amount", "decimal"):
            data[f.name] = np.array([float(v) if v is not None else np.nan for v in vals], dtype=np.float64)
        elif f.type == "integer":
            data[f.name] = pd.array(vals, dtype="Int64")
        elif f.type == "boolean":
            data[f.name] = pd.array(vals, dtype="boolean")
        else:
            data[f.name] = pd.Series(vals, dtype=object)
    frame = pd.DataFrame(data)
    frame["_row_number"] = [r.row_number for r in rows]
    frame["_sheet"] = [r.sheet for r in rows]
    return frame


def _chunks(inspections: list[Inspection]) -> list[list[Inspection]]:
    """Files of one feed grouped so that one validation call sees at most VALIDATION_CHUNK_ROWS rows."""
    chunks: list[list[Inspection]] = []
    by_feed: dict[str, list[Inspection]] = {}
    for ins in inspections:
        if ins.contract is not None and ins.outcome.status != "rejected":
            by_feed.setdefault(ins.contract.id, []).append(ins)
    for group in by_feed.values():
        current: list[Inspection] = []
        size = 0
        for ins in group:
            if current and size + len(ins.parsed) > VALIDATION_CHUNK_ROWS:
                chunks.append(current)
                current, size = [], 0
            current.append(ins)
            size += len(ins.parsed)
        chunks.append(current)
    return chunks


def validate_inspections(inspections: list[Inspection], today: date, validate: Any = None,
                         sent: dict[int, Sent] | None = None) -> None:
    """Validate prepared files with Great Expectations, one call per feed chunk, results split per file.

    A chunk that fails unexpectedly is validated again file by file; a file that still fails is rejected alone.
    `validate(contract, frame, today)` stands in for `gx_runner.validate_frame` when given; `sent` holds the
    feed chunks whose frames `send_validation` already sent to the validator process.
    """
    for k, chunk in enumerate(_chunks(inspections)):
        try:
            _validate_chunk(chunk, today, validate, (sent or {}).get(k))
        except Exception as exc:  # find the file that fails and reject it alone
            for ins in chunk:
                _reset_validation(ins)
            if len(chunk) == 1:
                contain(chunk[0], exc)
                continue
            for ins in chunk:
                try:
                    _validate_chunk([ins], today, validate)
                except Exception as one:
                    contain(ins, one)


@dataclass(frozen=True)
class Sent:
    """A feed chunk's frame sent ahead to the validator process, and how to collect its report."""

    frame: pd.DataFrame
    report: Callable[[], Any]

    def ready(self) -> bool:
        """Whether the report is back (a report collected here, not from a process, is always ready)."""
        ready = getattr(self.report, "ready", None)
        return ready is None or bool(ready())


def send_validation(inspections: list[Inspection], today: date, validator: Any) -> dict[int, Sent]:
    """Send the first feed chunk's frame to the validator process now and collect its report later
    (`validate_inspections(..., sent=...)`): Great Expectations runs on the other core while this process reads
    the next files. Nothing is sent when the frame cannot be built (validating meets the error and contains it)."""
    chunks = _chunks(inspections)
    if not chunks:
        return {}
    contract = chunks[0][0].contract
    assert contract is not None
    try:
        frame = _chunk_frame(contract, chunks[0])
    except Exception:
        return {}
    return {0: Sent(frame, validator.submit(contract, frame, today))}


def _reset_validation(ins: Inspection) -> None:
    """Undo a partly applied validation so the file can be validated again on its own."""
    outcome = ins.outcome
    outcome.contract_results, outcome.rule_counts, ins.good = [], {}, []
    outcome.rows_quarantined = outcome.rows_loaded = 0
    outcome.problems = [p for p in outcome.problems if p.row_number is None]
    for row in ins.parsed:
        row.problems = [p for p in row.problems if p.rule_id.startswith("type.")]


def _validate_chunk(chunk: list[Inspection], today: date, validate: Any = None, sent: Sent | None = None) -> None:
    """One Great Expectations call for a feed chunk (or the report of the one sent ahead); results split per file."""
    from data_contracts.report import results_by_unit

    contract = chunk[0].contract
    assert contract is not None
    if sent is not None:
        frame, report = sent.frame, sent.report()
    else:
        if validate is None:  # imported here: the CLI pays for Great Expectations only when it validates
            from data_contracts.gx_runner import validate_frame as validate
        frame = _chunk_frame(contract, chunk)
        report = validate(contract, frame, today)
    failures = report.row_failures()
    for result in results_by_unit(report, frame, "_group"):
        i, unit = result["unit_name"].split("\x1f", 1)
        chunk[int(i)].outcome.contract_results.append({**result, "unit_name": unit or None})
    offset = 0
    for ins in chunk:
        _apply_failures(ins, {idx - offset: f for idx, f in failures.items()
                              if offset <= idx < offset + len(ins.parsed)})
        offset += len(ins.parsed)


def _chunk_frame(contract: Contract, chunk: list[Inspection]) -> pd.DataFrame:
    """One validation frame for a whole chunk (one pandas conversion per column, not per file and column).

    `_file` says which file of the chunk a row came from, `_group` its file and unit (for the per-unit results).
    """
    typed = [ins.columns for ins in chunk]
    columns = _joined(typed) if all(c is not None for c in typed) else None
    frame = validation_frame(contract, [r for ins in chunk for r in ins.parsed], columns)
    files = [i for i, ins in enumerate(chunk) for _ in range(len(ins.parsed))]
    unit = frame[contract.unit_field]
    units = unit.astype(object).where(unit.notna(), "")
    frame["_group"] = [f"{i}\x1f{u}" for i, u in zip(files, units, strict=True)]
    frame["_file"] = pd.Series(files, dtype="int64")
    return frame


def _apply_failures(inspection: Inspection, failures: dict[int, list[Any]]) -> None:
    outcome, contract = inspection.outcome, inspection.contract
    assert contract is not None
    written = {fld: header for header, fld in outcome.header_map.items()}  # headers as the file spells them
    for idx, row in enumerate(inspection.parsed):
        # An unreadable cell, or a column missing from the file, is not also reported as an empty cell.
        unreadable = {p.field for p in row.problems} | inspection.missing_fields
        for rule in failures.get(idx, []):
            if rule.field in unreadable and rule.kind in ("required", "required_when"):
                continue
            # The column as the file spells it; a key rule names all its columns, an absent one its standard header.
            col = (" + ".join(written.get(f) or contract.field(f).header for f in rule.field.split(","))
                   if rule.field else None)
            value = row.raw.get(rule.field) if rule.field else None
            row.problems.append(Problem(rule.rule_id, rule.message_zh, rule.message_en, row.sheet,
                                        row.row_number, col, value, rule.field))
        if row.problems:
            outcome.problems.extend(row.problems)
            outcome.rows_quarantined += 1
            for p in {p.rule_id for p in row.problems}:
                outcome.rule_counts[p] = outcome.rule_counts.get(p, 0) + 1
        else:
            inspection.good.append(row)
    if inspection.missing_fields:
        outcome.rows_quarantined = len(inspection.parsed)
        inspection.good = []
        outcome.status = "rejected"
    else:
        outcome.status = "partial" if outcome.rows_quarantined else "loaded"
    outcome.rows_loaded = len(inspection.good)


def _plain(v: Any) -> Any:
    """A value as the row hash has always serialised it (dates ISO, decimals as written)."""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


# The exact types the typed rows hold → their plain form; anything else goes through `_plain`.
_PLAIN_BY_TYPE: dict[type, Any] = {date: date.isoformat, datetime: datetime.isoformat, Decimal: str}
_AS_IS = frozenset({str, int, float, bool, type(None)})
# json.dumps(..., ensure_ascii=False) builds this encoder on every call; the output is the same bytes.
_HASH_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _row_json_encoder() -> Callable[[Sequence[Any]], str]:
    """`_HASH_JSON` for a row's values (a list or tuple): the C encoder `JSONEncoder.encode` makes on every call
    (same separators, `ensure_ascii=False`, NaN allowed), made once — the same bytes, a sixth less time a row."""
    from json import encoder

    if encoder.c_make_encoder is None:  # an interpreter without the C accelerator
        return _HASH_JSON
    chunks = encoder.c_make_encoder(None, json.JSONEncoder().default, encoder.encode_basestring, None, ": ", ", ",
                                    False, False, True)
    join = "".join
    return lambda values: join(chunks(values, 0))


_ROW_JSON = _row_json_encoder()
_HASH_COLUMNS: dict[int, tuple[Contract, tuple[str, ...]]] = {}


def _hash_columns(contract: Contract) -> tuple[str, ...]:
    """The columns a row hash covers (the contract's, not the lineage), worked out once per contract."""
    cached = _HASH_COLUMNS.get(id(contract))
    if cached is None or cached[0] is not contract:
        cached = (contract, tuple(n for n, _ in columns(contract) if not n.startswith("_")))
        _HASH_COLUMNS[id(contract)] = cached
    return cached[1]


def row_hash(contract: Contract, values: dict[str, Any]) -> str:
    """SHA-256 of the row's contract columns as JSON: byte-identical to the stored hashes (they decide versions)."""
    plain = [v if (t := type(v)) in _AS_IS else _PLAIN_BY_TYPE.get(t, _plain)(v)
             for v in map(values.get, _hash_columns(contract))]
    return hashlib.sha256(_ROW_JSON(plain).encode()).hexdigest()


def row_hashes_columns(contract: Contract, columns: dict[str, list[Any]], n: int) -> list[str]:
    """`row_hash` of every row of the columns, their values made plain column by column (the same bytes hashed;
    a column absent is None on every row)."""
    plain_columns = []
    for name in _hash_columns(contract):
        column = columns.get(name)
        if column is None:
            column = [None] * n
        elif not set(map(type, column)) <= _AS_IS:
            column = [v if (t := type(v)) in _AS_IS else _PLAIN_BY_TYPE.get(t, _plain)(v) for v in column]
        plain_columns.append(column)
    if not plain_columns:
        return [row_hash(contract, {}) for _ in range(n)]
    encode, sha256 = _ROW_JSON, hashlib.sha256
    return [sha256(encode(values).encode()).hexdigest() for values in zip(*plain_columns, strict=True)]


def load_table(contract: Contract, inspection: Inspection, key: bytes,
               known: known_names.KnownNames | None = None) -> pa.Table:
    """A file's good rows as stored: protected (free text masked for `known` persons too), hashed, with
    their lineage. Column by column (per distinct value), or row by row with `LIANDONG_TYPING=cells`."""
    if not column_typing():
        return _load_table_by_row(contract, inspection, key, known)
    good, given = inspection.good, inspection.good_columns
    if given is not None:  # from a worker, as columns: protected as columns, no dict per row
        n = len(given)
        columns = dict(zip(given.names, given.columns, strict=True))
        own = protect_own_columns(contract, columns, n, key)
        sheets, numbers, flags = given.sheets, given.row_numbers, given.flags
    else:
        n = len(good)
        values, staged = [row.values for row in good], [row.staged for row in good]
        columns = columns_of(values)
        todo = [i for i, done in enumerate(staged) if done is None]
        if len(todo) == n:  # nothing protected ahead
            own = protect_own_columns(contract, columns, n, key)
        else:  # some rows protected ahead (`stage_protection`), the others now
            for i, done in zip(todo, protect_own(contract, [values[i] for i in todo], key), strict=True):
                staged[i] = done
            own = columns_of(staged, list(columns))  # type: ignore[arg-type]
        sheets, numbers, flags = [r.sheet for r in good], [r.row_number for r in good], [r.flags for r in good]
    protected = mask_known_names_columns(contract, columns, own, n, known)
    schema = arrow_schema(contract)
    lineage = {"_row_hash": row_hashes_columns(contract, protected, n), "_file_sha256": [inspection.outcome.sha256] * n,
               "_file_name": [inspection.outcome.name] * n, "_sheet": sheets, "_row_number": numbers,
               "_flags": [";".join(dict.fromkeys(row_flags)) or None for row_flags in flags]}
    nones = [None] * n
    data = {name: lineage[name] if name in lineage else protected.get(name, nones) for name in schema.names}
    return pa.Table.from_pydict(data, schema=schema)


def _load_table_by_row(contract: Contract, inspection: Inspection, key: bytes,
                       known: known_names.KnownNames | None = None) -> pa.Table:
    """The per-row path of `load_table` (kept for the comparison in tests/test_column_typing.py)."""
    sha, name = inspection.outcome.sha256, inspection.outcome.name
    records = []
    good = inspection.good_columns.rows() if inspection.good_columns is not None else inspection.good
    for row in good:
        values = protect_row(contract, row.values, key, known)
        values["_row_hash"] = row_hash(contract, values)
        values.update(_file_sha256=sha, _file_name=name, _sheet=row.sheet, _row_number=row.row_number,
                      _flags=";".join(dict.fromkeys(row.flags)) or None)
        records.append(values)
    return pa.Table.from_pylist(records, schema=arrow_schema(contract))


def load_facts(con: Any, batch: pa.Table) -> None:
    """Replace the measured facts of the batch's row versions (idempotent; inside the caller's transaction).

    A version (key and content) seen in several files of the batch has one set of facts.
    """
    schema = pa.schema([(n, ARROW_TYPES[t]) for n, t in FACT_COLUMNS])
    seen: set[tuple[Any, Any, Any]] = set()
    parts = [schema.empty_table()]
    wanted = [n for n in batch.column_names if n in FACT_INPUTS]  # only what fact_rows reads: far fewer dicts
    for record_batch in batch.select(wanted).to_batches(max_chunksize=10_000):  # a slice of rows at a time
        rows: list[dict[str, Any]] = []
        values_list = record_batch.to_pylist()
        gates = text_gates(*([v.get(name) for v in values_list] for name in ("violation_type", "violation_facts")))
        for values, quantities, qualified in zip(values_list, *gates, strict=True):
            version = (values.get("agency_uscc"), values.get("decision_no"), values.get("_row_hash"))
            if version not in seen:
                seen.add(version)
                rows.extend(fact_rows(values, quantities=quantities, qualified=qualified))
        parts.append(pa.Table.from_pylist(rows, schema=schema))
    facts = pa.concat_tables(parts)
    con.register("fact_batch", facts)
    con.register("fact_keys", pa.Table.from_pylist(
        [{"agency_uscc": a, "decision_no": d, "_row_hash": h} for a, d, h in seen],
        schema=pa.schema([("agency_uscc", pa.string()), ("decision_no", pa.string()), ("_row_hash", pa.string())])))
    try:
        con.execute("""
            delete from raw.penalty_facts f using fact_keys k
            where k.agency_uscc = f.agency_uscc and k.decision_no = f.decision_no and k._row_hash = f._row_hash""")
        names = ", ".join(n for n, _ in FACT_COLUMNS)
        con.execute(f"insert into raw.penalty_facts ({names}) select {names} from fact_batch")
        raw_custody.record_changed_parts(con, "raw.penalty_facts", "agency_uscc", "select agency_uscc from fact_keys "
                                         "union all select agency_uscc from fact_batch")
    finally:
        con.unregister("fact_batch")
        con.unregister("fact_keys")


MAX_STEM_BYTES = 120  # of a name derived from an input file's; a file system allows 255 bytes (85 Chinese characters)
MAX_SUFFIX = 8  # ".xlsx"; anything longer is not an extension we keep


def bounded_stem(stem: str, limit: int = MAX_STEM_BYTES) -> str:
    """An input file's stem cut to `limit` UTF-8 bytes (on a character boundary) for a name derived from it.

    Derived names carry the content hash as well, so a cut name stays unique; a legal 75-character Chinese
    name plus a prefix and `.quarantine.csv` would pass the 255-byte limit of the file system.
    """
    data = stem.encode("utf-8", "surrogateescape")
    if len(data) <= limit:
        return stem
    return data[:limit].decode("utf-8", "ignore") + "…"


def archive(path: Path, sha: str, landing: Path) -> Path:
    """Copy the raw file into the landing archive (owner-only: it holds raw personal data)."""
    landing.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(landing, 0o700)
    suffix = path.suffix.lower()
    target = landing / sha[:2] / f"{sha}{suffix if len(suffix) <= MAX_SUFFIX else ''}"
    target.parent.mkdir(exist_ok=True, mode=0o700)
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o600)
        tmp.replace(target)
    return target


def ingested_hashes(con: Any, shas: list[str]) -> dict[str, tuple[str, datetime]]:
    """The earlier records (status, when) of the given hashes, in one query on an open connection."""
    if not shas:
        return {}
    con.register("wanted_hashes", pa.table({"sha": pa.array(sorted(set(shas)), pa.string())}))
    try:
        hits = con.execute("select f.file_sha256, f.status, f.ingested_at from meta.files f "
                           "semi join wanted_hashes w on f.file_sha256 = w.sha").fetchall()
    finally:
        con.unregister("wanted_hashes")
    return {sha: (status, when) for sha, status, when in hits}


def ingest_file(path: Path, target: IngestTarget, feed: str | None = None, today: date | None = None) -> FileOutcome:
    """Load one file; the caller holds the writer lock."""
    return ingest_files([path], target, feed, today)[0]


def _skipped(path: Path, sha: str, seen: tuple[str, datetime] | None) -> FileOutcome:
    outcome = FileOutcome(path=path, sha256=sha, status="skipped")
    when = f"{seen[1]:%Y-%m-%d %H:%M}" if seen else "本次 / this run"
    outcome.notes.append(f"同一文件已于 {when} 处理，未重复载入 / "
                         f"the same file was already processed ({when}); nothing changed")
    return outcome


def ingest_files(paths: list[Path], target: IngestTarget, feed: str | None = None, today: date | None = None,
                 on_file: Any = None, *, profile: Profile | None = None,
                 profiles: Sequence[Profile] = ()) -> list[FileOutcome]:
    """Load files in bounded chunks; the caller holds the writer lock. Outcomes come back in input order.

    Files already ingested (by content hash, also twice in one call) are skipped, except files whose earlier
    record is a rejection: a rejection is recorded but does not mark the content as processed, so the same
    file can be retried with a profile or `--feed` (its record is replaced). The rest are archived
    and read one by one, buffered per feed up to `chunk_rows()` rows, then each feed chunk is validated
    (one Great Expectations call), loaded in one transaction and freed. `on_file` is called once per
    file as soon as its outcome is final (skipped files at once, the others when their chunk commits).

    A large delivery is read and validated in a worker process (`ingest.workers`) while this process
    loads the previous chunk: the same chunks in the same order, so the same tables and records.
    """
    from ingest import workers

    if not paths:
        return []
    today = today or date.today()
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    shas = [_sha_or_none(p) for p in paths]
    limit = chunk_rows()

    def finish(pos: int, outcome: FileOutcome) -> None:
        outcomes[pos] = outcome
        if on_file:
            on_file(outcome)

    with raw_custody.kept(target.warehouse) as custody, connect(target.warehouse) as con, gc_pace.relaxed():
        if not os.environ.get(MEMORY_LIMIT_ENV, "").strip():  # a worker and a validator share the machine
            con.execute(f"set memory_limit = '{INGEST_MEMORY_LIMIT}'")
        ensure_raw_tables(con)
        raw_custody.forget_read(con, custody)
        known = ingested_hashes(con, [s for s in shas if s is not None])
        persons = known_names.KnownNames.load(con, target.secret_key)
        seen_now: set[str] = set()
        tasks: list[PrepareTask] = []
        for pos, (path, sha) in enumerate(zip(paths, shas, strict=True)):
            if sha is None:
                finish(pos, _unreadable(path))
            elif (sha in known and known[sha][0] != "rejected") or sha in seen_now:
                finish(pos, _skipped(path, sha, known.get(sha)))
            else:
                seen_now.add(sha)
                tasks.append(PrepareTask(pos, path, sha))
        # Rows are protected ahead only when read here: a worker waiting on its validator shares the two cores
        # with this process and the validator, so its wait is not idle (the 0.1 delivery: 119.7 s, not 117.1 s).
        in_worker = workers.workers_wanted([t.path for t in tasks])
        ahead = None if in_worker else target.secret_key
        if in_worker:
            con.execute(f"set threads = {INGEST_THREADS_BESIDE_WORKER}")
        how = PrepareSettings(feed, profile, tuple(profiles), today, target.landing, limit, ahead)
        protect = functools.partial(protect_chunk, key=target.secret_key, persons=persons)
        for chunk in workers.chunks_for(tasks, how, prepared_chunks, stopped_chunk, protect):
            _load_contained(con, chunk, target, persons)
            for p in chunk:
                finish(p.position, p.inspection.outcome)
                # free the chunk's rows now
                p.inspection.parsed, p.inspection.good, p.inspection.good_columns, p.table = [], [], None, None
                p.inspection.columns = None
    return [o for o in outcomes if o is not None]


@dataclass(frozen=True)
class PrepareTask:
    """A file to read: its place in the input, path and content hash (picklable: it may go to a worker)."""

    position: int
    path: Path
    sha: str


@dataclass(frozen=True)
class PrepareSettings:
    """How every file of a call is read and chunked (picklable: it may go to a worker)."""

    feed: str | None
    profile: Profile | None
    profiles: tuple[Profile, ...]
    today: date
    landing: Path
    limit: int
    key: bytes | None = None  # the pseudonymisation key when rows are protected ahead while GX validates


def prepared_chunks(tasks: Sequence[PrepareTask], how: PrepareSettings, alone: frozenset[int] = frozenset(),
                    on_phase: Any = None, validate: Any = None) -> Iterator[list[Pending]]:
    """Archive, read and type the files lazily; yield each chunk validated, ready to load, in load order.

    The chunks are those of `ChunkBuffer`, so the in-process and the worker paths load the same chunks in the
    same order. A file in `alone` is validated and yielded on its own (a worker that crashed on its chunk
    is retried that way). `on_phase(phase, positions, size)` is told what is worked on (for a watchdog);
    `validate` replaces `gx_runner.validate_frame` (a validator process, see `ingest.workers`). A validator
    process that can take a frame ahead (`submit`) validates chunk N while the files of chunk N+1 are read:
    chunk N is yielded once chunk N+1 is formed (or the files end), so the order is the same.
    """
    buffer = ChunkBuffer(how.limit)
    ahead = getattr(validate, "submit", None) is not None
    waiting: list[tuple[list[Pending], dict[int, Sent]]] = []  # at most one chunk, its frame sent ahead

    def phase(chunk: list[Pending]) -> None:
        if on_phase:
            on_phase("validate", [p.position for p in chunk], sum(p.rows for p in chunk))

    def collected() -> list[list[Pending]]:  # the chunk sent ahead, its report applied
        done = []
        while waiting:
            chunk, sent = waiting.pop()
            phase(chunk)
            if how.key is not None and 0 in sent:  # the first feed chunk's frame is with the validator
                stage_protection([p.inspection for p in chunk], how.key, sent[0].ready)
            validate_inspections([p.inspection for p in chunk], how.today, validate, sent)
            done.append(chunk)
        return done

    def validated(chunk: list[Pending], *, now: bool = False) -> Iterator[list[Pending]]:
        done = collected()
        phase(chunk)
        if ahead and not now:  # the next frame goes out before the previous chunk is handed on
            waiting.append((chunk, send_validation([p.inspection for p in chunk], how.today, validate)))
            yield from done
            return
        yield from done
        validate_inspections([p.inspection for p in chunk], how.today, validate)
        yield chunk

    for task in tasks:
        if on_phase:
            on_phase("prepare", [task.position], _size(task.path))
        stored = archive(task.path, task.sha, how.landing)
        pending = Pending(task.position, prepare_file(task.path, how.feed, task.sha, how.profile, how.profiles),
                          stored)
        if task.position in alone:
            yield from validated([pending], now=True)
            continue
        for chunk in buffer.add(pending):
            yield from validated(chunk)
    for chunk in buffer.drain():
        yield from validated(chunk)
    yield from collected()


STAGE_ROWS = 1_000  # rows protected ahead between two looks at whether the validation report is back


def stage_protection(inspections: list[Inspection], key: bytes, ready: Callable[[], bool]) -> None:
    """While Great Expectations validates the chunk in its process, protect its rows here (`protect_own`:
    everything but the known persons, which may still grow) until the report is back: time this process would
    otherwise wait, and what `load_table` then does not do again. A row that fails validation was protected for
    nothing; one file of 10,000 rows loads ~1 s sooner."""
    for ins in inspections:
        if ins.contract is None or ins.missing_fields:
            continue
        rows = ins.parsed
        for start in range(0, len(rows), STAGE_ROWS):
            if ready():
                return
            part = [r for r in rows[start:start + STAGE_ROWS] if r.staged is None and not r.problems]
            if not part:
                continue
            try:
                staged = protect_own(ins.contract, [r.values for r in part], key)
            except Exception:  # left to `load_table`, which contains it per file as ever
                break
            for row, values in zip(part, staged, strict=True):
                row.staged = values


def stopped_chunk(task: PrepareTask, how: PrepareSettings, exc: Exception) -> Pending:
    """The record-only chunk of a file its worker process stopped on (crashed, hung): rejected alone."""
    stored = archive(task.path, task.sha, how.landing)  # already there unless the worker died copying it
    inspection = Inspection(FileOutcome(path=task.path, sha256=task.sha))
    contain(inspection, exc)
    return Pending(task.position, inspection, stored)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _file_person_names(contract: Contract, p: Pending) -> frozenset[str]:
    """The natural persons' names in a file's party fields (raw: they are hashed, never stored)."""
    if p.names is not None:  # found by the worker
        return p.names
    given = p.inspection.good_columns
    if given is not None:
        return frozenset(person_names_columns(contract, dict(zip(given.names, given.columns, strict=True)),
                                              len(given)))
    return frozenset(n for row in p.inspection.good for n in person_names(contract, row.values))


def _loads_rows(p: Pending) -> bool:
    ins = p.inspection
    return ins.contract is not None and (p.table is not None or bool(ins.good) or bool(ins.good_columns))


def good_columns(inspection: Inspection) -> RowColumns:
    """The rows that passed, as columns: taken from the file's typed columns (`Inspection.columns`, one value
    per row of `parsed`) where they are at hand, so no row's values dict is ever made; else from each row."""
    columns, parsed, good = inspection.columns, inspection.parsed, inspection.good
    if columns is None or any(len(column) != len(parsed) for column in columns.values()):
        return RowColumns.of(good)
    if len(good) == len(parsed):  # every row passed (most files): the columns as they are (never changed)
        kept = list(columns.values())
    else:
        passed = set(map(id, good))
        keep = [id(row) in passed for row in parsed]
        kept = [list(compress(column, keep)) for column in columns.values()]
    return RowColumns(tuple(columns), kept, [r.sheet for r in good], [r.row_number for r in good],
                      [r.flags for r in good])


class Protected(NamedTuple):
    """What `protect_chunk` did: good rows made ready to store, the chunk's good rows, seconds it took."""

    made: int
    total: int
    seconds: float


def protect_chunk(chunk: list[Pending], key: bytes, persons: known_names.KnownNames | None,
                  share: float = START_SHARE) -> Protected:
    """In the worker process: the first files (`share` of the chunk's rows) made as `_load_chunk` stores them
    (`load_table`), so the parent only writes them. `persons` is a copy of the parent's known names when the
    worker started and learns each chunk's names as the parent does (below, then in `_load_chunk`), so the
    masks are the same whoever makes them. Their rows are then dropped, except those a quarantine reason
    points at: less to send; the other files' good rows go as columns (`RowColumns`), which cost the parent far
    less to unpickle than row objects. Says how many good rows it made, of how many, in how long (the worker
    adjusts `share` chunk by chunk: `ingest.balance`)."""
    loaded = [p for p in chunk if _loads_rows(p)]
    if not loaded:
        return Protected(0, 0, 0.0)
    contract = loaded[0].inspection.contract
    for p in loaded:  # the rows as columns: what the parent is sent, and what `load_table` reads here
        if p.inspection.good_columns is None:
            p.inspection.good_columns = good_columns(p.inspection)
    for p in loaded:  # the parent needs them for every file: found once, here
        p.names = _file_person_names(contract, p)
    if persons is not None:  # hashed here, once: the parent learns the hashes (`_load_chunk`)
        by_name = known_names.hashed_by_name(persons.key, frozenset().union(*(p.names for p in loaded)))
        for p in loaded:
            p.hashed = [by_name[n] for n in p.names if n in by_name]
        persons.remember(list(by_name.values()))  # the parent stores them
    total = sum(len(p.inspection.good) for p in loaded)
    budget, done, made, seconds = share * total, 0, 0, 0.0
    for p in loaded:
        ins = p.inspection
        if done < budget:
            done += len(ins.good)
            started = time.perf_counter()
            try:
                p.table = load_table(contract, ins, key, persons)
            except Exception:  # left to the parent (as columns), which contains it per file as ever
                continue
            ins.good_columns = None
            made += len(ins.good)
            seconds += time.perf_counter() - started
        wanted = {(q.sheet, q.row_number) for q in ins.outcome.problems if q.row_number is not None}
        ins.parsed = [r for r in ins.parsed if (r.sheet, r.row_number) in wanted] if wanted else []
        ins.good = []
    return Protected(made, total, seconds)


def _sha_or_none(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


def _unreadable(path: Path) -> FileOutcome:
    """A file that vanished or cannot be opened: rejected with a reason (there is no content to record)."""
    outcome = FileOutcome(path=path, sha256="", status="rejected")
    outcome.problems.append(Problem(
        "file.unreadable", "无法打开该文件（文件已被移走、无读取权限或路径无效）；未记录、未载入",
        "the file cannot be opened (moved away, no read permission or an invalid path); not recorded, not loaded"))
    return outcome


def _load_contained(con: Any, chunk: list[Pending], target: IngestTarget,
                    persons: known_names.KnownNames | None = None) -> None:
    """Load a chunk; when it fails, load its files one by one and record a file that still fails as rejected.

    Only the warehouse itself failing (a record-only transaction fails too) stops the batch.
    """
    try:
        _load_chunk(con, chunk, target, persons)
        return
    except Exception as exc:  # contained per file below
        first = exc
    for p in chunk:
        failure: Exception = first
        if len(chunk) > 1:
            try:
                _load_chunk(con, [p], target, persons)
                continue
            except Exception as exc:
                failure = exc
        contain(p.inspection, failure)
        _quarantine_csv_path(target.quarantine, p.inspection.outcome).unlink(missing_ok=True)  # from the try
        # the record of the rejection; if even this fails, the warehouse is broken
        _load_chunk(con, [p], target, persons)


def _load_chunk(con: Any, chunk: list[Pending], target: IngestTarget,
                persons: known_names.KnownNames | None = None) -> None:
    """One chunk, one transaction: its new row versions, current versions, and a record per file.

    Each file keeps its own lineage, `meta.files` row (exact per-file counts), quarantine rows and
    contract results; its quarantine CSV is written before the commit (atomically, same name on a rerun),
    so a crash at any point leaves either no record, which the rerun redoes, or a record with its report.
    """
    loaded = [p for p in chunk if _loads_rows(p)]
    con.execute("begin transaction")
    try:
        if loaded:
            contract = loaded[0].inspection.contract
            if persons is not None:  # the chunk's own names are masked in its texts too (any row, any file)
                if all(p.hashed is not None for p in loaded):  # hashed by the worker
                    known_names.store(con, persons.learn([row for p in loaded for row in p.hashed or ()]))
                else:
                    new_names = frozenset().union(*(_file_person_names(contract, p) for p in loaded))
                    known_names.store(con, persons.add(new_names))
            tables = [p.table if p.table is not None else load_table(contract, p.inspection, target.secret_key,
                                                                      persons) for p in loaded]
            batch = pa.concat_tables([
                table.append_column("_pos", pa.array([p.position] * table.num_rows, pa.int32()))
                for p, table in zip(loaded, tables, strict=True)])
            del tables
            counts = load_rows(con, contract, batch)
            for p in loaded:
                p.inspection.outcome.rows_new, p.inspection.outcome.rows_unchanged = counts[p.position]
            if contract.id == "penalty_ledger":
                load_facts(con, batch)
            del batch
        records = ChunkRecords()
        for p in chunk:
            quarantined = _quarantine_rows(p.inspection, persons)
            records.add(p.inspection, p.stored, quarantined)
            if p.inspection.outcome.problems and p.inspection.contract is not None:
                _write_quarantine_csv(target.quarantine, p.inspection, quarantined)
        records.insert(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _quarantine_rows(inspection: Inspection,
                     persons: known_names.KnownNames | None = None) -> list[dict[str, Any]]:
    outcome, contract = inspection.outcome, inspection.contract
    if not outcome.problems:
        return []  # most files: no index of their rows needed
    rows = []
    parsed = {(r.sheet, r.row_number): r for r in inspection.parsed}
    for p in outcome.problems:
        if p.row_number is None:
            continue
        row = parsed.get((p.sheet, p.row_number))
        values = row.values if row else {}
        field = p.field
        unit = values.get(contract.unit_field) if contract else None
        rows.append({
            "sheet": p.sheet, "row_number": p.row_number, "column_name": p.column, "rule_id": p.rule_id,
            "message_zh": masked_value(contract, None, p.message_zh, values, persons) if contract else p.message_zh,
            "message_en": masked_value(contract, None, p.message_en, values, persons) if contract else p.message_en,
            "value_masked": masked_value(contract, field, p.value, values, persons) if contract else None,
            "unit_name": unit,
        })
    return rows


def _relative(stored: Path) -> str:
    """The archive path relative to the home folder (landing/…), so a home can be moved."""
    return str(stored.relative_to(stored.parent.parent.parent))


FILE_COLUMNS = ["file_sha256", "file_name", "feed", "format", "encoding", "delimiter", "sheets", "size_bytes",
                "status", "rows_read", "rows_loaded", "rows_new", "rows_unchanged", "rows_quarantined",
                "rows_non_data", "unknown_headers", "header_map", "message_zh", "message_en", "archive_path",
                "ingested_at", "rows_duplicate"]


def _file_record(inspection: Inspection, stored: Path) -> dict[str, Any]:
    """The file's `meta.files` row: exact per-file counts, header map and its file-level reason."""
    outcome = inspection.outcome
    file_problem = outcome.file_problem
    return dict(zip(FILE_COLUMNS, [
        outcome.sha256, outcome.name, outcome.feed, outcome.format, outcome.details.get("encoding"),
        outcome.details.get("delimiter"), outcome.details.get("sheets"), stored.stat().st_size,
        outcome.status, outcome.rows_read, outcome.rows_loaded, outcome.rows_new, outcome.rows_unchanged,
        outcome.rows_quarantined, outcome.rows_non_data, "；".join(outcome.unknown_headers) or None,
        json.dumps(outcome.header_map, ensure_ascii=False), file_problem.message_zh if file_problem else None,
        file_problem.message_en if file_problem else None, _relative(stored), datetime.now(),
        outcome.rows_duplicate], strict=True))


@dataclass
class ChunkRecords:
    """A chunk's `meta` rows, written with one statement per table (a statement per file costs ~9 ms)."""

    files: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    def add(self, inspection: Inspection, stored: Path, quarantined: list[dict[str, Any]]) -> None:
        outcome = inspection.outcome
        self.files.append(_file_record(inspection, stored))
        lineage = {"file_sha256": outcome.sha256, "file_name": outcome.name}
        self.quarantine += [{**lineage, "feed": outcome.feed, **{c: r[c] for c in QUARANTINE_COLUMNS}}
                            for r in quarantined]
        self.results += [{**lineage, **{c: r[c] for c in RESULT_COLUMNS}} for r in outcome.contract_results]

    def insert(self, con: Any) -> None:
        _forget_rejections(con, [r["file_sha256"] for r in self.files])
        for table, rows in (("meta.files", self.files), ("meta.quarantine", self.quarantine),
                            ("meta.contract_results", self.results)):
            if rows:
                _insert(con, table, {c: [r[c] for r in rows] for c in rows[0]})


def _forget_rejections(con: Any, shas: list[str]) -> None:
    """Drop the records of earlier rejections of these files (a retry replaces them; inside the transaction)."""
    if not shas:
        return
    con.register("retried_hashes", pa.table({"sha": pa.array(sorted(set(shas)), pa.string())}))
    try:
        rejected = "select f.file_sha256 from meta.files f semi join retried_hashes r on f.file_sha256 = r.sha " \
                   "where f.status = 'rejected'"
        for table in ("meta.quarantine", "meta.contract_results"):
            con.execute(f"delete from {table} where file_sha256 in ({rejected})")
        con.execute(f"delete from meta.files where file_sha256 in ({rejected})")
    finally:
        con.unregister("retried_hashes")


QUARANTINE_COLUMNS = ["sheet", "row_number", "column_name", "rule_id", "message_zh", "message_en", "value_masked",
                      "unit_name"]
RESULT_COLUMNS = ["feed", "rule_id", "field", "severity", "unit_name", "element_count", "unexpected_count",
                  "failed_rows", "message_zh", "message_en"]


def _insert(con: Any, table: str, data: dict[str, list[Any]]) -> None:
    """Many rows in one statement (an Arrow scan): executemany costs a statement per row."""
    con.register("record_rows", pa.table({c: pa.array(v, _META_TYPES.get(c, pa.string())) for c, v in data.items()}))
    try:
        names = ", ".join(data)
        con.execute(f"insert into {table} ({names}) select {names} from record_rows")
    finally:
        con.unregister("record_rows")


_META_TYPES = {"row_number": pa.int32(), "element_count": pa.int64(), "unexpected_count": pa.int64(),
               "size_bytes": pa.int64(), "ingested_at": pa.timestamp("us"),
               **{c: pa.int32() for c in FILE_COLUMNS if c.startswith("rows_")}}


def _quarantine_csv_path(folder: Path, outcome: FileOutcome) -> Path:
    return folder / f"{outcome.sha256[:12]}_{bounded_stem(outcome.path.stem)}.quarantine.csv"


def _write_quarantine_csv(folder: Path, inspection: Inspection, quarantined: list[dict[str, Any]]) -> Path:
    """A steward's copy of the quarantined rows' reasons (masked), UTF-8 with BOM so Excel opens it."""
    outcome = inspection.outcome
    folder.mkdir(parents=True, exist_ok=True)
    out = _quarantine_csv_path(folder, outcome)
    tmp = out.with_suffix(".csv.part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["文件", "工作表", "行号", "列", "规则", "原因", "reason", "值（已脱敏）"])
        for r in quarantined:
            writer.writerow([outcome.name, r["sheet"] or "", r["row_number"], r["column_name"] or "", r["rule_id"],
                             r["message_zh"], r["message_en"], r["value_masked"] or ""])
    tmp.replace(out)
    return out
