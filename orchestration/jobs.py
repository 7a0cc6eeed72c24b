"""Jobs, run in one process so only one step writes the DuckDB file at a time."""

from dagster import AssetKey, AssetSelection, define_asset_job, in_process_executor

PUBLICATIONS = AssetSelection.assets(AssetKey(["site", "monthly_publication"]), AssetKey(["site", "annual_scorecard"]))
INGEST = AssetSelection.groups("ingest")  # the inbox multi-asset: raw/* and the meta tables it writes
BUILD = AssetSelection.all() - PUBLICATIONS - INGEST  # scorecard configuration and the dbt models

warehouse_job = define_asset_job(
    "warehouse_job",
    selection=AssetSelection.all() - PUBLICATIONS,
    executor_def=in_process_executor,
    description="Load the inbox and rebuild the warehouse (ingest → staging → marts).",
)

monthly_publication_job = define_asset_job(
    "monthly_publication_job",
    selection=BUILD | AssetSelection.assets(AssetKey(["site", "monthly_publication"])),
    executor_def=in_process_executor,
    description="Rebuild the marts as of the last day of the previous month and publish every jurisdiction.",
)

annual_scorecard_job = define_asset_job(
    "annual_scorecard_job",
    selection=BUILD | AssetSelection.assets(AssetKey(["site", "annual_scorecard"])),
    executor_def=in_process_executor,
    description="Rebuild the marts as of 31 December of the previous year and publish the annual scorecard.",
)
