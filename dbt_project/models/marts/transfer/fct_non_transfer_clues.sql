-- 应移未移线索 (DOMAIN.md §4), as of the `as_of` var: one row per should-transfer case decided on or
-- before the as-of date and not transferred by then, and per reason — each fired threshold rule, plus
-- rule_id 'agency_flag' when the agency itself marked 是否涉嫌犯罪 = 是. evidence_zh says in Chinese what
-- was found (the phrase of 违法事实 or the ledger column, the value against the threshold, the earlier
-- penalties) and legal_basis_zh the article, paragraph and item — never an internal rule id.
-- clue_status, first that holds:
--   已移送  the ledger records a transfer dated after the as-of date (the clue stood on that date);
--   已监督  a supervision document concerning the case was issued on or before the as-of date;
--   未处理  otherwise.
-- Incremental on DuckDB like fct_penalty_cases: a case's clues read only that case's row of
-- fct_penalty_cases, its threshold matches and the documents on it, which change only for the cases
-- int_penalty_cases_to_rebuild lists (see there), so an incremental build deletes and recomputes the
-- clues of those cases only.
-- depends_on: {{ ref('int_penalty_cases_to_rebuild') }}

{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_listed_penalty_cases('int_penalty_cases_to_rebuild') }}"
) }}

with

penalty_cases as (

    {{ listed_penalty_cases(ref('fct_penalty_cases')) }}

),

matched_rules as (

    {{ listed_penalty_cases(ref('int_penalty_cases_matched_to_thresholds')) }}

),

fact_labels as (

    select * from {{ ref('fact_labels') }}

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
        cast(null as integer) as repeat_min_prior_penalties,
        cast(null as integer) as repeat_window_years,
        '是否涉嫌犯罪 = 是 (marked by the agency itself); 国务院令310号 art 3' as legal_source,
        '《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）第三条：执法机关认定涉嫌犯罪的，必须向公安机关移送'
            as legal_basis_zh,
        cast(null as {{ dbt.type_string() }}) as measured_bound,
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
        measured_bound,
        prior_penalties,
        repeat_min_prior_penalties,
        repeat_window_years,
        legal_source,
        legal_basis_zh
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
        measured_bound,
        prior_penalties,
        repeat_min_prior_penalties,
        repeat_window_years,
        legal_source,
        legal_basis_zh
    from agency_flags

),

reasons_described as (

    -- the clue's evidence in Chinese: what was measured and where it was read, then the earlier penalties
    select
        reasons.*,
        case
            when reasons.rule_kind = 'agency_flag' then '执法机关在处罚台账中标注“是否涉嫌犯罪：是”'
            when reasons.measured_fact is null or reasons.measured_fact = 'prior_penalties'
                then {{ dbt.concat(["'违法行为类型或违法事实符合“'", "reasons.offence", "'”的情形'"]) }}
            else {{ dbt.concat([
                "case when reasons.value_source = 'text' then "
                ~ dbt.concat(["'违法事实载明“'", "reasons.evidence", "'”，'"])
                ~ " else '台账栏目记载' end",
                "coalesce(fact_labels.label_zh, reasons.measured_fact)",
                format_decimal('reasons.measured_value'),
                "reasons.unit",
                "case reasons.measured_bound when 'at_least' then '以上' when 'about' then '左右' else '' end",
                "'，达到'",
                format_decimal('reasons.threshold'),
                "reasons.unit",
                "'的标准'",
            ]) }}
        end as measured_zh,
        case
            when reasons.rule_kind = 'repeat' then {{ dbt.concat([
                "'；同一当事人'",
                "case when reasons.repeat_window_years is null then '此前' else "
                ~ dbt.concat(["'此前'", "cast(reasons.repeat_window_years as " ~ dbt.type_string() ~ ")", "'年内'"])
                ~ " end",
                "'受过同类行政处罚'",
                "cast(reasons.prior_penalties as " ~ dbt.type_string() ~ ")",
                "'次（须'",
                "cast(reasons.repeat_min_prior_penalties as " ~ dbt.type_string() ~ ")",
                "'次以上）'",
            ]) }}
            else ''
        end as priors_zh
    from reasons
    left join fact_labels
        on reasons.measured_fact = fact_labels.fact

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
        reasons.legal_basis_zh,
        {{ dbt.concat(['reasons.measured_zh', 'reasons.priors_zh']) }} as evidence_zh,

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
    inner join reasons_described as reasons
        on
            open_cases.agency_uscc = reasons.agency_uscc
            and open_cases.decision_no = reasons.decision_no
    left join supervised
        on
            open_cases.agency_uscc = supervised.agency_uscc
            and open_cases.decision_no = supervised.decision_no

)

select * from final
