"""Incremental builds: after new files, `build_duckdb` recomputes only what they touch, and every mart
(and the incremental threshold matching) equals a from-scratch build; a superseding re-delivery
replaces the older version's rows; a new hotline file lists every hotline duty again and keeps the
others, a member-unit file every duty; the summaries kept per region recompute the regions a penalty file
touches; another as-of date, a changed project or scorecard configuration forces a full refresh."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.pipeline import IngestTarget, ingest_files
from tests.conftest import TEST_KEY

AS_OF = date(2025, 12, 31)
MATCHES = "intermediate.int_penalty_cases_matched_to_thresholds"
pytestmark = [pytest.mark.slow, pytest.mark.durability]  # own CI step: see pyproject


def _ingest(home: Path, paths: list[Path]) -> None:
    target = IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", TEST_KEY.encode())
    ingest_files(paths, target)


def _build(home: Path, as_of: date = AS_OF):
    from warehouse.dbt_runner import build_duckdb
    from warehouse.settings import load_settings

    result, plan = build_duckdb(load_settings(home), as_of)
    assert result.returncode == 0, result.stdout[-3000:]
    return plan


def _unit_tests_run(home: Path) -> int:
    """How many dbt unit tests the last build ran (from its run_results.json)."""
    import json

    from warehouse.settings import load_settings

    results = json.loads((load_settings(home).dbt_target_dir / "run_results.json").read_text(encoding="utf-8"))
    return sum(r["unique_id"].startswith("unit_test.") for r in results["results"])


def _tests_run(home: Path, model: str) -> int:
    """How many data tests of `model` the last build ran (a test of two models counts for both)."""
    import json

    from warehouse.settings import load_settings

    target = load_settings(home).dbt_target_dir
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    return sum(r["unique_id"] in _tests_of(home, model) for r in results["results"])


def _tests_of(home: Path, model: str) -> set[str]:
    """The data tests of `model` in the project (those that read it, by dbt's manifest)."""
    import json

    from warehouse.settings import load_settings

    nodes = json.loads((load_settings(home).dbt_target_dir / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    return {uid for uid, node in nodes.items() if node["resource_type"] == "test"
            and f"model.liandong.{model}" in node["depends_on"]["nodes"]}


def _built(home: Path) -> set[str]:
    """The models and seeds the last build ran, by name."""
    import json

    from warehouse.settings import load_settings

    results = json.loads((load_settings(home).dbt_target_dir / "run_results.json").read_text(encoding="utf-8"))
    return {r["unique_id"].split(".")[-1] for r in results["results"]
            if r["unique_id"].split(".")[0] in ("model", "seed")}


def _snapshot(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Row count and an order-free hash of every mart and of the threshold matching."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema = 'marts' order by 1").fetchall()] + [MATCHES]
        out = {}
        for t in tables:
            rows = sorted(map(repr, con.execute(f"select * from {t}").fetchall()))
            out[t] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[list[Path], Path, Path]:
    """All sample files, a plain penalty file of a region and the correction file (a re-delivery)."""
    from sample_data import generate_sample

    folder = tmp_path_factory.mktemp("sample")
    manifest = generate_sample(folder, 2024)
    penalty = [f for f in manifest["files"] if f["feed"] == "penalty_ledger" and f["expect"] != "rejected"]
    correction = next(f for f in penalty if f.get("correction"))
    plain = next(f for f in penalty if not f.get("correction") and f["region_code"] != correction["region_code"]
                 and f["data_rows"] >= 20)
    paths = [folder / f["path"] for f in manifest["files"]]
    return paths, folder / plain["path"], folder / correction["path"]


@pytest.fixture(scope="module")
def held_back(sample) -> dict[str, Path]:
    """Files the incremental home gets only after its first build: a 12309 file (its clues are the
    counterparts of 12345 tickets already loaded, whose feedback duties they change) and a member-unit file
    of a third region."""
    import json

    paths, plain, correction = sample
    folder = paths[0].parent
    files = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["files"]
    hotline = next(f for f in files if f["feed"] == "hotline_exchange" and f["expect"] == "loaded"
                   and "12309" in f["path"])
    taken = {plain.name[:6], correction.name[:6], hotline["region_code"]}
    units = next(f for f in files if f["feed"] == "member_units" and f["region_code"] not in taken)
    return {"hotline": folder / hotline["path"], "units": folder / units["path"]}


@pytest.fixture(scope="module")
def from_scratch(sample, supervision_version, tmp_path_factory) -> dict[str, tuple[int, str]]:
    paths, _, _ = sample
    home = tmp_path_factory.mktemp("full")
    _ingest(home, paths)
    _ingest(home, [supervision_version[0]])  # after its first version, as in the incremental home
    plan = _build(home)
    assert plan.full_refresh and plan.reason == "first build"
    return _snapshot(home / "warehouse.duckdb")


@pytest.fixture(scope="module")
def incremental_home(sample, held_back, tmp_path_factory) -> Path:
    paths, plain, correction = sample
    home = tmp_path_factory.mktemp("incremental")
    _ingest(home, [p for p in paths if p not in (plain, correction, *held_back.values())])
    assert _build(home).full_refresh
    assert _unit_tests_run(home) >= 40  # a full refresh runs dbt's unit tests (49 when written)
    return home


def _assert_dbt_parsed_nothing_again_and_tested_the_new_rows(home: Path, watermark: str) -> None:
    """The watermark reaches dbt without a var (a var changing at every build made dbt parse the whole project
    again), the lists of decisions to recompute start from it, and the penalty models' tests read the
    decisions of files ingested after it."""
    from warehouse.settings import load_settings

    settings = load_settings(home)
    log = (settings.dbt_log_dir / "dbt.log").read_text(encoding="utf-8", errors="replace")
    last_run = log[log.rindex("Running with dbt="):]
    assert "Unable to do partial parsing" not in last_run
    assert "Partial parsing enabled" in last_run
    paths = list((settings.dbt_target_dir / "compiled").rglob("*.sql"))
    lists = [p.read_text(encoding="utf-8") for p in paths if p.parent.name == "penalty"  # not their unit tests
             and p.stem in ("int_penalty_cases_to_rematch", "int_penalty_cases_to_rebuild")]
    assert len(lists) == 2 and all(f"where ingested_at > cast('{watermark}' as timestamp)" in sql for sql in lists)
    compiled = [p.read_text(encoding="utf-8") for p in paths]
    assert not any("__new_penalty_rows__" in sql for sql in compiled)
    limited = [sql for sql in compiled if f"files.ingested_at > cast('{watermark}' as timestamp)" in sql]
    assert len(limited) >= 10  # the data tests of intermediate/penalty and marts/transfer
    duty_tests = [sql for p in paths if p.parent.name.endswith("obligations__models.yml")
                  and "overdue_items" not in p.stem and "-- Fixture for" not in (sql := p.read_text(encoding="utf-8"))]
    # 10 since a model's required columns are one not_null_columns test (was one not_null per column)
    assert len(duty_tests) >= 10 and all("intermediate.int_penalty_cases_to_rebuild" in sql for sql in duty_tests)


# the summaries kept per region, and the mark planted in one row of each region
REGION_MARKS = {"marts.agg_unit_timeliness_yearly": "items_due = -1",
                "marts.fct_overdue_items": "subject_summary = 'MARKED'",
                "marts.fct_scorecard_indicators": "numerator = -1"}


def _plant_region_marks(warehouse: Path) -> dict[str, set[str]]:
    """A mark in one row of every region of each summary kept per region; returns the regions marked."""
    con = duckdb.connect(str(warehouse))
    try:
        for table, mark in REGION_MARKS.items():
            con.execute(f"update {table} set {mark} "
                        f"where rowid in (select min(rowid) from {table} group by region_code)")
        return {table: {r for (r,) in con.execute(f"select region_code from {table} where {mark}").fetchall()}
                for table, mark in REGION_MARKS.items()}
    finally:
        con.close()


def test_a_new_penalty_file_builds_incrementally(sample, incremental_home):
    _, plain, _ = sample
    marked = _plant_region_marks(incremental_home / "warehouse.duckdb")
    _ingest(incremental_home, [plain])
    plan = _build(incremental_home)
    assert not plan.full_refresh and plan.reason == "incremental" and plan.files_after is not None
    assert _unit_tests_run(incremental_home) == 0  # same project as the full refresh that ran them
    # the data tests of what the file may change run; those of tables no new file reaches do not
    assert _tests_run(incremental_home, "stg_penalty__decisions") == len(_tests_of(incremental_home,
                                                                                "stg_penalty__decisions")) >= 4
    assert _tests_run(incremental_home, "stg_hotline__tickets") == 0
    # nor are the seeds and the models that read no new file built again (their tables stay as they were;
    # the later tests compare every mart with a from-scratch build)
    built = _built(incremental_home)
    assert {"stg_penalty__decisions", "fct_penalty_cases", "fct_unit_scorecard"} <= built
    assert not built & {"stg_hotline__tickets", "stg_supervision__documents", "dim_member_units", "dim_regions",
                        "fct_tasks", "deadline_rules", "threshold_rules", "work_calendar"}
    # as DuckDB writes it in the SQL: no trailing zeros in the fraction (…26.533180 → …26.53318)
    watermark = str(plan.files_after)
    watermark = watermark.rstrip("0").rstrip(".") if "." in watermark else watermark
    _assert_dbt_parsed_nothing_again_and_tested_the_new_rows(incremental_home, watermark)
    con = duckdb.connect(str(incremental_home / "warehouse.duckdb"), read_only=True)
    try:
        missing = con.execute("""select count(*) from raw.penalty_ledger as raw_rows
            where raw_rows._file_name = ? and raw_rows._is_current and not exists (
                select 1 from marts.fct_penalty_cases as cases
                where cases.agency_uscc = raw_rows.agency_uscc and cases.decision_no = raw_rows.decision_no)""",
                              [plain.name]).fetchone()[0]
        rebuilt = {r for (r,) in con.execute("select region_code from intermediate.int_regions_to_rebuild").fetchall()}
        left = {table: {r for (r,) in con.execute(f"select region_code from {table} where {mark}").fetchall()}
                for table, mark in REGION_MARKS.items()}
    finally:
        con.close()
    assert missing == 0
    # the per-region summaries recomputed the file's region (and those of the parties' other decisions) only:
    # its mark went, the other regions' marks stayed (the next test's supervision file recomputes every region)
    assert plain.name[:6] in rebuilt and len(rebuilt) < len(marked["marts.fct_scorecard_indicators"])
    assert all(len(marked[table]) >= 3 and left[table] == marked[table] - rebuilt for table in REGION_MARKS)


@pytest.fixture(scope="module")
def supervision_version(sample, incremental_home, tmp_path_factory) -> tuple[Path, tuple[str, str]]:
    """A new version of one supervision document (a re-delivered file) that now names a case transferred
    without a prompt as 检察意见（督促移送）issued before the transfer: the case's 主动移送 turns false.
    Returns the file and the case (agency_uscc, decision_no)."""
    import json

    import openpyxl

    paths, _, _ = sample
    folder = paths[0].parent
    manifest = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(incremental_home / "warehouse.duckdb"), read_only=True)
    try:
        doc, case = None, None
        for f in (f for f in manifest["files"] if f["feed"] == "supervision_ledger" and f["expect"] == "loaded"):
            found = con.execute("""select docs.document_no, docs.issued_date, cases.agency_uscc, cases.decision_no
                from staging.stg_supervision__documents as docs
                inner join marts.fct_penalty_cases as cases
                    on cases.region_code = docs.region_code and cases.proactive_transfer
                    and cases.transfer_date >= docs.issued_date
                where docs.source_file_name = ? and docs.issued_date is not null
                order by cases.transfer_date, cases.decision_no, docs.document_no limit 1""",
                                [Path(f["path"]).name]).fetchone()
            if found:
                doc, case, entry = found, found[2:], f
                break
    finally:
        con.close()
    assert doc is not None, "the sample has a transferred case in a region with a supervision file"
    book = openpyxl.load_workbook(folder / entry["path"])
    sheet = book[entry["sheets"][0]["name"]]
    header_row = entry["sheets"][0]["header_row"]
    col = {cell.value: cell.column for cell in sheet[header_row]}
    headers = entry["columns"]
    row = next(r for r in range(header_row + 1, sheet.max_row + 1)
               if str(sheet.cell(r, col[headers["document_no"]]).value).strip() == doc[0])
    sheet.cell(row, col[headers["supervision_type"]]).value = "检察意见（督促移送）"
    sheet.cell(row, col[headers["related_decision_no"]]).value = case[1]
    sheet.cell(row, col[headers["target_unit_uscc"]]).value = case[0]
    out = tmp_path_factory.mktemp("supervision-version") / Path(entry["path"]).name.replace(".xlsx", "_更正.xlsx")
    book.save(out)
    return out, case


def test_a_new_supervision_version_rebuilds_the_case_it_names(supervision_version, incremental_home):
    """fct_penalty_cases is incremental: a case no penalty file touched is recomputed when a new version of a
    supervision document names it (here: 主动移送 becomes false)."""
    path, (agency_uscc, decision_no) = supervision_version
    warehouse = incremental_home / "warehouse.duckdb"

    def proactive() -> bool:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return con.execute("select proactive_transfer from marts.fct_penalty_cases "
                               "where agency_uscc = ? and decision_no = ?", [agency_uscc, decision_no]).fetchone()[0]
        finally:
            con.close()

    assert proactive() is True
    _ingest(incremental_home, [path])
    plan = _build(incremental_home)
    assert not plan.full_refresh
    assert proactive() is False


OBLIGATION_TABLES = ("intermediate.int_obligations_listed", "intermediate.int_obligations_due_dates_computed",
                     "marts.fct_obligations")


def _plant_obligations(warehouse: Path) -> str:
    """A stale 12345 duty (a ticket no file has) in each reply-duty table, and one supervision duty of
    fct_obligations marked by its name as written; returns the marked duty's obligation_id."""
    con = duckdb.connect(str(warehouse))
    try:
        for table in OBLIGATION_TABLES:
            con.execute(f"""insert into {table} select * replace ('STALE' as source_key) from {table}
                where obligation_kind = 'hotline_close' limit 1""")
        marked = con.execute("""select min(obligation_id) from marts.fct_obligations
            where obligation_kind = 'supervision_reply'""").fetchone()[0]
        con.execute("""update marts.fct_obligations set responsible_name_as_written = 'UNTOUCHED'
            where obligation_id = ?""", [marked])
    finally:
        con.close()
    return marked


def _obligations(warehouse: Path, sql: str, params: list | None = None) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchone()[0]
    finally:
        con.close()


def test_a_new_hotline_file_lists_the_hotline_duties_again_and_only_them(held_back, incremental_home):
    """Every hotline duty is listed again (a clue changes its 12345 counterpart's feedback duty), the
    supervision duties are kept as they are."""
    warehouse = incremental_home / "warehouse.duckdb"
    marked = _plant_obligations(warehouse)
    region = held_back["hotline"].name[:6]
    clues = "select count(*) from marts.fct_obligations where region_code = ? and source_scope = '12309'"
    assert _obligations(warehouse, clues, [region]) == 0
    _ingest(incremental_home, [held_back["hotline"]])
    assert not _build(incremental_home).full_refresh
    # all (the required columns are one test, the coded columns another)
    assert _tests_run(incremental_home, "stg_hotline__tickets") == len(_tests_of(incremental_home,
                                                                              "stg_hotline__tickets")) >= 3
    assert _tests_run(incremental_home, "stg_supervision__documents") == 1  # the warning on unknown units
    for table in OBLIGATION_TABLES:
        assert _obligations(warehouse, f"select count(*) from {table} where source_key = 'STALE'") == 0
    assert _obligations(warehouse, clues, [region]) > 0
    untouched = "select count(*) from marts.fct_obligations where obligation_id = ? and " \
                "responsible_name_as_written = 'UNTOUCHED'"
    assert _obligations(warehouse, untouched, [marked]) == 1  # not recomputed: no supervision file came


def test_a_new_member_unit_file_resolves_every_duty_again(held_back, incremental_home):
    """After the member-unit file every duty is resolved again: the mark the last test left goes too."""
    warehouse = incremental_home / "warehouse.duckdb"
    marked = "select count(*) from marts.fct_obligations where responsible_name_as_written = 'UNTOUCHED'"
    assert _obligations(warehouse, marked) == 1
    region = held_back["units"].name[:6]
    unresolved = "select count(*) from marts.fct_obligations where region_code = ? and responsible_unit_uscc is null"
    before = _obligations(warehouse, unresolved, [region])
    assert before > 0
    _ingest(incremental_home, [held_back["units"]])
    assert not _build(incremental_home).full_refresh
    assert _obligations(warehouse, unresolved, [region]) < before
    assert _obligations(warehouse, marked) == 0


def test_a_superseding_re_delivery_replaces_the_older_versions_rows(sample, incremental_home, from_scratch):
    _, _, correction = sample
    warehouse = incremental_home / "warehouse.duckdb"
    _ingest(incremental_home, [correction])
    con = duckdb.connect(str(warehouse))
    try:
        # rows only an older version could have left (the re-delivered version fires other rules, or
        # none): the incremental build must drop every row of the decisions it recomputes
        planted = con.execute(f"""insert into {MATCHES} (agency_uscc, decision_no, rule_id)
            select distinct agency_uscc, decision_no, 'STALE_VERSION' from raw.penalty_ledger
            where _file_name = ?""", [correction.name]).fetchone()[0]
    finally:
        con.close()
    assert planted > 0
    plan = _build(incremental_home)
    assert not plan.full_refresh
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        stale = con.execute(f"select count(*) from {MATCHES} where rule_id = 'STALE_VERSION'").fetchone()[0]
    finally:
        con.close()
    assert stale == 0
    assert _snapshot(warehouse) == from_scratch  # every mart, every row, as a from-scratch build


def test_another_as_of_date_or_a_changed_project_forces_a_full_refresh(
        sample, incremental_home, from_scratch, monkeypatch):
    from warehouse import build_state

    plan = _build(incremental_home, date(2025, 6, 30))
    assert plan.full_refresh and plan.reason.startswith("as-of date changed")
    plan = _build(incremental_home)
    assert plan.full_refresh and plan.reason.startswith("as-of date changed")
    assert _snapshot(incremental_home / "warehouse.duckdb") == from_scratch
    con = duckdb.connect(str(incremental_home / "warehouse.duckdb"))
    try:
        assert not build_state.plan_build(con, AS_OF).full_refresh
        # the scorecard marts are incremental by region: another 考核细则 rescores every region
        con.execute("begin transaction")
        con.execute("insert into meta.scorecard_config (region_code, indicator_code, points) "
                    "values ('410108', 'transfer_rate', 30)")
        other = build_state.plan_build(con, AS_OF)
        con.execute("rollback")
        assert other.full_refresh and other.reason == "scorecard configuration changed"
        assert not build_state.plan_build(con, AS_OF).full_refresh
        monkeypatch.setattr(build_state, "project_fingerprint", lambda variables=None: "changed")
        changed = build_state.plan_build(con, AS_OF)
    finally:
        con.close()
    assert changed.full_refresh and changed.reason == "dbt project changed"
