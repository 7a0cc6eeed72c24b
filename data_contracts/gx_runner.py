"""Run compiled contract rules as Great Expectations 1.x expectations on a pandas DataFrame.

This is the only module that imports `great_expectations`. Built-in expectations do most of the work;
three custom column-map expectations check GB 32100 / GB 11643 check characters and code lists with
open prefixes (`其他-…`). Conditions GX's row_condition can express (in, not in, is, not null) are passed
as GX `Column` conditions; `contains_any` on a ';'-joined code list becomes a bool helper column on a
copy of the frame. Validation runs in one in-memory (ephemeral) context per process: nothing is
written to disk, no metric is carried from one batch to the next; suites are cached per (feed, today).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Hashable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from data_contracts.compiler import LIST_SEPARATOR, Rule, compile_rules
from data_contracts.model import Condition, Contract
from data_contracts.report import RuleOutcome, ValidationReport

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.execution_engine import pandas_execution_engine as _gx_pandas_engine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)
from great_expectations.expectations.row_conditions import Column
from great_expectations.expectations.row_conditions import Condition as GxCondition
from tqdm import tqdm

log = logging.getLogger(__name__)

# GX fingerprints every pandas batch smaller than this (an MD5 over `hash_pandas_object` of the whole frame) for a
# batch marker that only a stored validation result would show; the context here is ephemeral and keeps no
# result, and the hashing was a quarter of every validation's time. No frame is fingerprinted.
_gx_pandas_engine.HASH_THRESHOLD = 0

# GX opens a tqdm bar (disabled) per validation graph, and tqdm's default lock holds a multiprocessing
# semaphore: made in the validator process, it outlived it and every ingest ended with Python's "leaked
# semaphore objects" warning. Bars are never shown here: a thread lock is enough.
tqdm.set_lock(threading.RLock())

HELPER_PREFIX = "_lc_when_"
# Every failing row's index is needed, not the failing values nor a query that selects them (two metrics fewer
# per expectation: ~10 % of a validation).
RESULT_FORMAT = {"result_format": "COMPLETE", "partial_unexpected_count": 0, "exclude_unexpected_values": True,
                 "return_unexpected_index_query": False}

# --------------------------------------------------------------------------------------------------
# Vectorised identifier checks. Semantics match data_contracts.identifiers (tests compare them on
# random input); they work on the unique values of a column, so repeated codes cost nothing.

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_FORMAT = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
_USCC_LOOKUP = np.full(128, -1, dtype=np.int64)
for _i, _c in enumerate(_USCC_ALPHABET):
    _USCC_LOOKUP[ord(_c)] = _i
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_RIC18_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
_RIC15_FORMAT = re.compile(r"[0-9]{15}")
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_RIC_CHECK = np.array([ord(c) for c in "10X98765432"], dtype=np.uint32)


def _strings(values: Any) -> pd.Series:
    """Values as an object Series where anything that is not a str becomes None (fails every check)."""
    s = pd.Series(values, dtype=object)
    return s.where(s.map(type).eq(str), None)


def _char_matrix(strings: list[str], width: int) -> np.ndarray:
    return np.array(strings, dtype=f"<U{width}").view(np.uint32).reshape(-1, width)


def uscc_valid(values: Any) -> np.ndarray:
    """GB 32100: 18 characters of the code alphabet and a correct check character (A/N/Y prefixes ok)."""
    s = _strings(values)
    ok = s.str.fullmatch(_USCC_FORMAT).fillna(False).to_numpy(dtype=bool, copy=True)
    if ok.any():
        chars = _USCC_LOOKUP[_char_matrix(s[ok].tolist(), 18)]
        check = (31 - (chars[:, :17] * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
        ok[ok] = chars[:, 17] == check
    return ok


def ric_valid(values: Any) -> np.ndarray:
    """GB 11643: 18 digits (last may be X) with the MOD 11-2 check, or a legacy 15-digit number."""
    s = _strings(values).str.replace(r"\s+", "", regex=True).str.upper()
    legacy = s.str.fullmatch(_RIC15_FORMAT).fillna(False).to_numpy(dtype=bool, copy=True)
    ok = s.str.fullmatch(_RIC18_FORMAT).fillna(False).to_numpy(dtype=bool, copy=True)
    if ok.any():
        chars = _char_matrix(s[ok].tolist(), 18)
        total = ((chars[:, :17].astype(np.int64) - ord("0")) * _RIC_WEIGHTS).sum(axis=1)
        ok[ok] = chars[:, 17] == _RIC_CHECK[total % 11]
    return ok | legacy


def codes_valid(values: Any, value_set: list[str], open_prefix: str | None,
                separator: str | None) -> np.ndarray:
    """Each value (or each `separator`-joined element) is a code, or `<open_prefix><name>`."""
    allowed = frozenset(value_set)

    def element_ok(e: str) -> bool:
        return e in allowed or bool(open_prefix and e.startswith(open_prefix) and len(e) > len(open_prefix))

    def ok(v: Any) -> bool:
        if not isinstance(v, str):
            return False
        return all(element_ok(e) for e in (v.split(separator) if separator else (v,)))

    return _per_unique(values, ok)


def _per_unique(values: Any, fn: Any) -> np.ndarray:
    """Apply a Python predicate once per distinct value (nulls → False)."""
    return _unique_then(values, lambda uniques: np.fromiter((fn(u) for u in uniques), dtype=bool,
                                                            count=len(uniques)))


def _unique_then(values: Any, check: Any) -> np.ndarray:
    """Run a vectorised check on the distinct values of a column; spread the verdicts back (nulls → False)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(codes), dtype=bool)
    verdict = np.asarray(check(uniques), dtype=bool)
    return np.where(codes >= 0, verdict[np.maximum(codes, 0)], False)


