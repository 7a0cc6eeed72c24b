"""A sheet as a list of rows of optional strings, with the spreadsheet row number of each row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Grid:
    sheet: str | None  # None for csv
    rows: list[list[str | None]]
    first_row_number: int = 1  # the 1-based row number of rows[0]
    hidden: bool = False

    def row_number(self, index: int) -> int:
        return self.first_row_number + index
