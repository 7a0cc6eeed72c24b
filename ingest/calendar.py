"""The working-day calendar seed (`dbt_project/seeds/calendar/work_calendar.csv`) from `chinese_calendar`.

Deadlines roll to the next working day and count 工作日 on the State Council's yearly schedule, including
make-up working days (调休). `chinese_calendar` carries that schedule from 2004 to the last year it knows;
the seed holds every date of those years, so a deadline in a later year finds no row and the dbt build
stops with a message (fct_obligations). When the State Council publishes a new year:

    pip install -U chinesecalendar && python -m ingest.calendar

then commit the regenerated CSV. The output depends only on the installed `chinese_calendar` (same
version → byte-identical file); tests/test_deadlines.py checks the committed file against it.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

FIRST_YEAR = 2004
SEED_PATH = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "calendar" / "work_calendar.csv"
COLUMNS = ("calendar_date", "is_workday", "is_holiday", "holiday_name", "is_makeup_workday", "year")

# chinese_calendar names holidays in English; the warehouse shows the Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def last_supported_year() -> int:
    """The last year for which chinese_calendar has the State Council schedule."""
    return max(max(chinese_calendar.holidays), max(chinese_calendar.workdays)).year


def calendar_rows(first_year: int = FIRST_YEAR, last_year: int | None = None) -> Iterator[tuple[str, ...]]:
    """One row per date, as the CSV writes it (booleans as true/false, no name → empty)."""
    last_year = last_year or last_supported_year()
    day, end = date(first_year, 1, 1), date(last_year, 12, 31)
    while day <= end:
        workday = bool(chinese_calendar.is_workday(day))
        _, english = chinese_calendar.get_holiday_detail(day)
        named = english is not None
        is_holiday = named and not workday
        is_makeup = workday and day.weekday() >= 5
        name = HOLIDAY_NAMES_ZH.get(english, english) if named else ""
        yield (
            day.isoformat(),
            _bool(workday),
            _bool(is_holiday),
            name,
            _bool(is_makeup),
            str(day.year),
        )
        day += timedelta(days=1)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def render_csv() -> str:
    """The whole seed as text (UTF-8, LF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(calendar_rows())
    return out.getvalue()


def write_seed(path: Path = SEED_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_csv(), encoding="utf-8", newline="")
    return path


def main() -> int:
    path = write_seed()
    print(f"工作日历已生成 / work calendar written: {path} ({FIRST_YEAR}–{last_supported_year()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
