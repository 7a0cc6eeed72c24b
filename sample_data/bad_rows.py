"""Deliberately bad penalty rows (about 1.5 %), one per file, so the demo shows row-level quarantine.

Each reason breaks exactly one rule of the standard: a USCC check character, a decision date in the
future, an impossible date, a negative fine, an unknown 处罚类别, a 自然人 without 证件号码.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

from sample_data.files import PenaltyFile
from sample_data.ids import corrupt_uscc
from sample_data.parties import NATURAL_PERSON
from sample_data.penalties import Record

REASONS = (
    "uscc_check",
    "future_date",
    "impossible_date",
    "negative_fine",
    "unknown_category",
    "natural_person_no_id",
)
PER_REASON = 5


def _eligible(reason: str) -> Callable[[Record], bool]:
    def ok(rec: Record) -> bool:
        if (
            rec["_planted"]
            or rec.get("_bad")
            or rec.get("_correction_of")
            or not isinstance(rec["decision_date"], date)
        ):
            return False
        if reason == "uscc_check":
            return bool(rec["party_uscc"])
        if reason == "negative_fine":
            return rec["fine_amount"] is not None
        if reason == "natural_person_no_id":
            return rec["party_category"] == NATURAL_PERSON and bool(rec["party_id_no"])
        return True

    return ok


def _mutate(rec: Record, reason: str) -> dict[str, Any]:
    """Break the record; returns what the manifest records about it."""
    if reason == "uscc_check":
        rec["party_uscc"] = corrupt_uscc(rec["party_uscc"])
        field, value = "party_uscc", rec["party_uscc"]
    elif reason == "future_date":
        d = rec["decision_date"]
        rec["decision_date"] = date(2030, d.month, min(d.day, 28))
        field, value = "decision_date", rec["decision_date"].isoformat()
    elif reason == "impossible_date":
        rec["decision_date"] = f"{rec['_year']}-02-30"
        field, value = "decision_date", rec["decision_date"]
    elif reason == "negative_fine":
        rec["fine_amount"] = -rec["fine_amount"]
        field, value = "fine_amount", str(rec["fine_amount"])
    elif reason == "unknown_category":
        rec["penalty_categories"] = rec["penalty_categories"] + ";训诫"
        field, value = "penalty_categories", rec["penalty_categories"]
    else:
        rec["party_id_no"] = None
        field, value = "party_id_no", None
    rec["_bad"] = reason
    rec["_bad_detail"] = {"reason": reason, "field": field, "value": value}
    return rec["_bad_detail"]


def plant_bad_rows(files: list[PenaltyFile], rng: random.Random) -> int:
    """Spread PER_REASON rows of each reason over distinct files (never the rejected or correction file)."""
    pool = [f for f in files if not f.missing and not f.correction]
    rng.shuffle(pool)
    used: set[str] = set()
    planted = 0
    for reason in [r for r in REASONS for _ in range(PER_REASON)]:
        ok = _eligible(reason)
        ordered = [f for f in pool if f.path not in used] + [f for f in pool if f.path in used]
        for f in ordered:
            candidates = [r for r in f.records if ok(r)]
            if candidates:
                _mutate(rng.choice(candidates), reason)
                used.add(f.path)
                planted += 1
                break
    return planted
