{#-
    clean_unit_name(column): the form in which unit names are compared — leading and trailing
    spaces removed, full-width spaces (U+3000) counted as spaces. Inner characters are untouched.
    Plain replace()/trim() so it runs on DuckDB, Spark and PostgreSQL alike.
-#}
{% macro clean_unit_name(column) -%}
    nullif(trim(replace({{ column }}, '　', ' ')), '')
{%- endmacro %}
