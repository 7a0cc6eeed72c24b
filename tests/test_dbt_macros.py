"""dbt macros that restate something Python decides must say the same thing."""

from __future__ import annotations

import re

from privacy.pseudonymise import PREFIX
from warehouse.settings import DBT_PROJECT_DIR


def test_pseudonymised_name_prefix_is_the_one_ingest_writes():
    macro = (DBT_PROJECT_DIR / "macros" / "privacy" / "is_pseudonymised_name.sql").read_text(encoding="utf-8")
    assert re.search(r"set prefix = '([^']+)'", macro).group(1) == PREFIX["name"]


def test_no_model_writes_the_pseudonym_prefix_itself():
    literal = re.compile(r"'(?:name|id|tel)_'")
    offending = [p.name for p in (DBT_PROJECT_DIR / "models").rglob("*.sql") if literal.search(p.read_text("utf-8"))]
    assert offending == []
