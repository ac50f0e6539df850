"""The plan's working calendar as one value: its work week, a country's holidays, its own.

The plan file holds its holidays as plan-wide holiday calendar entries, whatever their
source: the schedule reads those, never the `holidays` package, so the plan schedules the
same on a machine with another version of it. Choosing a country stores that country's
holidays for a span of years as entries; the entries that match what the country gives
(same day, same name) are read back as the country's, every other plan-wide holiday is the
plan's own ("manual"). A country holiday the plan does not take is simply not stored.

Years covered: by default from the year the earliest release starts (this year when no
release has a start) to two years after the latest release target or scheduled finish, so a
plan that slips a little still has its holidays. The span chosen is recorded in the plan
(`holiday_years`); a plan written before it was recorded reads as the years its country
holidays cover.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import holiday_sets
from app.calendar_entries import CALENDAR_ENTRIES
from app.date_input import MAX_YEAR, MIN_YEAR
from app.errors import ValidationError
from app.plan_settings import SETTING_FIELDS, read_settings, write_setting
from app.plan_state import StateService
from app.schedule_runs import compute
from models import CalendarEntry, PlanSetting

FOLLOWING_YEARS = 2  # the default span reaches this far past the last release's end
MAX_SPAN = 50  # years of a country's holidays one plan may take at once
_SETTING_KEYS = ("work_week", "holiday_country", "holiday_subdivision", "holiday_years")
_NO_VALUE = object()

Key = tuple[dt.date, dt.date, str]  # a holiday as an entry stores it: first, last day, name


class Source(StrEnum):
    COUNTRY = "country"  # the country's (and region's) public holiday
    MANUAL = "manual"  # the plan's own


@dataclass(frozen=True, slots=True)
class Holiday:
    """A plan-wide day off (a manual one may run over several days)."""

    start: dt.date
    end: dt.date
    name: str
    source: Source = Source.MANUAL

    @property
    def key(self) -> Key:
        return (self.start, self.end, self.name)

    def days(self) -> Iterator[dt.date]:
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class AsRead:
    """How the plan held its calendar when a WorkingCalendar was read from it.

    Applying a calendar leaves a setting without a row if it had none and keeps the value
    shown for it, and gives the holidays it puts back the ids their entries had. So applying
    the calendar read before a change undoes the change exactly, and undo steps that name
    those entries (a renamed holiday on the Calendar tab) still apply.
    """

    unrecorded: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    entry_ids: Mapping[Key, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """What the plan works on: the weekdays, a country's holidays for some years (but the
    excluded ones), and the plan's own holidays."""

    work_week: frozenset[int]
    country: str  # ISO code, "" for none
    subdivision: str  # the country's region, "" for the whole country
    first_year: int
    last_year: int
    manual: tuple[Holiday, ...] = ()
    excluded: frozenset[dt.date] = frozenset()  # country holidays the plan works on
    as_read: AsRead = field(default_factory=AsRead, compare=False, repr=False)

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def settings(self) -> dict[str, Any]:
        """The plan settings that record this calendar (years and region only with a country)."""
        return {
            "work_week": self.work_week,
            "holiday_country": self.country,
            "holiday_subdivision": self.subdivision if self.country else "",
            "holiday_years": years_text(self.years) if self.country else "",
        }


@dataclass(frozen=True, slots=True)
class CalendarPreview:
    """What a calendar would mean for the plan, before it is applied."""

    listed: tuple[Holiday, ...]  # the country's holidays in the years and the manual ones, by day
    excluded: frozenset[dt.date]  # the listed country holidays the plan would not take
    added: tuple[Holiday, ...]  # holidays applying would store
    removed: tuple[Holiday, ...]  # holidays applying would take out of the plan
    days_off: frozenset[dt.date]  # every day the holidays take out (what the schedule reads)
    per_year: int  # country holidays taken in a year, on average
    settings_changed: bool
    regional: frozenset[dt.date] = frozenset()  # listed country holidays only the region has

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.settings_changed)

    def taken(self, holiday: Holiday) -> bool:
        return holiday.source == Source.MANUAL or holiday.start not in self.excluded


def years_text(years: range) -> str:
    """A span of years as `holiday_years` stores it: "2026-2029"."""
    return f"{years[0]}-{years[-1]}"


def years_of(text: str) -> tuple[int, int] | None:
    """The span a stored `holiday_years` names ("2026-2029"); None when it names none."""
    first, dash, last = text.partition("-")
    try:
        span = (int(first), int(last))
    except ValueError:
        return None
    return span if dash and span[0] <= span[1] else None


def _entries(session: Session) -> list[CalendarEntry]:
    return list(
        session.scalars(
            select(CalendarEntry)
            .where(CalendarEntry.kind == "holiday", CalendarEntry.environment_id.is_(None))
            .order_by(CalendarEntry.start_date, CalendarEntry.id)
        )
    )


def _key(entry: CalendarEntry) -> Key:
    return (entry.start_date, entry.end_date, entry.name)


