"""County → city → province publications on a small test delivery (the bundled sample keeps its five
jurisdictions): 酒泉市 (620900) with its own agency and two counties, 肃州区 (620902) and 敦煌市 (620982), and a
third region of the same province, 永昌县 (620321, under 金昌市). A city's publication shows its counties side
by side and nothing of the third region; a county's shows only itself; a province's shows them all; rates are
recomputed from the summed counts."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.builders import PENALTY_HEADERS, penalty_row, uscc, write_csv
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
# region → (agency, decision-number prefix, cases, of which 涉嫌犯罪, of which transferred)
DELIVERY = {
    "620900": ("酒泉市市场监督管理局", "酒市监罚", 3, 2, 0),
    "620902": ("酒泉市肃州区市场监督管理局", "肃市监罚", 4, 2, 1),
    "620982": ("敦煌市市场监督管理局", "敦市监罚", 5, 4, 3),
    "620321": ("永昌县市场监督管理局", "永市监罚", 4, 3, 1),
}
pytestmark = pytest.mark.slow


def _delivery(folder: Path) -> list[Path]:
    """One penalty ledger per region; the agency, company and decision numbers are the region's own."""
    paths = []
    for region, (agency, prefix, cases, suspected, transferred) in DELIVERY.items():
        agency_uscc = uscc(f"11{region}MB0000001")
        rows = []
        for n in range(1, cases + 1):
            extra = {"是否涉嫌犯罪": "是" if n <= suspected else "否"}
            if n <= transferred:
                extra["移送公安机关日期"] = "2025-04-10"
            rows.append(penalty_row(**{
                "行政相对人名称": f"{agency[:3]}某某商贸有限公司{n}",
                "行政相对人代码_1（统一社会信用代码）": uscc(f"91{region}MA{n:07d}"),
                "行政处罚决定书文号": f"{prefix}〔2025〕{n}号", "处罚决定日期": f"2025-03-{n + 2:02d}",
                "处罚有效期": "2026-03-05", "录入日期": "2025-03-20", "处罚机关": agency,
                "处罚机关统一社会信用代码": agency_uscc, "数据来源单位": agency,
                "数据来源单位统一社会信用代码": agency_uscc, "行政区划代码": region, **extra}))
        paths.append(write_csv(folder / f"{agency}_2025.csv", [*PENALTY_HEADERS, "是否涉嫌犯罪", "移送公安机关日期"],
                               rows))
    return paths


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    from ingest.pipeline import IngestTarget, ingest_files
    from orchestration import cli
    from warehouse.settings import load_settings

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("regions_home")
    mp.setenv("LIANDONG_HOME", str(home))
    mp.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
    settings = load_settings(home)
    settings.prepare()
    # a user's own line reaches dim_regions through `liandong build` (var user_regions)
    (home / "regions.csv").write_text("region_code,region_name,region_level,parent_code\n"
                                      "620100,兰州市,市,620000\n", encoding="utf-8")
    outcome = ingest_files(_delivery(tmp_path_factory.mktemp("regions_delivery")), IngestTarget.of(settings))
    assert [f.status for f in outcome] == ["loaded"] * len(DELIVERY), outcome
    cli.build_warehouse(settings, AS_OF)
    yield settings
    mp.undo()


def _query(settings, sql: str, params=()):
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _publish(settings, *codes: str) -> dict[str, Path]:
    from orchestration import workflows

    result = workflows.publish(settings, AS_OF, list(codes))
    return {o.region_code: o.path for o in result.publications}


