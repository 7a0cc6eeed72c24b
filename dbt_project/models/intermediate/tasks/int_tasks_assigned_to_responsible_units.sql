-- Each task of the 任务清单 once per responsible unit: "市公安局、市市场监管局" is two rows, because a task
-- counts for each unit that owes it. The name as written is resolved to a member unit (R1) of the same
-- region by official name or alias (trimmed); a name that fits no unit, or several, stays unresolved
-- (responsible_unit_uscc NULL) — the warehouse never guesses. One row per (task, responsible name).

with

tasks as (

    select * from {{ ref('stg_tasks__tasks') }}

),

unit_aliases as (

    select * from {{ ref('stg_units__unit_aliases') }}

),

split as (

    select
        region_code,
        task_year,
        task_category,
        task_no,
        {{ split_to_rows('responsible_units', "';'") }} as responsible_name_raw
    from tasks

),

names as (

    select distinct
        region_code,
        task_year,
        task_category,
        task_no,
        {{ clean_unit_name('responsible_name_raw') }} as responsible_name_as_written
    from split

),

candidates as (

    select
        names.region_code,
        names.task_year,
        names.task_category,
        names.task_no,
        names.responsible_name_as_written,
        count(distinct unit_aliases.unit_uscc) as n_candidates,
        min(unit_aliases.unit_uscc) as only_candidate_uscc
    from names
    left join unit_aliases
        on
            names.region_code = unit_aliases.region_code
            and names.responsible_name_as_written = unit_aliases.alias_name
    where names.responsible_name_as_written is not null
    group by
        names.region_code,
        names.task_year,
        names.task_category,
        names.task_no,
        names.responsible_name_as_written

),

final as (

    select
        region_code,
        task_year,
        task_category,
        task_no,
        responsible_name_as_written,
        case when n_candidates = 1 then only_candidate_uscc end as responsible_unit_uscc,
        case
            when n_candidates = 1 then 'resolved'
            when n_candidates = 0 then 'unknown_name'
            else 'ambiguous'
        end as resolution,
        count(*) over (
            partition by region_code, task_year, task_category, task_no
        ) as responsible_units_on_task
    from candidates

)

select * from final
