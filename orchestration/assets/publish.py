"""Publication assets downstream of the marts: the monthly site per jurisdiction and the annual scorecard.

Both run `workflows.publish`, as `liandong publish` does: the marts as built for their as-of date (the job
builds the dbt assets with the same as-of first), behind the PII gate, never overwriting a publication, so a
schedule that fires twice leaves the first one as it was.
"""


from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import get_asset_key_for_model

from orchestration import workflows
from orchestration.resources import WAREHOUSE_POOL, LiandongResource, failure_for_user_errors
from warehouse.lock import writer_lock

PUBLISHED_MARTS = (
    "dim_member_units", "agg_transfer_rates", "agg_non_transfer_clues", "fct_non_transfer_clues",
    "agg_obligation_timeliness", "agg_unit_timeliness_yearly", "agg_unit_transfer_yearly", "fct_overdue_items",
    "agg_hotline_rates", "agg_supervision_outcomes",
    "agg_data_quality", "fct_input_file_regions", "fct_unit_scorecard", "agg_unit_scorecard_ranking",
    "fct_tasks")


class PublicationConfig(Config):
    as_of: str = ""  # YYYY-MM-DD the marts are built for; empty: whatever they were last built for
    regions: list[str] = []  # noqa: RUF012 — Dagster Config fields are pydantic; empty: every jurisdiction


@asset(key=["meta", "scorecard_config"], group_name="reference", pool=WAREHOUSE_POOL,
       description="考核细则：默认配置与各地区 $LIANDONG_HOME/scorecard/<region>.yml，载入 meta.scorecard_config")
def scorecard_config(context: AssetExecutionContext, liandong: LiandongResource) -> MaterializeResult:
    settings = liandong.settings()
    with writer_lock(settings.lock, on_wait=lambda: context.log.info("waiting for the warehouse lock")):
        configs = workflows.write_scorecard_config(settings)
    return MaterializeResult(metadata={
        "configurations": MetadataValue.json({c.region_code: {"name": c.name, "fingerprint": c.fingerprint}
                                              for c in configs})})


def _publish(context: AssetExecutionContext, liandong: LiandongResource, config: PublicationConfig,
             folder_suffix: str = "") -> MaterializeResult:
    settings = liandong.settings()
    as_of = date.fromisoformat(config.as_of) if config.as_of else None
    with failure_for_user_errors():
        try:
            result = workflows.publish(
                settings, as_of, config.regions or None, folder_suffix=folder_suffix,
                on_wait=lambda: context.log.info("waiting for the warehouse lock"),
                on_region=lambda o: context.log.info(
                    f"{'published' if o.created else 'exists, left untouched'}: {o.path}"))
        except workflows.NothingToPublish as nothing:  # a schedule on an empty warehouse warns, it does not fail
            context.log.warning(f"{nothing.message_zh} / {nothing.message_en}")
            return MaterializeResult(metadata={"published": MetadataValue.json([])})
    return MaterializeResult(metadata={
        "as_of": result.as_of.isoformat(),
        "published": MetadataValue.json([str(o.path) for o in result.publications if o.created]),
        "left_untouched": MetadataValue.json([str(o.path) for o in result.publications if not o.created]),
        "index": MetadataValue.path(str(result.index))})


def build_publish_assets(dbt_assets: AssetsDefinition) -> list[AssetsDefinition]:
    """The publications hang off the marts they read, keyed through the dbt assets themselves."""
    marts = [get_asset_key_for_model([dbt_assets], name) for name in PUBLISHED_MARTS]

    @asset(key=["site", "monthly_publication"], deps=marts, group_name="publish", pool=WAREHOUSE_POOL,
           description="每月发布：各地区看板、考核排名与 Excel 导出，site/<region>/<as_of>/，不覆盖已有发布")
    def monthly_publication(context: AssetExecutionContext, liandong: LiandongResource,
                            config: PublicationConfig) -> MaterializeResult:
        return _publish(context, liandong, config)

    @asset(key=["site", "annual_scorecard"], deps=marts, group_name="publish", pool=WAREHOUSE_POOL,
           description="年度考核：上一年度 12 月 31 日为截止日的考核结果与看板，site/<region>/<year>-12-31-annual/")
    def annual_scorecard(context: AssetExecutionContext, liandong: LiandongResource,
                         config: PublicationConfig) -> MaterializeResult:
        return _publish(context, liandong, config, folder_suffix="-annual")

    return [monthly_publication, annual_scorecard]
