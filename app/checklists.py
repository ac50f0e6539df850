"""Checklists: templates, per-release instances, their sections and items, and go/no-go.

Every change is one unit of work (audited, announced). The rows are read from the file
into plain records, cached, and read again when a notice touches the checklist tables: a
plan holds tens of checklists, not thousands. Undo is done by the inverse call with what
the first call returned (a placement, deleted rows), never by a snapshot of the plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.checklist_templates import TEMPLATES, ItemSpec, SectionSpec, TemplateSpec
from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.plan_state import PlanState, StateService
from app.scheduling.calendar import WorkCalendar
from app.unit_of_work import ChangeNotice, UnitOfWork
from models import Checklist, ChecklistItem, ChecklistSection, GoNoGoDecision
from models.checklists import (
    CHECK_STATUSES,
    DECISIONS,
    DUE_MILESTONES,
    EVIDENCE_KINDS,
    REQUIREMENTS,
)

KIND_LABELS = {"go_no_go": "Go/No-Go", "security_review": "Security review"}
STATUS_LABELS = {"not_applicable": "N/A"}
DECISION_LABELS = {"go": "GO", "no_go": "NO-GO", "go_with_exceptions": "GO with exceptions"}
MILESTONE_LABELS = {"start_date": "Start", "target_date": "Target"}
UNRESOLVED = frozenset({"open", "blocked"})
TABLES = ("checklists", "checklist_sections", "checklist_items", "go_no_go_decisions")


ITEM_FIELDS = FieldSet(
    "checklist_items",
    "checklist item",
    (
        Field("text", "Item", required=True, max_length=500),
        Field(
            "status",
            "Status",
            FieldKind.CHOICE,
            required=True,
            choices=choices(CHECK_STATUSES, STATUS_LABELS),
            tip="Open and blocked items still hold the release; done and N/A do not",
        ),
        Field(
            "requirement",
            "Need",
            FieldKind.CHOICE,
            required=True,
            choices=choices(REQUIREMENTS),
            tip="A required go/no-go item left open keeps the release from being released",
        ),
        Field("owner_role", "Owner role", max_length=120, placeholder="e.g. SRE"),
        Field("owner", "Owner", max_length=120, placeholder="a person"),
        Field(
            "due_offset",
            "Due (working days)",
            FieldKind.INT,
            minimum=-250,
            maximum=250,
            unit="working days",
            tip="Working days from the release date below; negative: before it",
        ),
        Field(
            "due_milestone",
            "Due from",
            FieldKind.CHOICE,
            choices=choices(DUE_MILESTONES, MILESTONE_LABELS),
            tip="The release date the due offset counts from",
        ),
        Field(
            "evidence_kind",
            "Evidence is",
            FieldKind.CHOICE,
            required=True,
            choices=choices(EVIDENCE_KINDS, {"file": "File path"}),
        ),
        Field("evidence", "Evidence", max_length=2000, tip="A note, a link or a file path"),
        Field("comment", "Comment", FieldKind.MULTILINE),
        Field("checked_by", "Checked by", computed=True),
        Field("checked_at", "Checked at (UTC)", FieldKind.TIMESTAMP, computed=True),
    ),
)
SECTION_FIELDS = FieldSet(
    "checklist_sections",
    "section",
    (Field("name", "Section", required=True, max_length=200),),
)
CHECKLIST_FIELDS = FieldSet(
    "checklists",
    "checklist",
    (
        Field("name", "Checklist", required=True, max_length=200),
        Field(
            "deciders",
            "Decided by",
            max_length=400,
            tip="The roles whose decision a go/no-go needs, separated by semicolons",
        ),
    ),
)
DECISION_FIELDS = FieldSet(
    "go_no_go_decisions",
    "go/no-go decision",
    (
        Field(
            "decision",
            "Decision",
            FieldKind.CHOICE,
            required=True,
            choices=choices(DECISIONS, DECISION_LABELS),
        ),
        Field("person", "Decided by", required=True, max_length=120),
        Field("role", "As", required=True, max_length=120),
        Field("reason", "Reason", FieldKind.MULTILINE),
    ),
)
# What copy and paste carry over: an item's definition. Status, evidence and who checked it
# belong to the checklist it was answered in, so a pasted item starts open.
COPIED = ("text", "owner_role", "owner", "requirement", "due_offset", "due_milestone", "comment")


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    id: int
    release_id: int | None
    is_template: bool
    kind: str
    name: str
    deciders: str

    @property
    def decider_roles(self) -> tuple[str, ...]:
        return split_roles(self.deciders)


@dataclass(frozen=True, slots=True)
class SectionRow:
    id: int
    checklist_id: int
    position: int
    name: str


@dataclass(frozen=True, slots=True)
class ChecklistItemRow:
    id: int
    checklist_id: int
    section_id: int
    position: int
    text: str
    owner_role: str
    owner: str
    requirement: str
    due_offset: int | None
    due_milestone: str | None
    status: str
    evidence_kind: str
    evidence: str
    checked_by: str
    checked_at: dt.datetime | None  # UTC
    comment: str

    @property
    def required(self) -> bool:
        return self.requirement == "required"

    @property
    def unresolved(self) -> bool:
        return self.status in UNRESOLVED


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: int
    release_id: int
    checklist_id: int
    decision: str
    person: str
    role: str
    decided_at: dt.datetime  # UTC
    reason: str


@dataclass(frozen=True, slots=True)
class Progress:
    """Done items against the items that apply (N/A ones do not)."""

    done: int = 0
    applicable: int = 0
    blocked: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.applicable) if self.applicable else 100

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.done + other.done,
            self.applicable + other.applicable,
            self.blocked + other.blocked,
            self.total + other.total,
        )


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """Which items a view shows: `mine` matches the owner role or the owner (any case);
    `state` is "all", "open" (open or blocked: unresolved) or "blocked"."""

    mine: str = ""
    state: str = "all"

    def matches(self, item: ChecklistItemRow) -> bool:
        who = self.mine.strip().casefold()
        if who and who not in (item.owner_role.casefold(), item.owner.casefold()):
            return False
        if self.state == "open":
            return item.unresolved
        if self.state == "blocked":
            return item.status == "blocked"
        return True

    @property
    def active(self) -> bool:
        return bool(self.mine.strip()) or self.state != "all"


# item id -> (checklist id, section id, position): where items were, for undo of a move.
Placement = dict[int, tuple[int, int, int]]


@dataclass(frozen=True, slots=True)
class DeletedItems:
    """Deleted items' stored values and where their neighbours were, for restore (undo)."""

    rows: tuple[Mapping[str, Any], ...]
    placement: Placement


