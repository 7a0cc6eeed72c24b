"""Write one publication per jurisdiction and as-of date: `site/<region>/<as_of>/`, never overwritten.

The publication is written to a hidden temporary folder, checked for personal data, and only then renamed
into place (atomic on one file system), so a reader never sees half a publication and a failed or
repeated run leaves the existing one untouched. The index of all publications is rebuilt afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from dashboards import regions
from dashboards.site import data as site_data
from dashboards.site.formats import long_date
from dashboards.site.html import environment
from dashboards.site.pages import KIND_ZH, build_pages
from dashboards.site.workbooks import Sheet, XColumn, write_workbook
from warehouse.errors import UserError

ASSETS = Path(__file__).resolve().parent.parent / "templates"
REGION_NAMES = Path(__file__).resolve().parent.parent / "regions.yml"


@dataclass(frozen=True)
class Outcome:
    region_code: str
    as_of: date
    path: Path
    created: bool  # False: the publication existed and was left untouched
    files: int = 0


def region_name(code: str) -> str:
    """The name regions.yml gives (kept as published so far), else the full name from the region table
    (甘肃省酒泉市肃州区), else the code itself."""
    names = yaml.safe_load(REGION_NAMES.read_text(encoding="utf-8")) or {}
    if code in names:
        return str(names[code])
    return regions.full_name(code) if regions.is_known(code) else code


def versions() -> dict[str, str]:
    return dict(_versions())


@cache
def _versions() -> dict[str, str]:
    """Read once per process: importlib.metadata per rendered page was ~3 s of a 0.25-scale publish."""
    out = {"python": platform.python_version()}
    for dist in ("liandong", "duckdb", "dbt-core", "dbt-duckdb", "plotly", "polars", "great-expectations"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def publication_path(site: Path, region_code: str, as_of: date, suffix: str = "") -> Path:
    return site / region_code / f"{as_of.isoformat()}{suffix}"


def data_fingerprint(pub: site_data.PublicationData) -> str:
    """SHA-256 over the content hashes of the jurisdiction's input files (sorted) — same files, same print."""
    hashes = sorted(pub["files"]["file_sha256"].to_list())
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def _plotly_js() -> bytes:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


