"""Find and mask personal data inside free text: ID numbers, phones, bank cards, e-mail, the row's persons,
names after 我叫/我是/本人/联系人/当事人…, addresses, licence plates, QQ/微信 and bank accounts.

`find_personal_data` is the one detector: masking at ingest and the PII audit of the warehouse and the
published site both use it, so what is masked and what is searched for never drift apart. Each match
is replaced by a readable tag so the text still reads naturally, e.g. "当事人【当事人】（电话【手机号】）…".
Two families: identifiers with digits (check digits validated; a cheap pre-filter skips most text) and
shapes in words (one regular expression pass). The audit looks for the identifiers and the address shapes
(`AUDIT_KINDS`); names it finds through the keyed hashes of known names (`privacy.names`), because a name
after 当事人 is as often a shop's (当事人王记面馆) and would stop every publication.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from data_contracts.identifiers import is_valid_ric, is_valid_uscc

TAGS = {
    "id_number": "【身份证号】", "mobile": "【手机号】", "landline": "【电话】", "bank_card": "【银行卡号】",
    "email": "【邮箱】", "person_name": "【姓名】", "address": "【地址】", "plate": "【车牌号】",
    "im_account": "【社交账号】", "bank_account": "【银行账号】",
}
# What the PII audit reports (the other word shapes are masked at ingest but are too loose to fail a gate on).
AUDIT_KINDS = frozenset({"id_number", "mobile", "landline", "bank_card", "email", "address"})

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("id_number", re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")),
    ("bank_card", re.compile(r"(?<![0-9A-Za-z])(?:\d[ -]?){15,18}\d(?![0-9A-Za-z])")),
    ("id_number", re.compile(r"(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")),
    ("mobile", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")),
    ("landline", re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[- ]?)?[2-9]\d{6,7}(?:-\d{1,4})?(?!\d)")),
]
# Pseudonyms and content hashes are hex: digit runs inside them are not phone numbers. A decimal number's
# fraction is not an identifier either: scores and rates written at full precision (0.9371234567890129 in a
# workbook's XML or a figure's JSON) would otherwise pass the Luhn check one time in ten (seen at bench scale).
_PSEUDONYM = r"(?:id|name|tel)_[0-9a-f]{24}"
_HEX_HASH = r"[0-9a-f]{32,64}"
# Only a decimal with at most six digits before the point is spared whole: "13912345678.5" or "0371-67881234.2"
# is a phone followed by a full stop and digits (a sentence's end), not a number; of a longer decimal only
# the fraction is spared.
_SAFE_TOKENS = re.compile(rf"{_PSEUDONYM}|(?<![0-9a-f]){_HEX_HASH}(?![0-9a-f])"
                          r"|(?<![\d.])\d{1,6}\.\d+(?:[eE][+-]?\d+)?(?![\d.])"
                          r"|(?<=\d)\.\d+(?:[eE][+-]?\d+)?(?![\d.])")
# A value that is wholly a pseudonym or a hash (RE2 syntax, for a SQL pre-filter): never a finding.
SAFE_WHOLE_VALUE = rf"^(?:{_PSEUDONYM}|{_HEX_HASH})$"
# Every pattern of _PATTERNS needs an "@" (email) or seven digits with at most one space or dash between
# neighbours (landline [2-9]\d{6,7}; mobile 1[3-9]\d[- ]?\d{4}…; 身份证 15/18 digits; card 16–19 digits with
# optional single separators). Text without either cannot hold a finding, so the detector skips it: most free
# text does. A new pattern must keep this true (tests/test_personal_data.py compares both paths).
_MAY_HOLD = re.compile(r"@|\d(?:[ -]?\d){6}")
# 统一社会信用代码 are public (双公示): a valid one is never read as a card, phone or ID number.
_NON_DIGITS = re.compile(r"\D")
_USCC_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])")


# ------------------------------------------------------------------------------------ shapes in words

# The commonest surnames (about 90 % of people) and compound ones: a name after a trigger word starts with one.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
            "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
            "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
            "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
            "查麻苑迟邝")
_COMPOUND = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|长孙|宇文|司徒|夏侯|端木|南宫|呼延|独孤"
_HAN = "\u4e00-\u9fff"
_NUM = "[0-9０-９一二三四五六七八九十百零〇两]+"
_NAME_TRIGGERS = "我叫|我是|本人|联系人|当事人|来电人|来访人|投诉人|举报人|反映人|申请人|求助人"
_NAME_END = ("[，,。.；;、:：\\s（()）！!？?【]|电话|手机|联系|身份|证件|家住|住在|住址|现住|男|女|反映|来电|投诉|举报"
             "|称|说|要求|请求|希望|年龄|岁|$")
# A candidate ending like an organisation (当事人王记面馆（经营者…）) is a shop, not a person.
_ORG_END = set("店厂行部社馆司站场院所队园局委会处室科组村镇城市区县州省楼坊铺庄厅吧号人")
# Nor is a surname character followed by a pronoun or a function word (本人向您反映, 投诉人解释说明).
_NOT_GIVEN = set("您你我他她它们的了在是不对和与及也都就所以说释将把被向从为")
_ROAD = "(?:路|街|大道|大街|巷|胡同|弄)"
_COMMUNITY = "(?:小区|花园|家园|公寓|新村|社区|苑|大厦|广场)"
_BUILDING = f"(?:{_NUM}(?:号楼|栋|幢|座|号院))"
_UNIT = f"(?:{_NUM}单元)"
_ROOM = f"(?:{_NUM}(?:室|户|号|层|楼))"
_RESIDENCE = "(?:家住|住在|现住|居住在|居住于|住址[:：]|家庭住址[:：]?|地址[:：])"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Every alternative starts with a fixed word or a small character class, so the one pass stays fast; the place
# name before a road, community or village word is taken afterwards, walking back (`_with_place`).
_TEXT_PATTERNS: list[tuple[str, str]] = [
    ("address", f"{_RESIDENCE}\\s*(?P<address_r>[{_HAN}0-9０-９A-Za-z#\\-－]{{2,30}})"),
    ("address_place", f"{_ROAD}{_NUM}号(?:院)?{_BUILDING}?{_UNIT}?{_ROOM}?"),
    ("address_place", f"{_COMMUNITY}(?:{_BUILDING}{_UNIT}?{_ROOM}?|{_UNIT}{_ROOM}?|{_NUM}(?:室|户))"),
    ("address_place", f"村{_NUM}(?:组|号)(?:{_NUM}号)?"),
    ("address", f"{_BUILDING}{_UNIT}{_ROOM}?|{_UNIT}{_NUM}(?:室|户|号)"),
    ("person_name", f"(?:{_NAME_TRIGGERS})(?:姓名)?(?:是|为|叫|[:：\\s])*"
                    f"(?P<person_name_v>(?:{_COMPOUND}|[{SURNAMES}])(?:先生|女士|师傅|[{_HAN}]{{1,2}}?))(?={_NAME_END})"),
    ("plate", f"(?<![A-Za-z0-9])[{_PROVINCES}][A-HJ-NP-Z][·•・ ]?(?=[A-HJ-NP-Z]*\\d)[A-HJ-NP-Z0-9]{{5,6}}"
              "(?![A-Za-z0-9])"),
    ("im_account", "(?:QQ|qq|Qq|ＱＱ|微信|VX|vx|Vx|V信|wx|WX)(?:号码|号|账号)?(?:是|为|[:：\\s])*"
                   "(?P<im_account_v>[A-Za-z][-_A-Za-z0-9]{5,19}|\\d{5,12})(?![A-Za-z0-9])"),
    ("bank_account", "(?:银行账号|银行帐号|银行卡号?|账号|帐号|账户|帐户|卡号)(?:是|为|[:：\\s])*"
                     "(?P<bank_account_v>\\d[\\d -]{6,28}\\d)(?!\\d)"),
]
# Each shape has words it cannot do without: a shape whose words are absent is not searched (most text lacks
# most of them), so masking stays cheap; each regex starts with a fixed word or a small character class.
_GATES: list[tuple[str, ...]] = [
    ("住", "地址"), ("号",), ("栋", "幢", "座", "单元", "室", "户", "号楼", "号院"), ("村",), ("单元",), ("我", "人"),
    tuple(_PROVINCES), ("QQ", "qq", "Qq", "ＱＱ", "微信", "VX", "vx", "Vx", "V信", "wx", "WX"), ("账", "帐", "卡号"),
]


def _gate(words: tuple[str, ...]) -> re.Pattern[str]:
    """A search for any of the words (a character class when they are single characters: much faster)."""
    if all(len(w) == 1 for w in words):
        return re.compile(f"[{re.escape(''.join(words))}]")
    return re.compile("|".join(map(re.escape, words)))


_TEXT_RES = [(kind, re.compile(p), _gate(gate)) for (kind, p), gate in zip(_TEXT_PATTERNS, _GATES, strict=True)]
_INNER = {i: ("address_r" if kind == "address" else f"{kind}_v")
          for i, (kind, p) in enumerate(_TEXT_PATTERNS) if "(?P<" in p}
_PLACE_STOP = set("在住于到至近的和与及称映报诉是为我们家市区县省镇乡旗")
_PLACE_CHARS = 6


def _with_place(text: str, start: int) -> int:
    """Where the place name before a road, community or village word starts: up to six Han characters back,
    stopping at words like 在/住/于 and at admin areas (市/区/县…, not personal)."""
    lo = start
    while lo > 0 and start - lo < _PLACE_CHARS and "\u4e00" <= text[lo - 1] <= "\u9fff" \
            and text[lo - 1] not in _PLACE_STOP:
        lo -= 1
    return lo


def _text_findings(text: str, taken: list[tuple[int, int]]) -> Iterator[Finding]:
    """The shapes in words, leftmost first (at one place the earlier shape), outside spans already taken by
    identifiers or safe tokens."""
    found: list[tuple[int, int, int, str]] = []
    for rank, (kind, regex, gate) in enumerate(_TEXT_RES):
        if not gate.search(text):
            continue
        inner = _INNER.get(rank)  # the part that is personal: the name after 我叫, the digits after 账号…
        for m in regex.finditer(text):
            if kind == "address_place":
                start, end = _with_place(text, m.start()), m.end()
            else:
                start, end = m.span(inner) if inner else m.span()
            found.append((start, rank, end, "address" if kind == "address_place" else kind))
    for start, _, end, kind in sorted(found):
        value = text[start:end]
        if kind == "person_name" and (value[-1] in _ORG_END or value[1] in _NOT_GIVEN):
            continue
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        yield Finding(kind, start, end, value)


def find_shapes(text: str) -> Iterator[Finding]:
    """The shapes in words alone (names after trigger words, addresses, plates, accounts): one regex pass."""
    if not text:
        return iter(())
    probe = _half_width(text)
    return _as_written(_text_findings(probe, []), text, probe)


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of TAGS
    start: int
    end: int
    text: str


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _birth_date_ok(yyyymmdd: str) -> bool:
    """A 身份证 number carries a real birth date; organisation codes that pass the checksum do not."""
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def _looks_like_ric(token: str) -> bool:
    """A valid 身份证 number with a real birth date is personal data even if it also passes the USCC check."""
    return is_valid_ric(token) and len(token) == 18 and _birth_date_ok(token[6:14])


def _accept(kind: str, match: str) -> bool:
    """Check digits where the identifier has them; shape rules elsewhere."""
    if kind == "id_number" and len(match) == 18:
        return _looks_like_ric(match)
    if kind == "bank_card":
        digits = _NON_DIGITS.sub("", match)
        return _luhn(digits) and not (len(digits) == 18 and is_valid_uscc(digits))  # organ codes are public
    if kind == "landline":  # an area code (0xx-) or a dashed number; amounts like 68000 are not phones
        digits = _NON_DIGITS.sub("", match)
        return match.startswith(("0", "(0")) or (len(digits) >= 7 and "-" in match)
    return True


# Digits, '@', '-' and the X of an ID number typed in a Chinese input method's full-width mode (１３８１２３４５６７８)
# are read as their ASCII selves: one character for one, so a finding's span is the same in the text as written.
# (Other full-width forms, as common as ，：（）, are left: the one-pass pre-filters stay selective.)
_FULL_WIDTH = "０１２３４５６７８９＠－Ｘｘ"
_HALF_WIDTH = str.maketrans(_FULL_WIDTH, "0123456789@-Xx")
_WIDE = re.compile(f"[{_FULL_WIDTH}]")


def _half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH) if _WIDE.search(text) else text


def _as_written(found: Iterable[Finding], text: str, probe: str) -> Iterator[Finding]:
    """Findings in `probe` (`_half_width(text)`) with the text as written."""
    if probe is text:
        yield from found
    else:
        for f in found:
            yield Finding(f.kind, f.start, f.end, text[f.start:f.end])


def is_public_code(text: str) -> bool:
    """Wholly a valid 统一社会信用代码 that is no 身份证 number: `find_personal_data` finds none of the audit's
    kinds in it (with seven digits in a row the code is taken whole before any identifier pattern; without, no
    identifier fits; an address needs Han characters). Millions of ledger values are just that (an agency's or a
    company's code), so the audit settles them without the detector."""
    return len(text) == 18 and is_valid_uscc(text) and not _looks_like_ric(text)


def find_personal_data(text: str) -> Iterator[Finding]:
    """Every piece of personal data in `text`, identifiers first, then shapes in words; spans never overlap.
    Full-width digits and letters count as their ASCII selves."""
    if not text:
        return
    probe = _half_width(text)
    if _MAY_HOLD.search(probe):
        yield from _as_written(_find_all_in(probe), text, probe)
    else:
        yield from _as_written(_text_findings(probe, []), text, probe)


def _find_all(text: str) -> Iterator[Finding]:
    """The detector without the pre-filter (tests check that the pre-filter never hides a finding)."""
    probe = _half_width(text)
    return _as_written(_find_all_in(probe), text, probe)


def _find_all_in(text: str) -> Iterator[Finding]:
    taken = [(m.start(), m.end()) for m in _SAFE_TOKENS.finditer(text)]
    taken += [(m.start(), m.end()) for m in _USCC_TOKEN.finditer(text)
              if is_valid_uscc(m.group(0)) and not _looks_like_ric(m.group(0))]
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken) or not _accept(kind, m.group(0)):
                continue
            taken.append((m.start(), m.end()))
            yield Finding(kind, m.start(), m.end(), m.group(0))
    yield from _text_findings(text, taken)


