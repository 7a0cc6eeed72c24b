"""Every contract rule is seen to pass on clean rows and to fail on a row that breaks it.

The per-rule test is parametrised over `compile_rules` of every contract, so a rule added to a YAML
contract is tested (and needs a breaker in contract_cases.py) without touching this file.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_contracts import identifiers
from data_contracts.compiler import RULE_KINDS, compile_rules
from data_contracts.docs import build_data_docs
from data_contracts.gx_runner import build_suite, codes_valid, ric_valid, uscc_valid, validate_frame
from data_contracts.model import FEEDS, load_codes, load_contract
from data_contracts.report import CONTRACT_RESULTS_COLUMNS, results_by_unit
from tests.contract_cases import (
    AGENCY_USCC,
    COMPANY_USCC,
    INHERENT_COMPANIONS,
    TODAY,
    bad_check,
    broken_frame,
    clean_rows,
    make_frame,
    ric18,
    ric18_bad,
    uscc,
)

ALL_RULES = [(feed, r.rule_id) for feed in FEEDS for r in compile_rules(load_contract(feed), TODAY)]


@cache
def _clean_report(feed: str):
    contract = load_contract(feed)
    df = make_frame(contract, clean_rows(feed))
    return df, validate_frame(contract, df, TODAY)


@cache
def _broken_report(feed: str):
    contract = load_contract(feed)
    rules = compile_rules(contract, TODAY)
    df, sources = broken_frame(contract, rules)
    return df, sources, validate_frame(contract, df, TODAY)


def _penalty(rows_update: list[dict]) -> pd.DataFrame:
    base = clean_rows("penalty_ledger")
    rows = []
    for i, upd in enumerate(rows_update):
        row = dict(base[upd.pop("_base", 0)])
        row["decision_no"] = f"测试〔2025〕{i}号"
        row.update(upd)
        rows.append(row)
    return make_frame(load_contract("penalty_ledger"), rows, index=[f"r{i}" for i in range(len(rows))])


def _failed(report, rule_id: str) -> set:
    return set(report.outcome(rule_id).failed_index)


# --------------------------------------------------------------------------------------------------
# Compilation


def test_every_rule_kind_is_used_and_every_contract_feature_compiles():
    kinds = set()
    for feed in FEEDS:
        contract = load_contract(feed)
        ids = {r.rule_id for r in compile_rules(contract, TODAY)}
        kinds |= {r.kind for r in compile_rules(contract, TODAY)}
        assert "key.unique" in ids
        for f in contract.fields:
            expected = set()
            if f.required:
                expected.add(f"{f.name}.required")
            if f.required_when:
                expected.add(f"{f.name}.required_when")
            if f.max_length:
                expected.add(f"{f.name}.max_length")
            if f.type in ("code", "code_list"):
                expected.add(f"{f.name}.codes")
            if f.type == "uscc" or (f.type == "id_no" and f.id_type_field):
                expected.add(f"{f.name}.checksum")
            if f.type == "region_code":
                expected.add(f"{f.name}.format")
            if f.type in ("amount", "decimal", "integer"):
                expected.add(f"{f.name}.non_negative")
            if f.not_future:
                expected.add(f"{f.name}.not_future")
            expected |= {f"{f.name}.gte.{o}" for o in f.gte} | {f"{f.name}.lte.{o}" for o in f.lte}
            if f.starts_with:
                expected.add(f"{f.name}.prefix")
            assert expected <= ids, (feed, f.name, expected - ids)
    assert kinds == set(RULE_KINDS)


def test_rule_messages_name_the_column():
    contract = load_contract("penalty_ledger")
    rules = {r.rule_id: r for r in compile_rules(contract, TODAY)}
    r = rules["agency_uscc.checksum"]
    assert r.message_zh == "统一社会信用代码格式或校验位错误（处罚机关统一社会信用代码）"
    assert r.message_en.endswith("(agency_uscc)")
    assert rules["agency_uscc.prefix"].severity == "warning"
    assert rules["fine_amount.required_when"].condition.op == "contains_any"
    assert rules["valid_until.gte.decision_date"].other_field == "decision_date"


# --------------------------------------------------------------------------------------------------
# Clean frames and one breaking row per rule


@pytest.mark.parametrize("feed", FEEDS)
def test_clean_frame_passes_every_rule(feed):
    _, report = _clean_report(feed)
    assert report.success
    assert report.exceptions == []
    assert [o.rule_id for o in report.outcomes if not o.success] == []
    assert report.warnings_by_row() == {}
    assert len(report.outcomes) == len(compile_rules(load_contract(feed), TODAY))


@pytest.mark.parametrize("feed", FEEDS)
def test_element_count_matches_rule_domain(feed):
    """GX's count of rows a conditional rule looked at equals our own condition mask (used per unit)."""
    _, _, report = _broken_report(feed)
    for o in report.outcomes:
        if o.domain_mask is not None:
            assert o.element_count == int(o.domain_mask.sum()), o.rule_id


