-- 行政区划 (GB/T 2260) with their ancestors: the seed `regions` plus the user's own lines
-- ($LIANDONG_HOME/regions.csv, passed by liandong as the var `user_regions`; a user line wins over the seed).

{%- set user_regions = var('user_regions', []) %}

with

seeded as (

    select
        region_code,
        region_name,
        region_level,
        nullif(parent_code, '') as parent_code
    from {{ ref('regions') }}

),

user_rows as (

    select
        region_code,
        region_name,
        region_level,
        parent_code
    from seeded
    where 1 = 0
    {%- for r in user_regions %}

    union all

    select
        cast('{{ r.region_code | replace("'", "''") }}' as {{ dbt.type_string() }}) as region_code,
        cast('{{ r.region_name | replace("'", "''") }}' as {{ dbt.type_string() }}) as region_name,
        cast('{{ r.region_level | replace("'", "''") }}' as {{ dbt.type_string() }}) as region_level,
        cast(nullif('{{ r.parent_code | replace("'", "''") }}', '') as {{ dbt.type_string() }}) as parent_code
    {%- endfor %}

),

merged as (

    select * from user_rows
    union all
    select * from seeded
    where region_code not in (select user_rows.region_code from user_rows)

),

final as (

    select
        self.region_code,
        self.region_name,
        self.region_level,
        self.parent_code,
        case
            when self.region_level = '省' then self.region_code
            when parent.region_level = '省' then parent.region_code
            when grandparent.region_level = '省' then grandparent.region_code
        end as province_code,
        case
            when self.region_level = '市' then self.region_code
            when parent.region_level = '市' then parent.region_code
        end as city_code,
        case when self.region_level = '县' then self.region_code end as county_code,
        {{ dbt.concat([
            "coalesce(grandparent.region_name, '')",
            "coalesce(parent.region_name, '')",
            "self.region_name"
        ]) }} as full_name,
        case
            when grandparent.region_code is not null then 3
            when parent.region_code is not null then 2
            else 1
        end as region_depth
    from merged as self
    left join merged as parent
        on self.parent_code = parent.region_code
    left join merged as grandparent
        on parent.parent_code = grandparent.region_code

)

select * from final
