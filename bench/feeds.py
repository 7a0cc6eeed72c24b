"""Rows of the three ledgers for one unit at a time, as typed columns (numpy), valid by default.

The content follows the deterministic sample (`sample_data`): the offence catalogue with its facts
templates, decision-number patterns, hotline topics and supervision document words; identifiers carry real
check characters. A share of rows is broken on purpose, one reason per row, from the sample's list of bad
rows (USCC check character, future date, impossible date, negative fine, unknown 处罚类别, 自然人 without
证件号码; an impossible 制发日期 or 受理时间 in the other feeds).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from bench import fake
from bench.cells import Typed, text, typed
from bench.fake import Rng, cat, day_number, pick
from sample_data.hotline import CLUE_TOPICS_12309, REQUEST_WEIGHTS, RESULTS_12345, TOPICS
from sample_data.layouts import F1_FIELDS, F2_FIELDS, F3_FIELDS
from sample_data.offences import OFFENCES
from sample_data.penalties import CATEGORY_SEPARATORS, DECISION_PATTERNS, ROLE_CODES
from sample_data.supervision import _BACKGROUND_WEIGHTS, DOC_WORDS
from sample_data.units import Region, Unit

START, END = date(2024, 1, 1), date(2025, 12, 31)
PLACES = ("人民路", "解放路", "建设路", "中山路", "文化路", "新华路", "胜利路", "工业园区", "东关街道", "城南新区",
          "北京路", "车站路", "滨河路", "和平路")
REMARKS = ("已缴纳罚款", "已履行完毕", "当事人已整改", "罚没款已上缴国库")
PENALTY_BAD = ("uscc_check", "future_date", "impossible_date", "negative_fine", "unknown_category",
               "natural_person_no_id")
DAY = 86_400


@dataclass
class Block:
    """Typed columns of one unit's rows, the period key of each row and the planted bad rows."""

    columns: dict[str, Typed]
    period_day: np.ndarray  # the day that decides which delivery (month / quarter / year) a row is in
    bad: np.ndarray  # bool per row
    raw_overrides: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)  # field → rows, texts

    @property
    def rows(self) -> int:
        return len(self.period_day)


