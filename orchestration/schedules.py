"""Schedules: the warehouse is rebuilt every night (Beijing time), so 'as of today' stays true."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import warehouse_job

daily_warehouse_schedule = ScheduleDefinition(
    name="daily_warehouse",
    job=warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.STOPPED,
    description="每日 02:00 载入收件箱并重建仓库 / nightly ingest and rebuild",
)
