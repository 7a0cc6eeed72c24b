{#-
    region_is_rebuilt(column): whether an incremental build recomputes a region's rows of a summary kept per
    region (agg_unit_timeliness_yearly, fct_overdue_items, fct_scorecard_indicators), as a SQL predicate on
    the row's region `column`:
      after new penalty-ledger files only   the regions int_regions_to_rebuild lists (those of every version
                                            of the decisions the build recomputes);
      after a file of any other feed        every region (hotline, supervision, member-unit and task files
                                            change duties, documents and tickets that are not listed by region);
      without a watermark, in a full build  every region.
    The as-of date, the seeds, the scorecard configuration and the SQL are the last build's, or it is a full
    refresh (warehouse/build_state.py), so nothing else can change a region's rows. The calling model names
    int_regions_to_rebuild in a `-- depends_on:` comment (the ref is read only when the model is incremental).
-#}
{% macro region_is_rebuilt(column) -%}
    {%- set feeds = feeds_with_new_files() if is_incremental() else none -%}
    {%- if feeds is none or feeds | reject('equalto', 'penalty_ledger') | list | length > 0 -%}
        true
    {%- else -%}
        coalesce({{ column }}, '') in (
            select coalesce(rebuilt.region_code, '') from {{ ref('int_regions_to_rebuild') }} as rebuilt
        )
    {%- endif -%}
{%- endmacro %}

{#-
    delete_rebuilt_regions(): pre-hook of a summary kept per region — removes the rows of the regions
    region_is_rebuilt() selects, which the model is about to insert again (a unit may have no row any more).
    Nothing on a first or full build.
-#}
{% macro delete_rebuilt_regions() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ region_is_rebuilt(this ~ '.region_code') }}
    {%- endif -%}
{%- endmacro %}
