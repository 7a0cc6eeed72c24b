"""F2 supervision documents: planted documents with known reply deadlines, plus ordinary background ones.

Reply rules (codes.md): 2 months for 检察建议/检察意见, 3 months for 再审检察建议 and
行政非诉执行监督, 15 days for an urgent 公益诉讼诉前检察建议 and for 通知立案, 7 days for 要求说明不立案理由,
none for 线索移送; all counted from 送达日期 (or 制发日期 when missing), rolled to the next working day.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sample_data.penalties import AS_OF, Record, random_workday
from sample_data.planted import Planted
from sample_data.units import REGION_BY_CODE, Region, Unit
from sample_data.workdays import due_in_days, due_in_months, roll_to_workday

TYPES = (
    "社会治理检察建议",
    "纠正违法检察建议",
    "再审检察建议",
    "其他检察建议",
    "公益诉讼诉前检察建议",
    "检察意见（行刑反向衔接）",
    "检察意见（督促移送）",
    "要求说明不立案理由",
    "通知立案",
    "行政非诉执行监督",
    "线索移送",
)
DOC_WORDS = {
    "社会治理检察建议": "行建",
    "纠正违法检察建议": "行监建",
    "再审检察建议": "行再建",
    "其他检察建议": "综建",
    "公益诉讼诉前检察建议": "行公建",
    "检察意见（行刑反向衔接）": "行意",
    "检察意见（督促移送）": "行移意",
    "要求说明不立案理由": "刑要说",
    "通知立案": "刑通立",
    "行政非诉执行监督": "行执建",
    "线索移送": "线移",
}
_BACKGROUND_WEIGHTS = {
    "社会治理检察建议": 28,
    "纠正违法检察建议": 20,
    "公益诉讼诉前检察建议": 18,
    "其他检察建议": 5,
    "行政非诉执行监督": 10,
    "检察意见（行刑反向衔接）": 8,
    "线索移送": 7,
    "再审检察建议": 4,
}


def reply_rule(kind: str, urgent: bool) -> tuple[str, int] | None:
    """(unit, amount) of the default reply period, or None when the document carries no reply duty."""
    if kind == "线索移送":
        return None
    if kind == "公益诉讼诉前检察建议" and urgent:
        return ("days", 15)
    if kind == "要求说明不立案理由":
        return ("days", 7)
    if kind == "通知立案":
        return ("days", 15)
    if kind in ("再审检察建议", "行政非诉执行监督"):
        return ("months", 3)
    return ("months", 2)


def reply_due(kind: str, urgent: bool, start: date) -> date | None:
    rule = reply_rule(kind, urgent)
    if rule is None:
        return None
    unit, amount = rule
    return due_in_days(start, amount) if unit == "days" else due_in_months(start, amount)


def status(due: date | None, reply: date | None, as_of: date = AS_OF) -> str | None:
    """按期 / 逾期回复 / 逾期未回复 / 未到期 (DOMAIN.md §4)."""
    if due is None:
        return None
    if reply is not None:
        return "按期" if reply <= due else "逾期回复"
    return "逾期未回复" if due < as_of else "未到期"


def blank_doc(region: Region, proc: Unit) -> Record:
    return {
        "document_no": None,
        "procuratorate": proc.name,
        "region_code": region.code,
        "supervision_type": None,
        "target_unit_name": None,
        "target_unit_uscc": None,
        "enforcement_domain": None,
        "related_decision_no": None,
        "related_case_no": None,
        "issued_date": None,
        "served_date": None,
        "urgent": None,
        "reply_due_date": None,
        "reply_date": None,
        "reply_outcome": None,
        "rectification_status": None,
        "rectified_date": None,
        "follow_up": None,
        "remarks": None,
        "_planted": None,
        "_bad": None,
        "_region": region.code,
        "_target": None,
        "_related": None,
    }


@dataclass(frozen=True)
class DocSpec:
    """A planted document: what is written and the expected reply status."""

    id: str
    region: str
    target_role: str
    kind: str
    issued: date
    served: date | None
    reply: date | None
    outcome: str | None = None
    urgent: bool | None = None
    explicit_due: date | None = None
    related: str | None = None  # planted penalty id whose decision number is quoted
    related_case_no: str | None = None
    rectification: str | None = None
    use_alias: bool = False
    description: str = ""


PLANTED_DOCS: tuple[DocSpec, ...] = (
    DocSpec(
        "sup_on_time",
        "410108",
        "market",
        "社会治理检察建议",
        date(2024, 3, 14),
        date(2024, 3, 15),
        date(2024, 5, 10),
        "采纳",
        rectification="已整改",
        use_alias=True,
        description="按期回复；被监督单位以别名（区市场监管局）书写",
    ),
    DocSpec(
        "sup_late",
        "420104",
        "housing",
        "纠正违法检察建议",
        date(2024, 4, 9),
        date(2024, 4, 10),
        date(2024, 6, 20),
        "采纳",
        rectification="整改中",
        description="满 2 个月为 2024-06-10（端午）顺延至 06-11；06-20 回复 → 逾期回复",
    ),
    DocSpec(
        "sup_missing_past_due",
        "510904",
        "land",
        "公益诉讼诉前检察建议",
        date(2025, 2, 28),
        date(2025, 3, 3),
        None,
        urgent=False,
        use_alias=True,
        description="2025-05-03（劳动节假期）顺延至 05-06；未回复 → 逾期未回复",
    ),
    DocSpec(
        "sup_missing_not_due",
        "620321",
        "market",
        "社会治理检察建议",
        date(2025, 12, 18),
        date(2025, 12, 20),
        None,
        description="送达 2025-12-20，满 2 个月 2026-02-20 为春节假期 → 2026-02-24；截至 2025-12-31 未到期",
    ),
    DocSpec(
        "sup_month_end",
        "620900",
        "env",
        "纠正违法检察建议",
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 2, 28),
        "部分采纳",
        rectification="整改中",
        description="送达 2024-12-31 + 2 个月 → 2025-02-28（月末）；当日回复为按期",
    ),
    DocSpec(
        "sup_national_day",
        "410108",
        "urban",
        "社会治理检察建议",
        date(2024, 7, 31),
        date(2024, 8, 1),
        date(2024, 10, 8),
        "采纳",
        rectification="已整改",
        description="送达 2024-08-01 + 2 个月 → 10-01 国庆 → 10-08；10-08 回复为按期",
    ),
    DocSpec(
        "sup_urgent_pil",
        "420104",
        "env",
        "公益诉讼诉前检察建议",
        date(2025, 6, 3),
        date(2025, 6, 3),
        date(2025, 6, 25),
        "采纳",
        urgent=True,
        rectification="已整改",
        description="紧急公益诉讼诉前检察建议 15 日 → 2025-06-18；06-25 回复 → 逾期回复",
    ),
    DocSpec(
        "sup_explicit_due",
        "510904",
        "health",
        "其他检察建议",
        date(2025, 5, 9),
        date(2025, 5, 12),
        date(2025, 6, 20),
        "采纳",
        explicit_due=date(2025, 6, 10),
        rectification="已整改",
        description="文书载明回复期限 2025-06-10（覆盖默认 2 个月）；06-20 回复 → 逾期回复",
    ),
    DocSpec(
        "sup_no_served_date",
        "620321",
        "agri",
        "社会治理检察建议",
        date(2025, 4, 1),
        None,
        date(2025, 5, 20),
        "采纳",
        rectification="已整改",
        description="无送达日期：自制发日期 2025-04-01 起算，2025-06-01（端午）→ 06-03；"
        "标记 served_date_missing",
    ),
    DocSpec(
        "sup_supervise_transfer",
        "620900",
        "env",
        "检察意见（督促移送）",
        date(2025, 4, 10),
        date(2025, 4, 11),
        date(2025, 4, 28),
        "已移送",
        related="transfer_after_supervision",
        rectification="不适用",
        description="督促移送后机关于 2025-04-25 移送：该移送不计主动移送",
    ),
    DocSpec(
        "sup_supervise_transfer_pending",
        "410108",
        "land",
        "检察意见（督促移送）",
        date(2025, 11, 19),
        date(2025, 11, 20),
        None,
        related="text_farmland_12.5mu",
        description="督促移送已送达未回复（2026-01-20 到期）：线索状态 已监督",
    ),
    DocSpec(
        "sup_explain_no_filing",
        "620321",
        "police",
        "要求说明不立案理由",
        date(2024, 10, 8),
        date(2024, 10, 9),
        date(2024, 10, 15),
        "不予立案",
        related="transfer_not_filed",
        description="要求公安说明不立案理由，7 日 → 2024-10-16；10-15 回复为按期",
    ),
    DocSpec(
        "sup_notify_filing",
        "620321",
        "police",
        "通知立案",
        date(2024, 10, 28),
        date(2024, 10, 28),
        date(2024, 11, 8),
        "已立案",
        related="transfer_not_filed",
        description="通知立案 15 日 → 2024-11-12；11-08 立案为按期",
    ),
    DocSpec(
        "sup_reverse",
        "420104",
        "market",
        "检察意见（行刑反向衔接）",
        date(2024, 7, 5),
        date(2024, 7, 8),
        date(2024, 8, 30),
        "已作出行政处罚",
        related_case_no="硚检刑不诉〔2024〕12号",
        rectification="不适用",
        description="不起诉人需行政处罚，2 个月 → 2024-09-08（周日）→ 09-09；按期",
    ),
    DocSpec(
        "sup_retrial",
        "410108",
        "court",
        "再审检察建议",
        date(2024, 5, 17),
        date(2024, 5, 20),
        date(2024, 9, 2),
        "采纳",
        related_case_no="（2023）豫0108行初56号",
        description="再审检察建议 3 个月 → 2024-08-20；09-02 回复 → 逾期回复",
    ),
    DocSpec(
        "sup_clue_transfer",
        "510904",
        "police",
        "线索移送",
        date(2025, 7, 14),
        date(2025, 7, 15),
        None,
        description="线索移送：无回复义务，不计入到期办复率",
    ),
    DocSpec(
        "sup_nonlit_exec",
        "620900",
        "land",
        "行政非诉执行监督",
        date(2025, 1, 14),
        date(2025, 1, 15),
        date(2025, 4, 10),
        "采纳",
        rectification="已整改",
        description="行政非诉执行监督 3 个月 → 2025-04-15；04-10 回复为按期",
    ),
)


def planted_documents(units: dict[str, dict[str, Unit]], penalties: dict[str, Record]) -> list[Planted]:
    """Planted F2 documents; `penalties` maps planted penalty ids to their records (already numbered)."""
    out: list[Planted] = []
    for spec in PLANTED_DOCS:
        region = REGION_BY_CODE[spec.region]
        proc, target = units[spec.region]["proc"], units[spec.region][spec.target_role]
        doc = blank_doc(region, proc)
        related = penalties.get(spec.related) if spec.related else None
        doc.update(
            {
                "supervision_type": spec.kind,
                "target_unit_name": target.alias if spec.use_alias else target.name,
                "target_unit_uscc": None if spec.use_alias else target.uscc,
                "enforcement_domain": target.domain,
                "related_decision_no": related["decision_no"] if related else None,
                "related_case_no": spec.related_case_no or (related["case_no"] if related else None),
                "issued_date": spec.issued,
                "served_date": spec.served,
                "urgent": spec.urgent,
                "reply_due_date": spec.explicit_due,
                "reply_date": spec.reply,
                "reply_outcome": spec.outcome,
                "rectification_status": spec.rectification,
                "rectified_date": spec.reply + timedelta(days=20)
                if spec.rectification == "已整改" and spec.reply
                else None,
                "_planted": spec.id,
                "_target": target,
                "_related": spec.related,
            }
        )
        start = spec.served or spec.issued
        due = spec.explicit_due or reply_due(spec.kind, bool(spec.urgent), start)
        expect = {
            "reply_due": due.isoformat() if due else None,
            "status": status(due, spec.reply),
            "reply_duty": due is not None,
            "start_date": start.isoformat(),
            "flags": [] if spec.served else ["served_date_missing"],
            "due_rule": (
                "回复期限（文书载明）"
                if spec.explicit_due
                else _rule_text(reply_rule(spec.kind, bool(spec.urgent)))
            ),
        }
        if spec.related:
            expect["related_penalty_case"] = spec.related
        out.append(
            Planted(
                spec.id,
                "supervision_ledger",
                "supervision_reply",
                spec.description,
                spec.region,
                [doc],
                expect,
                {"target_unit_uscc": target.uscc, "target_unit_full_name": target.name},
            )
        )
    return out


def _rule_text(rule: tuple[str, int] | None) -> str | None:
    if rule is None:
        return None
    unit, amount = rule
    return f"{amount}{'日' if unit == 'days' else '个月'}"


def background_documents(
    region: Region,
    units: dict[str, Unit],
    rng: random.Random,
    count: int,
    pick_decision: Callable[[str], Record | None],
) -> list[Record]:
    """Ordinary documents of one procuratorate; `pick_decision(role)` returns a linkable penalty record."""
    proc = units["proc"]
    agencies = [u for u in units.values() if u.kind == "政府部门" and u.domain]
    towns = [u for u in units.values() if u.kind == "乡镇街道"]
    kinds, weights = zip(*_BACKGROUND_WEIGHTS.items(), strict=True)
    docs: list[Record] = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        if kind == "再审检察建议":
            target = units["court"]
        elif kind == "线索移送" and rng.random() < 0.4:
            target = units["police"]
        elif kind == "社会治理检察建议" and towns and rng.random() < 0.3:
            target = rng.choice(towns)
        else:
            target = rng.choice(agencies)
        doc = blank_doc(region, proc)
        issued = random_workday(rng, date(2024, 1, 8), date(2025, 12, 24))
        served = roll_to_workday(issued + timedelta(days=rng.randint(0, 6)))
        if rng.random() < 0.02:
            served = None
        urgent = (
            (rng.random() < 0.12)
            if kind == "公益诉讼诉前检察建议"
            else (False if rng.random() < 0.6 else None)
        )
        explicit = issued + timedelta(days=30) if rng.random() < 0.04 else None
        start = served or issued
        due = explicit or reply_due(kind, bool(urgent), start)
        reply = _background_reply(rng, start, due)
        alias = rng.random() < 0.35
        doc.update(
            {
                "supervision_type": kind,
                "target_unit_name": target.alias if alias else target.name,
                "target_unit_uscc": target.uscc
                if (not alias and rng.random() < 0.7) or rng.random() < 0.2
                else None,
                "enforcement_domain": target.domain,
                "issued_date": issued,
                "served_date": served,
                "urgent": urgent,
                "reply_due_date": explicit,
                "reply_date": reply,
                "_target": target,
            }
        )
        if kind in ("纠正违法检察建议", "社会治理检察建议") and rng.random() < 0.3:
            linked = pick_decision(target.role)
            if linked is not None:
                doc["related_decision_no"] = linked["decision_no"]
        if kind == "检察意见（行刑反向衔接）":
            doc["related_case_no"] = f"{region.proc_abbr}刑不诉〔{issued.year}〕{rng.randint(1, 40)}号"
        _background_outcome(rng, doc, kind, reply, due)
        docs.append(doc)
    return docs


def _background_reply(rng: random.Random, start: date, due: date | None) -> date | None:
    if due is None:
        reply = roll_to_workday(start + timedelta(days=rng.randint(10, 60)))
        return reply if rng.random() < 0.3 and reply <= AS_OF else None
    roll = rng.random()
    if due <= AS_OF:
        if roll < 0.72:
            span = max(1, (due - start).days)
            return min(due, roll_to_workday(start + timedelta(days=rng.randint(max(1, span // 3), span))))
        if roll < 0.85:
            return min(AS_OF, due + timedelta(days=rng.randint(1, 40)))
        return None
    if roll < 0.35 and start + timedelta(days=5) <= AS_OF:
        return min(AS_OF, roll_to_workday(start + timedelta(days=rng.randint(5, 30))))
    return None


def _background_outcome(
    rng: random.Random, doc: Record, kind: str, reply: date | None, due: date | None
) -> None:
    if reply is None:
        if due is not None and due < AS_OF and rng.random() < 0.4:
            doc["follow_up"] = rng.choice(
                ("提起诉讼",) if kind == "公益诉讼诉前检察建议" else ("再次制发", "提请上级")
            )
        return
    if kind == "检察意见（行刑反向衔接）":
        doc["reply_outcome"] = rng.choices(("已作出行政处罚", "不予行政处罚"), (8, 2))[0]
        doc["rectification_status"] = "不适用"
        return
    if kind == "线索移送":
        doc["reply_outcome"] = rng.choice(("已立案", "已作出行政处罚"))
        return
    doc["reply_outcome"] = rng.choices(("采纳", "部分采纳", "不采纳"), (75, 15, 10))[0]
    if doc["reply_outcome"] == "不采纳" or kind == "再审检察建议":
        doc["rectification_status"] = "不适用"
        return
    doc["rectification_status"] = rng.choices(("已整改", "整改中", "未整改"), (55, 35, 10))[0]
    if doc["rectification_status"] == "已整改":
        doc["rectified_date"] = min(AS_OF, reply + timedelta(days=rng.randint(0, 60)))


def assign_document_numbers(docs: list[Record], region: Region, rng: random.Random) -> None:
    """文书编号 such as 惠检行建〔2024〕3号, numbered per document word and year in issue order."""
    counters: dict[tuple[str, int], int] = {}
    for doc in sorted(docs, key=lambda d: d["issued_date"]):
        word = DOC_WORDS[doc["supervision_type"]]
        year = doc["issued_date"].year
        n = counters.get((word, year), rng.randint(0, 2)) + rng.randint(1, 2)
        counters[(word, year)] = n
        doc["document_no"] = f"{region.proc_abbr}{word}〔{year}〕{n}号"


def bad_issue_date(doc: Record) -> None:
    """Planted bad F2 row: an impossible 制发日期."""
    doc["issued_date"] = f"{doc['issued_date'].year}-02-30"
    doc["_bad"] = "impossible_date"
    doc["_bad_detail"] = {"reason": "impossible_date", "field": "issued_date", "value": doc["issued_date"]}
