"""The shared core: settings, the DuckDB connection and writer lock, the meta schema, errors users see, the dbt
runner and the build record (what was built for which as-of date).

Every other package imports this one; it imports none of them.
"""
