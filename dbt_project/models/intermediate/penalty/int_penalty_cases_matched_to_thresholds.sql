-- Every current penalty decision matched against the threshold rules (DOMAIN.md §3): one row per
-- case × fired rule. A rule applies when it is in force on the decision date, the party type fits and
-- the case text (违法行为类型 + 违法事实) matches its keywords and condition and not its exclusion. It then
-- fires when
--   threshold: a measured fact of the current row version (column or text) reaches the threshold (and
--              stays below threshold_below, and another fact reaches also_min, when the rule says so);
--   keyword:   nothing more is needed;
--   repeat:    the same party (USCC, else pseudonymised 证件号码) had at least N earlier penalties whose
--              text matches prior_keywords (else the same keywords) — and, for rules in repeat_same_kind,
--              names the same kind of goods or business — at any agency, within the window before the
--              decision date; and, when the rule gives a threshold, a measured fact reaches it too.
-- A fact the text qualifies reaches a threshold by its bound (ingest/facts.py BOUNDS): 6万余元 reaches 6万,
-- 近5万元 reaches only what lies below 5万, 不足5万元 reaches nothing.
-- The measured value kept is the largest qualifying one (a structured column wins a tie).
-- Incremental on DuckDB: a build after new files recomputes only the decisions they touch and every
-- decision of the parties those name (int_penalty_cases_to_rematch); a first build, a new as-of date or a
-- changed project is a full refresh (warehouse/build_state.py).
-- depends_on: {{ ref('int_penalty_cases_to_rematch') }}

{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='append',
    pre_hook="{{ delete_listed_penalty_cases('int_penalty_cases_to_rematch') }}"
) }}

