"""What a document reads from the audit trail: the chain's head, and the events about a
release (or its runbooks) grouped into revisions.

An event belongs to a release when it is about the release itself or about a row that points
at something of the release through a foreign key (a runbook's step, a change request's
approval, a link of one of its work items...). Events are read oldest first, so a row is known
to be the release's from its create event on, and its later updates and delete follow it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import GENESIS
from models import AuditEvent
from models.base import Base


@dataclass(frozen=True, slots=True)
class TrailEvent:
    id: int
    at: dt.datetime  # UTC
    actor: str
    action: str
    entity: str
    entity_id: int
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    reason: str

    @property
    def label(self) -> str:
        values = self.after or self.before
        for name in ("key", "name", "title", "text"):
            if values.get(name):
                return f"{self.entity} #{self.entity_id} ({_short(str(values[name]), 60)})"
        return f"{self.entity} #{self.entity_id}"

    def changes(self, limit: int = 6) -> str:
        """The changed fields in words, e.g. "status: planned → shipped"."""
        if self.action == "update":
            names = [n for n in self.after if n != "id"]
            parts = [
                f"{n}: {_value(self.before.get(n))} → {_value(self.after.get(n))}"
                for n in names[:limit]
            ]
        else:
            values = self.after if self.action == "create" else self.before
            names = [n for n in values if n != "id" and values[n] not in (None, "")]
            parts = [f"{n}: {_value(values[n])}" for n in names[:limit]]
        if len(names) > limit:
            parts.append(f"… {len(names) - limit} more")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Revision:
    """Consecutive events of one actor for one reason: one edit as the user saw it."""

    number: int
    at: dt.datetime
    actor: str
    reason: str
    events: tuple[TrailEvent, ...]

    def summary(self) -> str:
        counts: dict[tuple[str, str], int] = {}
        for event in self.events:
            key = (event.entity, event.action)
            counts[key] = counts.get(key, 0) + 1
        return ", ".join(f"{entity}: {n} {action}d" for (entity, action), n in counts.items())


def head(session: Session) -> str:
    """The hash of the newest audit event (the chain's start when there is none)."""
    newest = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return newest or GENESIS


def _parents() -> dict[str, list[tuple[str, str]]]:
    """Per table, its foreign-key columns and the tables they point at."""
    return {
        table.name: [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        for table in Base.metadata.tables.values()
    }


def events_under(
    session: Session, roots: Mapping[str, Iterable[int]], entities: Iterable[str] | None = None
) -> list[TrailEvent]:
    """Events about the root rows and every row that hangs from them, oldest first;
    `entities` keeps only the events of those tables."""
    parents = _parents()
    members: dict[str, set[int]] = {name: set(ids) for name, ids in roots.items()}
    wanted = set(entities) if entities is not None else None
    found = []
    query = select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.entity,
        AuditEvent.entity_id,
        AuditEvent.before,
        AuditEvent.after,
        AuditEvent.reason,
    ).order_by(AuditEvent.id)
    for eid, at, actor, action, entity, entity_id, before, after, reason in session.execute(query):
        mine = members.setdefault(entity, set())
        old = json.loads(before) if before else {}
        new = json.loads(after) if after else {}
        if entity_id not in mine:
            values = new or old
            if not any(
                values.get(column) in members.get(target, ())
                for column, target in parents.get(entity, ())
            ):
                continue
            mine.add(entity_id)
        if wanted is None or entity in wanted:
            found.append(
                TrailEvent(
                    eid,
                    dt.datetime.fromisoformat(at),
                    actor,
                    action,
                    entity,
                    entity_id,
                    old,
                    new,
                    reason,
                )
            )
    return found


def revisions(events: Iterable[TrailEvent]) -> list[Revision]:
    grouped: list[list[TrailEvent]] = []
    for event in events:
        last = grouped[-1][-1] if grouped else None
        if last is not None and (last.actor, last.reason) == (event.actor, event.reason):
            grouped[-1].append(event)
        else:
            grouped.append([event])
    return [
        Revision(n, group[0].at, group[0].actor, group[0].reason, tuple(group))
        for n, group in enumerate(grouped, start=1)
    ]


def _value(value: Any) -> str:
    if value is None:
        return "—"
    return _short(str(value), 80)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
