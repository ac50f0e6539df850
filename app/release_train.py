"""The release train: every release on one calendar with its deployments, and their collisions.

A collision is something on the train a release manager can still act on, so history is left
out: a release with an actual release date, and a deployment that has succeeded, failed or
been rolled back, are what happened (the audit trail keeps them), not collisions. The rules:

- **Go-live in a window.** A release's target, or its forecast finish when that is later,
  inside a freeze or blackout that covers production (plan-wide, or on a production-tier
  environment): going live there means asking for an exception, or moving the date.
- **Code freeze in a window.** A code freeze inside a freeze or blackout that covers the
  pre-production environments (plan-wide, or on one that is not production): hardening starts
  with a release candidate that may not be deployed to test on that day.
- **Deployment in a window.** A planned or running deployment whose window meets a freeze or
  blackout covering its environment.
- **Go-lives too close.** Two targets fewer than `HYPERCARE_DAYS` working days apart: the
  days after a go-live are spent watching it and fixing it, and a second go-live in them
  splits the on-call team and blurs which release caused an incident.
- **Late.** The scheduled finish lies after the target.
- **Hardening overlaps.** Two releases between code freeze and target on the same days: their
  release candidates compete for staging and for the test team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import combinations
from typing import Protocol

from sqlalchemy import select

from app.plan_data import ReleaseRow
from app.plan_state import PlanState
from app.records import RecordService
from app.scheduling.calendar import WorkCalendar
from app.unit_of_work import ChangeNotice, UnitOfWork
from models import Deployment, Environment

# Working days after a go-live that another go-live should keep clear of (a week of hypercare).
HYPERCARE_DAYS = 5
RESTRICTED_KINDS = frozenset({"freeze", "blackout"})
PRODUCTION = "production"
# What is still to come: other outcomes are history.
OPEN_OUTCOMES = frozenset({"planned", "in_progress"})
# Notices that change what the train shows: derived ones bring new scheduled finishes.
TRAIN_ENTITIES = ("releases", "calendar_entries", "deployments", "environments", "plan_settings")


@dataclass(frozen=True, slots=True)
class TrainEnvironment:
    id: int
    name: str
    tier: str

    @property
    def production(self) -> bool:
        return self.tier == PRODUCTION


@dataclass(frozen=True, slots=True)
class TrainWindow:
    """A freeze, blackout or change window; `environment` is None for a plan-wide one."""

    id: int
    kind: str
    name: str
    start_date: dt.date
    end_date: dt.date  # included
    environment: TrainEnvironment | None

    @property
    def restricted(self) -> bool:
        return self.kind in RESTRICTED_KINDS

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    def applies_to(self, environment: TrainEnvironment) -> bool:
        return self.environment is None or self.environment.id == environment.id

    @property
    def span(self) -> str:
        """'Year-end change freeze (2026-12-18 to 2027-01-03)'."""
        first, last = self.start_date.isoformat(), self.end_date.isoformat()
        days = first if first == last else f"{first} to {last}"
        where = f" on {self.environment.name}" if self.environment is not None else ""
        return f"{self.name}{where} ({days})"


@dataclass(frozen=True, slots=True)
class TrainDeployment:
    id: int
    release_id: int
    environment: TrainEnvironment
    start: dt.datetime
    end: dt.datetime
    outcome: str  # planned | in_progress | succeeded | failed | rolled_back
    rolled_back: bool

    @property
    def day(self) -> dt.date:
        return self.start.date()

    @property
    def open(self) -> bool:
        return self.outcome in OPEN_OUTCOMES

    def meets(self, window: TrainWindow) -> bool:
        return self.start.date() <= window.end_date and self.end.date() >= window.start_date


class TrainRelease(Protocol):
    """A release's dates (app.plan_data.ReleaseRow has them)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def code_freeze(self) -> dt.date | None: ...
    @property
    def target_date(self) -> dt.date | None: ...
    @property
    def actual_date(self) -> dt.date | None: ...
    @property
    def finish(self) -> dt.date | None: ...
    @property
    def late_by(self) -> int: ...


class CollisionKind(Enum):
    GO_LIVE_IN_WINDOW = "go_live_in_window"
    CODE_FREEZE_IN_WINDOW = "code_freeze_in_window"
    DEPLOYMENT_IN_WINDOW = "deployment_in_window"
    GO_LIVES_CLOSE = "go_lives_close"
    LATE = "late"
    HARDENING_OVERLAP = "hardening_overlap"


@dataclass(frozen=True, slots=True)
class Collision:
    """One collision: what it is, one sentence about it, and where it shows on the train."""

    kind: CollisionKind
    message: str
    spots: tuple[tuple[int, dt.date], ...]  # (release id, day) on each lane it concerns

    @property
    def day(self) -> dt.date:
        return min(day for _release, day in self.spots)

    @property
    def release_ids(self) -> tuple[int, ...]:
        return tuple(release for release, _day in self.spots)


