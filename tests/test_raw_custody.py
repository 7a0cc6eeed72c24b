"""The raw tables' chain of custody (warehouse.raw_custody): after a passing build, ingest journals the raw parts
it changes and the next gate fingerprints only those — and ends with exactly the fingerprints a full audit
computes. Any other write breaks the chain, and the gate reads every part again."""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb
import pytest

from ingest.pipeline import ingest_file
from orchestration import workflows
from privacy import pii_audit
from privacy.pii_audit import AuditState, _fingerprints, _tables
from tests.builders import PENALTY_HEADERS, PERSON_ID, execute_sql, penalty_row, person_row, write_csv
from warehouse import raw_custody

AS_OF = date(2025, 12, 31)
FIRST_ROWS = [person_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕9号"}), penalty_row()]
RAW_TABLES = {"raw.penalty_ledger", "raw.penalty_facts", "raw.hotline_exchange", "raw.supervision_ledger",
              "raw.member_units"}


@pytest.fixture
def built(tmp_path, target, settings):
    """Two penalty files ingested, then a build whose gate passed: the custody is granted."""
    first = write_csv(tmp_path / "a.csv", PENALTY_HEADERS, FIRST_ROWS)
    assert ingest_file(first, target).rows_loaded == 2
    other = penalty_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕2号",
                           "违法事实": "当事人销售不合格食品，货值金额共计人民币8000元。"})
    assert ingest_file(write_csv(tmp_path / "b.csv", PENALTY_HEADERS, [other]), target).rows_loaded == 1
    assert workflows.build(settings, AS_OF).findings == []
    assert raw_custody.held(settings.warehouse) is not None
    return settings, first


def _fingerprinted(monkeypatch) -> list[tuple[str, frozenset[str] | None]]:
    """The tables the gate fingerprints from now on, with the parts it asks for (None: every part)."""
    calls: list[tuple[str, frozenset[str] | None]] = []
    real = pii_audit._fingerprints

    def spy(con, table, parts=None):
        calls.append((table.name, None if parts is None else frozenset(parts)))
        return real(con, table, parts)

    monkeypatch.setattr(pii_audit, "_fingerprints", spy)
    return calls


