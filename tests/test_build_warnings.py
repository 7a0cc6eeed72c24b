"""`liandong build` says what it found: each dbt warning by test name, with a sentence saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.builders import write_csv

pytestmark = [pytest.mark.slow, pytest.mark.long]
HEADERS = ["工单编号", "来源渠道", "行政区划代码", "受理时间", "诉求类型", "诉求内容", "承办单位", "办结时间"]


def test_hotline_only_build_names_its_warnings(home: Path, tmp_path: Path):
    from orchestration.cli import app

    rows = [{"工单编号": f"RX2025000{i}", "来源渠道": "12345", "行政区划代码": "410108",
             "受理时间": f"2025-03-0{i} 09:00:00", "诉求类型": "投诉", "诉求内容": "反映噪声扰民",
             "承办单位": "某区城市管理局", "办结时间": f"2025-03-1{i} 10:00:00"} for i in range(1, 4)]
    path = write_csv(tmp_path / "12345工单.csv", HEADERS, rows)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    result = runner.invoke(app, ["build", "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    # three 12345 tickets, each a 办结 duty of a unit no member-unit list names; one unit name, unresolved
    assert "the build found 2 thing(s) to fix" in out
    assert "3 项回复义务（检察建议、移送、12345/12309 工单等）未能确定责任单位——请载入成员单位名单" in out
    assert "3 reply duties (supervision documents, transfers, 12345/12309 tickets) have no responsible unit " \
           "resolved — load the member-unit list" in out
    assert "1 个台账中的单位名称未能对应到成员单位名单" in out
    assert "(not_null_fct_obligations_responsible_unit_uscc)" in out
    # dbt's artefacts and logs are the home's own (two homes never share or overwrite them)
    assert (home / "dbt" / "target" / "run_results.json").is_file()
    assert (home / "dbt" / "target" / "manifest.json").is_file()
    assert (home / "dbt" / "logs" / "dbt.log").is_file()
