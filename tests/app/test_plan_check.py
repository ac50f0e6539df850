"""`gantry check`: conflicts with windows (and the next free day), promotion without staging,
slips against a baseline, schedule problems; the demo's deliberate conflicts; exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import run
from app.demo import build_demo
from app.plan import Plan
from app.plan_check import check_plan, free_day
from app.release_train import TrainEnvironment, TrainWindow
from app.scheduling.calendar import WorkCalendar
from app.store import PlanStore
from models import CalendarEntry, ChangeEnvironment, ChangeRequest, Deployment, Environment, Release
from tests.app.plan_factory import edit_outside_gantry, make_plan
from tests.fixed_dates import DEMO_TODAY

PROD = TrainEnvironment(1, "prod", "production")
STAGING = TrainEnvironment(2, "staging", "staging")
FREEZE = TrainWindow(1, "freeze", "Year-end", dt.date(2026, 12, 18), dt.date(2027, 1, 3), None)


def window(
    n: int, kind: str, first: dt.date, last: dt.date, env: TrainEnvironment | None
) -> TrainWindow:
    return TrainWindow(n, kind, f"{kind} {n}", first, last, env)


def test_the_next_free_day_skips_the_weekend_holidays_and_closed_days() -> None:
    calendar = WorkCalendar([dt.date(2027, 1, 4)])  # a holiday on the Monday after the freeze
    assert free_day(dt.date(2026, 12, 22), PROD, [FREEZE], calendar) == dt.date(2027, 1, 5)
    # A blackout on production only: staging is free the next working day.
    blackout = window(2, "blackout", dt.date(2027, 1, 5), dt.date(2027, 1, 6), PROD)
    assert free_day(dt.date(2027, 1, 3), PROD, [FREEZE, blackout], calendar) == dt.date(2027, 1, 7)
    assert free_day(dt.date(2027, 1, 3), STAGING, [FREEZE, blackout], calendar) == dt.date(
        2027, 1, 5
    )
    # An environment with change windows is free only inside one of them.
    thursday = window(3, "change_window", dt.date(2027, 1, 14), dt.date(2027, 1, 14), PROD)
    assert free_day(dt.date(2027, 1, 3), PROD, [FREEZE, thursday], calendar) == dt.date(2027, 1, 14)
    assert free_day(dt.date(2027, 1, 14), PROD, [thursday], calendar) is None


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """make_plan's R1 (5-16 Jan 2026) with staging and production environments."""
    path = tmp_path / "c.gantry"
    with make_plan(path) as store, store.transaction(reason="check data") as session:
        session.add_all(
            [
                Environment(name="staging", tier="staging", position=0),
                Environment(name="prod", tier="production", position=1),
            ]
        )
    return path


def add(path: Path, *rows: object) -> None:
    with PlanStore.open(path) as store, store.transaction(reason="check data") as session:
        release = session.scalars(select(Release)).one()
        envs = {e.name: e.id for e in session.scalars(select(Environment))}
        for row in rows:
            for name in ("release_id",):
                if hasattr(row, name) and getattr(row, name) is None:
                    setattr(row, name, release.id)
            if isinstance(row, Deployment | CalendarEntry):
                env = getattr(row, "environment_id", None)
                if isinstance(env, str):
                    row.environment_id = envs[env]  # type: ignore[assignment]
            session.add(row)
            if isinstance(row, ChangeRequest):
                session.flush()
                session.add_all(
                    ChangeEnvironment(change_request_id=row.id, environment_id=envs[name])
                    for name in CHANGE_ENVIRONMENTS.get(row.key, ())
                )


# The environments each test change is made in, by key.
CHANGE_ENVIRONMENTS = {"CHG-1": ("prod",)}


def deployment(env: str, day: dt.date, outcome: str = "planned") -> Deployment:
    start = dt.datetime.combine(day, dt.time(19))
    return Deployment(
        release_id=None,
        environment_id=env,  # type: ignore[arg-type]
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        outcome=outcome,
    )


def findings(path: Path) -> list[str]:
    plan = Plan.open(path, read_only=True)
    try:
        return [f.line() for f in check_plan(plan, DEMO_TODAY)]
    finally:
        plan.close()


def test_a_clean_plan_has_no_findings(plan_path: Path) -> None:
    add(
        plan_path,
        deployment("staging", dt.date(2026, 1, 13), "succeeded"),
        deployment("prod", dt.date(2026, 1, 15)),
    )
    assert findings(plan_path) == []
    out = io.StringIO()
    assert run(["check", str(plan_path), "--today", DEMO_TODAY.isoformat()], out) == 0
    assert out.getvalue() == f"No conflicts in {plan_path}.\n"


