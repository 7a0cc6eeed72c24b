-- Every scorecard indicator measured per region, unit and year, with its numerator and
-- denominator; a unit-year-indicator with an empty denominator simply has no row here ("no data").
-- Years: penalty cases by year of decision, reply duties by year they fell due, supervision outcomes by
-- year of issue, 12345 satisfaction by year of receipt. The unit is the one that owes the result.
-- A second mart layer by design: it reads the published marts, so a score agrees with the figures shown.
-- Incremental on DuckDB: a build after new files recomputes only the regions region_is_rebuilt() selects
-- (macros/incremental/): each input below keeps only those regions' rows (`rebuilt`). A table
-- elsewhere.
-- depends_on: {{ ref('int_regions_to_rebuild') }}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_rebuilt_regions() }}"
) }}
{%- set rebuilt = region_is_rebuilt('region_code') %}

with

penalty_cases as (

    -- only the columns scored: three CTEs read it, so it is computed once, and all of its columns
    -- (违法事实 among them) were held for the whole statement (~1 s at province scale)
    select
        region_code,
        agency_uscc,
        decision_date,
        entry_date,
        transferred,
        should_transfer
    from {{ ref('fct_penalty_cases') }}
    where
        is_decided_by_as_of
        and {{ rebuilt }}

),

clues as (

    select * from {{ ref('fct_non_transfer_clues') }}
    where {{ rebuilt }}

),

obligations as (

    select * from {{ ref('fct_obligations') }}
    where {{ rebuilt }}

),

supervision_outcomes as (

    select * from {{ ref('agg_supervision_outcomes') }}
    where {{ rebuilt }}

),

rows_checked as (

    select * from {{ ref('int_penalty_rows_checked_by_unit') }}
    where {{ rebuilt }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}
    where {{ rebuilt }}

),

hotline_tickets as (

    select * from {{ ref('stg_hotline__tickets') }}
    where {{ rebuilt }}

),

scorecard_config as (

    select * from {{ ref('int_scorecard_config_by_region') }}
    where {{ rebuilt }}

),

work_calendar as (

    select * from {{ ref('work_calendar') }}

),

deadline_rules as (

    select * from {{ ref('deadline_rules') }}

),

calendar_workdays as (

    -- workday_number: working days up to and including the date
    select
        calendar_date,
        sum(case when is_workday then 1 else 0 end) over (
            order by calendar_date rows between unbounded preceding and current row
        ) as workday_number
    from work_calendar

),

entry_window as (

    -- 录入及时 window: the penalty_entry deadline rule (working days), in every jurisdiction that scores it
    select
        scorecard_config.region_code,
        deadline_rules.amount as working_days
    from scorecard_config
    cross join deadline_rules
    where
        scorecard_config.indicator_code = 'entry_timeliness'
        and deadline_rules.rule_id = 'penalty_entry'

),

transfer_rate as (

    select
        region_code,
        agency_uscc as unit_uscc,
        extract(year from decision_date) as score_year,
        'transfer_rate' as indicator_code,
        sum(case when transferred then 1 else 0 end) as numerator,
        sum(case when should_transfer then 1 else 0 end) as denominator
    from penalty_cases
    group by
        region_code,
        agency_uscc,
        extract(year from decision_date)

),

clue_cases as (

    select
        region_code,
        agency_uscc,
        extract(year from decision_date) as score_year,
        count(distinct decision_no) as clue_cases
    from clues
    group by
        region_code,
        agency_uscc,
        extract(year from decision_date)

),

clues_per_100 as (

    select
        penalty_cases.region_code,
        penalty_cases.agency_uscc as unit_uscc,
        extract(year from penalty_cases.decision_date) as score_year,
        'non_transfer_clues_per_100' as indicator_code,
        max(coalesce(clue_cases.clue_cases, 0)) as numerator,
        count(*) as denominator
    from penalty_cases
    left join clue_cases
        on
            penalty_cases.region_code = clue_cases.region_code
            and penalty_cases.agency_uscc = clue_cases.agency_uscc
            and extract(year from penalty_cases.decision_date) = clue_cases.score_year
    group by
        penalty_cases.region_code,
        penalty_cases.agency_uscc,
        extract(year from penalty_cases.decision_date)

),

duty_timeliness as (

    select
        region_code,
        responsible_unit_uscc as unit_uscc,
        extract(year from due_date) as score_year,
        case
            when obligation_kind = 'supervision_reply' then 'supervision_reply_timeliness'
            when obligation_kind = 'hotline_close' then 'hotline_on_time_close_rate'
            else 'dual_push_timeliness'
        end as indicator_code,
        sum(case when status = '按期' then 1 else 0 end) as numerator,
        sum(case when status in ('按期', '逾期回复', '逾期未回复') then 1 else 0 end) as denominator
    from obligations
    where
        obligation_kind in ('supervision_reply', 'hotline_close', 'hotline_push', 'hotline_feedback')
        and responsible_unit_uscc is not null
    group by
        region_code,
        responsible_unit_uscc,
        extract(year from due_date),
        case
            when obligation_kind = 'supervision_reply' then 'supervision_reply_timeliness'
            when obligation_kind = 'hotline_close' then 'hotline_on_time_close_rate'
            else 'dual_push_timeliness'
        end

),

