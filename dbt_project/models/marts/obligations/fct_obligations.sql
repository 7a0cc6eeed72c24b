-- One row per reply duty with its due date and its status as of as_of_date() (DOMAIN.md §4):
-- 按期 (replied by the due date), 逾期回复 (replied late), 逾期未回复 (no reply, due date passed),
-- 未到期 (no reply, not yet due). Duties that arise after the as-of date are left out; a reply dated
-- after it counts as no reply yet. The owing unit is resolved to a member unit (R1) where the ledger
-- only names it. A due date beyond the working-day calendar stops the build with a message.

-- Incremental on DuckDB: a build after new files recomputes only the duties obligation_is_recomputed()
-- selects (macros/incremental/), and every duty after a member-unit file; a table elsewhere.
-- depends_on: {{ ref('int_penalty_cases_to_rebuild') }}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_recomputed_obligations(with_units=true) }}"
) }}

with

obligations as (

    select * from {{ ref('int_obligations_due_dates_computed') }}
    where
        has_reply_duty
        and {{ obligation_is_recomputed(
            'obligation_kind', 'source_scope', 'source_key', with_units=true
        ) if is_incremental() else 'true' }}

),

resolved_names as (

    select * from {{ ref('int_unit_names_resolved_to_member_units') }}

),

unit_aliases as (

    select * from {{ ref('stg_units__unit_aliases') }}

),

member_units as (

    select * from {{ ref('stg_units__member_units') }}

),

calendar_workdays as (

    -- working days up to and including each date: reply_working_days is a difference of two numbers
    select
        calendar_date,
        sum(case when is_workday then 1 else 0 end) over (
            order by calendar_date rows between unbounded preceding and current row
        ) as workday_number
    from {{ ref('work_calendar') }}

),

aliases_unique as (

    -- names the resolution model does not list (the police unit written as 移送接收单位):
    -- an official name or alias of exactly one member unit of the region
    select
        region_code,
        alias_name,
        min(unit_uscc) as unit_uscc
    from unit_aliases
    group by
        region_code,
        alias_name
    having count(distinct unit_uscc) = 1

),

hotline_centers as (

    -- the unit that pushes 12345 tickets: the region's only member unit of kind 热线中心
    select
        region_code,
        min(unit_uscc) as unit_uscc
    from member_units
    where unit_kind = '热线中心'
    group by region_code
    having count(*) = 1

),

resolved as (

    select
        obligations.*,
        coalesce(
            resolved_names.resolved_unit_uscc,
            aliases_unique.unit_uscc,
            hotline_centers.unit_uscc,
            obligations.responsible_uscc_as_written
        ) as responsible_unit_uscc
    from obligations
    left join resolved_names
        on
            resolved_names.unit_name_key = {{ unit_name_key(
                'obligations.region_code',
                'obligations.responsible_name_as_written',
                'obligations.responsible_uscc_as_written'
            ) }}
    left join aliases_unique
        on
            obligations.region_code = aliases_unique.region_code
            and {{ clean_unit_name('obligations.responsible_name_as_written') }} = aliases_unique.alias_name
    left join hotline_centers  -- one equi-join key: a condition on responsible_role alone made a nested loop
        on
            case
                when obligations.responsible_role = 'hotline_center' then obligations.region_code
            end = hotline_centers.region_code

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

checked as (

    select
        resolved.*,
        as_of.as_of_date,
        case
            when resolved.calendar_missing_year is not null
                then {{ raise_runtime_error(dbt.concat([
                    "'工作日历缺少 '", "cast(resolved.calendar_missing_year as " ~ dbt.type_string() ~ ")",
                    "' 年，无法计算 '", "resolved.obligation_kind", "' '", "resolved.source_key",
                    "' 的到期日；请运行 pip install -U chinesecalendar && python -m ingest.calendar 后 dbt seed'",
                    "' / work calendar has no year '",
                    "cast(resolved.calendar_missing_year as " ~ dbt.type_string() ~ ")",
                    "': run pip install -U chinesecalendar && python -m ingest.calendar, then dbt seed'"
                ])) }}
            else resolved.due_date
        end as checked_due_date,
        case when resolved.replied_date <= as_of.as_of_date then resolved.replied_date end as replied_by_as_of
    from resolved
    cross join as_of
    where resolved.anchor_date <= as_of.as_of_date

),

final as (

    select
        ----------  ids
        {{ dbt.hash(dbt.concat([
            "checked.obligation_kind", "'|'", "coalesce(checked.source_scope, '')", "'|'", "checked.source_key"
        ])) }} as obligation_id,
        checked.obligation_kind,
        checked.source_scope,
        checked.source_key,
        checked.region_code,
        checked.responsible_unit_uscc,

        ----------  names
        coalesce(member_units.unit_name, checked.responsible_name_as_written) as responsible_unit_name,
        checked.responsible_name_as_written,
        checked.responsible_role,

        ----------  rule inputs
        checked.supervision_type,
        checked.is_urgent,

        ----------  dates
        checked.anchor_date,
        checked.checked_due_date as due_date,
        checked.replied_by_as_of as replied_date,
        checked.as_of_date,

        ----------  status
        case
            when checked.replied_by_as_of is not null and checked.replied_by_as_of <= checked.checked_due_date
                then '按期'
            when checked.replied_by_as_of is not null then '逾期回复'
            when checked.checked_due_date < checked.as_of_date then '逾期未回复'
            else '未到期'
        end as status,
        case
            when checked.replied_by_as_of is not null
                then {{ dbt.datediff('checked.checked_due_date', 'checked.replied_by_as_of', 'day') }}
            else {{ dbt.datediff('checked.checked_due_date', 'checked.as_of_date', 'day') }}
        end as days_past_due,

        ----------  reply time (replied duties only): calendar days and working days after the anchor
        case
            when checked.replied_by_as_of is not null
                then {{ dbt.datediff('checked.anchor_date', 'checked.replied_by_as_of', 'day') }}
        end as reply_days,
        case
            when checked.replied_by_as_of is not null
                then replied_workdays.workday_number - anchor_workdays.workday_number
        end as reply_working_days,

        ----------  rule
        checked.due_date_rule,
        checked.due_period,

        ----------  flags
        checked.anchor_fallback_flag

    from checked
    left join member_units
        on checked.responsible_unit_uscc = member_units.unit_uscc
    left join calendar_workdays as anchor_workdays
        on checked.anchor_date = anchor_workdays.calendar_date
    left join calendar_workdays as replied_workdays
        on checked.replied_by_as_of = replied_workdays.calendar_date

)

select * from final
