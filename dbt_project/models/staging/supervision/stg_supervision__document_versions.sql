-- Every row version of the supervision ledger (current or not), reduced to what an incremental build
-- needs to find the penalty cases a newly ingested document version concerns, before and after it
-- (macros/incremental/).

with

source as (

    select * from {{ source('supervision', 'supervision_ledger') }}

),

renamed as (

    select
        procuratorate,
        document_no,
        _is_current as is_current,
        _file_sha256 as source_file_sha256,
        nullif(trim(related_decision_no), '') as related_decision_no
    from source

)

select * from renamed
