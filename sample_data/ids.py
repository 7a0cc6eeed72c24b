"""Fake but checksum-valid identifiers: 统一社会信用代码, 组织机构代码, 公民身份号码, phone numbers.

The sample must exercise the validators, so every identifier is built with the real check rule and only
the rows planted as bad carry a wrong check character. python-stdnum's `cn.uscc` rejects codes that
start with a letter (A, N, Y), so the USCC check is computed here; 身份证 uses stdnum's MOD 11-2 digit.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date

from stdnum.cn import ric

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: weights 3^(i-1) mod 31, check = (31 - sum mod 31) mod 31."""
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code over the GB 32100 alphabet with a correct check character."""
    return (
        len(code) == 18 and all(c in USCC_ALPHABET for c in code) and uscc_check_char(code[:17]) == code[17]
    )


def org_code(body8: str) -> str:
    """GB 11714 组织机构代码 (8 characters + check), the part a USCC embeds at positions 9-17."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(prefix2: str, region: str, rng: random.Random) -> str:
    """A valid USCC: registration-authority prefix (11, 12, 91, 92, A1, N2, Y1 …), region, org code."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix2 + region + org_code(body)
    return first17 + uscc_check_char(first17)


def stable_uscc(prefix2: str, region: str, name: str) -> str:
    """A USCC derived from a unit's name, so member units keep their code whatever the seed."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return make_uscc(prefix2, region, random.Random(digest))


def corrupt_uscc(code: str) -> str:
    """The same code with a wrong (but well-formed) check character: a planted bad row."""
    good = code[17]
    bad = USCC_ALPHABET[(USCC_ALPHABET.index(good) + 7) % 31]
    return code[:17] + bad


def ric_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check digit (stdnum's function expects the check position to be present)."""
    return ric.calc_check_digit(first17 + "0")


def is_valid_ric18(number: str) -> bool:
    """18-character 身份证 with a correct check digit."""
    return len(number) == 18 and number[:17].isdigit() and ric_check_digit(number[:17]) == number[17]


def make_ric(region: str, birth: date, rng: random.Random) -> str:
    """A checksum-valid 18-digit 公民身份号码 (the sequence digit's parity gives the sex)."""
    first17 = region + birth.strftime("%Y%m%d") + f"{rng.randrange(1, 1000):03d}"
    return first17 + ric_check_digit(first17)


def ric_to_legacy15(number18: str) -> str:
    """The legacy 15-digit form of the same person: drop the century "19" and the check digit."""
    if number18[6:8] != "19":
        raise ValueError("only people born in the 1900s have a 15-digit number")
    return number18[:6] + number18[8:17]


def random_birth(rng: random.Random, first_year: int = 1960, last_year: int = 2000) -> date:
    """A birth date in [first_year, last_year]; days capped at 28 so every month works."""
    return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def make_mobile(rng: random.Random) -> str:
    """A mobile number shaped like 1[3-9]xxxxxxxxx."""
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def make_landline(area_code: str, rng: random.Random) -> str:
    """A fixed-line number such as 0371-63581234."""
    return f"{area_code}-{rng.choice('5678')}" + "".join(rng.choice("0123456789") for _ in range(7))
