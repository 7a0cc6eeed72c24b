"""Chinese number and date formats for pages and workbooks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

NO_DATA = "无数据"


def pct(value: Any, digits: int = 1) -> str:
    """0.8532 → '85.3%'; NULL is "no data", never 0 %."""
    if value is None:
        return NO_DATA
    return f"{float(value) * 100:.{digits}f}%"


def count(value: Any) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}"


def number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def points(value: Any) -> str:
    """Scorecard points with two decimals."""
    return "—" if value is None else f"{float(value):.2f}"


def points_change(now: Any, before: Any) -> str:
    """Change of a rate in 百分点 (percentage points); '—' when either side has no data."""
    if now is None or before is None:
        return "—"
    diff = (float(now) - float(before)) * 100
    arrow = "▲" if diff > 0.05 else "▼" if diff < -0.05 else "＝"
    return f"{arrow} {abs(diff):.1f} 个百分点"


def count_change(now: Any, before: Any) -> str:
    if now is None or before is None:
        return "—"
    diff = int(now) - int(before)
    arrow = "▲" if diff > 0 else "▼" if diff < 0 else "＝"
    return f"{arrow} {abs(diff):,}"


def day(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def long_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def ratio(numerator: Any, denominator: Any) -> float | None:
    if not denominator:
        return None
    return float(numerator or 0) / float(denominator)


def plain(value: Any) -> Any:
    """Decimal → float for charts and workbooks."""
    return float(value) if isinstance(value, Decimal) else value
