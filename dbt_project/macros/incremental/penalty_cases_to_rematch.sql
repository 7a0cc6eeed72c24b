{#-
    penalty_party_key(uscc, id_no): the party a repeat rule counts penalties of — the USCC, else the
    pseudonymised 证件号码 (blank counts as missing).
-#}
{% macro penalty_party_key(uscc, id_no) -%}
    coalesce(nullif(trim({{ uscc }}), ''), nullif(trim({{ id_no }}), ''))
{%- endmacro %}

{#-
    penalty_cases_to_rematch(): a query of the current penalty decisions (agency_uscc, decision_no) whose
    threshold matches an incremental build recomputes: every decision with a row version in a file
    ingested after penalty_files_after() (the last build's watermark, recorded by `liandong build`),
    and every current decision of a party any version of those decisions names — a repeat rule counts the
    party's other penalties, and a re-delivered version may have moved a decision to another party.
    Without a watermark every decision is recomputed (same result as a full build).
-#}
{% macro penalty_cases_to_rematch() -%}
    {%- set files_after = penalty_files_after() -%}
    with

    new_files as (

        select file_sha256
        from {{ ref('stg_meta__files') }}
        {%- if files_after %}
            where ingested_at > cast('{{ files_after }}' as {{ dbt.type_timestamp() }})
        {%- endif %}

    ),

    touched_decisions as (

        select distinct
            versions.agency_uscc,
            versions.decision_no
        from {{ ref('stg_penalty__decision_versions') }} as versions
        inner join new_files
            on versions.source_file_sha256 = new_files.file_sha256

    ),

    touched_parties as (

        select distinct versions.party_key
        from {{ ref('stg_penalty__decision_versions') }} as versions
        inner join touched_decisions
            on
                versions.agency_uscc = touched_decisions.agency_uscc
                and versions.decision_no = touched_decisions.decision_no
        where versions.party_key is not null

    ),

    current_decisions as (

        select
            agency_uscc,
            decision_no,
            {{ penalty_party_key('party_uscc', 'party_id_no') }} as party_key
        from {{ ref('stg_penalty__decisions') }}

    )

    select
        current_decisions.agency_uscc,
        current_decisions.decision_no
    from current_decisions
    inner join touched_decisions
        on
            current_decisions.agency_uscc = touched_decisions.agency_uscc
            and current_decisions.decision_no = touched_decisions.decision_no

    union

    select
        current_decisions.agency_uscc,
        current_decisions.decision_no
    from current_decisions
    inner join touched_parties
        on current_decisions.party_key = touched_parties.party_key
{%- endmacro %}

{#-
    delete_penalty_cases_to_rematch(): pre-hook of the incremental threshold matching — removes the rows
    of the decisions it is about to recompute (a recomputed decision may fire fewer rules, or none).
    Nothing on a first or full build.
-#}
{% macro delete_penalty_cases_to_rematch() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where exists (
            select 1
            from ({{ penalty_cases_to_rematch() }}) as cases_to_rematch
            where
                cases_to_rematch.agency_uscc = {{ this }}.agency_uscc
                and cases_to_rematch.decision_no = {{ this }}.decision_no
        )
    {%- endif -%}
{%- endmacro %}
