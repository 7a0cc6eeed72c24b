{#-
    sorted_listagg(measure, delimiter_text): the values of `measure` joined in ascending order — a
    deterministic string on every engine (dbt.listagg ignores its order_by_clause on Spark).
-#}
{% macro sorted_listagg(measure, delimiter_text="','") -%}
    {{ return(adapter.dispatch('sorted_listagg', 'liandong')(measure, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_listagg(measure, delimiter_text) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ measure) }}
{%- endmacro %}

{% macro spark__sorted_listagg(measure, delimiter_text) -%}
    array_join(array_sort(collect_list({{ measure }})), {{ delimiter_text }})
{%- endmacro %}
