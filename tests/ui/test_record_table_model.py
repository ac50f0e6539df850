"""The generic records table and its delegate over the demo plan's calendar: model invariants,
labels from the field rules, edits through undo, refusals, sorting and change notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QLineEdit, QTableView, QWidget

from app.calendar_entries import CALENDAR_ENTRIES
from app.plan import Plan
from app.records import Record
from models import Environment
from tests.ui.conftest import Reports
from ui.date_edit import DateField
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.record_delegate import RecordDelegate
from ui.record_table_model import RECORD_ID_ROLE, RecordTableModel

pytestmark = pytest.mark.gui

COLUMNS = ("kind", "name", "start_date", "end_date", "environment_id")
KIND, NAME, FROM, TO, APPLIES_TO = range(len(COLUMNS))


class OpenCalendar:
    """A plan's calendar in a records table, edited through an undo stack."""

    def __init__(self, path: Path, reports: Reports, read_only: bool = False) -> None:
        self.path = path
        self.plan = Plan.open(path, read_only=read_only)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.model = RecordTableModel(CALENDAR_ENTRIES.fields, COLUMNS)
        self.events.changed.connect(self.model.apply_change)
        self.model.set_source(self.plan.calendar, self.editor)

    def find(self, name: str, year: int) -> Record:
        return next(
            r for r in self.plan.calendar.rows() if r.name == name and r.start_date.year == year
        )

    def row(self, record_id: int) -> int:
        row = self.model.row_of(record_id)
        assert row is not None
        return row

    def cell(self, record_id: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return self.model.index(self.row(record_id), column).data(role)

    def close(self) -> None:
        self.events.detach()
        self.plan.close()


def on_file(path: Path, record_id: int) -> Record:
    """The entry as a fresh, read-only reader of the file sees it."""
    plan = Plan.open(path, read_only=True)
    try:
        return plan.calendar.row(record_id)
    finally:
        plan.close()


@pytest.fixture
def calendar(demo_plan: Path, reports: Reports) -> Iterator[OpenCalendar]:
    opened = OpenCalendar(demo_plan, reports)
    yield opened
    opened.close()


def test_the_model_passes_the_model_tester(qtmodeltester, calendar: OpenCalendar) -> None:  # type: ignore[no-untyped-def]
    assert calendar.model.rowCount() == len(calendar.plan.calendar.rows()) == 54
    qtmodeltester.check(calendar.model)
    calendar.model.sort(NAME, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(calendar.model)


def test_cells_show_labels_and_the_apps_dates_and_edit_raw_values(calendar: OpenCalendar) -> None:
    christmas = calendar.find("Christmas Day", 2026)
    close = calendar.find("Q1 2026 financial close", 2026)
    dry_run = calendar.find("Atlas 3.5 staging dry run", 2026)
    assert [calendar.cell(christmas.id, c) for c in range(5)] == [
        "Holiday",
        "Christmas Day",
        "25 Dec 2026",
        "25 Dec 2026",
        "Whole plan",
    ]
    assert calendar.cell(close.id, KIND) == "Blackout"
    assert calendar.cell(close.id, APPLIES_TO) == "prod"
    assert calendar.cell(dry_run.id, KIND) == "Change window"
    assert calendar.cell(dry_run.id, APPLIES_TO) == "staging"
    edit = Qt.ItemDataRole.EditRole
    assert calendar.cell(close.id, KIND, edit) == "blackout"
    assert calendar.cell(close.id, FROM, edit) == dt.date(2026, 3, 29)
    assert calendar.cell(close.id, APPLIES_TO, edit) == close.environment_id
    assert calendar.cell(christmas.id, APPLIES_TO, edit) is None
    assert calendar.cell(christmas.id, NAME, RECORD_ID_ROLE) == christmas.id
    tip = Qt.ItemDataRole.ToolTipRole
    assert calendar.cell(close.id, NAME, tip) == "Q1 2026 financial close"  # if cut short
    assert calendar.cell(close.id, FROM, tip) is None


def test_headers_and_their_tips_come_from_the_fields(calendar: OpenCalendar) -> None:
    model = calendar.model
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal) for c in range(5)] == [
        "Kind",
        "Name",
        "From",
        "To",
        "Applies to",
    ]
    assert model.headerData(TO, horizontal, Qt.ItemDataRole.ToolTipRole) == "The last day, included"
    assert model.headerData(NAME, horizontal, Qt.ItemDataRole.ToolTipRole) is None


