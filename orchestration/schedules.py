"""Schedules (Beijing time): nightly rebuild, monthly publication on the 1st, annual scorecard in January.

They are on by default: `liandong dev` (the Dagster daemon it starts) runs them with no click in the UI.
`LIANDONG_SCHEDULES=off` (read when the definitions load) starts them stopped; each can also be switched in
the UI (Automation → Schedules), and Dagster remembers a switch made there.
"""

import os
from datetime import date, timedelta

from dagster import DefaultScheduleStatus, RunRequest, ScheduleDefinition, ScheduleEvaluationContext, schedule

from orchestration.jobs import annual_scorecard_job, monthly_publication_job, warehouse_job


def default_status() -> DefaultScheduleStatus:
    """RUNNING unless LIANDONG_SCHEDULES is off/0/false/no."""
    off = os.environ.get("LIANDONG_SCHEDULES", "on").strip().lower() in {"off", "0", "false", "no"}
    return DefaultScheduleStatus.STOPPED if off else DefaultScheduleStatus.RUNNING


daily_warehouse_schedule = ScheduleDefinition(
    name="daily_warehouse",
    job=warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=default_status(),
    description="每日 02:00 载入收件箱并重建仓库 / nightly ingest and rebuild",
)


def publication_run_config(as_of: date, publish_op: str) -> dict:
    """The same as-of for the dbt build and the publication it feeds."""
    return {"ops": {"warehouse_dbt_assets": {"config": {"as_of": as_of.isoformat()}},
                    publish_op: {"config": {"as_of": as_of.isoformat()}}}}


@schedule(name="monthly_publication", job=monthly_publication_job, cron_schedule="0 6 1 * *",
          execution_timezone="Asia/Shanghai", default_status=default_status(),
          description="每月 1 日 06:00 发布上月末为截止日的各地区看板 / monthly publication")
def monthly_publication_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    as_of = context.scheduled_execution_time.date().replace(day=1) - timedelta(days=1)
    return RunRequest(run_key=f"monthly-{as_of.isoformat()}",
                      run_config=publication_run_config(as_of, "site__monthly_publication"),
                      tags={"liandong/as_of": as_of.isoformat()})


@schedule(name="annual_scorecard", job=annual_scorecard_job, cron_schedule="0 6 15 1 *",
          execution_timezone="Asia/Shanghai", default_status=default_status(),
          description="每年 1 月 15 日 06:00 发布上一年度考核结果 / annual scorecard in January")
def annual_scorecard_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    as_of = date(context.scheduled_execution_time.year - 1, 12, 31)
    return RunRequest(run_key=f"annual-{as_of.year}",
                      run_config=publication_run_config(as_of, "site__annual_scorecard"),
                      tags={"liandong/as_of": as_of.isoformat()})
