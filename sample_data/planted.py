"""Planted F1 penalty cases with known answers (thresholds, repeat offenders, transfers, corrections).

Each case fixes its region, agency, dates and values; only the party's identity comes from the seed.
Expected answers follow DOMAIN.md §3–§4 and are evaluated as of AS_OF (2025-12-31). The decision number
is assigned later with the agency's register and copied into the manifest by the generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sample_data import ids
from sample_data.parties import Party
from sample_data.penalties import AS_OF, PenaltyBuilder, Record, penalty_content, who_text
from sample_data.units import Unit
from sample_data.workdays import due_in_days, due_in_workdays


@dataclass
class Planted:
    """One planted case: the records that carry it and what the warehouse must conclude."""

    id: str
    feed: str
    kind: str
    description: str
    region_code: str
    records: list[Record]
    expect: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


def _case(
    b: PenaltyBuilder,
    role: str,
    party: Party,
    decision: date,
    *,
    vtype: str,
    facts: str,
    basis: str,
    cats: list[str],
    fine: int | None,
    planted_id: str,
    gain: int | None = None,
    goods: int = 1500,
    domain: str | None = None,
    **fields: Any,
) -> Record:
    """A record with fixed dates and values; the text names the party as ledgers do (当事人张三…)."""
    agency = b.units[role]
    rec = b.base(agency, party, decision)
    fine_d = Decimal(fine) if fine is not None else None
    gain_d = Decimal(gain) if gain is not None else None
    goods_d = Decimal(goods) if "没收非法财物" in cats else None
    confiscated = (gain_d if "没收违法所得" in cats and gain_d else Decimal(0)) + (goods_d or Decimal(0))
    rec.update(
        {
            "violation_type": vtype,
            "violation_facts": facts.format(who=who_text(party)),
            "legal_basis": basis,
            "penalty_categories": ";".join(cats),
            "penalty_content": penalty_content(cats, fine_d, gain_d, goods_d, None),
            "fine_amount": fine_d,
            "confiscation_amount": confiscated or None,
            "filing_date": decision - timedelta(days=35),
            "entry_date": due_in_workdays(decision, 2),
            "valid_until": "长期",
            "publicity_until": decision + timedelta(days=365 * 3),
            "remarks": None,
            "enforcement_domain": domain or agency.domain,
            "_planted": planted_id,
            "party_id_no": party.id_no if rec["party_category"] == "自然人" else None,
        }
    )
    if gain_d is not None:
        rec["illegal_gain"] = gain_d
    rec.update(fields)
    return rec


def _threshold(
    offence: str,
    measure: str,
    value: float | int,
    unit: str,
    threshold: float | int,
    source: str,
    fires: bool,
    **more: Any,
) -> dict[str, Any]:
    """Expected answer of a threshold case that was not transferred."""
    return {
        "should_transfer": fires,
        "clue": fires,
        "clue_status": "未处理" if fires else None,
        "rule": "threshold" if fires else None,
        "rule_offence": offence,
        "measure": measure,
        "measured_value": value,
        "unit": unit,
        "threshold": threshold,
        "value_source": source,
        "transferred": False,
        **more,
    }


def penalty_cases(builders: dict[str, PenaltyBuilder]) -> list[Planted]:
    """All planted F1 cases; builders are keyed by region code."""
    out: list[Planted] = []
    out += _threshold_cases(builders)
    out += _repeat_cases(builders)
    out += _transfer_cases(builders)
    out += _timeliness_cases(builders)
    return out


def _threshold_cases(builders: dict[str, PenaltyBuilder]) -> list[Planted]:
    hj, jq, qk, aj, yc = (builders[c] for c in ("410108", "620900", "420104", "510904", "620321"))
    cases: list[Planted] = []

    def add(pid: str, desc: str, b: PenaltyBuilder, rec: Record, expect: dict[str, Any]) -> None:
        cases.append(Planted(pid, "penalty_ledger", "threshold", desc, b.region.code, [rec], expect))

    p = hj.parties.company(trade="电器")
    add(
        "col_fake_goods_68000",
        "市场监管 生产销售伪劣产品，涉案金额（元）列 68000 ≥ 5万",
        hj,
        _case(
            hj,
            "market",
            p,
            date(2024, 4, 16),
            planted_id="col_fake_goods_68000",
            vtype="销售伪劣产品（以不合格产品冒充合格产品）",
            facts="经查，{who}自2023年11月起销售以不合格产品冒充合格产品的电线电缆，经抽样检验导体电阻等项目不符合国家标准。",
            basis="《中华人民共和国产品质量法》第五十条",
            cats=["没收违法所得", "罚款"],
            fine=136000,
            gain=9500,
            case_value=Decimal(68000),
        ),
        _threshold("生产销售伪劣产品", "case_value", 68000, "元", 50000, "column", True),
    )

    p = aj.parties.person()
    add(
        "col_farmland_12.5mu",
        "自然资源 非法占用农用地，涉案数量 12.5 亩 其他耕地 ≥ 10 亩",
        aj,
        _case(
            aj,
            "land",
            p,
            date(2024, 7, 9),
            planted_id="col_farmland_12.5mu",
            vtype="非法占用农用地（未经批准占用耕地）",
            facts="{who}未经批准，于2024年3月擅自占用安居镇集体土地建设养殖场，经勘测定界，所占地类为水浇地（一般耕地）。",
            basis="《中华人民共和国土地管理法》第七十七条",
            cats=["罚款", "其他-责令退还非法占用的土地"],
            fine=166600,
            quantity=Decimal("12.5"),
            quantity_unit="亩",
        ),
        _threshold("非法占用农用地", "quantity", 12.5, "亩", 10, "column", True, land_class="其他耕地"),
    )

    p = aj.parties.person()
    add(
        "col_theft_logging_6m3",
        "林业 盗伐林木，涉案数量 6 立方米 ≥ 5",
        aj,
        _case(
            aj,
            "forest",
            p,
            date(2025, 3, 18),
            planted_id="col_theft_logging_6m3",
            vtype="盗伐林木",
            facts="{who}于2024年12月在白马镇集体林地内，未经林权权利人同意擅自采伐柏树32株，立木蓄积见鉴定意见书。",
            basis="《中华人民共和国森林法》第七十六条第一款",
            cats=["罚款", "其他-责令补种盗伐株数十倍的树木"],
            fine=18000,
            quantity=Decimal(6),
            quantity_unit="立方米",
        ),
        _threshold("盗伐林木", "quantity", 6, "立方米", 5, "column", True),
    )

    p = hj.parties.company(trade="机械制造")
    add(
        "col_hazwaste_3.5t",
        "生态环境 污染环境，危险废物 3.5 吨 ≥ 3 吨",
        hj,
        _case(
            hj,
            "env",
            p,
            date(2025, 6, 12),
            planted_id="col_hazwaste_3.5t",
            vtype="非法处置危险废物（污染环境）",
            facts="{who}将生产过程中产生的废矿物油、废乳化液等危险废物交由无危险废物经营许可证的个人非法处置。",
            basis="《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（三）项",
            cats=["罚款"],
            fine=300000,
            quantity=Decimal("3.5"),
            quantity_unit="吨",
        ),
        _threshold("污染环境", "quantity", 3.5, "吨", 3, "column", True, waste="危险废物"),
    )

    p = qk.parties.company(trade="建筑工程")
    add(
        "col_accident_1death",
        "应急管理 重大责任事故，死亡人数 1",
        qk,
        _case(
            qk,
            "safety",
            p,
            date(2024, 8, 22),
            planted_id="col_accident_1death",
            vtype="对生产安全事故发生负有责任（重大责任事故）",
            facts="2024年5月13日，{who}在厂房屋面维修作业中发生一起高处坠落生产安全事故，事故调查报告另附。",
            basis="《中华人民共和国安全生产法》第一百一十四条第一款第（一）项",
            cats=["罚款"],
            fine=450000,
            deaths=1,
            serious_injuries=0,
            direct_loss=Decimal(180000),
        ),
        _threshold("重大责任事故", "deaths", 1, "人", 1, "column", True),
    )

    p = aj.parties.person()
    add(
        "col_fishing_600kg_closed_season",
        "渔政 非法捕捞水产品 600 公斤，禁渔期内 → 线索",
        aj,
        _case(
            aj,
            "agri",
            p,
            date(2024, 5, 21),
            planted_id="col_fishing_600kg_closed_season",
            domain="渔政",
            vtype="非法捕捞水产品（禁渔期捕捞）",
            facts="{who}于2024年4月禁渔期内在琼江安居段使用网具捕捞水产品，渔获物已现场查扣。",
            basis="《中华人民共和国渔业法》第三十八条",
            cats=["没收非法财物", "罚款"],
            fine=20000,
            quantity=Decimal(600),
            quantity_unit="公斤",
        ),
        _threshold("非法捕捞水产品", "quantity", 600, "公斤", 500, "column", True, condition="禁渔期"),
    )

    p = yc.parties.person()
    add(
        "col_fishing_600kg_open_season",
        "渔政 捕捞 600 公斤，不在禁渔区/期、未用禁用工具 → 不是线索",
        yc,
        _case(
            yc,
            "agri",
            p,
            date(2025, 9, 25),
            planted_id="col_fishing_600kg_open_season",
            domain="渔政",
            vtype="未依法取得捕捞许可证擅自进行捕捞",
            facts="{who}未依法取得捕捞许可证，于2025年9月在西大河水库捕捞水产品。",
            basis="《中华人民共和国渔业法》第四十一条",
            cats=["没收非法财物", "罚款"],
            fine=5000,
            quantity=Decimal(600),
            quantity_unit="公斤",
        ),
        _threshold(
            "非法捕捞水产品",
            "quantity",
            600,
            "公斤",
            500,
            "column",
            False,
            reason="not in a 禁渔区/期 and no banned tool: the 500 kg entry point does not apply",
        ),
    )

    p = jq.parties.company(trade="汽车服务")
    add(
        "text_sales_6.8wan",
        "市场监管 伪劣产品，金额只在违法事实里：销售金额共计人民币6.8万元",
        jq,
        _case(
            jq,
            "market",
            p,
            date(2025, 5, 14),
            planted_id="text_sales_6.8wan",
            vtype="销售伪劣产品（以次充好）",
            facts="经查，{who}自2024年10月至2025年2月销售以次充好的劣质机油共计312桶，销售金额共计人民币6.8万元。",
            basis="《中华人民共和国产品质量法》第五十条",
            cats=["没收违法所得", "罚款"],
            fine=102000,
            gain=8800,
        ),
        _threshold(
            "生产销售伪劣产品",
            "case_value",
            68000,
            "元",
            50000,
            "text",
            True,
            evidence="销售金额共计人民币6.8万元",
        ),
    )

    p = hj.parties.person()
    add(
        "text_farmland_12.5mu",
        "自然资源 非法占用耕地12.5亩（只在文本），后有检察意见（督促移送）未移送",
        hj,
        _case(
            hj,
            "land",
            p,
            date(2025, 8, 19),
            planted_id="text_farmland_12.5mu",
            vtype="非法占用农用地（未经批准占用耕地）",
            facts="{who}未经批准，于2025年3月在花园口镇非法占用耕地12.5亩建设仓储用房，经核查所占地类为一般耕地。",
            basis="《中华人民共和国土地管理法》第七十七条",
            cats=["罚款", "其他-责令退还非法占用的土地"],
            fine=166600,
        ),
        _threshold(
            "非法占用农用地",
            "quantity",
            12.5,
            "亩",
            10,
            "text",
            True,
            evidence="非法占用耕地12.5亩",
            land_class="其他耕地",
            clue_status_note="已监督: 检察意见（督促移送） served 2025-11-20",
        ),
    )
    cases[-1].expect["clue_status"] = "已监督"

    p = jq.parties.person()
    add(
        "text_overlogging_25m3_cn",
        "林业 滥伐林木二十五立方米（中文数字，只在文本）≥ 20",
        jq,
        _case(
            jq,
            "forest",
            p,
            date(2024, 10, 15),
            planted_id="text_overlogging_25m3_cn",
            vtype="滥伐林木",
            facts="{who}未取得林木采伐许可证，于2024年4月擅自采伐其承包地内的杨树，滥伐林木二十五立方米。",
            basis="《中华人民共和国森林法》第七十六条第二款",
            cats=["罚款", "其他-责令补种滥伐株数五倍的树木"],
            fine=15000,
        ),
        _threshold("滥伐林木", "quantity", 25, "立方米", 20, "text", True, evidence="滥伐林木二十五立方米"),
    )

    p = qk.parties.person()
    add(
        "text_illegal_business_52000_capital",
        "市场监管 非法经营（个人），大写金额 伍万贰仟元 只在文本",
        qk,
        _case(
            qk,
            "market",
            p,
            date(2025, 7, 8),
            planted_id="text_illegal_business_52000_capital",
            vtype="非法经营（无证经营成品油）",
            facts="{who}未取得成品油经营许可，自2025年1月起利用改装罐车在汉西一路一带流动销售柴油，"
            "非法经营数额共计人民币伍万贰仟元。",
            basis="《成品油市场管理办法》第五十五条",
            cats=["没收违法所得", "罚款"],
            fine=20000,
            gain=4100,
        ),
        _threshold(
            "非法经营",
            "case_value",
            52000,
            "元",
            50000,
            "text",
            True,
            evidence="非法经营数额共计人民币伍万贰仟元",
            party_kind="个人",
        ),
    )

    p = yc.parties.company(trade="电子科技")
    add(
        "text_sales_4.9wan",
        "市场监管 伪劣产品 销售金额共计人民币4.9万元 < 5万 → 不是线索",
        yc,
        _case(
            yc,
            "market",
            p,
            date(2024, 11, 12),
            planted_id="text_sales_4.9wan",
            vtype="销售伪劣产品（以次充好）",
            facts="经查，{who}销售以不合格产品冒充合格产品的电动自行车充电器，销售金额共计人民币4.9万元。",
            basis="《中华人民共和国产品质量法》第五十条",
            cats=["没收违法所得", "罚款"],
            fine=73500,
            gain=6200,
        ),
        _threshold(
            "生产销售伪劣产品",
            "case_value",
            49000,
            "元",
            50000,
            "text",
            False,
            evidence="销售金额共计人民币4.9万元",
        ),
    )

    p = hj.parties.person()
    add(
        "col_illegal_business_person_60000",
        "市场监管 非法经营 个人 经营数额 6万 ≥ 5万 → 线索",
        hj,
        _case(
            hj,
            "market",
            p,
            date(2025, 3, 26),
            planted_id="col_illegal_business_person_60000",
            vtype="非法经营（无证经营成品油）",
            facts="{who}未取得成品油经营许可，在古荥镇一带使用流动加油车销售柴油。",
            basis="《成品油市场管理办法》第五十五条",
            cats=["没收违法所得", "罚款"],
            fine=30000,
            gain=5200,
            case_value=Decimal(60000),
        ),
        _threshold("非法经营", "case_value", 60000, "元", 50000, "column", True, party_kind="个人"),
    )

    p = aj.parties.company(trade="物流")
    add(
        "col_illegal_business_unit_300000",
        "市场监管 非法经营 单位 经营数额 30万 < 单位 50万 → 不是线索",
        aj,
        _case(
            aj,
            "market",
            p,
            date(2025, 9, 16),
            planted_id="col_illegal_business_unit_300000",
            vtype="非法经营（无证经营成品油）",
            facts="{who}未取得成品油经营许可，通过其经营场所的储油罐对外销售柴油。",
            basis="《成品油市场管理办法》第五十五条",
            cats=["罚款"],
            fine=50000,
            case_value=Decimal(300000),
        ),
        _threshold("非法经营", "case_value", 300000, "元", 500000, "column", False, party_kind="单位"),
    )
    return cases


def _repeat_cases(builders: dict[str, PenaltyBuilder]) -> list[Planted]:
    jq, aj = builders["620900"], builders["510904"]
    cases: list[Planted] = []

    person = jq.parties.person(last_year=1999)
    legacy = ids.ric_to_legacy15(person.id_no or "")
    mining = [
        ("repeat_person_mining_1", "land", date(2024, 3, 12), 8000, person.id_no, "2024年1月", "西峰乡河滩"),
        ("repeat_person_mining_2", "land", date(2024, 9, 5), 12000, legacy, "2024年7月", "西峰乡河滩"),
        (
            "repeat_person_mining_3",
            "water",
            date(2025, 5, 20),
            30000,
            person.id_no,
            "2025年3月",
            "北大河河道管理范围内",
        ),
    ]
    recs: list[Record] = []
    for pid, role, day, value, id_written, when, where in mining:
        rec = _case(
            jq,
            role,
            person,
            day,
            planted_id=pid,
            vtype="非法采矿（无证开采砂石）",
            facts="{who}未取得采矿许可证，于" + when + "在" + where + "擅自开采砂石。",
            basis="《中华人民共和国矿产资源法》第三十九条"
            if role == "land"
            else "《中华人民共和国水法》第六十五条",
            cats=["没收违法所得", "罚款"],
            fine=value * 2,
            gain=value,
            case_value=Decimal(value),
            domain="自然资源" if role == "land" else "水务",
        )
        rec["party_id_no"] = id_written
        rec["_legacy_id"] = id_written == legacy
        recs.append(rec)
    for i, rec in enumerate(recs):
        last = i == 2
        cases.append(
            Planted(
                rec["_planted"],
                "penalty_ledger",
                "repeat",
                f"同一自然人二年内第{i + 1}次因非法采矿受罚（第二次以15位旧身份证号登记）"
                + ("；第三次由另一机关处罚" if last else ""),
                "620900",
                [rec],
                {
                    "should_transfer": last,
                    "clue": last,
                    "clue_status": "未处理" if last else None,
                    "rule": "repeat" if last else None,
                    "rule_offence": "非法采矿",
                    "repeat_rule": "二年内二次以上行政处罚又实施",
                    "prior_penalties": i,
                    "measure": "case_value",
                    "measured_value": [8000, 12000, 30000][i],
                    "threshold": 100000,
                    "value_source": "column",
                    "transferred": False,
                    "same_person_as": [r["_planted"] for r in recs if r is not rec],
                    "id_written_as": "15-digit legacy" if rec["_legacy_id"] else "18-digit",
                },
            )
        )

    company = aj.parties.company(trade="化工")
    for i, (day, times) in enumerate(
        ((date(2024, 3, 14), "0.6"), (date(2024, 9, 10), "0.9"), (date(2025, 4, 22), "0.8"))
    ):
        pid = f"repeat_company_pollution_{i + 1}"
        last = i == 2
        rec = _case(
            aj,
            "env",
            company,
            day,
            planted_id=pid,
            vtype="超标排放水污染物（污染环境）",
            facts="{who}外排废水化学需氧量浓度超过排放标准" + times + "倍。",
            basis="《中华人民共和国水污染防治法》第八十三条第（二）项",
            cats=["罚款"],
            fine=150000 + 50000 * i,
        )
        cases.append(
            Planted(
                pid,
                "penalty_ledger",
                "repeat",
                f"同一企业（统一社会信用代码）二年内第{i + 1}次因污染环境受罚",
                "510904",
                [rec],
                {
                    "should_transfer": last,
                    "clue": last,
                    "clue_status": "未处理" if last else None,
                    "rule": "repeat" if last else None,
                    "rule_offence": "污染环境",
                    "repeat_rule": "二年内二次以上行政处罚又实施",
                    "prior_penalties": i,
                    "transferred": False,
                    "party_uscc": company.uscc,
                },
            )
        )
    return cases


def _transfer(
    rec: Record,
    transfer: date,
    police: Unit | None,
    decision: str | None,
    decided: date | None,
    copied: date | None,
) -> None:
    rec.update(
        {
            "suspected_crime": True,
            "transfer_date": transfer,
            "transfer_receiver": police.name if police else None,
            "police_decision": decision,
            "police_decision_date": decided,
            "copied_to_procuratorate_date": copied,
        }
    )


def _transfer_cases(builders: dict[str, PenaltyBuilder]) -> list[Planted]:
    hj, jq, qk, aj, yc = (builders[c] for c in ("410108", "620900", "420104", "510904", "620321"))
    cases: list[Planted] = []

    def police_expect(transfer: date, decision: str | None, decided: date | None) -> dict[str, Any]:
        due = due_in_days(transfer, 3)
        if decided is None:
            status = "逾期未回复" if due < AS_OF else "未到期"
        else:
            status = "按期" if decided <= due else "逾期回复"
        return {
            "police_review_due": due.isoformat(),
            "police_review_status": status,
            "police_decision": decision,
            "police_decision_date": decided.isoformat() if decided else None,
        }

    p = hj.parties.company(trade="商贸")
    rec = _case(
        hj,
        "market",
        p,
        date(2024, 5, 8),
        planted_id="transfer_filed",
        vtype="销售假冒注册商标的商品",
        facts="{who}销售假冒“美的”注册商标的电饭煲，现场查获待售商品一批。",
        basis="《中华人民共和国商标法》第六十条第二款",
        cats=["没收非法财物", "罚款"],
        fine=200000,
        case_value=Decimal(86000),
    )
    _transfer(rec, date(2024, 5, 13), hj.units["police"], "立案", date(2024, 5, 15), date(2024, 5, 13))
    cases.append(
        Planted(
            "transfer_filed",
            "penalty_ledger",
            "transfer",
            "涉嫌犯罪已移送，公安机关立案",
            "410108",
            [rec],
            {
                "should_transfer": True,
                "transferred": True,
                "clue": False,
                "proactive_transfer": True,
                "rule_offence": "假冒注册商标",
                "measured_value": 86000,
                "threshold": 50000,
                **police_expect(date(2024, 5, 13), "立案", date(2024, 5, 15)),
            },
        )
    )

    p = yc.parties.person()
    rec = _case(
        yc,
        "land",
        p,
        date(2024, 9, 3),
        planted_id="transfer_not_filed",
        vtype="非法占用农用地（未经批准占用耕地）",
        facts="{who}未经批准，擅自占用朱王堡镇集体耕地建设砖厂晾坯场。",
        basis="《中华人民共和国土地管理法》第七十七条",
        cats=["罚款", "其他-责令退还非法占用的土地"],
        fine=144000,
        quantity=Decimal("10.8"),
        quantity_unit="亩",
    )
    _transfer(rec, date(2024, 9, 10), yc.units["police"], "不予立案", date(2024, 9, 20), date(2024, 9, 10))
    cases.append(
        Planted(
            "transfer_not_filed",
            "penalty_ledger",
            "transfer",
            "已移送，公安机关不予立案（且逾期作出决定）",
            "620321",
            [rec],
            {
                "should_transfer": True,
                "transferred": True,
                "clue": False,
                "proactive_transfer": True,
                "rule_offence": "非法占用农用地",
                "measured_value": 10.8,
                "threshold": 10,
                **police_expect(date(2024, 9, 10), "不予立案", date(2024, 9, 20)),
            },
        )
    )

    p = aj.parties.person()
    rec = _case(
        aj,
        "forest",
        p,
        date(2025, 11, 14),
        planted_id="transfer_pending",
        vtype="盗伐林木",
        facts="{who}于2025年9月在磨溪镇国有林场内擅自采伐柏树，立木蓄积经鉴定另附。",
        basis="《中华人民共和国森林法》第七十六条第一款",
        cats=["罚款"],
        fine=21600,
        quantity=Decimal("7.2"),
        quantity_unit="立方米",
    )
    _transfer(rec, date(2025, 11, 20), aj.units["police"], "未决定", None, date(2025, 11, 21))
    cases.append(
        Planted(
            "transfer_pending",
            "penalty_ledger",
            "transfer",
            "已移送，公安机关尚未作出决定（未决定）",
            "510904",
            [rec],
            {
                "should_transfer": True,
                "transferred": True,
                "clue": False,
                "proactive_transfer": True,
                "rule_offence": "盗伐林木",
                "measured_value": 7.2,
                "threshold": 5,
                **police_expect(date(2025, 11, 20), "未决定", None),
            },
        )
    )

    p = jq.parties.shop(kind="烟酒店")
    rec = _case(
        jq,
        "tobacco",
        p,
        date(2024, 6, 5),
        planted_id="transfer_dragon_boat",
        vtype="无烟草专卖零售许可证经营烟草制品（非法经营）",
        facts="{who}未取得烟草专卖零售许可证，长期从外地购进卷烟在其店内销售。",
        basis="《中华人民共和国烟草专卖法实施条例》第五十七条",
        cats=["没收非法财物", "罚款"],
        fine=5000,
        case_value=Decimal(68000),
    )
    _transfer(rec, date(2024, 6, 7), jq.units["police"], "立案", date(2024, 6, 11), date(2024, 6, 7))
    cases.append(
        Planted(
            "transfer_dragon_boat",
            "penalty_ledger",
            "transfer",
            "2024-06-07 移送；公安 3 日审查期满日 2024-06-10 为端午，顺延至 2024-06-11，当日立案为按期",
            "620900",
            [rec],
            {
                "should_transfer": True,
                "transferred": True,
                "clue": False,
                "proactive_transfer": True,
                "rule_offence": "非法经营",
                "measured_value": 68000,
                "threshold": 50000,
                **police_expect(date(2024, 6, 7), "立案", date(2024, 6, 11)),
            },
        )
    )

    p = qk.parties.person()
    rec = _case(
        qk,
        "health",
        p,
        date(2025, 4, 17),
        planted_id="flag_not_transferred",
        vtype="未取得医疗机构执业许可证擅自执业",
        facts="{who}未取得《医疗机构执业许可证》，在其租住房屋内擅自开展诊疗活动。",
        basis="《医疗机构管理条例》第四十三条",
        cats=["没收违法所得", "没收非法财物", "罚款"],
        fine=50000,
        gain=3600,
        suspected_crime=True,
    )
    cases.append(
        Planted(
            "flag_not_transferred",
            "penalty_ledger",
            "transfer",
            "机关自认涉嫌犯罪（是否涉嫌犯罪=是）但未移送 → 应移未移线索",
            "420104",
            [rec],
            {
                "should_transfer": True,
                "transferred": False,
                "clue": True,
                "clue_status": "未处理",
                "rule": "agency_flag",
            },
        )
    )

    p = jq.parties.company(trade="化工")
    rec = _case(
        jq,
        "env",
        p,
        date(2025, 3, 20),
        planted_id="transfer_after_supervision",
        vtype="非法处置危险废物（污染环境）",
        facts="{who}将废有机溶剂等危险废物运至厂外空地倾倒。",
        basis="《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（三）项",
        cats=["罚款"],
        fine=400000,
        quantity=Decimal("4.2"),
        quantity_unit="吨",
    )
    _transfer(rec, date(2025, 4, 25), jq.units["police"], "立案", date(2025, 4, 28), date(2025, 4, 25))
    cases.append(
        Planted(
            "transfer_after_supervision",
            "penalty_ledger",
            "transfer",
            "检察院制发检察意见（督促移送）后才移送 → 已移送但不计主动移送",
            "620900",
            [rec],
            {
                "should_transfer": True,
                "transferred": True,
                "clue": False,
                "proactive_transfer": False,
                "rule_offence": "污染环境",
                "measured_value": 4.2,
                "threshold": 3,
                **police_expect(date(2025, 4, 25), "立案", date(2025, 4, 28)),
            },
        )
    )
    return cases


def _timeliness_cases(builders: dict[str, PenaltyBuilder]) -> list[Planted]:
    qk = builders["420104"]
    decision = date(2024, 9, 27)
    due = due_in_workdays(decision, 7)  # 2024-10-12, a make-up working Saturday
    cases: list[Planted] = []
    for pid, entry, timely in (("entry_on_time", due, True), ("entry_late", date(2024, 10, 14), False)):
        p = qk.parties.shop()
        rec = _case(
            qk,
            "market",
            p,
            decision,
            planted_id=pid,
            vtype="未明码标价",
            facts="{who}在汉正街经营场所销售的服装未按规定明码标价。",
            basis="《明码标价和禁止价格欺诈规定》第二十一条",
            cats=["警告", "罚款"],
            fine=2000,
            entry_date=entry,
        )
        cases.append(
            Planted(
                pid,
                "penalty_ledger",
                "entry_timeliness",
                "录入及时：决定 2024-09-27，7 个工作日（含国庆调休）满 2024-10-12",
                "420104",
                [rec],
                {
                    "publication_due": due.isoformat(),
                    "entry_date": entry.isoformat(),
                    "entry_timely": timely,
                    "rule": "7个工作日",
                    "should_transfer": False,
                },
            )
        )
    return cases


def correction_original(hj: PenaltyBuilder) -> Planted:
    """The first version of a case that a later correction file pushes over the 5万 threshold."""
    p = hj.parties.company(trade="建材")
    rec = _case(
        hj,
        "market",
        p,
        date(2025, 6, 18),
        planted_id="correction_crosses_threshold",
        vtype="销售伪劣产品（以次充好）",
        facts="{who}销售以次充好的防水卷材，经抽样检验拉力、低温柔性等项目不符合国家标准。",
        basis="《中华人民共和国产品质量法》第五十条",
        cats=["没收违法所得", "罚款"],
        fine=90000,
        gain=5000,
        case_value=Decimal(45000),
    )
    return Planted(
        "correction_crosses_threshold",
        "penalty_ledger",
        "correction",
        "更正文件把涉案金额由 45000 改为 52000（录入日期更晚）：更正前不是线索，更正后是",
        "410108",
        [rec],
        {
            "versions": 2,
            "should_transfer": True,
            "clue": True,
            "clue_status": "未处理",
            "rule": "threshold",
            "rule_offence": "生产销售伪劣产品",
            "measure": "case_value",
            "measured_value": 52000,
            "threshold": 50000,
            "value_source": "column",
            "before_correction": {"case_value": 45000, "clue": False},
        },
    )
