"""Assemble the sample: build every record, plan the deliveries, write the files, and write expected.json.

Sub-generators each get their own `random.Random(f"{seed}:{name}")`, so adding a case to one feed does not
reshuffle the others, and nothing reads the clock: the same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

from sample_data import bad_rows, hotline, supervision, tasks
from sample_data.corrections import build_corrections
from sample_data.files import CORRECTED, PenaltyFile, plan_penalty_files, title_name
from sample_data.hotline import HotlineBuilder, TicketNumbers
from sample_data.layouts import (
    F1_DROPPABLE,
    F1_FIELDS,
    F1_KINDS,
    F2_DATE_FIELDS,
    F2_FIELDS,
    F2_HEADERS,
    F2_KINDS,
    F3_FIELDS,
    F3_HEADERS,
    F3_KINDS,
    R1_FIELDS,
    R1_HEADERS,
    R1_KINDS,
    FileStyle,
    random_style,
)
from sample_data.manifest import (
    MANIFEST_NAME,
    MANIFEST_VERSION,
    PiiLog,
    clean_previous,
    planted_entry,
    totals,
)
from sample_data.parties import PartyFactory
from sample_data.penalties import AS_OF, PenaltyBuilder, Record, assign_numbers, random_workday
from sample_data.planted import Planted, correction_original, penalty_cases
from sample_data.render import to_sheet
from sample_data.units import REGIONS, Region, member_units, units_by_role
from sample_data.writers import Sheet, write_csv, write_xlsx

YEARS = (2024, 2025)
ROLE_ORDER = (
    "market",
    "env",
    "land",
    "forest",
    "agri",
    "tax",
    "hrss",
    "safety",
    "health",
    "urban",
    "transport",
    "housing",
    "water",
    "tobacco",
    "fire",
    "culture",
)
YEARLY_CASES = {
    "market": 55,
    "urban": 22,
    "tax": 18,
    "env": 12,
    "safety": 12,
    "health": 9,
    "land": 7,
    "transport": 9,
    "agri": 8,
    "forest": 6,
    "hrss": 6,
    "water": 5,
    "tobacco": 6,
    "housing": 6,
    "fire": 6,
    "culture": 4,
}
REGION_SCALE = {"410108": 1.3, "620900": 1.5, "420104": 1.3, "510904": 1.05, "620321": 0.9}
# region → (format, encoding, datetime format) of the 12345 and 12309 exports
EXPORTS_12345 = {
    "410108": ("csv", "gb18030", "iso"),
    "620900": ("xlsx", None, "excel"),
    "420104": ("xlsx", None, "slash"),
    "510904": ("csv", "gb18030", "slash"),
    "620321": ("csv", "gb18030", "iso"),
}
EXPORTS_12309 = {
    "410108": ("xlsx", None, "iso"),
    "620900": ("xlsx", None, "excel"),
    "420104": ("xlsx", None, "excel"),
    "510904": ("xlsx", None, "slash"),
    "620321": ("csv", "utf-8-sig", "iso"),
}
BAD_HOTLINE = {("410108", "12345"): "2025-02-30 09:15:00", ("420104", "12309"): "2024-13-01 10:00"}
BAD_SUPERVISION_REGION = "620321"


def _rng(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}")


class _Run:
    """State of one generation: records, where they were written, and the manifest being built."""

    def __init__(self, out_dir: Path, seed: int):
        self.out, self.seed = out_dir, seed
        self.units = {r.code: units_by_role(r) for r in REGIONS}
        self.files: list[dict[str, Any]] = []
        self.where: dict[int, dict[str, Any]] = {}
        self.pii = PiiLog()

    # ------------------------------------------------------------------ writing
    def write(
        self,
        path: str,
        feed: str,
        region: Region,
        fmt: str,
        encoding: str | None,
        delimiter: str,
        sheets: list[Sheet],
        records: list[list[Record]],
        **info: Any,
    ) -> dict[str, Any]:
        """Write one file, remember where each record landed, and add its manifest entry."""
        target = self.out / path
        if fmt == "xlsx":
            layouts = write_xlsx(target, sheets)
        else:
            layouts = [write_csv(target, sheets[0], encoding or "utf-8", delimiter)]
        bad: list[dict[str, Any]] = []
        for layout, recs in zip(layouts, records, strict=True):
            for row, rec in zip(layout.data_rows, recs, strict=True):
                self.where[id(rec)] = {"file": path, "sheet": layout.name, "row": row}
                if rec.get("_bad"):
                    bad.append(
                        {"sheet": layout.name, "row": row, **rec.get("_bad_detail", {"reason": rec["_bad"]})}
                    )
        data_rows = sum(len(r) for r in records)
        missing = info.pop("missing_columns", [])
        expect = "rejected" if missing else ("partial" if bad else "loaded")
        entry = {
            "path": path,
            "feed": feed,
            "region_code": region.code,
            "format": fmt,
            "encoding": encoding if fmt == "csv" else None,
            "delimiter": delimiter if fmt == "csv" else None,
            "sheets": [lay.to_manifest() for lay in layouts],
            "data_rows": data_rows,
            "bad_rows": len(bad),
            "bad": bad,
            "missing_columns": missing,
            "expect": expect,
            **info,
        }
        self.files.append(entry)
        return entry

    # ------------------------------------------------------------------ R1
    def write_member_units(self) -> int:
        total = 0
        for region in REGIONS:
            rng = _rng(self.seed, f"r1:{region.code}")
            units = member_units(region)
            sep = "、" if region.code in ("410108", "420104", "510904") else ";"
            recs = [
                {
                    "unit_name": u.name,
                    "unit_uscc": u.uscc,
                    "region_code": u.region_code,
                    "unit_kind": u.kind,
                    "enforcement_domain": u.domain,
                    "aliases": sep.join(u.aliases) or None,
                    "scored": u.scored,
                    "valid_from": u.valid_from,
                    "valid_to": u.valid_to,
                }
                for u in units
            ]
            style = random_style(rng, "xlsx", ("valid_from", "valid_to"))
            style.total_row = False
            style.bools = ("是", "否")
            sheet = to_sheet(
                "成员单位",
                f"{region.name}府检联动联席会议成员单位名录",
                recs,
                list(R1_FIELDS),
                R1_HEADERS,
                R1_KINDS,
                style,
                rng,
            )
            self.write(
                f"{region.code}_成员单位名录.xlsx",
                "member_units",
                region,
                "xlsx",
                None,
                ",",
                [sheet],
                [recs],
                columns={f: R1_HEADERS[f] for f in R1_FIELDS},
            )
            total += len(recs)
        return total

    # ------------------------------------------------------------------ F1
    def build_penalties(self) -> tuple[list[PenaltyFile], list[Planted], dict[str, Record]]:
        taken: set[str] = set()
        builders = {
            r.code: PenaltyBuilder(
                r,
                self.units[r.code],
                _rng(self.seed, f"f1:{r.code}"),
                PartyFactory(_rng(self.seed, f"party:{r.code}"), r, taken),
            )
            for r in REGIONS
        }
        by_agency: dict[tuple[str, str], list[Record]] = {}
        for region in REGIONS:
            b = builders[region.code]
            for role in ROLE_ORDER:
                if role not in self.units[region.code]:
                    continue
                agency = self.units[region.code][role]
                recs: list[Record] = []
                for year in YEARS:
                    n = max(
                        2, round(YEARLY_CASES[role] * REGION_SCALE[region.code] * b.rng.uniform(0.8, 1.2))
                    )
                    end = date(year, 12, 24) if year == 2025 else date(year, 12, 31)
                    days = sorted(random_workday(b.rng, date(year, 1, 2), end) for _ in range(n))
                    recs += [b.background(agency, d) for d in days]
                by_agency[(region.code, role)] = recs
        planted = penalty_cases(builders)
        threshold_correction = correction_original(builders["410108"])
        planted.append(threshold_correction)
        for case in planted:
            for rec in case.records:
                by_agency[(case.region_code, rec["_role"])].append(rec)
        for (code, role), recs in by_agency.items():
            recs.sort(key=lambda r: r["decision_date"])
            assign_numbers(recs, builders[code].region, role, _rng(self.seed, f"num:{code}:{role}"))
        files: list[PenaltyFile] = []
        plan_rng = _rng(self.seed, "plan")
        for (code, role), recs in by_agency.items():
            region = builders[code].region
            files += plan_penalty_files(region, self.units[code][role], recs, plan_rng, self.units[code])
        original = next(
            f
            for f in files
            if (f.region.code, f.unit.role) == CORRECTED[:2]
            and f.path.startswith(f"{CORRECTED[0]}_")
            and f"_{CORRECTED[2]}年" in f.path
        )
        fix, more = build_corrections(original, threshold_correction, _rng(self.seed, "correction"))
        files.insert(files.index(original) + 1, fix)
        planted += more
        bad_rows.plant_bad_rows(files, _rng(self.seed, "bad"))
        planted_by_id = {c.id: c.records[0] for c in planted}
        return files, planted, planted_by_id

    def write_penalties(self, files: list[PenaltyFile]) -> None:
        for pf in files:
            rng = _rng(self.seed, f"render:{pf.path}")
            all_recs = pf.records
            fields = [f for f in F1_FIELDS if f not in pf.missing]
            if pf.drop_optional:
                fields = [
                    f for f in fields if f not in F1_DROPPABLE or any(r.get(f) is not None for r in all_recs)
                ]
            style = pf.style
            if pf.fmt != "xlsx":
                style.total_row = False
            sheets = [
                to_sheet(
                    name,
                    title if pf.fmt == "xlsx" else None,
                    recs,
                    fields,
                    pf.headers,
                    F1_KINDS,
                    style,
                    rng,
                    total_field="fine_amount",
                )
                for name, title, recs in pf.sheets
            ]
            self.write(
                pf.path,
                "penalty_ledger",
                pf.region,
                pf.fmt,
                pf.encoding,
                pf.delimiter,
                sheets,
                [recs for _n, _t, recs in pf.sheets],
                unit_name=pf.unit.name,
                unit_uscc=pf.unit.uscc,
                header_style=pf.header_style,
                missing_columns=[pf.headers[m] for m in pf.missing],
                correction=pf.correction,
                columns={f: pf.headers[f] for f in fields},
            )
            for rec in all_recs:
                self.pii.note(rec, "penalty_ledger")

    # ------------------------------------------------------------------ F2
    def build_and_write_supervision(
        self, penalty_files: list[PenaltyFile], planted_penalties: dict[str, Record]
    ) -> list[Planted]:
        loaded = {id(r) for f in penalty_files if not f.missing and not f.correction for r in f.records}
        planted = supervision.planted_documents(self.units, planted_penalties)
        for region in REGIONS:
            units = self.units[region.code]
            rng = _rng(self.seed, f"f2:{region.code}")
            pool: dict[str, list[Record]] = {}
            for f in penalty_files:
                if f.region.code == region.code:
                    pool.setdefault(f.unit.role, []).extend(
                        r for r in f.records if id(r) in loaded and not r["_planted"] and not r["_bad"]
                    )

            def pick(
                role: str, pool: dict[str, list[Record]] = pool, rng: random.Random = rng
            ) -> Record | None:
                return rng.choice(pool[role]) if pool.get(role) else None

            docs = supervision.background_documents(region, units, rng, rng.randint(25, 29), pick)
            docs += [p.records[0] for p in planted if p.region_code == region.code]
            supervision.assign_document_numbers(docs, region, rng)
            docs.sort(key=lambda d: (d["issued_date"], d["document_no"]))
            if region.code == BAD_SUPERVISION_REGION:
                victim = next(d for d in docs if not d["_planted"])
                supervision.bad_issue_date(victim)
            if region.code == "420104":
                for d in docs:
                    d["procuratorate"] = units["proc"].alias
            style = random_style(rng, "xlsx", F2_DATE_FIELDS)
            headers = dict(F2_HEADERS)
            if region.code == "510904":
                headers.update(
                    {
                        "urgent": "是否\n紧急",
                        "reply_due_date": "回复\n期限",
                        "related_decision_no": "关联处罚决定书\n文号",
                    }
                )
            style.total_row = False
            proc = units["proc"]
            sheet = to_sheet(
                "监督台账",
                f"{title_name(proc, region)}行政检察监督台账（2024—2025年）",
                docs,
                list(F2_FIELDS),
                headers,
                F2_KINDS,
                style,
                rng,
            )
            self.write(
                f"{region.code}_{proc.alias}_行政检察监督台账.xlsx",
                "supervision_ledger",
                region,
                "xlsx",
                None,
                ",",
                [sheet],
                [docs],
                unit_name=proc.name,
                unit_uscc=proc.uscc,
                columns={f: headers[f] for f in F2_FIELDS},
            )
        return planted

    # ------------------------------------------------------------------ F3
    def build_and_write_hotline(self) -> list[Planted]:
        builders: dict[str, HotlineBuilder] = {}
        for region in REGIONS:
            rng = _rng(self.seed, f"f3:{region.code}")
            b = HotlineBuilder(region, self.units[region.code], rng, TicketNumbers(region, rng))
            b.background_12345(rng.randint(240, 262), with_due=EXPORTS_12345[region.code][0] == "xlsx")
            b.background_12309(rng.randint(28, 34))
            builders[region.code] = b
        planted = hotline.planted_tickets(builders)
        for region in REGIONS:
            b = builders[region.code]
            b.link_pairs()
            hotline_unit = self.units[region.code]["hotline"]
            proc = self.units[region.code]["proc"]
            for channel, tickets, (fmt, encoding, dt_format), name, title, unit in (
                (
                    "12345",
                    b.t12345,
                    EXPORTS_12345[region.code],
                    f"{region.code}_12345工单_2024-2025",
                    f"{region.name}12345政务服务便民热线工单明细（2024年1月1日—2025年12月31日）",
                    hotline_unit,
                ),
                (
                    "12309",
                    b.t12309,
                    EXPORTS_12309[region.code],
                    f"{region.code}_12309检察服务中心线索_2024-2025",
                    f"{title_name(proc, region)}12309检察服务中心线索台账（2024—2025年）",
                    proc,
                ),
            ):
                tickets.sort(key=lambda t: (t["received_at"], t["ticket_no"]))
                bad_value = BAD_HOTLINE.get((region.code, channel))
                if bad_value:
                    victim = next(t for t in tickets[len(tickets) // 3 :] if not t["_planted"])
                    victim["received_at"] = bad_value
                    victim["_bad"] = "impossible_date"
                    victim["_bad_detail"] = {
                        "reason": "impossible_date",
                        "field": "received_at",
                        "value": bad_value,
                    }
                style = FileStyle(
                    target=fmt,
                    datetime_format=dt_format,
                    bools=("是", "否") if region.code != "620321" else ("Y", "N"),
                )
                sheet = to_sheet(
                    "工单" if channel == "12345" else "线索",
                    title if fmt == "xlsx" else None,
                    tickets,
                    list(F3_FIELDS),
                    F3_HEADERS,
                    F3_KINDS,
                    style,
                    b.rng,
                )
                self.write(
                    f"{name}.{fmt}",
                    "hotline_exchange",
                    region,
                    fmt,
                    encoding,
                    ",",
                    [sheet],
                    [tickets],
                    unit_name=unit.name,
                    unit_uscc=unit.uscc,
                    channel=channel,
                    columns={f: F3_HEADERS[f] for f in F3_FIELDS},
                )
                for t in tickets:
                    self.pii.note(t, "hotline_exchange")
        return planted


    # ------------------------------------------------------------------ F4
    def write_task_lists(self) -> int:
        """Each jurisdiction's 2025 任务清单 after every progress report round, and 永昌县's 议定事项 list."""
        total = 0
        style = FileStyle(target="xlsx", date_formats={f: "excel" for f in tasks.F4_KINDS}, seq_column=True)
        for region in REGIONS:
            rng = _rng(self.seed, f"f4:{region.code}")
            units = self.units[region.code]
            files = [(f"{region.code}_{tasks.TASK_YEAR}年府检联动重点工作任务清单（{label}）.xlsx",
                      f"{region.name}{tasks.TASK_YEAR}年府检联动重点工作任务清单（{label}进展）", rows)
                     for label, _, rows in tasks.deliveries(region, units)]
            if region.code == tasks.DECISIONS_REGION:
                files.append((f"{region.code}_{tasks.TASK_YEAR}年联席会议议定事项落实情况.xlsx",
                              f"{region.name}府检联动联席会议议定事项落实情况", tasks.decisions(region, units)))
            for path, title, rows in files:
                sheet = to_sheet("任务清单", title, rows, list(tasks.F4_FIELDS), tasks.F4_HEADERS, tasks.F4_KINDS,
                                 style, rng)
                self.write(path, "task_list", region, "xlsx", None, ",", [sheet], [rows],
                           columns={f: tasks.F4_HEADERS[f] for f in tasks.F4_FIELDS})
                total += len(rows)
        return total


def generate_sample(out_dir: Path, seed: int = 2024) -> dict[str, Any]:
    """Write the sample ledgers into out_dir and return the manifest (also written as expected.json)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_previous(out_dir)
    run = _Run(out_dir, seed)
    member_count = run.write_member_units()
    penalty_files, planted_penalties, planted_by_id = run.build_penalties()
    run.write_penalties(penalty_files)
    planted_docs = run.build_and_write_supervision(penalty_files, planted_by_id)
    planted_tickets = run.build_and_write_hotline()
    run.write_task_lists()
    planted = planted_penalties + planted_docs + planted_tickets
    manifest = {
        "generator": "sample_data",
        "manifest_version": MANIFEST_VERSION,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "years": list(YEARS),
        "regions": [{"code": r.code, "name": r.name} for r in REGIONS],
        "files": run.files,
        "planted": [planted_entry(c, run.where) for c in planted],
        "pii": run.pii.to_manifest(),
        "totals": totals(run.files, penalty_files, member_count, planted),
    }
    (out_dir / MANIFEST_NAME).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest
