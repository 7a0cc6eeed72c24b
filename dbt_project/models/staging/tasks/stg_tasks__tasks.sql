-- Current version of every task of the 任务清单 (F4): one row per (region_code, task_year, task_category,
-- task_no). 重点工作任务 and 议定事项 share the feed and are told apart by task_category. Renamed and typed only;
-- report_cadence defaults to 季度 (the seeds' 定期督查 is quarterly unless the list says otherwise).

with

source as (

    select * from {{ source('tasks', 'task_list') }}

),

renamed as (

    select

        ----------  ids
        region_code,
        task_year,
        task_category,
        task_no,

        ----------  text (masked at ingest)
        task_content,
        progress,

        ----------  units as written (';'-joined)
        responsible_units,
        cooperating_units,

        ----------  codes
        task_source,
        completion_status,

        ----------  dates
        due_date,
        meeting_date,
        progress_report_date as last_progress_report_date,
        completed_date,

        ----------  flags and lineage
        _flags as ingest_flags,
        _row_hash as source_row_hash,
        _file_sha256 as source_file_sha256,
        _file_name as source_file_name,
        _sheet as source_sheet,
        _row_number as source_row_number,

        ----------  defaults
        coalesce(report_cadence, '季度') as report_cadence

    from source
    where _is_current

)

select * from renamed