@dataclass(frozen=True, slots=True)
class DeletedChecklist:
    checklist: Mapping[str, Any]
    sections: tuple[Mapping[str, Any], ...]
    items: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True, slots=True)
class GoNoGoStatus:
    """A go/no-go checklist as the decision sees it."""

    checklist: ChecklistRow
    unresolved: list[ChecklistItemRow]  # required first, then in checklist order
    deciders: tuple[str, ...]
    decisions: list[DecisionRow]  # oldest first

    @property
    def required_open(self) -> list[ChecklistItemRow]:
        return [i for i in self.unresolved if i.required]

    @property
    def waiting_for(self) -> list[str]:
        """Decider roles that have not recorded a decision yet."""
        decided = {d.role.casefold() for d in self.decisions}
        return [r for r in self.deciders if r.casefold() not in decided]

    @property
    def latest(self) -> DecisionRow | None:
        return self.decisions[-1] if self.decisions else None


def split_roles(text: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in text.replace(",", ";").split(";") if r.strip())


def _values(record: Any, model: type[Any]) -> dict[str, Any]:
    return {c.key: getattr(record, c.key) for c in inspect(model).column_attrs}


def write_template(
    session: Session, spec: TemplateSpec, release_id: int | None = None, name: str = ""
) -> Checklist:
    """Store a template (no release) or an instance of it (for `release_id`) in the session."""
    checklist = Checklist(
        release_id=release_id,
        is_template=release_id is None,
        kind=spec.kind,
        name=name or spec.name,
        deciders="; ".join(spec.deciders),
    )
    session.add(checklist)
    session.flush()
    for s_pos, section_spec in enumerate(spec.sections):
        section = ChecklistSection(
            checklist_id=checklist.id, position=s_pos, name=section_spec.name
        )
        session.add(section)
        session.flush()
        session.add_all(
            ChecklistItem(
                checklist_id=checklist.id,
                section_id=section.id,
                position=i_pos,
                text=item.text,
                owner_role=item.owner_role,
                requirement="required" if item.required else "optional",
                due_offset=item.due_offset,
                due_milestone=item.due_milestone,
            )
            for i_pos, item in enumerate(section_spec.items)
        )
    session.flush()
    return checklist


