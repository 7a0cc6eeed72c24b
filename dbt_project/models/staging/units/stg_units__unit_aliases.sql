-- One row per name a member unit is known by: its official name and each of its aliases,
-- trimmed, with empty elements and repeats dropped. The base for resolving names in the ledgers.

with

source as (

    select * from {{ source('units', 'member_units') }}

),

member_units as (

    -- the list keeps every version; only current units lend their names
    select * from source
    where _is_current

),

official_names as (

    select
        unit_uscc,
        region_code,
        unit_name as name_as_listed,
        1 as is_official_name
    from member_units

),

alias_elements as (

    select
        unit_uscc,
        region_code,
        {{ split_to_rows('aliases', "';'") }} as name_as_listed,
        0 as is_official_name
    from member_units
    where aliases is not null

),

unioned as (

    select * from official_names
    union all
    select * from alias_elements

),

cleaned as (

    select
        unit_uscc,
        region_code,
        {{ clean_unit_name('name_as_listed') }} as alias_name,
        is_official_name
    from unioned

),

final as (

    -- a name also listed among the unit's aliases counts once, as the official name
    select
        ----------  ids
        unit_uscc,
        region_code,

        ----------  names
        alias_name,

        ----------  flags
        max(is_official_name) = 1 as is_official_name

    from cleaned
    where alias_name is not null
    group by
        unit_uscc,
        region_code,
        alias_name

)

select * from final
