"""工作提示函 drafts: for each responsible unit with reply duties overdue and unanswered (逾期未回复) or due within
N working days as of the build's as-of date, one Word letter from the 联席会议办公室 listing its items.
Working days come from the `work_calendar` seed the marts count deadlines on."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from dashboards.site.formats import count, day, long_date
from reports.config import load_config
from reports.document import Document, plain_text
from reports.figures import ensure_region, kind_label
from reports.gate import check_outputs
from reports.regions import region_codes
from warehouse.build_state import warehouse_built_as_of
from warehouse.connection import connect
from warehouse.errors import UserError

HEADER = ["序号", "义务类型", "文书/工单编号", "截止日期", "状态", "逾期天数", "剩余工作日"]
UNKNOWN_UNIT = "（未识别单位）"


@dataclass(frozen=True)
class Reminder:
    unit: str
    path: Path
    items: int


def _is_workday(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "t")


def working_days(con: duckdb.DuckDBPyConnection, after: date) -> list[date]:
    """The working days after a date, in order, from the calendar seed the marts use."""
    rows = con.execute("select cast(calendar_date as date), is_workday from reference.work_calendar "
                       "where cast(calendar_date as date) > ? order by 1", [after]).fetchall()
    return [d for d, w in rows if _is_workday(w)]


def horizon(con: duckdb.DuckDBPyConnection, as_of: date, within: int) -> date:
    """The last date "due within `within` working days" reaches: the within-th working day after the as-of date
    (the as-of date itself when within is 0)."""
    if within == 0:
        return as_of
    days = working_days(con, as_of)
    if len(days) < within:
        raise UserError(f"工作日历未覆盖 {as_of} 之后的 {within} 个工作日；请更新 chinesecalendar 并重新 dbt seed",
                        f"the working-day calendar does not cover {within} working days after {as_of}; "
                        "update chinesecalendar and run dbt seed")
    return days[within - 1]


def items_due(warehouse: Path, region: str, codes: list[str], within: int) -> tuple[date, date, list[dict[str, Any]]]:
    """(as-of date, horizon, items): duties 逾期未回复, or 未到期 with a due date up to the horizon."""
    as_of = warehouse_built_as_of(warehouse)
    if as_of is None:
        raise UserError("数据集市尚未构建，请先运行 liandong build", "the marts are not built yet; run liandong build")
    marks = ", ".join("?" for _ in codes)
    try:
        with connect(warehouse, read_only=True) as con:
            ensure_region(con, region, codes)
            until = horizon(con, as_of, within)
            cur = con.execute(
                "select obligation_id, obligation_kind, region_code, responsible_unit_uscc, "
                f"coalesce(responsible_unit_name, responsible_name_as_written) as unit, source_key, "
                "cast(due_date as date) as due_date, status, days_past_due from marts.fct_obligations "
                f"where region_code in ({marks}) and (status = '逾期未回复' or "
                "(status = '未到期' and cast(due_date as date) <= ?)) "
                "order by unit nulls last, status desc, cast(due_date as date), source_key, obligation_id",
                [*codes, until])
            cols = [d[0] for d in cur.description]
            items = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
            days = working_days(con, as_of)
    except duckdb.CatalogException as exc:
        raise UserError(f"数据集市不完整，请先运行 liandong build（{exc}）",
                        f"the marts are incomplete; run liandong build first ({exc})") from None
    for r in items:
        r["working_days_left"] = sum(1 for d in days if d <= r["due_date"]) if r["status"] == "未到期" else None
    return as_of, until, items


UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def _file_name(n: int, unit: str) -> str:
    return f"{n:02d}_{UNSAFE.sub('_', unit)[:60]}.docx"


def compose(unit: str, items: list[dict[str, Any]], as_of: date, within: int, issued: date,
            cfg: dict[str, Any]) -> Document:
    overdue = sum(1 for r in items if r["status"] == "逾期未回复")
    doc = Document("工作提示函")
    doc.add("docno", cfg["reminders"]["document_number"].format(year=issued.year))
    doc.add("title", "工作提示函")
    doc.add("addressee", f"{unit}：")
    doc.add("para", f"根据府检联动工作机制，经联席会议办公室核对，截至{long_date(as_of)}，贵单位有以下 {len(items)} 项"
                    f"办复事项需要关注：其中已逾期未回复 {overdue} 项，将于 {within} 个工作日内到期 "
                    f"{len(items) - overdue} 项。请抓紧办理，按规定时限回复，并将办理情况反馈联席会议办公室。")
    doc.add("table", header=HEADER, rows=[[
        str(i), kind_label(r["obligation_kind"]), str(r["source_key"]), day(r["due_date"]),
        "已逾期" if r["status"] == "逾期未回复" else "即将到期",
        count(r["days_past_due"]) if r["status"] == "逾期未回复" else "",
        "" if r["working_days_left"] is None else str(r["working_days_left"])] for i, r in enumerate(items, 1)],
        widths=[0.6, 2.4, 2.6, 1.4, 1.2, 1, 1])
    doc.add("para", "如已办结，请忽略本提示并及时在台账中更新回复日期。特此提示。")
    doc.add("signature", cfg["issuer"])
    doc.add("date", long_date(issued))
    return doc


def write_reminders(settings: Any, region: str, within: int | None, issued: date) -> tuple[date, list[Reminder]]:
    """One 工作提示函 per responsible unit with items, into `$LIANDONG_HOME/reports/<region>/提示函_<as_of>/`."""
    from reports.docx_writer import write_docx

    cfg = load_config(settings.home)
    n = int(cfg["reminders"]["within_working_days"] if within is None else within)
    if n < 0:
        raise UserError("--within 不能为负数", "--within must not be negative")
    as_of, _, items = items_due(settings.warehouse, region, region_codes(region), n)
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in items:
        by_unit[r["unit"] or UNKNOWN_UNIT].append(r)
    folder = settings.home / "reports" / region / f"提示函_{as_of.isoformat()}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    out: list[Reminder] = []
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".draft-") as tmp:
        work = Path(tmp)
        texts = []
        for i, (unit, unit_items) in enumerate(sorted(by_unit.items()), start=1):
            doc = compose(unit, unit_items, as_of, n, issued, cfg)
            texts.append(plain_text(doc))
            out.append(Reminder(unit, write_docx(doc, work / _file_name(i, unit)), len(unit_items)))
        check_outputs(settings, [r.path for r in out], "\n".join(texts))
        if folder.exists():  # drafts of an earlier run for the same as-of date are replaced
            shutil.rmtree(folder)
        folder.mkdir()
        out = [Reminder(r.unit, Path(shutil.move(str(r.path), folder / r.path.name)), r.items) for r in out]
    return as_of, out
