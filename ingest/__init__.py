"""Read agency files, map them onto the exchange standard, and load them into DuckDB."""
