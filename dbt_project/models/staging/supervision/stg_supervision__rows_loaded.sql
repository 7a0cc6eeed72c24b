-- Every row version of raw.supervision_ledger (current or not) as the file that loaded it: the loaded
-- side of the per-file reconciliation and of 数据标准符合率, with the reporting unit as written (检察院).

with

source as (

    select * from {{ source('supervision', 'supervision_ledger') }}

),

renamed as (

    select
        _file_sha256 as file_sha256,
        'supervision_ledger' as feed,
        region_code,
        procuratorate as unit_label,
        cast(null as {{ dbt.type_string() }}) as unit_uscc,
        issued_date as period_date
    from source

)

select * from renamed
