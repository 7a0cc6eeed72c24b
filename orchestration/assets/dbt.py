"""The dbt project as Dagster assets; dbt tests become asset checks.

The manifest must exist before this module is imported (`liandong dev`, `liandong build`, setup and
CI run `dbt parse`); we never parse at import time.
"""


from collections.abc import Mapping
from datetime import date
from typing import Any

from dagster import AssetExecutionContext, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from ingest.warehouse import connect, writer_lock
from orchestration.dbt_runner import MANIFEST, dbt_vars, plan_build, record_build
from orchestration.resources import WAREHOUSE_POOL, LiandongResource

if not MANIFEST.exists():
    raise RuntimeError(
        f"dbt manifest missing at {MANIFEST}: run `liandong dev` or `liandong build` once (they run dbt parse) / "
        "dbt 清单缺失，请先运行 liandong dev 或 liandong build"
    )


class LiandongDbtTranslator(DagsterDbtTranslator):
    """Groups follow the dbt folders (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return "reference" if dbt_resource_props.get("resource_type") == "seed" else super().get_group_name(
            dbt_resource_props)


class BuildConfig(Config):
    as_of: str = ""  # YYYY-MM-DD; empty means today


@dbt_assets(manifest=MANIFEST, dagster_dbt_translator=LiandongDbtTranslator(), pool=WAREHOUSE_POOL)
def warehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, liandong: LiandongResource,
                         config: BuildConfig):
    """The whole graph builds like `liandong build`: incremental after the last build's watermark, or a full
    refresh when it must (dbt_runner.plan_build), and the build is recorded. A subset is built without a
    watermark (the incremental models recompute all their rows) and is not recorded, so the next whole build
    still sees every file since the last whole one."""
    settings = liandong.settings()
    as_of = date.fromisoformat(config.as_of) if config.as_of else None
    with writer_lock(settings.lock, on_wait=lambda: context.log.info("waiting for the warehouse lock")):
        if context.is_subset:
            yield from dbt.cli(["build", *dbt_vars(as_of)], context=context).stream()
            return
        with connect(settings.warehouse) as con:
            plan = plan_build(con, as_of)
        context.log.info(f"dbt: {plan.describe()}")
        yield from dbt.cli([*plan.dbt_args(), *dbt_vars(as_of, plan.dbt_extra_vars())], context=context).stream()
        with connect(settings.warehouse) as con:  # only reached when dbt succeeded (stream raises otherwise)
            record_build(con, plan)
