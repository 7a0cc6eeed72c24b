-- 应移未移线索 (DOMAIN.md §4), as of the `as_of` var: one row per should-transfer case decided on or
-- before the as-of date and not transferred by then, and per reason — each fired threshold rule, plus
-- rule_id 'agency_flag' when the agency itself marked 是否涉嫌犯罪 = 是.
-- clue_status, first that holds:
--   已移送  the ledger records a transfer dated after the as-of date (the clue stood on that date);
--   已监督  a supervision document concerning the case was issued on or before the as-of date;
--   未处理  otherwise.

with

penalty_cases as (

    select * from {{ ref('fct_penalty_cases') }}

),

matched_rules as (

    select * from {{ ref('int_penalty_cases_matched_to_thresholds') }}

),

supervision_documents_on_cases as (

    select * from {{ ref('int_supervision_documents_linked_to_penalty_cases') }}

),

open_cases as (

    select * from penalty_cases
    where
        should_transfer
        and not transferred
        and is_decided_by_as_of

),

agency_flags as (

    select
        agency_uscc,
        decision_no,
        'agency_flag' as rule_id,
        'agency_flag' as rule_kind,
        0 as prior_penalties,
        '是否涉嫌犯罪 = 是 (marked by the agency itself); 国务院令310号 art 3' as legal_source,
        cast(null as {{ dbt.type_string() }}) as offence,
        cast(null as {{ dbt.type_string() }}) as measured_fact,
        cast(null as decimal(18, 4)) as measured_value,
        cast(null as decimal(18, 4)) as threshold,
        cast(null as {{ dbt.type_string() }}) as unit,
        cast(null as {{ dbt.type_string() }}) as value_source,
        cast(null as {{ dbt.type_string() }}) as evidence
    from penalty_cases
    where suspected_crime

),

reasons as (

    select
        agency_uscc,
        decision_no,
        rule_id,
        offence,
        rule_kind,
        measured_fact,
        measured_value,
        threshold,
        unit,
        value_source,
        evidence,
        prior_penalties,
        legal_source
    from matched_rules

    union all

    select
        agency_uscc,
        decision_no,
        rule_id,
        offence,
        rule_kind,
        measured_fact,
        measured_value,
        threshold,
        unit,
        value_source,
        evidence,
        prior_penalties,
        legal_source
    from agency_flags

),

supervised as (

    select distinct
        agency_uscc,
        decision_no
    from supervision_documents_on_cases
    where issued_date <= {{ as_of_date() }}

),

final as (

    select
        ----------  ids
        open_cases.agency_uscc,
        open_cases.decision_no,
        open_cases.region_code,
        reasons.rule_id,
        open_cases.party_key,
        open_cases.party_display_name,
        open_cases.violation_facts,

        ----------  the rule
        reasons.offence,
        reasons.rule_kind,
        reasons.legal_source,

        ----------  what was measured
        reasons.measured_fact,
        reasons.measured_value,
        reasons.threshold,
        reasons.unit,
        reasons.prior_penalties,

        ----------  dates
        open_cases.decision_date,
        open_cases.transfer_date,
        open_cases.as_of_date,

        ----------  where the value came from, and the status
        case
            when reasons.value_source = 'text' then reasons.evidence
            when reasons.value_source is not null then replace(reasons.value_source, 'column:', '')
        end as value_source,
        case
            when reasons.value_source = 'text' then 'text'
            when reasons.value_source = 'prior_penalties' then 'prior_penalties'
            when reasons.value_source is not null then 'column'
        end as value_source_kind,
        case
            when open_cases.transfer_date is not null then '已移送'
            when supervised.decision_no is not null then '已监督'
            else '未处理'
        end as clue_status

    from open_cases
    inner join reasons
        on
            open_cases.agency_uscc = reasons.agency_uscc
            and open_cases.decision_no = reasons.decision_no
    left join supervised
        on
            open_cases.agency_uscc = supervised.agency_uscc
            and open_cases.decision_no = supervised.decision_no

)

select * from final
