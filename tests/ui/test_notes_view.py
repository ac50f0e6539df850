"""The Release notes tab on the demo plan: add an entry through the form and see the preview
follow, switch the audience, draft from marked work items, move, mark a communication sent;
each change one undo step that reaches the file's audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit

from app.communications import DueState
from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn, Reports
from ui.main_window import MainWindow
from ui.notes_view import NotesView
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui
NOW = dt.datetime(2026, 11, 30, 14, 5)


class Tab:
    """The Release notes tab on a plan file, showing the release in flight."""

    def __init__(self, qtbot, path: Path, reports: Reports) -> None:  # type: ignore[no-untyped-def]
        self.plan = Plan.open(path)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.view = NotesView(today=lambda: DEMO_TODAY, clock=lambda: NOW)
        qtbot.addWidget(self.view)
        self.view.set_plan(self.plan, self.editor, self.events)
        self.release = next(r for r in self.plan.releases.rows() if r.status == "in_progress")
        self.view.show_release(self.release.id)
        self.view.resize(1400, 820)
        self.view.show()
        qtbot.waitExposed(self.view)

    def preview(self) -> str:
        return self.view.preview.toPlainText()

    def close(self) -> None:
        self.view.set_plan(None, None, None)
        self.events.detach()
        self.plan.close()


@pytest.fixture
def tab(qtbot, demo_plan: Path, reports: Reports) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    opened = Tab(qtbot, demo_plan, reports)
    yield opened
    opened.close()


def test_an_added_entry_shows_in_the_preview_and_undoes(tab: Tab, reports: Reports) -> None:
    before = tab.preview()
    assert "API keys need scopes" in before and "Breaking changes" in before
    note_id = tab.view.add_note({"category": "fix"})
    assert note_id is not None and tab.stack.count() == 1
    assert tab.view.note_side.currentWidget() is tab.view.note_form

    title = tab.view.note_form._editors["title"]
    assert isinstance(title, QLineEdit)
    title.setText("Sign-out works on every tab")
    title.editingFinished.emit()

    assert tab.stack.count() == 2  # the add and the edit, each one step
    assert "Sign-out works on every tab" in tab.preview()
    tab.stack.undo()
    assert "New entry" in tab.preview()
    tab.stack.undo()
    assert tab.preview() == before
    assert tab.plan.verify_audit().ok
    assert reports == []


def test_the_audience_hides_internal_entries_from_customers(tab: Tab) -> None:
    internal_only = "Rate limiter reads the old SSO header"
    tab.view.audience.setCurrentIndex(tab.view.audience.findData("internal"))
    assert internal_only in tab.preview()
    tab.view.audience.setCurrentIndex(tab.view.audience.findData("external"))
    assert internal_only not in tab.preview() and "Audit log" in tab.preview()


def test_drafting_from_marked_items_is_one_step(tab: Tab) -> None:
    marked = tab.plan.notes.marked_items(tab.release.id)
    assert [m.key for m in marked] and tab.view.draft_action.isEnabled()
    assert tab.view.marked.text().startswith(f"{len(marked)} marked work item")
    created = tab.view.draft()
    assert len(created) == len(marked) and tab.stack.count() == 1
    assert not tab.view.draft_action.isEnabled()
    for item in marked:
        assert item.name in tab.preview()
    tab.stack.undo()
    assert all(item.name not in tab.preview() for item in marked)
    tab.stack.redo()
    assert sorted(e.id for e in tab.plan.notes.entries(tab.release.id) if e.id in created) == (
        sorted(created)
    )


def test_moving_an_entry_changes_the_preview_order(tab: Tab) -> None:
    features = [
        e.title
        for s in tab.plan.notes.document(tab.release.id, "internal").sections
        if s.category == "feature"
        for e in s.entries
    ]
    second = next(e.id for e in tab.plan.notes.entries(tab.release.id) if e.title == features[1])
    tab.view.select_note(second)
    assert tab.view.move_entry(-1)
    text = tab.preview()
    assert text.index(features[1]) < text.index(features[0])
    tab.stack.undo()
    text = tab.preview()
    assert text.index(features[0]) < text.index(features[1])


def test_the_communication_plan_lists_what_is_due_and_marks_sent(tab: Tab) -> None:
    listing = tab.view.listing()
    assert {c.title for c in listing} >= {
        "Customer announcement",
        "Support briefing",
        "Status page: release window",
    }
    assert tab.view.comms.topLevelItemCount() == len(listing)
    customer = next(c for c in listing if c.title == "Customer announcement")
    assert customer.state != DueState.DONE
    tab.view.select_comm(customer.id)
    assert tab.release.name in tab.view.message.toPlainText()  # the template, filled
    assert tab.view.sent_action.text() == "Mark sent"
    assert tab.view.toggle_sent()
    row = next(c for c in tab.view.listing() if c.id == customer.id)
    assert row.state == DueState.DONE and row.done_at == NOW and row.done_by
    assert tab.view.sent_action.text() == "Mark not sent"
    tab.stack.undo()
    row = next(c for c in tab.view.listing() if c.id == customer.id)
    assert row.state == customer.state and row.done_at is None


def test_file_export_release_notes(
    window: MainWindow, demo_plan: Path, tmp_path: Path, open_in: OpenIn, reports: Reports
) -> None:
    action = window.menu_actions.export_notes
    assert not action.isEnabled()
    open_in(window, demo_plan)
    assert action.isEnabled()
    release_id = window.notes_view.release_id
    assert release_id is not None
    target = window.export_notes(tmp_path / "notes.html", release_id, "external")
    assert target is not None and "<h1>Release notes" in target.read_text(encoding="utf-8")
    assert reports == []
    assert window.export_notes(tmp_path / "notes.doc", release_id, "external") is None
    assert [title for title, _ in reports] == ["Cannot export release notes"]


def test_marking_a_work_item_enables_drafting_and_undoes(tab: Tab) -> None:
    tab.view.draft()  # the demo's marked items drafted: nothing waits
    assert not tab.view.draft_action.isEnabled()
    item = next(
        i
        for i in tab.plan.state.outline(tab.release.id)
        if tab.plan.state.items[i].kind == "task" and tab.plan.notes.mark(i) is None
    )
    assert tab.editor.mark_for_notes(item, "fix")
    key = tab.plan.state.items[item].key
    assert tab.view.draft_action.isEnabled() and key in tab.view.marked.text()
    tab.stack.undo()
    assert tab.plan.notes.mark(item) is None and not tab.view.draft_action.isEnabled()
