"""The unit of work every editor goes through: one transaction, audited, rescheduled, announced."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Generic, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.errors import ValidationError
from app.store import PlanStore

T = TypeVar("T")
_NONE: Mapping[str, frozenset[int]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """What one committed action changed, by entity kind (table name) and id.

    `derived` notices report values Gantry recomputed (the schedule), not a user's edit.
    """

    created: Mapping[str, frozenset[int]] = field(default_factory=lambda: _NONE)
    updated: Mapping[str, frozenset[int]] = field(default_factory=lambda: _NONE)
    deleted: Mapping[str, frozenset[int]] = field(default_factory=lambda: _NONE)
    reason: str = ""
    derived: bool = False

    def ids(self, entity: str) -> frozenset[int]:
        """Every id of `entity` created, updated or deleted."""
        return (
            self.created.get(entity, frozenset())
            | self.updated.get(entity, frozenset())
            | self.deleted.get(entity, frozenset())
        )

    def touches(self, *entities: str) -> bool:
        return any(self.ids(entity) for entity in entities)

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(self.created) | frozenset(self.updated) | frozenset(self.deleted)

    def structural(self, entity: str) -> bool:
        """Whether records of `entity` came or went (views rebuild rather than update)."""
        return bool(self.created.get(entity) or self.deleted.get(entity))


def notice_of(
    changes: Iterable[tuple[str, str, int]], reason: str = "", derived: bool = False
) -> ChangeNotice:
    """Fold (action, entity, id) triples into a notice; a record made and removed is dropped."""
    created: dict[str, set[int]] = {}
    updated: dict[str, set[int]] = {}
    deleted: dict[str, set[int]] = {}
    for action, entity, entity_id in changes:
        if action == "create":
            created.setdefault(entity, set()).add(entity_id)
        elif action == "update":
            updated.setdefault(entity, set()).add(entity_id)
        else:
            deleted.setdefault(entity, set()).add(entity_id)
    for entity, gone in deleted.items():
        made = created.get(entity, set())
        both = made & gone
        made -= both
        gone -= both
        updated.get(entity, set()).difference_update(gone | both)
    # An update of a record created in the same action is part of its creation.
    for entity, made in created.items():
        updated.get(entity, set()).difference_update(made)

    def frozen(groups: dict[str, set[int]]) -> Mapping[str, frozenset[int]]:
        return MappingProxyType({k: frozenset(v) for k, v in groups.items() if v})

    return ChangeNotice(frozen(created), frozen(updated), frozen(deleted), reason, derived)


class Staged(Protocol):
    """A projection's prepared update, applied only once the transaction has committed."""

    def apply(self) -> ChangeNotice:
        """Update the projection; returns the notice to announce (possibly widened)."""

    def settle(self) -> None:
        """Start what follows the announcement (the reschedule), so that listeners hear of
        the edit before they hear of the dates it moved."""


class Projection(Protocol):
    """Something kept in step with the plan (the schedule): it reads what an action changed
    inside the transaction, may refuse it (a cycle), and updates itself after the commit."""

    def stage(self, session: Session, notice: ChangeNotice) -> Staged: ...


Listener = Callable[[ChangeNotice], None]


class UnitOfWork:
    """Opens the write transaction, lets a domain service change rows, audits (every flush
    records its events), keeps the projection in step, commits, and announces the change.

    Services never commit on their own: each user action is exactly one `run`.
    """

    def __init__(self, store: PlanStore, projection: Projection | None = None) -> None:
        self.store = store
        self.projection = projection
        self._listeners: list[Listener] = []
        self._running = False

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every notice; returns the function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners):
            listener(notice)

    def run(self, reason: str, action: Callable[[Session], T]) -> T:
        """Run one user action as one audited transaction; nothing changes if it raises.

        `reason` is the user's "why" (or the undo/redo label); before and after values in the
        audit trail already say "what".
        """
        return self.write(reason, action).finish()

    def write(self, reason: str, action: Callable[[Session], T]) -> Written[T]:
        """Steps up to the commit of `run`; `finish()` then brings the projection in step and
        announces the change. A long action (an import of 100,000 rows) writes on a worker
        thread while the window stays responsive, and finishes on the thread that owns the
        plan state; staging only reads the state's links, which nothing else changes while
        the window waits for the import."""
        if self._running:
            raise RuntimeError("a unit of work is already running; actions do not nest")
        self._running = True
        try:
            try:
                with self.store.transaction(reason=reason) as session:
                    result = action(session)
                    session.flush()
                    notice = notice_of(session.info.pop(audit.CHANGES, []), reason)
                    staged = self.projection.stage(session, notice) if self.projection else None
            except IntegrityError as exc:
                raise ValidationError(integrity_message(exc)) from None
        finally:
            self._running = False
        return Written(self, result, notice, staged)


@dataclass(slots=True)
class Written(Generic[T]):
    """A committed action whose projection update and announcement are still to come."""

    uow: UnitOfWork
    result: T
    notice: ChangeNotice
    staged: Staged | None

    def finish(self) -> T:
        notice = self.staged.apply() if self.staged is not None else self.notice
        self.uow.publish(notice)
        if self.staged is not None:
            self.staged.settle()
        return self.result


def integrity_message(exc: IntegrityError) -> str:
    """A database constraint's refusal as a sentence (the services check first; this is the
    backstop for what only the database can see)."""
    text = str(exc.orig)
    if "UNIQUE" in text and "work_items.key" in text:
        return "That key is already used by another work item"
    if "UNIQUE" in text:
        return f"That value must be unique ({text})"
    if "CHECK" in text:
        return f"That value breaks a rule of the plan ({text})"
    if "FOREIGN KEY" in text:
        return "That refers to something that does not exist in the plan"
    return text
