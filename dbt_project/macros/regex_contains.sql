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

{#-
    regex_contains_one_of(text, pattern, patterns): regex_contains(text, pattern) where `pattern` is a
    column whose values are known when the model runs (`patterns`, e.g. from rule_patterns()). DuckDB
    compiles a pattern that comes from a column again for every row (~100 µs for a rule's alternation);
    written out as literals, each is compiled once: threshold matching at province scale 143 s → ~30 s.
    A value not in `patterns` (none should be) still matches through the column.
-#}
{% macro regex_contains_one_of(text, pattern, patterns) -%}
    {{ return(adapter.dispatch('regex_contains_one_of', 'liandong')(text, pattern, patterns)) }}
{%- endmacro %}

{% macro default__regex_contains_one_of(text, pattern, patterns) -%}
    {{ regex_contains(text, pattern) }}
{%- endmacro %}

{% macro duckdb__regex_contains_one_of(text, pattern, patterns) -%}
    {%- if patterns | length == 0 -%}
        {{ regex_contains(text, pattern) }}
    {%- else -%}
        case {{ pattern }}
        {%- for literal in patterns %}
            when {{ sql_string_literal(literal) }} then {{ regex_contains(text, sql_string_literal(literal)) }}
        {%- endfor %}
            else {{ regex_contains(text, pattern) }}
        end
    {%- endif -%}
{%- endmacro %}

{#- A string as a standard SQL literal (quotes doubled; backslashes are plain characters). -#}
{% macro sql_string_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#-
    rule_patterns(seed, columns): the distinct non-null values of `columns` in a rule seed, sorted, read
    when the model runs; none at parse time, in unit tests (their fixtures replace the seed) or before the
    seed is loaded — regex_contains_one_of then matches through the column, as before.
-#}
{% macro rule_patterns(seed, columns) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set relation = load_relation(ref(seed)) -%}
    {%- if relation is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select distinct pattern from (
        {%- for column in columns %}
            select {{ column }} as pattern from {{ relation }}
            {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
        ) as patterns
        where pattern is not null
        order by pattern
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#-
    regex_contains_any_of(text, patterns): true when `text` matches at least one of `patterns` (literals,
    e.g. from rule_patterns()), in one pass: on DuckDB one RE2 pattern of all of them. With no patterns
    (parse time, unit tests), and on engines without it here, true: a gate that lets everything through.
-#}
{% macro regex_contains_any_of(text, patterns) -%}
    {{ return(adapter.dispatch('regex_contains_any_of', 'liandong')(text, patterns)) }}
{%- endmacro %}

{% macro default__regex_contains_any_of(text, patterns) -%}
    true
{%- endmacro %}

{% macro duckdb__regex_contains_any_of(text, patterns) -%}
    {%- if patterns | length == 0 -%}
        true
    {%- else -%}
        {%- set alternatives = [] -%}
        {%- for pattern in patterns -%}
            {%- do alternatives.append('(?:' ~ pattern ~ ')') -%}
        {%- endfor -%}
        {{ regex_contains(text, sql_string_literal(alternatives | join('|'))) }}
    {%- endif -%}
{%- endmacro %}
