"""CSV in UTF-8, UTF-8 with BOM, GB18030 (never 'gbk': GB18030 is its superset) or UTF-16 (with or without BOM).

DuckDB cannot decode GB18030 offline (PITFALLS.md), so we decode in Python and sniff the delimiter.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingest.errors import FileRejected, Problem
from ingest.readers.grid import Grid
from ingest.readers.sniff import utf16_without_bom

DELIMITERS = [",", ";", "\t", "|"]


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) trying BOMs, then strict UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    guess = utf16_without_bom(data[:4096])
    if guess:
        try:
            return data.decode(guess), guess
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc, errors="strict"), enc
        except UnicodeDecodeError:
            continue
    raise FileRejected(Problem(
        "file.encoding",
        "无法识别文件编码：既不是 UTF-8 也不是 GB18030，请另存为 UTF-8 或 GB18030 的 CSV",
        "unrecognised text encoding (neither UTF-8 nor GB18030); save the CSV as UTF-8 or GB18030",
    ))


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (quoted delimiters respected)."""
    sample_lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    best, best_score = ",", -1
    for delim in DELIMITERS:
        counts = [len(r) for r in csv.reader(io.StringIO("\n".join(sample_lines)), delimiter=delim)]
        if not counts:
            continue
        widest = max(counts)
        if widest < 2:
            continue
        score = sum(1 for c in counts if c == widest) * widest
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv_grid(path: Path) -> tuple[Grid, dict[str, str]]:
    data = path.read_bytes()
    text, encoding = decode(data)
    if "\x00" in text:
        raise FileRejected(Problem(
            "file.format",
            "文件含有二进制内容，不是文本 CSV（扩展名可能与内容不符）",
            "the file holds binary content, not a text CSV (its extension may not match its content)",
        ))
    delimiter = sniff_delimiter(text)
    rows: list[list[str | None]] = []
    # strict: an opening quote that is never closed would otherwise swallow every later line into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            rows.append([cell if cell != "" else None for cell in record])
    except csv.Error as exc:
        raise FileRejected(Problem(
            "file.csv_syntax",
            f"CSV 格式错误（第 {reader.line_num} 行）：{exc}",
            f"malformed CSV (line {reader.line_num}): {exc}",
        )) from exc
    # csv.reader yields one record per logical row; quoted line breaks keep numbering honest enough
    # for users because we report record numbers, which is what Excel shows when it opens the CSV.
    return Grid(sheet=None, rows=rows, first_row_number=1), {"encoding": encoding, "delimiter": delimiter}
