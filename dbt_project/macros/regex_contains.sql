{#-
    regex_contains(text, pattern): true when the regular expression `pattern` (a column or a
    literal) matches somewhere in `text`. Patterns in the rule seeds stay within the syntax shared by
    RE2 (DuckDB), Java (Spark) and POSIX engines: alternation, classes, bounded repeats.
-#}
{% macro regex_contains(text, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'liandong')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_contains(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_contains(text, pattern) -%}
    ({{ text }} rlike {{ pattern }})
{%- endmacro %}

{#- PostgreSQL and the engines that follow it. -#}
{% macro default__regex_contains(text, pattern) -%}
    ({{ text }} ~ {{ pattern }})
{%- endmacro %}
