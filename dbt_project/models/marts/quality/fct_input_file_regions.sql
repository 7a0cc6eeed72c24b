-- Which jurisdictions each input file delivered rows for. A publication shows a file's contract results
-- only when every row the file loaded belongs to the publication's jurisdiction.

with

rows_checked as (

    select * from {{ ref('int_rows_checked_by_file') }}

),

files as (

    select * from {{ ref('stg_meta__files') }}

),

by_region as (

    select
        file_sha256,
        region_code,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined
    from rows_checked
    group by
        file_sha256,
        region_code

),

final as (

    select
        by_region.file_sha256,
        files.file_name,
        files.feed,
        by_region.region_code,
        by_region.rows_loaded,
        by_region.rows_quarantined,
        count(*) over (partition by by_region.file_sha256) = 1 as is_single_region
    from by_region
    inner join files
        on by_region.file_sha256 = files.file_sha256

)

select * from final
