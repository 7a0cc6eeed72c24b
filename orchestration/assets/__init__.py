"""Assets by concern: ingest (one per feed) and the dbt project."""
