"""Where each finding of `gantry check` is (release, environment, change, deployment, day), and
the marks a release's chart gets from the findings and its communications; a finding about two
releases marks both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.chart_marks import ChartMark, MarkKind, release_marks
from app.communications import DueCommunication, DueState
from app.demo import build_demo
from app.plan import Plan
from app.plan_check import Finding, check_plan
from app.store import PlanStore
from models import CalendarEntry, ChangeEnvironment, ChangeRequest, Deployment, Environment, Release
from tests.app.plan_factory import make_plan
from tests.fixed_dates import DEMO_TODAY


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """make_plan's R1 (5-16 Jan 2026), staging and production, a blackout on production on
    12-13 January and a change window on Thursday the 15th."""
    path = tmp_path / "c.gantry"
    with make_plan(path) as store, store.transaction(reason="check data") as session:
        staging = Environment(name="staging", tier="staging", position=0)
        prod = Environment(name="prod", tier="production", position=1)
        session.add_all([staging, prod])
        session.flush()
        release = session.scalars(select(Release)).one()
        session.add_all(
            [
                CalendarEntry(
                    kind="blackout",
                    name="Close",
                    start_date=dt.date(2026, 1, 12),
                    end_date=dt.date(2026, 1, 13),
                    environment_id=prod.id,
                ),
                CalendarEntry(
                    kind="change_window",
                    name="Thursday window",
                    start_date=dt.date(2026, 1, 15),
                    end_date=dt.date(2026, 1, 15),
                    environment_id=prod.id,
                ),
                _deployment(release.id, prod.id, dt.date(2026, 1, 12)),
            ]
        )
        change = ChangeRequest(
            release_id=release.id,
            key="CHG-1",
            title="Rotate certificates",
            status="submitted",
            window_start=dt.datetime(2026, 1, 11, 21),
            window_end=dt.datetime(2026, 1, 12, 1),
        )
        session.add(change)
        session.flush()
        session.add(ChangeEnvironment(change_request_id=change.id, environment_id=prod.id))
    return path


def _deployment(release_id: int, environment_id: int, day: dt.date) -> Deployment:
    start = dt.datetime.combine(day, dt.time(19))
    return Deployment(
        release_id=release_id,
        environment_id=environment_id,
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        outcome="planned",
    )


def ids(path: Path) -> dict[str, int]:
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        found = {e.name: e.id for e in session.scalars(select(Environment))}
        found["R1"] = session.scalars(select(Release)).one().id
        found["CHG-1"] = session.scalars(select(ChangeRequest)).one().id
        found["deployment"] = session.scalars(select(Deployment)).one().id
    return found


def test_each_area_says_where_its_finding_is(plan_path: Path) -> None:
    plan = Plan.open(plan_path, read_only=True)
    try:
        found = {(f.area, f.message[:20]): f for f in check_plan(plan, dt.date(2026, 1, 5))}
    finally:
        plan.close()
    known = ids(plan_path)
    train = found[("train", "R1's deployment to p")]
    assert (train.release_id, train.environment_id, train.deployment_id, train.day) == (
        known["R1"],
        known["prod"],
        known["deployment"],
        dt.date(2026, 1, 12),
    )
    assert train.change_id is None and train.severity == "error"
    # The change starts the evening before the blackout: its mark goes on the first closed day.
    change = found[("window", "Change CHG-1 (Rotate")]
    assert (change.release_id, change.environment_id, change.change_id, change.day) == (
        known["R1"],
        known["prod"],
        known["CHG-1"],
        dt.date(2026, 1, 12),
    )
    outside = found[("window", "R1's deployment to p")]
    assert (outside.deployment_id, outside.environment_id, outside.day) == (
        known["deployment"],
        known["prod"],
        dt.date(2026, 1, 12),
    )
    # No staging deployment before production: a warning on the production deployment.
    promotion = found[("promotion", "R1 goes to prod on 2")]
    assert (promotion.release_id, promotion.deployment_id, promotion.severity) == (
        known["R1"],
        known["deployment"],
        "warning",
    )


def test_the_line_is_the_same_whatever_place_is_known() -> None:
    bare = Finding("window", "Change X is planned for 2026-01-12.", "2026-01-16")
    placed = Finding(
        "window",
        "Change X is planned for 2026-01-12.",
        "2026-01-16",
        release_id=1,
        environment_id=2,
        change_id=3,
        day=dt.date(2026, 1, 12),
        severity="warning",
    )
    expected = "window: Change X is planned for 2026-01-12. Next free day: 2026-01-16."
    assert bare.line() == placed.line() == expected


def comm(
    n: int, due: dt.date | None, state: DueState, milestone: int | None = None
) -> DueCommunication:
    return DueCommunication(
        n,
        1,
        "R1",
        f"Message {n}",
        "customers",
        "email",
        "Ana",
        due,
        state,
        "on Target (GA)",
        None,
        "",
        milestone,
    )


def test_marks_go_on_the_top_row_or_the_milestone_row_side_by_side() -> None:
    day = dt.date(2026, 1, 12)
    findings = [
        Finding("train", "In the blackout.", "", release_id=1, day=day),
        Finding("baseline", "Later.", "", release_id=1, day=day, severity="warning"),
        Finding("window", "Another release.", "", release_id=2, day=day),
        Finding("schedule", "A cycle: no day.", "", release_id=1),
    ]
    comms = [
        comm(1, day, DueState.LATER),
        comm(2, dt.date(2026, 1, 16), DueState.DONE, milestone=50),
        comm(3, None, DueState.UNDATED),
        comm(4, dt.date(2026, 1, 14), DueState.OVERDUE, milestone=99),  # folded away
    ]
    rows = {50: 7}
    marks = release_marks(1, findings, comms, rows.get, 10)
    assert marks == [
        ChartMark(MarkKind.CONFLICT, day, 0, 0, "train: In the blackout."),
        ChartMark(MarkKind.WARNING, day, 0, 1, "baseline: Later."),
        ChartMark(
            MarkKind.COMMUNICATION,
            day,
            0,
            2,
            "Message 1 — Customers by E-mail, owner Ana; due 2026-01-12 (later)",
        ),
        ChartMark(
            MarkKind.COMMUNICATION,
            dt.date(2026, 1, 14),
            0,
            0,
            "Message 4 — Customers by E-mail, owner Ana; due 2026-01-14 (overdue)",
        ),
        ChartMark(
            MarkKind.SENT,
            dt.date(2026, 1, 16),
            7,
            0,
            "Message 2 — Customers by E-mail, owner Ana; due 2026-01-16 (done)",
        ),
    ]
    assert release_marks(1, findings, comms, rows.get, 0) == []


def marked(release_id: int, findings: list[Finding]) -> list[tuple[MarkKind, dt.date, str]]:
    """The kind, day and text of each mark a release's chart gets from the findings."""
    marks = release_marks(release_id, findings, [], lambda _id: None, rows=1)
    return [(m.kind, m.day, m.text) for m in marks]


