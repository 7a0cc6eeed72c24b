"""F1 penalty records: one dict per 行政处罚决定 with canonical field names and typed values (amounts in 元).

Keys starting with "_" are bookkeeping for the manifest (planted id, bad-row reason, personal data
written into free text) and are never written to a file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sample_data import ids
from sample_data.offences import OFFENCES, Offence
from sample_data.parties import NATURAL_PERSON, Party, PartyFactory
from sample_data.units import Region, Unit
from sample_data.workdays import due_in_workdays, is_workday

AS_OF = date(2025, 12, 31)
Record = dict[str, Any]

# Decision-number patterns per agency role ({p}: region prefix, {y}: year, {n}: number).
DECISION_PATTERNS: dict[str, str] = {
    "market": "{p}市监罚〔{y}〕{n}号",
    "env": "{p}环罚〔{y}〕{n}号",
    "land": "{p}自然资罚〔{y}〕{n}号",
    "forest": "{p}林罚决字〔{y}〕第{n}号",
    "agri": "{p}农（渔）罚〔{y}〕{n}号",
    "tax": "{p}税稽罚〔{y}〕{n}号",
    "hrss": "{p}人社监罚字〔{y}〕{n}号",
    "safety": "（{p}）应急罚〔{y}〕{n}号",
    "health": "{p}卫罚〔{y}〕{n}号",
    "urban": "{p}城管罚字〔{y}〕第{n}号",
    "transport": "{p}交执罚〔{y}〕{n}号",
    "housing": "{p}建罚字〔{y}〕{n}号",
    "water": "{p}水罚〔{y}〕{n}号",
    "tobacco": "{p}烟罚〔{y}〕第{n}号",
    "fire": "{p}消行罚决字〔{y}〕{n:04d}号",
    "culture": "{p}文旅罚〔{y}〕{n}号",
}
ROLE_CODES: dict[str, str] = {
    "market": "SJ",
    "env": "HB",
    "land": "ZR",
    "forest": "LY",
    "agri": "NY",
    "tax": "SW",
    "hrss": "RS",
    "safety": "YJ",
    "health": "WJ",
    "urban": "CG",
    "transport": "JT",
    "housing": "ZJ",
    "water": "SL",
    "tobacco": "YC",
    "fire": "XF",
    "culture": "WL",
}
# Places used in facts: streets, roads and the local water body (for fishing cases).
PLACES: dict[str, tuple[str, ...]] = {
    "410108": (
        "天河路",
        "开元路",
        "江山路",
        "清华园路",
        "英才街",
        "长兴路",
        "花园口镇",
        "古荥镇",
        "刘寨街道",
    ),
    "620900": ("肃州区西大街", "肃州区富康路", "肃州区北关街", "金塔路", "飞天路", "西峰乡", "银达镇"),
    "420104": ("解放大道", "中山大道", "古田二路", "宝丰路", "汉西一路", "长丰大道", "汉正街"),
    "510904": ("柔刚路", "琼江路", "安居镇", "东禅镇", "拦江镇", "白马镇", "磨溪镇"),
    "620321": ("北海子路", "金川路", "城关镇", "河西堡镇", "朱王堡镇", "东寨镇", "焦家庄镇"),
}
WATERS: dict[str, str] = {
    "410108": "黄河惠济段",
    "620900": "北大河酒泉段",
    "420104": "汉江硚口段",
    "510904": "琼江安居段",
    "620321": "西大河水库",
}
CATEGORY_SEPARATORS = (";", ";", "、", "；", ",", "，")
_CN_DIGITS = "〇一二三四五六七八九"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def random_workday(rng: random.Random, start: date, end: date) -> date:
    """A working day in [start, end] (agencies decide on working days)."""
    span = (end - start).days
    for _ in range(100):
        day = start + timedelta(days=rng.randint(0, span))
        if is_workday(day):
            return day
    return start


def who_text(party: Party, with_id: bool = False) -> str:
    """How 违法事实 names the party: 当事人张三 / 当事人某店（经营者：李四） / 当事人某公司."""
    if party.category == NATURAL_PERSON:
        return f"当事人{party.name}（公民身份号码：{party.id_no}）" if with_id else f"当事人{party.name}"
    if party.rep_name and party.category == "个体工商户":
        return f"当事人{party.name}（经营者：{party.rep_name}）"
    return f"当事人{party.name}"


def yuan(value: int | float | str) -> Decimal:
    return Decimal(str(value))


def fmt_yuan(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def penalty_content(
    categories: list[str],
    fine: Decimal | None,
    gain: Decimal | None,
    goods: Decimal | None,
    license_text: str | None,
) -> str:
    """处罚内容 as written in decisions: 警告，罚款人民币3000元，没收违法所得人民币820元 …"""
    parts: list[str] = []
    for cat in categories:
        if cat == "罚款" and fine is not None:
            parts.append(f"罚款人民币{fmt_yuan(fine)}元")
        elif cat == "没收违法所得" and gain is not None:
            parts.append(f"没收违法所得人民币{fmt_yuan(gain)}元")
        elif cat == "没收非法财物":
            parts.append("没收涉案物品" + (f"（价值人民币{fmt_yuan(goods)}元）" if goods is not None else ""))
        elif cat in ("暂扣或者吊销许可证", "吊销许可证件") and license_text:
            parts.append(f"吊销《{license_text}》")
        elif cat.startswith("其他-"):
            parts.append(cat.removeprefix("其他-"))
        else:
            parts.append(cat)
    return "，".join(parts)


@dataclass
class PenaltyBuilder:
    """Builds records for one region; `taken` keeps identifiers unique across the sample."""

    region: Region
    units: dict[str, Unit]
    rng: random.Random
    parties: PartyFactory

    def base(self, agency: Unit, party: Party, decision: date) -> Record:
        """Identity, agency and date fields shared by every record."""
        rng = self.rng
        filing = decision - timedelta(days=rng.randint(8, 75))
        entry = due_in_workdays(decision, rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6)))
        if rng.random() < 0.07:
            entry = decision + timedelta(days=rng.randint(12, 45))
        entry = min(entry, AS_OF) if decision <= AS_OF else entry
        valid = rng.random()
        valid_until: date | str = (
            "长期"
            if valid < 0.35
            else (decision + timedelta(days=365 * 3) if valid < 0.8 else decision + timedelta(days=365))
        )
        rec: Record = {
            f: None
            for f in (
                "party_code_2",
                "party_code_3",
                "party_code_4",
                "party_code_5",
                "party_code_6",
                "legal_rep_name",
                "legal_rep_id_type",
                "legal_rep_id_no",
                "party_id_type",
                "party_id_no",
                "confiscation_amount",
                "license_action",
                "remarks",
                "case_value",
                "illegal_gain",
                "quantity",
                "quantity_unit",
                "deaths",
                "serious_injuries",
                "direct_loss",
                "transfer_date",
                "transfer_receiver",
                "police_decision",
                "police_decision_date",
                "copied_to_procuratorate_date",
                "fine_amount",
                "publicity_until",
            )
        }
        rec.update(
            {
                "party_name": party.name,
                "party_category": party.category,
                "party_uscc": party.uscc,
                "decision_no": None,
                "decision_date": decision,
                "valid_until": valid_until,
                "agency_name": agency.name,
                "agency_uscc": agency.uscc,
                "source_unit_name": agency.name,
                "source_unit_uscc": agency.uscc,
                "region_code": self.region.code,
                "enforcement_domain": agency.domain,
                "case_no": None,
                "filing_date": filing,
                "suspected_crime": False,
                "entry_date": entry,
                "_role": agency.role,
                "_year": decision.year,
                "_text_ids": [],
                "_text_phones": [],
                "_legacy_id": False,
                "_planted": None,
                "_bad": None,
            }
        )
        if rng.random() < 0.7:
            rec["publicity_until"] = decision + timedelta(days=rng.choice((90, 365, 365 * 3)))
        if party.category == NATURAL_PERSON:
            rec["party_id_type"] = "身份证"
            rec["party_id_no"] = party.id_no
        else:
            rec["legal_rep_name"] = party.rep_name
            if party.rep_id:
                rec["legal_rep_id_type"] = "身份证"
                rec["legal_rep_id_no"] = party.rep_id
            if party.uscc and party.uscc[:2] in ("91", "92") and rng.random() < 0.3:
                rec["party_code_3"] = party.uscc[8:17]
        return rec

    def background(self, agency: Unit, decision: date) -> Record:
        """An ordinary case of this agency, below every threshold."""
        rng = self.rng
        offence: Offence = rng.choice(OFFENCES[agency.role])
        kind = rng.choice(offence.parties)
        roll = rng.random()
        if kind == "company" and agency.role in ("land", "forest", "env") and roll < 0.08:
            village = (
                rng.choice(PLACES[self.region.code][-3:]) + rng.choice(("东", "西", "南", "北", "新")) + "村"
            )
            party = self.parties.collective(village)
        elif kind == "company" and roll < 0.015:
            party = self.parties.military_shop()
        elif kind == "company" and roll < 0.03:
            party = self.parties.other_org()
        else:
            party = self.parties.of_kind(kind)
        rec = self.base(agency, party, decision)
        self.fill_offence(rec, offence, party)
        if party.category == NATURAL_PERSON and (party.id_no or "")[6:8] == "19" and rng.random() < 0.04:
            rec["party_id_no"] = ids.ric_to_legacy15(party.id_no or "")
            rec["_legacy_id"] = True
        if rng.random() < 0.06 and party.phone:
            rec["remarks"] = f"当事人联系电话：{party.phone}"
            rec["_text_phones"].append(party.phone)
        elif rng.random() < 0.4:
            rec["remarks"] = rng.choice(("已缴纳罚款", "已履行完毕", "当事人已整改", "罚没款已上缴国库"))
        return rec

    def fill_offence(self, rec: Record, offence: Offence, party: Party, *, facts: str | None = None) -> None:
        """Violation fields, amounts and 处罚内容 drawn from an offence template."""
        rng = self.rng
        v = yuan(rng.randint(*offence.value)) if offence.value else None
        g = yuan(rng.randint(*offence.gain)) if offence.gain else None
        q: Decimal | None = None
        if offence.qty:
            lo, hi, unit = offence.qty
            raw = rng.uniform(lo, hi)
            q = Decimal(str(int(raw))) if unit == "公斤" else Decimal(str(round(raw, 1)))
            rec["quantity"], rec["quantity_unit"] = q, unit
        cats = list(rng.choice(offence.categories))
        fine = yuan(rng.randrange(offence.fine[0], offence.fine[1] + 1, 100)) if "罚款" in cats else None
        if "没收违法所得" in cats and g is None:
            g = yuan(rng.randint(50, 800))
        item = rng.choice(offence.items) if offence.items else ""
        if item == "RIVER":
            item = WATERS[self.region.code]
        with_id = party.category == NATURAL_PERSON and rng.random() < 0.05
        if with_id and party.id_no:
            rec["_text_ids"].append(party.id_no)
        text = facts or offence.facts
        rec["violation_facts"] = text.format(
            who=who_text(party, with_id),
            date=cn_date(rec["filing_date"] - timedelta(days=rng.randint(3, 40))),
            place=rng.choice(PLACES[self.region.code]),
            item=item,
            v=fmt_yuan(v) if v else "",
            g=fmt_yuan(g) if g else "",
            q=q if q is not None else "",
            n=rng.randint(2, 15),
        )
        if rng.random() < 0.03 and party.phone:
            rec["violation_facts"] += f"执法人员通过电话（{party.phone}）通知当事人到场接受调查。"
            rec["_text_phones"].append(party.phone)
        rec["violation_type"] = offence.violation_type
        rec["legal_basis"] = offence.basis
        rec["enforcement_domain"] = offence.domain
        if v is not None and rng.random() < 0.6:
            rec[offence.value_field] = v
        if offence.value_field == "direct_loss":
            rec["deaths"], rec["serious_injuries"] = 0, 0
        if g is not None and rng.random() < 0.6:
            rec["illegal_gain"] = g
        goods = (v if v is not None else yuan(rng.randint(100, 2000))) if "没收非法财物" in cats else None
        license_text = None
        if offence.license:
            license_text = f"{offence.license}（编号JY{rng.randint(10**13, 10**14 - 1)}）"
            rec["license_action"] = license_text
        rec["fine_amount"] = fine
        confiscated = (g if "没收违法所得" in cats else Decimal(0)) + (goods or Decimal(0))
        rec["confiscation_amount"] = confiscated if confiscated else None
        rec["penalty_content"] = penalty_content(cats, fine, g, goods, offence.license)
        sep = rng.choice(CATEGORY_SEPARATORS)
        rec["penalty_categories"] = sep.join(cats)


def assign_numbers(records: list[Record], region: Region, role: str, rng: random.Random) -> None:
    """Decision and case numbers in decision-date order, per year, with the gaps real registers have."""
    pattern = DECISION_PATTERNS[role]
    by_year: dict[int, list[Record]] = {}
    for rec in sorted(
        records,
        key=lambda r: (
            r["decision_date"] if isinstance(r["decision_date"], date) else date(r["_year"], 12, 31)
        ),
    ):
        by_year.setdefault(rec["_year"], []).append(rec)
    for year, recs in sorted(by_year.items()):
        n = rng.randint(1, 6)
        for rec in recs:
            rec["decision_no"] = pattern.format(p=region.doc_prefix, y=year, n=n)
            rec["case_no"] = f"{region.ticket_abbr}{ROLE_CODES[role]}{year}{n:04d}"
            n += rng.randint(1, 3)


def cn_number(value: int) -> str:
    """Small integers in Chinese numerals (25 → 二十五), as some clerks write quantities."""
    if value < 10:
        return _CN_DIGITS[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
