with

source as (

    select * from {{ source('meta', 'scorecard_config') }}

),

renamed as (

    select
        region_code,
        config_name,
        config_version,
        config_source,
        config_fingerprint,
        indicator_code,
        indicator_block,
        indicator_name,
        sort_order,
        points,
        scoring_method,
        target,
        zero_points_at
    from source

)

select * from renamed
