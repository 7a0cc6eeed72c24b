"""A sheet as a list of rows of optional strings, with the spreadsheet row number of each row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Grid:
    sheet: str | None  # None for csv
    rows: list[list[str | None]]
    first_row_number: int = 1  # the 1-based row number of rows[0]
    hidden: bool = False
    # merged ranges (first row index, first column, last row index, last column), 0-based into rows: Excel
    # shows the value of a range in every cell it covers, the file stores it only in the first
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        return self.first_row_number + index
