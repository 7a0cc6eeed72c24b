"""Data Docs speak Chinese to users: file statuses in Chinese, and a rate with any failure never reads 100.0%."""

from __future__ import annotations

from pathlib import Path

from data_contracts.docs import _pct_text, build_data_docs


def test_a_rate_with_failures_never_shows_100_percent():
    assert _pct_text(9997 / 10000) == "99.9%"
    assert _pct_text(1.0) == "100.0%"
    assert _pct_text(0.5) == "50.0%"


def test_file_statuses_are_chinese(tmp_path: Path):
    files = [{"file_sha256": f"{i:02d}" * 32, "file_name": f"f{i}.xlsx", "feed": "penalty_ledger", "status": status,
              "rows_read": 10000, "rows_loaded": loaded, "rows_quarantined": 10000 - loaded, "rows_non_data": 0,
              "loaded_at": "2025-06-30 10:00:00"}
             for i, (status, loaded) in enumerate([("loaded", 10000), ("partial", 9997), ("rejected", 0)])]
    home = build_data_docs(tmp_path / "docs", [], files).read_text(encoding="utf-8")
    assert "<td>已入库</td>" in home and "<td>部分入库</td>" in home and "<td>已拒收</td>" in home
    for word in (">loaded<", ">partial<", ">rejected<"):
        assert word not in home
    assert "99.9%" in home  # 9,997 of 10,000 rows: not 100.0%


def test_contract_report_lists_the_task_list_feed(tmp_path: Path):
    """F4 任务清单 (issue 20) is a feed of the standard: the report links its contract page, which names 类别."""
    index = build_data_docs(tmp_path / "docs", [], []).read_text(encoding="utf-8")
    assert "contract_task_list.html" in index and "任务清单" in index
    page = (tmp_path / "docs" / "contract_task_list.html").read_text(encoding="utf-8")
    assert "类别" in page and "责任单位" in page and "完成时限" in page
