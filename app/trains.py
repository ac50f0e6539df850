"""Release trains: a cadence and a release template that generate the next releases, and
moving one release with or without the rest of its train.

Dates. A cadence gives nominal release days: every N weeks from the train's anchor, or the
n-th (or last) given weekday of each month from the anchor's month on. A nominal day that is
not a working day of the plan calendar (a weekend or a holiday) moves to the previous
working day: a release is shipped before the long weekend, never into it, and never into the
next period. The template's dates count working days back from that release day (feature
freeze -10: the tenth working day before it). Nominal days are always counted from the
anchor, so a moved day does not drift the rest of the train.

Each generation is one unit of work, and so one undo step; undo removes what it made (and
the train, when the same action made it) and is refused once a generated release holds
something added since. Moving a release keeps each of its dates and milestone items at its
working-day offset from the target; with the rest of the train, every later release of the
train moves by the same number of working days.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.checklist_templates import TemplateSpec
from app.checklists import ChecklistService, write_template
from app.errors import ValidationError
from app.plan_state import PlanState, StateService
from app.releases import release_contents
from app.runbooks import RunbookRow, RunbookService, StepRow, copy_runbook, fill_variables
from app.scheduling.calendar import WorkCalendar
from app.unit_of_work import ChangeNotice, UnitOfWork
from models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Release,
    Runbook,
    RunbookStep,
    RunbookStepLink,
    Train,
    WorkItem,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
MAX_GENERATED = 52  # releases one generation may make
# The release dates a template sets, in the order they must follow (the target last).
TEMPLATE_DATES = ("start_date", "feature_freeze", "code_freeze")
DATE_LABELS = {
    "start_date": "Start",
    "feature_freeze": "Feature freeze",
    "code_freeze": "Code freeze",
    "target_date": "Release",
}


# -- cadence -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cadence:
    """Every `every_weeks` weeks, or monthly on the `week_of_month`-th (-1: last) `weekday`."""

    kind: str  # weeks | monthly
    every_weeks: int | None = None
    week_of_month: int | None = None
    weekday: int | None = None

    @classmethod
    def weekly(cls, every: int) -> Cadence:
        return cls("weeks", every_weeks=every)

    @classmethod
    def monthly(cls, week_of_month: int, weekday: int) -> Cadence:
        return cls("monthly", week_of_month=week_of_month, weekday=weekday)

    @property
    def label(self) -> str:
        """'every 2 weeks', 'monthly on the 2nd Tuesday', 'monthly on the last Friday'."""
        if self.kind == "weeks":
            return "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        assert self.week_of_month is not None and self.weekday is not None
        return f"monthly on the {ORDINALS[self.week_of_month]} {WEEKDAYS[self.weekday]}"

    def problems(self) -> list[str]:
        if self.kind == "weeks":
            if self.every_weeks is None or not 1 <= self.every_weeks <= 52:
                return ["A train runs every 1 to 52 weeks"]
            return []
        if self.kind == "monthly":
            found = []
            if self.week_of_month not in ORDINALS:
                found.append("A monthly train runs on the 1st to 4th or the last weekday")
            if self.weekday is None or not 0 <= self.weekday <= 6:
                found.append("A monthly train needs a weekday")
            return found
        return [f"A cadence is weekly or monthly, not '{self.kind}'"]

    def nominal_days(self, anchor: dt.date) -> Iterator[dt.date]:
        """The cadence's days from `anchor` on, before any moving to a working day."""
        if self.kind == "weeks":
            assert self.every_weeks is not None
            step = dt.timedelta(weeks=self.every_weeks)
            day = anchor
            while True:
                yield day
                day += step
        year, month = anchor.year, anchor.month
        while True:
            day = self._in_month(year, month)
            if day >= anchor:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def _in_month(self, year: int, month: int) -> dt.date:
        assert self.week_of_month is not None and self.weekday is not None
        if self.week_of_month == -1:
            last = dt.date(year, month, month_calendar.monthrange(year, month)[1])
            return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)
        first = dt.date(year, month, 1)
        first_match = first + dt.timedelta(days=(self.weekday - first.weekday()) % 7)
        return first_match + dt.timedelta(weeks=self.week_of_month - 1)


