"""The Changes sheet of Gantry's own workbook, imported, so that a round trip keeps the plan's
change requests.

A change whose key the plan has is updated; one it lacks is added. Statuses follow the
workflow (app.changes.TRANSITIONS): a new change may carry any status the workflow reaches
from draft (the sheet records where it got to, not the steps), while an existing change may
only take a status its current one moves to now, guards included (a move to implemented
still needs its approvals); anything else is refused with the reason, sheet, row and column.
Approvals are not imported: a decision was signed after re-authentication, which cannot be
replayed from a cell, so an imported change arrives without its decisions. The risk level
column is computed from the change's risks and ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import CHANGE_REQUESTS, STATUS_LABELS, TRANSITIONS
from app.plan import Plan
from app.spreadsheet import columns as cols
from app.spreadsheet.report import ImportReport, Problem
from models import ChangeEnvironment, ChangeRequest, Environment, Release

# The stored fields a row sets, besides its release and environments.
FIELDS = (
    "title",
    "description",
    "category",
    "status",
    "requested_by",
    "window_start",
    "window_end",
)
# Statuses a decision is needed to reach: a new change imported with one has none recorded.
DECIDED = frozenset({"approved", "rejected", "implemented", "closed"})


def reachable_from(status: str) -> frozenset[str]:
    """Every status the workflow reaches from `status`, itself included."""
    seen = {status}
    frontier = [status]
    while frontier:
        here = frontier.pop()
        for transition in TRANSITIONS:
            if transition.source == here and transition.target not in seen:
                seen.add(transition.target)
                frontier.append(transition.target)
    return frozenset(seen)


@dataclass(slots=True)
class SheetChange:
    """One row of the Changes sheet: stored values, and where its cells are."""

    row: int
    key: str
    release: str
    values: dict[str, Any]  # FIELDS
    environments: tuple[str, ...]
    where: Mapping[str, str]  # field -> "F (Status)"
    existing: int | None = None  # the plan's change with this key


@dataclass(frozen=True, slots=True)
class ChangesWritten:
    """What an import did to change requests: what undo removes or puts back."""

    created: tuple[int, ...] = ()
    changed: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)  # id -> old values
    links_added: tuple[int, ...] = ()  # change_environments rows
    links_removed: tuple[tuple[int, int], ...] = ()  # (change id, environment id)


def sheet_change(row: int, values: Mapping[str, Any], where: Mapping[str, str]) -> SheetChange:
    """A row read by the sheet's declaration (own_workbook) as a SheetChange."""
    names = str(values.get("environments") or "")
    return SheetChange(
        row,
        str(values["key"]),
        str(values.get("release") or ""),
        {name: values.get(name) for name in FIELDS},
        tuple(n.strip() for n in names.split(";") if n.strip()),
        where,
    )


