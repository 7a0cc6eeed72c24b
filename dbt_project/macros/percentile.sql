{#-
    percentile(column, fraction): the continuous percentile (linear interpolation) of a column within a
    group, e.g. percentile('reply_days', 0.5) for the median. NULLs are ignored; NULL for an empty group.
    Same answer on every engine: DuckDB quantile_cont, Spark percentile (exact), SQL percentile_cont.
-#}
{% macro percentile(column, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'liandong')(column, fraction)) }}
{%- endmacro %}

{% macro duckdb__percentile(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile(column, fraction) -%}
    percentile({{ column }}, {{ fraction }})
{%- endmacro %}

{% macro default__percentile(column, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ column }})
{%- endmacro %}
