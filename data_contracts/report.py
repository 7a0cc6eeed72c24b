"""Validation results in the project's own terms (no Great Expectations types leak past `gx_runner`).

A `ValidationReport` says, per compiled rule, which rows (DataFrame index labels) broke it. Ingest uses
`row_failures()` to quarantine rows and `results_by_unit()` to fill `meta.contract_results`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

ROW_NUMBER_COLUMN = "_row_number"
SHEET_COLUMN = "_sheet"
MAX_FAILED_ROWS_LISTED = 200

CONTRACT_RESULTS_COLUMNS = (
    "feed", "rule_id", "field", "severity", "unit_name", "element_count", "unexpected_count",
    "failed_rows", "message_zh", "message_en",
)


@dataclass
class RuleOutcome:
    """What one rule found in one batch.

    `element_count` is the number of rows the rule looked at (for a conditional rule, the rows where the
    condition holds). `exception` is set when the check itself crashed: then no row is vouched for, so
    every row of the rule's domain is listed in `failed_index`.
    """

    rule_id: str
    field: str
    severity: str
    kind: str
    expectation_type: str
    message_zh: str
    message_en: str
    element_count: int
    unexpected_count: int
    failed_index: list[Hashable]
    exception: str | None = None
    # Every contract field the rule reads (a key rule reads several; `field` then joins them with ",").
    columns: tuple[str, ...] = ()
    # Rows the rule applies to, as a bool array aligned with the validated frame (None: every row).
    domain_mask: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def success(self) -> bool:
        return self.unexpected_count == 0 and self.exception is None


@dataclass
class ValidationReport:
    feed: str
    today: date
    row_count: int
    outcomes: list[RuleOutcome]

    @property
    def success(self) -> bool:
        """True when no error-severity rule failed (warnings do not count)."""
        return all(o.success for o in self.outcomes if o.severity == "error")

    @property
    def exceptions(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.exception is not None]

    def outcome(self, rule_id: str) -> RuleOutcome:
        for o in self.outcomes:
            if o.rule_id == rule_id:
                return o
        raise KeyError(rule_id)

    def _by_row(self, severity: str) -> dict[Hashable, list[RuleOutcome]]:
        rows: dict[Hashable, list[RuleOutcome]] = {}
        for o in self.outcomes:
            if o.severity != severity:
                continue
            for label in o.failed_index:
                rows.setdefault(label, []).append(o)
        return rows

    def row_failures(self) -> dict[Hashable, list[RuleOutcome]]:
        """Index label → error-severity rules the row broke; these rows are quarantined."""
        return self._by_row("error")

    def warnings_by_row(self) -> dict[Hashable, list[RuleOutcome]]:
        """Index label → warning-severity rules the row broke; reported, the row is still loaded."""
        return self._by_row("warning")

    def summary(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "rows": self.row_count,
            "rules": len(self.outcomes),
            "failed_rules": [o.rule_id for o in self.outcomes if not o.success],
            "rows_failing": len(self.row_failures()),
            "success": self.success,
        }


def _row_numbers(df: pd.DataFrame) -> pd.Series:
    if ROW_NUMBER_COLUMN in df.columns:
        return df[ROW_NUMBER_COLUMN]
    return pd.Series(df.index, index=df.index)


def _join_rows(values: pd.Series) -> str:
    vals = values.dropna().tolist()
    with contextlib.suppress(TypeError):  # mixed types: keep frame order
        vals = sorted(vals)
    return ",".join(str(v) for v in vals[:MAX_FAILED_ROWS_LISTED])


def results_by_unit(report: ValidationReport, df: pd.DataFrame, unit_column: str) -> list[dict[str, Any]]:
    """Rows for `meta.contract_results`: one per (rule, reporting unit) present in the frame.

    `unit_name` is None for rows without a unit. `failed_rows` lists at most 200 spreadsheet row numbers
    (`_row_number`), ascending, comma-joined. Counts add up to the report's counts per rule.
    """
    if len(df) != report.row_count:
        raise ValueError(f"frame has {len(df)} rows, the report {report.row_count}")
    units = df[unit_column] if unit_column in df.columns else pd.Series(None, index=df.index, dtype=object)
    units = units.astype(object).where(units.notna(), None)
    codes, uniques = pd.factorize(units, use_na_sentinel=True)
    # Group id per row: unique position, or len(uniques) for "no unit".
    group = np.where(codes < 0, len(uniques), codes)
    unit_names: list[Any] = [*uniques.tolist(), None]
    present = np.unique(group)
    row_numbers = _row_numbers(df)
    position = pd.Series(np.arange(len(df)), index=df.index)
    rows: list[dict[str, Any]] = []
    for o in report.outcomes:
        domain = group if o.domain_mask is None else group[o.domain_mask]
        element = np.bincount(domain, minlength=len(unit_names))
        failed_pos = position.loc[o.failed_index].to_numpy() if o.failed_index else np.array([], dtype=int)
        failed_group = group[failed_pos]
        unexpected = np.bincount(failed_group, minlength=len(unit_names))
        failed_numbers = row_numbers.iloc[failed_pos]
        zh, en = o.message_zh, o.message_en
        if o.exception is not None:
            zh, en = f"{zh}【规则执行出错：{o.exception}】", f"{en} [rule crashed: {o.exception}]"
        # only the units with failures have rows to list (most rules fail nowhere in a chunk)
        listed = {g: _join_rows(failed_numbers[failed_group == g]) for g in np.unique(failed_group)}
        for g in present:
            rows.append({
                "feed": report.feed,
                "rule_id": o.rule_id,
                "field": o.field,
                "severity": o.severity,
                "unit_name": unit_names[g],
                "element_count": int(element[g]),
                "unexpected_count": int(unexpected[g]),
                "failed_rows": listed.get(g, ""),
                "message_zh": zh,
                "message_en": en,
            })
    return rows
