with

source as (

    select * from {{ source('meta', 'quarantine') }}

),

rows_quarantined as (

    select
        file_sha256,
        feed,
        row_number,
        coalesce(sheet, '') as sheet,
        max(unit_name) as unit_name,
        count(*) as rules_failed
    from source
    group by
        file_sha256,
        feed,
        coalesce(sheet, ''),
        row_number

)

select * from rows_quarantined
