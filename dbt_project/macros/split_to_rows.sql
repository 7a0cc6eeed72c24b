{#-
    split_to_rows(column, delimiter): a select-list expression that turns one row holding a
    delimited string into one row per element (a NULL string gives no rows).
    `delimiter` is a SQL string literal, e.g. "';'".

        select unit_uscc, {{ split_to_rows('aliases', "';'") }} as alias_name from member_units

    Elements are returned as written: trim them, and drop empty ones, in the caller.
-#}
{% macro split_to_rows(column, delimiter) -%}
    {{ return(adapter.dispatch('split_to_rows', 'liandong')(column, delimiter)) }}
{%- endmacro %}

{% macro duckdb__split_to_rows(column, delimiter) -%}
    unnest(string_split({{ column }}, {{ delimiter }}))
{%- endmacro %}

{#- Spark's split() takes a regular expression: the delimiter is quoted (\\Q … \\E in a Spark SQL string
    literal is the regex quote \Q … \E), so '|' or '.' split literally like everywhere else. -#}
{% macro spark__split_to_rows(column, delimiter) -%}
    explode(split({{ column }}, concat('\\Q', {{ delimiter }}, '\\E')))
{%- endmacro %}

{#- PostgreSQL and the many engines that follow it. -#}
{% macro default__split_to_rows(column, delimiter) -%}
    unnest(string_to_array({{ column }}, {{ delimiter }}))
{%- endmacro %}
