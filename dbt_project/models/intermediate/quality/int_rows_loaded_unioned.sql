-- Every row version each input file loaded, across the five feeds, with its jurisdiction and reporting unit
-- as written (the contract's unit field): the staging model of each feed, unioned.

{%- set feeds = ['penalty', 'supervision', 'hotline', 'units', 'tasks'] %}

with

unioned as (

    {% for feed in feeds %}
        select
            file_sha256,
            feed,
            region_code,
            unit_label,
            unit_uscc,
            period_date
        from {{ ref('stg_' ~ feed ~ '__rows_loaded') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