def release_day(calendar: WorkCalendar, nominal: dt.date) -> dt.date:
    """The working day a release set for `nominal` goes out: that day, or the working day
    before it when it is a weekend or holiday."""
    return calendar.date_of(calendar.index_on_or_before(nominal))


def release_days(
    cadence: Cadence,
    anchor: dt.date,
    count: int,
    calendar: WorkCalendar,
    after: dt.date | None = None,
) -> list[dt.date]:
    """The next `count` release days of the cadence, each on a working day, all after
    `after` (the train's last release day) when given."""
    days: list[dt.date] = []
    for nominal in cadence.nominal_days(anchor):
        if len(days) == count:
            break
        day = release_day(calendar, nominal)
        if (after is not None and day <= after) or (days and day <= days[-1]):
            continue  # this period's release is out already (its day moved back)
        days.append(day)
    return days


def next_version(version: str) -> str:
    """The version after `version`: its last number counted up ("3.9" -> "3.10")."""
    match = re.search(r"(\d+)(\D*)$", version)
    if match is None:
        return f"{version}.1" if version else "1"
    number = str(int(match[1]) + 1)
    return f"{version[: match.start(1)]}{number}{match[2]}"


# -- template ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone work item the template puts into each release, `offset` working days
    from the release day (negative: before)."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class ReleaseTemplate:
    """What each release of a train gets: dates at working-day offsets from the release day
    (None: not set), milestone items, and checklists and runbooks copied from templates."""

    start_date: int | None = None
    feature_freeze: int | None = -10
    code_freeze: int | None = -5
    milestones: tuple[Milestone, ...] = (Milestone("Go/no-go", -1),)
    checklists: tuple[int | str, ...] = ()  # a plan template's id or a built-in one's key
    runbooks: tuple[int, ...] = ()  # the plan's runbook templates

    def offset(self, name: str) -> int | None:
        value: int | None = getattr(self, name)
        return value

    def problems(self) -> list[str]:
        found = []
        last: tuple[str, int] | None = None
        for name in (*TEMPLATE_DATES, "target_date"):
            offset = 0 if name == "target_date" else self.offset(name)
            if offset is None:
                continue
            if offset > 0:
                found.append(f"{DATE_LABELS[name]} comes before the release: offset {offset}")
                continue
            if last is not None and offset < last[1]:
                found.append(
                    f"{DATE_LABELS[name]} ({offset}) comes before {DATE_LABELS[last[0]]} "
                    f"({last[1]})"
                )
            last = (name, offset)
        for milestone in self.milestones:
            if not milestone.name.strip():
                found.append("A template milestone needs a name")
        return found

    def to_json(self) -> str:
        return json.dumps(
            {
                **{name: self.offset(name) for name in TEMPLATE_DATES},
                "milestones": [[m.name, m.offset] for m in self.milestones],
                "checklists": list(self.checklists),
                "runbooks": list(self.runbooks),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ReleaseTemplate:
        data: dict[str, Any] = json.loads(text or "{}")
        return cls(
            start_date=data.get("start_date"),
            feature_freeze=data.get("feature_freeze"),
            code_freeze=data.get("code_freeze"),
            milestones=tuple(Milestone(str(n), int(o)) for n, o in data.get("milestones", ())),
            checklists=tuple(data.get("checklists", ())),
            runbooks=tuple(int(i) for i in data.get("runbooks", ())),
        )

    def describe(self) -> str:
        """'Feature freeze -10, Code freeze -5, Go/no-go -1 working days'."""
        parts = [
            f"{DATE_LABELS[name]} {offset:+d}"
            for name in TEMPLATE_DATES
            if (offset := self.offset(name)) is not None
        ]
        parts += [f"{m.name} {m.offset:+d}" for m in self.milestones]
        return ", ".join(parts) + " working days" if parts else "no dates"


@dataclass(frozen=True, slots=True)
class PlannedRelease:
    """One release a generation would make."""

    name: str
    version: str
    target_date: dt.date
    dates: dict[str, dt.date | None]  # start_date, feature_freeze, code_freeze
    milestones: tuple[tuple[str, dt.date], ...]


def planned_release(
    train: str, version: str, day: dt.date, template: ReleaseTemplate, calendar: WorkCalendar
) -> PlannedRelease:
    dates = {
        name: None
        if (offset := template.offset(name)) is None
        else calendar.add_working_days(day, offset)
        for name in TEMPLATE_DATES
    }
    milestones = tuple(
        (m.name, calendar.add_working_days(day, m.offset)) for m in template.milestones
    )
    return PlannedRelease(f"{train} {version}".strip(), version, day, dates, milestones)


# -- rows and results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainRow:
    id: int
    name: str
    cadence: Cadence
    anchor: dt.date
    template: ReleaseTemplate
    release_ids: tuple[int, ...]  # by release day


@dataclass(frozen=True, slots=True)
class Generated:
    """What one generation made (undo removes it; redo makes it again under these ids)."""

    train_id: int
    train_created: bool
    release_ids: tuple[int, ...]
    item_ids: tuple[int, ...] = ()
    checklist_ids: tuple[int, ...] = ()
    runbook_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Moved:
    """The dates a move changed, as they were (undo puts them back)."""

    releases: dict[int, dict[str, dt.date | None]] = field(default_factory=dict)
    items: dict[int, dt.date | None] = field(default_factory=dict)

    @property
    def release_ids(self) -> tuple[int, ...]:
        return tuple(self.releases)


class TrainService(StateService):
    """Reads the plan's trains and generates, removes and moves their releases."""

    def __init__(
        self,
        state: PlanState,
        uow: UnitOfWork,
        checklists: ChecklistService,
        runbooks: RunbookService,
    ) -> None:
        super().__init__(state, uow)
        self._checklists = checklists
        self._runbooks = runbooks
        self._rows: dict[int, TrainRow] | None = None
        self._unsubscribe = uow.subscribe(self._changed)

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches("trains", "releases"):
            self._rows = None

    def close(self) -> None:
        self._unsubscribe()

    # -- reading ----------------------------------------------------------------------------

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self._state.holidays, self._state.settings.work_week)

    def rows(self) -> list[TrainRow]:
        if self._rows is None:
            with self._uow.store.read() as session:
                trains = session.scalars(select(Train).order_by(Train.name)).all()
                members: dict[int, list[tuple[dt.date, int]]] = {}
                for release_id, train_id, target in session.execute(
                    select(Release.id, Release.train_id, Release.target_date).where(
                        Release.train_id.is_not(None)
                    )
                ):
                    members.setdefault(train_id, []).append((target or dt.date.min, release_id))
                self._rows = {
                    t.id: TrainRow(
                        t.id,
                        t.name,
                        Cadence(t.cadence, t.every_weeks, t.week_of_month, t.weekday),
                        t.anchor,
                        ReleaseTemplate.from_json(t.template),
                        tuple(r for _day, r in sorted(members.get(t.id, []))),
                    )
                    for t in trains
                }
        return list(self._rows.values())

    def row(self, train_id: int) -> TrainRow:
        self.rows()
        assert self._rows is not None
        try:
            return self._rows[train_id]
        except KeyError:
            raise ValidationError(f"Train #{train_id} is no longer in the plan") from None

    def of_release(self, release_id: int) -> TrainRow | None:
        record = self._state.releases.get(release_id)
        return self.row(record.train_id) if record and record.train_id is not None else None

    def later_releases(self, release_id: int) -> list[int]:
        """The releases of the same train after this one (by release day), not yet released."""
        train = self.of_release(release_id)
        if train is None:
            return []
        ids = list(train.release_ids)
        later = ids[ids.index(release_id) + 1 :]
        return [r for r in later if self._state.releases[r].actual_date is None]

    # -- generating ------------------------------------------------------------------------

    def plan_new(
        self,
        name: str,
        cadence: Cadence,
        template: ReleaseTemplate,
        first_day: dt.date,
        first_version: str,
        count: int,
    ) -> list[PlannedRelease]:
        """The releases a new train would start with (refused with every reason)."""
        problems = self._check(name.strip(), cadence, template, count, first_version)
        if any(t.name.casefold() == name.strip().casefold() for t in self.rows()):
            problems.append(f"There is already a train named '{name.strip()}'")
        if problems:
            raise ValidationError(problems)
        return self._planned(name.strip(), cadence, first_day, template, first_version, count)

    def plan_next(self, train_id: int, count: int) -> list[PlannedRelease]:
        """The next `count` releases of a train, after its last one."""
        train = self.row(train_id)
        problems = self._check(train.name, train.cadence, train.template, count)
        if problems:
            raise ValidationError(problems)
        last = self._state.releases[train.release_ids[-1]] if train.release_ids else None
        version = next_version(last.version) if last is not None else "1"
        after = last.target_date if last is not None else None
        return self._planned(
            train.name, train.cadence, train.anchor, train.template, version, count, after
        )

    def _check(
        self,
        name: str,
        cadence: Cadence,
        template: ReleaseTemplate,
        count: int,
        version: str | None = None,
    ) -> list[str]:
        """Every reason; `version` is the first release's (a train's next ones count on)."""
        problems = [] if name else ["A train needs a name"]
        problems += cadence.problems() + template.problems()
        if not 1 <= count <= MAX_GENERATED:
            problems.append(f"Generate 1 to {MAX_GENERATED} releases at a time, not {count}")
        if version is not None and not version.strip():
            problems.append("The first release needs a version, e.g. 3.6")
        return problems

    def _planned(
        self,
        name: str,
        cadence: Cadence,
        anchor: dt.date,
        template: ReleaseTemplate,
        version: str,
        count: int,
        after: dt.date | None = None,
    ) -> list[PlannedRelease]:
        calendar = self.calendar()
        planned = []
        for day in release_days(cadence, anchor, count, calendar, after):
            planned.append(planned_release(name, version, day, template, calendar))
            version = next_version(version)
        taken = {r.name.casefold() for r in self._state.releases.values()}
        clash = [p.name for p in planned if p.name.casefold() in taken]
        if clash:
            raise ValidationError(f"The plan already has a release named {', '.join(clash)}")
        return planned

    def create(
        self,
        name: str,
        cadence: Cadence,
        template: ReleaseTemplate,
        first_day: dt.date,
        first_version: str,
        count: int,
        reason: str = "",
        again: Generated | None = None,
    ) -> Generated:
        """A new train and its first `count` releases, as one unit of work. `again` (redo)
        makes them under the ids they had."""
        planned = self.plan_new(name, cadence, template, first_day, first_version, count)
        train = Train(
            id=again.train_id if again else None,
            name=name.strip(),
            cadence=cadence.kind,
            every_weeks=cadence.every_weeks,
            week_of_month=cadence.week_of_month,
            weekday=cadence.weekday,
            anchor=first_day,
            template=template.to_json(),
        )

        write = self._writer(True, template, planned, again)

        def apply(session: Session) -> Generated:
            session.add(train)
            session.flush()
            return write(session, train.id)

        return self._uow.run(
            reason or f"New train {name.strip()} ({cadence.label}): {_names(planned)}", apply
        )

    def generate(
        self, train_id: int, count: int, reason: str = "", again: Generated | None = None
    ) -> Generated:
        """The next `count` releases of a train, as one unit of work."""
        train = self.row(train_id)
        planned = self.plan_next(train_id, count)
        write = self._writer(False, train.template, planned, again)
        return self._uow.run(
            reason or f"Generate {_names(planned)} of {train.name}",
            lambda session: write(session, train_id),
        )

    def _writer(
        self,
        train_created: bool,
        template: ReleaseTemplate,
        planned: Sequence[PlannedRelease],
        again: Generated | None,
    ) -> Callable[[Session, int], Generated]:
        """What writes the releases in the unit of work; the templates are read first (a
        read inside the write transaction would nest)."""
        specs = [self._checklists.template_spec(t) for t in template.checklists]
        books = [
            (self._runbooks.runbook(t), self._runbooks.steps(t), self._runbooks.links(t))
            for t in template.runbooks
        ]
        prefix = self._state.settings.key_prefix

        def write(session: Session, train_id: int) -> Generated:
            return write_releases(
                session, train_id, train_created, planned, prefix, specs, books, again
            )

        return write

    def remove(self, generated: Generated, reason: str = "") -> None:
        """Take back a generation (its undo): the releases it made with their milestones,
        checklists and runbooks, and the train if the same action made it. Refused, naming
        it, once a release holds anything added since."""
        names = [self._state.releases[r].name for r in generated.release_ids]

        def apply(session: Session) -> None:
            for item_id in generated.item_ids:
                item = session.get(WorkItem, item_id)
                if item is not None:
                    session.delete(item)
            for checklist_id in generated.checklist_ids:
                _delete_checklist(session, checklist_id)
            for runbook_id in generated.runbook_ids:
                _delete_runbook(session, runbook_id)
            session.flush()
            for release_id in generated.release_ids:
                held = release_contents(session, release_id)
                items = session.scalar(
                    select(func.count()).where(WorkItem.release_id == release_id)
                )
                if items:
                    held.insert(0, f"{items} work item{'s' if items > 1 else ''}")
                if held:
                    name = self._state.releases[release_id].name
                    raise ValidationError(
                        f"{name} now holds {', '.join(held)} added since it was generated"
                    )
                session.delete(session.get_one(Release, release_id))
            if generated.train_created:
                session.flush()
                session.delete(session.get_one(Train, generated.train_id))

        self._uow.run(reason or f"Remove {', '.join(names)}", apply)

    # -- moving ----------------------------------------------------------------------------

    def move_release(
        self, release_id: int, target: dt.date, with_rest: bool, reason: str = ""
    ) -> Moved:
        """Set a train release's day to `target`, its other dates and milestone items keeping
        their working-day offsets; `with_rest` moves every later release of the train by the
        same number of working days. One unit of work; returns what undo puts back."""
        record = self._state.releases.get(release_id)
        if record is None:
            raise ValidationError(f"Release #{release_id} is no longer in the plan")
        if record.target_date is None:
            raise ValidationError(f"{record.name} has no release date to move")
        if record.actual_date is not None:
            raise ValidationError(f"{record.name} was released on {record.actual_date}")
        calendar = self.calendar()
        shift = calendar.working_days_between(record.target_date, target)
        days = {release_id: target}
        rest = self.later_releases(release_id) if with_rest else []
        for other in rest:
            old = self._state.releases[other].target_date
            assert old is not None  # a train release always has its day
            days[other] = calendar.add_working_days(old, shift)
        moved = Moved()

        def apply(session: Session) -> Moved:
            for moving, day in days.items():
                release = session.get_one(Release, moving)
                old_day = release.target_date
                assert old_day is not None
                moved.releases[moving] = {
                    n: getattr(release, n) for n in (*TEMPLATE_DATES, "target_date")
                }
                for name in TEMPLATE_DATES:
                    value = getattr(release, name)
                    if value is not None:
                        offset = calendar.working_days_between(old_day, value)
                        setattr(release, name, calendar.add_working_days(day, offset))
                release.target_date = day
                for item in session.scalars(
                    select(WorkItem).where(
                        WorkItem.release_id == moving,
                        WorkItem.kind == "milestone",
                        WorkItem.not_before.is_not(None),
                    )
                ):
                    assert item.not_before is not None
                    moved.items[item.id] = item.not_before
                    offset = calendar.working_days_between(old_day, item.not_before)
                    item.not_before = calendar.add_working_days(day, offset)
            return moved

        others = f" and {len(rest)} later release{'s' if len(rest) != 1 else ''}" if rest else ""
        return self._uow.run(reason or f"Move {record.name}{others} to {target.isoformat()}", apply)

    def put_back(self, moved: Moved, reason: str = "") -> None:
        """Undo of a move: every date it changed as it was."""

        def apply(session: Session) -> None:
            for release_id, dates in moved.releases.items():
                release = session.get_one(Release, release_id)
                for name, value in dates.items():
                    setattr(release, name, value)
            for item_id, day in moved.items.items():
                item = session.get(WorkItem, item_id)
                if item is not None:
                    item.not_before = day

        self._uow.run(reason or "Put release dates back", apply)


def next_key_number(session: Session, prefix: str) -> int:
    """The number after the highest PREFIX-N key of the plan's items."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    keys = session.scalars(select(WorkItem.key).where(WorkItem.key.like(f"{prefix}-%")))
    return max((int(m[1]) for k in keys if (m := pattern.match(k))), default=0) + 1


def write_releases(
    session: Session,
    train_id: int,
    train_created: bool,
    planned: Sequence[PlannedRelease],
    key_prefix: str,
    checklists: Sequence[tuple[TemplateSpec, str]] = (),
    runbooks: Sequence[tuple[RunbookRow, Sequence[StepRow], Sequence[tuple[int, int]]]] = (),
    again: Generated | None = None,
) -> Generated:
    """Write planned releases of a train with their milestone items (keys numbered on from
    the plan's highest), checklists and runbooks; `again` reuses the ids it holds."""
    position = session.scalar(select(func.max(Release.position))) or 0
    release_ids: list[int] = []
    item_ids: list[int] = []
    checklist_ids: list[int] = []
    runbook_ids: list[int] = []
    reused_releases = list(again.release_ids) if again else []
    reused_items = list(again.item_ids) if again else []
    key_number = next_key_number(session, key_prefix)
    for n, release in enumerate(planned):
        position += 1
        record = Release(
            id=reused_releases[n] if n < len(reused_releases) else None,
            name=release.name,
            version=release.version,
            target_date=release.target_date,
            position=position,
            train_id=train_id,
            **release.dates,
        )
        session.add(record)
        session.flush()
        release_ids.append(record.id)
        for m_pos, (milestone, day) in enumerate(release.milestones):
            item = WorkItem(
                id=reused_items.pop(0) if reused_items else None,
                release_id=record.id,
                kind="milestone",
                key=f"{key_prefix}-{key_number}",
                name=milestone,
                duration=0,
                not_before=day,
                position=m_pos,
            )
            key_number += 1
            session.add(item)
            session.flush()
            item_ids.append(item.id)
        for spec, spec_name in checklists:
            checklist = write_template(session, spec, record.id, f"{spec_name}: {record.name}")
            checklist_ids.append(checklist.id)
        values = {
            "release": record.name,
            "version": record.version,
            "environment": "",
            "window_start": "",
        }
        for book, steps, links in runbooks:
            copy = Runbook(
                name=fill_variables(book.name, values),
                release_id=record.id,
                environment_id=book.environment_id,
                is_template=False,
            )
            runbook_ids.append(
                copy_runbook(session, copy, steps, links, partial(_fill, values=values))
            )
    return Generated(
        train_id,
        train_created,
        tuple(release_ids),
        tuple(item_ids),
        tuple(checklist_ids),
        tuple(runbook_ids),
    )


def _fill(text: str, values: dict[str, str]) -> str:
    return fill_variables(text, values)


def _names(planned: Sequence[PlannedRelease]) -> str:
    if len(planned) <= 3:
        return ", ".join(p.name for p in planned)
    return f"{planned[0].name} to {planned[-1].name} ({len(planned)} releases)"


def _delete_checklist(session: Session, checklist_id: int) -> None:
    for model in (ChecklistItem, ChecklistSection):
        for row in session.scalars(select(model).where(model.checklist_id == checklist_id)):
            session.delete(row)
    session.flush()
    checklist = session.get(Checklist, checklist_id)
    if checklist is not None:
        session.delete(checklist)


def _delete_runbook(session: Session, runbook_id: int) -> None:
    steps = list(session.scalars(select(RunbookStep).where(RunbookStep.runbook_id == runbook_id)))
    ids = [s.id for s in steps]
    for link in session.scalars(select(RunbookStepLink).where(RunbookStepLink.step_id.in_(ids))):
        session.delete(link)
    for step in steps:
        step.rollback_step_id = None
    session.flush()
    for step in steps:
        session.delete(step)
    session.flush()
    book = session.get(Runbook, runbook_id)
    if book is not None:
        session.delete(book)
