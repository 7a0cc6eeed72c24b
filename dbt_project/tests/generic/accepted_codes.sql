{#-
    accepted_codes: every code in the column belongs to a code list of the exchange standard, as
    held in the `standard_codes` seed.

    - code_list:      which list (`standard_codes.code_list`), e.g. 'enforcement_domain'.
    - open_prefixes:  prefixes that open a free-named code, e.g. ['其他-'] accepts '其他-责令改正'
                      (the prefix alone is not a code).
    - delimiter:      set for multi-valued columns ('警告;罚款'): each element is checked, and an
                      empty element is an error.
    NULLs are not checked here (use not_null). Fails with one row per offending code, and with one row
    when the code list itself is missing from the seed (a typo must not pass silently).

        - name: penalty_categories
          data_tests:
            - accepted_codes:
                arguments: {code_list: penalty_category, open_prefixes: ['其他-'], delimiter: ';'}
-#}
{% test accepted_codes(model, column_name, code_list, open_prefixes=[], delimiter=none) %}

with

standard_codes as (

    select code
    from {{ ref('standard_codes') }}
    where code_list = '{{ code_list }}'

),

column_values as (

    select {{ column_name }} as value_field
    from {{ model }}
    where {{ column_name }} is not null

),

elements as (

    {%- if delimiter is not none %}
    select {{ split_to_rows('value_field', "'" ~ delimiter ~ "'") }} as code
    {%- else %}
    select value_field as code
    {%- endif %}
    from column_values

),

invalid_codes as (

    select elements.code
    from elements
    left join standard_codes
        on elements.code = standard_codes.code
    where
        standard_codes.code is null
        {%- for prefix in open_prefixes %}
        and not (
            substr(elements.code, 1, {{ prefix | length }}) = '{{ prefix }}'
            and length(elements.code) > {{ prefix | length }}
        )
        {%- endfor %}

),

missing_code_list as (

    select
        'code list not in standard_codes: {{ code_list }}' as code,
        1 as n_records
    from standard_codes
    having count(*) = 0

)

select
    code,
    count(*) as n_records
from invalid_codes
group by code

union all

select * from missing_code_list

{% endtest %}
