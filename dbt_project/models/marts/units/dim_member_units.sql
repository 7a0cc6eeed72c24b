-- The member units (成员单位) of each jurisdiction as publications name them.

with

member_units as (

    select * from {{ ref('stg_units__member_units') }}

),

final as (

    select
        unit_uscc,
        region_code,
        unit_name,
        unit_kind,
        enforcement_domain,
        is_scored,
        valid_from,
        valid_to
    from member_units

)

select * from final
