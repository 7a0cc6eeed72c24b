-- Every unit name the ledgers use (处罚机关, 被监督单位, 检察院, 承办单位), resolved to a member unit (R1)
-- of the same region: by USCC first, then by official name, then by alias; names compared trimmed.
-- The first level that finds any candidate decides: one candidate resolves the name, several leave it
-- unresolved as ambiguous — the warehouse never guesses. One row per
-- (region_code, name_as_written, uscc_as_written); join to it with the unit_name_key() macro.

-- a table: fct_obligations, the supervision-case links and seven tests read it; as a view each of them
-- grouped every decision's unit names again
{{ config(materialized='table') }}

with

penalty_decisions as (

    select * from {{ ref('stg_penalty__decisions') }}

),

supervision_documents as (

    select * from {{ ref('stg_supervision__documents') }}

),

hotline_tickets as (

    select * from {{ ref('stg_hotline__tickets') }}

),

member_units as (

    select * from {{ ref('stg_units__member_units') }}

),

unit_aliases as (

    select * from {{ ref('stg_units__unit_aliases') }}

),

names_used as (

    select
        region_code,
        agency_name as name_as_written,
        agency_uscc as uscc_as_written,
        'penalty_agency' as used_as
    from penalty_decisions

    union all

    select
        region_code,
        target_unit_name as name_as_written,
        target_unit_uscc as uscc_as_written,
        'supervision_target' as used_as
    from supervision_documents

    union all

    select
        region_code,
        procuratorate as name_as_written,
        cast(null as {{ dbt.type_string() }}) as uscc_as_written,
        'procuratorate' as used_as
    from supervision_documents

    union all

    select
        region_code,
        handling_unit_name as name_as_written,
        cast(null as {{ dbt.type_string() }}) as uscc_as_written,
        'hotline_handling_unit' as used_as
    from hotline_tickets

),

names_to_resolve as (

    select
        {{ unit_name_key('region_code', 'name_as_written', 'uscc_as_written') }} as unit_name_key,
        region_code,
        name_as_written,
        uscc_as_written,
        {{ clean_unit_name('name_as_written') }} as name_trimmed,
        nullif(upper(trim(uscc_as_written)), '') as uscc_trimmed,
        count(*) as n_ledger_rows,
        max(case when used_as = 'penalty_agency' then 1 else 0 end) = 1 as is_penalty_agency,
        max(case when used_as = 'supervision_target' then 1 else 0 end) = 1 as is_supervision_target,
        max(case when used_as = 'procuratorate' then 1 else 0 end) = 1 as is_procuratorate,
        max(case when used_as = 'hotline_handling_unit' then 1 else 0 end) = 1 as is_hotline_handling_unit
    from names_used
    where
        name_as_written is not null
        or uscc_as_written is not null
    group by
        region_code,
        name_as_written,
        uscc_as_written

),

candidates as (

    select
        names_to_resolve.unit_name_key,
        1 as level_rank,
        'uscc' as match_level,
        member_units.unit_uscc
    from names_to_resolve
    inner join member_units
        on
            names_to_resolve.region_code = member_units.region_code
            and names_to_resolve.uscc_trimmed = upper(trim(member_units.unit_uscc))

    union all

    select
        names_to_resolve.unit_name_key,
        case when unit_aliases.is_official_name then 2 else 3 end as level_rank,
        case when unit_aliases.is_official_name then 'name' else 'alias' end as match_level,
        unit_aliases.unit_uscc
    from names_to_resolve
    inner join unit_aliases
        on
            names_to_resolve.region_code = unit_aliases.region_code
            and names_to_resolve.name_trimmed = unit_aliases.alias_name

),

candidates_per_level as (

    select
        unit_name_key,
        level_rank,
        match_level,
        count(distinct unit_uscc) as n_candidates,
        min(unit_uscc) as unit_uscc
    from candidates
    group by
        unit_name_key,
        level_rank,
        match_level

),

first_level_ranked as (

    select
        unit_name_key,
        match_level,
        n_candidates,
        unit_uscc,
        row_number() over (partition by unit_name_key order by level_rank) as level_order
    from candidates_per_level

),

first_level as (

    select * from first_level_ranked
    where level_order = 1

),

uscc_elsewhere as (

    -- USCCs registered to a member unit of some region: explains a miss caused by the region
    select distinct upper(trim(unit_uscc)) as uscc_trimmed
    from member_units

),

final as (

    select
        ----------  ids
        names_to_resolve.unit_name_key,
        names_to_resolve.region_code,
        names_to_resolve.name_as_written,
        names_to_resolve.uscc_as_written,
        case
            when first_level.n_candidates = 1 then first_level.unit_uscc
        end as resolved_unit_uscc,

        ----------  names
        names_to_resolve.name_trimmed,
        resolved_units.unit_name as resolved_unit_name,

        ----------  resolution
        case
            when first_level.n_candidates = 1 then first_level.match_level
        end as resolved_by,
        case
            when first_level.n_candidates > 1
                then {{ dbt.concat(["'ambiguous_'", "first_level.match_level"]) }}
            when first_level.unit_name_key is null and uscc_elsewhere.uscc_trimmed is not null
                then 'uscc_in_other_region'
            when first_level.unit_name_key is null then 'no_match'
        end as unresolved_reason,
        coalesce(first_level.n_candidates, 0) as n_candidates,

        ----------  usage in the ledgers (current versions)
        names_to_resolve.n_ledger_rows,
        names_to_resolve.is_penalty_agency,
        names_to_resolve.is_supervision_target,
        names_to_resolve.is_procuratorate,
        names_to_resolve.is_hotline_handling_unit

    from names_to_resolve
    left join first_level
        on names_to_resolve.unit_name_key = first_level.unit_name_key
    left join member_units as resolved_units
        on
            first_level.n_candidates = 1
            and first_level.unit_uscc = resolved_units.unit_uscc
    left join uscc_elsewhere
        on names_to_resolve.uscc_trimmed = uscc_elsewhere.uscc_trimmed

)

select * from final
