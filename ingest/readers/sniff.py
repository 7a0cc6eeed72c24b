"""Detect a file's real format from its first bytes: extensions lie."""

from __future__ import annotations

import zipfile
from pathlib import Path

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(path: Path) -> str:
    """'xlsx', 'xls', 'csv', 'encrypted', 'empty', 'zip' or 'binary'."""
    head = path.read_bytes()[:4096] if path.stat().st_size < 4096 else _head(path)
    if not head:
        return "empty"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "truncated"
        return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else "zip"
    if head.startswith(_OLE):
        # Password-protected xlsx files are OLE containers holding an EncryptedPackage stream.
        return "encrypted" if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k" in _all(path) else "xls"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "csv"


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4096)


def _all(path: Path) -> bytes:
    return path.read_bytes()