def _without_lookarounds(pattern: str) -> str:
    """`pattern` with its look-arounds dropped (one that ends it matched instead) and named groups unnamed: it
    matches in every text `pattern` matches in (and more), in the syntax of Rust's regex too. `\\s` is widened to
    Python's whitespace, which also counts the separators U+001C–U+001F that Unicode's White_Space (Rust's `\\s`)
    leaves out."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith(("(?<!", "(?<=", "(?=", "(?!"), i):
            start, depth, in_class = i, 0, False
            while i < len(pattern):
                c = pattern[i]
                if c == "\\":
                    i += 2
                    continue
                if in_class:
                    in_class = c != "]"
                elif c == "[":
                    in_class = True
                elif c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            if i == len(pattern) - 1 and pattern.startswith("(?=", start):
                # a look-ahead ending the pattern: where it holds, the text goes on that way, so matching it
                # (not looking) finds the same texts
                out.append("(?:")
                i = start + 3
                continue
            i += 1
            continue
        if pattern.startswith("\\", i):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        out.append(pattern[i])
        i += 1
    plain = re.sub(r"\(\?P<\w+>", "(?:", "".join(out))
    return _widen_spaces(plain)


def _widen_spaces(pattern: str) -> str:
    """Each `\\s` as a class that also holds U+001C–U+001F (inside a class: added to it)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            pair = pattern[i:i + 2]
            out.append((r"\s\x1c-\x1f" if in_class else r"[\s\x1c-\x1f]") if pair == "\\s" else pair)
            i += 2
            continue
        in_class = (c != "]") if in_class else c == "["
        out.append(c)
        i += 1
    return "".join(out)


