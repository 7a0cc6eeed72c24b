"""The work itself, once: ingest, build and publish, as the CLI and the Dagster assets both run them.

Each workflow takes the settings and plain arguments, holds the writer lock while it writes, and returns
what happened; the faces only present it (`cli.py` with rich, the assets as Dagster metadata and events).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from warehouse import raw_custody
from warehouse.errors import UserError
from warehouse.lock import writer_lock
from warehouse.settings import Settings

Notify = Callable[[], None]


class NothingToPublish(UserError):
    """The warehouse has no member-unit list and no rows of any region: there is no jurisdiction to publish."""

    def __init__(self) -> None:
        super().__init__("没有可发布的内容：仓库中既没有成员单位名单，也没有任何地区的已入库数据；"
                         "请先用 liandong ingest 载入台账，再运行 liandong build",
                         "nothing to publish: the warehouse has no member-unit list and no rows loaded for "
                         "any region; load files with liandong ingest, then run liandong build")


class PersonalDataFound(UserError):
    """The PII gate found personal data: the run fails and nothing is published."""

    def __init__(self, findings: list[Any]):
        super().__init__(f"发现 {len(findings)} 处个人信息，运行失败", f"{len(findings)} piece(s) of personal data "
                         "found; the run fails")
        self.findings = findings


# ---------------------------------------------------------------------------------------------------------
# ingest

def ingest(settings: Settings, paths: list[Path], feed: str | None = None, *, demo: bool = False,
           profile: Any = None, profiles: list[Any] | None = None,
           on_file: Callable[[Any], None] | None = None, on_wait: Notify | None = None) -> list[Any]:
    """Load files in order under the writer lock; one outcome per file (loaded, partial, rejected, skipped).
    `profile` reads every file through that source profile; else each is matched against `profiles`
    (the user's and the shipped ones) by its header signature."""
    from ingest.workers import warm_validator

    warm_validator(paths)  # before the pipeline's own imports
    from ingest.pipeline import IngestTarget, ingest_files

    target = IngestTarget.of(settings, demo=demo)
    with writer_lock(settings.lock, on_wait=on_wait):
        return ingest_files(paths, target, feed, on_file=on_file, profile=profile, profiles=profiles or [])


# ---------------------------------------------------------------------------------------------------------
# build: scorecard configuration → dbt (the contract report written meanwhile) → PII gate

@dataclass
class BuildOutcome:
    as_of: date
    target: str
    plan: Any  # warehouse.build_state.BuildPlan (DuckDB) or None (Spark)
    result: Any  # subprocess.CompletedProcess, or what the caller's dbt runner returned
    contract_report: Path | None = None
    findings: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)  # warehouse.dbt_runner.BuildWarning, by test name

    def dbt_lines(self) -> list[str]:
        """dbt's summary lines (done, errors, failures, warnings) when dbt ran as a subprocess."""
        stdout = getattr(self.result, "stdout", "") or ""
        return [ln for ln in stdout.splitlines() if "Done." in ln or "ERROR" in ln or "FAIL" in ln
                or ("WARN" in ln and "test" in ln)]


def write_scorecard_config(settings: Settings, *, raw_tables: bool = False) -> list[Any]:
    """The 考核细则 of every jurisdiction into meta.scorecard_config (call under the writer lock); with
    `raw_tables`, also every missing raw table, in the same connection (what dbt reads must exist)."""
    with raw_custody.kept(settings.warehouse):
        return _prepare_build(settings, raw_tables=raw_tables)[0]


def _prepare_build(settings: Settings, *, raw_tables: bool = True, plan_as_of: date | None = None
                   ) -> tuple[list[Any], Any, int]:
    """What a build writes before dbt, in one writer connection: the 考核细则 (`write_scorecard_config`), the
    missing raw tables, and, given `plan_as_of`, the DuckDB build's plan (warehouse.build_state.plan_build, which
    reads the configuration just written). The configurations, the plan (None without `plan_as_of`) and the raw
    tables' journal's last entry (`warehouse.raw_custody`)."""
    from ingest.raw_tables import ensure_raw_tables
    from orchestration.scorecard_config import load_all, write_config
    from warehouse.build_state import plan_build
    from warehouse.connection import connect
    from warehouse.regions import dbt_region_vars

    configs = load_all(settings.scorecard_config_dir)
    with connect(settings.warehouse) as con:
        write_config(con, configs)
        if raw_tables:
            ensure_raw_tables(con)
        plan = plan_build(con, plan_as_of, dbt_region_vars(settings.home)) if plan_as_of else None
        return configs, plan, raw_custody.journal_head(con)


