"""Draft a source profile from an export: the matches it is sure of, "did you mean" candidates for the rest, and
the required fields still missing — so the user edits a few lines instead of writing the profile.

Sure: the header is the standard's header or one of its synonyms. Candidates: a fuzzy match of the folded names
(difflib) weighted by the shape of the sample values (dates, USCC, 身份证号, amounts, region codes, codes of the
field's list, long text). The same candidates explain a refused file (`refusal_hints`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from data_contracts.identifiers import is_valid_region_code, is_valid_ric, is_valid_uscc
from data_contracts.model import FEEDS, Contract, Field, load_codes, load_contract
from ingest.headers import HEADER_SCAN_ROWS, IGNORED_HEADERS, fold, match_cell, split_header
from ingest.normalise import ValueError_, parse_amount, parse_datetime
from ingest.profiles import Profile
from ingest.readers.grid import Grid
from warehouse.errors import UserError

SAMPLE_ROWS = 200
CANDIDATE_SCORE = 0.45  # below this a pairing is noise
FEED_CHOICE = {"penalty_ledger": "penalty", "supervision_ledger": "supervision", "hotline_exchange": "hotline",
               "member_units": "units", "task_list": "tasks"}
# date spellings the standard's parser does not read on its own (month first, 12-hour clock, compact stamps):
# a draft names the one a column uses under date_formats
DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
                "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y%m%d%H%M%S", "%Y%m%d %H:%M:%S")
_NUMBER = re.compile(r"^[-+]?[\d,，]+(\.\d+)?(元|万元)?$")


@dataclass(frozen=True)
class Candidate:
    header: str  # as written in the export
    field: Field
    score: float


def date_format(values: list[str]) -> str | None:
    """The one of DATE_FORMATS most (≥ 80 %) of the values are written in, when the standard parser reads few."""
    if not values:
        return None
    readable = 0
    for v in values:
        try:
            parse_datetime(v)
            readable += 1
        except (ValueError_, ValueError, OverflowError):
            pass
    if readable * 5 >= len(values) * 4:
        return None
    for fmt in DATE_FORMATS:
        hits = 0
        for v in values:
            try:
                datetime.strptime(v.strip(), fmt)
                hits += 1
            except ValueError:
                pass
        if hits * 5 >= len(values) * 4:
            return fmt
    return None


def _shape(values: list[str]) -> set[str]:
    """Kinds most (≥ 80 %) of the sample values have: date, uscc, id_no, region_code, amount, long_text."""
    if not values:
        return set()
    if date_format(values):
        return {"date"}
    counts = dict.fromkeys(("date", "uscc", "id_no", "region_code", "amount", "long_text"), 0)
    for v in values:
        t = fold(v)
        try:
            parse_datetime(v)
            counts["date"] += 1
        except (ValueError_, ValueError, OverflowError):
            pass
        if len(t) == 18 and is_valid_uscc(t.upper()):
            counts["uscc"] += 1
        if len(t) in (15, 18) and is_valid_ric(t.upper()):
            counts["id_no"] += 1
        if len(t) == 6 and t.isdigit() and is_valid_region_code(t):
            counts["region_code"] += 1
        if _NUMBER.match(t):
            try:
                parse_amount(v, None, None)
                counts["amount"] += 1
            except (ValueError_, ValueError, ArithmeticError):
                pass
        if len(t) >= 20:
            counts["long_text"] += 1
    return {k for k, n in counts.items() if n * 5 >= len(values) * 4}


_TYPE_SHAPES = {"date": {"date"}, "date_or_long_term": {"date"}, "datetime": {"date"}, "uscc": {"uscc"},
                "id_no": {"id_no"}, "region_code": {"region_code"}, "amount": {"amount"}, "decimal": {"amount"},
                "integer": {"amount"}}


def _fits(f: Field, shape: set[str], values: list[str]) -> float:
    """How well the sample fits the field: +0.3 when its shape is the field's, -0.3 when it clearly is not."""
    wanted = _TYPE_SHAPES.get(f.type)
    if wanted:
        return 0.3 if wanted & shape else (-0.3 if shape else -0.1)
    if f.type == "code" and f.codes and values:
        codes = load_codes()[f.codes]
        accepted = {fold(v) for v in codes.values} | {fold(k) for k in codes.aliases}
        hits = sum(1 for v in values if fold(v) in accepted)
        return 0.3 if hits * 2 >= len(values) else -0.2
    if f.type == "text":
        if shape & {"date", "amount", "uscc", "region_code"}:
            return -0.3
        free = f.name in _FREE_TEXT or any(w in f.name for w in ("content", "facts", "remark", "result"))
        if "long_text" in shape:
            return 0.2 if free else -0.3  # long sentences are not names, numbers or units
        return 0.0
    return 0.0


_FREE_TEXT = {"follow_up", "basis", "violation", "measures"}


