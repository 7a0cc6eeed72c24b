"""Tiny writers for the two binary formats the corpus cannot get from openpyxl (nothing installed writes them).

* `cfb(streams)`: an OLE2 / Compound File Binary container (MS-CFB, version 3, 512-byte sectors). Every
  stream is padded to at least 4096 bytes so no mini stream is needed.
* `biff8_workbook(sheets)`: a legacy Excel 97-2003 `.xls` (BIFF8, MS-XLS): strings in a shared string table,
  numbers as NUMBER records, one worksheet per sheet; optionally a FILEPASS record (password-protected xls).
* `encrypted_xlsx()`: what Excel writes for a password-protected .xlsx: an OLE container holding
  `EncryptionInfo` and `EncryptedPackage` streams (here with random bytes: nobody can decrypt it anyway).
"""

from __future__ import annotations

import struct

SECTOR = 512
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, start: int, size: int, left: int = NOSTREAM, right: int = NOSTREAM,
               child: int = NOSTREAM) -> bytes:
    raw = (name.encode("utf-16-le") + b"\x00\x00") if name else b""
    entry = raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
    entry += struct.pack("<III", left, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
    entry += struct.pack("<IQ", start, size)
    assert len(entry) == 128
    return entry


def cfb(streams: list[tuple[str, bytes]]) -> bytes:
    """An OLE2 container with the given top-level streams (names sorted as MS-CFB compares them)."""
    streams = sorted(streams, key=lambda s: (len(s[0]), s[0].upper()))
    fat: list[int] = [FATSECT]
    body = b""
    entries = []
    for name, data in streams:
        data = data.ljust(4096, b"\x00")  # at or above the mini-stream cutoff: regular sectors only
        padded = data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\x00")
        start = len(fat)
        count = len(padded) // SECTOR
        fat.extend([*list(range(start + 1, start + count)), ENDOFCHAIN])
        entries.append((name, start, len(data)))
        body += padded
    dir_start = len(fat)
    fat.append(ENDOFCHAIN)
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for the corpus"
    # root → first stream; each stream's right sibling is the next (a valid, if unbalanced, tree)
    directory = _dir_entry("Root Entry", 5, ENDOFCHAIN, 0, child=1 if entries else NOSTREAM)
    for i, (name, start, size) in enumerate(entries, start=1):
        directory += _dir_entry(name, 2, start, size, right=i + 1 if i < len(entries) else NOSTREAM)
    directory = directory.ljust(SECTOR, b"\x00")
    assert len(directory) == SECTOR, "one directory sector (at most 4 entries)"
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREESECT] * (SECTOR // 4 - len(fat))))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    header += struct.pack("<I", 0) + struct.pack("<108I", *([FREESECT] * 108))
    assert len(header) == SECTOR
    return header + fat_sector + body + directory


def _record(rid: int, data: bytes = b"") -> bytes:
    assert len(data) <= 8224, "BIFF8 records hold at most 8224 bytes (no CONTINUE records here)"
    return struct.pack("<HH", rid, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _xlstring16(text: str) -> bytes:  # XLUnicodeString, always stored as UTF-16
    return struct.pack("<HB", len(text.encode("utf-16-le")) // 2, 1) + text.encode("utf-16-le")


def biff8_workbook(sheets: list[tuple[str, list[list[object]]]], password_protected: bool = False,
                   merged: dict[str, list[tuple[int, int, int, int]]] | None = None) -> bytes:
    """A .xls file: each sheet is (name, rows); a cell is a str, an int/float (NUMBER) or None.

    `merged` gives a sheet's merged ranges, 0-based (first row, first column, last row, last column).
    """
    strings: list[str] = []
    index: dict[str, int] = {}
    for _, rows in sheets:
        for row in rows:
            for cell in row:
                if isinstance(cell, str) and cell not in index:
                    index[cell] = len(strings)
                    strings.append(cell)
    total = sum(1 for _, rows in sheets for row in rows for c in row if isinstance(c, str))
    sst = _record(0x00FC, struct.pack("<II", total, len(strings)) + b"".join(_xlstring16(s) for s in strings))
    # 15 style XFs and one cell XF (general format): readers look the format up for every cell
    xf = b"".join(_record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 0x0001, 0x20, 0, 0, 0,
                                                     0, 0, 0x20C0)) for i in range(16))
    globals_head = _bof(0x0005)
    if password_protected:  # FILEPASS, RC4 CryptoAPI header (contents are never needed to refuse the file)
        globals_head += _record(0x002F, struct.pack("<HHH", 1, 2, 2) + b"\x00" * 48)
    globals_head += _record(0x0042, struct.pack("<H", 1200)) + xf

    def boundsheet(offset: int, name: str) -> bytes:
        return _record(0x0085, struct.pack("<IBB", offset, 0, 0) + struct.pack("<BB", len(name), 1)
                       + name.encode("utf-16-le"))

    sheet_streams = []
    for sheet_name, rows in sheets:
        recs = _bof(0x0010)
        ncols = max((len(r) for r in rows), default=0)
        recs += _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if isinstance(cell, str):
                    recs += _record(0x00FD, struct.pack("<HHHI", r, c, 15, index[cell]))
                elif isinstance(cell, (int, float)):
                    recs += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(cell)))
        ranges = (merged or {}).get(sheet_name, [])
        if ranges:  # MERGEDCELLS: count, then (first row, last row, first column, last column) per range
            recs += _record(0x00E5, struct.pack("<H", len(ranges)) + b"".join(
                struct.pack("<HHHH", r1, r2, c1, c2) for r1, c1, r2, c2 in ranges))
        recs += _record(0x000A)
        sheet_streams.append(recs)
    # boundsheet records have a fixed size, so the offsets can be computed before writing them
    names = [name for name, _ in sheets]
    head_len = len(globals_head) + sum(len(boundsheet(0, n)) for n in names) + len(sst) + 4
    offsets, pos = [], head_len
    for s in sheet_streams:
        offsets.append(pos)
        pos += len(s)
    stream = globals_head + b"".join(boundsheet(o, n) for o, n in zip(offsets, names, strict=True))
    stream += sst + _record(0x000A) + b"".join(sheet_streams)
    return cfb([("Workbook", stream)])


def encrypted_xlsx(seed: int = 7) -> bytes:
    """The shape of a password-protected .xlsx (ECMA-376 agile encryption): OLE with EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8"?><encryption/>'
    package = struct.pack("<Q", 1234) + bytes((seed * 31 + i * 17) % 256 for i in range(1234))
    return cfb([("EncryptionInfo", info), ("EncryptedPackage", package)])