def _none(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


def _null_text(n: int) -> Typed:
    return text(np.full(n, "", dtype="<U1"), _none(n))


def _fmt(template: str, parts: dict[str, np.ndarray], n: int) -> np.ndarray:
    """str.format for arrays: literal pieces and placeholder columns concatenated."""
    out: np.ndarray = np.full(n, "", dtype="<U1")
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            out = cat(out, literal)
        if name is not None:
            out = cat(out, parts[name])
    return out


def _bad_mask(rng: Rng, n: int, share: float) -> np.ndarray:
    bad = np.zeros(n, dtype=bool)
    k = int(rng.binomial(n, share)) if share > 0 and n else 0
    if k:
        bad[rng.choice(n, size=k, replace=False)] = True
    return bad


def _sequence(rng: Rng, groups: np.ndarray, step: tuple[int, int], start: tuple[int, int]) -> np.ndarray:
    """Serial numbers per group in row order, with the gaps real registers have."""
    n = len(groups)
    inc = rng.integers(step[0], step[1] + 1, n)
    out = np.empty(n, dtype=np.int64)
    for g in np.unique(groups):
        m = groups == g
        out[m] = rng.integers(start[0], start[1] + 1) + np.cumsum(inc[m]) - inc[m][0]
    return out


def _year(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


# ---------------------------------------------------------------------------------------------- F1
def penalty_block(rng: Rng, region: Region, agency: Unit, n: int, bad_share: float, *, start: date = START,
                  end: date = END, agency_name: str | None = None, separator: str | None = None) -> Block:
    """n 行政处罚决定 of one agency, decided between start and end (sorted by decision date)."""
    offences = OFFENCES[agency.role]
    sep = separator or pick(rng, CATEGORY_SEPARATORS, 1)[0]
    decision = np.sort(np.clip(fake.workdays(fake.random_days(rng, n, start, end)), day_number(start),
                               day_number(end)))
    filing = decision - rng.integers(8, 76, n)
    entry = decision + pick(rng, (1, 1, 2, 2, 3, 3, 4, 5, 6), n)
    late = rng.random(n) < 0.07
    entry = np.where(late, decision + rng.integers(12, 46, n), entry)
    roll = rng.random(n)
    long_term = roll < 0.35
    valid_until = np.where(roll < 0.8, decision + 365 * 3, decision + 365)
    publicity = rng.random(n) < 0.7
    publicity_until = decision + pick(rng, (90, 365, 365 * 3), n)

    off = rng.integers(0, len(offences), n)
    kind = np.empty(n, dtype="<U7")
    for k, o in enumerate(offences):
        m = off == k
        kind[m] = pick(rng, o.parties, int(m.sum()))
    company, shop, person = kind == "company", kind == "shop", kind == "person"
    category = np.where(company, "法人及非法人组织", np.where(shop, "个体工商户", "自然人"))
    names = np.where(company, fake.company_names(rng, n, region.place),
                     np.where(shop, fake.shop_names(rng, n, region.short), fake.person_names(rng, n)))
    uscc = fake.uscc(rng, np.where(shop, "92", "91"), region.code)
    rep_name = fake.person_names(rng, n)
    rep_id_valid = (company & (rng.random(n) < 0.35)) | (shop & (rng.random(n) < 0.5))
    ids = fake.ric(rng, region.birth_regions, n)
    legacy = person & (rng.random(n) < 0.04) & (np.strings.slice(ids, 6, 8) == "19")
    party_id = np.where(legacy, cat(np.strings.slice(ids, 0, 6), np.strings.slice(ids, 8, 17)), ids)
    code3 = company & (rng.random(n) < 0.3)
    phones = fake.mobiles(rng, n)

    # offence-specific values (yuan)
    v = np.zeros(n, np.int64)
    v_ok = _none(n)
    g = np.zeros(n, np.int64)
    g_ok = _none(n)
    q = np.zeros(n, float)
    q_ok = _none(n)
    q_text = np.full(n, "", dtype="<U12")
    q_unit = np.full(n, "", dtype="<U4")
    fine = np.zeros(n, np.int64)
    fine_ok = _none(n)
    goods = np.zeros(n, np.int64)
    confiscated = np.zeros(n, np.int64)
    item = np.full(n, "", dtype="<U16")
    license_text = np.full(n, "", dtype="<U40")
    license_ok = _none(n)
    content = np.full(n, "", dtype="<U1")
    cats_text = np.full(n, "", dtype="<U1")
    vtype = np.full(n, "", dtype="<U1")
    basis = np.full(n, "", dtype="<U1")
    domain = np.full(n, "", dtype="<U1")
    facts = np.full(n, "", dtype="<U1")
    direct_loss_field = _none(n)
    date_text = _cn_dates(filing - rng.integers(3, 41, n))
    with_id = person & (rng.random(n) < 0.05)
    who = np.where(person, cat("当事人", names),
                   np.where(shop, cat("当事人", names, "（经营者：", rep_name, "）"), cat("当事人", names)))
    who = np.where(with_id, cat(who, "（公民身份号码：", ids, "）"), who)
    place = pick(rng, PLACES, n)
    nn = rng.integers(2, 16, n).astype(str)
    for k, o in enumerate(offences):
        m = off == k
        c = int(m.sum())
        if not c:
            continue
        idx = np.flatnonzero(m)
        if o.value:
            v[idx] = rng.integers(o.value[0], o.value[1] + 1, c)
            v_ok[idx] = True
        if o.gain:
            g[idx] = rng.integers(o.gain[0], o.gain[1] + 1, c)
            g_ok[idx] = True
        if o.qty:
            lo, hi, unit = o.qty
            raw = rng.uniform(lo, hi, c)
            vals = np.floor(raw) if unit == "公斤" else np.round(raw, 1)
            q[idx], q_ok[idx], q_unit[idx] = vals, True, unit
            q_text[idx] = vals.astype(np.int64).astype(str) if unit == "公斤" else np.char.mod("%.1f", vals)
        if o.items:
            item[idx] = pick(rng, [f"{region.short}河段" if i == "RIVER" else i for i in o.items], c)
        alt = rng.integers(0, len(o.categories), c)
        for j, cats in enumerate(o.categories):
            sub = idx[alt == j]
            s = len(sub)
            if not s:
                continue
            if "罚款" in cats:
                fine[sub] = o.fine[0] + 100 * rng.integers(0, (o.fine[1] - o.fine[0]) // 100 + 1, s)
                fine_ok[sub] = True
            if "没收违法所得" in cats:
                missing = ~g_ok[sub]
                g[sub[missing]] = rng.integers(50, 801, int(missing.sum()))
                g_ok[sub] = True
            if "没收非法财物" in cats:
                goods[sub] = np.where(v_ok[sub], v[sub], rng.integers(100, 2001, s))
            confiscated[sub] = (g[sub] if "没收违法所得" in cats else 0) + (goods[sub] if "没收非法财物" in cats else 0)
            parts = []
            for cname in cats:
                if cname == "罚款":
                    parts.append(cat("罚款人民币", fine[sub].astype(str), "元"))
                elif cname == "没收违法所得":
                    parts.append(cat("没收违法所得人民币", g[sub].astype(str), "元"))
                elif cname == "没收非法财物":
                    parts.append(cat("没收涉案物品（价值人民币", goods[sub].astype(str), "元）"))
                elif cname in ("暂扣或者吊销许可证", "吊销许可证件") and o.license:
                    parts.append(np.full(s, f"吊销《{o.license}》"))
                elif cname.startswith("其他-"):
                    parts.append(np.full(s, cname.removeprefix("其他-")))
                else:
                    parts.append(np.full(s, cname))
            joined = parts[0]
            for p in parts[1:]:
                joined = cat(joined, "，", p)
            content = _put(content, sub, joined)
            cats_text = _put(cats_text, sub, np.full(s, sep.join(cats)))
        if o.license:
            license_text[idx] = cat(f"{o.license}（编号JY", fake.digits(rng, c, 14), "）")
            license_ok[idx] = True
        vtype = _put(vtype, idx, np.full(c, o.violation_type))
        basis = _put(basis, idx, np.full(c, o.basis))
        domain = _put(domain, idx, np.full(c, o.domain))
        parts_k = {"who": who[idx], "date": date_text[idx], "place": place[idx], "item": item[idx],
                   "v": np.where(v_ok[idx], v[idx].astype(str), ""), "g": np.where(g_ok[idx], g[idx].astype(str), ""),
                   "q": q_text[idx], "n": nn[idx]}
        facts = _put(facts, idx, _fmt(o.facts, parts_k, c))
        if o.value_field == "direct_loss":
            direct_loss_field[idx] = True
    phone_in_facts = rng.random(n) < 0.03
    facts = np.where(phone_in_facts, cat(facts, "执法人员通过电话（", phones, "）通知当事人到场接受调查。"), facts)
    value_shown = v_ok & (rng.random(n) < 0.6)
    gain_shown = g_ok & (rng.random(n) < 0.6)
    remark_roll = rng.random(n)
    remarks = np.where(remark_roll < 0.06, cat("当事人联系电话：", phones), pick(rng, REMARKS, n))
    remarks_ok = (remark_roll < 0.06) | (rng.random(n) < 0.4)

    years = _year(decision)
    serial = _sequence(rng, years, (1, 3), (1, 6))
    pattern = DECISION_PATTERNS[agency.role]
    at = pattern.index("{n")
    close = pattern.index("}", at)
    pad = 4 if pattern[at + 2:close] == ":04d" else 0
    numbers = np.strings.zfill(serial.astype(str), pad) if pad else serial.astype(str)
    head = np.array([pattern[:at].format(p=region.doc_prefix, y=y) for y in years.tolist()]) if n else np.array([])
    decision_no = cat(head, numbers, pattern[close + 1:])
    case_no = cat(f"{region.ticket_abbr}{ROLE_CODES[agency.role]}", years.astype(str),
                  np.strings.zfill(serial.astype(str), 4))

    cols: dict[str, Typed] = {
        "party_name": text(names),
        "party_category": text(category),
        "party_uscc": text(uscc, ~person),
        "party_code_2": _null_text(n),
        "party_code_3": text(np.strings.slice(uscc, 8, 17), code3),
        "party_code_4": _null_text(n),
        "party_code_5": _null_text(n),
        "party_code_6": _null_text(n),
        "legal_rep_name": text(rep_name, ~person),
        "legal_rep_id_type": text(np.full(n, "身份证"), rep_id_valid & ~person),
        "legal_rep_id_no": text(fake.ric(rng, region.birth_regions, n), rep_id_valid & ~person),
        "party_id_type": text(np.full(n, "身份证"), person),
        "party_id_no": text(party_id, person),
        "decision_no": text(decision_no),
        "violation_type": text(vtype),
        "violation_facts": text(facts),
        "legal_basis": text(basis),
        "penalty_categories": text(cats_text),
        "penalty_content": text(content),
        "fine_amount": typed("amount", fine, fine_ok),
        "confiscation_amount": typed("amount", confiscated, confiscated > 0),
        "license_action": text(license_text, license_ok),
        "decision_date": typed("date", decision),
        "valid_until": Typed("date", valid_until, ~long_term, long_term),
        "publicity_until": typed("date", publicity_until, publicity),
        "agency_name": text(np.full(n, agency_name or agency.name)),
        "agency_uscc": text(np.full(n, agency.uscc)),
        "source_unit_name": text(np.full(n, agency.name)),
        "source_unit_uscc": text(np.full(n, agency.uscc)),
        "remarks": text(remarks, remarks_ok),
        "region_code": text(np.full(n, region.code)),
        "enforcement_domain": text(domain),
        "case_no": text(case_no),
        "filing_date": typed("date", filing),
        "case_value": typed("amount", v, value_shown & ~direct_loss_field),
        "illegal_gain": typed("amount", g, gain_shown),
        "quantity": typed("decimal", q, q_ok),
        "quantity_unit": text(q_unit, q_ok),
        "deaths": typed("int", np.zeros(n, np.int64), direct_loss_field),
        "serious_injuries": typed("int", np.zeros(n, np.int64), direct_loss_field),
        "direct_loss": typed("amount", v, value_shown & direct_loss_field),
        "suspected_crime": typed("bool", np.zeros(n, bool), rng.random(n) < 0.7),
        "transfer_date": typed("date", np.zeros(n, np.int64), _none(n)),
        "transfer_receiver": _null_text(n),
        "police_decision": _null_text(n),
        "police_decision_date": typed("date", np.zeros(n, np.int64), _none(n)),
        "copied_to_procuratorate_date": typed("date", np.zeros(n, np.int64), _none(n)),
        "entry_date": typed("date", entry),
    }
    assert list(cols) == list(F1_FIELDS)
    block = Block(cols, decision.copy(), _bad_mask(rng, n, bad_share))
    _break_penalties(rng, block, person, fine_ok, sep)
    return block


def _put(arr: np.ndarray, idx: np.ndarray, values: np.ndarray) -> np.ndarray:
    """arr[idx] = values, widening the string dtype when needed."""
    values = np.asarray(values)
    if values.dtype.itemsize > arr.dtype.itemsize:
        arr = arr.astype(values.dtype)
    arr[idx] = values
    return arr


def _cn_dates(days: np.ndarray) -> np.ndarray:
    dt = days.astype("datetime64[D]")
    months = dt.astype("datetime64[M]")
    y = (dt.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str)
    m = (months.astype(np.int64) % 12 + 1).astype(str)
    d = ((dt - months).astype(np.int64) + 1).astype(str)
    return cat(y, "年", m, "月", d, "日")


def _break_penalties(rng: Rng, block: Block, person: np.ndarray, fine_ok: np.ndarray, sep: str) -> None:
    rows = np.flatnonzero(block.bad)
    if not len(rows):
        return
    cols = block.columns
    reason = pick(rng, PENALTY_BAD, len(rows))
    reason = np.where((reason == "uscc_check") & person[rows], "unknown_category", reason)
    reason = np.where((reason == "negative_fine") & ~fine_ok[rows], "future_date", reason)
    reason = np.where((reason == "natural_person_no_id") & ~person[rows], "impossible_date", reason)
    r = rows[reason == "uscc_check"]
    cols["party_uscc"].values = cols["party_uscc"].values.astype("<U18")
    cols["party_uscc"].values[r] = fake.corrupt_uscc(cols["party_uscc"].values[r])
    r = rows[reason == "future_date"]
    cols["decision_date"].values[r] = day_number(date(2030, 6, 15)) + rng.integers(0, 100, len(r))
    r = rows[reason == "negative_fine"]
    cols["fine_amount"].values[r] = -cols["fine_amount"].values[r]
    r = rows[reason == "unknown_category"]
    cols["penalty_categories"].values = _put(cols["penalty_categories"].values, r,
                                             cat(cols["penalty_categories"].values[r], f"{sep}训诫"))
    r = rows[reason == "natural_person_no_id"]
    cols["party_id_no"].valid[r] = False
    r = rows[reason == "impossible_date"]
    years = _year(cols["decision_date"].values[r])
    block.raw_overrides["decision_date"] = (r, [f"{y}-02-30" for y in years.tolist()])


# ---------------------------------------------------------------------------------------------- F3
def hotline_block(rng: Rng, region: Region, units: dict[str, Unit], channel: str, n: int, bad_share: float,
                  *, with_due: bool, start: date = START, end: date = END) -> Block:
    """n tickets of one region's 12345 centre or 12309 procuratorate service centre."""
    day = np.sort(fake.random_days(rng, n, start, end))
    received = day * DAY + rng.integers(8, 21, n) * 3600 + rng.integers(0, 60, n) * 60
    order = np.argsort(received, kind="stable")
    received, day = received[order], day[order]
    years = _year(day)
    caller_ok = rng.random(n) < 0.85
    phone_ok = rng.random(n) < 0.95
    landline = rng.random(n) < 0.1
    phone = np.where(landline, cat(f"{region.area_code}-", pick(rng, list("5678"), n), fake.digits(rng, n, 7)),
                     fake.mobiles(rng, n))
    place = pick(rng, PLACES, n)
    zeros = np.zeros(n, np.int64)
    agencies = [u for u in units.values() if u.domain and u.kind == "政府部门"]
    if channel == "12345":
        kinds = list(REQUEST_WEIGHTS)
        kind = pick(rng, kinds, n, list(REQUEST_WEIGHTS.values()))
        topic_idx = np.zeros(n, np.int64)
        for k in kinds:
            m = kind == k
            options = [i for i, t in enumerate(TOPICS) if t[0] == k]
            topic_idx[m] = pick(rng, options, int(m.sum()))
        content = np.full(n, "", dtype="<U1")
        handler = np.full(n, "", dtype="<U1")
        clue = np.full(n, "", dtype="<U1")
        for i, (_k, template, roles, clue_cat) in enumerate(TOPICS):
            m = np.flatnonzero(topic_idx == i)
            if not len(m):
                continue
            content = _put(content, m, _fmt(template, {"place": cat(region.short, place[m])}, len(m)))
            unit = next((units[r] for r in roles if r in units), units["urban"])
            alias = rng.random(len(m)) < 0.3
            handler = _put(handler, m, np.where(alias, unit.alias, unit.name))
            clue = _put(clue, m, np.full(len(m), clue_cat or ""))
        serial = _sequence(rng, day, (1, 9), (1, 9))
        ticket = cat(region.ticket_abbr, _compact(day), np.strings.zfill(serial.astype(str), 4))
        dispatched = received + rng.integers(10, 241, n) * 60
        due = (day + 7) * DAY + (DAY - 1)
        roll = rng.random(n)
        offset = np.where(roll < 0.82, rng.integers(1, 6, n), rng.integers(6, 11, n))
        closed = fake.next_workday(day + offset) * DAY + rng.integers(8, 19, n) * 3600 + rng.integers(0, 60, n) * 60
        closed_ok = roll <= 0.97
        result = pick(rng, RESULTS_12345, n)
        satisfaction = pick(rng, ("满意", "基本满意", "不满意", "未评价"), n, [60, 20, 8, 12])
        pushed = (clue != "") & (rng.random(n) < 0.35)
        pushed_at = received + rng.integers(1, 21, n) * 3600
        counterpart = cat(f"JC{region.code}", years.astype(str),
                          np.strings.zfill(rng.integers(1, 99999, n).astype(str), 5))
        feedback = pushed & (rng.random(n) < 0.75)
        feedback_at = pushed_at + rng.integers(10, 61, n) * DAY
        cols: dict[str, Typed] = {
            "ticket_no": text(ticket),
            "channel": text(np.full(n, "12345")),
            "region_code": text(np.full(n, region.code)),
            "received_at": typed("datetime", received),
            "request_type": text(kind),
            "content": text(content),
            "caller_name": text(fake.person_names(rng, n), caller_ok),
            "caller_phone": text(phone, phone_ok),
            "handling_unit_name": text(handler),
            "dispatched_at": typed("datetime", dispatched),
            "due_at": typed("datetime", due, np.full(n, with_due)),
            "closed_at": typed("datetime", closed, closed_ok),
            "result": text(result, closed_ok),
            "satisfaction": text(satisfaction, closed_ok),
            "pushed": typed("bool", pushed),
            "pushed_at": typed("datetime", pushed_at, pushed),
            "counterpart_ticket_no": text(counterpart, pushed),
            "clue_category": text(clue, pushed),
            "procedural_reply_at": typed("datetime", zeros, _none(n)),
            "feedback_at": typed("datetime", feedback_at, feedback),
            "feedback_result": text(pick(rng, ("已立案", "不予立案", "已办结", "已答复"), n), feedback),
        }
    else:
        topic = rng.integers(0, len(CLUE_TOPICS_12309), n)
        content = np.full(n, "", dtype="<U1")
        kind = np.full(n, "", dtype="<U2")
        clue = np.full(n, "", dtype="<U1")
        target = pick(rng, [u.alias for u in agencies], n)
        for i, (k, template, clue_cat) in enumerate(CLUE_TOPICS_12309):
            m = np.flatnonzero(topic == i)
            if not len(m):
                continue
            content = _put(content, m, _fmt(template, {"unit": target[m], "place": cat(region.short, place[m])},
                                            len(m)))
            kind[m] = k
            clue = _put(clue, m, np.full(len(m), clue_cat or ""))
        serial = _sequence(rng, years, (1, 3), (0, 2))
        ticket = cat(f"JC{region.code}", years.astype(str), np.strings.zfill(serial.astype(str), 5))
        late = rng.random(n) < 0.15
        reply = received + np.where(late, rng.integers(8, 16, n), rng.integers(1, 7, n)) * DAY
        pushed = (clue != "") & (rng.random(n) < 0.25)
        pushed_at = received + rng.integers(4, 31, n) * 3600
        counterpart = cat(region.ticket_abbr, _compact(day), np.strings.zfill(rng.integers(1, 9999, n).astype(str), 4))
        cols = {
            "ticket_no": text(ticket),
            "channel": text(np.full(n, "12309")),
            "region_code": text(np.full(n, region.code)),
            "received_at": typed("datetime", received),
            "request_type": text(kind),
            "content": text(content),
            "caller_name": text(fake.person_names(rng, n), caller_ok),
            "caller_phone": text(phone, phone_ok),
            "handling_unit_name": text(np.full(n, units["proc"].name)),
            "dispatched_at": typed("datetime", zeros, _none(n)),
            "due_at": typed("datetime", zeros, _none(n)),
            "closed_at": typed("datetime", zeros, _none(n)),
            "result": _null_text(n),
            "satisfaction": _null_text(n),
            "pushed": typed("bool", pushed),
            "pushed_at": typed("datetime", pushed_at, pushed),
            "counterpart_ticket_no": text(counterpart, pushed),
            "clue_category": text(clue, clue != ""),
            "procedural_reply_at": typed("datetime", reply),
            "feedback_at": typed("datetime", zeros, _none(n)),
            "feedback_result": _null_text(n),
        }
    assert list(cols) == list(F3_FIELDS)
    block = Block(cols, day.copy(), _bad_mask(rng, n, bad_share))
    rows = np.flatnonzero(block.bad)
    if len(rows):  # an impossible 受理时间
        block.raw_overrides["received_at"] = (rows, [f"{y}-02-30 10:00:00" for y in years[rows].tolist()])
    return block


def _compact(days: np.ndarray) -> np.ndarray:
    dt = days.astype("datetime64[D]")
    return np.strings.replace(dt.astype(str), "-", "")


# ---------------------------------------------------------------------------------------------- F2
def supervision_block(rng: Rng, region: Region, units: dict[str, Unit], n: int, bad_share: float, *,
                      start: date = START, end: date = END) -> Block:
    """n documents of one region's procuratorate (background documents of the sample's kinds)."""
    proc = units["proc"]
    kinds = list(_BACKGROUND_WEIGHTS)
    kind = pick(rng, kinds, n, list(_BACKGROUND_WEIGHTS.values()))
    issued = np.sort(np.clip(fake.workdays(fake.random_days(rng, n, start, end)), day_number(start),
                             day_number(end)))
    agencies = [u for u in units.values() if u.domain and u.kind == "政府部门"]
    target_idx = rng.integers(0, len(agencies), n)
    target_name = np.array([u.name for u in agencies])[target_idx]
    target_alias = np.array([u.alias for u in agencies])[target_idx]
    target_uscc = np.array([u.uscc for u in agencies])[target_idx]
    target_domain = np.array([u.domain or "" for u in agencies])[target_idx]
    to_court = kind == "再审检察建议"
    to_police = (kind == "线索移送") & (rng.random(n) < 0.4)
    for m, unit in ((to_court, units["court"]), (to_police, units["police"])):
        target_name = np.where(m, unit.name, target_name)
        target_alias = np.where(m, unit.alias, target_alias)
        target_uscc = np.where(m, unit.uscc, target_uscc)
        target_domain = np.where(m, unit.domain or "", target_domain)
    alias = rng.random(n) < 0.35
    served = fake.workdays(issued + rng.integers(0, 7, n))
    served_ok = rng.random(n) >= 0.02
    urgent_val = np.where(kind == "公益诉讼诉前检察建议", rng.random(n) < 0.12, False)
    urgent_ok = (kind == "公益诉讼诉前检察建议") | (rng.random(n) < 0.6)
    explicit = rng.random(n) < 0.04
    begin = np.where(served_ok, served, issued)
    period = np.where(kind == "再审检察建议", 90, np.where(kind == "行政非诉执行监督", 90, 60))
    period = np.where((kind == "公益诉讼诉前检察建议") & urgent_val, 15, period)
    has_duty = kind != "线索移送"
    due = np.where(explicit, issued + 30, begin + period)
    roll = rng.random(n)
    span = np.maximum(1, due - begin)
    on_time = begin + np.maximum(1, (rng.random(n) * span).astype(np.int64))
    reply = np.where(roll < 0.72, np.minimum(due, on_time), due + rng.integers(1, 41, n))
    reply = np.where(has_duty, reply, begin + rng.integers(10, 61, n))
    reply_ok = np.where(has_duty, roll < 0.85, roll < 0.3)
    outcome = pick(rng, ("采纳", "部分采纳", "不采纳"), n, [75, 15, 10])
    reverse = pick(rng, ("已作出行政处罚", "不予行政处罚"), n, [8, 2])
    outcome = np.where(kind == "检察意见（行刑反向衔接）", reverse, outcome)
    outcome = np.where(kind == "线索移送", pick(rng, ("已立案", "已作出行政处罚"), n), outcome)
    rect = pick(rng, ("已整改", "整改中", "未整改"), n, [55, 35, 10])
    no_rect = (outcome == "不采纳") | (kind == "再审检察建议") | (kind == "检察意见（行刑反向衔接）")
    rect = np.where(no_rect, "不适用", rect)
    rect_ok = reply_ok & (kind != "线索移送")
    rectified = reply + rng.integers(0, 61, n)
    rectified_ok = rect_ok & (rect == "已整改")
    follow = pick(rng, ("再次制发", "提请上级"), n)
    follow = np.where(kind == "公益诉讼诉前检察建议", "提起诉讼", follow)
    follow_ok = ~reply_ok & has_duty & (rng.random(n) < 0.4)
    years = _year(issued)
    words = np.array([DOC_WORDS[k] for k in kind.tolist()]) if n else np.array([], dtype="<U4")
    groups = cat(words, years.astype(str))
    serial = _sequence(rng, groups, (1, 2), (1, 3))
    doc_no = cat(region.proc_abbr, words, "〔", years.astype(str), "〕", serial.astype(str), "号")
    related_case = cat(f"{region.proc_abbr}刑不诉〔", years.astype(str), "〕", rng.integers(1, 41, n).astype(str), "号")
    cols: dict[str, Typed] = {
        "document_no": text(doc_no),
        "procuratorate": text(np.full(n, proc.name)),
        "region_code": text(np.full(n, region.code)),
        "supervision_type": text(kind),
        "target_unit_name": text(np.where(alias, target_alias, target_name)),
        "target_unit_uscc": text(target_uscc, ~alias & (rng.random(n) < 0.7)),
        "enforcement_domain": text(target_domain, target_domain != ""),
        "related_decision_no": _null_text(n),
        "related_case_no": text(related_case, kind == "检察意见（行刑反向衔接）"),
        "issued_date": typed("date", issued),
        "served_date": typed("date", served, served_ok),
        "urgent": typed("bool", urgent_val, urgent_ok),
        "reply_due_date": typed("date", due, explicit),
        "reply_date": typed("date", reply, reply_ok),
        "reply_outcome": text(outcome, reply_ok),
        "rectification_status": text(rect, rect_ok),
        "rectified_date": typed("date", rectified, rectified_ok),
        "follow_up": text(follow, follow_ok),
        "remarks": _null_text(n),
    }
    assert list(cols) == list(F2_FIELDS)
    block = Block(cols, issued.copy(), _bad_mask(rng, n, bad_share))
    rows = np.flatnonzero(block.bad)
    if len(rows):  # an impossible 制发日期, as the sample's bad F2 row
        block.raw_overrides["issued_date"] = (rows, [f"{y}-02-30" for y in years[rows].tolist()])
    return block
