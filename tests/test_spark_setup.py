"""The Spark target's plumbing that needs no Spark: the CLI option, the raw-table export, the local session
settings. The marts on Spark themselves are compared in test_spark_marts.py (`pytest -m spark`)."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from orchestration.cli import app


def test_build_rejects_an_unknown_target(home):
    result = CliRunner().invoke(app, ["build", "--target", "postgres"])
    assert result.exit_code == 2
    assert "--target must be duckdb or spark" in result.output


def test_the_export_covers_every_source_with_its_columns(settings):
    from ingest.raw_tables import ensure_raw_tables
    from orchestration.spark import export_sources, raw_export_dir, source_tables
    from warehouse.connection import connect
    from warehouse.dbt_runner import ensure_manifest

    with connect(settings.warehouse) as con:
        ensure_raw_tables(con)  # a new warehouse: every raw table exists, empty
    tables = source_tables(ensure_manifest(settings))
    assert ("raw", "penalty_ledger") in tables and ("raw", "member_units") in tables
    assert ("meta", "scorecard_config") in tables  # bookkeeping the scorecard and data-quality marts read
    assert {schema for schema, _ in tables} == {"raw", "meta"}

    out = raw_export_dir(settings)
    written = export_sources(settings, tables, out)
    assert [p.relative_to(out).as_posix() for p in written] == [f"{s}/{t}" for s, t in tables]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        for (schema, table), folder in zip(tables, written, strict=True):
            want = con.execute(f"describe {schema}.{table}").fetchall()
            got = con.execute(f"describe select * from read_parquet('{folder}/*.parquet')").fetchall()
            assert [(c[0], c[1]) for c in got] == [(c[0], c[1]) for c in want], table
    finally:
        con.close()
    export_sources(settings, tables, out)  # again: replaced, no leftovers
    for schema in ("raw", "meta"):
        assert sorted(p.name for p in (out / schema).iterdir()) == sorted(t for s, t in tables if s == schema)


def test_the_local_session_keeps_its_state_under_the_home(tmp_path):
    from orchestration.spark import local_session_conf

    conf = local_session_conf(tmp_path)
    assert conf["spark.master"].startswith("local[")
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.sql.warehouse.dir"] == f"{tmp_path}/spark/warehouse"
    assert f"databaseName={tmp_path}/spark/metastore_db;" in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]
