"""Read-only summaries of the warehouse for the terminal: files, rows, quarantine reasons, pass rates."""

from __future__ import annotations

from typing import Any

from warehouse.connection import connect
from warehouse.settings import Settings

FEED_TITLES = {
    "penalty_ledger": "行政处罚台账", "supervision_ledger": "检察监督台账",
    "hotline_exchange": "热线工单", "member_units": "成员单位名录",
    "task_list": "任务清单",
}


def query_rows(con: Any, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def warehouse_summary(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    with connect(settings.warehouse, read_only=True) as con:
        return {
            "files": query_rows(con, """
                select status, count(*) as files, sum(rows_read) as rows_read, sum(rows_loaded) as rows_loaded,
                       sum(rows_quarantined) as rows_quarantined, sum(rows_non_data) as rows_non_data
                from meta.files group by status order by status"""),
            "reasons": query_rows(con, """
                select rule_id, any_value(message_zh) as message_zh, count(distinct (file_sha256, row_number)) as rows
                from meta.quarantine group by rule_id order by rows desc, rule_id"""),
            "feeds": query_rows(con, """
                select feed, sum(rows_loaded) as loaded, sum(rows_quarantined) as quarantined,
                       round(100.0 * sum(rows_loaded) / nullif(sum(rows_loaded) + sum(rows_quarantined), 0), 1)
                         as pass_rate
                from meta.files where feed is not null group by feed order by feed"""),
            "units": query_rows(con, """
                with unit_rows as (
                    select feed, unit_name, file_sha256, max(element_count) as rows_checked
                    from meta.contract_results group by feed, unit_name, file_sha256
                ), checked as (
                    select feed, unit_name, sum(rows_checked) as rows_checked from unit_rows group by all
                ), failed as (
                    select feed, unit_name, count(distinct (file_sha256, row_number)) as rows_failed
                    from meta.quarantine group by all
                )
                select c.feed, c.unit_name, c.rows_checked, coalesce(f.rows_failed, 0) as rows_failed,
                       round(100.0 * (c.rows_checked - coalesce(f.rows_failed, 0)) / nullif(c.rows_checked, 0), 1)
                         as pass_rate
                from checked c left join failed f
                  on c.feed = f.feed and c.unit_name is not distinct from f.unit_name
                order by pass_rate, c.feed, c.unit_name"""),
            "tables": query_rows(con, """
                select 'penalty_ledger' as feed, count(*) filter (where _is_current) as current_rows,
                       count(*) filter (where not _is_current) as history_rows from raw.penalty_ledger
                union all select 'supervision_ledger', count(*) filter (where _is_current),
                       count(*) filter (where not _is_current) from raw.supervision_ledger
                union all select 'hotline_exchange', count(*) filter (where _is_current),
                       count(*) filter (where not _is_current) from raw.hotline_exchange
                union all select 'member_units', count(*) filter (where _is_current),
                       count(*) filter (where not _is_current) from raw.member_units
                union all select 'task_list', count(*) filter (where _is_current),
                       count(*) filter (where not _is_current) from raw.task_list"""),
        }


def marts_summary(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Headline results of the marts (the rates are re-aggregated from counts, never averaged)."""
    with connect(settings.warehouse, read_only=True) as con:
        return {
            "transfer": query_rows(con, """
                select region_code, sum(should_transfer_cases) as should_transfer,
                       sum(transferred_cases) as transferred,
                       round(100.0 * sum(transferred_cases) / nullif(sum(should_transfer_cases), 0), 1)
                         as transfer_rate
                from marts.agg_transfer_rates group by region_code order by region_code"""),
            "clues": query_rows(con, """
                select clue_status, count(distinct agency_uscc || '|' || decision_no) as cases
                from marts.fct_non_transfer_clues group by clue_status order by clue_status"""),
            "timeliness": query_rows(con, """
                select obligation_kind, sum(on_time) as on_time, sum(replied_late) as late,
                       sum(overdue_no_reply) as overdue, sum(not_yet_due) as not_due,
                       round(100.0 * sum(on_time) / nullif(sum(on_time + replied_late + overdue_no_reply), 0), 1)
                         as rate
                from marts.agg_obligation_timeliness group by obligation_kind order by obligation_kind"""),
        }


def recent_files(settings: Settings, limit: int = 30) -> list[dict[str, Any]]:
    with connect(settings.warehouse, read_only=True) as con:
        return query_rows(con, f"""
            select ingested_at, file_name, feed, status, rows_read, rows_loaded, rows_quarantined, rows_non_data,
                   coalesce(rows_duplicate, 0) as rows_duplicate,
                   rows_read = rows_loaded + rows_quarantined + rows_non_data + coalesce(rows_duplicate, 0)
                     as reconciled, message_zh
            from meta.files order by ingested_at desc, file_name limit {int(limit)}""")
