-- Every progress report a task received: the office re-delivers the list after each reporting round, so
-- each row version of a task (current or not) carries one 进展报告日期. One row per (task, report date).

with

source as (

    select * from {{ source('tasks', 'task_list') }}

),

reports as (

    select distinct
        region_code,
        task_year,
        task_category,
        task_no,
        progress_report_date
    from source
    where progress_report_date is not null

)

select * from reports
