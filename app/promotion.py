"""The promotion rule: a release goes to production only after it succeeded in the gate tier.

The gate is a plan setting (Plan Settings › Deployments, "staging" unless changed, "none" for
no rule). A deployment into the gate tier counts when it is of the same release, starts
before the production deployment, and succeeded or is still planned or under way (a plan
that books staging for Monday and production for Tuesday keeps to the rule). Breaking the
rule is a warning with its reason, never a refusal: emergencies go straight to production.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from app.environments import PRODUCTION

NO_GATE = "none"
COUNTS = frozenset({"succeeded", "planned", "in_progress"})


def starts(deployment: Any) -> dt.datetime:
    """When a deployment started (its actual start), else when it is booked to start."""
    actual: dt.datetime | None = deployment.actual_start
    planned: dt.datetime = deployment.window_start
    return actual if actual is not None else planned


def promotion_problems(
    deployment: Any,
    deployments: Iterable[Any],
    environments: Mapping[int, Any],
    gate: str,
    release_name: str = "this release",
) -> list[str]:
    """Why `deployment` breaks the promotion rule, as sentences; [] when it keeps to it.

    Deployments and environments are rows with the fields of app.environments (a Record or
    anything alike); `environments` maps id to row.
    """
    target = environments.get(deployment.environment_id)
    if gate == NO_GATE or target is None or target.tier != PRODUCTION:
        return []
    at = starts(deployment)
    earlier = sorted(
        (
            d
            for d in deployments
            if d.id != deployment.id
            and d.release_id == deployment.release_id
            and getattr(environments.get(d.environment_id), "tier", None) == gate
            and starts(d) < at
        ),
        key=starts,
    )
    if any(d.outcome in COUNTS for d in earlier):
        return []
    when = f"{at:%Y-%m-%d %H:%M}"
    if not earlier:
        reason = f"it has no {gate} deployment before it"
    else:
        last = earlier[-1]
        outcome = last.outcome.replace("_", " ")
        reason = f"its last {gate} deployment before it ({starts(last):%Y-%m-%d %H:%M}) {outcome}"
    return [
        f"{release_name} goes to {target.name} on {when} but {reason}: the plan asks for a "
        f"success in {gate} first (Plan Settings › Deployments)."
    ]