def _write_exports(pub: site_data.PublicationData, out: Path) -> list[str]:
    ranking = pub["ranking"].to_dicts()
    details = pub["scorecard"].to_dicts()
    first = details[0] if details else {}
    write_workbook(out / "scorecard.xlsx", [
        Sheet("排名", [
            XColumn("考核年度", "score_year", "text", 10), XColumn("排名", "unit_rank", "int", 8),
            XColumn("单位", "unit_name", "text", 34), XColumn("统一社会信用代码", "unit_uscc", "text", 22),
            XColumn("得分", "total_points_earned", "num", 10), XColumn("可得分", "total_points_available", "num", 10),
            XColumn("有数据指标", "indicators_with_data", "int", 10),
            XColumn("无数据指标", "indicators_without_data", "int", 10)], ranking),
        Sheet("得分明细", [
            XColumn("考核年度", "score_year", "text", 10), XColumn("单位", "unit_name", "text", 30),
            XColumn("板块", "indicator_block", "text", 14), XColumn("指标", "indicator_name", "text", 30),
            XColumn("指标值", "indicator_value", "num", 10), XColumn("分子", "numerator", "int", 8),
            XColumn("分母", "denominator", "int", 8), XColumn("配置分值", "points_configured", "num", 10),
            XColumn("可得分", "points_available", "num", 10), XColumn("得分", "points_earned", "num", 10),
            XColumn("计分规则", "scoring_rule", "text", 30), XColumn("说明", "note", "text", 50)], details),
    ], notes=[
        ("行政区划", f"{region_name(pub.region_code)}（{pub.region_code}）"),
        ("统计截止日期", pub.as_of.isoformat()),
        ("考核细则", f"{first.get('config_name', '')} 版本 {first.get('config_version', '')}"),
        ("考核细则指纹", str(first.get("config_fingerprint", ""))),
        ("输入数据指纹", str(first.get("input_fingerprint", ""))),
        ("说明", "无数据的指标不计分，其分值按权重分配至该单位其他有数据的指标；指标值为比率（0–1）"
                 "或每百件处罚案件的应移未移线索数。"),
    ])
    overdue = [{**r, "kind_zh": KIND_ZH.get(r["obligation_kind"], r["obligation_kind"])}
               for r in pub["overdue"].to_dicts()]
    per_unit: dict[Any, int] = {}
    for r in overdue:
        per_unit[r["responsible_unit_name"]] = per_unit.get(r["responsible_unit_name"], 0) + 1
    # as on the page: the units with most overdue items first, each unit's items most overdue first
    overdue.sort(key=lambda r: (-per_unit[r["responsible_unit_name"]], str(r["responsible_unit_name"] or ""),
                                -(r["days_past_due"] or 0)))
    write_workbook(out / "overdue.xlsx", [Sheet("逾期事项", [
        XColumn("义务类型", "kind_zh", "text", 18), XColumn("责任单位", "responsible_unit_name", "text", 30),
        XColumn("文书/工单编号", "source_key", "text", 24), XColumn("事由类别", "subject_summary", "text", 16),
        XColumn("起算日期", "anchor_date", "date", 12), XColumn("截止日期", "due_date", "date", 12),
        XColumn("答复日期", "replied_date", "date", 12), XColumn("状态", "status", "text", 12),
        XColumn("逾期天数", "days_past_due", "int", 10), XColumn("期限依据", "due_date_basis", "text", 40)], overdue)],
        notes=[("行政区划", f"{region_name(pub.region_code)}（{pub.region_code}）"),
               ("统计截止日期", pub.as_of.isoformat())])
    return ["scorecard.xlsx", "overdue.xlsx"]


def render(pub: site_data.PublicationData, out: Path, built_at: datetime) -> None:
    """Pages, assets, the jurisdiction's own data-standard report and the workbooks, into `out`."""
    from data_contracts.docs import build_data_docs

    (out / "assets").mkdir(parents=True)
    (out / "assets" / "plotly.min.js").write_bytes(_plotly_js())
    shutil.copyfile(ASSETS / "site.css", out / "assets" / "site.css")
    shutil.copyfile(ASSETS / "figures.js", out / "assets" / "figures.js")
    results = pub.contract_results.to_dicts() if pub.contract_results is not None else []
    files = pub.file_records.to_dicts() if pub.file_records is not None else []
    build_data_docs(out / "data_docs", results, files)
    pages = build_pages(pub, "data_docs/index.html")
    env = environment()
    template = env.get_template("page.html.j2")
    fingerprint = data_fingerprint(pub)
    for number, page in enumerate(pages, start=1):
        html = template.render(
            page=page, pages=pages, page_number=number, region_code=pub.region_code,
            region_name=region_name(pub.region_code), as_of_long=long_date(pub.as_of),
            built_at=f"{built_at:%Y-%m-%d %H:%M}", version=versions()["liandong"], fingerprint=fingerprint[:8])
        (out / page.file_name).write_text(html, encoding="utf-8")
    _write_exports(pub, out)


def _manifest(pub: site_data.PublicationData, out: Path, built_at: datetime) -> dict[str, Any]:
    details = pub["scorecard"].head(1).to_dicts()
    first = details[0] if details else {}
    files = []
    for p in sorted(x for x in out.rglob("*") if x.is_file()):
        files.append({"path": p.relative_to(out).as_posix(), "bytes": p.stat().st_size,
                      "sha256": hashlib.sha256(p.read_bytes()).hexdigest()})
    return {
        "region_code": pub.region_code, "region_name": region_name(pub.region_code),
        "as_of": pub.as_of.isoformat(), "built_at": built_at.isoformat(timespec="seconds"),
        "versions": versions(), "data_fingerprint": data_fingerprint(pub),
        "input_files": pub["files"].height,
        "warehouse_input_fingerprint": first.get("input_fingerprint"),
        "scorecard_config": {"name": first.get("config_name"), "version": first.get("config_version"),
                             "fingerprint": first.get("config_fingerprint")},
        "rows": {name: frame.height for name, frame in pub.frames.items()},
        "files": files,
    }


