"""Which penalty files each agency delivers: per year or both years, one sheet or two, xlsx or csv, and in
which encoding — plus the few deliveries the demo depends on (the correction, the rejected file, the `;`
csv, a GB18030 csv, a two-sheet workbook).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sample_data.layouts import F1_DATE_FIELDS, FileStyle, f1_headers, random_style
from sample_data.penalties import Record
from sample_data.units import Region, Unit

# (region, role) → (grouping, format, encoding); grouping: per_year | sheets | combined.
FORCED: dict[tuple[str, str], tuple[str, str, str | None]] = {
    ("410108", "market"): ("per_year", "xlsx", None),  # 2025 file is corrected by a later file
    ("620321", "transport"): ("per_year", "csv", "utf-8-sig"),  # 2024 file lacks 行政处罚决定书文号
    ("420104", "tax"): ("per_year", "csv", "utf-8-sig"),  # 2025 file uses ';'
    ("620900", "market"): ("per_year", "csv", "gb18030"),
    ("510904", "market"): ("sheets", "xlsx", None),
    ("410108", "env"): ("per_year", "csv", "gb18030"),
}
REJECTED = ("620321", "transport", 2024)
SEMICOLON = ("420104", "tax", 2025)
CORRECTED = ("410108", "market", 2025)


@dataclass
class PenaltyFile:
    """One delivered penalty file and how it is written."""

    path: str
    region: Region
    unit: Unit
    fmt: str
    encoding: str | None
    delimiter: str
    sheets: list[tuple[str, str | None, list[Record]]]
    header_style: str
    headers: dict[str, str]
    style: FileStyle
    drop_optional: bool
    missing: tuple[str, ...] = ()
    correction: bool = False

    @property
    def records(self) -> list[Record]:
        return [r for _name, _title, recs in self.sheets for r in recs]


def title_name(unit: Unit, region: Region) -> str:
    """惠济区市场监督管理局 rather than 郑州市惠济区市场监督管理局, as titles are usually written."""
    if unit.name.startswith(region.name):
        return region.short + unit.name.removeprefix(region.name)
    return unit.name


def plan_penalty_files(
    region: Region, unit: Unit, records: list[Record], rng: random.Random, units: dict[str, Unit]
) -> list[PenaltyFile]:
    """Split one agency's records into the files it would deliver."""
    role = unit.role
    grouping, fmt, encoding = FORCED.get((region.code, role)) or _random_delivery(rng)
    if grouping == "sheets" and fmt != "xlsx":
        grouping = "per_year"
    by_year: dict[int, list[Record]] = {}
    for rec in records:
        by_year.setdefault(rec["_year"], []).append(rec)
    use_alias = rng.random() < 0.15
    source = (units.get("bigdata") or units.get("justice")) if rng.random() < 0.1 else None
    for rec in records:
        if use_alias:
            rec["agency_name"] = unit.alias
        if source is not None:
            rec["source_unit_name"], rec["source_unit_uscc"] = source.name, source.uscc
    ext = "xlsx" if fmt == "xlsx" else "csv"
    files: list[PenaltyFile] = []

    def new_file(
        years: str,
        sheets: list[tuple[str, str | None, list[Record]]],
        delimiter: str = ",",
        missing: tuple[str, ...] = (),
    ) -> PenaltyFile:
        style_name = rng.choices(("national", "synonyms", "brackets"), (4, 3, 3))[0]
        return PenaltyFile(
            path=f"{region.code}_{unit.alias}_{years}年行政处罚台账.{ext}",
            region=region,
            unit=unit,
            fmt=fmt,
            encoding=encoding,
            delimiter=delimiter,
            sheets=sheets,
            header_style=style_name,
            headers=f1_headers(style_name, rng),
            style=random_style(rng, fmt, F1_DATE_FIELDS),
            drop_optional=rng.random() < 0.35,
            missing=missing,
        )

    title = title_name(unit, region)
    if grouping == "per_year":
        for year, recs in sorted(by_year.items()):
            key = (region.code, role, year)
            sheet_name = rng.choice(("Sheet1", "行政处罚", f"{year}年", "台账"))
            files.append(
                new_file(
                    str(year),
                    [(sheet_name, f"{title}{year}年行政处罚台账", recs)],
                    delimiter=";" if key == SEMICOLON else ",",
                    missing=("decision_no",) if key == REJECTED else (),
                )
            )
    elif grouping == "sheets":
        files.append(
            new_file(
                "2024-2025",
                [(f"{y}年", f"{title}{y}年行政处罚台账", recs) for y, recs in sorted(by_year.items())],
            )
        )
    else:
        recs = [r for _y, rs in sorted(by_year.items()) for r in rs]
        files.append(new_file("2024-2025", [("Sheet1", f"{title}2024—2025年行政处罚台账", recs)]))
    return files


def _random_delivery(rng: random.Random) -> tuple[str, str, str | None]:
    grouping = rng.choices(("per_year", "sheets", "combined"), (60, 15, 25))[0]
    fmt, encoding = rng.choices(
        (("xlsx", None), ("csv", "gb18030"), ("csv", "utf-8-sig"), ("csv", "utf-8")), (55, 20, 20, 5)
    )[0]
    return grouping, fmt, encoding
