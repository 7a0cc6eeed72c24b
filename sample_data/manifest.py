"""The parts of expected.json that describe answers rather than files: planted-case entries, the list of
personal data written, and totals. The format itself is documented in `ingest/sample/__init__.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sample_data.files import PenaltyFile
from sample_data.parties import NATURAL_PERSON
from sample_data.penalties import Record
from sample_data.planted import Planted

MANIFEST_NAME = "expected.json"
MANIFEST_VERSION = 1


class PiiLog:
    """Every personal identifier actually written, for the warehouse's "no raw personal data" test."""

    def __init__(self) -> None:
        # dicts keep first-seen order (sets would not be reproducible across processes)
        self.ids: dict[str, None] = {}
        self.legacy: dict[str, None] = {}
        self.phones: dict[str, None] = {}
        self.names: dict[str, None] = {}

    def note(self, rec: Record, feed: str) -> None:
        if feed == "penalty_ledger":
            if rec["party_category"] == NATURAL_PERSON:
                self.names[rec["party_name"]] = None
                if rec["party_id_no"]:
                    self.ids[rec["party_id_no"]] = None
                    if len(rec["party_id_no"]) == 15:
                        self.legacy[rec["party_id_no"]] = None
            if rec["legal_rep_name"]:
                self.names[rec["legal_rep_name"]] = None
            if rec["legal_rep_id_no"]:
                self.ids[rec["legal_rep_id_no"]] = None
        elif feed == "hotline_exchange":
            if rec["caller_name"]:
                self.names[rec["caller_name"]] = None
            if rec["caller_phone"]:
                self.phones[rec["caller_phone"]] = None
        for id_no in rec.get("_text_ids", []):
            self.ids[id_no] = None
        for phone in rec.get("_text_phones", []):
            self.phones[phone] = None

    def to_manifest(self) -> dict[str, list[str]]:
        return {
            "id_numbers": list(self.ids),
            "legacy_id_numbers": list(self.legacy),
            "phones": list(self.phones),
            "names": list(self.names),
        }


def _keys(case: Planted, rec: Record) -> dict[str, Any]:
    """The identifying keys of one planted record, per feed."""
    if case.feed == "penalty_ledger":
        return {
            "agency_uscc": rec["agency_uscc"],
            "agency_name": rec["agency_name"],
            "decision_no": rec["decision_no"],
            "case_no": rec["case_no"],
            "decision_date": rec["decision_date"].isoformat(),
            "entry_date": rec["entry_date"].isoformat(),
            "party_category": rec["party_category"],
            "party_uscc": rec["party_uscc"],
        }
    if case.feed == "supervision_ledger":
        return {
            "procuratorate": rec["procuratorate"],
            "document_no": rec["document_no"],
            "supervision_type": rec["supervision_type"],
            "target_unit_name": rec["target_unit_name"],
            "related_decision_no": rec["related_decision_no"],
        }
    return {
        "channel": rec["channel"],
        "ticket_no": rec["ticket_no"],
        "counterpart_ticket_no": rec["counterpart_ticket_no"],
    }


def planted_entry(case: Planted, where: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Where a planted case is (`where` maps id(record) → file/sheet/row), its keys and expected answer."""
    records = [{**where[id(rec)], **_keys(case, rec)} for rec in case.records]
    entry = {
        "id": case.id,
        "feed": case.feed,
        "kind": case.kind,
        "description": case.description,
        "region_code": case.region_code,
        **records[0],
        "records": records,
        "expect": case.expect,
    }
    entry.update(case.extra)
    return entry


def totals(
    files: list[dict[str, Any]], penalty_files: list[PenaltyFile], member_count: int, planted: list[Planted]
) -> dict[str, Any]:
    """Row counts per feed and the complete lists of expected clues / should-transfer cases."""

    def rows(feed: str, key: str = "data_rows", **where: Any) -> int:
        return sum(
            f[key] for f in files if f["feed"] == feed and all(f.get(k) == v for k, v in where.items())
        )

    keys = {
        (r["agency_uscc"], r["decision_no"])
        for pf in penalty_files
        if not pf.missing
        for r in pf.records
        if not r["_bad"]
    }
    return {
        "files": len(files),
        "member_units": member_count,
        "penalty_files": sum(1 for f in files if f["feed"] == "penalty_ledger"),
        "penalty_rows": rows("penalty_ledger"),
        "penalty_bad_rows": rows("penalty_ledger", "bad_rows"),
        "penalty_rows_in_rejected_files": sum(f["data_rows"] for f in files if f["expect"] == "rejected"),
        "penalty_correction_rows": sum(f["data_rows"] for f in files if f.get("correction")),
        "penalty_keys_expected": len(keys),
        "supervision_rows": rows("supervision_ledger"),
        "supervision_bad_rows": rows("supervision_ledger", "bad_rows"),
        "hotline_rows": rows("hotline_exchange"),
        "hotline_12345_rows": rows("hotline_exchange", channel="12345"),
        "hotline_12309_rows": rows("hotline_exchange", channel="12309"),
        "hotline_bad_rows": rows("hotline_exchange", "bad_rows"),
        "task_list_files": sum(1 for f in files if f["feed"] == "task_list"),
        "task_list_rows": rows("task_list"),
        "expected_clues": sorted(c.id for c in planted if c.expect.get("clue")),
        "expected_should_transfer": sorted(c.id for c in planted if c.expect.get("should_transfer")),
    }


def clean_previous(out_dir: Path) -> None:
    """Remove the files of an earlier sample in out_dir (as listed by its manifest), nothing else."""
    manifest = out_dir / MANIFEST_NAME
    if not manifest.exists():
        return
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for f in old.get("files", []):
        path = out_dir / str(f.get("path", ""))
        if path.is_file() and path.parent == out_dir:
            path.unlink()
