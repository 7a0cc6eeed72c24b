{#-
    Seeds on Spark: dbt-spark's own spark__load_csv_rows binds every value as a quoted string, so with
    `method: session` an empty cell arrives as the string 'None' instead of NULL (dbt-labs/dbt-adapters
    issue 487, not fixed upstream) and a quote in a value breaks the statement. This override writes
    each value as a SQL literal instead: NULL, a number, or an escaped string cast to the column type.
    Spark only; the DuckDB target loads seeds with dbt-duckdb's own loader.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}

    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do column_types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}

    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ liandong_seed_literal(value) }} as {{ column_types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}

    {{ return(statements[0]) }}
{% endmacro %}

{% macro liandong_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
