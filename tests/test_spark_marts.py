"""The dbt project on Spark: `liandong build --target spark` on the sample data builds every mart, and each
equals the DuckDB mart row for row (order-free; decimals rounded to 6 places; dates and timestamps as text).

Every model under dbt_project/models/marts/ is compared, as the manifest lists them, so a mart added later is
covered without editing this file. Needs the `spark` extra and Java 17, and takes minutes: deselected by
default, run with `pytest -m spark` (README, .ci/run).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from ingest.pipeline import IngestTarget, ingest_files
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
DECIMALS = 6
pytestmark = pytest.mark.spark


def _normalise(value: Any) -> Any:
    """One comparable form per value, whichever engine produced it."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        rounded = round(float(value), DECIMALS)
        return 0.0 if rounded == 0 else rounded  # -0.0 == 0.0, but keeps repr stable in messages
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(rows: list[tuple]) -> Counter:
    return Counter(tuple(_normalise(v) for v in row) for row in rows)


def _mart_models(manifest: Path) -> list[tuple[str, str, str]]:
    """(model name, schema, table) of every model under models/marts/, from the dbt manifest."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return sorted((n["name"], n["schema"], n["alias"]) for n in nodes
                  if n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/"))


def _spark_select(session: Any, relation: str) -> tuple[list[str], list[tuple]]:
    """Rows of a Spark table with timestamps formatted in Spark (no Python time-zone conversion)."""
    frame = session.table(relation)
    columns = []
    for field in frame.schema.fields:
        quoted = f"`{field.name}`"
        kind = field.dataType.simpleString()
        if kind.startswith("timestamp"):
            columns.append(f"date_format({quoted}, 'yyyy-MM-dd HH:mm:ss.SSSSSS') as {quoted}")
        else:
            columns.append(quoted)
    result = session.sql(f"select {', '.join(columns)} from {relation}")
    return [f.name for f in frame.schema.fields], [tuple(r) for r in result.collect()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample data ingested once, then built into DuckDB and on Spark through the CLI."""
    from orchestration.cli import app
    from sample_data import generate_sample

    folder = tmp_path_factory.mktemp("sample")
    manifest = generate_sample(folder, 2024)
    home = tmp_path_factory.mktemp("spark_home")
    target = IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", TEST_KEY.encode())
    ingest_files([folder / f["path"] for f in manifest["files"]], target)

    runner = CliRunner()
    env = {"LIANDONG_HOME": str(home), "LIANDONG_SECRET_KEY": TEST_KEY}
    for build_target in ("duckdb", "spark"):
        result = runner.invoke(app, ["build", "--as-of", AS_OF.isoformat(), "--target", build_target], env=env)
        assert result.exit_code == 0, f"liandong build --target {build_target}:\n{result.output[-5000:]}"
    return home


def test_every_mart_built_on_spark_equals_the_duckdb_mart(built):
    from orchestration.spark import local_session
    from warehouse.settings import load_settings

    marts = _mart_models(load_settings(built).dbt_target_dir / "spark" / "manifest.json")
    assert len(marts) >= 8, marts  # the marts of fct_*/agg_* at the time of writing, and any added since

    con = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    problems = []
    compared = 0
    try:
        with local_session(built) as session:
            for name, schema, table in marts:
                duck = con.execute(f'select * from "{schema}"."{table}"')
                duck_columns = [d[0] for d in duck.description]
                duck_rows = _rows(duck.fetchall())
                spark_columns, spark_raw = _spark_select(session, f"`{schema}`.`{table}`")
                spark_rows = _rows(spark_raw)
                if spark_columns != duck_columns:
                    problems.append(f"{name}: columns differ\n  duckdb {duck_columns}\n  spark  {spark_columns}")
                    continue
                if not duck_rows:
                    problems.append(f"{name}: empty on DuckDB, so the comparison proves nothing")
                if spark_rows != duck_rows:
                    only_duck = list((duck_rows - spark_rows).elements())[:5]
                    only_spark = list((spark_rows - duck_rows).elements())[:5]
                    problems.append(
                        f"{name}: {sum(duck_rows.values())} rows on DuckDB, {sum(spark_rows.values())} on Spark; "
                        f"{sum((duck_rows - spark_rows).values())} only on DuckDB, e.g.\n    "
                        + "\n    ".join(map(repr, only_duck))
                        + "\n  only on Spark, e.g.\n    " + "\n    ".join(map(repr, only_spark)))
                compared += 1
    finally:
        con.close()
    assert not problems, f"{len(problems)} mart(s) differ between Spark and DuckDB:\n" + "\n".join(problems)
    assert compared == len(marts)
