-- Each reporting period a task owes a progress report for, checked against the reports received. The
-- cadence (月度 / 季度 / 半年度) cuts the task's year into periods ending on month-ends; a period's report is
-- due on its last day, which rolls to the next working day when that is a weekend or holiday (DOMAIN.md §2,
-- the work_calendar seed — the same rule as every other deadline). A period is owed when its due day has
-- passed by the as-of date, the task existed (会议日期 on or before the period's end) and it was not already
-- completed by the period's end; it is met by a report dated within the period or on its due day.
-- One row per (task, period end).

with

tasks as (

    select * from {{ ref('stg_tasks__tasks') }}

),

progress_reports as (

    select * from {{ ref('stg_tasks__progress_reports') }}
    where progress_report_date <= {{ as_of_date() }}

),

work_calendar as (

    select * from {{ ref('work_calendar') }}

),

calendar_workdays as (

    select
        calendar_date,
        year as calendar_year,
        extract(month from calendar_date) as calendar_month,
        min(case when is_workday then calendar_date end) over (
            order by calendar_date rows between current row and unbounded following
        ) as next_workday_date
    from work_calendar

),

month_ends as (

    select
        calendar_date as period_end,
        calendar_year,
        calendar_month,
        next_workday_date as report_due_date
    from calendar_workdays
    where calendar_date = cast({{ dbt.last_day('calendar_date', 'month') }} as date)

),

periods as (

    select
        tasks.region_code,
        tasks.task_year,
        tasks.task_category,
        tasks.task_no,
        tasks.report_cadence,
        tasks.meeting_date,
        case when tasks.completed_date <= {{ as_of_date() }} then tasks.completed_date end as completed_as_of,
        month_ends.period_end,
        month_ends.report_due_date,
        lag(month_ends.period_end) over (
            partition by tasks.region_code, tasks.task_year, tasks.task_category, tasks.task_no
            order by month_ends.period_end
        ) as previous_period_end
    from tasks
    inner join month_ends
        on
            tasks.task_year = month_ends.calendar_year
            and (
                tasks.report_cadence = '月度'
                or (tasks.report_cadence = '季度' and month_ends.calendar_month in (3, 6, 9, 12))
                or (tasks.report_cadence = '半年度' and month_ends.calendar_month in (6, 12))
            )

),

bounded as (

    select
        *,
        coalesce(
            cast({{ dbt.dateadd('day', 1, 'previous_period_end') }} as date),
            cast({{ dbt.date_trunc('year', 'period_end') }} as date)
        ) as period_start,
        report_due_date < {{ as_of_date() }}
        and (meeting_date is null or meeting_date <= period_end)
        and (completed_as_of is null or completed_as_of > period_end) as is_report_owed
    from periods

),

final as (

    select
        bounded.region_code,
        bounded.task_year,
        bounded.task_category,
        bounded.task_no,
        bounded.report_cadence,
        bounded.period_start,
        bounded.period_end,
        bounded.report_due_date,
        bounded.is_report_owed,
        count(progress_reports.progress_report_date) > 0 as is_reported
    from bounded
    left join progress_reports
        on
            bounded.region_code = progress_reports.region_code
            and bounded.task_year = progress_reports.task_year
            and bounded.task_category = progress_reports.task_category
            and bounded.task_no = progress_reports.task_no
            and bounded.period_start <= progress_reports.progress_report_date
            and bounded.report_due_date >= progress_reports.progress_report_date
    group by
        bounded.region_code,
        bounded.task_year,
        bounded.task_category,
        bounded.task_no,
        bounded.report_cadence,
        bounded.period_start,
        bounded.period_end,
        bounded.report_due_date,
        bounded.is_report_owed

)

select * from final
