-- Every row version each input file loaded, across the four feeds, with its jurisdiction and reporting unit
-- as written (the contract's unit field) — the loaded side of the per-file reconciliation.

with

penalty_rows as (

    select * from {{ source('penalty', 'penalty_ledger') }}

),

supervision_rows as (

    select * from {{ source('supervision', 'supervision_ledger') }}

),

hotline_rows as (

    select * from {{ source('hotline', 'hotline_exchange') }}

),

unit_rows as (

    select * from {{ source('units', 'member_units') }}

),

unioned as (

    select
        _file_sha256 as file_sha256,
        'penalty_ledger' as feed,
        region_code,
        agency_name as unit_label,
        agency_uscc as unit_uscc,
        decision_date as period_date
    from penalty_rows

    union all

    select
        _file_sha256 as file_sha256,
        'supervision_ledger' as feed,
        region_code,
        procuratorate as unit_label,
        cast(null as {{ dbt.type_string() }}) as unit_uscc,
        issued_date as period_date
    from supervision_rows

    union all

    select
        _file_sha256 as file_sha256,
        'hotline_exchange' as feed,
        region_code,
        channel as unit_label,
        cast(null as {{ dbt.type_string() }}) as unit_uscc,
        cast(received_at as date) as period_date
    from hotline_rows

    union all

    select
        _file_sha256 as file_sha256,
        'member_units' as feed,
        region_code,
        region_code as unit_label,
        unit_uscc,
        cast(null as date) as period_date
    from unit_rows

)

select * from unioned
