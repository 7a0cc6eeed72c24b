"""dbt staging and unit-name resolution, built end to end on a small DuckDB warehouse.

Each test writes a throw-away warehouse with the ingest's `raw` DDL, points LIANDONG_WAREHOUSE at it
and runs dbt in-process (`dbtRunner`) with its own target and log folders, so runs never collide
with each other or with a developer's `dbt_project/target/`.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"

# The ingest's DDL for the `raw` schema (kept verbatim so a drift in either side shows up here).
RAW_DDL = """
create schema if not exists raw;
create table raw.penalty_ledger (
  party_name varchar, party_category varchar, party_uscc varchar,
  party_code_2 varchar, party_code_3 varchar, party_code_4 varchar, party_code_5 varchar, party_code_6 varchar,
  legal_rep_name varchar, legal_rep_id_type varchar, legal_rep_id_no varchar,
  party_id_type varchar, party_id_no varchar,
  decision_no varchar, violation_type varchar, violation_facts varchar, legal_basis varchar,
  penalty_categories varchar,
  penalty_content varchar, fine_amount decimal(18,2), confiscation_amount decimal(18,2),
  license_action varchar, decision_date date, valid_until date, valid_until_long_term boolean,
  publicity_until date, agency_name varchar, agency_uscc varchar, source_unit_name varchar,
  source_unit_uscc varchar, remarks varchar,
  region_code varchar, enforcement_domain varchar, case_no varchar, filing_date date,
  case_value decimal(18,2), illegal_gain decimal(18,2), quantity decimal(18,4), quantity_unit varchar,
  deaths integer, serious_injuries integer, direct_loss decimal(18,2), suspected_crime boolean,
  transfer_date date, transfer_receiver varchar, police_decision varchar, police_decision_date date,
  copied_to_procuratorate_date date, entry_date date,
  _row_hash varchar, _file_sha256 varchar, _file_name varchar, _sheet varchar, _row_number integer,
  _flags varchar,
  _is_current boolean
);
create table raw.supervision_ledger (
  document_no varchar, procuratorate varchar, region_code varchar, supervision_type varchar,
  target_unit_name varchar, target_unit_uscc varchar, enforcement_domain varchar,
  related_decision_no varchar, related_case_no varchar, issued_date date, served_date date,
  urgent boolean, reply_due_date date, reply_date date, reply_outcome varchar,
  rectification_status varchar, rectified_date date, follow_up varchar, remarks varchar,
  _row_hash varchar, _file_sha256 varchar, _file_name varchar, _sheet varchar, _row_number integer,
  _flags varchar, _is_current boolean
);
create table raw.hotline_exchange (
  ticket_no varchar, channel varchar, region_code varchar, received_at timestamp, request_type varchar,
  content varchar, caller_name varchar, caller_phone varchar, handling_unit_name varchar,
  dispatched_at timestamp, due_at timestamp, closed_at timestamp, result varchar, satisfaction varchar,
  pushed boolean, pushed_at timestamp, counterpart_ticket_no varchar, clue_category varchar,
  procedural_reply_at timestamp, feedback_at timestamp, feedback_result varchar,
  _row_hash varchar, _file_sha256 varchar, _file_name varchar, _sheet varchar, _row_number integer,
  _flags varchar, _is_current boolean
);
create table raw.penalty_facts (
  agency_uscc varchar, decision_no varchar, _row_hash varchar, fact_no integer, fact varchar,
  value decimal(18,4), unit varchar, value_source varchar, evidence varchar, qualifiers varchar,
  extractor_version varchar, bound varchar
);
create table raw.member_units (
  unit_name varchar, unit_uscc varchar, region_code varchar, unit_kind varchar,
  enforcement_domain varchar, aliases varchar,
  scored boolean, valid_from date, valid_to date,
  _row_hash varchar, _file_sha256 varchar, _file_name varchar, _sheet varchar, _row_number integer,
  _flags varchar, _is_current boolean
);
create table raw.task_list (
  region_code varchar, task_year integer, task_category varchar, task_no varchar, task_content varchar,
  responsible_units varchar, cooperating_units varchar, due_date date, task_source varchar, meeting_date date,
  report_cadence varchar, progress_report_date date, progress varchar, completion_status varchar, completed_date
  date, _row_hash varchar, _file_sha256 varchar, _file_name varchar, _sheet varchar, _row_number integer, _flags
  varchar, _is_current boolean
);
"""

SCJG = "11410108MB0000001A"  # 惠济区市场监督管理局 — aliases 区市场监管局;市场监管局
HBJ = "11410108MB0000002B"  # 惠济区生态环境分局
JCY = "11410108MB0000003C"  # 郑州市惠济区人民检察院
UNREGISTERED = "11410108MB0000099Y"  # a USCC no member unit carries

LINEAGE = {"_file_sha256": "f" * 64, "_sheet": "Sheet1", "_flags": None}


def _penalty(**values: Any) -> dict[str, Any]:
    row = {
        "party_name": "name_3f9a01",
        "party_category": "法人及非法人组织",
        "party_uscc": "91410108MA0000001K",
        "legal_rep_name": "name_77ab02",
        "violation_type": "销售不符合食品安全标准的食品",
        "violation_facts": "销售金额共计人民币6.8万元",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "penalty_categories": "警告;罚款",
        "penalty_content": "警告，罚款",
        "decision_date": dt.date(2024, 3, 5),
        "valid_until_long_term": True,
        "source_unit_name": "惠济区市场监督管理局",
        "source_unit_uscc": SCJG,
        "region_code": "410108",
        "enforcement_domain": "市场监管",
        "suspected_crime": False,
        "_file_name": "penalty_2024Q1.xlsx",
        "_is_current": True,
        **LINEAGE,
    }
    row.update(values)
    return row


PENALTY_ROWS = [
    # two versions of one key: the correction is current
    _penalty(
        agency_name="惠济区市场监督管理局",
        agency_uscc=SCJG,
        decision_no="惠市监罚〔2024〕1号",
        fine_amount=Decimal("5000.00"),
        _row_number=2,
        _is_current=False,
    ),
    _penalty(
        agency_name="惠济区市场监督管理局",
        agency_uscc=SCJG,
        decision_no="惠市监罚〔2024〕1号",
        fine_amount=Decimal("50000.00"),
        _row_number=2,
        _file_name="penalty_2024Q1_更正.xlsx",
    ),
    # agency written by its alias (with a stray space) and a USCC no member unit carries
    _penalty(
        agency_name=" 区市场监管局",
        agency_uscc=UNREGISTERED,
        decision_no="惠市监罚〔2024〕2号",
        fine_amount=Decimal("800.00"),
        penalty_categories="罚款",
        _row_number=3,
    ),
    _penalty(
        agency_name="惠济区生态环境分局",
        agency_uscc=HBJ,
        decision_no="惠环罚〔2024〕7号",
        enforcement_domain="生态环境",
        fine_amount=Decimal("100000.00"),
        penalty_categories="罚款",
        _row_number=4,
    ),
]

SUPERVISION_ROWS = [
    {
        "document_no": "惠检行建〔2024〕3号",
        "procuratorate": "郑州市惠济区人民检察院",
        "region_code": "410108",
        "supervision_type": "社会治理检察建议",
        "target_unit_name": "市场监管局",
        "target_unit_uscc": None,
        "issued_date": dt.date(2024, 4, 1),
        "served_date": dt.date(2024, 4, 2),
        "urgent": False,
        "_file_name": "supervision_2024.xlsx",
        "_row_number": 2,
        "_is_current": True,
        **LINEAGE,
    },
]

HOTLINE_ROWS = [
    {
        "ticket_no": "GD2024000001",
        "channel": "12345",
        "region_code": "410108",
        "received_at": dt.datetime(2024, 5, 6, 9, 30),
        "request_type": "投诉",
        "handling_unit_name": "惠济区生态环境分局",
        "pushed": False,
        "_file_name": "hotline_2024-05.csv",
        "_row_number": 2,
        "_is_current": True,
        **LINEAGE,
    },
    {
        "ticket_no": "GD2024000002",
        "channel": "12345",
        "region_code": "410108",
        "received_at": dt.datetime(2024, 5, 6, 10, 0),
        "request_type": "咨询",
        "handling_unit_name": "某某街道办事处",
        "pushed": False,
        "_file_name": "hotline_2024-05.csv",
        "_row_number": 3,
        "_is_current": True,
        **LINEAGE,
    },
]


def _unit(**values: Any) -> dict[str, Any]:
    row = {
        "region_code": "410108",
        "unit_kind": "政府部门",
        "scored": True,
        "_file_name": "members_2024.xlsx",
        "_is_current": True,
        **LINEAGE,
    }
    row.update(values)
    return row


UNIT_ROWS = [
    _unit(unit_name="惠济区工商行政管理局", unit_uscc=SCJG, aliases="工商局", _row_number=2, _is_current=False),
    _unit(
        unit_name="惠济区市场监督管理局",
        unit_uscc=SCJG,
        enforcement_domain="市场监管",
        aliases="区市场监管局;市场监管局",
        _row_number=2,
    ),
    _unit(unit_name="惠济区生态环境分局", unit_uscc=HBJ, enforcement_domain="生态环境", _row_number=3),
    _unit(unit_name="郑州市惠济区人民检察院", unit_uscc=JCY, unit_kind="检察院", _row_number=4),
]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        columns = ", ".join(row)
        placeholders = ", ".join("?" for _ in row)
        con.execute(f"insert into raw.{table} ({columns}) values ({placeholders})", list(row.values()))


def make_warehouse(path: Path, penalty_rows: list[dict[str, Any]] | None = None) -> Path:
    """Write a small raw warehouse as the ingest would leave it."""
    from warehouse.schema import META_DDL

    con = duckdb.connect(str(path))
    try:
        con.execute(RAW_DDL)
        con.execute(META_DDL)  # files, quarantine, contract results, scorecard configuration (empty here)
        _insert(con, "penalty_ledger", PENALTY_ROWS if penalty_rows is None else penalty_rows)
        _insert(con, "supervision_ledger", SUPERVISION_ROWS)
        _insert(con, "hotline_exchange", HOTLINE_ROWS)
        _insert(con, "member_units", UNIT_ROWS)
    finally:
        con.close()
    return path


AS_OF_VARS = ["--vars", "{as_of: 2025-12-31}"]


def run_dbt(args: list[str], tmp: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> dbtRunnerResult:
    monkeypatch.setenv("LIANDONG_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
        ]
    )


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    # dbt-duckdb keeps its DuckDB instance open in this process after dbtRunner returns; DuckDB refuses
    # a second handle on the same file with another configuration, so do not ask for read_only here.
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def statuses(result: dbtRunnerResult) -> dict[str, str]:
    """unique_id → status of every node dbt ran."""
    return {r.node.unique_id: str(r.status) for r in result.result.results}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dbtRunnerResult]:
    tmp = tmp_path_factory.mktemp("dbt_build")
    warehouse = make_warehouse(tmp / "warehouse.duckdb")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_dbt(["build", *AS_OF_VARS], tmp, warehouse, monkeypatch)
    return warehouse, result


@pytest.mark.slow
def test_build_succeeds_with_unit_tests_passing(built: tuple[Path, dbtRunnerResult]) -> None:
    _, result = built
    assert result.exception is None
    assert result.success, statuses(result)
    by_id = statuses(result)
    unit_tests = {uid: s for uid, s in by_id.items() if uid.startswith("unit_test.")}
    assert {uid.rsplit(".", 1)[-1] for uid in unit_tests} >= {
        "test_int_unit_names_resolved_precedence_and_region",
        "test_stg_penalty__decisions_keeps_only_current_versions",
        "test_stg_supervision__documents_keeps_only_current_versions",
        "test_stg_units__member_units_keeps_only_current_versions",
        "test_stg_units__unit_aliases_splits_aliases",
    }  # marts add their own unit tests; every one must pass
    assert set(unit_tests.values()) == {"pass"}
    # unit resolution problems warn, they do not stop the build
    warned = sorted(uid.split(".")[2] for uid, s in by_id.items() if s == "warn")
    assert warned == [
        "not_null_fct_obligations_responsible_unit_uscc",  # the fixture's owing unit is not in R1
        "relationships_stg_penalty__decisions_agency_uscc__unit_uscc__ref_stg_units__member_units_",
        "unit_names_resolve_to_member_units",
    ]


@pytest.mark.slow
def test_staging_shows_current_versions_only(built: tuple[Path, dbtRunnerResult]) -> None:
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select decision_no, agency_uscc, fine_amount, source_file_name, source_row_number
        from staging.stg_penalty__decisions order by decision_no
    """,
    )
    assert rows == [
        ("惠市监罚〔2024〕1号", SCJG, Decimal("50000.00"), "penalty_2024Q1_更正.xlsx", 2),
        ("惠市监罚〔2024〕2号", UNREGISTERED, Decimal("800.00"), "penalty_2024Q1.xlsx", 3),
        ("惠环罚〔2024〕7号", HBJ, Decimal("100000.00"), "penalty_2024Q1.xlsx", 4),
    ]
    units = query(warehouse, "select unit_uscc, unit_name, is_scored from staging.stg_units__member_units order by 1")
    assert units == [
        (SCJG, "惠济区市场监督管理局", True),
        (HBJ, "惠济区生态环境分局", True),
        (JCY, "郑州市惠济区人民检察院", True),
    ]
    assert query(warehouse, "select count(*) from staging.stg_supervision__documents") == [(1,)]
    assert query(warehouse, "select count(*) from staging.stg_hotline__tickets") == [(2,)]


