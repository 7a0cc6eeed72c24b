"""Dagster definitions, the dbt runner and the `liandong` CLI: wiring only, the work lives in the packages."""
