{#-
    deadline_hours_end(anchor_at, amount): the moment a period of N 小时 ends, counted from the
    timestamp itself (DOMAIN.md §2: "a period in hours runs from the timestamp"); not rolled.
-#}
{% macro deadline_hours_end(anchor_at, amount) -%}
    {{ return(adapter.dispatch('deadline_hours_end', 'liandong')(anchor_at, amount)) }}
{%- endmacro %}

{% macro duckdb__deadline_hours_end(anchor_at, amount) -%}
    (cast({{ anchor_at }} as timestamp) + to_hours(cast({{ amount }} as integer)))
{%- endmacro %}

{% macro spark__deadline_hours_end(anchor_at, amount) -%}
    (cast({{ anchor_at }} as timestamp) + make_interval(0, 0, 0, 0, cast({{ amount }} as int), 0, 0))
{%- endmacro %}

{% macro default__deadline_hours_end(anchor_at, amount) -%}
    {{ dbt.dateadd('hour', amount, 'cast(' ~ anchor_at ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
{%- endmacro %}
