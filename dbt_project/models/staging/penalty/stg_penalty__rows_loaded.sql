-- Every row version of raw.penalty_ledger (current or not) as the file that loaded it: the loaded side
-- of the per-file reconciliation and of 数据标准符合率, with the reporting unit as written (处罚机关).

with

source as (

    select * from {{ source('penalty', 'penalty_ledger') }}

),

renamed as (

    select
        _file_sha256 as file_sha256,
        'penalty_ledger' as feed,
        region_code,
        agency_name as unit_label,
        agency_uscc as unit_uscc,
        decision_date as period_date
    from source

)

select * from renamed
