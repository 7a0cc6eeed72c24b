{#-
    get_where_subquery(relation): dbt's, plus one placeholder. A test whose `where` says __new_penalty_rows__
    (dbt_project.yml: the penalty models' tests) reads only the decisions an incremental build touched
    (new_penalty_rows()), and every row in a full build. Decided when the test runs: a `where` written with
    a var that changes at each build would make dbt parse the whole project again. The tests of the reply-duty
    models read the duties the build recomputed (recomputed_obligations()), whatever their `where` says too.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__new_penalty_rows__' in where -%}
        {%- set new_rows = new_penalty_rows() -%}
        {%- set where = where | replace('__new_penalty_rows__', new_rows) if new_rows else '' -%}
    {%- endif -%}
    {%- set recomputed = recomputed_obligations(relation) if execute else none -%}
    {%- if recomputed -%}
        {%- set where = '(' ~ where ~ ') and (' ~ recomputed ~ ')' if where else recomputed -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
