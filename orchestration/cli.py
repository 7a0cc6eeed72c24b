"""`liandong`: the command line. Errors are sentences in Chinese and English, never tracebacks."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="府检联动数据仓库 liandong")
console = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
UNITS_SHOWN = 15
FEED_CHOICES = ["penalty", "supervision", "hotline", "units"]
EXIT_SOME_REJECTED = 1  # `ingest`: some files were rejected (recorded with reasons), the others loaded
FEED_BY_CHOICE = {"penalty": "penalty_ledger", "supervision": "supervision_ledger",
                  "hotline": "hotline_exchange", "units": "member_units"}

def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into a sentence (set LIANDONG_DEBUG=1 to see the traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except UserError as exc:
            err.print(f"[red]错误[/red]：{exc.message_zh}\n[red]Error[/red]: {exc.message_en}")
            raise typer.Exit(2) from None
        except Exception as exc:
            if os.environ.get("LIANDONG_DEBUG"):
                raise
            err.print(f"[red]内部错误[/red]：{type(exc).__name__}: {exc}\n"
                      "[red]Internal error[/red]: set LIANDONG_DEBUG=1 and run again to see details.")
            raise typer.Exit(3) from None

    return wrapper

def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"日期格式应为 YYYY-MM-DD：{value}", f"dates must be YYYY-MM-DD: {value}") from None

def _settings(home: Path | None):
    from orchestration.settings import load_settings

    settings = load_settings(home)
    settings.prepare()
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    return settings

def _expand(files: list[Path]) -> list[Path]:
    out: list[Path] = []
    for f in files:
        if f.is_dir():
            out.extend(sorted(p for p in f.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".csv")))
        elif f.exists():
            out.append(f)
        else:
            raise UserError(f"文件不存在：{f}", f"no such file: {f}")
    return out

def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)

def _wait_message() -> None:
    err.print("[yellow]仓库正被另一个任务写入，等待其完成…[/yellow] / the warehouse is busy with another job; waiting…")

def ingest_paths(settings: Any, paths: list[Path], feed: str | None, *, demo: bool = False) -> list[Any]:
    """Ingest files in order under the writer lock, with progress."""
    from ingest.pipeline import ingest_files
    from ingest.warehouse import writer_lock

    target = settings.ingest_target(demo=demo)
    with writer_lock(settings.lock, on_wait=_wait_message), _progress() as progress:
        task = progress.add_task(f"读取并校验 {len(paths)} 个文件 / reading and validating", total=len(paths))

        def loaded(outcome: Any) -> None:
            progress.update(task, description=f"载入 / loaded {outcome.name[:40]}")
            progress.advance(task)

        outcomes = ingest_files(paths, target, feed, on_file=loaded)
        progress.update(task, completed=len(paths), description="载入完成 / ingested")
    return outcomes

def print_outcomes(outcomes: list[Any], *, show_problems: int = 5, only_problems: bool = False) -> None:
    """One row per file (or only the files with problems), then the first problems of each."""
    skipped = [o for o in outcomes if o.status == "skipped"]
    if only_problems:
        shown = [o for o in outcomes if o.status in ("partial", "rejected") or (o.status == "loaded"
                 and (o.notes or o.unknown_headers))]
    else:
        shown = outcomes
    clean = len(outcomes) - len(shown) - (len(skipped) if only_problems else 0)
    if only_problems and skipped:
        console.print(f"{len(skipped)} 个文件此前已载入，未重复处理 / {len(skipped)} file(s) were already "
                      "ingested; nothing changed")
    if not shown:
        return
    table = Table(title="文件处理结果 / files" + (f"（另有 {clean} 个文件全部载入 / {clean} more loaded cleanly）"
                                                  if clean else ""))
    table.add_column("文件 file", overflow="fold", min_width=30)
    for col in ("台账 feed", "状态 status", "读取 read", "载入 loaded", "隔离 quarantined", "非数据 non-data"):
        table.add_column(col)
    labels = {"loaded": "[green]已载入[/green]", "partial": "[yellow]部分隔离[/yellow]",
              "rejected": "[red]拒收[/red]", "skipped": "[dim]已处理过[/dim]"}
    for o in shown:
        table.add_row(o.name, o.feed or "-", labels.get(o.status, o.status), str(o.rows_read), str(o.rows_loaded),
                      str(o.rows_quarantined), str(o.rows_non_data))
    console.print(table)
    for o in shown:
        for p in o.problems[:show_problems]:
            console.print(f"  [red]✗[/red] {p.sentence(o.name)}")
        for p in o.warnings[:show_problems]:
            console.print(f"  [yellow]![/yellow] {p.sentence(o.name)}")
        if len(o.problems) > show_problems:
            console.print(f"  … 另有 {len(o.problems) - show_problems} 条 / {len(o.problems) - show_problems} more")
        for note in o.notes:
            console.print(f"  [yellow]![/yellow] {o.name}: {note}")
        if o.unknown_headers:
            unknown = "、".join(o.unknown_headers)
            console.print(f"  [yellow]![/yellow] {o.name}: 未识别的列 / unknown columns: {unknown}")

@app.command()
@friendly
def sample(out: Path = typer.Option(..., "--out", help="输出目录 / output folder"),
           seed: int = typer.Option(2024, "--seed", help="随机种子 / seed (same seed → same files)")) -> None:
    """生成示例台账 / write the bundled sample ledgers (deterministic)."""
    from ingest.sample import generate_sample

    manifest = generate_sample(out, seed)
    console.print(f"已生成 {len(manifest['files'])} 个文件到 {out} / wrote {len(manifest['files'])} files to {out}")

@app.command()
@friendly
def ingest(files: list[Path] = typer.Argument(..., help="文件或目录 / files or folders"),
           feed: str | None = typer.Option(None, "--feed", help="penalty|supervision|hotline|units"),
           home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """载入台账文件 / load ledger files into the warehouse."""
    if feed is not None and feed not in FEED_BY_CHOICE:
        raise UserError(f"--feed 只能是 {'|'.join(FEED_CHOICES)}", f"--feed must be one of {'|'.join(FEED_CHOICES)}")
    settings = _settings(home)
    outcomes = ingest_paths(settings, _expand(files), FEED_BY_CHOICE.get(feed or ""))
    print_outcomes(outcomes)
    rejected = [o for o in outcomes if o.status == "rejected"]
    if rejected:  # exit 1 = some files rejected (README): each recorded with its reason, the others loaded
        err.print(f"[red]{len(rejected)} 个文件被拒收[/red]（原因见上，已记录），其余 {len(outcomes) - len(rejected)} "
                  f"个文件已处理 / {len(rejected)} file(s) rejected (reasons above, recorded); the other "
                  f"{len(outcomes) - len(rejected)} were processed")
        raise typer.Exit(EXIT_SOME_REJECTED)

@app.command()
@friendly
def validate(files: list[Path] = typer.Argument(..., help="文件或目录 / files or folders"),
             feed: str | None = typer.Option(None, "--feed", help="penalty|supervision|hotline|units")) -> None:
    """按数据交换标准检查文件（不载入）/ check files against the standard without loading; exit 1 on any failure."""
    from ingest.pipeline import inspect_files

    if feed is not None and feed not in FEED_BY_CHOICE:
        raise UserError(f"--feed 只能是 {'|'.join(FEED_CHOICES)}", f"--feed must be one of {'|'.join(FEED_CHOICES)}")
    outcomes = [i.outcome for i in inspect_files(_expand(files), FEED_BY_CHOICE.get(feed or ""))]
    print_outcomes(outcomes, show_problems=200)
    failed = [o for o in outcomes if o.failed]
    if failed:
        console.print(f"[red]{len(failed)} 个文件不符合标准[/red] / {len(failed)} file(s) fail the standard")
        raise typer.Exit(1)
    console.print("[green]全部文件符合数据交换标准[/green] / all files pass the exchange standard")

def build_warehouse(settings: Any, as_of: date | None, target: str = "duckdb") -> None:
    from ingest.warehouse import connect, writer_lock
    from orchestration.dbt_runner import build_duckdb
    from orchestration.scorecard_config import load_all, write_config

    configs = load_all(settings.scorecard_config_dir)
    with writer_lock(settings.lock, on_wait=_wait_message), console.status(f"dbt build ({target}) …"):
        with connect(settings.warehouse) as con:
            write_config(con, configs)
        if target == "spark":  # raw tables exported as parquet, registered in Spark, then dbt (docs/spark.md)
            from orchestration.spark import build_on_spark

            result = build_on_spark(settings, as_of)
        else:
            result, plan = build_duckdb(settings, as_of)
            console.print(f"  dbt: {plan.describe()}")
    lines = [ln for ln in result.stdout.splitlines() if "Done." in ln or "ERROR" in ln or "FAIL" in ln
             or ("WARN" in ln and "test" in ln)]
    for ln in lines[-30:]:
        console.print(f"  {ln}")
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-40:])
        raise UserError(f"dbt build 失败：\n{tail}", "dbt build failed (see above)")
    _build_docs(settings)
    pii_gate(settings)


def pii_gate(settings: Any, *, full: bool = False) -> None:
    """Fail the run (exit 1) when personal data is found in the warehouse, the site or the exports.
    What a passing audit saw unchanged is not read again (`ingest.pii_audit.AuditState`) unless `full`."""
    from ingest.pii_audit import audit

    state = None if full else settings.pii_audit_state
    with console.status("个人信息扫描 / scanning for personal data …"):
        findings = audit(settings.warehouse, [settings.site, settings.exports, settings.quarantine], state)
    if findings:
        for f in findings[:50]:
            err.print(f"  [red]✗[/red] {f.sentence()}")
        err.print(f"[red]发现 {len(findings)} 处个人信息，运行失败[/red] / "
                  f"{len(findings)} piece(s) of personal data found; the run fails")
        raise typer.Exit(1)
    console.print("[green]个人信息扫描通过[/green] / no personal data found")

def _build_docs(settings: Any) -> Path | None:
    """The contract report of the whole warehouse, from per-rule sums (see docs.RESULTS_SQL)."""
    from data_contracts.docs import RESULTS_SQL, build_data_docs
    from ingest.warehouse import connect
    from orchestration.summary import query_rows

    with connect(settings.warehouse, read_only=True) as con:
        results = query_rows(con, RESULTS_SQL.format(where=""))
        files = query_rows(con, "select * from meta.files order by ingested_at")
    return build_data_docs(settings.site / "data_docs", results, files)

@app.command()
@friendly
def build(as_of: str | None = typer.Option(None, "--as-of", help="统计截止日期 / as-of date YYYY-MM-DD"),
          target: str = typer.Option("duckdb", "--target", help="duckdb|spark（spark 需 .[spark] 与 Java 17）"),
          home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """运行 dbt 构建与检查 / dbt build and tests, as of a date (default today)."""
    if target not in ("duckdb", "spark"):
        raise UserError("--target 只能是 duckdb|spark", "--target must be duckdb or spark")
    settings = _settings(home)
    build_warehouse(settings, _as_of(as_of), target)
    console.print("[green]构建完成[/green] / build finished")

@app.command()
@friendly
def status(limit: int = typer.Option(30, "--limit"),
           home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """最近处理的文件及对账 / recent files with their reconciliation."""
    from orchestration.summary import recent_files

    settings = _settings(home)
    table = Table(title="最近文件 / recent files")
    for col in ("时间 time", "文件 file", "台账 feed", "状态 status", "读取", "载入", "隔离", "非数据", "重复",
                "对账 reconciled"):
        table.add_column(col)
    for r in recent_files(settings, limit):
        table.add_row(f"{r['ingested_at']:%Y-%m-%d %H:%M}", r["file_name"], r["feed"] or "-", r["status"],
                      *(str(r[k]) for k in ("rows_read", "rows_loaded", "rows_quarantined", "rows_non_data",
                                            "rows_duplicate")),
                      "✓" if r["reconciled"] else "✗")
    console.print(table)

@app.command()
@friendly
def export(mart: str = typer.Argument(..., help="模型名，如 fct_non_transfer_clues / model name"),
           fmt: str = typer.Option("xlsx", "--format", help="csv|xlsx|parquet"),
           out: Path | None = typer.Option(None, "--out", help="输出文件 / output file"),
           region: str | None = typer.Option(None, "--region", help="行政区划代码 / region code"),
           home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """导出任一数据集市表 / export a mart (Chinese headers; formulas neutralised)."""
    from dashboards.exports import FORMATS, default_path, read_mart, write_export

    if fmt not in FORMATS:
        raise UserError(f"--format 只能是 {'|'.join(FORMATS)}", f"--format must be one of {'|'.join(FORMATS)}")
    settings = _settings(home)
    frame = read_mart(settings.warehouse, mart, region)
    path = write_export(frame, out or default_path(settings.exports, mart, region, fmt), fmt)
    console.print(f"已导出 {frame.height} 行到 {path} / exported {frame.height} rows to {path}")


def publish_site(settings: Any, as_of: date | None, regions: list[str] | None) -> list[Any]:
    """Build as of the date when the marts are for another date, then publish every jurisdiction."""
    from dashboards.site.data import marts_as_of
    from dashboards.site.data import regions as all_regions
    from dashboards.site.publish import publish_region, write_index
    from ingest.pii_audit import AuditState, scan_files
    from ingest.warehouse import writer_lock

    built_for = marts_as_of(settings.warehouse)
    if built_for is None or (as_of is not None and built_for != as_of):
        console.print(f"数据集市统计截止日为 {built_for or '（未构建）'}，先按 {as_of or '今天'} 构建 / "
                      "building the marts for the requested as-of date first")
        build_warehouse(settings, as_of)
        built_for = marts_as_of(settings.warehouse)
    else:
        pii_gate(settings)
    assert built_for is not None
    outcomes = []
    # Each publication is scanned before it is renamed into place; its clean files are remembered, so the
    # next gate does not read them again (same bytes, same SHA-256).
    state = AuditState.open(settings.pii_audit_state)
    with writer_lock(settings.lock, on_wait=_wait_message), contextlib.closing(state):
        known = all_regions(settings.warehouse)
        codes = regions or known
        unknown = sorted(set(codes) - set(known))
        if unknown:
            raise UserError(f"仓库中没有这些行政区划的成员单位名单：{'、'.join(unknown)}",
                            f"no member-unit list for region(s): {', '.join(unknown)}")
        for code in codes:
            with console.status(f"发布 {code} …"):
                outcome = publish_region(settings.site, settings.warehouse, code, built_for,
                                         gate=lambda folder: list(scan_files(folder, state)))
            outcomes.append(outcome)
            if outcome.created:
                console.print(f"[green]已发布[/green] {code} → {outcome.path}")
            else:
                console.print(f"[yellow]已存在，未覆盖[/yellow] {code} → {outcome.path} / "
                              "exists; left untouched")
        index = write_index(settings.site)
    console.print(f"发布索引 index: {index}")
    return outcomes


@app.command()
@friendly
def publish(as_of: str | None = typer.Option(None, "--as-of", help="统计截止日期 / as-of date YYYY-MM-DD"),
            region: list[str] | None = typer.Option(None, "--region", help="行政区划代码，可多次 / region code"),
            home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """发布各地区看板与导出 / publish each jurisdiction's dashboards and Excel exports (never overwrites)."""
    publish_site(_settings(home), _as_of(as_of), region)


