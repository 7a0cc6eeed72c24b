"""Issue 15's corpus cases ("no crash, no silent loss"): one or more per class of the issue, in the table's shape.

Every file is the project's own, generated here; each case asserts outcome and reconciliation
(read = loaded + quarantined + non-data + duplicate) in tests/test_corpus.py, and every reason is a located
bilingual sentence. `robust_cases()` is appended to `tests.corpus.cases.CASES`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.builders import PENALTY_HEADERS, penalty_row, uscc, write_csv, write_xlsx

LONG_NAME = ("郑州市惠济区市场监督管理局关于报送二〇二四年第一季度行政处罚案件信息及行政执法与刑事司法衔接情况"
             "及检察监督线索移送情况统计台账的函附件一（惠济区司法局会签稿）")
assert len(LONG_NAME) >= 75  # 225+ bytes in UTF-8: legal, but a derived name with a prefix passes 255 bytes

AGENCY = "郑州市惠济区市场监督管理局"
MERGED_DOWN = ["处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码"]


def robust_cases() -> list:
    from tests.corpus.cases import (
        CSV_HEADER,
        DOC_NO,
        REJECTED,
        Case,
        E,
        _query,
        csv_file,
        csv_text,
        raw_file,
        rows,
        several,
    )

    def utf16_cut(d: Path) -> list[Path]:
        data = csv_text(PENALTY_HEADERS, rows(2)).encode("utf-16")
        (d / "u16_cut.csv").write_bytes(data[:-1])
        return [d / "u16_cut.csv"]

    def one_bad_in_batch(d: Path) -> list[Path]:
        good_a = write_csv(d / "a.csv", PENALTY_HEADERS, rows(2))
        bad = utf16_cut(d)[0]
        good_b = write_xlsx(d / "b.xlsx", PENALTY_HEADERS, rows(1, **{DOC_NO: "B-1"}))
        return [good_a, bad, good_b]

    def quarantine_csv_named(warehouse: Path) -> None:
        """The steward's quarantine CSV of the long-named file exists and its name is bounded."""
        files = list((warehouse.parent / "quarantine").glob("*.quarantine.csv"))
        assert len(files) == 1, files
        assert len(files[0].name.encode()) <= 160 and "…" in files[0].name, files[0].name
        assert _query(warehouse, "select file_name from meta.files") == [(f"{LONG_NAME}.csv",)]

    def no_unknown_headers(warehouse: Path) -> None:
        got = _query(warehouse, "select unknown_headers, header_map from meta.files")
        assert got[0][0] is None, got
        got = _query(warehouse, "select distinct enforcement_domain, party_category from raw.penalty_ledger")
        assert got == [("市场监管", "法人及非法人组织")], got

    def invisible(d: Path) -> list[Path]:
        marks = ["\u200b", "\ufeff", "\u2060", "\u00a0", "\u00ad"]
        headers = [h[:1] + marks[i % len(marks)] + h[1:] if i % 2 == 0 else h + marks[i % len(marks)]
                   for i, h in enumerate(PENALTY_HEADERS)]
        data = [{headers[i]: r[h] for i, h in enumerate(PENALTY_HEADERS)} for r in rows(2)]
        data[0][headers[PENALTY_HEADERS.index("执法领域")]] = "市场\u200b监管"
        data[1][headers[PENALTY_HEADERS.index("行政相对人类别")]] = "\ufeff法人及\u00ad非法人组织\u2060"
        return [write_xlsx(d / "invisible.xlsx", headers, data)]

    def merged_down(d: Path) -> list[Path]:
        """处罚机关 and its codes merged down over a group of three rows (and two more below)."""
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "台账"
        ws.append(PENALTY_HEADERS)
        for i, r in enumerate(rows(5)):
            ws.append([None if (h in MERGED_DOWN and i not in (0, 3)) else r[h] for h in PENALTY_HEADERS])
        for h in MERGED_DOWN:
            col = PENALTY_HEADERS.index(h) + 1
            ws.merge_cells(start_row=2, start_column=col, end_row=4, end_column=col)
            ws.merge_cells(start_row=5, start_column=col, end_row=6, end_column=col)
        wb.save(d / "merged_down.xlsx")
        return [d / "merged_down.xlsx"]

    def merged_down_xls(d: Path) -> list[Path]:
        """The same grouping in a legacy .xls (MERGEDCELLS records), under a title row."""
        from tests.corpus.legacy import biff8_workbook

        data: list[list[object]] = [["2024年行政处罚台账"], PENALTY_HEADERS]
        for i, r in enumerate(rows(5)):
            data.append([None if (h in MERGED_DOWN and i not in (0, 3)) else (r[h] or None) for h in PENALTY_HEADERS])
        cols = [PENALTY_HEADERS.index(h) for h in MERGED_DOWN]
        merged = [(2, c, 4, c) for c in cols] + [(5, c, 6, c) for c in cols] + [(0, 0, 0, len(PENALTY_HEADERS) - 1)]
        (d / "merged_down.xls").write_bytes(biff8_workbook([("台账", data)], merged={"台账": merged}))
        return [d / "merged_down.xls"]

    def all_rows_have_agency(warehouse: Path) -> None:
        got = _query(warehouse, "select agency_name, count(*) from raw.penalty_ledger group by 1")
        assert got == [(AGENCY, 5)], got

    def units_merged_down(d: Path) -> list[Path]:
        """A member-unit list grouped by 单位类型 (merged down) with 纳入考核 merged over every row."""
        headers = ["单位名称", "统一社会信用代码", "行政区划代码", "单位类型", "纳入考核"]
        names = ["郑州市惠济区市场监督管理局", "郑州市惠济区农业农村工作委员会", "郑州市惠济区应急管理局",
                 "郑州市惠济区城市管理局"]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "成员单位"
        ws.append(headers)
        for i, name in enumerate(names):
            ws.append([name, uscc(f"11410108MB123456{i}"), "410108", "政府部门" if i == 0 else None,
                       "是" if i == 0 else None])
        ws.merge_cells("D2:D5")
        ws.merge_cells("E2:E5")
        wb.save(d / "units_merged.xlsx")
        return [d / "units_merged.xlsx"]

    def every_unit_scored(warehouse: Path) -> None:
        got = _query(warehouse, "select unit_kind, scored, count(*) from raw.member_units group by all")
        assert got == [("政府部门", True, 4)], got

    def notes_under_blank_header(d: Path) -> list[Path]:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "台账"
        ws.append([*PENALTY_HEADERS, None, None])
        data = rows(3)
        for i, r in enumerate(data):
            ws.append([r[h] for h in PENALTY_HEADERS] + ([None, "已电话核实"] if i == 1 else [None, None]))
        wb.save(d / "notes.xlsx")
        return [d / "notes.xlsx"]

    def flagged(count: int) -> Callable[[Path], None]:
        def check(warehouse: Path) -> None:
            got = _query(warehouse, "select count(*) from raw.penalty_ledger where _flags like '%cells_outside%'")
            assert got == [(count,)], got
        return check

    def extra_csv_cell(d: Path) -> list[Path]:
        """An extra trailing cell beyond the header (a note typed after the last column)."""
        lines = csv_text(PENALTY_HEADERS, rows(2)).split("\r\n")
        lines[1] += ",备注：已结案"
        (d / "extra.csv").write_text("\r\n".join(lines), encoding="utf-8")
        return [d / "extra.csv"]

    def unquoted_comma(d: Path) -> list[Path]:
        """违法事实 with an unquoted comma: the row has one cell more than the header."""
        body = csv_text(PENALTY_HEADERS, rows(2)).split("\r\n")
        body[2] = body[2].replace("当事人销售不合格食品，", "当事人销售不合格食品,")
        (d / "comma.csv").write_text("\r\n".join(body), encoding="utf-8")
        return [d / "comma.csv"]

    def footer(d: Path) -> list[Path]:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "台账"
        ws.append(PENALTY_HEADERS)
        for r in rows(2):
            ws.append([r[h] for h in PENALTY_HEADERS])
        ws.append([None])
        ws.append(["制表人：张三", None, None, "审核人：李四", None, "填报日期：2024年3月8日"])
        ws.append(["制表人:王五    审核人:赵六    联系电话:13912345678"])
        ws.append(["单位负责人（签字）：", None, "填报单位（盖章）：郑州市惠济区市场监督管理局"])
        wb.save(d / "footer.xlsx")
        return [d / "footer.xlsx"]

    dup_rows = [*rows(2), penalty_row(**{DOC_NO: "惠市监罚〔2024〕1号"}),
                penalty_row(**{DOC_NO: "惠市监罚〔2024〕2号", "违法行为类型": "销售过期食品"})]
    year_rows = [penalty_row(**{DOC_NO: f"Y-{i}", "处罚决定日期": v})
                 for i, v in enumerate(["2024", "2024年", "1905", "2024.0", "45356"])]

    def year_numbers_xlsx(d: Path) -> list[Path]:
        data: list[dict[str, object]] = [dict(r) for r in year_rows[:1] + year_rows[-1:]]
        data[0]["处罚决定日期"] = 2024  # a number cell holding a year alone
        data[1]["处罚决定日期"] = 45356  # a real serial number: 2024-03-05
        return [write_xlsx(d / "years.xlsx", PENALTY_HEADERS, data)]

    def bom_then_gb18030(d: Path) -> list[Path]:
        text = csv_text(PENALTY_HEADERS, rows(2, 违法事实="含生僻字𠮷的违法事实"))
        (d / "notepad.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("gb18030"))
        return [d / "notepad.csv"]

    return [
        # 1. one bad file never stops a batch
        Case("batch_with_one_broken_file", "three files, the middle one cut off: it is rejected, the others load",
             one_bad_in_batch, (E("loaded", 2, 2, 0), REJECTED("file.truncated"), E("loaded", 1, 1, 0))),
        # 2. reader crashes
        Case("csv_utf8_bom_then_gb18030", "Notepad: a UTF-8 BOM in front of GB18030 text", bom_then_gb18030,
             (E("loaded", 2, 2, 0),)),
        Case("csv_utf16_odd_bytes", "UTF-16 with BOM cut after an odd number of bytes: 'file is truncated'",
             utf16_cut, (REJECTED("file.truncated"),)),
        Case("csv_utf16_no_bom_odd_bytes", "UTF-16 LE without BOM cut after an odd number of bytes",
             raw_file("u16_nobom_cut.csv", csv_text(PENALTY_HEADERS, rows(1)).encode("utf-16-le")[:-1]),
             (REJECTED("file.truncated"),)),
        Case("csv_undetermined_encoding", "bytes no encoding reads: the rejection names the encodings tried",
             raw_file("latin.csv", CSV_HEADER.encode() + b"\x81\x30\xff\x30,\xfe\xfe\xfe\r\n" * 3),
             (REJECTED("file.encoding"),)),
        # 3. a long, legal file name
        Case("long_file_name", "a 75+ character Chinese file name with a quarantined row: report names bounded",
             csv_file(f"{LONG_NAME}.csv", [*rows(1), penalty_row(**{DOC_NO: "L-2", "处罚决定日期": "不详"})]),
             (E("partial", 2, 1, 1, rules=("type.date",)),), check=quarantine_csv_named),
        # 4. a year alone or a bare number is not a date
        Case("year_alone_is_not_a_date", "2024 / 2024年 / 1905 / 2024.0 are date errors; 45356 is 2024-03-05",
             csv_file("years.csv", year_rows), (E("partial", 5, 1, 4, rules=("type.date",)),)),
        Case("year_alone_as_number_cell", "a number cell 2024 in a date column (xlsx) is a date error",
             year_numbers_xlsx, (E("partial", 2, 1, 1, rules=("type.date",)),)),
        # 5. invisible characters in headers and codes
        Case("invisible_characters", "U+200B, U+FEFF, U+2060, NBSP and soft hyphens in headers and code values",
             invisible, (E("loaded", 2, 2, 0),), check=no_unknown_headers),
        # 6. merged cells
        Case("merged_down_cells", "处罚机关 and its codes merged down over groups of rows fill every row",
             merged_down, (E("loaded", 5, 5, 0),), check=all_rows_have_agency),
        Case("merged_down_cells_xls", "the same merged-down groups in a legacy .xls", merged_down_xls,
             (E("loaded", 5, 5, 0),), check=all_rows_have_agency),
        Case("units_merged_down", "单位类型 and 纳入考核 merged down over a member-unit group: every unit is scored",
             units_merged_down, (E("loaded", 4, 4, 0),), check=every_unit_scored),
        # 7. cells outside every named column
        Case("notes_under_blank_header", "a note in a column without a header: the row loads, flagged, with a warning",
             notes_under_blank_header, (E("loaded", 3, 3, 0, warnings=1, notes=("没有表头",)),), check=flagged(1)),
        Case("extra_trailing_csv_cell", "a CSV row with one cell more than the header", extra_csv_cell,
             (E("loaded", 2, 2, 0, warnings=1),), check=flagged(1)),
        Case("unquoted_comma", "an unquoted comma in 违法事实 shifts the row: flagged, never silently loaded",
             unquoted_comma, (E("partial", 2, 1, 1, warnings=1, rules=(
                 "type.amount", "type.date", "penalty_categories.codes", "agency_uscc.checksum",
                 "source_unit_uscc.checksum", "region_code.format", "enforcement_domain.codes")),)),
        # 8. exact duplicate rows
        Case("exact_duplicate_rows", "a row pasted twice is kept once; a same-key row with other values conflicts",
             csv_file("dups.csv", dup_rows),
             (E("partial", 4, 1, 2, rules=("key.unique",), duplicate=1, notes=("完全相同",)),)),
        Case("exact_duplicates_only", "every row twice (the export ran twice into one file)",
             csv_file("twice.csv", rows(3) + rows(3)), (E("loaded", 6, 3, 0, duplicate=3),)),
        # 9. signature and footer rows
        Case("signature_footer_rows", "制表人/审核人/填报日期 lines under the table are non-data", footer,
             (E("loaded", 6, 2, 0, 4),)),
        # 10. UTF-8 cut mid-character
        Case("csv_utf8_cut_mid_character", "a UTF-8 file cut inside a Chinese character: truncated, not 'encoding'",
             raw_file("cut.csv", csv_text(PENALTY_HEADERS, rows(2)).encode() + "郑州某".encode()[:7]),
             (REJECTED("file.truncated"),)),
        Case("csv_gb18030_cut_mid_character", "a GB18030 file cut inside a Chinese character",
             raw_file("cut_gb.csv",
                      csv_text(PENALTY_HEADERS, rows(2)).encode("gb18030") + "郑州某".encode("gb18030")[:5]),
             (REJECTED("file.truncated"),)),
        Case("batch_mixed_feed_forced", "containment with --feed: a broken file among penalty files", several(
            csv_file("p1.csv", rows(1)),
            raw_file("p2.csv", b"\xef\xbb\xbf" + "行政相对人名称,".encode() + b"\xff\xfe\x81")),
             (E("loaded", 1, 1, 0), REJECTED("file.encoding")), feed="penalty_ledger"),
    ]
