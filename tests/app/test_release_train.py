"""Collisions on the release train, and the train read from a real plan (the demo's)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo import build_demo
from app.plan import Plan
from app.plan_data import ReleaseRow
from app.release_train import (
    Collision,
    CollisionKind,
    TrainDeployment,
    TrainEnvironment,
    TrainWindow,
    collisions,
)
from app.scheduling.calendar import WorkCalendar
from app.store import PlanStore
from tests.fixed_dates import DEMO_TODAY

D = dt.date
CAL = WorkCalendar([D(2027, 1, 1)])  # Mon-Fri, New Year's Day off
PROD = TrainEnvironment(4, "prod", "production")
STAGING = TrainEnvironment(3, "staging", "staging")
YEAR_END = TrainWindow(1, "freeze", "Year-end freeze", D(2026, 12, 18), D(2027, 1, 3), None)
PROD_CLOSE = TrainWindow(2, "blackout", "Q1 close", D(2027, 3, 29), D(2027, 4, 2), PROD)
STAGING_OUTAGE = TrainWindow(
    3, "blackout", "Staging rebuild", D(2027, 2, 1), D(2027, 2, 5), STAGING
)
PROD_CHANGE = TrainWindow(4, "change_window", "Prod change", D(2026, 12, 22), D(2026, 12, 22), PROD)


def release(
    release_id: int,
    name: str,
    *,
    code_freeze: dt.date | None = None,
    target: dt.date | None = None,
    finish: dt.date | None = None,
    actual: dt.date | None = None,
    late_by: int = 0,
) -> ReleaseRow:
    return ReleaseRow(
        id=release_id,
        name=name,
        version="",
        status="shipped" if actual else "planned",
        owner="",
        start_date=D(2026, 11, 2),
        feature_freeze=None,
        code_freeze=code_freeze,
        target_date=target,
        actual_date=actual,
        description="",
        item_count=0,
        finish=finish or target,
        late_by=late_by,
    )


def deployment(
    release_id: int, env: TrainEnvironment, day: dt.date, outcome: str = "planned"
) -> TrainDeployment:
    start = dt.datetime.combine(day, dt.time(19))
    return TrainDeployment(1, release_id, env, start, start + dt.timedelta(hours=3), outcome, False)


def kinds(found: list[Collision]) -> list[CollisionKind]:
    return [c.kind for c in found]


def test_a_target_inside_a_plan_wide_freeze_is_named_with_the_window_and_dates() -> None:
    found = collisions([release(1, "Atlas 3.5", target=D(2026, 12, 28))], [YEAR_END], [], CAL)
    assert found == [
        Collision(
            CollisionKind.GO_LIVE_IN_WINDOW,
            "Atlas 3.5's target 2026-12-28 falls inside Year-end freeze (2026-12-18 to "
            "2027-01-03).",
            ((1, D(2026, 12, 28)),),
        )
    ]


def test_a_target_on_the_first_day_after_a_freeze_is_clear() -> None:
    assert collisions([release(1, "R", target=D(2027, 1, 4))], [YEAR_END], [], CAL) == []


def test_a_production_blackout_stops_go_lives_but_not_code_freezes() -> None:
    r = release(1, "R", code_freeze=D(2027, 3, 30), target=D(2027, 3, 31))
    found = collisions([r], [PROD_CLOSE], [], CAL)
    assert kinds(found) == [CollisionKind.GO_LIVE_IN_WINDOW]
    assert "Q1 close on prod (2027-03-29 to 2027-04-02)" in found[0].message


def test_a_pre_production_blackout_stops_code_freezes_but_not_go_lives() -> None:
    r = release(1, "R", code_freeze=D(2027, 2, 3), target=D(2027, 2, 4))
    found = collisions([r], [STAGING_OUTAGE], [], CAL)
    assert kinds(found) == [CollisionKind.CODE_FREEZE_IN_WINDOW]
    assert found[0].message.startswith("R's code freeze 2027-02-03 falls inside Staging rebuild")


def test_a_late_release_says_by_how_much_and_a_forecast_finish_in_a_freeze_too() -> None:
    r = release(1, "R", target=D(2026, 12, 16), finish=D(2026, 12, 21), late_by=3)
    found = collisions([r], [YEAR_END], [], CAL)
    assert [(c.kind, c.day) for c in found] == [
        (CollisionKind.GO_LIVE_IN_WINDOW, D(2026, 12, 21)),
        (CollisionKind.LATE, D(2026, 12, 21)),
    ]
    assert found[0].message == (
        "R is forecast to finish on 2026-12-21, inside Year-end freeze (2026-12-18 to 2027-01-03)."
    )
    assert found[1].message == (
        "R is forecast to finish on 2026-12-21, 3 working days after its target 2026-12-16."
    )


def test_a_planned_deployment_in_a_window_of_its_environment_collides() -> None:
    r = release(1, "R", target=D(2027, 4, 9))
    found = collisions(
        [r],
        [PROD_CLOSE, STAGING_OUTAGE, PROD_CHANGE],
        [
            deployment(1, PROD, D(2027, 3, 30)),
            deployment(1, STAGING, D(2027, 3, 30)),  # the prod blackout leaves staging alone
            deployment(1, PROD, D(2027, 2, 2)),  # and the staging one leaves prod alone
        ],
        CAL,
    )
    assert [c.message for c in found] == [
        "R's deployment to prod on 2027-03-30 19:00 falls inside Q1 close on prod "
        "(2027-03-29 to 2027-04-02)."
    ]


def test_history_is_not_a_collision() -> None:
    shipped = release(1, "Old", target=D(2026, 12, 21), actual=D(2026, 12, 22), late_by=1)
    done = deployment(2, PROD, D(2026, 12, 21), outcome="succeeded")
    assert collisions([shipped], [YEAR_END], [done], CAL) == []


def test_go_lives_inside_each_others_hypercare_collide_on_both_lanes() -> None:
    a = release(1, "A", target=D(2027, 2, 15))
    b = release(2, "B", target=D(2027, 2, 18))
    c = release(3, "C", target=D(2027, 2, 22))  # five working days after A: clear of it
    found = collisions([a, b, c], [], [], CAL)
    assert [(c.message, c.spots) for c in found] == [
        (
            "B goes live on 2027-02-18, 3 working days after A (2027-02-15): inside its "
            "5 working days of hypercare.",
            ((1, D(2027, 2, 15)), (2, D(2027, 2, 18))),
        ),
        (
            "C goes live on 2027-02-22, 2 working days after B (2027-02-18): inside its "
            "5 working days of hypercare.",
            ((2, D(2027, 2, 18)), (3, D(2027, 2, 22))),
        ),
    ]


def test_go_lives_on_the_same_day() -> None:
    a, b = release(1, "A", target=D(2027, 2, 15)), release(2, "B", target=D(2027, 2, 15))
    assert [c.message for c in collisions([a, b], [], [], CAL)] == [
        "A and B both go live on 2027-02-15."
    ]


def test_overlapping_hardening_is_a_collision_from_the_day_both_harden() -> None:
    a = release(1, "A", code_freeze=D(2027, 2, 1), target=D(2027, 2, 12))
    b = release(2, "B", code_freeze=D(2027, 2, 10), target=D(2027, 3, 1))
    found = collisions([a, b], [], [], CAL)
    assert [(c.kind, c.spots) for c in found] == [
        (CollisionKind.HARDENING_OVERLAP, ((1, D(2027, 2, 10)), (2, D(2027, 2, 10))))
    ]
    assert found[0].message.startswith(
        "A and B are both in hardening from 2027-02-10 to 2027-02-12"
    )


# -- read from a real plan -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("train") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Plan]:
    path = tmp_path / "demo.gantry"
    shutil.copyfile(demo_file, path)
    plan = Plan.open(path)
    yield plan
    plan.close()


def test_the_demo_train_has_every_release_window_and_deployment_and_no_collision(
    demo: Plan,
) -> None:
    train = demo.train.snapshot()
    assert [r.name for r in train.releases] == [
        *(f"Atlas 3.{n}" for n in range(1, 7)),
        *("Atlas 3.5.1", "Atlas 3.5.2", "Atlas 3.5.3"),  # the patch train
    ]
    assert [e.name for e in train.environments] == ["dev", "test", "staging", "prod"]
    assert {w.kind for w in train.windows} == {"freeze", "blackout", "change_window"}
    # The plan's own releases' 20, and the 13 production deployments of the three shipped
    # before it, each after a staging dry run.
    assert len(train.deployments) == 46
    assert {
        d.environment.name for d in train.deployments_of(demo.releases.find("Atlas 3.6").id)
    } == {
        "dev",
        "test",
        "staging",
        "prod",
    }
    # The demo books its go-lives and deployments clear of freezes and blackouts.
    assert train.collisions == ()


def test_moving_a_target_into_the_year_end_freeze_shows_on_the_train(demo: Plan) -> None:
    atlas_35 = demo.releases.find("Atlas 3.5").id
    demo.releases.update(atlas_35, "target_date", D(2026, 12, 28))
    found = demo.train.snapshot().collisions
    assert [c.message for c in found] == [
        "Atlas 3.5's target 2026-12-28 falls inside Year-end change freeze 2026/2027 "
        "(2026-12-18 to 2027-01-03).",
        "Atlas 3.5 is forecast to finish on 2027-01-04, 4 working days after its target "
        "2026-12-28.",
    ]


def test_a_blackout_added_on_prod_collides_with_the_go_live_and_its_deployment(
    demo: Plan,
) -> None:
    before = len(demo.train.snapshot().deployments)
    prod = next(e for e in demo.train.snapshot().environments if e.name == "prod")
    # A freeze on prod across the 3.6 go-live: its planned deployment there now collides.
    demo.calendar.create(
        {
            "kind": "blackout",
            "name": "Datacentre move",
            "start_date": D(2027, 2, 15),
            "end_date": D(2027, 2, 19),
            "environment_id": prod.id,
        }
    )
    train = demo.train.snapshot()
    assert len(train.deployments) == before
    assert [c.kind for c in train.collisions] == [
        CollisionKind.DEPLOYMENT_IN_WINDOW,
        CollisionKind.GO_LIVE_IN_WINDOW,
    ]
    assert train.collisions[0].message == (
        "Atlas 3.6's deployment to prod on 2027-02-17 19:00 falls inside Datacentre move on "
        "prod (2027-02-15 to 2027-02-19)."
    )
