{#-
    raise_runtime_error(message): an expression that stops the query with `message` (a SQL string
    expression) when it is evaluated. Put it in a CASE branch so it fires only on the offending row:

        case when calendar_missing_year is not null then {{ raise_runtime_error("'…'") }} else due_date end

    Used where a silently NULL value would be wrong, e.g. a deadline beyond the working-day calendar.
-#}
{% macro raise_runtime_error(message) -%}
    {{ return(adapter.dispatch('raise_runtime_error', 'liandong')(message)) }}
{%- endmacro %}

{% macro duckdb__raise_runtime_error(message) -%}
    error({{ message }})
{%- endmacro %}

{#- Spark 3.1+: raise_error() throws with the message. -#}
{% macro spark__raise_runtime_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{#- Engines without an error function: casting the message to an integer fails and quotes it. -#}
{% macro default__raise_runtime_error(message) -%}
    cast({{ message }} as integer)
{%- endmacro %}
