"""Which data tests an incremental build skips (`unchanged_tests`), and what forces a full refresh: a
synthetic manifest, so each rule is seen on its own."""

from __future__ import annotations

from typing import Any

from warehouse.build_state import project_fingerprint, unchanged_models, unchanged_tests


def _manifest() -> dict[str, Any]:
    sources = {
        "source.p.penalty.penalty_ledger": {"config": {"meta": {"feed": "penalty_ledger"}}},
        "source.p.hotline.hotline_exchange": {"config": {"meta": {"feed": "hotline_exchange"}}},
        "source.p.meta.files": {"config": {"meta": {}}},  # no feed: written by every ingest
    }
    models = {"model.p.stg_penalty": ["source.p.penalty.penalty_ledger"],
              "model.p.stg_hotline": ["source.p.hotline.hotline_exchange"],
              "model.p.stg_files": ["source.p.meta.files"],
              "model.p.duties": ["model.p.stg_penalty", "model.p.stg_hotline"],
              "model.p.dim_regions": ["seed.p.regions"]}
    tests = {"test.p.hotline_unique.1": ("hotline_unique", "error", ["model.p.stg_hotline"]),
             "test.p.hotline_warns.2": ("hotline_warns", "warn", ["model.p.stg_hotline"]),
             "test.p.penalty_unique.3": ("penalty_unique", "error", ["model.p.stg_penalty"]),
             "test.p.duties_unique.4": ("duties_unique", "error", ["model.p.duties"]),
             "test.p.files_unique.5": ("files_unique", "error", ["model.p.stg_files"]),
             "test.p.regions_unique.6": ("regions_unique", "ERROR", ["model.p.dim_regions"]),
             "test.p.shared.7": ("shared_name", "error", ["model.p.stg_hotline"]),
             "test.p.shared.8": ("shared_name", "error", ["model.p.stg_penalty"])}
    nodes: dict[str, Any] = {uid: {"resource_type": "model", "name": uid.split(".")[-1]} for uid in models}
    nodes["seed.p.regions"] = {"resource_type": "seed", "name": "regions"}
    nodes |= {uid: {"resource_type": "test", "name": name, "config": {"severity": severity}}
              for uid, (name, severity, _) in tests.items()}
    parents = models | {uid: ups for uid, (_, _, ups) in tests.items()} | {"seed.p.regions": []}
    return {"sources": sources, "nodes": nodes, "parent_map": parents}


def test_a_penalty_file_skips_the_error_tests_that_read_no_penalty_table_and_nothing_written_by_every_run():
    # kept: the penalty test, the duties read both feeds, meta.files changes at every ingest, a warning is
    # shown at every build, and a name shared with a kept test; the seed-only test reads what the
    # project's fingerprint covers
    assert unchanged_tests(_manifest(), frozenset({"penalty_ledger"})) == ["hotline_unique", "regions_unique"]


def test_a_hotline_file_keeps_the_hotline_tests_and_skips_the_penalty_ones():
    assert unchanged_tests(_manifest(), frozenset({"hotline_exchange"})) == ["penalty_unique", "regions_unique"]


def test_files_of_every_feed_skip_only_what_reads_no_table_at_all():
    every = frozenset({"penalty_ledger", "hotline_exchange"})
    assert unchanged_tests(_manifest(), every) == ["regions_unique"]


def test_a_homes_regions_file_is_part_of_the_fingerprint():
    """dim_regions reads the home's regions (a dbt var): another file is a full refresh, like another project."""
    assert project_fingerprint({"user_regions": [{"region_code": "410108"}]}) != project_fingerprint()
    assert project_fingerprint({}) == project_fingerprint()


def test_an_incremental_build_excludes_the_skipped_tests_in_one_value_that_dagster_passes_on_whole():
    from datetime import date

    from dagster_dbt.asset_utils import extract_runtime_selection_from_args

    from warehouse.build_state import BuildPlan

    plan = BuildPlan(date(2025, 12, 31), "f", None, False, "incremental", None, frozenset({"penalty_ledger"}))
    args = plan.dbt_args(_manifest())
    assert args == ["build", "--exclude-resource-type", "unit_test", "--exclude", "hotline_unique regions_unique"]
    # Dagster's dbt resource takes `--exclude` out into its own selection: nothing may be left behind
    cleaned, _, excludes = extract_runtime_selection_from_args(args)
    assert cleaned == ["build", "--exclude-resource-type", "unit_test"]
    assert excludes == ["hotline_unique", "regions_unique"]
    assert plan.dbt_args() == ["build", "--exclude-resource-type", "unit_test"]  # no manifest: every data test


def test_the_seeds_and_the_models_that_read_no_new_file_are_not_built_again():
    """A penalty file: the hotline staging model and the seed-only dimension (and its seed) keep their tables;
    the models reading the penalty ledger, or meta.files (written by every ingest), are built."""
    assert unchanged_models(_manifest(), frozenset({"penalty_ledger"})) == ["dim_regions", "regions", "stg_hotline"]
    assert unchanged_models(_manifest(), frozenset({"hotline_exchange"})) == ["dim_regions", "regions",
                                                                              "stg_penalty"]


def test_only_the_command_line_face_leaves_the_unchanged_models_out():
    """Dagster's face builds every model (a dbt asset not built would hold back the publications below it)."""
    from datetime import date

    from warehouse.build_state import BuildPlan

    plan = BuildPlan(date(2025, 12, 31), "f", None, False, "incremental", None, frozenset({"penalty_ledger"}))
    assert plan.dbt_args(_manifest(), skip_unchanged_models=True) == [
        "build", "--exclude-resource-type", "unit_test", "--indirect-selection", "empty", "--exclude",
        "dim_regions hotline_unique regions regions_unique stg_hotline"]
    assert plan.dbt_args(_manifest()) == [
        "build", "--exclude-resource-type", "unit_test", "--exclude", "hotline_unique regions_unique"]
    full = BuildPlan(date(2025, 12, 31), "f", None, True, "first build", None)
    assert full.dbt_args(_manifest(), skip_unchanged_models=True) == ["build", "--full-refresh"]
