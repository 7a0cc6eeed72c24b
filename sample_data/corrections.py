"""The correction delivery: a later file from one agency repeating three keys (处罚机关统一社会信用代码 +
行政处罚决定书文号) with corrected values and a later 录入日期, which must replace the earlier rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sample_data.files import PenaltyFile, title_name
from sample_data.layouts import F1_DATE_FIELDS, f1_headers, random_style
from sample_data.parties import NATURAL_PERSON
from sample_data.penalties import AS_OF, Record, fmt_yuan
from sample_data.planted import Planted

CORRECTION_ENTRY = date(2025, 9, 15)


def _typo(name: str) -> str:
    """A homophone slip clerks make (有限 → 有线)."""
    return name.replace("有限", "有线", 1)


def _copy(rec: Record, changes: dict[str, object], remark: str, entry: date) -> Record:
    copy = dict(rec)
    copy.update(changes)
    copy.update(
        {
            "entry_date": entry,
            "remarks": remark,
            "_planted": f"{rec['_planted']}__correction",
            "_correction_of": rec,
        }
    )
    return copy


def build_corrections(
    original: PenaltyFile, threshold_case: Planted, rng: random.Random
) -> tuple[PenaltyFile, list[Planted]]:
    """Three corrected copies (涉案金额, 罚款金额, 当事人名称) in a new file, and their planted entries."""
    base = threshold_case.records[0]
    candidates = [
        r
        for r in original.records
        if r["_planted"] is None
        and r["fine_amount"] is not None
        and r["party_category"] != NATURAL_PERSON
        and isinstance(r["decision_date"], date)
        and r["decision_date"] <= date(2025, 10, 31)
    ]
    fine_rec = rng.choice(candidates)
    name_rec = rng.choice([r for r in candidates if "有限" in r["party_name"] and r is not fine_rec])
    fine_rec["_planted"], name_rec["_planted"] = "correction_fine_amount", "correction_party_name"

    correct_name = name_rec["party_name"]
    name_rec["party_name"] = _typo(correct_name)
    old_fine: Decimal = fine_rec["fine_amount"]
    new_fine = old_fine * 10  # the clerk dropped a zero
    new_content = fine_rec["penalty_content"].replace(
        f"罚款人民币{fmt_yuan(old_fine)}元", f"罚款人民币{fmt_yuan(new_fine)}元"
    )

    def later(rec: Record) -> date:
        return min(AS_OF, max(CORRECTION_ENTRY, rec["entry_date"] + timedelta(days=30)))

    copies = [
        _copy(base, {"case_value": Decimal(52000)}, "更正：涉案金额经复核为52000元", CORRECTION_ENTRY),
        _copy(
            fine_rec,
            {"fine_amount": new_fine, "penalty_content": new_content},
            "更正：罚款金额录入有误",
            later(fine_rec),
        ),
        _copy(name_rec, {"party_name": correct_name}, "更正：当事人名称录入有误", later(name_rec)),
    ]
    region, unit = original.region, original.unit
    path = original.path.replace(".xlsx", "_更正.xlsx")
    fix = PenaltyFile(
        path=path,
        region=region,
        unit=unit,
        fmt="xlsx",
        encoding=None,
        delimiter=",",
        sheets=[("更正", f"{title_name(unit, region)}2025年行政处罚台账（更正）", copies)],
        header_style="national",
        headers=f1_headers("national", rng),
        style=random_style(rng, "xlsx", F1_DATE_FIELDS),
        drop_optional=False,
        correction=True,
    )
    fix.style.total_row = False
    threshold_case.records.append(copies[0])
    threshold_case.expect["final"] = {"case_value": 52000, "entry_date": CORRECTION_ENTRY.isoformat()}
    planted = [
        Planted(
            "correction_fine_amount",
            "penalty_ledger",
            "correction",
            "更正文件更正罚款金额（录入日期更晚）",
            region.code,
            [fine_rec, copies[1]],
            {
                "versions": 2,
                "replaced": {"fine_amount": str(old_fine)},
                "final": {"fine_amount": str(new_fine), "entry_date": copies[1]["entry_date"].isoformat()},
                "should_transfer": False,
            },
        ),
        Planted(
            "correction_party_name",
            "penalty_ledger",
            "correction",
            "更正文件更正当事人名称（录入日期更晚）",
            region.code,
            [name_rec, copies[2]],
            {
                "versions": 2,
                "replaced": {"party_name": name_rec["party_name"]},
                "final": {"party_name": correct_name, "entry_date": copies[2]["entry_date"].isoformat()},
                "should_transfer": False,
            },
        ),
    ]
    return fix, planted
