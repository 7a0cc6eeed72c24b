"""The shortcuts of the typing hot path (pre-checks, caches) give exactly what the plain definitions give."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from data_contracts.model import load_contract
from ingest.headers import ColumnMatch, HeaderMatch, fold
from ingest.normalise import NULL_TOKENS, ValueError_, clean
from ingest.rows import SUMMARY_MARK, SUMMARY_WORDS, _is_summary, parse_value, repeats_header

TRICKY = ["", " ", "合 计", "合\u3000计：", "ＡＢＣ １２", "a\x1cb\x1dc\x1ed\x1fe", "x\x85y\xa0z\u2028w", "㍿",
          "Ｎ／Ａ", "\r\n合计\r", "2024-03-05\t", "处罚\n决定书\r\n文号", "  \u3000长期\u3000 ",
          "ｅ\u0301", "—", "null"]


def _fold_reference(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _clean_reference(raw: object) -> str | None:
    if raw is None:
        return None
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip().strip("\u3000").strip()
    return None if text in NULL_TOKENS else text


@pytest.mark.parametrize("text", TRICKY)
def test_fold_and_clean_match_their_plain_definitions(text: str) -> None:
    assert fold(text) == _fold_reference(text)
    assert clean(text) == _clean_reference(text)


def test_only_the_summary_mark_folds_to_a_summary_mark() -> None:
    """The pre-check of _is_summary is sound: a cell can only fold to a 合计 word if it contains 计."""
    assert all(SUMMARY_MARK in w for w in SUMMARY_WORDS)
    folding = [cp for cp in range(0x110000) if SUMMARY_MARK in unicodedata.normalize("NFKC", chr(cp))]
    assert folding == [ord(SUMMARY_MARK)]


def test_summary_rows_are_found_with_the_pre_check() -> None:
    assert _is_summary([None, "合 计：", "100"])
    assert _is_summary(["总计"])
    assert not _is_summary(["计划", "2024-01-01", None])
    assert not _is_summary([None, "合同"])


def _repeats_reference(cells: list[str | None], match: HeaderMatch) -> bool:
    same = sum(1 for c in match.columns
               if c.index < len(cells) and cells[c.index] is not None and _fold_reference(str(cells[c.index]))
               == _fold_reference(c.header))
    return same * 2 > len(match.columns)


@pytest.mark.parametrize("width", [0, 1, 2, 3, 4, 7])
def test_repeated_header_stops_early_with_the_same_answer(width: int) -> None:
    headers = [f"列{i}" for i in range(width)]
    match = HeaderMatch("penalty_ledger", 0, [ColumnMatch(i, h, f"f{i}", None) for i, h in enumerate(headers)])
    rng = random.Random(width)
    for _ in range(300):
        cells = [rng.choice([h, f" {h}\u3000", "x", None]) for h in headers][: rng.randint(0, width)]
        assert repeats_header(cells, match) == _repeats_reference(cells, match)


def test_cached_reading_errors_are_raised_afresh_each_time() -> None:
    f = load_contract("penalty_ledger").field("decision_date")
    raised = []
    for _ in range(2):
        with pytest.raises(ValueError_) as info:
            parse_value(f, "2024-02-30", None, {})
        raised.append(info.value)
    assert raised[0] is not raised[1]
    assert [(e.rule, e.zh, e.en) for e in raised] == [(raised[0].rule, raised[0].zh, raised[0].en)] * 2
    assert raised[0].rule == "type.date"


def test_cached_values_and_flags_are_not_shared_lists() -> None:
    f = load_contract("penalty_ledger").field("decision_date")
    first, flags = parse_value(f, "2024年3月5日", None, {})
    flags.append("changed")
    again, flags_again = parse_value(f, "2024年3月5日", None, {})
    assert (first, flags_again) == (again, [])


def test_a_code_list_with_legacy_wording_reads_its_own_row_every_time() -> None:
    f = load_contract("penalty_ledger").field("penalty_categories")
    text = "罚款；暂扣或者吊销许可证"
    assert parse_value(f, text, None, {"penalty_content": "暂扣许可证三个月"})[0] == "罚款;暂扣许可证件"
    assert parse_value(f, text, None, {"penalty_content": "吊销许可证"})[0] == "罚款;吊销许可证件"
    assert parse_value(f, text, None, {}) == ("罚款;暂扣许可证件;吊销许可证件", ["penalty_category_unclear"])
    assert parse_value(f, "警告、罚款", None, {"penalty_content": "吊销"}) == parse_value(f, "警告、罚款", None, {})


def test_the_memos_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.rows as rows

    monkeypatch.setattr(rows, "VALUE_CACHE_SIZE", 10)
    f = load_contract("penalty_ledger").field("decision_date")
    for day in range(1, 29):
        assert parse_value(f, f"2024-02-{day:02d}", None, {})[0].day == day
    assert 0 < len(rows._memo(f, None)) <= 10
