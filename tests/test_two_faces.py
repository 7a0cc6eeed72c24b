"""One core, two faces: the same files through `liandong ingest` + `liandong build` and through the Dagster
warehouse job give the same warehouse, the same contract report and the same PII-gate outcome."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance
from typer.testing import CliRunner

from tests.conftest import TEST_KEY
from warehouse import raw_custody

AS_OF = date(2025, 12, 31)
# columns that say where or when a run happened, not what it loaded or built
RUN_COLUMNS = {"ingested_at", "archive_path", "built_at", "files_through"}
# the PII gate's journal of the raw parts each chunk changed (warehouse.raw_custody): the faces chunk differently
RUN_TABLES = {"meta.raw_changes"}
pytestmark = [pytest.mark.slow, pytest.mark.durability]  # minutes: two whole builds; CI runs it in the durability step


def _tables(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'meta', 'staging', 'intermediate', 'marts') order by 1, 2").fetchall()
            if f"{s}.{t}" not in RUN_TABLES]
        out = {}
        for name in names:
            cols = [c for c, in con.execute(f"select column_name from information_schema.columns where "
                                             f"table_schema || '.' || table_name = '{name}' order by ordinal_position"
                                             ).fetchall() if c not in RUN_COLUMNS]
            rows = [tuple(_without_folder(v) for v in row)
                    for row in con.execute(f"select {', '.join(cols)} from {name}").fetchall()]
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory) -> list[Path]:
    from orchestration.assets.ingest import load_order
    from sample_data import generate_sample

    folder = tmp_path_factory.mktemp("two_faces_sample")
    manifest = generate_sample(folder, 2024)
    return load_order([folder / f["path"] for f in manifest["files"]])


def _home(tmp_path_factory, name: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp(name)
    monkeypatch.setenv("LIANDONG_HOME", str(home))
    monkeypatch.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
    return home


def test_cli_and_dagster_build_the_same_warehouse(sample_files, tmp_path_factory, monkeypatch):
    from orchestration.cli import app
    from orchestration.definitions import defs
    from orchestration.workflows import pii_audit
    from warehouse.settings import load_settings

    cli_home = _home(tmp_path_factory, "cli_home", monkeypatch)
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", *map(str, sample_files)])
    assert ingested.exit_code in (0, 1), ingested.output  # 1: the sample's planted rejected files
    built = runner.invoke(app, ["build", "--as-of", AS_OF.isoformat()])
    assert built.exit_code == 0, built.output
    assert "no personal data found" in built.output

    dagster_home = _home(tmp_path_factory, "dagster_home", monkeypatch)
    settings = load_settings(dagster_home)
    settings.prepare()
    for path in sample_files:
        shutil.copy(path, settings.inbox / path.name)
    result = defs().resolve_job_def("warehouse_job").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={"ops": {"warehouse_dbt_assets": {"config": {"as_of": AS_OF.isoformat()}}}})
    assert result.success

    cli_tables, dagster_tables = _tables(cli_home / "warehouse.duckdb"), _tables(settings.warehouse)
    assert set(cli_tables) == set(dagster_tables)
    assert {"marts.fct_unit_scorecard", "meta.dbt_build_state", "raw.penalty_ledger"} <= set(cli_tables)
    assert cli_tables["meta.dbt_build_state"] == dagster_tables["meta.dbt_build_state"]
    assert len(cli_tables["marts.fct_penalty_cases"]) > 100
    differing = sorted(name for name in cli_tables if cli_tables[name] != dagster_tables[name])
    assert differing == []
    # both faces keep the raw tables' chain of custody: the next gate reads only what ingest journals
    assert raw_custody.held(cli_home / "warehouse.duckdb") is not None
    assert raw_custody.held(settings.warehouse) is not None

    # the contract report: same pages, same text but for when it was written
    cli_docs, dagster_docs = cli_home / "site" / "data_docs", settings.site / "data_docs"
    pages = sorted(p.relative_to(cli_docs) for p in cli_docs.rglob("*") if p.is_file())
    assert pages and pages == sorted(p.relative_to(dagster_docs) for p in dagster_docs.rglob("*") if p.is_file())
    for page in pages:
        if page.suffix == ".html":
            assert _without_times((cli_docs / page).read_text(encoding="utf-8")) == \
                _without_times((dagster_docs / page).read_text(encoding="utf-8")), page
    # the PII gate ran in both (its memory of what passed exists) and finds nothing in either
    assert (cli_home / "pii_audit.duckdb").exists() and settings.pii_audit_state.exists()
    assert pii_audit(load_settings(cli_home), full=True) == []
    assert pii_audit(settings, full=True) == []


def _without_folder(value: object) -> object:
    """A refusal names the file where it lay (the CLI's argument, the Dagster inbox): keep only its name."""
    return re.sub(r"/\S*/(?=[^/\s]+\.(?:csv|xlsx|xls)\b)", "", value) if isinstance(value, str) else value


def _without_times(text: str) -> str:
    text = re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", "<time>", text)
    return re.sub(r"/tmp/[^\s\"'<]+", "<path>", text)
