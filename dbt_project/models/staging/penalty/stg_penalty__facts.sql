with

source as (

    select * from {{ source('penalty', 'penalty_facts') }}

),

renamed as (

    select

        ----------  ids
        agency_uscc,
        decision_no,
        _row_hash as source_row_hash,
        fact_no,

        ----------  the fact
        fact,
        value as fact_value,
        unit as fact_unit,
        bound as fact_bound,
        qualifiers,

        ----------  provenance
        value_source,
        evidence,
        extractor_version

    from source

)

select * from renamed
