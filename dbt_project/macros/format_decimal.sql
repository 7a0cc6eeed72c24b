-- A decimal(18, 4) as people write it: 60000.0000 → 60000, 2.5000 → 2.5 (for Chinese evidence sentences).
-- Standard TRIM(TRAILING …) runs on DuckDB and Spark alike; only for decimals with a scale (an integer
-- 30 would lose its zero).
{% macro format_decimal(column) -%}
    trim(trailing '.' from trim(trailing '0' from cast({{ column }} as {{ dbt.type_string() }})))
{%- endmacro %}
