"""The work-items table model: model invariants, display, in-place edits through undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QUndoStack

from app.plan import Plan
from app.plan_data import ItemRow
from tests.app.plan_factory import make_flat_plan, make_plan, plan_for
from ui.items_proxy import ItemsProxyModel
from ui.items_table_model import (
    ITEM_ID_ROLE,
    NEGATIVE_BACKGROUND,
    SORT_ROLE,
    Column,
    ItemsTableModel,
)
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui


class OpenPlan:
    """A writable plan with a service, an undo stack and a table model wired together."""

    def __init__(self, path: Path, reports: list[tuple[str, str]]) -> None:
        self.path = path
        self.service = Plan.open(path)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.service, self.stack, lambda t, m: reports.append((t, m)))
        self.events = PlanEvents(self.service)
        self.model = ItemsTableModel()
        self.events.changed.connect(self.model.apply_change)
        self.release_id = self.service.releases.find("Atlas 3.5").id
        self.model.set_plan(self.service, self.editor, self.release_id)

    def row(self, key: str) -> int:
        row = self.model.row_of(self.service.work_items.find(key).id)
        assert row is not None
        return row

    def close(self) -> None:
        self.events.detach()
        self.service.close()


def stored(path: Path, key: str) -> ItemRow:
    """The item as a fresh, read-only reader of the file sees it."""
    plan = Plan.open(path, read_only=True)
    try:
        return plan.work_items.find(key)
    finally:
        plan.close()


@pytest.fixture
def plan(demo_plan: Path, reports: list[tuple[str, str]]) -> Iterator[OpenPlan]:
    opened = OpenPlan(demo_plan, reports)
    yield opened
    opened.close()


def test_model_passes_the_model_tester(qtmodeltester, plan: OpenPlan) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(plan.model)
    plan.model.set_release(None)  # every release
    assert plan.model.rowCount() == len(plan.service.work_items.rows())
    qtmodeltester.check(plan.model)


def test_rows_follow_the_outline_with_phases_bold_and_milestones_marked(plan: OpenPlan) -> None:
    model = plan.model
    items = plan.service.work_items.rows(plan.release_id)
    assert [model.index(n, Column.KEY).data() for n in range(model.rowCount())] == [
        i.key for i in items
    ]
    phase = next(n for n, i in enumerate(items) if i.kind == "phase")
    font = model.index(phase, Column.NAME).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    milestone = next(n for n, i in enumerate(items) if i.kind == "milestone")
    assert not model.index(milestone, Column.NAME).data(Qt.ItemDataRole.DecorationRole).isNull()
    assert model.index(milestone, Column.KIND).data() == "Milestone"
    critical = next(n for n, i in enumerate(items) if i.critical and i.kind != "phase")
    assert model.index(critical, Column.CRITICAL).data() == "Yes"
    assert model.index(critical, Column.NAME).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_only_fitting_cells_are_editable(plan: OpenPlan) -> None:
    items = plan.service.work_items.rows(plan.release_id)
    phase = next(n for n, i in enumerate(items) if i.kind == "phase")
    task = next(n for n, i in enumerate(items) if i.kind == "task")
    editable = Qt.ItemFlag.ItemIsEditable
    assert plan.model.flags(plan.model.index(task, Column.DURATION)) & editable
    assert not plan.model.flags(plan.model.index(phase, Column.DURATION)) & editable
    assert not plan.model.flags(plan.model.index(task, Column.FINISH)) & editable
    assert not plan.model.flags(plan.model.index(task, Column.TOTAL_SLACK)) & editable


def test_editing_a_name_is_undoable_and_written_to_the_file(plan: OpenPlan) -> None:
    row = plan.row("ATL-47")
    index = plan.model.index(row, Column.NAME)
    old = index.data()
    assert plan.model.setData(index, "SAML service provider (v2)")
    assert plan.stack.count() == 1
    assert plan.model.index(row, Column.NAME).data() == "SAML service provider (v2)"
    assert stored(plan.path, "ATL-47").name == "SAML service provider (v2)"
    plan.stack.undo()
    assert plan.model.index(row, Column.NAME).data() == old
    assert stored(plan.path, "ATL-47").name == old
    plan.stack.redo()
    assert stored(plan.path, "ATL-47").name == "SAML service provider (v2)"


def test_a_duration_edit_moves_successors_in_place(qtbot, plan: OpenPlan) -> None:  # type: ignore[no-untyped-def]
    row = plan.row("ATL-47")
    before = plan.model.index(row, Column.FINISH).data()
    with qtbot.waitSignal(plan.model.dataChanged):
        assert plan.model.setData(plan.model.index(row, Column.DURATION), 12)
    assert plan.model.index(row, Column.FINISH).data() != before
    assert stored(plan.path, "ATL-47").duration == 12


def test_start_edits_set_and_clear_the_not_before_date(plan: OpenPlan) -> None:
    row = plan.row("ATL-52")
    index = plan.model.index(row, Column.START)
    assert plan.model.setData(index, dt.date(2026, 12, 7))
    assert stored(plan.path, "ATL-52").not_before == dt.date(2026, 12, 7)
    assert plan.model.index(row, Column.START).data() == "07 Dec 2026"
    assert plan.model.setData(index, None)
    assert stored(plan.path, "ATL-52").not_before is None
    assert plan.stack.count() == 2


def test_a_predecessor_cycle_is_refused_and_the_file_is_unchanged(
    plan: OpenPlan, reports: list[tuple[str, str]]
) -> None:
    before = plan.path.read_bytes()
    row = plan.row("ATL-44")  # "Scope approved", which ATL-47 follows
    assert not plan.model.setData(plan.model.index(row, Column.PREDECESSORS), "ATL-47")
    assert len(reports) == 1
    assert "cycle" in reports[0][1].lower() and "ATL-47" in reports[0][1]
    assert plan.stack.count() == 0
    assert plan.path.read_bytes() == before
    assert (
        plan.model.index(row, Column.PREDECESSORS).data()
        == plan.service.work_items.find("ATL-44").predecessors
    )


def test_a_refused_value_pushes_nothing(plan: OpenPlan, reports: list[tuple[str, str]]) -> None:
    row = plan.row("ATL-47")
    assert not plan.model.setData(plan.model.index(row, Column.KEY), "ATL-48")  # taken
    assert not plan.model.setData(plan.model.index(row, Column.NAME), "   ")
    assert plan.stack.count() == 0
    assert len(reports) == 2


def test_read_only_plans_are_not_editable(demo_plan: Path) -> None:
    service = Plan.open(demo_plan, read_only=True)
    model = ItemsTableModel()
    model.set_plan(service, None, None)
    assert not model.flags(model.index(0, Column.NAME)) & Qt.ItemFlag.ItemIsEditable
    service.close()


def test_negative_slack_is_highlighted(tmp_path: Path) -> None:
    with make_plan(tmp_path / "late.gantry") as store:
        service = plan_for(store)
        a = service.work_items.find("A")
        service.work_items.update(a.id, "duration", 12)  # past the target
        model = ItemsTableModel()
        model.set_plan(service, None, service.releases.find("R1").id)
        row = model.row_of(service.work_items.find("A").id)
        assert row is not None
        total = model.index(row, Column.TOTAL_SLACK)
        assert int(total.data()) < 0
        assert total.data(Qt.ItemDataRole.BackgroundRole).color() == NEGATIVE_BACKGROUND
        on_time = model.row_of(service.work_items.find("C").id)
        assert int(model.index(on_time, Column.TOTAL_SLACK).data()) >= 0
        assert model.index(on_time, Column.TOTAL_SLACK).data(Qt.ItemDataRole.BackgroundRole) is None


def test_thousands_of_rows_filter_and_sort_naturally(tmp_path: Path) -> None:
    """Speed at 100,000 rows is measured in bench/; here: the same paths on a real plan."""
    with make_flat_plan(tmp_path / "big.gantry", 3_000) as store:
        service = plan_for(store)
        model = ItemsTableModel()
        model.set_plan(service, None, service.releases.find("Big").id)
        assert model.rowCount() == 3_000
        proxy = ItemsProxyModel(model)
        proxy.set_filter_text("Number 299")
        assert proxy.rowCount() == 11  # 299 and 2990..2999
        assert proxy.index(0, Column.KEY).data() == "B-299"
        proxy.set_filter_text("")
        proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
        assert proxy.index(0, Column.NAME).data() == "Task number 3000"  # numbers sort as such
        assert proxy.index(1, Column.NAME).data() == "Task number 2999"


def test_sorting_keeps_the_selection_and_column_minus_one_restores_the_outline(
    plan: OpenPlan,
) -> None:
    model = plan.model
    outline = [model.index(n, Column.KEY).data() for n in range(model.rowCount())]
    kept = QPersistentModelIndex(model.index(plan.row("ATL-47"), Column.NAME))
    model.sort(Column.START, Qt.SortOrder.DescendingOrder)
    starts = [model.index(n, Column.START).data(SORT_ROLE) for n in range(model.rowCount())]
    assert starts == sorted(starts, reverse=True)
    assert kept.data(ITEM_ID_ROLE) == plan.service.work_items.find("ATL-47").id
    model.sort(Column.KEY)
    keys = [model.index(n, Column.KEY).data() for n in range(model.rowCount())]
    assert keys == sorted(keys, key=lambda k: int(k.split("-")[1]))  # ATL-9 before ATL-10
    model.sort(-1)
    assert [model.index(n, Column.KEY).data() for n in range(model.rowCount())] == outline
