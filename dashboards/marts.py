"""The mart names users can export, read from the dbt project's `models/marts/` (cheap: no warehouse, no dbt),
so `liandong export --help` and its errors can list them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MARTS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "models" / "marts"


@cache
def mart_names() -> tuple[str, ...]:
    """Every mart model, sorted (fct_*, agg_*, dim_* under models/marts/)."""
    return tuple(sorted(p.stem for p in MARTS_DIR.rglob("*.sql")))