def test_the_demo_s_overlap_marks_both_releases_and_is_counted_once(tmp_path: Path) -> None:
    path = tmp_path / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    plan = Plan.open(path, read_only=True)
    try:
        found = [f for f in check_plan(plan, DEMO_TODAY) if f.area == "component"]
        atlas_35, atlas_36 = plan.releases.find("Atlas 3.5").id, plan.releases.find("Atlas 3.6").id
    finally:
        plan.close()
    constraint, overlap = found  # one finding each: `gantry check` counts the overlap once
    assert "Atlas 3.5" in overlap.message and "Atlas 3.6" in overlap.message
    start = dt.date(2026, 12, 21)  # 3.6's start, where the two windows begin to overlap
    assert overlap.places() == ((atlas_35, start), (atlas_36, start))
    assert constraint.places() == ((atlas_36, dt.date(2027, 2, 17)),)  # 3.6's target
    assert marked(atlas_35, found) == [(MarkKind.CONFLICT, start, overlap.line())]
    assert marked(atlas_36, found) == [
        (MarkKind.CONFLICT, start, overlap.line()),
        (MarkKind.CONFLICT, dt.date(2027, 2, 17), constraint.line()),
    ]


def test_go_lives_close_together_mark_each_release_on_its_own_go_live(plan_path: Path) -> None:
    with PlanStore.open(plan_path) as store, store.transaction(reason="a second release") as s:
        s.add(
            Release(
                name="R2",
                version="2.0",
                start_date=dt.date(2026, 1, 12),
                target_date=dt.date(2026, 1, 20),  # two working days after R1's go-live
            )
        )
    plan = Plan.open(plan_path, read_only=True)
    try:
        findings = check_plan(plan, dt.date(2026, 1, 5))
        r1, r2 = plan.releases.find("R1").id, plan.releases.find("R2").id
    finally:
        plan.close()
    [close] = [f for f in findings if "hypercare" in f.message]
    assert close.places() == ((r1, dt.date(2026, 1, 16)), (r2, dt.date(2026, 1, 20)))
    assert (MarkKind.WARNING, dt.date(2026, 1, 16), close.line()) in marked(r1, findings)
    assert (MarkKind.WARNING, dt.date(2026, 1, 20), close.line()) in marked(r2, findings)
