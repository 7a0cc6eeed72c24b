"""Source profiles: an office describes its own export once and loads it every month without code.

A profile (YAML) names a feed and maps the export's column names onto the standard's fields, sets constants for
fields the export lacks, maps value spellings, and can name date formats and the amount unit; `signature`
headers let it be picked automatically. Profiles ship in `data_contracts/profiles/` and live in
`$LIANDONG_HOME/profiles/` (the user's own win over shipped ones of the same name). A profile is applied to a
sheet *before* header matching: mapped header cells are rewritten to the standard headers and constants become
extra columns, so typing, validation, quarantine and lineage are the same as for a standard file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from data_contracts.model import FEEDS, Contract, Field, load_codes, load_contract
from ingest.headers import AMOUNT_UNITS, HEADER_SCAN_ROWS, ColumnMatch, HeaderMatch, fold, match_row, split_header
from ingest.readers.grid import Grid
from warehouse.errors import UserError

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data_contracts" / "profiles"
FEED_NAMES = {"penalty": "penalty_ledger", "supervision": "supervision_ledger", "hotline": "hotline_exchange",
              "units": "member_units", "tasks": "task_list"}
KEYS = {"name", "title", "feed", "signature", "columns", "constants", "values", "date_formats", "amount_unit",
        "ignore", "description"}
DATE_TYPES = {"date", "date_or_long_term", "datetime"}


class ProfileError(UserError):
    """A profile that cannot be used: named with its file and the key at fault."""


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    feed: str  # contract id, e.g. hotline_exchange
    path: Path
    columns: dict[str, str]  # folded export header → field name
    constants: dict[str, str]  # field name → value as text
    values: dict[str, dict[str, str]]  # field name → {folded value as exported: standard value}
    date_formats: tuple[str, ...] = ()
    amount_unit: str | None = None
    signature: tuple[str, ...] = ()  # folded headers that all appear in the header row of this export
    ignore: frozenset[str] = frozenset()  # folded headers known and deliberately not loaded

    @property
    def contract(self) -> Contract:
        return load_contract(self.feed)

    def label(self) -> str:
        return self.name if self.title in ("", self.name) else f"{self.name}（{self.title}）"


def feed_id(value: str) -> str | None:
    """`hotline`, `hotline_exchange` or `F3` → `hotline_exchange`; None when it names no feed."""
    if value in FEED_NAMES:
        return FEED_NAMES[value]
    for feed in FEEDS:
        if value in (feed, load_contract(feed).feed):
            return feed
    return None


@cache
def _field_names(feed: str) -> dict[str, str]:
    """Folded standard header, synonym or field name → field name."""
    contract = load_contract(feed)
    table: dict[str, str] = {}
    for f in contract.fields:
        for spelling in (f.header, *f.synonyms):
            table.setdefault(split_header(spelling)[0], f.name)
    for f in contract.fields:
        table[fold(f.name)] = f.name
    return table


def _resolve(feed: str, name: object, where: str, path: Path) -> Field:
    contract = load_contract(feed)
    hit = _field_names(feed).get(split_header(str(name))[0])
    if hit is None:
        headers = "、".join(f.header for f in contract.fields)
        raise ProfileError(
            f"配置文件 {path} 的 {where}：「{name}」不是{contract.title}的字段；可用字段：{headers}",
            f"profile {path}, {where}: '{name}' is not a field of {contract.title_en}; fields: {headers}")
    return contract.field(hit)


def _check_code(f: Field, value: str, where: str, path: Path) -> str:
    """The standard code for a value of a code field (aliases accepted), or a ProfileError naming the list."""
    if not f.codes:
        return value
    codes = load_codes()[f.codes]
    folded = fold(value)
    standard = codes.aliases.get(folded, folded)
    if f.type == "code" and not codes.accepts(standard):
        raise ProfileError(
            f"配置文件 {path} 的 {where}：「{value}」不是{codes.title}的代码；可用：{'、'.join(codes.values)}",
            f"profile {path}, {where}: '{value}' is not a code of {f.codes}; accepted: {', '.join(codes.values)}")
    return standard


def _mapping(raw: dict[str, Any], key: str, path: Path) -> dict[Any, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ProfileError(f"配置文件 {path} 的 {key} 应为「名称: 值」的映射",
                           f"profile {path}: {key} must be a mapping of name: value")
    return value


def _list(raw: dict[str, Any], key: str, path: Path) -> list[str]:
    value = raw.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ProfileError(f"配置文件 {path} 的 {key} 应为列表", f"profile {path}: {key} must be a list")
    return [str(v) for v in value]


def parse_profile(raw: Any, path: Path) -> Profile:
    """Validate a profile as read from YAML; every fault is a ProfileError naming the file and key."""
    if not isinstance(raw, dict):
        raise ProfileError(f"配置文件 {path} 不是 YAML 映射", f"profile {path} is not a YAML mapping")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise ProfileError(f"配置文件 {path} 有未知的键：{'、'.join(map(str, unknown))}；"
                           f"可用：{'、'.join(sorted(KEYS))}",
                           f"profile {path} has unknown key(s): {', '.join(map(str, unknown))}; "
                           f"allowed: {', '.join(sorted(KEYS))}")
    feed = feed_id(str(raw.get("feed", "")))
    if feed is None:
        raise ProfileError(f"配置文件 {path} 的 feed 应为 penalty|supervision|hotline|units"
                           f"（现为「{raw.get('feed')}」）",
                           f"profile {path}: feed must be penalty|supervision|hotline|units "
                           f"(found '{raw.get('feed')}')")
    columns: dict[str, str] = {}
    for header, target in _mapping(raw, "columns", path).items():
        if target is None or str(target).strip() == "":
            continue  # a draft line left without a target: the column is not loaded
        columns[split_header(str(header))[0]] = _resolve(feed, target, f"columns.{header}", path).name
    constants: dict[str, str] = {}
    for name, value in _mapping(raw, "constants", path).items():
        f = _resolve(feed, name, f"constants.{name}", path)
        text = "" if value is None else str(value).strip()
        if not text:
            raise ProfileError(f"配置文件 {path} 的常量「{name}」还没有值：请填写（或删去这一行）",
                               f"profile {path}: constant '{name}' has no value yet; fill it in (or delete the line)")
        constants[f.name] = _check_code(f, text, f"constants.{name}", path)
    values: dict[str, dict[str, str]] = {}
    for name, table in _mapping(raw, "values", path).items():
        f = _resolve(feed, name, f"values.{name}", path)
        if not isinstance(table, dict):
            raise ProfileError(f"配置文件 {path} 的 values.{name} 应为「导出值: 标准值」的映射",
                               f"profile {path}: values.{name} must map exported values to standard ones")
        values[f.name] = {fold(str(k)): _check_code(f, str(v), f"values.{name}.{k}", path) for k, v in table.items()}
    formats = tuple(_list(raw, "date_formats", path))
    for fmt in formats:
        probe = datetime(2024, 3, 5, 14, 7, 9)
        try:
            ok = datetime.strptime(probe.strftime(fmt), fmt).date() == probe.date()
        except ValueError:
            ok = False
        if not ok:
            raise ProfileError(f"配置文件 {path} 的日期格式「{fmt}」无效（例：%Y年%m月%d日、%d/%m/%Y %H:%M）",
                               f"profile {path}: date format '{fmt}' is not valid (e.g. %Y年%m月%d日, %d/%m/%Y %H:%M)")
    unit = raw.get("amount_unit")
    if unit is not None and str(unit) not in AMOUNT_UNITS:
        raise ProfileError(f"配置文件 {path} 的金额单位「{unit}」无效；可用：{'、'.join(AMOUNT_UNITS)}",
                           f"profile {path}: amount_unit '{unit}' is not one of {', '.join(AMOUNT_UNITS)}")
    return Profile(
        name=str(raw.get("name") or path.stem), title=str(raw.get("title") or ""), feed=feed, path=path,
        columns=columns, constants=constants, values=values, date_formats=formats,
        amount_unit=str(unit) if unit is not None else None,
        signature=tuple(split_header(s)[0] for s in _list(raw, "signature", path)),
        ignore=frozenset(split_header(s)[0] for s in _list(raw, "ignore", path)))


def load_profile_file(path: Path) -> Profile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"无法读取配置文件 {path}：{exc}", f"cannot read profile {path}: {exc}") from None
    return parse_profile(raw, path)


def profile_dirs(home: Path | None) -> list[Path]:
    """Where profiles live, the user's own first (a user profile of the same name wins)."""
    return ([home / "profiles"] if home is not None else []) + [SHIPPED_DIR]


