"""Legal fidelity (issue 16): the nine classes of threshold errors, each on both sides of the line, through
the whole pipeline — a penalty ledger written as an agency would, ingested, `dbt build`, then the clues.

Each case has its own party, so repeat rules see only the earlier penalties a case lists. The expected
answer of every case was decided from the law (DOMAIN.md §3 and its sources), not from the code.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.builders import PENALTY_HEADERS, penalty_row, uscc, write_csv

AS_OF = date(2025, 12, 31)
pytestmark = pytest.mark.slow

# case id → (违法行为类型, [(decision date, 违法事实, 涉案金额 column or None), …] oldest first — the last is
# the case judged, the others its party's earlier penalties), rule ids the last decision must fire
FAKE = "销售伪劣产品（以次充好）"
POLLUTION = "超标排放污染物"
ACCIDENT = "生产安全事故"
WAGES = "拒不支付劳动报酬"
INVOICE = "虚开增值税专用发票"
FOOD = "销售不符合食品安全标准的食品"
D = date(2025, 3, 10)
OIL = "当事人未取得成品油经营许可，在古荥镇一带使用流动加油车销售柴油。"
OIL_PRIOR = "当事人未取得成品油经营许可，通过其经营场所的储油罐对外销售柴油。"
CATERING_PRIOR = "当事人未取得食品经营许可证，在其门店从事餐饮服务。"
FARM_PRIOR = "当事人未经批准，占用耕地2亩建设厂房。"
FOREST_PRIOR = "当事人擅自改变林地用途，占用林地1亩修建道路。"
FOOD_PRIOR = "当事人销售不符合食品安全标准的食品，销售金额3000元。"
PRIORS = [(date(2024, 2, 5), "p1"), (date(2024, 7, 15), "p2")]

Decision = tuple[date, str, int | None]  # (处罚决定日期, 违法事实, 涉案金额(元) column or None)


def one(facts: str, case_value: int | None = None) -> list[Decision]:
    return [(D, facts, case_value)]


def after(priors: list[tuple[date, str]], facts: str) -> list[Decision]:
    return [(day, text, None) for day, text in priors] + [(D, facts, None)]


FARM_FOREST_PRIORS = [(PRIORS[0][0], FARM_PRIOR), (PRIORS[1][0], FOREST_PRIOR)]
FOREST = "非法占用农用地（林地）"
CASES: dict[str, tuple[str, list[Decision], set[str]]] = {
    # 1. art 140: unsold goods need 货值 15万; a 涉案金额 of unsold goods is not a 销售金额
    "1_unsold_16wan": (FAKE, one("经查，当事人库存以次充好的劣质机油尚未销售，货值金额16万元。"), {"R140_GOODS"}),
    "1_unsold_case_value_8wan": (FAKE, one("经查，现场查获当事人尚未销售的以次充好劣质机油一批。", 80000), set()),
    "1_sold_case_value_6wan": (FAKE, one("经查，当事人销售以次充好的劣质机油。", 60000), {"R140_SALES_CASE_VALUE"}),
    "1_mixed_16wan": (FAKE, one("当事人销售以次充好的机油，销售金额3万元，库存货值金额7万元。"), {"R140_MIXED"}),
    # 2. 余 / 近 / 不足 written amounts
    "2_wan_yu": (FAKE, one("当事人销售以次充好的机油，销售金额5万余元。"), {"R140_SALES"}),
    "2_jin": (FAKE, one("当事人销售以次充好的机油，销售金额近5万元。"), set()),
    "2_shi_yu_wan_chinese": (FAKE, one("当事人销售以次充好的机油，销售金额十余万元。"), {"R140_SALES"}),
    "2_buzu": (FAKE, one("当事人销售以次充好的机油，销售金额不足8万元。"), set()),
    # 3. art 338: 超标倍数 from the text; 铅汞镉铬砷铊锑 ≥ 3倍, 镍铜锌银钒锰钴 ≥ 10倍
    "3_cadmium_6x": (POLLUTION, one("经检测，当事人外排废水中总镉浓度超过排放标准6倍。"), {"R338_HEAVY_METAL"}),
    "3_cadmium_2x": (POLLUTION, one("经检测，当事人外排废水中总镉浓度超过排放标准2倍。"), set()),
    "3_copper_6x": (POLLUTION, one("经检测，当事人外排废水中总铜浓度超过排放标准6倍。"), set()),
    "3_cadmium_times_standard": (POLLUTION, one("经检测，外排废水总镉浓度为排放标准限值的3.5倍。"), set()),
    # 4. art 134: 一名 … 死亡 is one death
    "4_one_worker_died": (ACCIDENT, one("当事人未落实安全生产责任制，发生坍塌事故，造成一名工人死亡。"),
                          {"R134_DEATHS"}),
    "4_one_worker_hurt": (ACCIDENT, one("当事人未落实安全生产责任制，发生坍塌事故，造成一名工人轻伤。"), set()),
    # 5. art 276之一: 责令支付 and still unpaid; one worker 5千, ten workers 3万 in total
    "5_one_worker_unpaid": (WAGES, one("当事人拖欠劳动者李某工资6000元，经我局下达限期整改指令书责令支付，"
                                       "期满后仍未支付。"), {"R276_ONE_WORKER"}),
    "5_one_worker_paid": (WAGES, one("当事人拖欠劳动者李某工资6000元，经我局责令支付，当事人已于期限内全部支付。"),
                          set()),
    "5_twelve_workers_3.5wan": (WAGES, one("当事人拖欠12名劳动者工资共计3.5万元，经责令限期支付，逾期仍未支付。"),
                                {"R276_TEN_WORKERS"}),
    "5_twelve_workers_2.5wan": (WAGES, one("当事人拖欠12名劳动者工资共计2.5万元，经责令限期支付，逾期仍未支付。"),
                                set()),
    # 6. the amount in another comma clause than 虚开
    "6_invoice_13.5wan": (INVOICE, one("当事人虚开增值税专用发票12份，票面税额合计13.5万元。"), {"R205_INVOICE"}),
    "6_invoice_9wan_tax": (INVOICE, one("当事人虚开增值税专用发票12份，价税合计113.5万元，税额9万元。"), set()),
    # 7. art 225: only earlier penalties for the same kind of 非法经营 count
    "7_same_kind": ("非法经营（无证经营成品油）", after([(d, OIL_PRIOR) for d, _ in PRIORS], OIL), {"R225_REPEAT"}),
    # the earlier two are 无证经营（餐饮服务） (PRIOR_TYPES)
    "7_other_kind": ("非法经营（无证经营成品油）", after([(d, CATERING_PRIOR) for d, _ in PRIORS], OIL), set()),
    # 8. art 342: 耕地 and 林地 priors alike; half the line of the land's own kind
    "8_commercial_6mu": (FOREST, after(FARM_FOREST_PRIORS, "当事人未经批准，擅自占用商品林地6亩修建养殖场。"),
                         {"R342_FOREST_REPEAT_COMMERCIAL"}),
    "8_commercial_4mu": (FOREST, after(FARM_FOREST_PRIORS, "当事人未经批准，擅自占用商品林地4亩修建养殖场。"), set()),
    "8_public_3mu": (FOREST, after(FARM_FOREST_PRIORS, "当事人未经批准，擅自占用公益林地3亩修建养殖场。"),
                     {"R342_FOREST_REPEAT_PUBLIC"}),
    # 9. art 143: 十万元以上不满二十万元 + an earlier food-safety penalty
    "9_food_15wan": (FOOD, after([(PRIORS[1][0], FOOD_PRIOR)], "当事人销售不符合食品安全标准的食品，销售金额15万元。"),
                     {"R143_REPEAT"}),
    "9_food_25wan": (FOOD, after([(PRIORS[1][0], FOOD_PRIOR)], "当事人销售不符合食品安全标准的食品，销售金额25万元。"),
                     set()),
}
CASE_VALUE = "涉案金额(元)"
# 违法行为类型 of a case's earlier penalties when it differs from the case's own
PRIOR_TYPES = {"7_other_kind": "无证经营（餐饮服务）", "8_commercial_6mu": "非法占用农用地",
               "8_commercial_4mu": "非法占用农用地", "8_public_3mu": "非法占用农用地"}


def _ledger_rows() -> tuple[list[dict[str, str]], dict[str, str]]:
    rows, judged = [], {}
    for n, (case_id, (vtype, decisions, _)) in enumerate(CASES.items()):
        party = uscc(f"91410108MA{n:07d}")
        for k, (day, facts, case_value) in enumerate(decisions):
            last = k == len(decisions) - 1
            number = f"惠市监罚〔{day.year}〕{n * 10 + k + 100}号"
            rows.append(penalty_row(**{
                "行政相对人名称": f"郑州案例{n}有限公司", "行政相对人代码_1（统一社会信用代码）": party,
                "行政处罚决定书文号": number, "违法行为类型": vtype if last else PRIOR_TYPES.get(case_id, vtype),
                "违法事实": facts,
                "处罚决定日期": day.isoformat(), "处罚有效期": (day + timedelta(days=365)).isoformat(),
                "录入日期": (day + timedelta(days=3)).isoformat(),
                CASE_VALUE: "" if case_value is None else str(case_value),
            }))
        judged[number] = case_id
    return rows, judged


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    from ingest.pipeline import IngestTarget, ingest_files
    from warehouse.dbt_runner import run_dbt
    from warehouse.settings import load_settings

    rows, judged = _ledger_rows()
    folder = tmp_path_factory.mktemp("ledgers")
    ledger = write_csv(folder / "处罚台账.csv", [*PENALTY_HEADERS, CASE_VALUE], rows)
    home = tmp_path_factory.mktemp("home")
    target = IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", b"x" * 20)
    (outcome,) = ingest_files([ledger], target)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", len(rows), 0), outcome
    result = run_dbt(load_settings(home), ["build"], as_of=AS_OF)
    assert result.returncode == 0, result.stdout[-4000:]
    return home / "warehouse.duckdb", judged


def _clues(warehouse: Path) -> list[dict[str, Any]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute("select * from marts.fct_non_transfer_clues")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def test_each_class_on_both_sides_of_the_line(built: tuple[Path, dict[str, str]]) -> None:
    warehouse, judged = built
    fired: dict[str, set[str]] = {case_id: set() for case_id in CASES}
    for clue in _clues(warehouse):
        case_id = judged.get(clue["decision_no"])
        assert case_id is not None, f"an earlier penalty became a clue: {clue['decision_no']} {clue['rule_id']}"
        fired[case_id].add(clue["rule_id"])
    assert fired == {case_id: expect for case_id, (_, _, expect) in CASES.items()}


@pytest.mark.parametrize(("case_id", "phrases"), [
    ("1_unsold_16wan", ["违法事实载明“货值金额16万元”", "货值金额160000元", "达到150000元的标准", "第二条第二款"]),
    ("2_wan_yu", ["违法事实载明“销售金额5万余元”", "销售金额50000元以上，达到50000元的标准", "第一百四十条"]),
    ("3_cadmium_6x", ["“超过排放标准6倍”", "超标倍数6倍，达到3倍的标准", "法释〔2023〕7号）第一条第（三）项"]),
    ("4_one_worker_died", ["“一名工人死亡”", "死亡人数1人，达到1人的标准", "第六条第一款第（一）项"]),
    ("5_twelve_workers_3.5wan", ["“工资共计3.5万元”", "拖欠劳动报酬数额35000元，达到30000元的标准",
                                 "第三条第（二）项"]),
    ("6_invoice_13.5wan", ["“税额合计13.5万元”", "虚开税款数额135000元", "第十一条第一款"]),
    ("7_same_kind", ["同一当事人此前2年内受过同类行政处罚2次（须2次以上）", "同种非法经营行为"]),
    ("8_commercial_6mu", ["“占用商品林地6亩”", "面积6亩，达到5亩的标准", "受过同类行政处罚2次",
                          "第一条第二款第（四）项"]),
    ("9_food_15wan", ["“销售金额15万元”", "受过同类行政处罚1次（须1次以上）", "第三条第（五）项"]),
])
def test_clue_evidence_is_chinese_with_the_article(built: tuple[Path, dict[str, str]], case_id: str,
                                                   phrases: list[str]) -> None:
    warehouse, judged = built
    (clue,) = [c for c in _clues(warehouse) if judged.get(c["decision_no"]) == case_id]
    shown = clue["evidence_zh"] + " " + clue["legal_basis_zh"]
    for phrase in phrases:
        assert phrase in shown, (phrase, shown)
    assert clue["rule_id"] not in shown and "R1" not in shown and "R2" not in shown and "R3" not in shown


def test_the_rules_patterns_are_written_out_so_each_is_compiled_once(built: tuple[Path, dict[str, str]]) -> None:
    """A pattern taken from a column is compiled by DuckDB for every row (143 s of a province-scale build);
    the compiled model names each rule pattern as a literal and gates the cases with all of them at once."""
    import csv

    from warehouse.settings import DBT_PROJECT_DIR, load_settings

    warehouse, _ = built
    compiled = next((load_settings(warehouse.parent).dbt_target_dir / "compiled").rglob(
        "int_penalty_cases_matched_to_thresholds.sql")).read_text(encoding="utf-8")
    with (DBT_PROJECT_DIR / "seeds" / "rules" / "threshold_rules.csv").open(encoding="utf-8") as f:
        rules = list(csv.DictReader(f))
    keywords = {r[c] for r in rules for c in ("violation_keywords", "prior_keywords") if r[c]}
    conditions = {r[c] for r in rules for c in ("condition_pattern", "exclusion_pattern") if r[c]}
    assert keywords and conditions
    for pattern in keywords | conditions:
        quoted = "'" + pattern.replace("'", "''") + "'"
        assert f"when {quoted} then regexp_matches(" in compiled, pattern
    gate = "|".join(f"(?:{p})" for p in sorted(keywords)).replace("'", "''")
    assert f", '{gate}')" in compiled