def _state_and_truth(settings) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The raw tables' fingerprints the gate's state holds, and those a full audit computes now."""
    state = AuditState.open(settings.pii_audit_state)
    try:
        stored = {n: fp for n, fp in state.all_fingerprints().items() if n.startswith("raw.")}
    finally:
        state.close()
    con = duckdb.connect()
    try:
        con.execute(f"attach '{settings.warehouse}' as wh (read_only)")
        truth = {t.name: _fingerprints(con, t) for t in _tables(con, lambda s: s == "raw")}
    finally:
        con.close()
    return stored, {n: fp for n, fp in truth.items() if fp}


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_build_after_an_ingest_reads_only_the_parts_it_journalled(tmp_path, built, target, monkeypatch):
    """A new file, and the same rows as an ingested file sent again in a file whose hash is smaller (their
    lineage moves to it, so the old file's part changes too): the next gate fingerprints those files' parts
    of the ledger and the agencies' parts of the facts, nothing else, and its state then equals a full audit's."""
    settings, first = built
    new = write_csv(tmp_path / "c.csv", PENALTY_HEADERS,
                    [penalty_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕3号"})])
    assert ingest_file(new, target).rows_new == 1
    resent = (write_csv(tmp_path / f"a{i}.csv", PENALTY_HEADERS, FIRST_ROWS + [{}] * i) for i in range(1, 60))
    again = next(p for p in resent if _sha(p) < _sha(first))  # blank rows at the end: the same rows
    assert ingest_file(again, target).rows_unchanged == 2
    calls = _fingerprinted(monkeypatch)
    assert workflows.build(settings, AS_OF).findings == []
    raw = {name: parts for name, parts in calls if name in RAW_TABLES}
    assert raw == {"raw.penalty_ledger": frozenset({_sha(new), _sha(again), _sha(first)}),
                   "raw.penalty_facts": frozenset({penalty_row()["处罚机关统一社会信用代码"]})}
    stored, truth = _state_and_truth(settings)
    assert stored == truth and set(truth["raw.penalty_ledger"]) == {_sha(new), _sha(again), _sha(tmp_path / "b.csv")}
    # an audit that only reads (`liandong audit-pii`, publish's gate) keeps the chain and reads no raw part
    assert raw_custody.held(settings.warehouse) is not None
    calls.clear()
    assert workflows.pii_audit(settings) == []
    assert not [name for name, _ in calls if name in RAW_TABLES]
    assert raw_custody.held(settings.warehouse) is not None


def test_a_purge_keeps_the_chain(built, monkeypatch):
    """`liandong purge` writes `meta.files` only: the next gate reads no raw part (it read every one before)."""
    from ingest.purge import purge_landing

    settings, _ = built
    assert purge_landing(settings.warehouse, settings.home, date(2100, 1, 1)).files == 2
    assert raw_custody.held(settings.warehouse) is not None
    calls = _fingerprinted(monkeypatch)
    assert workflows.build(settings, AS_OF).findings == []
    assert not [name for name, _ in calls if name in RAW_TABLES]


def test_a_write_outside_the_rules_breaks_the_chain_and_the_gate_reads_every_part(built, monkeypatch):
    settings, _ = built
    execute_sql(settings.warehouse, "update raw.penalty_ledger set remarks = ? where decision_no like '%1号'",
                [f"证件{PERSON_ID}"])
    assert raw_custody.held(settings.warehouse) is None
    calls = _fingerprinted(monkeypatch)
    with pytest.raises(workflows.PersonalDataFound) as failed:
        workflows.build(settings, AS_OF)
    assert ("raw.penalty_ledger", None) in calls
    assert {f.location for f in failed.value.findings} == {"raw.penalty_ledger.remarks"}
    assert not raw_custody.custody_path(settings.warehouse).exists()  # a failed build leaves it broken


def test_a_failed_ingest_breaks_the_chain(tmp_path, settings, target, monkeypatch):
    assert ingest_file(write_csv(tmp_path / "a.csv", PENALTY_HEADERS, FIRST_ROWS), target).rows_loaded == 2
    raw_custody.grant(settings.warehouse, "an epoch", 0)
    assert ingest_file(write_csv(tmp_path / "b.csv", PENALTY_HEADERS, [penalty_row(**{
        "行政处罚决定书文号": "惠市监罚〔2024〕2号"})]), target).rows_loaded == 1
    assert raw_custody.held(settings.warehouse) == raw_custody.Custody(
        raw_custody.warehouse_key(settings.warehouse), "an epoch", 0)

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("ingest.pipeline._load_contained", fail)
    with pytest.raises(RuntimeError):
        ingest_file(write_csv(tmp_path / "d.csv", PENALTY_HEADERS, [penalty_row()]), target)
    assert raw_custody.held(settings.warehouse) is None


def test_the_fingerprints_of_some_parts_are_those_of_the_whole_table_for_them(tmp_path):
    """Parts asked for by value, '' for a NULL part; a part with no row has no fingerprint."""
    path = tmp_path / "w.duckdb"
    execute_sql(path, "create schema raw; create table raw.t as select case when i % 7 = 0 then null "
                      "else 'agency' || (i % 5) end as agency_uscc, 'text ' || i as note from range(5000) t(i)")
    con = duckdb.connect()
    con.execute(f"attach '{path}' as wh (read_only)")
    (table,) = _tables(con)
    whole = _fingerprints(con, table)
    assert len(whole) == 6 and "" in whole
    assert _fingerprints(con, table, {"agency3", "", "nobody"}) == {p: whole[p] for p in ("agency3", "")}
    assert _fingerprints(con, table, {"nobody"}) == {}
