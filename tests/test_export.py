"""`liandong export`: any mart, any format, one region, Chinese headers, no formula injection."""

from __future__ import annotations

import duckdb
import openpyxl
import polars as pl
from typer.testing import CliRunner

from orchestration.cli import app

runner = CliRunner()


def _mart(settings) -> None:
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema marts")
    con.execute("""create table marts.fct_demo as select * from (values
        ('410108', '惠市监罚〔2024〕1号', '=HYPERLINK("http://x")', 68000.00),
        ('620900', '酒市监罚〔2024〕2号', '正常文本', 12.5)) t(region_code, decision_no, evidence, measured_value)""")
    con.close()


def test_xlsx_export_has_chinese_headers_one_region_and_no_formulas(settings, tmp_path):
    _mart(settings)
    out = tmp_path / "clues.xlsx"
    result = runner.invoke(app, ["export", "fct_demo", "--format", "xlsx", "--out", str(out), "--region", "410108"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "行政区划代码\nregion_code" and ws["B1"].value == "行政处罚决定书文号\ndecision_no"
    assert ws.max_row == 2 and ws["A2"].value == "410108"
    assert ws["C2"].value == "=HYPERLINK(\"http://x\")" and ws["C2"].data_type == "s"  # text, no apostrophe
    assert ws["C2"].number_format == "@"


def test_csv_and_parquet_exports(settings, tmp_path):
    _mart(settings)
    csv_out, pq_out = tmp_path / "a.csv", tmp_path / "a.parquet"
    assert runner.invoke(app, ["export", "fct_demo", "--format", "csv", "--out", str(csv_out)]).exit_code == 0
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "行政区划代码 / region_code".encode() in raw
    assert runner.invoke(app, ["export", "fct_demo", "--format", "parquet", "--out", str(pq_out)]).exit_code == 0
    assert pl.read_parquet(pq_out).height == 2


def test_unknown_mart_and_bad_names_are_sentences(settings):
    _mart(settings)
    result = runner.invoke(app, ["export", "fct_nope"])
    assert result.exit_code == 2 and "liandong build" in result.output
    out = "".join(result.output.split())
    assert "没有名为fct_nope的数据集市" in out and "fct_obligations" in out and "agg_hotline_rates" in out
    result = runner.invoke(app, ["export", "fct_penalty_cases"])  # a mart, not built yet
    assert result.exit_code == 2 and "仓库中还没有 fct_penalty_cases" in result.output
    result = runner.invoke(app, ["export", "x; drop table marts.fct_demo"])
    assert result.exit_code == 2 and "not a table name" in " ".join(result.output.split())


def test_help_lists_the_marts():
    from dashboards.marts import mart_names

    out = "".join(runner.invoke(app, ["export", "--help"]).output.split())
    assert len(mart_names()) >= 14
    assert {"fct_penalty_cases", "agg_hotline_rates", "dim_member_units"} <= set(mart_names())
    assert all(name.replace("_", "") in out.replace("_", "") for name in mart_names())


def test_default_file_name_carries_the_as_of_date_of_the_last_build(settings):
    _mart(settings)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema if not exists meta")
    con.execute("create table meta.dbt_build_state (built_at timestamp, as_of date, project_fingerprint varchar, "
                "files_through timestamp, full_refresh boolean, reason varchar)")
    con.execute("insert into meta.dbt_build_state values (timestamp '2026-01-05 10:00', date '2025-12-31', 'f', "
                "null, true, 'first build'), (timestamp '2026-01-02 10:00', date '2025-06-30', 'f', null, true, 'x')")
    con.close()
    result = runner.invoke(app, ["export", "fct_demo", "--format", "csv", "--region", "410108"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in settings.exports.iterdir()] == ["fct_demo_410108_asof20251231.csv"]


def test_every_mart_column_has_a_chinese_label():
    import json

    from dashboards.exports import column_labels
    from warehouse.dbt_runner import ensure_manifest
    from warehouse.settings import load_settings

    manifest = json.loads(ensure_manifest(load_settings()).read_text(encoding="utf-8"))
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    assert {m["name"] for m in marts} >= {"fct_penalty_cases", "fct_non_transfer_clues", "fct_obligations"}
    missing = sorted({f"{m['name']}.{c}" for m in marts for c in m["columns"] if c not in column_labels()})
    assert missing == []


def test_published_workbooks_cannot_run_formulas(tmp_path):
    import openpyxl

    from dashboards.site.workbooks import Sheet, XColumn, write_workbook

    values = ["=HYPERLINK(\"http://x\",\"点击\")", "+1+2", "-3+4", "@SUM(A1)", "正常文本"]
    path = write_workbook(tmp_path / "w.xlsx", [Sheet("逾期事项", [XColumn("事由", "v", "text", 30)],
                                                        [{"v": v} for v in values])], notes=[("说明", "=1+1")])
    wb = openpyxl.load_workbook(path)
    cells = [c.value for (c,) in wb["逾期事项"].iter_rows(min_row=2)]
    assert cells == values  # shown as written: no apostrophe, a text cell instead
    assert all(c.data_type == "s" and c.number_format == "@" for (c,) in wb["逾期事项"].iter_rows(min_row=2))
    assert wb["说明"]["B1"].value == "=1+1" and wb["说明"]["B1"].data_type == "s"
    assert wb["说明"]["B1"].number_format == "@"
    assert wb["逾期事项"]["A1"].value == "事由"


def test_each_cell_has_the_look_of_its_column_and_its_type(tmp_path):
    """Looks are worked out once per column and value type: a date in a text column still reads as a date, the
    text after it as text, and a number column keeps its format whatever the type of its values."""
    from datetime import date, datetime
    from decimal import Decimal

    import openpyxl

    from dashboards.site.workbooks import Sheet, XColumn, write_workbook

    rows = [{"t": "甲", "n": 1}, {"t": date(2025, 1, 2), "n": 2.5}, {"t": datetime(2025, 1, 2, 3, 4), "n": None},
            {"t": "乙", "n": Decimal("3.25")}, {"t": None, "n": True}]
    path = write_workbook(tmp_path / "w.xlsx", [Sheet("s", [XColumn("事由", "t", "text", 30),
                                                            XColumn("数", "n", "num", 10)], rows)])
    ws = openpyxl.load_workbook(path)["s"]
    looks = [(a.number_format, b.number_format) for a, b in ws.iter_rows(min_row=2)]
    assert looks == [("@", "0.00"), ("yyyy-mm-dd", "0.00"), ("yyyy-mm-dd hh:mm:ss", "0.00"), ("@", "0.00"),
                     ("@", "0.00")]
    assert [b.value for _, b in ws.iter_rows(min_row=2)] == [1, 2.5, None, 3.25, True]
    assert [a.alignment.wrap_text for a, _ in ws.iter_rows(min_row=2)] == [True, None, None, True, True]
