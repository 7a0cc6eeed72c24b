"""Province-scale ledgers in the real delivery formats, for the benchmark (`python -m bench.generate`).

`--scale 1.0` writes 5,000,000 penalty rows, 1,000,000 hotline tickets and 300,000 supervision documents
from 2,000 member units in 100 regions; `--scale 0.01` writes 1 % of the rows (and of the regions).
Every agency delivers its own way, and keeps to it: one file per month, quarter or year; xlsx (title row,
sometimes a 序号 column and a 合计 row) or csv in GB18030 / UTF-8 with BOM / UTF-8; the header spellings,
date formats and yes/no words of `sample_data.layouts`. Rows are valid except a configurable share of
planted bad rows, one reason each, so the expected outcome is known exactly:
loaded + quarantined = data rows, quarantined = bad rows.

Output (never inside the repository; default /tmp/liandong-bench):
    units/ penalty/<region>/ hotline/ supervision/   the delivered files
    incremental/                                       one later 10,000-row penalty file (2026-01)
    manifest.json                                      per file: feed, format, rows, bad rows; totals
Deterministic: same seed and sizes → same files (rows are drawn per unit from the seed, the unit and
the feed, so a region's files do not depend on how many other regions there are).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from bench import cells, regions
from bench.cells import Typed, to_column
from bench.feeds import Block, hotline_block, penalty_block, supervision_block
from bench.xlsx import Column, write_xlsx
from sample_data.files import title_name
from sample_data.layouts import (
    F1_DATE_FIELDS,
    F1_DROPPABLE,
    F1_FIELDS,
    F1_KINDS,
    F2_DATE_FIELDS,
    F2_FIELDS,
    F2_HEADERS,
    F3_FIELDS,
    F3_HEADERS,
    R1_FIELDS,
    R1_HEADERS,
    R1_KINDS,
    FileStyle,
    amount_unit,
    f1_headers,
    random_style,
)
from sample_data.render import to_sheet
from sample_data.units import Region, Unit
from sample_data.writers import write_xlsx as write_openpyxl_xlsx

FULL = {"penalty_rows": 5_000_000, "hotline_rows": 1_000_000, "supervision_rows": 300_000, "regions": 100}
DEFAULT_OUT = Path("/tmp/liandong-bench")
INCREMENTAL_ROWS = 10_000
CADENCES = ("month", "quarter", "year")
# Header spellings of F2/F3 seen in the field (all are synonyms in the contracts).
F2_SYNONYMS = {"document_no": ("文书号", "检察建议书编号"), "procuratorate": ("制发检察院",),
               "target_unit_name": ("被建议单位",), "issued_date": ("发出日期",), "reply_date": ("回复时间",),
               "rectification_status": ("整改落实情况",)}
F3_SYNONYMS = {"ticket_no": ("工单号",), "received_at": ("来电时间", "登记时间"), "caller_name": ("来电人姓名",),
               "caller_phone": ("来电号码",), "handling_unit_name": ("办理单位", "责任单位"),
               "closed_at": ("办结日期",), "result": ("处理结果",), "request_type": ("诉求类别",)}
F2_KINDS = {**{f: "date" for f in F2_DATE_FIELDS}, "urgent": "bool"}
F3_KINDS = {f: "datetime" for f in ("received_at", "dispatched_at", "due_at", "closed_at", "pushed_at",
                                     "procedural_reply_at", "feedback_at")} | {"pushed": "bool"}


@dataclass(frozen=True)
class Sizes:
    penalty_rows: int
    hotline_rows: int
    supervision_rows: int
    regions: int

    @classmethod
    def from_scale(cls, scale: float) -> Sizes:
        n_regions = max(1, min(FULL["regions"], round(FULL["regions"] * scale)))
        return cls(round(FULL["penalty_rows"] * scale), round(FULL["hotline_rows"] * scale),
                   round(FULL["supervision_rows"] * scale), n_regions)

    @property
    def units(self) -> int:
        return self.regions * regions.UNITS_PER_REGION


@dataclass
class Delivery:
    """How one unit delivers one feed (kept for all its files)."""

    fmt: str  # xlsx | csv
    encoding: str | None
    delimiter: str
    cadence: str
    style: FileStyle
    headers: dict[str, str]
    fields: list[str]
    sheet: str
    number_formats: dict[str, str]


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def _pyrng(seed: int, *keys: object) -> random.Random:
    return random.Random(":".join(map(str, (seed, *keys))))


def _delivery(prng: random.Random, fields: tuple[str, ...], date_fields: tuple[str, ...], headers: dict[str, str],
              formats: tuple[tuple[str, str | None], ...], weights: tuple[int, ...], cadence: str) -> Delivery:
    fmt, encoding = prng.choices(formats, weights)[0]
    style = random_style(prng, fmt, date_fields)
    number_formats = {f: prng.choice(("iso", "slash", "cn")) for f in fields}
    return Delivery(fmt, encoding, ";" if fmt == "csv" and prng.random() < 0.03 else ",", cadence, style,
                    headers, list(fields), prng.choice(("Sheet1", "台账", "数据")), number_formats)


def _synonym_headers(prng: random.Random, standard: dict[str, str], synonyms: dict[str, tuple[str, ...]]) -> dict:
    headers = dict(standard)
    if prng.random() < 0.4:
        for f, options in synonyms.items():
            if prng.random() < 0.5:
                headers[f] = prng.choice(options)
    return headers


def _period(days: np.ndarray, cadence: str) -> np.ndarray:
    dt = days.astype("datetime64[D]")
    months = dt.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    if cadence == "month":
        return months
    if cadence == "quarter":
        return months // 3
    return dt.astype("datetime64[Y]").astype(np.int64)


def _period_label(key: int, cadence: str) -> str:
    if cadence == "month":
        return f"{1970 + key // 12}年{key % 12 + 1:02d}月"
    if cadence == "quarter":
        return f"{1970 + key // 4}年第{key % 4 + 1}季度"
    return f"{1970 + key}年"


def _columns(block: Block, d: Delivery, kinds: dict[str, str], rng: np.random.Generator) -> list[Column]:
    cols = []
    for f in d.fields:
        t: Typed = block.columns[f]
        header = d.headers[f]
        unit = amount_unit(header) if kinds.get(f) == "amount" else "元"
        col = to_column(header, t, d.style, rng, unit, d.style.date_formats.get(f), d.number_formats[f])
        if f in block.raw_overrides:
            rows, values = block.raw_overrides[f]
            col = cells.override_text(col, rows, values)
        cols.append(col)
    return cols


def _slice(col: Column, start: int, length: int) -> Column:
    return Column(col.header, None if col.text is None else col.text.slice(start, length),
                  None if col.number is None else col.number.slice(start, length), col.style)


def _write_files(out: Path, folder: str, stem: str, title: str | None, feed: str, block: Block, d: Delivery,
                 kinds: dict[str, str], rng: np.random.Generator, region: Region, unit: Unit,
                 total_field: str | None = None) -> list[dict[str, Any]]:
    """Split a unit's rows into its deliveries (contiguous: rows are in date order) and write them."""
    columns = _columns(block, d, kinds, rng)
    keys = _period(block.period_day, d.cadence)
    bounds = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate([[0], bounds]).astype(int)
    ends = np.concatenate([bounds, [len(keys)]]).astype(int)
    entries = []
    target_dir = out / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e <= s:
            continue
        label = _period_label(int(keys[s]), d.cadence)
        n = e - s
        cols = [_slice(c, s, n) for c in columns]
        ext = "xlsx" if d.fmt == "xlsx" else "csv"
        path = target_dir / f"{region.code}_{stem}_{label}.{ext}"
        if d.fmt == "xlsx":
            total = None
            if d.style.seq_column:
                import polars as pl

                cols = [Column("序号", number=pl.Series(range(1, n + 1))), *cols]
            if d.style.total_row:
                total = [None] * len(cols)
                total[0] = "合计"
                total[1] = f"共{n}件"
                if total_field in d.fields:
                    t = block.columns[total_field]
                    yuan = int(np.where(t.valid[s:e], t.values[s:e], 0).sum())
                    at = d.fields.index(total_field) + (1 if d.style.seq_column else 0)
                    unit_ = amount_unit(d.headers[total_field])
                    total[at] = yuan / 10_000 if unit_ == "万元" else yuan
            layout = write_xlsx(path, d.sheet, cols, title=f"{title}{label}{_TITLES[feed]}" if title else None,
                                total=total, blank_before_total=d.style.blank_before_total)
        else:
            layout = cells.write_csv(path, cols, d.encoding or "utf-8", d.delimiter)
        entries.append({
            "path": str(path.relative_to(out)), "feed": feed, "format": d.fmt,
            "encoding": d.encoding if d.fmt == "csv" else None, "delimiter": d.delimiter if d.fmt == "csv" else None,
            "region_code": region.code, "unit_name": unit.name, "cadence": d.cadence,
            "data_rows": n, "bad_rows": int(block.bad[s:e].sum()), "non_data_rows": layout["non_data_rows"],
            "bytes": path.stat().st_size,
        })
    return entries


