"""The Runbook tab's editors: steps added, deleted, duplicated and moved across sections,
waits (and a refused cycle), new runbooks from templates, T0, a corrected time, and every
model through qtmodeltester."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTime
from sqlalchemy import select

from models import AuditEvent
from tests.fixed_dates import DEMO_TODAY
from tests.ui import test_runbook_view as runbook_tab
from tests.ui.conftest import Reports
from tests.ui.test_runbook_view import Clock, _plan, _stack
from ui.runbook_dialogs import CorrectTimesDialog, NewRunbookDialog
from ui.runbook_view import RunbookView

pytestmark = pytest.mark.gui
# The tab on the demo plan and its clock, shared with the tab's other tests.
tab = runbook_tab.tab
clock = runbook_tab.clock


def _links(view: RunbookView) -> list[tuple[int, int]]:
    return _plan(view).runbooks.links(view.runbook_id or 0)


def test_add_duplicate_and_delete_steps_each_undo_in_one_step(tab: RunbookView) -> None:
    books = _plan(tab).runbooks
    steps = tab.model.steps
    before = [tuple(s) for s in books.steps(tab.runbook_id or 0)]
    links_before = _links(tab)
    tab.select_step(steps[6].id)  # a data migration step
    added = tab.add_after_current()
    assert added is not None
    row = books.row(added)
    assert (row.position, row.section, row.title) == (7, steps[6].section, "New step")
    assert tab.selected_step() is not None and tab.selected_step().id == added  # type: ignore[union-attr]
    assert _stack(tab).count() == 1

    source = next(s for s in steps if s.rollback_step_id is not None and s.position > 7)
    tab.select_step(source.id)
    waits = [b for a, b in links_before if a == source.id]
    copy = tab.duplicate_current()
    assert copy is not None
    copied = books.row(copy)
    assert copied.title == f"{source.title} (copy)" and copied.position == source.position + 2
    assert copied.instructions == source.instructions
    assert copied.rollback_step_id == source.rollback_step_id
    assert sorted(b for a, b in _links(tab) if a == copy) == sorted(waits)
    assert _stack(tab).count() == 2
    assert tab.add_waits(added, [copy])  # the two new steps linked to each other
    # Steps executed in a run are kept (the demo's runs); the new ones, with their waits
    # on both sides and a rollback pairing, are deleted together.
    tab.select_step(added, copy)
    assert [s.id for s in tab.selected_steps()] == [added, copy]
    assert tab.delete_selected()
    remaining = {s.id for s in books.steps(tab.runbook_id or 0)}
    assert added not in remaining and copy not in remaining
    assert _stack(tab).undoText() == "Delete 2 steps"
    _stack(tab).undo()
    assert books.row(copy).rollback_step_id == source.rollback_step_id
    assert (added, copy) in _links(tab)
    assert sorted(b for a, b in _links(tab) if a == copy) == sorted(waits)
    tab.select_step(steps[0].id)
    assert not tab.delete_selected()  # executed in a run: kept, nothing on the stack
    assert _stack(tab).count() == 4
    _stack(tab).undo()
    _stack(tab).undo()
    _stack(tab).undo()
    assert [tuple(s) for s in books.steps(tab.runbook_id or 0)] == before
    assert sorted(_links(tab)) == sorted(links_before)
    _stack(tab).redo()
    assert books.row(added).title == "New step"  # redo brings it back with its id
    assert _plan(tab).verify_audit().ok


def test_drag_steps_into_another_section_is_one_undo_step(tab: RunbookView) -> None:
    model, books = tab.model, _plan(tab).runbooks
    before = [(s.id, s.section) for s in books.steps(tab.runbook_id or 0)]
    preparation = [s for s in model.steps if s.section == "preparation"][:2]
    data = model.mimeData([model.index(model.row_of(s.id) or 0, 1) for s in preparation])
    verify_heading = next(
        r for r in model.heading_rows() if model.data(model.index(r, 0)).startswith("Verify")
    )
    # Dropped onto the Verify heading: the top of that section.
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index(verify_heading, 0))
    moved = [books.row(s.id) for s in preparation]
    assert {s.section for s in moved} == {"verify"}
    assert moved[1].position == moved[0].position + 1
    first_verify = next(s for s in books.steps(tab.runbook_id or 0) if s.section == "verify")
    assert first_verify.id == preparation[0].id
    assert [s.id for s in tab.selected_steps()] == [s.id for s in preparation]
    assert _stack(tab).count() == 1 and _stack(tab).undoText() == "Move 2 steps"
    _stack(tab).undo()
    assert [(s.id, s.section) for s in books.steps(tab.runbook_id or 0)] == before
    _stack(tab).redo()
    assert books.row(preparation[0].id).section == "verify"
    assert _plan(tab).verify_audit().ok


def test_keyboard_navigation_steps_over_the_headings(qtbot, tab: RunbookView) -> None:  # type: ignore[no-untyped-def]
    model = tab.model
    tab.select_step(model.steps[0].id)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    assert tab.selected_step() == model.steps[1]  # past the Communication heading


def test_waits_for_add_remove_and_a_refused_cycle(tab: RunbookView, reports: Reports) -> None:
    books = _plan(tab).runbooks
    steps = books.forward_steps(tab.runbook_id or 0)
    first, last = steps[0], steps[-1]
    tab.select_step(first.id)
    assert tab.details.waits_for() == []
    stack_count = _stack(tab).count()
    links = _links(tab)
    # The last step already waits (through others) for the first: the other way is a cycle.
    assert not tab.add_waits(first.id, [last.id])
    assert "cannot wait for" in reports.messages[-1] and first.title in reports.messages[-1]
    assert last.title in reports.messages[-1]
    assert _links(tab) == links and _stack(tab).count() == stack_count

    third = steps[3]
    assert tab.add_waits(third.id, [steps[1].id])
    assert (third.id, steps[1].id) in _links(tab)
    assert steps[1].id in tab.details.waits_for()
    assert (third.id, steps[1].id) in tab.gantt.links  # the chart draws the link line
    tab.details.waits.setCurrentRow(tab.details.waits_for().index(steps[1].id))
    tab.details.remove_wait.click()
    assert (third.id, steps[1].id) not in _links(tab)
    _stack(tab).undo()
    assert (third.id, steps[1].id) in _links(tab)
    _stack(tab).undo()
    assert _links(tab) == links


def test_new_runbook_from_a_template_with_variables_filled(
    qtbot,  # type: ignore[no-untyped-def]
    tab: RunbookView,
) -> None:
    books = _plan(tab).runbooks
    source = tab.runbook_id or 0
    template = tab.make_template("{release} {version} on {environment}")
    assert template is not None and books.runbook(template).is_template
    assert len(books.steps(template)) == len(books.steps(source))

    release = tab.release_id or 0
    t0 = dt.datetime.combine(DEMO_TODAY + dt.timedelta(days=3), dt.time(20, 30))
    env_id, env_name = books.environments()[-1]
    dialog = NewRunbookDialog(
        books.runbooks(None),
        books.environments(),
        lambda env, start: books.template_values(release, env, start),
        tab,
    )
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData(template))
    dialog.environment.setCurrentIndex(dialog.environment.findData(env_id))
    dialog.start.set_value(t0)
    dialog.start.date.committed.emit()
    values = books.template_values(release, env_id, t0)
    assert dialog.name.text() == f"{values['release']} {values['version']} on {env_name}"
    assert dialog.name.isReadOnly()
    assert "2026" in dialog.preview.text() or f"{t0:%Y-%m-%d %H:%M}" in dialog.preview.text()

    made = tab.create_runbook(
        dialog.template_id(), dialog.name.text(), dialog.environment_id(), dialog.start.value()
    )
    assert made is not None and tab.runbook_id == made
    assert tab.books.currentText() == dialog.name.text()
    assert books.runbook(made).planned_start == t0
    assert tab.books.count() == 2  # a release may have several runbooks
    _stack(tab).undo()
    assert tab.books.count() == 1
    _stack(tab).redo()
    assert books.runbook(made).name == dialog.name.text()
    assert _plan(tab).verify_audit().ok


def test_set_t0_moves_the_timeline(tab: RunbookView) -> None:
    books = _plan(tab).runbooks
    book = books.runbook(tab.runbook_id or 0)
    assert book.planned_start is not None
    later = book.planned_start + dt.timedelta(days=1, hours=2)
    tab.t0.date.setValue(later.date())
    tab.t0.time.setTime(QTime(later.hour, later.minute))
    tab.t0.time.editingFinished.emit()
    assert books.runbook(book.id).planned_start == later
    assert f"{later:%a %d %b %H:%M}" in tab.fit.text()
    _stack(tab).undo()
    assert books.runbook(book.id).planned_start == book.planned_start
    assert f"{book.planned_start:%a %d %b %H:%M}" in tab.fit.text()


def test_correct_a_recorded_time(qtbot, tab: RunbookView, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    tab.execute_mode.setChecked(True)
    books = _plan(tab).runbooks
    run = tab.run_id or 0
    executions = books.executions(run)
    step_id, done = next((s, e) for s, e in executions.items() if e.finished_at is not None)
    tab.select_step(step_id)
    assert tab.correct_times.isVisible() and tab.correct_times.isEnabled()
    dialog = CorrectTimesDialog(books.row(step_id), done.started_at, done.finished_at, clock(), tab)
    qtbot.addWidget(dialog)
    assert dialog.times() == (done.started_at, done.finished_at)
    assert done.finished_at is not None
    corrected = done.finished_at + dt.timedelta(minutes=7)
    assert tab.correct(step_id, done.started_at, corrected, "Forgot to press Done")
    assert books.executions(run)[step_id].finished_at == corrected
    assert _stack(tab).count() == 0  # a run is a log: not undone
    with _plan(tab).store.read() as session:
        reasons = session.scalars(
            select(AuditEvent.reason).where(AuditEvent.entity == "run_step_executions")
        ).all()
    assert "Correct times: Forgot to press Done" in reasons
    assert not tab.correct(step_id, corrected, done.started_at, "backwards")


def test_every_model_passes_qtmodeltester(qtmodeltester, tab: RunbookView) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.comparison)
    tab.execute_mode.setChecked(True)
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount(QModelIndex()) > len(tab.model.steps)
