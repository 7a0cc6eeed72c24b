-- The due date of every reply duty (DOMAIN.md §2). The rule comes from the deadline_rules seed (by
-- obligation kind, 监督类型 and 是否紧急); an explicit due date on the record overrides it. Working days
-- come from the work_calendar seed: a 日/个月 period's last day rolls to the next working day, N 工作日 is
-- an index lookup on the numbered working days, 小时 run from the timestamp. A last day outside the
-- calendar leaves the due date NULL and names the missing year in calendar_missing_year, which makes
-- fct_obligations stop the build — never a silent NULL.

-- Incremental on DuckDB: a build after new files recomputes only the duties obligation_is_recomputed()
-- selects (macros/incremental/); a table elsewhere.
-- depends_on: {{ ref('int_penalty_cases_to_rebuild') }}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_recomputed_obligations() }}"
) }}

with

obligations as (

    select * from {{ ref('int_obligations_listed') }}
    where {{ obligation_is_recomputed(
        'obligation_kind', 'source_scope', 'source_key'
    ) if is_incremental() else 'true' }}

),

deadline_rules as (

    select * from {{ ref('deadline_rules') }}

),

work_calendar as (

    select * from {{ ref('work_calendar') }}

),

calendar_workdays as (

    -- workday_number: working days up to and including the date, so "the N-th working day after d"
    -- is the working day numbered workday_number(d) + N, whether d itself is a working day or not
    select
        calendar_date,
        is_workday,
        sum(case when is_workday then 1 else 0 end) over (
            order by calendar_date rows between unbounded preceding and current row
        ) as workday_number,
        min(case when is_workday then calendar_date end) over (
            order by calendar_date rows between current row and unbounded following
        ) as next_workday_date
    from work_calendar

),

calendar_bounds as (

    select max(year) as last_calendar_year
    from work_calendar

),

matched as (

    select
        obligations.*,
        deadline_rules.rule_id,
        deadline_rules.amount as rule_amount,
        deadline_rules.unit as rule_unit
    from obligations
    left join deadline_rules
        on
            obligations.obligation_kind = deadline_rules.obligation_kind
            and (
                deadline_rules.supervision_type is null
                or obligations.supervision_type = deadline_rules.supervision_type
            )
            and (
                deadline_rules.urgent is null
                or obligations.is_urgent = deadline_rules.urgent
            )

),

period_ends as (

    select
        matched.*,
        case
            when matched.rule_unit in ('日', '个月')
                then {{ deadline_period_end(
                    'matched.anchor_date', 'matched.rule_amount', 'matched.rule_unit'
                ) }}
        end as period_last_day,
        case
            when matched.rule_unit = '小时'
                then {{ deadline_hours_end('matched.anchor_at', 'matched.rule_amount') }}
        end as period_end_at,
        -- the join key for 工作日 rules: a plain equi-join (a condition on rule_unit inside the ON clause
        -- made it a nested-loop join, 21 s at 0.25)
        case when matched.rule_unit = '工作日' then matched.anchor_date end as workday_anchor_date
    from matched

),

looked_up as (

    select
        period_ends.*,
        last_day_calendar.calendar_date as last_day_in_calendar,
        last_day_calendar.next_workday_date as rolled_last_day,
        anchor_calendar.calendar_date as anchor_in_calendar,
        nth_workday.calendar_date as nth_workday_date
    from period_ends
    left join calendar_workdays as last_day_calendar
        on period_ends.period_last_day = last_day_calendar.calendar_date
    left join calendar_workdays as anchor_calendar
        on period_ends.workday_anchor_date = anchor_calendar.calendar_date
    left join calendar_workdays as nth_workday
        on
            anchor_calendar.workday_number + period_ends.rule_amount = nth_workday.workday_number
            and nth_workday.is_workday

),

computed as (

    select
        looked_up.*,
        case
            when looked_up.rule_unit in ('日', '个月') then looked_up.rolled_last_day
            when looked_up.rule_unit = '工作日' then looked_up.nth_workday_date
            when looked_up.rule_unit = '小时' then cast(looked_up.period_end_at as date)
        end as rule_due_date,
        case
            when looked_up.rule_unit in ('日', '个月') and looked_up.last_day_in_calendar is null
                then extract(year from looked_up.period_last_day)
            when looked_up.rule_unit in ('日', '个月') and looked_up.rolled_last_day is null
                then calendar_bounds.last_calendar_year + 1
            when looked_up.rule_unit = '工作日' and looked_up.anchor_in_calendar is null
                then extract(year from looked_up.anchor_date)
            when looked_up.rule_unit = '工作日' and looked_up.nth_workday_date is null
                then calendar_bounds.last_calendar_year + 1
        end as rule_missing_year
    from looked_up
    cross join calendar_bounds

),

final as (

    select
        ----------  ids
        obligation_kind,
        source_scope,
        source_key,
        region_code,

        ----------  who owes the reply (as written)
        responsible_role,
        responsible_name_as_written,
        responsible_uscc_as_written,

        ----------  rule inputs
        supervision_type,
        is_urgent,
        anchor_at,
        anchor_date,
        anchor_fallback_flag,

        ----------  the due date and where it came from
        coalesce(override_due_date, rule_due_date) as due_date,
        case
            when override_due_date is not null then {{ dbt.concat(["'override:'", "override_column"]) }}
            else rule_id
        end as due_date_rule,
        case
            when override_column = 'reply_due_date' then '回复期限（文书载明）'
            when override_column = 'due_at' then '办理时限（工单载明）'
            when rule_unit = '工作日'
                then {{ dbt.concat(["cast(rule_amount as " ~ dbt.type_string() ~ ")", "'个工作日'"]) }}
            when rule_unit is not null
                then {{ dbt.concat(["cast(rule_amount as " ~ dbt.type_string() ~ ")", "rule_unit"]) }}
        end as due_period,
        rule_id,
        rule_amount,
        rule_unit,
        rule_due_date,
        override_due_date,
        coalesce(override_due_date is not null or rule_amount is not null, false) as has_reply_duty,
        case when override_due_date is null then cast(rule_missing_year as integer) end
            as calendar_missing_year,

        ----------  the reply
        replied_date

    from computed

)

select * from final
