"""The region hierarchy (GB/T 2260 行政区划代码): province → city → county, for roll-ups and publications.

One table serves Python and dbt: the shipped seed `dbt_project/seeds/reference/regions.csv`, extended by the
user's own `$LIANDONG_HOME/regions.csv` (same columns; a line there adds a region or renames a shipped one).
dbt reads the user's lines through the var `user_regions` (`dbt_region_vars`), so `dim_regions` and these
functions always agree. An unknown code is a `UnknownRegion` sentence, never a KeyError.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from warehouse.errors import UserError
from warehouse.settings import DBT_PROJECT_DIR

SEED = DBT_PROJECT_DIR / "seeds" / "reference" / "regions.csv"
USER_FILE = "regions.csv"  # under $LIANDONG_HOME
COLUMNS = ("region_code", "region_name", "region_level", "parent_code")
LEVELS = ("省", "市", "县")
# the parent's level each level may hang under: a 省直辖县级行政区 (济源 419001) sits directly under its province
PARENT_LEVELS = {"省": (), "市": ("省",), "县": ("市", "省")}
CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Region:
    code: str
    name: str  # short name: 肃州区
    level: str  # 省 / 市 / 县
    parent: str | None


class UnknownRegion(UserError):
    def __init__(self, code: str, source: str) -> None:
        super().__init__(
            f"行政区划代码 {code} 不在行政区划表中（{source}）；请在 $LIANDONG_HOME/{USER_FILE} 中添加一行："
            "region_code,region_name,region_level,parent_code",
            f"region code {code} is not in the region table ({source}); add a line region_code,region_name,"
            f"region_level,parent_code to $LIANDONG_HOME/{USER_FILE}")
        self.code = code


def _home(home: Path | str | None) -> Path:
    return Path(home) if home is not None else Path(os.environ.get("LIANDONG_HOME") or Path.cwd() / ".liandong")


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a regions CSV; a wrong header is a sentence naming the file."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise UserError(f"行政区划文件 {path} 缺少列：{'、'.join(missing)}（应为 {','.join(COLUMNS)}）",
                            f"region file {path} lacks column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})")
        return [(n, {c: (row.get(c) or "").strip() for c in COLUMNS}) for n, row in enumerate(reader, start=2)]


def _check(table: dict[str, Region], origin: dict[str, str]) -> None:
    """Every row: a 6-digit code, a known level, a parent that exists at the level above."""
    for code, r in table.items():
        where = origin[code]
        if not CODE.fullmatch(code):
            raise UserError(f"{where} 列 region_code：{code!r} 不是 6 位行政区划代码",
                            f"{where} column region_code: {code!r} is not a 6-digit region code")
        if not r.name:
            raise UserError(f"{where} 列 region_name：{code} 没有名称",
                            f"{where} column region_name: {code} has no name")
        if r.level not in LEVELS:
            raise UserError(f"{where} 列 region_level：{r.level!r} 应为 省、市 或 县",
                            f"{where} column region_level: {r.level!r} must be 省, 市 or 县")
        if r.level == "省":
            if r.parent:
                raise UserError(f"{where} 列 parent_code：省级 {code} 不应有上级",
                                f"{where} column parent_code: province {code} has no parent")
            continue
        parent = table.get(r.parent or "")
        if parent is None:
            raise UserError(f"{where} 列 parent_code：上级 {r.parent or '（空）'} 不在行政区划表中",
                            f"{where} column parent_code: parent {r.parent or '(empty)'} is not in the region table")
        if parent.level not in PARENT_LEVELS[r.level]:
            raise UserError(f"{where} 列 parent_code：{r.level}级 {code} 的上级 {parent.code} 是{parent.level}级",
                            f"{where} column parent_code: the parent {parent.code} of {code} ({r.level}) "
                            f"is a {parent.level}")


@lru_cache(maxsize=8)
def _load(user_file: Path, stamp: float | None) -> dict[str, Region]:
    table: dict[str, Region] = {}
    origin: dict[str, str] = {}
    sources = [SEED] + ([user_file] if stamp is not None else [])
    for path in sources:
        for line, row in _read(path):
            if not any(row.values()):
                continue
            code = row["region_code"]
            table[code] = Region(code, row["region_name"], row["region_level"], row["parent_code"] or None)
            origin[code] = f"行政区划文件 {path} 第 {line} 行"
    _check(table, origin)
    return table


def table(home: Path | str | None = None) -> dict[str, Region]:
    """Every region by code: the shipped seed plus `$LIANDONG_HOME/regions.csv` (re-read when it changes)."""
    user = _home(home) / USER_FILE
    stamp = user.stat().st_mtime_ns if user.is_file() else None
    return dict(_load(user, stamp))


def region(code: str, home: Path | str | None = None) -> Region:
    found = table(home).get(str(code))
    if found is None:
        raise UnknownRegion(str(code), f"{SEED.name} 与 $LIANDONG_HOME/{USER_FILE}")
    return found


def is_known(code: str, home: Path | str | None = None) -> bool:
    return str(code) in table(home)


def name(code: str, home: Path | str | None = None) -> str:
    return region(code, home).name


def level(code: str, home: Path | str | None = None) -> str:
    return region(code, home).level


def parent(code: str, home: Path | str | None = None) -> str | None:
    return region(code, home).parent


def ancestors(code: str, home: Path | str | None = None) -> list[str]:
    """Codes above `code`, nearest first (county → [city, province])."""
    regions, out = table(home), []
    current = region(code, home).parent
    while current:
        out.append(current)
        current = regions[current].parent
    return out


def full_name(code: str, home: Path | str | None = None) -> str:
    """Names from the province down: 甘肃省酒泉市肃州区."""
    regions = table(home)
    return "".join(regions[c].name for c in [*reversed(ancestors(code, home)), str(code)])


def children(code: str, home: Path | str | None = None) -> list[str]:
    region(code, home)
    return sorted(c for c, r in table(home).items() if r.parent == str(code))


def descendants(code: str, home: Path | str | None = None, *, include_self: bool = False) -> list[str]:
    """Every code below `code` (cities and counties of a province), sorted; `include_self` adds `code`."""
    out: list[str] = [str(code)] if include_self else []
    for child in children(code, home):
        out += descendants(child, home, include_self=True)
    return sorted(out)


def dbt_region_vars(home: Path | str | None) -> dict[str, Any]:
    """`{"user_regions": [...]}` for dbt when the user has a regions file (checked first), else nothing: the
    command line of a project without one stays as it was."""
    user = _home(home) / USER_FILE
    if not user.is_file():
        return {}
    table(home)  # a broken file stops here with its sentence, not inside dbt
    return {"user_regions": [{c: row[c] for c in COLUMNS} for _, row in _read(user) if any(row.values())]}
