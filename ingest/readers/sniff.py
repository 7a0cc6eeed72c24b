"""Detect a file's real format from its first bytes: extensions lie."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(path: Path) -> str:
    """'xlsx', 'xls', 'csv', 'encrypted', 'empty', 'truncated', 'zip', 'html' or 'binary'."""
    head = path.read_bytes()[:4096] if path.stat().st_size < 4096 else _head(path)
    if not head:
        return "empty"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
            return "truncated"  # a damaged zip directory (cut off, bytes changed): not an xlsx we can open
        return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else "zip"
    if head.startswith(_OLE):
        # Password-protected xlsx files are OLE containers holding an EncryptedPackage stream.
        return "encrypted" if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k" in _all(path) else "xls"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and utf16_without_bom(head) is None:
        return "binary"
    if re.match(rb"^(\xef\xbb\xbf)?\s*<(!doctype html|html|table|\?xml)", head[:512], re.IGNORECASE):
        return "html"  # web systems often export an HTML table (or SpreadsheetML) and call it .xls
    return "csv"


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for text saved as UTF-16 without a BOM, else None.

    ASCII (delimiters, digits, dates, codes) puts a NUL in every other byte; Chinese characters mostly do not,
    so the test is: many NULs on one side, few on the other, and the decoded text is plain text.
    """
    sample = head[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    units = len(sample) // 2
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    hi, lo = max(odd, even), min(odd, even)
    if units < 4 or hi < max(4, units // 20) or lo * 4 > hi:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    for cut in (sample, sample[:-2]):  # the sample may end inside a surrogate pair
        try:
            text = cut.decode(enc)
        except UnicodeDecodeError:
            continue
        plain = all(ch >= " " or ch in "\t\r\n" for ch in text)
        return enc if plain and any(d in text for d in ",;\t|") else None
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4096)


def _all(path: Path) -> bytes:
    return path.read_bytes()
