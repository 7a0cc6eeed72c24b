"""The code location: assembles the definitions; every concern lives in its own module.

Loaded lazily (`@definitions`): the dbt assets need the project's manifest, which `dagster dev` prepares
(`DbtProject.prepare_if_dev`) and `liandong dev|build|demo` prepare explicitly; importing this module does
neither and raises nothing.
"""

from dagster import Definitions, definitions
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import build_dbt_assets, dbt_project
from orchestration.assets.ingest import ingest_assets
from orchestration.assets.publish import build_publish_assets, scorecard_config
from orchestration.jobs import annual_scorecard_job, monthly_publication_job, warehouse_job
from orchestration.resources import LiandongResource
from orchestration.schedules import (
    annual_scorecard_schedule,
    daily_warehouse_schedule,
    monthly_publication_schedule,
)
from orchestration.sensors import inbox_sensor
from warehouse.dbt_runner import dbt_executable, ensure_manifest
from warehouse.settings import load_settings


@definitions
def defs() -> Definitions:
    settings = load_settings()
    project = dbt_project(settings)
    if not project.manifest_path.exists():
        ensure_manifest(settings)  # outside `dagster dev`: prepared here, when the location loads
    warehouse_dbt_assets = build_dbt_assets(project)
    return Definitions(
        assets=[*ingest_assets, scorecard_config, warehouse_dbt_assets, *build_publish_assets(warehouse_dbt_assets)],
        jobs=[warehouse_job, monthly_publication_job, annual_scorecard_job],
        schedules=[daily_warehouse_schedule, monthly_publication_schedule, annual_scorecard_schedule],
        sensors=[inbox_sensor],
        resources={
            "dbt": DbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir),
                                  dbt_executable=dbt_executable()),
            "liandong": LiandongResource(),
        },
    )