@pytest.mark.parametrize(("feed", "rule_id"), ALL_RULES, ids=[f"{f}:{r}" for f, r in ALL_RULES])
def test_rule_fails_on_the_row_that_breaks_it(feed, rule_id):
    _, sources, report = _broken_report(feed)
    outcome = report.outcome(rule_id)
    assert outcome.exception is None
    failed = set(outcome.failed_index)
    assert rule_id in failed, f"{rule_id}: the breaking row passed"
    clean_failed = {label for label in failed if str(label).startswith("clean")}
    if outcome.kind == "unique_key":
        assert failed == {rule_id, sources[rule_id]}  # both rows sharing the key fail
    else:
        assert clean_failed == set()
    # The breaking row breaks this rule and no other (except where the rules make that impossible).
    broke = {o.rule_id for o in report.outcomes if rule_id in o.failed_index}
    assert broke == {rule_id} | INHERENT_COMPANIONS.get(rule_id, set())
    assert outcome.unexpected_count == len(outcome.failed_index)


# --------------------------------------------------------------------------------------------------
# Identifiers


def test_uscc_letter_prefixes_and_wrong_check():
    codes = [uscc("N1441302MA4W0000" + "1"), uscc("A1441302MA4W0000" + "2"), uscc("Y1441302MA4W0000" + "3")]
    bad = [bad_check(c) for c in codes]
    df = _penalty([{"party_uscc": c} for c in codes + bad])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "party_uscc.checksum") == {"r3", "r4", "r5"}
    assert all(identifiers.is_valid_uscc(c) for c in codes)


def test_id_card_numbers_legacy_and_wrong_check():
    df = _penalty([
        {"_base": 1, "party_id_no": "441302800101123"},             # legacy 15 digits: passes
        {"_base": 1, "party_id_no": ric18("44130219800101123")},    # valid 18
        {"_base": 1, "party_id_no": ric18_bad("44130219800101123")},  # wrong check digit
        {"_base": 1, "party_id_no": "ABC", "party_id_type": "护照"},  # not a 身份证: not checked
        {"_base": 1, "party_id_no": "44130219800101123"},            # 17 digits
    ])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "party_id_no.checksum") == {"r2", "r4"}
    assert report.outcome("party_id_no.checksum").element_count == 4  # rows whose 证件类型 is 身份证


def test_vectorised_checks_agree_with_identifiers():
    rng = random.Random(7)
    alphabet = identifiers.USCC_ALPHABET
    samples = []
    for _ in range(3000):
        body = "".join(rng.choice(alphabet) for _ in range(17))
        samples += [body + identifiers.uscc_check_char(body), body + rng.choice(alphabet), body[:16]]
    samples += ["", "I" * 18, None, 12345]
    got = uscc_valid(samples)
    want = [isinstance(s, str) and identifiers.is_valid_uscc(s) for s in samples]
    assert got.tolist() == want
    ids = []
    for _ in range(3000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        ids += [ric18(body), body + rng.choice("0123456789X"), body[:15], body[:16], ric18(body).lower(),
                " " + ric18(body)]
    got = ric_valid([*ids, None, 1])
    want = [identifiers.is_valid_ric(s) for s in ids] + [False, False]
    assert got.tolist() == want


# --------------------------------------------------------------------------------------------------
# Code lists and conditions


def test_penalty_category_code_list():
    cl = load_codes()["penalty_category"]
    values = ["其他-责令改正", "警告;罚款", "警告;打板子", "警告;", "其他-", "罚款;其他-责令退款"]
    verdicts = codes_valid(values, list(cl.values), cl.open_prefix, ";").tolist()
    assert verdicts == [True, True, False, False, False, True]
    df = _penalty([{"penalty_categories": v, "fine_amount": 1.0} for v in values])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "penalty_categories.codes") == {"r2", "r3", "r4"}


def test_required_when_party_uscc():
    df = _penalty([
        {"party_category": "法人及非法人组织", "party_uscc": None},
        {"_base": 1, "party_category": "自然人", "party_uscc": None},
        {"party_category": "个体工商户", "party_uscc": None},
        {"party_category": None, "party_uscc": None},  # no category: the condition does not hold
    ])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "party_uscc.required_when") == {"r0", "r2"}
    assert _failed(report, "party_category.required") == {"r3"}


