"""The work-items table model: model invariants, display, in-place edits through undo."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QUndoStack

from app.plan_data import ItemRow
from app.plan_service import PlanService
from app.store import PlanStore
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
        self.store = PlanStore.open(path)
        self.service = PlanService(self.store)
        self.service.load()
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.service, self.stack, lambda t, m: reports.append((t, m)))
        self.events = PlanEvents(self.service)
        self.model = ItemsTableModel()
        self.events.changed.connect(self.model.apply_change)
        self.release_id = self.service.releases()[1].id
        self.model.set_plan(self.service, self.editor, self.release_id)

    def row(self, key: str) -> int:
        row = self.model.row_of(self.service.find_item(key).id)
        assert row is not None
        return row

    def close(self) -> None:
        self.events.detach()
        self.store.close()


def stored(path: Path, key: str) -> ItemRow:
    """The item as a fresh, read-only reader of the file sees it."""
    with PlanStore.open(path, read_only=True) as store:
        return PlanService(store).find_item(key)


@pytest.fixture
def plan(demo_plan: Path, reports: list[tuple[str, str]]) -> Iterator[OpenPlan]:
    opened = OpenPlan(demo_plan, reports)
    yield opened
    opened.close()


def test_model_passes_the_model_tester(qtmodeltester, plan: OpenPlan) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(plan.model)
    plan.model.set_release(None)  # every release
    assert plan.model.rowCount() == len(plan.service.items())
    qtmodeltester.check(plan.model)


def test_rows_follow_the_outline_with_phases_bold_and_milestones_marked(plan: OpenPlan) -> None:
    model = plan.model
    items = plan.service.items(plan.release_id)
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
    items = plan.service.items(plan.release_id)
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
        == plan.service.find_item("ATL-44").predecessors
    )


def test_a_refused_value_pushes_nothing(plan: OpenPlan, reports: list[tuple[str, str]]) -> None:
    row = plan.row("ATL-47")
    assert not plan.model.setData(plan.model.index(row, Column.KEY), "ATL-48")  # taken
    assert not plan.model.setData(plan.model.index(row, Column.NAME), "   ")
    assert plan.stack.count() == 0
    assert len(reports) == 2


def test_read_only_plans_are_not_editable(demo_plan: Path) -> None:
    with PlanStore.open(demo_plan, read_only=True) as store:
        service = PlanService(store)
        model = ItemsTableModel()
        model.set_plan(service, None, None)
        assert not model.flags(model.index(0, Column.NAME)) & Qt.ItemFlag.ItemIsEditable


def test_negative_slack_is_highlighted() -> None:
    service = _FakeService([_row(1, total_slack=-3, free_slack=0)])
    model = ItemsTableModel()
    model.set_plan(service, None, None)  # type: ignore[arg-type]
    total = model.index(0, Column.TOTAL_SLACK)
    assert total.data() == "-3"
    assert total.data(Qt.ItemDataRole.BackgroundRole).color() == NEGATIVE_BACKGROUND
    assert model.index(0, Column.FREE_SLACK).data(Qt.ItemDataRole.BackgroundRole) is None


def test_a_hundred_thousand_rows_load_and_filter_quickly() -> None:
    rows = [_row(n, key=f"K-{n}", name=f"Task number {n}") for n in range(1, 100_001)]
    service = _FakeService(rows)
    model = ItemsTableModel()
    started = time.perf_counter()
    model.set_plan(service, None, None)  # type: ignore[arg-type]
    for n in range(40):  # what a screenful of rows asks for
        for column in Column:
            model.index(n, column).data()
    shown = time.perf_counter() - started
    assert model.rowCount() == 100_000
    assert shown < 1.5, f"showing 100,000 rows took {shown:.2f}s"
    proxy = ItemsProxyModel(model)
    started = time.perf_counter()
    proxy.set_filter_text("Number 9999")
    filtered = time.perf_counter() - started
    assert proxy.rowCount() == 11  # 9999 and 99990..99999
    assert proxy.index(0, 0).data(ITEM_ID_ROLE) == 9999
    assert filtered < 2.0, f"filtering 100,000 rows took {filtered:.2f}s"
    proxy.set_filter_text("")
    started = time.perf_counter()
    proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    ordered = time.perf_counter() - started
    assert proxy.index(0, Column.NAME).data() == "Task number 100000"  # numbers sort as such
    assert ordered < 3.0, f"sorting 100,000 rows took {ordered:.2f}s"


def test_sorting_keeps_the_selection_and_column_minus_one_restores_the_outline(
    plan: OpenPlan,
) -> None:
    model = plan.model
    outline = [model.index(n, Column.KEY).data() for n in range(model.rowCount())]
    kept = QPersistentModelIndex(model.index(plan.row("ATL-47"), Column.NAME))
    model.sort(Column.START, Qt.SortOrder.DescendingOrder)
    starts = [model.index(n, Column.START).data(SORT_ROLE) for n in range(model.rowCount())]
    assert starts == sorted(starts, reverse=True)
    assert kept.data(ITEM_ID_ROLE) == plan.service.find_item("ATL-47").id
    model.sort(Column.KEY)
    keys = [model.index(n, Column.KEY).data() for n in range(model.rowCount())]
    assert keys == sorted(keys, key=lambda k: int(k.split("-")[1]))  # ATL-9 before ATL-10
    model.sort(-1)
    assert [model.index(n, Column.KEY).data() for n in range(model.rowCount())] == outline


# -- a stand-in service for size tests (the model only reads rows) ------------------------------


_DEFAULTS: dict[str, object] = {
    "release_id": 1,
    "parent_id": None,
    "depth": 0,
    "kind": "task",
    "duration": 3,
    "not_before": None,
    "owner": "Ana",
    "status": "not_started",
    "percent_complete": 0,
    "actual_start": None,
    "actual_finish": None,
    "baseline_start": None,
    "baseline_finish": None,
    "notes": "",
    "predecessors": "",
    "start": dt.date(2026, 1, 5),
    "finish": dt.date(2026, 1, 7),
    "late_start": dt.date(2026, 1, 5),
    "late_finish": dt.date(2026, 1, 7),
    "total_slack": 0,
    "free_slack": 0,
    "critical": True,
    "has_children": False,
}


def _row(item_id: int, **changes: object) -> ItemRow:
    values = {"key": f"T-{item_id}", "name": f"Task {item_id}", **_DEFAULTS, **changes}
    return ItemRow(id=item_id, **values)  # type: ignore[arg-type]


class _FakeStore:
    read_only = True


class _FakeService:
    def __init__(self, rows: list[ItemRow]) -> None:
        self.rows = rows
        self.store = _FakeStore()

    def items(self, release_id: int | None = None) -> list[ItemRow]:
        return self.rows