def build(settings: Settings, as_of: date | None, *, target: str = "duckdb",
          run: Callable[[list[str]], Any] | None = None, on_wait: Notify | None = None,
          gate: bool = True) -> BuildOutcome:
    """`dbt build` as of a date (resolved once: the date asked for, else today in Asia/Shanghai), the contract
    report, then the PII gate. `run` executes dbt (Dagster passes its dbt resource); a failed dbt raises
    UserError with dbt's last lines; personal data raises PersonalDataFound.

    What does not need dbt overlaps it. Without `run`, dbt starts at once (`DbtLauncher`: ~2–3 s of imports and
    parsing) and opens the warehouse once this process has written the scorecard configuration, read the
    contract report's rows and audited the tables dbt only reads (`SCHEMAS_DBT_ONLY_READS`); the report and the
    gate's folders are written and audited in a thread while dbt runs; the tables dbt writes are audited after.

    The build keeps the raw tables' chain of custody (`warehouse.raw_custody`: it writes no raw row), and a
    gate that passed renews it from the raw tables' audit: the next gate reads only their parts ingest
    journals meanwhile. A failed build breaks it.
    """
    resolved = settings.resolve_as_of(as_of)
    with writer_lock(settings.lock, on_wait=on_wait):
        custody = raw_custody.held(settings.warehouse)  # before this build writes anything
        try:
            outcome, epoch, head = _build(settings, resolved, target, run, gate, custody)
        except BaseException:
            raw_custody.drop(settings.warehouse)
            raise
        if not gate:
            raw_custody.hand_over(settings.warehouse, custody)
        elif epoch is not None:
            raw_custody.grant(settings.warehouse, epoch, head)
        else:
            raw_custody.drop(settings.warehouse)
    return outcome


def _build(settings: Settings, resolved: date, target: str, run: Callable[[list[str]], Any] | None, gate: bool,
           custody: raw_custody.Custody | None) -> tuple[BuildOutcome, str | None, int]:
    """`build` under the writer lock; also the epoch of the raw tables' audit (None without) and the
    journal's last entry it read."""
    from privacy.pii_audit import SCHEMAS_DBT_ONLY_READS
    from warehouse.dbt_runner import DbtLauncher, build_duckdb, build_warnings

    launcher = DbtLauncher(settings, resolved) if target == "duckdb" and run is None else None
    background = ThreadPoolExecutor(1, thread_name_prefix="build-background")
    audit, report, folders, epoch, head = None, None, None, None, 0
    try:
        if gate:
            audit = open_audit(settings, custody=custody)
        _, plan, head = _prepare_build(settings, plan_as_of=resolved if target == "duckdb" else None)
        # from here on the warehouse is only read until dbt opens it: the report's rows in the thread and
        # the tables dbt only reads here, side by side (DuckDB lets one process hold several readers)
        rows = background.submit(contract_report_rows, settings)
        report = background.submit(lambda: write_contract_report(settings, *rows.result()))

        def before_dbt() -> None:
            nonlocal folders, epoch
            if audit is not None:
                audit.tables(lambda schema: schema in SCHEMAS_DBT_ONLY_READS)
                epoch = None if audit.findings else audit.state.epoch
                audit.free_memory()  # dbt is about to take its own
            rows.result()  # read: dbt may open the warehouse
            if audit is not None:
                folders = background.submit(audit.files)  # after the report, in the same thread

        if target == "spark":  # raw tables exported as parquet, registered in Spark, then dbt (docs/spark.md)
            from orchestration.spark import build_on_spark

            before_dbt()
            result, plan = build_on_spark(settings, resolved), None
        else:
            result, plan = build_duckdb(settings, resolved, run, plan=plan, launcher=launcher,
                                        before_dbt=before_dbt)
    except BaseException:
        if audit is not None:
            _close_audit(audit, folders)
        raise
    finally:
        if launcher is not None:
            launcher.abort()  # only if it never built: the caller failed first
        # written whatever dbt did: it shows the ingest's contract results
        report_path = report.result() if report is not None else None
        background.shutdown()
    outcome = BuildOutcome(resolved, target, plan, result, contract_report=report_path)
    if getattr(result, "returncode", 0) != 0:
        if audit is not None:
            _close_audit(audit, folders)
        tail = "\n".join((getattr(result, "stdout", "") or "").splitlines()[-40:])
        raise UserError(f"dbt build 失败：\n{tail}", "dbt build failed (see above)")
    artefacts = getattr(result, "target_path", None) or (
        settings.dbt_target_dir / target if target != "duckdb" else settings.dbt_target_dir)
    outcome.warnings = build_warnings(Path(artefacts))
    if audit is not None:
        try:
            if folders is not None:
                folders.result()
            audit.tables(lambda schema: schema not in SCHEMAS_DBT_ONLY_READS)
        finally:
            audit.close()
        outcome.findings = audit.findings
        if outcome.findings:
            raise PersonalDataFound(outcome.findings)
    return outcome, epoch, head


