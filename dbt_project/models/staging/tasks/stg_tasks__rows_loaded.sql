-- Every row version of raw.task_list (current or not) as the file that loaded it: the loaded side of the
-- per-file reconciliation and of 数据标准符合率, with the reporting unit as written (the region: the list is
-- kept by the 联席会议办公室).

with

source as (

    select * from {{ source('tasks', 'task_list') }}

),

renamed as (

    select
        _file_sha256 as file_sha256,
        'task_list' as feed,
        region_code,
        region_code as unit_label,
        cast(null as {{ dbt.type_string() }}) as unit_uscc,
        cast(null as date) as period_date
    from source

)

select * from renamed
