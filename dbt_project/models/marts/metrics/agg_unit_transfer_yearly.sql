-- 移送率 and 应移未移线索 per penalty agency and year of decision, ranked worst first within the region and
-- year (lowest 移送率, then most cases that should have been transferred), so that the transfer page ranks
-- units from a mart. Agencies with no case to transfer have no rate and no rank.

with

transfer as (

    select
        region_code,
        agency_uscc,
        decision_year,
        sum(penalty_cases) as penalty_cases,
        sum(should_transfer_cases) as should_transfer_cases,
        sum(transferred_cases) as transferred_cases,
        sum(proactive_transfers) as proactive_transfers,
        sum(transfers_with_police_decision) as transfers_with_police_decision,
        sum(transfers_filed) as transfers_filed,
        max(as_of_date) as as_of_date
    from {{ ref('agg_transfer_rates') }}
    group by
        region_code,
        agency_uscc,
        decision_year

),

clues as (

    select
        region_code,
        agency_uscc,
        decision_year,
        sum(clue_cases) as clue_cases,
        sum(case when clue_status = '未处理' then clue_cases else 0 end) as open_clue_cases
    from {{ ref('agg_non_transfer_clues') }}
    group by
        region_code,
        agency_uscc,
        decision_year

),

final as (

    select
        transfer.region_code,
        transfer.agency_uscc,
        transfer.decision_year,
        transfer.penalty_cases,
        transfer.should_transfer_cases,
        transfer.transferred_cases,
        transfer.proactive_transfers,
        transfer.transfers_with_police_decision,
        transfer.transfers_filed,
        coalesce(clues.clue_cases, 0) as clue_cases,
        coalesce(clues.open_clue_cases, 0) as open_clue_cases,
        {{ safe_divide('transfer.transferred_cases', 'transfer.should_transfer_cases') }} as transfer_rate,
        {{ safe_divide(
            'transfer.proactive_transfers', 'transfer.transferred_cases'
        ) }} as proactive_transfer_rate,
        {{ safe_divide(
            'transfer.transfers_filed', 'transfer.transfers_with_police_decision'
        ) }} as filing_rate,
        case
            when transfer.should_transfer_cases > 0
                then rank() over (
                    partition by transfer.region_code, transfer.decision_year
                    order by
                        coalesce(
                            transfer.transferred_cases * 1.0 / nullif(transfer.should_transfer_cases, 0), 2
                        ),
                        transfer.should_transfer_cases desc
                )
        end as worst_rank,
        transfer.as_of_date
    from transfer
    left join clues
        on
            transfer.region_code = clues.region_code
            and transfer.agency_uscc = clues.agency_uscc
            and transfer.decision_year = clues.decision_year

)

select * from final