_TITLES = {"penalty_ledger": "行政处罚台账", "supervision_ledger": "行政检察监督台账",
           "hotline_exchange": "工单"}


def penalty_delivery(seed: int, region: Region, unit: Unit) -> tuple[Delivery, str, random.Random]:
    prng = _pyrng(seed, "f1", region.code, unit.role)
    style_name = prng.choices(("national", "synonyms", "brackets"), (4, 3, 3))[0]
    headers = f1_headers(style_name, prng)
    cadence = prng.choices(CADENCES, (35, 50, 15))[0]
    d = _delivery(prng, F1_FIELDS, F1_DATE_FIELDS, headers,
                  (("xlsx", None), ("csv", "gb18030"), ("csv", "utf-8-sig"), ("csv", "utf-8")), (55, 20, 20, 5),
                  cadence)
    if unit.role != "safety" and prng.random() < 0.35:  # templates without the accident columns
        d.fields = [f for f in d.fields if f not in F1_DROPPABLE]
    agency_name = unit.alias if prng.random() < 0.15 else unit.name
    return d, agency_name, prng


def _region_job(args: tuple[int, int, Region, int, dict[str, int], int, int, float, str]) -> list[dict[str, Any]]:
    seed, r_index, region, _n_regions, penalty_rows, hotline_rows, supervision_rows, bad_share, out_s = args
    out = Path(out_s)
    units = regions.region_units(region)
    entries: list[dict[str, Any]] = []
    entries += _write_units(out, seed, region, units)
    for a_index, role in enumerate(regions.AGENCY_ROLES):
        n = penalty_rows.get(role, 0)
        if not n:
            continue
        unit = units[role]
        d, agency_name, _ = penalty_delivery(seed, region, unit)
        rng = _rng(seed, 1, r_index, a_index)
        block = penalty_block(rng, region, unit, n, bad_share, agency_name=agency_name)
        title = title_name(unit, region) if d.fmt == "xlsx" else None
        entries += _write_files(out, f"penalty/{region.code}", f"{unit.alias}_行政处罚台账", title,
                                "penalty_ledger", block, d, F1_KINDS, rng, region, unit, total_field="fine_amount")
    for c_index, channel in enumerate(("12345", "12309")):
        n = round(hotline_rows * (0.9 if channel == "12345" else 0.1)) if channel == "12345" else (
            hotline_rows - round(hotline_rows * 0.9))
        if not n:
            continue
        prng = _pyrng(seed, "f3", region.code, channel)
        headers = _synonym_headers(prng, F3_HEADERS, F3_SYNONYMS)
        d = _delivery(prng, F3_FIELDS, (), headers, (("xlsx", None), ("csv", "gb18030"), ("csv", "utf-8-sig")),
                      (50, 30, 20), "month" if channel == "12345" else "quarter")
        rng = _rng(seed, 3, r_index, c_index)
        unit = units["hotline"] if channel == "12345" else units["proc"]
        block = hotline_block(rng, region, units, channel, n, bad_share, with_due=d.fmt == "xlsx")
        stem = "12345工单" if channel == "12345" else "12309检察服务中心线索"
        entries += _write_files(out, "hotline", stem, f"{region.name}{stem.removesuffix('工单')}" if d.fmt == "xlsx"
                                else None, "hotline_exchange", block, d, F3_KINDS, rng, region, unit)
    if supervision_rows:
        prng = _pyrng(seed, "f2", region.code)
        headers = _synonym_headers(prng, F2_HEADERS, F2_SYNONYMS)
        d = _delivery(prng, F2_FIELDS, F2_DATE_FIELDS, headers,
                      (("xlsx", None), ("csv", "utf-8-sig"), ("csv", "gb18030")), (75, 15, 10),
                      prng.choices(("month", "quarter"), (40, 60))[0])
        rng = _rng(seed, 2, r_index)
        proc = units["proc"]
        block = supervision_block(rng, region, units, supervision_rows, bad_share)
        entries += _write_files(out, "supervision", f"{proc.alias}_行政检察监督台账",
                                region.short if d.fmt == "xlsx" else None, "supervision_ledger", block, d, F2_KINDS,
                                rng, region, proc)
    return entries