def available_profiles(home: Path | None, problems: list[ProfileError] | None = None) -> list[Profile]:
    """Every profile, the user's first; a user profile hides a shipped one of the same name.

    With `problems`, a profile that does not load (a draft still being edited) is set aside there instead of
    failing the run: automatic picking then goes on without it.
    """
    seen: set[str] = set()
    out: list[Profile] = []
    for folder in profile_dirs(home):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            try:
                profile = load_profile_file(path)
            except ProfileError as exc:
                if problems is None:
                    raise
                problems.append(exc)
                continue
            if profile.name not in seen:
                seen.add(profile.name)
                out.append(profile)
    return out


def find_profile(name: str, home: Path | None) -> Profile:
    """A profile by name, title, file stem or path; the error lists the profiles there are."""
    as_path = Path(name)
    if as_path.suffix in (".yml", ".yaml") and as_path.is_file():
        return load_profile_file(as_path)
    for folder in profile_dirs(home):
        for suffix in (".yml", ".yaml"):
            if (folder / f"{name}{suffix}").is_file():
                return load_profile_file(folder / f"{name}{suffix}")
    profiles = available_profiles(home)
    for p in profiles:
        if name in (p.name, p.title):
            return p
    names = "、".join(p.label() for p in profiles) or "（无）"
    where = " / ".join(str(d) for d in profile_dirs(home))
    raise UserError(f"找不到配置「{name}」；现有配置：{names}（位置：{where}）。"
                    "可用 liandong profile draft 文件 生成一个",
                    f"no profile named '{name}'; profiles: {names} (in {where}). "
                    "`liandong profile draft FILE` drafts one")


