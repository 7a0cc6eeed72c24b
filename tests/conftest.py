"""Shared fixtures: an isolated $LIANDONG_HOME per test and a configured pseudonymisation key."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

TEST_KEY = "test-key-for-liandong-unit-tests"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("LIANDONG_HOME", str(h))
    monkeypatch.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
    monkeypatch.delenv("LIANDONG_SECRET_KEY_FILE", raising=False)
    return h


@pytest.fixture
def settings(home: Path):
    from warehouse.settings import load_settings

    s = load_settings(home)
    s.prepare()
    return s


@pytest.fixture
def target(settings):
    from ingest.pipeline import IngestTarget

    return IngestTarget.of(settings)


SAMPLE_AS_OF = date(2025, 12, 31)


@dataclass(frozen=True)
class SampleWarehouse:
    """The bundled sample, ingested and built once per test session (see `sample_warehouse`)."""

    folder: Path
    manifest: dict[str, Any]
    settings: Any
    paths: list[Path]
    outcomes: list[Any]

    @property
    def home(self) -> Path:
        return self.settings.home

    @property
    def warehouse(self) -> Path:
        return self.settings.warehouse


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> SampleWarehouse:
    """The sample (seed 2024) ingested with TEST_KEY and built (`workflows.build`: dbt, contract report, PII gate)
    as of 2025-12-31 — once per session, because each build of it takes a minute or more on two cores.

    Its users only read it: a test that ingests, builds or publishes into a home needs a home of its own."""
    from ingest.pipeline import IngestTarget, ingest_files
    from orchestration import workflows
    from sample_data import generate_sample
    from warehouse.settings import load_settings

    folder = tmp_path_factory.mktemp("shared_sample")
    manifest = generate_sample(folder, 2024)
    home = tmp_path_factory.mktemp("shared_sample_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIANDONG_HOME", str(home))
        mp.setenv("LIANDONG_SECRET_KEY", TEST_KEY)
        mp.delenv("LIANDONG_SECRET_KEY_FILE", raising=False)
        settings = load_settings(home)
        settings.prepare()
        paths = [folder / f["path"] for f in manifest["files"]]
        outcomes = ingest_files(paths, IngestTarget.of(settings))
        workflows.build(settings, SAMPLE_AS_OF)
    return SampleWarehouse(folder, manifest, settings, paths, outcomes)
