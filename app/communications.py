"""A release's communication plan: entries due relative to its dates, with filled templates.

An entry is due a number of days (working days of the plan calendar, or calendar days) before
or after a date of its release (start, feature freeze, code freeze, target/GA) or a milestone
work item's scheduled day: "customer e-mail 5 working days before GA" is anchor target, offset
-5. Its message template names the release's data in braces ({release}, {target}, ...); a
name Gantry does not know is refused when the template is typed and when it is filled, so a
customer never reads "{traget}".
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.plan_state import PlanState
from app.records import Record, RecordService, RecordType
from app.scheduling.calendar import WorkCalendar
from app.unit_of_work import UnitOfWork
from models import Communication, WorkItem
from models.communications import COMM_ANCHORS, COMM_AUDIENCES, COMM_CHANNELS, DAY_BASES

CHANNEL_LABELS = {
    "email": "E-mail",
    "status_page": "Status page",
    "chat": "Chat",
    "meeting": "Meeting",
    "newsletter": "Newsletter",
    "in_app": "In-app message",
}
AUDIENCE_LABELS = {
    "internal": "Internal teams",
    "customers": "Customers",
    "support": "Support",
    "operations": "Operations",
}
ANCHOR_LABELS = {
    "start": "Release start",
    "feature_freeze": "Feature freeze",
    "code_freeze": "Code freeze",
    "target": "Target (GA)",
    "milestone": "A milestone",
}
BASIS_LABELS = {"working": "Working days", "calendar": "Calendar days"}
# The ReleaseRecord field each anchor reads.
ANCHOR_DATES = {
    "start": "start_date",
    "feature_freeze": "feature_freeze",
    "code_freeze": "code_freeze",
    "target": "target_date",
}
PLACEHOLDERS = (
    "release",
    "version",
    "owner",
    "start",
    "feature_freeze",
    "code_freeze",
    "freeze",
    "target",
    "ga",
    "due",
    "audience",
    "channel",
    "sender",
)


def placeholders(template: str) -> list[str]:
    """The names a template fills, in order; ValidationError for a malformed brace."""
    try:
        return [
            name
            for _text, name, _spec, _conv in string.Formatter().parse(template)
            if name is not None
        ]
    except ValueError as exc:
        raise ValidationError(
            f"The message template has a stray brace ({exc}); write {{{{ or }}}} for a brace"
        ) from None


def unknown_placeholders(template: str) -> list[str]:
    return [name for name in placeholders(template) if name not in PLACEHOLDERS]


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each {name} replaced; an unknown name (or a format spec, which
    has no meaning here) is refused with its name."""
    unknown = unknown_placeholders(template)
    if unknown:
        raise ValidationError(
            f"The message template uses {', '.join('{' + n + '}' for n in unknown)}, which "
            f"Gantry does not know; it knows {', '.join('{' + n + '}' for n in PLACEHOLDERS)}"
        )
    parts = []
    for text, name, spec, conversion in string.Formatter().parse(template):
        parts.append(text)
        if name is None:
            continue
        if spec or conversion:
            raise ValidationError(f"{{{name}}} takes no format in a message template")
        parts.append(values[name])
    return "".join(parts)


def _rules(values: Mapping[str, Any]) -> list[str]:
    problems = []
    if values.get("anchor") == "milestone" and values.get("milestone_id") is None:
        problems.append("choose the milestone it is counted from")
    template = values.get("template") or ""
    try:
        unknown = unknown_placeholders(template)
    except ValidationError as exc:
        return [*problems, *exc.problems]
    if unknown:
        problems.append(
            f"the template uses {', '.join('{' + n + '}' for n in unknown)}, which Gantry "
            f"does not know (it knows {', '.join('{' + n + '}' for n in PLACEHOLDERS)})"
        )
    return problems


