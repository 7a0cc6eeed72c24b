"""F4 任务清单 of the sample: each jurisdiction's 2025 重点工作任务清单, re-delivered after every progress
report round, and one 议定事项 list (永昌县's 联席会议纪要).

The tasks are what the seed policies ask of the 联席会议办公室 (联席会议, 信息共享平台, 双推送双反馈, 案件移送,
同堂培训, 检察建议办理, 公益诉讼线索排查). Deadlines sit on month-ends and holidays on purpose (2025-03-31,
2025-10-01 国庆, 2025-11-30 a Sunday, 2025-12-31), so `fct_tasks` meets the calendar rules on the sample.
Deterministic: no randomness, nothing reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sample_data.units import Region, Unit

TASK_YEAR = 2025
F4_HEADERS: dict[str, str] = {
    "region_code": "行政区划代码",
    "task_year": "年度",
    "task_category": "类别",
    "task_no": "任务编号",
    "task_content": "任务内容",
    "responsible_units": "责任单位",
    "cooperating_units": "配合单位",
    "due_date": "完成时限",
    "task_source": "来源",
    "meeting_date": "会议日期",
    "report_cadence": "报送频次",
    "progress_report_date": "进展报告日期",
    "progress": "进展情况",
    "completion_status": "完成状态",
    "completed_date": "完成日期",
}
F4_FIELDS: tuple[str, ...] = tuple(F4_HEADERS)
F4_KINDS: dict[str, str] = {f: "date" for f in ("due_date", "meeting_date", "progress_report_date", "completed_date")}

# progress report rounds: quarterly offices deliver four times, half-yearly ones twice
QUARTERLY_REPORTS = (date(2025, 3, 26), date(2025, 6, 25), date(2025, 9, 24), date(2025, 12, 24))
HALF_YEARLY_REPORTS = (date(2025, 6, 25), date(2025, 12, 24))
CADENCE = {"410108": "季度", "620321": "季度", "620900": "半年度", "420104": "半年度", "510904": "半年度"}
# (region, task_no, report date) rounds in which a unit did not report on an open task (planted misses)
SKIPPED = {("410108", "5", date(2025, 6, 25)), ("410108", "6", date(2025, 3, 26)),
           ("420104", "6", date(2025, 6, 25))}
DECISIONS_REGION = "620321"
DECISIONS_MEETING = date(2025, 4, 18)
DECISIONS_REPORTS = (date(2025, 9, 24), date(2025, 12, 24))


@dataclass(frozen=True)
class TaskSpec:
    no: str
    content: str
    responsible: tuple[tuple[str, ...], ...]  # each unit: roles in order of preference
    cooperating: tuple[tuple[str, ...], ...]
    due: date
    completed: date | None
    source: str
    status_at_as_of: str  # fct_tasks status on 2025-12-31 (calendar rules applied)


KEY_TASKS: tuple[TaskSpec, ...] = (
    TaskSpec("1", "召开府检联动联席会议全体会议，研究审定年度“双清单”，通报上年度府检联动工作开展情况",
             (("justice",),), (("proc",), ("gov_office", "drc")), date(2025, 3, 31), date(2025, 3, 28),
             "年度工作要点", "按期完成"),
    TaskSpec("2", "建设府检联动信息共享平台，实现行政执法数据与检察监督数据按月交换",
             (("justice",), ("proc",)), (("hotline", "gov_office", "drc"),), date(2025, 6, 30), date(2025, 7, 15),
             "年度工作要点", "逾期完成"),
    TaskSpec("3", "落实12345热线与12309检察服务热线“双推送、双反馈”机制，公益诉讼线索同步推送、按期反馈",
             (("hotline", "gov_office", "drc"), ("proc",)), (), date(2025, 9, 30), date(2025, 9, 24),
             "联席会议决议", "按期完成"),
    TaskSpec("4", "健全行政执法与刑事司法衔接机制，规范涉嫌犯罪案件移送，杜绝有案不移、以罚代刑",
             (("market", "justice"), ("police",)), (("proc",),), date(2025, 10, 1), date(2025, 10, 9),
             "联席会议决议", "按期完成"),  # due on 国庆: the period ends on the next working day, 10-09
    TaskSpec("5", "组织行政执法人员与检察人员同堂培训，全年不少于2次",
             (("justice",),), (("proc",),), date(2025, 11, 30), None, "年度工作要点", "逾期未完成"),
    TaskSpec("6", "建立检察建议办理回复跟踪台账，检察建议按期书面回复率达到100%",
             (("gov_office", "drc"),), (("proc",), ("justice",)), date(2025, 12, 31), None, "年度工作要点",
             "进行中"),
    TaskSpec("7", "开展生态环境和资源保护领域公益诉讼线索联合排查，建立问题清单并督促整改",
             (("env", "land"), ("land", "forest", "agri")), (("proc",),), date(2025, 12, 15), date(2025, 12, 19),
             "联席会议纪要", "逾期完成"),
)
DECISIONS: tuple[TaskSpec, ...] = (
    TaskSpec("议-1", "各成员单位每季度末向联席会议办公室报送府检联动工作进展，办公室定期通报落实情况",
             (("justice",),), (), date(2025, 6, 30), date(2025, 6, 27), "联席会议纪要", "按期完成"),
    TaskSpec("议-2", "公安机关与市场监管部门联合排查食品药品领域以罚代刑案件，形成排查报告",
             (("police",), ("market", "health")), (("proc",),), date(2025, 8, 31), date(2025, 9, 1),
             "联席会议纪要", "按期完成"),  # due on a Sunday: ends Monday 09-01
    TaskSpec("议-3", "检察院牵头制定公益诉讼诉前检察建议办理规范，征求成员单位意见后印发",
             (("proc",),), (("justice",),), date(2025, 10, 8), None, "联席会议纪要", "逾期未完成"),
)


def _pick(units: dict[str, Unit], roles: tuple[str, ...]) -> Unit | None:
    return next((units[r] for r in roles if r in units), None)


def _names(units: dict[str, Unit], wanted: tuple[tuple[str, ...], ...]) -> list[Unit]:
    out: list[Unit] = []
    for roles in wanted:
        u = _pick(units, roles)
        if u is not None and u not in out:
            out.append(u)
    return out


def _progress(spec: TaskSpec, on: date, done: bool) -> str:
    if done:
        return "已完成，相关材料已报联席会议办公室备案。"
    if spec.due < on:
        return "已超过完成时限，正在加快推进，已报联席会议办公室督办。"
    return "已制定工作方案，明确责任人和时间节点，正在按计划推进。"


def _row(region: Region, units: dict[str, Unit], spec: TaskSpec, category: str, cadence: str,
         reported: date | None, meeting: date | None) -> dict[str, Any]:
    done = spec.completed is not None and reported is not None and spec.completed <= reported
    resp = _names(units, spec.responsible)
    coop = _names(units, spec.cooperating)
    return {
        "region_code": region.code,
        "task_year": TASK_YEAR,
        "task_category": category,
        "task_no": spec.no,
        "task_content": spec.content,
        # the short names most offices write; the first unit of task 2 by its full name
        "responsible_units": "、".join(u.name if (spec.no == "2" and i == 0) else u.alias
                                       for i, u in enumerate(resp)),
        "cooperating_units": "、".join(u.alias for u in coop) or None,
        "due_date": spec.due,
        "task_source": spec.source,
        "meeting_date": meeting,
        "report_cadence": cadence,
        "progress_report_date": (spec.completed if done else reported),
        "progress": _progress(spec, reported, done) if reported else None,
        "completion_status": "已完成" if done else ("推进中" if reported else "未启动"),
        "completed_date": spec.completed if done else None,
    }


def deliveries(region: Region, units: dict[str, Unit]) -> list[tuple[str, date, list[dict[str, Any]]]]:
    """(file label, report round, rows) of one jurisdiction: the list as delivered after each round."""
    out: list[tuple[str, date, list[dict[str, Any]]]] = []
    cadence = CADENCE[region.code]
    rounds = QUARTERLY_REPORTS if cadence == "季度" else HALF_YEARLY_REPORTS
    last: dict[str, dict[str, Any]] = {}
    for n, on in enumerate(rounds, start=1):
        rows = []
        for spec in KEY_TASKS:
            prev = last.get(spec.no)
            finished = prev is not None and prev["completion_status"] == "已完成"
            if finished or (region.code, spec.no, on) in SKIPPED:
                row = prev or _row(region, units, spec, "重点工作任务", cadence, None, None)
            else:
                row = _row(region, units, spec, "重点工作任务", cadence, on, None)
            last[spec.no] = row
            rows.append(dict(row))
        label = f"{'第' + '一二三四'[n - 1] + '季度' if cadence == '季度' else ('上半年' if n == 1 else '下半年')}"
        out.append((label, on, rows))
    return out


def decisions(region: Region, units: dict[str, Unit]) -> list[dict[str, Any]]:
    """The 议定事项 of the 2025-04-18 联席会议 as the office lists them at year end (one file)."""
    rows = []
    for spec in DECISIONS:
        on = next((d for d in reversed(DECISIONS_REPORTS) if spec.completed is None or spec.completed <= d),
                  DECISIONS_REPORTS[-1])
        rows.append(_row(region, units, spec, "议定事项", "季度", on, DECISIONS_MEETING))
    return rows


def expected_statuses(region_codes: list[str]) -> dict[str, int]:
    """Rows of fct_tasks per status on 2025-12-31: one per (task, responsible unit)."""
    from sample_data.units import REGION_BY_CODE, units_by_role

    counts: dict[str, int] = {}
    for code in region_codes:
        units = units_by_role(REGION_BY_CODE[code])
        specs = KEY_TASKS + (DECISIONS if code == DECISIONS_REGION else ())
        for spec in specs:
            n = len(_names(units, spec.responsible))
            counts[spec.status_at_as_of] = counts.get(spec.status_at_as_of, 0) + n
    return counts
