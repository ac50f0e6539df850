"""The navigator tree: model invariants, lazy fetching, finding items, refresh on changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.plan_data import ItemRow, ReleaseRow
from app.plan_service import PlanChange, PlanService
from app.store import PlanStore
from ui.navigator_model import (
    FETCH_BATCH,
    ITEM,
    NODE_KIND_ROLE,
    RELEASE,
    NavigatorModel,
)

pytestmark = pytest.mark.gui

ROOT = QModelIndex()


@pytest.fixture
def service(demo_plan: Path) -> Iterator[PlanService]:
    with PlanStore.open(demo_plan, read_only=True) as store:
        yield PlanService(store)


def expand_all(model: NavigatorModel, parent: QModelIndex = ROOT) -> int:
    count = 0
    while model.canFetchMore(parent):
        model.fetchMore(parent)
    for row in range(model.rowCount(parent)):
        count += 1 + expand_all(model, model.index(row, 0, parent))
    return count


def test_model_passes_the_model_tester(qtmodeltester, service: PlanService) -> None:  # type: ignore[no-untyped-def]
    model = NavigatorModel()
    model.set_plan(service)
    qtmodeltester.check(model)
    assert expand_all(model) == len(service.releases()) + len(service.items())
    qtmodeltester.check(model)


def test_releases_on_top_then_their_outline(service: PlanService) -> None:
    model = NavigatorModel()
    model.set_plan(service)
    model.fetchMore(ROOT)
    releases = service.releases()
    assert [model.index(n, 0).data() for n in range(model.rowCount())] == [r.name for r in releases]
    first = model.index(0, 0)
    assert first.data(NODE_KIND_ROLE) == RELEASE
    assert model.index(0, 1).data() == releases[0].version
    assert model.hasChildren(first) and model.rowCount(first) == 0  # nothing fetched yet
    model.fetchMore(first)
    top = service.children(releases[0].id, None)
    assert [model.index(n, 1, first).data() for n in range(model.rowCount(first))] == [
        i.key for i in top
    ]
    phase = model.index(0, 0, first)
    assert phase.data(NODE_KIND_ROLE) == ITEM
    assert model.hasChildren(phase)


def test_finding_a_nested_item_fetches_its_ancestors(service: PlanService) -> None:
    model = NavigatorModel()
    model.set_plan(service)
    deep = next(i for i in service.items() if i.depth == 2)
    index = model.index_for_item(deep)
    assert index.isValid()
    assert model.item_at(index) == deep
    assert model.item_at(index.parent()).id == deep.parent_id  # type: ignore[union-attr]
    assert model.release_at(index.parent().parent()).id == deep.release_id  # type: ignore[union-attr]


def test_late_releases_carry_a_badge() -> None:
    model = NavigatorModel()
    model.set_plan(_FakeService(release_late_by=4, children=0))  # type: ignore[arg-type]
    model.fetchMore(ROOT)
    assert model.index(0, 2).data() == "4d late"
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_huge_releases_fetch_their_items_in_batches(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    fake = _FakeService(release_late_by=0, children=100_000)
    model = NavigatorModel()
    model.set_plan(fake)  # type: ignore[arg-type]
    model.fetchMore(ROOT)
    release = model.index(0, 0)
    model.fetchMore(release)
    assert model.rowCount(release) == FETCH_BATCH
    assert model.canFetchMore(release)
    model.fetchMore(release)
    assert model.rowCount(release) == 2 * FETCH_BATCH
    assert fake.item_reads == 0  # rows are read when shown, not when fetched
    qtmodeltester.check(model)


def test_a_rename_updates_in_place_and_a_structural_change_rebuilds(
    qtbot, service: PlanService
) -> None:  # type: ignore[no-untyped-def]
    model = NavigatorModel()
    model.set_plan(service)
    item = service.items()[0]
    index = model.index_for_item(item)
    with qtbot.waitSignal(model.dataChanged):
        model.apply_change(PlanChange(frozenset(), frozenset({item.id}), False))
    assert index.isValid()
    with qtbot.waitSignal(model.modelReset):
        model.apply_change(PlanChange(frozenset(), frozenset(), True))
    assert model.rowCount() == 0  # nodes are fetched again on demand
    model.fetchMore(ROOT)
    assert model.rowCount() == len(service.releases())


class _FakeService:
    """One release with many flat items; counts how many rows were read."""

    def __init__(self, release_late_by: int, children: int) -> None:
        self.release_row = ReleaseRow(
            id=1,
            name="Big",
            version="9.0",
            status="in_progress",
            owner="",
            start_date=None,
            feature_freeze=None,
            code_freeze=None,
            target_date=None,
            actual_date=None,
            item_count=children,
            finish=None,
            late_by=release_late_by,
        )
        self.ids = list(range(1, children + 1))
        self.item_reads = 0

    def releases(self) -> list[ReleaseRow]:
        return [self.release_row]

    def release(self, release_id: int) -> ReleaseRow:
        return self.release_row

    def children(self, release_id: int, parent_id: int | None) -> list[ItemRow]:
        return [_Id(i) for i in self.ids] if parent_id is None else []  # type: ignore[misc]

    def item(self, item_id: int) -> ItemRow:
        self.item_reads += 1
        return ItemRow(
            id=item_id,
            release_id=1,
            parent_id=None,
            depth=0,
            kind="task",
            key=f"B-{item_id}",
            name=f"Item {item_id}",
            duration=1,
            not_before=None,
            owner="",
            status="not_started",
            percent_complete=0,
            actual_start=None,
            actual_finish=None,
            baseline_start=None,
            baseline_finish=None,
            notes="",
            predecessors="",
            start=dt.date(2026, 1, 5),
            finish=dt.date(2026, 1, 5),
            late_start=None,
            late_finish=None,
            total_slack=0,
            free_slack=0,
            critical=False,
            has_children=False,
        )


class _Id:
    __slots__ = ("id",)

    def __init__(self, item_id: int) -> None:
        self.id = item_id
