{#-
    penalty_files_after(): the watermark an incremental build starts from — files ingested after it are new.
    The var `penalty_files_after` when given (tests, a hand-run dbt); otherwise, when the build runs (not at
    parse time, not in a full refresh), the files watermark of the last successful build, which
    `liandong build` records in meta.dbt_build_state (warehouse/build_state.py). Read here rather than passed
    as a var: a var that changes with every build makes dbt parse the whole project again (~3 s at each
    incremental build). None when there is no watermark: every file counts as new.
-#}
{% macro penalty_files_after() -%}
    {%- set given = var('penalty_files_after', none) -%}
    {%- if given is not none or not execute or flags.FULL_REFRESH or target.type != 'duckdb' -%}
        {{ return(given) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(database=target.database, schema='meta', identifier='dbt_build_state') -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query(
        'select cast(files_through as varchar) from ' ~ state ~ ' order by built_at desc limit 1'
    ).rows -%}
    {{ return(rows[0][0] if rows | length > 0 else none) }}
{%- endmacro %}

{#-
    new_penalty_rows(): the `where` of the penalty models' tests in an incremental build — the decisions
    with a row version in a file ingested after penalty_files_after(); none (every row) without a watermark.
    (Relations by name, as a test's `where` cannot add a ref the test does not have.)
-#}
{% macro new_penalty_rows() -%}
    {%- set files_after = penalty_files_after() -%}
    {%- if files_after is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set predicate -%}
        decision_no in (
            select versions.decision_no
            from staging.stg_penalty__decision_versions as versions
            inner join staging.stg_meta__files as files
                on versions.source_file_sha256 = files.file_sha256
            where files.ingested_at > cast('{{ files_after }}' as {{ dbt.type_timestamp() }})
        )
    {%- endset -%}
    {{ return(predicate) }}
{%- endmacro %}
