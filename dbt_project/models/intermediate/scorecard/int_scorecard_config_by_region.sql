-- The configuration that applies to each jurisdiction: its own file ($LIANDONG_HOME/scorecard/<region>.yml)
-- when there is one, otherwise the default (`*`). One row per region and configured indicator.

with

scorecard_config as (

    select * from {{ ref('stg_meta__scorecard_config') }}

),

member_units as (

    select * from {{ ref('stg_units__member_units') }}

),

regions as (

    select distinct region_code
    from member_units

),

regional_configs as (

    select distinct region_code
    from scorecard_config
    where region_code <> '*'

),

final as (

    select
        regions.region_code,
        scorecard_config.config_name,
        scorecard_config.config_version,
        scorecard_config.config_source,
        scorecard_config.config_fingerprint,
        scorecard_config.indicator_code,
        scorecard_config.indicator_block,
        scorecard_config.indicator_name,
        scorecard_config.sort_order,
        scorecard_config.points,
        scorecard_config.scoring_method,
        scorecard_config.target,
        scorecard_config.zero_points_at
    from regions
    left join regional_configs
        on regions.region_code = regional_configs.region_code
    inner join scorecard_config
        on scorecard_config.region_code = coalesce(regional_configs.region_code, '*')

)

select * from final
