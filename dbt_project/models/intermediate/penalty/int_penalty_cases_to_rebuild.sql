-- The current penalty decisions whose row of fct_penalty_cases an incremental build recomputes — every
-- decision whose inputs a file ingested after the last build's watermark (penalty_files_after(),
-- macros/incremental/) may have changed:
--   * the decisions whose threshold matches are recomputed (int_penalty_cases_to_rematch: new row versions,
--     which carry the transfer and police columns, and every decision of the parties those name);
--   * the decisions any version of a new supervision document names (关联处罚决定书文号, old and new
--     version: a re-delivered document may name another case, or stop naming one), whatever the agency;
--   * every decision when a member-unit file is new (the supervised unit of a document is resolved by name).
-- Without a watermark (dbt by hand, a Dagster subset) every decision.
-- A table, computed once per build: fct_penalty_cases deletes these rows and recomputes them (as a query
-- inside its two statements it was ~2.5 s of each incremental build at province scale; see
-- int_penalty_cases_to_rematch). Empty in a full refresh, and on adapters without incremental models.

{{ config(materialized='table') }}

with

new_files as (

    select
        file_sha256,
        feed
    from {{ ref('stg_meta__files') }}
    where {{ ingested_after_watermark('ingested_at') }}

),

rematched as (

    select * from {{ ref('int_penalty_cases_to_rematch') }}

),

touched_documents as (

    select distinct
        versions.procuratorate,
        versions.document_no
    from {{ ref('stg_supervision__document_versions') }} as versions
    inner join new_files
        on versions.source_file_sha256 = new_files.file_sha256

),

named_decision_numbers as (

    select distinct versions.related_decision_no
    from {{ ref('stg_supervision__document_versions') }} as versions
    inner join touched_documents
        on
            versions.procuratorate = touched_documents.procuratorate
            and versions.document_no = touched_documents.document_no
    where versions.related_decision_no is not null

),

member_unit_files as (

    select count(*) as file_count
    from new_files
    where feed = 'member_units'

),

final as (

    -- plain joins, each with nothing to read when its list is empty
    select
        agency_uscc,
        decision_no
    from rematched

    union

    select
        current_decisions.agency_uscc,
        current_decisions.decision_no
    from {{ ref('stg_penalty__decision_versions') }} as current_decisions
    inner join named_decision_numbers
        on trim(current_decisions.decision_no) = named_decision_numbers.related_decision_no
    where
        current_decisions.is_current
        and {{ penalty_cases_are_listed() }}

    union

    select
        current_decisions.agency_uscc,
        current_decisions.decision_no
    from {{ ref('stg_penalty__decision_versions') }} as current_decisions
    inner join member_unit_files
        on member_unit_files.file_count > 0
    where
        current_decisions.is_current
        and {{ penalty_cases_are_listed() }}

)

select * from final