def _country_holidays(calendar: WorkingCalendar) -> list[Holiday]:
    if not calendar.country:
        return []
    found = holiday_sets.public_holidays(calendar.country, calendar.subdivision, calendar.years)
    return [Holiday(day, day, name, Source.COUNTRY) for day, name in found.items()]


def _in_effect(calendar: WorkingCalendar) -> list[Holiday]:
    country = [h for h in _country_holidays(calendar) if h.start not in calendar.excluded]
    return [*country, *calendar.manual]


def _covered_years(country: str, subdivision: str, entries: list[CalendarEntry]) -> range | None:
    """The years a plan's stored country holidays cover (a plan that did not record them)."""
    years = {e.start_date.year for e in entries if e.start_date == e.end_date}
    given = holiday_sets.public_holidays(country, subdivision, years) if years else {}
    matched = [
        e.start_date.year
        for e in entries
        if e.start_date == e.end_date and given.get(e.start_date) == e.name
    ]
    return range(min(matched), max(matched) + 1) if matched else None


def read_calendar(session: Session, fallback: range) -> WorkingCalendar:
    """The plan's working calendar; `fallback` is the span of years when the plan says none."""
    settings = read_settings(session)
    recorded = set(session.scalars(select(PlanSetting.key)))
    entries = _entries(session)
    country = str(settings.holiday_country)
    subdivision = str(settings.holiday_subdivision) if country else ""
    span = years_of(str(settings.holiday_years)) if country else None
    years = range(span[0], span[1] + 1) if span else None
    if country and years is None:
        years = _covered_years(country, subdivision, entries)
    years = years or fallback
    calendar = WorkingCalendar(settings.work_week, country, subdivision, years[0], years[-1])
    given = {h.start: h.name for h in _country_holidays(calendar)}
    matched: set[dt.date] = set()
    manual: list[Holiday] = []
    ids: dict[Key, list[int]] = {}
    for entry in entries:
        day = entry.start_date
        ids.setdefault(_key(entry), []).append(entry.id)
        if entry.end_date == day and given.get(day) == entry.name and day not in matched:
            matched.add(day)
        else:
            manual.append(Holiday(day, entry.end_date, entry.name))
    calendar = dataclasses.replace(
        calendar, manual=tuple(manual), excluded=frozenset(given.keys() - matched)
    )
    as_read = AsRead(
        MappingProxyType({k: v for k, v in calendar.settings().items() if k not in recorded}),
        MappingProxyType({key: tuple(found) for key, found in ids.items()}),
    )
    return dataclasses.replace(calendar, as_read=as_read)


def check(calendar: WorkingCalendar) -> list[str]:
    """Every reason the calendar cannot be applied (none: it can)."""
    problems = []
    try:
        SETTING_FIELDS["work_week"].coerce(calendar.work_week, "Working calendar")
    except ValidationError as exc:
        problems.extend(exc.problems)
    if calendar.country:
        country = holiday_sets.country(calendar.country)
        if country is None:
            problems.append(f"Gantry has no public holidays for the country '{calendar.country}'")
        elif calendar.subdivision and country.region(calendar.subdivision) is None:
            problems.append(f"{country.name} has no region '{calendar.subdivision}'")
    first, last = calendar.first_year, calendar.last_year
    if not MIN_YEAR <= first <= last <= MAX_YEAR:
        problems.append(
            f"the holiday years {first}-{last} must run forward within {MIN_YEAR}-{MAX_YEAR}"
        )
    elif last - first >= MAX_SPAN:
        problems.append(
            f"take holidays for at most {MAX_SPAN} years at once, not {last - first + 1}"
        )
    name_field = CALENDAR_ENTRIES.fields["name"]
    for holiday in calendar.manual:
        subject = f"The holiday on {holiday.start.isoformat()}"
        try:
            name_field.coerce(holiday.name, subject)
        except ValidationError as exc:
            problems.extend(exc.problems)
        if holiday.end < holiday.start:
            problems.append(f"{subject} ends before it starts")
    return problems


def _diff(stored: list[Key], in_effect: list[Holiday]) -> tuple[list[Holiday], list[int]]:
    """The holidays to add, and the positions in `stored` to remove; equal ones are kept."""
    wanted = Counter(h.key for h in in_effect)
    removed = []
    for n, key in enumerate(stored):
        if wanted[key] > 0:
            wanted[key] -= 1
        else:
            removed.append(n)
    added = []
    for holiday in in_effect:
        if wanted[holiday.key] > 0:
            wanted[holiday.key] -= 1
            added.append(holiday)
    return added, removed


