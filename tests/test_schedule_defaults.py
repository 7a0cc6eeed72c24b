"""Schedules are on by default in `liandong dev`, and LIANDONG_SCHEDULES=off starts them stopped."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(("value", "expected"), [(None, "RUNNING"), ("on", "RUNNING"), ("off", "STOPPED"),
                                                 ("0", "STOPPED")])
def test_schedules_default_status(monkeypatch, value, expected):
    from orchestration import schedules

    if value is None:
        monkeypatch.delenv("LIANDONG_SCHEDULES", raising=False)
    else:
        monkeypatch.setenv("LIANDONG_SCHEDULES", value)
    module = importlib.reload(schedules)
    try:
        statuses = {s.name: s.default_status.value for s in (
            module.daily_warehouse_schedule, module.monthly_publication_schedule, module.annual_scorecard_schedule)}
        assert statuses == {"daily_warehouse": expected, "monthly_publication": expected,
                            "annual_scorecard": expected}
    finally:
        monkeypatch.delenv("LIANDONG_SCHEDULES", raising=False)
        importlib.reload(schedules)
