"""The navigator tree: model invariants, lazy fetching, finding items, refresh on changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.plan import Plan
from app.unit_of_work import notice_of
from tests.app.plan_factory import make_flat_plan, make_plan, plan_for
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
def service(demo_plan: Path) -> Iterator[Plan]:
    plan = Plan.open(demo_plan, read_only=True)
    yield plan
    plan.close()


def expand_all(model: NavigatorModel, parent: QModelIndex = ROOT) -> int:
    count = 0
    while model.canFetchMore(parent):
        model.fetchMore(parent)
    for row in range(model.rowCount(parent)):
        count += 1 + expand_all(model, model.index(row, 0, parent))
    return count


def test_model_passes_the_model_tester(qtmodeltester, service: Plan) -> None:  # type: ignore[no-untyped-def]
    model = NavigatorModel()
    model.set_plan(service)
    qtmodeltester.check(model)
    assert expand_all(model) == len(service.releases.rows()) + len(service.work_items.rows())
    qtmodeltester.check(model)


def test_releases_on_top_then_their_outline(service: Plan) -> None:
    model = NavigatorModel()
    model.set_plan(service)
    model.fetchMore(ROOT)
    releases = service.releases.rows()
    assert [model.index(n, 0).data() for n in range(model.rowCount())] == [r.name for r in releases]
    # The shipped history before the plan's own releases has no work items on record.
    assert not model.hasChildren(model.index(0, 0))
    n = next(n for n, r in enumerate(releases) if r.item_count)
    first = model.index(n, 0)
    assert first.data(NODE_KIND_ROLE) == RELEASE
    assert model.index(n, 1).data() == releases[n].version
    assert model.hasChildren(first) and model.rowCount(first) == 0  # nothing fetched yet
    model.fetchMore(first)
    top = service.work_items.children(releases[n].id, None)
    assert [model.index(n, 1, first).data() for n in range(model.rowCount(first))] == [
        i.key for i in top
    ]
    phase = model.index(0, 0, first)
    assert phase.data(NODE_KIND_ROLE) == ITEM
    assert model.hasChildren(phase)


def test_finding_a_nested_item_fetches_its_ancestors(service: Plan) -> None:
    model = NavigatorModel()
    model.set_plan(service)
    deep = next(i for i in service.work_items.rows() if i.depth == 2)
    index = model.index_for_item(deep)
    assert index.isValid()
    assert model.item_at(index) == deep
    assert model.item_at(index.parent()).id == deep.parent_id  # type: ignore[union-attr]
    assert model.release_at(index.parent().parent()).id == deep.release_id  # type: ignore[union-attr]


def test_late_releases_carry_a_badge(tmp_path: Path) -> None:
    with make_plan(tmp_path / "late.gantry") as store:
        service = plan_for(store)
        a = service.work_items.find("A")
        service.work_items.update(a.id, "duration", 12)  # past the target
        late_by = service.releases.find("R1").late_by
        assert late_by > 0
        model = NavigatorModel()
        model.set_plan(service)
        model.fetchMore(ROOT)
        assert model.index(0, 2).data() == f"{late_by}d late"
        assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_big_releases_fetch_their_items_in_batches(qtmodeltester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with make_flat_plan(tmp_path / "big.gantry", 2 * FETCH_BATCH + 7) as store:
        model = NavigatorModel()
        model.set_plan(plan_for(store))
        model.fetchMore(ROOT)
        release = model.index(0, 0)
        model.fetchMore(release)
        assert model.rowCount(release) == FETCH_BATCH
        assert model.canFetchMore(release)
        model.fetchMore(release)
        assert model.rowCount(release) == 2 * FETCH_BATCH
        model.fetchMore(release)
        assert model.rowCount(release) == 2 * FETCH_BATCH + 7
        assert not model.canFetchMore(release)
        qtmodeltester.check(model)


def test_a_rename_updates_in_place_and_a_structural_change_rebuilds(qtbot, service: Plan) -> None:  # type: ignore[no-untyped-def]
    model = NavigatorModel()
    model.set_plan(service)
    item = service.work_items.rows()[0]
    index = model.index_for_item(item)
    with qtbot.waitSignal(model.dataChanged):
        model.apply_change(notice_of([("update", "work_items", item.id)]))
    assert index.isValid()
    with qtbot.waitSignal(model.modelReset):
        model.apply_change(notice_of([("create", "work_items", 10_000)]))
    assert model.rowCount() == 0  # nodes are fetched again on demand
    model.fetchMore(ROOT)
    assert model.rowCount() == len(service.releases.rows())