# --------------------------------------------------------------------------------------------------
# Custom expectations (registered with GX when this module is imported).


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.liandong_valid_uscc"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return pd.Series(_unique_then(column, uscc_valid), index=column.index)


class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
    """统一社会信用代码 (GB 32100) with a correct check character; letter prefixes A/N/Y are valid."""

    map_metric = "column_values.liandong_valid_uscc"
    success_keys = ("mostly",)


class ColumnValuesValidRic(ColumnMapMetricProvider):
    condition_metric_name = "column_values.liandong_valid_ric"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return pd.Series(_unique_then(column, ric_valid), index=column.index)


class ExpectColumnValuesToBeValidRic(ColumnMapExpectation):
    """公民身份号码 (GB 11643) with a correct check digit; legacy 15-digit numbers pass."""

    map_metric = "column_values.liandong_valid_ric"
    success_keys = ("mostly",)


class ColumnValuesInCodeList(ColumnMapMetricProvider):
    condition_metric_name = "column_values.liandong_in_code_list"
    condition_value_keys = ("value_set", "open_prefix", "separator")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, value_set: list[str], open_prefix: str | None = None,
                separator: str | None = None, **kwargs: Any) -> pd.Series:
        return pd.Series(codes_valid(column, value_set, open_prefix, separator), index=column.index)


class ExpectColumnValuesToBeInCodeList(ColumnMapExpectation):
    """Each value (each `separator`-joined element) is a code of the list, or `<open_prefix><name>`."""

    value_set: list[str]
    open_prefix: str | None = None
    separator: str | None = None
    map_metric = "column_values.liandong_in_code_list"
    success_keys = ("value_set", "open_prefix", "separator", "mostly")


# --------------------------------------------------------------------------------------------------
# Conditions


def condition_mask(df: pd.DataFrame, cond: Condition) -> np.ndarray:
    """Rows where a contract condition holds. A condition on a missing value never holds."""
    s = df[cond.field]
    if cond.op == "in":
        m = s.isin(list(cond.values))
    elif cond.op == "not_in":
        m = s.notna() & ~s.isin(list(cond.values))
    elif cond.op == "contains_any":
        wanted = frozenset(str(v) for v in cond.values)
        return _per_unique(s, lambda v: isinstance(v, str) and not wanted.isdisjoint(v.split(LIST_SEPARATOR)))
    elif cond.op == "is":
        m = s.eq(cond.values[0])
    elif cond.op == "not_null":
        m = s.notna()
    else:
        raise ValueError(f"unknown condition op {cond.op}")
    return m.fillna(False).to_numpy(dtype=bool, copy=True)


