"""Turn cell strings into typed values per contract field type; a value that cannot be read is an error.

Accepted spellings follow the exchange standard's "Conventions for all feeds".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from data_contracts.model import CodeList, load_codes
from ingest.headers import AMOUNT_UNITS, INVISIBLE, fold

NULL_TOKENS = {"", "-", "--", "—", "——", "/", "\\", "null", "NULL", "None", "none", "N/A", "n/a", "#N/A"}
NULL_TOKENS_NON_TEXT = {"无", "空", "暂无"}
LIST_SEPARATORS = re.compile(r"[;；、,，|｜]")
EXCEL_EPOCH = date(1899, 12, 30)
CENT = Decimal("0.01")

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_DATETIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[T ]*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?分?$"
)
_SERIAL = re.compile(r"^\d{4,5}(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DECIMAL = re.compile(r"^([+-]?\d+(?:\.\d+)?)(\D*)$")
_INTEGER = re.compile(r"^([+-]?\d+)(?:\.0+)?(人|名|个)?$")
_WHOLE_FLOAT = re.compile(r"^\d+\.0$")
_SPACES = re.compile(r"\s+")
_TRUE = {"是", "y", "yes", "1", "true", "t", "√", "有"}
_FALSE = {"否", "n", "no", "0", "false", "f", "×", "无"}


class ValueError_(Exception):
    """A cell that cannot be read as its field's type; carries the bilingual reason."""

    def __init__(self, rule: str, zh: str, en: str):
        super().__init__(en)
        self.rule, self.zh, self.en = rule, zh, en


def clean(raw: object) -> str | None:
    """Strip a cell; None for empty and null tokens.

    Runs on every cell, so it does the least work: `str.strip()` already strips U+3000 (it is whitespace).
    """
    if raw is None:
        return None
    text = raw if type(raw) is str else str(raw)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    while text and (text[0] in INVISIBLE or text[-1] in INVISIBLE):  # a cell of only U+200B is empty
        text = text.strip(INVISIBLE).strip()
    return None if text in NULL_TOKENS else text


