-- Rows each file delivered per jurisdiction and reporting unit (as written: 处罚机关, 检察院, 12345/12309
-- channel, or the region for the member-unit list), loaded or quarantined. A quarantined row belongs to the
-- region of the rows loaded from the same file under the same unit; a row whose file loaded nothing for
-- that unit has no known region and stays out of every jurisdiction's figures.

with

rows_loaded as (

    select * from {{ ref('int_rows_loaded_unioned') }}

),

quarantined_rows as (

    select * from {{ ref('stg_meta__quarantined_rows') }}

),

loaded as (

    select
        file_sha256,
        feed,
        region_code,
        unit_label
    from rows_loaded

),

loaded_counted as (

    select
        file_sha256,
        feed,
        region_code,
        unit_label,
        count(*) as rows_loaded,
        row_number() over (
            partition by file_sha256, unit_label order by count(*) desc, region_code
        ) as preference
    from loaded
    group by
        file_sha256,
        feed,
        region_code,
        unit_label

),

quarantined_counted as (

    select
        file_sha256,
        unit_name as unit_label,
        count(*) as rows_quarantined
    from quarantined_rows
    group by
        file_sha256,
        unit_name

),

final as (

    select
        loaded_counted.file_sha256,
        loaded_counted.feed,
        loaded_counted.region_code,
        loaded_counted.unit_label,
        loaded_counted.rows_loaded,
        case
            when loaded_counted.preference = 1 then coalesce(quarantined_counted.rows_quarantined, 0) else 0
        end as rows_quarantined
    from loaded_counted
    left join quarantined_counted
        on
            loaded_counted.file_sha256 = quarantined_counted.file_sha256
            and loaded_counted.unit_label = quarantined_counted.unit_label

)

select * from final
