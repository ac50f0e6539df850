"""Scope lock: after a release's feature freeze, adding work to it or growing its work needs
an approved change request (a scope exception) or is refused with the reason; and the
release's scope changes since the freeze, read from the audit trail.

A release is frozen on the days after its feature freeze (`today` > feature_freeze; the
freeze day itself is the last day to add). Shrinking, removing and undoing are allowed: they
do not grow the release. The first scope edit made while a release is frozen stamps
`releases.scope_locked_on` with that day, in the same unit of work and before the edit; the
trail's events after the one that stamped it are the release's scope changes since the
freeze. Each exception is recorded as a `scope_exceptions` row naming the change request,
which the report shows beside the change it allowed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.plan_state import StateService
from models import AuditEvent, ChangeRequest, Release, ScopeException, WorkItem

APPROVED = "approved"
KINDS = ("added", "removed", "grown")  # the report's order


class ScopeLocked(ValidationError):
    """A refused scope change: why, and the approved change requests that could allow it."""

    def __init__(self, message: str, release_id: int, changes: Sequence[str]) -> None:
        super().__init__(message)
        self.release_id = release_id
        self.changes = tuple(changes)


@dataclass(frozen=True, slots=True)
class Permit:
    """A scope change allowed on a frozen release: `change_id` is None for one that needs
    no exception (a shrink, a removal)."""

    release_id: int
    today: dt.date
    change_id: int | None = None


@dataclass(frozen=True, slots=True)
class ScopeChange:
    """One change to a release's scope since its freeze."""

    kind: str  # added | removed | grown
    key: str
    name: str
    old_duration: int | None  # at the freeze (grown, removed)
    new_duration: int | None  # now (added, grown)
    at: str  # UTC, as the trail recorded the last event of it
    actor: str
    reason: str
    change: str = ""  # the change request key that allowed it, if one did


