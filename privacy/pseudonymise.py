"""Keyed pseudonyms (HMAC-SHA256) for natural persons' identifiers.

The same person gets the same pseudonym across files, agencies and spellings (case of X, spaces, a
15-digit legacy 身份证 and its 18-digit form), so repeat offences can still be found; without the key
nobody can recompute or reverse them.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from functools import lru_cache

from data_contracts.identifiers import normalise_ric

PREFIX = {"id": "id_", "name": "name_", "phone": "tel_"}
DIGEST_CHARS = 24
_NON_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"\s+")


def canonical(kind: str, value: str) -> str:
    """The form that is hashed: formatting differences must not change a pseudonym."""
    v = unicodedata.normalize("NFKC", value).strip()
    if kind == "id":
        return normalise_ric(v)
    if kind == "phone":
        digits = _NON_DIGITS.sub("", v)
        return digits[-11:] if digits.startswith("86") and len(digits) == 13 else digits
    return _SPACES.sub("", v)


# The same persons recur across a province's rows; the key is part of the cache key, so a different key
# never sees another key's pseudonyms. Bounded: memory stays flat however many distinct values stream by.
@lru_cache(maxsize=1 << 16)
def pseudonym(key: bytes, kind: str, value: str) -> str:
    """The keyed pseudonym of one identifier (memoised per key, kind and value)."""
    message = f"{kind}:{canonical(kind, value)}".encode()
    return PREFIX[kind] + hmac.digest(key, message, "sha256").hex()[:DIGEST_CHARS]  # one C call, same HMAC


def is_pseudonym(value: str) -> bool:
    return bool(re.match(rf"^(id|name|tel)_[0-9a-f]{{{DIGEST_CHARS}}}$", value))
