{#-
    safe_divide(numerator, denominator): a rate as decimal(18, 6), or NULL ("no data") when the denominator
    is 0 or NULL. DOMAIN.md §4: a rate with an empty denominator is never 0 % or 100 %.
-#}
{% macro safe_divide(numerator, denominator) -%}
    case
        when coalesce(({{ denominator }}), 0) = 0 then null
        else cast(({{ numerator }}) * 1.0 / ({{ denominator }}) as decimal(18, 6))
    end
{%- endmacro %}