@dataclass(frozen=True, slots=True)
class ScopeReport:
    release: str
    feature_freeze: dt.date | None
    frozen: bool
    locked_on: dt.date | None
    changes: tuple[ScopeChange, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def summary(self) -> str:
        if self.feature_freeze is None:
            return f"{self.release} has no feature freeze date"
        if not self.frozen:
            return f"{self.release} freezes its scope after {self.feature_freeze.isoformat()}"
        if not self.changes:
            return f"No scope changes since the feature freeze on {self.feature_freeze}"
        parts = [f"{n} {kind}" for kind in KINDS if (n := self.count(kind))]
        return f"Since the feature freeze on {self.feature_freeze}: {', '.join(parts)}"


class ScopeLock(StateService):
    """Decides whether a scope change may be made today, records it, and reports."""

    def frozen(self, release_id: int, today: dt.date) -> bool:
        freeze = self._state.releases[release_id].feature_freeze
        return freeze is not None and today > freeze

    def approved_changes(self, release_id: int) -> list[tuple[str, str]]:
        """The release's approved change requests, (key, title), by key."""
        with self._uow.store.read() as session:
            found = session.execute(
                select(ChangeRequest.key, ChangeRequest.title)
                .where(ChangeRequest.release_id == release_id, ChangeRequest.status == APPROVED)
                .order_by(ChangeRequest.key)
            )
            return [(key, title) for key, title in found]

    def permit(
        self, release_id: int, today: dt.date | None, change: str, what: str, grows: bool = True
    ) -> Permit | None:
        """Whether `what` (e.g. "adding ATL-250") may be done today: None when the release is
        not frozen (or no day is given: undo and redo put back a state already allowed);
        a Permit naming the cited change when it is; else ScopeLocked with the reason."""
        if today is None or not self.frozen(release_id, today):
            return None
        if not grows:
            return Permit(release_id, today)
        release = self._state.releases[release_id]
        approved = self.approved_changes(release_id)
        head = f"{release.name} is past its feature freeze ({release.feature_freeze})"
        keys = [key for key, _title in approved]
        cited = change.strip()
        if not cited:
            offer = (
                f"cite one of its approved change requests ({', '.join(keys)})"
                if keys
                else "it has no approved change request to cite"
            )
            raise ScopeLocked(
                f"{head}: {what} needs an approved change request as a scope exception; {offer}",
                release_id,
                keys,
            )
        with self._uow.store.read() as session:
            found = session.execute(
                select(ChangeRequest.id, ChangeRequest.status, ChangeRequest.release_id).where(
                    ChangeRequest.key == cited
                )
            ).one_or_none()
        if found is None:
            raise ScopeLocked(f"{head}: there is no change request {cited}", release_id, keys)
        change_id, status, change_release = found
        if change_release != release_id:
            raise ScopeLocked(
                f"{head}: {cited} is a change request of another release", release_id, keys
            )
        if status != APPROVED:
            raise ScopeLocked(
                f"{head}: {cited} is {status}, not approved, so it cannot allow {what}",
                release_id,
                keys,
            )
        return Permit(release_id, today, change_id)

    def report(self, release_id: int, today: dt.date) -> ScopeReport:
        """The release's scope changes since its feature freeze (see `scope_changes`)."""
        with self._uow.store.read() as session:
            return scope_changes(session, release_id, today)


def mark(session: Session, permit: Permit | None) -> None:
    """Stamp the day the lock first acted on the release, before the edit's own events."""
    if permit is None:
        return
    release = session.get_one(Release, permit.release_id)
    if release.scope_locked_on is None:
        release.scope_locked_on = permit.today
        session.flush()


def record(
    session: Session, permit: Permit | None, key: str, kind: str, old: int | None, new: int
) -> None:
    """Record the exception a permit with a change request allowed."""
    if permit is None or permit.change_id is None:
        return
    session.add(
        ScopeException(
            release_id=permit.release_id,
            change_request_id=permit.change_id,
            item_key=key,
            kind=kind,
            old_duration=old,
            new_duration=new,
            day=permit.today,
        )
    )


@dataclass(slots=True)
class _Item:
    key: str
    name: str
    created: bool = False  # since the mark
    removed: bool = False
    at_mark: int | None = None  # duration when the lock took hold (None: not known yet)
    now: int | None = None
    at: str = ""
    actor: str = ""
    reason: str = ""


def scope_changes(session: Session, release_id: int, today: dt.date) -> ScopeReport:
    """What was added to, removed from and grown in the release since its feature freeze,
    from the audit trail; each with the change request that allowed it."""
    release = session.get_one(Release, release_id)
    frozen = release.feature_freeze is not None and today > release.feature_freeze
    locked_on = release.scope_locked_on
    if not frozen or locked_on is None:
        return ScopeReport(release.name, release.feature_freeze, frozen, locked_on, ())
    events = AuditEvent
    mark_id = max(
        (
            event_id
            for event_id, after in session.execute(
                select(events.id, events.after).where(
                    events.entity == "releases",
                    events.entity_id == release_id,
                    events.action == "update",
                )
            )
            if json.loads(after or "{}").get("scope_locked_on")
        ),
        default=None,
    )
    if mark_id is None:
        return ScopeReport(release.name, release.feature_freeze, frozen, locked_on, ())
    items: dict[int, _Item] = {}
    # Whose release an update is about: an update names only what changed.
    release_of: dict[int, int | None] = {}
    rows = session.execute(
        select(
            events.entity_id,
            events.action,
            events.before,
            events.after,
            events.at,
            events.actor,
            events.reason,
        )
        .where(events.entity == "work_items", events.id > mark_id)
        .order_by(events.id)
    ).all()
    # An item removed since: its last values, for the events about it before that.
    gone: dict[int, dict[str, Any]] = {
        row[0]: json.loads(row[2]) for row in rows if row[1] == "delete" and row[2]
    }
    for item_id, action, before_s, after_s, at, actor, reason in rows:
        before: dict[str, Any] = json.loads(before_s) if before_s else {}
        after: dict[str, Any] = json.loads(after_s) if after_s else {}
        if action == "create":
            release_of[item_id] = after["release_id"]
            if after["release_id"] != release_id:
                continue
            items[item_id] = _Item(after["key"], after["name"], created=True)
            items[item_id].now = after["duration"]
        else:
            owner = release_of.get(item_id)
            if owner is None:
                owner = (
                    gone[item_id]["release_id"]
                    if item_id in gone
                    else _current_release(session, item_id)
                )
                release_of[item_id] = owner
            if owner != release_id:
                continue
            entry = items.get(item_id)
            if entry is None:
                values = gone[item_id] if item_id in gone else _current(session, item_id)
                entry = items[item_id] = _Item(values.get("key", ""), values.get("name", ""))
                entry.at_mark = values.get("duration") if action == "delete" else None
            if action == "delete":
                entry.removed = True
                if entry.at_mark is None and not entry.created:
                    entry.at_mark = before.get("duration")
            elif "duration" in after:
                if entry.at_mark is None and not entry.created:
                    entry.at_mark = before["duration"]
                entry.now = after["duration"]
            else:
                continue
        entry = items[item_id]
        entry.at, entry.actor, entry.reason = at, actor, reason
    cited = _exceptions(session, release_id)
    changes = []
    for entry in items.values():
        if entry.created and entry.removed:
            continue  # added and taken out again since the freeze: no change
        if entry.created:
            kind, old, new = "added", None, entry.now
        elif entry.removed:
            kind, old, new = "removed", entry.at_mark, None
        elif entry.at_mark is not None and entry.now is not None and entry.now > entry.at_mark:
            kind, old, new = "grown", entry.at_mark, entry.now
        else:
            continue
        changes.append(
            ScopeChange(
                kind,
                entry.key,
                entry.name,
                old,
                new,
                entry.at,
                entry.actor,
                entry.reason,
                cited.get((entry.key, kind), ""),
            )
        )
    changes.sort(key=lambda c: (KINDS.index(c.kind), c.key))
    return ScopeReport(release.name, release.feature_freeze, frozen, locked_on, tuple(changes))


def _current(session: Session, item_id: int) -> dict[str, Any]:
    found = session.execute(
        select(WorkItem.key, WorkItem.name, WorkItem.duration).where(WorkItem.id == item_id)
    ).one_or_none()
    return {} if found is None else {"key": found[0], "name": found[1], "duration": found[2]}


def _current_release(session: Session, item_id: int) -> int | None:
    return session.scalar(select(WorkItem.release_id).where(WorkItem.id == item_id))


def _exceptions(session: Session, release_id: int) -> dict[tuple[str, str], str]:
    """(item key, kind) -> the key of the change request cited last for it."""
    return {
        (item_key, kind): key
        for item_key, kind, key in session.execute(
            select(ScopeException.item_key, ScopeException.kind, ChangeRequest.key)
            .join(ChangeRequest, ChangeRequest.id == ScopeException.change_request_id)
            .where(ScopeException.release_id == release_id)
            .order_by(ScopeException.id)
        )
    }
