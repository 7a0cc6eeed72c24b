"""The bundled sample data end to end: every file accounted for, re-runs and order change nothing,
no raw personal data anywhere in the warehouse, and the dbt build passes on top."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.pipeline import IngestTarget, ingest_files
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
pytestmark = pytest.mark.slow


def _target(home: Path) -> IngestTarget:
    return IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", TEST_KEY.encode())


BUILD_TABLES = ("scorecard_config", "dbt_build_state")  # meta tables written by build, not by ingest
# the PII gate's journal of raw parts changed (warehouse.raw_custody): an entry per chunk, so it follows the chunks
NOT_CONTENT = (*BUILD_TABLES, "raw_changes")


def raw_and_meta_rows(warehouse: Path, *, any_order: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every raw and meta table's rows, sorted (the ingestion time, the tables `build` writes — scorecard
    configuration, last build's state — and the gate's journal excluded)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'meta') and table_type = 'BASE TABLE' "
            f"and table_name not in {NOT_CONTENT} order by 1").fetchall()]
        # Which file first delivered a row version depends on the order when deliveries overlap (the task
        # lists are re-delivered whole after each reporting round): rows_new / rows_unchanged say so.
        exclude = "ingested_at, rows_new, rows_unchanged" if any_order else "ingested_at"
        return {t: sorted(con.execute(f"select * exclude ({exclude}) from {t}" if t == "meta.files"
                                      else f"select * from {t}").fetchall(), key=repr)
                for t in tables}
    finally:
        con.close()


def _fingerprint(warehouse: Path, *, any_order: bool = False) -> dict[str, str]:
    """A hash of every raw and meta table's rows (order-free; see `raw_and_meta_rows`)."""
    return {t: hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            for t, rows in raw_and_meta_rows(warehouse, any_order=any_order).items()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    from sample_data import generate_sample

    folder = tmp_path_factory.mktemp("sample")
    manifest = generate_sample(folder, 2024)
    return folder, manifest


@pytest.fixture(scope="module")
def loaded(sample, tmp_path_factory):
    folder, manifest = sample
    home = tmp_path_factory.mktemp("home_a")
    paths = [folder / f["path"] for f in manifest["files"]]
    outcomes = ingest_files(paths, _target(home))
    return home, paths, outcomes


def test_every_file_is_accounted_for_as_the_manifest_says(sample, loaded):
    _, manifest = sample
    _, _, outcomes = loaded
    by_name = {Path(f["path"]).name: f for f in manifest["files"]}
    assert len(outcomes) == len(by_name) == manifest["totals"]["files"]
    for o in outcomes:
        expected = by_name[o.name]
        assert o.reconciles(), o.name
        want = {"loaded": "loaded", "partial": "partial", "rejected": "rejected"}[expected["expect"]]
        assert o.status == want, (o.name, [p.sentence(o.name) for p in o.problems])
        if want != "rejected":
            assert o.rows_loaded == expected["data_rows"] - expected["bad_rows"], o.name
            assert o.rows_quarantined == expected["bad_rows"], o.name


def test_current_and_history_rows(sample, loaded):
    _, manifest = sample
    home, _, _ = loaded
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        current, history = con.execute("select count(*) filter (where _is_current), count(*) filter "
                                       "(where not _is_current) from raw.penalty_ledger").fetchone()
        units = con.execute("select count(*) from raw.member_units where _is_current").fetchone()[0]
    finally:
        con.close()
    assert current == manifest["totals"]["penalty_keys_expected"]
    assert history == manifest["totals"]["penalty_correction_rows"]
    assert units == manifest["totals"]["member_units"]


def test_loading_again_or_in_another_order_leaves_identical_tables(sample, loaded, tmp_path_factory):
    home, paths, _ = loaded
    before = _fingerprint(home / "warehouse.duckdb")
    again = ingest_files(paths, _target(home))
    # a rejection does not mark the content as processed: refused files are read again (and refused again, with
    # their record replaced by an identical one); every other file is skipped
    rejected = {f["path"] for f in sample[1]["files"] if f["expect"] == "rejected"}
    assert rejected and {o.name: o.status for o in again if o.status != "skipped"} == {
        Path(p).name: "rejected" for p in rejected}
    assert _fingerprint(home / "warehouse.duckdb") == before
    other = tmp_path_factory.mktemp("home_b")
    ingest_files(list(reversed(paths)), _target(other))
    assert _fingerprint(other / "warehouse.duckdb", any_order=True) == _fingerprint(
        home / "warehouse.duckdb", any_order=True)


def test_dbt_build_and_no_raw_personal_data_in_any_table(sample_warehouse):
    """The session's built sample (dbt build passed, else the fixture fails): no raw identifier in any table."""
    manifest, warehouse = sample_warehouse.manifest, sample_warehouse.warehouse
    pii = manifest["pii"]
    secrets = set(pii["id_numbers"]) | set(pii["legacy_id_numbers"]) | set(pii["phones"])
    assert len(secrets) > 100
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables order by 1").fetchall()]
        assert "staging.stg_penalty__decisions" in tables
        found = []
        for t in tables:
            text = json.dumps(con.execute(f"select * from {t}").fetchall(), default=str, ensure_ascii=False)
            found += [(t, s) for s in secrets if s in text]
    finally:
        con.close()
    assert found == []