@app.command("audit-pii")
@friendly
def audit_pii(full: bool = typer.Option(False, "--full", help="不跳过已通过且未变化的内容 / rescan everything"),
              home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """扫描仓库与发布文件中的个人信息 / scan every table and published file for personal data; exit 1 if any."""
    pii_gate(_settings(home), full=full)


@app.command()
@friendly
def purge(before: str = typer.Option(..., "--before", help="删除此日期前载入的原始文件 / YYYY-MM-DD"),
          home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """删除超过保存期的原始文件（保留哈希与对账记录）/ delete archived raw files past retention."""
    from ingest.purge import purge_landing
    from ingest.warehouse import writer_lock

    settings = _settings(home)
    cutoff = _as_of(before)
    assert cutoff is not None
    with writer_lock(settings.lock, on_wait=_wait_message):
        result = purge_landing(settings.warehouse, settings.home, cutoff)
    console.print(f"已删除 {result.files} 个原始文件（{result.bytes} 字节），哈希与对账记录保留 / "
                  f"deleted {result.files} archived file(s) ({result.bytes} bytes); hashes and reconciliation kept")


def print_summary(settings: Any) -> None:
    from orchestration.summary import FEED_TITLES, warehouse_summary

    s = warehouse_summary(settings)
    t = Table(title="文件 / files")
    for col in ("状态 status", "文件数 files", "读取 read", "载入 loaded", "隔离 quarantined", "非数据 non-data"):
        t.add_column(col)
    for r in s["files"]:
        t.add_row(r["status"], *(str(r[k] or 0) for k in ("files", "rows_read", "rows_loaded", "rows_quarantined",
                                                           "rows_non_data")))
    console.print(t)
    t = Table(title="隔离原因 / quarantined rows by reason")
    for col in ("规则 rule", "原因 reason", "行数 rows"):
        t.add_column(col)
    for r in s["reasons"]:
        t.add_row(r["rule_id"], r["message_zh"], str(r["rows"]))
    console.print(t)
    t = Table(title="合同通过率（按台账）/ contract pass rate per feed")
    for col in ("台账 feed", "载入 loaded", "隔离 quarantined", "通过率 pass %", "当前行 current", "历史版本 history"):
        t.add_column(col)
    tables = {r["feed"]: r for r in s["tables"]}
    for r in s["feeds"]:
        tab = tables.get(r["feed"], {})
        t.add_row(f"{FEED_TITLES.get(r['feed'], r['feed'])}\n{r['feed']}", str(r["loaded"]), str(r["quarantined"]),
                  f"{r['pass_rate']}", str(tab.get("current_rows", "")), str(tab.get("history_rows", "")))
    console.print(t)
    worst = s["units"][:UNITS_SHOWN]
    more = len(s["units"]) - len(worst)
    t = Table(title="合同通过率（按报送单位，最低在前）/ contract pass rate per reporting unit, lowest first"
              + (f"（另 {more} 个单位见数据标准报告 / {more} more in the contract report）" if more else ""))
    t.add_column("台账 feed")
    t.add_column("单位 unit", overflow="fold", min_width=24)
    for col in ("检查行 rows", "不通过 failed", "通过率 pass %"):
        t.add_column(col)
    for r in worst:
        t.add_row(FEED_TITLES.get(r["feed"], r["feed"]), r["unit_name"] or "（未填）", str(r["rows_checked"]),
                  str(r["rows_failed"]), f"{r['pass_rate']}")
    console.print(t)

def print_marts(settings: Any, as_of: str) -> None:
    from orchestration.summary import marts_summary

    s = marts_summary(settings)
    t = Table(title=f"行刑衔接（截至 {as_of}）/ transfer of suspected crimes as of {as_of}")
    for col in ("行政区划 region", "应当移送 should transfer", "已移送 transferred", "移送率 rate %"):
        t.add_column(col)
    for r in s["transfer"]:
        t.add_row(r["region_code"], str(r["should_transfer"]), str(r["transferred"]),
                  "无数据 no data" if r["transfer_rate"] is None else str(r["transfer_rate"]))
    console.print(t)
    clues = "；".join(f"{r['clue_status']} {r['cases']}" for r in s["clues"]) or "无 / none"
    console.print(f"应移未移线索（案件）/ non-transfer clues (cases): {clues}"
                  "  → liandong export fct_non_transfer_clues")
    t = Table(title="到期办复率 / feedback timeliness")
    for col in ("义务 duty", "按期", "逾期回复", "逾期未回复", "未到期", "到期办复率 %"):
        t.add_column(col)
    for r in s["timeliness"]:
        t.add_row(r["obligation_kind"], *(str(r[k]) for k in ("on_time", "late", "overdue", "not_due")),
                  "无数据 no data" if r["rate"] is None else str(r["rate"]))
    console.print(t)


@app.command()
@friendly
def demo(home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME"),
         seed: int = typer.Option(2024, "--seed"),
         as_of: str = typer.Option("2025-12-31", "--as-of", help="示例数据的统计截止日期 / as-of date")) -> None:
    """示例：生成示例数据、载入、构建、汇总并发布 / sample data → ingest → dbt build → summary → publish."""
    from ingest.sample import generate_sample
    from orchestration.dbt_runner import ensure_manifest

    settings = _settings(home)
    console.rule("liandong demo")
    console.print("[yellow]注意：演示使用内置演示密钥进行假名化，切勿用于真实台账。[/yellow]\n"
                  "[yellow]Note: the demo pseudonymises with a built-in demo key; "
                  "never use it for real ledgers.[/yellow]")
    sample_dir = settings.home / "sample"
    with console.status("生成示例台账 / writing sample ledgers …"):
        manifest = generate_sample(sample_dir, seed)
    files = [sample_dir / f["path"] for f in manifest["files"]]
    units_first = sorted(files, key=lambda p: (0 if "成员单位" in p.name else 1, p.name))
    outcomes = ingest_paths(settings, units_first, None, demo=True)
    print_outcomes(outcomes, show_problems=1, only_problems=True)
    with console.status("准备 dbt / preparing dbt …"):
        ensure_manifest(settings)
    build_warehouse(settings, _as_of(as_of))
    print_summary(settings)
    print_marts(settings, as_of)
    console.print(f"仓库 warehouse: {settings.warehouse}")
    console.print(f"数据标准报告 contract report: {settings.site / 'data_docs' / 'index.html'}")
    console.print(f"隔离明细 quarantine: {settings.quarantine}")
    console.rule("发布 / publish")
    publish_site(settings, _as_of(as_of), None)
    console.print(f"[bold]打开看板 / open the dashboards:[/bold] {settings.site / 'index.html'}")

@app.command()
@friendly
def dev(home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME"),
        port: int = typer.Option(3000, "--port")) -> None:
    """启动 Dagster 界面 / start the Dagster UI (dagster dev) with the whole asset graph."""
    from orchestration.dbt_runner import ensure_manifest

    settings = _settings(home)
    ensure_manifest(settings)
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    os.environ["LIANDONG_HOME"] = str(settings.home)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # `dagster dev` started from scripts inherits SIGINT ignored
    exe = shutil.which("dagster", path=str(Path(sys.executable).parent)) or "dagster"
    os.execv(exe, [exe, "dev", "-m", "orchestration.definitions", "-p", str(port)])

def main() -> None:
    app()

if __name__ == "__main__":
    main()

