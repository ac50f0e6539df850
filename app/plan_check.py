"""`gantry check`: what in the plan conflicts with its own rules, one finding per line.

Findings come from four places:
- **schedule**: a dependency cycle or anything else that stops the schedule;
- **train**: the release train's collisions (app/release_train.py: go-lives and code freezes
  in freeze or blackout windows, deployments in them, go-lives too close, late releases,
  overlapping hardening), a go-live or a deployment with the next free day suggested;
- **window**: a change request that is still to be carried out whose planned window meets a
  freeze or blackout covering its environment, and a planned deployment or open change whose
  window is not whole inside one occurrence of its environment's change windows (when it has
  any; a change made in several environments is carried out in one window, so one of theirs
  must hold it; app/window_times.py expands recurring, clock-time windows in their time zone,
  holidays skipped); each with a suggestion: the next occurrence that fits the planned duration and
  meets no freeze or blackout (the plan's times, in its time zone), else the next free day;
- **promotion**: a production deployment still to come for a release that has no staging
  deployment before it that succeeded or is still planned (going to production without
  staging);
- **baseline**: a release not yet shipped whose scheduled finish is later than its finish in
  its newest baseline;
- **component**: a release not yet shipped whose configuration baseline breaks a dependency's
  version constraint, and two releases in flight that change the same component in
  overlapping windows (app/components.py).

History is left alone, as on the train: a release with an actual date and a deployment with an
outcome are what happened.

A check is taken in two steps so the window can run it off its GUI thread: `gather` copies what
it needs from the plan state on the thread that owns the state (the train, the schedule's
problems, the windows' entries, the baseline variances), and `run_check` works on that copy,
reading the rest (changes, components) from the store through sessions of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.components import store_conflicts
from app.metrics import schedule_variance
from app.plan import Plan
from app.release_train import (
    OPEN_OUTCOMES,
    CollisionKind,
    Train,
    TrainDeployment,
    TrainEnvironment,
    TrainWindow,
)
from app.scheduling.calendar import WorkCalendar
from app.store import PlanStore
from app.window_times import FIT_HORIZON, Occurrences, WindowTiming
from models import ChangeEnvironment, ChangeRequest

# Changes whose window is still to come; the others were carried out or will not be.
OPEN_CHANGES = frozenset({"draft", "submitted", "approved"})
STAGING, PRODUCTION = "staging", "production"
LOOK_AHEAD_DAYS = 400  # how far a free day is looked for
# Whether a change window is open on a day (by default: the day is in its dates).
Opens = Callable[[TrainWindow, dt.date], bool]


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding, and where it is when the area knows: the window and the chart use the
    place (`line()` stays the CLI's text, whatever is known). A finding about two releases
    (both change a component at once, go live close together) is one finding, counted once,
    placed on the first; `other_places` puts its mark on the others too."""

    area: str  # schedule | train | window | promotion | baseline | component
    message: str
    suggestion: str = ""
    release_id: int | None = None
    environment_id: int | None = None
    change_id: int | None = None
    deployment_id: int | None = None
    day: dt.date | None = None
    severity: str = "error"  # error | warning: a warning is a risk, not a broken rule
    other_places: tuple[tuple[int, dt.date], ...] = ()  # (release id, day) of the others

    def places(self) -> tuple[tuple[int, dt.date], ...]:
        """Each release the finding is about, with the day its mark goes on (its own first;
        none without a day)."""
        if self.release_id is None or self.day is None:
            return self.other_places
        return ((self.release_id, self.day), *self.other_places)

    def line(self) -> str:
        more = f" Next free day: {self.suggestion}." if self.suggestion else ""
        return f"{self.area}: {self.message}{more}"


# Collisions that break a window's rule are errors; the others are risks to weigh.
_SEVERITY = {
    CollisionKind.GO_LIVE_IN_WINDOW: "error",
    CollisionKind.CODE_FREEZE_IN_WINDOW: "error",
    CollisionKind.DEPLOYMENT_IN_WINDOW: "error",
    CollisionKind.GO_LIVES_CLOSE: "warning",
    CollisionKind.LATE: "warning",
    CollisionKind.HARDENING_OVERLAP: "warning",
}