# Of a landline, `_accept` takes only a number with an area code or a dashed extension: a code with a run of digits
# (ADYC20241459, a licence number) is no phone, and such codes are most of the texts with seven digits. The area
# code starts where no digit stands before it (the pattern's `(?<!\d)`), so a case number's digits
# (AE202509300072: 0-250-9300072 inside) are not taken for one.
ACCEPTED_SHAPE = {"landline": r"(?:^|[^0-9])\(?0\d{2,3}\)?[- ]?[2-9]\d{6,7}|[2-9]\d{6,7}-\d"}
# Whatever `mask_identifiers` changes matches this (every identifier it can accept and every shape, look-arounds
# dropped): a text that does not match is left as it is. One pass over a column's distinct texts in Rust
# (`unchanged_texts`).
# A text with a full-width digit, ＠ or Ｘ, or a full-width dash by a digit, is read half-width first
# (`_half_width`): it may change too.
FULL_WIDTH_MAY_HOLD = "[０-９＠Ｘｘ]|\\d－|－\\d"
MAY_CHANGE = "|".join([ACCEPTED_SHAPE.get(kind) or _without_lookarounds(p.pattern) for kind, p in _PATTERNS]
                      + [_without_lookarounds(p) for _, p in _TEXT_PATTERNS] + [FULL_WIDTH_MAY_HOLD])
