"""Jobs: the whole warehouse (ingest → dbt), run in one process so only one step writes at a time."""

from dagster import AssetSelection, define_asset_job, in_process_executor

warehouse_job = define_asset_job(
    "warehouse_job",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Load the inbox and rebuild the warehouse (ingest → staging → marts).",
)