def _name_score(header: str, f: Field) -> float:
    key = split_header(header)[0]
    best = 0.0
    for spelling in (f.header, *f.synonyms):
        other = split_header(spelling)[0]
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        shared = len(set(key) & set(other)) / max(len(set(key) | set(other)), 1)
        best = max(best, ratio, shared)
    return best


def candidates(contract: Contract, header: str, values: list[str], taken: set[str], limit: int = 3) -> list[Candidate]:
    """The fields (not yet matched) this column most likely is, best first."""
    shape = _shape(values)
    scored = []
    for f in contract.fields:
        if f.name in taken:
            continue
        score = 0.7 * _name_score(header, f) + _fits(f, shape, values)
        if score >= CANDIDATE_SCORE:
            scored.append(Candidate(header, f, round(score, 2)))
    scored.sort(key=lambda c: -c.score)
    return scored[:limit]


@dataclass
class Draft:
    feed: str
    header_row: int
    headers: list[str]  # as written, in order
    sure: dict[str, Field]  # header → field
    guesses: dict[str, list[Candidate]]  # header → candidates
    unknown: list[str]  # headers with neither
    missing: list[Field]  # required fields neither sure nor among the guesses' first choices
    constants: dict[str, str] = field(default_factory=dict)  # field name → value, from the profile drafted from
    ignore: list[str] = field(default_factory=list)  # headers the profile drafted from leaves out
    date_formats: list[str] = field(default_factory=list)  # unusual date spellings found in the sample


def header_row(rows: list[list[str | None]]) -> int | None:
    """The header row of an export of unknown layout: the first near the top with most of the widest row filled
    with text (not numbers or dates)."""
    def texts(cells: list[str | None]) -> int:
        return sum(1 for c in cells if c is not None and str(c).strip() and not _NUMBER.match(fold(str(c))))

    top = rows[:HEADER_SCAN_ROWS]
    widest = max((texts(r) for r in top), default=0)
    if widest < 2:
        return None
    return next(i for i, r in enumerate(top) if texts(r) * 10 >= widest * 8)


def _sample(grid: Grid, row: int, column: int) -> list[str]:
    out = []
    for cells in grid.rows[row + 1: row + 1 + SAMPLE_ROWS]:
        if column < len(cells) and cells[column] is not None and str(cells[column]).strip():
            out.append(str(cells[column]).strip())
    return out


def draft_for(grid: Grid, feed: str | None = None, row: int | None = None, base: Profile | None = None) -> Draft:
    """Match one sheet's header row onto a feed (given, or the one it matches best).

    `base`, a profile whose signature the sheet carries (a shipped one), seeds the draft: its column names,
    constants and ignored columns are taken as sure, so only what it lacks (a region code) is left to fill in.
    """
    if base is not None:
        feed = base.feed
        r = _base_row(base, grid.rows)
    else:
        r = header_row(grid.rows) if row is None else row
    if r is None:
        raise UserError("在文件开头找不到表头行（至少两个文字列）", "no header row found near the top of the file "
                        "(at least two text columns)")
    cells = [(i, str(c).strip()) for i, c in enumerate(grid.rows[r]) if c is not None and str(c).strip()]
    headers = [c for _, c in cells if split_header(c)[0] not in IGNORED_HEADERS]
    if feed is None:
        def score(fd: str) -> tuple[int, int]:
            contract = load_contract(fd)
            hits = {h[0] for _, c in cells if (h := match_cell(fd, c))}
            return len(hits & {f.name for f in contract.required_fields}), len(hits)
        feed = max(FEEDS, key=score)
        if score(feed) == (0, 0):
            raise UserError("无法从表头判断台账类型：请用 --feed penalty|supervision|hotline|units 指定",
                            "the headers name no feed of the standard: give --feed penalty|supervision|hotline|units")
    contract = load_contract(feed)
    sure: dict[str, Field] = {}
    ignore = [c for _, c in cells if base is not None and split_header(c)[0] in base.ignore]
    for _, c in cells:
        own = base.columns.get(split_header(c)[0]) if base is not None else None
        hit = (own, None) if own else match_cell(feed, c)
        if hit and hit[0] not in {f.name for f in sure.values()}:
            sure[c] = contract.field(hit[0])
    constants = dict(base.constants) if base is not None else {}
    taken = {f.name for f in sure.values()} | set(constants)
    guesses: dict[str, list[Candidate]] = {}
    unknown: list[str] = []
    for i, c in cells:
        if c in sure or c in ignore or split_header(c)[0] in IGNORED_HEADERS:
            continue
        found = candidates(contract, c, _sample(grid, r, i), taken)
        if found:
            guesses[c] = found
        else:
            unknown.append(c)
    formats = list(base.date_formats) if base is not None else []
    for i, _c in cells:
        fmt = date_format(_sample(grid, r, i))
        if fmt and fmt not in formats:
            formats.append(fmt)
    firsts = {g[0].field.name for g in guesses.values()}
    missing = [f for f in contract.required_fields if f.name not in taken and f.name not in firsts]
    return Draft(feed, r, headers, sure, guesses, unknown, missing, constants, ignore, formats)


