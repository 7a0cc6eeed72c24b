"""The region hierarchy (GB/T 2260): the shipped table, the user's own lines in $LIANDONG_HOME/regions.csv, and
the sentences a wrong code or a broken file gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dashboards import regions
from warehouse.errors import UserError
from warehouse.regions import SEED, dbt_region_vars

JIUQUAN_COUNTIES = ["620902", "620921", "620922", "620923", "620924", "620981", "620982"]


def test_the_seed_provinces_cities_and_counties(home: Path):
    assert regions.descendants("620900", home) == JIUQUAN_COUNTIES
    assert regions.descendants("620000", home) == ["620300", "620302", "620321", "620900", *JIUQUAN_COUNTIES]
    assert regions.children("620000", home) == ["620300", "620900"]
    assert [regions.level(c, home) for c in ("620000", "620900", "620981")] == ["省", "市", "县"]  # 县级市 is 县
    assert regions.ancestors("410108", home) == ["410100", "410000"]
    assert regions.full_name("510904", home) == "四川省遂宁市安居区"
    assert regions.full_name("420104", home) == "湖北省武汉市硚口区"
    assert regions.name("620923", home) == "肃北蒙古族自治县"
    assert regions.region("620321", home) == regions.Region("620321", "永昌县", "县", "620300")
    assert regions.descendants("620902", home) == []


def test_every_published_jurisdiction_is_in_the_table(home: Path):
    published = yaml.safe_load((Path(regions.__file__).parent / "regions.yml").read_text(encoding="utf-8"))
    for code, name in published.items():
        assert regions.full_name(code, home).endswith(name.removeprefix("甘肃省"))


def test_an_unknown_code_is_a_sentence(home: Path):
    with pytest.raises(regions.UnknownRegion) as info:
        regions.descendants("620999", home)
    assert "行政区划代码 620999 不在行政区划表中" in info.value.message_zh
    assert "regions.csv" in info.value.message_en and "620999" in info.value.message_en
    assert regions.is_known("620999", home) is False


def test_the_users_file_adds_and_renames_and_reaches_dbt(home: Path):
    home.mkdir(parents=True, exist_ok=True)
    assert dbt_region_vars(home) == {}  # no file: dbt's command line stays as it was
    (home / "regions.csv").write_text(
        "region_code,region_name,region_level,parent_code\n"
        "620100,兰州市,市,620000\n620102,城关区,县,620100\n620902,肃州区（新）,县,620900\n", encoding="utf-8")
    assert regions.descendants("620000", home)[:2] == ["620100", "620102"]
    assert regions.full_name("620102", home) == "甘肃省兰州市城关区"
    assert regions.name("620902", home) == "肃州区（新）"
    assert len(regions.table(home)) == len(SEED.read_text(encoding="utf-8").splitlines()) - 1 + 2
    assert dbt_region_vars(home) == {"user_regions": [
        {"region_code": "620100", "region_name": "兰州市", "region_level": "市", "parent_code": "620000"},
        {"region_code": "620102", "region_name": "城关区", "region_level": "县", "parent_code": "620100"},
        {"region_code": "620902", "region_name": "肃州区（新）", "region_level": "县", "parent_code": "620900"}]}


@pytest.mark.parametrize(("line", "column", "words"), [
    ("62010,兰州市,市,620000", "region_code", "不是 6 位行政区划代码"),
    ("620100,兰州市,地级市,620000", "region_level", "应为 省、市 或 县"),
    ("620102,城关区,县,620100", "parent_code", "上级 620100 不在行政区划表中"),
    ("620100,兰州市,市,620900", "parent_code", "的上级 620900 是市级"),
])
def test_a_broken_line_names_file_line_and_column(home: Path, line: str, column: str, words: str):
    home.mkdir(parents=True, exist_ok=True)
    (home / "regions.csv").write_text(f"region_code,region_name,region_level,parent_code\n{line}\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        regions.table(home)
    assert f"{home / 'regions.csv'} 第 2 行 列 {column}" in info.value.message_zh
    assert words in info.value.message_zh
    with pytest.raises(UserError):  # and dbt is never started with it
        dbt_region_vars(home)


def test_a_file_without_the_columns_says_which(home: Path):
    home.mkdir(parents=True, exist_ok=True)
    (home / "regions.csv").write_text("代码,名称\n620100,兰州市\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        regions.table(home)
    assert "缺少列：region_code、region_name、region_level、parent_code" in info.value.message_zh
