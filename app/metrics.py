"""Delivery measures (DORA) from recorded production deployments, plus rollbacks and schedule
variance, per release, for the plan, and month by month.

The definitions are the design's (ARCHITECTURE.md, "Metrics"):
- deployment frequency: successful production deployments per week of the period;
- lead time for changes: median days from a change request's approval to the first successful
  production deployment of its release that followed it (a hotfix's change approved after its
  release first shipped runs to the hotfix; one approved after the fact, when nothing of its
  release shipped later, has no lead time rather than a negative one);
- change failure rate: production deployments that failed or were rolled back, over all
  production deployments that finished (planned and running ones are not outcomes yet);
- time to restore: median hours from a failed production deployment to the next successful one
  on the same environment;
- rollback frequency: rolled-back production deployments per week;
- schedule variance: working days between the release's finish in its newest baseline and its
  scheduled finish now, positive when later.

A deployment happens when it actually started, else at the start of its window; a change is
approved when its last approving decision was given. Formulas work on plain facts so that
tests can check them against figures worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from app.errors import ValidationError
from app.plan import Plan
from models import Approval, ChangeRequest, Deployment, Environment

PRODUCTION_TIER = "production"
FINISHED = frozenset({"succeeded", "failed", "rolled_back"})
# A change counts as approved (its lead time runs) once it reached one of these.
APPROVED_STATUSES = frozenset({"approved", "implemented", "closed"})
APPROVING = ("approved", "approved_with_conditions")


@dataclass(frozen=True, slots=True)
class DeploymentFact:
    release_id: int
    environment_id: int
    at: dt.datetime
    outcome: str
    rolled_back: bool

    @property
    def succeeded(self) -> bool:
        return self.outcome == "succeeded" and not self.rolled_back

    @property
    def failed(self) -> bool:
        return self.outcome in ("failed", "rolled_back") or self.rolled_back

    @property
    def reverted(self) -> bool:
        return self.outcome == "rolled_back" or self.rolled_back


@dataclass(frozen=True, slots=True)
class ApprovedChange:
    release_id: int
    key: str
    approved_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days, both ends included."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationError(
                f"The period ends ({self.last.isoformat()}) before it starts "
                f"({self.first.isoformat()})."
            )

    def before(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        length = self.last - self.first
        last = self.first - dt.timedelta(days=1)
        return Period(last - length, last)

    @property
    def weeks(self) -> float:
        return ((self.last - self.first).days + 1) / 7

    def holds(self, moment: dt.datetime) -> bool:
        return self.first <= moment.date() <= self.last


@dataclass(frozen=True, slots=True)
class Measures:
    deployments: int  # finished production deployments in the period
    succeeded: int
    failed: int  # failed or rolled back
    rolled_back: int
    deployment_frequency: float | None  # successful per week
    lead_time_days: float | None  # median
    change_failure_rate: float | None  # 0..1
    time_to_restore_hours: float | None  # median
    rollback_frequency: float | None  # rolled back per week
    lead_times: int  # changes whose lead time was measured
    restores: int  # failures followed by a success on the same environment


@dataclass(frozen=True, slots=True)
class ReleaseMeasures:
    release_id: int
    name: str
    version: str
    measures: Measures
    baseline: str | None  # the baseline the variance is against
    schedule_variance: int | None  # working days, positive when later


@dataclass(frozen=True, slots=True)
class MonthMeasures:
    period: Period  # one calendar month, cut to the report's period
    measures: Measures

    @property
    def month(self) -> dt.date:
        """The first day of the month."""
        return self.period.first.replace(day=1)


@dataclass(frozen=True, slots=True)
class MetricsReport:
    period: Period
    plan: Measures  # of the chosen release, or of the whole plan
    previous: Measures  # the same over the period of equal length just before
    releases: tuple[ReleaseMeasures, ...]
    months: tuple[MonthMeasures, ...]


def measure(
    deployments: Sequence[DeploymentFact],
    changes: Iterable[ApprovedChange],
    period: Period,
    release_ids: frozenset[int] | None = None,
) -> Measures:
    """The measures of the production deployments in ``period`` (all of them, or those of
    ``release_ids``). ``deployments`` must be every production deployment of the plan: a
    failure is restored by the next success on its environment whatever release that is. A
    lead time counts in the period its deployment falls in."""

    def chosen(fact: DeploymentFact) -> bool:
        return release_ids is None or fact.release_id in release_ids

    ordered = sorted(deployments, key=lambda d: d.at)
    inside = [d for d in ordered if d.outcome in FINISHED and period.holds(d.at) and chosen(d)]
    succeeded = sum(1 for d in inside if d.succeeded)
    failed = [d for d in inside if d.failed]
    reverted = sum(1 for d in inside if d.reverted)

    successes: dict[int, list[dt.datetime]] = {}
    for fact in ordered:
        if fact.succeeded:
            successes.setdefault(fact.release_id, []).append(fact.at)
    leads = []
    for change in changes:
        if release_ids is not None and change.release_id not in release_ids:
            continue
        shipped = next(
            (t for t in successes.get(change.release_id, ()) if t >= change.approved_at), None
        )
        if shipped is not None and period.holds(shipped):
            leads.append((shipped - change.approved_at) / dt.timedelta(days=1))

    restores = []
    for failure in failed:
        restored = next(
            (
                d.at
                for d in ordered
                if d.environment_id == failure.environment_id and d.at > failure.at and d.succeeded
            ),
            None,
        )
        if restored is not None:
            restores.append((restored - failure.at) / dt.timedelta(hours=1))

    weeks = period.weeks
    return Measures(
        deployments=len(inside),
        succeeded=succeeded,
        failed=len(failed),
        rolled_back=reverted,
        deployment_frequency=succeeded / weeks,
        lead_time_days=statistics.median(leads) if leads else None,
        change_failure_rate=len(failed) / len(inside) if inside else None,
        time_to_restore_hours=statistics.median(restores) if restores else None,
        rollback_frequency=reverted / weeks,
        lead_times=len(leads),
        restores=len(restores),
    )


def months_of(period: Period) -> list[Period]:
    """The calendar months the period touches, each cut to the period."""
    out = []
    month = period.first.replace(day=1)
    while month <= period.last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        out.append(
            Period(max(month, period.first), min(following - dt.timedelta(days=1), period.last))
        )
        month = following
    return out


# -- reading a plan ------------------------------------------------------------------------------


def production_deployments(plan: Plan) -> list[DeploymentFact]:
    query = (
        select(
            Deployment.release_id,
            Deployment.environment_id,
            func.coalesce(Deployment.actual_start, Deployment.window_start),
            Deployment.outcome,
            Deployment.rolled_back,
        )
        .join(Environment, Environment.id == Deployment.environment_id)
        .where(Environment.tier == PRODUCTION_TIER)
    )
    with plan.store.read() as session:
        return [DeploymentFact(*row) for row in session.execute(query)]


def approved_changes(plan: Plan) -> list[ApprovedChange]:
    last_approval = func.max(Approval.decided_at)
    query = (
        select(ChangeRequest.release_id, ChangeRequest.key, last_approval)
        .join(Approval, Approval.change_request_id == ChangeRequest.id)
        .where(ChangeRequest.status.in_(APPROVED_STATUSES), Approval.decision.in_(APPROVING))
        .where(Approval.decided_at.is_not(None))
        .group_by(ChangeRequest.id)
    )
    with plan.store.read() as session:
        return [ApprovedChange(*row) for row in session.execute(query)]


def schedule_variance(plan: Plan, release_id: int) -> tuple[str | None, int | None]:
    """The release's newest baseline and how many working days its finish moved since."""
    baselines = plan.baselines.rows(release_id)
    current = plan.state.release_row(release_id).finish
    if not baselines or current is None:
        return (baselines[-1].name if baselines else None), None
    newest = baselines[-1]
    held = plan.baselines.dates(newest.id).values()
    if not held:
        return newest.name, None
    calendar = plan.baselines.working_calendar()
    then = max(dates.finish for dates in held)
    return newest.name, calendar.index_on_or_before(current) - calendar.index_on_or_before(then)