{#- the rules' patterns, written out so that each is compiled once (macros/regex_contains.sql) -#}
{%- set keyword_patterns = rule_patterns('threshold_rules', ['violation_keywords', 'prior_keywords']) -%}
{%- set text_patterns = rule_patterns('threshold_rules', ['condition_pattern', 'exclusion_pattern']) -%}
{%- set kind_patterns = rule_patterns('repeat_same_kind', ['kind_pattern']) %}

with

penalty_decisions as (

    {{ decisions_to_rebuild('int_penalty_cases_to_rematch') }}

),

penalty_facts as (

    select * from {{ ref('stg_penalty__facts') }}

),

threshold_rules as (

    select * from {{ ref('threshold_rules') }}

),

repeat_same_kind as (

    select * from {{ ref('repeat_same_kind') }}

),

cases as (

    -- only the cases whose text matches one of the patterns at all (one pass of all the patterns at once;
    -- at province scale one case in six): the searches below look at these only
    select
        agency_uscc,
        decision_no,
        source_row_hash,
        decision_date,
        {{ penalty_party_key('party_uscc', 'party_id_no') }} as party_key,
        case
            when party_category in ('自然人', '个体工商户') then '个人'
            else '单位'
        end as party_type,
        {{ dbt.concat([
            "coalesce(violation_type, '')", "' '", "coalesce(violation_facts, '')"
        ]) }} as case_text
    from penalty_decisions
    where {{ regex_contains_any_of(
        dbt.concat(["coalesce(violation_type, '')", "' '", "coalesce(violation_facts, '')"]), keyword_patterns
    ) }}

),

keyword_patterns as (

    -- matching depends on the pattern only: rules sharing their keywords are matched once; the
    -- patterns earlier penalties are counted by (prior_keywords) are matched the same way
    select violation_keywords
    from threshold_rules
    where violation_keywords is not null

    union

    select prior_keywords as violation_keywords
    from threshold_rules
    where prior_keywords is not null

),

keyword_pieces as (

    -- each alternative of a pattern, as written (split on every '|', even one that sits inside a group
    -- or a class: each real alternative still begins a piece, which is all the pre-filter relies on)
    select
        violation_keywords,
        {{ split_to_rows('violation_keywords', "'|'") }} as keyword_piece
    from keyword_patterns

),

keyword_pieces_measured as (

    -- position of the first regular-expression metacharacter in each piece (length + 1 when none)
    select
        violation_keywords,
        keyword_piece,
        least(
            {%- for metacharacter in ["'.'", "'^'", "'$'", "'*'", "'+'", "'?'", "'('", "')'",
                                      "'['", "']'", "'{'", "'}'", "chr(92)"] %}
                coalesce(
                    nullif({{ dbt.position(metacharacter, 'keyword_piece') }}, 0),
                    {{ dbt.length('keyword_piece') }} + 1
                ){{ ',' if not loop.last }}
            {%- endfor %}
        ) as first_metacharacter_at
    from keyword_pieces

),

keyword_literals_per_piece as (

    -- the piece's literal prefix, which every match of the piece contains: the text before its first
    -- metacharacter, less the last character when that metacharacter is a quantifier that allows zero
    -- repetitions (ab?c → a); a piece made only of literal characters is its own prefix
    select
        violation_keywords,
        first_metacharacter_at > {{ dbt.length('keyword_piece') }} as is_literal_piece,
        substring(
            keyword_piece,
            1,
            greatest(
                first_metacharacter_at
                - case
                    when substring(keyword_piece, first_metacharacter_at, 1) in ('*', '?', '{') then 2
                    else 1
                end,
                0
            )
        ) as keyword_literal
    from keyword_pieces_measured

),

keyword_patterns_prefiltered as (

    -- a pattern is pre-filtered when every piece has a non-empty literal prefix; it is matched by the
    -- literals alone (no regular expression) when every piece is a plain literal
    select
        violation_keywords,
        min({{ dbt.length('keyword_literal') }}) > 0 as has_keyword_literals,
        sum(case when is_literal_piece then 0 else 1 end) = 0 as is_literal_pattern
    from keyword_literals_per_piece
    group by violation_keywords

),

pattern_keyword_literals as (

    select distinct
        keyword_literals_per_piece.violation_keywords,
        keyword_literals_per_piece.keyword_literal
    from keyword_literals_per_piece
    inner join keyword_patterns_prefiltered
        on keyword_literals_per_piece.violation_keywords = keyword_patterns_prefiltered.violation_keywords
    where keyword_patterns_prefiltered.has_keyword_literals

),

keyword_literals as (

    select distinct keyword_literal from pattern_keyword_literals

),

cases_containing_keyword_literals as (

    -- the cheap test: a substring search per (case, distinct literal)
    select
        cases.agency_uscc,
        cases.decision_no,
        keyword_literals.keyword_literal
    from cases
    inner join keyword_literals
        on {{ dbt.position('keyword_literals.keyword_literal', 'cases.case_text') }} > 0

),

case_pattern_candidates as (

    select distinct
        cases_containing_keyword_literals.agency_uscc,
        cases_containing_keyword_literals.decision_no,
        pattern_keyword_literals.violation_keywords
    from cases_containing_keyword_literals
    inner join pattern_keyword_literals
        on cases_containing_keyword_literals.keyword_literal = pattern_keyword_literals.keyword_literal

    union all

    -- patterns that give no literal to search for: every case is a candidate
    select
        cases.agency_uscc,
        cases.decision_no,
        keyword_patterns_prefiltered.violation_keywords
    from cases
    cross join keyword_patterns_prefiltered
    where not keyword_patterns_prefiltered.has_keyword_literals

),

case_pattern_matches as (

    -- the regular expression itself is the final check, on the candidates only
    select
        cases.agency_uscc,
        cases.decision_no,
        cases.source_row_hash,
        cases.decision_date,
        cases.party_key,
        cases.party_type,
        cases.case_text,
        case_pattern_candidates.violation_keywords
    from case_pattern_candidates
    inner join cases
        on
            case_pattern_candidates.agency_uscc = cases.agency_uscc
            and case_pattern_candidates.decision_no = cases.decision_no
    inner join keyword_patterns_prefiltered
        on case_pattern_candidates.violation_keywords = keyword_patterns_prefiltered.violation_keywords
    where
        case
            when
                keyword_patterns_prefiltered.is_literal_pattern
                and keyword_patterns_prefiltered.has_keyword_literals
                then true
            else {{ regex_contains_one_of(
                'cases.case_text', 'case_pattern_candidates.violation_keywords', keyword_patterns
            ) }}
        end

),

keyword_matches as (

    -- every case whose text matches a rule's violation_keywords, whatever the date or party
    select
        case_pattern_matches.agency_uscc,
        case_pattern_matches.decision_no,
        case_pattern_matches.source_row_hash,
        case_pattern_matches.decision_date,
        case_pattern_matches.party_key,
        case_pattern_matches.party_type,
        case_pattern_matches.case_text,
        threshold_rules.rule_id
    from case_pattern_matches
    inner join threshold_rules
        on case_pattern_matches.violation_keywords = threshold_rules.violation_keywords

),

rules_applicable as (

    select
        keyword_matches.agency_uscc,
        keyword_matches.decision_no,
        keyword_matches.source_row_hash,
        keyword_matches.decision_date,
        keyword_matches.party_key,
        keyword_matches.case_text,
        threshold_rules.rule_id,
        threshold_rules.offence,
        threshold_rules.rule_kind,
        threshold_rules.violation_keywords,
        threshold_rules.measured_facts,
        threshold_rules.threshold,
        threshold_rules.threshold_below,
        threshold_rules.also_facts,
        threshold_rules.also_min,
        threshold_rules.unit,
        threshold_rules.repeat_window_years,
        threshold_rules.repeat_min_prior_penalties,
        threshold_rules.legal_source,
        threshold_rules.legal_basis_zh,
        coalesce(threshold_rules.prior_keywords, threshold_rules.violation_keywords) as prior_keywords
    from keyword_matches
    inner join threshold_rules
        on
            keyword_matches.rule_id = threshold_rules.rule_id
            and keyword_matches.decision_date >= threshold_rules.effective_from
            and (
                threshold_rules.effective_to is null
                or keyword_matches.decision_date <= threshold_rules.effective_to
            )
            and threshold_rules.party_type in ('any', keyword_matches.party_type)
            and (
                threshold_rules.condition_pattern is null
                or {{ regex_contains_one_of(
                    'keyword_matches.case_text', 'threshold_rules.condition_pattern', text_patterns
                ) }}
            )
            and (
                threshold_rules.exclusion_pattern is null
                or not {{ regex_contains_one_of(
                    'keyword_matches.case_text', 'threshold_rules.exclusion_pattern', text_patterns
                ) }}
            )

),

facts_measured as (

    -- facts of the row version each rule looks at, converted to the rule's unit
    select
        rules_applicable.agency_uscc,
        rules_applicable.decision_no,
        rules_applicable.rule_id,
        penalty_facts.fact as measured_fact,
        penalty_facts.value_source,
        penalty_facts.evidence,
        penalty_facts.fact_bound,
        penalty_facts.fact_no,
        case
            when penalty_facts.fact_unit = rules_applicable.unit then penalty_facts.fact_value
            when penalty_facts.fact_unit = '公斤' and rules_applicable.unit = '吨'
                then penalty_facts.fact_value / 1000
            when penalty_facts.fact_unit = '吨' and rules_applicable.unit = '公斤'
                then penalty_facts.fact_value * 1000
        end as measured_value
    from rules_applicable
    inner join penalty_facts
        on
            rules_applicable.agency_uscc = penalty_facts.agency_uscc
            and rules_applicable.decision_no = penalty_facts.decision_no
            and rules_applicable.source_row_hash = penalty_facts.source_row_hash
            and {{ dbt.position(dbt.concat(["'|'", "penalty_facts.fact", "'|'"]),
                                dbt.concat(["'|'", "rules_applicable.measured_facts", "'|'"])) }} > 0

),

facts_reaching_threshold_ranked as (

    select
        facts_measured.*,
        row_number() over (
            partition by facts_measured.agency_uscc, facts_measured.decision_no, facts_measured.rule_id
            order by
                facts_measured.measured_value desc,
                case when facts_measured.value_source = 'text' then 1 else 0 end asc,
                facts_measured.fact_no asc
        ) as value_rank
    from facts_measured
    inner join rules_applicable
        on
            facts_measured.agency_uscc = rules_applicable.agency_uscc
            and facts_measured.decision_no = rules_applicable.decision_no
            and facts_measured.rule_id = rules_applicable.rule_id
    where
        facts_measured.measured_value >= rules_applicable.threshold
        -- 不足5万元 says nothing of how much; 近5万元 is less than 5万
        and coalesce(facts_measured.fact_bound, '') != 'below'
        and not (
            coalesce(facts_measured.fact_bound, '') = 'near_below'
            and facts_measured.measured_value <= rules_applicable.threshold
        )

),

facts_reaching_threshold as (

    select * from facts_reaching_threshold_ranked
    where value_rank = 1

),

other_facts_reaching as (

    -- rules that also need another fact (2013 JI art 3(二): 十名以上劳动者) — it must reach also_min
    select distinct
        rules_applicable.agency_uscc,
        rules_applicable.decision_no,
        rules_applicable.rule_id
    from rules_applicable
    inner join penalty_facts
        on
            rules_applicable.agency_uscc = penalty_facts.agency_uscc
            and rules_applicable.decision_no = penalty_facts.decision_no
            and rules_applicable.source_row_hash = penalty_facts.source_row_hash
            and {{ dbt.position(dbt.concat(["'|'", "penalty_facts.fact", "'|'"]),
                                dbt.concat(["'|'", "rules_applicable.also_facts", "'|'"])) }} > 0
    where
        rules_applicable.also_facts is not null
        and penalty_facts.fact_value >= rules_applicable.also_min
        and coalesce(penalty_facts.fact_bound, '') not in ('below', 'near_below')

),

earlier_candidates as (

    -- repeat rules: earlier decisions of the same party whose text matches the rule's prior pattern, at
    -- any agency, in the window
    select
        rules_applicable.agency_uscc,
        rules_applicable.decision_no,
        rules_applicable.rule_id,
        rules_applicable.case_text,
        earlier.agency_uscc as earlier_agency_uscc,
        earlier.decision_no as earlier_decision_no,
        earlier.case_text as earlier_case_text
    from rules_applicable
    inner join case_pattern_matches as earlier
        on
            rules_applicable.prior_keywords = earlier.violation_keywords
            and rules_applicable.party_key = earlier.party_key
            and rules_applicable.decision_date > earlier.decision_date
            and (
                rules_applicable.repeat_window_years is null
                or {{ dbt.dateadd(
                    'month', '-12 * rules_applicable.repeat_window_years', 'rules_applicable.decision_date'
                ) }} <= earlier.decision_date
            )
    where rules_applicable.rule_kind = 'repeat'

),

earlier_of_same_kind as (

    -- 同种: for rules in repeat_same_kind, the earlier and the new case must name one kind alike
    select distinct
        earlier_candidates.agency_uscc,
        earlier_candidates.decision_no,
        earlier_candidates.rule_id,
        earlier_candidates.earlier_agency_uscc,
        earlier_candidates.earlier_decision_no
    from earlier_candidates
    inner join repeat_same_kind
        on earlier_candidates.rule_id = repeat_same_kind.rule_id
    where
        {{ regex_contains_one_of(
            'earlier_candidates.case_text', 'repeat_same_kind.kind_pattern', kind_patterns
        ) }}
        and {{ regex_contains_one_of(
            'earlier_candidates.earlier_case_text', 'repeat_same_kind.kind_pattern', kind_patterns
        ) }}

    union all

    select
        earlier_candidates.agency_uscc,
        earlier_candidates.decision_no,
        earlier_candidates.rule_id,
        earlier_candidates.earlier_agency_uscc,
        earlier_candidates.earlier_decision_no
    from earlier_candidates
    where not exists (
        select 1 as found from repeat_same_kind
        where repeat_same_kind.rule_id = earlier_candidates.rule_id
    )

),

earlier_penalties as (

    select
        agency_uscc,
        decision_no,
        rule_id,
        count(*) as prior_penalties
    from earlier_of_same_kind
    group by
        agency_uscc,
        decision_no,
        rule_id

),

fired as (

    select
        rules_applicable.*,
        facts_reaching_threshold.measured_fact,
        facts_reaching_threshold.measured_value,
        facts_reaching_threshold.value_source,
        facts_reaching_threshold.evidence,
        facts_reaching_threshold.fact_bound as measured_bound,
        coalesce(earlier_penalties.prior_penalties, 0) as prior_penalties
    from rules_applicable
    left join facts_reaching_threshold
        on
            rules_applicable.agency_uscc = facts_reaching_threshold.agency_uscc
            and rules_applicable.decision_no = facts_reaching_threshold.decision_no
            and rules_applicable.rule_id = facts_reaching_threshold.rule_id
    left join earlier_penalties
        on
            rules_applicable.agency_uscc = earlier_penalties.agency_uscc
            and rules_applicable.decision_no = earlier_penalties.decision_no
            and rules_applicable.rule_id = earlier_penalties.rule_id
    left join other_facts_reaching
        on
            rules_applicable.agency_uscc = other_facts_reaching.agency_uscc
            and rules_applicable.decision_no = other_facts_reaching.decision_no
            and rules_applicable.rule_id = other_facts_reaching.rule_id
    where
        (
            (rules_applicable.rule_kind = 'threshold' and facts_reaching_threshold.rule_id is not null)
            or rules_applicable.rule_kind = 'keyword'
            or (
                rules_applicable.rule_kind = 'repeat'
                and coalesce(earlier_penalties.prior_penalties, 0)
                >= rules_applicable.repeat_min_prior_penalties
                and (rules_applicable.threshold is null or facts_reaching_threshold.rule_id is not null)
            )
        )
        -- 不满: the largest measured value must stay below the upper bound
        and (
            rules_applicable.threshold_below is null
            or facts_reaching_threshold.measured_value < rules_applicable.threshold_below
        )
        and (rules_applicable.also_facts is null or other_facts_reaching.rule_id is not null)

),

final as (

    select
        ----------  ids
        agency_uscc,
        decision_no,
        rule_id,

        ----------  the rule
        offence,
        rule_kind,
        legal_source,
        legal_basis_zh,

        ----------  repeat offences
        prior_penalties,
        repeat_min_prior_penalties,
        repeat_window_years,

        ----------  dates
        decision_date,

        ----------  what was measured (a pure repeat rule measures the earlier penalties)
        evidence,
        measured_bound,
        cast(case
            when measured_fact is not null then measured_value
            when rule_kind = 'repeat' then prior_penalties
        end as decimal(18, 4)) as measured_value,
        cast(case
            when measured_fact is not null then threshold
            when rule_kind = 'repeat' then repeat_min_prior_penalties
        end as decimal(18, 4)) as threshold,
        case
            when measured_fact is not null then measured_fact
            when rule_kind = 'repeat' then 'prior_penalties'
        end as measured_fact,
        case
            when measured_fact is not null then unit
            when rule_kind = 'repeat' then '次'
        end as unit,
        case
            when measured_fact is not null then value_source
            when rule_kind = 'repeat' then 'prior_penalties'
        end as value_source

    from fired

)

select * from final
