-- 数据标准符合率 inputs: every penalty-ledger row a unit delivered, loaded or quarantined, by region, unit
-- and year of the decision. A loaded row carries its unit and date; a quarantined row is attributed through
-- its file: to the region, unit and most frequent decision year of the rows loaded from the same file under
-- the same 处罚机关 name. Rows of a file that loaded nothing for that name cannot be attributed and are
-- counted in the data-quality page only (unattributed), never guessed.

with

rows_loaded as (

    select * from {{ ref('int_rows_loaded_unioned') }}
    where feed = 'penalty_ledger'

),

quarantined_rows as (

    select * from {{ ref('stg_meta__quarantined_rows') }}
    where feed = 'penalty_ledger'

),

loaded as (

    select
        file_sha256,
        region_code,
        unit_uscc as agency_uscc,
        unit_label as agency_name,
        extract(year from period_date) as decision_year
    from rows_loaded

),

file_units as (

    select
        file_sha256,
        agency_name,
        region_code,
        agency_uscc,
        decision_year,
        row_number() over (
            partition by file_sha256, agency_name
            order by count(*) desc, decision_year desc, region_code asc, agency_uscc asc
        ) as preference
    from loaded
    group by
        file_sha256,
        agency_name,
        region_code,
        agency_uscc,
        decision_year

),

quarantined_attributed as (

    select
        file_units.region_code,
        file_units.agency_uscc,
        file_units.decision_year,
        count(*) as rows_quarantined
    from quarantined_rows
    inner join file_units
        on
            quarantined_rows.file_sha256 = file_units.file_sha256
            and quarantined_rows.unit_name = file_units.agency_name
            and file_units.preference = 1
    group by
        file_units.region_code,
        file_units.agency_uscc,
        file_units.decision_year

),

loaded_counted as (

    select
        region_code,
        agency_uscc,
        decision_year,
        count(*) as rows_loaded
    from loaded
    group by
        region_code,
        agency_uscc,
        decision_year

),

final as (

    select
        coalesce(loaded_counted.region_code, quarantined_attributed.region_code) as region_code,
        coalesce(loaded_counted.agency_uscc, quarantined_attributed.agency_uscc) as agency_uscc,
        coalesce(loaded_counted.decision_year, quarantined_attributed.decision_year) as decision_year,
        coalesce(loaded_counted.rows_loaded, 0) as rows_loaded,
        coalesce(quarantined_attributed.rows_quarantined, 0) as rows_quarantined
    from loaded_counted
    full outer join quarantined_attributed
        on
            loaded_counted.region_code = quarantined_attributed.region_code
            and loaded_counted.agency_uscc = quarantined_attributed.agency_uscc
            and loaded_counted.decision_year = quarantined_attributed.decision_year

)

select * from final
