"""Deadlines and obligation status (DOMAIN.md §2, §4): the working-day calendar seed is what
`chinese_calendar` says, the dbt unit tests' calendar rows are real, every planted deadline case of the
sample comes out of fct_obligations with its planted due date and status, and a due date in a year the
calendar lacks stops the build with a message that says how to add the year."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from ingest import calendar as work_calendar
from warehouse.settings import DBT_PROJECT_DIR

AS_OF = date(2025, 12, 31)
INT_MODELS_YML = DBT_PROJECT_DIR / "models" / "intermediate" / "obligations" / "_int_obligations__models.yml"


# ------------------------------------------------------------------ the calendar seed


def test_calendar_seed_matches_a_fresh_generation():
    """Fails after a chinesecalendar upgrade until `python -m ingest.calendar` is rerun and committed."""
    committed = work_calendar.SEED_PATH.read_text(encoding="utf-8")
    assert committed == work_calendar.render_csv(), (
        "work_calendar.csv is stale: run `python -m ingest.calendar` and commit the file"
    )


def test_calendar_seed_covers_every_day_of_the_supported_years():
    rows = list(csv.DictReader(io.StringIO(work_calendar.render_csv())))
    last = work_calendar.last_supported_year()
    assert rows[0]["calendar_date"] == "2004-01-01"
    assert rows[-1]["calendar_date"] == f"{last}-12-31"
    assert len(rows) == (date(last, 12, 31) - date(2004, 1, 1)).days + 1
    by_day = {r["calendar_date"]: r for r in rows}
    # 调休: a Saturday that is a working day
    assert by_day["2025-10-11"] == {
        "calendar_date": "2025-10-11",
        "is_workday": "true",
        "is_holiday": "false",
        "holiday_name": "国庆节",
        "is_makeup_workday": "true",
        "year": "2025",
    }
    assert (by_day["2024-06-10"]["is_workday"], by_day["2024-06-10"]["holiday_name"]) == ("false", "端午节")
    # an ordinary weekend is neither a working day nor a holiday
    assert (by_day["2025-10-12"]["is_workday"], by_day["2025-10-12"]["is_holiday"]) == ("false", "false")


def test_unit_test_calendar_rows_are_the_real_calendar():
    """The dbt unit tests give work_calendar windows as rows; they must be copies of the seed."""
    seed = {r["calendar_date"]: r for r in csv.DictReader(io.StringIO(work_calendar.render_csv()))}
    unit_tests = yaml.safe_load(INT_MODELS_YML.read_text(encoding="utf-8"))["unit_tests"]
    checked = 0
    for test in unit_tests:
        for given in test["given"]:
            if given["input"] != "ref('work_calendar')" or given.get("format") != "csv":
                continue
            for row in csv.DictReader(io.StringIO(given["rows"])):
                real = seed[row["calendar_date"]]
                assert {k: real[k] for k in row} == row, (test["name"], row)
                checked += 1
    assert checked > 30


def test_unit_test_rule_rows_are_the_deadline_rules_seed():
    """The dbt unit test of every default rule gives deadline_rules as rows; they must be the seed's rows."""
    seed_path = DBT_PROJECT_DIR / "seeds" / "rules" / "deadline_rules.csv"
    seed = {}
    for r in csv.DictReader(io.StringIO(seed_path.read_text(encoding="utf-8"))):
        seed[r["rule_id"]] = {
            "rule_id": r["rule_id"],
            "obligation_kind": r["obligation_kind"],
            "supervision_type": r["supervision_type"] or None,
            "urgent": {"true": True, "false": False}.get(r["urgent"]),
            "amount": int(r["amount"]) if r["amount"] else None,
            "unit": r["unit"] or None,
        }
    unit_tests = yaml.safe_load(INT_MODELS_YML.read_text(encoding="utf-8"))["unit_tests"]
    test = next(t for t in unit_tests if t["name"] == "test_int_obligations_due_dates_every_rule_on_the_real_calendar")
    given = next(g for g in test["given"] if g["input"] == "ref('deadline_rules')")
    assert {r["rule_id"]: r for r in given["rows"]} == {k: v for k, v in seed.items() if k != "penalty_entry"}


def test_listed_hotline_duties_are_the_deadline_rules_seed():
    """The hotline duties int_obligations_listed makes are the seed's rows listed from hotline_tickets; its unit
    test gives those rows, and each runs from 受理时间 as the model assumes."""
    seed_path = DBT_PROJECT_DIR / "seeds" / "rules" / "deadline_rules.csv"
    columns = ("rule_id", "obligation_kind", "anchor", "listed_from", "source_channel", "requires_push",
               "responsible_role", "reply_column", "override_column")
    seed = {}
    for r in csv.DictReader(io.StringIO(seed_path.read_text(encoding="utf-8"))):
        if r["listed_from"] == "hotline_tickets":
            row = {c: r[c] or None for c in columns}
            row["requires_push"] = row["requires_push"] == "true"
            seed[r["rule_id"]] = row
    assert sorted(seed) == ["hotline_close", "hotline_procedural_reply", "hotline_push", "hotline_result_reply"]
    assert {r["anchor"] for r in seed.values()} == {"received_at"}
    unit_tests = yaml.safe_load(INT_MODELS_YML.read_text(encoding="utf-8"))["unit_tests"]
    test = next(t for t in unit_tests if t["name"] == "test_int_obligations_listed_every_kind")
    given = next(g for g in test["given"] if g["input"] == "ref('deadline_rules')")
    assert {r["rule_id"]: r for r in given["rows"]} == seed