def _base_row(base: Profile, rows: list[list[str | None]]) -> int:
    """The row holding the profile's signature headers."""
    for r, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        if set(base.signature) <= {split_header(str(c))[0] for c in cells if c is not None}:
            return r
    raise UserError("文件中没有配置的表头", "the profile's headers are not in the file")


def constant_like(f: Field) -> bool:
    """A field one value can stand for in a whole export (a channel, a region, a category), not an identifier."""
    return bool(f.codes) or f.type in ("region_code", "boolean") or f.name.endswith(("_uscc", "_name"))


def _q(text: str) -> str:
    """A YAML scalar that stays a string (codes such as 12345 and headers with colons)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _allowed(f: Field) -> str:
    if f.codes:
        return "可用 / codes: " + "、".join(load_codes()[f.codes].values)
    if f.type == "region_code":
        return "6 位行政区划代码 / 6-digit region code, e.g. 430100"
    return f.type


def render(draft: Draft, name: str, source: str) -> str:
    """The draft profile as YAML, with comments saying what to edit."""
    contract = load_contract(draft.feed)
    lines = [
        f"# 配置草稿：由 liandong profile draft 从 {source} 生成。只需检查标 TODO 的行。",
        f"# Draft profile drafted from {source}; check the lines marked TODO, then:",
        f"#   liandong ingest {source} --profile {name}",
        f"name: {_q(name)}",
        f"title: {_q(Path(source).stem)}",
        f"feed: {FEED_CHOICE[draft.feed]}   # {contract.title}",
        "# 这些表头同时出现时自动使用本配置 / the profile is picked automatically when these headers appear together",
        "signature: [" + ", ".join(_q(h) for h in draft.headers[:8]) + "]",
        "columns:   # 导出表头: 标准表头 / export header: standard header",
    ]
    for header, f in draft.sure.items():
        lines.append(f"  {_q(header)}: {_q(f.header)}")
    for header, found in draft.guesses.items():
        best, *rest = found
        also = "；其次 / or: " + "、".join(c.field.header for c in rest) if rest else ""
        lines.append(f"  {_q(header)}: {_q(best.field.header)}   # TODO 是否正确？/ did you mean? "
                     f"(score {best.score}){also}")
    for header in draft.unknown:
        lines.append(f"  # {_q(header)}:    # 未匹配，不载入 / no match; not loaded")
    fixed = [f for f in draft.missing if constant_like(f)]
    for f in draft.missing:
        if not constant_like(f):  # a ticket number or a date differs per row: it must come from a column
            lines.append(f"  # TODO \"<导出列名 / export column>\": {_q(f.header)}   # 必填，指出是哪一列 / "
                         "required: name the column that holds it")
    if fixed or draft.constants:
        lines.append("constants:   # 导出中没有的必填字段：填写一个固定值 / required fields the export lacks: "
                     "a fixed value")
        for name, value in draft.constants.items():
            lines.append(f"  {_q(contract.field(name).header)}: {_q(value)}")
        for f in fixed:
            lines.append(f"  {_q(f.header)}: \"\"   # TODO {_allowed(f)}")
    if draft.ignore:
        lines.append("ignore: [" + ", ".join(_q(h) for h in draft.ignore) + "]   # 不载入 / not loaded")
    if draft.date_formats:
        lines.append("date_formats: [" + ", ".join(_q(f) for f in draft.date_formats) + "]   # 样本中的日期写法 / "
                     "date spellings found in the sample")
    else:
        lines.append("# date_formats: [\"%Y年%m月%d日 %H时%M分\"]   # 只在日期写法特殊时 / only for unusual dates")
    lines += [
        "# values:        # 值映射 / value spellings, e.g.",
        "#   满意度: {非常满意: 满意}",
        "# amount_unit: 万元   # 金额列的单位（表头未写明时）/ unit of amount columns whose header has none",
    ]
    return "\n".join(lines) + "\n"


def refusal_hints(contract: Contract, grid: Grid, row: int, missing: list[Field]) -> tuple[str, str]:
    """(zh, en) naming the best candidate column for each missing required field, if any."""
    cells = [(i, str(c).strip()) for i, c in enumerate(grid.rows[row]) if c is not None and str(c).strip()]
    matched = {h[0] for _, c in cells if (h := match_cell(contract.id, c))}
    pairs: list[tuple[str, str]] = []
    for f in missing:
        best: Candidate | None = None
        for i, c in cells:
            if match_cell(contract.id, c) or split_header(c)[0] in IGNORED_HEADERS:
                continue
            for cand in candidates(contract, c, _sample(grid, row, i), matched):
                if cand.field.name == f.name and (best is None or cand.score > best.score):
                    best = cand
        if best is not None:
            pairs.append((best.header, f.header))
    if not pairs:
        return "", ""
    zh = "；可能对应：" + "、".join(f"「{h}」→{t}" for h, t in pairs)
    en = "; possible matches: " + ", ".join(f"'{h}' → {t}" for h, t in pairs)
    return zh, en
