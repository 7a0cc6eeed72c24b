-- Supervision documents that concern a penalty case: 关联处罚决定书文号 equals the decision number and the
-- supervised unit is the deciding agency (by the unit's USCC as written, else by its name resolved to a
-- member unit). One row per (case, document).

with

penalty_decisions as (

    select * from {{ ref('stg_penalty__decisions') }}

),

supervision_documents as (

    select * from {{ ref('stg_supervision__documents') }}

),

resolved_names as (

    select * from {{ ref('int_unit_names_resolved_to_member_units') }}

),

documents_with_target as (

    select
        supervision_documents.procuratorate,
        supervision_documents.document_no,
        supervision_documents.supervision_type,
        supervision_documents.related_decision_no,
        supervision_documents.issued_date,
        supervision_documents.served_date,
        coalesce(
            nullif(upper(trim(supervision_documents.target_unit_uscc)), ''),
            resolved_names.resolved_unit_uscc
        ) as target_unit_uscc
    from supervision_documents
    left join resolved_names
        on
            resolved_names.unit_name_key
            = {{ unit_name_key('supervision_documents.region_code',
                               'supervision_documents.target_unit_name',
                               'supervision_documents.target_unit_uscc') }}
    where supervision_documents.related_decision_no is not null

),

final as (

    select
        ----------  ids
        penalty_decisions.agency_uscc,
        penalty_decisions.decision_no,
        documents_with_target.procuratorate,
        documents_with_target.document_no,

        ----------  codes
        documents_with_target.supervision_type,

        ----------  dates
        documents_with_target.issued_date,
        documents_with_target.served_date

    from documents_with_target
    inner join penalty_decisions
        on
            trim(documents_with_target.related_decision_no) = trim(penalty_decisions.decision_no)
            and documents_with_target.target_unit_uscc = upper(trim(penalty_decisions.agency_uscc))

)

select * from final
