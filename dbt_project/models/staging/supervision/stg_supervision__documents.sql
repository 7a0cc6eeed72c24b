with

source as (

    select * from {{ source('supervision', 'supervision_ledger') }}

),

renamed as (

    select

        ----------  ids
        procuratorate,
        document_no,
        region_code,
        target_unit_uscc,
        related_decision_no,
        related_case_no,

        ----------  names and text
        target_unit_name,
        follow_up,
        remarks,

        ----------  codes
        supervision_type,
        enforcement_domain,
        reply_outcome,
        rectification_status,

        ----------  dates
        issued_date,
        served_date,
        reply_due_date,
        reply_date,
        rectified_date,

        ----------  booleans
        urgent as is_urgent,

        ----------  flags and lineage
        _flags as ingest_flags,
        _row_hash as source_row_hash,
        _file_sha256 as source_file_sha256,
        _file_name as source_file_name,
        _sheet as source_sheet,
        _row_number as source_row_number

    from source
    -- the ledger keeps every version; staging shows the current one per key
    where _is_current

)

select * from renamed