rectification_rate as (

    select
        region_code,
        target_unit_uscc as unit_uscc,
        issued_year as score_year,
        'rectification_rate' as indicator_code,
        sum(documents_rectified) as numerator,
        sum(documents_requiring_rectification) as denominator
    from supervision_outcomes
    group by
        region_code,
        target_unit_uscc,
        issued_year

),

adoption_rate as (

    select
        region_code,
        target_unit_uscc as unit_uscc,
        issued_year as score_year,
        'adoption_rate' as indicator_code,
        sum(documents_adopted) as numerator,
        sum(documents_replied) as denominator
    from supervision_outcomes
    group by
        region_code,
        target_unit_uscc,
        issued_year

),

entry_lags as (

    select
        penalty_cases.region_code,
        penalty_cases.agency_uscc,
        penalty_cases.decision_date,
        entry_days.workday_number - decision_days.workday_number as entry_workdays
    from penalty_cases
    left join calendar_workdays as decision_days
        on penalty_cases.decision_date = decision_days.calendar_date
    left join calendar_workdays as entry_days
        on penalty_cases.entry_date = entry_days.calendar_date

),

entry_timeliness as (

    select
        entry_lags.region_code,
        entry_lags.agency_uscc as unit_uscc,
        extract(year from entry_lags.decision_date) as score_year,
        'entry_timeliness' as indicator_code,
        sum(
            case when entry_lags.entry_workdays <= entry_window.working_days then 1 else 0 end
        ) as numerator,
        count(*) as denominator
    from entry_lags
    inner join entry_window
        on entry_lags.region_code = entry_window.region_code
    group by
        entry_lags.region_code,
        entry_lags.agency_uscc,
        extract(year from entry_lags.decision_date)

),

data_standard_compliance as (

    select
        region_code,
        agency_uscc as unit_uscc,
        decision_year as score_year,
        'data_standard_compliance' as indicator_code,
        sum(rows_loaded) as numerator,
        sum(rows_loaded + rows_quarantined) as denominator
    from rows_checked
    group by
        region_code,
        agency_uscc,
        decision_year

),

hotline_satisfaction as (

    select
        obligations.region_code,
        obligations.responsible_unit_uscc as unit_uscc,
        extract(year from hotline_tickets.received_at) as score_year,
        'hotline_satisfaction_rate' as indicator_code,
        sum(case when hotline_tickets.satisfaction in ('满意', '基本满意') then 1 else 0 end) as numerator,
        sum(case when hotline_tickets.satisfaction in ('满意', '基本满意', '不满意') then 1 else 0 end) as denominator
    from hotline_tickets
    inner join obligations
        on
            obligations.obligation_kind = 'hotline_close'
            and hotline_tickets.ticket_no = obligations.source_key
            and hotline_tickets.region_code = obligations.region_code
    where
        hotline_tickets.channel = '12345'
        and cast(hotline_tickets.received_at as date) <= {{ as_of_date() }}
        and obligations.responsible_unit_uscc is not null
    group by
        obligations.region_code,
        obligations.responsible_unit_uscc,
        extract(year from hotline_tickets.received_at)

),

task_completion as (

    -- 落实任务清单: tasks (重点工作任务 and 议定事项) completed by their deadline ÷ tasks due by the as-of date
    -- (completed, or deadline passed), per responsible unit and list year; a task open and not yet due
    -- does not count either way
    select
        region_code,
        responsible_unit_uscc as unit_uscc,
        task_year as score_year,
        'task_completion' as indicator_code,
        sum(case when task_status = '按期完成' then 1 else 0 end) as numerator,
        sum(case when is_due_by_as_of then 1 else 0 end) as denominator
    from tasks
    where responsible_unit_uscc is not null
    group by
        region_code,
        responsible_unit_uscc,
        task_year

),

measured as (

    select * from transfer_rate
    union all
    select * from clues_per_100
    union all
    select * from duty_timeliness
    union all
    select * from rectification_rate
    union all
    select * from adoption_rate
    union all
    select * from entry_timeliness
    union all
    select * from data_standard_compliance
    union all
    select * from hotline_satisfaction
    union all
    select * from task_completion

),

final as (

    select
        region_code,
        unit_uscc,
        cast(score_year as integer) as score_year,
        indicator_code,
        numerator,
        denominator,
        case
            when indicator_code = 'non_transfer_clues_per_100'
                then 100.0 * {{ safe_divide('numerator', 'denominator') }}
            else {{ safe_divide('numerator', 'denominator') }}
        end as indicator_value
    from measured
    where denominator > 0

)

select * from final
