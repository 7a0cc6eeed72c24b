-- The headline counts per region and month, for the region alone (scope 'own') and rolled up over the region
-- and every region below it (scope 'rollup': county → city → province). Only numerators and denominators are
-- added up; every rate is recomputed from the sums, never averaged over regions.

with

regions as (

    select * from {{ ref('dim_regions') }}

),

counts as (

    select
        region_code,
        decision_year as metric_year,
        decision_month as metric_month,
        penalty_cases,
        should_transfer_cases,
        transferred_cases,
        0 as clue_cases,
        0 as supervision_on_time,
        0 as supervision_due,
        0 as push_on_time,
        0 as push_due,
        0 as hotline_closed_on_time,
        0 as hotline_tickets_due,
        0 as hotline_satisfied,
        0 as hotline_evaluated
    from {{ ref('agg_transfer_rates') }}

    union all

    select
        region_code,
        decision_year as metric_year,
        decision_month as metric_month,
        0 as penalty_cases,
        0 as should_transfer_cases,
        0 as transferred_cases,
        clue_cases,
        0 as supervision_on_time,
        0 as supervision_due,
        0 as push_on_time,
        0 as push_due,
        0 as hotline_closed_on_time,
        0 as hotline_tickets_due,
        0 as hotline_satisfied,
        0 as hotline_evaluated
    from {{ ref('agg_non_transfer_clues') }}

    union all

    select
        region_code,
        due_year as metric_year,
        due_month as metric_month,
        0 as penalty_cases,
        0 as should_transfer_cases,
        0 as transferred_cases,
        0 as clue_cases,
        case when obligation_kind = 'supervision_reply' then on_time else 0 end as supervision_on_time,
        case
            when obligation_kind = 'supervision_reply' then on_time + replied_late + overdue_no_reply else 0
        end as supervision_due,
        case
            when obligation_kind in ('hotline_push', 'hotline_feedback') then on_time else 0
        end as push_on_time,
        case
            when obligation_kind in ('hotline_push', 'hotline_feedback')
                then on_time + replied_late + overdue_no_reply
            else 0
        end as push_due,
        0 as hotline_closed_on_time,
        0 as hotline_tickets_due,
        0 as hotline_satisfied,
        0 as hotline_evaluated
    from {{ ref('agg_obligation_timeliness') }}

    union all

    select
        region_code,
        received_year as metric_year,
        received_month as metric_month,
        0 as penalty_cases,
        0 as should_transfer_cases,
        0 as transferred_cases,
        0 as clue_cases,
        0 as supervision_on_time,
        0 as supervision_due,
        0 as push_on_time,
        0 as push_due,
        closed_on_time as hotline_closed_on_time,
        tickets_due as hotline_tickets_due,
        satisfied as hotline_satisfied,
        evaluated as hotline_evaluated
    from {{ ref('agg_hotline_rates') }}

),

-- each region's rows count for itself, its city and its province (each once: a city's own rows are not
-- counted twice for the city)
targets as (

    select
        present.region_code as source_region_code,
        present.region_code as target_region_code
    from (select distinct region_code from counts) as present

    union all

    select
        regions.region_code as source_region_code,
        regions.city_code as target_region_code
    from regions
    where regions.city_code is not null and regions.city_code <> regions.region_code

    union all

    select
        regions.region_code as source_region_code,
        regions.province_code as target_region_code
    from regions
    where regions.province_code is not null and regions.province_code <> regions.region_code

),

scoped as (

    select
        'own' as scope,
        counts.*
    from counts

    union all

    select
        'rollup' as scope,
        targets.target_region_code as region_code,
        counts.metric_year,
        counts.metric_month,
        counts.penalty_cases,
        counts.should_transfer_cases,
        counts.transferred_cases,
        counts.clue_cases,
        counts.supervision_on_time,
        counts.supervision_due,
        counts.push_on_time,
        counts.push_due,
        counts.hotline_closed_on_time,
        counts.hotline_tickets_due,
        counts.hotline_satisfied,
        counts.hotline_evaluated
    from counts
    inner join targets
        on counts.region_code = targets.source_region_code

),

summed as (

    select
        region_code,
        scope,
        metric_year,
        metric_month,
        sum(penalty_cases) as penalty_cases,
        sum(should_transfer_cases) as should_transfer_cases,
        sum(transferred_cases) as transferred_cases,
        sum(clue_cases) as clue_cases,
        sum(supervision_on_time) as supervision_on_time,
        sum(supervision_due) as supervision_due,
        sum(push_on_time) as push_on_time,
        sum(push_due) as push_due,
        sum(hotline_closed_on_time) as hotline_closed_on_time,
        sum(hotline_tickets_due) as hotline_tickets_due,
        sum(hotline_satisfied) as hotline_satisfied,
        sum(hotline_evaluated) as hotline_evaluated
    from scoped
    group by
        region_code,
        scope,
        metric_year,
        metric_month

),

final as (

    select
        summed.region_code,
        summed.scope,
        summed.metric_year,
        summed.metric_month,
        regions.region_name,
        regions.full_name as region_full_name,
        regions.region_level,
        regions.parent_code,
        regions.city_code,
        regions.province_code,
        summed.penalty_cases,
        summed.should_transfer_cases,
        summed.transferred_cases,
        summed.clue_cases,
        summed.supervision_on_time,
        summed.supervision_due,
        summed.push_on_time,
        summed.push_due,
        summed.hotline_closed_on_time,
        summed.hotline_tickets_due,
        summed.hotline_satisfied,
        summed.hotline_evaluated,
        {{ safe_divide('summed.transferred_cases', 'summed.should_transfer_cases') }} as transfer_rate,
        {{ safe_divide('summed.supervision_on_time', 'summed.supervision_due') }}
            as supervision_timeliness_rate,
        {{ safe_divide('summed.push_on_time', 'summed.push_due') }} as push_timeliness_rate,
        {{ safe_divide('summed.hotline_closed_on_time', 'summed.hotline_tickets_due') }}
            as on_time_close_rate,
        {{ safe_divide('summed.hotline_satisfied', 'summed.hotline_evaluated') }} as satisfaction_rate,
        {{ as_of_date() }} as as_of_date
    from summed
    left join regions
        on summed.region_code = regions.region_code

)

select * from final
