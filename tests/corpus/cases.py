"""The bad-input corpus (issue 5): every case, how its file(s) are made, and what must happen — in one table.

Each case writes its file(s) into an empty folder and lists one expectation per file, in order:
status (loaded | partial | rejected | skipped), rows read / loaded / quarantined / non-data, the rule ids of
quarantined rows, and for a rejected file the rule id of the file-level reason. `partial` means "loaded with
rows quarantined". Cases are ingested into a fresh home each, with `today` fixed to TODAY.
Reconciliation (read = loaded + quarantined + non-data) is asserted for every file of every case.

Scroll to CASES for the table; the builders above it are small helpers.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl

from tests.builders import (
    AGENCY_USCC,
    COMPANY_USCC,
    PENALTY_HEADERS,
    PERSON_ID,
    PERSON_ID_15,
    penalty_row,
    person_row,
    uscc,
    write_csv,
    write_xlsx,
)
from tests.corpus.legacy import biff8_workbook, encrypted_xlsx

TODAY = date(2025, 6, 30)
FINE = "罚款金额（万元）"
DOC_NO = "行政处罚决定书文号"
PARTY_USCC = "行政相对人代码_1（统一社会信用代码）"


@dataclass(frozen=True)
class Expect:
    """What must happen to one file of a case."""

    status: str
    read: int
    loaded: int
    quarantined: int
    non_data: int
    rules: frozenset[str] = frozenset()  # rule ids of quarantined rows (FileOutcome.rule_counts keys)
    file_rule: str | None = None  # the file-level reason of a rejected file
    unknown: tuple[str, ...] = ()  # headers reported as unknown
    notes: tuple[str, ...] = ()  # substrings of notes (hidden sheets, other feeds …)
    duplicate: int = 0  # exact copies of another row of the file, loaded once (issue 15)
    warnings: int = 0  # located warnings (rows with cells under no header; they load, flagged)


def E(status: str, read: int, loaded: int, quarantined: int, non_data: int = 0, rules: tuple[str, ...] = (),
      file_rule: str | None = None, unknown: tuple[str, ...] = (), notes: tuple[str, ...] = (),
      duplicate: int = 0, warnings: int = 0) -> Expect:
    return Expect(status, read, loaded, quarantined, non_data, frozenset(rules), file_rule, unknown, notes,
                  duplicate, warnings)


def REJECTED(rule: str, read: int = 0, quarantined: int = 0, non_data: int = 0) -> Expect:
    return Expect("rejected", read, 0, quarantined, non_data, frozenset(), rule)


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    build: Callable[[Path], list[Path]]  # writes the file(s) into a folder, returns them in ingest order
    expect: tuple[Expect, ...]
    feed: str | None = None  # --feed, when the case forces one
    check: Callable[[Path], None] | None = None  # extra assertion on the warehouse after the load
    xfail: str | None = None  # a known gap, with the change that closes it (strict: it must still fail)
    xfail_located: str | None = None  # outcome right, but a reason lacks its column (see test_corpus)


# --- builders ---------------------------------------------------------------------------------------------

def rows(n: int, **overrides: str) -> list[dict[str, str]]:
    """n valid penalty rows with distinct decision numbers."""
    return [penalty_row(**{DOC_NO: f"惠市监罚〔2024〕{i}号", **overrides}) for i in range(1, n + 1)]


def csv_file(name: str, data: list[dict[str, str]] | None = None, headers: list[str] = PENALTY_HEADERS,
             encoding: str = "utf-8", delimiter: str = ",") -> Callable[[Path], list[Path]]:
    return lambda d: [write_csv(d / name, headers, rows(2) if data is None else data, encoding, delimiter)]


def xlsx_file(name: str, data: list[dict[str, object]] | None = None, headers: list[str] = PENALTY_HEADERS,
              title: str | None = None, footer: list[object] | None = None) -> Callable[[Path], list[Path]]:
    return lambda d: [write_xlsx(d / name, headers, rows(2) if data is None else data, title, footer)]


def raw_file(name: str, content: bytes) -> Callable[[Path], list[Path]]:
    def build(d: Path) -> list[Path]:
        (d / name).write_bytes(content)
        return [d / name]
    return build


def csv_text(headers: list[str], data: list[dict[str, str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    write = __import__("csv").writer(buf, delimiter=delimiter)
    write.writerow(headers)
    for r in data:
        write.writerow([r.get(h, "") for h in headers])
    return buf.getvalue()


def several(*builders: Callable[[Path], list[Path]]) -> Callable[[Path], list[Path]]:
    return lambda d: [p for b in builders for p in b(d)]


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _sheet(wb: openpyxl.Workbook, title: str, headers: list[str], data: list[dict[str, object]]):
    ws = wb.create_sheet(title)
    ws.append(headers)
    for r in data:
        ws.append([r.get(h) for h in headers])
    return ws


def _workbook(d: Path, name: str, sheets: list[tuple[str, list[str], list[dict[str, object]], str]]) -> list[Path]:
    """Several sheets: (title, headers, rows, state) with state visible | hidden."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, headers, data, state in sheets:
        _sheet(wb, title, headers, data).sheet_state = state
    wb.save(d / name)
    return [d / name]


