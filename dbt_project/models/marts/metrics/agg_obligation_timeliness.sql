-- 到期办复率 per obligation kind, region, responsible unit, year and month in which the items fell due.
-- 按期 ÷ (按期 + 逾期回复 + 逾期未回复); 未到期 items are counted but not in the rate (DOMAIN.md §4).

with

obligations as (

    select * from {{ ref('fct_obligations') }}

),

counted as (

    select
        obligation_kind,
        region_code,
        responsible_unit_uscc,
        extract(year from due_date) as due_year,
        extract(month from due_date) as due_month,
        sum(case when status = '按期' then 1 else 0 end) as on_time,
        sum(case when status = '逾期回复' then 1 else 0 end) as replied_late,
        sum(case when status = '逾期未回复' then 1 else 0 end) as overdue_no_reply,
        sum(case when status = '未到期' then 1 else 0 end) as not_yet_due,
        max(as_of_date) as as_of_date
    from obligations
    group by
        obligation_kind,
        region_code,
        responsible_unit_uscc,
        extract(year from due_date),
        extract(month from due_date)

),

final as (

    select
        *,
        {{ safe_divide('on_time', 'on_time + replied_late + overdue_no_reply') }} as timeliness_rate
    from counted

)

select * from final
