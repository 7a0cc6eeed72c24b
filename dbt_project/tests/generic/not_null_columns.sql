{#-
    not_null_columns: none of `columns` holds a NULL. One test for a model's required columns instead of one
    `not_null` per column: each dbt test is a node with its own compile and bookkeeping (~0.2 s of Python), which
    an incremental build pays for every test it runs, and this reads the model once for all of them.

    Fails with one row naming each column and how many of its rows are NULL (the failure count is the number of
    NULL cells):

        data_tests:
          - not_null_columns:
              arguments:
                columns: [agency_uscc, decision_no]
-#}
{% test not_null_columns(model, columns) %}

{{ config(fail_calc = 'coalesce(sum(null_rows), 0)') }}

with null_counts as (

    select
        {% for column in columns -%}
        count(*) - count({{ column }}) as null_rows_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}

),

column_names as (

    {% for column in columns -%}
    select {{ loop.index }} as column_index, '{{ column }}' as column_name
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

by_column as (

    -- null_counts is read once: a CTE named in every branch of a union may be computed once per branch
    select
        column_names.column_name,
        case column_names.column_index
            {% for column in columns -%}
            when {{ loop.index }} then null_counts.null_rows_{{ loop.index }}
            {% endfor -%}
        end as null_rows
    from null_counts
    cross join column_names

)

select * from by_column
where null_rows > 0

{% endtest %}
