{#-
    accepted_codes_columns: every code in each of `columns` belongs to its code list of the exchange standard,
    as held in the `standard_codes` seed. One test for all of a model's coded columns: each dbt test is a node
    with its own compile and bookkeeping (~0.2 s of Python in an incremental build), and this one reads the
    model once, for its distinct combinations of the coded columns (a few thousand rows at province scale).

    - columns: column → its rules:
        code_list:      which list (`standard_codes.code_list`), e.g. 'enforcement_domain';
        open_prefixes:  (optional) prefixes that open a free-named code, e.g. ['其他-'] accepts '其他-责令改正'
                        (the prefix alone is not a code);
        delimiter:      (optional) set for multi-valued columns ('警告;罚款'): each element is checked, and an
                        empty element is an error.

    NULLs are not checked here (use not_null_columns). Fails with one row per column and offending code, with
    the rows holding it, and with one row per code list missing from the seed (a typo must not pass silently):

        data_tests:
          - accepted_codes_columns:
              arguments:
                columns:
                  enforcement_domain: {code_list: enforcement_domain}
                  penalty_categories: {code_list: penalty_category, open_prefixes: ['其他-'], delimiter: ';'}
-#}
{% test accepted_codes_columns(model, columns) %}

{%- set names = columns.keys() | list | sort -%}
{%- set code_lists = [] -%}
{%- for name in names -%}
    {%- if columns[name].code_list not in code_lists -%}
        {%- do code_lists.append(columns[name].code_list) -%}
    {%- endif -%}
{%- endfor %}

with

standard_codes as (

    select
        code_list,
        code
    from {{ ref('standard_codes') }}
    where code_list in ({% for code_list in code_lists | sort %}'{{ code_list }}'{{ ", " if not loop.last }}{% endfor %})

),

value_combinations as (

    -- the model read once; each branch below reads these few rows
    select
        {% for name in names -%}
        {{ name }} as value_{{ loop.index }},
        {% endfor -%}
        count(*) as n_records
    from {{ model }}
    group by
        {% for name in names -%}
        {{ name }}{{ "," if not loop.last }}
        {% endfor %}

),

elements as (

    {% for name in names -%}
    {%- set spec = columns[name] %}
    select
        '{{ name }}' as column_name,
        '{{ spec.code_list }}' as code_list,
        {% if spec.get('delimiter') is not none -%}
        {{ split_to_rows('value_' ~ loop.index, "'" ~ spec.delimiter ~ "'") }} as code,
        {%- else -%}
        value_{{ loop.index }} as code,
        {%- endif %}
        n_records
    from value_combinations
    where value_{{ loop.index }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

invalid_codes as (

    select
        elements.column_name,
        elements.code,
        elements.n_records
    from elements
    left join standard_codes
        on
            elements.code_list = standard_codes.code_list
            and elements.code = standard_codes.code
    where
        standard_codes.code is null
        {%- for name in names %}
        {%- for prefix in columns[name].get('open_prefixes', []) %}
        and not (
            elements.column_name = '{{ name }}'
            and substr(elements.code, 1, {{ prefix | length }}) = '{{ prefix }}'
            and length(elements.code) > {{ prefix | length }}
        )
        {%- endfor %}
        {%- endfor %}

),

missing_code_lists as (

    {% for code_list in code_lists | sort -%}
    select
        cast(null as {{ dbt.type_string() }}) as column_name,
        'code list not in standard_codes: {{ code_list }}' as code,
        1 as n_records
    from standard_codes
    having count(case when code_list = '{{ code_list }}' then 1 end) = 0
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    column_name,
    code,
    sum(n_records) as n_records
from invalid_codes
group by
    column_name,
    code

union all

select * from missing_code_lists

{% endtest %}
