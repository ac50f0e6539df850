"""The demo team's year before Atlas 3.4: three shipped releases and their production record.

The plan was started in Gantry with 3.4, so these releases hold no work items; what was kept of
them is what the delivery measures need: each release's dates, its production deployments
(releases, patches, a failed deployment rolled back and restored the next evening), each after
a staging dry run, and the approved change that let it ship. A year of deployments gives the
dashboard a trend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.demo.recipe import CAB_CHAIR, TEAM, DemoPlan, at_time
from models import (
    Approval,
    ChangeEnvironment,
    ChangeRequest,
    Deployment,
    Environment,
    Release,
)


@dataclass(frozen=True, slots=True)
class _Shipped:
    version: str
    theme: str
    weeks_ago: int  # its production release, counted back from the demo's today
    # Patches after it: (working days after the release, minutes taken, what it fixed).
    patches: tuple[tuple[int, int, str], ...]
    failed_first: str = ""  # when the first production attempt failed: what happened


SHIPPED = (
    _Shipped(
        "3.1",
        "Self-service onboarding and the new pricing page.",
        50,
        (
            (8, 18, "3.1.1: signup e-mails for accounts with a plus sign"),
            (19, 25, "3.1.2: pricing page currency rounding"),
        ),
    ),
    _Shipped(
        "3.2",
        "Team workspaces and role-based access.",
        36,
        (
            (6, 21, "3.2.1: workspace invitations expired a day early"),
            (14, 16, "3.2.2: role list paging"),
            (27, 30, "3.2.3: permission cache warm-up"),
        ),
        failed_first="Role migration timed out on the largest tenant; rolled back by the "
        "runbook, repeated the next evening with the migration batched.",
    ),
    _Shipped(
        "3.3",
        "Reporting API and scheduled exports.",
        24,
        (
            (5, 20, "3.3.1: export time zones"),
            (17, 24, "3.3.2: report API rate limits"),
            (29, 19, "3.3.3: scheduled export retries"),
            (48, 22, "3.3.4: report API pagination cursor"),
        ),
    ),
)
PROD_MINUTES = 180
STAGING_MINUTES = 120


def write_history(
    session: Session, plan: DemoPlan, environments: dict[str, Environment]
) -> Sequence[Release]:
    """Add the shipped releases before the plan's own (ordered before them) with their record."""
    calendar, prod, staging = plan.calendar, environments["prod"], environments["staging"]
    releases: list[Release] = []
    for n, shipped in enumerate(SHIPPED):
        ga = plan.deploy_day(plan.today - dt.timedelta(weeks=shipped.weeks_ago), "prod")
        if shipped.failed_first:
            first = ga
            ga = plan.deploy_day(calendar.add_working_days(first, 1), "prod")
        release = Release(
            name=f"Atlas {shipped.version}",
            version=f"{shipped.version}.0",
            owner=TEAM["rm"],
            status="shipped",
            description=f"{shipped.theme} Shipped before this plan was kept in Gantry.",
            position=n - len(SHIPPED),
            start_date=calendar.add_working_days(ga, -60),
            feature_freeze=calendar.add_working_days(ga, -15),
            code_freeze=calendar.add_working_days(ga, -8),
            target_date=ga,
            actual_date=ga,
        )
        session.add(release)
        session.flush()
        releases.append(release)

        def deploy(
            day: dt.date, minutes: int, notes: str, outcome: str = "succeeded", incident: str = ""
        ) -> None:
            """A production deployment, after the same build's successful staging dry run the
            working day before (the promotion rule the plan keeps)."""
            rehearsal = at_time(_dry_run_day(plan, day), 18)
            session.add(
                Deployment(
                    release_id=release.id,  # noqa: B023 - called only inside this iteration
                    environment_id=staging.id,
                    window_start=rehearsal,
                    window_end=rehearsal + dt.timedelta(minutes=STAGING_MINUTES),
                    actual_start=rehearsal,
                    actual_end=rehearsal + dt.timedelta(minutes=minutes // 2 + 10),
                    outcome="succeeded",
                    duration_minutes=minutes // 2 + 10,
                    deployed_by=TEAM["sre"],
                    notes=f"Staging dry run: {notes}",
                )
            )
            start = at_time(day, 19)
            session.add(
                Deployment(
                    release_id=release.id,  # noqa: B023 - called only inside this iteration
                    environment_id=prod.id,
                    window_start=start,
                    window_end=start + dt.timedelta(minutes=PROD_MINUTES),
                    actual_start=start,
                    actual_end=start + dt.timedelta(minutes=minutes),
                    outcome=outcome,
                    duration_minutes=minutes,
                    rolled_back=outcome == "rolled_back",
                    incident_ref=incident,
                    deployed_by=TEAM["sre"],
                    notes=notes,
                )
            )

        if shipped.failed_first:
            deploy(first, 64, shipped.failed_first, "rolled_back", f"INC-{1700 + 40 * n}")
        deploy(ga, 71, f"Atlas {shipped.version} production release")
        for after, minutes, what in shipped.patches:
            deploy(plan.deploy_day(calendar.add_working_days(ga, after), "prod"), minutes, what)

        gng = calendar.add_working_days(first if shipped.failed_first else ga, -1)
        change = ChangeRequest(
            release_id=release.id,
            key=f"CHG-{1800 + 60 * n}",
            category="normal",
            title=f"Deploy Atlas {shipped.version} to production",
            status="closed",
            requested_by=TEAM["rm"],
            description=shipped.theme,
            window_start=at_time(ga, 19),
            window_end=at_time(ga, 22),
        )
        session.add(change)
        session.flush()
        session.add_all(
            [
                ChangeEnvironment(change_request_id=change.id, environment_id=prod.id),
                Approval(
                    change_request_id=change.id,
                    approver=TEAM["tl"],
                    role="Tech lead",
                    decision="approved",
                    meaning="Technical review complete",
                    decided_at=at_time(calendar.add_working_days(gng, -2), 11),
                ),
                Approval(
                    change_request_id=change.id,
                    approver=CAB_CHAIR,
                    role="Change advisory board chair",
                    decision="approved",
                    meaning="Approved for production deployment",
                    decided_at=at_time(gng, 16),
                ),
            ]
        )
    return releases


def _dry_run_day(plan: DemoPlan, production: dt.date) -> dt.date:
    """The last working day before a production deployment that staging may be changed on."""
    day = plan.calendar.add_working_days(production, -1)
    while any(w.covers(day, "staging") for w in plan.windows if w.kind != "change_window"):
        day = plan.calendar.add_working_days(day, -1)
    return day
