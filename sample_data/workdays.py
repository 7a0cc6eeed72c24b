"""Deadline arithmetic used to write the expected answers of planted cases (DOMAIN.md §2).

The start day is not counted; a month period ends on the same-numbered day (or the month's last day);
a deadline that falls on a rest day rolls to the next working day; N 工作日 is the N-th working day after
the start day. Working days come from `chinese_calendar`, which raises outside the years it knows.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> bool:
    """State Council schedule, including make-up working days (调休)."""
    return bool(chinese_calendar.is_workday(day))


def roll_to_workday(day: date) -> date:
    """The day itself when it is a working day, else the next working day."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """Same-numbered day N months later, or that month's last day (2024-12-31 + 2 → 2025-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_in_days(start: date, days: int) -> date:
    """A period of N calendar days, rolled to a working day."""
    return roll_to_workday(start + timedelta(days=days))


def due_in_months(start: date, months: int) -> date:
    """A period of N months, rolled to a working day."""
    return roll_to_workday(add_months(start, months))


def due_in_workdays(start: date, workdays: int) -> date:
    """The N-th working day after the start day."""
    day, counted = start, 0
    while counted < workdays:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day
