"""One ingest asset per feed: load the files waiting in `$LIANDONG_HOME/inbox/` into `raw.<feed>`.

Asset keys `raw/<feed>` equal the dbt sources' keys, so the graph reads ingest → staging → marts.
Contract results become an asset check on each ingest asset.
"""


import shutil
from datetime import date
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    asset,
)

from data_contracts.model import FEEDS, load_contract
from ingest.headers import find_header
from ingest.pipeline import FileOutcome, ingest_files
from ingest.readers import read_grids
from ingest.warehouse import writer_lock
from orchestration.resources import WAREHOUSE_POOL, LiandongResource

INBOX_SUFFIXES = (".xlsx", ".xls", ".csv")
UNRECOGNISED_OWNER = "penalty_ledger"  # files that match no feed are recorded (rejected) by this step


def inbox_files(inbox: Path) -> list[Path]:
    if not inbox.exists():
        return []
    return sorted(p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() in INBOX_SUFFIXES)


def detect_feed(path: Path) -> str | None:
    """The feed a file's headers name; None for any file that cannot be read (the ingest records it rejected)."""
    try:
        _fmt, grids, _ = read_grids(path)
    except Exception:  # FileRejected or any other failure: the ingest records such a file as rejected
        return None
    for grid in grids:
        if not grid.hidden and (match := find_header(grid.rows)) is not None:
            return match.feed
    return None


def files_for_feed(inbox: Path, feed: str) -> list[Path]:
    out = []
    for path in inbox_files(inbox):
        detected = detect_feed(path)
        if detected == feed or (detected is None and feed == UNRECOGNISED_OWNER):
            out.append(path)
    return out


def _processed(inbox: Path, path: Path) -> None:
    done = inbox / "processed" / date.today().strftime("%Y%m%d")
    done.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), done / path.name)


def _check(feed: str, outcomes: list[FileOutcome]) -> AssetCheckResult:
    loaded = sum(o.rows_loaded for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes)
    rejected = [o.name for o in outcomes if o.status == "rejected"]
    reasons: dict[str, int] = {}
    for o in outcomes:
        for rule, n in o.rule_counts.items():
            reasons[rule] = reasons.get(rule, 0) + n
    return AssetCheckResult(
        check_name="exchange_standard",
        asset_key=AssetKey(["raw", feed]),
        passed=quarantined == 0 and not rejected,
        severity=AssetCheckSeverity.WARN,
        metadata={"rows_loaded": loaded, "rows_quarantined": quarantined, "files_rejected": ", ".join(rejected),
                  "quarantine_reasons": str(dict(sorted(reasons.items())))},
    )


def build_ingest_asset(feed: str):
    contract = load_contract(feed)

    @asset(
        key=AssetKey(["raw", feed]),
        group_name="ingest",
        kinds={"python", "duckdb"},
        pool=WAREHOUSE_POOL,
        description=f"{contract.title}（{contract.feed}）: files from the inbox, validated and loaded into raw.{feed}.",
        check_specs=[AssetCheckSpec("exchange_standard", asset=AssetKey(["raw", feed]),
                                    description=f"Rows pass the {contract.title} contract (数据交换标准)")],
    )
    def _ingest(context: AssetExecutionContext, liandong: LiandongResource):
        settings = liandong.settings()
        paths = files_for_feed(settings.inbox, feed)
        outcomes: list[FileOutcome] = []
        if paths:
            target = settings.ingest_target(demo=liandong.allow_demo_key)
            with writer_lock(settings.lock, on_wait=lambda: context.log.info("waiting for the warehouse lock")):
                outcomes = ingest_files(paths, target)
            for path, outcome in zip(paths, outcomes, strict=True):
                context.log.info(f"{path.name}: {outcome.status} loaded={outcome.rows_loaded} "
                                 f"quarantined={outcome.rows_quarantined} non-data={outcome.rows_non_data} "
                                 f"duplicate={outcome.rows_duplicate}")
                if outcome.file_problem is not None:
                    context.log.warning(outcome.file_problem.sentence(outcome.name))
                _processed(settings.inbox, path)
        yield MaterializeResult(
            asset_key=AssetKey(["raw", feed]),
            metadata={"files": len(outcomes), "rows_loaded": sum(o.rows_loaded for o in outcomes),
                      "rows_quarantined": sum(o.rows_quarantined for o in outcomes)},
        )
        yield _check(feed, outcomes)

    _ingest.__name__ = f"ingest_{feed}"
    return _ingest


ingest_assets = [build_ingest_asset(feed) for feed in FEEDS]
