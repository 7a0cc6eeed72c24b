"""The DuckDB reference at its best: the same files read by DuckDB, told everything (`python bench/reference.py`).

Runs in its own process, possibly under another interpreter (it imports only duckdb and the standard library):
GB18030 csv needs DuckDB's `encodings` extension and xlsx its `excel` extension, which DuckDB downloads on
first use; offline they come from the `duckdb-ext-*` wheels, which are built for one DuckDB version (see
bench/setup_reference.sh).

Best case, so that the ratio against the pipeline is honest (issue 19): nothing is sniffed and nothing skipped.
Before the clock starts, an untimed peek at each file reads what a user of DuckDB would write into the query
by hand — a csv file's header record (its column count), an xlsx sheet's header row and last column — and the
manifest gives the feed, encoding, delimiter and number of data rows. Then, timed:
  csv   one multi-file `read_csv([files], header=true, auto_detect=false, columns=..., encoding=..., delim=...)`
        per group of files sharing feed, encoding, delimiter and header (all columns text);
  xlsx  `read_xlsx(file, header=false, all_varchar=true, range='A<first data row>:<last column><last data row>')`,
        which takes one file only, so the files of a group (feed and header) are read in batches of
        `XLSX_BATCH` by one `insert ... select ... union all ...` statement.
Rows read must equal the manifest's data rows (`complete`); the 合计 row and anything after the data are outside
the range.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import sys
import time
import zipfile
from pathlib import Path

XLSX_BATCH = 64
_ROW = re.compile(rb"<row\b[^>]*>(.*?)</row>|<row\b[^>]*/>", re.S)
_CELL_REF = re.compile(rb'<c\b[^>]*\br="([A-Z]+)\d+"')


def _load_extensions(con) -> dict[str, str]:  # type: ignore[no-untyped-def]
    import duckdb

    status = {}
    for ext in ("excel", "encodings"):
        try:
            con.execute(f"load {ext}")
            status[ext] = "loaded"
            continue
        except Exception:
            pass
        try:
            import duckdb_ext  # type: ignore[import-not-found]

            base = Path(next(iter(duckdb_ext.__path__))) / "extensions" / f"v{duckdb.__version__}" / "linux_amd64"
            con.execute(f"load '{base / (ext + '.duckdb_extension')}'")
            status[ext] = "loaded from duckdb-ext wheel"
        except Exception as exc:
            status[ext] = f"unavailable: {str(exc).splitlines()[0][:160]}"
    return status


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def peek_csv(path: Path, encoding: str, delimiter: str) -> tuple[str, ...]:
    """The header record of a csv file (its first record, quoted line breaks included)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    text = head.decode("gb18030" if encoding == "gb18030" else "utf-8-sig", errors="ignore")
    return tuple(next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))


