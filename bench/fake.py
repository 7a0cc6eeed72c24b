"""Vectorised fake values (numpy): names, 统一社会信用代码, 身份证号, phone numbers and dates.

The same rules as `sample_data.ids` and `sample_data.names` (check characters computed, never drawn),
but a whole column at a time, so a province's worth of rows costs seconds rather than hours.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from sample_data import names as sample_names
from sample_data.ids import MOBILE_PREFIXES, USCC_ALPHABET

Rng = np.random.Generator
EPOCH = date(1970, 1, 1)
EXCEL_OFFSET = 25569  # 1970-01-01 as an Excel serial (the 1900 system, 1899-12-30 epoch)

SURNAMES = np.array(list(sample_names.SURNAMES))
GIVEN = np.array(list(sample_names.GIVEN_CHARS))
TRADE_NAMES = np.array(sample_names.TRADE_NAMES)
COMPANY_TRADES = np.array(sample_names.COMPANY_TRADES)
COMPANY_FORMS = np.array(sample_names.COMPANY_FORMS)
SHOP_KINDS = np.array(sample_names.SHOP_KINDS)
MOBILES = np.array(MOBILE_PREFIXES)

_USCC_INDEX = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_CODES = np.array([ord(c) for c in USCC_ALPHABET], dtype=np.uint32)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_RIC_CHECK = np.array([ord(c) for c in "10X98765432"], dtype=np.uint32)
_ZERO = ord("0")


def cat(*parts: object) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars."""
    out = np.asarray(parts[0], dtype=str) if not isinstance(parts[0], str) else parts[0]
    for p in parts[1:]:
        out = np.strings.add(out, p if isinstance(p, str) else np.asarray(p, dtype=str))
    return np.asarray(out)


def pick(rng: Rng, values: np.ndarray | list | tuple, n: int, p: list[float] | np.ndarray | None = None) -> np.ndarray:
    values = np.asarray(values)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return values[rng.choice(len(values), size=n, p=p)]


def _chars_to_str(codes: np.ndarray) -> np.ndarray:
    """(n, w) array of code points → n strings of width w."""
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    return codes.view(f"<U{codes.shape[1]}").reshape(-1)


def person_names(rng: Rng, n: int) -> np.ndarray:
    """2- or 3-character names (mostly 3), as `sample_data.names.person_name`."""
    given2 = np.where(rng.random(n) < 0.85, pick(rng, GIVEN, n), "")
    return cat(pick(rng, SURNAMES, n), pick(rng, GIVEN, n), given2)


def company_names(rng: Rng, n: int, place: str) -> np.ndarray:
    return cat(place, pick(rng, TRADE_NAMES, n), pick(rng, COMPANY_TRADES, n), pick(rng, COMPANY_FORMS, n))


def shop_names(rng: Rng, n: int, place: str) -> np.ndarray:
    return cat(place, pick(rng, TRADE_NAMES, n), pick(rng, SHOP_KINDS, n))


def uscc(rng: Rng, prefixes: np.ndarray, region: str) -> np.ndarray:
    """Valid codes: 2-character prefix (91, 92, 11 …), the region code, a GB 11714 org code, GB 32100 check."""
    n = len(prefixes)
    body = rng.integers(0, 10, size=(n, 8))
    org = 11 - (body * _ORG_WEIGHTS).sum(axis=1) % 11
    org_char = np.where(org == 10, ord("X"), np.where(org == 11, _ZERO, _ZERO + org))
    chars = np.empty((n, 18), dtype=np.uint32)
    pref = np.asarray(prefixes, dtype="<U2").view(np.uint32).reshape(n, 2)
    chars[:, :2] = pref
    chars[:, 2:8] = np.array([ord(c) for c in region], dtype=np.uint32)
    chars[:, 8:16] = body + _ZERO
    chars[:, 16] = org_char
    lookup = np.zeros(128, dtype=np.int64)
    for c, i in _USCC_INDEX.items():
        lookup[ord(c)] = i
    values = lookup[chars[:, :17]]
    check = (31 - (values * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    chars[:, 17] = _USCC_CODES[check]
    return _chars_to_str(chars)


def corrupt_uscc(codes: np.ndarray) -> np.ndarray:
    """Same codes with a wrong (well-formed) check character, as `sample_data.ids.corrupt_uscc`."""
    if len(codes) == 0:
        return codes
    chars = np.asarray(codes, dtype="<U18").view(np.uint32).reshape(-1, 18).copy()
    lookup = np.zeros(128, dtype=np.int64)
    for c, i in _USCC_INDEX.items():
        lookup[ord(c)] = i
    chars[:, 17] = _USCC_CODES[(lookup[chars[:, 17]] + 7) % 31]
    return _chars_to_str(chars)


def ric(rng: Rng, birth_regions: tuple[str, ...], n: int, first_year: int = 1960,
        last_year: int = 2000) -> np.ndarray:
    """Checksum-valid 18-digit 公民身份号码 (birth days capped at 28, as the sample does)."""
    chars = np.empty((n, 18), dtype=np.uint32)
    regions = np.array([[ord(c) for c in r] for r in birth_regions], dtype=np.uint32)
    chars[:, :6] = regions[rng.integers(0, len(birth_regions), n)]
    y = rng.integers(first_year, last_year + 1, n)
    m = rng.integers(1, 13, n)
    d = rng.integers(1, 29, n)
    seq = rng.integers(1, 1000, n)
    digits = np.stack([y // 1000, y // 100 % 10, y // 10 % 10, y % 10, m // 10, m % 10, d // 10, d % 10,
                       seq // 100, seq // 10 % 10, seq % 10], axis=1)
    chars[:, 6:17] = digits + _ZERO
    total = ((chars[:, :17].astype(np.int64) - _ZERO) * _RIC_WEIGHTS).sum(axis=1)
    chars[:, 17] = _RIC_CHECK[total % 11]
    return _chars_to_str(chars)


def mobiles(rng: Rng, n: int) -> np.ndarray:
    tail = rng.integers(0, 10, size=(n, 8)).astype(np.uint32) + _ZERO
    return cat(pick(rng, MOBILES, n), _chars_to_str(tail))


def digits(rng: Rng, n: int, width: int) -> np.ndarray:
    return _chars_to_str(rng.integers(0, 10, size=(n, width)).astype(np.uint32) + _ZERO)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def workdays(days: np.ndarray) -> np.ndarray:
    """Days (since 1970-01-01) moved off weekends: Saturday → Friday, Sunday → Monday."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (3)
    return days - (weekday == 5) + (weekday == 6)


def next_workday(days: np.ndarray) -> np.ndarray:
    """Days moved forward off weekends: Saturday and Sunday → Monday."""
    weekday = (days + 3) % 7
    return days + 2 * (weekday == 5) + (weekday == 6)


def random_days(rng: Rng, n: int, start: date, end: date) -> np.ndarray:
    return rng.integers(day_number(start), day_number(end) + 1, n)