def _go_live_windows(windows: Sequence[TrainWindow]) -> list[TrainWindow]:
    return [
        w for w in windows if w.restricted and (w.environment is None or w.environment.production)
    ]


def _pre_production_windows(windows: Sequence[TrainWindow]) -> list[TrainWindow]:
    return [
        w
        for w in windows
        if w.restricted and (w.environment is None or not w.environment.production)
    ]


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def collisions(
    releases: Sequence[TrainRelease],
    windows: Sequence[TrainWindow],
    deployments: Iterable[TrainDeployment],
    calendar: WorkCalendar,
    hypercare: int = HYPERCARE_DAYS,
) -> list[Collision]:
    """Every collision on the train, by the first day it concerns (see the module's rules)."""
    open_releases = [r for r in releases if r.actual_date is None]
    names = {r.id: r.name for r in releases}
    found: list[Collision] = []
    go_live = _go_live_windows(windows)
    pre_production = _pre_production_windows(windows)
    for release in open_releases:
        target, finish = release.target_date, release.finish
        if target is not None:
            found.extend(
                Collision(
                    CollisionKind.GO_LIVE_IN_WINDOW,
                    f"{release.name}'s target {target.isoformat()} falls inside {w.span}.",
                    ((release.id, target),),
                )
                for w in go_live
                if w.covers(target)
            )
        if finish is not None and target is not None and finish > target:
            found.extend(
                Collision(
                    CollisionKind.GO_LIVE_IN_WINDOW,
                    f"{release.name} is forecast to finish on {finish.isoformat()}, inside "
                    f"{w.span}.",
                    ((release.id, finish),),
                )
                for w in go_live
                if w.covers(finish) and not w.covers(target)
            )
        if release.late_by > 0 and finish is not None and target is not None:
            found.append(
                Collision(
                    CollisionKind.LATE,
                    f"{release.name} is forecast to finish on {finish.isoformat()}, "
                    f"{_days(release.late_by)} after its target {target.isoformat()}.",
                    ((release.id, finish),),
                )
            )
        freeze = release.code_freeze
        if freeze is not None:
            found.extend(
                Collision(
                    CollisionKind.CODE_FREEZE_IN_WINDOW,
                    f"{release.name}'s code freeze {freeze.isoformat()} falls inside {w.span}: "
                    "its release candidate cannot go to test until that ends.",
                    ((release.id, freeze),),
                )
                for w in pre_production
                if w.covers(freeze)
            )
    for deployment in deployments:
        if not deployment.open or deployment.release_id not in names:
            continue
        name = names[deployment.release_id]
        when = f"{deployment.start:%Y-%m-%d %H:%M}"
        found.extend(
            Collision(
                CollisionKind.DEPLOYMENT_IN_WINDOW,
                f"{name}'s deployment to {deployment.environment.name} on {when} falls inside "
                f"{w.span}.",
                ((deployment.release_id, deployment.day),),
            )
            for w in windows
            if w.restricted and w.applies_to(deployment.environment) and deployment.meets(w)
        )
    for a, b in combinations(open_releases, 2):
        found.extend(_pair(a, b, calendar, hypercare))
    return sorted(found, key=lambda c: (c.day, c.kind.value, c.message))


def _pair(
    a: TrainRelease, b: TrainRelease, calendar: WorkCalendar, hypercare: int
) -> list[Collision]:
    found: list[Collision] = []
    if a.target_date is not None and b.target_date is not None:
        first, second = sorted((a, b), key=lambda r: (r.target_date, r.id))
        day1, day2 = first.target_date, second.target_date
        assert day1 is not None and day2 is not None  # both checked above
        gap = calendar.working_days_between(day1, day2)
        if day1 == day2:
            found.append(
                Collision(
                    CollisionKind.GO_LIVES_CLOSE,
                    f"{first.name} and {second.name} both go live on {day1.isoformat()}.",
                    ((first.id, day1), (second.id, day2)),
                )
            )
        elif gap < hypercare:
            found.append(
                Collision(
                    CollisionKind.GO_LIVES_CLOSE,
                    f"{second.name} goes live on {day2.isoformat()}, {_days(gap)} after "
                    f"{first.name} ({day1.isoformat()}): inside its {_days(hypercare)} of "
                    "hypercare.",
                    ((first.id, day1), (second.id, day2)),
                )
            )
    spans = [_hardening(r) for r in (a, b)]
    if spans[0] is not None and spans[1] is not None:
        start = max(spans[0][0], spans[1][0])
        end = min(spans[0][1], spans[1][1])
        if start <= end:
            found.append(
                Collision(
                    CollisionKind.HARDENING_OVERLAP,
                    f"{a.name} and {b.name} are both in hardening from {start.isoformat()} to "
                    f"{end.isoformat()}: their release candidates compete for staging and "
                    "the test team.",
                    ((a.id, start), (b.id, start)),
                )
            )
    return found


