-- The overdue list a publication shows: every reply duty past its due date (逾期未回复, or 逾期回复 replied
-- late), with a short category — the ticket's 诉求类型 or the document's 监督类型 — beside its number, so the
-- responsible unit can find the item. Never the citizen's own words: 诉求内容 stays out of publications.
-- Incremental on DuckDB: a build after new files recomputes only the regions region_is_rebuilt() selects
-- (macros/incremental/): both inputs keep only those regions' rows (`rebuilt`). A table elsewhere.
-- depends_on: {{ ref('int_regions_to_rebuild') }}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_rebuilt_regions() }}"
) }}
{%- set rebuilt = region_is_rebuilt('region_code') %}

with

obligations as (

    -- hotline_ticket_no: the ticket a hotline duty is about, so the join to the tickets is a plain equi-join
    -- (a condition on one side only, such as `obligation_kind like 'hotline%'`, in a LEFT JOIN's ON
    -- turned it into a nested-loop join: 64 s of the 0.25 build)
    select
        *,
        case when obligation_kind like 'hotline%' then source_key end as hotline_ticket_no
    from {{ ref('fct_obligations') }}
    where {{ rebuilt }}

),

hotline_tickets as (

    select * from {{ ref('stg_hotline__tickets') }}
    where {{ rebuilt }}

),

deadline_rules as (

    select * from {{ ref('deadline_rules') }}

),

final as (

    select
        obligations.obligation_id,
        obligations.obligation_kind,
        obligations.region_code,
        obligations.responsible_unit_uscc,
        obligations.source_key,
        obligations.supervision_type,
        obligations.anchor_date,
        obligations.due_date,
        obligations.replied_date,
        obligations.status,
        obligations.days_past_due,
        obligations.due_date_rule,
        obligations.as_of_date,
        case
            when obligations.due_date_rule = 'override:reply_due_date' then '文书载明的回复期限'
            when obligations.due_date_rule = 'override:due_at' then '工单载明的办理时限'
            else deadline_rules.legal_source
        end as due_date_basis,
        coalesce(obligations.responsible_unit_name, obligations.responsible_name_as_written)
            as responsible_unit_name,
        coalesce(hotline_tickets.request_type, obligations.supervision_type) as subject_summary
    from obligations
    left join hotline_tickets
        on
            obligations.hotline_ticket_no = hotline_tickets.ticket_no
            and obligations.region_code = hotline_tickets.region_code
            and obligations.source_scope = hotline_tickets.channel
    left join deadline_rules
        on obligations.due_date_rule = deadline_rules.rule_id
    where obligations.status in ('逾期未回复', '逾期回复')

)

select * from final
