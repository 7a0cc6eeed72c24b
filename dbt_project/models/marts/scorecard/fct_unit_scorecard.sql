-- The annual scorecard (法治政府建设考核, DOMAIN.md §5): one row per scored member unit, year and configured
-- indicator. An indicator without data for the unit (empty denominator) is excluded and its points are
-- spread over the unit's other indicators in proportion to their configured points, so a unit with data
-- can always reach the full total; the note says what happened. Each row names the configuration and its
-- fingerprint, the as-of date and a fingerprint of the input files, so a ranking can be reproduced.

with

member_units as (

    select * from {{ ref('stg_units__member_units') }}

),

config as (

    select * from {{ ref('int_scorecard_config_by_region') }}

),

measured as (

    select * from {{ ref('fct_scorecard_indicators') }}

),

input_files as (

    select * from {{ ref('stg_meta__files') }}

),

input_fingerprint as (

    select
        {{ dbt.hash(sorted_listagg('file_sha256')) }} as input_fingerprint,
        count(*) as input_files
    from input_files

),

scored_years as (

    select distinct
        region_code,
        score_year
    from measured
    where score_year <= extract(year from {{ as_of_date() }})

),

scored_units as (

    select
        member_units.region_code,
        member_units.unit_uscc,
        member_units.unit_name,
        scored_years.score_year
    from member_units
    inner join scored_years
        on member_units.region_code = scored_years.region_code
    where
        member_units.is_scored
        and (
            member_units.valid_from is null
            or extract(year from member_units.valid_from) <= scored_years.score_year
        )
        and (
            member_units.valid_to is null
            or extract(year from member_units.valid_to) >= scored_years.score_year
        )

),

indicator_rows as (

    select
        scored_units.region_code,
        scored_units.unit_uscc,
        scored_units.unit_name,
        scored_units.score_year,
        config.indicator_code,
        config.indicator_block,
        config.indicator_name,
        config.sort_order,
        config.points as points_configured,
        config.scoring_method,
        config.target,
        config.zero_points_at,
        config.config_name,
        config.config_version,
        config.config_fingerprint,
        measured.numerator,
        measured.denominator,
        measured.indicator_value,
        measured.indicator_value is not null as has_data
    from scored_units
    inner join config
        on scored_units.region_code = config.region_code
    left join measured
        on
            scored_units.region_code = measured.region_code
            and scored_units.unit_uscc = measured.unit_uscc
            and scored_units.score_year = measured.score_year
            and config.indicator_code = measured.indicator_code

),

unit_totals as (

    select
        *,
        sum(points_configured) over (
            partition by region_code, unit_uscc, score_year
        ) as total_points,
        sum(case when has_data then points_configured else 0 end) over (
            partition by region_code, unit_uscc, score_year
        ) as points_with_data,
        sum(case when has_data then 0 else 1 end) over (
            partition by region_code, unit_uscc, score_year
        ) as indicators_without_data
    from indicator_rows

),

available as (

    select
        *,
        case
            when
                has_data
                then cast(points_configured as {{ dbt.type_float() }}) * total_points / points_with_data
            else 0
        end as points_available
    from unit_totals

),

scored as (

    select
        *,
        case
            when not has_data then 0
            when scoring_method = 'lower_is_better'
                then
                    case
                        when indicator_value >= zero_points_at then 0
                        else points_available * (1 - indicator_value / zero_points_at)
                    end
            when indicator_value >= target then points_available
            else points_available * indicator_value / target
        end as points_earned_exact
    from available

),

final as (

    select
        scored.region_code,
        scored.unit_uscc,
        scored.unit_name,
        scored.score_year,
        scored.indicator_block,
        scored.indicator_code,
        scored.indicator_name,
        scored.sort_order,
        scored.indicator_value,
        scored.numerator,
        scored.denominator,
        scored.has_data,
        scored.points_configured,
        round(scored.points_available, 6) as points_available,
        round(scored.points_earned_exact, 6) as points_earned,
        case
            when scored.points_with_data = 0
                then '本单位本年度各项指标均无数据，不计分、不排名'
            when not scored.has_data
                then {{ dbt.concat([
                    "'无数据（分母为0），不计分；原分值 '",
                    "cast(round(scored.points_configured, 2) as " ~ dbt.type_string() ~ ")",
                    "' 分按权重分配至本单位其他有数据的指标'",
                ]) }}
            when scored.indicators_without_data > 0
                then {{ dbt.concat([
                    "'含由无数据指标再分配的 '",
                    "cast(round(scored.points_available - scored.points_configured, 2) as "
                        ~ dbt.type_string() ~ ")",
                    "' 分'",
                ]) }}
            else ''
        end as note,
        case
            when scored.scoring_method = 'lower_is_better'
                then {{ dbt.concat([
                    "'得分 = 可得分 × max(0, 1 − 值 ÷ '",
                    "cast(scored.zero_points_at as " ~ dbt.type_string() ~ ")", "')'",
                ]) }}
            else {{ dbt.concat([
                "'得分 = 可得分 × min(1, 值 ÷ '",
                "cast(scored.target as " ~ dbt.type_string() ~ ")", "')'",
            ]) }}
        end as scoring_rule,
        scored.config_name,
        scored.config_version,
        scored.config_fingerprint,
        input_fingerprint.input_fingerprint,
        input_fingerprint.input_files,
        {{ as_of_date() }} as as_of_date
    from scored
    cross join input_fingerprint

)

select * from final
