"""The demo's patch train over the next quarter and its scope exception after the freeze."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo import build_demo
from app.plan import Plan
from app.store import PlanStore
from tests.fixed_dates import DEMO_TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plan]:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    plan = Plan.open(path, read_only=True)
    yield plan
    plan.close()


def test_the_patch_train_covers_the_next_quarter_without_collisions(demo: Plan) -> None:
    (train,) = demo.trains.rows()
    assert (train.name, train.cadence.label) == ("Atlas", "every 6 weeks")
    releases = [demo.releases.row(r) for r in train.release_ids]
    assert [(r.name, r.target_date) for r in releases] == [
        ("Atlas 3.5.1", dt.date(2026, 12, 8)),
        ("Atlas 3.5.2", dt.date(2027, 1, 19)),
        ("Atlas 3.5.3", dt.date(2027, 3, 2)),
    ]
    assert demo.train.snapshot().collisions == ()
    for release in releases:
        assert release.feature_freeze is not None and release.feature_freeze > DEMO_TODAY
        assert [i.name for i in demo.work_items.rows(release.id)] == ["Go/no-go"]
        assert [c.kind for c in demo.checklists.checklists(release.id)] == ["go_no_go"]


def test_the_in_flight_release_shows_its_scope_exception(demo: Plan) -> None:
    in_flight = demo.releases.find("Atlas 3.5")
    assert in_flight.feature_freeze is not None and in_flight.feature_freeze < DEMO_TODAY
    report = demo.scope.report(in_flight.id, DEMO_TODAY)
    assert [(c.kind, c.name, c.old_duration, c.new_duration, c.change) for c in report.changes] == [
        ("grown", "Admin roles and permissions", 3, 5, "CHG-2066")
    ]
    assert ("CHG-2066", "Read-only auditor role for the SSO pilot customers") in (
        demo.scope.approved_changes(in_flight.id)
    )
    # Grown within its slack: the release still ends on its target.
    assert in_flight.finish == in_flight.target_date
    assert demo.verify_audit().ok


def test_opening_the_demo_writes_nothing(tmp_path: Path) -> None:
    """The dates stored for what the train and the exception added are the scheduler's."""
    path = tmp_path / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    written = path.read_bytes()
    Plan.open(path).close()
    assert path.read_bytes() == written