def _text(folder: Path) -> str:
    """Every page, workbook sheet and the manifest of a publication as one text (Plotly's bundle skipped)."""
    import zipfile

    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "plotly.min.js"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                parts += [zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")]
        else:
            parts.append(html.unescape(path.read_text(encoding="utf-8")))
    return "\n".join(parts)


def _own_marks(region: str) -> list[str]:
    agency, prefix, *_ = DELIVERY[region]
    return [region, agency, f"{prefix}〔2025〕"]


def _side_by_side(folder: Path, table_id: str = "regions-side-by-side") -> dict[str, list[str]]:
    """Rows of a table of the 下辖地区 page (default: the side-by-side one): label → cells."""
    page = html.unescape((folder / "regions.html").read_text(encoding="utf-8"))
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)]
        if cells and cells[0] != "地区":
            rows[cells[0]] = cells
    return rows


def test_the_rollup_mart_recomputes_rates_from_counts(delivered):
    settings = delivered
    got = {(r, s): (should, moved) for r, s, should, moved in _query(
        settings, "select region_code, scope, sum(should_transfer_cases), sum(transferred_cases) "
                  "from marts.agg_region_rollup where metric_year = 2025 group by 1, 2")}
    assert got == {
        ("620900", "own"): (2, 0), ("620900", "rollup"): (8, 4),  # 4/8 = 50 %, not the mean of 0, 50, 75 %
        ("620902", "own"): (2, 1), ("620902", "rollup"): (2, 1),
        ("620982", "own"): (4, 3), ("620982", "rollup"): (4, 3),
        ("620321", "own"): (3, 1), ("620321", "rollup"): (3, 1),
        ("620300", "rollup"): (3, 1), ("620000", "rollup"): (11, 5)}
    assert _query(settings, "select full_name, region_level from marts.dim_regions where region_code = '620982'") == [
        ("甘肃省酒泉市敦煌市", "县")]
    assert _query(settings, "select full_name, province_code from marts.dim_regions where region_code = '620100'") == [
        ("甘肃省兰州市", "620000")]  # from $LIANDONG_HOME/regions.csv


