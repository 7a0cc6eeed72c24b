"""Dagster resources: where the home folder is and which pseudonymisation key to use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource, Failure, MetadataValue

from warehouse.errors import UserError
from warehouse.settings import Settings, load_settings

WAREHOUSE_POOL = "duckdb_warehouse"  # every step that writes the DuckDB file; the instance limits it to 1


class LiandongResource(ConfigurableResource):
    """The liandong home; `home` empty means $LIANDONG_HOME or ./.liandong."""

    home: str = ""
    allow_demo_key: bool = False

    def settings(self) -> Settings:
        settings = load_settings(self.home or None)
        settings.prepare()
        os.environ["LIANDONG_WAREHOUSE"] = str(settings.warehouse)  # read by dbt's profiles.yml
        os.environ["DBT_LOG_PATH"] = str(settings.dbt_log_dir)  # dbt's logs under the home, as the CLI's
        return settings


@contextmanager
def failure_for_user_errors() -> Iterator[None]:
    """A workflow's sentence (and the PII gate's findings) as the Dagster failure, not a traceback."""
    try:
        yield
    except UserError as exc:
        findings = getattr(exc, "findings", None) or []
        metadata = {"findings": MetadataValue.md("\n".join(f"- {f.sentence()}" for f in findings[:50]))} \
            if findings else {}
        raise Failure(f"{exc.message_zh} / {exc.message_en}", metadata=metadata) from None
