-- The scorecard ranking per jurisdiction and year: each scored unit's total, its indicators with and
-- without data, and its rank (ties share a rank). A unit without any data is listed but not ranked.

with

scorecard as (

    select * from {{ ref('fct_unit_scorecard') }}

),

totals as (

    select
        region_code,
        unit_uscc,
        unit_name,
        score_year,
        round(sum(points_earned), 2) as total_points_earned,
        round(sum(points_available), 2) as total_points_available,
        sum(points_configured) as total_points_configured,
        sum(case when has_data then 1 else 0 end) as indicators_with_data,
        sum(case when has_data then 0 else 1 end) as indicators_without_data,
        max(config_name) as config_name,
        max(config_fingerprint) as config_fingerprint,
        max(input_fingerprint) as input_fingerprint,
        max(as_of_date) as as_of_date
    from scorecard
    group by
        region_code,
        unit_uscc,
        unit_name,
        score_year

),

final as (

    select
        *,
        case
            when indicators_with_data > 0
                then rank() over (
                    partition by region_code, score_year, case when indicators_with_data > 0 then 1 else 0 end
                    order by total_points_earned desc
                )
        end as unit_rank
    from totals

)

select * from final
