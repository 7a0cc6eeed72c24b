{#-
    register_raw_tables(location): make every table the sources read (`raw.*`) a table of the Spark
    metastore over the parquet files at `<location>/<schema>/<table>/`, replacing the previous one.

        dbt run-operation register_raw_tables --target spark --args '{location: /path/to/raw}'

    `liandong build --target spark` exports the DuckDB tables there first (orchestration/spark.py). The
    table list comes from the project's sources, so a new source is registered without changes here.
    Spark only: the DuckDB target reads the raw tables where the ingest wrote them.
-#}
{% macro register_raw_tables(location) -%}
    {{ return(adapter.dispatch('register_raw_tables', 'liandong')(location)) }}
{%- endmacro %}

{% macro spark__register_raw_tables(location) -%}
    {%- set tables = [] -%}
    {%- for source in graph.sources.values() -%}
        {%- if (source.schema, source.identifier) not in tables -%}
            {%- do tables.append((source.schema, source.identifier)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for schema, identifier in tables | sort -%}
        {%- set path = location.rstrip('/') ~ '/' ~ schema ~ '/' ~ identifier -%}
        {%- do run_query('create database if not exists ' ~ adapter.quote(schema)) -%}
        {%- do run_query('drop table if exists ' ~ adapter.quote(schema) ~ '.' ~ adapter.quote(identifier)) -%}
        {%- do run_query('create table ' ~ adapter.quote(schema) ~ '.' ~ adapter.quote(identifier)
                         ~ " using parquet location '" ~ path | replace("\\", "\\\\") | replace("'", "\\'") ~ "'") -%}
        {%- do log('registered ' ~ schema ~ '.' ~ identifier ~ ' ← ' ~ path, info=true) -%}
    {%- endfor -%}
{%- endmacro %}

{% macro default__register_raw_tables(location) -%}
    {{ exceptions.raise_compiler_error(
        'register_raw_tables is for the spark target: ' ~ target.type ~ ' reads the raw tables in place') }}
{%- endmacro %}
