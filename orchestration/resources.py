"""Dagster resources: where the home folder is and which pseudonymisation key to use."""

from __future__ import annotations

import os

from dagster import ConfigurableResource

from orchestration.settings import Settings, load_settings

WAREHOUSE_POOL = "duckdb_warehouse"  # every step that writes the DuckDB file; the instance limits it to 1


class LiandongResource(ConfigurableResource):
    """The liandong home; `home` empty means $LIANDONG_HOME or ./.liandong."""

    home: str = ""
    allow_demo_key: bool = False

    def settings(self) -> Settings:
        settings = load_settings(self.home or None)
        settings.prepare()
        os.environ["LIANDONG_WAREHOUSE"] = str(settings.warehouse)  # read by dbt's profiles.yml
        return settings
