{#-
    feeds_with_new_files(): the feeds with a file ingested after penalty_files_after() (in meta.files, whatever
    became of the file: a rejected one only recomputes more), read when the model runs; none without a
    watermark (dbt by hand, a Dagster subset, a full refresh: every file is new) and at parse time. The table
    by name, like meta.dbt_build_state: not a node the models and their unit tests depend on.
-#}
{% macro feeds_with_new_files() -%}
    {%- set files_after = penalty_files_after() if execute else none -%}
    {%- if not files_after -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set files = adapter.get_relation(database=target.database, schema='meta', identifier='files') -%}
    {%- set rows = run_query(
        'select distinct feed from ' ~ files ~ ' where ' ~ ingested_after_watermark('ingested_at', files_after)
    ).rows -%}
    {{ return(rows | map(attribute=0) | list) }}
{%- endmacro %}

{#-
    feed_has_new_files(feed): `true` or `false`, a constant the database prunes by — whether `feed` is among
    feeds_with_new_files() (`true` without a watermark).
-#}
{% macro feed_has_new_files(feed) -%}
    {%- set feeds = feeds_with_new_files() -%}
    {{- 'true' if feeds is none or feed in feeds else 'false' -}}
{%- endmacro %}

{#-
    obligation_is_recomputed(kind, scope, key, with_units=false): whether an incremental build recomputes a
    reply duty (int_obligations_listed → _due_dates_computed → fct_obligations), as a SQL predicate on the
    row's obligation_kind, source_scope and source_key — true when a file ingested since the last build may
    have changed it:
      police_review       the decisions int_penalty_cases_to_rebuild lists (new row versions, …);
      supervision_reply   every document, when a supervision file is new (a document's versions);
      hotline_*           every ticket, when a hotline file is new (a feedback duty reads the counterpart
                          ticket, which another file may bring);
      any other kind      always.
    `with_units`: every duty when a member-unit file is new (fct_obligations resolves the owing unit by name).
    `cases_to_rebuild`: that list's relation, for a caller that cannot ref it (a data test: see
    recomputed_obligations()).
    The as-of date, the seeds and the SQL are the same as the last build's, or it is a full refresh
    (warehouse/build_state.py). The kinds' feeds are written here once; the listing model prunes its
    branches by the same feeds.
-#}
{% macro obligation_is_recomputed(kind, scope, key, with_units=false, cases_to_rebuild=none) -%}
    {%- set cases_to_rebuild = cases_to_rebuild or ref('int_penalty_cases_to_rebuild') -%}
    {%- set feeds = feeds_with_new_files() -%}
    {%- if feeds is none or (with_units and 'member_units' in feeds) -%}
        true
    {%- else -%}
        case
            when {{ kind }} = 'police_review'
                then exists (
                    select 1
                    from {{ cases_to_rebuild }} as cases_to_rebuild
                    where
                        cases_to_rebuild.agency_uscc = {{ scope }}
                        and cases_to_rebuild.decision_no = {{ key }}
                )
            when {{ kind }} = 'supervision_reply' then {{ 'true' if 'supervision_ledger' in feeds else 'false' }}
            when {{ kind }} like 'hotline%' then {{ 'true' if 'hotline_exchange' in feeds else 'false' }}
            else true
        end
    {%- endif -%}
{%- endmacro %}

{#-
    delete_recomputed_obligations(with_units=false): pre-hook of an incremental reply-duty model — removes the
    rows obligation_is_recomputed() selects, which the model is about to insert again (a new version may owe
    no reply any more: its row must go, not stay). Nothing on a first or full build.
-#}
{% macro delete_recomputed_obligations(with_units=false) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ obligation_is_recomputed(
            this ~ '.obligation_kind', this ~ '.source_scope', this ~ '.source_key', with_units
        ) }}
    {%- endif -%}
{%- endmacro %}

{#-
    recomputed_obligations(relation): the `where` of a data test on a reply-duty model (get_where_subquery)
    — the rows this build recomputed (obligation_is_recomputed(), by name: a test cannot ref the list of
    cases), or none: every row in a full build, and on every other model. The rows a build kept passed the
    last build's tests and share no key with the recomputed ones (the pre-hook deleted those keys first), so
    testing the recomputed rows tests the table.
-#}
{% macro recomputed_obligations(relation) -%}
    {%- set models = {
        'int_obligations_listed': false, 'int_obligations_due_dates_computed': false, 'fct_obligations': true
    } -%}
    {%- if relation.identifier not in models or feeds_with_new_files() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(obligation_is_recomputed(
        'obligation_kind', 'source_scope', 'source_key', with_units=models[relation.identifier],
        cases_to_rebuild='intermediate.int_penalty_cases_to_rebuild'
    )) }}
{%- endmacro %}