def test_required_when_contains_any_on_code_list():
    df = _penalty([
        {"penalty_categories": "警告;罚款", "fine_amount": None},
        {"penalty_categories": "警告", "fine_amount": None},
        {"penalty_categories": "罚款", "fine_amount": 0.0},
        {"penalty_categories": "没收非法财物", "confiscation_amount": None},
    ])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "fine_amount.required_when") == {"r0"}
    assert report.outcome("fine_amount.required_when").element_count == 2
    assert _failed(report, "confiscation_amount.required_when") == {"r3"}


def test_long_term_satisfies_required_and_skips_gte():
    df = _penalty([
        {"valid_until": None, "valid_until_long_term": True},
        {"valid_until": None, "valid_until_long_term": False},
        {"valid_until": "2025-02-01", "decision_date": "2025-03-01"},
    ])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "valid_until.required") == {"r1"}
    assert _failed(report, "valid_until.gte.decision_date") == {"r2"}


def test_not_future_boundaries():
    c = load_contract("hotline_exchange")
    rows = clean_rows("hotline_exchange")[1:2] * 3
    stamps = [f"{TODAY} 23:59:59", str(TODAY + timedelta(days=1)), f"{TODAY} 00:00:00"]
    rows = [{**r, "ticket_no": f"T{i}", "received_at": s}
            for i, (r, s) in enumerate(zip(rows, stamps, strict=True))]
    report = validate_frame(c, make_frame(c, rows, index=["late_today", "tomorrow", "today"]), TODAY)
    assert _failed(report, "received_at.not_future") == {"tomorrow"}
    df = _penalty([{"decision_date": str(TODAY), "entry_date": None},
                   {"decision_date": str(TODAY + timedelta(days=1)), "entry_date": None}])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "decision_date.not_future") == {"r1"}


def test_dates_beyond_pandas_ns_range_are_still_checked():
    df = _penalty([{"entry_date": None}, {"entry_date": None}])
    df["decision_date"] = pd.Series([pd.Timestamp("2025-01-01"), pd.Timestamp("9999-12-31")],
                                    index=df.index).astype("datetime64[s]")
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "decision_date.not_future") == {"r1"}


def test_warning_rule_is_reported_but_does_not_quarantine():
    df = _penalty([{"agency_uscc": COMPANY_USCC}, {"agency_uscc": AGENCY_USCC}])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "agency_uscc.prefix") == {"r0"}
    assert report.row_failures() == {}
    assert [o.rule_id for o in report.warnings_by_row()["r0"]] == ["agency_uscc.prefix"]
    assert report.success


def test_duplicate_key_fails_every_row_sharing_it():
    df = _penalty([{}, {}, {}, {"decision_no": None}])
    df.loc["r1", "decision_no"] = df.loc["r0", "decision_no"]
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    assert _failed(report, "key.unique") == {"r0", "r1"}
    assert set(report.row_failures()) == {"r0", "r1", "r3"}


# --------------------------------------------------------------------------------------------------
# Engine behaviour


def test_gx_exception_surfaces_as_failed_outcome():
    df = _penalty([{}, {}]).drop(columns=["party_name"])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    o = report.outcome("party_name.required")
    assert o.exception and "party_name" in o.exception
    assert not report.success
    assert set(o.failed_index) == {"r0", "r1"}  # nothing is vouched for
    assert report.outcome("decision_no.required").exception is None


def test_duplicate_index_is_refused():
    df = _penalty([{}, {}])
    df.index = ["x", "x"]
    with pytest.raises(ValueError, match="unique index"):
        validate_frame(load_contract("penalty_ledger"), df, TODAY)


def test_suite_is_cached_per_feed_and_day():
    c = load_contract("member_units")
    rules = compile_rules(c, TODAY)
    assert build_suite(c, rules, TODAY) is build_suite(c, rules, TODAY)
    tomorrow = TODAY + timedelta(days=1)
    assert build_suite(c, compile_rules(c, tomorrow), tomorrow) is not build_suite(c, rules, TODAY)


# --------------------------------------------------------------------------------------------------
# Results per unit


