"""The dbt project as Dagster assets; dbt tests become asset checks.

The assets are made by `build_dbt_assets` from a prepared `DbtProject` when the code location loads
(`definitions.py`), so importing this module needs no manifest and never parses the project.
"""


from collections.abc import Mapping
from datetime import date
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration import workflows
from orchestration.resources import WAREHOUSE_POOL, LiandongResource, failure_for_user_errors
from warehouse.dbt_runner import dbt_vars
from warehouse.lock import writer_lock
from warehouse.regions import dbt_region_vars
from warehouse.settings import DBT_PROJECT_DIR, Settings


def dbt_project(settings: Settings) -> DbtProject:
    """The project with its artefacts under the home; `dagster dev` parses it when it is stale."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR,
                         target_path=settings.dbt_target_dir)
    project.prepare_if_dev()
    return project


class LiandongDbtTranslator(DagsterDbtTranslator):
    """Sources are keyed `<schema>/<table>`, as the ingest assets produce them (raw/…, meta/…); models
    `<layer>/<name>` in groups that follow the dbt folders (staging, intermediate, marts)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["identifier"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return "reference" if dbt_resource_props.get("resource_type") == "seed" else super().get_group_name(
            dbt_resource_props)


class BuildConfig(Config):
    as_of: str = ""  # YYYY-MM-DD; empty means today in Asia/Shanghai (resolved once, by the workflow)


def build_dbt_assets(project: DbtProject) -> AssetsDefinition:
    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=LiandongDbtTranslator(),
                pool=WAREHOUSE_POOL)
    def warehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, liandong: LiandongResource,
                             config: BuildConfig):
        """The whole graph builds through `workflows.build`, as `liandong build` does: scorecard configuration,
        dbt (incremental or a full refresh, recorded), the contract report and the PII gate. A subset is built
        without the watermark (its incremental models recompute all rows) and is not recorded."""
        settings = liandong.settings()
        as_of = date.fromisoformat(config.as_of) if config.as_of else None
        if context.is_subset:
            resolved = settings.resolve_as_of(as_of)
            with writer_lock(settings.lock, on_wait=lambda: context.log.info("waiting for the warehouse lock")):
                yield from dbt.cli(["build", *dbt_vars(resolved, dbt_region_vars(settings.home))],
                                   context=context).stream()
            return
        events: list[Any] = []

        def run(args: list[str]) -> Any:
            invocation = dbt.cli(args, context=context)
            events.extend(invocation.stream())  # raises when dbt fails: nothing is recorded then
            return invocation

        with failure_for_user_errors():
            outcome = workflows.build(settings, as_of, run=run,
                                      on_wait=lambda: context.log.info("waiting for the warehouse lock"))
        context.log.info(f"dbt: {outcome.plan.describe()}")
        for w in outcome.warnings:
            context.log.warning(f"{w.test}: {w.message_zh} / {w.message_en}")
        yield from events

    return warehouse_dbt_assets
