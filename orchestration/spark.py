"""`liandong build --target spark`: the same dbt project on a local Spark session (dbt-spark, `method: session`).

Spark cannot read the DuckDB file, so the build first exports every table the dbt sources read (`raw.*`)
from DuckDB as parquet under `$LIANDONG_HOME/spark/raw/<schema>/<table>/`, registers them in the local
metastore (`dbt run-operation register_raw_tables`), then runs `dbt build --target spark`. The metastore
(Derby), the warehouse directory and Spark's scratch space live under `$LIANDONG_HOME/spark/` too; the
settings of the local session are the `spark` output of dbt_project/profiles.yml. Needs the `spark` extra
(`pip install -e '.[spark]'`) and Java 17. A cluster deployment is described in docs/spark.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from warehouse.dbt_runner import spark_env
from warehouse.settings import DBT_PROJECT_DIR, Settings

SPARK_TARGET = "spark"
def spark_home_dir(settings: Settings) -> Path:
    return settings.home / "spark"


def raw_export_dir(settings: Settings) -> Path:
    return spark_home_dir(settings) / "raw"


def source_tables(manifest: Path) -> list[tuple[str, str]]:
    """(schema, table) of every dbt source, from the manifest: what the models read."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return sorted({(s["schema"], s["identifier"]) for s in data["sources"].values()})


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_sources(settings: Settings, tables: list[tuple[str, str]], out: Path) -> list[Path]:
    """Write each DuckDB table as `<out>/<schema>/<table>/part-0.parquet`, replacing the previous copy."""
    from warehouse.connection import connect

    written = []
    with connect(settings.warehouse, read_only=True) as con:
        for schema, table in tables:
            final = out / schema / table
            staging = out / schema / f".{table}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            path = str(staging / "part-0.parquet").replace("'", "''")
            con.execute(f"copy (select * from {_quote(schema)}.{_quote(table)}) to '{path}' "
                        "(format parquet, compression zstd)")
            shutil.rmtree(final, ignore_errors=True)
            staging.rename(final)
            written.append(final)
    return written


def check_requirements() -> None:
    """The `spark` extra and a Java runtime, or a sentence saying how to get them."""
    import importlib.util

    from warehouse.errors import UserError

    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
        raise UserError("--target spark 需要安装可选依赖：pip install -e '.[spark]'",
                        "--target spark needs the spark extra: pip install -e '.[spark]'")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise UserError("--target spark 需要 Java 17（例如 apt-get install openjdk-17-jre-headless）",
                        "--target spark needs Java 17 (e.g. apt-get install openjdk-17-jre-headless)")


def build_on_spark(settings: Settings, as_of: date) -> subprocess.CompletedProcess[str]:
    """Export the raw tables, register them in the local metastore, `dbt build --target spark`.

    Call it holding the warehouse writer lock: the export reads a consistent warehouse, and the Derby
    metastore admits one Spark process at a time. Returns the first dbt step that failed, else the build.
    """
    from warehouse.dbt_runner import ensure_manifest, run_dbt

    check_requirements()
    tables = source_tables(ensure_manifest(settings))
    location = raw_export_dir(settings)
    export_sources(settings, tables, location)
    (spark_home_dir(settings) / "tmp").mkdir(parents=True, exist_ok=True)
    registered = run_dbt(settings, ["run-operation", "register_raw_tables", "--args",
                                    json.dumps({"location": str(location)})], target=SPARK_TARGET)
    if registered.returncode != 0:
        return registered
    return run_dbt(settings, ["build"], as_of=as_of, target=SPARK_TARGET)


def local_session_conf(home: Path) -> dict[str, str]:
    """The `spark` output's server_side_parameters from profiles.yml, rendered for this home."""
    import jinja2
    import yaml

    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    params = profiles["liandong"]["outputs"][SPARK_TARGET]["server_side_parameters"]
    env = {**os.environ, "LIANDONG_HOME": str(home)}

    def env_var(name: str, default: str | None = None) -> str:
        if name in env:
            return env[name]
        if default is None:
            raise KeyError(name)
        return default

    render = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {key: render.from_string(str(value)).render(env_var=env_var) for key, value in params.items()}


@contextmanager
def local_session(home: Path) -> Iterator[Any]:
    """A SparkSession on the local metastore of `home` (no dbt process may run on it meanwhile)."""
    from pyspark.sql import SparkSession

    for key, value in spark_env(os.environ).items():
        os.environ.setdefault(key, value)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in local_session_conf(home).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        yield session
    finally:
        session.stop()
