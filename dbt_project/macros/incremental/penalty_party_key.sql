{#-
    penalty_party_key(uscc, id_no): the party a repeat rule counts penalties of — the USCC, else the
    pseudonymised 证件号码 (blank counts as missing). No trim: every cell the ingest stores went through
    ingest/normalise.py `clean`, which strips more than SQL's trim does, and a trim over the 5 M decisions was
    most of int_penalty_cases_to_rematch's party join (0.38 → 0.10 s at province scale).
-#}
{% macro penalty_party_key(uscc, id_no) -%}
    coalesce(nullif({{ uscc }}, ''), nullif({{ id_no }}, ''))
{%- endmacro %}