COMM_FIELDS = FieldSet(
    "communications",
    "communication",
    (
        Field("release_id", "Release", FieldKind.REFERENCE, required=True, reference="releases"),
        Field("title", "Communication", required=True, max_length=200),
        Field(
            "audience",
            "Audience",
            FieldKind.CHOICE,
            required=True,
            choices=choices(COMM_AUDIENCES, AUDIENCE_LABELS),
        ),
        Field(
            "channel",
            "Channel",
            FieldKind.CHOICE,
            required=True,
            choices=choices(COMM_CHANNELS, CHANNEL_LABELS),
        ),
        Field("owner", "Owner", max_length=120),
        Field(
            "offset_days",
            "Days",
            FieldKind.INT,
            minimum=-365,
            maximum=365,
            tip="Days after the date it is counted from; negative is before (-2: 2 days before)",
        ),
        Field(
            "day_basis",
            "Counted in",
            FieldKind.CHOICE,
            required=True,
            choices=choices(DAY_BASES, BASIS_LABELS),
            tip="Working days skip weekends and the plan's holidays",
        ),
        Field(
            "anchor",
            "From",
            FieldKind.CHOICE,
            required=True,
            choices=choices(COMM_ANCHORS, ANCHOR_LABELS),
        ),
        Field(
            "milestone_id",
            "Milestone",
            FieldKind.REFERENCE,
            reference="work_items",
            none_label="—",
            tip="The milestone it is counted from (when From is a milestone)",
        ),
        Field(
            "template",
            "Message",
            FieldKind.MULTILINE,
            tip="Text with {release}, {version}, {target}, {freeze}, {due}, … filled in",
        ),
        Field("done_at", "Sent", FieldKind.TIMESTAMP, computed=True),
        Field("done_by", "Sent by", computed=True),
    ),
)

COMMUNICATIONS = RecordType(
    fields=COMM_FIELDS,
    model=Communication,
    order_by=("release_id", "offset_days"),
    title=lambda record: f"“{record.title}”",
    rules=_rules,
    defaults={
        "audience": "customers",
        "channel": "email",
        "owner": "",
        "template": "",
        "anchor": "target",
        "milestone_id": None,
        "offset_days": 0,
        "day_basis": "working",
    },
)


def refuse_counted_from(session: Session, item_ids: Sequence[int]) -> None:
    """A milestone a communication is counted from is not deleted under it: the
    communication would lose its day without anyone choosing another."""
    found = session.execute(
        select(Communication.title, WorkItem.key)
        .join(WorkItem, Communication.milestone_id == WorkItem.id)
        .where(Communication.milestone_id.in_(item_ids))
        .order_by(Communication.id)
    ).all()
    if found:
        raise ValidationError(
            [
                f"The communication “{title}” is counted from {key}; count it from another "
                "date first"
                for title, key in found
            ]
        )


class DueState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    THIS_WEEK = "due this week"
    LATER = "later"
    UNDATED = "no date yet"  # the date it is counted from is not set


@dataclass(frozen=True, slots=True)
class DueCommunication:
    """One communication with its due day and where it stands on `today`."""

    id: int
    release_id: int
    release: str
    title: str
    audience: str
    channel: str
    owner: str
    due: dt.date | None
    state: DueState
    when: str  # "5 working days before Target (GA)"
    done_at: dt.datetime | None
    done_by: str
    milestone_id: int | None = None  # the milestone it is counted from, if any

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS[self.audience]


def due_day(anchor_day: dt.date, offset: int, basis: str, calendar: WorkCalendar) -> dt.date:
    """The day `offset` days from `anchor_day`: calendar days as they come, or working days
    of `calendar` (a due day then always falls on a working day)."""
    if basis == "calendar":
        return anchor_day + dt.timedelta(days=offset)
    return calendar.add_working_days(anchor_day, offset)


def state_on(due: dt.date | None, done: bool, today: dt.date) -> DueState:
    if done:
        return DueState.DONE
    if due is None:
        return DueState.UNDATED
    if due < today:
        return DueState.OVERDUE
    week_end = today + dt.timedelta(days=6 - today.weekday())  # this week's Sunday
    return DueState.THIS_WEEK if due <= week_end else DueState.LATER


def describe_when(offset: int, basis: str, anchor: str, milestone: str = "") -> str:
    target = milestone if anchor == "milestone" and milestone else ANCHOR_LABELS[anchor]
    if offset == 0:
        return f"on {target}"
    unit = "working day" if basis == "working" else "day"
    count = abs(offset)
    days = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{days} {'before' if offset < 0 else 'after'} {target}"