class _NamedSource:
    """A FieldSource over checklists or sections (their names), for the generic EditField."""

    def __init__(self, service: ChecklistService, fields: FieldSet, model: type[Any]) -> None:
        self.fields = fields
        self._service = service
        self._model = model

    def row(self, record_id: int) -> Any:
        return self._service._record(self.fields.entity, record_id)

    def label(self, record_id: int) -> str:
        return str(self.row(record_id).name)

    def update(self, record_id: int, name: str, value: Any, reason: str = "") -> Any:
        field = self.fields.editable(name)
        current = self._service._existing(self.fields.entity, record_id)
        clean = field.coerce(value, current.name)
        if name == "deciders":
            clean = "; ".join(split_roles(clean))
        old = getattr(current, name)
        model = self._model

        def apply(session: Session) -> None:
            setattr(session.get_one(model, record_id), name, clean)

        self._service._uow.run(reason, apply)
        return old


class ChecklistService(StateService):
    """The plan's checklists. As a field source it edits checklist items; `sections` and
    `lists` edit section and checklist names."""

    fields = ITEM_FIELDS

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        super().__init__(state, uow)
        self._cache: dict[str, dict[int, Any]] | None = None
        self._calendar: tuple[frozenset[int], frozenset[dt.date], WorkCalendar] | None = None
        self.sections = _NamedSource(self, SECTION_FIELDS, ChecklistSection)
        self.lists = _NamedSource(self, CHECKLIST_FIELDS, Checklist)
        self._unsubscribe = uow.subscribe(self._changed)

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches(*TABLES):
            self._cache = None

    def close(self) -> None:
        self._unsubscribe()

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> dict[str, dict[int, Any]]:
        if self._cache is None:
            with self._uow.store.read() as session:
                self._cache = {
                    "checklists": _read(session, Checklist, ChecklistRow, (Checklist.id,)),
                    "checklist_sections": _read(
                        session,
                        ChecklistSection,
                        SectionRow,
                        (ChecklistSection.position, ChecklistSection.id),
                    ),
                    "checklist_items": _read(
                        session,
                        ChecklistItem,
                        ChecklistItemRow,
                        (ChecklistItem.position, ChecklistItem.id),
                    ),
                    "go_no_go_decisions": _read(
                        session,
                        GoNoGoDecision,
                        DecisionRow,
                        (GoNoGoDecision.decided_at, GoNoGoDecision.id),
                    ),
                }
        return self._cache

    def _record(self, entity: str, record_id: int) -> Any:
        return self._load()[entity][record_id]

    def _existing(self, entity: str, record_id: int) -> Any:
        try:
            return self._record(entity, record_id)
        except KeyError:
            noun = {"checklist_items": "checklist item", "checklist_sections": "section"}
            what = noun.get(entity, entity.rstrip("s").replace("_", " "))
            raise ValidationError(f"That {what} (#{record_id}) is no longer in the plan") from None

    def checklists(self, release_id: int | None) -> list[ChecklistRow]:
        """A release's checklists (None: the templates), in the order they were made."""
        return [
            c
            for c in self._load()["checklists"].values()
            if c.release_id == release_id and (release_id is not None or c.is_template)
        ]

    def checklist(self, checklist_id: int) -> ChecklistRow:
        """KeyError when there is no such checklist."""
        return self._record("checklists", checklist_id)  # type: ignore[no-any-return]

    def sections_of(self, checklist_id: int) -> list[SectionRow]:
        return [
            s for s in self._load()["checklist_sections"].values() if s.checklist_id == checklist_id
        ]

    def section(self, section_id: int) -> SectionRow:
        return self._record("checklist_sections", section_id)  # type: ignore[no-any-return]

    def items_of(self, section_id: int, only: ItemFilter | None = None) -> list[ChecklistItemRow]:
        """A section's items in order; with `only`, those it matches."""
        return [
            i
            for i in self._load()["checklist_items"].values()
            if i.section_id == section_id and (only is None or only.matches(i))
        ]

    def checklist_items(self, checklist_id: int) -> list[ChecklistItemRow]:
        """A checklist's items, section by section."""
        return [i for s in self.sections_of(checklist_id) for i in self.items_of(s.id)]

    def row(self, item_id: int) -> ChecklistItemRow:
        """KeyError when there is no such item."""
        return self._record("checklist_items", item_id)  # type: ignore[no-any-return]

    def label(self, item_id: int) -> str:
        text = self.row(item_id).text
        return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"

    def progress(self, checklist_id: int, section_id: int | None = None) -> Progress:
        """Progress of a section, or of the whole checklist when no section is named."""
        if section_id is not None:
            items = self.items_of(section_id)
        else:
            items = self.checklist_items(checklist_id)
        return Progress(
            done=sum(i.status == "done" for i in items),
            applicable=sum(i.status != "not_applicable" for i in items),
            blocked=sum(i.status == "blocked" for i in items),
            total=len(items),
        )

    def filtered(self, checklist_id: int, only: ItemFilter) -> list[ChecklistItemRow]:
        return [i for i in self.checklist_items(checklist_id) if only.matches(i)]

    # -- due dates -----------------------------------------------------------------------------

    def working_calendar(self) -> WorkCalendar:
        week, holidays = self._state.settings.work_week, self._state.holidays
        cached = self._calendar
        if cached is None or cached[0] != week or cached[1] is not holidays:
            cached = self._calendar = (week, holidays, WorkCalendar(holidays, week))
        return cached[2]

    def due_date(self, item: ChecklistItemRow) -> dt.date | None:
        """The day an item is due: its offset in working days from its release's date;
        None for a template, an item without a due rule, or a release without that date."""
        if item.due_milestone is None:
            return None
        release_id = self.checklist(item.checklist_id).release_id
        release = self._state.releases.get(release_id) if release_id is not None else None
        day = getattr(release, item.due_milestone) if release is not None else None
        if day is None:
            return None
        return self.working_calendar().add_working_days(day, item.due_offset or 0)

    @staticmethod
    def due_rule(item: ChecklistItemRow) -> str:
        """ "2 working days before code freeze", "on target"; "" without a rule."""
        if item.due_milestone is None:
            return ""
        milestone = ITEM_FIELDS["due_milestone"].choice_label(item.due_milestone).lower()
        offset = item.due_offset or 0
        if offset == 0:
            return f"on {milestone}"
        days = "working day" if abs(offset) == 1 else "working days"
        return f"{abs(offset)} {days} {'before' if offset < 0 else 'after'} {milestone}"

    # -- editing items -------------------------------------------------------------------------

    def update(self, item_id: int, name: str, value: Any, reason: str = "") -> Any:
        """Set one field of an item; returns the old value (what undo puts back).

        Setting a status records who set it and when (UTC); reopening clears both."""
        field = self.fields.editable(name)
        current = self._existing("checklist_items", item_id)
        subject = f"Checklist item {self.label(item_id)}"
        clean = field.coerce(value, subject)
        after = dataclasses.replace(current, **{name: clean})
        problems = _item_rules(after)
        if problems:
            raise ValidationError([f"{subject}: {p}" for p in problems])
        old = getattr(current, name)
        changes: dict[str, Any] = {name: clean}
        if name == "status" and clean != old:
            stamped = clean != "open"
            changes["checked_by"] = self._uow.store.actor if stamped else ""
            changes["checked_at"] = _now() if stamped else None

        def apply(session: Session) -> None:
            item = session.get_one(ChecklistItem, item_id)
            for key, new in changes.items():
                setattr(item, key, new)

        self._uow.run(reason, apply)
        return old

    def placement(self, section_ids: Iterable[int]) -> Placement:
        """Where every item of these sections is now."""
        return {
            i.id: (i.checklist_id, i.section_id, i.position)
            for s in set(section_ids)
            for i in self.items_of(s)
        }

    def move_items(
        self, item_ids: Sequence[int], section_id: int, row: int, reason: str = ""
    ) -> Placement:
        """Move items (of any sections) into a section before its item at `row` (counted
        before the move, as a drop names it; past the end: at the end), in their present
        order. One unit of work; returns where the touched items were, for set_placement."""
        target = self._existing("checklist_sections", section_id)
        moving = self._in_order(item_ids)
        moved = {i.id for i in moving}
        present = self.items_of(section_id)
        row = max(0, min(row, len(present)))
        before = [i.id for i in present[:row] if i.id not in moved]
        after = [i.id for i in present[row:] if i.id not in moved]
        order = {section_id: [*before, *(i.id for i in moving), *after]}
        for source in {i.section_id for i in moving} - {section_id}:
            order[source] = [i.id for i in self.items_of(source) if i.id not in moved]
        was = self.placement(order)
        places = {
            item_id: (self.section(s).checklist_id, s, pos)
            for s, ids in order.items()
            for pos, item_id in enumerate(ids)
        }
        noun = "item" if len(moving) == 1 else f"{len(moving)} items"
        self._uow.run(reason or f"Move {noun} to {target.name}", _placer(places))
        return was

    def set_placement(self, placement: Placement, reason: str = "") -> None:
        """Put items back where a placement says they were (undo of a move)."""
        self._uow.run(reason, _placer(placement))

    def _in_order(self, item_ids: Iterable[int]) -> list[ChecklistItemRow]:
        rows = [self._existing("checklist_items", i) for i in dict.fromkeys(item_ids)]
        if not rows:
            raise ValidationError("No checklist items were given")
        cl_order = {c: n for n, c in enumerate(self._load()["checklists"])}
        sec = self._load()["checklist_sections"]
        return sorted(
            rows, key=lambda i: (cl_order[i.checklist_id], sec[i.section_id].position, i.position)
        )

    def copy_items(self, item_ids: Iterable[int]) -> list[dict[str, Any]]:
        """The definitions of items (COPIED fields), in checklist order, for paste_items."""
        return [{k: getattr(i, k) for k in COPIED} for i in self._in_order(item_ids)]

    def paste_items(
        self,
        drafts: Sequence[Mapping[str, Any]],
        section_id: int,
        row: int | None = None,
        reason: str = "",
    ) -> list[int]:
        """Add items made of `drafts` (copied items, or {"text": …}) to a section before its
        item at `row` (None: at the end), as open items; returns their ids."""
        section = self._existing("checklist_sections", section_id)
        if not drafts:
            raise ValidationError("There is nothing to paste")
        clean: list[dict[str, Any]] = []
        for n, draft in enumerate(drafts, 1):
            values = {k: draft.get(k, _DEFAULTS[k]) for k in COPIED}
            problems = []
            for key, value in values.items():
                try:
                    values[key] = ITEM_FIELDS[key].coerce(value, f"Pasted item {n}")
                except ValidationError as exc:
                    problems.extend(exc.problems)
            if problems:
                raise ValidationError(problems)
            clean.append(values)
        present = [i.id for i in self.items_of(section_id)]
        at = len(present) if row is None else max(0, min(row, len(present)))
        created: list[int] = []

        def apply(session: Session) -> None:
            new = [
                ChecklistItem(
                    checklist_id=section.checklist_id, section_id=section_id, position=0, **v
                )
                for v in clean
            ]
            session.add_all(new)
            session.flush()
            created.extend(i.id for i in new)
            for pos, item_id in enumerate([*present[:at], *created, *present[at:]]):
                session.get_one(ChecklistItem, item_id).position = pos

        noun = "item" if len(clean) == 1 else f"{len(clean)} items"
        self._uow.run(reason or f"Add {noun} to {section.name}", apply)
        return created

    def delete_items(self, item_ids: Iterable[int], reason: str = "") -> DeletedItems:
        """Delete items; returns what restore_items needs to put them back where they were."""
        rows = self._in_order(item_ids)
        gone = {i.id for i in rows}
        was = self.placement(i.section_id for i in rows)
        remaining = {
            s: [i.id for i in self.items_of(s) if i.id not in gone]
            for s in {i.section_id for i in rows}
        }
        captured: list[dict[str, Any]] = []

        def apply(session: Session) -> None:
            for item in rows:
                record = session.get_one(ChecklistItem, item.id)
                captured.append(_values(record, ChecklistItem))
                session.delete(record)
            session.flush()
            for ids in remaining.values():
                for pos, item_id in enumerate(ids):
                    session.get_one(ChecklistItem, item_id).position = pos

        noun = "item" if len(rows) == 1 else f"{len(rows)} items"
        self._uow.run(reason or f"Delete {noun}", apply)
        return DeletedItems(tuple(captured), {k: v for k, v in was.items() if k not in gone})

    def restore_items(self, deleted: DeletedItems, reason: str = "") -> None:
        def apply(session: Session) -> None:
            session.add_all(ChecklistItem(**values) for values in deleted.rows)
            session.flush()
            _placer(deleted.placement)(session)

        self._uow.run(reason, apply)

    # -- sections and checklists ---------------------------------------------------------------

    def add_section(self, checklist_id: int, name: str, reason: str = "") -> int:
        checklist = self._existing("checklists", checklist_id)
        clean = SECTION_FIELDS["name"].coerce(name, checklist.name)
        position = len(self.sections_of(checklist_id))
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            section = ChecklistSection(checklist_id=checklist_id, position=position, name=clean)
            session.add(section)
            session.flush()
            new_id = section.id

        self._uow.run(reason or f"Add section {clean}", apply)
        return new_id

    def delete_section(self, section_id: int, reason: str = "") -> Mapping[str, Any]:
        """Delete an empty section; returns its values for restore_section."""
        section = self._existing("checklist_sections", section_id)
        if self.items_of(section_id):
            raise ValidationError(
                f"Section {section.name} still holds items; move or delete them first"
            )
        captured: dict[str, Any] = {}

        def apply(session: Session) -> None:
            record = session.get_one(ChecklistSection, section_id)
            captured.update(_values(record, ChecklistSection))
            session.delete(record)

        self._uow.run(reason or f"Delete section {section.name}", apply)
        return captured

    def restore_section(self, values: Mapping[str, Any], reason: str = "") -> None:
        self._uow.run(reason, lambda session: session.add(ChecklistSection(**values)))

    def template_choices(self) -> list[tuple[int | str, str]]:
        """What "New from template…" offers: the plan's templates (by id), then the built-in
        ones (by key) whose kind and name the plan has no template for."""
        own = self.checklists(None)
        have = {(c.kind, c.name.casefold()) for c in own}
        offered: list[tuple[int | str, str]] = [(c.id, c.name) for c in own]
        offered += [(t.key, t.name) for t in TEMPLATES if (t.kind, t.name.casefold()) not in have]
        return offered

    def create_from_template(
        self, release_id: int, template: int | str, name: str = "", reason: str = ""
    ) -> int:
        """A release's checklist copied from a template (a plan template's id, or a built-in
        template's key): its sections and items, all open. One unit of work; its id."""
        release = self._state.releases.get(release_id)
        if release is None:
            raise ValidationError(f"Release #{release_id} is no longer in the plan")
        spec, source_name = self.template_spec(template)
        title = CHECKLIST_FIELDS["name"].coerce(name or f"{source_name}: {release.name}")
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            new_id = write_template(session, spec, release_id, title).id

        self._uow.run(reason or f"New checklist {title}", apply)
        return new_id

    def template_spec(self, template: int | str) -> tuple[TemplateSpec, str]:
        """What a template (a plan template's id, or a built-in template's key) holds, and
        its name."""
        if isinstance(template, str):
            spec = next((t for t in TEMPLATES if t.key == template), None)
            if spec is None:
                raise ValidationError(f"There is no checklist template '{template}'")
            return spec, spec.name
        source = self._existing("checklists", template)
        if not source.is_template:
            raise ValidationError(f"{source.name} is not a template")
        return self._as_spec(source), source.name

    def _as_spec(self, checklist: ChecklistRow) -> TemplateSpec:
        sections = tuple(
            SectionSpec(
                s.name,
                tuple(
                    ItemSpec(i.text, i.owner_role, i.required, i.due_offset, i.due_milestone)
                    for i in self.items_of(s.id)
                ),
            )
            for s in self.sections_of(checklist.id)
        )
        return TemplateSpec("", checklist.kind, checklist.name, sections, checklist.decider_roles)

    def delete_checklist(self, checklist_id: int, reason: str = "") -> DeletedChecklist:
        """Delete a checklist with its sections and items (not one with recorded decisions:
        they are the release's record)."""
        checklist = self._existing("checklists", checklist_id)
        if any(d.checklist_id == checklist_id for d in self._load()["go_no_go_decisions"].values()):
            raise ValidationError(
                f"{checklist.name} has recorded go/no-go decisions and is kept as the record"
            )
        kept: dict[str, Any] = {}

        def apply(session: Session) -> None:
            items = session.scalars(
                select(ChecklistItem).where(ChecklistItem.checklist_id == checklist_id)
            ).all()
            sections = session.scalars(
                select(ChecklistSection).where(ChecklistSection.checklist_id == checklist_id)
            ).all()
            kept["items"] = tuple(_values(i, ChecklistItem) for i in items)
            kept["sections"] = tuple(_values(s, ChecklistSection) for s in sections)
            record = session.get_one(Checklist, checklist_id)
            kept["checklist"] = _values(record, Checklist)
            for row in [*items, *sections]:
                session.delete(row)
            session.flush()
            session.delete(record)

        self._uow.run(reason or f"Delete checklist {checklist.name}", apply)
        return DeletedChecklist(kept["checklist"], kept["sections"], kept["items"])

    def restore_checklist(self, deleted: DeletedChecklist, reason: str = "") -> None:
        def apply(session: Session) -> None:
            session.add(Checklist(**deleted.checklist))
            session.flush()
            session.add_all(ChecklistSection(**v) for v in deleted.sections)
            session.flush()
            session.add_all(ChecklistItem(**v) for v in deleted.items)

        self._uow.run(reason, apply)

    # -- go/no-go ------------------------------------------------------------------------------

    def decisions(self, checklist_id: int) -> list[DecisionRow]:
        return [
            d for d in self._load()["go_no_go_decisions"].values() if d.checklist_id == checklist_id
        ]

    def go_no_go(self, release_id: int) -> list[GoNoGoStatus]:
        """Each go/no-go checklist of a release: what is unresolved, who decides, what was
        decided."""
        found = []
        for checklist in self.checklists(release_id):
            if checklist.kind != "go_no_go":
                continue
            unresolved = [i for i in self.checklist_items(checklist.id) if i.unresolved]
            unresolved.sort(key=lambda i: not i.required)  # stable: checklist order kept
            found.append(
                GoNoGoStatus(
                    checklist, unresolved, checklist.decider_roles, self.decisions(checklist.id)
                )
            )
        return found

    def release_holds(self, release_id: int) -> list[str]:
        """The required go/no-go items still open or blocked, as text: what keeps a release
        from being marked released (ReleaseService asks)."""
        return [
            f"go/no-go item “{i.text}” is {i.status}"
            for g in self.go_no_go(release_id)
            for i in g.required_open
        ]

    def check_decision(
        self, checklist_id: int, decision: str, person: str, role: str, reason: str
    ) -> list[str]:
        """Every reason this decision would be refused (none: it can be recorded). The
        Decide dialog asks before it closes, so the user keeps what they typed."""
        try:
            checklist = self._existing("checklists", checklist_id)
        except ValidationError as exc:
            return exc.problems
        problems: list[str] = []
        values = {"decision": decision, "person": person, "role": role, "reason": reason}
        for key, value in values.items():
            try:
                values[key] = DECISION_FIELDS[key].coerce(value, "The decision")
            except ValidationError as exc:
                problems.extend(exc.problems)
        if checklist.kind != "go_no_go" or checklist.release_id is None:
            problems.append(f"{checklist.name} is not a release's go/no-go checklist")
            return problems
        if problems:
            return problems
        roles = checklist.decider_roles
        if roles and values["role"].casefold() not in {r.casefold() for r in roles}:
            problems.append(
                f"{values['role']} does not decide {checklist.name}; {', '.join(roles)} do"
            )
        held = [i for i in self.checklist_items(checklist_id) if i.unresolved and i.required]
        if values["decision"] == "go" and held:
            texts = "; ".join(f"“{i.text}”" for i in held)
            problems.append(
                f"GO needs every required item done or N/A; still open: {texts}. "
                "Decide GO with exceptions and say why"
            )
        if values["decision"] != "go" and not values["reason"].strip():
            label = DECISION_FIELDS["decision"].choice_label(values["decision"])
            problems.append(f"A {label} decision needs a reason")
        return problems

    def record_decision(
        self,
        checklist_id: int,
        decision: str,
        person: str,
        role: str,
        reason: str = "",
        at: dt.datetime | None = None,
        why: str = "",
    ) -> int:
        """Record a go/no-go decision (at `at`, UTC; default now); returns its id."""
        problems = self.check_decision(checklist_id, decision, person, role, reason)
        if problems:
            raise ValidationError(problems)
        checklist = self.checklist(checklist_id)
        when = _utc(at) if at is not None else _now()
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            record = GoNoGoDecision(
                release_id=checklist.release_id,
                checklist_id=checklist_id,
                decision=decision,
                person=person.strip(),
                role=role.strip(),
                decided_at=when,
                reason=reason.rstrip(),
            )
            session.add(record)
            session.flush()
            new_id = record.id

        label = DECISION_FIELDS["decision"].choice_label(decision)
        self._uow.run(why or f"Decide {label} on {checklist.name}", apply)
        return new_id

    def delete_decision(self, decision_id: int, reason: str = "") -> Mapping[str, Any]:
        """Take a decision back (undo of recording it); returns its values for restore."""
        self._existing("go_no_go_decisions", decision_id)
        captured: dict[str, Any] = {}

        def apply(session: Session) -> None:
            record = session.get_one(GoNoGoDecision, decision_id)
            captured.update(_values(record, GoNoGoDecision))
            session.delete(record)

        self._uow.run(reason, apply)
        return captured

    def restore_decision(self, values: Mapping[str, Any], reason: str = "") -> None:
        self._uow.run(reason, lambda session: session.add(GoNoGoDecision(**values)))