@pytest.mark.slow
def test_aliases_are_split_one_row_per_name(built: tuple[Path, dbtRunnerResult]) -> None:
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select unit_uscc, alias_name, is_official_name
        from staging.stg_units__unit_aliases order by unit_uscc, is_official_name desc, alias_name
    """,
    )
    assert rows == [
        (SCJG, "惠济区市场监督管理局", True),
        (SCJG, "区市场监管局", False),
        (SCJG, "市场监管局", False),
        (HBJ, "惠济区生态环境分局", True),
        (JCY, "郑州市惠济区人民检察院", True),
    ]


@pytest.mark.slow
def test_unit_names_resolve_by_uscc_name_and_alias(built: tuple[Path, dbtRunnerResult]) -> None:
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select name_as_written, uscc_as_written, resolved_unit_uscc, resolved_by, unresolved_reason,
               n_ledger_rows, is_penalty_agency, is_supervision_target, is_procuratorate,
               is_hotline_handling_unit
        from intermediate.int_unit_names_resolved_to_member_units
        where region_code = '410108'
        order by name_as_written, uscc_as_written nulls last
    """,
    )
    assert rows == [
        (" 区市场监管局", UNREGISTERED, SCJG, "alias", None, 1, True, False, False, False),
        ("市场监管局", None, SCJG, "alias", None, 1, False, True, False, False),
        ("惠济区市场监督管理局", SCJG, SCJG, "uscc", None, 1, True, False, False, False),
        ("惠济区生态环境分局", HBJ, HBJ, "uscc", None, 1, True, False, False, False),
        ("惠济区生态环境分局", None, HBJ, "name", None, 1, False, False, False, True),
        ("某某街道办事处", None, None, None, "no_match", 1, False, False, False, True),
        ("郑州市惠济区人民检察院", None, JCY, "name", None, 1, False, False, True, False),
    ]
    assert query(warehouse, "select count(*) from intermediate.int_unit_names_resolved_to_member_units") == [(7,)]


