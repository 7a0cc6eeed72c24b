"""Threshold rules end to end on the bundled sample: the planted 应移未移 clues and nothing else.

The sample's manifest (`expected.json`) lists planted penalty cases with their expected answers
(DOMAIN.md §3–§4); background cases never cross a threshold, so the set of clues must equal
`totals.expected_clues` exactly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

AS_OF = date(2025, 12, 31)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(sample_warehouse) -> tuple[dict[str, Any], Path]:
    return sample_warehouse.manifest, sample_warehouse.warehouse


def _rows(warehouse: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def _planted(manifest: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["agency_uscc"], p["decision_no"]): p for p in manifest["planted"] if p["feed"] == "penalty_ledger"}


def test_clues_are_exactly_the_planted_ones(built: tuple[dict[str, Any], Path]) -> None:
    manifest, warehouse = built
    planted = _planted(manifest)
    clues = _rows(warehouse, "select agency_uscc, decision_no from marts.fct_non_transfer_clues")
    found = {planted[(c["agency_uscc"], c["decision_no"])]["id"] if (c["agency_uscc"], c["decision_no"]) in planted
             else f"background {c['agency_uscc']} {c['decision_no']}" for c in clues}
    assert found == set(manifest["totals"]["expected_clues"])


def test_should_transfer_is_exactly_the_planted_ones(built: tuple[dict[str, Any], Path]) -> None:
    manifest, warehouse = built
    planted = _planted(manifest)
    cases = _rows(warehouse, "select agency_uscc, decision_no from marts.fct_penalty_cases where should_transfer")
    found = {planted.get((c["agency_uscc"], c["decision_no"]), {"id": c["decision_no"]})["id"] for c in cases}
    assert found == set(manifest["totals"]["expected_should_transfer"])


def test_each_planted_case_gets_its_expected_answer(built: tuple[dict[str, Any], Path]) -> None:
    manifest, warehouse = built
    cases = {(r["agency_uscc"], r["decision_no"]): r for r in _rows(warehouse, "select * from marts.fct_penalty_cases")}
    clues: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in _rows(warehouse, "select * from marts.fct_non_transfer_clues"):
        clues.setdefault((r["agency_uscc"], r["decision_no"]), []).append(r)
    facts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in _rows(warehouse, """
            select f.* from staging.stg_penalty__facts f join staging.stg_penalty__decisions d
            using (agency_uscc, decision_no, source_row_hash)"""):
        facts.setdefault((r["agency_uscc"], r["decision_no"]), []).append(r)
    checked = 0
    for key, p in _planted(manifest).items():
        want, case = p["expect"], cases[key]
        if "should_transfer" in want:
            assert case["should_transfer"] == want["should_transfer"], p["id"]
        if "transferred" in want:
            assert case["transferred"] == want["transferred"], p["id"]
        if "proactive_transfer" in want:
            assert case["proactive_transfer"] == want["proactive_transfer"], p["id"]
        if "clue" in want:
            assert (key in clues) == want["clue"], p["id"]
        if want.get("clue"):
            (clue,) = [c for c in clues[key] if c["rule_kind"] == want["rule"] or (
                want["rule"] == "threshold" and c["rule_kind"] == "threshold")]
            assert clue["clue_status"] == want["clue_status"], p["id"]
            if want["rule"] == "threshold":
                assert clue["measured_value"] == Decimal(str(want["measured_value"])), p["id"]
                assert clue["threshold"] == Decimal(str(want["threshold"])), p["id"]
                assert clue["value_source_kind"] == want["value_source"], p["id"]
                if want["value_source"] == "text":
                    assert clue["value_source"] == want["evidence"], p["id"]
            if want["rule"] == "repeat":
                assert clue["prior_penalties"] == want["prior_penalties"], p["id"]
            checked += 1
        if "measured_value" in want and want.get("value_source") and not want.get("clue"):
            # not a clue: the value must still have been measured, from where the manifest says
            kind = "text" if want["value_source"] == "text" else "column"
            values = [f["fact_value"] for f in facts.get(key, [])
                      if (f["value_source"] == "text") == (kind == "text")]
            assert Decimal(str(want["measured_value"])) in values, p["id"]
            if want.get("evidence"):
                assert want["evidence"] in [f["evidence"] for f in facts[key]], p["id"]
    assert checked == len(manifest["totals"]["expected_clues"])


def test_no_background_case_fires_a_rule(built: tuple[dict[str, Any], Path]) -> None:
    manifest, warehouse = built
    planted = _planted(manifest)
    hits = _rows(warehouse, "select agency_uscc, decision_no, rule_id "
                            "from intermediate.int_penalty_cases_matched_to_thresholds")
    assert [h for h in hits if (h["agency_uscc"], h["decision_no"]) not in planted] == []
