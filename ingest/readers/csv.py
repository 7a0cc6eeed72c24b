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


BOM_UTF8 = b"\xef\xbb\xbf"
TRIED = "UTF-8, UTF-8 BOM, UTF-16 LE/BE, GB18030"


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) trying BOMs, then strict UTF-8, then GB18030; or reject the file in a sentence.

    A file cut off in transfer ends inside a character: it is rejected as truncated (re-export it), not as
    of an unknown encoding, and never read as mojibake. Notepad's "save as UTF-8" can put a UTF-8 BOM in
    front of text that is still GB18030: the BOM is dropped and the text read as GB18030.
    """
    if data.startswith(BOM_UTF8):
        body = data[3:]
        if _decodes(body, "utf-8"):
            return body.decode("utf-8"), "utf-8-sig"
        if _cut_at_end(body, "utf-8"):
            raise _truncated("UTF-8 文本在一个汉字中间结束", "the UTF-8 text ends in the middle of a character")
        if _decodes(body, "gb18030"):
            return body.decode("gb18030"), "gb18030"
        raise _undetermined()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16"), "utf-16"
    guess = utf16_without_bom(data[:4096])
    if guess:
        try:
            return _utf16(data, guess), guess
        except FileRejected:
            if len(data) % 2:
                raise
    if _decodes(data, "utf-8"):
        return data.decode("utf-8"), "utf-8"
    if _cut_at_end(data, "utf-8"):
        raise _truncated("UTF-8 文本在一个汉字中间结束", "the UTF-8 text ends in the middle of a character")
    if _decodes(data, "gb18030"):
        return data.decode("gb18030"), "gb18030"
    if _cut_at_end(data, "gb18030"):
        raise _truncated("GB18030 文本在一个汉字中间结束", "the GB18030 text ends in the middle of a character")
    raise _undetermined()


def _utf16(data: bytes, encoding: str) -> str:
    if len(data) % 2:
        raise _truncated("UTF-16 文本的字节数为奇数", "the UTF-16 text has an odd number of bytes")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end >= len(data) - 2:  # a surrogate pair cut in two
            raise _truncated("UTF-16 文本在一个字符中间结束",
                             "the UTF-16 text ends in the middle of a character") from None
        raise _undetermined() from None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _cut_at_end(data: bytes, encoding: str) -> bool:
    """Valid `encoding` text (with some non-ASCII) up to an incomplete character in its last bytes."""
    try:
        data.decode(encoding)
        return False
    except UnicodeDecodeError as exc:
        head = data[:exc.start]
        return exc.end == len(data) and len(data) - exc.start < 4 and not head.isascii() and _decodes(head, encoding)


def _truncated(detail_zh: str, detail_en: str) -> FileRejected:
    return FileRejected(Problem(
        "file.truncated",
        f"文件不完整（{detail_zh}），像是在传输或保存时被截断；请重新导出后再提交",
        f"the file is truncated ({detail_en}); it looks cut off in transfer or saving; export it again",
    ))


def _undetermined() -> FileRejected:
    return FileRejected(Problem(
        "file.encoding",
        f"无法确定文件编码（已尝试 {TRIED}）；请另存为 UTF-8 或 GB18030 的 CSV",
        f"the encoding could not be determined (tried {TRIED}); save the CSV as UTF-8 or GB18030",
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
