"""The command line as a user meets it: exit codes and sentences, never tracebacks."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from orchestration.cli import app
from tests.builders import AGENCY_USCC, PENALTY_HEADERS, penalty_row, write_csv, write_xlsx

runner = CliRunner()


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def test_validate_reports_each_problem_precisely_and_exits_1(tmp_path: Path):
    headers = [h for h in PENALTY_HEADERS if h != "违法行为类型"]  # a required column is missing
    rows = [
        penalty_row(),
        penalty_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕2号",
                       "处罚机关统一社会信用代码": _wrong_check(AGENCY_USCC)}),
        penalty_row(**{"行政处罚决定书文号": "惠市监罚〔2024〕3号", "处罚决定日期": "2099-01-01",
                       "录入日期": "2099-01-02", "处罚有效期": "2099-12-31"}),
    ]
    bad = write_csv(tmp_path / "bad.csv", headers, rows)
    result = runner.invoke(app, ["validate", str(bad)])
    out = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "缺少必填列：违法行为类型" in out and "required columns are missing: 违法行为类型" in out
    assert "第 3 行" in out and "agency_uscc.checksum" in out and "处罚机关统一社会信用代码" in out
    assert "第 4 行" in out and "decision_date.not_future" in out
    assert "Traceback" not in result.output


def test_validate_clean_file_exits_0(tmp_path: Path):
    clean = write_xlsx(tmp_path / "clean.xlsx", PENALTY_HEADERS, [penalty_row()], title="2024年行政处罚台账")
    result = runner.invoke(app, ["validate", str(clean)])
    assert result.exit_code == 0, result.output
    assert "全部文件符合数据交换标准" in result.output


def test_errors_are_sentences_not_tracebacks(tmp_path: Path, monkeypatch):
    result = runner.invoke(app, ["validate", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and "文件不存在" in result.output and "no such file" in result.output
    monkeypatch.setenv("LIANDONG_HOME", str(tmp_path / "h"))
    monkeypatch.delenv("LIANDONG_SECRET_KEY", raising=False)
    f = write_csv(tmp_path / "a.csv", PENALTY_HEADERS, [penalty_row()])
    result = runner.invoke(app, ["ingest", str(f)])
    assert result.exit_code == 2 and "LIANDONG_SECRET_KEY" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["ingest", str(f), "--feed", "nonsense"])
    assert result.exit_code == 2 and "--feed" in result.output


def test_ingest_and_status_reconcile(tmp_path: Path, home: Path):
    f = write_csv(tmp_path / "a.csv", PENALTY_HEADERS, [penalty_row(), penalty_row(**{"处罚决定日期": "2024-02-30"})])
    result = runner.invoke(app, ["ingest", str(f)])
    assert result.exit_code == 0, result.output
    status = runner.invoke(app, ["status"])
    assert status.exit_code == 0
    line = next(ln for ln in status.output.splitlines() if "a.csv" in ln)
    assert "partial" in line and "✓" in line


def test_a_large_run_lists_the_files_with_problems_first_and_counts_the_rest(monkeypatch):
    """A province delivery has ~25,000 files: past `MAX_LISTED_FILES` the rejected and partly quarantined files
    are listed first (in input order), then others up to the limit, and every status is counted."""
    import orchestration.cli as cli
    from ingest.pipeline import FileOutcome

    monkeypatch.setattr(cli, "MAX_LISTED_FILES", 4)
    statuses = ["loaded"] * 5 + ["partial", "loaded", "rejected", "skipped"]
    outcomes = [FileOutcome(path=Path(f"f{i}.csv"), sha256="x", status=s) for i, s in enumerate(statuses)]
    with cli.console.capture() as captured:
        cli.print_outcomes(outcomes)
    text = captured.get()
    assert [o.name for o in outcomes if o.name in text] == ["f0.csv", "f1.csv", "f5.csv", "f7.csv"]
    assert "仅列出 4 个文件（共 9 个：拒收 1，部分隔离 1，已载入 6，已处理过 1）" in text
    with cli.console.capture() as captured:
        cli.print_outcomes(outcomes[:4])
    assert "仅列出" not in captured.get() and all(o.name in captured.get() for o in outcomes[:4])
