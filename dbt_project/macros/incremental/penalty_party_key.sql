{#-
    penalty_party_key(uscc, id_no): the party a repeat rule counts penalties of — the USCC, else the
    pseudonymised 证件号码 (blank counts as missing).
-#}
{% macro penalty_party_key(uscc, id_no) -%}
    coalesce(nullif(trim({{ uscc }}), ''), nullif(trim({{ id_no }}), ''))
{%- endmacro %}