def free_day(
    after: dt.date,
    environment: TrainEnvironment | None,
    windows: Sequence[TrainWindow],
    calendar: WorkCalendar,
    in_change_window: bool = True,
    opens: Opens = TrainWindow.covers,
) -> dt.date | None:
    """The first working day after ``after`` that no freeze or blackout covering the
    environment (production when None) closes, and that lies in one of its change windows
    when it has any (and ``in_change_window``), a window open on a day when ``opens`` says so
    (a recurring one only on its days); None when there is none within a year or so."""
    applying = [w for w in windows if _applies(w, environment)]
    restricted = [w for w in applying if w.restricted]
    allowed = [w for w in applying if w.kind == "change_window"] if in_change_window else []
    day = after
    for _ in range(LOOK_AHEAD_DAYS):
        day = calendar.add_working_days(day + dt.timedelta(days=1), 0)
        if any(w.covers(day) for w in restricted):
            continue
        if allowed and not any(opens(w, day) for w in allowed):
            continue
        return day
    return None


def _applies(window: TrainWindow, environment: TrainEnvironment | None) -> bool:
    if window.environment is None:
        return True
    if environment is None:
        return window.environment.production
    return window.environment.id == environment.id


@dataclass(frozen=True, slots=True)
class CheckInputs:
    """What a check reads from the plan state, copied on the thread that owns it."""

    store: PlanStore
    today: dt.date
    problems: tuple[str, ...]
    train: Train
    zone: str  # the plan's time zone, that planned windows are typed in
    entries: Mapping[int, Any]  # the calendar entries (immutable records) by id
    variances: Mapping[int, tuple[str | None, int | None]]  # release id: baseline, days later


def gather(plan: Plan, today: dt.date) -> CheckInputs:
    """On the thread that owns the plan state: everything `run_check` needs from it."""
    train = plan.train.snapshot()
    return CheckInputs(
        plan.store,
        today,
        tuple(plan.state.problems()),
        train,
        plan.settings.values().time_zone,
        {e.id: e for e in plan.calendar.rows()},
        {r.id: schedule_variance(plan, r.id) for r in train.releases if r.actual_date is None},
    )


def run_check(inputs: CheckInputs) -> list[Finding]:
    """Every finding, schedule problems first, then by area as listed in the module; any
    thread may run it."""
    train = inputs.train
    calendar = WorkCalendar(train.holidays, train.workdays)
    findings = [Finding("schedule", problem) for problem in inputs.problems]
    timings = _Timings(inputs.zone, inputs.entries, train)
    findings += _train(train, calendar, timings)
    findings += _changes(inputs.store, train, calendar, timings)
    findings += _outside_change_windows(train, calendar, timings)
    findings += _promotion(train)
    findings += _baselines(inputs.variances, train)
    findings += [
        Finding(
            "component",
            c.message,
            release_id=c.release_id,
            day=c.day,
            other_places=(
                ((c.other_release_id, c.day),)
                if c.other_release_id is not None and c.day is not None
                else ()
            ),
        )
        for c in store_conflicts(inputs.store, inputs.today)
    ]
    return findings


def check_plan(plan: Plan, today: dt.date) -> list[Finding]:
    """Every finding (`run_check` of what is `gather`ed now); `today` ends the window of a
    release in flight that has no target."""
    return run_check(gather(plan, today))


def next_free(
    after: dt.date,
    environment: TrainEnvironment | None,
    windows: Sequence[TrainWindow],
    calendar: WorkCalendar,
    opens: Opens = TrainWindow.covers,
) -> str:
    """The suggestion printed with a finding: the next free day in a change window, else the
    next day no freeze or blackout closes, saying that no change window is planned then."""
    day = free_day(after, environment, windows, calendar, opens=opens)
    if day is not None:
        return day.isoformat()
    day = free_day(after, environment, windows, calendar, in_change_window=False)
    if day is None:
        return "none within a year"
    where = environment.name if environment is not None else "production"
    return f"{day.isoformat()} (no change window of {where} is planned after it yet)"


def _train(train: Train, calendar: WorkCalendar, timings: _Timings) -> list[Finding]:
    found = []
    # Open deployments by release and day: a collision names those two (looking through every
    # deployment of the release for each collision was most of a large plan's check).
    open_on: dict[tuple[int, dt.date], list[TrainDeployment]] = {}
    for deployment in train.deployments:
        if deployment.open:
            open_on.setdefault((deployment.release_id, deployment.day), []).append(deployment)
    for collision in train.collisions:
        suggestion = ""
        deployment_id: int | None = None
        environment_id: int | None = None
        if collision.kind is CollisionKind.GO_LIVE_IN_WINDOW:
            suggestion = next_free(collision.day, None, train.windows, calendar, timings.opens)
        elif collision.kind is CollisionKind.DEPLOYMENT_IN_WINDOW:
            # The train names the release and day; the free day is the environment's.
            for deployment in open_on.get((collision.release_ids[0], collision.day), []):
                closing = [
                    w
                    for w in train.windows
                    if w.restricted and w.applies_to(deployment.environment) and deployment.meets(w)
                ]
                if closing:
                    last = max(w.end_date for w in closing)
                    environment = deployment.environment
                    span = timings.span(deployment.start, deployment.end)
                    suggestion = timings.suggest(train, calendar, environment, span, last)
                    deployment_id, environment_id = deployment.id, environment.id
                    break
        found.append(
            Finding(
                "train",
                collision.message,
                suggestion,
                release_id=collision.release_ids[0],
                environment_id=environment_id,
                deployment_id=deployment_id,
                day=collision.day,
                severity=_SEVERITY[collision.kind],
                other_places=collision.spots[1:],
            )
        )
    return found


