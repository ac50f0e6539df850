"""Named baselines: a release's scheduled dates kept under a name, and the variance from them.

A baseline is one audited row (name, when, how many items, the digest of its dates) over a
bulk table of item dates that is not audited row by row (models.baselines): setting one on a
100,000-item release writes one audit event and one bulk insert. Whatever changes the dates
afterwards (an item deleted, and put back by undo) re-pins the row, so the trail still
describes them (app.audit verifies the dates against it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from app import audit
from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet
from app.heap import long_lived
from app.plan_state import PlanState, StateService
from app.scheduling.calendar import WorkCalendar
from app.store import DateParser, insert_rows, plain_rows
from app.unit_of_work import ChangeNotice, UnitOfWork
from models import Baseline, BaselineDate

BASELINE_FIELDS = FieldSet(
    "baselines",
    "baseline",
    (
        Field("name", "Name", required=True, max_length=120, placeholder="e.g. Plan of record"),
        Field(
            "created_at",
            "Set on",
            FieldKind.TIMESTAMP,
            computed=True,
            tip="When the scheduled dates were taken",
        ),
        Field(
            "item_count",
            "Items",
            FieldKind.INT,
            computed=True,
            tip="Work items whose dates the baseline holds",
        ),
    ),
)
_DATES: Table = BaselineDate.__table__  # type: ignore[assignment]
_NEXT_NAME = re.compile(r"^Baseline (\d+)$")


class BaselineDates(NamedTuple):
    """One item's dates in a baseline (its scheduled start and finish when it was set)."""

    start: dt.date
    finish: dt.date


@dataclass(frozen=True, slots=True)
class BaselineRow:
    id: int
    release_id: int
    name: str
    created_at: dt.datetime  # in UTC (zone-aware)
    item_count: int


@dataclass(frozen=True, slots=True)
class DeletedBaseline:
    """Everything restore() needs to put a deleted baseline back as it was (for undo)."""

    row: BaselineRow
    dates: Mapping[int, BaselineDates]


def write_baseline(
    session: Session,
    release_id: int,
    name: str,
    created_at: dt.datetime,
    dates: Mapping[int, BaselineDates],
    baseline_id: int | None = None,
) -> int:
    """Store a baseline in the action's transaction: its audited row, then its dates in bulk.

    `created_at` is made UTC to the second, as the column keeps it (a zone-less value is
    taken to be UTC already). Returns the baseline's id.
    """
    if created_at.tzinfo is not None:
        created_at = created_at.astimezone(dt.UTC).replace(tzinfo=None)
    iso: dict[dt.date, str] = {}

    def text(day: dt.date) -> str:
        known = iso.get(day)
        if known is None:
            known = iso[day] = day.isoformat()
        return known

    # The dates as the file keeps them: what the digest is made of, and what is inserted.
    rows = [(i, text(d.start), text(d.finish)) for i, d in sorted(dates.items())]
    baseline = Baseline(
        id=baseline_id,
        release_id=release_id,
        name=name,
        created_at=created_at.replace(microsecond=0),
        item_count=len(rows),
        dates_digest=audit.content_digest(rows),
    )
    session.add(baseline)
    session.flush()
    insert_rows(
        session,
        _DATES.name,
        ("baseline_id", "item_id", "start", "finish"),
        [(baseline.id, *row) for row in rows],
    )
    return baseline.id


HeldDates = tuple[int, int, dt.date, dt.date]  # (baseline id, item id, start, finish)


def detach_items(session: Session, item_ids: Collection[int]) -> list[HeldDates]:
    """Take items that are about to be deleted out of every baseline holding them.

    Returns their rows for reattach_items (undo). Each baseline touched is re-pinned: its
    item count and digest change, and the trail says so.
    """
    held = [
        (baseline_id, item_id, start, finish)
        for baseline_id, item_id, start, finish in session.execute(
            select(_DATES.c.baseline_id, _DATES.c.item_id, _DATES.c.start, _DATES.c.finish).where(
                _DATES.c.item_id.in_(item_ids)
            )
        )
    ]
    if held:
        session.execute(delete(_DATES).where(_DATES.c.item_id.in_(item_ids)))
        _repin(session, {row[0] for row in held})
    return held


def reattach_items(session: Session, held: Iterable[HeldDates]) -> None:
    """Put back what detach_items took out (the items themselves are back already)."""
    rows = [(b, i, start.isoformat(), finish.isoformat()) for b, i, start, finish in held]
    if rows:
        insert_rows(session, _DATES.name, ("baseline_id", "item_id", "start", "finish"), rows)
        _repin(session, {row[0] for row in rows})


def _read_dates(session: Session, baseline_id: int) -> dict[int, BaselineDates]:
    """A baseline's dates as stored (plain rows: 100,000 of them in a tenth of a second)."""
    parse = DateParser()
    # The id is one of our own integers, so inlining it is safe.
    sql = f"SELECT item_id, start, finish FROM {_DATES.name} WHERE baseline_id = {int(baseline_id)}"
    return {
        item_id: BaselineDates(parse(start), parse(finish))  # type: ignore[arg-type]
        for item_id, start, finish in plain_rows(session, sql)
    }


