"""F3 hotline exchange: 12345 tickets and 12309 clues, with pushed pairs linked by 对方工单编号.

12345 default rule: closed within 5 working days after the day of receipt (due at the end of that day);
12309 procedural reply within 7 days, rolled to a working day. Planted tickets leave 办理时限 empty so the
default rule applies, except the one that tests the override.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sample_data import ids, names
from sample_data.penalties import AS_OF, PLACES, Record
from sample_data.planted import Planted
from sample_data.units import REGION_BY_CODE, Region, Unit
from sample_data.workdays import due_in_days, due_in_workdays

END_OF_AS_OF = datetime.combine(AS_OF, time(23, 59, 59))
REQUEST_WEIGHTS = {"咨询": 24, "求助": 14, "投诉": 30, "举报": 14, "建议": 10, "其他": 8}

# (request type, content, handling roles, clue category for a push to 12309)
TOPICS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = (
    ("投诉", "来电人反映{place}附近一餐馆油烟直排，影响周边居民生活，要求处理。", ("env", "urban"), None),
    ("投诉", "来电人反映{place}附近工地夜间施工噪音扰民。", ("housing", "urban"), None),
    ("投诉", "来电人反映其在{place}某超市购买的商品结算价格与标价不符。", ("market",), None),
    ("投诉", "来电人反映所在单位未为其缴纳社会保险。", ("hrss",), None),
    ("投诉", "来电人反映{place}路段占道经营现象严重，影响通行。", ("urban",), None),
    ("投诉", "来电人反映{place}一带出租车拒载、议价。", ("transport",), None),
    (
        "举报",
        "来电人举报{place}附近有企业夜间通过暗管向河道排放污水，河水发黑发臭。",
        ("env",),
        "生态环境和资源保护",
    ),
    ("举报", "来电人举报{place}有人在耕地上违规建房。", ("land",), "生态环境和资源保护"),
    ("举报", "来电人举报{place}一家无证小作坊生产的糕点无标签、卫生条件差。", ("market",), "食品药品安全"),
    ("举报", "来电人举报{place}某药店销售处方药不凭处方。", ("market",), "食品药品安全"),
    ("举报", "来电人举报{place}附近网吧接纳未成年人上网。", ("culture", "urban"), "未成年人保护"),
    ("举报", "来电人举报{place}某工地高处作业未设置防护设施。", ("safety", "housing"), "安全生产"),
    ("举报", "来电人举报某售楼处违规采集来访人员人脸信息。", ("market",), "个人信息保护"),
    (
        "举报",
        "来电人举报{place}一处老建筑被擅自拆改，疑为文物保护单位。",
        ("culture", "housing"),
        "文物和文化遗产保护",
    ),
    ("举报", "来电人反映{place}村集体所有的门面房被低价出租。", ("town",), "国有财产保护"),
    ("咨询", "来电人咨询灵活就业人员社保缴费政策。", ("hrss",), None),
    ("咨询", "来电人咨询个体工商户营业执照注销流程。", ("market",), None),
    ("咨询", "来电人咨询新生儿医保参保办理。", ("medins", "hotline"), None),
    ("咨询", "来电人咨询个人所得税汇算清缴事宜。", ("tax",), None),
    ("求助", "来电人称{place}某小区停水已超过一天，请求尽快恢复供水。", ("housing", "water"), None),
    ("求助", "来电人称被拖欠工资三个月，请求帮助追讨。", ("hrss",), None),
    ("求助", "来电人称{place}路灯损坏，夜间出行不便。", ("urban", "town"), None),
    ("建议", "来电人建议在{place}增设公交站点。", ("transport", "town"), None),
    ("建议", "来电人建议在{place}增设垃圾分类投放点。", ("urban", "town"), None),
    ("其他", "来电人表扬{place}社区工作人员服务热情。", ("town", "hotline"), None),
)
CLUE_TOPICS_12309: tuple[tuple[str, str, str | None], ...] = (
    ("举报", "来信人反映{unit}对其举报的违法建设问题长期未依法查处。", "行政执法监督"),
    ("投诉", "来访人对{unit}作出的行政处罚决定不服，申请检察监督。", "行政执法监督"),
    ("举报", "群众反映{place}河道管理范围被非法侵占，相关部门未依法履职。", "生态环境和资源保护"),
    ("举报", "群众反映{place}学校周边商店向未成年人售卖烟酒。", "未成年人保护"),
    ("举报", "群众反映{place}一处加油站存在安全隐患，监管部门未处理。", "安全生产"),
    ("咨询", "来访人咨询申请民事执行监督的条件。", None),
    ("其他", "来访人反映邻里纠纷问题。", None),
)
RESULTS_12345 = (
    "已联系来电人说明情况，来电人表示认可。",
    "经现场核查，已责令整改完毕。",
    "已按政策解答，来电人无异议。",
    "已转相关责任单位办理并反馈来电人。",
    "经核实情况属实，已依法处理。",
)


def _dt(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def ticket_due(received: datetime) -> date:
    """12345 default: 5 working days after the day of receipt."""
    return due_in_workdays(received.date(), 5)


def obligation_status(due: date, done: datetime | None) -> str:
    if done is not None:
        return "按期" if done.date() <= due else "逾期回复"
    return "逾期未回复" if due < AS_OF else "未到期"


def blank_ticket(region: Region, channel: str) -> Record:
    return {
        "ticket_no": None,
        "channel": channel,
        "region_code": region.code,
        "received_at": None,
        "request_type": None,
        "content": None,
        "caller_name": None,
        "caller_phone": None,
        "handling_unit_name": None,
        "dispatched_at": None,
        "due_at": None,
        "closed_at": None,
        "result": None,
        "satisfaction": None,
        "pushed": False,
        "pushed_at": None,
        "counterpart_ticket_no": None,
        "clue_category": None,
        "procedural_reply_at": None,
        "feedback_at": None,
        "feedback_result": None,
        "_planted": None,
        "_bad": None,
        "_text_ids": [],
        "_text_phones": [],
    }


@dataclass
class TicketNumbers:
    """12345: HJ + yyyymmdd + daily sequence; 12309: JC + region + year + sequence."""

    region: Region
    rng: random.Random

    def __post_init__(self) -> None:
        self.daily: dict[date, int] = {}
        self.yearly: dict[int, int] = {}

    def t12345(self, received: datetime) -> str:
        n = self.daily.get(received.date(), 0) + self.rng.randint(1, 9)
        self.daily[received.date()] = n
        return f"{self.region.ticket_abbr}{received:%Y%m%d}{n:04d}"

    def t12309(self, received: datetime) -> str:
        n = self.yearly.get(received.year, 0) + self.rng.randint(1, 3)
        self.yearly[received.year] = n
        return f"JC{self.region.code}{received.year}{n:05d}"


class HotlineBuilder:
    """Builds both exports of one region."""

    def __init__(self, region: Region, units: dict[str, Unit], rng: random.Random, numbers: TicketNumbers):
        self.region, self.units, self.rng, self.numbers = region, units, rng, numbers
        self.towns = [u for u in units.values() if u.kind == "乡镇街道"]
        self.t12345: list[Record] = []
        self.t12309: list[Record] = []

    def unit_for(self, roles: tuple[str, ...]) -> Unit:
        for role in roles:
            if role == "town" and self.towns:
                return self.rng.choice(self.towns)
            if role in self.units:
                return self.units[role]
        return self.units.get("urban") or self.units["market"]

    def display(self, unit: Unit) -> str:
        return unit.alias if self.rng.random() < 0.3 else unit.name

    def caller(self, rec: Record) -> None:
        rng = self.rng
        if rng.random() < 0.85:
            rec["caller_name"] = names.person_name(rng)
        if rng.random() < 0.95:
            rec["caller_phone"] = (
                ids.make_landline(self.region.area_code, rng) if rng.random() < 0.1 else ids.make_mobile(rng)
            )
        if rng.random() < 0.05:
            phone = ids.make_mobile(rng)
            rec["content"] += f"来电人另留联系电话{phone}。"
            rec["_text_phones"].append(phone)
        if rng.random() < 0.02:
            id_no = ids.make_ric(rng.choice(self.region.birth_regions), ids.random_birth(rng), rng)
            rec["content"] += f"来电人提供身份证号码{id_no}要求核查。"
            rec["_text_ids"].append(id_no)

    def random_received(self, start: date = date(2024, 1, 1), end: date = date(2025, 12, 31)) -> datetime:
        rng = self.rng
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        return _dt(day, rng.randint(8, 20), rng.randrange(0, 60))

    # ------------------------------------------------------------ background
    def background_12345(self, count: int, with_due: bool) -> None:
        rng = self.rng
        kinds, weights = zip(*REQUEST_WEIGHTS.items(), strict=True)
        for _ in range(count):
            kind = rng.choices(kinds, weights)[0]
            topics = [t for t in TOPICS if t[0] == kind]
            _kind, template, roles, clue = rng.choice(topics)
            rec = blank_ticket(self.region, "12345")
            received = self.random_received()
            rec.update(
                {
                    "received_at": received,
                    "request_type": kind,
                    "content": template.format(place=rng.choice(PLACES[self.region.code])),
                }
            )
            self.caller(rec)
            unit = self.unit_for(roles)
            rec["handling_unit_name"] = self.display(unit)
            rec["dispatched_at"] = received + timedelta(minutes=rng.randint(10, 240))
            due = ticket_due(received)
            if with_due:
                rec["due_at"] = datetime.combine(due, time(23, 59, 59))
            roll = rng.random()
            offset = rng.randint(1, 5) if roll < 0.82 else rng.randint(6, 10)
            closed = _dt(due_in_workdays(received.date(), offset), rng.randint(8, 18), rng.randrange(0, 60))
            if closed <= END_OF_AS_OF and not (roll > 0.97):
                rec["closed_at"] = closed
                rec["result"] = rng.choice(RESULTS_12345)
                rec["satisfaction"] = rng.choices(("满意", "基本满意", "不满意", "未评价"), (60, 20, 8, 12))[
                    0
                ]
            if clue and rng.random() < 0.35:
                self.push_to_12309(rec, clue, feedback=rng.random() < 0.75)
            rec["ticket_no"] = self.numbers.t12345(received)
            self.t12345.append(rec)

    def push_to_12309(
        self,
        rec: Record,
        clue: str,
        feedback: bool,
        pushed_at: datetime | None = None,
        reply_days: int | None = None,
        feedback_at: datetime | None = None,
        feedback_result: str | None = None,
    ) -> Record:
        """Mark a 12345 ticket as pushed and create the 12309 side; returns the 12309 row."""
        rng = self.rng
        pushed_at = pushed_at or rec["received_at"] + timedelta(hours=rng.randint(1, 20))
        side = blank_ticket(self.region, "12309")
        side_no = self.numbers.t12309(pushed_at)
        rec.update(
            {"pushed": True, "pushed_at": pushed_at, "counterpart_ticket_no": side_no, "clue_category": clue}
        )
        reply = pushed_at + timedelta(days=reply_days if reply_days is not None else rng.randint(1, 5))
        side.update(
            {
                "ticket_no": side_no,
                "received_at": pushed_at,
                "request_type": rec["request_type"],
                "content": "12345热线推送：" + rec["content"],
                "handling_unit_name": self.units["proc"].name,
                "counterpart_ticket_no": None,
                "clue_category": clue,
                "procedural_reply_at": reply,
                "_text_ids": list(rec["_text_ids"]),
                "_text_phones": list(rec["_text_phones"]),
            }
        )
        if feedback:
            fb = feedback_at or pushed_at + timedelta(days=rng.randint(10, 60))
            if fb <= END_OF_AS_OF:
                result = feedback_result or rng.choice(("已立案", "不予立案", "已办结", "已答复"))
                rec.update({"feedback_at": fb, "feedback_result": result})
                side.update({"closed_at": fb, "result": f"经审查，{result}。"})
        side["counterpart_ticket_no"] = rec.get("ticket_no")  # filled again once the 12345 number exists
        side["_pair"] = rec
        self.t12309.append(side)
        return side

    def background_12309(self, count: int) -> None:
        rng = self.rng
        agencies = [u for u in self.units.values() if u.kind == "政府部门" and u.domain]
        for _ in range(count):
            kind, template, clue = rng.choice(CLUE_TOPICS_12309)
            target = rng.choice(agencies)
            received = self.random_received()
            rec = blank_ticket(self.region, "12309")
            rec.update(
                {
                    "received_at": received,
                    "request_type": kind,
                    "clue_category": clue,
                    "content": template.format(unit=target.alias, place=rng.choice(PLACES[self.region.code])),
                    "handling_unit_name": self.units["proc"].name,
                }
            )
            self.caller(rec)
            rec["content"] = rec["content"].replace("来电人", "来访人")
            late = rng.random() < 0.15
            reply = received + timedelta(days=rng.randint(8, 15) if late else rng.randint(1, 6))
            if reply <= END_OF_AS_OF:
                rec["procedural_reply_at"] = reply
            rec["ticket_no"] = self.numbers.t12309(received)
            if clue and rng.random() < 0.25:
                self.push_to_12345(rec, target, feedback=rng.random() < 0.7)
            self.t12309.append(rec)

    def push_to_12345(
        self,
        rec: Record,
        target: Unit,
        feedback: bool,
        pushed_at: datetime | None = None,
        feedback_at: datetime | None = None,
    ) -> Record:
        """Mark a 12309 clue as pushed to 12345 and create the 12345 ticket that results."""
        rng = self.rng
        pushed_at = pushed_at or rec["received_at"] + timedelta(hours=rng.randint(4, 30))
        side = blank_ticket(self.region, "12345")
        side_no = self.numbers.t12345(pushed_at)
        rec.update({"pushed": True, "pushed_at": pushed_at, "counterpart_ticket_no": side_no})
        side.update(
            {
                "ticket_no": side_no,
                "received_at": pushed_at,
                "request_type": rec["request_type"],
                "content": "12309检察服务中心推送：" + rec["content"],
                "handling_unit_name": target.name,
                "dispatched_at": pushed_at + timedelta(minutes=30),
                "counterpart_ticket_no": rec["ticket_no"],
                "clue_category": rec["clue_category"],
                "_text_ids": list(rec["_text_ids"]),
                "_text_phones": list(rec["_text_phones"]),
            }
        )
        if feedback:
            fb = feedback_at or pushed_at + timedelta(days=rng.randint(3, 20))
            if fb <= END_OF_AS_OF:
                result = "已办结"
                rec.update({"feedback_at": fb, "feedback_result": result})
                side.update(
                    {
                        "closed_at": fb - timedelta(hours=2),
                        "result": "已核查处理并反馈检察机关。",
                        "satisfaction": "未评价",
                    }
                )
        self.t12345.append(side)
        return side

    def link_pairs(self) -> None:
        """12309 rows created from a 12345 push learn the 12345 number once it is assigned."""
        for side in self.t12309:
            pair = side.pop("_pair", None)
            if pair is not None:
                side["counterpart_ticket_no"] = pair["ticket_no"]


@dataclass(frozen=True)
class TicketSpec:
    """A planted ticket (12345 unless `channel` says 12309)."""

    id: str
    region: str
    received: datetime
    closed: datetime | None
    description: str
    channel: str = "12345"
    due_override: datetime | None = None
    push: str | None = None  # to_12309 | to_12345
    pushed_at: datetime | None = None
    feedback_at: datetime | None = None
    feedback_result: str | None = None
    reply: datetime | None = None  # 12309 procedural reply


PLANTED_TICKETS: tuple[TicketSpec, ...] = (
    TicketSpec(
        "hl_closed_on_time",
        "410108",
        _dt(date(2024, 3, 5), 14, 30),
        _dt(date(2024, 3, 11), 16, 20),
        "5 个工作日内办结（满期 2024-03-12）",
    ),
    TicketSpec(
        "hl_closed_late",
        "420104",
        _dt(date(2024, 11, 4), 9, 10),
        _dt(date(2024, 11, 14), 10, 0),
        "满期 2024-11-11，11-14 办结 → 逾期",
    ),
    TicketSpec(
        "hl_open_past_due",
        "510904",
        _dt(date(2025, 12, 1), 10, 0),
        None,
        "满期 2025-12-08，截至 2025-12-31 未办结 → 逾期未办结",
    ),
    TicketSpec(
        "hl_open_not_due",
        "620321",
        _dt(date(2025, 12, 29), 15, 0),
        None,
        "满期 2026-01-06（元旦假期后），截至 2025-12-31 未到期",
    ),
    TicketSpec(
        "hl_national_day_makeup",
        "620900",
        _dt(date(2025, 9, 28), 10, 20),
        _dt(date(2025, 10, 11), 16, 0),
        "2025-09-28（调休上班的周日）受理，5 个工作日跨国庆，满期 2025-10-11（调休上班的周六）",
    ),
    TicketSpec(
        "hl_national_day_0929",
        "410108",
        _dt(date(2025, 9, 29), 11, 0),
        _dt(date(2025, 10, 13), 9, 30),
        "2025-09-29 受理，不计受理当日，第 5 个工作日为 2025-10-13；当日办结为按期",
    ),
    TicketSpec(
        "hl_due_override",
        "420104",
        _dt(date(2025, 3, 3), 9, 0),
        _dt(date(2025, 3, 6), 10, 0),
        "紧急工单载明办理时限 2025-03-05 18:00，03-06 办结 → 逾期（默认规则下本为按期）",
        due_override=_dt(date(2025, 3, 5), 18, 0),
    ),
    TicketSpec(
        "hl_push_with_feedback",
        "410108",
        _dt(date(2024, 7, 15), 9, 40),
        _dt(date(2024, 7, 19), 15, 0),
        "12345 → 12309 推送，12309 已反馈（已立案）",
        push="to_12309",
        pushed_at=_dt(date(2024, 7, 15), 16, 0),
        feedback_at=_dt(date(2024, 8, 20), 10, 0),
        feedback_result="已立案",
        reply=_dt(date(2024, 7, 18), 9, 0),
    ),
    TicketSpec(
        "hl_push_no_feedback",
        "620321",
        _dt(date(2025, 6, 10), 10, 0),
        _dt(date(2025, 6, 16), 11, 0),
        "12345 → 12309 推送，未反馈；12309 程序性回复 06-23 晚于 06-18 → 逾期",
        push="to_12309",
        pushed_at=_dt(date(2025, 6, 11), 9, 0),
        reply=_dt(date(2025, 6, 23), 9, 0),
    ),
    TicketSpec(
        "hl_12309_reply_on_time",
        "510904",
        _dt(date(2025, 2, 10), 10, 0),
        None,
        "12309 线索 7 日内程序性回复（满期 2025-02-17）",
        channel="12309",
        reply=_dt(date(2025, 2, 12), 15, 0),
    ),
    TicketSpec(
        "hl_12309_reply_late",
        "420104",
        _dt(date(2024, 12, 2), 14, 0),
        None,
        "12309 线索程序性回复满期 2024-12-09，12-16 回复 → 逾期",
        channel="12309",
        reply=_dt(date(2024, 12, 16), 10, 0),
    ),
    TicketSpec(
        "hl_12309_push_to_12345",
        "620900",
        _dt(date(2024, 10, 21), 9, 0),
        None,
        "12309 → 12345 推送，12345 已反馈（已办结）",
        channel="12309",
        push="to_12345",
        pushed_at=_dt(date(2024, 10, 22), 10, 0),
        feedback_at=_dt(date(2024, 10, 30), 15, 0),
        feedback_result="已办结",
        reply=_dt(date(2024, 10, 23), 9, 0),
    ),
)


def planted_tickets(builders: dict[str, HotlineBuilder]) -> list[Planted]:
    """Create the planted tickets inside each region's builder and describe what must come out."""
    out: list[Planted] = []
    for spec in PLANTED_TICKETS:
        b = builders[spec.region]
        rec = blank_ticket(REGION_BY_CODE[spec.region], spec.channel)
        rec["_planted"] = spec.id
        records = [rec]
        if spec.channel == "12345":
            rec.update(
                {
                    "received_at": spec.received,
                    "request_type": "投诉" if spec.push is None else "举报",
                    "caller_name": names.person_name(b.rng),
                    "caller_phone": ids.make_mobile(b.rng),
                    "due_at": spec.due_override,
                    "closed_at": spec.closed,
                    "dispatched_at": spec.received + timedelta(minutes=30),
                }
            )
            if spec.push:
                rec["content"] = f"来电人举报{PLACES[spec.region][0]}附近有企业夜间通过暗管向河道排放污水。"
                unit = b.unit_for(("env",))
            else:
                rec["content"] = f"来电人反映{PLACES[spec.region][1]}路段占道经营现象严重，影响通行。"
                unit = b.unit_for(("urban",))
            rec["handling_unit_name"] = unit.name
            if spec.closed:
                rec.update({"result": RESULTS_12345[1], "satisfaction": "满意"})
            rec["ticket_no"] = b.numbers.t12345(spec.received)
            due = ticket_due(spec.received)
            effective_due = spec.due_override.date() if spec.due_override else due
            expect: dict[str, Any] = {
                "due_date": effective_due.isoformat(),
                "due_rule": "办理时限（工单载明）" if spec.due_override else "5个工作日",
                "status": obligation_status(effective_due, spec.closed),
            }
            if spec.due_override:
                expect["default_due_date"] = due.isoformat()
            if spec.push == "to_12309":
                side = b.push_to_12309(
                    rec,
                    "生态环境和资源保护",
                    feedback=spec.feedback_at is not None,
                    pushed_at=spec.pushed_at,
                    reply_days=0,
                    feedback_at=spec.feedback_at,
                    feedback_result=spec.feedback_result,
                )
                side["procedural_reply_at"] = spec.reply
                side["_planted"] = spec.id + "__12309"
                records.append(side)
                reply_due = due_in_days(side["received_at"].date(), 7)
                expect.update(
                    {
                        "pushed": True,
                        "has_feedback": spec.feedback_at is not None,
                        "feedback_result": spec.feedback_result,
                        "pair_linked": True,
                        "counterpart_procedural_reply_due": reply_due.isoformat(),
                        "counterpart_procedural_reply_status": obligation_status(reply_due, spec.reply),
                    }
                )
            b.t12345.append(rec)
        else:
            rec.update(
                {
                    "received_at": spec.received,
                    "request_type": "举报",
                    "caller_name": names.person_name(b.rng),
                    "caller_phone": ids.make_mobile(b.rng),
                    "handling_unit_name": b.units["proc"].name,
                    "procedural_reply_at": spec.reply,
                    "clue_category": "行政执法监督",
                    "content": f"来访人反映{b.units['land'].alias}对其举报的违法建设问题长期未依法查处。",
                }
            )
            rec["ticket_no"] = b.numbers.t12309(spec.received)
            reply_due = due_in_days(spec.received.date(), 7)
            expect = {
                "procedural_reply_due": reply_due.isoformat(),
                "due_rule": "7日",
                "procedural_reply_status": obligation_status(reply_due, spec.reply),
            }
            if spec.push == "to_12345":
                side = b.push_to_12345(
                    rec,
                    b.units["urban"] if "urban" in b.units else b.units["market"],
                    feedback=True,
                    pushed_at=spec.pushed_at,
                    feedback_at=spec.feedback_at,
                )
                side["_planted"] = spec.id + "__12345"
                records.append(side)
                expect.update(
                    {
                        "pushed": True,
                        "has_feedback": True,
                        "feedback_result": spec.feedback_result,
                        "pair_linked": True,
                    }
                )
            b.t12309.append(rec)
        out.append(
            Planted(spec.id, "hotline_exchange", "hotline", spec.description, spec.region, records, expect)
        )
    return out