@pytest.mark.slow
def test_unit_name_key_macro_joins_ledger_rows(
    built: tuple[Path, dbtRunnerResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse, _ = built
    result = run_dbt(
        [
            "show",
            "--limit",
            "10",
            "--inline",
            "select hotline.ticket_no, resolved.resolved_unit_uscc "
            "from {{ ref('stg_hotline__tickets') }} as hotline "
            "left join {{ ref('int_unit_names_resolved_to_member_units') }} as resolved "
            "on resolved.unit_name_key = "
            "{{ unit_name_key('hotline.region_code', 'hotline.handling_unit_name', 'null') }} "
            "order by 1",
        ],
        tmp_path,
        warehouse,
        monkeypatch,
    )
    assert result.success, result.exception
    table = result.result.results[0].agate_table
    assert [tuple(row) for row in table.rows] == [("GD2024000001", HBJ), ("GD2024000002", None)]


@pytest.mark.slow
def test_as_of_date_macro(built: tuple[Path, dbtRunnerResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse, _ = built
    result = run_dbt(["show", "--inline", "select {{ as_of_date() }} as as_of", "--vars", "{as_of: 2025-12-31}"],
                     tmp_path, warehouse, monkeypatch)
    assert result.success, result.exception
    assert result.result.results[0].agate_table.rows[0][0] == dt.date(2025, 12, 31)


@pytest.mark.slow
def test_as_of_date_is_never_decided_in_sql(
    built: tuple[Path, dbtRunnerResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the var a model stops with a sentence: "today" is decided once, in Python, and always passed."""
    warehouse, _ = built
    result = run_dbt(["show", "--inline", "select {{ as_of_date() }} as as_of"], tmp_path, warehouse, monkeypatch)
    assert not result.success
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "var 'as_of' (YYYY-MM-DD) is missing: run through liandong build --as-of" in log


@pytest.mark.slow
@pytest.mark.parametrize("as_of", ["31/12/2025", "2025-02-29", "2025-13-01"])
def test_as_of_date_rejects_a_bad_date(
    built: tuple[Path, dbtRunnerResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_of: str
) -> None:
    warehouse, _ = built
    # quoted: unquoted YAML would already reject an impossible date before dbt starts
    result = run_dbt(
        ["show", "--inline", "select {{ as_of_date() }} as as_of", "--vars", f"{{as_of: '{as_of}'}}"],
        tmp_path,
        warehouse,
        monkeypatch,
    )
    assert not result.success
    # dbt reports an inline query's compile error only in its log
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert f"var 'as_of' must be a valid date YYYY-MM-DD, got: {as_of}" in log


BROKEN_LEDGERS = {
    # the ingest left two current versions of one key
    "two_current_versions": (
        [dict(PENALTY_ROWS[0], _is_current=True), *PENALTY_ROWS[1:]],
        "unique_combination_stg_penalty__decisions_agency_uscc__decision_no",
    ),
    # a 处罚类别 outside the code list, hidden in a multi-valued cell
    "unknown_penalty_category": (
        [*PENALTY_ROWS[:3], dict(PENALTY_ROWS[3], penalty_categories="罚款;没收违法所得、没收非法财物")],
        "accepted_codes_stg_penalty__decisions",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BROKEN_LEDGERS))
def test_build_fails_on_broken_ledger(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    penalty_rows, failing_test = BROKEN_LEDGERS[case]
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", penalty_rows=penalty_rows)
    result = run_dbt(["build", *AS_OF_VARS], tmp_path, warehouse, monkeypatch)
    assert not result.success
    failed = [uid for uid, s in statuses(result).items() if s in {"fail", "error"}]
    assert len(failed) == 1, failed
    assert failed[0].split(".")[2].startswith(failing_test)


@pytest.mark.slow
def test_required_columns_fail_with_each_column_and_its_null_cells(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A model's required columns are one `not_null_columns` test: it fails on any NULL, names each column with
    its NULL rows, and counts NULL cells (here 2 + 1)."""
    rows = [*PENALTY_ROWS[:2], dict(PENALTY_ROWS[2], region_code=None, agency_name=None),
            dict(PENALTY_ROWS[3], region_code=None)]
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", penalty_rows=rows)
    result = run_dbt(["build", "--select", "stg_penalty__decisions", "--exclude-resource-type", "unit_test",
                      "--store-failures", *AS_OF_VARS], tmp_path, warehouse, monkeypatch)
    assert not result.success
    failed = [r for r in result.result.results if str(r.status) == "fail"]
    assert [r.node.name for r in failed] == [
        "not_null_columns_stg_penalty__decisions_agency_uscc__decision_no__region_code__agency_name__decision_date__source_file_sha256"]
    assert failed[0].failures == 3
    assert query(warehouse, f"select column_name, null_rows from {failed[0].node.relation_name} order by all") == [
        ("agency_name", 1), ("region_code", 2)]


@pytest.mark.slow
def test_coded_columns_fail_with_each_column_and_its_unknown_codes(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A model's coded columns are one `accepted_codes_columns` test: an unknown code fails in its column, an
    element of a multi-valued cell is checked alone (an empty one fails), a bare open prefix fails and a named
    one passes; each offending code is named with the rows holding it."""
    rows = [dict(PENALTY_ROWS[0]), dict(PENALTY_ROWS[1], penalty_categories="罚款;;警告", party_id_type="其他-"),
            dict(PENALTY_ROWS[2], penalty_categories="罚款;吊销", party_id_type="其他-军官证"),
            dict(PENALTY_ROWS[3], party_category="外国人", penalty_categories="其他-责令停产停业")]
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", penalty_rows=rows)
    result = run_dbt(["build", "--select", "stg_penalty__decisions standard_codes", "--exclude-resource-type",
                      "unit_test", "--store-failures", *AS_OF_VARS], tmp_path, warehouse, monkeypatch)
    assert not result.success
    failed = [r for r in result.result.results if str(r.status) == "fail"]
    assert [r.node.name for r in failed] == ["accepted_codes_stg_penalty__decisions"]
    assert failed[0].failures == 4
    assert query(warehouse, f"select column_name, code, n_records from {failed[0].node.relation_name} "
                            "order by all") == [
        ("party_category", "外国人", 1), ("party_id_type", "其他-", 1), ("penalty_categories", "", 1),
        ("penalty_categories", "吊销", 1)]


@pytest.mark.slow
def test_parse_needs_no_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "absent" / "warehouse.duckdb"
    result = run_dbt(["parse"], tmp_path, missing, monkeypatch)
    assert result.success, result.exception
    assert not missing.parent.exists()
    manifest = result.result
    source = manifest.sources["source.liandong.penalty.penalty_ledger"]
    assert (source.schema, source.identifier) == ("raw", "penalty_ledger")  # Dagster keys sources <schema>/<table>
    assert {s.name for s in manifest.sources.values() if s.schema == "raw"} == {
        "penalty_ledger",
        "supervision_ledger",
        "hotline_exchange",
        "member_units",
        "task_list",
        "penalty_facts",
    }
    assert {s.name for s in manifest.sources.values() if s.schema == "meta"} == {
        "files", "quarantine", "scorecard_config"}


def test_code_seed_matches_the_contracts_code_lists() -> None:
    """The dbt seed `standard_codes` and data_contracts' codes.yml hold the same code lists."""
    codes_yml = REPO / "data_contracts" / "contracts" / "codes.yml"
    if not codes_yml.exists():
        pytest.skip("data_contracts/contracts/codes.yml not present")
    contract_lists = yaml.safe_load(codes_yml.read_text(encoding="utf-8"))
    seed_lists: dict[str, list[str]] = {}
    with (DBT_PROJECT / "seeds" / "standard_codes.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            seed_lists.setdefault(row["code_list"], []).append(row["code"])
    assert seed_lists == {name: [str(v) for v in spec["values"]] for name, spec in contract_lists.items()}


def test_source_yaml_describes_every_raw_column() -> None:
    """Each source table in dbt lists exactly the raw table's columns, in order."""
    con = duckdb.connect()
    try:
        con.execute(RAW_DDL)
        raw_columns = {
            table: [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            for table in ("penalty_ledger", "supervision_ledger", "hotline_exchange", "member_units", "task_list",
                          "penalty_facts")
        }
    finally:
        con.close()
    described: dict[str, list[str]] = {}
    for path in sorted((DBT_PROJECT / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            if source["schema"] == "meta":  # bookkeeping written by ingest and build, not a feed
                continue
            assert source["schema"] == "raw"
            for table in source["tables"]:
                assert "identifier" not in table  # Dagster keys a source raw/<name>, as ingest produces it
                assert all(column.get("description") for column in table["columns"]), table["name"]
                described[table["name"]] = [column["name"] for column in table["columns"]]
    assert described == raw_columns
