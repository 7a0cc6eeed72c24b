{#-
    unit_name_key(region_code, unit_name, unit_uscc): the join key of
    int_unit_names_resolved_to_member_units, computed from a ledger row's columns as written:

        left join resolved_names
            on resolved_names.unit_name_key
                = {{ unit_name_key('penalty_decisions.region_code',
                                   'penalty_decisions.agency_name',
                                   'penalty_decisions.agency_uscc') }}

    Null-safe (a name written without a USCC still joins); NULL and '' count as the same value.
    Cross-database through dbt.hash / dbt.concat.
-#}
{% macro unit_name_key(region_code, unit_name, unit_uscc) -%}
    {{ dbt.hash(dbt.concat([
        "coalesce(" ~ region_code ~ ", '')", "'|'",
        "coalesce(" ~ unit_name ~ ", '')", "'|'",
        "coalesce(" ~ unit_uscc ~ ", '')"
    ])) }}
{%- endmacro %}
