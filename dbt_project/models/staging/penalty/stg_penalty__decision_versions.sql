-- Every row version of the penalty ledger (current or not), reduced to what an incremental build needs
-- to find the decisions and parties a newly ingested file touches (macros/incremental/).

with

source as (

    select * from {{ source('penalty', 'penalty_ledger') }}

),

renamed as (

    select
        agency_uscc,
        decision_no,
        region_code,
        {{ penalty_party_key('party_uscc', 'party_id_no') }} as party_key,
        _is_current as is_current,
        _row_hash as source_row_hash,
        _file_sha256 as source_file_sha256
    from source

)

select * from renamed