SUPERVISION_HEADERS = ["文书编号", "检察院", "行政区划代码", "监督类型", "被监督单位", "制发日期"]
SUPERVISION_ROW = {"文书编号": "惠检行建〔2024〕3号", "检察院": "郑州市惠济区人民检察院", "行政区划代码": "410108",
                   "监督类型": "社会治理检察建议", "被监督单位": "郑州市惠济区市场监督管理局", "制发日期": "2024-05-06"}


def title_and_group_header(d: Path) -> list[Path]:
    """A merged title, a filler line (填报单位 …), a merged group-header row, then the real header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    n = len(PENALTY_HEADERS)
    ws.append(["郑州市惠济区市场监督管理局2024年行政处罚信息公示台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.append(["填报单位：惠济区市场监管局", None, None, "填报日期：2024年3月8日", None, None, "单位：万元"])
    ws.append(["当事人信息", *[None] * 5, "处罚信息", *[None] * 6, "金额", "其他", *[None] * (n - 15)])
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=6)
    ws.merge_cells(start_row=3, start_column=7, end_row=3, end_column=13)
    ws.merge_cells(start_row=3, start_column=15, end_row=3, end_column=n)
    ws.append(PENALTY_HEADERS)
    for r in rows(2):
        ws.append([r.get(h) for h in PENALTY_HEADERS])
    wb.save(d / "title_group.xlsx")
    return [d / "title_group.xlsx"]


def merged_header_cell(d: Path) -> list[Path]:
    """违法事实 written across two merged columns, in the header and in every data row."""
    headers = [*PENALTY_HEADERS[:8], "违法事实", None, *PENALTY_HEADERS[9:]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows(3):
        ws.append([r.get(h) if h else None for h in headers])
    for row in range(1, 5):
        ws.merge_cells(start_row=row, start_column=9, end_row=row, end_column=10)
    wb.save(d / "merged.xlsx")
    return [d / "merged.xlsx"]


def two_row_header(d: Path) -> list[Path]:
    """A group cell 金额（万元） merged over 罚款/没收 written in the row below; other headers merged down."""
    fine = PENALTY_HEADERS.index(FINE)
    top = [*PENALTY_HEADERS[:fine], "金额（万元）", None, *PENALTY_HEADERS[fine + 1:]]
    below = [None] * len(top)
    below[fine], below[fine + 1] = "罚款金额", "没收金额"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(top)
    ws.append(below)
    for col in range(1, len(top) + 1):
        if col - 1 not in (fine, fine + 1):
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    ws.merge_cells(start_row=1, start_column=fine + 1, end_row=1, end_column=fine + 2)
    for r in rows(2):
        ws.append([*[r.get(h) for h in PENALTY_HEADERS[:fine]], "0.5", None, *[r.get(h) for h in top[fine + 2:]]])
    wb.save(d / "two_row_header.xlsx")
    return [d / "two_row_header.xlsx"]


def repeated_header(d: Path) -> list[Path]:
    """Two exports pasted one under the other: the header appears again in the middle of the sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PENALTY_HEADERS)
    for i, r in enumerate(rows(4)):
        if i == 2:
            ws.append(PENALTY_HEADERS)
        ws.append([r.get(h) for h in PENALTY_HEADERS])
    wb.save(d / "pasted.xlsx")
    return [d / "pasted.xlsx"]


def blank_and_total_rows(d: Path) -> list[Path]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PENALTY_HEADERS)
    fine = PENALTY_HEADERS.index(FINE)
    for i, r in enumerate(rows(4)):
        ws.append([r.get(h) for h in PENALTY_HEADERS])
        if i == 1:
            ws.append([None] * len(PENALTY_HEADERS))  # a blank row between data
            ws.append(["小计", *[None] * (fine - 1), 1.0])
    ws.append(["　", " ", "-", None])  # only blanks, full-width spaces and a null token
    ws.append(["合计", *[None] * (fine - 1), 2.0])
    ws.append([None, "总计：", *[None] * (fine - 2), 2.0])
    wb.save(d / "totals.xlsx")
    return [d / "totals.xlsx"]