def _gx_condition(cond: Condition, helper: str | None) -> GxCondition:
    if helper is not None:
        return Column(helper) == True  # noqa: E712 (a GX condition object, not a Python comparison)
    col = Column(cond.field)
    if cond.op == "in":
        return col.is_in(list(cond.values))
    if cond.op == "not_in":
        return col.is_not_in(list(cond.values)) & col.is_not_null()
    if cond.op == "is":
        return col == cond.values[0]
    if cond.op == "not_null":
        return col.is_not_null()
    raise ValueError(f"condition op {cond.op} needs a helper column")


# --------------------------------------------------------------------------------------------------
# Rules → expectations


def _helper_name(rule: Rule) -> str:
    return HELPER_PREFIX + re.sub(r"\W", "_", rule.rule_id)


def _needs_helper(rule: Rule) -> bool:
    return rule.condition is not None and rule.condition.op == "contains_any"


def _expectation(rule: Rule, today: date) -> Any:
    E = gx.expectations
    p, col = rule.params, rule.field
    kw: dict[str, Any] = {}
    if rule.condition is not None:
        helper = _helper_name(rule) if _needs_helper(rule) else None
        kw["row_condition"] = _gx_condition(rule.condition, helper)
    if rule.kind == "required":
        if "long_term_column" in p:
            kw["row_condition"] = Column(p["long_term_column"]) != True  # noqa: E712
        return E.ExpectColumnValuesToNotBeNull(column=col, **kw)
    if rule.kind == "required_when":
        return E.ExpectColumnValuesToNotBeNull(column=col, **kw)
    if rule.kind == "max_length":
        return E.ExpectColumnValueLengthsToBeBetween(column=col, max_value=p["max_length"], **kw)
    if rule.kind == "codes" and not p.get("open_prefix"):
        return E.ExpectColumnValuesToBeInSet(column=col, value_set=list(p["values"]), **kw)
    if rule.kind in ("codes", "code_list_codes"):
        return ExpectColumnValuesToBeInCodeList(
            column=col, value_set=list(p["values"]), open_prefix=p.get("open_prefix"),
            separator=p.get("separator"), **kw)
    if rule.kind == "uscc_checksum":
        return ExpectColumnValuesToBeValidUscc(column=col, **kw)
    if rule.kind == "ric_checksum":
        return ExpectColumnValuesToBeValidRic(column=col, **kw)
    if rule.kind == "region_format":
        return E.ExpectColumnValuesToMatchRegex(column=col, regex=p["regex"], **kw)
    if rule.kind == "prefix":
        regex = "^(?:" + "|".join(re.escape(x) for x in p["prefixes"]) + ")"
        return E.ExpectColumnValuesToMatchRegex(column=col, regex=regex, **kw)
    if rule.kind == "non_negative":
        return E.ExpectColumnValuesToBeBetween(column=col, min_value=p["min_value"], **kw)
    if rule.kind == "not_future":
        # Anything before tomorrow 00:00 is "not after today", for dates and datetimes alike.
        bound = pd.Timestamp(today + timedelta(days=1))
        return E.ExpectColumnValuesToBeBetween(column=col, max_value=bound, strict_max=True, **kw)
    if rule.kind in ("gte", "lte"):
        a, b = (col, rule.other_field) if rule.kind == "gte" else (rule.other_field, col)
        return E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=a, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing", **kw)
    if rule.kind == "unique_key":
        # A key must be unique within one file; several files validated together carry `_file`.
        cols = [*p["columns"], FILE_COLUMN]
        return E.ExpectCompoundColumnsToBeUnique(column_list=cols, ignore_row_if="any_value_is_missing", **kw)
    raise ValueError(f"rule {rule.rule_id}: no expectation for kind {rule.kind}")


FILE_COLUMN = "_file"  # which file a row came from, when one call validates several files

_SUITES: dict[tuple[str, date, int], gx.ExpectationSuite] = {}
_SUITE_CACHE_SIZE = 32


