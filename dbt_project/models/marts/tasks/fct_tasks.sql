-- The 双清单 as of the as-of date: every 重点工作任务 and 议定事项 once per responsible unit (a task with two
-- responsible units counts for each), with its status and its progress reporting.
--   completion deadline: 完成时限, rolled to the next working day when it falls on a weekend or holiday
--                        (DOMAIN.md §2, work_calendar seed; 2025-10-01 国庆 → 2025-10-09)
--   task_status:         按期完成 (completed by the deadline) / 逾期完成 (completed after it) /
--                        逾期未完成 (not completed, deadline passed) / 进行中 (not completed, not yet due);
--                        a completion dated after the as-of date does not count yet
--   progress reports:    periods owed, reported and missed (int_tasks_progress_periods_checked)
-- One row per (region_code, task_year, task_category, task_no, responsible_name_as_written).

with

tasks as (

    select * from {{ ref('stg_tasks__tasks') }}

),

assignments as (

    select * from {{ ref('int_tasks_assigned_to_responsible_units') }}

),

periods as (

    select * from {{ ref('int_tasks_progress_periods_checked') }}

),

member_units as (

    select * from {{ ref('stg_units__member_units') }}

),

work_calendar as (

    select * from {{ ref('work_calendar') }}

),

calendar_workdays as (

    select
        calendar_date,
        min(case when is_workday then calendar_date end) over (
            order by calendar_date rows between current row and unbounded following
        ) as next_workday_date
    from work_calendar

),

reporting as (

    select
        region_code,
        task_year,
        task_category,
        task_no,
        sum(case when is_report_owed then 1 else 0 end) as progress_reports_owed,
        sum(case when is_report_owed and is_reported then 1 else 0 end) as progress_reports_made,
        sum(case when is_report_owed and not is_reported then 1 else 0 end) as progress_reports_missed
    from periods
    group by
        region_code,
        task_year,
        task_category,
        task_no

),

dated as (

    select
        tasks.*,
        calendar_workdays.next_workday_date as effective_due_date,
        case when tasks.completed_date <= {{ as_of_date() }} then tasks.completed_date end as completed_as_of
    from tasks
    left join calendar_workdays
        on tasks.due_date = calendar_workdays.calendar_date

),

statused as (

    select
        *,
        case
            when completed_as_of is not null and completed_as_of <= effective_due_date then '按期完成'
            when completed_as_of is not null then '逾期完成'
            when {{ as_of_date() }} > effective_due_date then '逾期未完成'
            else '进行中'
        end as task_status
    from dated

),

final as (

    select
        ----------  ids
        statused.region_code,
        statused.task_year,
        statused.task_category,
        statused.task_no,
        assignments.responsible_name_as_written,
        assignments.responsible_unit_uscc,
        coalesce(member_units.unit_name, assignments.responsible_name_as_written) as responsible_unit_name,
        assignments.resolution as responsible_unit_resolution,
        assignments.responsible_units_on_task,

        ----------  the task (text masked at ingest)
        statused.task_content,
        statused.task_source,
        statused.cooperating_units,
        statused.meeting_date,

        ----------  deadline and status
        statused.due_date,
        statused.effective_due_date,
        statused.completion_status as completion_status_reported,
        statused.completed_date,
        statused.task_status,
        statused.task_status in ('按期完成', '逾期完成', '逾期未完成') as is_due_by_as_of,
        case
            when statused.task_status in ('逾期完成', '逾期未完成')
                then {{ dbt.datediff('statused.effective_due_date',
                                     'coalesce(statused.completed_as_of, ' ~ as_of_date() ~ ')', 'day') }}
        end as days_overdue,

        ----------  progress reporting
        statused.report_cadence,
        statused.last_progress_report_date,
        statused.progress as last_progress,
        coalesce(reporting.progress_reports_owed, 0) as progress_reports_owed,
        coalesce(reporting.progress_reports_made, 0) as progress_reports_made,
        coalesce(reporting.progress_reports_missed, 0) as progress_reports_missed,
        coalesce(reporting.progress_reports_missed, 0) > 0 as has_missed_progress_report,

        ----------  lineage
        {{ as_of_date() }} as as_of_date,
        statused.source_file_name

    from statused
    inner join assignments
        on
            statused.region_code = assignments.region_code
            and statused.task_year = assignments.task_year
            and statused.task_category = assignments.task_category
            and statused.task_no = assignments.task_no
    left join reporting
        on
            statused.region_code = reporting.region_code
            and statused.task_year = reporting.task_year
            and statused.task_category = reporting.task_category
            and statused.task_no = reporting.task_no
    left join member_units
        on assignments.responsible_unit_uscc = member_units.unit_uscc

)

select * from final
