"""The code location: assembles the definitions; every concern lives in its own module."""

from dagster import Definitions
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import warehouse_dbt_assets
from orchestration.assets.ingest import ingest_assets
from orchestration.assets.publish import publish_assets
from orchestration.dbt_runner import dbt_executable
from orchestration.jobs import annual_scorecard_job, monthly_publication_job, warehouse_job
from orchestration.resources import LiandongResource
from orchestration.schedules import (
    annual_scorecard_schedule,
    daily_warehouse_schedule,
    monthly_publication_schedule,
)
from orchestration.sensors import inbox_sensor
from orchestration.settings import DBT_PROJECT_DIR

defs = Definitions(
    assets=[*ingest_assets, *publish_assets, warehouse_dbt_assets],
    jobs=[warehouse_job, monthly_publication_job, annual_scorecard_job],
    schedules=[daily_warehouse_schedule, monthly_publication_schedule, annual_scorecard_schedule],
    sensors=[inbox_sensor],
    resources={
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
        ),
        "liandong": LiandongResource(),
    },
)