def peek_xlsx(path: Path) -> tuple[int, int, tuple[bytes, ...]]:
    """(header row, number of columns, header cells' XML) of the first sheet: the header is the first row with
    more than one cell (a title row above it is one merged cell)."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        with zf.open(name) as fh:
            head = fh.read(1 << 18)
    for number, match in enumerate(_ROW.finditer(head), start=1):
        cells = match.group(1) or b""
        refs = _CELL_REF.findall(cells)
        if len(refs) > 1:
            row = int(re.search(rb'r="(\d+)"', match.group(0)).group(1))  # type: ignore[union-attr]
            return row, max(_col_index(r.decode()) for r in refs) + 1, (cells,)
        if number > 10:
            break
    raise ValueError(f"{path}: no header row found in the first rows")


def _col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def plan(data: Path, manifest: dict, xlsx_ok: bool, gb_ok: bool) -> tuple[dict, dict, dict[str, int]]:
    """Untimed: group the files by layout from the manifest and a peek at each file."""
    csv_groups: dict[tuple, list[str]] = {}
    xlsx_groups: dict[tuple, list[tuple[str, int, int]]] = {}
    unreadable: dict[str, int] = {}
    for f in manifest["files"]:
        path = data / f["path"]
        if f["format"] == "xlsx":
            if not xlsx_ok:
                unreadable["xlsx"] = unreadable.get("xlsx", 0) + 1
                continue
            header_row, width, _ = peek_xlsx(path)
            xlsx_groups.setdefault((f["feed"], width), []).append((str(path), header_row, f["data_rows"]))
        else:
            enc = f["encoding"] or "utf-8"
            if enc == "gb18030" and not gb_ok:
                unreadable["csv/gb18030"] = unreadable.get("csv/gb18030", 0) + 1
                continue
            delim = f["delimiter"] or ","
            header = peek_csv(path, enc, delim)
            csv_groups.setdefault((f["feed"], enc, delim, len(header)), []).append(str(path))
    return csv_groups, xlsx_groups, unreadable


def run(data: Path, db: str = ":memory:", threads: int | None = None) -> dict:
    import duckdb

    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(db)
    if threads:
        con.execute(f"set threads = {threads}")
    ext = _load_extensions(con)
    peek_started = time.perf_counter()
    csv_groups, xlsx_groups, unreadable = plan(data, manifest, ext["excel"].startswith("loaded"),
                                               ext["encodings"].startswith("loaded"))
    peek_seconds = time.perf_counter() - peek_started
    started = time.perf_counter()
    timings: dict[str, float] = {}
    rows: dict[str, int] = {}
    statements = 0
    for i, ((feed, enc, delim, width), paths) in enumerate(sorted(csv_groups.items())):
        t = time.perf_counter()
        encoding = "utf-8" if enc in ("utf-8", "utf-8-sig") else enc
        columns = "{" + ", ".join(f"'c{j}': 'VARCHAR'" for j in range(width)) + "}"
        table = f"csv_{i}"
        con.execute(f"""create table {table} as select * from read_csv(?, header=true, auto_detect=false,
            columns={columns}, encoding='{encoding}', delim='{delim}', quote='"', escape='"',
            new_line='\\r\\n', filename=true)""", [paths])
        statements += 1
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        key = f"csv/{enc}"
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - t
        rows[feed] = rows.get(feed, 0) + n
    for i, ((feed, width), files) in enumerate(sorted(xlsx_groups.items())):
        t = time.perf_counter()
        table = f"xlsx_{i}"
        last = _col_letter(width - 1)
        con.execute(f"create table {table} (" + ", ".join(f'"{_col_letter(j)}" varchar' for j in range(width))
                    + ", filename varchar)")
        for start in range(0, len(files), XLSX_BATCH):
            batch = [(p, h, n) for p, h, n in files[start:start + XLSX_BATCH] if n]
            if not batch:
                continue
            selects = [f"select *, ? as filename from read_xlsx(?, header=false, all_varchar=true, "
                       f"range='A{h + 1}:{last}{h + n}')" for _, h, n in batch]
            params = [v for p, _, _ in batch for v in (p, p)]
            con.execute(f"insert into {table} " + " union all ".join(selects), params)
            statements += 1
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        timings["xlsx"] = timings.get("xlsx", 0.0) + time.perf_counter() - t
        rows[feed] = rows.get(feed, 0) + n
    seconds = time.perf_counter() - started
    con.close()
    expected = sum(t["data_rows"] for t in manifest["totals"].values())
    return {
        "duckdb": duckdb.__version__, "python": sys.version.split()[0], "extensions": ext,
        "kind": "best case: header, encoding and layout given, multi-file reads, nothing sniffed",
        "seconds": round(seconds, 3), "peek_seconds_untimed": round(peek_seconds, 3),
        "seconds_by_format": {k: round(v, 3) for k, v in timings.items()},
        "rows": rows, "rows_total": sum(rows.values()), "rows_expected": expected,
        "complete": sum(rows.values()) == expected and not unreadable,
        "skipped_files": unreadable, "statements": statements,
        "groups": {"csv": len(csv_groups), "xlsx": len(xlsx_groups)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threads": threads or os.cpu_count(),
    }


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("data", type=Path)
    p.add_argument("--db", default=":memory:")
    p.add_argument("--threads", type=int)
    a = p.parse_args()
    print(json.dumps(run(a.data, a.db, a.threads), ensure_ascii=False))
