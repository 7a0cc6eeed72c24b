"""The DuckDB reference: load the same files with DuckDB's own readers, nothing else (`python bench/reference.py`).

Runs in its own process, possibly under another interpreter (it imports only duckdb and the standard library):
GB18030 csv needs DuckDB's `encodings` extension and xlsx its `excel` extension, which DuckDB downloads on
first use; offline they come from the `duckdb-ext-*` wheels, which are built for one DuckDB version (see
bench/setup_reference.sh). CSV files of one feed, encoding and delimiter are read in one multi-file
`read_csv(..., union_by_name=true)` into a table; every xlsx is `read_xlsx` into its feed's table.
All columns are read as text, as the pipeline reads cells as text before typing them.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


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


def _col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def run(data: Path, db: str = ":memory:", threads: int | None = None) -> dict:
    import duckdb

    started = time.perf_counter()
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(db)
    if threads:
        con.execute(f"set threads = {threads}")
    ext = _load_extensions(con)
    xlsx_ok = ext["excel"].startswith("loaded")
    gb_ok = ext["encodings"].startswith("loaded")
    groups: dict[tuple[str, str, str], list[str]] = {}
    xlsx: dict[str, list[str]] = {}
    skipped: dict[str, int] = {}
    for f in manifest["files"]:
        path = str(data / f["path"])
        if f["format"] == "xlsx":
            if xlsx_ok:
                xlsx.setdefault(f["feed"], []).append(path)
            else:
                skipped["xlsx"] = skipped.get("xlsx", 0) + 1
        elif f["encoding"] == "gb18030" and not gb_ok:
            skipped["csv/gb18030"] = skipped.get("csv/gb18030", 0) + 1
        else:
            groups.setdefault((f["feed"], f["encoding"] or "utf-8", f["delimiter"] or ","), []).append(path)
    timings: dict[str, float] = {}
    rows: dict[str, int] = {}
    for i, ((feed, enc, delim), paths) in enumerate(sorted(groups.items())):
        t = time.perf_counter()
        encoding = "utf-8" if enc in ("utf-8", "utf-8-sig") else enc
        table = f"csv_{i}"
        read = (f"read_csv(?, header=true, all_varchar=true, union_by_name=true, encoding='{encoding}', "
                f"delim='{delim}', quote='\"', filename=true)")
        try:
            con.execute(f"create table {table} as select * from {read}", [paths])
        except duckdb.Error:
            # DuckDB's multi-file sniffer gives up on some groups ("Error when sniffing file"): read the
            # group's files one by one and union them by name, as a user of DuckDB would
            parts = []
            for j, path in enumerate(paths):
                try:
                    con.execute(f"create temp table {table}_{j} as select * from {read}", [[path]])
                    parts.append(f"{table}_{j}")
                except duckdb.Error:  # a file DuckDB cannot sniff alone either: counted as skipped
                    skipped[f"csv/{enc} (DuckDB sniffer)"] = skipped.get(f"csv/{enc} (DuckDB sniffer)", 0) + 1
            if not parts:
                continue
            con.execute(f"create table {table} as select * from {parts[0]}")
            for part in parts:
                have = {r[0] for r in con.execute(f"describe {table}").fetchall()}
                for (col,) in con.execute(f"select column_name from (describe {part})").fetchall():
                    if col not in have:
                        con.execute(f'alter table {table} add column "{col}" varchar')
                if part != parts[0]:
                    con.execute(f"insert into {table} by name select * from {part}")
                con.execute(f"drop table {part}")
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        key = f"csv/{enc}"
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - t
        rows[feed] = rows.get(feed, 0) + n
    for i, (feed, paths) in enumerate(sorted(xlsx.items())):
        t = time.perf_counter()
        table = f"xlsx_{i}"
        letters = [_col_letter(j) for j in range(64)]
        con.execute(f"create table {table} (" + ", ".join(f'"{c}" varchar' for c in letters) + ")")
        for path in paths:
            # Row 1 is the title row, row 2 the header; the read stops at the first empty row (before 合计).
            con.execute(f"insert into {table} by name select * from read_xlsx(?, header=false, all_varchar=true, "
                        "range='A3:BL1048576', stop_at_empty=true)", [path])
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        timings["xlsx"] = timings.get("xlsx", 0.0) + time.perf_counter() - t
        rows[feed] = rows.get(feed, 0) + n
    con.close()
    return {
        "duckdb": duckdb.__version__, "python": sys.version.split()[0], "extensions": ext,
        "seconds": round(time.perf_counter() - started, 3),
        "seconds_by_format": {k: round(v, 3) for k, v in timings.items()},
        "rows": rows, "rows_total": sum(rows.values()), "skipped_files": skipped,
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
