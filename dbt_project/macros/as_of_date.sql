{#-
    The date every "as of" metric is computed for, as a SQL date expression.

    `dbt build --vars '{as_of: 2025-12-31}'` → that date (YAML may hand it over as a date or a string).
    The date is decided once, in Python (`Settings.resolve_as_of`: the date asked for, else today in
    Asia/Shanghai), and always passed: SQL never decides "today". Running models without it stops the run;
    only parsing (no execution) renders a typed null.
    Cross-database: the literal goes through `dbt.date()`.
    A malformed or impossible date stops the run with a message naming the var.
-#}
{% macro as_of_date() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim) in ('', 'none', 'None', 'null') -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "缺少变量 as_of（YYYY-MM-DD）：请用 liandong build --as-of 运行 / "
                ~ "var 'as_of' (YYYY-MM-DD) is missing: run through liandong build --as-of") }}
        {%- endif -%}
        cast(null as date)
    {%- else -%}
        {%- set as_of_text = as_of | string | trim -%}
        {%- set error_message = "变量 as_of 必须是 YYYY-MM-DD 格式的有效日期 / "
            ~ "var 'as_of' must be a valid date YYYY-MM-DD, got: " ~ as_of_text -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of_text) -%}
            {{ exceptions.raise_compiler_error(error_message) }}
        {%- endif -%}
        {%- set year, month, day = as_of_text.split('-') | map('int') | list -%}
        {%- set is_leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
        {%- set month_days = [31, 29 if is_leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
        {%- if month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
            {{ exceptions.raise_compiler_error(error_message) }}
        {%- endif -%}
        {{ dbt.date(year, month, day) }}
    {%- endif -%}
{%- endmacro %}