def test_editing_a_cell_writes_to_the_file_in_place_and_undo_puts_it_back(
    qtbot, calendar: OpenCalendar, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    christmas = calendar.find("Christmas Day", 2026)
    index = calendar.model.index(calendar.row(christmas.id), NAME)
    assert calendar.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    with (
        qtbot.assertNotEmitted(calendar.model.modelReset),
        qtbot.waitSignal(calendar.model.dataChanged) as changed,
    ):
        assert calendar.model.setData(index, "Christmas Day (office closed)")
    assert changed.args[0].row() == index.row()
    assert index.data() == "Christmas Day (office closed)"
    assert on_file(calendar.path, christmas.id).name == "Christmas Day (office closed)"
    assert calendar.stack.text(0) == "Edit name of Christmas Day (2026-12-25)"
    calendar.stack.undo()
    assert index.data() == "Christmas Day"
    assert on_file(calendar.path, christmas.id).name == "Christmas Day"
    assert reports == []


def test_an_end_before_the_start_is_reported_and_pushes_nothing(
    calendar: OpenCalendar, reports: Reports
) -> None:
    freeze = calendar.find("Year-end change freeze 2026/2027", 2026)
    index = calendar.model.index(calendar.row(freeze.id), TO)
    assert not calendar.model.setData(index, dt.date(2026, 12, 1))
    assert calendar.stack.count() == 0
    assert len(reports) == 1
    title, message = reports[0]
    assert title == "Edit refused"
    assert "ends (2026-12-01) before it starts (2026-12-18)" in message
    assert index.data() == "03 Jan 2027"
    assert on_file(calendar.path, freeze.id).end_date == dt.date(2027, 1, 3)


def test_sorting_is_natural_for_text_by_value_for_dates_and_keeps_indexes(
    calendar: OpenCalendar,
) -> None:
    for name in ("Sprint 10 review", "Sprint 9 review"):
        calendar.plan.calendar.create(
            {"name": name, "start_date": dt.date(2026, 12, 2), "end_date": dt.date(2026, 12, 2)}
        )
    model = calendar.model
    christmas = calendar.find("Christmas Day", 2026)
    kept = QPersistentModelIndex(model.index(calendar.row(christmas.id), NAME))

    def column(col: int) -> list[object]:
        return [
            model.index(row, col).data(Qt.ItemDataRole.EditRole) for row in range(model.rowCount())
        ]

    model.sort(NAME)
    names = column(NAME)
    assert names.index("Sprint 9 review") + 1 == names.index("Sprint 10 review")
    assert names[0] == "Atlas 3.4 production change"
    assert kept.data(RECORD_ID_ROLE) == christmas.id  # the index followed its record
    model.sort(FROM, Qt.SortOrder.DescendingOrder)
    starts = column(FROM)
    assert starts == sorted(starts, reverse=True)
    model.sort(-1)  # back to the service's order
    assert [model.index(r, 0).data(RECORD_ID_ROLE) for r in range(model.rowCount())] == [
        r.id for r in calendar.plan.calendar.rows()
    ]
    assert kept.data(RECORD_ID_ROLE) == christmas.id


def test_records_that_come_or_go_reload_the_table(qtbot, calendar: OpenCalendar) -> None:  # type: ignore[no-untyped-def]
    before = calendar.model.rowCount()
    with qtbot.waitSignal(calendar.model.modelReset):
        new_id = calendar.editor.add_record(
            calendar.plan.calendar,
            {
                "name": "Offsite",
                "start_date": dt.date(2026, 12, 9),
                "end_date": dt.date(2026, 12, 9),
            },
        )
    assert new_id is not None
    assert calendar.model.rowCount() == before + 1
    assert calendar.cell(new_id, KIND) == "Holiday"  # the record type's default
    with qtbot.waitSignal(calendar.model.modelReset):
        calendar.stack.undo()
    assert calendar.model.row_of(new_id) is None


def test_a_renamed_reference_shows_its_new_label(calendar: OpenCalendar) -> None:
    close = calendar.find("Q1 2026 financial close", 2026)

    def rename(session) -> None:  # type: ignore[no-untyped-def]
        session.get_one(Environment, close.environment_id).name = "production"

    calendar.plan.uow.run("Rename the environment", rename)
    assert calendar.cell(close.id, APPLIES_TO) == "production"


def test_a_read_only_plan_has_no_editable_cell(demo_plan: Path, reports: Reports) -> None:
    calendar = OpenCalendar(demo_plan, reports, read_only=True)
    try:
        model = calendar.model
        assert model.rowCount() == 54
        indexes = [model.index(r, c) for r in range(model.rowCount()) for c in range(5)]
        assert not any(model.flags(i) & Qt.ItemFlag.ItemIsEditable for i in indexes)
        assert not model.setData(indexes[1], "Renamed")
        assert reports == [] and calendar.stack.count() == 0
    finally:
        calendar.close()


# -- the delegate ---------------------------------------------------------------------------


@pytest.fixture
def table(qtbot, calendar: OpenCalendar) -> QTableView:  # type: ignore[no-untyped-def]
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(calendar.model)
    view.setItemDelegate(RecordDelegate(view))
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def open_editor(table: QTableView, row: int, column: int) -> QWidget:
    index = table.model().index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.indexWidget(index) or next(
        w for w in table.viewport().findChildren(QWidget) if w.isVisible() and w.hasFocus()
    )
    return editor


def test_choices_and_references_are_combos_of_their_labels(
    qtbot, table: QTableView, calendar: OpenCalendar
) -> None:  # type: ignore[no-untyped-def]
    christmas = calendar.find("Christmas Day", 2026)
    row = calendar.row(christmas.id)
    kind = open_editor(table, row, KIND)
    assert isinstance(kind, QComboBox)
    assert [kind.itemText(n) for n in range(kind.count())] == [
        "Holiday",
        "Freeze",
        "Blackout",
        "Change window",
    ]
    assert kind.currentText() == "Holiday"
    kind.setCurrentIndex(kind.findData("freeze"))
    kind.activated.emit(kind.currentIndex())  # a pick commits and closes the editor
    qtbot.waitUntil(lambda: not shiboken6.isValid(kind) or not kind.isVisible())
    assert on_file(calendar.path, christmas.id).kind == "freeze"
    applies = open_editor(table, calendar.row(christmas.id), APPLIES_TO)
    assert isinstance(applies, QComboBox)
    assert [applies.itemText(n) for n in range(applies.count())] == [
        "Whole plan",
        "dev",
        "prod",
        "staging",
        "test",
    ]
    assert applies.currentText() == "Whole plan"


def test_dates_are_typed_in_a_date_field_and_text_that_is_no_date_is_kept_out(
    qtbot, table: QTableView, calendar: OpenCalendar, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    christmas = calendar.find("Christmas Day", 2026)
    editor = open_editor(table, calendar.row(christmas.id), TO)
    assert isinstance(editor, DateField)
    assert editor.value() == dt.date(2026, 12, 25)
    editor.setText("the day after")
    table.itemDelegate().setModelData(editor, calendar.model, table.currentIndex())
    assert calendar.stack.count() == 0 and reports == []
    editor.selectAll()
    qtbot.keyClicks(editor, "2026-12-26")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: on_file(calendar.path, christmas.id).end_date == dt.date(2026, 12, 26))
    assert calendar.stack.count() == 1


def test_text_is_typed_in_a_line_edit_as_long_as_the_field_allows(
    table: QTableView, calendar: OpenCalendar
) -> None:
    editor = open_editor(table, 0, NAME)
    assert isinstance(editor, QLineEdit) and not isinstance(editor, DateField)
    assert editor.maxLength() == 200
