"""The annual and the monthly 通报: figures from the marts, written as the draft an office edits and sends —
文号 placeholder, title, 主送, 一、二、三、四 headings, 存在的问题 and 下一步工作 as highlighted placeholders,
落款 and date, the overdue items and the clues as annex tables (categories and numbers, never a person's
name or free text)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dashboards.site import clue_labels
from dashboards.site.formats import count, day, long_date, number
from reports import charts
from reports.config import load_config
from reports.document import Document, plain_text
from reports.figures import Period, ReportFigures, kind_label, read_figures
from reports.gate import check_outputs
from reports.regions import region_codes
from warehouse.errors import UserError

OVERDUE_HEADER = ["序号", "责任单位", "义务类型", "文书/工单编号", "事由类别", "截止日期", "状态", "逾期天数"]
CLUE_HEADER = ["序号", "处罚机关", "决定书文号", "决定日期", "涉嫌罪名", "触发规则", "测得数值", "追诉标准", "状态"]
INDICATOR_HEADER = ["指标", "本期", "上年同期", "变化", "口径"]


@dataclass(frozen=True)
class ReportOutcome:
    region_code: str
    period: str
    docx: Path
    pdf: Path
    charts: bool  # False: no CJK font, the charts were left out


def region_name(code: str) -> str:
    from dashboards.site.publish import region_name as name

    return name(code)


def overdue_rows(fig: ReportFigures) -> list[list[str]]:
    """Annex 1: every overdue item of the region as of the build (the publication's overdue list)."""
    return [[str(i), r["responsible_unit_name"] or "（未识别单位）", kind_label(r["obligation_kind"]),
             str(r["source_key"]), r["subject_summary"] or "", day(r["due_date"]), r["status"],
             count(r["days_past_due"])] for i, r in enumerate(fig.overdue, start=1)]


def _value(value: Any, unit: Any) -> str:
    if value is None:
        return ""
    return f"{number(value)}{unit or ''}"


def clue_rows(fig: ReportFigures) -> list[list[str]]:
    """Annex 2: the clues of the period's decisions — unit, number, date, offence, rule, value; no party."""
    return [[str(i), fig.unit_names.get(r["agency_uscc"], r["agency_uscc"]), r["decision_no"], day(r["decision_date"]),
             r.get("offence") or "", clue_labels.rule_label(r["rule_id"]), _value(r["measured_value"], r.get("unit")),
             _value(r["threshold"], r.get("unit")), r["clue_status"]] for i, r in enumerate(fig.clues, start=1)]


def _period_end(p: Period) -> date:
    y, m = (p.year, p.last_month + 1) if p.last_month < 12 else (p.year + 1, 1)
    return date(y, m, 1) - timedelta(days=1)


def compose(fig: ReportFigures, *, monthly: bool, issued: date, chart_dir: Path,
            cfg: dict[str, Any]) -> tuple[Document, bool]:
    """The 通报 as blocks (the same for Word and PDF); second value: whether charts were drawn."""
    p, name = fig.period, region_name(fig.region_code)
    period = p.label if not monthly else f"{p.year}年{p.last_month}月"
    title = f"关于{period}府检联动工作情况的通报"
    doc = Document(title, landscape_annex=True)
    doc.add("docno", cfg["document_number"].format(year=issued.year))
    doc.add("title", title)
    doc.add("addressee", cfg["addressee"])
    span = p.label if not monthly else f"{p.year}年1–{p.last_month}月"
    doc.add("para", f"为推动行政执法与检察监督有效衔接，现将{name}{span}府检联动工作情况通报如下。"
                    f"本通报数据取自府检联动数据仓库，统计截至{long_date(fig.as_of)}；与上年同期比较，上年同期无数据的"
                    "以“—”表示；比率的分母为零时为“无数据”。"
                    + (f"统计截止日早于{p.label}末，本通报为截至统计日的暂定数据。"
                       if fig.as_of < _period_end(p) else ""))
    now = fig.counts["now"]
    ind = {i.name: i for i in fig.indicators()}
    transfer = ind["行刑衔接移送率"]
    doc.add("heading1", "一、基本情况")
    doc.add("heading2", "（一）行政执法与刑事司法衔接")
    clues = "，".join(f"{k} {count(v)} 件" for k, v in sorted(fig.clue_status.items()))
    doc.add("para", f"{span}，全区域作出行政处罚决定 {count(now['penalty_cases'])} 件，其中应当移送涉嫌犯罪案件 "
                    f"{count(now['should_transfer_cases'])} 件，已移送 {count(now['transferred_cases'])} 件，"
                    f"移送率 {transfer.now}（上年同期 {transfer.before}，{transfer.change}）；"
                    f"主动移送率 {ind['主动移送率'].now}，立案率 {ind['立案率'].now}。"
                    + (f"应移未移线索 {count(now['clue_cases'])} 件（{clues}），清单见附件2。" if clues
                       else "本期无应移未移线索。"))
    doc.add("heading2", "（二）检察建议、检察意见及热线办复")
    due = fig.due("now")
    doc.add("para", f"{span}到期的各类办复义务 {count(sum(due.values()))} 项，按期办复 {count(due['on_time'])} 项，"
                    f"逾期回复 {count(due['replied_late'])} 项，逾期未回复 {count(due['overdue_no_reply'])} 项，"
                    f"到期办复率 {ind['全部义务到期办复率'].now}。其中检察建议/意见到期办复率 "
                    f"{ind['检察建议/意见到期办复率'].now}，12309 到期答复率 {ind['12309 到期答复率'].now}，"
                    f"双推送双反馈到期办复率 {ind['双推送双反馈到期办复率'].now}。截至统计日仍逾期的事项 "
                    f"{count(len(fig.overdue))} 项，清单见附件1。")
    doc.add("heading2", "（三）12345 政务服务便民热线")
    doc.add("para", f"{span}受理 12345 工单 {count(now['tickets_received'])} 件，按期办结率 "
                    f"{ind['12345 按期办结率'].now}，办结率 {ind['12345 办结率'].now}，"
                    f"满意率 {ind['12345 满意率'].now}。")
    doc.add("heading2", "（四）数据报送质量")
    doc.add("para", f"各成员单位累计报送台账 {count(fig.quality['rows_total'])} 行，符合数据标准并入库 "
                    f"{count(fig.quality['rows_loaded'])} 行，数据标准符合率 {ind['数据标准符合率'].now}。")
    doc.add("heading2", "（五）主要指标与上年同期比较")
    doc.add("table", header=INDICATOR_HEADER,
            rows=[[i.name, i.now, i.before, i.change, i.basis] for i in ind.values()], widths=[3, 1.4, 1.4, 2, 3])
    drawn = charts.monthly_charts(fig.monthly, p.year, chart_dir)
    for path, caption in drawn:
        doc.add("image", image=path)
        doc.add("note", caption)
    if not drawn:
        doc.add("note", charts.NO_FONT_NOTE if charts.cjk_font() is None else "（本期无可绘制的月度数据。）")
    doc.add("heading2", "（六）成员单位考核排名")
    if fig.ranking:
        header = ["排名", "单位", "得分", "可得分", "有数据指标"]
        header = ["行政区划", *header] if len(fig.codes) > 1 else header
        provisional = fig.as_of < date(p.year, 12, 31)
        doc.add("para", f"按{p.year}年度考核细则，各成员单位得分及排名如下"
                        + ("（年度尚未结束，为截至统计日的暂定结果）" if provisional else "") + "。")
        doc.add("table", header=header, rows=fig.ranking_rows())
    else:
        doc.add("para", f"{p.year}年度尚无可考核的数据。")
    doc.add("heading1", "二、主要做法和成效")
    better = [i.name for i in ind.values() if i.change.startswith("▲") and "率" in i.name]
    if better:
        doc.add("para", "与上年同期相比，" + "、".join(better) + "有所提高。")
    doc.add("placeholder", cfg["placeholders"]["achievements"])
    doc.add("heading1", "三、存在的问题")
    units = Counter(r["responsible_unit_name"] or "（未识别单位）" for r in fig.overdue)
    if units:
        top = "、".join(f"{u}（{n} 项）" for u, n in units.most_common(3))
        doc.add("para", f"截至统计日，逾期事项较多的单位为：{top}。")
    doc.add("placeholder", cfg["placeholders"]["problems"])
    doc.add("heading1", "四、下一步工作")
    doc.add("placeholder", cfg["placeholders"]["next_steps"])
    doc.add("para", "附件：1. 逾期事项清单　2. 应移未移线索清单")
    doc.add("signature", cfg["issuer"])
    doc.add("date", long_date(issued))
    doc.add("annex", f"附件1　逾期事项清单（截至{long_date(fig.as_of)}，共 {len(fig.overdue)} 项）")
    doc.add("note", "事由类别为诉求类型或监督类型，不载诉求原文，请凭文书/工单编号查阅。")
    doc.add("table", header=OVERDUE_HEADER, rows=overdue_rows(fig) or [["—", "无逾期事项", *[""] * 6]],
            widths=[0.6, 3, 2, 2.6, 1.4, 1.4, 1.2, 1])
    doc.add("annex", f"附件2　应移未移线索清单（{span}作出的处罚决定，共 {len(fig.clues)} 条）")
    doc.add("note", "不载当事人姓名和违法事实原文，请凭决定书文号查阅案卷；一案触发多条规则的列为多条。")
    doc.add("table", header=CLUE_HEADER, rows=clue_rows(fig) or [["—", "无应移未移线索", *[""] * 7]],
            widths=[0.6, 2.6, 2.4, 1.4, 1.6, 3, 1.2, 1.2, 1])
    return doc, bool(drawn)


def write_report(settings: Any, region: str, period: Period, *, monthly: bool, issued: date) -> ReportOutcome:
    """Write the 通报's .docx and .pdf into `$LIANDONG_HOME/reports/<region>/`, behind the personal-data gate."""
    from reports.docx_writer import write_docx
    from reports.pdf_writer import write_pdf

    fig = read_figures(settings.warehouse, region, region_codes(region), period)
    stem = f"通报_{period.year}年{period.last_month:02d}月" if monthly else f"通报_{period.year}年度"
    folder = settings.home / "reports" / region
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".draft-") as tmp:
        work = Path(tmp)
        doc, drawn = compose(fig, monthly=monthly, issued=issued, chart_dir=work / "charts",
                            cfg=load_config(settings.home))
        docx, pdf = write_docx(doc, work / f"{stem}.docx"), write_pdf(doc, work / f"{stem}.pdf")
        check_outputs(settings, [docx], plain_text(doc))
        final = []
        for path in (docx, pdf):
            target = folder / path.name
            shutil.move(str(path), target)
            final.append(target)
    return ReportOutcome(region, period.label, final[0], final[1], drawn)


def parse_month(value: str) -> Period:
    try:
        y, m = (int(x) for x in value.split("-"))
        if not 1 <= m <= 12:
            raise ValueError
    except ValueError:
        raise UserError(f"月份格式应为 YYYY-MM：{value}", f"--month must be YYYY-MM: {value}") from None
    return Period(y, 1, m)


def annual_report(settings: Any, region: str, year: int, issued: date) -> ReportOutcome:
    return write_report(settings, region, Period(year), monthly=False, issued=issued)


def monthly_report(settings: Any, region: str, month: str, issued: date) -> ReportOutcome:
    """The monthly 通报: the figures of January to that month against the same months a year before, as the
    monthly publication's overview shows them."""
    return write_report(settings, region, parse_month(month), monthly=True, issued=issued)

