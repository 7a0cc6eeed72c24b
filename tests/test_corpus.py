"""The bad-input corpus (issue 5): every case ends loaded, loaded with rows quarantined, or rejected with a
sentence — never a traceback, never a silent drop — and every file reconciles. The cases: tests/corpus/cases.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.pipeline import FileOutcome, IngestTarget, ingest_files, sha256_of
from tests.corpus.cases import CASES, TODAY, Case, Expect

FEED_OPTION = {"penalty_ledger": "penalty", "supervision_ledger": "supervision", "hotline_exchange": "hotline",
               "member_units": "units"}
KEY = b"corpus-test-key-0123456789abcdef"


def _param(case: Case, located: bool = False):
    reason = case.xfail or (case.xfail_located if located else None)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Path], list[FileOutcome], Path]]:
    """Every case built and ingested once per test module.

    Great Expectations costs ~0.5 s per `ingest_files` call, so the independent cases (one file, no --feed,
    no warehouse check, content unlike any other case's) share one home and one call: a file's outcome does
    not depend on the other files of a batch (keys are unique per file; the same content would be skipped,
    hence the content check). Every other case gets a fresh home of its own.
    """
    results: dict[str, tuple[list[Path], list[FileOutcome], Path]] = {}
    shared: list[tuple[Case, Path]] = []
    shared_shas: set[str] = set()
    for case in CASES:
        folder = tmp_path_factory.mktemp(case.id)
        src = folder / "in"
        src.mkdir()
        paths = case.build(src)
        sha = sha256_of(paths[0])
        if len(paths) == 1 and case.feed is None and case.check is None and sha not in shared_shas:
            shared.append((case, paths[0]))
            shared_shas.add(sha)
            continue
        target = _target(folder / "home")
        results[case.id] = (paths, ingest_files(paths, target, case.feed, TODAY), target.warehouse)
    target = _target(tmp_path_factory.mktemp("shared") / "home")
    outcomes = ingest_files([p for _, p in shared], target, None, TODAY)
    for (case, path), outcome in zip(shared, outcomes, strict=True):
        results[case.id] = ([path], [outcome], target.warehouse)
    return results


def _target(home: Path) -> IngestTarget:
    return IngestTarget(home / "warehouse.duckdb", home / "landing", home / "quarantine", KEY)


def test_the_corpus_is_big_enough_and_covers_every_outcome():
    assert len(CASES) >= 60
    statuses = {e.status for c in CASES for e in c.expect}
    assert {"loaded", "partial", "rejected", "skipped"} <= statuses


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_outcome(case: Case, corpus):
    paths, outcomes, warehouse = corpus[case.id]
    assert len(outcomes) == len(case.expect) == len(paths)
    for outcome, expect in zip(outcomes, case.expect, strict=True):
        _assert_outcome(outcome, expect)
    if case.check:
        case.check(warehouse)


def _assert_outcome(outcome: FileOutcome, expect: Expect) -> None:
    why = "\n".join(p.sentence(outcome.name) for p in outcome.problems[:20])
    assert outcome.reconciles(), f"{outcome.name} does not reconcile"
    got = (outcome.status, outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined, outcome.rows_non_data,
           outcome.rows_duplicate, len(outcome.warnings))
    assert got == (expect.status, expect.read, expect.loaded, expect.quarantined, expect.non_data, expect.duplicate,
                   expect.warnings), why
    assert set(outcome.rule_counts) == expect.rules, why
    file_problem = outcome.file_problem
    if expect.status == "rejected":
        assert file_problem is not None and file_problem.rule_id == expect.file_rule, why
    else:
        assert file_problem is None, why
    for text in expect.unknown:
        assert text in outcome.unknown_headers, outcome.unknown_headers
    for text in expect.notes:
        assert any(text in note for note in outcome.notes), outcome.notes
    if expect.status == "skipped":
        assert outcome.notes, "a skipped file says why"


@pytest.mark.parametrize("case", [_param(c, located=True) for c in CASES])
def test_every_problem_is_located_and_bilingual(case: Case, corpus):
    """Each reason names file, sheet (xlsx), row, column and rule, in Chinese and English."""
    _, outcomes, _ = corpus[case.id]
    for outcome in outcomes:
        excel = outcome.format in ("xlsx", "xls")
        if outcome.status == "rejected" or outcome.rows_quarantined:
            assert outcome.problems, f"{outcome.name}: rows quarantined without a reason"
        for p in outcome.problems + outcome.warnings:
            sentence = p.sentence(outcome.name)
            assert p.rule_id and p.message_zh.strip() and p.message_en.strip(), sentence
            assert outcome.name in sentence, sentence
            assert "Traceback" not in sentence
            if p.row_number is None:  # a file-level reason
                continue
            assert p.column, f"no column: {sentence}"
            if excel:
                assert p.sheet, f"no sheet: {sentence}"
        quarantined_rows = {(p.sheet, p.row_number) for p in outcome.problems if p.row_number is not None}
        if outcome.status == "partial":
            assert len(quarantined_rows) == outcome.rows_quarantined


def test_validate_command_on_every_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`liandong validate` on each case: a sentence, never a traceback; exit 0 when clean, 1 otherwise.

    Clean cases are validated together (one Great Expectations call): exit 0 proves each of them clean.
    """
    from orchestration.cli import app

    monkeypatch.setenv("LIANDONG_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    clean: list[str] = []
    for case in CASES:
        if case.xfail:
            continue
        folder = tmp_path / case.id
        folder.mkdir()
        paths = [str(p) for p in case.build(folder)]
        expect_clean = all(e.status in ("loaded", "skipped") for e in case.expect)
        if expect_clean and case.feed is None and len(paths) == 1:
            clean += paths
            continue
        args = ["validate", *paths] + (["--feed", FEED_OPTION[case.feed]] if case.feed else [])
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output, f"{case.id}:\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), f"{case.id}: {result.exception!r}"
        assert result.exit_code == (0 if expect_clean else 1), f"{case.id}:\n{result.output}"
    result = runner.invoke(app, ["validate", *clean])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    assert "全部文件符合数据交换标准" in result.output
