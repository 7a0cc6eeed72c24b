"""Typed columns → cells as a clerk's spreadsheet shows them (vectorised `sample_data.layouts.format_value`).

A typed column is a numpy array plus a validity mask. For csv every cell is text; for xlsx numbers stay
numbers and dates in the `excel` style are real Excel dates (serials with a date number format).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from bench.fake import EXCEL_OFFSET, Rng
from bench.xlsx import DATE_STYLES, DATETIME_STYLES, Column
from sample_data.layouts import DATE_FORMATS, FileStyle


@dataclass
class Typed:
    """One field of a feed for a block of rows: `kind` as in sample_data.layouts (date, datetime, amount,
    decimal, int, bool, or None for text); `values` holds days since 1970 (date), seconds since 1970
    (datetime), yuan (amount), floats (decimal), ints, bools or strings."""

    kind: str | None
    values: np.ndarray
    valid: np.ndarray  # bool mask: False = empty cell
    long_term: np.ndarray | None = None  # date_or_long_term: rows written as 长期


def text(values: np.ndarray, valid: np.ndarray | None = None) -> Typed:
    values = np.asarray(values, dtype=str)
    return Typed(None, values, np.ones(len(values), bool) if valid is None else valid)


def typed(kind: str, values: np.ndarray, valid: np.ndarray | None = None) -> Typed:
    return Typed(kind, np.asarray(values), np.ones(len(values), bool) if valid is None else np.asarray(valid))


def _series(values: np.ndarray, valid: np.ndarray, dtype: pl.DataType | None = None) -> pl.Series:
    s = pl.Series(values) if dtype is None else pl.Series(values, dtype=dtype)
    if valid.all():
        return s
    return pl.select(pl.when(pl.Series(valid)).then(s)).to_series()


def _ymd(days: np.ndarray) -> tuple[pl.Series, pl.Series, pl.Series]:
    dt = days.astype("datetime64[D]")
    months = dt.astype("datetime64[M]")
    y = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    m = months.astype(np.int64) % 12 + 1
    d = (dt - months).astype(np.int64) + 1
    return pl.Series(y).cast(pl.String), pl.Series(m).cast(pl.String), pl.Series(d).cast(pl.String)


def date_strings(days: np.ndarray, codes: np.ndarray) -> pl.Series:
    """Dates written in the format named per row (DATE_FORMATS index)."""
    y, m, d = _ymd(days)
    df = pl.DataFrame({"y": y, "m": m, "d": d, "c": codes})
    mm, dd = pl.col("m").str.zfill(2), pl.col("d").str.zfill(2)
    forms = {
        "iso": pl.concat_str([pl.col("y"), mm, dd], separator="-"),
        "slash": pl.concat_str([pl.col("y"), pl.col("m"), pl.col("d")], separator="/"),
        "cn": pl.concat_str([pl.col("y"), pl.lit("年"), pl.col("m"), pl.lit("月"), pl.col("d"), pl.lit("日")]),
        "compact": pl.concat_str([pl.col("y"), mm, dd]),
        "dot": pl.concat_str([pl.col("y"), pl.col("m"), pl.col("d")], separator="."),
    }
    expr: pl.Expr | pl.When | pl.Then = pl
    for i, name in enumerate(DATE_FORMATS):
        expr = expr.when(pl.col("c") == i).then(forms[name])  # type: ignore[union-attr]
    return df.select(expr.otherwise(forms["iso"])).to_series()  # type: ignore[union-attr]


def datetime_strings(seconds: np.ndarray, fmt: str) -> pl.Series:
    ts = pl.Series(seconds * 1_000_000).cast(pl.Datetime("us"))
    if fmt == "slash":
        return pl.select(pl.concat_str([
            ts.dt.year().cast(pl.String), pl.lit("/"), ts.dt.month().cast(pl.String), pl.lit("/"),
            ts.dt.day().cast(pl.String), pl.lit(" "), ts.dt.hour().cast(pl.String), pl.lit(":"),
            ts.dt.minute().cast(pl.String).str.zfill(2)])).to_series()
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S")


def _plain_decimal_text(yuan: np.ndarray, divisor: int) -> pl.Series:
    """Exact decimal text of yuan / divisor (divisor 1 or 10,000), trailing zeros dropped."""
    neg = yuan < 0
    a = np.abs(yuan).astype(np.int64)
    whole = pl.Series(a // divisor).cast(pl.String)
    if divisor == 1:
        out = whole
    else:
        frac = pl.Series(a % divisor).cast(pl.String).str.zfill(len(str(divisor)) - 1).str.strip_chars_end("0")
        out = pl.select(pl.when(frac == "").then(whole).otherwise(pl.concat_str([whole, pl.lit("."), frac])))
        out = out.to_series()
    return pl.select(pl.when(pl.Series(neg)).then(pl.lit("-") + out).otherwise(out)).to_series()


def _thousands_text(yuan: np.ndarray) -> pl.Series:
    """12,345.00 — how spreadsheets export amounts with a thousands separator."""
    return pl.Series([f"{v:,.2f}" for v in yuan.tolist()], dtype=pl.String)


def to_column(header: str, t: Typed, style: FileStyle, rng: Rng, unit: str = "元",
              date_format: str | None = None, number_format: str = "iso") -> Column:
    """One typed column → a writer column for the file style (csv: text; xlsx: numbers, dates)."""
    xlsx = style.target == "xlsx"
    n = len(t.values)
    kind, valid = t.kind, t.valid
    if kind is None:
        return Column(header, text=_series(t.values, valid, pl.String))
    if kind == "date":
        fmt = date_format or "iso"
        codes = np.full(n, DATE_FORMATS.index(fmt) if fmt in DATE_FORMATS else -1, dtype=np.int8)
        if style.mixed_dates:
            mixed = rng.random(n) < 0.15
            codes[mixed] = rng.integers(0, len(DATE_FORMATS), int(mixed.sum()))
        days = np.where(valid, t.values, 0).astype(np.int64)
        long_term = t.long_term if t.long_term is not None else np.zeros(n, bool)
        if xlsx and fmt == "excel":
            as_number = valid & (codes < 0) & ~long_term
            strings = date_strings(days, np.where(codes < 0, 0, codes))
            text_s = pl.select(pl.when(pl.Series(valid & ~as_number & ~long_term)).then(strings)
                               .when(pl.Series(long_term)).then(pl.lit("长期"))).to_series()
            return Column(header, text=text_s, number=_series(days + EXCEL_OFFSET, as_number),
                          style=DATE_STYLES[number_format])
        strings = date_strings(days, np.where(codes < 0, 0, codes))
        return Column(header, text=pl.select(pl.when(pl.Series(long_term)).then(pl.lit("长期"))
                                             .when(pl.Series(valid)).then(strings)).to_series())
    if kind == "datetime":
        secs = np.where(valid, t.values, 0).astype(np.int64)
        if xlsx and style.datetime_format == "excel":
            return Column(header, number=_series(secs / 86400.0 + EXCEL_OFFSET, valid),
                          style=DATETIME_STYLES[number_format if number_format in DATETIME_STYLES else "iso"])
        return Column(header, text=_series(datetime_strings(secs, style.datetime_format).to_numpy(), valid,
                                           pl.String))
    if kind == "amount":
        yuan = np.where(valid, t.values, 0).astype(np.int64)
        divisor = 10_000 if unit == "万元" else 1
        if xlsx:
            nums = yuan / divisor if divisor != 1 else yuan
            return Column(header, number=_series(nums, valid))
        if style.thousands and unit == "元":
            return Column(header, text=_series(_thousands_text(yuan).to_numpy(), valid, pl.String))
        return Column(header, text=_series(_plain_decimal_text(yuan, divisor).to_numpy(), valid, pl.String))
    if kind == "decimal":
        vals = np.where(valid, t.values, 0.0).astype(float)
        if xlsx:
            return Column(header, number=_series(vals, valid))
        s = pl.Series(vals).round(1).cast(pl.String).str.strip_suffix(".0")
        return Column(header, text=_series(s.to_numpy(), valid, pl.String))
    if kind == "int":
        vals = np.where(valid, t.values, 0).astype(np.int64)
        if xlsx:
            return Column(header, number=_series(vals, valid))
        return Column(header, text=_series(vals.astype(str), valid, pl.String))
    if kind == "bool":
        vals = np.where(np.asarray(t.values, dtype=bool), style.bools[0], style.bools[1])
        return Column(header, text=_series(vals, valid, pl.String))
    raise AssertionError(kind)


def override_text(col: Column, rows: np.ndarray, values: list[str]) -> Column:
    """Put raw text into some cells (planted bad values such as 2024-02-30), replacing numbers there."""
    if len(rows) == 0:
        return col
    n = len(col.text if col.text is not None else col.number)  # type: ignore[arg-type]
    text_s = col.text if col.text is not None else pl.Series([None] * n, dtype=pl.String)
    text_s = text_s.scatter(rows, values)
    number = col.number
    if number is not None:
        number = number.scatter(rows, None)
    return Column(col.header, text=text_s, number=number, style=col.style)


def csv_frame(columns: list[Column]) -> pl.DataFrame:
    """Text columns for a csv writer (columns are text for csv styles)."""
    data = {}
    for i, c in enumerate(columns):
        s = c.text if c.text is not None else c.number.cast(pl.String)  # type: ignore[union-attr]
        data[f"c{i}"] = s
    return pl.DataFrame(data)


def write_csv(path, columns: list[Column], encoding: str, delimiter: str = ",") -> dict:
    """Header on record 1, data from record 2; GB18030, UTF-8 with BOM or UTF-8, CRLF line ends."""
    frame = csv_frame(columns)
    frame.columns = [c.header for c in columns] if len({c.header for c in columns}) == len(columns) else frame.columns
    body = frame.write_csv(separator=delimiter, line_terminator="\r\n", quote_style="necessary",
                           include_header=False)
    header = pl.DataFrame({f"h{i}": [c.header] for i, c in enumerate(columns)}).write_csv(
        separator=delimiter, line_terminator="\r\n", quote_style="necessary", include_header=False)
    text_out = header + body
    data = text_out.encode("gb18030" if encoding == "gb18030" else "utf-8")
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return {"header_row": 1, "first_data_row": 2, "data_rows": frame.height, "non_data_rows": 0}
