"""The demo plan (a product team's three releases) and synthetic plans for benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import cast

import holidays as holiday_data
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.scheduling import (
    ItemDates,
    Kind,
    LinkType,
    ReleaseBounds,
    ScheduleItem,
    ScheduleLink,
    WorkCalendar,
    schedule,
)
from app.store import PlanStore
from models import (
    Approval,
    CalendarEntry,
    ChangeRequest,
    Checklist,
    ChecklistItem,
    Component,
    ComponentDependency,
    ComponentVersion,
    Dependency,
    Deployment,
    Environment,
    PlanSetting,
    Release,
    ReleaseNote,
    Risk,
    Runbook,
    RunbookStep,
    WorkItem,
)

Progress = Callable[[int, int], None]

HOLIDAY_COUNTRY = "US"
KEY_PREFIX = "ATL"

# The team of the demo: short handles keep the recipes below readable.
TEAM: dict[str, str] = {
    "rm": "Priya Raman",  # release manager
    "pm": "Tomás Novak",  # product manager
    "tl": "Marcus Chen",  # tech lead
    "be1": "Sofia Alvarez",  # backend engineer (billing, data)
    "be2": "Daniel Okafor",  # backend engineer (identity)
    "fe": "Hannah Lindqvist",  # web and mobile engineer
    "qa": "Kenji Watanabe",  # QA lead
    "sre": "Aisha Mensah",  # site reliability engineer
}
# Approvers from outside the team, as a change advisory board would have.
CAB_CHAIR = "Grace Holloway"
SECURITY_OFFICER = "Rafael Mendes"

# name, owner handle, repository, description
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("api-gateway", "tl", "Public REST and GraphQL entry point; authentication and rate limits."),
    ("web-app", "fe", "The customer and admin web application."),
    ("mobile-app", "fe", "iOS and Android app built from one code base."),
    ("billing-service", "be1", "Prices, rating, invoices and payments."),
    ("identity-service", "be2", "Users, organisations, single sign-on and sessions."),
    ("notification-service", "be1", "E-mail, push and in-app notifications."),
    ("data-pipeline", "be2", "Event ingestion, aggregation and audit log storage."),
    ("platform-infra", "sre", "Kubernetes clusters, databases, networking and monitoring."),
)
# component, depends on, minimum version
COMPONENT_DEPENDENCIES: tuple[tuple[str, str, str], ...] = (
    ("web-app", "api-gateway", "2.14"),
    ("mobile-app", "api-gateway", "2.14"),
    ("api-gateway", "identity-service", "4.2"),
    ("api-gateway", "billing-service", "3.7"),
    ("billing-service", "identity-service", "4.2"),
    ("billing-service", "data-pipeline", "1.9"),
    ("notification-service", "identity-service", "4.0"),
    ("data-pipeline", "platform-infra", "2025.1"),
)
# Each release bumps these (major, minor) pairs; the tuple index is the release index.
COMPONENT_VERSIONS: dict[str, tuple[str, str, str]] = {
    "api-gateway": ("2.14.0", "2.15.0", "3.0.0"),
    "web-app": ("5.8.2", "5.9.0", "5.10.0"),
    "mobile-app": ("3.4.0", "3.5.0", "3.6.0"),
    "billing-service": ("3.7.1", "3.7.4", "3.8.0"),
    "identity-service": ("4.2.0", "4.3.0", "4.3.2"),
    "notification-service": ("1.12.0", "1.12.3", "1.13.0"),
    "data-pipeline": ("1.9.0", "1.10.0", "1.11.0"),
    "platform-infra": ("2025.1", "2025.2", "2025.3"),
}

ENVIRONMENTS: tuple[tuple[str, str, str], ...] = (
    ("dev", "development", "Shared development cluster; every merge to main deploys here."),
    ("test", "test", "QA environment with anonymised production data."),
    ("staging", "staging", "Production-like; runbook dry runs and release candidates."),
    ("prod", "production", "Customer-facing production in us-east."),
)

# Working days between the natural Go/No-Go date and the committed one: the schedule buffer.
RELEASE_BUFFER = 3


# -- the release recipe ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    """One work item of a release recipe; links name other items by their `ref`."""

    ref: str
    kind: str
    name: str
    duration: int = 0
    owner: str = "rm"
    component: str | None = None
    parent: str | None = None
    # "ref", "ref SS+2", "ref FS-1", "prev:ref" (an item of the previous release)
    links: str = ""
    # Actual duration minus planned, for work that has already happened.
    slip: int = 0


@dataclass(frozen=True, slots=True)
class _Theme:
    version: str
    topic: str
    description: str
    # ref, name, duration, owner, component, links, slip; refs b1..b7 (backend), f1..f4 (web)
    backend: tuple[tuple[str, str, int, str, str, str, int], ...]
    frontend: tuple[tuple[str, str, int, str, str, str, int], ...]
    slips: dict[str, int]


THEMES: tuple[_Theme, _Theme, _Theme] = (
    _Theme(
        "3.4",
        "usage-based billing",
        "Usage-based billing: metering, tiered prices and usage on invoices.",
        backend=(
            ("b1", "Metering event schema and ingestion", 5, "be2", "data-pipeline", "m0", 0),
            ("b2", "Usage aggregation job", 4, "be2", "data-pipeline", "b1", 0),
            ("b3", "Rating engine for tiered prices", 6, "be1", "billing-service", "b1 SS+2", 2),
            ("b4", "Usage line items on invoices", 4, "be1", "billing-service", "b3", 0),
            ("b5", "Usage API endpoints", 3, "tl", "api-gateway", "b2; b3 FF", 0),
            ("b6", "Overage alert e-mails", 3, "be1", "notification-service", "b2 SS+1", 0),
            ("b7", "Backfill twelve months of usage", 2, "be2", "data-pipeline", "b2", -1),
        ),
        frontend=(
            ("f1", "Usage dashboard", 5, "fe", "web-app", "b5 SS+1", 1),
            ("f2", "Price plan editor for admins", 4, "fe", "web-app", "b3 SS+2", 0),
            ("f3", "Usage widget in the mobile app", 3, "fe", "mobile-app", "f1 SS+2", 0),
            ("f4", "Billing settings clean-up", 2, "fe", "web-app", "f2", 0),
        ),
        slips={"d2": 1, "h4": 1, "h1": -1},
    ),
    _Theme(
        "3.5",
        "enterprise single sign-on and audit logs",
        "Enterprise single sign-on (SAML, OIDC, SCIM) and a searchable audit log.",
        backend=(
            ("b1", "SAML 2.0 service provider", 6, "be2", "identity-service", "m0", 2),
            (
                "b2",
                "OIDC sign-in for Okta and Entra ID",
                4,
                "be2",
                "identity-service",
                "b1 SS+3",
                0,
            ),
            ("b3", "SCIM 2.0 provisioning API", 5, "tl", "api-gateway", "b1 FS-2", 1),
            ("b4", "Audit log event store", 4, "be1", "data-pipeline", "m0", 1),
            ("b5", "Audit log export API", 3, "be1", "api-gateway", "b4", 0),
            ("b6", "Session and token hardening", 3, "be2", "identity-service", "b2", 0),
            ("b7", "Ledger schema v2 migration", 3, "be1", "billing-service", "b5", 0),
        ),
        frontend=(
            ("f1", "SSO set-up screens", 4, "fe", "web-app", "b1 SS+2", -1),
            ("f2", "Audit log viewer", 4, "fe", "web-app", "b5 SS+1", 0),
            ("f3", "SSO sign-in on mobile", 3, "fe", "mobile-app", "f1", 0),
            ("f4", "Admin roles and permissions", 3, "fe", "web-app", "b3 FF+1", 0),
        ),
        slips={"d1": 1},
    ),
    _Theme(
        "3.6",
        "multi-region hosting and offline mobile",
        "EU data residency with a second region, and an offline mode for the mobile app.",
        backend=(
            ("b1", "Region-aware routing in the gateway", 5, "tl", "api-gateway", "m0", 0),
            ("b2", "Database replicas in eu-west", 6, "sre", "platform-infra", "m0", 0),
            ("b3", "Data residency controls", 4, "be2", "identity-service", "b2 SS+2", 0),
            # The regional export builds on the export API that the previous release ships.
            (
                "b4",
                "Audit log export to regional storage",
                3,
                "be1",
                "data-pipeline",
                "b2; prev:b5",
                0,
            ),
            ("b5", "Multi-currency invoices", 5, "be1", "billing-service", "b4", 0),
            (
                "b6",
                "Localised notification templates",
                3,
                "be1",
                "notification-service",
                "b5 SS+2",
                0,
            ),
            ("b7", "Automated failover drills", 3, "sre", "platform-infra", "b2; b1 FF+2", 0),
        ),
        frontend=(
            ("f1", "Offline mode for the mobile app", 6, "fe", "mobile-app", "b1 SS+1", 0),
            ("f2", "Sync conflict resolution", 3, "fe", "mobile-app", "f1", 0),
            ("f3", "Region picker in the admin console", 2, "fe", "web-app", "b3", 0),
            ("f4", "German and French translations", 4, "fe", "web-app", "f3 SS+1", 0),
        ),
        slips={},
    ),
)


def _recipe(theme: _Theme) -> list[_Spec]:
    """The items of one release in outline order: every release follows the same process."""
    topic = theme.topic
    specs = [
        _Spec("discovery", "phase", "Discovery"),
        _Spec("d1", "task", f"Customer interviews: {topic}", 4, "pm", parent="discovery"),
        _Spec(
            "d2", "task", f"Solution design: {topic}", 5, "tl", parent="discovery", links="d1 FS-1"
        ),
        _Spec(
            "d3",
            "task",
            "Architecture and threat-model review",
            2,
            "tl",
            parent="discovery",
            links="d2",
        ),
        _Spec(
            "d4",
            "task",
            "Backlog refinement and estimates",
            2,
            "rm",
            parent="discovery",
            links="d2 FF+1",
        ),
        _Spec("m0", "milestone", "Scope approved", parent="discovery", links="d3; d4"),
        _Spec("build", "phase", "Build"),
        _Spec("backend", "phase", "Services", parent="build"),
    ]
    for ref, name, duration, owner, component, links, slip in theme.backend:
        specs.append(_Spec(ref, "task", name, duration, owner, component, "backend", links, slip))
    specs.append(_Spec("frontend", "phase", "Web and mobile", parent="build"))
    for ref, name, duration, owner, component, links, slip in theme.frontend:
        specs.append(_Spec(ref, "task", name, duration, owner, component, "frontend", links, slip))
    specs += [
        _Spec("t1", "task", f"Test automation: {topic}", 8, "qa", parent="build", links="b1 SS+3"),
        _Spec(
            "t2",
            "task",
            "API reference and admin guide",
            3,
            "pm",
            "api-gateway",
            parent="build",
            links="b5 FF+1",
        ),
    ]
    # Feature freeze waits for every build task that nothing else in the build waits for.
    build_refs = [
        s.ref for s in specs if s.parent in ("backend", "frontend", "build") and s.kind == "task"
    ]
    waited_on = {token.split()[0] for s in specs for token in _split_links(s.links)}
    loose = [ref for ref in build_refs if ref not in waited_on]
    specs += [
        _Spec("ff", "milestone", "Feature freeze", parent="build", links="; ".join(loose)),
        _Spec("hardening", "phase", "Hardening"),
        _Spec("h1", "task", "Full regression test pass", 5, "qa", parent="hardening", links="ff"),
        _Spec(
            "h2",
            "task",
            "Performance and load testing",
            4,
            "sre",
            "platform-infra",
            "hardening",
            "ff FS+1",
        ),
        _Spec(
            "h3",
            "task",
            "Security review and penetration test",
            4,
            "tl",
            parent="hardening",
            links="ff",
        ),
        _Spec(
            "h4",
            "task",
            "Fix release-blocking defects",
            5,
            "be2",
            parent="hardening",
            links="h1 SS+2",
        ),
        _Spec("h5", "task", "Accessibility audit", 2, "fe", "web-app", "hardening", "ff"),
        _Spec(
            "h6",
            "task",
            "Release notes and customer communications",
            3,
            "pm",
            parent="hardening",
            links="ff SS+2",
        ),
        _Spec("cf", "milestone", "Code freeze", parent="hardening", links="h2; h3; h4; h5"),
        _Spec("release", "phase", "Release"),
        _Spec(
            "r1",
            "task",
            "Staging deployment and runbook dry run",
            2,
            "sre",
            "platform-infra",
            "release",
            "cf",
        ),
        _Spec(
            "r2", "task", "Release candidate regression", 2, "qa", parent="release", links="r1 SS+1"
        ),
        _Spec("r3", "task", "Support and sales enablement", 2, "pm", parent="release", links="h6"),
        _Spec("gng", "milestone", "Go/No-Go", parent="release", links="r1; r2; r3"),
        _Spec("r4", "task", "Production deployment", 1, "sre", "platform-infra", "release", "gng"),
        _Spec("ga", "milestone", "GA", parent="release", links="r4"),
    ]
    return [replace(s, slip=theme.slips.get(s.ref, s.slip)) for s in specs]


def _split_links(text: str) -> list[str]:
    return [token.strip() for token in text.split(";") if token.strip()]


def _parse_link(token: str) -> tuple[str, str, int]:
    """'b3', 'b1 SS+2' or 'd1 FS-1' -> (ref, type, lag)."""
    ref, _, rest = token.partition(" ")
    if not rest:
        return ref, "FS", 0
    kind, lag = rest[:2], rest[2:]
    return ref, kind, int(lag) if lag else 0


# -- dates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Window:
    kind: str
    name: str
    start: dt.date
    end: dt.date
    environment: str | None  # None: the whole plan

    def covers(self, day: dt.date, environment: str) -> bool:
        applies = self.environment is None or self.environment == environment
        return applies and self.start <= day <= self.end


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def _holidays(years: Iterable[int]) -> list[tuple[dt.date, str]]:
    table = holiday_data.country_holidays(HOLIDAY_COUNTRY, years=sorted(years))
    return sorted((day, str(name)) for day, name in table.items())


def _restricted_windows(years: range, around: dt.date) -> list[_Window]:
    """Year-end change freezes and quarter-end close blackouts near `around`."""
    windows = [
        _Window(
            "freeze",
            f"Year-end change freeze {year}/{year + 1}",
            dt.date(year, 12, 18),
            dt.date(year + 1, 1, 3),
            None,
        )
        for year in years
    ]
    # Finance closes the books at each quarter end; Q4 is covered by the year-end freeze.
    for year in years:
        for month in (3, 6, 9):
            end = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
            if abs((end - around).days) <= 250:
                windows.append(
                    _Window(
                        "blackout",
                        f"Q{month // 3} {year} financial close",
                        end - dt.timedelta(days=2),
                        end + dt.timedelta(days=2),
                        "prod",
                    )
                )
    return windows


def _deploy_day(
    day: dt.date, environment: str, windows: Sequence[_Window], calendar: WorkCalendar
) -> dt.date:
    """The first working day on or after `day` when `environment` may be changed."""
    day = calendar.add_working_days(day, 0)
    while any(w.covers(day, environment) for w in windows if w.kind != "change_window"):
        day = calendar.add_working_days(day, 1)
    return day


# -- scheduling the recipe -------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """A recipe item placed in the plan: its id, release and the facts computed for it."""

    id: int
    release: int  # index into THEMES
    spec: _Spec
    key: str
    parent_id: int | None = None
    not_before: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None

    @property
    def duration(self) -> int:
        """The duration on file: the release in flight carries its re-estimates."""
        return self.actual_duration if self.release == 1 else self.spec.duration

    @property
    def actual_duration(self) -> int:
        spec = self.spec
        return max(1, spec.duration + spec.slip) if spec.kind == "task" else spec.duration


def _run(
    rows: Sequence[_Row],
    links: Sequence[ScheduleLink],
    calendar: WorkCalendar,
    starts: Sequence[dt.date],
    *,
    slipped: bool = False,
    with_actuals: bool = False,
) -> dict[int, ItemDates]:
    items = [
        ScheduleItem(
            row.id,
            row.key,
            cast(Kind, row.spec.kind),
            row.actual_duration if slipped else row.duration if with_actuals else row.spec.duration,
            row.release,
            row.parent_id,
            row.not_before,
            row.actual_start if with_actuals else None,
            row.actual_finish if with_actuals else None,
        )
        for row in rows
    ]
    bounds = [ReleaseBounds(i, start) for i, start in enumerate(starts)]
    return schedule(items, links, calendar, bounds, plan_start=min(starts)).items


@dataclass(slots=True)
class _Plan:
    """Everything build_demo writes, computed before anything is added to the session."""

    today: dt.date
    calendar: WorkCalendar
    holidays: list[tuple[dt.date, str]]
    windows: list[_Window]
    starts: list[dt.date]
    rows: list[_Row]
    links: list[ScheduleLink]
    baseline: dict[int, ItemDates]
    final: dict[int, ItemDates]

    def row(self, release: int, ref: str) -> _Row:
        return next(r for r in self.rows if r.release == release and r.spec.ref == ref)

    def planned(self, release: int, ref: str) -> dt.date:
        return self.baseline[self.row(release, ref).id].finish

    def forecast(self, release: int, ref: str) -> ItemDates:
        return self.final[self.row(release, ref).id]

    def deploy_day(self, day: dt.date, environment: str) -> dt.date:
        return _deploy_day(day, environment, self.windows, self.calendar)

    def prod_day(self, release: int) -> dt.date:
        return self.deploy_day(self.forecast(release, "r4").start, "prod")

    def staging_day(self, release: int) -> dt.date:
        return self.deploy_day(self.forecast(release, "r1").start, "staging")


def _plan_demo(today: dt.date, first_id: int) -> _Plan:
    years = range(today.year - 1, today.year + 2)
    holidays = _holidays(years)
    calendar = WorkCalendar([day for day, _ in holidays])
    windows = _restricted_windows(years, today)
    # One shipped about six weeks ago, one in the middle of its build, the next one starting in
    # three weeks while the current one hardens, as a team's releases overlap.
    starts = [
        _monday(today - dt.timedelta(weeks=14)),
        _monday(today - dt.timedelta(days=25)),
        _monday(today + dt.timedelta(weeks=3)),
    ]
    starts = [calendar.add_working_days(s, 0) for s in starts]

    rows: list[_Row] = []
    by_ref: list[dict[str, _Row]] = []
    number = 0
    for release, theme in enumerate(THEMES):
        refs: dict[str, _Row] = {}
        for spec in _recipe(theme):
            number += 1
            row = _Row(first_id + len(rows), release, spec, f"{KEY_PREFIX}-{number}")
            if spec.parent is not None:
                row.parent_id = refs[spec.parent].id
            refs[spec.ref] = row
            rows.append(row)
        by_ref.append(refs)
    links: list[ScheduleLink] = []
    for row in rows:
        for token in _split_links(row.spec.links):
            ref, kind, lag = _parse_link(token)
            source = by_ref[row.release]
            if ref.startswith("prev:"):
                ref, source = ref[5:], by_ref[row.release - 1]
            links.append(ScheduleLink(source[ref].id, row.id, cast(LinkType, kind), lag))

    # Commit each Go/No-Go a few working days after the work allows, moved so that the
    # production deployment the next day misses freezes and blackouts.
    natural = _run(rows, links, calendar, starts)
    for release in range(len(THEMES)):
        gng = by_ref[release]["gng"]
        day = calendar.add_working_days(natural[gng.id].finish, RELEASE_BUFFER)
        deploy = calendar.add_working_days(day, 1)
        while _deploy_day(deploy, "prod", windows, calendar) != deploy:
            day, deploy = deploy, calendar.add_working_days(deploy, 1)
        gng.not_before = day
    baseline = _run(rows, links, calendar, starts)

    # What really happened: the same network with the recipe's slips, recorded as actuals
    # for the shipped release and, up to today, for the one in flight.
    happened = _run(rows, links, calendar, starts, slipped=True)
    for row in rows:
        dates = happened[row.id]
        if row.spec.kind == "phase" or row.release == 2:
            continue
        if row.release == 0 or dates.finish < today:
            row.actual_start, row.actual_finish = dates.start, dates.finish
        elif dates.start < today and row.spec.kind == "task":
            row.actual_start = dates.start
    final = _run(rows, links, calendar, starts, with_actuals=True)
    return _Plan(today, calendar, holidays, windows, starts, rows, links, baseline, final)


# -- writing the demo ------------------------------------------------------------------------


def _require_empty(session: Session) -> None:
    if session.scalar(select(func.count()).select_from(Release)) or session.scalar(
        select(func.count()).select_from(WorkItem)
    ):
        raise ValidationError("The demo is written into an empty plan; this one has releases.")


def _next_id(session: Session) -> int:
    return (session.scalar(select(func.max(WorkItem.id))) or 0) + 1


def build_demo(store: PlanStore, today: dt.date | None = None) -> None:
    """Fill an empty plan with the Atlas Platform demo, dated around `today`."""
    today = today or dt.date.today()
    with store.transaction(reason="Demo plan") as session:
        _require_empty(session)
        plan = _plan_demo(today, _next_id(session))
        _write_demo(session, plan)


def _write_demo(session: Session, plan: _Plan) -> None:
    today = plan.today
    session.add_all(
        [
            PlanSetting(key="name", value="Atlas Platform"),
            PlanSetting(key="description", value="Demo plan: the Atlas Platform team's releases."),
            PlanSetting(key="holiday_country", value=HOLIDAY_COUNTRY),
            PlanSetting(key="work_week", value="Mon,Tue,Wed,Thu,Fri"),
            PlanSetting(key="key_prefix", value=KEY_PREFIX),
            PlanSetting(key="demo_date", value=today.isoformat()),
        ]
    )

    environments = {
        name: Environment(name=name, tier=tier, position=i, description=text)
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
    _write_components(session, components, releases)
    _write_releases(plan, releases)
    session.add_all(_work_items(plan, releases, components))
    session.flush()
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
    _write_checklists(session, plan, releases)
    _write_runbooks(session, plan, releases, environments)
    _write_changes(session, plan, releases, environments)
    _write_risks(session, releases)
    _write_notes(session, plan, releases)
    session.flush()


def _write_calendar(session: Session, plan: _Plan, environments: dict[str, Environment]) -> None:
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


def _write_components(
    session: Session, components: dict[str, Component], releases: Sequence[Release]
) -> None:
    session.add_all(
        ComponentDependency(
            component_id=components[a].id, depends_on_id=components[b].id, min_version=version
        )
        for a, b, version in COMPONENT_DEPENDENCIES
    )
    session.add_all(
        ComponentVersion(
            component_id=components[name].id, release_id=release.id, version=versions[i]
        )
        for name, versions in COMPONENT_VERSIONS.items()
        for i, release in enumerate(releases)
    )


def _write_releases(plan: _Plan, releases: Sequence[Release]) -> None:
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
    plan: _Plan, releases: Sequence[Release], components: dict[str, Component]
) -> list[WorkItem]:
    children: dict[int, list[_Row]] = {}
    for row in plan.rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)

    def leaves(row: _Row) -> list[_Row]:
        found: list[_Row] = []
        for kid in children.get(row.id, []):
            found.extend(leaves(kid) if kid.spec.kind == "phase" else [kid])
        return found

    def progress(row: _Row) -> tuple[str, int]:
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
        baseline = plan.baseline[row.id] if row.release == 1 else None
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
                baseline_start=baseline.start if baseline else None,
                baseline_finish=baseline.finish if baseline else None,
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


def _item_note(row: _Row) -> str:
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
    session: Session, plan: _Plan, releases: Sequence[Release], environments: dict[str, Environment]
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
    ) -> dt.date:
        day = plan.deploy_day(day, env)
        past = day < today
        start = _at(day, hour)
        deployments.append(
            Deployment(
                release_id=releases[release].id,
                environment_id=environments[env].id,
                window_start=start,
                window_end=start + dt.timedelta(minutes=windows[env]),
                outcome=outcome or ("succeeded" if past else "planned"),
                duration_minutes=minutes if past else None,
                rolled_back=outcome == "failed",
                deployed_by=TEAM[who],
                notes=notes,
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


GO_NO_GO: tuple[tuple[str, str], ...] = (
    ("All release-blocking defects are closed or formally waived", "QA lead"),
    ("Regression and performance test results are signed off", "QA lead"),
    ("Security review passed with no open high or critical findings", "Tech lead"),
    ("Production runbook reviewed and dry-run in staging", "SRE"),
    ("Rollback tested in staging within the change window", "SRE"),
    ("Change request approved by the change advisory board", "Release manager"),
    ("Release notes and customer communications approved", "Product manager"),
    ("Support briefed and the hypercare rota staffed", "Product manager"),
    ("Dashboards and alerts cover the new features", "SRE"),
    ("Database migrations reviewed and timed against production-size data", "Tech lead"),
)
READINESS: tuple[tuple[str, str], ...] = (
    ("On-call schedule covers the release week", "SRE"),
    ("Capacity headroom of 30% confirmed for the new services", "SRE"),
    ("Backups verified by a test restore this month", "SRE"),
    ("Feature flags default to off for the new features", "Tech lead"),
    ("Support knowledge-base articles published", "Product manager"),
    ("Customer success has the pilot customer list", "Product manager"),
    ("Third-party identity providers' test tenants are available", "Tech lead"),
    ("Status page incident template prepared", "Release manager"),
)
POST_RELEASE: tuple[tuple[str, str], ...] = (
    ("Error rates back to baseline within 48 hours", "SRE"),
    ("No customer-reported regressions left open", "QA lead"),
    ("Failed staging dry run reviewed; migration guideline updated", "Tech lead"),
    ("Release metrics recorded (lead time, change failure rate)", "Release manager"),
)
ROLE_PEOPLE = {
    "QA lead": TEAM["qa"],
    "Tech lead": TEAM["tl"],
    "SRE": TEAM["sre"],
    "Release manager": TEAM["rm"],
    "Product manager": TEAM["pm"],
}


# status, when, comment
_Answer = tuple[str, dt.datetime, str]


def _checklist(
    release: Release | None,
    kind: str,
    name: str,
    entries: Sequence[tuple[str, str]],
    answers: dict[int, _Answer] | None = None,
) -> tuple[Checklist, list[ChecklistItem]]:
    """A checklist (a template when `release` is None) and its items, some answered."""
    checklist = Checklist(
        release_id=release.id if release else None,
        is_template=release is None,
        kind=kind,
        name=name,
    )
    items = []
    for position, (text, role) in enumerate(entries):
        item = ChecklistItem(position=position, text=text, owner_role=role)
        if answers and position in answers:
            item.status, item.checked_at, item.comment = answers[position]
            item.checked_by = ROLE_PEOPLE[role]
        items.append(item)
    return checklist, items


def _write_checklists(session: Session, plan: _Plan, releases: Sequence[Release]) -> None:
    shipped_gng = plan.forecast(0, "gng").finish
    review = _at(plan.calendar.add_working_days(shipped_gng, 8), 11)
    # The release in flight had its first checks answered over the last few days.
    day = plan.calendar.add_working_days(plan.today, -2)
    lists = [
        _checklist(None, "go_no_go", "Go/No-Go", GO_NO_GO),
        _checklist(None, "readiness", "Operational readiness", READINESS),
        _checklist(None, "post_release", "Post-release review", POST_RELEASE),
        _checklist(
            releases[0],
            "go_no_go",
            "Go/No-Go: Atlas 3.4",
            GO_NO_GO,
            {i: ("yes", _at(shipped_gng, 15, 5 * i), "") for i in range(len(GO_NO_GO))},
        ),
        _checklist(
            releases[0],
            "post_release",
            "Post-release review: Atlas 3.4",
            POST_RELEASE,
            {i: ("yes", review, "") for i in range(len(POST_RELEASE))},
        ),
        _checklist(
            releases[1],
            "go_no_go",
            "Go/No-Go: Atlas 3.5",
            GO_NO_GO,
            {
                0: (
                    "no",
                    _at(day, 9, 30),
                    "Two P1 defects open against SAML sign-in; fixes are in review.",
                ),
                2: ("yes", _at(day, 10, 5), "Penetration test: two low findings, both accepted."),
                6: ("yes", _at(day, 11, 40), "Notes approved by product and legal."),
                9: ("yes", _at(day, 14, 15), "Batch 1 runs 11 minutes on a production copy."),
            },
        ),
        _checklist(
            releases[1],
            "readiness",
            "Operational readiness: Atlas 3.5",
            READINESS,
            {
                0: ("yes", _at(day, 14), ""),
                1: ("yes", _at(day, 14, 20), "Load test at 1.5x peak: 41% headroom."),
                2: ("yes", _at(day, 15), "Test restore of last month's snapshot took 37 minutes."),
                3: ("not_applicable", _at(day, 15, 5), "SSO is opt-in per organisation."),
            },
        ),
    ]
    session.add_all(checklist for checklist, _ in lists)
    session.flush()
    for checklist, items in lists:
        for item in items:
            item.checklist_id = checklist.id
        session.add_all(items)


# section, title, owner role, minutes, instructions, verification, rollback
RUNBOOK: tuple[tuple[str, str, str, int, str, str, str], ...] = (
    (
        "Preparation",
        "Confirm change request approval",
        "Release manager",
        5,
        "Open the change request and check every approval is recorded as approved.",
        "All approvals show 'approved' with a name and time.",
        "Stop: do not start without an approved change.",
    ),
    (
        "Preparation",
        "Announce the maintenance window",
        "Release manager",
        5,
        "Post the start notice on the status page and in #atlas-releases.",
        "Status page shows 'Scheduled maintenance in progress'.",
        "Post a cancellation notice.",
    ),
    (
        "Preparation",
        "Freeze merges to the release branch",
        "Tech lead",
        5,
        "Enable branch protection 'release-freeze' on release/x.y.",
        "A test push to the branch is rejected.",
        "Remove the branch protection rule.",
    ),
    (
        "Preparation",
        "Take a database snapshot",
        "SRE",
        15,
        "Run `atlasctl db snapshot --all --tag pre-release` and wait for completion.",
        "Snapshot list shows all 4 databases tagged pre-release, status available.",
        "None needed; snapshots are kept 14 days.",
    ),
    (
        "Preparation",
        "Scale up the worker pool",
        "SRE",
        10,
        "Set the migration worker pool to 12 replicas to speed up backfills.",
        "`kubectl get deploy migration-worker` shows 12/12 ready.",
        "Scale the worker pool back to 4 replicas.",
    ),
    (
        "Preparation",
        "Open the release bridge call",
        "Release manager",
        5,
        "Start the bridge and check the SRE, DBA, QA and support leads have joined.",
        "Roll call complete.",
        "",
    ),
    (
        "Deployment",
        "Enable maintenance mode for admin APIs",
        "SRE",
        2,
        "Run `atlasctl maintenance on --scope admin`.",
        "Admin API returns 503 with the maintenance message; public API still serves.",
        "Run `atlasctl maintenance off --scope admin`.",
    ),
    (
        "Deployment",
        "Apply database migrations (batch 1)",
        "DBA",
        15,
        "Run `atlasctl migrate --batch 1` against the primary.",
        "Migration log ends with 'batch 1 complete'; no lock waits above 5 s.",
        "Run `atlasctl migrate --down --batch 1`.",
    ),
    (
        "Deployment",
        "Apply database migrations (batch 2)",
        "DBA",
        15,
        "Run `atlasctl migrate --batch 2`; watch replication lag on the dashboard.",
        "Replica lag below 2 s after the batch.",
        "Run `atlasctl migrate --down --batch 2`.",
    ),
    (
        "Deployment",
        "Deploy identity-service",
        "SRE",
        8,
        "Promote the release image with `atlasctl deploy identity-service --canary 10`.",
        "Canary error rate at or below baseline for 5 minutes.",
        "Run `atlasctl rollback identity-service`.",
    ),
    (
        "Deployment",
        "Deploy data-pipeline",
        "SRE",
        8,
        "Run `atlasctl deploy data-pipeline`.",
        "Ingestion lag back under 30 s.",
        "Run `atlasctl rollback data-pipeline`.",
    ),
    (
        "Deployment",
        "Deploy billing-service",
        "SRE",
        8,
        "Run `atlasctl deploy billing-service`.",
        "Invoice preview for the test organisation renders.",
        "Run `atlasctl rollback billing-service`.",
    ),
    (
        "Deployment",
        "Deploy api-gateway",
        "SRE",
        8,
        "Run `atlasctl deploy api-gateway --canary 10`, then promote to 100%.",
        "p95 latency within 10% of last week's.",
        "Run `atlasctl rollback api-gateway`.",
    ),
    (
        "Deployment",
        "Deploy web-app",
        "SRE",
        5,
        "Run `atlasctl deploy web-app` and purge the CDN cache.",
        "The footer shows the new version.",
        "Run `atlasctl rollback web-app` and purge the CDN cache.",
    ),
    (
        "Deployment",
        "Publish the mobile app release",
        "Tech lead",
        10,
        "Release the approved builds in App Store Connect and Google Play (phased 10%).",
        "Both stores list the new version as available.",
        "Halt the phased rollout in both stores.",
    ),
    (
        "Deployment",
        "Disable maintenance mode",
        "SRE",
        2,
        "Run `atlasctl maintenance off --scope admin`.",
        "Admin API answers 200 on /health.",
        "Re-enable maintenance mode.",
    ),
    (
        "Verification",
        "Run the production smoke test suite",
        "QA lead",
        15,
        "Start the 'prod-smoke' pipeline and watch it to the end.",
        "All 64 smoke tests pass.",
        "Go to the Rollback section.",
    ),
    (
        "Verification",
        "Sign in with SAML on the pilot tenant",
        "QA lead",
        5,
        "Sign in to the pilot tenant through its identity provider.",
        "Sign-in succeeds and an audit log entry 'user.login.saml' appears.",
        "Disable SSO for the pilot tenant.",
    ),
    (
        "Verification",
        "Check dashboards and alerts",
        "SRE",
        10,
        "Review the release dashboard: error rates, latency, queue depth.",
        "No alert fired; error rate at or below baseline.",
        "Go to the Rollback section.",
    ),
    (
        "Verification",
        "Confirm with support",
        "Product manager",
        5,
        "Ask the support lead whether any tickets mention the release.",
        "No release-related tickets.",
        "",
    ),
    (
        "Verification",
        "Close the maintenance window",
        "Release manager",
        5,
        "Post the completion notice on the status page and close the change request.",
        "Status page shows all systems operational.",
        "",
    ),
    (
        "Rollback",
        "Decide to roll back",
        "Release manager",
        5,
        "Roll back when verification fails and no fix is possible within 20 minutes.",
        "Decision and reason written in the bridge log.",
        "",
    ),
    (
        "Rollback",
        "Roll back the services",
        "SRE",
        15,
        "Run `atlasctl rollback --release current` (reverse order of deployment).",
        "All services report the previous version.",
        "",
    ),
    (
        "Rollback",
        "Revert the database migrations",
        "DBA",
        20,
        "Run `atlasctl migrate --down --batch 2` then `--batch 1`; restore the snapshot only "
        "if a down migration fails.",
        "Schema version equals the pre-release version.",
        "",
    ),
    (
        "Rollback",
        "Announce the rollback",
        "Release manager",
        5,
        "Update the status page and the change request with the outcome.",
        "Change request records 'rolled back' with the reason.",
        "",
    ),
)


def _write_runbooks(
    session: Session, plan: _Plan, releases: Sequence[Release], environments: dict[str, Environment]
) -> None:
    people = {
        "Release manager": TEAM["rm"],
        "Tech lead": TEAM["tl"],
        "SRE": TEAM["sre"],
        "DBA": TEAM["be1"],
        "QA lead": TEAM["qa"],
        "Product manager": TEAM["pm"],
    }
    books = [
        Runbook(
            release_id=releases[i].id,
            environment_id=environments["prod"].id,
            name=f"Atlas {THEMES[i].version} production deployment",
        )
        for i in (0, 1)
    ]
    session.add_all(books)
    session.flush()
    clock = _at(plan.prod_day(0), 19)
    for position, (
        section,
        title,
        role,
        minutes,
        instructions,
        verification,
        rollback,
    ) in enumerate(RUNBOOK):
        is_rollback = section == "Rollback"
        for book in books:
            step = RunbookStep(
                runbook_id=book.id,
                section=section,
                position=position,
                title=title,
                owner_role=role,
                duration_minutes=minutes,
                instructions=instructions,
                verification=verification,
                rollback=rollback,
                is_rollback=is_rollback,
            )
            if book is books[0]:
                # The shipped release's run: every step done in order, no rollback needed.
                if is_rollback:
                    step.outcome = "skipped"
                else:
                    step.started_at = clock
                    clock += dt.timedelta(minutes=minutes + (3 if position % 4 == 1 else 0))
                    step.finished_at = clock
                    step.executed_by = people[role]
                    step.outcome = "done"
            session.add(step)


def _write_changes(
    session: Session, plan: _Plan, releases: Sequence[Release], environments: dict[str, Environment]
) -> None:
    calendar, today = plan.calendar, plan.today
    prod = environments["prod"].id

    def window(release: int) -> tuple[dt.datetime, dt.datetime]:
        day = plan.prod_day(release)
        return _at(day, 19), _at(day, 22)

    hotfix = plan.deploy_day(calendar.add_working_days(plan.forecast(0, "ga").finish, 6), "prod")
    shipped_gng = plan.forecast(0, "gng").finish
    recent = calendar.add_working_days(today, -1)
    ApprovalSpec = tuple[str, str, str, str, dt.datetime | None]
    changes: list[tuple[ChangeRequest, list[ApprovalSpec]]] = [
        (
            ChangeRequest(
                release_id=releases[0].id,
                key="CHG-2041",
                category="normal",
                title="Deploy Atlas 3.4 to production",
                status="closed",
                risk_level="medium",
                requested_by=TEAM["rm"],
                environment_id=prod,
                description="Usage-based billing; 3 database migrations.",
                window_start=window(0)[0],
                window_end=window(0)[1],
            ),
            [
                (
                    TEAM["tl"],
                    "Tech lead",
                    "approved",
                    "Technical review complete",
                    _at(shipped_gng, 11),
                ),
                (
                    CAB_CHAIR,
                    "Change advisory board chair",
                    "approved",
                    "Approved for production deployment",
                    _at(shipped_gng, 16),
                ),
                (
                    TEAM["pm"],
                    "Product owner",
                    "approved",
                    "Business risk accepted",
                    _at(shipped_gng, 16, 30),
                ),
            ],
        ),
        (
            ChangeRequest(
                release_id=releases[0].id,
                key="CHG-2047",
                category="emergency",
                title="Hotfix 3.4.1: rounding of usage charges",
                status="implemented",
                risk_level="low",
                requested_by=TEAM["be1"],
                environment_id=prod,
                description="Usage charges were rounded per event instead of per invoice line.",
                window_start=_at(hotfix, 19),
                window_end=_at(hotfix, 20),
            ),
            [
                (
                    CAB_CHAIR,
                    "Change advisory board chair",
                    "approved",
                    "Emergency change approved",
                    _at(hotfix, 14, 45),
                )
            ],
        ),
        (
            ChangeRequest(
                release_id=releases[1].id,
                key="CHG-2063",
                category="normal",
                title="Deploy Atlas 3.5 to production",
                status="submitted",
                risk_level="high",
                requested_by=TEAM["rm"],
                environment_id=prod,
                description="Single sign-on and audit logs; sign-in path changes for every user.",
                window_start=window(1)[0],
                window_end=window(1)[1],
            ),
            [
                (
                    TEAM["tl"],
                    "Tech lead",
                    "approved",
                    "Technical review complete",
                    _at(recent, 10, 15),
                ),
                (
                    SECURITY_OFFICER,
                    "Security officer",
                    "pending",
                    "Security review of the identity changes",
                    None,
                ),
                (
                    CAB_CHAIR,
                    "Change advisory board chair",
                    "pending",
                    "Approved for production deployment",
                    None,
                ),
            ],
        ),
        (
            ChangeRequest(
                release_id=releases[1].id,
                key="CHG-2064",
                category="standard",
                title="Enable SAML for three pilot customers",
                status="draft",
                risk_level="low",
                requested_by=TEAM["pm"],
                environment_id=prod,
            ),
            [],
        ),
        (
            ChangeRequest(
                release_id=releases[2].id,
                key="CHG-2070",
                category="normal",
                title="Provision database replicas in eu-west",
                status="draft",
                risk_level="medium",
                requested_by=TEAM["sre"],
                environment_id=prod,
            ),
            [],
        ),
    ]
    session.add_all(change for change, _ in changes)
    session.flush()
    for change, approvals in changes:
        session.add_all(
            Approval(
                change_request_id=change.id,
                approver=who,
                role=role,
                decision=decision,
                meaning=meaning,
                decided_at=at,
                comment="Reviewed in the CAB meeting." if at and who == CAB_CHAIR else "",
            )
            for who, role, decision, meaning, at in approvals
        )


def _write_risks(session: Session, releases: Sequence[Release]) -> None:
    # release index (None: the whole plan), title, likelihood, impact, mitigation, owner, status
    risks: tuple[tuple[int | None, str, int, int, str, str, str], ...] = (
        (
            0,
            "Usage backfill slower than estimated on production data",
            3,
            3,
            "Backfill in monthly batches outside business hours.",
            "be2",
            "closed",
        ),
        (
            1,
            "Customer identity providers behave differently from our test tenants",
            4,
            4,
            "Pilot with three customers behind a feature flag before general availability.",
            "be2",
            "mitigating",
        ),
        (
            1,
            "Audit log volume exceeds the storage estimate",
            3,
            3,
            "Tiered retention: 90 days hot, then object storage.",
            "be1",
            "open",
        ),
        (
            1,
            "Tech lead on leave for a week during hardening",
            2,
            4,
            "Security review handed to the backend engineers with a written checklist.",
            "tl",
            "accepted",
        ),
        (
            1,
            "Release-blocking defects in SAML sign-in delay Go/No-Go",
            3,
            5,
            "Daily defect triage; fallback is to ship SSO disabled by default.",
            "qa",
            "open",
        ),
        (
            2,
            "Replication lag to eu-west exceeds the 5 s SLA",
            3,
            5,
            "Load test with production-size data before committing the GA date.",
            "sre",
            "open",
        ),
        (
            2,
            "Offline sync conflicts lose user edits",
            2,
            5,
            "Conflict resolution keeps both versions until the user picks one.",
            "fe",
            "open",
        ),
        (
            None,
            "One SRE approves and runs every production change",
            3,
            3,
            "Train a second engineer on the runbooks; pair on the next two releases.",
            "rm",
            "mitigating",
        ),
    )
    session.add_all(
        Risk(
            release_id=releases[i].id if i is not None else None,
            key=f"RISK-{n}",
            title=title,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            owner=TEAM[owner],
            status=status,
        )
        for n, (i, title, likelihood, impact, mitigation, owner, status) in enumerate(risks, 1)
    )


def _write_notes(session: Session, plan: _Plan, releases: Sequence[Release]) -> None:
    # release index, category, title, body, item ref or ""
    notes: tuple[tuple[int, str, str, str, str], ...] = (
        (
            0,
            "feature",
            "Usage-based billing",
            "Charge for API calls, storage and seats with tiered prices.",
            "b3",
        ),
        (
            0,
            "feature",
            "Usage dashboard",
            "See this month's usage and projected charges at a glance.",
            "f1",
        ),
        (
            0,
            "improvement",
            "Faster invoices",
            "Invoices for large organisations are generated three times faster.",
            "b4",
        ),
        (
            0,
            "fix",
            "No more duplicated tax lines",
            "Invoices with several tax regions no longer repeat a line.",
            "",
        ),
        (
            0,
            "security",
            "TLS library updated",
            "The API gateway uses the latest patch release of its TLS library.",
            "",
        ),
        (
            0,
            "known_issue",
            "Usage charts can lag",
            "Charts may be up to 15 minutes behind real usage.",
            "",
        ),
        (
            1,
            "feature",
            "Single sign-on with SAML and OIDC",
            "Sign in through Okta, Entra ID or any SAML 2.0 identity provider.",
            "b1",
        ),
        (
            1,
            "feature",
            "Audit log",
            "Search and export who did what, and when, across your organisation.",
            "f2",
        ),
        (
            1,
            "feature",
            "Automatic user provisioning (SCIM)",
            "Create and deactivate users from your identity provider.",
            "b3",
        ),
        (
            1,
            "fix",
            "Exports keep the organisation's time zone",
            "CSV exports no longer convert timestamps to UTC.",
            "",
        ),
        (
            1,
            "breaking",
            "API keys need scopes",
            "API keys created before 2023 without scopes stop working; re-issue them.",
            "",
        ),
        (
            1,
            "known_issue",
            "SCIM deprovisioning for Google Workspace",
            "Not supported yet; deactivate those users by hand.",
            "",
        ),
        (
            2,
            "feature",
            "EU data residency",
            "Keep your organisation's data in the EU region.",
            "b3",
        ),
        (
            2,
            "feature",
            "Offline mode on mobile",
            "Work without a connection; changes sync when you are back online.",
            "f1",
        ),
    )
    positions = [0] * len(releases)
    for i, category, title, body, ref in notes:
        session.add(
            ReleaseNote(
                release_id=releases[i].id,
                category=category,
                title=title,
                body=body,
                position=positions[i],
                work_item_id=plan.row(i, ref).id if ref else None,
            )
        )
        positions[i] += 1


# -- synthetic plans -------------------------------------------------------------------------

_SYN_VERBS = (
    "Design",
    "Implement",
    "Review",
    "Test",
    "Migrate",
    "Refactor",
    "Document",
    "Automate",
    "Harden",
    "Integrate",
    "Profile",
    "Upgrade",
    "Instrument",
    "Deploy",
)
_SYN_SUBJECTS = (
    "checkout flow",
    "search index",
    "payment retries",
    "user onboarding",
    "rate limiter",
    "audit export",
    "session store",
    "billing reports",
    "feature flags",
    "notification queue",
    "access policies",
    "data retention job",
    "tenant isolation",
    "image pipeline",
    "recommendations",
    "mobile sync",
    "admin console",
    "webhooks",
    "cache layer",
    "SSO login",
    "price catalogue",
    "usage metering",
    "order history",
    "invoice PDFs",
    "report builder",
)
_SYN_PHASES = (
    "Discovery",
    "Design",
    "Build",
    "Integration",
    "Hardening",
    "Rollout",
    "Migration",
    "Pilot",
)
_SYN_MILESTONES = (
    "Design sign-off",
    "Feature complete",
    "Integration done",
    "Beta",
    "Release candidate",
    "Launch readiness",
)
_SYN_COMPONENTS = (
    "api",
    "web",
    "mobile",
    "billing",
    "identity",
    "search",
    "data",
    "infra",
    "notifications",
    "reporting",
    "payments",
    "platform",
)
_SYN_FIRST, _SYN_LAST = (
    (
        "Alex",
        "Bea",
        "Chidi",
        "Dana",
        "Elif",
        "Farid",
        "Grete",
        "Hiro",
        "Ines",
        "Jonas",
        "Kemi",
        "Lars",
        "Mei",
        "Nadia",
        "Omar",
        "Paula",
        "Quinn",
        "Ravi",
        "Sana",
        "Theo",
    ),
    ("Kowalski", "Nguyen", "Haddad", "Moreau", "Schmidt", "Tanaka", "Silva", "Ivanova"),
)
SYNTHETIC_START = dt.date(2025, 1, 6)  # fixed, so a seed always gives the same plan
SYNTHETIC_CHUNK = 5_000
_ITEMS_PER_RELEASE = 3_500


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` sizes within ±40% of the mean that add up exactly."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


def build_synthetic(
    store: PlanStore, size: int, seed: int = 7, progress: Progress | None = None
) -> None:
    """Fill an empty plan with `size` work items of realistic shape, for benchmarks."""
    if size < 1:
        raise ValidationError("A synthetic plan needs at least one work item.")
    rng = random.Random(seed)
    release_count = max(1, round(size / _ITEMS_PER_RELEASE))
    sizes = _split(size, release_count, rng)
    people = [f"{first} {last}" for first in _SYN_FIRST for last in _SYN_LAST][::4]

    with store.transaction(reason=f"Synthetic plan of {size:,} work items") as session:
        _require_empty(session)
        years = range(SYNTHETIC_START.year, SYNTHETIC_START.year + release_count // 4 + 3)
        session.add_all(
            [
                PlanSetting(key="name", value=f"Synthetic plan ({size:,} items, seed {seed})"),
                PlanSetting(key="holiday_country", value=HOLIDAY_COUNTRY),
            ]
        )
        session.add_all(
            CalendarEntry(kind="holiday", name=name, start_date=day, end_date=day)
            for day, name in _holidays(years)
        )
        components = [Component(name=name, owner=rng.choice(people)) for name in _SYN_COMPONENTS]
        releases = [
            Release(
                name=f"Synthetic {r + 1}",
                version=f"{r + 1}.0",
                position=r,
                status="in_progress" if r == 0 else "planned",
                start_date=SYNTHETIC_START + dt.timedelta(weeks=13 * r),
                owner=rng.choice(people),
            )
            for r in range(release_count)
        ]
        session.add_all([*components, *releases])
        session.flush()
        component_ids = [c.id for c in components]
        writer = _SyntheticWriter(session, rng, size, people, component_ids, progress)
        for r, release in enumerate(releases):
            writer.release(release.id, sizes[r])
        writer.flush()


class _SyntheticWriter:
    """Generates items and links release by release and writes them in chunks."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        total: int,
        people: list[str],
        component_ids: list[int],
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.rng = rng
        self.next_id = (session.scalar(select(func.max(WorkItem.id))) or 0) + 1
        self.next_link_id = (session.scalar(select(func.max(Dependency.id))) or 0) + 1
        self.total = total
        self.written = 0
        self.people = people
        self.component_ids = component_ids
        self.progress = progress
        self.pending: list[WorkItem | Dependency] = []
        self.pending_items = 0
        self.previous: list[list[int]] = []  # the previous release's streams
        self.until_milestone = rng.randint(20, 30)

    def release(self, release_id: int, count: int) -> None:
        rng = self.rng
        remaining = count
        phases = 0
        # Parallel workstreams of ~70 items keep a release's critical path at a few months;
        # links mostly stay inside a stream, and a link from another stream or the previous
        # release comes from an item no further along its stream, so paths do not snowball.
        streams: list[list[int]] = [[] for _ in range(max(1, count // 70))]
        position = 0
        while remaining > 0:
            if remaining <= 41:
                kids = remaining - 1
            else:
                kids = rng.randint(10, 40)
                if remaining - 1 - kids < 11:  # never leave a stub phase at the end
                    kids = remaining - 12
            stream = streams[phases % len(streams)]
            phase_id = self._item(
                release_id,
                None,
                "phase",
                f"{_SYN_PHASES[phases % len(_SYN_PHASES)]} {phases + 1}",
                0,
                position,
            )
            position += 1
            phases += 1
            for _ in range(kids):
                self.until_milestone -= 1
                if self.until_milestone <= 0:
                    self.until_milestone = rng.randint(20, 30)
                    kind, duration = "milestone", 0
                    name = f"{rng.choice(_SYN_MILESTONES)} {phases}"
                else:
                    kind, duration = "task", rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 8, 10))
                    name = f"{rng.choice(_SYN_VERBS)} {rng.choice(_SYN_SUBJECTS)}"
                item_id = self._item(release_id, phase_id, kind, name, duration, position)
                position += 1
                self._links(item_id, stream, streams)
                stream.append(item_id)
            remaining -= kids + 1
            if self.pending_items >= SYNTHETIC_CHUNK:
                self.flush()
        self.previous = streams

    def _item(
        self,
        release_id: int,
        parent_id: int | None,
        kind: str,
        name: str,
        duration: int,
        position: int,
    ) -> int:
        item_id = self.next_id
        self.next_id += 1
        rng = self.rng
        # Ids are given rather than returned by the database: links refer to items without a
        # flush, and the inserts run as plain executemany batches.
        self.pending.append(
            WorkItem(
                id=item_id,
                release_id=release_id,
                parent_id=parent_id,
                kind=kind,
                key=f"SYN-{item_id}",
                name=name,
                duration=duration,
                position=position,
                owner=rng.choice(self.people) if kind == "task" else "",
                component_id=rng.choice(self.component_ids) if kind == "task" else None,
            )
        )
        self.pending_items += 1
        return item_id

    def _links(self, item_id: int, stream: list[int], streams: list[list[int]]) -> None:
        rng = self.rng
        stage = len(stream)
        # 1, 2 or 3 predecessors: about 2.1 per linked item, so ~2 per item with phases.
        wanted = rng.choices((1, 2, 3), weights=(25, 40, 35))[0]
        chosen: set[int] = set()
        for _ in range(4 * wanted):
            if len(chosen) == wanted:
                break
            roll = rng.random()
            if roll < 0.03 and self.previous:
                pool = rng.choice(self.previous)
            elif roll < 0.15 or stage < 2:
                pool = rng.choice(streams)
            else:
                pool = stream
            # Only items at an earlier stage of their stream, recent ones likelier.
            top = min(len(pool), stage) - 1
            if top < 0:
                continue
            chosen.add(pool[max(0, top - int(rng.expovariate(0.3)))])
        for pred in sorted(chosen):
            roll = rng.random()
            if roll < 0.8:
                kind, lag = "FS", rng.choice((0, 0, 0, 0, 0, 0, 1, 2, 3, -1, -2))
            elif roll < 0.9:
                kind, lag = "SS", rng.choice((0, 1, 2, 3))
            else:
                kind, lag = "FF", rng.choice((0, 0, 1, 2, -1))
            self.pending.append(
                Dependency(
                    id=self.next_link_id,
                    predecessor_id=pred,
                    successor_id=item_id,
                    type=kind,
                    lag=lag,
                )
            )
            self.next_link_id += 1

    def flush(self) -> None:
        if not self.pending:
            return
        # Items go in before the links that point at them: add_all keeps the order per table.
        self.session.add_all(self.pending)
        self.session.flush()
        self.written += self.pending_items
        self.pending = []
        self.pending_items = 0
        # Forget the written objects so memory stays flat at 100,000 items.
        self.session.expunge_all()
        if self.progress:
            self.progress(self.written, self.total)
