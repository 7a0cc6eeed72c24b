"""Publication assets downstream of the marts: the monthly site per jurisdiction and the annual scorecard.

Both read the marts as built for their as-of date (the job builds the dbt assets with the same as-of first)
and never overwrite an existing publication, so a schedule that fires twice leaves the first one as it was.
"""


from datetime import date

from dagster import AssetExecutionContext, AssetKey, Config, Failure, MaterializeResult, MetadataValue, asset

from dashboards.site.data import marts_as_of, regions
from dashboards.site.publish import publish_region, write_index
from ingest.pii_audit import audit, scan_files
from ingest.warehouse import connect, writer_lock
from orchestration.resources import WAREHOUSE_POOL, LiandongResource
from orchestration.scorecard_config import load_all, write_config

MART_KEYS = [AssetKey(["marts", name]) for name in (
    "dim_member_units", "agg_transfer_rates", "agg_non_transfer_clues", "fct_non_transfer_clues",
    "agg_obligation_timeliness", "agg_unit_timeliness_yearly", "agg_unit_transfer_yearly", "fct_overdue_items",
    "agg_hotline_rates", "agg_supervision_outcomes",
    "agg_data_quality", "fct_input_file_regions", "fct_unit_scorecard", "agg_unit_scorecard_ranking")]


class PublicationConfig(Config):
    as_of: str = ""  # YYYY-MM-DD the marts were built for; empty: whatever they were built for
    regions: list[str] = []  # noqa: RUF012 — Dagster Config fields are pydantic; empty: every jurisdiction with a member-unit list


@asset(key=["meta", "scorecard_config"], group_name="reference", pool=WAREHOUSE_POOL,
       description="考核细则：默认配置与各地区 $LIANDONG_HOME/scorecard/<region>.yml，载入 meta.scorecard_config")
def scorecard_config(context: AssetExecutionContext, liandong: LiandongResource) -> MaterializeResult:
    settings = liandong.settings()
    configs = load_all(settings.scorecard_config_dir)
    with writer_lock(settings.lock, on_wait=lambda: context.log.info("waiting for the warehouse lock")), \
            connect(settings.warehouse) as con:
        rows = write_config(con, configs)
    return MaterializeResult(metadata={
        "configurations": MetadataValue.json({c.region_code: {"name": c.name, "fingerprint": c.fingerprint}
                                              for c in configs}),
        "rows": rows})


def _publish(context: AssetExecutionContext, liandong: LiandongResource, config: PublicationConfig,
             folder_suffix: str = "") -> MaterializeResult:
    settings = liandong.settings()
    built_for = marts_as_of(settings.warehouse)
    if built_for is None:
        raise Failure("数据集市尚未构建 / the marts have not been built")
    if config.as_of and date.fromisoformat(config.as_of) != built_for:
        raise Failure(f"数据集市的统计截止日为 {built_for}，不是 {config.as_of} / marts are as of {built_for}")
    created, kept = [], []
    with writer_lock(settings.lock, on_wait=lambda: context.log.info("waiting for the warehouse lock")):
        findings = audit(settings.warehouse, [settings.site, settings.exports, settings.quarantine],
                         settings.pii_audit_state)
        if findings:
            raise Failure(f"发现 {len(findings)} 处个人信息，停止发布 / personal data found; nothing published",
                          metadata={"findings": MetadataValue.md(
                              "\n".join(f"- {f.sentence()}" for f in findings[:50]))})
        codes = config.regions or regions(settings.warehouse)
        if not codes:
            context.log.warning("没有可发布的内容：仓库中既没有成员单位名单，也没有任何地区的已入库数据 / nothing to "
                                "publish: no member-unit list and no rows loaded for any region")
        for code in codes:
            outcome = publish_region(settings.site, settings.warehouse, code, built_for,
                                     gate=lambda folder: list(scan_files(folder)), folder_suffix=folder_suffix)
            (created if outcome.created else kept).append(str(outcome.path))
            context.log.info(f"{'published' if outcome.created else 'exists, left untouched'}: {outcome.path}")
        index = write_index(settings.site)
    return MaterializeResult(metadata={
        "as_of": built_for.isoformat(), "published": MetadataValue.json(created),
        "left_untouched": MetadataValue.json(kept), "index": MetadataValue.path(str(index))})


@asset(key=["site", "monthly_publication"], deps=MART_KEYS, group_name="publish", pool=WAREHOUSE_POOL,
       description="每月发布：各地区看板、考核排名与 Excel 导出，site/<region>/<as_of>/，不覆盖已有发布")
def monthly_publication(context: AssetExecutionContext, liandong: LiandongResource,
                        config: PublicationConfig) -> MaterializeResult:
    return _publish(context, liandong, config)


@asset(key=["site", "annual_scorecard"], deps=MART_KEYS, group_name="publish", pool=WAREHOUSE_POOL,
       description="年度考核：上一年度 12 月 31 日为截止日的考核结果与看板，site/<region>/<year>-12-31-annual/")
def annual_scorecard(context: AssetExecutionContext, liandong: LiandongResource,
                     config: PublicationConfig) -> MaterializeResult:
    return _publish(context, liandong, config, folder_suffix="-annual")


publish_assets = [scorecard_config, monthly_publication, annual_scorecard]