def _write_units(out: Path, seed: int, region: Region, units: dict[str, Unit]) -> list[dict[str, Any]]:
    """R1 成员单位名录 of a region: one small xlsx, written with the sample's own writer."""
    prng = _pyrng(seed, "r1", region.code)
    recs = [{"unit_name": u.name, "unit_uscc": u.uscc, "region_code": u.region_code, "unit_kind": u.kind,
             "enforcement_domain": u.domain, "aliases": ";".join(u.aliases) or None, "scored": u.scored,
             "valid_from": date(2024, 1, 1), "valid_to": None} for u in units.values()]
    style = random_style(prng, "xlsx", ("valid_from", "valid_to"))
    style.total_row = False
    style.bools = ("是", "否")
    sheet = to_sheet("成员单位", f"{region.name}府检联动联席会议成员单位名录", recs, list(R1_FIELDS), R1_HEADERS,
                     R1_KINDS, style, prng)
    folder = out / "units"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{region.code}_成员单位名录.xlsx"
    write_openpyxl_xlsx(path, [sheet])
    return [{"path": str(path.relative_to(out)), "feed": "member_units", "format": "xlsx", "encoding": None,
             "delimiter": None, "region_code": region.code, "unit_name": "联席会议办公室", "cadence": "once",
             "data_rows": len(recs), "bad_rows": 0, "non_data_rows": 0, "bytes": path.stat().st_size}]


