"""The Runbook tab driven as a user would: edit, drag to reorder, undo, execute runs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView
from sqlalchemy import select

from app.plan import Plan
from models import AuditEvent
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import Reports
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.runbook_models import STEP_MIME
from ui.runbook_view import RunbookView

pytestmark = pytest.mark.gui


class Clock:
    """The run's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = dt.datetime.combine(DEMO_TODAY, dt.time(21, 0))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tab(qtbot, demo_plan: Path, reports: Reports, clock: Clock) -> Iterator[RunbookView]:  # type: ignore[no-untyped-def]
    plan = Plan.open(demo_plan)
    stack = QUndoStack()
    editor = PlanEditor(plan, stack, reports)
    events = PlanEvents(plan)
    view = RunbookView(clock=clock)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.set_plan(plan, editor, events)
    (release,) = [r for r in plan.releases.rows() if r.status == "in_progress"]
    view.show_release(release.id)
    view.show()
    yield view
    view.set_plan(None, None, None)
    events.detach()
    plan.close()


def _plan(view: RunbookView) -> Plan:
    plan = view._plan
    assert plan is not None
    return plan


def _stack(view: RunbookView) -> QUndoStack:
    assert view._editor is not None
    return view._editor.stack


def _titles(view: RunbookView) -> list[str]:
    assert view.runbook_id is not None
    return [s.title for s in _plan(view).runbooks.steps(view.runbook_id)]


def test_the_tab_shows_the_demo_runbook(tab: RunbookView) -> None:
    assert tab.books.currentText() == "Atlas 3.5 production deployment"
    assert len(tab.model.steps) == 29
    # The demo's sections interleave (data migration, deploy, more migration, ...): a
    # heading above each run of one section, the whole section's count and minutes on it.
    assert tab.model.rowCount() == 29 + 12
    assert tab.model.data(tab.model.index(0, 0)) == "Preparation · 4 steps · 25 min"
    assert "2 h 20 min" in tab.summary.text()
    assert "Fits the change window" in tab.fit.text()
    assert tab.gantt.height() > 29 * 10  # a bar per forward step
    assert tab.comparison.rowCount() == 25  # 24 forward steps and the total


def test_inline_edit_and_the_detail_pane_are_undo_steps(qtbot, tab: RunbookView) -> None:  # type: ignore[no-untyped-def]
    model = tab.model
    title = model.index(model.row_of(model.steps[1].id) or 0, 1)
    assert model.setData(title, "Announce the window on the status page")
    assert _titles(tab)[1] == "Announce the window on the status page"
    tab.select_step(model.steps[9].id)
    tab.details.instructions.setPlainText("atlasctl migrate --batch 1\natlasctl migrate --verify")
    tab.details.duration.setValue(25)
    qtbot.mouseClick(tab.details.save_button, Qt.MouseButton.LeftButton)
    step = _plan(tab).runbooks.row(model.steps[9].id)
    assert step.instructions.endswith("--verify") and step.duration_minutes == 25
    assert "2 h 30 min" in tab.summary.text()
    stack = _stack(tab)
    assert stack.count() == 2  # the inline edit, and the pane's two fields as one step
    stack.undo()
    assert _plan(tab).runbooks.row(step.id).duration_minutes == 15
    stack.undo()
    assert _titles(tab)[1] == "Announce the maintenance window"


def test_reorder_by_drag(qtbot, tab: RunbookView) -> None:  # type: ignore[no-untyped-def]
    """A synthesized mouse drag does not start QDrag offscreen (no platform drag support),
    so the test does what Qt does on the drop: the view asks the model's mimeData for the
    dragged row and hands it to dropMimeData with the row of the gap it was dropped on."""
    table = tab.table
    assert table.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove
    model = tab.model
    moved = model.steps[2]
    data: QMimeData = model.mimeData([model.index(model.row_of(moved.id) or 0, 0)])
    assert data.hasFormat(STEP_MIME)
    gap = model.row_of(model.steps[5].id) or 0
    assert model.data(model.index(gap - 1, 0)).startswith("Data migration")
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, gap - 1, 0, QModelIndex())
    # Dropped above the Data migration heading: after the last preparation step.
    model.dropMimeData(data, Qt.DropAction.MoveAction, gap - 1, 0, QModelIndex())
    titles = _titles(tab)
    assert titles.index(moved.title) == 4
    assert _plan(tab).runbooks.row(moved.id).section == "preparation"
    assert tab.selected_step() is not None and tab.selected_step().id == moved.id  # type: ignore[union-attr]
    assert _stack(tab).undoText() == f"Move step {moved.label}"
    _stack(tab).undo()
    assert _titles(tab).index(moved.title) == 2
    assert _plan(tab).verify_audit().ok


