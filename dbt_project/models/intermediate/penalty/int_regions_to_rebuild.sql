-- The regions whose rows of the summaries kept per region (agg_unit_timeliness_yearly, fct_overdue_items,
-- fct_scorecard_indicators) an incremental build recomputes after new penalty-ledger files: the region of
-- every version, old and new, of the decisions int_penalty_cases_to_rebuild lists. Those decisions hold
-- every row of the new files (so their 数据标准符合率 rows), their cases, clues and police-review duties; an
-- old version names the region a corrected decision left. After a file of any other feed every region is
-- recomputed and this list is not read (region_is_rebuilt(), macros/incremental/). Empty in a full refresh.

{{ config(materialized='table') }}

with

versions as (

    select * from {{ ref('stg_penalty__decision_versions') }}

),

listed as (

    select * from {{ ref('int_penalty_cases_to_rebuild') }}

),

final as (

    select distinct versions.region_code
    from versions
    inner join listed
        on
            versions.agency_uscc = listed.agency_uscc
            and versions.decision_no = listed.decision_no

)

select * from final
