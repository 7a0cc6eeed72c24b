with

source as (

    select * from {{ source('units', 'member_units') }}

),

renamed as (

    select

        ----------  ids
        unit_uscc,
        region_code,

        ----------  names
        unit_name,
        aliases,

        ----------  codes
        unit_kind,
        enforcement_domain,

        ----------  dates
        valid_from,
        valid_to,

        ----------  booleans
        scored as is_scored,

        ----------  flags and lineage
        _flags as ingest_flags,
        _row_hash as source_row_hash,
        _file_sha256 as source_file_sha256,
        _file_name as source_file_name,
        _sheet as source_sheet,
        _row_number as source_row_number

    from source
    -- the list keeps every version; staging shows the current one per unit
    where _is_current

)

select * from renamed