def test_a_change_in_a_freeze_names_the_freeze_and_the_next_free_day(plan_path: Path) -> None:
    add(
        plan_path,
        CalendarEntry(
            kind="freeze",
            name="Mid-January freeze",
            start_date=dt.date(2026, 1, 12),
            end_date=dt.date(2026, 1, 15),
        ),
        ChangeRequest(
            release_id=None,
            key="CHG-1",
            title="Rotate certificates",
            status="submitted",
            window_start=dt.datetime(2026, 1, 14, 21),
            window_end=dt.datetime(2026, 1, 14, 22),
        ),
        # Carried out already: not a finding.
        ChangeRequest(
            release_id=None,
            key="CHG-0",
            title="Done before",
            status="implemented",
            window_start=dt.datetime(2026, 1, 13, 21),
        ),
    )
    assert findings(plan_path) == [
        "window: Change CHG-1 (Rotate certificates) is planned for 2026-01-14, inside "
        "Mid-January freeze (2026-01-12 to 2026-01-15). Next free day: 2026-01-16."
    ]


def test_deployments_in_a_freeze_and_outside_every_change_window(plan_path: Path) -> None:
    add(
        plan_path,
        CalendarEntry(
            kind="blackout",
            name="Close",
            start_date=dt.date(2026, 1, 12),
            end_date=dt.date(2026, 1, 13),
            environment_id="prod",  # type: ignore[arg-type]
        ),
        CalendarEntry(
            kind="change_window",
            name="Thursday window",
            start_date=dt.date(2026, 1, 15),
            end_date=dt.date(2026, 1, 15),
            environment_id="prod",  # type: ignore[arg-type]
        ),
        deployment("staging", dt.date(2026, 1, 8), "succeeded"),
        deployment("prod", dt.date(2026, 1, 12)),  # in the blackout, outside the window
    )
    assert findings(plan_path) == [
        "train: R1's deployment to prod on 2026-01-12 19:00 falls inside Close on prod "
        "(2026-01-12 to 2026-01-13). Next free day: 2026-01-15.",
        "window: R1's deployment to prod on 2026-01-12 19:00 is outside every change window of "
        "prod. Next free day: 2026-01-15.",
    ]


def test_production_without_staging_is_a_promotion_finding(plan_path: Path) -> None:
    add(
        plan_path,
        deployment("staging", dt.date(2026, 1, 12), "failed"),
        deployment("prod", dt.date(2026, 1, 14)),
        deployment("staging", dt.date(2026, 1, 15)),  # planned, but after production
    )
    assert findings(plan_path) == [
        "promotion: R1 goes to prod on 2026-01-14 without a staging deployment before it "
        "that succeeded or is planned."
    ]


def test_a_slip_against_the_newest_baseline(plan_path: Path) -> None:
    plan = Plan.open(plan_path)
    try:
        release = plan.releases.find("R1").id
        plan.baselines.create(release, "Committed", created_at=dt.datetime(2026, 1, 2))
        plan.work_items.update(plan.work_items.find("B").id, "duration", 3)
    finally:
        plan.close()
    assert findings(plan_path) == [
        "baseline: R1 finishes 1 working day later than in its baseline Committed."
    ]


def test_a_dependency_cycle_is_a_schedule_finding_and_json_lists_it(plan_path: Path) -> None:
    edit_outside_gantry(
        plan_path,
        "INSERT INTO dependencies (predecessor_id, successor_id, type, lag) "
        "SELECT b.id, a.id, 'FS', 0 FROM work_items a, work_items b "
        "WHERE a.key = 'A' AND b.key = 'B'",
    )
    out = io.StringIO()
    assert (
        run(["check", str(plan_path), "--format", "json", "--today", DEMO_TODAY.isoformat()], out)
        == 1
    )
    found = json.loads(out.getvalue())
    assert [f["area"] for f in found] == ["schedule"]
    assert "Dependency cycle" in found[0]["message"] and found[0]["next_free_day"] is None


def test_the_demo_keeps_one_change_in_the_freeze_and_one_conflict_of_each_component_kind(
    tmp_path: Path,
) -> None:
    path = tmp_path / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    out = io.StringIO()
    assert run(["check", str(path), "--today", DEMO_TODAY.isoformat()], out) == 1
    assert out.getvalue().splitlines() == [
        "window: Change CHG-2068 (Rotate TLS certificates on the production load balancers) "
        "is planned for 2026-12-23, inside Year-end change freeze 2026/2027 (2026-12-18 to "
        "2027-01-03). Next free day: 2027-01-04 21:00 to 22:00.",
        "component: Atlas 3.6 ships web-app 5.9.1, which needs api-gateway >= 2.14, < 3, but "
        "it ships api-gateway 3.0.0.",
        "component: Atlas 3.5 (2026-11-02 to 2027-01-04) and Atlas 3.6 (2026-12-21 to "
        "2027-02-17) both change api-gateway (2.14.0 -> 2.15.0, 2.15.0 -> 3.0.0) in "
        "overlapping windows.",
        f"3 conflict(s) in {path}.",
    ]
