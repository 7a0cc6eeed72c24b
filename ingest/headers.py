"""Match real-world header spellings onto contract fields, find the header row and detect the feed.

Headers are compared after NFKC folding (full-width → half-width), removing spaces, line breaks and
required-markers (*), and splitting off a unit in brackets: `罚款金额（万元）`, `罚款金额(万元)` and
`罚款金额 万元` are the same column with unit 万元.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from data_contracts.model import FEEDS, Contract, load_contract

AMOUNT_UNITS = {"元": 1, "人民币元": 1, "万元": 10_000, "人民币万元": 10_000, "亿元": 100_000_000}
_UNIT_BRACKET = re.compile(r"^(.+?)\((万元|元|亿元|人民币元|人民币万元)\)$")
_UNIT_SUFFIX = re.compile(r"^(.+?)(万元|元|亿元)$")
HEADER_SCAN_ROWS = 30
IGNORED_HEADERS = {"序号", "序", "行号", "No", "No.", "NO"}  # row counters every export carries: not data


# Characters Word, web forms and copy-paste leave in cells that show as nothing: zero-width space/joiners,
# word joiner, BOM (U+FEFF), soft hyphen, Mongolian vowel separator. NBSP is whitespace after NFKC.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_DROP_INVISIBLE = str.maketrans("", "", INVISIBLE)


def fold(text: str) -> str:
    """NFKC-fold and drop all whitespace and invisible characters; the form for comparing headers and codes.

    On a hot path: `str.split()` splits on exactly the characters `\\s` matches (`str.isspace`), and NFKC
    leaves ASCII unchanged, so ASCII skips it.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DROP_INVISIBLE)
    return "".join(text.split())


# Exports repeat their headers file after file: each spelling is split and matched once (pure, like `_lookup`).
@lru_cache(maxsize=1 << 12)
def split_header(raw: str) -> tuple[str, str | None]:
    """(header key, unit) for a header cell as written."""
    h = fold(raw).strip("*＊").replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    m = _UNIT_BRACKET.match(h)
    if m:
        return m.group(1), m.group(2)
    return h, None


@dataclass(frozen=True)
class ColumnMatch:
    index: int
    header: str  # as written
    field: str
    unit: str | None  # amount unit from the header, if any


@dataclass
class HeaderMatch:
    feed: str
    row_index: int
    columns: list[ColumnMatch]
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns}


@cache
def _lookup(feed: str) -> dict[str, str]:
    """Folded header spelling → field name for one feed (the standard header and every synonym)."""
    contract = load_contract(feed)
    table: dict[str, str] = {}
    for f in contract.fields:
        for spelling in (f.header, *f.synonyms):
            key, _unit = split_header(spelling)
            table.setdefault(key, f.name)
    return table


@lru_cache(maxsize=1 << 12)
def match_cell(feed: str, raw: str) -> tuple[str, str | None] | None:
    """(field, unit) for one header cell, or None when the header is unknown to this feed."""
    key, unit = split_header(raw)
    table = _lookup(feed)
    if key in table:
        return table[key], unit
    m = _UNIT_SUFFIX.match(key)  # "罚款金额万元": the unit written without brackets
    if m and m.group(1) in table:
        return table[m.group(1)], m.group(2)
    return None


def match_row(feed: str, cells: list[str | None], row_index: int) -> HeaderMatch:
    columns: list[ColumnMatch] = []
    unknown: list[str] = []
    duplicates: list[str] = []
    seen: set[str] = set()
    for idx, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        hit = match_cell(feed, str(cell))
        if hit is None:
            if split_header(str(cell))[0] not in IGNORED_HEADERS:
                unknown.append(str(cell).strip())
        elif hit[0] in seen:
            duplicates.append(str(cell).strip())
        else:
            seen.add(hit[0])
            columns.append(ColumnMatch(idx, str(cell).strip(), hit[0], hit[1]))
    return HeaderMatch(feed, row_index, columns, unknown, duplicates)


def find_header(rows: list[list[str | None]], feeds: tuple[str, ...] = FEEDS) -> HeaderMatch | None:
    """The first row (within the first rows) that looks most like a header of one of `feeds`.

    A row qualifies when it matches at least three fields of a feed and either at least half of its non-empty
    cells or at least three of the feed's required fields (a wide export: the standard's columns among many
    platform columns, whose others are reported as unknown); the feed with the most matched required fields
    wins, then the most matches.
    """
    best: tuple[tuple[int, int], HeaderMatch] | None = None
    for r, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        filled = sum(1 for c in cells if c is not None and str(c).strip())
        if filled < 3:
            continue
        for feed in feeds:
            m = match_row(feed, cells, r)
            if len(m.columns) < 3:
                continue
            required = {f.name for f in load_contract(feed).required_fields}
            score = (len(m.fields & required), len(m.columns))
            if len(m.columns) * 2 < filled and score[0] < min(3, len(required)):
                continue
            if best is None or score > best[0]:
                best = (score, m)
        if best is not None:  # the first qualifying row is the header; later rows are data
            return _with_sub_header(rows, best[1])
    return None


def _with_sub_header(rows: list[list[str | None]], match: HeaderMatch) -> HeaderMatch:
    """A two-row header: a group cell merged over several columns (`金额`) with the fields named below it.

    The next row joins the header only when every filled cell of it names a field not yet matched, in a
    column the header row left unmatched; the group labels above those cells are then not unknown headers.
    """
    below = match.row_index + 1
    if below >= len(rows):
        return match
    taken = {c.index for c in match.columns}
    seen = set(match.fields)
    extra: list[ColumnMatch] = []
    for idx, cell in enumerate(rows[below]):
        if cell is None or not str(cell).strip():
            continue
        hit = match_cell(match.feed, str(cell))
        if hit is None or idx in taken or hit[0] in seen:
            return match
        seen.add(hit[0])
        extra.append(ColumnMatch(idx, str(cell).strip(), hit[0], hit[1]))
    if not extra:
        return match
    header_row = rows[match.row_index]
    labels = {str(header_row[c.index]).strip() for c in extra
              if c.index < len(header_row) and header_row[c.index] is not None}
    unknown = [u for u in match.unknown if u not in labels]
    return HeaderMatch(match.feed, below, match.columns + extra, unknown, match.duplicates)


def missing_required(contract: Contract, match: HeaderMatch) -> list[str]:
    return [f.header for f in contract.required_fields if f.name not in match.fields]