def build_suite(contract: Contract, rules: list[Rule], today: date) -> gx.ExpectationSuite:
    """The GX suite of a contract; each expectation carries its rule id in `meta`."""
    key = (contract.id, today, hash(repr(rules)))
    suite = _SUITES.get(key)
    if suite is None:
        suite = gx.ExpectationSuite(name=f"{contract.id}.{today.isoformat()}")
        for rule in rules:
            exp = _expectation(rule, today)
            exp.meta = {"rule_id": rule.rule_id, "severity": rule.severity, "message_zh": rule.message_zh}
            suite.add_expectation(exp)
        if len(_SUITES) >= _SUITE_CACHE_SIZE:
            _SUITES.pop(next(iter(_SUITES)))
        _SUITES[key] = suite
    return suite


_LOCK = threading.Lock()
_BATCH_DEFINITION: Any = None


def _batch_definition() -> Any:
    """One in-memory context and pandas batch definition per process, created on first use.

    GX resolves an unsaved ExpectationSuite against the current context, so the context must exist
    before suites are built. The execution engine recomputes every metric when a new batch is loaded,
    so reusing the batch definition carries no results from one frame to the next.
    """
    global _BATCH_DEFINITION
    if _BATCH_DEFINITION is None:
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            analytics_enabled=False,
        )
        ctx = gx.get_context(mode="ephemeral", project_config=config)
        _BATCH_DEFINITION = (
            ctx.data_sources.add_pandas("liandong_frames")
            .add_dataframe_asset("contract_frame")
            .add_batch_definition_whole_dataframe("whole_frame")
        )
    return _BATCH_DEFINITION


def warm() -> None:
    """Create the context now (the import is done by then): ingest calls this in a background thread so the
    first validation does not pay for it."""
    with _LOCK:
        _batch_definition()


# --------------------------------------------------------------------------------------------------
# Validation


_NS_MIN, _NS_MAX = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


def _fast_between_column(s: pd.Series) -> pd.Series | None:
    """The column in a dtype GX's between-metric compares vectorised (numpy float, datetime64[ns]).

    For anything else GX falls back to a Python call per row (pandas 3 makes datetime64[us] by default,
    and Int64 is nullable). Dates outside the ns range are clipped: still before/after any bound we use.
    """
    if pd.api.types.is_datetime64_dtype(s.dtype) and not pd.api.types.is_datetime64_ns_dtype(s.dtype):
        return s.clip(_NS_MIN, _NS_MAX).astype("datetime64[ns]")
    if isinstance(s.dtype, pd.Int64Dtype | pd.Int32Dtype | pd.Float64Dtype):
        return s.astype("float64")
    return None