def _patch_sheet_xml(path: Path, replace: dict[str, str]) -> None:
    """Rewrite xl/worksheets/sheet1.xml inside an xlsx (for what openpyxl cannot write, e.g. cached values)."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for pattern, new in replace.items():  # regexes: the XML writer's spelling varies (lxml or not)
                    text, n = re.subn(pattern, new, text)
                    assert n, pattern
                content = text.encode()
            dst.writestr(item, content)
    path.write_bytes(out.getvalue())


def formulas(cached: bool) -> Callable[[Path], list[Path]]:
    """罚款金额 as a formula =0.2+0.3; Excel stores the cached result 0.5, some tools store none."""
    def build(d: Path) -> list[Path]:
        data = rows(2)
        data[0][FINE] = "=0.2+0.3"
        path = write_xlsx(d / ("formula_cached.xlsx" if cached else "formula_no_cache.xlsx"), PENALTY_HEADERS, data)
        col = openpyxl.utils.get_column_letter(PENALTY_HEADERS.index(FINE) + 1)
        if cached:
            cell = f'<c r="{col}2"><f>0.2+0.3</f>'
            _patch_sheet_xml(path, {re.escape(cell) + r"(?:<v\s*/>|<v></v>)?</c>": f"{cell}<v>0.5</v></c>"})
        return [path]
    return build


def excel_typed_cells(d: Path) -> list[Path]:
    """Dates as real Excel dates/datetimes and as bare serial numbers; amounts and region codes as numbers."""
    data = rows(3)
    data[0].update({"处罚决定日期": datetime(2024, 3, 5), "处罚有效期": datetime(2025, 3, 5, 0, 0),
                    "录入日期": datetime(2024, 3, 8, 14, 30), FINE: 0.5, "行政区划代码": 410108})
    data[1].update({"处罚决定日期": 45356, "处罚有效期": 45721, "录入日期": 45359.5, FINE: 0.1 + 0.2})
    data[2].update({"处罚决定日期": date(2024, 3, 5), FINE: 1})
    return [write_xlsx(d / "typed.xlsx", PENALTY_HEADERS, data)]


DATE_SPELLINGS = ["2024-03-05", "2024/3/5", "2024.3.5", "20240305", "2024年3月5日", "2024年03月05日",
                  "2024-03-05 14:30", "2024-03-05 14:30:00", "2024/3/5 9:05", "45356"]


def date_spellings(fmt: str) -> Callable[[Path], list[Path]]:
    data = [penalty_row(**{DOC_NO: f"D-{i}", "处罚决定日期": s, "录入日期": s.replace("05", "08") if "-" in s else s})
            for i, s in enumerate(DATE_SPELLINGS)]
    return csv_file("dates.csv", data) if fmt == "csv" else xlsx_file("dates.xlsx", data)


def _decision_dates(expected: date) -> Callable[[Path], None]:
    def check(warehouse: Path) -> None:
        got = _query(warehouse, "select distinct decision_date from raw.penalty_ledger")
        assert got == [(expected,)], got
    return check


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _fines(expected: list[float]) -> Callable[[Path], None]:
    def check(warehouse: Path) -> None:
        got = [float(v) for (v,) in _query(warehouse, "select fine_amount from raw.penalty_ledger "
                                                      "where _is_current order by decision_no")]
        assert got == expected, got
    return check


def _current_and_history(current: list[tuple], history: int) -> Callable[[Path], None]:
    def check(warehouse: Path) -> None:
        got = [(d, float(a)) for d, a in _query(warehouse, "select decision_no, fine_amount from raw.penalty_ledger "
                                                          "where _is_current order by decision_no")]
        assert got == current, got
        assert _query(warehouse, "select count(*) from raw.penalty_ledger_history") == [(history,)]
    return check


def fullwidth(d: Path) -> list[Path]:
    data = rows(2)
    data[0].update({FINE: "０．５", "处罚决定日期": "２０２４－０３－０５", "行政区划代码": "４１０１０８",
                    "处罚机关统一社会信用代码": AGENCY_USCC.translate({i: i + 0xFEE0 for i in range(0x21, 0x7F)}),
                    "行政相对人名称": "　郑州某某食品有限公司　", "处罚类别": "警告；罚款"})
    data[1].update({FINE: " 0.5 ", "处罚决定日期": "2024 年 3 月 5 日", "行政相对人类别": "法人及非法人组织　",
                    "行政区划代码": "410 108"})
    return [write_csv(d / "fullwidth.csv", PENALTY_HEADERS, data, "gb18030")]


def amounts_in_yuan(d: Path) -> list[Path]:
    headers = [h if h != FINE else "罚款金额（元）" for h in PENALTY_HEADERS]
    values = ["1,234.50", "1.2万", "1.2万元", "￥500", "５００元", "人民币3,000元"]
    data = [penalty_row(**{DOC_NO: f"A-{i}", "罚款金额（元）": v}) for i, v in enumerate(values)]
    return [write_csv(d / "yuan.csv", headers, data)]


def fine_header_spellings(d: Path) -> list[Path]:
    out = []
    spellings = ["罚款金额(万元)", "罚款金额 万元", "罚款金额\n（万元）", "罚款金额万元", "*罚款金额【万元】"]
    for i, h in enumerate(spellings):
        headers = [x if x != FINE else h for x in PENALTY_HEADERS]
        out.append(write_xlsx(d / f"fine_header_{i}.xlsx", headers, [penalty_row(**{h: "0.5", DOC_NO: f"H-{i}"})]))
    return out


def header_variants(d: Path) -> list[Path]:
    """Synonyms, required markers, line breaks, a 序号 column, a duplicated column and an unknown one."""
    synonyms = {"行政相对人名称": "*当事人名称", DOC_NO: "处罚决定书\n文号", "处罚决定日期": "处罚日期",
                "处罚机关": "执法机关", "行政相对人代码_1（统一社会信用代码）": "统一社会信用代码"}
    headers = ["序号", *[synonyms.get(h, h) for h in PENALTY_HEADERS], "经办人", "处罚机关"]
    data = [{synonyms.get(k, k): v for k, v in r.items()} | {"序号": str(i + 1), "经办人": "李四"}
            for i, r in enumerate(rows(2))]
    return [write_xlsx(d / "headers.xlsx", headers, data)]


def line_breaks(d: Path) -> list[Path]:
    broken = "罚款金额\n（万元）"
    data = [penalty_row(**{DOC_NO: "K-1", "违法事实": "第一行\n第二行\r\n第三行\r第四行",
                           "行政相对人名称": "郑州某某\n食品有限公司\n"}), penalty_row(**{DOC_NO: "K-2"})]
    headers = [h if h != FINE else broken for h in PENALTY_HEADERS]
    return [write_xlsx(d / "breaks.xlsx", headers, [{**r, broken: r[FINE]} for r in data])]


def copy_twice(d: Path) -> list[Path]:
    first = write_csv(d / "2024-03.csv", PENALTY_HEADERS, rows(2))
    second = d / "2024-03（副本）.csv"
    shutil.copyfile(first, second)
    return [first, second]


def truncated_xlsx(d: Path) -> list[Path]:
    good = write_xlsx(d / "whole.xlsx", PENALTY_HEADERS, rows(2))
    cut = d / "truncated.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    good.unlink()
    return [cut]


def legacy_xls(numbers: bool) -> Callable[[Path], list[Path]]:
    def build(d: Path) -> list[Path]:
        data: list[list[object]] = [["2024年行政处罚台账"], PENALTY_HEADERS]
        for r in rows(2):
            line: list[object] = [r[h] or None for h in PENALTY_HEADERS]
            if numbers:
                for h, v in ((FINE, 0.5), ("处罚决定日期", 45356), ("行政区划代码", 410108)):
                    line[PENALTY_HEADERS.index(h)] = v
            data.append(line)
        data.append(["合计", *[None] * (PENALTY_HEADERS.index(FINE) - 1), 1.0])
        name = "legacy_numbers.xls" if numbers else "legacy.xls"
        (d / name).write_bytes(biff8_workbook([("台账", data), ("填表说明", [["请按标准填写"]])]))
        return [d / name]
    return build


def xlsx_bytes(data: list[dict[str, str]]) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PENALTY_HEADERS)
    for r in data:
        ws.append([r.get(h) for h in PENALTY_HEADERS])
    wb.save(buf)
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("台账.csv", csv_text(PENALTY_HEADERS, rows(1)))
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
HTML_XLS = ("<html><head><meta charset='utf-8'></head><body><table><tr><th>行政相对人名称</th><th>行政处罚决定书文号"
            "</th><th>处罚决定日期</th></tr><tr><td>郑州某某</td><td>X-1</td><td>2024-03-05</td></tr></table>"
            "</body></html>").encode()
CSV_HEADER = ",".join(PENALTY_HEADERS) + "\r\n"
LONG = "当事人销售不合格食品。" * 2000  # 22 000 characters


# --- the table ------------------------------------------------------------------------------------------

CASES: list[Case] = [
    # encodings and BOM
    Case("csv_utf8", "CSV in UTF-8", csv_file("utf8.csv"), (E("loaded", 2, 2, 0),)),
    Case("csv_utf8_bom", "CSV in UTF-8 with BOM (Excel's 'CSV UTF-8')", csv_file("bom.csv", encoding="utf-8-sig"),
         (E("loaded", 2, 2, 0),)),
    Case("csv_gb18030", "CSV in GB18030 with a character outside GBK (𠮷)",
         csv_file("gb18030.csv", rows(2, 违法事实="含生僻字𠮷的违法事实"), encoding="gb18030"),
         (E("loaded", 2, 2, 0),)),
    Case("csv_gbk", "CSV saved as GBK by a Chinese Windows Excel", csv_file("gbk.csv", encoding="gbk"),
         (E("loaded", 2, 2, 0),)),
    Case("csv_utf16le_bom", "CSV in UTF-16 LE with BOM ('Unicode text')", csv_file("u16.csv", encoding="utf-16"),
         (E("loaded", 2, 2, 0),)),
    Case("csv_utf16be_bom", "CSV in UTF-16 BE with BOM",
         raw_file("u16be.csv", b"\xfe\xff" + csv_text(PENALTY_HEADERS, rows(2)).encode("utf-16-be")),
         (E("loaded", 2, 2, 0),)),
    Case("csv_utf16le_no_bom", "CSV in UTF-16 LE without BOM (every other byte NUL): recognised, not 'binary'",
         raw_file("u16nobom.csv", csv_text(PENALTY_HEADERS, rows(1)).encode("utf-16-le")), (E("loaded", 1, 1, 0),)),
    Case("csv_utf16be_no_bom", "CSV in UTF-16 BE without BOM",
         raw_file("u16benobom.csv", csv_text(PENALTY_HEADERS, rows(1)).encode("utf-16-be")), (E("loaded", 1, 1, 0),)),
    Case("csv_undecodable", "bytes valid in neither UTF-8 nor GB18030",
         raw_file("broken.csv", CSV_HEADER.encode() + b"\x81 \xff\xfe\x81\x20,x\r\n"), (REJECTED("file.encoding"),)),
    Case("csv_nul_bytes", "a text file with NUL bytes in it",
         raw_file("nul.csv", CSV_HEADER.encode() + b"a\x00b,c\r\n"), (REJECTED("file.format"),)),
    # delimiters and quoting
    Case("csv_semicolon", "`;` delimiter with a quoted `;` inside a cell",
         csv_file("semi.csv", rows(2, 违法事实="甲;乙，丙"), delimiter=";"), (E("loaded", 2, 2, 0),)),
    Case("csv_tab", "tab delimiter (Excel 'Unicode text' in GB18030)",
         csv_file("tab.csv", rows(2, 违法事实="甲\t乙"), encoding="gb18030", delimiter="\t"), (E("loaded", 2, 2, 0),)),
    Case("csv_pipe", "`|` delimiter", csv_file("pipe.csv", delimiter="|"), (E("loaded", 2, 2, 0),)),
    Case("csv_quoted_delimiters_and_newlines", "quoted commas, quotes and line breaks inside cells",
         csv_file("quoted.csv", rows(3, 违法事实='当事人"张某"销售,\n不合格食品；\r\n共计3,000元')),
         (E("loaded", 3, 3, 0),)),
    Case("csv_unclosed_quote", "an opening quote never closed (would swallow every later line)",
         raw_file("unclosed.csv", (CSV_HEADER + csv_text(PENALTY_HEADERS, rows(2)).split("\r\n", 1)[1]
                                   ).replace("郑州某某", '"郑州某某', 1).encode()), (REJECTED("file.csv_syntax"),)),
    Case("csv_short_row", "a row cut short (fewer cells than the header): its empty required cells are reported",
         raw_file("short.csv", (csv_text(PENALTY_HEADERS, rows(2)).rsplit(",", 12)[0] + "\r\n").encode()),
         (E("partial", 2, 1, 1, rules=("penalty_categories.required", "penalty_content.required",
                                       "decision_date.required", "valid_until.required", "agency_name.required",
                                       "agency_uscc.required", "source_unit_name.required",
                                       "source_unit_uscc.required", "region_code.required",
                                       "enforcement_domain.required")),)),
    # Excel layout
    Case("xlsx_clean", "a clean xlsx", xlsx_file("clean.xlsx", rows(3)), (E("loaded", 3, 3, 0),)),
    Case("xlsx_title_filler_group_header", "merged title, a 填报单位 line and merged group headers above the header",
         title_and_group_header, (E("loaded", 2, 2, 0),)),
    Case("xlsx_merged_header_cell", "a header cell merged over two columns (and the data under it)",
         merged_header_cell, (E("loaded", 3, 3, 0),)),
    Case("xlsx_two_row_header", "a two-row header: 金额（万元） merged over 罚款金额 / 没收金额 in the row below",
         two_row_header, (E("loaded", 2, 2, 0),), check=_fines([5000.0, 5000.0])),
    Case("xlsx_repeated_header", "the header repeated mid-sheet (two exports pasted together) is not data",
         repeated_header, (E("loaded", 5, 4, 0, 1),)),
    Case("xlsx_two_data_sheets", "two visible sheets with data (e.g. one per quarter)",
         lambda d: _workbook(d, "two.xlsx", [("一季度", PENALTY_HEADERS, rows(2), "visible"),
                                             ("二季度", PENALTY_HEADERS, rows(1, **{DOC_NO: "Q2-1"}), "visible")]),
         (E("loaded", 3, 3, 0),)),
    Case("xlsx_hidden_sheet", "a hidden sheet (old data) is not read, and a note says so",
         lambda d: _workbook(d, "hidden.xlsx", [("台账", PENALTY_HEADERS, rows(2), "visible"),
                                                ("旧数据", PENALTY_HEADERS, rows(5), "hidden")]),
         (E("loaded", 2, 2, 0, notes=("旧数据",)),)),
    Case("xlsx_only_hidden_data", "the only sheet with data is hidden",
         lambda d: _workbook(d, "only_hidden.xlsx", [("封面", ["说明"], [], "visible"),
                                                     ("台账", PENALTY_HEADERS, rows(2), "hidden")]),
         (REJECTED("file.no_header"),)),
    Case("xlsx_notes_and_other_feed_sheets", "a 填表说明 sheet and a sheet of another feed beside the data",
         lambda d: _workbook(d, "mixed.xlsx", [("填表说明", ["说明"], [{"说明": "金额单位为万元"}], "visible"),
                                               ("处罚", PENALTY_HEADERS, rows(2), "visible"),
                                               ("检察建议", SUPERVISION_HEADERS, [SUPERVISION_ROW], "visible")]),
         (E("loaded", 2, 2, 0, notes=("填表说明", "supervision_ledger")),)),
    Case("xlsx_blank_and_total_rows", "blank rows, 小计/合计/总计 rows and a row of only spaces are non-data",
         blank_and_total_rows, (E("loaded", 9, 4, 0, 5),)),
    Case("xlsx_formula_cached", "a formula with the cached value Excel stores: the value is read",
         formulas(cached=True), (E("loaded", 2, 2, 0),), check=_fines([5000.0, 5000.0])),
    Case("xlsx_formula_no_cache", "a formula without cached value (written by a tool that never calculated)",
         formulas(cached=False), (E("partial", 2, 1, 1, rules=("fine_amount.required_when",)),)),
    # dates
    Case("xlsx_excel_dates_and_serials", "real Excel dates/datetimes, bare serial numbers, numeric amounts and codes",
         excel_typed_cells, (E("loaded", 3, 3, 0),), check=_decision_dates(date(2024, 3, 5))),
    Case("csv_every_date_spelling", "every accepted date spelling, as text in a CSV", date_spellings("csv"),
         (E("loaded", 10, 10, 0),), check=_decision_dates(date(2024, 3, 5))),
    Case("xlsx_every_date_spelling", "every accepted date spelling, as text cells in an xlsx", date_spellings("xlsx"),
         (E("loaded", 10, 10, 0),), check=_decision_dates(date(2024, 3, 5))),
    Case("bad_dates", "no year, impossible day/month, words and an implausible year",
         csv_file("bad_dates.csv", [penalty_row(**{DOC_NO: f"B-{i}", "处罚决定日期": v}) for i, v in enumerate(
             ["3月5日", "2024-02-30", "2024-13-01", "不详", "1900-01-01", "2024-03"])]),
         (E("partial", 6, 0, 6, rules=("type.date",)),)),
    Case("future_dates", "a decision dated after today, an entry date after today",
         csv_file("future.csv", [penalty_row(**{DOC_NO: "F-1", "处罚决定日期": "2030-01-01", "录入日期": "2030-01-02",
                                                "处罚有效期": "2031-01-01"}),
                                 penalty_row(**{DOC_NO: "F-2", "录入日期": "2099-12-31"}), penalty_row()]),
         (E("partial", 3, 1, 2, rules=("decision_date.not_future", "entry_date.not_future")),)),
    Case("dates_out_of_order", "有效期 before the decision, 录入日期 before the decision, 立案 after the decision",
         csv_file("order.csv", [penalty_row(**{DOC_NO: "O-1", "处罚有效期": "2024-01-01"}),
                                penalty_row(**{DOC_NO: "O-2", "录入日期": "2024-03-01"}),
                                penalty_row(**{DOC_NO: "O-3", "立案日期": "2024-04-01"}), penalty_row()],
                  headers=[*PENALTY_HEADERS, "立案日期"]),
         (E("partial", 4, 1, 3, rules=("valid_until.gte.decision_date", "entry_date.gte.decision_date",
                                       "filing_date.lte.decision_date")),)),
    # numbers and amounts
    Case("fullwidth_digits_and_spaces", "full-width digits, punctuation and spaces; spaces inside codes",
         fullwidth, (E("loaded", 2, 2, 0),), check=_fines([5000.0, 5000.0])),
    Case("amounts_in_yuan", "header in 元; 1,234.50 / 1.2万 / 1.2万元 / ￥500 / ５００元 / 人民币3,000元",
         amounts_in_yuan, (E("loaded", 6, 6, 0),), check=_fines([1234.5, 12000.0, 12000.0, 500.0, 500.0, 3000.0])),
    Case("fine_header_spellings", "罚款金额(万元) / 罚款金额 万元 / line break / no bracket / 【】 and *: all 万元",
         fine_header_spellings, tuple(E("loaded", 1, 1, 0) for _ in range(5)), check=_fines([5000.0] * 5)),
    Case("negative_amount", "a negative fine", csv_file("neg.csv", [penalty_row(**{FINE: "-0.5"}),
                                                                    penalty_row(**{DOC_NO: "N-2"})]),
         (E("partial", 2, 1, 1, rules=("fine_amount.non_negative",)),)),
    Case("non_numeric_amounts", "五千元, 约0.5, 0.5万美元, 0.5.1 in an amount column",
         csv_file("nan.csv", [penalty_row(**{DOC_NO: f"M-{i}", FINE: v})
                              for i, v in enumerate(["五千元", "约0.5", "0.5万美元", "0.5.1"])]),
         (E("partial", 4, 0, 4, rules=("type.amount",)),)),
    Case("wrong_unit_header", "罚款金额（美元）: an unknown unit is not guessed; the column is reported unknown",
         csv_file("usd.csv", [{**r, "罚款金额（美元）": "700"} for r in rows(2)],
                  headers=[h if h != FINE else "罚款金额（美元）" for h in PENALTY_HEADERS]),
         (E("partial", 2, 0, 2, rules=("fine_amount.required_when",), unknown=("罚款金额（美元）",)),)),
    # keys, duplicates, corrections
    Case("duplicate_key_in_file", "the same (机关, 文号) twice in one file: both rows quarantined",
         csv_file("dup.csv", [penalty_row(), penalty_row(**{FINE: "0.6"}), penalty_row(**{DOC_NO: "U-2"})]),
         (E("partial", 3, 1, 2, rules=("key.unique",)),)),
    Case("duplicate_key_across_files", "the same key in two files of one batch: the later file is a correction",
         several(csv_file("a.csv", rows(1)), csv_file("b.csv", rows(1, 违法行为类型="销售过期食品"))),
         (E("loaded", 1, 1, 0), E("loaded", 1, 1, 0)),
         check=_current_and_history([("惠市监罚〔2024〕1号", 5000.0)], 1)),
    Case("same_file_twice", "the identical file under another name is skipped, never loaded twice", copy_twice,
         (E("loaded", 2, 2, 0), E("skipped", 0, 0, 0))),
    Case("correction_replaces_row", "a correction (later 录入日期) replaces the row; the old version is history",
         several(csv_file("2024-03.csv", rows(2)),
                 csv_file("2024-03_更正.csv",
                          rows(1, **{FINE: "0.8", "处罚内容": "罚款0.8万元", "录入日期": "2024-04-01"}))),
         (E("loaded", 2, 2, 0), E("loaded", 1, 1, 0)),
         check=_current_and_history([("惠市监罚〔2024〕1号", 8000.0), ("惠市监罚〔2024〕2号", 5000.0)], 1)),
    # columns
    Case("missing_required_columns", "two required columns missing: the file is rejected, naming both",
         csv_file("missing.csv", headers=[h for h in PENALTY_HEADERS if h not in (DOC_NO, "违法行为类型")]),
         (REJECTED("file.missing_columns", read=2, quarantined=2),)),
    Case("missing_column_in_second_sheet", "the second data sheet lacks a required column: the file is rejected",
         lambda d: _workbook(d, "sheets.xlsx", [
             ("一季度", PENALTY_HEADERS, rows(2), "visible"),
             ("二季度", [h for h in PENALTY_HEADERS if h != "处罚依据"], [penalty_row(**{DOC_NO: "Q2"})], "visible")]),
         (REJECTED("file.missing_columns", read=3, quarantined=3),)),
    Case("header_variants_and_extra_columns",
         "synonyms, * markers, a line break, 序号, an unknown and a repeated column",
         header_variants, (E("loaded", 2, 2, 0, unknown=("经办人", "处罚机关（重复列）")),)),
    # identifiers
    Case("invalid_uscc", "wrong check characters in the agency's and the party's USCC, and a 17-character code",
         csv_file("uscc.csv", [penalty_row(**{DOC_NO: "U-1", "处罚机关统一社会信用代码": _wrong_check(AGENCY_USCC),
                                              "数据来源单位统一社会信用代码": _wrong_check(AGENCY_USCC)}),
                               penalty_row(**{DOC_NO: "U-2",
                                              "行政相对人代码_1（统一社会信用代码）": _wrong_check(COMPANY_USCC)}),
                               penalty_row(**{DOC_NO: "U-3", PARTY_USCC: COMPANY_USCC[:17]}),
                               penalty_row()]),
         (E("partial", 4, 1, 3, rules=("agency_uscc.checksum", "source_unit_uscc.checksum",
                                       "party_uscc.checksum")),)),
    Case("uscc_starting_with_letters", "valid USCCs starting with A, N and Y are accepted",
         csv_file("letters.csv", [penalty_row(**{DOC_NO: f"L-{c}", PARTY_USCC: uscc(f"{c}1410108MA1234567")})
                                  for c in "ANY"]), (E("loaded", 3, 3, 0),)),
    Case("invalid_id_check", "a 身份证 with a wrong check digit and one of 17 digits",
         csv_file("ric.csv", [person_row(**{DOC_NO: "R-1", "证件号码": _wrong_check(PERSON_ID)}),
                              person_row(**{DOC_NO: "R-2", "证件号码": PERSON_ID[:17]}), person_row()]),
         (E("partial", 3, 1, 2, rules=("party_id_no.checksum",)),)),
    Case("legacy_15_digit_id", "a legacy 15-digit 身份证 is accepted (and flagged)",
         csv_file("ric15.csv", [person_row(**{"证件号码": PERSON_ID_15})]), (E("loaded", 1, 1, 0),)),
    Case("id_number_as_excel_number", "a 身份证 typed as a number: Excel kept 15 significant digits, so it fails",
         xlsx_file("idnum.xlsx", [person_row(**{"证件号码": float(PERSON_ID[:17] + "0")}),  # type: ignore[dict-item]
                                  person_row(**{DOC_NO: "P-2"})]),
         (E("partial", 2, 1, 1, rules=("party_id_no.checksum",)),)),
    # codes, booleans, text
    Case("unknown_codes", "行政相对人类别 公司, 执法领域 外太空, 处罚类别 罚金 are not in the code lists",
         csv_file("codes.csv", [penalty_row(**{DOC_NO: "C-1", "行政相对人类别": "公司"}),
                                penalty_row(**{DOC_NO: "C-2", "执法领域": "外太空"}),
                                penalty_row(**{DOC_NO: "C-3", "处罚类别": "警告;罚金"}), penalty_row()]),
         (E("partial", 4, 1, 3, rules=("party_category.codes", "enforcement_domain.codes",
                                       "penalty_categories.codes")),)),
    Case("booleans", "是/否/Y/N/1/0/true/false accepted; 可能 is not a yes/no value",
         csv_file("bool.csv", [penalty_row(**{DOC_NO: f"Y-{i}", "是否涉嫌犯罪": v})
                               for i, v in enumerate(["是", "否", "Y", "n", "1", "0", "TRUE", "false", "可能"])],
                  headers=[*PENALTY_HEADERS, "是否涉嫌犯罪"]),
         (E("partial", 9, 8, 1, rules=("type.boolean",)),)),
    Case("null_tokens", "-, --, /, 无, 暂无, N/A in optional cells are empty, not errors",
         csv_file("nulls.csv", [penalty_row(**{DOC_NO: f"Z-{i}", "是否涉嫌犯罪": v, "涉案金额（元）": v, "备注": v})
                                for i, v in enumerate(["-", "--", "/", "无", "暂无", "N/A"])],
                  headers=[*PENALTY_HEADERS, "是否涉嫌犯罪", "涉案金额（元）", "备注"]),
         (E("loaded", 6, 6, 0),)),
    Case("very_long_text", "22 000 characters of 违法事实 load; a 201-character name and a 129-character 文号 do not",
         csv_file("long.csv", [penalty_row(**{DOC_NO: "T-1", "违法事实": LONG}),
                               penalty_row(**{DOC_NO: "T-2", "行政相对人名称": "某" * 201}),
                               penalty_row(**{DOC_NO: "号" * 129})]),
         (E("partial", 3, 1, 2, rules=("party_name.max_length", "decision_no.max_length")),)),
    Case("line_breaks_in_cells", "line breaks (LF, CRLF, CR) inside xlsx cells and a header", line_breaks,
         (E("loaded", 2, 2, 0),)),
    # empty and broken files
    Case("empty_file", "0 bytes", raw_file("empty.csv", b""), (REJECTED("file.empty"),)),
    Case("whitespace_only", "only blank lines and spaces", raw_file("blank.csv", b"\r\n  \r\n,,,\r\n"),
         (REJECTED("file.no_header"),)),
    Case("header_only_csv", "a CSV with the header and no rows", raw_file("header.csv", CSV_HEADER.encode()),
         (REJECTED("file.no_rows"),)),
    Case("header_only_xlsx", "an xlsx with a title and the header and no rows",
         xlsx_file("header.xlsx", [], title="2024年行政处罚台账"), (REJECTED("file.no_rows"),)),
    Case("header_and_total_only", "a header, a blank row and a 合计 row but no data",
         xlsx_file("total_only.xlsx", [], footer=["合计", None, None, "0"]),
         (REJECTED("file.no_rows", read=2, non_data=2),)),
    Case("truncated_xlsx", "an xlsx cut off in transfer", truncated_xlsx, (REJECTED("file.unreadable"),)),
    Case("password_xlsx", "a password-protected xlsx (OLE container with EncryptedPackage)",
         raw_file("secret.xlsx", encrypted_xlsx()), (REJECTED("file.encrypted"),)),
    Case("password_xls", "a password-protected legacy xls (FILEPASS record)",
         raw_file("secret.xls", biff8_workbook([("台账", [PENALTY_HEADERS])], password_protected=True)),
         (REJECTED("file.encrypted"),)),
    Case("legacy_xls", "a legacy Excel 97-2003 .xls (BIFF8) with title, text cells, a 合计 row and a notes sheet",
         legacy_xls(numbers=False), (E("loaded", 3, 2, 0, 1, notes=("填表说明",)),)),
    Case("legacy_xls_numbers", "a legacy .xls with amounts, a date and a region code stored as numbers",
         legacy_xls(numbers=True), (E("loaded", 3, 2, 0, 1),), check=_decision_dates(date(2024, 3, 5))),
    # wrong feed, lying extensions
    Case("wrong_feed_forced", "a supervision ledger given as the penalty feed (--feed penalty)",
         csv_file("supervision.csv", [SUPERVISION_ROW], headers=SUPERVISION_HEADERS),
         (REJECTED("file.no_header"),), feed="penalty_ledger"),
    Case("not_a_ledger", "a table that is no feed of the standard (姓名/年龄/地址)",
         csv_file("people.csv", [{"姓名": "张三", "年龄": "30", "地址": "郑州"}], headers=["姓名", "年龄", "地址"]),
         (REJECTED("file.no_header"),)),
    Case("supervision_detected", "a supervision ledger without --feed is detected as F2 and loaded",
         csv_file("supervision.csv", [SUPERVISION_ROW], headers=SUPERVISION_HEADERS), (E("loaded", 1, 1, 0),)),
    Case("csv_named_xlsx", "CSV content with an .xlsx extension is read as CSV",
         raw_file("really_csv.xlsx", csv_text(PENALTY_HEADERS, rows(2)).encode("gb18030")), (E("loaded", 2, 2, 0),)),
    Case("xlsx_named_csv", "xlsx content with a .csv extension is read as xlsx",
         raw_file("really_xlsx.csv", xlsx_bytes(rows(2))), (E("loaded", 2, 2, 0),)),
    Case("xlsx_named_xls", "xlsx content with a .xls extension is read as xlsx",
         raw_file("really_xlsx.xls", xlsx_bytes(rows(2))), (E("loaded", 2, 2, 0),)),
    Case("png_named_xlsx", "a picture with an .xlsx extension", raw_file("photo.xlsx", PNG),
         (REJECTED("file.format"),)),
    Case("zip_named_xlsx", "a zip archive (holding a CSV) with an .xlsx extension",
         raw_file("archive.xlsx", plain_zip()), (REJECTED("file.format"),)),
    Case("html_named_xls", "an HTML table saved as .xls by a web system: rejected with 'save it as xlsx'",
         raw_file("export.xls", HTML_XLS), (REJECTED("file.format"),)),
]

from tests.corpus.robust import robust_cases  # noqa: E402 - issue 15's cases use the builders above

CASES += robust_cases()
CASES_BY_ID = {c.id: c for c in CASES}
assert len(CASES_BY_ID) == len(CASES), "case ids are unique"


def table() -> str:
    """The corpus as a Markdown table: `python -m tests.corpus.cases`."""
    lines = ["| case | what | expected per file (status read/loaded/quarantined/non-data; rules) |", "|---|---|---|"]
    for c in CASES:
        outcome = "; ".join(
            f"{e.status} {e.read}/{e.loaded}/{e.quarantined}/{e.non_data}"
            + (f" [{e.file_rule}]" if e.file_rule else "") + (f" ({', '.join(sorted(e.rules))})" if e.rules else "")
            for e in c.expect)
        lines.append(f"| {c.id} | {c.description.replace('|', '¦')} | {outcome} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
