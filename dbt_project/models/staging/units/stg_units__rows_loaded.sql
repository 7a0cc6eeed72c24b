-- Every row version of raw.member_units (current or not) as the file that loaded it: the loaded side of
-- the per-file reconciliation and of 数据标准符合率, with the reporting unit as written (the region).

with

source as (

    select * from {{ source('units', 'member_units') }}

),

renamed as (

    select
        _file_sha256 as file_sha256,
        'member_units' as feed,
        region_code,
        region_code as unit_label,
        unit_uscc,
        cast(null as date) as period_date
    from source

)

select * from renamed
