-- 到期办复 per responsible unit for a whole period, so a page can rank the units ("which units are worst at
-- 按期回复 this year, and why?"): each calendar year and the 12 months up to the as-of date, for every
-- obligation kind and for all kinds together ('all'). Items count in the period in which they fell due
-- (DOMAIN.md §4), so only items due on or before the as-of date. Medians are not additive, which is why
-- this is computed here and not summed from agg_obligation_timeliness on the page.
-- Incremental on DuckDB: a build after new files recomputes only the regions region_is_rebuilt() selects
-- (macros/incremental/); a table elsewhere.
-- depends_on: {{ ref('int_regions_to_rebuild') }}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_rebuilt_regions() }}"
) }}

with

as_of as (

    select {{ as_of_date() }} as as_of_date

),

due_items as (

    select
        obligations.region_code,
        obligations.responsible_unit_uscc,
        obligations.responsible_unit_name,
        obligations.obligation_kind,
        obligations.due_date,
        obligations.status,
        obligations.days_past_due,
        obligations.reply_days,
        obligations.reply_working_days,
        as_of.as_of_date
    from {{ ref('fct_obligations') }} as obligations
    cross join as_of
    where
        obligations.status in ('按期', '逾期回复', '逾期未回复')
        and obligations.due_date <= as_of.as_of_date
        and {{ region_is_rebuilt('obligations.region_code') }}

),

in_periods as (

    select
        due_items.*,
        'calendar_year' as period_kind,
        extract(year from due_items.due_date) as period_year
    from due_items

    union all

    select
        due_items.*,
        'last_12_months' as period_kind,
        extract(year from due_items.as_of_date) as period_year
    from due_items
    where due_items.due_date > {{ dbt.dateadd('month', -12, 'due_items.as_of_date') }}

),

by_kind as (

    select
        in_periods.*,
        in_periods.obligation_kind as kind_group
    from in_periods

    union all

    select
        in_periods.*,
        'all' as kind_group
    from in_periods

),

counted as (

    select
        region_code,
        responsible_unit_uscc,
        period_kind,
        period_year,
        kind_group as obligation_kind,
        max(responsible_unit_name) as responsible_unit_name,
        count(*) as items_due,
        sum(case when status = '按期' then 1 else 0 end) as on_time,
        sum(case when status = '逾期回复' then 1 else 0 end) as replied_late,
        sum(case when status = '逾期未回复' then 1 else 0 end) as overdue_no_reply,
        {{ percentile("case when status <> '按期' then days_past_due end", 0.5) }} as median_days_late,
        {{ percentile('reply_days', 0.5) }} as median_reply_days,
        {{ percentile('reply_days', 0.9) }} as p90_reply_days,
        {{ percentile('reply_working_days', 0.5) }} as median_reply_working_days,
        {{ percentile('reply_working_days', 0.9) }} as p90_reply_working_days,
        max(as_of_date) as as_of_date
    from by_kind
    group by
        region_code,
        responsible_unit_uscc,
        period_kind,
        period_year,
        kind_group

),

final as (

    select
        region_code,
        responsible_unit_uscc,
        responsible_unit_name,
        period_kind,
        period_year,
        obligation_kind,
        items_due,
        on_time,
        replied_late,
        overdue_no_reply,
        {{ safe_divide('on_time', 'items_due') }} as timeliness_rate,
        -- worst first: lowest rate, then most items still unanswered, then most items
        rank() over (
            partition by region_code, period_kind, period_year, obligation_kind
            order by on_time * 1.0 / items_due, overdue_no_reply desc, items_due desc
        ) as worst_rank,
        cast(median_days_late as decimal(18, 1)) as median_days_late,
        cast(median_reply_days as decimal(18, 1)) as median_reply_days,
        cast(p90_reply_days as decimal(18, 1)) as p90_reply_days,
        cast(median_reply_working_days as decimal(18, 1)) as median_reply_working_days,
        cast(p90_reply_working_days as decimal(18, 1)) as p90_reply_working_days,
        as_of_date
    from counted

)

select * from final