class _Timings:
    """Every window's timing, and the plan's time zone that planned windows are typed in; each
    environment's allowed and closed occurrences are expanded once per check and shared by its
    deployments and changes (see bench/bench_window_times.py)."""

    def __init__(self, zone: str, entries: Mapping[int, Any], train: Train) -> None:
        self.zone = ZoneInfo(zone)
        self.of = {
            w.id: WindowTiming.of(entries[w.id], zone, train.holidays) for w in train.windows
        }
        self._allowed: dict[int | None, Occurrences] = {}
        self._closed: dict[int | None, Occurrences] = {}
        self._free: dict[tuple[dt.date, int | None], str] = {}

    def span(self, start: dt.datetime, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
        """A planned window (the plan's wall-clock times) as aware UTC times."""
        first = start.replace(tzinfo=self.zone).astimezone(dt.UTC)
        last = (end or start).replace(tzinfo=self.zone).astimezone(dt.UTC)
        return first, last

    def opens(self, window: TrainWindow, day: dt.date) -> bool:
        """Whether a change window is open on a day: a recurring one on its days only."""
        timing = self.of.get(window.id)
        if timing is None or timing.recurrence not in ("weekly", "monthly"):
            return window.covers(day)
        return timing.starts_on(day) and day not in timing.skipped

    def allowed(self, train: Train, environment: TrainEnvironment | None) -> Occurrences:
        key = environment.id if environment is not None else None
        if key not in self._allowed:
            self._allowed[key] = Occurrences(
                [
                    self.of[w.id]
                    for w in train.windows
                    if w.kind == "change_window" and _applies(w, environment)
                ]
            )
        return self._allowed[key]

    def closed(self, train: Train, environment: TrainEnvironment | None) -> Occurrences:
        key = environment.id if environment is not None else None
        if key not in self._closed:
            self._closed[key] = Occurrences(
                [self.of[w.id] for w in train.windows if w.restricted and _applies(w, environment)]
            )
        return self._closed[key]

    def inside(
        self, train: Train, environment: TrainEnvironment | None, span: tuple[dt.datetime, ...]
    ) -> bool:
        """Whether the span lies whole in one occurrence of the environment's change windows
        (True when it has none)."""
        allowed = self.allowed(train, environment)
        start, end = span
        return not allowed.windows or allowed.contain(start, end)

    def next_free(
        self,
        train: Train,
        calendar: WorkCalendar,
        environment: TrainEnvironment | None,
        after: dt.date,
    ) -> str:
        """`next_free` for the environment, once per day asked: deployments share days."""
        key = (after, environment.id if environment is not None else None)
        if key not in self._free:
            self._free[key] = next_free(after, environment, train.windows, calendar, self.opens)
        return self._free[key]

    def suggest(
        self,
        train: Train,
        calendar: WorkCalendar,
        environment: TrainEnvironment | None,
        span: tuple[dt.datetime, ...],
        after: dt.date,
    ) -> str:
        """The next occurrence from the span's start that fits its duration and meets no
        freeze or blackout, in the plan's time ('2027-01-09 22:00 to 23:30'); the next free
        day after `after` when the environment has no timed change windows (or none fits)."""
        allowed = self.allowed(train, environment)
        if not any(w.timed for w in allowed.windows):
            # Whole days only: the next free day says it all.
            return self.next_free(train, calendar, environment, after)
        start, end = span
        closed = self.closed(train, environment)
        found = allowed.next_fit(start, end - start, closed, FIT_HORIZON, self.zone)
        if found is None:
            return self.next_free(train, calendar, environment, after)
        first = found.astimezone(self.zone)
        last = (found + (end - start)).astimezone(self.zone)
        until = f"{last:%H:%M}" if last.date() == first.date() else f"{last:%Y-%m-%d %H:%M}"
        return f"{first:%Y-%m-%d %H:%M} to {until}"


def _changes(
    store: PlanStore, train: Train, calendar: WorkCalendar, timings: _Timings
) -> list[Finding]:
    environments = {e.id: e for e in train.environments}
    query = (
        select(
            ChangeRequest.id,
            ChangeRequest.release_id,
            ChangeRequest.key,
            ChangeRequest.title,
            ChangeRequest.window_start,
            ChangeRequest.window_end,
        )
        .where(ChangeRequest.status.in_(OPEN_CHANGES), ChangeRequest.window_start.is_not(None))
        .order_by(ChangeRequest.window_start, ChangeRequest.key)
    )
    with store.read() as session:
        rows = session.execute(query).all()
        touched: dict[int, list[int]] = {}
        for change_id, environment_id in session.execute(
            select(ChangeEnvironment.change_request_id, ChangeEnvironment.environment_id)
        ):
            touched.setdefault(change_id, []).append(environment_id)
    found: list[Finding] = []
    for change_id, release_id, key, title, start, end in rows:
        # A change made in no named environment is held to the production windows.
        where: list[TrainEnvironment | None] = [
            environments[e] for e in touched.get(change_id, ()) if e in environments
        ]
        first, last = start.date(), (end or start).date()
        closing = {
            window.id: (window, environment)
            for environment in where or [None]
            for window in train.windows
            if window.restricted
            and _applies(window, environment)
            and first <= window.end_date
            and last >= window.start_date
        }
        span = timings.span(start, end)
        found.extend(
            Finding(
                "window",
                f"Change {key} ({title}) is planned for {first.isoformat()}, inside {window.span}.",
                timings.suggest(train, calendar, environment, span, window.end_date),
                release_id=release_id,
                environment_id=environment.id if environment is not None else None,
                change_id=change_id,
                day=max(first, window.start_date),
            )
            for window, environment in closing.values()
        )
        if closing:
            continue
        # A change is carried out in one window: one of its environments' must hold it.
        places = where or [None]
        if any(timings.inside(train, environment, span) for environment in places):
            continue
        environment = places[0]
        place = environment.name if environment is not None else "production"
        found.append(
            Finding(
                "window",
                f"Change {key} ({title}) is planned for {start:%Y-%m-%d %H:%M}, outside every "
                f"change window of {place}.",
                timings.suggest(train, calendar, environment, span, first - dt.timedelta(days=1)),
                release_id=release_id,
                environment_id=environment.id if environment is not None else None,
                change_id=change_id,
                day=first,
            )
        )
    return found


def _outside_change_windows(
    train: Train, calendar: WorkCalendar, timings: _Timings
) -> list[Finding]:
    names = {r.id: r.name for r in train.releases}
    found = []
    for deployment in train.deployments:
        if deployment.outcome not in OPEN_OUTCOMES:
            continue
        environment = deployment.environment
        span = timings.span(deployment.start, deployment.end)
        if timings.inside(train, environment, span):
            continue
        found.append(
            Finding(
                "window",
                f"{names.get(deployment.release_id, 'A release')}'s deployment to "
                f"{environment.name} on {deployment.start:%Y-%m-%d %H:%M} is outside "
                f"every change window of {environment.name}.",
                timings.suggest(
                    train, calendar, environment, span, deployment.day - dt.timedelta(days=1)
                ),
                release_id=deployment.release_id,
                environment_id=deployment.environment.id,
                deployment_id=deployment.id,
                day=deployment.day,
            )
        )
    return found


def _promotion(train: Train) -> list[Finding]:
    found = []
    for release in train.releases:
        if release.actual_date is not None:
            continue
        deployments = train.deployments_of(release.id)
        staged = [
            d
            for d in deployments
            if d.environment.tier == STAGING and (d.outcome == "succeeded" or d.open)
        ]
        for deployment in deployments:
            if deployment.environment.tier != PRODUCTION or not deployment.open:
                continue
            if not any(s.start < deployment.start for s in staged):
                found.append(
                    Finding(
                        "promotion",
                        f"{release.name} goes to {deployment.environment.name} on "
                        f"{deployment.day.isoformat()} without a staging deployment before it "
                        "that succeeded or is planned.",
                        release_id=release.id,
                        environment_id=deployment.environment.id,
                        deployment_id=deployment.id,
                        day=deployment.day,
                        severity="warning",
                    )
                )
    return found


def _baselines(
    variances: Mapping[int, tuple[str | None, int | None]], train: Train
) -> list[Finding]:
    found = []
    for release in train.releases:
        if release.id not in variances:  # shipped
            continue
        baseline, variance = variances[release.id]
        if variance is not None and variance > 0:
            days = "day" if variance == 1 else "days"
            found.append(
                Finding(
                    "baseline",
                    f"{release.name} finishes {variance} working {days} later than in its "
                    f"baseline {baseline}.",
                    release_id=release.id,
                    day=release.finish,
                    severity="warning",
                )
            )
    return found
