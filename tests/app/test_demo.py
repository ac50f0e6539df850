"""The demo plan and synthetic plans: written into real files, reopened, audited and scheduled."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from graphlib import TopologicalSorter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.demo import build_demo, build_synthetic
from app.errors import ValidationError
from app.plan import Plan
from app.store import PlanStore
from models import (
    Approval,
    CalendarEntry,
    ChangeRequest,
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Component,
    ComponentDependency,
    ComponentVersion,
    Dependency,
    Deployment,
    Environment,
    GoNoGoDecision,
    PlanSetting,
    Release,
    ReleaseNote,
    Risk,
    Runbook,
    RunbookRun,
    RunbookStep,
    WorkItem,
)

TODAY = dt.date(2026, 3, 11)  # a fixed day keeps the test independent of the calendar


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, TODAY)
    return path


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _releases(session: Session) -> dict[str, Release]:
    """The three themed releases by status (the patch train's releases are planned too)."""
    themed = select(Release).where(Release.train_id.is_(None)).order_by(Release.position)
    return {r.status: r for r in session.scalars(themed)}


def test_demo_has_a_plan_of_believable_size(demo_path: Path) -> None:
    with PlanStore.open(demo_path, read_only=True) as store, store.read() as session:
        assert 80 <= _count(session, WorkItem) <= 150
        # Three releases shipped before the plan was kept in Gantry, then the plan's own three.
        assert [r.status for r in session.scalars(select(Release).order_by(Release.position))] == [
            *["shipped"] * 4,
            "in_progress",
            "planned",
            *["planned"] * 3,  # the patch train's next quarter (app/demo/trains.py)
        ]
        kinds = Counter(session.scalars(select(WorkItem.kind)))
        assert kinds["phase"] >= 12 and kinds["milestone"] >= 12 and kinds["task"] >= 60
        assert {e.tier for e in session.scalars(select(Environment))} == {
            "development",
            "test",
            "staging",
            "production",
        }
        assert _count(session, Environment) == 4
        assert _count(session, Component) >= 6
        assert _count(session, ComponentDependency) >= 4
        # A full baseline for each of the six releases 3.1-3.6, one fix for each patch.
        assert _count(session, ComponentVersion) == 6 * _count(session, Component) + 3
        origins = dict(session.execute(select(Component.name, Component.origin)).tuples().all())
        assert (origins["postgres"], origins["hsm-sdk"]) == ("open_source", "vendor")
        assert (
            session.scalar(
                select(ComponentVersion.risk)
                .join(Component, ComponentVersion.component_id == Component.id)
                .join(Release, ComponentVersion.release_id == Release.id)
                .where(Component.name == "openssl", Release.name == "Atlas 3.5.1")
            )
            == "high"
        )
        assert _count(session, Risk) >= 5
        assert _count(session, ChangeRequest) >= 3
        assert _count(session, Approval) >= 3
        notes = session.execute(select(ReleaseNote.release_id, ReleaseNote.category)).all()
        assert len({release for release, _ in notes}) == 3
        assert {"feature", "fix", "known_issue"} <= {category for _, category in notes}
        settings = dict(session.execute(select(PlanSetting.key, PlanSetting.value)).all())
        assert settings["name"] == "Atlas Platform"
        assert settings["holiday_country"] == "US"


def test_demo_keys_milestones_and_links_follow_the_rules(demo_path: Path) -> None:
    with PlanStore.open(demo_path, read_only=True) as store, store.read() as session:
        items = {i.id: i for i in session.scalars(select(WorkItem))}
        keys = [i.key for i in items.values()]
        assert len(set(keys)) == len(keys)
        assert all(k.startswith("ATL-") for k in keys)
        milestones = {i.name for i in items.values() if i.kind == "milestone"}
        assert {"Feature freeze", "Code freeze", "Go/No-Go", "GA"} <= milestones
        assert all(i.duration == 0 for i in items.values() if i.kind == "milestone")
        assert all(items[i.parent_id].kind == "phase" for i in items.values() if i.parent_id)
        links = session.scalars(select(Dependency)).all()
        assert not [
            d
            for d in links
            if "phase" in (items[d.predecessor_id].kind, items[d.successor_id].kind)
        ]
        types = Counter(d.type for d in links)
        assert types["FS"] > types["SS"] + types["FF"] and types["SS"] and types["FF"]
        assert any(d.lag > 0 for d in links) and any(d.lag < 0 for d in links)
        crossing = [
            d
            for d in links
            if items[d.predecessor_id].release_id != items[d.successor_id].release_id
        ]
        assert crossing
        assert all(
            items[d.predecessor_id].release_id < items[d.successor_id].release_id for d in crossing
        )


def test_demo_releases_carry_history_progress_and_baselines(demo_path: Path) -> None:
    with PlanStore.open(demo_path, read_only=True) as store, store.read() as session:
        releases = _releases(session)
        shipped, in_flight, planned = (
            releases["shipped"],
            releases["in_progress"],
            releases["planned"],
        )
        assert shipped.actual_date is not None and shipped.actual_date < TODAY
        for release in releases.values():
            assert release.start_date is not None and release.target_date is not None
            assert release.feature_freeze is not None and release.code_freeze is not None
            assert (
                release.start_date
                < release.feature_freeze
                < release.code_freeze
                < release.target_date
            )

        def items_of(release: Release) -> list[WorkItem]:
            return list(session.scalars(select(WorkItem).where(WorkItem.release_id == release.id)))

        for item in items_of(shipped):
            assert item.status == "done" and item.percent_complete == 100
            assert item.actual_start is not None and item.actual_finish is not None
            assert item.actual_start <= item.actual_finish < TODAY
        ga = next(i for i in items_of(shipped) if i.name == "GA")
        assert ga.actual_finish == shipped.actual_date

        flight = [i for i in items_of(in_flight) if i.kind == "task"]
        statuses = Counter(i.status for i in flight)
        assert statuses["done"] and statuses["in_progress"] and statuses["not_started"]
        assert all(i.actual_start is None for i in items_of(planned))
        in_flight_ids = {i.id for i in items_of(in_flight)}

    plan = Plan.open(demo_path, read_only=True)
    try:
        baselines = plan.baselines
        assert [b.name for r in (shipped, planned) for b in baselines.rows(r.id)] == []
        estimate, of_record = baselines.rows(in_flight.id)
        assert (estimate.name, of_record.name) == ("Initial estimate", "Plan of record")
        assert estimate.created_at < of_record.created_at
        assert estimate.created_at.date() == in_flight.start_date
        assert estimate.created_at.tzinfo == dt.UTC
        for baseline in (estimate, of_record):
            assert baseline.item_count == len(in_flight_ids)
            assert set(baselines.dates(baseline.id)) == in_flight_ids
        # The release's committed dates are its milestones' dates in the plan of record.
        by_name = {r.name: r.id for r in plan.work_items.rows(in_flight.id)}

        def committed(name: str) -> dt.date:
            held = baselines.item_dates(of_record.id, by_name[name])
            assert held is not None
            return held.finish

        # The change advisory board brought the scope freeze forward since (a scope
        # exception follows it, app/demo/trains.py).
        assert in_flight.feature_freeze < committed("Feature freeze")
        assert committed("Code freeze") == in_flight.code_freeze
        assert committed("GA") == in_flight.target_date
        # The Go/No-Go was committed later than the first estimate had it.
        first = baselines.item_dates(estimate.id, by_name["GA"])
        assert first is not None and first.finish < in_flight.target_date
        # Re-estimated work moved the freezes later; the buffer before the Go/No-Go held GA.
        assert (baselines.variance(of_record.id, by_name["Feature freeze"]) or 0) > 0
        assert baselines.variance(of_record.id, by_name["GA"]) == 0
    finally:
        plan.close()


def test_demo_operations_data(demo_path: Path) -> None:
    with PlanStore.open(demo_path, read_only=True) as store, store.read() as session:
        releases = _releases(session)
        in_flight = releases["in_progress"]
        book = session.scalars(select(Runbook).where(Runbook.release_id == in_flight.id)).one()
        steps = session.scalars(
            select(RunbookStep)
            .where(RunbookStep.runbook_id == book.id)
            .order_by(RunbookStep.position)
        ).all()
        assert len(steps) == 29
        assert {s.section for s in steps} == {
            "preparation",
            "communication",
            "data_migration",
            "deploy",
            "verify",
            "rollback",
        }
        runs = session.scalars(select(RunbookRun).where(RunbookRun.runbook_id == book.id)).all()
        assert [(r.kind, r.status) for r in runs] == [
            ("rehearsal", "completed"),
            ("rehearsal", "running"),  # a dress rehearsal: go-live night is still to come
        ]
        shipped_book = session.scalars(
            select(Runbook).where(Runbook.release_id != in_flight.id)
        ).one()
        shipped_runs = session.scalars(
            select(RunbookRun).where(RunbookRun.runbook_id == shipped_book.id)
        ).all()
        assert [(r.kind, r.status) for r in shipped_runs] == [
            ("rehearsal", "completed"),
            ("live", "completed"),
        ]
        assert all(s.owner_role and s.instructions and s.duration_minutes for s in steps)

        outcomes = Counter(session.scalars(select(Deployment.outcome)))
        assert outcomes["succeeded"] and outcomes["failed"] and outcomes["planned"]
        # The flag is the outcome "rolled back"; the failed dry run has its incident.
        rolled_back = session.scalar(select(func.count()).where(Deployment.rolled_back))
        assert rolled_back == outcomes["rolled_back"]
        failed = session.scalars(select(Deployment).where(Deployment.outcome == "failed")).one()
        assert (failed.incident_ref, failed.restore_minutes) == ("INC-2291", 38)
        done = session.scalars(select(Deployment).where(Deployment.outcome != "planned")).all()
        assert all(
            d.actual_start
            and d.actual_end
            and d.duration_minutes == (d.actual_end - d.actual_start) // dt.timedelta(minutes=1)
            for d in done
        )

        calendar = Counter(session.scalars(select(CalendarEntry.kind)))
        assert calendar["holiday"] >= 20 and calendar["freeze"] and calendar["blackout"]
        assert calendar["change_window"]
        holiday_names = set(
            session.scalars(select(CalendarEntry.name).where(CalendarEntry.kind == "holiday"))
        )
        assert "Independence Day" in holiday_names

        templates = session.scalars(select(Checklist).where(Checklist.is_template)).all()
        assert {c.kind for c in templates} == {
            "go_no_go",
            "readiness",
            "security_review",
            "post_release",
        }
        go = session.scalars(
            select(Checklist).where(
                Checklist.release_id == in_flight.id, Checklist.kind == "go_no_go"
            )
        ).one()
        answers = Counter(
            session.scalars(select(ChecklistItem.status).where(ChecklistItem.checklist_id == go.id))
        )
        assert answers["open"] and answers["done"]
        assert answers["blocked"] == 1 and answers["not_applicable"] == 1
        sections = session.scalars(
            select(ChecklistSection.name).where(ChecklistSection.checklist_id == go.id)
        ).all()
        assert len(sections) == 4
        evidence = session.scalars(
            select(ChecklistItem.evidence_kind).where(
                ChecklistItem.checklist_id == go.id,
                ChecklistItem.status == "done",
                ChecklistItem.evidence != "",
            )
        ).all()
        assert {"link", "file", "text"} <= set(evidence)
        shipped = releases["shipped"]  # the last shipped: the first the plan kept in Gantry
        shipped_go = session.scalars(
            select(Checklist).where(
                Checklist.release_id == shipped.id, Checklist.kind == "go_no_go"
            )
        ).one()
        assert set(
            session.scalars(
                select(ChecklistItem.status).where(ChecklistItem.checklist_id == shipped_go.id)
            )
        ) == {"done"}
        decisions = session.scalars(
            select(GoNoGoDecision).where(GoNoGoDecision.checklist_id == shipped_go.id)
        ).all()
        assert decisions and {d.decision for d in decisions} == {"go"}
        assert all(d.person and d.role and d.reason for d in decisions)
        assert session.scalars(
            select(Checklist).where(
                Checklist.release_id == in_flight.id, Checklist.kind == "readiness"
            )
        ).one()
        decided = session.scalars(select(Approval)).all()
        assert decided and all(a.decided_at and a.meaning and a.role for a in decided)


def test_demo_audit_trail_is_complete(demo_path: Path) -> None:
    with PlanStore.open(demo_path, read_only=True) as store, store.read() as session:
        report = audit.verify(session)
        assert report.ok, report.problems
        assert report.events > 400
        reasons = set(session.scalars(select(audit.AUDIT_TABLE.c.reason)))
        # The demo is one transaction (the approval rules come with every new plan).
    assert {r for r in reasons if not r.startswith("Upgrade to schema")} == {
        "Plan created",
        "Demo plan",
    }


def test_demo_schedules(demo_path: Path) -> None:
    with PlanStore.open(demo_path) as store:
        service = Plan(store)
        service.load()
        rows = service.releases.rows()
        releases = {r.status: r for r in rows if r.train_id is None}
        in_flight = releases["in_progress"]
        assert in_flight.finish is not None and in_flight.finish > TODAY
        assert releases["shipped"].finish == releases["shipped"].actual_date
        assert all(r.late_by == 0 for r in releases.values())
        assert service.summary().items == sum(r.item_count for r in rows)
        # The dates stored for other readers are the ones the scheduler computes.
        with store.read() as session:
            stored = dict(session.execute(select(WorkItem.key, WorkItem.scheduled_finish)).all())
        assert all(stored[row.key] == row.finish for row in service.work_items.rows())


@pytest.mark.parametrize("today", [dt.date(2027, 12, 31), dt.date(2028, 2, 29)])
def test_demo_is_dated_around_the_given_day_and_refuses_a_plan_with_releases(
    tmp_path: Path, today: dt.date
) -> None:
    path = tmp_path / "today.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, today)
        with pytest.raises(ValidationError, match="empty plan"):
            build_demo(store, today)
        service = Plan(store)
        service.load()
        in_flight = next(r for r in service.releases.rows() if r.status == "in_progress")
        assert in_flight.start_date is not None
        assert in_flight.start_date <= today < (in_flight.finish or dt.date.min)


@pytest.mark.parametrize("today", [dt.date(2026, 12, 1), dt.date(2027, 6, 28)])
def test_demo_keeps_deployments_out_of_freezes_and_blackouts(
    tmp_path: Path, today: dt.date
) -> None:
    path = tmp_path / "freeze.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, today)
        with store.read() as session:
            closed = session.scalars(
                select(CalendarEntry).where(CalendarEntry.kind.in_(("freeze", "blackout")))
            ).all()
            for deployment in session.scalars(select(Deployment)):
                day = deployment.window_start.date()
                assert not [
                    w.name
                    for w in closed
                    if w.start_date <= day <= w.end_date
                    and w.environment_id in (None, deployment.environment_id)
                ]
                assert (deployment.outcome == "planned") == (day >= today)
            prod = session.scalar(select(Environment.id).where(Environment.tier == "production"))
        # The schedule agrees: each release's production deployment task lands in a window
        # that no freeze or blackout closes (a Go/No-Go at the start of its day must not pull
        # the deployment into the same day).
        plan = Plan(store)
        plan.load()
        for release in plan.releases.rows():
            if not release.item_count or release.train_id is not None:
                continue  # shipped before Gantry, or a patch release: no deployment task
            task = next(
                i for i in plan.work_items.rows(release.id) if i.name == "Production deployment"
            )
            assert task.start is not None
            assert not [
                w.name
                for w in closed
                if w.start_date <= task.start <= w.end_date and w.environment_id in (None, prod)
            ], (release.name, task.start)


def test_synthetic_plan_has_the_asked_shape(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.gantry"
    seen: list[tuple[int, int]] = []
    with PlanStore.open(path, create=True) as store:
        build_synthetic(store, 500, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (500, 500)

    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        assert _count(session, WorkItem) == 500
        assert _count(session, Release) == 1
        items = {i.id: i for i in session.scalars(select(WorkItem))}
        kinds = Counter(i.kind for i in items.values())
        assert kinds["milestone"] >= 10 and kinds["phase"] >= 10
        assert all(i.duration == 0 for i in items.values() if i.kind == "milestone")
        children = Counter(i.parent_id for i in items.values() if i.parent_id is not None)
        assert all(10 <= n <= 40 for n in children.values())
        links = session.execute(
            select(Dependency.predecessor_id, Dependency.successor_id, Dependency.type)
        ).all()
        assert 1.7 <= len(links) / len(items) <= 2.3
        assert Counter(t for _, _, t in links).most_common(1)[0][0] == "FS"
        assert not [p for p, s, _ in links if "phase" in (items[p].kind, items[s].kind)]
        graph: dict[int, set[int]] = {}
        for pred, succ, _ in links:
            graph.setdefault(succ, set()).add(pred)
        list(TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
        assert _count(session, CalendarEntry) > 0
        assert audit.verify(session).ok

    with PlanStore.open(path) as store:
        service = Plan(store)
        service.load()
        assert service.summary().links == len(links)


@pytest.mark.slow
def test_synthetic_plan_spreads_over_releases_and_links_across_them(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.gantry"
    with PlanStore.open(path, create=True) as store:
        build_synthetic(store, 5_300, seed=3)
        with store.read() as session:
            sizes = Counter(session.scalars(select(WorkItem.release_id)))
            assert len(sizes) >= 2 and sum(sizes.values()) == 5_300
            assert all(1_000 <= n <= 5_000 for n in sizes.values())
            release_of = dict(session.execute(select(WorkItem.id, WorkItem.release_id)).all())
            links = session.execute(
                select(Dependency.predecessor_id, Dependency.successor_id)
            ).all()
            assert any(release_of[p] != release_of[s] for p, s in links)
        with pytest.raises(ValidationError):
            build_synthetic(store, 10)


def test_synthetic_plan_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    def shape(path: Path) -> list[tuple[object, ...]]:
        with PlanStore.open(path, create=True) as store:
            build_synthetic(store, 120, seed=11)
            with store.read() as session:
                return [
                    tuple(row)
                    for row in session.execute(
                        select(
                            WorkItem.key,
                            WorkItem.kind,
                            WorkItem.name,
                            WorkItem.duration,
                            WorkItem.parent_id,
                        ).order_by(WorkItem.id)
                    )
                ]

    assert shape(tmp_path / "a.gantry") == shape(tmp_path / "b.gantry")


def test_synthetic_refuses_a_size_below_one(tmp_path: Path) -> None:
    with PlanStore.open(tmp_path / "zero.gantry", create=True) as store:
        with pytest.raises(ValidationError):
            build_synthetic(store, 0)
