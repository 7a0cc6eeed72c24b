"""The threshold table itself (dbt_project/seeds/rules/threshold_rules.csv): every row cited, nothing left
unconfirmed, and the rule columns the matching model relies on filled consistently."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

SEEDS = Path(__file__).parents[1] / "dbt_project/seeds/rules"


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


RULES = _rows("threshold_rules.csv")


@pytest.mark.parametrize("rule", RULES, ids=[r["rule_id"] for r in RULES])
def test_every_row_has_a_source_with_article_and_none_is_unconfirmed(rule: dict[str, str]) -> None:
    assert rule["legal_source"] and rule["legal_basis_zh"]
    assert "UNCONFIRMED" not in rule["legal_source"].upper() + rule["legal_basis_zh"].upper()
    # the Chinese citation names an article (第…条) of the 刑法 or of a cited document
    assert re.search(r"第[一二三四五六七八九十百零]+条", rule["legal_basis_zh"]), rule["legal_basis_zh"]
    assert re.search(r"\bart\b|刑法 \d", rule["legal_source"]), rule["legal_source"]


@pytest.mark.parametrize("rule", RULES, ids=[r["rule_id"] for r in RULES])
def test_rule_columns_are_consistent(rule: dict[str, str]) -> None:
    kind = rule["rule_kind"]
    assert kind in {"threshold", "keyword", "repeat"}
    if kind == "threshold":
        assert rule["measured_facts"] and rule["threshold"] and rule["unit"]
    if kind == "repeat":
        assert int(rule["repeat_min_prior_penalties"]) >= 1
    if rule["threshold_below"]:
        assert Decimal(rule["threshold_below"]) > Decimal(rule["threshold"])
    assert bool(rule["also_facts"]) == bool(rule["also_min"])
    for pattern in ("violation_keywords", "condition_pattern", "exclusion_pattern", "prior_keywords"):
        if rule[pattern]:
            re.compile(rule[pattern])  # the shared RE2/Java subset is also valid Python


def test_same_kind_rows_name_repeat_rules() -> None:
    repeat = {r["rule_id"] for r in RULES if r["rule_kind"] == "repeat"}
    kinds = _rows("repeat_same_kind.csv")
    assert kinds and {k["rule_id"] for k in kinds} <= repeat