def _run_step(qtbot, tab: RunbookView, clock: Clock, minutes: int, outcome: str = "done") -> None:  # type: ignore[no-untyped-def]
    if tab.start_step.isEnabled():
        qtbot.mouseClick(tab.start_step, Qt.MouseButton.LeftButton)
    clock.advance(minutes)
    button = {"done": tab.done_step, "skipped": tab.skip_step, "failed": tab.fail_step}[outcome]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _end_running_run(qtbot, tab: RunbookView) -> None:  # type: ignore[no-untyped-def]
    """The demo's dress rehearsal is under way; end it so a new run can start."""
    tab.execute_mode.setChecked(True)
    qtbot.mouseClick(tab.end_run, Qt.MouseButton.LeftButton)
    assert not tab.end_run.isEnabled()


def test_execute_a_rehearsal_through_to_completion(qtbot, tab: RunbookView, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    _end_running_run(qtbot, tab)
    qtbot.mouseClick(tab.start_rehearsal, Qt.MouseButton.LeftButton)
    books = _plan(tab).runbooks
    run = books.run(tab.run_id or 0)
    assert (run.number, run.kind, run.status) == (3, "rehearsal", "running")
    forward = books.forward_steps(tab.runbook_id or 0)
    assert tab.selected_step() == forward[0]
    for step in forward:
        assert tab.selected_step() is not None
        if step.title == "Confirm with support":
            tab.reason.setText("Support lead off sick; covered by the dashboards")
            _run_step(qtbot, tab, clock, 0, "skipped")
        else:
            _run_step(qtbot, tab, clock, step.duration_minutes + 1)
    executions = books.executions(run.id)
    assert len(executions) == len(forward)
    assert {e.outcome for e in executions.values()} == {"done", "skipped"}
    late_row = tab.model.row_of(forward[-1].id) or 0
    assert tab.model.data(tab.model.index(late_row, 1), Qt.ItemDataRole.ForegroundRole) is not None
    qtbot.mouseClick(tab.end_run, Qt.MouseButton.LeftButton)
    assert books.run(run.id).status == "completed"
    # Executions are a log: nothing of them is on the undo stack.
    assert _stack(tab).count() == 0
    qtbot.mouseClick(tab.take_durations, Qt.MouseButton.LeftButton)
    assert books.row(forward[0].id).duration_minutes == forward[0].duration_minutes + 1
    assert _stack(tab).count() == 1
    _stack(tab).undo()
    assert books.row(forward[0].id).duration_minutes == forward[0].duration_minutes
    assert tab.comparison.columnCount() == 2 + 3
    assert _plan(tab).verify_audit().ok


def test_execute_a_live_run_through_a_failure_with_rollback(
    qtbot, tab: RunbookView, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    _end_running_run(qtbot, tab)
    qtbot.mouseClick(tab.start_live, Qt.MouseButton.LeftButton)
    books = _plan(tab).runbooks
    run_id = tab.run_id or 0
    forward = books.forward_steps(tab.runbook_id or 0)
    for step in forward[:12]:  # through the data migration, into the deployment
        _run_step(qtbot, tab, clock, step.duration_minutes)
    failing = tab.selected_step()
    assert failing is not None and failing.title == "Deploy identity-service"
    qtbot.mouseClick(tab.start_step, Qt.MouseButton.LeftButton)
    clock.advance(6)
    qtbot.mouseClick(tab.fail_step, Qt.MouseButton.LeftButton)
    assert any("Say why" in m for _t, m in tab._editor.report)  # type: ignore[union-attr, attr-defined]
    tab.reason.setText("Canary error rate 4x baseline")
    qtbot.mouseClick(tab.fail_step, Qt.MouseButton.LeftButton)

    assert tab.rollback_plan.isVisible()
    plan_text = tab.rollback_plan.text()
    assert "Rollback plan from here" in plan_text
    expected = [
        "Roll back the services",
        "Revert the database migrations",
        "Lift the merge freeze",
        "Announce the rollback",
    ]
    assert [s.title for s in books.rollback_plan(tab.runbook_id or 0, failing.id)] == expected
    for title in expected:
        step = tab.selected_step()
        assert step is not None and step.title == title
        _run_step(qtbot, tab, clock, step.duration_minutes)
    qtbot.mouseClick(tab.end_run, Qt.MouseButton.LeftButton)
    assert books.run(run_id).status == "failed"
    executions = books.executions(run_id)
    assert executions[failing.id].outcome == "failed"
    assert executions[failing.id].reason == "Canary error rate 4x baseline"

    with _plan(tab).store.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity.in_(("runbook_runs", "run_step_executions")))
        ).all()
    reasons = [e.reason for e in events]
    assert "Start a live run" in reasons and f"Failed: {failing.label}" in reasons
    assert any(json.loads(e.after or "{}").get("status") == "failed" for e in events)
    assert _plan(tab).verify_audit().ok