Gate = Callable[[Path], list[Any]]


def publish_region(site: Path, warehouse: Path, region_code: str, as_of: date, gate: Gate,
                   folder_suffix: str = "", descendants: Sequence[str] = (),
                   marts: site_data.Marts | None = None) -> Outcome:
    """Publish one jurisdiction; `folder_suffix` "-annual" marks the annual scorecard publication. A city or
    province given its `descendants` also shows them side by side (page 下辖地区) when they have data.
    `marts`: the marts already read for this jurisdiction among others (one publish run)."""
    target = publication_path(site, region_code, as_of, folder_suffix)
    if target.exists():
        return Outcome(region_code, as_of, target, created=False)
    pub = marts.load(region_code, as_of, descendants) if marts is not None else \
        site_data.load(warehouse, region_code, as_of, descendants)
    built_at = datetime.now().astimezone()
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        render(pub, tmp, built_at)
        manifest = _manifest(pub, tmp, built_at)
        manifest["kind"] = "annual" if folder_suffix == "-annual" else "periodic"
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str),
                                           encoding="utf-8")
        findings = gate(tmp)
        if findings:
            raise PersonalDataInPublication(region_code, findings)
        try:
            tmp.rename(target)  # atomic; fails if another run published first
        except OSError:
            if target.exists():
                return Outcome(region_code, as_of, target, created=False)
            raise
        _make_read_only(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Outcome(region_code, as_of, target, created=True, files=len(manifest["files"]) + 1)


def _make_read_only(folder: Path) -> None:
    """Published files and folders are read-only: a publication is a record, not a working copy (no file
    can be added, renamed or removed in it either). Folders last, deepest first."""
    paths = sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True)
    for p in paths:
        if p.is_file():
            p.chmod(0o444)
    for p in [*(p for p in paths if p.is_dir()), folder]:
        p.chmod(0o555)


class PersonalDataInPublication(UserError):
    def __init__(self, region_code: str, findings: Sequence[Any]) -> None:
        lines = "\n".join(f.sentence() for f in findings[:20])
        super().__init__(f"发布 {region_code} 时发现 {len(findings)} 处个人信息，已停止发布：\n{lines}",
                         f"{len(findings)} piece(s) of personal data found in the {region_code} publication; "
                         "nothing was published")
        self.findings = list(findings)


def publications(site: Path) -> list[dict[str, Any]]:
    """Every publication's manifest summary, newest as-of first within each jurisdiction."""
    out = []
    for manifest in site.glob("*/*/manifest.json"):
        try:
            m = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append({"region_code": m["region_code"], "region_name": m.get("region_name", m["region_code"]),
                    "as_of": m["as_of"], "kind": m.get("kind", "periodic"), "built_at": m["built_at"],
                    "data_fingerprint": m.get("data_fingerprint"),
                    "path": manifest.parent.relative_to(site).as_posix() + "/index.html"})
    out.sort(key=lambda r: (r["region_code"], r["as_of"]), reverse=True)
    out.sort(key=lambda r: r["region_code"])
    return out


def write_index(site: Path) -> Path:
    """`site/index.html` and `site/index.json`: all publications, replaced atomically."""
    entries = publications(site)
    env = environment()
    html = env.get_template("index.html.j2").render(entries=entries, updated=f"{datetime.now():%Y-%m-%d %H:%M}")
    site.mkdir(parents=True, exist_ok=True)
    for name, text in (("index.json", json.dumps(entries, ensure_ascii=False, indent=1)), ("index.html", html)):
        tmp = site / f".{name}.tmp-{os.getpid()}"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(site / name)
    return site / "index.html"
