"""The build record: what was built, for which as-of date, after which files — the one place "as of" is read.

`meta.dbt_build_state` gets a row per successful build. `plan_build` compares with the last whole build to
decide between an incremental run and a full refresh; `built_as_of` is the date the marts were built for
(publications and exports read it here, never from a mart's rows).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from warehouse.settings import DBT_PROJECT_DIR

BUILD_STATE_TABLE = "meta.dbt_build_state"
# The same vars for every build (a var that changes makes dbt parse the whole project again, and a build's dbt
# parses before its plan is made: dbt_runner.DbtLauncher): dbt reads the watermark itself from this table when the
# build is incremental (macros/incremental/).
DBT_BUILD_VARS: dict[str, Any] = {"penalty_files_after": "last_build"}
_FINGERPRINTED = ("models", "macros", "seeds", "tests", "snapshots")


def project_fingerprint(variables: dict[str, Any] | None = None) -> str:
    """SHA-256 over every file of the dbt project (SQL, YAML, seeds, macros), the dbt versions and the vars
    a home adds (its regions file: `warehouse.regions.dbt_region_vars`)."""
    digest = hashlib.sha256()
    if variables:
        digest.update(json.dumps(variables, sort_keys=True, ensure_ascii=False).encode() + b"\0")
    files = [p for sub in _FINGERPRINTED for p in (DBT_PROJECT_DIR / sub).rglob("*") if p.is_file()]
    files += [DBT_PROJECT_DIR / name for name in ("dbt_project.yml", "profiles.yml")]
    for path in sorted(files):
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for package in ("dbt-core", "dbt-duckdb"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}=={metadata.version(package)}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildPlan:
    """What the next DuckDB build does: a full refresh (and why), or an incremental run after a watermark."""

    as_of: date
    fingerprint: str
    files_through: datetime | None  # newest meta.files.ingested_at when the build starts
    full_refresh: bool
    reason: str
    files_after: datetime | None  # the last build's watermark, when incremental (dbt reads it from the table too)
    new_feeds: frozenset[str] | None = None  # feeds with a file ingested after it (None: a full refresh)

    def describe(self) -> str:
        """What the build does and why, for the terminal and the Dagster log."""
        return f"{'full refresh' if self.full_refresh else 'incremental'} ({self.reason})"

    def dbt_args(self, manifest: dict[str, Any] | None = None, *, skip_unchanged_models: bool = False) -> list[str]:
        """A full refresh runs everything. An incremental build skips dbt's unit tests: they test the SQL on
        fixed inputs, not the data, and the full refresh that began this run of incremental builds ran them
        on the same project (a changed project or as-of date forces a full refresh) — 9 s of each
        incremental build at province scale. Given the project's `manifest`, it also skips the data tests
        that read no feed with a new file (`unchanged_tests`): ~100 tests, ~2 s at province scale; with
        `skip_unchanged_models`, the seeds and the models that read none either (`unchanged_models`: their
        tables would be built again from the same rows by the same SQL)."""
        if self.full_refresh:
            return ["build", "--full-refresh"]
        skipped = unchanged_tests(manifest, self.new_feeds) if manifest and self.new_feeds is not None else []
        indirect = []
        if skip_unchanged_models and manifest and self.new_feeds is not None:
            skipped = sorted({*skipped, *unchanged_models(manifest, self.new_feeds)})
            # an excluded model would take along every test that reads it (dbt's eager indirect selection), a
            # test that also reads a changed model among them: the tests left out are the ones named here
            indirect = ["--indirect-selection", "empty"]
        # one value, space-separated, as dbt reads it: Dagster's dbt resource folds one `--exclude` value
        # into its own selection, and passes further ones on as stray arguments
        return ["build", "--exclude-resource-type", "unit_test", *indirect,
                *(["--exclude", " ".join(skipped)] if skipped else [])]

    def dbt_extra_vars(self) -> dict[str, Any]:
        """The same vars for every build (`DBT_BUILD_VARS`)."""
        return dict(DBT_BUILD_VARS)


def _reads_changed(manifest: dict[str, Any], new_feeds: frozenset[str]) -> Callable[[str], bool]:
    """Whether a node has a source upstream that may have changed since the last build: a raw table of a feed
    in `new_feeds` (its source's `meta.feed`), or a table without a feed (meta.files and the rest, written by
    every ingest or build). Seeds are not sources: they are part of the project, whose change is a full
    refresh."""
    parents = manifest["parent_map"]
    feeds = {uid: (source.get("config", {}).get("meta") or {}).get("feed")
             for uid, source in manifest["sources"].items()}
    changed = {uid for uid, feed in feeds.items() if not feed or feed in new_feeds}
    reads_changed: dict[str, bool] = {}

    def reads(uid: str) -> bool:
        if uid not in reads_changed:
            reads_changed[uid] = False  # a cycle cannot occur; this only stops a repeat visit
            reads_changed[uid] = any(p in changed or (not p.startswith("source.") and reads(p))
                                     for p in parents.get(uid, []))
        return reads_changed[uid]

    return reads


def _names_of(nodes: dict[str, Any], skip: set[str]) -> list[str]:
    """The names of the `skip` nodes that no other node of `nodes` shares (dbt selects by name)."""
    kept_names = {node["name"] for uid, node in nodes.items() if uid not in skip}
    return sorted({nodes[uid]["name"] for uid in skip} - kept_names)


def unchanged_tests(manifest: dict[str, Any], new_feeds: frozenset[str]) -> list[str]:
    """The names of the data tests an incremental build need not run: severity error (a warning is shown
    at every build), and no source upstream that may have changed (`_reads_changed`). What such a test reads
    is what it read when the last build passed it: the same rows, the same SQL (a changed project is a full
    refresh). A name another test shares is kept."""
    reads = _reads_changed(manifest, new_feeds)
    tests = {uid: node for uid, node in manifest["nodes"].items() if node.get("resource_type") == "test"}
    return _names_of(tests, {uid for uid, node in tests.items()
                             if str(node.get("config", {}).get("severity", "error")).lower() == "error"
                             and not reads(uid)})


def unchanged_models(manifest: dict[str, Any], new_feeds: frozenset[str]) -> list[str]:
    """The names of the seeds and models an incremental build need not build again: no source upstream that
    may have changed (`_reads_changed`). Their tables hold what the last build made of the same rows with the
    same SQL and seeds (no model reads the clock: "today" is the as-of var, whose change is a full refresh).
    A name another node shares is kept."""
    reads = _reads_changed(manifest, new_feeds)
    built = {uid: node for uid, node in manifest["nodes"].items() if node.get("resource_type") in ("model", "seed")}
    return _names_of(built, {uid for uid in built if not reads(uid)})


def _ensure_state_table(con: Any) -> None:
    con.execute("create schema if not exists meta")
    con.execute(f"""create table if not exists {BUILD_STATE_TABLE} (
        built_at timestamp, as_of date, project_fingerprint varchar, files_through timestamp,
        full_refresh boolean, reason varchar)""")


def _table_exists(con: Any, schema: str, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? "
                            "and table_name = ?", [schema, table]).fetchone()[0])


def scorecard_config_digest(con: Any) -> str:
    """SHA-256 of the 考核细则 loaded for this build (meta.scorecard_config, written just before dbt): the
    scorecard marts are incremental by region, so another configuration is a full refresh, like another
    project. Where it was read from (`config_source`, a path in the home) is left out."""
    if not _table_exists(con, "meta", "scorecard_config"):
        return ""
    rows = con.execute("select * exclude (config_source) from meta.scorecard_config order by all").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def plan_build(con: Any, as_of: date, variables: dict[str, Any] | None = None) -> BuildPlan:
    """Compare with the last successful build: a full refresh on the first build, another as-of date
    (deadlines depend on it), a changed dbt project or `variables`, or another scorecard configuration;
    otherwise incremental after its watermark."""
    _ensure_state_table(con)
    fingerprint = f"{project_fingerprint(variables)}:{scorecard_config_digest(con)}"
    files_through = (con.execute("select max(ingested_at) from meta.files").fetchone()[0]
                     if _table_exists(con, "meta", "files") else None)
    last = con.execute(f"select as_of, project_fingerprint, files_through from {BUILD_STATE_TABLE} "
                       "order by built_at desc limit 1").fetchone()
    if last is None:
        reason = "first build"
    elif last[0] != as_of:
        reason = f"as-of date changed ({last[0]} → {as_of})"
    elif last[1].split(":")[0] != fingerprint.split(":")[0]:
        reason = "dbt project changed"
    elif last[1] != fingerprint:
        reason = "scorecard configuration changed"
    else:
        new_feeds = con.execute("select distinct feed from meta.files where ingested_at > ?", [last[2]]).fetchall() \
            if last[2] is not None else con.execute("select distinct feed from meta.files").fetchall()
        return BuildPlan(as_of, fingerprint, files_through, False, "incremental", last[2],
                         frozenset(feed for (feed,) in new_feeds))
    return BuildPlan(as_of, fingerprint, files_through, True, reason, None)


def record_build(con: Any, plan: BuildPlan) -> None:
    """Remember a successful build: its as-of date, project fingerprint and files watermark."""
    _ensure_state_table(con)
    con.execute(f"insert into {BUILD_STATE_TABLE} values (current_timestamp, ?, ?, ?, ?, ?)",
                [plan.as_of, plan.fingerprint, plan.files_through, plan.full_refresh, plan.reason])


def built_as_of(con: Any) -> date | None:
    """The as-of date of the last successful build (None before the first one)."""
    if not _table_exists(con, "meta", "dbt_build_state"):
        return None
    row = con.execute(f"select as_of from {BUILD_STATE_TABLE} order by built_at desc limit 1").fetchone()
    return row[0] if row else None


def warehouse_built_as_of(warehouse: Path) -> date | None:
    """`built_as_of` of a warehouse file, read-only (None when there is no warehouse yet)."""
    from warehouse.connection import connect

    if not warehouse.exists():
        return None
    with connect(warehouse, read_only=True) as con:
        return built_as_of(con)
