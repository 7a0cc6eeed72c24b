"""Identifier checks: 统一社会信用代码 (GB 32100), 公民身份号码 (GB 11643), 行政区划代码 (GB/T 2260).

python-stdnum's `cn.uscc` rejects valid codes that start with a letter (A, N, Y) and `cn.ric.validate`
rejects unknown birth-place codes, so we compute the USCC check ourselves and use only stdnum's
ISO 7064 MOD 11-2 checksum for 身份证.
"""

from __future__ import annotations

import re
from operator import mul

from stdnum.cn import ric

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_RIC18_RE = re.compile(r"^\d{17}[\dX]$")
_RIC15_RE = re.compile(r"^\d{15}$")
_REGION_RE = re.compile(r"^[1-9]\d{5}$")


_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters (the audit and ingest check millions of codes: the
    values and weights are looked up, the products summed in C)."""
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str | None) -> bool:
    if not code or not _USCC_RE.match(code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def ric_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check digit (stdnum's function drops the last character, so pad one)."""
    return ric.calc_check_digit(first17 + "0")


def ric_15_to_18(number: str) -> str:
    """Legacy 15-digit 身份证 → 18 digits (century 19 inserted, check digit computed)."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + ric_check_digit(first17)


def normalise_ric(number: str) -> str:
    """Canonical form used for pseudonyms: upper-case X, no spaces, 15 digits upgraded to 18."""
    n = re.sub(r"\s+", "", number).upper()
    return ric_15_to_18(n) if _RIC15_RE.match(n) else n


def is_valid_ric(number: str | None) -> bool:
    """18 digits with a valid check digit, or a legacy 15-digit number (flagged elsewhere)."""
    if not number:
        return False
    n = re.sub(r"\s+", "", number).upper()
    if _RIC15_RE.match(n):
        return True
    return bool(_RIC18_RE.match(n)) and ric_check_digit(n[:17]) == n[17]


def is_legacy_ric(number: str | None) -> bool:
    return bool(number) and bool(_RIC15_RE.match(re.sub(r"\s+", "", number)))


def is_valid_region_code(code: str | None) -> bool:
    return bool(code) and bool(_REGION_RE.match(code))
