with

source as (

    select * from {{ source('meta', 'files') }}

),

renamed as (

    select
        file_sha256,
        file_name,
        feed,
        status,
        rows_loaded,
        rows_quarantined,
        ingested_at
    from source
    where status in ('loaded', 'partial')

)

select * from renamed
