"""The Dagster code location: it loads, its graph is as designed, the sensor reacts, a run materialises."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, build_sensor_context

from tests.builders import PENALTY_HEADERS, penalty_row, write_csv

FEEDS = ["penalty_ledger", "supervision_ledger", "hotline_exchange", "member_units", "task_list"]


@pytest.fixture(scope="module")
def defs():
    from warehouse.dbt_runner import ensure_manifest
    from warehouse.settings import load_settings

    ensure_manifest(load_settings())  # the manifest is prepared explicitly, never at import
    from orchestration.definitions import defs as load_definitions

    return load_definitions()


def test_code_location_loads_with_expected_graph(defs):
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    for feed in FEEDS:
        assert f"raw/{feed}" in keys
    for model in ("stg_penalty__decisions", "stg_supervision__documents", "stg_hotline__tickets",
                  "stg_units__member_units", "stg_units__unit_aliases"):
        assert f"staging/{model}" in keys
    assert "intermediate/int_unit_names_resolved_to_member_units" in keys
    graph = repo.asset_graph
    assert AssetKey(["raw", "penalty_ledger"]) in graph.get(AssetKey(["staging", "stg_penalty__decisions"])).parent_keys
    assert {j.name for j in repo.get_all_jobs() if not j.name.startswith("__")} == {
        "warehouse_job", "monthly_publication_job", "annual_scorecard_job"}
    assert sorted(s.name for s in repo.schedule_defs) == ["annual_scorecard", "daily_warehouse", "monthly_publication"]
    assert repo.get_schedule_def("daily_warehouse").cron_schedule == "0 2 * * *"
    assert repo.get_schedule_def("monthly_publication").cron_schedule == "0 6 1 * *"
    assert repo.get_schedule_def("annual_scorecard").cron_schedule == "0 6 15 1 *"
    for mart in ("fct_unit_scorecard", "agg_unit_scorecard_ranking", "fct_overdue_items"):
        assert AssetKey(["marts", mart]) in graph.get(AssetKey(["site", "monthly_publication"])).parent_keys
    assert AssetKey(["meta", "scorecard_config"]) in graph.get(
        AssetKey(["staging", "stg_meta__scorecard_config"])).parent_keys
    # no dbt source is an external asset: ingest produces raw/* and meta/files|quarantine, the scorecard config
    # asset meta/scorecard_config
    assert sorted(k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).is_materializable) == []
    assert AssetKey(["raw", "penalty_facts"]) in graph.get(AssetKey(["staging", "stg_penalty__facts"])).parent_keys
    assert AssetKey(["meta", "files"]) in graph.get(AssetKey(["staging", "stg_meta__files"])).parent_keys
    nightly = {k.to_user_string() for k in repo.get_job("warehouse_job").asset_layer.selected_asset_keys}
    assert "site/monthly_publication" not in nightly and "raw/penalty_ledger" in nightly
    monthly = {k.to_user_string() for k in repo.get_job("monthly_publication_job").asset_layer.selected_asset_keys}
    assert "site/monthly_publication" in monthly and "raw/penalty_ledger" not in monthly
    assert "site/annual_scorecard" not in monthly
    assert [s.name for s in repo.sensor_defs] == ["inbox_sensor"]
    checks = {c.name for c in graph.asset_check_keys} if hasattr(graph, "asset_check_keys") else set()
    assert "exchange_standard" in checks


def test_inbox_sensor_requests_one_run_per_new_set_of_files(defs, home: Path, tmp_path: Path):
    from orchestration.resources import LiandongResource
    from orchestration.sensors import inbox_sensor

    resource = LiandongResource(home=str(home))
    ctx = build_sensor_context(resources={"liandong": resource})
    assert inbox_sensor(ctx).__class__.__name__ == "SkipReason"
    write_csv(home / "inbox" / "a.csv", PENALTY_HEADERS, [penalty_row()])
    first = inbox_sensor(ctx)
    assert first.run_key
    ctx2 = build_sensor_context(resources={"liandong": resource}, cursor=first.run_key)
    assert inbox_sensor(ctx2).__class__.__name__ == "SkipReason"


@pytest.mark.slow
@pytest.mark.long
def test_warehouse_job_materialises_inbox_into_staging(defs, home: Path, tmp_path: Path):
    from sample_data import generate_sample
    from warehouse.build_state import plan_build
    from warehouse.connection import connect

    manifest = generate_sample(tmp_path / "sample", 2024)
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for f in manifest["files"]:
        shutil.copy(tmp_path / "sample" / f["path"], inbox / Path(f["path"]).name)
    job = defs.resolve_job_def("warehouse_job")
    result = job.execute_in_process(instance=DagsterInstance.ephemeral(), run_config={
        "ops": {"warehouse_dbt_assets": {"config": {"as_of": "2025-12-31"}}}})
    assert result.success
    materialised = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {f"raw/{f}" for f in FEEDS} <= materialised
    assert "staging/stg_penalty__decisions" in materialised
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        loaded = con.execute("select sum(rows_loaded) from meta.files").fetchone()[0]
        staged = sum(con.execute(f"select count(*) from {m}").fetchone()[0] for m in (
            "staging.stg_penalty__decisions", "staging.stg_supervision__documents",
            "staging.stg_hotline__tickets", "staging.stg_units__member_units"))
        builds = con.execute("select full_refresh, reason, as_of from meta.dbt_build_state").fetchall()
    finally:
        con.close()
    expected_loaded = sum(f["data_rows"] - f["bad_rows"] for f in manifest["files"] if f["expect"] != "rejected")
    assert loaded == expected_loaded
    assert staged <= loaded and staged > 0
    assert not [p for p in inbox.iterdir() if p.is_file()]  # every file moved to processed/
    assert builds == [(True, "first build", date(2025, 12, 31))]  # recorded like `liandong build`
    with connect(home / "warehouse.duckdb") as con:
        plan = plan_build(con, date(2025, 12, 31))
    assert plan.describe() == "incremental (incremental)"  # so the next run is incremental
