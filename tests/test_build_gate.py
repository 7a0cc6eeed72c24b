"""The build's PII gate runs in steps around dbt (orchestration.workflows.build): the tables dbt only reads before
dbt starts, the site, exports and quarantine reports while dbt runs, the tables dbt writes after it. Each step
must still find what it audits, and the first step's schemas must really be ones dbt never writes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ingest.pipeline import ingest_file
from orchestration import workflows
from privacy.pii_audit import SCHEMAS_DBT_ONLY_READS
from tests.builders import PENALTY_HEADERS, PERSON_ID, execute_sql, person_row, write_csv

AS_OF = date(2025, 12, 31)


def _sql(settings, sql: str, params: list | None = None) -> None:
    execute_sql(settings.warehouse, sql, params)


@pytest.fixture
def built(tmp_path, target, settings):
    """One ingested penalty file and a table in a schema dbt writes, built once with a passing gate."""
    assert ingest_file(write_csv(tmp_path / "p.csv", PENALTY_HEADERS, [person_row()]), target).rows_loaded == 1
    _sql(settings, "create schema if not exists marts; create table marts.fct_notes as "
                   "select i as id, '案件' || i as note from range(3) t(i)")
    outcome = workflows.build(settings, AS_OF)
    assert outcome.findings == [] and outcome.plan.full_refresh
    return settings


def test_each_step_of_the_build_gate_finds_what_it_audits(built):
    """Values planted after a passing build in a raw table (audited before dbt), a mart dbt does not rebuild
    (after dbt) and a file of the site (while dbt runs) are each found; the build fails with all three."""
    settings = built
    _sql(settings, "update raw.penalty_ledger set violation_facts = ?", [f"当事人身份证号{PERSON_ID}"])
    _sql(settings, "update marts.fct_notes set note = ? where id = 1", [f"证件{PERSON_ID}"])
    (settings.site / "planted.txt").write_text(f"身份证 {PERSON_ID}\n", encoding="utf-8")
    with pytest.raises(workflows.PersonalDataFound) as failed:
        workflows.build(settings, AS_OF)
    locations = {f.location for f in failed.value.findings}
    assert "raw.penalty_ledger.violation_facts" in locations
    assert "marts.fct_notes.note" in locations
    assert str(settings.site / "planted.txt") in locations
    # dbt ran and passed in between: the build is recorded, the gate alone failed it
    assert (settings.dbt_target_dir / "run_results.json").exists()


def test_dbt_writes_none_of_the_schemas_audited_before_it(built):
    """No model, seed or snapshot of the project is built into a schema the gate audits before dbt starts, no hook
    names one, and those schemas hold the tables that dbt reads as sources."""
    manifest = json.loads((built.dbt_target_dir / "manifest.json").read_text(encoding="utf-8"))
    built_nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")]
    assert built_nodes and not [n["name"] for n in built_nodes if n["schema"] in SCHEMAS_DBT_ONLY_READS]
    hooks = [h["sql"] for n in built_nodes for h in (n["config"].get("pre-hook") or []) + (n["config"].get("post-hook")
                                                                                         or [])]
    assert hooks and not [h for h in hooks if any(f"{s}." in h for s in SCHEMAS_DBT_ONLY_READS)]
    assert {s["schema"] for s in manifest["sources"].values()} >= set(SCHEMAS_DBT_ONLY_READS)
