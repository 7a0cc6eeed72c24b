{#-
    is_pseudonymised_name(column): true when the value is a natural person's pseudonymised name. Ingest
    replaces such names with `name_` + a keyed hash (privacy/pseudonymise.py PREFIX["name"]); the prefix
    is written here once.
-#}
{% macro is_pseudonymised_name(column) -%}
    {%- set prefix = 'name_' -%}
    substring({{ column }}, 1, {{ prefix | length }}) = '{{ prefix }}'
{%- endmacro %}
