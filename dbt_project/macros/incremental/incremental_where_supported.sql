{#-
    incremental_where_supported(): the materialization of a heavy row-level model — `incremental` on
    DuckDB, where `liandong build` decides when a full refresh is needed (orchestration/dbt_runner.py),
    and a plain `table` on every other adapter (Spark: docs/spark.md), which always rebuilds it whole.
-#}
{% macro incremental_where_supported() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}
