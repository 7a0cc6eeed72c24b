{#-
    penalty_cases_to_rebuild(): a query of the current penalty decisions (agency_uscc, decision_no) whose
    row of fct_penalty_cases an incremental build recomputes — every decision whose inputs a file ingested
    after penalty_files_after() may have changed:
      * the decisions whose threshold matches are recomputed (penalty_cases_to_rematch(): new row versions,
        which carry the transfer and police columns, and every decision of the parties those name);
      * the decisions any version of a new supervision document names (关联处罚决定书文号, old and new
        version: a re-delivered document may name another case, or stop naming one), whatever the agency;
      * every decision when a member-unit file is new (the supervised unit of a document is resolved by name).
    Without a watermark every decision is recomputed (same result as a full build).
-#}
{% macro penalty_cases_to_rebuild() -%}
    {%- set files_after = penalty_files_after() -%}
    with

    new_files as (

        select
            file_sha256,
            feed
        from {{ ref('stg_meta__files') }}
        {%- if files_after %}
            where ingested_at > cast('{{ files_after }}' as {{ dbt.type_timestamp() }})
        {%- endif %}

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

    current_decisions as (

        select
            agency_uscc,
            decision_no
        from {{ ref('stg_penalty__decisions') }}

    ),

    rematched as (

        {{ penalty_cases_to_rematch() | indent(8) }}

    )

    select
        rematched.agency_uscc,
        rematched.decision_no
    from rematched

    union

    select
        current_decisions.agency_uscc,
        current_decisions.decision_no
    from current_decisions
    inner join named_decision_numbers
        on trim(current_decisions.decision_no) = named_decision_numbers.related_decision_no

    union

    select
        current_decisions.agency_uscc,
        current_decisions.decision_no
    from current_decisions
    where exists (
        select 1
        from new_files
        where new_files.feed = 'member_units'
    )
{%- endmacro %}

{#-
    delete_penalty_cases_to_rebuild(): pre-hook of the incremental fct_penalty_cases — removes the rows it is
    about to recompute (a recomputed decision may have left the current versions). Nothing on a full build.
-#}
{% macro delete_penalty_cases_to_rebuild() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where exists (
            select 1
            from ({{ penalty_cases_to_rebuild() }}) as cases_to_rebuild
            where
                cases_to_rebuild.agency_uscc = {{ this }}.agency_uscc
                and cases_to_rebuild.decision_no = {{ this }}.decision_no
        )
    {%- endif -%}
{%- endmacro %}