def _filled(cells: Sequence[str | None]) -> list[tuple[int, str]]:
    return [(i, str(c)) for i, c in enumerate(cells) if c is not None and str(c).strip()]


WIDE_ROWS_SCANNED = 5  # the header is among the first rows as wide as a signature (titles are few)


def pick_profile(profiles: Iterable[Profile], grid: Grid, feed: str | None = None) -> Profile | None:
    """The first profile whose signature headers all stand in one row near the top of the sheet.

    Only the first few rows with at least as many cells as the shortest signature are folded: every file
    passes through here, and data rows below the header cannot hold it.
    """
    profiles = [p for p in profiles if p.signature and (feed is None or p.feed == feed)]
    if not profiles:
        return None
    shortest = min(len(p.signature) for p in profiles)
    rows: list[set[str]] = []
    for r in grid.rows[:HEADER_SCAN_ROWS]:
        cells = _filled(r)
        if len(cells) >= shortest:
            rows.append({split_header(c)[0] for _, c in cells})
            if len(rows) == WIDE_ROWS_SCANNED:
                break
    for profile in profiles:
        if (profile.signature and (feed is None or profile.feed == feed)
                and any(set(profile.signature) <= row for row in rows)):
            return profile
    return None


def _header_row(profile: Profile, rows: list[list[str | None]]) -> int | None:
    """The row (near the top) naming the most of the profile's columns and the standard's headers."""
    known = _field_names(profile.feed)
    best: tuple[int, int] | None = None
    for r, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = [split_header(c)[0] for _, c in _filled(cells)]
        own = sum(1 for k in keys if k in profile.columns)
        hits = own + sum(1 for k in keys if k not in profile.columns and k in known)
        if (own or not profile.columns) and hits >= 2 and (best is None or hits > best[1]):
            best = (r, hits)
    return best[0] if best else None


def _iso(text: str, formats: tuple[str, ...]) -> str:
    for fmt in formats:
        try:
            parsed = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return parsed.isoformat(sep=" ") if ("%H" in fmt or "%I" in fmt) else parsed.date().isoformat()
    return text


@dataclass
class Applied:
    """A sheet read through a profile: the rewritten grid and its header match, with the export's own names."""

    grid: Grid
    match: HeaderMatch
    notes: list[str] = field(default_factory=list)


def apply_profile(profile: Profile, grid: Grid) -> Applied | None:
    """The sheet as the standard would have it, or None when the profile's columns are not in it."""
    r = _header_row(profile, grid.rows)
    if r is None:
        return None
    contract = profile.contract
    width = max((len(row) for row in grid.rows), default=0)
    rows = [list(row) + [None] * (width - len(row)) for row in grid.rows]
    header = rows[r]
    originals: dict[int, str] = {}
    for i, cell in _filled(header):
        key, unit = split_header(cell)
        name = profile.columns.get(key)
        if name is None:
            continue
        f = contract.field(name)
        unit = unit or (profile.amount_unit if f.type == "amount" else None)
        originals[i] = cell.strip()
        base = split_header(f.header)[0]  # 罚款金额(万元) → 罚款金额: the unit is the export's or the profile's
        header[i] = f"{base}({unit})" if unit else base
    match = match_row(profile.feed, header, r)
    for i, original in originals.items():  # the sheet keeps the export's own names (messages, repeated headers)
        header[i] = original
    notes: list[str] = []
    present = match.fields
    constants = {n: v for n, v in profile.constants.items() if n not in present}
    for n in profile.constants.keys() - constants.keys():
        notes.append(f"文件已有「{contract.field(n).header}」列，未使用配置常量 / the file has column "
                     f"'{contract.field(n).header}'; the profile's constant is not used")
    columns = [ColumnMatch(c.index, originals.get(c.index, c.header), c.field, c.unit) for c in match.columns]
    types = {c.index: contract.field(c.field).type for c in columns}
    rewrites = [(c.index, profile.values.get(c.field), types[c.index] in DATE_TYPES) for c in columns
                if profile.values.get(c.field) or (profile.date_formats and types[c.index] in DATE_TYPES)]
    for row in rows[r + 1:]:
        for i, table, is_date in rewrites:
            cell = row[i]
            if cell is None:
                continue
            if table:
                cell = table.get(fold(str(cell)), cell)
            if is_date:
                cell = _iso(str(cell), profile.date_formats)
            row[i] = cell
    for offset, (name, value) in enumerate(constants.items()):
        label = f"{contract.field(name).header}（配置 {profile.name}）"
        columns.append(ColumnMatch(width + offset, label, name, None))
        for k, row in enumerate(rows):
            filled = k > r and any(c is not None and str(c).strip() for c in row[:width])
            row.append(label if k == r else (value if filled else None))
    unknown = [u for u in match.unknown if split_header(u)[0] not in profile.ignore]
    rewritten = Grid(grid.sheet, rows, grid.first_row_number, grid.hidden)
    return Applied(rewritten, HeaderMatch(profile.feed, r, columns, unknown, match.duplicates), notes)