def _allocate(seed: int, sizes: Sizes, rs: list[Region]) -> tuple[list[dict[str, int]], list[int], list[int]]:
    """Rows per (region, agency), per region for hotline and supervision: skewed like a real province."""
    rng = _rng(seed, 0)
    region_factor = rng.lognormal(0, 0.5, len(rs))
    roles = regions.AGENCY_ROLES
    w = np.array([[regions.ROLE_WEIGHTS[r] for r in roles]], float) * region_factor[:, None]
    w *= rng.lognormal(0, 0.3, w.shape)
    penalty = rng.multinomial(sizes.penalty_rows, (w / w.sum()).ravel()).reshape(w.shape)
    hotline = rng.multinomial(sizes.hotline_rows, region_factor / region_factor.sum())
    supervision = rng.multinomial(sizes.supervision_rows, region_factor / region_factor.sum())
    return ([dict(zip(roles, row.tolist(), strict=True)) for row in penalty], hotline.tolist(),
            supervision.tolist())


def write_incremental(out: Path, seed: int, rows: int = INCREMENTAL_ROWS, bad_share: float = 0.005) -> dict:
    """One new monthly penalty file (January 2026) of the first region's market regulator."""
    region = regions.regions(1)[0]
    unit = regions.region_units(region)["market"]
    d, agency_name, _ = penalty_delivery(seed, region, unit)
    d.cadence = "month"
    rng = _rng(seed, 9)
    block = penalty_block(rng, region, unit, rows, bad_share, start=date(2026, 1, 1), end=date(2026, 1, 31),
                          agency_name=agency_name)
    title = title_name(unit, region) if d.fmt == "xlsx" else None
    [entry] = _write_files(out, "incremental", f"{unit.alias}_行政处罚台账", title, "penalty_ledger", block, d,
                           F1_KINDS, rng, region, unit, total_field="fine_amount")
    return entry


