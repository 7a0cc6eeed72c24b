from pathlib import Path

import pytest

from ingest.errors import FileRejected
from ingest.headers import find_header, match_cell, split_header
from ingest.readers import read_grids, sniff_format
from tests.builders import PENALTY_HEADERS, penalty_row, write_csv, write_xlsx


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str):
    path = write_csv(tmp_path / "f.csv", PENALTY_HEADERS, [penalty_row(违法事实="含生僻字𠮷与“引号”")], encoding)
    fmt, grids, details = read_grids(path)
    assert (fmt, details["encoding"]) == ("csv", encoding)
    assert grids[0].rows[0][0] == "行政相对人名称"
    assert grids[0].rows[1][PENALTY_HEADERS.index("违法事实")] == "含生僻字𠮷与“引号”"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiters_are_sniffed_and_quotes_respected(tmp_path: Path, delimiter: str):
    path = write_csv(tmp_path / "f.csv", PENALTY_HEADERS, [penalty_row(违法事实=f"甲{delimiter}乙，丙")],
                     "gb18030", delimiter)
    _, grids, details = read_grids(path)
    assert details["delimiter"] == delimiter
    assert grids[0].rows[1][PENALTY_HEADERS.index("违法事实")] == f"甲{delimiter}乙，丙"


def test_xlsx_title_row_and_hidden_sheet(tmp_path: Path):
    import openpyxl

    title = "惠济区市场监督管理局2024年行政处罚台账"
    path = write_xlsx(tmp_path / "f.xlsx", PENALTY_HEADERS, [penalty_row()], title=title)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("隐藏").sheet_state = "hidden"
    wb.save(path)
    fmt, grids, _ = read_grids(path)
    assert fmt == "xlsx"
    assert [g.hidden for g in grids] == [False, True]
    match = find_header(grids[0].rows)
    assert match is not None and (match.feed, match.row_index) == ("penalty_ledger", 1)
    assert grids[0].row_number(match.row_index) == 2


def test_extension_that_lies_is_read_by_content(tmp_path: Path):
    csv_named_xlsx = write_csv(tmp_path / "really_csv.xlsx", PENALTY_HEADERS, [penalty_row()])
    assert sniff_format(csv_named_xlsx) == "csv"
    xlsx_named_csv = write_xlsx(tmp_path / "really_xlsx.csv", PENALTY_HEADERS, [penalty_row()])
    assert sniff_format(xlsx_named_csv) == "xlsx"


def test_empty_and_truncated_files_are_rejected_with_a_sentence(tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRejected) as info:
        read_grids(empty)
    assert "xlsx、xls 或 csv" in info.value.problem.message_zh
    good = write_xlsx(tmp_path / "t.xlsx", PENALTY_HEADERS, [penalty_row()])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(FileRejected):
        read_grids(cut)


@pytest.mark.parametrize(("raw", "expected"), [
    ("罚款金额（万元）", ("fine_amount", "万元")),
    ("罚款金额(元)", ("fine_amount", "元")),
    ("罚款金额 万元", ("fine_amount", "万元")),
    ("罚款金额\n（万元）", ("fine_amount", "万元")),
    ("*当事人名称", ("party_name", None)),
    ("处罚决定书文号", ("decision_no", None)),
    ("行政相对人代码_1（统一社会信用代码）", ("party_uscc", None)),
])
def test_header_spellings(raw, expected):
    assert match_cell("penalty_ledger", raw) == expected


def test_unit_bracket_split():
    assert split_header("没收违法所得、没收非法财物的金额（万元）") == ("没收违法所得、没收非法财物的金额", "万元")


def test_feed_detection_for_each_feed():
    supervision = ["文书编号", "检察院", "行政区划代码", "监督类型", "被监督单位", "制发日期"]
    assert find_header([supervision]).feed == "supervision_ledger"
    assert find_header([["工单编号", "来源渠道", "行政区划代码", "受理时间", "诉求类型"]]).feed == "hotline_exchange"
    units = ["单位名称", "统一社会信用代码", "行政区划代码", "单位类型", "纳入考核"]
    assert find_header([units]).feed == "member_units"
    assert find_header([["姓名", "年龄", "地址"]]) is None


def test_serial_number_columns_are_not_reported_as_unknown():
    match = find_header([["序号", "当事人名称", "处罚决定书文号", "处罚决定日期", "处罚机关", "备用列"]])
    assert match is not None and match.unknown == ["备用列"]
