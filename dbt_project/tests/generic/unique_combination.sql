{#-
    unique_combination: no two rows share the same values in `combination_of_columns`
    (a composite key). NULLs compare equal here, as in GROUP BY, so a key with an optional
    part (e.g. a unit name written without a USCC) is still checked.

        data_tests:
          - unique_combination:
              arguments:
                combination_of_columns: [agency_uscc, decision_no]
-#}
{% test unique_combination(model, combination_of_columns) %}

with key_counts as (

    select
        {% for column in combination_of_columns -%}
        {{ column }},
        {% endfor -%}
        count(*) as n_records
    from {{ model }}
    group by
        {% for column in combination_of_columns -%}
        {{ column }}{{ "," if not loop.last }}
        {% endfor %}

)

select * from key_counts
where n_records > 1

{% endtest %}
