"""The generic records page on the calendar: add, delete, the form, the filter, the empty and
the read-only plan, each edit one undo step that reaches the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit

from app.plan import Plan
from models import Environment
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import Reports
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.records_view import CALENDAR_PAGE, RecordsView

pytestmark = pytest.mark.gui

NAME = CALENDAR_PAGE.columns.index("name")


class Page:
    """A calendar page on a plan file, with its undo stack."""

    def __init__(self, qtbot, path: Path, reports: Reports, **open_args: bool) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.plan = Plan.open(path, **open_args)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.view = RecordsView(CALENDAR_PAGE, today=lambda: DEMO_TODAY)
        qtbot.addWidget(self.view)
        self.view.set_source(self.plan.calendar, self.editor, self.events)
        self.view.resize(1100, 600)
        self.view.show()
        qtbot.waitExposed(self.view)

    def names_on_file(self) -> list[str]:
        plan = Plan.open(self.path, read_only=True)
        try:
            return [r.name for r in plan.calendar.rows()]
        finally:
            plan.close()

    def select(self, name: str) -> int:
        record = next(r for r in self.plan.calendar.rows() if r.name == name)
        assert self.view.select_record(record.id)
        return record.id

    def close(self) -> None:
        self.view.set_source(None, None, None)
        self.events.detach()
        self.plan.close()


@pytest.fixture
def page(qtbot, demo_plan: Path, reports: Reports) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    opened = Page(qtbot, demo_plan, reports)
    yield opened
    opened.close()


def test_add_makes_a_holiday_on_the_given_day_and_opens_its_name(
    qtbot, page: Page, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    view = page.view
    before = view.model.rowCount()
    view.add_action.trigger()
    assert view.model.rowCount() == before + 1
    new_id = view.current_record_id()
    assert new_id is not None
    record = page.plan.calendar.row(new_id)
    assert (record.kind, record.name, record.start_date, record.end_date) == (
        "holiday",
        "New holiday",
        DEMO_TODAY,
        DEMO_TODAY,
    )
    assert record.environment_id is None
    # The name is open for typing, and what is typed is the record's name.
    assert view.table.state() == QAbstractItemView.State.EditingState
    assert view.table.currentIndex().column() == NAME
    editor = view.table.indexWidget(view.table.currentIndex())
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Company day")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Company day" in page.names_on_file())
    assert view.form.title.text() == "Company day"
    assert [page.stack.text(n) for n in range(page.stack.count())] == [
        f"Add calendar entry New holiday ({DEMO_TODAY.isoformat()})",
        f"Edit name of New holiday ({DEMO_TODAY.isoformat()})",
    ]
    page.stack.undo()
    page.stack.undo()
    assert view.model.row_of(new_id) is None
    assert "New holiday" not in page.names_on_file()
    page.stack.redo()  # the same record, under its id
    assert page.plan.calendar.row(new_id).name == "New holiday"
    assert view.model.row_of(new_id) is not None
    assert reports == []


def test_delete_asks_nothing_selects_the_next_entry_and_undo_brings_it_back(
    qtbot, page: Page
) -> None:  # type: ignore[no-untyped-def]
    view = page.view
    victim = page.select("Thanksgiving Day")  # the first of three: 2025's
    row = view.table.currentIndex().row()
    following = view.model.id_at(row + 1)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.row_of(victim) is None
    assert page.names_on_file().count("Thanksgiving Day") == 2
    assert view.current_record_id() == following
    assert page.stack.text(0) == "Delete calendar entry Thanksgiving Day (2025-11-27)"
    page.stack.undo()
    assert page.plan.calendar.row(victim).start_date == dt.date(2025, 11, 27)
    assert page.names_on_file().count("Thanksgiving Day") == 3
    page.stack.redo()
    assert page.names_on_file().count("Thanksgiving Day") == 2
    assert view.delete_action.isEnabled()  # the next entry is selected


def test_the_form_shows_the_selected_entry_and_commits_each_field(page: Page) -> None:
    view = page.view
    assert view.form_or_hint.currentWidget() is view.hint
    record_id = page.select("Q2 2026 financial close")
    form = view.form
    assert view.form_or_hint.currentWidget() is form
    assert form.title.text() == "Q2 2026 financial close"
    assert form.subtitle.text() == "Calendar entry"
    applies = form.editor("environment_id")
    assert isinstance(applies, QComboBox)
    assert applies.currentText() == "prod"
    applies.setCurrentIndex(applies.findText("Whole plan"))
    applies.activated.emit(applies.currentIndex())
    assert page.plan.calendar.row(record_id).environment_id is None
    row = view.model.row_of(record_id)
    assert row is not None
    assert view.model.index(row, CALENDAR_PAGE.columns.index("environment_id")).data() == (
        "Whole plan"
    )
    page.stack.undo()
    assert applies.currentText() == "prod"  # the form follows the undo


def test_a_refused_form_edit_shows_the_stored_value_again(page: Page, reports: Reports) -> None:
    record_id = page.select("Q2 2026 financial close")
    start = page.view.form.editor("start_date")
    start.setText("2026-07-05")  # type: ignore[attr-defined]
    start.editingFinished.emit()  # type: ignore[attr-defined]
    assert reports and "before it starts" in reports[-1][1]
    assert start.text() == "28 Jun 2026"  # type: ignore[attr-defined]
    assert page.plan.calendar.row(record_id).start_date == dt.date(2026, 6, 28)
    assert page.stack.count() == 0


def test_the_filter_keeps_matching_entries_and_says_when_none_match(qtbot, page: Page) -> None:  # type: ignore[no-untyped-def]
    view = page.view
    assert view.count.text() == "54 calendar entries"
    qtbot.keyClicks(view.filter_box, "FREEZE")
    assert view.proxy.rowCount() == 3
    assert view.count.text() == "3 of 54 calendar entries"
    view.filter_box.clear()
    qtbot.keyClicks(view.filter_box, "Dec 2026")  # dates match as they are shown
    assert {view.proxy.index(r, NAME).data() for r in range(view.proxy.rowCount())} >= {
        "Christmas Day",
        "Atlas 3.5 staging dry run",
    }
    view.filter_box.clear()
    qtbot.keyClicks(view.filter_box, "no such entry")
    assert view.table_or_empty.currentWidget() is view.empty
    assert view.empty.text() == "No calendar entries contain “no such entry”."
    # Adding shows the new entry even though the filter would hide it.
    new_id = view.add_record()
    assert new_id is not None and view.current_record_id() == new_id
    assert view.filter_box.text() == ""


def test_an_empty_plan_says_what_the_page_is_for(qtbot, tmp_path: Path, reports: Reports) -> None:  # type: ignore[no-untyped-def]
    empty = Page(qtbot, tmp_path / "empty.gantry", reports, create=True)
    try:
        view = empty.view
        assert view.table_or_empty.currentWidget() is view.empty
        assert view.empty.text() == CALENDAR_PAGE.empty_text
        assert view.add_action.isEnabled() and not view.delete_action.isEnabled()
        view.add_action.trigger()
        assert view.table_or_empty.currentWidget() is view.table
        assert view.count.text() == "1 calendar entry"
    finally:
        empty.close()


def test_a_read_only_plan_allows_selecting_and_filtering_only(
    qtbot, demo_plan: Path, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    page = Page(qtbot, demo_plan, reports, read_only=True)
    try:
        view = page.view
        assert not view.add_action.isEnabled() and not view.delete_action.isEnabled()
        assert view.add_record() is None
        page.select("Christmas Day")
        assert view.current_record_id() is not None
        assert not view.delete_action.isEnabled() and not view.delete_selected()
        index = view.table.currentIndex()
        assert not view.proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
        view.table.setCurrentIndex(index.siblingAtColumn(NAME))
        view.table.setFocus()
        qtbot.keyClick(view.table, Qt.Key.Key_F2)  # the key that starts editing
        assert view.table.state() != QAbstractItemView.State.EditingState
        for name in ("kind", "name", "start_date", "end_date", "environment_id"):
            editor = view.form.editor(name)
            assert not editor.isEnabled() or editor.isReadOnly()  # type: ignore[attr-defined]
        assert view.filter_box.isEnabled()
        qtbot.keyClicks(view.filter_box, "freeze")
        assert view.proxy.rowCount() == 3
        assert page.stack.count() == 0 and reports == []
    finally:
        page.close()


def test_a_new_environment_is_offered_in_the_form(page: Page) -> None:
    page.select("Christmas Day")

    def add_environment(session) -> None:  # type: ignore[no-untyped-def]
        session.add(Environment(name="qa", tier="test"))

    page.plan.uow.run("Add an environment", add_environment)
    applies = page.view.form.editor("environment_id")
    assert isinstance(applies, QComboBox)
    assert "qa" in [applies.itemText(n) for n in range(applies.count())]
    assert applies.currentText() == "Whole plan"  # the selected entry is still shown


def test_each_kind_has_its_colour_swatch(page: Page) -> None:
    model = page.view.model
    kinds = {
        model.index(row, 0).data(Qt.ItemDataRole.EditRole): model.index(row, 0).data(
            Qt.ItemDataRole.DecorationRole
        )
        for row in range(model.rowCount())
    }
    assert set(kinds) == {"holiday", "freeze", "blackout", "change_window"}
    assert all(isinstance(swatch, QIcon) and not swatch.isNull() for swatch in kinds.values())
    assert len({swatch.cacheKey() for swatch in kinds.values()}) == 4
    assert model.index(0, NAME).data(Qt.ItemDataRole.DecorationRole) is None
