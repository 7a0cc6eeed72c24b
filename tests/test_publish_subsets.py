"""Any subset of feeds publishes (issue 14 item 5): a jurisdiction with only 12345 data — with or without
its member-unit list — builds and publishes with exit 0, the hotline pages filled and the other pages
saying 无数据; the as-of date comes from the build record, never from one mart's rows."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orchestration.cli import app

AS_OF = "2025-12-31"
runner = CliRunner()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    from sample_data import generate_sample

    folder = tmp_path_factory.mktemp("sample_subsets")
    return folder, generate_sample(folder, 2024)


def _hotline_12345(manifest: dict) -> list[dict]:
    return [f for f in manifest["files"] if f["feed"] == "hotline_exchange" and f.get("channel") == "12345"]


def _publish_only(sample, settings, with_units: bool) -> tuple[list[str], dict]:
    from ingest.pipeline import IngestTarget, ingest_files

    folder, manifest = sample
    files = _hotline_12345(manifest) + [f for f in manifest["files"] if with_units and f["feed"] == "member_units"]
    ingest_files([folder / f["path"] for f in files], IngestTarget.of(settings))
    result = runner.invoke(app, ["publish", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "内部错误" not in result.output
    regions = sorted(p.parent.parent.name for p in settings.site.glob(f"*/{AS_OF}/index.html"))
    return regions, {f["region_code"] for f in _hotline_12345(manifest)}


def _hotline_page_is_filled(settings, region: str) -> None:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        received = con.execute("select sum(tickets_received) from marts.agg_hotline_rates where region_code = ? "
                               "and received_year = 2025 and received_month = 6", [region]).fetchone()[0]
    finally:
        con.close()
    assert received and received > 0
    folder = settings.site / region / AS_OF
    page = (folder / "hotline.html").read_text(encoding="utf-8")
    assert f'<tr><td>2025-06</td><td class="n">{int(received):,}</td>' in page  # the month's 受理 count
    assert "本地区尚未载入" not in page
    assert 'id="hotline-rank"' in page and "尚无到期的 12345 工单" not in page  # units ranked by 按期办结
    assert "本地区尚未载入行政处罚台账" in (folder / "transfer.html").read_text(encoding="utf-8")
    assert "本地区尚未载入行政处罚台账" in (folder / "clues.html").read_text(encoding="utf-8")
    timeliness = (folder / "timeliness.html").read_text(encoding="utf-8")
    assert "12345 工单办结" in timeliness and 'id="rank-year"' in timeliness
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF and manifest["rows"]["transfer"] == 0 and manifest["rows"]["hotline"] > 0


@pytest.mark.slow
@pytest.mark.long
def test_units_and_12345_only_publishes_the_hotline_pages(sample, settings):
    regions, with_hotline = _publish_only(sample, settings, with_units=True)
    assert set(regions) >= with_hotline and len(regions) == 5  # every jurisdiction with a member-unit list
    for region in sorted(with_hotline):
        _hotline_page_is_filled(settings, region)


@pytest.mark.slow
@pytest.mark.long
def test_12345_only_without_member_units_publishes_from_the_hotline_regions(sample, settings):
    regions, with_hotline = _publish_only(sample, settings, with_units=False)
    assert regions == sorted(with_hotline) and regions  # the region list comes from the hotline data
    for region in regions:
        _hotline_page_is_filled(settings, region)
        scorecard = (settings.site / region / AS_OF / "scorecard.html").read_text(encoding="utf-8")
        assert "无数据" in scorecard


def _tiny_warehouse(settings, builds: list[tuple[str, str]]) -> None:
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema meta; create schema marts")
    con.execute("create table meta.dbt_build_state (built_at timestamp, as_of date, project_fingerprint varchar, "
                "files_through timestamp, full_refresh boolean, reason varchar)")
    for built_at, as_of in builds:
        con.execute("insert into meta.dbt_build_state values (?, ?, 'x', null, true, 'first build')",
                    [built_at, as_of])
    con.execute("create table marts.fct_penalty_cases (region_code varchar, as_of_date date)")  # no penalty rows
    con.execute("create table marts.dim_member_units (region_code varchar, unit_uscc varchar, unit_name varchar)")
    con.execute("create table marts.fct_input_file_regions (region_code varchar, rows_loaded bigint)")
    con.close()


def test_as_of_comes_from_the_latest_build_record_not_a_mart(settings):
    from dashboards.site.data import marts_as_of

    assert marts_as_of(settings.warehouse) is None  # no warehouse yet
    _tiny_warehouse(settings, [("2026-01-02 08:00", "2025-11-30"), ("2026-01-03 08:00", "2025-12-31")])
    assert marts_as_of(settings.warehouse) == date(2025, 12, 31)  # fct_penalty_cases has no rows at all


def test_nothing_to_publish_says_why(settings):
    _tiny_warehouse(settings, [("2026-01-03 08:00", AS_OF)])
    result = runner.invoke(app, ["publish"])
    assert result.exit_code == 2, result.output
    text = re.sub(r"\s+", " ", result.output)
    assert "没有可发布的内容" in text and "no member-unit list and no rows loaded" in text
    assert "AssertionError" not in text
