"""Shared fixtures: an isolated $LIANDONG_HOME per test and a configured pseudonymisation key."""

from __future__ import annotations

import os
from pathlib import Path

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