def _nfkc(text: str) -> str:
    """NFKC, skipped for ASCII (which it leaves unchanged)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _fold_number(text: str) -> str:
    return _nfkc(text).replace(",", "").replace(" ", "").replace("\u3000", "")


def parse_date(text: str, *, allow_serial: bool = True) -> date:
    if _DATETIME.match(_SPACES.sub(" ", _nfkc(text)).strip().replace("T", " ")):
        return parse_datetime(text).date()
    t = _fold_number(text)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            _check_year(y, text)
            try:
                return date(y, mo, d)
            except ValueError as exc:
                raise ValueError_("type.date", f"日期不存在：{text}", f"impossible date: {text}") from exc
    if allow_serial and _SERIAL.match(t):
        serial = float(t)
        if MIN_SERIAL <= serial < MAX_SERIAL + 1:
            return EXCEL_EPOCH + timedelta(days=int(serial))
    if _YEAR_ALONE.match(t):
        raise ValueError_(
            "type.date",
            f"日期只有年份「{text}」，缺少月和日（须含年月日，如 2024-03-05）",
            f"the date '{text}' is a year alone, without month and day (e.g. 2024-03-05 is required)",
        )
    if _SERIAL.match(t):
        raise ValueError_(
            "type.date",
            f"数字「{text}」不是合理的 Excel 日期序号"
            f"（须在 {MIN_SERIAL}–{MAX_SERIAL} 之间，即 {MIN_YEAR}–{MAX_YEAR} 年）",
            f"the number '{text}' is not a plausible Excel date serial (it must lie in {MIN_SERIAL}–{MAX_SERIAL}, "
            f"the years {MIN_YEAR}–{MAX_YEAR})",
        )
    raise ValueError_(
        "type.date",
        f"无法识别的日期「{text}」（须含年月日，如 2024-03-05、2024年3月5日）",
        f"unrecognised date '{text}' (year, month and day required, e.g. 2024-03-05)",
    )


MIN_YEAR, MAX_YEAR = 1949, 2100
# Excel serials (day numbers) are read only inside the same 1949–2100 window as written dates: a bare "2024"
# would otherwise become 1905-07-16. Cells are read as text, so a serial is accepted from text in this range.
MIN_SERIAL = (date(MIN_YEAR, 1, 1) - EXCEL_EPOCH).days  # 17899
MAX_SERIAL = (date(MAX_YEAR, 12, 31) - EXCEL_EPOCH).days  # 73415
_YEAR_ALONE = re.compile(r"^(19|20|21)\d{2}(\.0+)?(年)?$")


def _check_year(year: int, text: str) -> None:
    """Years outside 1949–2100 are typing errors (and would fall outside pandas' date range)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError_("type.date", f"年份不合理：{text}", f"implausible year: {text}")


def parse_datetime(text: str) -> datetime:
    t = _SPACES.sub(" ", _nfkc(text)).strip().replace("T", " ")
    m = _DATETIME.match(t)
    if m:
        y, mo, d, h, mi = (int(g) for g in m.groups()[:5])
        s = int(m.group(6) or 0)
        _check_year(y, text)
        try:
            return datetime(y, mo, d, h, mi, s)
        except ValueError as exc:
            raise ValueError_("type.datetime", f"时间不存在：{text}", f"impossible date-time: {text}") from exc
    if _SERIAL.match(t.replace(" ", "")) and MIN_SERIAL <= float(t.replace(" ", "")) < MAX_SERIAL + 1:
        return datetime(1899, 12, 30) + timedelta(days=float(t.replace(" ", "")))
    d = parse_date(text)  # a bare date means midnight, Beijing time
    return datetime(d.year, d.month, d.day)


def parse_amount(text: str, header_unit: str | None, default_unit: str | None) -> Decimal:
    """Yuan with 2 decimals. An explicit unit in the cell (1.2万, 3元) beats the header's unit."""
    t = _fold_number(text).replace("人民币", "").replace("¥", "").replace("￥", "")
    factor = AMOUNT_UNITS.get(header_unit or default_unit or "元", 1)
    for suffix, f in (("万元", 10_000), ("亿元", 100_000_000), ("万", 10_000), ("亿", 100_000_000), ("元", 1)):
        if t.endswith(suffix):
            t, factor = t[: -len(suffix)], f
            break
    if not _NUMBER.match(t):
        raise ValueError_("type.amount", f"金额不是数字：{text}", f"amount is not a number: {text}")
    try:
        return (Decimal(t) * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError_("type.amount", f"金额不是数字：{text}", f"amount is not a number: {text}") from exc


def parse_decimal(text: str) -> tuple[Decimal, str | None]:
    """A quantity; a trailing unit ("12.5亩") is returned so it can fill 计量单位."""
    t = _fold_number(text)
    m = _DECIMAL.match(t)
    if not m:
        raise ValueError_("type.decimal", f"不是数字：{text}", f"not a number: {text}")
    return Decimal(m.group(1)), (m.group(2) or None)


def parse_integer(text: str) -> int:
    t = _fold_number(text)
    m = _INTEGER.match(t)
    if not m:
        raise ValueError_("type.integer", f"不是整数：{text}", f"not a whole number: {text}")
    return int(m.group(1))


def parse_boolean(text: str) -> bool:
    t = fold(text).lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise ValueError_("type.boolean", f"不是“是/否”：{text}", f"not a yes/no value: {text}")


@cache
def _code_lookup(codes_name: str) -> dict[str, str]:
    codes: CodeList = load_codes()[codes_name]
    table = {fold(v): v for v in codes.values}
    table.update({fold(k): v for k, v in codes.aliases.items()})
    return table


def parse_code(text: str, codes_name: str) -> str:
    """Canonical code; an unknown value is kept (folded) so the contract reports it."""
    key = fold(text)
    table = _code_lookup(codes_name)
    if key in table:
        return table[key]
    prefix = load_codes()[codes_name].open_prefix
    if prefix and key.startswith(fold(prefix)):
        return prefix + key[len(fold(prefix)):]
    return key


@cache
def _legacy_wording(codes_name: str) -> frozenset[str]:
    return frozenset(fold(w) for w in load_codes()[codes_name].legacy_license_wording)


def needs_context(text: str, codes_name: str) -> bool:
    """Whether parse_code_list of `text` reads its context (only pre-2021 暂扣或者吊销 wording does)."""
    legacy = _legacy_wording(codes_name)
    return bool(legacy) and any(fold(part) in legacy for part in LIST_SEPARATORS.split(text) if part.strip())


def parse_code_list(text: str, codes_name: str, context: str | None = None) -> tuple[str, list[str]]:
    """';'-joined canonical codes and flags; pre-2021 暂扣或者吊销 wording is split by 处罚内容."""
    legacy = _legacy_wording(codes_name)
    out: list[str] = []
    flags: list[str] = []
    for part in LIST_SEPARATORS.split(text):
        if not part.strip():
            continue
        if fold(part) in legacy:
            ctx = context or ""
            picked = [c for w, c in (("暂扣", "暂扣许可证件"), ("吊销", "吊销许可证件")) if w in ctx]
            if len(picked) != 1:
                picked = ["暂扣许可证件", "吊销许可证件"]
                flags.append("penalty_category_unclear")
            out.extend(picked)
            continue
        out.extend(parse_code(part, codes_name).split(";"))
    return ";".join(dict.fromkeys(out)), flags


def parse_list(text: str) -> str:
    return ";".join(dict.fromkeys(p.strip() for p in LIST_SEPARATORS.split(text) if p.strip()))


def parse_identifier(text: str) -> str:
    """USCC / 身份证 / region codes: NFKC, no spaces, upper case, Excel's trailing '.0' removed."""
    t = fold(text).upper()
    return t[:-2] if _WHOLE_FLOAT.match(t) else t
