-- One row per current 行政处罚决定 with its transfer facts (DOMAIN.md §4), as of the `as_of` var:
--   should_transfer  应当移送: the agency marked 是否涉嫌犯罪 = 是, or transferred, or a threshold rule fired;
--   transferred      移送 dated on or before the as-of date;
--   proactive_transfer  transferred with no 检察意见（督促移送）on the case issued on or before the transfer
--                    date (documents join by 关联处罚决定书文号 + the supervised unit = the agency).
-- Incremental on DuckDB: a build after new files recomputes only the decisions whose inputs they may have
-- changed — new penalty versions, the parties' decisions the threshold matching recomputes, the cases a new
-- supervision document version names (before and after), everything after a member-unit file
-- (int_penalty_cases_to_rebuild); a first build, a new as-of date or a changed project is a full refresh
-- (warehouse/build_state.py).
-- depends_on: {{ ref('int_penalty_cases_to_rebuild') }}

{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_listed_penalty_cases('int_penalty_cases_to_rebuild') }}"
) }}

with

penalty_decisions as (

    {{ decisions_to_rebuild() }}

),

matched_rules as (

    select * from {{ ref('int_penalty_cases_matched_to_thresholds') }}

),

supervision_documents_on_cases as (

    select * from {{ ref('int_supervision_documents_linked_to_penalty_cases') }}

),

rule_hits as (

    select
        agency_uscc,
        decision_no,
        count(*) as rule_hit_count
    from matched_rules
    group by
        agency_uscc,
        decision_no

),

cases as (

    select
        penalty_decisions.*,
        coalesce(rule_hits.rule_hit_count, 0) as rule_hit_count,
        coalesce(penalty_decisions.transfer_date <= {{ as_of_date() }}, false) as is_transferred
    from penalty_decisions
    left join rule_hits
        on
            penalty_decisions.agency_uscc = rule_hits.agency_uscc
            and penalty_decisions.decision_no = rule_hits.decision_no

),

transfer_prompts as (

    -- 检察意见（督促移送）issued on or before the transfer: the transfer was prompted, not proactive
    select distinct
        cases.agency_uscc,
        cases.decision_no
    from cases
    inner join supervision_documents_on_cases
        on
            cases.agency_uscc = supervision_documents_on_cases.agency_uscc
            and cases.decision_no = supervision_documents_on_cases.decision_no
    where
        supervision_documents_on_cases.supervision_type = '检察意见（督促移送）'
        and supervision_documents_on_cases.issued_date <= cases.transfer_date

),

final as (

    select
        ----------  ids
        cases.agency_uscc,
        cases.decision_no,
        cases.region_code,
        {{ penalty_party_key('cases.party_uscc', 'cases.party_id_no') }} as party_key,

        ----------  names (publications show a natural person only as 自然人; legal persons are public)
        case
            when cases.party_category = '自然人' or {{ is_pseudonymised_name('cases.party_name') }} then '自然人'
            else cases.party_name
        end as party_display_name,

        ----------  text (masked at ingest)
        cases.violation_facts,

        ----------  dates
        cases.decision_date,
        cases.entry_date,
        cases.transfer_date,
        cases.police_decision_date,

        ----------  amounts
        cases.fine_amount as fine_amount_yuan,

        ----------  codes
        cases.enforcement_domain,
        cases.party_category,
        cases.police_decision,

        ----------  flags
        coalesce(cases.is_suspected_crime, false) as suspected_crime,
        (
            coalesce(cases.is_suspected_crime, false)
            or cases.is_transferred
            or cases.rule_hit_count > 0
        ) as should_transfer,
        cases.is_transferred as transferred,
        case
            when cases.is_transferred then transfer_prompts.decision_no is null
        end as proactive_transfer,
        cases.rule_hit_count,
        cases.decision_date <= {{ as_of_date() }} as is_decided_by_as_of,

        ----------  as of
        {{ as_of_date() }} as as_of_date

    from cases
    left join transfer_prompts
        on
            cases.agency_uscc = transfer_prompts.agency_uscc
            and cases.decision_no = transfer_prompts.decision_no

)

select * from final
