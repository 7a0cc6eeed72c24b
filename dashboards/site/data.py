"""Read one jurisdiction's rows from the marts. Every query filters on region_code; nothing else is read."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from data_contracts.docs import RESULTS_SQL
from warehouse.build_state import warehouse_built_as_of
from warehouse.connection import connect
from warehouse.errors import UserError

# name → (mart, extra SQL after the region filter). All are read `where region_code = ?`.
QUERIES: dict[str, tuple[str, str]] = {
    "units": ("dim_member_units", ""),
    "transfer": ("agg_transfer_rates", ""),
    "unit_transfer": ("agg_unit_transfer_yearly", "order by decision_year desc, worst_rank nulls last, agency_uscc"),
    "clue_counts": ("agg_non_transfer_clues", ""),
    "clues": ("fct_non_transfer_clues", "order by decision_date desc, agency_uscc, decision_no, rule_id"),
    "timeliness": ("agg_obligation_timeliness", ""),
    "unit_timeliness": ("agg_unit_timeliness_yearly",
                        "order by period_kind, period_year desc, obligation_kind, worst_rank, responsible_unit_name"),
    "overdue": ("fct_overdue_items", "order by days_past_due desc nulls last, due_date, obligation_id"),
    "hotline": ("agg_hotline_rates", ""),
    "outcomes": ("agg_supervision_outcomes", ""),
    "quality": ("agg_data_quality", "order by feed, unit_label"),
    "files": ("fct_input_file_regions", "and is_single_region order by feed, file_name"),
    "scorecard": ("fct_unit_scorecard", "order by score_year desc, unit_uscc, sort_order"),
    "ranking": ("agg_unit_scorecard_ranking", "order by score_year desc, unit_rank nulls last, unit_name"),
    "tasks": ("fct_tasks", "order by task_year desc, task_category, task_no, responsible_name_as_written"),
}


@dataclass
class PublicationData:
    region_code: str
    as_of: date
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    contract_results: pl.DataFrame | None = None
    file_records: pl.DataFrame | None = None

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def unit_names(self) -> dict[str, str]:
        """USCC → name: the member-unit list, else the names the ledgers wrote (hotline-only data)."""
        names: dict[str, str] = {}
        yearly = self.frames.get("unit_timeliness")
        if yearly is not None and not yearly.is_empty():
            for uscc, name in yearly.select("responsible_unit_uscc", "responsible_unit_name").iter_rows():
                if uscc and name:
                    names[uscc] = name
        units = self.frames["units"]
        names.update(zip(units["unit_uscc"].to_list(), units["unit_name"].to_list(), strict=True))
        return names

    def has(self, *names: str) -> bool:
        """True when any of the named frames has rows: a page without data says 无数据."""
        return any(not self.frames[n].is_empty() for n in names)


def marts_as_of(warehouse: Path) -> date | None:
    """The as-of date the marts were last built for, from the build record (None before the first build)."""
    return warehouse_built_as_of(warehouse)


def regions(warehouse: Path) -> list[str]:
    """Every jurisdiction with a member-unit list or with rows loaded from any feed: a jurisdiction that
    has only 12345 data (and no member-unit list yet) is published from what it has."""
    with connect(warehouse, read_only=True) as con:
        return [r[0] for r in con.execute(
            "select region_code from marts.dim_member_units where region_code is not null "
            "union select region_code from marts.fct_input_file_regions "
            "where region_code is not null and rows_loaded > 0 order by 1").fetchall()]


ROLLUP_MART = "agg_region_rollup"


def load(warehouse: Path, region_code: str, as_of: date, descendants: Sequence[str] = ()) -> PublicationData:
    """The jurisdiction's own rows; for a city or province whose `descendants` (region codes below it) have
    data, also the frame `rollup`: agg_region_rollup of the region and those descendants, nothing else."""
    with Marts(warehouse, [region_code]) as marts:
        return marts.load(region_code, as_of, descendants)


class Marts:
    """The marts of `QUERIES` read for several jurisdictions at once, on one read-only connection.

    Each mart is read once for all of `codes` (the queries' own order, then split by region_code: the rows of
    each jurisdiction in the order its own query gives them). Reading them jurisdiction by jurisdiction cost a
    connection and 15 queries each, ~25 s of a 95 s publish at province scale (~110 jurisdictions).
    """

    def __init__(self, warehouse: Path, codes: Sequence[str]) -> None:
        if not warehouse.exists():
            raise UserError("仓库尚未建立（先运行 liandong demo 或 ingest + build）",
                            "the warehouse does not exist yet (run liandong demo, or ingest and build)")
        self.frames: dict[str, dict[str, pl.DataFrame]] = {}
        self.empty: dict[str, pl.DataFrame] = {}
        with ExitStack() as opened:
            self.con = opened.enter_context(connect(warehouse, read_only=True))
            try:
                for name, (mart, extra) in QUERIES.items():
                    frame = self.con.execute(f"select * from marts.{mart} where region_code in "
                                             f"(select unnest(?::varchar[])) {extra}", [list(codes)]).pl()
                    self.empty[name] = frame.clear()
                    self.frames[name] = {key[0]: part for key, part in frame.partition_by(
                        "region_code", maintain_order=True, as_dict=True).items()}
            except duckdb.CatalogException as exc:
                raise _incomplete(exc) from None
            self._opened = opened.pop_all()  # the connection stays open until `close`

    def __enter__(self) -> Marts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._opened.close()

    def load(self, region_code: str, as_of: date, descendants: Sequence[str] = ()) -> PublicationData:
        """`load` of one of the jurisdictions read."""
        data = PublicationData(region_code=region_code, as_of=as_of)
        con = self.con
        for name in QUERIES:
            data.frames[name] = self.frames[name].get(region_code, self.empty[name])
        try:
            if descendants:
                _load_rollup(con, data, list(descendants))
            hashes = data.frames["files"]["file_sha256"].to_list()
            data.contract_results = con.execute(  # summed per rule, as the whole warehouse's report
                RESULTS_SQL.format(where="where file_sha256 in (select unnest(?::varchar[]))"), [hashes]).pl()
            data.file_records = con.execute(
                "select * from meta.files where file_sha256 in (select unnest(?::varchar[])) order by ingested_at",
                [hashes]).pl()
        except duckdb.CatalogException as exc:
            raise _incomplete(exc) from None
        if data.frames["units"].is_empty() and data.frames["files"].is_empty() and "rollup" not in data.frames:
            raise UserError(f"仓库中没有行政区划 {region_code} 的数据（既无成员单位名单，也无任何台账）",
                            f"the warehouse has no data for region {region_code} (no member-unit list, no ledger)")
        return data


def _incomplete(exc: duckdb.CatalogException) -> UserError:
    return UserError(f"数据集市不完整，请先运行 liandong build（{exc}）",
                     f"the marts are incomplete; run liandong build first ({exc})")


def _load_rollup(con: duckdb.DuckDBPyConnection, data: PublicationData, descendants: list[str]) -> None:
    """Adds `rollup` only when a descendant has rows: a city without county data publishes as before."""
    below = con.execute(f"select count(*) from marts.{ROLLUP_MART} where region_code in "
                        "(select unnest(?::varchar[]))", [descendants]).fetchone()
    if below and below[0]:
        data.frames["rollup"] = con.execute(
            f"select * from marts.{ROLLUP_MART} where region_code in (select unnest(?::varchar[])) "
            "order by region_code, scope, metric_year, metric_month", [[data.region_code, *descendants]]).pl()
