"""Change control in Gantry's own workbook: the Trains and Scope exceptions sheets, and the
Changes sheet read back — new changes added, existing ones moved only along the workflow
(an invalid move refused with the reason, sheet, row and column), approvals never imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.demo.plan import build_demo
from app.plan import Plan
from app.spreadsheet.change_sheet import reachable_from
from app.spreadsheet.columns import CHANGES, SCOPE_EXCEPTIONS, TRAINS
from app.spreadsheet.export import export_workbook
from app.spreadsheet.importer import commit, prepare, undo
from app.store import PlanStore
from models.changes import CHANGE_STATUSES
from tests.fixed_dates import DEMO_TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


@pytest.fixture
def book(demo: Path, tmp_path: Path) -> Path:
    out = tmp_path / "demo.xlsx"
    plan = Plan.open(demo, read_only=True)
    try:
        export_workbook(plan, out, None, DEMO_TODAY)
    finally:
        plan.close()
    return out


@pytest.fixture
def plan(demo: Path, tmp_path: Path) -> Iterator[Plan]:
    copy = tmp_path / "copy.gantry"
    copy.write_bytes(demo.read_bytes())
    opened = Plan.open(copy)
    yield opened
    opened.close()


def _edit_status(book: Path, key: str, status: str) -> int:
    """Set a change's Status cell in the workbook; returns its row."""
    workbook = load_workbook(book)
    sheet = workbook[CHANGES.title]
    headers = [c.value for c in sheet[1]]
    key_at, status_at = headers.index("Key") + 1, headers.index("Status") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, key_at).value == key:
            sheet.cell(row, status_at).value = status
            workbook.save(book)
            return row
    raise AssertionError(f"{key} is not in the Changes sheet")


def _statuses(plan: Plan) -> dict[str, str]:
    return {str(r.key): str(r.status) for r in plan.changes.rows()}


def test_the_workbook_has_the_trains_and_the_scope_exceptions(book: Path) -> None:
    workbook = load_workbook(book, read_only=True)
    trains = list(workbook[TRAINS.title].iter_rows(values_only=True))
    assert trains[0] == tuple(TRAINS.headers)
    ((name, cadence, _anchor, template, releases),) = trains[1:]
    assert cadence == "every 6 weeks"
    assert "working days" in template
    assert releases == "Atlas 3.5.1; Atlas 3.5.2; Atlas 3.5.3"
    scope = list(workbook[SCOPE_EXCEPTIONS.title].iter_rows(values_only=True))
    assert scope[0] == tuple(SCOPE_EXCEPTIONS.headers)
    assert len(scope) > 1 and all(str(row[2]).startswith("CHG-") for row in scope[1:])
    assert {row[3] for row in scope[1:]} <= {"Added", "Grown"}
    assert name


def test_a_round_trip_keeps_the_changes_but_not_their_approvals(
    demo: Path, book: Path, tmp_path: Path
) -> None:
    original = Plan.open(demo, read_only=True)
    try:
        statuses = _statuses(original)
        decided = sum(len(original.changes.approvals(r.id)) for r in original.changes.rows())
    finally:
        original.close()
    assert decided and {"approved", "rejected", "draft"} <= set(statuses.values())
    fresh = Plan.open(tmp_path / "fresh.gantry", create=True)
    try:
        prepared = prepare(fresh, book)
        assert prepared.report.ok, prepared.report.lines()[:5]
        (note,) = [n for n in prepared.report.notes if n.startswith("Changes:")]
        assert "approvals are not imported" in note and "without their decisions" in note
        done = commit(fresh, prepared)
        assert _statuses(fresh) == statuses
        assert all(fresh.changes.approvals(r.id) == [] for r in fresh.changes.rows())
        undo(fresh, done)
        assert fresh.changes.rows() == []
        assert fresh.verify_audit().ok
    finally:
        fresh.close()


def test_an_existing_change_moves_only_along_the_workflow(plan: Plan, book: Path) -> None:
    statuses = _statuses(plan)
    draft = next(k for k, s in statuses.items() if s == "draft")
    row = _edit_status(book, draft, "Closed")
    prepared = prepare(plan, book)
    assert not prepared.report.ok
    (problem,) = [p for p in prepared.report.errors if p.sheet == CHANGES.title]
    assert (problem.row, problem.column, problem.value) == (row, "F (Status)", "Closed")
    assert problem.text() == (
        f"Changes row {row}, column F (Status): {draft} cannot move from draft to closed: "
        f"{draft} is draft; the workflow goes from there to submitted, cancelled, "
        "not to closed"
    )
    assert _statuses(plan) == statuses  # prepare writes nothing

    _edit_status(book, draft, "Cancelled")  # a move the workflow allows
    prepared = prepare(plan, book)
    assert prepared.report.ok, prepared.report.lines()[:5]
    done = commit(plan, prepared)
    assert _statuses(plan) == {**statuses, draft: "cancelled"}
    undo(plan, done)
    assert _statuses(plan) == statuses
    assert plan.verify_audit().ok


def test_a_move_the_workflow_guards_is_refused_with_the_guards_reason(
    plan: Plan, book: Path
) -> None:
    statuses = _statuses(plan)
    pending = next(
        r
        for r in plan.changes.rows()
        if r.status == "submitted" and plan.changes.why_not(r.id, "implemented")
    )
    row = _edit_status(book, str(pending.key), "Implemented")
    prepared = prepare(plan, book)
    (problem,) = [p for p in prepared.report.errors if p.sheet == CHANGES.title]
    reason = plan.changes.why_not(pending.id, "implemented")
    assert problem.row == row and problem.message.endswith(reason)
    assert _statuses(plan) == statuses


def test_every_status_is_reachable_from_draft_and_closed_is_final() -> None:
    assert reachable_from("draft") == frozenset(CHANGE_STATUSES)
    assert reachable_from("closed") == {"closed"}
    assert reachable_from("approved") == {"approved", "implemented", "closed", "cancelled"}
