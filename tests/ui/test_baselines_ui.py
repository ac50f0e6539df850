"""Baselines in the window: set, rename and delete as undo steps, the one compared with, the
Variance column and the Baselines dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from app.plan import Plan
from tests.app.plan_factory import make_plan
from tests.ui.conftest import OpenIn, Reports
from tests.ui.popups import POPUP
from ui.baseline_choice import BaselineChoice
from ui.baselines_dialog import BaselineColumn, BaselineNameDialog, BaselinesDialog
from ui.items_table_model import SORT_ROLE, Column, ItemsTableModel
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui


class Wired:
    """A writable plan, its undo stack and editor, a baseline choice and the items model."""

    def __init__(self, path: Path, reports: Reports) -> None:
        self.plan = Plan.open(path)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.choice = BaselineChoice()
        self.choice.set_source(self.plan.baselines)
        self.model = ItemsTableModel()
        self.model.set_baseline_choice(self.choice)
        # As the window does it: the choice first, then the views.
        self.events.changed.connect(self.choice.apply_change)
        self.events.changed.connect(self.model.apply_change)
        self.release_id = self.plan.releases.rows()[0].id
        self.model.set_plan(self.plan, self.editor, self.release_id)

    def cell(self, key: str, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.model.row_of(self.plan.work_items.find(key).id)
        assert row is not None
        return self.model.index(row, column).data(role)

    def close(self) -> None:
        self.events.detach()
        self.plan.close()


@pytest.fixture
def small(tmp_path: Path, reports: Reports) -> Iterator[Wired]:
    """R1 of tests/app/plan_factory: A(3d) -> B(2d) -> M; Fri 9 Jan 2026 is a holiday."""
    make_plan(tmp_path / "small.gantry").close()
    wired = Wired(tmp_path / "small.gantry", reports)
    yield wired
    wired.close()


def _on_file(path: Path, release_id: int) -> list[str]:
    reader = Plan.open(path, read_only=True)
    try:
        return [b.name for b in reader.baselines.rows(release_id)]
    finally:
        reader.close()


def test_set_rename_and_delete_are_one_undo_step_each(small: Wired, reports: Reports) -> None:
    plan, editor, stack = small.plan, small.editor, small.stack
    release = small.release_id
    baseline_id = editor.set_baseline(release, "Plan of record")
    assert baseline_id is not None
    dates = dict(plan.baselines.dates(baseline_id))
    assert stack.undoText() == "Set baseline “Plan of record” of R1"
    stack.undo()
    assert _on_file(plan.path, release) == []
    # Redo puts back the dates first taken, not the schedule of the moment of the redo.
    plan.work_items.update(plan.work_items.find("A").id, "duration", 5)
    stack.redo()
    assert plan.baselines.dates(baseline_id) == dates
    assert _on_file(plan.path, release) == ["Plan of record"]

    assert editor.rename_baseline(baseline_id, "Re-plan after CAB")
    assert stack.undoText() == "Rename baseline “Plan of record” to “Re-plan after CAB”"
    assert _on_file(plan.path, release) == ["Re-plan after CAB"]
    stack.undo()
    assert plan.baselines.label(baseline_id) == "Plan of record"
    stack.redo()

    assert editor.delete_baseline(baseline_id)
    assert _on_file(plan.path, release) == []
    stack.undo()
    assert plan.baselines.row(baseline_id).name == "Re-plan after CAB"
    assert plan.baselines.dates(baseline_id) == dates
    assert stack.count() == 3 and reports == []
    assert plan.verify_audit().ok


def test_a_refused_baseline_pushes_nothing_and_is_reported(small: Wired, reports: Reports) -> None:
    assert small.editor.set_baseline(small.release_id, "Plan of record") is not None
    assert small.editor.set_baseline(small.release_id, "plan of record") is None
    assert small.stack.count() == 1
    assert reports == [("Cannot set baseline", "R1 already has a baseline named 'plan of record'")]


def test_the_variance_column_follows_an_edit_made_through_the_editor(small: Wired) -> None:
    assert small.cell("B", Column.VARIANCE) == ""  # no baseline yet
    baseline_id = small.editor.set_baseline(small.release_id, "Plan of record")
    assert baseline_id is not None
    assert small.choice.shown(small.release_id) == baseline_id  # the newest is shown
    assert small.cell("B", Column.VARIANCE) == "0"
    assert small.cell("B", Column.BASELINE_FINISH) == "12 Jan 2026"

    # A grows by two days, across the holiday and a weekend: B finishes 2 working days later.
    assert small.editor.set_item_field(small.plan.work_items.find("A").id, "duration", 5)
    assert small.cell("B", Column.VARIANCE) == "+2"
    assert small.cell("B", Column.VARIANCE, Qt.ItemDataRole.ForegroundRole) is not None
    assert small.cell("B", Column.VARIANCE, SORT_ROLE) == 2
    assert small.cell("B", Column.VARIANCE, Qt.ItemDataRole.ToolTipRole) == (
        "Finishes 2 working days later than in the baseline “Plan of record” (12 Jan 2026)"
    )
    assert small.cell("B", Column.BASELINE_FINISH) == "12 Jan 2026"  # the baseline's, unmoved
    small.stack.undo()
    assert small.cell("B", Column.VARIANCE) == "0"
    assert small.cell("B", Column.VARIANCE, Qt.ItemDataRole.ForegroundRole) is None

    small.choice.choose(small.release_id, None)
    assert small.cell("B", Column.VARIANCE) == ""
    assert small.cell("B", Column.BASELINE_START) == ""


def test_the_model_with_baseline_columns_passes_the_model_tester(  # type: ignore[no-untyped-def]
    qtmodeltester, small: Wired
) -> None:
    small.editor.set_baseline(small.release_id, "Plan of record")
    added = small.plan.work_items.create(small.release_id, "task", "Added since")
    qtmodeltester.check(small.model)
    small.model.sort(Column.VARIANCE)
    last = small.model.rowCount() - 1
    assert small.model.id_at(last) == added  # not in the baseline: sorted after the rest
    assert small.model.index(last, Column.VARIANCE).data() == ""
    qtmodeltester.check(small.model)


def test_set_baseline_from_the_menu_names_it_shows_it_and_undo_removes_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    release = window.items_view.release_id
    assert release is not None
    box = window.items_view.baseline_box
    assert [box.itemText(n) for n in range(box.count())] == [
        "None",
        "Plan of record",
        "Initial estimate",
    ]
    assert box.currentText() == "Plan of record"  # the newest
    assert window.menu_actions.set_baseline.isEnabled()

    window.menu_actions.set_baseline.trigger()
    dialog = window.findChild(BaselineNameDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.value() == "Baseline 3"
    dialog.name.setText("Plan of record")
    dialog.ok_button.click()
    assert dialog.isVisible()  # refused inside the dialog, which keeps what was typed
    assert dialog.problems.text().endswith("already has a baseline named 'Plan of record'")
    dialog.name.setText("Re-plan after CAB")
    dialog.ok_button.click()
    assert not dialog.isVisible()

    new = window.baseline_choice.shown(release)
    assert new is not None and plan.baselines.label(new) == "Re-plan after CAB"
    assert box.currentText() == "Re-plan after CAB"
    assert window.undo_stack.undoText().startswith("Set baseline “Re-plan after CAB”")
    window.undo_stack.undo()
    assert [b.name for b in plan.baselines.rows(release)] == ["Initial estimate", "Plan of record"]
    assert box.currentText() == "Plan of record"  # the chosen one is gone: the newest again


@POPUP  # showing the dialog raises it, which the offscreen platform cannot do (and says so)
def test_the_baselines_dialog_chooses_renames_and_deletes(  # type: ignore[no-untyped-def]
    qtbot, qtmodeltester, window: MainWindow, demo_plan: Path, open_in: OpenIn, reports: Reports
) -> None:
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    release = window.items_view.release_id
    assert release is not None
    estimate, of_record = plan.baselines.rows(release)
    window.menu_actions.baselines.trigger()
    dialog = window.findChild(BaselinesDialog)
    assert dialog is not None and dialog.isVisible()
    model = dialog.model
    qtmodeltester.check(model)
    assert [model.index(n, BaselineColumn.NAME).data() for n in range(2)] == [
        "Initial estimate",
        "Plan of record",
    ]
    assert model.index(1, BaselineColumn.ITEMS).data() == f"{of_record.item_count:,}"
    checked = Qt.CheckState.Checked
    assert model.index(1, BaselineColumn.SHOWN).data(Qt.ItemDataRole.CheckStateRole) == checked

    # Shown: the table and the properties compare with the first estimate from now on.
    assert model.setData(
        model.index(0, BaselineColumn.SHOWN), checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert window.baseline_choice.shown(release) == estimate.id
    assert window.items_view.baseline_box.currentText() == "Initial estimate"
    freeze = plan.work_items.find("ATL-61")  # Feature freeze
    assert window.select_item(freeze.id)
    assert window.properties.item_form.shown("baseline").endswith("in “Initial estimate”")
    assert "than in the baseline “Initial estimate”" in window.properties.item_form.shown(
        "variance"
    )

    # Rename in place: one undo step; a name taken is refused inside the dialog.
    assert model.setData(model.index(0, BaselineColumn.NAME), "Kick-off estimate")
    assert plan.baselines.label(estimate.id) == "Kick-off estimate"
    assert window.undo_stack.undoText() == (
        "Rename baseline “Initial estimate” to “Kick-off estimate”"
    )
    assert not model.setData(model.index(0, BaselineColumn.NAME), "Plan of record")
    assert dialog.problem.isVisible() and "already has a baseline" in dialog.problem.text()

    # Delete the shown one: the newest is shown again; undo puts it back with its dates.
    dates = dict(plan.baselines.dates(estimate.id))
    assert dialog.select(estimate.id)
    assert dialog.delete_selected()
    assert [model.index(n, BaselineColumn.NAME).data() for n in range(model.rowCount())] == [
        "Plan of record"
    ]
    assert window.baseline_choice.shown(release) == of_record.id
    window.undo_stack.undo()
    assert model.rowCount() == 2
    assert plan.baselines.dates(estimate.id) == dates
    qtmodeltester.check(model)
    assert reports == []


def test_the_calendar_tab_draws_the_baseline_shown_for_each_items_release(  # type: ignore[no-untyped-def]
    window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    in_flight = plan.releases.find("Atlas 3.5").id
    estimate, of_record = plan.baselines.rows(in_flight)
    freeze = plan.work_items.find("ATL-61").id  # an item of the release in flight
    # A shipped release without baselines.
    shipped = plan.work_items.rows(plan.releases.find("Atlas 3.4").id)[0].id
    drawn = window.gantt.chart.baseline
    assert drawn is not None
    assert drawn(freeze) == plan.baselines.item_dates(of_record.id, freeze)
    assert drawn(shipped) is None

    window.baseline_choice.choose(in_flight, estimate.id)
    drawn = window.gantt.chart.baseline
    assert drawn is not None and drawn(freeze) == plan.baselines.item_dates(estimate.id, freeze)
    window.baseline_choice.choose(in_flight, None)
    assert window.gantt.chart.baseline is not None and window.gantt.chart.baseline(freeze) is None
