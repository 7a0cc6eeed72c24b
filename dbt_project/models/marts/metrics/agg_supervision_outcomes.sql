-- 整改落实率 and 采纳率 of supervision documents by region, supervised unit and year of issue (DOMAIN.md §4):
--   整改落实率 = 已整改 ÷ replied documents that required 整改 (整改情况 given and not 不适用);
--   采纳率 = (采纳 + 部分采纳) ÷ replied documents.

with

documents as (

    select * from {{ ref('stg_supervision__documents') }}

),

reply_duties as (

    select
        source_key as document_no,
        region_code,
        responsible_unit_uscc
    from {{ ref('fct_obligations') }}
    where obligation_kind = 'supervision_reply'

),

replied as (

    select
        documents.region_code,
        documents.reply_outcome,
        documents.rectification_status,
        coalesce(reply_duties.responsible_unit_uscc, documents.target_unit_uscc) as target_unit_uscc,
        extract(year from documents.issued_date) as issued_year
    from documents
    left join reply_duties
        on
            documents.document_no = reply_duties.document_no
            and documents.region_code = reply_duties.region_code
    where
        documents.reply_date is not null
        and documents.reply_date <= {{ as_of_date() }}

),

counted as (

    select
        region_code,
        target_unit_uscc,
        issued_year,
        count(*) as documents_replied,
        sum(case when reply_outcome in ('采纳', '部分采纳') then 1 else 0 end) as documents_adopted,
        sum(
            case when rectification_status is not null and rectification_status <> '不适用' then 1 else 0 end
        ) as documents_requiring_rectification,
        sum(case when rectification_status = '已整改' then 1 else 0 end) as documents_rectified
    from replied
    group by
        region_code,
        target_unit_uscc,
        issued_year

),

final as (

    select
        *,
        {{ safe_divide('documents_rectified', 'documents_requiring_rectification') }} as rectification_rate,
        {{ safe_divide('documents_adopted', 'documents_replied') }} as adoption_rate,
        {{ as_of_date() }} as as_of_date
    from counted

)

select * from final