def check_changes(
    plan: Plan,
    changes: list[SheetChange],
    releases: Iterable[str],
    environments: Iterable[str],
    report: ImportReport,
) -> None:
    """Check the sheet's changes against the plan (and the releases and environments the
    import brings); problems go to the report, `existing` is filled in."""
    sheet = cols.CHANGES.title
    known = {r.key.casefold(): r for r in plan.changes.rows()}
    release_names = {r.name.casefold() for r in plan.releases.rows()}
    release_names.update(name.casefold() for name in releases)
    with plan.store.read() as session:
        environment_names = set(session.scalars(select(Environment.name)))
    environment_names.update(environments)
    seen: set[str] = set()
    decided_new = 0

    def problem(change: SheetChange, message: str, name: str, value: Any) -> None:
        report.problems.append(
            Problem(message, change.row, change.where.get(name, ""), str(value or ""), True, sheet)
        )

    for change in changes:
        if change.key.casefold() in seen:
            problem(change, f"the change {change.key} is also in an earlier row", "key", change.key)
        seen.add(change.key.casefold())
        if change.release.casefold() not in release_names:
            message = f"the release '{change.release}' is neither in the plan nor in the workbook"
            problem(change, message, "release", change.release)
        missing = [n for n in change.environments if n not in environment_names]
        if missing:
            message = f"no environment named {', '.join(missing)} in the plan or the workbook"
            problem(change, message, "environments", "; ".join(change.environments))
        for rule in CHANGE_REQUESTS.rules(change.values):
            problem(change, rule, "window_end", change.values.get("window_end"))
        target = change.values.get("status") or "draft"
        change.values["status"] = target
        record = known.get(change.key.casefold())
        if record is None:
            if target not in reachable_from("draft"):
                message = f"a new change cannot start as {STATUS_LABELS[target].lower()}"
                problem(change, message, "status", STATUS_LABELS[target])
            decided_new += target in DECIDED
            continue
        change.existing = record.id
        if target != record.status:
            refused = plan.changes.why_not(record.id, target)
            if refused:
                message = (
                    f"{record.key} cannot move from {STATUS_LABELS[record.status].lower()} "
                    f"to {STATUS_LABELS[target].lower()}: {refused}"
                )
                problem(change, message, "status", STATUS_LABELS[target])
    if changes:
        report.notes.append(
            "Changes: approvals are not imported (a decision's re-authentication cannot be "
            "replayed from a sheet)"
            + (
                f"; {decided_new} new change(s) past submitted arrive without their decisions."
                if decided_new
                else "."
            )
        )


def write_changes(session: Session, changes: list[SheetChange]) -> ChangesWritten:
    """Add and update the checked changes in the import's transaction (its releases and
    environments are written already)."""
    releases = {
        name.casefold(): release_id
        for name, release_id in session.execute(select(Release.name, Release.id))
    }
    environments = {
        name: environment_id
        for name, environment_id in session.execute(select(Environment.name, Environment.id))
    }
    created: list[int] = []
    changed: dict[int, dict[str, Any]] = {}
    added: list[ChangeEnvironment] = []
    removed: list[tuple[int, int]] = []
    for change in changes:
        values = {**change.values, "release_id": releases[change.release.casefold()]}
        wanted = {environments[n] for n in change.environments}
        if change.existing is None:
            row = ChangeRequest(key=change.key, **values)
            session.add(row)
            session.flush()
            created.append(row.id)
            have: set[int] = set()
        else:
            row = session.get_one(ChangeRequest, change.existing)
            old = {n: getattr(row, n) for n, v in values.items() if getattr(row, n) != v}
            if old:
                changed[row.id] = old
            for name in old:
                setattr(row, name, values[name])
            have = set(
                session.scalars(
                    select(ChangeEnvironment.environment_id).where(
                        ChangeEnvironment.change_request_id == row.id
                    )
                )
            )
            for gone in have - wanted:
                link = session.scalars(
                    select(ChangeEnvironment).where(
                        ChangeEnvironment.change_request_id == row.id,
                        ChangeEnvironment.environment_id == gone,
                    )
                ).one()
                session.delete(link)
                removed.append((row.id, gone))
        added.extend(
            ChangeEnvironment(change_request_id=row.id, environment_id=e)
            for e in sorted(wanted - have)
        )
    session.add_all(added)
    session.flush()
    return ChangesWritten(tuple(created), changed, tuple(a.id for a in added), tuple(removed))


def undo_changes(session: Session, written: ChangesWritten) -> None:
    """Take back what write_changes did."""
    for link_id in written.links_added:
        session.delete(session.get_one(ChangeEnvironment, link_id))
    session.flush()
    session.add_all(
        ChangeEnvironment(change_request_id=c, environment_id=e) for c, e in written.links_removed
    )
    for change_id, old in written.changed.items():
        row = session.get_one(ChangeRequest, change_id)
        for name, value in old.items():
            setattr(row, name, value)
    for change_id in written.created:
        session.delete(session.get_one(ChangeRequest, change_id))
    session.flush()
