-- 应移未移线索 counts by region, agency, year and month of the decision, and clue status.

with

clues as (

    select * from {{ ref('fct_non_transfer_clues') }}

),

final as (

    select
        region_code,
        agency_uscc,
        clue_status,
        extract(year from decision_date) as decision_year,
        extract(month from decision_date) as decision_month,
        count(distinct decision_no) as clue_cases,
        count(*) as clue_rules,
        max(as_of_date) as as_of_date
    from clues
    group by
        region_code,
        agency_uscc,
        extract(year from decision_date),
        extract(month from decision_date),
        clue_status

)

select * from final
