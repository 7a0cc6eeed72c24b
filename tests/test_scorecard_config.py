"""The scorecard configuration (考核细则): the bundled default is DOMAIN.md §5, and a jurisdiction's file
is checked entry by entry with sentences that name the file and the entry."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.scorecard_config import DEFAULT_CONFIG, load_all, load_config, write_config
from warehouse.errors import UserError

DOMAIN_DEFAULT = {
    "transfer_rate": 15, "non_transfer_clues_per_100": 10, "supervision_reply_timeliness": 15,
    "rectification_rate": 10, "adoption_rate": 5, "entry_timeliness": 10, "data_standard_compliance": 10,
    "dual_push_timeliness": 10, "hotline_on_time_close_rate": 10, "hotline_satisfaction_rate": 5,
}
TASK_POINTS = 10  # 落实任务清单 (issue 20); the §5 indicators keep their proportions at 0.9 × their points


def test_default_is_domain_section_5():
    cfg = load_config(DEFAULT_CONFIG, "*")
    points = {i["code"]: i["points"] for i in cfg.indicators}
    assert points.pop("task_completion") == TASK_POINTS
    assert points == {code: p * 0.9 for code, p in DOMAIN_DEFAULT.items()}
    assert sum(DOMAIN_DEFAULT.values()) == 100
    assert sum(points.values()) + TASK_POINTS == 100
    assert len(cfg.fingerprint) == 32


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_jurisdiction_file_overrides_the_default_and_changes_the_fingerprint(tmp_path):
    _write(tmp_path, "410108.yml", """
name: 惠济区2025年度考核细则
version: "2025"
indicators:
  - {code: transfer_rate, block: 行刑衔接, name: 移送率, points: 60}
  - {code: non_transfer_clues_per_100, points: 40, scoring: {method: lower_is_better, zero_points_at: 2}}
""")
    configs = load_all(tmp_path)
    assert [c.region_code for c in configs] == ["*", "410108"]
    own = configs[1]
    assert own.name == "惠济区2025年度考核细则"
    assert own.fingerprint != configs[0].fingerprint
    con = duckdb.connect()
    assert write_config(con, configs) == 13  # 11 default indicators + 2 own
    rows = con.execute("select indicator_code, points, scoring_method, target, zero_points_at "
                       "from meta.scorecard_config where region_code = '410108' order by sort_order").fetchall()
    assert rows == [("transfer_rate", 60.0, "ratio_to_target", 1.0, None),
                    ("non_transfer_clues_per_100", 40.0, "lower_is_better", None, 2.0)]
    assert write_config(con, configs[:1]) == 11  # replaced, not appended
    assert con.execute("select count(*) from meta.scorecard_config").fetchone() == (11,)


@pytest.mark.parametrize(("name", "text", "zh"), [
    ("410108.yml", "indicators: [{code: speed, points: 10}]", "未知"),
    ("410108.yml", "indicators: [{code: transfer_rate, points: 10}, {code: transfer_rate, points: 5}]", "重复"),
    ("410108.yml", "indicators: [{code: transfer_rate, points: 0}]", "正数"),
    ("410108.yml", "indicators: [{code: transfer_rate, points: 5, scoring: {method: guess}}]", "计分方法"),
    ("410108.yml", "indicators: [{code: adoption_rate, points: 5, scoring: {method: lower_is_better}}]",
     "zero_points_at"),
    ("410108.yml", "name: x", "indicators"),
    ("410108.yml", "indicators: [oops", "无法读取"),
    ("huiji.yml", "indicators: [{code: transfer_rate, points: 5}]", "六位行政区划代码"),
])
def test_mistakes_are_sentences_naming_the_file(tmp_path, name, text, zh):
    _write(tmp_path, name, text)
    with pytest.raises(UserError) as exc:
        load_all(tmp_path)
    assert name in exc.value.message_zh and zh in exc.value.message_zh
    assert name in exc.value.message_en
