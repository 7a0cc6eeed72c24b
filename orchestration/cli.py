"""`liandong`: the command line. Errors are sentences in Chinese and English, never tracebacks."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dashboards.marts import mart_names
from warehouse.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="府检联动数据仓库 liandong")
console = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
UNITS_SHOWN = 15
FEED_CHOICES = ["penalty", "supervision", "hotline", "units", "tasks"]
EXIT_SOME_REJECTED = 1  # `ingest`: some files were rejected (recorded with reasons), the others loaded
FEED_BY_CHOICE = {"penalty": "penalty_ledger", "supervision": "supervision_ledger",
                  "hotline": "hotline_exchange", "units": "member_units",
                  "tasks": "task_list"}
PROFILE_HELP = ("来源配置名或 .yml 路径（$LIANDONG_HOME/profiles/ 与内置配置）/ source profile name or .yml path; "
                "without it a profile whose signature headers match is picked automatically")
profile_app = typer.Typer(no_args_is_help=True, help="来源配置 / source profiles of your own exports")
app.add_typer(profile_app, name="profile")

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
    from warehouse.settings import load_settings

    settings = load_settings(home)
    settings.prepare()
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    return settings

LEDGER_SUFFIXES = (".xlsx", ".xls", ".csv")


def _expand(files: list[Path]) -> list[Path]:
    """The files to read; a folder gives its xlsx, xls and csv files and the rest is listed as skipped."""
    out: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for f in files:
        if f.is_dir():
            for p in sorted(p for p in f.rglob("*") if p.is_file()):
                if p.name.startswith(("~$", ".")):
                    skipped.append((p, "临时或隐藏文件 / temporary or hidden file"))
                elif p.suffix.lower() in LEDGER_SUFFIXES:
                    out.append(p)
                else:
                    skipped.append((p, f"不支持的格式 {p.suffix or '（无扩展名）'}，只读取 xlsx、xls、csv / "
                                       f"unsupported format {p.suffix or '(no extension)'}; only xlsx, xls, csv"))
        elif f.exists():
            out.append(f)
        else:
            raise UserError(f"文件不存在：{f}", f"no such file: {f}")
    if skipped:
        console.print(f"[yellow]跳过 {len(skipped)} 个文件[/yellow] / skipped {len(skipped)} file(s):")
        for p, why in skipped:
            console.print(f"  [yellow]-[/yellow] {p}：{why}")
    return out


def _profiles(home: Path | None, name: str | None, feed: str | None) -> tuple[Any, list[Any]]:
    """(the profile named by --profile, every profile for picking by header signature)."""
    from ingest.profiles import available_profiles, find_profile
    from warehouse.settings import load_settings

    home = load_settings(home).home
    chosen = find_profile(name, home) if name else None
    if chosen is not None and feed is not None and chosen.feed != FEED_BY_CHOICE[feed]:
        raise UserError(f"配置「{chosen.name}」属于 {chosen.feed}，与 --feed {feed} 不符",
                        f"profile '{chosen.name}' is for {chosen.feed}, not --feed {feed}")
    if chosen is not None:
        return chosen, []
    problems: list[Any] = []
    candidates = available_profiles(home, problems)
    for p in problems:
        err.print(f"[yellow]配置未启用[/yellow]：{p.message_zh}\n[yellow]Profile not used[/yellow]: {p.message_en}")
    return None, candidates

def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)

def _wait_message() -> None:
    err.print("[yellow]仓库正被另一个任务写入，等待其完成…[/yellow] / the warehouse is busy with another job; waiting…")

def ingest_paths(settings: Any, paths: list[Path], feed: str | None, *, demo: bool = False,
                 profile: Any = None, profiles: list[Any] | None = None) -> list[Any]:
    """Ingest files in order under the writer lock, with progress."""
    from orchestration import workflows

    with _progress() as progress:
        task = progress.add_task(f"读取并校验 {len(paths)} 个文件 / reading and validating", total=len(paths))

        def loaded(outcome: Any) -> None:
            progress.update(task, description=f"载入 / loaded {outcome.name[:40]}")
            progress.advance(task)

        outcomes = workflows.ingest(settings, paths, feed, demo=demo, on_file=loaded, on_wait=_wait_message,
                                    profile=profile, profiles=profiles or [])
        progress.update(task, completed=len(paths), description="载入完成 / ingested")
    return outcomes

# Files listed one by one after a run. A province delivery has ~25,000: its table alone took 18 s to print, with
# the problem lines ~35 s (20 MB). Beyond this, the files with problems are listed first and the rest counted.
MAX_LISTED_FILES = 200
_LIST_ORDER = {"rejected": 0, "partial": 1}
STATUS_ZH = {"rejected": "拒收", "partial": "部分隔离", "loaded": "已载入", "skipped": "已处理过"}
STATUS_COLOUR = {"rejected": "red", "partial": "yellow", "loaded": "green", "skipped": "dim"}
STATUS_EN = {"rejected": "rejected", "partial": "partly quarantined", "loaded": "loaded", "skipped": "skipped"}


def print_outcomes(outcomes: list[Any], *, show_problems: int = 5, only_problems: bool = False) -> None:
    """One row per file (or only the files with problems), then the first problems of each; for more than
    `MAX_LISTED_FILES` files, the rejected and partly quarantined ones first, and a count of each status."""
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
    listed = shown
    if len(shown) > MAX_LISTED_FILES:  # sorted() is stable: input order within each kind
        listed = sorted(shown, key=lambda o: _LIST_ORDER.get(o.status, 2))[:MAX_LISTED_FILES]
    table = Table(title="文件处理结果 / files" + (f"（另有 {clean} 个文件全部载入 / {clean} more loaded cleanly）"
                                                  if clean else ""))
    table.add_column("文件 file", overflow="fold", min_width=30)
    for col in ("台账 feed", "状态 status", "读取 read", "载入 loaded", "隔离 quarantined", "非数据 non-data"):
        table.add_column(col)
    labels = {k: f"[{colour}]{STATUS_ZH[k]}[/{colour}]" for k, colour in STATUS_COLOUR.items()}
    for o in listed:
        table.add_row(o.name, o.feed or "-", labels.get(o.status, o.status), str(o.rows_read), str(o.rows_loaded),
                      str(o.rows_quarantined), str(o.rows_non_data))
    console.print(table)
    for o in listed:
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
    if len(listed) < len(shown):
        counts = Counter(o.status for o in shown)
        words = "，".join(f"{zh} {counts[k]}" for k, zh in STATUS_ZH.items() if counts[k])
        english = ", ".join(f"{counts[k]} {en}" for k, en in STATUS_EN.items() if counts[k])
        console.print(f"仅列出 {len(listed)} 个文件（共 {len(shown)} 个：{words}）；其余见 `liandong status --limit N` "
                      f"与隔离文件夹 / {len(listed)} of {len(shown)} files listed ({english}); the others: "
                      "`liandong status --limit N` and the quarantine folder")

@app.command()
@friendly
def sample(out: Path = typer.Option(..., "--out", help="输出目录 / output folder"),
           seed: int = typer.Option(2024, "--seed", help="随机种子 / seed (same seed → same files)")) -> None:
    """生成示例台账 / write the bundled sample ledgers (deterministic)."""
    from sample_data import generate_sample

    manifest = generate_sample(out, seed)
    console.print(f"已生成 {len(manifest['files'])} 个文件到 {out} / wrote {len(manifest['files'])} files to {out}")

@app.command()
@friendly
def ingest(files: list[Path] = typer.Argument(..., help="文件或目录 / files or folders"),
           feed: str | None = typer.Option(None, "--feed", help="penalty|supervision|hotline|units|tasks"),
           profile: str | None = typer.Option(None, "--profile", help=PROFILE_HELP),
           home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """载入台账文件 / load ledger files into the warehouse."""
    if feed is not None and feed not in FEED_BY_CHOICE:
        raise UserError(f"--feed 只能是 {'|'.join(FEED_CHOICES)}", f"--feed must be one of {'|'.join(FEED_CHOICES)}")
    chosen, candidates = _profiles(home, profile, feed)
    settings = _settings(home)
    outcomes = ingest_paths(settings, _expand(files), FEED_BY_CHOICE.get(feed or ""), profile=chosen,
                            profiles=candidates)
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
             feed: str | None = typer.Option(None, "--feed", help="penalty|supervision|hotline|units|tasks"),
             profile: str | None = typer.Option(None, "--profile", help=PROFILE_HELP),
             home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """按数据交换标准检查文件（不载入）/ check files against the standard without loading; exit 1 on any failure."""
    from ingest.pipeline import inspect_files

    if feed is not None and feed not in FEED_BY_CHOICE:
        raise UserError(f"--feed 只能是 {'|'.join(FEED_CHOICES)}", f"--feed must be one of {'|'.join(FEED_CHOICES)}")
    chosen, candidates = _profiles(home, profile, feed)
    outcomes = [i.outcome for i in inspect_files(_expand(files), FEED_BY_CHOICE.get(feed or ""), profile=chosen,
                                                 profiles=candidates)]
    print_outcomes(outcomes, show_problems=200)
    failed = [o for o in outcomes if o.failed]
    if failed:
        console.print(f"[red]{len(failed)} 个文件不符合标准[/red] / {len(failed)} file(s) fail the standard")
        raise typer.Exit(1)
    console.print("[green]全部文件符合数据交换标准[/green] / all files pass the exchange standard")

@profile_app.command("list")
@friendly
def profile_list(home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """列出并检查所有来源配置 / list and check every source profile (yours first); exit 1 if one does not load."""
    from ingest.profiles import available_profiles
    from warehouse.settings import load_settings

    problems: list[Any] = []
    profiles = available_profiles(load_settings(home).home, problems)
    table = Table(title="来源配置 / source profiles")
    for col in ("名称 name", "台账 feed", "自动识别表头 signature", "文件 file"):
        table.add_column(col, overflow="fold")
    for p in profiles:
        table.add_row(p.label(), p.feed, "、".join(p.signature) or "-", str(p.path))
    console.print(table)
    for p in problems:
        err.print(f"[red]✗[/red] {p.message_zh}\n  {p.message_en}")
    if problems:
        raise typer.Exit(1)


@profile_app.command("draft")
@friendly
def profile_draft(file: Path = typer.Argument(..., help="一个导出文件 / one export file"),
                  feed: str | None = typer.Option(None, "--feed", help="penalty|supervision|hotline|units|tasks"),
                  name: str | None = typer.Option(None, "--name", help="配置名（默认取文件名）/ profile name"),
                  out: Path | None = typer.Option(None, "--out", help="输出 .yml（默认 $LIANDONG_HOME/profiles/）"),
                  force: bool = typer.Option(False, "--force", help="覆盖已有配置 / overwrite an existing profile"),
                  home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """从导出文件生成配置草稿 / draft a source profile from an export's headers and sample rows."""
    from ingest.profile_draft import draft_for, render
    from ingest.readers import read_grids
    from warehouse.settings import load_settings

    if feed is not None and feed not in FEED_BY_CHOICE:
        raise UserError(f"--feed 只能是 {'|'.join(FEED_CHOICES)}", f"--feed must be one of {'|'.join(FEED_CHOICES)}")
    if not file.is_file():
        raise UserError(f"文件不存在：{file}", f"no such file: {file}")
    from ingest.errors import FileRejected

    try:
        _fmt, grids, _ = read_grids(file)
    except FileRejected as rejected:
        raise UserError(rejected.problem.message_zh, rejected.problem.message_en) from None
    grid = next((g for g in grids if not g.hidden and g.rows), None)
    if grid is None:
        raise UserError(f"{file} 没有内容", f"{file} has no content")
    from ingest.profiles import available_profiles, pick_profile

    base = pick_profile(available_profiles(load_settings(home).home, []), grid, FEED_BY_CHOICE.get(feed or ""))
    draft = draft_for(grid, FEED_BY_CHOICE.get(feed or ""), base=base)
    if base is not None:
        console.print(f"以配置「{base.label()}」为底稿 / drafted from profile '{base.name}' ({base.path})")
    name = name or file.stem
    if any(ch in name for ch in "/\\:") or name.startswith("."):
        raise UserError(f"配置名不能含 / \\ : 或以 . 开头：{name}",
                        f"a profile name cannot hold / \\ : or start with '.': {name}")
    path = out or load_settings(home).home / "profiles" / f"{name}.yml"
    if path.exists() and not force:
        raise UserError(f"{path} 已存在；用 --force 覆盖或 --name 换名",
                        f"{path} exists; use --force to overwrite or --name for another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(draft, name, str(file)), encoding="utf-8")
    console.print(f"已写出配置草稿 / drafted profile: {path}")
    console.print(f"  确定 sure: {len(draft.sure)} 列 / columns: "
                  + "、".join(f"{h}→{f.header}" for h, f in draft.sure.items()))
    for header, found in draft.guesses.items():
        console.print(f"  [yellow]?[/yellow] {header} → " + " / ".join(f"{c.field.header} ({c.score})" for c in found)
                      + "  请确认 / did you mean?")
    if draft.unknown:
        console.print(f"  未匹配，不载入 / not loaded: {'、'.join(draft.unknown)}")
    if draft.missing:
        console.print("  [yellow]待填写的必填常量 / required constants to fill in:[/yellow] "
                      + "、".join(f.header for f in draft.missing))
    console.print(f"下一步 / next: 编辑 {path}，然后 liandong ingest {file} --profile {name}")


def build_warehouse(settings: Any, as_of: date | None, target: str = "duckdb") -> Any:
    """`workflows.build` with its dbt lines, the build plan and the PII gate's findings on the terminal."""
    from orchestration import workflows

    try:
        with console.status(f"dbt build ({target}) …"):
            outcome = workflows.build(settings, as_of, target=target, on_wait=_wait_message)
    except workflows.PersonalDataFound as exc:
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    if outcome.plan is not None:
        console.print(f"  dbt: {outcome.plan.describe()}")
    for ln in outcome.dbt_lines()[-30:]:
        console.print(f"  {ln}")
    if outcome.warnings:
        console.print(f"[yellow]构建发现 {len(outcome.warnings)} 项需要处理的问题[/yellow] / "
                      f"the build found {len(outcome.warnings)} thing(s) to fix:")
    for w in outcome.warnings:
        console.print(f"  [yellow]![/yellow] {w.message_zh}\n    {w.message_en}  [dim]({w.test})[/dim]")
    console.print("[green]个人信息扫描通过[/green] / no personal data found")
    return outcome


def _print_findings(findings: list[Any]) -> None:
    for f in findings[:50]:
        err.print(f"  [red]✗[/red] {f.sentence()}")
    err.print(f"[red]发现 {len(findings)} 处个人信息，运行失败[/red] / "
              f"{len(findings)} piece(s) of personal data found; the run fails")


def pii_gate(settings: Any, *, full: bool = False) -> None:
    """Fail the run (exit 1) when personal data is found in the warehouse, the site or the exports."""
    from orchestration import workflows

    with console.status("个人信息扫描 / scanning for personal data …"):
        findings = workflows.pii_audit(settings, full=full)
    if findings:
        _print_findings(findings)
        raise typer.Exit(1)
    console.print("[green]个人信息扫描通过[/green] / no personal data found")

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
def export(mart: str = typer.Argument(..., help="数据集市 / mart: " + ", ".join(mart_names()), metavar="MART"),
           fmt: str = typer.Option("xlsx", "--format", help="csv|xlsx|parquet"),
           out: Path | None = typer.Option(None, "--out", help="输出文件 / output file"),
           region: str | None = typer.Option(None, "--region", help="行政区划代码 / region code"),
           home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """导出任一数据集市表 / export a mart (Chinese headers; formulas neutralised).

    默认文件名带统计截止日期 / the default file name carries the as-of date of the last build:
    exports/<mart>_<region|all>_asof<YYYYMMDD>.<format>
    """
    from dashboards.exports import FORMATS, default_path, read_mart, write_export
    from orchestration.workflows import built_as_of

    if fmt not in FORMATS:
        raise UserError(f"--format 只能是 {'|'.join(FORMATS)}", f"--format must be one of {'|'.join(FORMATS)}")
    settings = _settings(home)
    frame = read_mart(settings.warehouse, mart, region)
    path = write_export(frame, out or default_path(settings.exports, mart, region, fmt,
                                                   built_as_of(settings)), fmt)
    console.print(f"已导出 {frame.height} 行到 {path} / exported {frame.height} rows to {path}")


def publish_site(settings: Any, as_of: date | None, regions: list[str] | None) -> list[Any]:
    """`workflows.publish` (building first when the marts are for another date), one line per jurisdiction."""
    from orchestration import workflows

    def shown(outcome: Any) -> None:
        if outcome.created:
            console.print(f"[green]已发布[/green] {outcome.region_code} → {outcome.path}")
        else:
            console.print(f"[yellow]已存在，未覆盖[/yellow] {outcome.region_code} → {outcome.path} / "
                          "exists; left untouched")

    built_for = workflows.built_as_of(settings)
    if built_for is None or (as_of is not None and built_for != as_of):
        console.print(f"数据集市统计截止日为 {built_for or '（未构建）'}，先按 {as_of or '今天'} 构建 / "
                      "building the marts for the requested as-of date first")
    try:
        with console.status("发布 / publishing …"):
            result = workflows.publish(settings, as_of, regions, on_wait=_wait_message, on_region=shown)
    except workflows.PersonalDataFound as exc:
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    console.print(f"发布索引 index: {result.index}")
    return result.publications


@app.command()
@friendly
def publish(as_of: str | None = typer.Option(None, "--as-of", help="统计截止日期 / as-of date YYYY-MM-DD"),
            region: list[str] | None = typer.Option(None, "--region", help="行政区划代码，可多次 / region code"),
            home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """发布各地区看板与导出 / publish each jurisdiction's dashboards and Excel exports (never overwrites)."""
    publish_site(_settings(home), _as_of(as_of), region)


@app.command()
@friendly
def report(region: str = typer.Option(..., "--region", help="行政区划代码 / region code"),
           year: int | None = typer.Option(None, "--year", help="年度通报 / the annual report of a year"),
           month: str | None = typer.Option(None, "--month", help="月度通报 YYYY-MM / the monthly report"),
           home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """起草年度或月度通报（Word 与 PDF）/ draft the annual or monthly 通报 (.docx and .pdf) from the marts."""
    from orchestration import workflows

    settings = _settings(home)
    with console.status("起草通报 / drafting the report …"):
        outcome = workflows.report(settings, region, year=year, month=month, on_wait=_wait_message)
    console.print(f"[green]已起草[/green] {outcome.period} 通报 / report drafted:")
    console.print(f"  Word: {outcome.docx}")
    console.print(f"  PDF:  {outcome.pdf}")
    if not outcome.charts:
        console.print("[yellow]未绘制图表（本机无中文字体或无月度数据）/ no charts (no CJK font or no monthly data)"
                      "[/yellow]")


@app.command()
@friendly
def reminders(region: str = typer.Option(..., "--region", help="行政区划代码 / region code"),
              within: int | None = typer.Option(
                  None, "--within", help="N 个工作日内到期（默认 5，见 reports.yml）/ due within N working days"),
              home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME")) -> None:
    """起草工作提示函：逾期未回复或即将到期的事项，每个责任单位一份 / one reminder letter per responsible unit."""
    from orchestration import workflows

    settings = _settings(home)
    as_of, letters = workflows.reminders(settings, region, within, on_wait=_wait_message)
    if not letters:
        console.print(f"截至 {as_of} 没有逾期或即将到期的事项，未起草提示函 / "
                      f"nothing overdue or due soon as of {as_of}")
        return
    console.print(f"[green]已起草 {len(letters)} 份工作提示函[/green]（截至 {as_of}）/ "
                  f"{len(letters)} letters drafted:")
    for letter in letters:
        console.print(f"  {letter.unit}（{letter.items} 项）: {letter.path}")


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
    from warehouse.lock import writer_lock

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
    from sample_data import generate_sample
    from warehouse.dbt_runner import ensure_manifest

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
    from orchestration import workflows

    provinces = workflows.provinces_above(settings)
    if provinces:  # the roll-up county → city → province: each province's regions side by side
        console.rule("省级汇总 / province roll-up")
        publish_site(settings, _as_of(as_of), provinces)
    console.print(f"[bold]打开看板 / open the dashboards:[/bold] {settings.site / 'index.html'}")

@app.command()
@friendly
def dev(home: Path | None = typer.Option(None, "--home", envvar="LIANDONG_HOME"),
        port: int = typer.Option(3000, "--port")) -> None:
    """启动 Dagster 界面 / start the Dagster UI (dagster dev) with the whole asset graph."""
    from warehouse.dbt_runner import ensure_manifest

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