def _prepare(contract: Contract, rules: list[Rule], df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A copy of the frame with helper columns, and the domain mask of every conditional rule."""
    extra: dict[str, Any] = {}
    domains: dict[str, Any] = {}
    for rule in rules:
        if rule.kind in ("non_negative", "not_future") and rule.field in df.columns:
            fast = _fast_between_column(df[rule.field])
            if fast is not None:
                extra[rule.field] = fast
        if "long_term_column" in rule.params:
            lt_col = rule.params["long_term_column"]
            lt = df[lt_col] if lt_col in df.columns else pd.Series(False, index=df.index)
            lt = lt.fillna(False).astype(bool).to_numpy()
            extra[lt_col] = lt  # plain bool, so GX's `!= True` row condition has no NA to trip on
            domains[rule.rule_id] = ~lt
        if rule.condition is not None:
            try:
                mask = condition_mask(df, rule.condition)
            except KeyError:  # the condition column is missing: GX will report the exception
                continue
            domains[rule.rule_id] = mask
            if _needs_helper(rule):
                extra[_helper_name(rule)] = mask
    # GX copies every column of the frame when it filters rows for an expectation: hand it only the
    # columns some rule reads (a missing one stays missing, so GX reports it).
    used = dict.fromkeys(c for r in rules for c in r.columns)
    used.update(dict.fromkeys(extra))
    if FILE_COLUMN not in df.columns:
        extra[FILE_COLUMN] = np.zeros(len(df), dtype=np.int64)
    used[FILE_COLUMN] = None
    base = df[[c for c in df.columns if c in used]]
    work = base.assign(**extra) if extra else base
    return work, domains


def _filters_rows(rule: Rule) -> bool:
    """Whether the rule's expectation carries a row condition (GX then filters the whole frame for it)."""
    return rule.condition is not None or "long_term_column" in rule.params


def _by_row_condition(rules: list[Rule]) -> list[list[Rule]]:
    """The rules without a row condition, then those with one: validated on separate frames, so each filter GX
    applies copies only the columns the conditional rules read (a fifth of a validation)."""
    groups = [[r for r in rules if not _filters_rows(r)], [r for r in rules if _filters_rows(r)]]
    return [g for g in groups if g]


def _columns_of(rules: list[Rule], work: pd.DataFrame) -> list[str]:
    """The columns of `work` the rules read, their conditions' helper columns and `_file` (a missing one stays
    missing, so GX reports it)."""
    wanted = {c for r in rules for c in r.columns} | {FILE_COLUMN}
    wanted |= {r.params["long_term_column"] for r in rules if "long_term_column" in r.params}
    wanted |= {_helper_name(r) for r in rules if _needs_helper(r)}
    return [c for c in work.columns if c in wanted]


def _exception_text(result: Any) -> str | None:
    info = result.exception_info or {}
    # Either one flat dict, or one dict per metric that failed.
    infos = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    msgs = [str(i.get("exception_message") or "exception") for i in infos if i.get("raised_exception")]
    return "; ".join(dict.fromkeys(msgs)) or None


def validate_frame(contract: Contract, df: pd.DataFrame, today: date) -> ValidationReport:
    """Check a normalised frame (one column per contract field, `_row_number`, `_sheet`) against its contract.

    Returns, per rule, the index labels of the rows that broke it. A crash inside an expectation is a
    failed outcome carrying the exception text, with every row of the rule's domain listed.
    """
    if not df.index.is_unique:
        raise ValueError("validate_frame needs a frame with a unique index (labels identify rows)")
    if isinstance(today, datetime):
        today = today.date()
    rules = compile_rules(contract, today)
    work, domains = _prepare(contract, rules, df)
    results: list[Any] = []
    with _LOCK:  # one batch at a time per process: the batch definition is shared
        batch_definition = _batch_definition()
        for group in _by_row_condition(rules):
            suite = build_suite(contract, group, today)
            batch = batch_definition.get_batch(batch_parameters={"dataframe": work[_columns_of(group, work)]})
            results += batch.validate(suite, result_format=RESULT_FORMAT).results
            del batch

    by_rule = {r.expectation_config.meta.get("rule_id"): r for r in results}
    outcomes: list[RuleOutcome] = []
    for rule in rules:
        res = by_rule.get(rule.rule_id)
        domain = domains.get(rule.rule_id)
        outcomes.append(_outcome(rule, res, df.index, domain))
    return ValidationReport(feed=contract.id, today=today, row_count=len(df), outcomes=outcomes)


def _outcome(rule: Rule, res: Any, index: pd.Index, domain: np.ndarray | None) -> RuleOutcome:
    base = dict(rule_id=rule.rule_id, field=rule.field, severity=rule.severity, kind=rule.kind,
                message_zh=rule.message_zh, message_en=rule.message_en, columns=rule.columns,
                domain_mask=domain)
    in_domain = index if domain is None else index[domain]
    if res is None:
        return RuleOutcome(expectation_type="", element_count=len(in_domain), unexpected_count=len(in_domain),
                           failed_index=list(in_domain), exception="GX returned no result for this rule",
                           **base)
    etype = res.expectation_config.type
    error = _exception_text(res)
    if error is not None:
        log.error("rule %s crashed in Great Expectations: %s", rule.rule_id, error)
        return RuleOutcome(expectation_type=etype, element_count=len(in_domain),
                           unexpected_count=len(in_domain), failed_index=list(in_domain), exception=error,
                           **base)
    r = res.result
    failed: list[Hashable] = list(r.get("unexpected_index_list") or [])
    unexpected = int(r.get("unexpected_count") or 0)
    if len(failed) != unexpected:
        error = f"GX reported {unexpected} unexpected rows but listed {len(failed)}"
        return RuleOutcome(expectation_type=etype, element_count=int(r.get("element_count") or 0),
                           unexpected_count=max(unexpected, len(failed)), failed_index=failed,
                           exception=error, **base)
    return RuleOutcome(expectation_type=etype, element_count=int(r.get("element_count") or 0),
                       unexpected_count=unexpected, failed_index=failed, **base)
