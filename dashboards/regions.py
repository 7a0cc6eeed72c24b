"""The region hierarchy for publications and documents: `region(code)`, `name(code)`, `level(code)`,
`descendants(code)` … over GB/T 2260 codes. The table and its rules live in `warehouse.regions` (the core,
so that dbt's runner can pass the user's lines to `dim_regions`); this module is the name others import."""

from __future__ import annotations

from warehouse.regions import (
    Region,
    UnknownRegion,
    ancestors,
    children,
    descendants,
    full_name,
    is_known,
    level,
    name,
    parent,
    region,
    table,
)

__all__ = ["Region", "UnknownRegion", "ancestors", "children", "descendants", "full_name", "is_known", "level",
           "name", "parent", "region", "table"]