def test_city_publication_shows_both_counties_and_nothing_of_a_third_region(delivered):
    """Must show (issue 20): a prefecture with two counties — both counties' figures, its own units, and
    nothing of 永昌县."""
    settings = delivered
    folder = _publish(settings, "620900")["620900"]
    text = _text(folder)
    rows = _side_by_side(folder)
    none = ["无数据"] * 4  # no supervision or 12345 data in this delivery
    assert rows == {
        "酒泉市（合计）": ["酒泉市（合计）", "市级", "本级及下辖", "12", "50.0%", "4", *none],
        "酒泉市（本级）": ["酒泉市（本级）", "市级", "本级", "3", "0.0%", "2", *none],
        "肃州区": ["肃州区", "县级", "本级", "4", "50.0%", "1", *none],
        "敦煌市": ["敦煌市", "县级", "本级", "5", "75.0%", "1", *none],
    }
    assert _side_by_side(folder, "regions-transfer") == {
        "酒泉市（合计）": ["酒泉市（合计）", "4", "8", "50.0%", "4 / 8"],
        "酒泉市（本级）": ["酒泉市（本级）", "0", "2", "0.0%", "0 / 2"],
        "肃州区": ["肃州区", "1", "2", "50.0%", "1 / 2"], "敦煌市": ["敦煌市", "3", "4", "75.0%", "3 / 4"]}
    figure = (folder / "regions.html").read_text(encoding="utf-8").split('data-for="fig-regions-transfer">', 1)[1]
    bars = json.loads(figure.split("</script>", 1)[0])["figure"]["data"][0]
    assert (bars["y"], bars["x"]) == (["酒泉市（合计）", "酒泉市（本级）", "肃州区", "敦煌市"], [50.0, 0.0, 50.0, 75.0])
    assert "酒泉市市场监督管理局" in text  # its own units' pages, as a county's are
    assert "肃州区" in text and "敦煌市" in text
    leaks = [m for m in [*_own_marks("620321"), "永昌县", "金昌市", "620300"] if m in text]
    assert leaks == []
    assert not any(m in text for m in ("酒泉市肃州区市场监督管理局", "敦煌市市场监督管理局", "肃市监罚", "敦市监罚"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region_name"] == "甘肃省酒泉市" and manifest["rows"]["rollup"] > 0


def test_county_publication_shows_only_itself(delivered):
    settings = delivered
    folder = _publish(settings, "620902")["620902"]
    text = _text(folder)
    assert not (folder / "regions.html").exists()
    assert all(m in text for m in _own_marks("620902"))
    others = [m for r in ("620900", "620982", "620321") for m in _own_marks(r)] + ["敦煌市", "永昌县"]
    assert [m for m in others if m in text] == []
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["region_name"] == "甘肃省酒泉市肃州区"


def test_province_publication_shows_its_cities_and_counties(delivered):
    settings = delivered
    folder = _publish(settings, "620000")["620000"]
    rows = _side_by_side(folder)
    assert {label: cells[4] for label, cells in rows.items()} == {
        "甘肃省（合计）": "45.5%", "金昌市": "33.3%", "永昌县": "33.3%", "酒泉市": "50.0%", "肃州区": "50.0%",
        "敦煌市": "75.0%"}
    assert rows["酒泉市"][2] == "本级及下辖"


def test_publish_region_through_the_cli_and_unknown_codes(delivered):
    from orchestration.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["publish", "--as-of", AS_OF.isoformat(), "--region", "620900"])
    assert ok.exit_code == 0, ok.output
    assert "620900" in ok.output
    bad = runner.invoke(app, ["publish", "--as-of", AS_OF.isoformat(), "--region", "510000"])
    assert bad.exit_code != 0 and "510000" in bad.output and "Traceback" not in bad.output


def test_the_marts_read_for_several_jurisdictions_at_once_are_each_ones_own(delivered):
    """One publish run reads each mart once for all its jurisdictions (`site_data.Marts`): every jurisdiction
    gets exactly the frames its own read gives, rows in the same order, and one without rows gets empty frames
    of the same columns."""
    from dashboards.site import data as site_data

    below = {"620900": ["620902", "620982"], "620000": list(DELIVERY)}
    codes = [*DELIVERY, "620000"]
    with site_data.Marts(delivered.warehouse, codes) as marts:
        for code in codes:
            together = marts.load(code, AS_OF, below.get(code, ()))
            alone = site_data.load(delivered.warehouse, code, AS_OF, below.get(code, ()))
            assert together.frames.keys() == alone.frames.keys()
            for name, (mart, extra) in site_data.QUERIES.items():  # the query a jurisdiction had of its own
                own = marts.con.execute(f"select * from marts.{mart} where region_code = ? {extra}", [code]).pl()
                assert together[name].equals(own) and alone[name].equals(own), (code, name)
            assert (code == "620000") == together["files"].is_empty()
            assert together.contract_results.equals(alone.contract_results)
            assert together.file_records.equals(alone.file_records)
        assert marts.frames["files"]["620982"].height == 1 and "620000" not in marts.frames["files"]
        with pytest.raises(Exception, match="620000"):  # without rows or data below it: refused, as before
            marts.load("620000", AS_OF)


def test_the_next_gate_reads_no_file_of_a_publication(delivered, monkeypatch):
    """Publish remembers each file it scanned and then renamed into place and made read-only by its stat: the
    gate after it (here `liandong audit-pii`'s) reads none of them again. A page changed afterwards is read."""
    from orchestration import workflows
    from privacy import pii_audit

    folder = _publish(delivered, "620982")["620982"]
    published = sorted(p for p in folder.rglob("*") if p.is_file())
    assert len(published) > 5
    read: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or real(self))
    assert workflows.pii_audit(delivered) == []
    assert not set(read) & set(published)
    page = folder / "index.html"
    page.chmod(0o644)
    page.write_text(page.read_text(encoding="utf-8") + "<!-- -->", encoding="utf-8")
    assert workflows.pii_audit(delivered) == [] and page in read
    assert pii_audit.stat_key(page.stat()) not in pii_audit.AuditState.open(delivered.pii_audit_state).stats