def default_period(deployments: Sequence[DeploymentFact], last: dt.date) -> Period:
    """From the first production deployment with an outcome (or ``last`` when there is none)
    to ``last``."""
    days = [d.at.date() for d in deployments if d.outcome in FINISHED]
    return Period(min([*days, last]), last)


def metrics(
    plan: Plan,
    today: dt.date,
    release: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> MetricsReport:
    """The measures over the period (by default every recorded deployment up to ``today``)
    for the plan, each release (or the one named) and each month."""
    deployments = production_deployments(plan)
    changes = approved_changes(plan)
    end = last or today
    period = Period(first or default_period(deployments, end).first, end)
    rows = [plan.releases.find(release)] if release else plan.releases.rows()
    scope = frozenset(r.id for r in rows) if release else None
    releases = []
    for row in rows:
        baseline, variance = schedule_variance(plan, row.id)
        releases.append(
            ReleaseMeasures(
                row.id,
                row.name,
                row.version,
                measure(deployments, changes, period, frozenset({row.id})),
                baseline,
                variance,
            )
        )
    months = tuple(
        MonthMeasures(month, measure(deployments, changes, month, scope))
        for month in months_of(period)
    )
    return MetricsReport(
        period,
        measure(deployments, changes, period, scope),
        measure(deployments, changes, period.before(), scope),
        tuple(releases),
        months,
    )