def _write_calendar(session: Session, calendar: WorkingCalendar) -> None:
    """Make the plan's settings and plan-wide holiday entries say `calendar` (checked first)."""
    now = read_settings(session)
    for key, value in calendar.settings().items():
        if calendar.as_read.unrecorded.get(key, _NO_VALUE) == value:
            row = session.scalars(select(PlanSetting).where(PlanSetting.key == key)).one_or_none()
            if row is not None:
                session.delete(row)
        elif now.values[key] != value:
            write_setting(session, key, value)
    entries = _entries(session)
    added, removed = _diff([_key(e) for e in entries], _in_effect(calendar))
    taken_ids = set(session.scalars(select(CalendarEntry.id)))
    for n in removed:
        session.delete(entries[n])
    for holiday in added:
        ids = calendar.as_read.entry_ids.get(holiday.key, ())
        entry_id = next((i for i in ids if i not in taken_ids), None)
        if entry_id is not None:
            taken_ids.add(entry_id)
        session.add(
            CalendarEntry(
                id=entry_id,
                kind="holiday",
                name=holiday.name,
                start_date=holiday.start,
                end_date=holiday.end,
            )
        )


class WorkingCalendarService(StateService):
    """Reads the plan's working calendar, previews a new one, and applies it as one action."""

    def suggested_years(self, today: dt.date) -> range:
        """From the earliest release start (else `today`) to two years past the latest
        release target or scheduled finish."""
        releases = self._state.releases.values()
        starts = [r.start_date for r in releases if r.start_date is not None]
        first = min(starts).year if starts else today.year
        ends = [r.target_date for r in releases if r.target_date is not None]
        result = self._state.result
        if result is not None:
            ends.extend(o.finish for o in result.releases.values() if o.finish is not None)
        last = max(first, max(ends).year if ends else first) + FOLLOWING_YEARS
        return range(first, last + 1)

    def current(self, today: dt.date) -> WorkingCalendar:
        """The calendar the plan has; `today` dates the default span of a plan with no
        release start."""
        with self._uow.store.read() as session:
            return read_calendar(session, self.suggested_years(today))

    def check(self, calendar: WorkingCalendar) -> list[str]:
        return check(calendar)

    def preview(self, calendar: WorkingCalendar) -> CalendarPreview:
        """What applying `calendar` would store and take out; nothing is changed."""
        country = _country_holidays(calendar)
        taken = [h for h in country if h.start not in calendar.excluded]
        in_effect = [*taken, *calendar.manual]
        with self._uow.store.read() as session:
            stored = [_key(e) for e in _entries(session)]
            now = read_calendar(session, calendar.years)
        added, removed = _diff(stored, in_effect)
        manual_now = Counter(h.key for h in now.manual)
        gone = []
        for n in removed:
            key = stored[n]
            was_manual = manual_now[key] > 0
            manual_now[key] -= was_manual
            gone.append(Holiday(*key, Source.MANUAL if was_manual else Source.COUNTRY))
        return CalendarPreview(
            listed=tuple(sorted([*country, *calendar.manual], key=_listed_order)),
            excluded=frozenset(calendar.excluded & {h.start for h in country}),
            added=tuple(added),
            removed=tuple(gone),
            days_off=frozenset(day for h in in_effect for day in h.days()),
            per_year=round(len(taken) / len(calendar.years)) if country else 0,
            settings_changed=now.settings() != calendar.settings(),
            regional=_regional(calendar, country),
        )

    def moved_items(self, calendar: WorkingCalendar) -> int | None:
        """How many work items would show other dates under `calendar`: the plan's inputs
        scheduled with its days off (None while the plan has no schedule to compare with)."""
        shown = self._state.result
        if shown is None or check(calendar):
            return None
        days_off = frozenset(day for h in _in_effect(calendar) for day in h.days())
        job = dataclasses.replace(
            self._state.schedule_job(), holidays=days_off, workdays=calendar.work_week
        )
        table = compute(job, None).table
        if table is None:
            return None
        before = shown.index
        return sum(
            1
            for n, item_id in enumerate(table.ids)
            if (p := before.get(item_id)) is None
            or (table.first[n], table.last[n]) != (shown.first[p], shown.last[p])
        )

    def as_stored(self, calendar: WorkingCalendar) -> WorkingCalendar:
        """The plan's calendar read back after `calendar` was applied: the same calendar,
        knowing the ids its entries got (applying it again makes them under those ids)."""
        with self._uow.store.read() as session:
            return read_calendar(session, calendar.years)

    def apply(self, calendar: WorkingCalendar, reason: str = "") -> WorkingCalendar:
        """Store `calendar` (settings and holiday entries) as one action, which reschedules;
        returns the calendar the plan had, which applied again undoes this exactly (a plan
        without a country keeps no span of years: the old calendar then has `calendar`'s)."""
        problems = check(calendar)
        if problems:
            raise ValidationError(problems)

        def change(session: Session) -> WorkingCalendar:
            old = read_calendar(session, calendar.years)
            _write_calendar(session, calendar)
            return old

        return self._uow.run(reason or "Change working calendar", change)


def _regional(calendar: WorkingCalendar, country: list[Holiday]) -> frozenset[dt.date]:
    if not calendar.subdivision:
        return frozenset()
    national = holiday_sets.public_holidays(calendar.country, "", calendar.years)
    return frozenset(h.start for h in country if national.get(h.start) != h.name)


def _listed_order(holiday: Holiday) -> tuple[dt.date, int, str]:
    return (holiday.start, 0 if holiday.source == Source.COUNTRY else 1, holiday.name)
