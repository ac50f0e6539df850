"""The demo plan's recipe: team, releases, items and links, and their dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import cast

from app.holiday_sets import public_holidays
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
ENVIRONMENTS: tuple[tuple[str, str, str], ...] = (
    ("dev", "development", "Shared development cluster; every merge to main deploys here."),
    ("test", "test", "QA environment with anonymised production data."),
    ("staging", "staging", "Production-like; runbook dry runs and release candidates."),
    ("prod", "production", "Customer-facing production in us-east."),
)
# Who runs each environment (a TEAM handle).
ENVIRONMENT_OWNERS = {"dev": "tl", "test": "qa", "staging": "sre", "prod": "sre"}

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


def at_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def demo_years(today: dt.date) -> range:
    """The years the demo's holidays and restricted windows cover."""
    return range(today.year - 1, today.year + 2)


def holiday_dates(years: Iterable[int]) -> list[tuple[dt.date, str]]:
    """The demo country's holidays, as the working calendar takes a country's holidays."""
    return sorted(public_holidays(HOLIDAY_COUNTRY, "", years).items())


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
class RecipeRow:
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
    rows: Sequence[RecipeRow],
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
class DemoPlan:
    """Everything build_demo writes, computed before anything is added to the session."""

    today: dt.date
    calendar: WorkCalendar
    holidays: list[tuple[dt.date, str]]
    windows: list[_Window]
    starts: list[dt.date]
    rows: list[RecipeRow]
    links: list[ScheduleLink]
    estimate: dict[int, ItemDates]  # the first schedule, before the Go/No-Go was committed
    baseline: dict[int, ItemDates]  # the committed plan
    final: dict[int, ItemDates]

    def row(self, release: int, ref: str) -> RecipeRow:
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


def plan_demo(today: dt.date, first_id: int) -> DemoPlan:
    years = demo_years(today)
    holidays = holiday_dates(years)
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

    rows: list[RecipeRow] = []
    by_ref: list[dict[str, RecipeRow]] = []
    number = 0
    for release, theme in enumerate(THEMES):
        refs: dict[str, RecipeRow] = {}
        for spec in _recipe(theme):
            number += 1
            row = RecipeRow(first_id + len(rows), release, spec, f"{KEY_PREFIX}-{number}")
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
        # A decision taken on day D places the Go/No-Go at the start of D, so the deployment
        # that follows it is booked into its window the next day explicitly.
        by_ref[release]["r4"].not_before = deploy
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
    return DemoPlan(
        today, calendar, holidays, windows, starts, rows, links, natural, baseline, final
    )