def generate(out: Path, sizes: Sizes, seed: int = 2024, bad_share: float = 0.005, jobs: int = 1,
             incremental_rows: int = INCREMENTAL_ROWS, progress: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    rs = regions.regions(sizes.regions)
    penalty, hotline, supervision = _allocate(seed, sizes, rs)
    tasks = [(seed, i, r, len(rs), penalty[i], hotline[i], supervision[i], bad_share, str(out))
             for i, r in enumerate(rs)]
    files: list[dict[str, Any]] = []
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for i, entries in enumerate(pool.map(_region_job, tasks)):
                files += entries
                if progress:
                    print(f"  region {i + 1}/{len(rs)}: {len(files)} files", file=sys.stderr, flush=True)
    else:
        for i, task in enumerate(tasks):
            files += _region_job(task)
            if progress:
                print(f"  region {i + 1}/{len(rs)}: {len(files)} files", file=sys.stderr, flush=True)
    incremental = write_incremental(out, seed, incremental_rows, bad_share) if incremental_rows else None
    totals: dict[str, dict[str, int]] = {}
    for f in files:
        t = totals.setdefault(f["feed"], {"files": 0, "data_rows": 0, "bad_rows": 0, "non_data_rows": 0, "bytes": 0})
        t["files"] += 1
        for k in ("data_rows", "bad_rows", "non_data_rows", "bytes"):
            t[k] += f[k]
    by_format: dict[str, int] = {}
    for f in files:
        key = f["format"] if f["format"] == "xlsx" else f"csv/{f['encoding']}"
        by_format[key] = by_format.get(key, 0) + 1
    manifest = {
        "generator": "bench.generate", "manifest_version": 1, "seed": seed, "sizes": asdict(sizes),
        "units": sizes.units, "bad_share": bad_share, "files": files, "totals": totals, "files_by_format": by_format,
        "incremental": incremental, "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=0.01, help="1.0 = 5M penalty rows, 1M tickets, 300k documents")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--bad-share", type=float, default=0.005, help="share of rows planted bad (default 0.5 %%)")
    p.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
    p.add_argument("--penalty-rows", type=int)
    p.add_argument("--hotline-rows", type=int)
    p.add_argument("--supervision-rows", type=int)
    p.add_argument("--regions", type=int)
    p.add_argument("--incremental-rows", type=int, default=INCREMENTAL_ROWS)
    a = p.parse_args(argv)
    sizes = Sizes.from_scale(a.scale)
    sizes = Sizes(a.penalty_rows if a.penalty_rows is not None else sizes.penalty_rows,
                  a.hotline_rows if a.hotline_rows is not None else sizes.hotline_rows,
                  a.supervision_rows if a.supervision_rows is not None else sizes.supervision_rows,
                  a.regions or sizes.regions)
    if a.out.resolve().is_relative_to(Path(__file__).resolve().parent.parent):
        print("refusing to write generated data inside the repository; choose --out elsewhere", file=sys.stderr)
        return 2
    os.environ.setdefault("POLARS_MAX_THREADS", str(max(1, a.jobs)))
    m = generate(a.out, sizes, a.seed, a.bad_share, a.jobs, a.incremental_rows, progress=True)
    for feed, t in m["totals"].items():
        print(f"{feed:20s} files {t['files']:6d}  rows {t['data_rows']:9d}  bad {t['bad_rows']:6d}  "
              f"MB {t['bytes'] / 1e6:8.1f}")
    print(f"formats {m['files_by_format']}; {m['seconds']} s → {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
