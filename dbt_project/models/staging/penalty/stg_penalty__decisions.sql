with

source as (

    select * from {{ source('penalty', 'penalty_ledger') }}

),

renamed as (

    select

        ----------  ids
        agency_uscc,
        decision_no,
        case_no,
        region_code,
        party_uscc,
        party_code_2,
        party_code_3,
        party_code_4,
        party_code_5,
        party_code_6,
        party_id_no,
        legal_rep_id_no,
        source_unit_uscc,

        ----------  names and text
        agency_name,
        source_unit_name,
        party_name,
        legal_rep_name,
        violation_type,
        violation_facts,
        legal_basis,
        penalty_content,
        license_action,
        transfer_receiver,
        remarks,

        ----------  codes
        party_category,
        party_id_type,
        legal_rep_id_type,
        enforcement_domain,
        penalty_categories,
        quantity_unit,
        police_decision,

        ----------  amounts (yuan) and quantities
        fine_amount,
        confiscation_amount,
        case_value,
        illegal_gain,
        direct_loss,
        quantity,
        deaths,
        serious_injuries,

        ----------  dates
        filing_date,
        decision_date,
        valid_until,
        publicity_until,
        entry_date,
        transfer_date,
        police_decision_date,
        copied_to_procuratorate_date,

        ----------  booleans
        valid_until_long_term as is_valid_until_long_term,
        suspected_crime as is_suspected_crime,

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