def _hardening(release: TrainRelease) -> tuple[dt.date, dt.date] | None:
    """Code freeze to target (or to the forecast finish when that is later)."""
    if release.code_freeze is None or release.target_date is None:
        return None
    end = max(release.target_date, release.finish or release.target_date)
    return (release.code_freeze, end) if release.code_freeze <= end else None


# -- reading the plan ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Train:
    """What the release train shows, as plain values."""

    releases: tuple[ReleaseRow, ...]  # in plan order
    environments: tuple[TrainEnvironment, ...]  # in the plan's order
    windows: tuple[TrainWindow, ...]  # freezes, blackouts and change windows
    holidays: frozenset[dt.date]
    workdays: frozenset[int]
    deployments: tuple[TrainDeployment, ...]
    collisions: tuple[Collision, ...]
    # Per release, so that a lane costs what it shows, not the size of the train.
    _deployments_of: dict[int, list[TrainDeployment]] = field(init=False, compare=False, repr=False)
    _collisions_of: dict[int, list[int]] = field(init=False, compare=False, repr=False)
    _index_of: dict[int, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        deployments: dict[int, list[TrainDeployment]] = {}
        for deployment in self.deployments:
            deployments.setdefault(deployment.release_id, []).append(deployment)
        found: dict[int, list[int]] = {}
        for n, collision in enumerate(self.collisions):
            for release_id in dict.fromkeys(collision.release_ids):
                found.setdefault(release_id, []).append(n)
        object.__setattr__(self, "_deployments_of", deployments)
        object.__setattr__(self, "_collisions_of", found)
        object.__setattr__(self, "_index_of", {r.id: n for n, r in enumerate(self.releases)})

    def deployments_of(self, release_id: int) -> list[TrainDeployment]:
        return self._deployments_of.get(release_id, [])

    def collisions_of(self, release_id: int) -> list[int]:
        """Indexes into `collisions` of those that concern a release."""
        return self._collisions_of.get(release_id, [])

    def index_of(self, release_id: int) -> int:
        """A release's lane, counted from the top."""
        return self._index_of[release_id]


class ReleaseTrain:
    """Reads the train from the plan: releases from the state, windows from the calendar,
    deployments and environments with a plain query (cached until a notice touches them)."""

    def __init__(self, state: PlanState, uow: UnitOfWork, calendar: RecordService) -> None:
        self._state = state
        self._uow = uow
        self._calendar = calendar
        self._environments: dict[int, TrainEnvironment] | None = None
        self._deployments: tuple[TrainDeployment, ...] | None = None
        self._unsubscribe: Callable[[], None] = uow.subscribe(self._changed)

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches("environments"):
            self._environments = None
            self._deployments = None
        if notice.touches("deployments"):
            self._deployments = None

    def _read(self) -> tuple[dict[int, TrainEnvironment], tuple[TrainDeployment, ...]]:
        if self._environments is None or self._deployments is None:
            with self._uow.store.read() as session:
                environments = {
                    i: TrainEnvironment(i, name, tier)
                    for i, name, tier in session.execute(
                        select(Environment.id, Environment.name, Environment.tier).order_by(
                            Environment.position, Environment.id
                        )
                    )
                }
                d = Deployment
                self._deployments = tuple(
                    TrainDeployment(i, release, environments[env], start, end, outcome, back)
                    for i, release, env, start, end, outcome, back in session.execute(
                        select(
                            d.id,
                            d.release_id,
                            d.environment_id,
                            d.window_start,
                            d.window_end,
                            d.outcome,
                            d.rolled_back,
                        ).order_by(d.window_start, d.id)
                    )
                )
            self._environments = environments
        return self._environments, self._deployments

    def snapshot(self) -> Train:
        """The train as it is now (the releases' scheduled finishes as last computed)."""
        state = self._state
        environments, deployments = self._read()
        releases = tuple(state.release_row(r) for r in state.release_order)
        windows = tuple(
            TrainWindow(
                record.id,
                record.kind,
                record.name,
                record.start_date,
                record.end_date,
                environments.get(record.environment_id)
                if record.environment_id is not None
                else None,
            )
            for record in self._calendar.rows()
            if record.kind != "holiday"
        )
        workdays = state.settings.work_week
        calendar = WorkCalendar(state.holidays, workdays)
        return Train(
            releases=releases,
            environments=tuple(environments.values()),
            windows=windows,
            holidays=state.holidays,
            workdays=workdays,
            deployments=deployments,
            collisions=tuple(collisions(releases, windows, deployments, calendar)),
        )

    def close(self) -> None:
        self._unsubscribe()