VECTOR_MIN_TEXTS = 256  # fewer texts are checked one by one as before (no polars import for a single row)


def unchanged_texts(texts: set[str]) -> set[str]:
    """Those of `texts` that `mask_identifiers` returns unchanged, for sure (empty for a small set): most codes,
    names of units and short texts, which then cost no detector call."""
    return texts_not_matching(texts, MAY_CHANGE)


def texts_not_matching(texts: set[str], pattern: str) -> set[str]:
    """Those of `texts` where the (Rust-syntax) `pattern` matches nowhere, in one pass over them in polars;
    empty for fewer than `VECTOR_MIN_TEXTS` (they are then checked one by one: no polars import for a row)."""
    if len(texts) < VECTOR_MIN_TEXTS:
        return set()
    listed = list(texts)  # the texts themselves come back (no new strings to make and hash again)
    return {text for text, hit in zip(listed, matches_each(listed, pattern), strict=True) if not hit}


def matches_each(texts: list[str], pattern: str) -> list[bool]:
    """Per text, whether the (Rust-syntax) `pattern` matches in it: one pass over them all in polars."""
    import polars as pl

    return pl.Series(texts, dtype=pl.String).str.contains(pattern).to_list()


# Ledgers repeat most short texts (违法行为类型, 处罚依据, addresses): mask each distinct one once. Bounded.
@lru_cache(maxsize=1 << 14)
def mask_identifiers(text: str) -> str:
    """`text` with every identifier and shape in words replaced by its tag (memoised: it depends on the text
    alone)."""
    if not text:
        return text
    out = text
    for f in sorted(find_personal_data(text), key=lambda f: -f.start):
        out = out[: f.start] + TAGS[f.kind] + out[f.end:]
    return out


def name_order(names: dict[str, str] | None) -> list[tuple[str, str]]:
    """The names worth replacing (two characters or more), longest first so a longer name wins; once per row."""
    return [(n, t) for n, t in sorted((names or {}).items(), key=lambda kv: -len(kv[0])) if n and len(n) >= 2]


def replace_names(text: str, ordered: list[tuple[str, str]]) -> str:
    """`text` with each name of `name_order(...)` replaced by its tag."""
    for name, tag in ordered:
        text = text.replace(name, tag)
    return text


def mask_text(text: str, names: dict[str, str] | None = None) -> str:
    """Mask identifiers and the given person names ({name: tag}) in `text`."""
    if not text:
        return text
    return mask_identifiers(replace_names(text, name_order(names)))