def test_results_by_unit_counts():
    updates = []
    for i in range(7):
        unit = ["甲局", "甲局", "甲局", "乙局", "乙局", None, "乙局"][i]
        upd = {"agency_name": unit, "_row_number": 10 + i}
        if i in (1, 3, 4):
            upd["region_code"] = "123"
        updates.append(upd)
    df = _penalty(updates)
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    rows = results_by_unit(report, df, "agency_name")
    assert all(tuple(r) == CONTRACT_RESULTS_COLUMNS for r in rows)
    region = {r["unit_name"]: r for r in rows if r["rule_id"] == "region_code.format"}
    assert set(region) == {"甲局", "乙局", None}
    def counts(unit):
        return region[unit]["element_count"], region[unit]["unexpected_count"], region[unit]["failed_rows"]

    assert counts("甲局") == (3, 1, "11")
    assert counts("乙局") == (3, 2, "13,14")
    assert counts(None) == (1, 0, "")
    assert region["甲局"]["feed"] == "penalty_ledger" and region["甲局"]["severity"] == "error"
    # A conditional rule counts only the rows its condition selects (row 0 of the clean rows has 罚款).
    fine = {r["unit_name"]: r["element_count"] for r in rows if r["rule_id"] == "fine_amount.required_when"}
    assert fine == {"甲局": 3, "乙局": 3, None: 1}
    ric = {r["unit_name"]: r["element_count"] for r in rows if r["rule_id"] == "party_id_no.checksum"}
    assert ric == {"甲局": 0, "乙局": 0, None: 0}
    assert len(rows) == 3 * len(report.outcomes)


def test_results_by_unit_lists_at_most_200_rows():
    c = load_contract("member_units")
    rows = [{**clean_rows("member_units")[0], "unit_uscc": uscc(f"9144130{i:06d}MA4W"), "region_code": "1"}
            for i in range(250)]
    df = make_frame(c, rows)
    report = validate_frame(c, df, TODAY)
    (row,) = [r for r in results_by_unit(report, df, "unit_name") if r["rule_id"] == "region_code.format"]
    assert row["unexpected_count"] == 250
    listed = row["failed_rows"].split(",")
    assert len(listed) == 200 and listed[:2] == ["2", "3"]


# --------------------------------------------------------------------------------------------------
# Data docs


def test_data_docs_are_offline_and_escaped(tmp_path: Path):
    df = _penalty([{"agency_name": "<script>alert(1)</script>", "region_code": "1"}, {}])
    report = validate_frame(load_contract("penalty_ledger"), df, TODAY)
    results = results_by_unit(report, df, "agency_name")
    files = [{"file_sha256": "ab" * 32, "file_name": "<b>台账</b>.xlsx", "feed": "penalty_ledger",
              "status": "loaded", "rows_read": 3, "rows_loaded": 1, "rows_quarantined": 1, "rows_non_data": 1,
              "loaded_at": "2025-06-30 10:00:00"}]
    index = build_data_docs(tmp_path / "site", results, files)
    assert index == tmp_path / "site" / "index.html"
    pages = list((tmp_path / "site").glob("*.html"))
    assert len(pages) == 1 + len(FEEDS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "http" not in text.lower()
        assert "<script" not in text.lower()
        assert "<link" not in text.lower()
        assert 'lang="zh-CN"' in text
    home = index.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert "&lt;b&gt;台账&lt;/b&gt;.xlsx" in home
    assert "50.0%" in home  # 1 loaded of 2 data rows
    assert home.count('href="contract_penalty_ledger.html"') == 2  # overview row and section heading
    penalty = (tmp_path / "site" / "contract_penalty_ledger.html").read_text(encoding="utf-8")
    assert "处罚机关统一社会信用代码" in penalty and "当事人名称" in penalty and "其他-" in penalty
    assert "统一社会信用代码格式或校验位错误" in penalty


def test_vectorised_checks_handle_empty_input():
    assert uscc_valid([]).tolist() == [] and ric_valid([]).tolist() == []
    assert codes_valid(np.array([], dtype=object), ["a"], None, None).tolist() == []


def test_a_validation_does_not_fingerprint_the_frame(monkeypatch):
    """GX's batch fingerprint (a hash of the whole frame, for a marker nothing here reads) was a quarter of every
    validation: gx_runner turns it off, and the outcomes stay those of the clean frame."""
    from great_expectations.execution_engine import pandas_execution_engine

    calls: list[int] = []
    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", lambda df: calls.append(len(df)) or "x")
    contract = load_contract("penalty_ledger")
    df = make_frame(contract, clean_rows("penalty_ledger"))
    report = validate_frame(contract, df, TODAY)
    assert calls == []
    assert report.row_count == len(df) and not [o.rule_id for o in report.outcomes if o.failed_index]
