-- Every row version of raw.hotline_exchange (current or not) as the file that loaded it: the loaded side
-- of the per-file reconciliation and of 数据标准符合率, with the reporting unit as written (12345/12309).

with

source as (

    select * from {{ source('hotline', 'hotline_exchange') }}

),

renamed as (

    select
        _file_sha256 as file_sha256,
        'hotline_exchange' as feed,
        region_code,
        channel as unit_label,
        cast(null as {{ dbt.type_string() }}) as unit_uscc,
        cast(received_at as date) as period_date
    from source

)

select * from renamed