# ------------------------------------------------------------------ the sample, built once


@pytest.fixture(scope="module")
def built(sample_warehouse) -> tuple[Path, dict[str, Any]]:
    return sample_warehouse.home, sample_warehouse.manifest


def _obligations(home: Path) -> dict[tuple[str, str], dict[str, Any]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cur = con.execute("select * from marts.fct_obligations")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["obligation_kind"], r["source_key"])
        assert key not in out, key  # planted keys are unique across scopes in the sample
        out[key] = r
    return out


def _planted(manifest: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    cases = [p for p in manifest["planted"] if p["kind"] == kind]
    assert cases, kind
    return cases


def _check(got: dict[str, Any] | None, due: str, status: str, case_id: str) -> None:
    assert got is not None, f"{case_id}: no row in fct_obligations"
    assert (got["due_date"].isoformat(), got["status"]) == (due, status), case_id
    assert got["as_of_date"] == AS_OF, case_id


@pytest.mark.slow
def test_planted_supervision_replies(built):
    home, manifest = built
    assert manifest["as_of"] == AS_OF.isoformat()
    obligations = _obligations(home)
    for case in _planted(manifest, "supervision_reply"):
        expect, record = case["expect"], case["records"][0]
        got = obligations.get(("supervision_reply", record["document_no"]))
        if not expect["reply_duty"]:
            assert got is None, f"{case['id']}: 线索移送 carries no reply duty"
            continue
        _check(got, expect["reply_due"], expect["status"], case["id"])
        assert got["due_period"] == expect["due_rule"], case["id"]
        assert got["anchor_date"].isoformat() == expect["start_date"], case["id"]
        assert got["anchor_fallback_flag"] == ("served_date_missing" in expect["flags"]), case["id"]
        assert got["responsible_unit_uscc"] == case["target_unit_uscc"], case["id"]


@pytest.mark.slow
def test_planted_police_reviews(built):
    home, manifest = built
    obligations = _obligations(home)
    cases = [p for p in _planted(manifest, "transfer") if "police_review_due" in p["expect"]]
    assert cases
    for case in cases:
        expect, record = case["expect"], case["records"][0]
        got = obligations.get(("police_review", record["decision_no"]))
        _check(got, expect["police_review_due"], expect["police_review_status"], case["id"])
        assert got["due_date_rule"] == "police_review", case["id"]
        assert got["responsible_unit_uscc"] is not None, case["id"]


@pytest.mark.slow
def test_planted_hotline_tickets(built):
    home, manifest = built
    obligations = _obligations(home)
    for case in _planted(manifest, "hotline"):
        expect, record = case["expect"], case["records"][0]
        if "due_date" in expect:  # a 12345 ticket
            got = obligations.get(("hotline_close", record["ticket_no"]))
            _check(got, expect["due_date"], expect["status"], case["id"])
            assert got["due_period"] == expect["due_rule"], case["id"]
            if expect.get("pushed"):
                assert ("hotline_push", record["ticket_no"]) in obligations, case["id"]
                feedback = obligations[("hotline_feedback", record["ticket_no"])]
                assert (feedback["replied_date"] is not None) == expect["has_feedback"], case["id"]
                side = case["records"][1]
                _check(
                    obligations.get(("hotline_procedural_reply", side["ticket_no"])),
                    expect["counterpart_procedural_reply_due"],
                    expect["counterpart_procedural_reply_status"],
                    case["id"] + " (12309 side)",
                )
        else:  # a 12309 clue
            got = obligations.get(("hotline_procedural_reply", record["ticket_no"]))
            _check(got, expect["procedural_reply_due"], expect["procedural_reply_status"], case["id"])
            assert got["due_period"] == expect["due_rule"], case["id"]
            assert ("hotline_result_reply", record["ticket_no"]) in obligations, case["id"]
            if expect.get("pushed"):
                feedback = obligations[("hotline_feedback", record["ticket_no"])]
                assert (feedback["replied_date"] is not None) == expect["has_feedback"], case["id"]


@pytest.mark.slow
def test_every_obligation_has_a_due_date_and_a_status(built):
    home, _ = built
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        kinds = dict(
            con.execute(
                "select obligation_kind, count(*) from marts.fct_obligations "
                "where due_date is not null and status is not null group by all"
            ).fetchall()
        )
        total = con.execute("select count(*) from marts.fct_obligations").fetchone()[0]
    finally:
        con.close()
    assert sum(kinds.values()) == total
    assert set(kinds) == {
        "supervision_reply",
        "police_review",
        "hotline_close",
        "hotline_procedural_reply",
        "hotline_result_reply",
        "hotline_push",
        "hotline_feedback",
    }


@pytest.mark.slow
def test_a_due_date_beyond_the_calendar_stops_the_build(built, tmp_path):
    """Without 2026 in the calendar, the duties due in 2026 must fail the mart, naming the year and the fix."""
    from warehouse.dbt_runner import run_dbt
    from warehouse.settings import load_settings

    home, _ = built
    shutil.copy(home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        con.execute("delete from reference.work_calendar where year = 2026")
    finally:
        con.close()
    result = run_dbt(load_settings(tmp_path), ["run", "--select", "int_obligations_due_dates_computed fct_obligations"],
                     as_of=AS_OF)  # the due dates are a table: rebuilt from the calendar as in every build
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "工作日历缺少 2026 年" in output
    assert "work calendar has no year 2026" in output
    assert "pip install -U chinesecalendar && python -m ingest.calendar" in output
