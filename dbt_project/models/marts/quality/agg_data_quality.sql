-- 数据标准符合率 per jurisdiction, feed and reporting unit (as written): rows loaded ÷ rows delivered.

with

rows_checked as (

    select * from {{ ref('int_rows_checked_by_file') }}

),

final as (

    select
        region_code,
        feed,
        unit_label,
        count(distinct file_sha256) as files,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        {{ safe_divide('sum(rows_loaded)', 'sum(rows_loaded) + sum(rows_quarantined)') }} as compliance_rate,
        {{ as_of_date() }} as as_of_date
    from rows_checked
    group by
        region_code,
        feed,
        unit_label

)

select * from final