_DEFAULTS: dict[str, Any] = {
    "text": "",
    "owner_role": "",
    "owner": "",
    "requirement": "required",
    "due_offset": None,
    "due_milestone": None,
    "comment": "",
}


def _item_rules(item: ChecklistItemRow) -> list[str]:
    problems = []
    if item.due_offset is not None and item.due_milestone is None:
        problems.append("a due offset needs the release date it counts from (Due from)")
    evidence = item.evidence.strip()
    if evidence and item.evidence_kind == "link" and "://" not in evidence:
        problems.append(f"evidence {evidence!r} is not a link (https://…)")
    return problems


def _placer(placement: Placement) -> Callable[[Session], None]:
    def apply(session: Session) -> None:
        for item_id, (checklist_id, section_id, position) in placement.items():
            item = session.get_one(ChecklistItem, item_id)
            item.checklist_id, item.section_id, item.position = checklist_id, section_id, position

    return apply


def _read(
    session: Session, model: type[Any], row: type[Any], order: tuple[Any, ...]
) -> dict[int, Any]:
    names = [f.name for f in dataclasses.fields(row)]
    columns = [getattr(model, n) for n in names]
    return {
        values[0]: row(*values) for values in session.execute(select(*columns).order_by(*order))
    }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _utc(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.replace(microsecond=0)
