"""The inbox ingest: the files waiting in `$LIANDONG_HOME/inbox/` loaded by `workflows.ingest`.

One multi-asset produces every table the load writes — `raw/<feed>`, `raw/penalty_facts` and the `meta/`
tables of files, quarantine and contract results — under the keys the dbt sources carry, so the graph
reads ingest → staging → marts with no source that nothing produces. Contract results become an asset
check on each feed's table.
"""


import shutil
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    multi_asset,
)

from data_contracts.model import FEEDS, load_contract
from ingest.profiles import available_profiles
from orchestration import workflows
from orchestration.resources import WAREHOUSE_POOL, LiandongResource

INBOX_SUFFIXES = (".xlsx", ".xls", ".csv")
META_TABLES = {
    "files": "每个输入文件的处理记录与对账 / one record per input file with its reconciliation",
    "quarantine": "被隔离的行及原因（已遮蔽）/ quarantined rows with their reasons (masked)",
    "contract_results": "每个文件、单位与规则的数据标准检查结果 / contract results per file, unit and rule",
}


def inbox_files(inbox: Path) -> list[Path]:
    if not inbox.exists():
        return []
    return sorted(p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() in INBOX_SUFFIXES)


def load_order(paths: list[Path]) -> list[Path]:
    """Member-unit lists first, as `liandong demo` loads them, so names resolve in the same run."""
    return sorted(paths, key=lambda p: (0 if "成员单位" in p.name else 1, p.name))


def _processed(inbox: Path, path: Path, today: str) -> None:
    done = inbox / "processed" / today
    done.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), done / path.name)


def _check(feed: str, outcomes: list) -> AssetCheckResult:
    mine = [o for o in outcomes if o.feed == feed]
    quarantined = sum(o.rows_quarantined for o in mine)
    rejected = [o.name for o in mine if o.status == "rejected"]
    reasons: dict[str, int] = {}
    for o in mine:
        for rule, n in o.rule_counts.items():
            reasons[rule] = reasons.get(rule, 0) + n
    return AssetCheckResult(
        check_name="exchange_standard",
        asset_key=AssetKey(["raw", feed]),
        passed=quarantined == 0 and not rejected,
        severity=AssetCheckSeverity.WARN,
        metadata={"rows_loaded": sum(o.rows_loaded for o in mine), "rows_quarantined": quarantined,
                  "files_rejected": ", ".join(rejected), "quarantine_reasons": str(dict(sorted(reasons.items())))},
    )


def _feed_spec(feed: str) -> AssetSpec:
    contract = load_contract(feed)
    return AssetSpec(AssetKey(["raw", feed]), group_name="ingest", kinds={"python", "duckdb"},
                     description=f"{contract.title}（{contract.feed}）: inbox files, validated and loaded into "
                                 f"raw.{feed}")


SPECS = [
    *(_feed_spec(feed) for feed in FEEDS),
    AssetSpec(AssetKey(["raw", "penalty_facts"]), group_name="ingest", kinds={"python", "duckdb"},
              description="违法事实中提取的涉案数额等事实 / measured facts of every penalty row version"),
    *(AssetSpec(AssetKey(["meta", name]), group_name="ingest", kinds={"duckdb"}, description=text)
      for name, text in META_TABLES.items()),
]


@multi_asset(
    name="ingest_inbox", specs=SPECS, pool=WAREHOUSE_POOL,
    check_specs=[AssetCheckSpec("exchange_standard", asset=AssetKey(["raw", feed]),
                                description=f"Rows pass the {load_contract(feed).title} contract (数据交换标准)")
                 for feed in FEEDS],
)
def ingest_inbox(context: AssetExecutionContext, liandong: LiandongResource):
    """Every inbox file in one `workflows.ingest` call (a bad file is recorded as rejected, the others load),
    each read through the source profile whose header signature it carries; then moved to
    `inbox/processed/<date>/`."""
    settings = liandong.settings()
    paths = load_order(inbox_files(settings.inbox))
    outcomes = []
    if paths:
        profiles = available_profiles(settings.home, [])  # a profile being edited is skipped, not fatal
        outcomes = workflows.ingest(settings, paths, demo=liandong.allow_demo_key, profiles=profiles,
                                    on_wait=lambda: context.log.info("waiting for the warehouse lock"))
        today = settings.today().strftime("%Y%m%d")
        for path, outcome in zip(paths, outcomes, strict=True):
            context.log.info(f"{path.name}: {outcome.status} loaded={outcome.rows_loaded} "
                             f"quarantined={outcome.rows_quarantined} non-data={outcome.rows_non_data} "
                             f"duplicate={outcome.rows_duplicate}")
            if outcome.file_problem is not None:
                context.log.warning(outcome.file_problem.sentence(outcome.name))
            _processed(settings.inbox, path, today)
    for spec in SPECS:
        feed = spec.key.path[-1]
        mine = [o for o in outcomes if o.feed == feed]
        yield MaterializeResult(asset_key=spec.key, metadata={
            "files": len(mine) if feed in FEEDS else len(outcomes),
            "rows_loaded": sum(o.rows_loaded for o in (mine if feed in FEEDS else outcomes)),
            "rows_quarantined": sum(o.rows_quarantined for o in (mine if feed in FEEDS else outcomes))})
    for feed in FEEDS:
        yield _check(feed, outcomes)


ingest_assets = [ingest_inbox]
