"""Environments and deployments as declared record types, and the rules that span records.

One environment is marked production by its tier. That is a flag the Environments tab shows
(production_problem), not a refusal: the plan is edited one field at a time, so moving the
mark from one environment to another passes through none or two marked, and a rule that
refused both would make the move impossible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from app.fields import Field, FieldKind, FieldSet, choices
from app.records import Record, RecordType, title_from
from models import Deployment, Environment
from models.environments import DEPLOYMENT_OUTCOMES, ENVIRONMENT_TIERS

PRODUCTION = "production"
FINISHED = frozenset({"succeeded", "failed", "rolled_back"})
TIER_LABELS = {"development": "Development", "test": "Test", "staging": "Staging"}
OUTCOME_LABELS = {"rolled_back": "Rolled back", "in_progress": "In progress"}


ENVIRONMENTS = RecordType(
    fields=FieldSet(
        "environments",
        "environment",
        (
            Field("name", "Name", required=True, max_length=80),
            Field(
                "tier",
                "Tier",
                FieldKind.CHOICE,
                required=True,
                choices=choices(ENVIRONMENT_TIERS, TIER_LABELS),
                tip="Production marks the one environment releases go live on; the promotion "
                "rule gates it on a success in another tier",
            ),
            Field(
                "position",
                "Order",
                FieldKind.INT,
                minimum=0,
                tip="Promotion order: a release goes through lower numbers first",
            ),
            Field("owner", "Owner", max_length=120, tip="Who runs this environment"),
            Field("description", "Description", FieldKind.MULTILINE),
        ),
    ),
    model=Environment,
    order_by=("position", "name"),
    title=title_from("name"),
    defaults={"tier": "test", "position": 0, "owner": "", "description": ""},
)


def production_problem(environments: Iterable[Record]) -> str | None:
    """Why the plan's environments break "one is marked production", or None when they don't."""
    marked = [str(e.name) for e in environments if e.tier == PRODUCTION]
    if len(marked) == 1:
        return None
    if not marked:
        return (
            "No environment is marked production: set one environment's tier to Production "
            "(the promotion rule and the delivery measures look for it)."
        )
    return (
        f"{len(marked)} environments are marked production ({', '.join(marked)}): keep the "
        "tier Production on one of them."
    )


def _deployment_title(record: Record) -> str:
    # Undo texts read "Edit outcome of 2026-12-08 19:00", "Delete deployment 2026-12-08 19:00".
    return f"{record.window_start:%Y-%m-%d %H:%M}"


def _deployment_rules(values: Mapping[str, Any]) -> list[str]:
    problems = []
    for first, last, what in (
        ("window_start", "window_end", "its planned window"),
        ("actual_start", "actual_end", "it actually"),
    ):
        start, end = values.get(first), values.get(last)
        if start is not None and end is not None and end < start:
            problems.append(
                f"{what} ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})"
            )
    return problems


def minutes_between(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start) / dt.timedelta(minutes=1))


def _deployment_derived(values: Mapping[str, Any]) -> dict[str, Any]:
    """The actual duration from the actual times, and the rollback flag from the outcome
    (both kept for the readers that had them before the actuals were recorded)."""
    return {
        "duration_minutes": minutes_between(values.get("actual_start"), values.get("actual_end")),
        "rolled_back": values.get("outcome") == "rolled_back",
    }


DEPLOYMENTS = RecordType(
    fields=FieldSet(
        "deployments",
        "deployment",
        (
            Field(
                "release_id", "Release", FieldKind.REFERENCE, required=True, reference="releases"
            ),
            Field(
                "environment_id",
                "Environment",
                FieldKind.REFERENCE,
                required=True,
                reference="environments",
            ),
            Field("window_start", "Planned start", FieldKind.DATETIME, required=True),
            Field(
                "window_end",
                "Planned end",
                FieldKind.DATETIME,
                required=True,
                tip="The end of the booked window",
            ),
            Field(
                "outcome",
                "Outcome",
                FieldKind.CHOICE,
                required=True,
                choices=choices(DEPLOYMENT_OUTCOMES, OUTCOME_LABELS),
                tip="Rolled back: it went in and was taken out again; the version before it "
                "stays live",
            ),
            Field("actual_start", "Actual start", FieldKind.DATETIME),
            Field("actual_end", "Actual end", FieldKind.DATETIME),
            Field(
                "duration_minutes",
                "Duration",
                FieldKind.INT,
                unit="min",
                computed=True,
                tip="From the actual start to the actual end",
            ),
            Field(
                "incident_ref",
                "Incident",
                max_length=80,
                placeholder="e.g. INC-4711",
                tip="The incident a failed or rolled-back deployment caused",
            ),
            Field(
                "restore_minutes",
                "Time to restore",
                FieldKind.INT,
                minimum=0,
                unit="min",
                empty_label="not recorded",
                tip="How long service was impaired, as the incident records it (the delivery "
                "measures derive their own from the next success)",
            ),
            Field("deployed_by", "Deployed by", max_length=120),
            Field("notes", "Notes", FieldKind.MULTILINE),
        ),
    ),
    model=Deployment,
    order_by=("window_start",),
    title=_deployment_title,
    rules=_deployment_rules,
    # The required ones as None: a record made without them is refused with their names.
    defaults={
        "release_id": None,
        "environment_id": None,
        "window_start": None,
        "window_end": None,
        "outcome": "planned",
        "deployed_by": "",
        "notes": "",
        "incident_ref": "",
    },
    derived=_deployment_derived,
)
