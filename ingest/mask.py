"""Mask personal data inside free text: ID numbers, phones, bank cards, e-mail, and the row's persons.

Each match is replaced by a readable tag so the text still reads naturally, e.g.
"当事人【当事人】（身份证号【身份证号】，电话【手机号】）于…".
"""

from __future__ import annotations

import re

from data_contracts.identifiers import is_valid_ric

TAG_ID = "【身份证号】"
TAG_MOBILE = "【手机号】"
TAG_PHONE = "【电话】"
TAG_CARD = "【银行卡号】"
TAG_EMAIL = "【邮箱】"

_RIC18 = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_RIC15 = re.compile(r"(?<!\d)(\d{6}(?:\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[- ]?)?[2-9]\d{6,7}(?:-\d{1,4})?(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask_text(text: str, names: dict[str, str] | None = None) -> str:
    """Mask identifiers and the given person names ({name: tag}) in `text`."""
    if not text:
        return text
    out = _EMAIL.sub(TAG_EMAIL, text)
    out = _RIC18.sub(lambda m: TAG_ID if is_valid_ric(m.group(1)) else m.group(0), out)
    out = _CARD.sub(lambda m: TAG_CARD if _luhn(re.sub(r"\D", "", m.group(0))) else m.group(0), out)
    out = _RIC15.sub(TAG_ID, out)
    out = _MOBILE.sub(TAG_MOBILE, out)
    out = _LANDLINE.sub(lambda m: TAG_PHONE if _looks_like_phone(m.group(0)) else m.group(0), out)
    for name, tag in sorted((names or {}).items(), key=lambda kv: -len(kv[0])):
        if name and len(name) >= 2:
            out = out.replace(name, tag)
    return out


def _looks_like_phone(candidate: str) -> bool:
    """A landline has an area code (0xx-) or is 7–8 digits standing alone; amounts like 68000 are not."""
    digits = re.sub(r"\D", "", candidate)
    return candidate.startswith(("0", "(0")) or (len(digits) >= 7 and "-" in candidate)
