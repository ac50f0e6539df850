"""Writing the demo plan: releases, work items, calendar, components, deployments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.baselines import BaselineDates, write_baseline
from app.demo.changes import write_change_control
from app.demo.components import write_components
from app.demo.conflicts import write_freeze_change
from app.demo.history import write_history
from app.demo.recipe import (
    COMPONENTS,
    ENVIRONMENT_OWNERS,
    ENVIRONMENTS,
    HOLIDAY_COUNTRY,
    KEY_PREFIX,
    RELEASE_BUFFER,
    TEAM,
    THEMES,
    DemoPlan,
    RecipeRow,
    at_time,
    demo_years,
    plan_demo,
)
from app.demo.records import (
    write_checklists,
    write_communications,
    write_notes,
    write_runbooks,
)
from app.demo.trains import write_trains_and_scope
from app.errors import ValidationError
from app.store import PlanStore
from app.work_calendar import years_text
from models import (
    CalendarEntry,
    Component,
    Dependency,
    Deployment,
    Environment,
    PlanSetting,
    Release,
    WorkItem,
)

# -- writing the demo ------------------------------------------------------------------------


def require_empty(session: Session) -> None:
    if session.scalar(select(func.count()).select_from(Release)) or session.scalar(
        select(func.count()).select_from(WorkItem)
    ):
        raise ValidationError("The demo is written into an empty plan; this one has releases.")


def _next_id(session: Session) -> int:
    return (session.scalar(select(func.max(WorkItem.id))) or 0) + 1


def build_demo(store: PlanStore, today: dt.date) -> None:
    """Fill an empty plan with the Atlas Platform demo, dated around `today`.

    `today` is a parameter, not the clock: the CLI and the window pass the real date, tests a
    fixed one, so the same demo (and every test built on it) comes out on any day.
    """
    with store.transaction(reason="Demo plan") as session:
        require_empty(session)
        plan = plan_demo(today, _next_id(session))
        _write_demo(session, plan)
        write_trains_and_scope(session, plan.calendar, today)
        write_components(session, today)


def _write_demo(session: Session, plan: DemoPlan) -> None:
    today = plan.today
    session.add_all(
        [
            PlanSetting(key="name", value="Atlas Platform"),
            PlanSetting(key="description", value="Demo plan: the Atlas Platform team's releases."),
            PlanSetting(key="holiday_country", value=HOLIDAY_COUNTRY),
            PlanSetting(key="holiday_years", value=years_text(demo_years(today))),
            PlanSetting(key="work_week", value="Mon,Tue,Wed,Thu,Fri"),
            PlanSetting(key="key_prefix", value=KEY_PREFIX),
            PlanSetting(key="demo_date", value=today.isoformat()),
            PlanSetting(key="time_zone", value="America/New_York"),
        ]
    )

    environments = {
        name: Environment(
            name=name,
            tier=tier,
            position=i,
            owner=TEAM[ENVIRONMENT_OWNERS[name]],
            description=text,
        )
        for i, (name, tier, text) in enumerate(ENVIRONMENTS)
    }
    components = {
        name: Component(
            name=name,
            owner=TEAM[owner],
            description=text,
            repository=f"https://git.atlas.example/platform/{name}",
        )
        for name, owner, text in COMPONENTS
    }
    releases = [
        Release(
            name=f"Atlas {theme.version}",
            version=f"{theme.version}.0",
            owner=TEAM["rm"],
            description=theme.description,
            position=i,
            start_date=plan.starts[i],
        )
        for i, theme in enumerate(THEMES)
    ]
    session.add_all([*environments.values(), *components.values(), *releases])
    session.flush()  # ids for everything that refers to these

    _write_calendar(session, plan, environments)
    _write_releases(plan, releases)
    session.add_all(_work_items(plan, releases, components))
    session.flush()
    _write_baselines(session, plan, releases)
    session.add_all(
        Dependency(
            predecessor_id=link.predecessor,
            successor_id=link.successor,
            type=link.type,
            lag=link.lag,
        )
        for link in plan.links
    )
    _write_deployments(session, plan, releases, environments)
    write_history(session, plan, environments)
    write_freeze_change(session, plan, releases[1], environments)
    write_checklists(session, plan, releases)
    write_runbooks(session, plan, releases, environments)
    write_change_control(session, plan, releases, environments)
    write_notes(session, plan, releases)
    write_communications(session, plan, releases)
    session.flush()


def _write_calendar(session: Session, plan: DemoPlan, environments: dict[str, Environment]) -> None:
    session.add_all(
        CalendarEntry(kind="holiday", name=name, start_date=day, end_date=day)
        for day, name in plan.holidays
    )
    session.add_all(
        CalendarEntry(
            kind=w.kind,
            name=w.name,
            start_date=w.start,
            end_date=w.end,
            environment_id=environments[w.environment].id if w.environment else None,
        )
        for w in plan.windows
    )
    # Production runs in the Frankfurt region: its weekly maintenance night is Berlin time,
    # whatever the plan's; security patches go in on the second Tuesday evening each month.
    years = demo_years(plan.today)
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    session.add_all(
        [
            CalendarEntry(
                kind="change_window",
                name="Production maintenance night",
                start_date=first,
                end_date=last,
                start_time=dt.time(22),
                end_time=dt.time(2),
                recurrence="weekly",
                weekdays=frozenset({5}),
                time_zone="Europe/Berlin",
                environment_id=environments["prod"].id,
            ),
            CalendarEntry(
                kind="change_window",
                name="Monthly patch window",
                start_date=first,
                end_date=last,
                start_time=dt.time(19),
                end_time=dt.time(21),
                recurrence="monthly",
                weekdays=frozenset({1}),
                month_week=2,
                environment_id=environments["prod"].id,
            ),
        ]
    )
    # A change window for each release's production deployment and staging dry run.
    for release, theme in enumerate(THEMES):
        prod = plan.prod_day(release)
        staging = plan.staging_day(release)
        session.add_all(
            [
                CalendarEntry(
                    kind="change_window",
                    name=f"Atlas {theme.version} production change",
                    start_date=prod,
                    end_date=prod,
                    environment_id=environments["prod"].id,
                ),
                CalendarEntry(
                    kind="change_window",
                    name=f"Atlas {theme.version} staging dry run",
                    start_date=staging,
                    end_date=staging,
                    environment_id=environments["staging"].id,
                ),
            ]
        )


def _write_releases(plan: DemoPlan, releases: Sequence[Release]) -> None:
    # A release's freeze and target dates are the committed (baseline) milestone dates.
    for i, release in enumerate(releases):
        release.feature_freeze = plan.planned(i, "ff")
        release.code_freeze = plan.planned(i, "cf")
        release.target_date = plan.planned(i, "ga")
    shipped, in_flight, _planned = releases
    shipped.status = "shipped"
    shipped.actual_date = plan.row(0, "ga").actual_finish
    in_flight.status = "in_progress"


def _work_items(
    plan: DemoPlan, releases: Sequence[Release], components: dict[str, Component]
) -> list[WorkItem]:
    children: dict[int, list[RecipeRow]] = {}
    for row in plan.rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)

    def leaves(row: RecipeRow) -> list[RecipeRow]:
        found: list[RecipeRow] = []
        for kid in children.get(row.id, []):
            found.extend(leaves(kid) if kid.spec.kind == "phase" else [kid])
        return found

    def progress(row: RecipeRow) -> tuple[str, int]:
        if row.actual_finish is not None:
            return "done", 100
        if row.actual_start is None:
            return "not_started", 0
        done = plan.calendar.working_days_between(row.actual_start, plan.today)
        return "in_progress", max(5, min(95, round(100 * done / max(row.duration, 1))))

    items: list[WorkItem] = []
    for position, row in enumerate(plan.rows):
        spec = row.spec
        status, percent = progress(row)
        actual_start, actual_finish = row.actual_start, row.actual_finish
        if spec.kind == "phase":
            # A phase reports the work of its items, weighted by their durations.
            parts = leaves(row)
            weights = [max(p.duration, 1) for p in parts]
            percent = round(
                sum(w * progress(p)[1] for w, p in zip(weights, parts, strict=True))
                / (sum(weights) or 1)
            )
            starts = [p.actual_start for p in parts if p.actual_start is not None]
            finishes = [p.actual_finish for p in parts if p.actual_finish is not None]
            actual_start = min(starts, default=None)
            finished = bool(parts) and len(finishes) == len(parts)
            actual_finish = max(finishes) if finished else None
            status = "done" if finished else "in_progress" if starts else "not_started"
        forecast = plan.final[row.id]
        items.append(
            WorkItem(
                id=row.id,
                release_id=releases[row.release].id,
                parent_id=row.parent_id,
                kind=spec.kind,
                key=row.key,
                name=spec.name,
                duration=row.duration,
                not_before=row.not_before,
                owner=TEAM[spec.owner],
                component_id=components[spec.component].id if spec.component else None,
                status=status,
                percent_complete=percent,
                actual_start=actual_start,
                actual_finish=actual_finish,
                # The schedule as Gantry will compute it, so readers of the file see dates at once.
                scheduled_start=forecast.start,
                scheduled_finish=forecast.finish,
                position=position,
                notes=_item_note(row),
            )
        )
    return items


def _write_baselines(session: Session, plan: DemoPlan, releases: Sequence[Release]) -> None:
    """The release in flight was baselined twice: its first estimate when it started, then
    the plan of record (the dates its freezes and target come from) once its Go/No-Go was
    committed a few days later."""
    in_flight = 1
    ids = [row.id for row in plan.rows if row.release == in_flight]
    start = plan.starts[in_flight]
    for name, dates, day in (
        ("Initial estimate", plan.estimate, start),
        ("Plan of record", plan.baseline, plan.calendar.add_working_days(start, 3)),
    ):
        write_baseline(
            session,
            releases[in_flight].id,
            name,
            at_time(day, 9),  # zone-less: UTC
            {i: BaselineDates(dates[i].start, dates[i].finish) for i in ids},
        )


def _item_note(row: RecipeRow) -> str:
    if row.spec.ref == "gng":
        return (
            f"Committed date, {RELEASE_BUFFER} working days after the work allows; moved "
            "clear of change freezes and blackouts."
        )
    if row.spec.slip > 0 and row.actual_start is not None:
        days = "day" if row.spec.slip == 1 else "days"
        if row.release == 1:
            return f"Re-estimated: {row.spec.slip} working {days} more than planned."
        return f"Took {row.spec.slip} working {days} longer than estimated."
    if row.spec.ref == "b4" and row.release == 2:
        return "Needs the audit log export API from Atlas 3.5."
    return ""


def _write_deployments(
    session: Session,
    plan: DemoPlan,
    releases: Sequence[Release],
    environments: dict[str, Environment],
) -> None:
    calendar, today = plan.calendar, plan.today
    deployments: list[Deployment] = []

    # Booked window per environment, in minutes: production gets an evening.
    windows = {"dev": 30, "test": 60, "staging": 120, "prod": 180}

    def deploy(
        release: int,
        env: str,
        day: dt.date,
        hour: int,
        minutes: int,
        who: str,
        notes: str = "",
        outcome: str | None = None,
        incident: str = "",
        restore: int | None = None,
    ) -> dt.date:
        day = plan.deploy_day(day, env)
        past = day < today
        start = at_time(day, hour)
        # Done ones started a few minutes into their window (the go/no-go call first).
        began = start + dt.timedelta(minutes=5) if past else None
        deployments.append(
            Deployment(
                release_id=releases[release].id,
                environment_id=environments[env].id,
                window_start=start,
                window_end=start + dt.timedelta(minutes=windows[env]),
                actual_start=began,
                actual_end=began + dt.timedelta(minutes=minutes) if began else None,
                outcome=outcome or ("succeeded" if past else "planned"),
                duration_minutes=minutes if past else None,
                rolled_back=outcome == "rolled_back",
                deployed_by=TEAM[who],
                notes=notes,
                incident_ref=incident,
                restore_minutes=restore,
            )
        )
        return day

    for release, theme in enumerate(THEMES):
        build_start = plan.forecast(release, "b1").start
        for sprint in range(3):
            day = calendar.add_working_days(build_start, 5 * sprint + 4)
            deploy(
                release,
                "dev",
                day,
                10,
                12 + 3 * sprint,
                "be2",
                f"Sprint {sprint + 1} build of {theme.version}",
            )
        deploy(
            release,
            "test",
            calendar.add_working_days(plan.forecast(release, "ff").finish, 1),
            14,
            35,
            "qa",
            "Feature-complete build for the regression pass",
        )
        staging = plan.staging_day(release)
        if release == 0:
            # The first dry run failed; the runbook's rollback was exercised for real.
            failed = deploy(
                release,
                "staging",
                staging,
                18,
                52,
                "sre",
                "Migration 0142 held a lock on invoices for 9 minutes; health "
                "checks failed and the runbook's rollback steps were run.",
                outcome="failed",
                incident="INC-2291",
                restore=38,
            )
            deploy(
                release,
                "staging",
                calendar.add_working_days(failed, 1),
                18,
                41,
                "sre",
                "Dry run repeated with the migration split in two batches.",
            )
        else:
            deploy(release, "staging", staging, 18, 44, "sre", "Release candidate dry run")
        deploy(
            release,
            "prod",
            plan.prod_day(release),
            19,
            78,
            "sre",
            f"Atlas {theme.version} production release",
        )
    # A hotfix after the shipped release went live.
    hotfix = calendar.add_working_days(plan.forecast(0, "ga").finish, 6)
    deploy(0, "prod", hotfix, 19, 22, "sre", "3.4.1 hotfix: rounding of usage charges")
    session.add_all(deployments)