def _close_audit(audit: Any, folders: Future[None] | None) -> None:
    """Close a build's audit when the build failed: its folders' thread first, as it uses the audit's state."""
    try:
        if folders is not None:
            folders.exception()  # waits; a failure there is the build's own failure's consequence
    finally:
        audit.close()


def contract_report_rows(settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The contract report's rows: per-rule sums (see docs.RESULTS_SQL) and the files. A build reads them before
    dbt (in a thread, while it audits the raw tables), which writes neither meta.contract_results nor
    meta.files, and writes the report while dbt runs (`write_contract_report`)."""
    from data_contracts.docs import RESULTS_SQL
    from orchestration.summary import query_rows
    from warehouse.connection import connect

    with connect(settings.warehouse, read_only=True) as con:
        return (query_rows(con, RESULTS_SQL.format(where="")),
                query_rows(con, "select * from meta.files order by ingested_at"))


def write_contract_report(settings: Settings, results: list[dict[str, Any]],
                          files: list[dict[str, Any]]) -> Path | None:
    """The contract report of the whole warehouse (data_docs/index.html under the site)."""
    from data_contracts.docs import build_data_docs

    return build_data_docs(settings.site / "data_docs", results, files)


def audit_key(settings: Settings) -> bytes:
    """The key the known names were hashed with: the configured one, else the demo key (with another key
    the names' hashes never match, so nothing is found, never a false finding)."""
    return settings.secret_key(demo=True)


def open_audit(settings: Settings, *, full: bool = False, custody: raw_custody.Custody | None = None) -> Any:
    """The PII audit of the warehouse, the site, the exports and the quarantine reports, to run in steps
    (`privacy.pii_audit.Audit`); it reads the known names now. Unless `full`, what a passing audit saw
    unchanged is not read again, nor, given the raw tables' `custody` (`warehouse.raw_custody`), their parts
    not journalled since."""
    from privacy.pii_audit import Audit

    return Audit(settings.warehouse, [settings.site, settings.exports, settings.quarantine],
                 None if full else settings.pii_audit_state, audit_key(settings), None if full else custody)


def pii_audit(settings: Settings, *, full: bool = False) -> list[Any]:
    """Personal data (identifiers, address shapes, the natural persons' names ingest has seen) in the
    warehouse, the site, the exports and the quarantine reports. What a passing audit saw unchanged is not
    read again (`AuditState`) unless `full`."""
    return open_audit(settings, full=full, custody=raw_custody.held(settings.warehouse)).everything()


# ---------------------------------------------------------------------------------------------------------
# publish

@dataclass
class PublishOutcome:
    as_of: date
    built: BuildOutcome | None  # the build publish ran first, when the marts were for another date
    publications: list[Any]
    index: Path


def built_as_of(settings: Settings) -> date | None:
    """The date the marts were built for, from the build record."""
    from warehouse.build_state import warehouse_built_as_of

    return warehouse_built_as_of(settings.warehouse)


def region_descendants(settings: Settings, code: str) -> list[str]:
    """The regions below `code` in the region table (seed + $LIANDONG_HOME/regions.csv); none for a code the
    table does not know, which publishes as a jurisdiction of its own, as before the hierarchy."""
    from warehouse import regions

    return regions.descendants(code, settings.home) if regions.is_known(code, settings.home) else []


def provinces_above(settings: Settings) -> list[str]:
    """The provinces (in the region table) above the jurisdictions with data that have none of their own: what
    the demo publishes as roll-ups after the jurisdictions themselves."""
    from dashboards.site.data import regions as all_regions
    from warehouse import regions

    known = all_regions(settings.warehouse)
    above = {regions.ancestors(c, settings.home)[-1] for c in known
             if regions.is_known(c, settings.home) and regions.ancestors(c, settings.home)}
    return sorted(above - set(known))


def publish(settings: Settings, as_of: date | None, regions: list[str] | None = None, *,
            folder_suffix: str = "", on_wait: Notify | None = None,
            on_region: Callable[[Any], None] | None = None) -> PublishOutcome:
    """Publish every jurisdiction (or `regions`) as of the date the marts were built for, building them first
    when they were built for another date; behind the PII gate; an existing publication is left untouched."""
    from dashboards.site.data import Marts
    from dashboards.site.data import regions as all_regions
    from dashboards.site.publish import publish_region, write_index
    from privacy.pii_audit import AuditState, known_names, scan_files

    built = None
    built_for = built_as_of(settings)
    if built_for is None or (as_of is not None and built_for != as_of):
        built = build(settings, as_of, on_wait=on_wait)
        built_for = built.as_of
    else:
        findings = pii_audit(settings)
        if findings:
            raise PersonalDataFound(findings)
    publications = []
    # Each publication is scanned before it is renamed into place; its clean files are remembered (their bytes
    # and, once in place, their stat), so the next gate does not read them again.
    state = AuditState.open(settings.pii_audit_state)
    names = known_names(settings.warehouse, audit_key(settings))
    with writer_lock(settings.lock, on_wait=on_wait), contextlib.closing(state):
        known = all_regions(settings.warehouse)  # a member-unit list or rows of any feed (12345 only too)
        if not known:
            raise NothingToPublish()
        codes = regions or known
        below = {code: region_descendants(settings, code) for code in codes}
        unknown = sorted(c for c in set(codes) - set(known) if not set(below[c]) & set(known))
        if unknown:
            raise UserError(f"仓库中没有这些行政区划（及其下辖地区）的数据（成员单位名单或台账）：{'、'.join(unknown)}",
                            f"no member-unit list or ledger rows for region(s) or the regions below them: "
                            f"{', '.join(unknown)}")
        with Marts(settings.warehouse, codes) as marts:  # each mart read once for all the jurisdictions
            for code in codes:
                outcome = publish_region(settings.site, settings.warehouse, code, built_for,
                                         gate=lambda folder: list(scan_files(folder, state, names)),
                                         folder_suffix=folder_suffix, descendants=below[code], marts=marts)
                publications.append(outcome)
                if outcome.created:
                    state.remember_published(outcome.path)
                if on_region:
                    on_region(outcome)
        index = write_index(settings.site)
    return PublishOutcome(built_for, built, publications, index)


# ---------------------------------------------------------------------------------------------------------
# report and reminders (drafted documents: reports/)

def report(settings: Settings, region: str, *, year: int | None = None, month: str | None = None,
           issued: date | None = None, on_wait: Notify | None = None) -> Any:
    """The annual (`year`) or monthly (`month`, YYYY-MM) 通报 of a region as .docx and .pdf under
    `reports/<region>/`, from the marts as last built; dated `issued` (default today)."""
    from reports.tongbao import annual_report, monthly_report

    if (year is None) == (month is None):
        raise UserError("请指定 --year 或 --month 之一", "give exactly one of --year and --month")
    issued = issued or settings.today()
    with writer_lock(settings.lock, on_wait=on_wait):  # no build writes the marts while they are read
        if year is not None:
            return annual_report(settings, region, year, issued)
        return monthly_report(settings, region, month or "", issued)


def reminders(settings: Settings, region: str, within: int | None = None, *, issued: date | None = None,
              on_wait: Notify | None = None) -> tuple[date, list[Any]]:
    """One 工作提示函 (.docx) per responsible unit with duties overdue or due within `within` working days."""
    from reports.reminders import write_reminders

    with writer_lock(settings.lock, on_wait=on_wait):
        return write_reminders(settings, region, within, issued or settings.today())
