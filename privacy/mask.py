"""Find and mask personal data inside free text: ID numbers, phones, bank cards, e-mail, the row's persons.

`find_personal_data` is the one detector: masking at ingest and the PII audit of the warehouse and the
published site both use it, so what is masked and what is searched for never drift apart. Each match
is replaced by a readable tag so the text still reads naturally, e.g. "当事人【当事人】（电话【手机号】）…".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from data_contracts.identifiers import is_valid_ric, is_valid_uscc

TAGS = {
    "id_number": "【身份证号】", "mobile": "【手机号】", "landline": "【电话】", "bank_card": "【银行卡号】",
    "email": "【邮箱】",
}
TAG_ID, TAG_MOBILE, TAG_PHONE, TAG_CARD, TAG_EMAIL = TAGS.values()

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("id_number", re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")),
    ("bank_card", re.compile(r"(?<![0-9A-Za-z])(?:\d[ -]?){15,18}\d(?![0-9A-Za-z])")),
    ("id_number", re.compile(r"(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")),
    ("mobile", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")),
    ("landline", re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[- ]?)?[2-9]\d{6,7}(?:-\d{1,4})?(?!\d)")),
]
# Pseudonyms and content hashes are hex: digit runs inside them are not phone numbers. A decimal number's
# fraction is not an identifier either: scores and rates written at full precision (0.9371234567890129 in a
# workbook's XML or a figure's JSON) would otherwise pass the Luhn check one time in ten (seen at bench scale).
_PSEUDONYM = r"(?:id|name|tel)_[0-9a-f]{24}"
_HEX_HASH = r"[0-9a-f]{32,64}"
_SAFE_TOKENS = re.compile(rf"{_PSEUDONYM}|(?<![0-9a-f]){_HEX_HASH}(?![0-9a-f])"
                          r"|(?<![\d.])\d+\.\d+(?:[eE][+-]?\d+)?(?![\d.])")
# A value that is wholly a pseudonym or a hash (RE2 syntax, for a SQL pre-filter): never a finding.
SAFE_WHOLE_VALUE = rf"^(?:{_PSEUDONYM}|{_HEX_HASH})$"
# Every pattern of _PATTERNS needs an "@" (email) or seven digits with at most one space or dash between
# neighbours (landline [2-9]\d{6,7}; mobile 1[3-9]\d[- ]?\d{4}…; 身份证 15/18 digits; card 16–19 digits with
# optional single separators). Text without either cannot hold a finding, so the detector skips it: most free
# text does. A new pattern must keep this true (tests/test_personal_data.py compares both paths).
_MAY_HOLD = re.compile(r"@|\d(?:[ -]?\d){6}")
# 统一社会信用代码 are public (双公示): a valid one is never read as a card, phone or ID number.
_NON_DIGITS = re.compile(r"\D")
_USCC_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Finding:
    kind: str  # id_number | mobile | landline | bank_card | email
    start: int
    end: int
    text: str


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _birth_date_ok(yyyymmdd: str) -> bool:
    """A 身份证 number carries a real birth date; organisation codes that pass the checksum do not."""
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def _looks_like_ric(token: str) -> bool:
    """A valid 身份证 number with a real birth date is personal data even if it also passes the USCC check."""
    return is_valid_ric(token) and len(token) == 18 and _birth_date_ok(token[6:14])


def _accept(kind: str, match: str) -> bool:
    """Check digits where the identifier has them; shape rules elsewhere."""
    if kind == "id_number" and len(match) == 18:
        return _looks_like_ric(match)
    if kind == "bank_card":
        digits = _NON_DIGITS.sub("", match)
        return _luhn(digits) and not (len(digits) == 18 and is_valid_uscc(digits))  # organ codes are public
    if kind == "landline":  # an area code (0xx-) or a dashed number; amounts like 68000 are not phones
        digits = _NON_DIGITS.sub("", match)
        return match.startswith(("0", "(0")) or (len(digits) >= 7 and "-" in match)
    return True


def find_personal_data(text: str) -> Iterator[Finding]:
    """Every piece of personal data in `text`, earliest pattern first; spans never overlap."""
    if not text or not _MAY_HOLD.search(text):
        return
    yield from _find_all(text)


def _find_all(text: str) -> Iterator[Finding]:
    """The detector without the pre-filter (tests check that the pre-filter never hides a finding)."""
    taken = [(m.start(), m.end()) for m in _SAFE_TOKENS.finditer(text)]
    taken += [(m.start(), m.end()) for m in _USCC_TOKEN.finditer(text)
              if is_valid_uscc(m.group(0)) and not _looks_like_ric(m.group(0))]
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken) or not _accept(kind, m.group(0)):
                continue
            taken.append((m.start(), m.end()))
            yield Finding(kind, m.start(), m.end(), m.group(0))


# Ledgers repeat most short texts (违法行为类型, 处罚依据, addresses): mask each distinct one once. Bounded.
@lru_cache(maxsize=1 << 14)
def mask_identifiers(text: str) -> str:
    """`text` with every identifier replaced by its tag (memoised: it depends on the text alone)."""
    if not text or not _MAY_HOLD.search(text):
        return text
    out = text
    for f in sorted(_find_all(text), key=lambda f: -f.start):
        out = out[: f.start] + TAGS[f.kind] + out[f.end:]
    return out


def name_order(names: dict[str, str] | None) -> list[tuple[str, str]]:
    """The names worth replacing (two characters or more), longest first so a longer name wins; once per row."""
    return [(n, t) for n, t in sorted((names or {}).items(), key=lambda kv: -len(kv[0])) if n and len(n) >= 2]


def replace_names(text: str, ordered: list[tuple[str, str]]) -> str:
    """`text` with each name of `name_order(...)` replaced by its tag."""
    for name, tag in ordered:
        text = text.replace(name, tag)
    return text


def mask_text(text: str, names: dict[str, str] | None = None) -> str:
    """Mask identifiers and the given person names ({name: tag}) in `text`."""
    if not text:
        return text
    return replace_names(mask_identifiers(text), name_order(names))
