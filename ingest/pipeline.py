"""One file end to end: archive → read → match headers → type → validate (GX) → protect → load.

Every row read is loaded, quarantined with a reason, or counted as a non-data row (blank, 合计);
the same file (by content hash) is never loaded twice; the load is one DuckDB transaction.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from data_contracts.model import FEEDS, Contract, load_contract
from ingest.errors import FileRejected, Problem
from ingest.headers import HeaderMatch, find_header, missing_required
from ingest.protect import masked_value, protect_row
from ingest.readers import read_grids
from ingest.rows import ParsedRow, parse_sheet
from ingest.warehouse import arrow_schema, columns, connect, load_rows


@dataclass(frozen=True)
class IngestTarget:
    """Where a load goes; built from settings by the caller (the CLI or a Dagster asset)."""

    warehouse: Path
    landing: Path
    quarantine: Path
    secret_key: bytes


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
    problems: list[Problem] = field(default_factory=list)  # file-level and row-level errors
    notes: list[str] = field(default_factory=list)  # warnings that do not stop a row
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

    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_non_data


@dataclass
class Inspection:
    outcome: FileOutcome
    contract: Contract | None = None
    good: list[ParsedRow] = field(default_factory=list)


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


def inspect_file(path: Path, feed: str | None = None, today: date | None = None) -> Inspection:
    """Read, type and validate a file without touching the warehouse (what `liandong validate` runs)."""
    today = today or date.today()
    outcome = FileOutcome(path=path, sha256=sha256_of(path))
    try:
        outcome.format, grids, outcome.details = read_grids(path)
        feeds = (feed,) if feed else FEEDS
        visible = []
        for grid in grids:
            if grid.hidden:
                outcome.notes.append(f"隐藏工作表「{grid.sheet}」未读取 / hidden sheet '{grid.sheet}' not read")
                continue
            visible.append((grid, find_header(grid.rows, feeds)))
        detected = _detect(visible, feed)
        if detected is None or not any(m for _, m in visible):
            hint = "（或用 --feed 指定）" if feed is None else ""
            raise FileRejected(Problem(
                "file.no_header",
                f"找不到符合数据交换标准的表头{hint}；文件为空、只有表头以外的内容或不属于任何台账",
                "no header of the exchange standard was found (the file may be empty or of another kind)",
            ))
        outcome.feed = detected
        contract = load_contract(detected)
        parsed: list[ParsedRow] = []
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
            if missing:
                raise FileRejected(Problem(
                    "file.missing_columns",
                    f"缺少必填列：{'、'.join(missing)}",
                    f"required columns are missing: {', '.join(missing)}",
                    sheet=grid.sheet,
                ))
            data_sheets += 1
            outcome.unknown_headers += match.unknown + [f"{h}（重复列）" for h in match.duplicates]
            outcome.header_map.update({c.header: c.field for c in match.columns})
            sheet = parse_sheet(contract, grid, match)
            outcome.rows_read += sheet.rows_read
            outcome.rows_non_data += sheet.non_data
            parsed.extend(sheet.rows)
        if outcome.rows_read - outcome.rows_non_data == 0:
            raise FileRejected(Problem("file.no_rows", "文件只有表头，没有数据行", "the file has a header but no data rows"))
        inspection = Inspection(outcome, contract)
        _validate(inspection, parsed, today)
        return inspection
    except FileRejected as rejected:
        outcome.status = "rejected"
        outcome.problems.append(rejected.problem)
        outcome.rows_quarantined = outcome.rows_read - outcome.rows_non_data
        return Inspection(outcome)


def validation_frame(contract: Contract, rows: list[ParsedRow]) -> pd.DataFrame:
    """The typed frame Great Expectations validates (raw identifiers still present)."""
    data: dict[str, Any] = {}
    for f in contract.fields:
        vals = [r.values.get(f.name) for r in rows]
        if f.type in ("date", "date_or_long_term", "datetime"):
            data[f.name] = pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce")
            if f.type == "date_or_long_term":
                data[f"{f.name}_long_term"] = pd.array([r.values.get(f"{f.name}_long_term", False) for r in rows],
                                                       dtype="boolean")
        elif f.type in ("amount", "decimal"):
            data[f.name] = pd.array([float(v) if v is not None else None for v in vals], dtype="Float64").astype(float)
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


def _validate(inspection: Inspection, parsed: list[ParsedRow], today: date) -> None:
    from data_contracts.gx_runner import validate_frame
    from data_contracts.report import results_by_unit

    outcome, contract = inspection.outcome, inspection.contract
    assert contract is not None
    frame = validation_frame(contract, parsed)
    report = validate_frame(contract, frame, today)
    failures = report.row_failures()
    outcome.contract_results = results_by_unit(report, frame, contract.unit_field)
    written = {fld: header for header, fld in outcome.header_map.items()}  # headers as the file spells them
    for idx, row in enumerate(parsed):
        for rule in failures.get(idx, []):
            col = written.get(rule.field) if rule.field else None
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
    outcome.rows_loaded = len(inspection.good)
    outcome.status = "partial" if outcome.rows_quarantined else "loaded"
    outcome.parsed = parsed  # type: ignore[attr-defined]  # kept for the quarantine export


def _plain(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def row_hash(contract: Contract, values: dict[str, Any]) -> str:
    payload = json.dumps([_plain(values.get(n)) for n, _ in columns(contract) if not n.startswith("_")],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def load_table(contract: Contract, inspection: Inspection, key: bytes) -> pa.Table:
    outcome = inspection.outcome
    records = []
    for row in inspection.good:
        values = protect_row(contract, row.values, key)
        values["_row_hash"] = row_hash(contract, values)
        values.update(_file_sha256=outcome.sha256, _file_name=outcome.name, _sheet=row.sheet,
                      _row_number=row.row_number, _flags=";".join(dict.fromkeys(row.flags)) or None)
        records.append(values)
    return pa.Table.from_pylist(records, schema=arrow_schema(contract))


def archive(path: Path, sha: str, landing: Path) -> Path:
    """Copy the raw file into the landing archive (owner-only: it holds raw personal data)."""
    landing.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(landing, 0o700)
    target = landing / sha[:2] / f"{sha}{path.suffix.lower()}"
    target.parent.mkdir(exist_ok=True, mode=0o700)
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o600)
        tmp.replace(target)
    return target


def already_ingested(warehouse: Path, sha: str) -> tuple[str, datetime] | None:
    if not warehouse.exists():
        return None
    with connect(warehouse) as con:
        hit = con.execute("select status, ingested_at from meta.files where file_sha256 = ?", [sha]).fetchone()
    return (hit[0], hit[1]) if hit else None


def ingest_file(path: Path, target: IngestTarget, feed: str | None = None, today: date | None = None) -> FileOutcome:
    """Load one file; the caller holds the writer lock."""
    sha = sha256_of(path)
    seen = already_ingested(target.warehouse, sha)
    if seen:
        outcome = FileOutcome(path=path, sha256=sha, status="skipped")
        outcome.notes.append(f"同一文件已于 {seen[1]:%Y-%m-%d %H:%M} 处理（{seen[0]}），未重复载入 / "
                             f"the same file was already processed on {seen[1]:%Y-%m-%d %H:%M}; nothing changed")
        return outcome
    stored = archive(path, sha, target.landing)
    inspection = inspect_file(path, feed, today)
    outcome = inspection.outcome
    contract = inspection.contract
    with connect(target.warehouse) as con:
        con.execute("begin transaction")
        try:
            if contract is not None and inspection.good:
                outcome.rows_new, outcome.rows_unchanged = load_rows(con, contract, load_table(contract, inspection, target.secret_key))
            _record(con, outcome, contract, stored)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    if outcome.problems and contract is not None:
        _write_quarantine_csv(target.quarantine, outcome, contract)
    return outcome


def _quarantine_rows(outcome: FileOutcome, contract: Contract | None) -> list[dict[str, Any]]:
    rows = []
    parsed = {r.row_number: r for r in getattr(outcome, "parsed", [])}
    for p in outcome.problems:
        if p.row_number is None:
            continue
        row = parsed.get(p.row_number)
        values = row.values if row else {}
        field = p.field
        unit = values.get(contract.unit_field) if contract else None
        rows.append({
            "sheet": p.sheet, "row_number": p.row_number, "column_name": p.column, "rule_id": p.rule_id,
            "message_zh": masked_value(contract, None, p.message_zh, values) if contract else p.message_zh,
            "message_en": masked_value(contract, None, p.message_en, values) if contract else p.message_en,
            "value_masked": masked_value(contract, field, p.value, values) if contract else None,
            "unit_name": unit,
        })
    return rows


def _record(con: Any, outcome: FileOutcome, contract: Contract | None, stored: Path) -> None:
    file_problem = next((p for p in outcome.problems if p.row_number is None), None)
    con.execute(
        "insert into meta.files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [outcome.sha256, outcome.name, outcome.feed, outcome.format, outcome.details.get("encoding"),
         outcome.details.get("delimiter"), outcome.details.get("sheets"), outcome.path.stat().st_size,
         outcome.status, outcome.rows_read, outcome.rows_loaded, outcome.rows_new, outcome.rows_unchanged,
         outcome.rows_quarantined, outcome.rows_non_data, "；".join(outcome.unknown_headers) or None,
         json.dumps(outcome.header_map, ensure_ascii=False), file_problem.message_zh if file_problem else None,
         file_problem.message_en if file_problem else None, str(stored), datetime.now()],
    )
    q = _quarantine_rows(outcome, contract)
    if q:
        con.executemany(
            "insert into meta.quarantine values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[outcome.sha256, outcome.name, outcome.feed, r["sheet"], r["row_number"], r["column_name"],
              r["rule_id"], r["message_zh"], r["message_en"], r["value_masked"], r["unit_name"]] for r in q],
        )
    if outcome.contract_results:
        con.executemany(
            "insert into meta.contract_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[outcome.sha256, outcome.name, r["feed"], r["rule_id"], r["field"], r["severity"], r["unit_name"],
              r["element_count"], r["unexpected_count"], r["failed_rows"], r["message_zh"], r["message_en"]]
             for r in outcome.contract_results],
        )


def _write_quarantine_csv(folder: Path, outcome: FileOutcome, contract: Contract) -> Path:
    """A steward's copy of the quarantined rows' reasons (masked), UTF-8 with BOM so Excel opens it."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{outcome.sha256[:12]}_{outcome.path.stem}.quarantine.csv"
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["文件", "工作表", "行号", "列", "规则", "原因", "reason", "值（已脱敏）"])
        for r in _quarantine_rows(outcome, contract):
            writer.writerow([outcome.name, r["sheet"] or "", r["row_number"], r["column_name"] or "", r["rule_id"],
                             r["message_zh"], r["message_en"], r["value_masked"] or ""])
    return out