class CommunicationService:
    """A plan's communication plans: the generic record editing plus due days, the sent mark
    and filled messages."""

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        self._state = state
        self._uow = uow
        self.records = RecordService(uow, COMMUNICATIONS)
        self._calendar: tuple[frozenset[int], frozenset[dt.date], WorkCalendar] | None = None

    @property
    def read_only(self) -> bool:
        return self._uow.read_only

    def close(self) -> None:
        self.records.close()

    def working_calendar(self) -> WorkCalendar:
        week, holidays = self._state.settings.work_week, self._state.holidays
        cached = self._calendar
        if cached is None or cached[0] != week or cached[1] is not holidays:
            cached = self._calendar = (week, holidays, WorkCalendar(holidays, week))
        return cached[2]

    def rows(self, release_id: int | None = None) -> list[Record]:
        return [r for r in self.records.rows() if release_id is None or r.release_id == release_id]

    def milestones(self, release_id: int) -> list[tuple[int, str]]:
        """The release's milestones as (id, "KEY name"), for the "From" choice."""
        state = self._state
        return [
            (i, f"{state.items[i].key} {state.items[i].name}")
            for i in state.outline(release_id)
            if state.items[i].kind == "milestone"
        ]

    def anchor_day(self, record: Record) -> dt.date | None:
        if record.anchor == "milestone":
            if record.milestone_id is None or record.milestone_id not in self._state.items:
                return None
            return self._state.row(record.milestone_id).finish
        release = self._state.releases.get(record.release_id)
        day: dt.date | None = getattr(release, ANCHOR_DATES[record.anchor], None)
        return day

    def due(self, record: Record) -> dt.date | None:
        day = self.anchor_day(record)
        if day is None:
            return None
        return due_day(day, record.offset_days, record.day_basis, self.working_calendar())

    def listing(self, today: dt.date, release_id: int | None = None) -> list[DueCommunication]:
        """Every communication (of one release, or all) with its due day and state on
        `today`, by due day (undated last)."""
        found = []
        for record in self.rows(release_id):
            due = self.due(record)
            milestone = ""
            if record.milestone_id is not None and record.milestone_id in self._state.items:
                milestone = self._state.items[record.milestone_id].name
            found.append(
                DueCommunication(
                    record.id,
                    record.release_id,
                    self._state.releases[record.release_id].name,
                    record.title,
                    record.audience,
                    record.channel,
                    record.owner,
                    due,
                    state_on(due, record.done_at is not None, today),
                    describe_when(record.offset_days, record.day_basis, record.anchor, milestone),
                    record.done_at,
                    record.done_by,
                    record.milestone_id if record.anchor == "milestone" else None,
                )
            )
        found.sort(key=lambda c: (c.due or dt.date.max, c.release, c.title, c.id))
        return found

    def values(self, record: Record) -> dict[str, str]:
        """What a template of `record` may name, as text."""
        release = self._state.releases[record.release_id]

        def text(day: dt.date | None) -> str:
            return day.isoformat() if day is not None else "(not set)"

        due = self.due(record)
        return {
            "release": release.name,
            "version": release.version,
            "owner": release.owner,
            "start": text(release.start_date),
            "feature_freeze": text(release.feature_freeze),
            "code_freeze": text(release.code_freeze),
            "freeze": text(release.code_freeze or release.feature_freeze),
            "target": text(release.target_date),
            "ga": text(release.target_date),
            "due": text(due),
            "audience": AUDIENCE_LABELS[record.audience],
            "channel": CHANNEL_LABELS[record.channel],
            "sender": record.owner,
        }

    def message(self, comm_id: int) -> str:
        """The communication's template filled from its release's data."""
        record = self.records.row(comm_id)
        return fill(record.template, self.values(record))

    def mark_done(
        self, comm_id: int, by: str, at: dt.datetime | None, reason: str = ""
    ) -> tuple[dt.datetime | None, str]:
        """Mark a communication sent by `by` at `at` (None: not sent); returns the old mark
        (what undo puts back). Both fields change in one unit of work."""
        record = self.records.row(comm_id)
        old = (record.done_at, record.done_by)
        if at is not None and not by.strip():
            raise ValidationError("Say who sent it")

        def apply(session: Session) -> None:
            row = session.get_one(Communication, comm_id)
            row.done_at = at
            row.done_by = by.strip() if at is not None else ""

        verb = "Mark sent" if at is not None else "Mark not sent"
        self._uow.run(reason or f"{verb}: {record.title}", apply)
        return old
