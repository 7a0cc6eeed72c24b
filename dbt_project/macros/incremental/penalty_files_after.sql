{#-
    penalty_files_after(): the watermark an incremental build starts from — files ingested after it are new.
    The var `penalty_files_after`: a timestamp (tests), or `last_build`, which `liandong build` always passes:
    then, when the build runs (not at parse time, not in a full refresh), the files watermark of the last
    successful build for the same as-of date, which it records in meta.dbt_build_state
    (warehouse/build_state.py). Read here rather than passed as the timestamp itself: a var that changes at
    every build makes dbt parse the whole project again (~3 s of each incremental build). None (every file
    is new, every row recomputed) without the var — a hand-run dbt, a Dagster subset — or without a record.
-#}
{% macro penalty_files_after() -%}
    {%- set given = var('penalty_files_after', none) -%}
    {%- if given != 'last_build' -%}
        {{ return(given) }}
    {%- endif -%}
    {%- if not execute or flags.FULL_REFRESH or target.type != 'duckdb' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(database=target.database, schema='meta', identifier='dbt_build_state') -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query(
        'select cast(files_through as varchar), cast(as_of as varchar) from ' ~ state
        ~ ' order by built_at desc limit 1'
    ).rows -%}
    {%- if rows | length == 0 or rows[0][1] != var('as_of') -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(rows[0][0]) }}
{%- endmacro %}

{#-
    ingested_after_watermark(column, files_after): the predicate "this file was ingested after
    penalty_files_after()" on an ingested_at column — `true` without a watermark (every file is new). The list
    models and the tests' `where` below use it, so the watermark is compared in one place. `files_after`: the
    watermark when the caller has read it already (each read is a query).
-#}
{% macro ingested_after_watermark(column, files_after=none) -%}
    {%- set files_after = files_after or penalty_files_after() -%}
    {%- if files_after -%}
        {{ column }} > cast('{{ files_after }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
    new_penalty_rows(): the `where` of the penalty models' tests in an incremental build — the decisions
    with a row version in a file ingested after penalty_files_after(); none (every row) without a watermark.
    (Relations by name, as a test's `where` cannot add a ref the test does not have.)
-#}
{% macro new_penalty_rows() -%}
    {%- set files_after = penalty_files_after() -%}
    {%- if not files_after -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set predicate -%}
        decision_no in (
            select versions.decision_no
            from staging.stg_penalty__decision_versions as versions
            inner join staging.stg_meta__files as files
                on versions.source_file_sha256 = files.file_sha256
            where {{ ingested_after_watermark('files.ingested_at', files_after) }}
        )
    {%- endset -%}
    {{ return(predicate) }}
{%- endmacro %}
