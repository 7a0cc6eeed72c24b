{#-
    deadline_period_end(anchor_date, amount, unit): the last day of a period counted in calendar days
    or months, before rolling to a working day (DOMAIN.md §2). Arguments are SQL expressions; `unit` is
    the rule's unit ('日' or '个月'); any other unit gives NULL (工作日 and 小时 are handled elsewhere).

    - N 日:   N calendar days after the start day (the start day itself is not counted).
    - N 个月: the same-numbered day N months later, or that month's last day when it does not exist
              (2023-12-31 + 2 个月 → 2024-02-29). DuckDB's and Spark's month arithmetic clamp to the
              month's end exactly so; the default variant clamps explicitly with dbt.last_day for
              engines whose month arithmetic may not.
-#}
{% macro deadline_period_end(anchor_date, amount, unit) -%}
    {{ return(adapter.dispatch('deadline_period_end', 'liandong')(anchor_date, amount, unit)) }}
{%- endmacro %}

{% macro duckdb__deadline_period_end(anchor_date, amount, unit) -%}
    case {{ unit }}
        when '日' then cast({{ anchor_date }} + to_days(cast({{ amount }} as integer)) as date)
        when '个月' then cast({{ anchor_date }} + to_months(cast({{ amount }} as integer)) as date)
    end
{%- endmacro %}

{% macro spark__deadline_period_end(anchor_date, amount, unit) -%}
    case {{ unit }}
        when '日' then date_add(cast({{ anchor_date }} as date), cast({{ amount }} as int))
        when '个月' then add_months(cast({{ anchor_date }} as date), cast({{ amount }} as int))
    end
{%- endmacro %}

{#- Cross-database: dbt.dateadd, with the month end clamped through dbt.last_day. -#}
{% macro default__deadline_period_end(anchor_date, amount, unit) -%}
    {%- set month_start = dbt.date_trunc('month', anchor_date) -%}
    {%- set target_month_start = "cast(" ~ dbt.dateadd('month', amount, month_start) ~ " as date)" -%}
    {%- set target_month_end = "cast(" ~ dbt.last_day(target_month_start, 'month') ~ " as date)" -%}
    {%- set same_day = "cast(" ~ dbt.dateadd('day', dbt.datediff(month_start, anchor_date, 'day'),
                                            target_month_start) ~ " as date)" -%}
    case {{ unit }}
        when '日' then cast({{ dbt.dateadd('day', amount, anchor_date) }} as date)
        when '个月' then
            case
                when {{ same_day }} > {{ target_month_end }} then {{ target_month_end }}
                else {{ same_day }}
            end
    end
{%- endmacro %}
