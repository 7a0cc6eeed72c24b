-- Every reply duty the ledgers create, one row per (obligation_kind, source_scope, source_key), before
-- any deadline is computed: what starts the period (anchor), who owes the reply (as written), an
-- explicit due date that overrides the rule, and when the reply came. The duties a hotline ticket owes are
-- the deadline_rules rows listed from hotline_tickets (channel, push, who owes it, which column replies).
--   supervision_reply        每份监督文书 → 被监督单位; from 送达日期 (制发日期 when missing, flagged)
--   police_review            每件移送案件 → 公安机关; from 移送日期; reply = 公安机关决定日期
--   hotline_close            每张 12345 工单 → 承办单位; from 受理时间; reply = 办结时间
--   hotline_procedural_reply 每条 12309 线索 → 检察院; from 受理时间; reply = 程序性回复时间
--   hotline_result_reply     每条 12309 线索 → 检察院; from 受理时间; reply = 办结时间
--   hotline_push             每张推送的 12345 工单 → 12345 热线中心; from 受理时间; reply = 推送时间
--   hotline_feedback         每条推送的工单/线索 → 接收方（对方工单的承办单位）; from 推送时间; reply = 反馈时间

-- Incremental on DuckDB: a build after new files lists again only the duties obligation_is_recomputed()
-- selects (macros/incremental/) — each branch below reads one feed and is skipped when that feed has no
-- new file; transferred cases only for the decisions int_penalty_cases_to_rebuild lists. A table
-- elsewhere (fct_obligations and the tests read it; as a view each of them recomputed the whole chain).
-- depends_on: {{ ref('int_penalty_cases_to_rebuild') }}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_recomputed_obligations() }}"
) }}

with

supervision_documents as (

    select * from {{ ref('stg_supervision__documents') }}

),

penalty_decisions as (

    {{ decisions_to_rebuild() }}

),

hotline_tickets as (

    select * from {{ ref('stg_hotline__tickets') }}

),

deadline_rules as (

    select * from {{ ref('deadline_rules') }}

),

supervision_replies as (

    select
        'supervision_reply' as obligation_kind,
        procuratorate as source_scope,
        document_no as source_key,
        region_code,
        'supervision_target' as responsible_role,
        target_unit_name as responsible_name_as_written,
        target_unit_uscc as responsible_uscc_as_written,
        supervision_type,
        coalesce(is_urgent, false) as is_urgent,
        cast(coalesce(served_date, issued_date) as {{ dbt.type_timestamp() }}) as anchor_at,
        coalesce(served_date, issued_date) as anchor_date,
        served_date is null as anchor_fallback_flag,
        reply_due_date as override_due_date,
        case when reply_due_date is not null then 'reply_due_date' end as override_column,
        reply_date as replied_date
    from supervision_documents
    where {{ feed_has_new_files('supervision_ledger') if is_incremental() else 'true' }}

),

police_reviews as (

    select
        'police_review' as obligation_kind,
        agency_uscc as source_scope,
        decision_no as source_key,
        region_code,
        'police' as responsible_role,
        transfer_receiver as responsible_name_as_written,
        cast(null as {{ dbt.type_string() }}) as responsible_uscc_as_written,
        cast(null as {{ dbt.type_string() }}) as supervision_type,
        false as is_urgent,
        cast(transfer_date as {{ dbt.type_timestamp() }}) as anchor_at,
        transfer_date as anchor_date,
        false as anchor_fallback_flag,
        cast(null as date) as override_due_date,
        cast(null as {{ dbt.type_string() }}) as override_column,
        police_decision_date as replied_date
    from penalty_decisions
    where transfer_date is not null

),

counterparts as (

    -- the other side of a pushed pair: it owes the feedback
    select
        region_code,
        channel,
        ticket_no,
        handling_unit_name
    from hotline_tickets

),

hotline_duties as (

    -- the duties every matching ticket owes, one row per kind: adding a hotline duty is adding a rule row
    select
        obligation_kind,
        anchor,
        source_channel,
        responsible_role,
        reply_column,
        override_column,
        coalesce(requires_push, false) as requires_push
    from deadline_rules
    where listed_from = 'hotline_tickets'

),

hotline_obligations as (

    select
        duties.obligation_kind,
        tickets.channel as source_scope,
        tickets.ticket_no as source_key,
        tickets.region_code,
        duties.responsible_role,
        case
            when duties.responsible_role = 'hotline_handling_unit' then tickets.handling_unit_name
        end as responsible_name_as_written,
        cast(null as {{ dbt.type_string() }}) as responsible_uscc_as_written,
        cast(null as {{ dbt.type_string() }}) as supervision_type,
        false as is_urgent,
        tickets.received_at as anchor_at,
        cast(tickets.received_at as date) as anchor_date,
        false as anchor_fallback_flag,
        case
            when duties.override_column = 'due_at' then cast(tickets.due_at as date)
        end as override_due_date,
        case
            when duties.override_column = 'due_at' and tickets.due_at is not null then 'due_at'
        end as override_column,
        cast(
            case duties.reply_column
                {%- for column in ['closed_at', 'procedural_reply_at', 'pushed_at', 'feedback_at'] %}
                    when '{{ column }}' then tickets.{{ column }}
                {%- endfor %}
            end as date
        ) as replied_date
    from hotline_tickets as tickets
    inner join hotline_duties as duties
        on
            tickets.channel = duties.source_channel
            and (tickets.is_pushed or not duties.requires_push)
    -- every listed duty runs from 受理时间 (the seed's anchor says so; a test keeps them in step)
    where
        duties.anchor = 'received_at'
        and {{ feed_has_new_files('hotline_exchange') if is_incremental() else 'true' }}

),

hotline_feedbacks as (

    select
        'hotline_feedback' as obligation_kind,
        pushed.channel as source_scope,
        pushed.ticket_no as source_key,
        pushed.region_code,
        'counterpart_handling_unit' as responsible_role,
        counterparts.handling_unit_name as responsible_name_as_written,
        cast(null as {{ dbt.type_string() }}) as responsible_uscc_as_written,
        cast(null as {{ dbt.type_string() }}) as supervision_type,
        false as is_urgent,
        pushed.pushed_at as anchor_at,
        cast(pushed.pushed_at as date) as anchor_date,
        false as anchor_fallback_flag,
        cast(null as date) as override_due_date,
        cast(null as {{ dbt.type_string() }}) as override_column,
        cast(pushed.feedback_at as date) as replied_date
    from hotline_tickets as pushed
    left join counterparts
        on
            pushed.region_code = counterparts.region_code
            and pushed.counterpart_ticket_no = counterparts.ticket_no
            and pushed.channel != counterparts.channel
    where
        pushed.is_pushed
        and pushed.pushed_at is not null
        and {{ feed_has_new_files('hotline_exchange') if is_incremental() else 'true' }}

),

final as (

    select * from supervision_replies
    union all
    select * from police_reviews
    union all
    select * from hotline_obligations
    union all
    select * from hotline_feedbacks

)

select * from final
