#!/usr/bin/env bash
# The DuckDB reference reads GB18030 csv and xlsx with DuckDB's `encodings` and `excel` extensions.
# DuckDB downloads them on first use; without network they come from the duckdb-ext-* wheels on PyPI,
# which are built for one DuckDB release (1.4.4), so the reference gets its own small venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python3.11 -m venv "$here/.ref-venv"
"$here/.ref-venv/bin/pip" install -q duckdb==1.4.4 duckdb-ext-excel==1.4.4.20260205 \
  duckdb-ext-encodings==1.4.4.20260205
echo "reference interpreter: $here/.ref-venv/bin/python"
