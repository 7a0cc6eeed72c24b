with

source as (

    select * from {{ source('hotline', 'hotline_exchange') }}

),

renamed as (

    select

        ----------  ids
        channel,
        ticket_no,
        region_code,
        counterpart_ticket_no,
        caller_name,
        caller_phone,

        ----------  names and text
        handling_unit_name,
        content,
        result,

        ----------  codes
        request_type,
        satisfaction,
        clue_category,
        feedback_result,

        ----------  timestamps (Beijing time)
        received_at,
        dispatched_at,
        due_at,
        closed_at,
        pushed_at,
        procedural_reply_at,
        feedback_at,

        ----------  booleans
        pushed as is_pushed,

        ----------  flags and lineage
        _flags as ingest_flags,
        _row_hash as source_row_hash,
        _file_sha256 as source_file_sha256,
        _file_name as source_file_name,
        _sheet as source_sheet,
        _row_number as source_row_number

    from source
    -- the feed keeps every version; staging shows the current one per key
    where _is_current

)

select * from renamed
