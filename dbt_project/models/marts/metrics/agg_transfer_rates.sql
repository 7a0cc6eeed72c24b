-- 移送率, 主动移送率, 立案率 by region, agency, year and month of the decision (DOMAIN.md §4).

with

penalty_cases as (

    select * from {{ ref('fct_penalty_cases') }}

),

counted as (

    select
        region_code,
        agency_uscc,
        extract(year from decision_date) as decision_year,
        extract(month from decision_date) as decision_month,
        count(*) as penalty_cases,
        sum(case when should_transfer then 1 else 0 end) as should_transfer_cases,
        sum(case when transferred then 1 else 0 end) as transferred_cases,
        sum(case when transferred and proactive_transfer then 1 else 0 end) as proactive_transfers,
        sum(
            case when transferred and police_decision in ('立案', '不予立案') then 1 else 0 end
        ) as transfers_with_police_decision,
        sum(case when transferred and police_decision = '立案' then 1 else 0 end) as transfers_filed,
        max(as_of_date) as as_of_date
    from penalty_cases
    group by
        region_code,
        agency_uscc,
        extract(year from decision_date),
        extract(month from decision_date)

),

final as (

    select
        *,
        {{ safe_divide('transferred_cases', 'should_transfer_cases') }} as transfer_rate,
        {{ safe_divide('proactive_transfers', 'transferred_cases') }} as proactive_transfer_rate,
        {{ safe_divide('transfers_filed', 'transfers_with_police_decision') }} as filing_rate
    from counted

)

select * from final
