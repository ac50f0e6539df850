"""The Environments tab on the demo plan: deployments added and edited as undo steps, the
DATETIME field typed in the form and the table, the promotion warning, the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QSpinBox

from app.environment_timeline import BandState
from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import Reports
from ui.date_edit import DateTimeField
from ui.environments_view import EnvironmentsView
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui

NOW = dt.datetime.combine(DEMO_TODAY, dt.time(10, 30))


class Tab:
    """The tab on a demo plan file, with its undo stack."""

    def __init__(self, qtbot, path: Path, reports: Reports) -> None:  # type: ignore[no-untyped-def]
        self.plan = Plan.open(path)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.view = EnvironmentsView(today=lambda: DEMO_TODAY, now=lambda: NOW)
        qtbot.addWidget(self.view)
        self.view.resize(1400, 900)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.view.set_plan(self.plan, self.editor, self.events)

    def env(self, name: str) -> int:
        return next(e.id for e in self.plan.environments.rows() if e.name == name)

    def release(self, name: str) -> int:
        return next(i for i, r in self.plan.state.releases.items() if r.name == name)

    def close(self) -> None:
        self.view.set_plan(None, None, None)
        self.events.detach()
        self.plan.close()


@pytest.fixture
def tab(qtbot, demo_plan: Path, reports: Reports) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    opened = Tab(qtbot, demo_plan, reports)
    yield opened
    opened.close()


def test_a_deployment_is_added_its_outcome_edited_and_each_undone(
    tab: Tab, reports: Reports
) -> None:
    view, service = tab.view, tab.plan.deployments
    before = len(service.rows())
    staging = tab.env("staging")
    view.environments.select_record(staging)
    added = view.deployments.add_record()
    assert added is not None and len(service.rows()) == before + 1
    row = service.row(added)
    # Tonight's window, in the selected environment.
    assert (row.environment_id, row.window_start, row.outcome) == (
        staging,
        dt.datetime.combine(DEMO_TODAY, dt.time(19)),
        "planned",
    )
    view.deployments.table.closePersistentEditor(view.deployments.table.currentIndex())
    assert view.deployments.current_record_id() == added
    outcome = view.deployments.model.column_of("outcome")
    assert outcome is not None
    index = view.deployments.table.currentIndex().siblingAtColumn(outcome)
    assert view.deployments.proxy.setData(index, "rolled_back")
    assert service.row(added).outcome == "rolled_back"
    assert index.data() == "Rolled back"
    lane = tab.view.timeline.lanes[tab.view.timeline.lane_of(added) or 0]  # type: ignore[union-attr]
    assert any(b.deployment_id == added and b.state is BandState.ROLLED_BACK for b in lane.bands)
    assert tab.stack.undoText() == "Edit outcome of 2026-11-30 19:00"
    tab.stack.undo()
    assert service.row(added).outcome == "planned"
    tab.stack.undo()
    assert len(service.rows()) == before
    tab.stack.redo()
    assert service.row(added).outcome == "planned"
    assert view.deployments.select_record(added) and view.deployments.delete_selected()
    assert tab.stack.undoText() == "Delete deployment 2026-11-30 19:00"
    assert len(service.rows()) == before
    tab.stack.undo()
    assert service.row(added).window_start == dt.datetime.combine(DEMO_TODAY, dt.time(19))
    assert tab.plan.verify_audit().ok
    assert reports == []


def test_times_are_typed_in_the_form_and_the_table_and_sort_by_value(tab: Tab) -> None:
    view, service = tab.view, tab.plan.deployments
    # The plan's own first deployment (the shipped history before it is older).
    first = next(r.id for r in service.rows() if r.notes.startswith("Sprint 1 build of 3.4"))
    assert view.deployments.select_record(first)
    editor = view.deployments.form.editor("actual_start")
    assert isinstance(editor, DateTimeField)
    editor.setFocus()
    editor.selectAll()
    editor.insert("2026-09-15 10:02")
    editor.editingFinished.emit()
    assert service.row(first).actual_start == dt.datetime(2026, 9, 15, 10, 2)
    assert editor.text() == "15 Sep 2026 10:02"
    # Half-typed text is marked and never reaches the plan.
    editor.selectAll()
    editor.insert("2026-09-15 25:00")
    editor.editingFinished.emit()
    assert editor.mark_if_invalid()
    assert service.row(first).actual_start == dt.datetime(2026, 9, 15, 10, 2)
    assert tab.plan.deployments.row(first).duration_minutes == 15  # to the actual end, 10:17
    # A calendar pick changes the day and keeps the time of day.
    editor.setValue(service.row(first).actual_start)
    editor.calendar.clicked.emit(QDate(2026, 9, 14))
    assert service.row(first).actual_start == dt.datetime(2026, 9, 14, 10, 2)
    tab.stack.undo()
    assert service.row(first).actual_start == dt.datetime(2026, 9, 15, 10, 2)

    # In the table: the cell's editor is the same field; the column sorts by time.
    table, model = view.deployments.table, view.deployments.model
    column = model.column_of("window_start")
    assert column is not None
    index = table.currentIndex().siblingAtColumn(column)
    table.edit(index)
    cell = QApplication.focusWidget()
    assert isinstance(cell, DateTimeField)
    cell.setText("2026-09-14 08:30")
    table.commitData(cell)
    table.closeEditor(cell, view.deployments.table.itemDelegate().EndEditHint.NoHint)
    assert service.row(first).window_start == dt.datetime(2026, 9, 14, 8, 30)
    table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [service.row(model.id_at(r)).window_start for r in range(model.rowCount(QModelIndex()))]
    assert shown == sorted(shown, reverse=True) and dt.datetime(2026, 9, 14, 8, 30) in shown


def test_a_production_deployment_before_staging_shows_the_promotion_warning(tab: Tab) -> None:
    view = tab.view
    release = tab.release("Atlas 3.6")
    early = dt.datetime(2026, 12, 3, 19, 0)
    added = view.deployments.add_record(
        {
            "release_id": release,
            "environment_id": tab.env("prod"),
            "window_start": early,
            "window_end": early + dt.timedelta(hours=3),
        }
    )
    assert added is not None
    view.deployments.table.closePersistentEditor(view.deployments.table.currentIndex())
    assert not view.promotion_warning.isHidden()
    assert view.promotion_warning.text() == (
        "⚠ Atlas 3.6 goes to prod on 2026-12-03 19:00 but it has no staging deployment before "
        "it: the plan asks for a success in staging first (Plan Settings › Deployments)."
    )
    # The demo's own production deployments keep to the rule.
    for row in tab.plan.deployments.rows():
        if row.id != added:
            assert view.promotion_warnings(row.id) == []
    tab.editor.set_field(tab.plan.settings, 0, "promotion_gate", "none")
    assert view.promotion_warning.isHidden()
    tab.stack.undo()
    assert not view.promotion_warning.isHidden()


def test_the_timeline_shows_lanes_in_promotion_order_and_a_click_selects(qtbot, tab: Tab) -> None:  # type: ignore[no-untyped-def]
    view = tab.view
    timeline = view.timeline
    assert timeline is not None
    assert [lane.name for lane in timeline.lanes] == ["dev", "test", "staging", "prod"]
    prod = timeline.lanes[3]
    live = prod.live_at(NOW)
    assert live is not None and (live.label, live.state) == ("3.4.0", BandState.LIVE)
    staging_failed = next(b for b in timeline.lanes[2].bars if b.outcome == "failed")
    assert staging_failed.incident == "INC-2291"
    chart = view.chart
    chart.zoom_to_fit()
    for _ in range(4):  # fitted, a year of history leaves a dry run a pixel or two wide
        chart.zoom_in()
    chart.go_to(staging_failed.start.date())
    point = chart.bar_point(staging_failed.deployment_id)
    assert "INC-2291" in chart.tip_at(point)
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.deployments.current_record_id() == staging_failed.deployment_id
    assert chart.selected == staging_failed.deployment_id
    # The environment's own windows are a click away, in the Windows & holidays tab.
    view.environments.select_record(tab.env("prod"))
    with qtbot.waitSignal(view.windows_wanted) as wanted:
        view.windows_action.trigger()
    assert wanted.args == ["prod"]


def test_the_main_window_has_the_tab_and_shows_an_environments_windows(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    tabs = window.tabs
    assert tabs.tabText(tabs.count() - 3) == "Environments"  # before Components, Dashboard
    assert tabs.widget(tabs.count() - 3) is window.environments_view
    window.tabs.setCurrentWidget(window.environments_view)
    view = window.environments_view
    assert view.environments.model.rowCount() == 4
    view.environments.select_record(
        next(e.id for e in window.plan.environments.rows() if e.name == "prod")  # type: ignore[union-attr]
    )
    view.windows_action.trigger()
    assert tabs.currentWidget() is window.calendar_view
    assert window.calendar_view.filter_box.text() == "prod"


def test_an_empty_time_to_restore_stays_empty_until_one_is_typed(tab: Tab) -> None:
    view, service = tab.view, tab.plan.deployments
    first = service.rows()[0].id
    assert view.deployments.select_record(first)
    spin = view.deployments.form.editor("restore_minutes")
    assert isinstance(spin, QSpinBox)
    assert spin.text() == "not recorded"
    undo_steps = tab.stack.count()
    spin.editingFinished.emit()  # leaving the field untouched changes nothing
    assert service.row(first).restore_minutes is None and tab.stack.count() == undo_steps
    spin.setValue(45)
    spin.editingFinished.emit()
    assert service.row(first).restore_minutes == 45
    assert spin.text() == "45 min"
    spin.setValue(spin.minimum())
    spin.editingFinished.emit()
    assert service.row(first).restore_minutes is None
