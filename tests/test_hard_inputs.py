"""Unit tests of issue 15's reader and typing rules (the corpus shows them end to end)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from ingest.errors import FileRejected
from ingest.headers import fold, match_cell
from ingest.normalise import MAX_SERIAL, MIN_SERIAL, ValueError_, clean, parse_code, parse_date, parse_datetime
from ingest.pipeline import bounded_stem
from ingest.readers.csv import decode
from ingest.readers.excel import merged_ranges
from ingest.rows import is_non_data

TEXT = "行政相对人名称,罚款金额\r\n郑州某某食品有限公司,0.5\r\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (b"\xef\xbb\xbf" + TEXT.encode("gb18030"), "gb18030"),  # Notepad: UTF-8 BOM in front of GB18030
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("gb18030"), "gb18030"),
])
def test_decode_reads_every_delivered_encoding(data: bytes, encoding: str):
    assert decode(data) == (TEXT, encoding)


@pytest.mark.parametrize(("data", "detail"), [
    (TEXT.encode("utf-16")[:-1], "odd number of bytes"),
    (TEXT.encode("utf-16-le")[:-1], "odd number of bytes"),
    ((TEXT + "郑").encode("utf-8")[:-1], "UTF-8 text ends in the middle"),
    (b"\xef\xbb\xbf" + (TEXT + "郑").encode("utf-8")[:-2], "UTF-8 text ends in the middle"),
    ((TEXT + "郑").encode("gb18030")[:-1], "GB18030 text ends in the middle"),
])
def test_a_cut_file_is_truncated_not_of_unknown_encoding(data: bytes, detail: str):
    with pytest.raises(FileRejected) as err:
        decode(data)
    problem = err.value.problem
    assert problem.rule_id == "file.truncated"
    assert detail in problem.message_en and "被截断" in problem.message_zh


def test_an_undecodable_file_names_the_encodings_tried():
    with pytest.raises(FileRejected) as err:
        decode(b"a,b\r\n\x81\x30\xff\x30,\xfe\xfe\r\n")
    problem = err.value.problem
    assert problem.rule_id == "file.encoding"
    assert "tried UTF-8, UTF-8 BOM, UTF-16 LE/BE, GB18030" in problem.message_en
    assert "已尝试" in problem.message_zh


def test_serials_only_inside_the_1949_2100_window():
    assert (MIN_SERIAL, MAX_SERIAL) == (17899, 73415)
    assert parse_date("45356") == date(2024, 3, 5)
    assert parse_date("17899") == date(1949, 1, 1) and parse_date("73415") == date(2100, 12, 31)
    assert parse_datetime("45359.5") == datetime(2024, 3, 8, 12, 0)
    for text in ("2024", "2024年", "2024.0", "1905", "17898", "73416", "99999"):
        with pytest.raises(ValueError_) as err:
            parse_date(text)
        assert err.value.rule == "type.date"
    with pytest.raises(ValueError_) as err:
        parse_date("2024")
    assert "只有年份" in err.value.zh and "year alone" in err.value.en
    with pytest.raises(ValueError_) as err:
        parse_datetime("1234")
    assert "17899–73415" in err.value.en


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff", "\u2060", "\u00a0", "\u00ad", "\u200d"])
def test_invisible_characters_fold_away(mark: str):
    assert fold(f"罚款{mark}金额（万元）{mark}") == "罚款金额(万元)"
    assert match_cell("penalty_ledger", f"{mark}行政处罚决定书文号") == ("decision_no", None)
    assert parse_code(f"市场{mark}监管", "enforcement_domain") == "市场监管"
    assert clean(f"{mark}") is None and clean(f" {mark}郑州{mark} ") == "郑州"


def test_signature_and_footer_rows_are_not_data():
    for cells in (["制表人：张三", None, "审核人：李四", "填报日期：2024年3月8日"],
                  ["制表人:王五    审核人:赵六"], [None, "单位负责人（签字）：", "填报单位（盖章）：某局"],
                  ["联系电话：0371-12345678"], ["注：本表金额单位为万元"], ["填表说明：按月报送"]):
        assert is_non_data(cells), cells
    for cells in (["郑州某某食品有限公司", "制表人：张三"], ["备注：已结案", None], ["张三", "审核人：李四"]):
        assert not is_non_data(cells), cells


def test_bounded_stem_cuts_on_a_character_boundary():
    name = "郑州" * 60  # 360 bytes
    cut = bounded_stem(name)
    assert len(cut.encode()) <= 123 and cut.endswith("…") and name.startswith(cut[:-1])
    assert bounded_stem("short") == "short"


def test_merged_ranges_are_read_from_the_sheet_xml(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["a", "b"])
    ws.merge_cells("A2:A4")
    ws.merge_cells("B5:C5")
    other = wb.create_sheet("二")
    other.merge_cells("AB10:AB12")
    wb.save(tmp_path / "m.xlsx")
    assert merged_ranges(tmp_path / "m.xlsx") == {"台账": [(1, 0, 3, 0), (4, 1, 4, 2)], "二": [(9, 27, 11, 27)]}
    (tmp_path / "bad.xlsx").write_bytes((tmp_path / "m.xlsx").read_bytes()[:200])
    assert merged_ranges(tmp_path / "bad.xlsx") == {}


def _damaged_xls(folder: Path) -> Path:
    """Mutant 61 of a seeded byte-flip/truncation run over legacy .xls: calamine 0.36 allocated 29 GB on it
    and aborted the whole process (SIGABRT), which no `except` can contain."""
    import random

    from tests.corpus.cases import legacy_xls, rows, xlsx_bytes

    bases = [legacy_xls(True)(folder)[0].read_bytes(), legacy_xls(False)(folder)[0].read_bytes(),
             xlsx_bytes(rows(5))]
    rng = random.Random(1)
    for _ in range(62):
        data = bytearray(rng.choice(bases))
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data = data[: rng.randrange(len(data))]
    (folder / "damaged.xls").write_bytes(bytes(data))
    return folder / "damaged.xls"


def test_a_damaged_xls_is_rejected_without_reaching_calamine(tmp_path: Path):
    from ingest.pipeline import prepare_file

    outcome = prepare_file(_damaged_xls(tmp_path)).outcome
    assert outcome.status == "rejected"
    assert outcome.file_problem.rule_id == "file.unreadable"
    assert "xls" in outcome.file_problem.message_en and "damaged" in outcome.file_problem.message_en