def _repin(session: Session, baseline_ids: Iterable[int]) -> None:
    """Record a baseline's item count and digest again after its dates changed."""
    for baseline_id in sorted(baseline_ids):
        # Ids are our own integers; plain text rows are what the digest is made of.
        rows = plain_rows(
            session,
            f"SELECT item_id, start, finish FROM {_DATES.name} "
            f"WHERE baseline_id = {int(baseline_id)} ORDER BY item_id",
        )
        baseline = session.get_one(Baseline, baseline_id)
        baseline.item_count = len(rows)
        baseline.dates_digest = audit.content_digest(rows)


class BaselineService(StateService):
    """A plan's baselines: listed and read from the file (cached, refreshed by change notices),
    set, renamed, deleted and restored through the unit of work, compared with the schedule."""

    fields = BASELINE_FIELDS

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        super().__init__(state, uow)
        self._rows: dict[int, BaselineRow] | None = None
        self._dates: dict[int, Mapping[int, BaselineDates]] = {}
        self._calendar: tuple[frozenset[int], frozenset[dt.date], WorkCalendar] | None = None
        self._unsubscribe = uow.subscribe(self._changed)

    def _changed(self, notice: ChangeNotice) -> None:
        touched = notice.ids(BASELINE_FIELDS.entity)
        if touched:
            self._rows = None
            for baseline_id in touched:
                self._dates.pop(baseline_id, None)

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> dict[int, BaselineRow]:
        if self._rows is None:
            columns = (Baseline.id, Baseline.release_id, Baseline.name, Baseline.created_at)
            with self._uow.store.read() as session:
                result = session.execute(
                    select(*columns, Baseline.item_count).order_by(Baseline.created_at, Baseline.id)
                )
                self._rows = {
                    i: BaselineRow(i, release_id, name, created.replace(tzinfo=dt.UTC), count)
                    for i, release_id, name, created, count in result
                }
        return self._rows

    def rows(self, release_id: int) -> list[BaselineRow]:
        """A release's baselines, oldest first."""
        return [row for row in self._load().values() if row.release_id == release_id]

    def row(self, baseline_id: int) -> BaselineRow:
        """One baseline; KeyError when there is no such baseline."""
        return self._load()[baseline_id]

    def label(self, baseline_id: int) -> str:
        return self.row(baseline_id).name

    def dates(self, baseline_id: int) -> Mapping[int, BaselineDates]:
        """Item id -> its dates in the baseline; KeyError when there is no such baseline."""
        cached = self._dates.get(baseline_id)
        if cached is not None:
            return cached
        self.row(baseline_id)  # a baseline that is not there is an error, not "no dates"
        with self._uow.store.read() as session, long_lived():
            held = MappingProxyType(_read_dates(session, baseline_id))
        self._dates[baseline_id] = held
        return held

    def item_dates(self, baseline_id: int, item_id: int) -> BaselineDates | None:
        """The item's dates in the baseline; None when it does not hold the item."""
        return self.dates(baseline_id).get(item_id)

    def variance(self, baseline_id: int, item_id: int) -> int | None:
        """Working days the item's finish has moved since the baseline, positive when it is
        later; None when the baseline does not hold the item or it has no finish yet.

        Counted in the plan calendar's working days as it is now; a finish is the end of its
        day, so one that falls on a day off since counts as the working day before it.
        """
        held = self.item_dates(baseline_id, item_id)
        if held is None:
            return None
        try:
            finish = self._state.row(item_id).finish
        except KeyError:
            return None
        if finish is None:
            return None
        calendar = self.working_calendar()
        return calendar.index_on_or_before(finish) - calendar.index_on_or_before(held.finish)

    def working_calendar(self) -> WorkCalendar:
        """The plan calendar (work week minus plan-wide holidays), built again when it changes."""
        week, holidays = self._state.settings.work_week, self._state.holidays
        cached = self._calendar
        if cached is None or cached[0] != week or cached[1] is not holidays:
            cached = self._calendar = (week, holidays, WorkCalendar(holidays, week))
        return cached[2]

    def next_name(self, release_id: int) -> str:
        """A name no baseline of the release has: "Baseline 3" after "Baseline 2"."""
        taken = {row.name.casefold() for row in self.rows(release_id)}
        numbers = [
            int(match[1]) for row in self.rows(release_id) if (match := _NEXT_NAME.match(row.name))
        ]
        number = max([len(taken), *numbers]) + 1
        while f"baseline {number}" in taken:
            number += 1
        return f"Baseline {number}"

    # -- rules ---------------------------------------------------------------------------------

    def check_new(self, release_id: int, name: str) -> list[str]:
        """Every reason a baseline of this name cannot be set on the release now (none: it can).

        The Set Baseline dialog asks before it closes, so the user keeps what they typed.
        """
        release = self._state.releases.get(release_id)
        if release is None:
            return [f"There is no release #{release_id}"]
        problems = []
        try:
            clean = self.fields["name"].coerce(name, "Baseline")
        except ValidationError as exc:
            problems.extend(exc.problems)
        else:
            problems.extend(self._name_problems(release_id, clean))
        state = self._state
        item_ids = state.outline(release_id)
        if not item_ids:
            problems.append(f"{release.name} has no work items to take a baseline of")
        elif state.scheduling or state.result is None:
            problems.append(
                f"{release.name} is being scheduled; set the baseline once its dates are in"
            )
        elif not state.result.index.keys() >= set(item_ids):
            problems.append(f"{release.name} has items without scheduled dates")
        return problems

    def _name_problems(
        self, release_id: int, name: str, baseline_id: int | None = None
    ) -> list[str]:
        folded = name.casefold()
        if any(
            row.name.casefold() == folded and row.id != baseline_id for row in self.rows(release_id)
        ):
            release = self._state.releases[release_id].name
            return [f"{release} already has a baseline named '{name}'"]
        return []

    def _existing(self, baseline_id: int) -> BaselineRow:
        try:
            return self.row(baseline_id)
        except KeyError:
            raise ValidationError(f"Baseline #{baseline_id} is no longer in the plan") from None

    def _scheduled(self, release_id: int) -> dict[int, BaselineDates]:
        """The release's items' scheduled dates as they are now (check_new made sure they are)."""
        table = self._state.result
        assert table is not None
        index, first, last = table.index, table.first, table.last
        ordinals = set(first) | set(last)
        days = {ordinal: dt.date.fromordinal(ordinal) for ordinal in ordinals}
        scheduled = {}
        for item_id in self._state.outline(release_id):
            n = index[item_id]
            scheduled[item_id] = BaselineDates(days[first[n]], days[last[n]])
        return scheduled

    # -- editing -------------------------------------------------------------------------------

    def create(
        self, release_id: int, name: str, reason: str = "", created_at: dt.datetime | None = None
    ) -> int:
        """Keep the release's items' current scheduled dates as a baseline; returns its id.

        `created_at` defaults to now: when a baseline was set is recorded, like an audit
        event's time, not an input.
        """
        problems = self.check_new(release_id, name)
        if problems:
            raise ValidationError(problems)
        clean = self.fields["name"].coerce(name)
        dates = self._scheduled(release_id)
        when = created_at or dt.datetime.now(dt.UTC)
        release = self._state.releases[release_id].name
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            new_id = write_baseline(session, release_id, clean, when, dates)

        self._uow.run(reason or f"Set baseline '{clean}' of {release}", apply)
        # What was just written is what a view asks for next (the Gantt, the table).
        self._dates[new_id] = MappingProxyType(dates)
        return new_id

    def rename(self, baseline_id: int, name: str, reason: str = "") -> str:
        """Give a baseline another name; returns the old one (what undo puts back)."""
        current = self._existing(baseline_id)
        clean = self.fields["name"].coerce(name, f"Baseline '{current.name}'")
        problems = self._name_problems(current.release_id, clean, baseline_id)
        if problems:
            raise ValidationError(problems)

        def apply(session: Session) -> None:
            session.get_one(Baseline, baseline_id).name = clean

        self._uow.run(reason or f"Rename baseline '{current.name}' to '{clean}'", apply)
        return current.name

    def delete(self, baseline_id: int, reason: str = "") -> DeletedBaseline:
        """Delete a baseline with its dates; returns what restore() needs."""
        current = self._existing(baseline_id)
        dates: dict[int, BaselineDates] = {}

        def apply(session: Session) -> None:
            dates.update(_read_dates(session, baseline_id))
            session.execute(delete(_DATES).where(_DATES.c.baseline_id == baseline_id))
            session.delete(session.get_one(Baseline, baseline_id))

        self._uow.run(reason or f"Delete baseline '{current.name}'", apply)
        return DeletedBaseline(current, MappingProxyType(dates))

    def restore(self, deleted: DeletedBaseline, reason: str = "") -> None:
        """Put back a deleted baseline with its id, time and dates (undo of a delete)."""
        row = deleted.row
        if row.release_id not in self._state.releases:
            raise ValidationError(f"Cannot put baseline '{row.name}' back: its release is gone")
        problems = self._name_problems(row.release_id, row.name)
        if problems:
            raise ValidationError([f"Cannot put baseline '{row.name}' back: {p}" for p in problems])

        def apply(session: Session) -> None:
            write_baseline(session, row.release_id, row.name, row.created_at, deleted.dates, row.id)

        self._uow.run(reason or f"Restore baseline '{row.name}'", apply)

    def close(self) -> None:
        self._unsubscribe()
