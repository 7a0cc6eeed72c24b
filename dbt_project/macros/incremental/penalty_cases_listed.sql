{#-
    penalty_cases_are_listed(): whether int_penalty_cases_to_rematch / _to_rebuild list anything — not in a
    full refresh, and not where the penalty models are plain tables (incremental_where_supported()): every
    decision is recomputed then, and the list would be every decision.
-#}
{% macro penalty_cases_are_listed() -%}
    {{- 'false' if flags.FULL_REFRESH or incremental_where_supported() != 'incremental' else 'true' -}}
{%- endmacro %}

{#-
    delete_listed_penalty_cases(listed): pre-hook of an incremental penalty model — removes the rows of the
    decisions the model `listed` (int_penalty_cases_to_rematch or _to_rebuild) names, which it is about to
    recompute (a recomputed decision may fire fewer rules, or have left the current versions). Nothing on
    a first or full build.
-#}
{% macro delete_listed_penalty_cases(listed) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where exists (
            select 1
            from {{ ref(listed) }} as listed
            where
                listed.agency_uscc = {{ this }}.agency_uscc
                and listed.decision_no = {{ this }}.decision_no
        )
    {%- endif -%}
{%- endmacro %}

{#-
    listed_penalty_cases(relation, listed='int_penalty_cases_to_rebuild'): the rows of `relation` (one or more
    per decision, by agency_uscc and decision_no) of the decisions an incremental model recomputes — those the
    model `listed` (int_penalty_cases_to_rebuild, or _to_rematch) names — or every row on a first or full
    build. The calling model names that list in a `-- depends_on:` comment (the ref is read only when the
    model is incremental).
-#}
{% macro listed_penalty_cases(relation, listed='int_penalty_cases_to_rebuild') -%}
    select listed_rows.*
    from {{ relation }} as listed_rows
    {%- if is_incremental() %}
        inner join {{ ref(listed) }} as listed
            on
                listed_rows.agency_uscc = listed.agency_uscc
                and listed_rows.decision_no = listed.decision_no
    {%- endif %}
{%- endmacro %}

{#-
    decisions_to_rebuild(listed='int_penalty_cases_to_rebuild'): the current penalty decisions an incremental
    model recomputes (listed_penalty_cases of stg_penalty__decisions).
-#}
{% macro decisions_to_rebuild(listed='int_penalty_cases_to_rebuild') -%}
    {{ listed_penalty_cases(ref('stg_penalty__decisions'), listed) }}
{%- endmacro %}
