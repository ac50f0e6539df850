"""Work items: their field rules, and the service that reads and edits them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.baselines import detach_items, reattach_items
from app.communications import refuse_counted_from
from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.links import parse_predecessors
from app.plan_data import DeletedItem, ItemRow
from app.plan_state import PlanState, StateService
from app.release_notes import detach_notes, reattach_notes
from app.scope_lock import Permit, ScopeLock, mark, record
from app.unit_of_work import UnitOfWork
from models import Dependency, WorkItem
from models.work import ITEM_KINDS, ITEM_STATUSES, LINK_TYPES


def _duration_rule(row: Any) -> str | None:
    if row.kind == "milestone":
        return f"{row.key} is a milestone: its duration stays 0"
    if row.kind == "phase":
        return f"{row.key} is a phase: its duration comes from its items"
    return None


def _links_rule(row: Any) -> str | None:
    if row.kind == "phase":
        return f"{row.key} is a phase: link its items or milestones instead"
    return None


def _key_problem(key: str) -> str | None:
    # Predecessor lists are split on ';' and ',' and read MS Project forms after the key.
    if any(ch in key for ch in ";,") or key != "".join(key.split()):
        return f"the key '{key}' may not contain spaces, ';' or ','"
    return None


WORK_ITEM_FIELDS = FieldSet(
    "work_items",
    "work item",
    (
        Field(
            "key",
            "Key",
            tip="Unique key, used in predecessor lists",
            required=True,
            max_length=40,
            check=_key_problem,
        ),
        Field("name", "Name", required=True, max_length=300),
        Field("kind", "Kind", FieldKind.CHOICE, choices=choices(ITEM_KINDS), computed=True),
        Field(
            "duration",
            "Duration",
            FieldKind.INT,
            tip="Working days; milestones have none, phases take their items' span",
            required=True,
            minimum=0,
            maximum=9999,
            unit="working days",
            editable_when=_duration_rule,
        ),
        Field(
            "not_before",
            "Not before",
            FieldKind.DATE,
            tip="Start no earlier than this date",
        ),
        Field(
            "predecessors",
            "Predecessors",
            tip="MS Project form: key, type and lag, e.g. A-3; A-4SS+2",
            placeholder="e.g. A-3; A-4SS+2",
            editable_when=_links_rule,
        ),
        Field("owner", "Owner", max_length=120),
        Field("status", "Status", FieldKind.CHOICE, required=True, choices=choices(ITEM_STATUSES)),
        Field(
            "percent_complete",
            "Complete",
            FieldKind.INT,
            required=True,
            minimum=0,
            maximum=100,
            unit="%",
        ),
        Field("actual_start", "Actual start", FieldKind.DATE),
        Field("actual_finish", "Actual finish", FieldKind.DATE),
        Field("notes", "Notes", FieldKind.MULTILINE, tip="Free text"),
        Field("start", "Start", FieldKind.DATE, computed=True, tip="Scheduled start"),
        Field(
            "finish",
            "Finish",
            FieldKind.DATE,
            computed=True,
            tip="Scheduled finish (the last working day)",
        ),
        Field(
            "total_slack",
            "Total slack",
            FieldKind.INT,
            computed=True,
            unit="working days",
            tip="Working days the item can slip without delaying the release",
        ),
        Field(
            "free_slack",
            "Free slack",
            FieldKind.INT,
            computed=True,
            unit="working days",
            tip="Working days the item can slip without delaying any successor",
        ),
    ),
)
_TEMPLATE_NAMES = {"task": "New task", "milestone": "New milestone", "phase": "New phase"}


class WorkItemService(StateService):
    """Reads work items from the plan state and changes them through the unit of work."""

    fields = WORK_ITEM_FIELDS

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        super().__init__(state, uow)
        self.scope = ScopeLock(state, uow)

    # -- reading -------------------------------------------------------------------------------

    def row(self, item_id: int) -> ItemRow:
        return self._state.row(item_id)

    def label(self, item_id: int) -> str:
        return self._state.items[item_id].key

    def ids(self, release_id: int | None = None) -> list[int]:
        """Item ids in outline order (each parent before its children), one release or all."""
        state = self._state
        if release_id is not None:
            return list(state.outline(release_id)) if release_id in state.releases else []
        return [i for r in state.release_order for i in state.outline(r)]

    def rows(self, release_id: int | None = None) -> list[ItemRow]:
        return [self._state.row(i) for i in self.ids(release_id)]

    def child_ids(self, release_id: int, parent_id: int | None) -> list[int]:
        """Ids of a release's top-level items (parent None) or a phase's items, in order."""
        return list(self._state.children.get((release_id, parent_id), ()))

    def children(self, release_id: int, parent_id: int | None) -> list[ItemRow]:
        return [self._state.row(i) for i in self.child_ids(release_id, parent_id)]

    def has_children(self, item_id: int) -> bool:
        record = self._state.items[item_id]
        return (record.release_id, item_id) in self._state.children

    def find(self, key: str) -> ItemRow:
        item_id = self._state.key_to_id.get(key)
        if item_id is None:
            raise ValidationError(f"No work item with key '{key}'")
        return self._state.row(item_id)

    def matches(self, item_id: int, needle: str) -> bool:
        """Whether the item's key, name or owner contains `needle` (already casefolded).

        Reads the stored record, not the row, so filtering 100,000 items builds no rows."""
        record = self._state.items[item_id]
        return (
            needle in record.key.casefold()
            or needle in record.name.casefold()
            or needle in record.owner.casefold()
        )

    def critical_path(self) -> list[ItemRow]:
        return [self._state.row(i) for i in self._state.critical_path()]

    # -- editing -------------------------------------------------------------------------------

    def _existing(self, item_id: int) -> ItemRow:
        try:
            return self._state.row(item_id)
        except KeyError:
            raise ValidationError(f"Work item #{item_id} is no longer in the plan") from None

    def update(
        self,
        item_id: int,
        name: str,
        value: Any,
        reason: str = "",
        today: dt.date | None = None,
        change: str = "",
    ) -> Any:
        """Set one field; returns the old value (what undo puts back).

        With `today`, growing the duration of an item of a frozen release needs `change`,
        the key of an approved change request (app.scope_lock); undo and redo give no day."""
        if name == "predecessors":
            return self.set_predecessors(item_id, "" if value is None else str(value), reason)
        field = self.fields.editable(name)
        current = self._existing(item_id)
        blocked = field.why_not_editable(current)
        if blocked:
            raise ValidationError(blocked)
        value = field.coerce(value, current.key)
        old = getattr(current, name)
        if name == "key" and value != current.key and value in self._state.key_to_id:
            raise ValidationError(f"The key '{value}' is already used by another item")
        started = value if name == "actual_start" else current.actual_start
        finished = value if name == "actual_finish" else current.actual_finish
        if name in ("actual_start", "actual_finish") and started and finished:
            if finished < started:
                raise ValidationError(
                    f"{current.key}: the actual finish {finished} is before the actual start "
                    f"{started}"
                )
        permit = self._duration_permit(current, name, value, today, change)

        def apply(session: Session) -> None:
            mark(session, permit)
            setattr(session.get_one(WorkItem, item_id), name, value)
            if name == "duration" and value > old:
                record(session, permit, current.key, "grown", old, value)

        self._uow.run(reason, apply)
        return old

    def _duration_permit(
        self, current: ItemRow, name: str, value: Any, today: dt.date | None, change: str
    ) -> Permit | None:
        if name != "duration" or value == current.duration:
            return None
        grows = value > current.duration
        what = f"growing {current.key} from {current.duration} to {value} working days"
        return self.scope.permit(current.release_id, today, change, what, grows)

    def update_many(
        self,
        changes: Mapping[int, Mapping[str, Any]],
        reason: str = "",
        today: dt.date | None = None,
        change: str = "",
    ) -> dict[int, dict[str, Any]]:
        """Set fields of several items in one unit of work (one audited transaction, one
        reschedule); returns the old values, in the same shape, for undo. Keys and
        predecessors are edited one item at a time (`update`, `add_link`). Durations grown
        in a frozen release need `change`, as in `update`."""
        coerced: dict[int, dict[str, Any]] = {}
        old: dict[int, dict[str, Any]] = {}
        problems: list[str] = []
        permits: dict[int, Permit] = {}
        for item_id, values in changes.items():
            current = self._existing(item_id)
            coerced[item_id], old[item_id] = {}, {}
            for name, value in values.items():
                if name in ("key", "predecessors"):
                    raise ValidationError(f"{name} cannot be changed for several items at once")
                field = self.fields.editable(name)
                blocked = field.why_not_editable(current)
                if blocked:
                    problems.append(blocked)
                    continue
                coerced[item_id][name] = field.coerce(value, current.key)
                old[item_id][name] = getattr(current, name)
                permit = self._duration_permit(current, name, coerced[item_id][name], today, change)
                if permit is not None:
                    permits[item_id] = permit
        if problems:
            raise ValidationError(problems)

        def apply(session: Session) -> None:
            for permit in permits.values():
                mark(session, permit)
            for item_id, values in coerced.items():
                item = session.get_one(WorkItem, item_id)
                for name, value in values.items():
                    if name == "duration" and value > item.duration:
                        record(
                            session, permits.get(item_id), item.key, "grown", item.duration, value
                        )
                    setattr(item, name, value)

        self._uow.run(reason, apply)
        return old

    def add_link(
        self,
        predecessor_id: int,
        successor_id: int,
        type: str = "FS",
        lag: int = 0,
        reason: str = "",
    ) -> None:
        """Make ``successor_id`` depend on ``predecessor_id``; a link that would close a cycle
        is refused (naming the items on it) and nothing changes."""
        state = self._state
        pred, succ = self._existing(predecessor_id), self._existing(successor_id)
        if type not in LINK_TYPES:
            raise ValidationError(f"A link type is one of {', '.join(LINK_TYPES)}, not '{type}'")
        if pred.id == succ.id:
            raise ValidationError(f"{succ.key} cannot depend on itself")
        for item in (pred, succ):
            if item.kind == "phase":
                raise ValidationError(f"{item.key} is a phase: link its items or milestones")
        for link_id in state.preds.get(successor_id, ()):
            if state.links[link_id].predecessor_id == predecessor_id:
                raise ValidationError(f"{succ.key} already depends on {pred.key}")

        def apply(session: Session) -> None:
            session.add(
                Dependency(
                    predecessor_id=predecessor_id, successor_id=successor_id, type=type, lag=lag
                )
            )

        self._uow.run(reason or f"Link {pred.key} to {succ.key} ({type})", apply)

    def remove_link(self, predecessor_id: int, successor_id: int, reason: str = "") -> None:
        """Remove the link between two items (undo of `add_link`)."""
        state = self._state
        link_id = next(
            (
                i
                for i in state.preds.get(successor_id, ())
                if state.links[i].predecessor_id == predecessor_id
            ),
            None,
        )
        if link_id is None:
            raise ValidationError(
                f"{self.label(successor_id)} no longer depends on {self.label(predecessor_id)}"
            )

        def apply(session: Session) -> None:
            session.delete(session.get_one(Dependency, link_id))

        self._uow.run(reason, apply)

    def set_predecessors(self, item_id: int, text: str, reason: str = "") -> str:
        """Replace an item's predecessors from MS Project text; returns the old text."""
        state = self._state
        current = self._existing(item_id)
        specs = parse_predecessors(text, lambda k: k in state.key_to_id)
        problems = []
        blocked = self.fields["predecessors"].why_not_editable(current)
        if blocked and specs:
            problems.append(blocked)
        for spec in specs:
            pred = state.items[state.key_to_id[spec.key]]
            if pred.id == item_id:
                problems.append(f"{current.key} cannot depend on itself")
            elif pred.kind == "phase":
                problems.append(f"{spec.key} is a phase: link to its items or milestones")
        if problems:
            raise ValidationError(problems)
        old = current.predecessors
        wanted = {state.key_to_id[s.key]: s for s in specs}

        def apply(session: Session) -> None:
            existing = session.scalars(
                select(Dependency).where(Dependency.successor_id == item_id)
            ).all()
            by_pred = {d.predecessor_id: d for d in existing}
            for pred_id, dep in by_pred.items():
                if pred_id not in wanted:
                    session.delete(dep)
            for pred_id, spec in wanted.items():
                link = by_pred.get(pred_id)
                if link is None:
                    session.add(
                        Dependency(
                            predecessor_id=pred_id,
                            successor_id=item_id,
                            type=spec.type,
                            lag=spec.lag,
                        )
                    )
                elif (link.type, link.lag) != (spec.type, spec.lag):
                    link.type, link.lag = spec.type, spec.lag

        self._uow.run(reason, apply)
        return old

    def create(
        self,
        release_id: int,
        kind: str,
        name: str = "",
        parent_id: int | None = None,
        after_id: int | None = None,
        duration: int | None = None,
        key: str | None = None,
        today: dt.date | None = None,
        change: str = "",
    ) -> int:
        """Add a task, milestone or phase under `parent_id`, after `after_id` (else last).

        With `today`, adding to a frozen release needs `change`, the key of an approved
        change request (app.scope_lock)."""
        state = self._state
        if kind not in ITEM_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(ITEM_KINDS)}")
        name = self.fields["name"].coerce(name or _TEMPLATE_NAMES[kind])
        if release_id not in state.releases:
            raise ValidationError(f"There is no release #{release_id}")
        if parent_id is not None:
            parent = state.items.get(parent_id)
            if parent is None or parent.kind != "phase":
                label = parent.key if parent else f"#{parent_id}"
                raise ValidationError(f"{label} is not a phase; only phases hold items")
            if parent.release_id != release_id:
                raise ValidationError(f"{parent.key} belongs to another release")
        if key is not None:
            key = self.fields["key"].coerce(key)
            if key in state.key_to_id:
                raise ValidationError(f"The key '{key}' is already used by another item")
        else:
            key = self.next_key()
        if kind == "task":
            days = self.fields["duration"].coerce(1 if duration is None else duration)
        else:
            days = 0
        release = state.releases[release_id]
        permit = self.scope.permit(release_id, today, change, f"adding {key} '{name}'")
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            mark(session, permit)
            siblings = session.scalars(
                select(WorkItem)
                .where(
                    WorkItem.release_id == release_id,
                    WorkItem.parent_id.is_(None)
                    if parent_id is None
                    else WorkItem.parent_id == parent_id,
                )
                .order_by(WorkItem.position, WorkItem.id)
            ).all()
            position = max((s.position for s in siblings), default=-1) + 1
            after = next((s for s in siblings if s.id == after_id), None)
            if after is not None:
                position = after.position + 1
                for sibling in siblings:
                    if sibling.position >= position:
                        sibling.position += 1
            item = WorkItem(
                release_id=release_id,
                parent_id=parent_id,
                kind=kind,
                name=name,
                key=key,
                position=position,
                duration=days,
            )
            session.add(item)
            session.flush()
            new_id = item.id
            record(session, permit, key, "added", None, days)

        self._uow.run(f"Add {kind} '{name}' to {release.name}", apply)
        return new_id

    def next_key(self) -> str:
        """The plan's key prefix and the next free number: ATL-115 after ATL-114."""
        prefix = self._state.settings.key_prefix
        pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
        highest = 0
        for key in self._state.key_to_id:
            match = pattern.match(key)
            if match:
                highest = max(highest, int(match[1]))
        return f"{prefix}-{highest + 1}"

    def delete(self, item_id: int, reason: str = "", today: dt.date | None = None) -> DeletedItem:
        """Delete an item with its children and links; returns what restore() needs.

        Removing work is never refused; with `today`, a removal from a frozen release is
        one of its scope changes since the freeze."""
        current = self._existing(item_id)
        permit = self.scope.permit(current.release_id, today, "", "removing", grows=False)
        captured: DeletedItem | None = None

        def apply(session: Session) -> None:
            nonlocal captured
            mark(session, permit)
            ids = [item_id]
            frontier = [item_id]
            while frontier:
                frontier = list(
                    session.scalars(select(WorkItem.id).where(WorkItem.parent_id.in_(frontier)))
                )
                ids.extend(frontier)
            columns = [c.key for c in WorkItem.__mapper__.column_attrs]
            rows = session.scalars(select(WorkItem).where(WorkItem.id.in_(ids))).all()
            order = {i: n for n, i in enumerate(ids)}
            items = [
                {c: getattr(r, c) for c in columns} for r in sorted(rows, key=lambda r: order[r.id])
            ]
            deps = session.scalars(
                select(Dependency).where(
                    Dependency.predecessor_id.in_(ids) | Dependency.successor_id.in_(ids)
                )
            ).all()
            links = [
                {c.key: getattr(d, c.key) for c in Dependency.__mapper__.column_attrs} for d in deps
            ]
            # Before the rows go: baseline dates and release notes refer to them (and undo puts
            # them back too); a communication counted from one refuses the delete.
            refuse_counted_from(session, ids)
            held = detach_items(session, ids)
            tied = detach_notes(session, ids)
            captured = DeletedItem(items, links, held, tied)
            for dep in deps:
                session.delete(dep)
            session.flush()
            # Children first, so no foreign key points at a deleted parent.
            for row in sorted(rows, key=lambda r: -order[r.id]):
                session.delete(row)
                session.flush()

        self._uow.run(reason or f"Delete {current.key} '{current.name}'", apply)
        assert captured is not None
        return captured

    def restore(self, deleted: DeletedItem, reason: str = "") -> None:
        """Put back what delete() removed, with the same ids (undo of a delete)."""
        first = deleted.items[0]
        taken = [
            str(values["key"])
            for values in deleted.items
            if self._state.key_to_id.get(str(values["key"])) not in (None, values["id"])
        ]
        if taken:
            raise ValidationError(
                f"Cannot put {first['key']} back: the key {', '.join(taken)} is now used by "
                "another item"
            )

        def apply(session: Session) -> None:
            for values in deleted.items:
                session.add(WorkItem(**values))
                session.flush()
            for values in deleted.links:
                session.add(Dependency(**values))
            reattach_items(session, deleted.baseline_dates)
            reattach_notes(session, deleted.notes)

        self._uow.run(reason or f"Restore {first['key']}", apply)
