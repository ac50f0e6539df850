"""The plan's dates as an iCalendar file (RFC 5545) that Outlook and Thunderbird import offline.

One VCALENDAR holds an all-day event per release date (start, feature freeze, code freeze,
target, actual release), per milestone on its scheduled day, and per calendar entry (holidays,
freezes, blackouts, change windows; the environment named when it has one), plus each
deployment's window in the plan's time zone (TZID), and each communication of a release's plan
on its due day (with its filled message, or why it cannot be filled). Every event's UID is made
of the plan's identity, the kind of record and its id, so exporting again gives the same UIDs
and a calendar that imports the file again updates its events instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from app import __version__
from app.calendar_entries import KIND_LABELS
from app.communications import AUDIENCE_LABELS, CHANNEL_LABELS
from app.errors import ValidationError
from app.ics_timezone import vtimezone
from app.plan import Plan
from app.window_times import WindowTiming

ICS_SUFFIX = ".ics"
ONE_DAY = dt.timedelta(days=1)
# The release dates that become events: (ReleaseRow field, UID part, label).
RELEASE_DATES = (
    ("start_date", "start", "Start"),
    ("feature_freeze", "feature-freeze", "Feature freeze"),
    ("code_freeze", "code-freeze", "Code freeze"),
    ("target_date", "target", "Target release"),
    ("actual_date", "actual", "Released"),
)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One event as plain values. Dates are all-day; datetimes are aware. `end` is exclusive
    (the day after the last day), as iCalendar reads DTEND."""

    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    categories: tuple[str, ...]
    description: str = ""
    # A recurring window: its RRULE (icalendar's vRecur values) and the starts it skips.
    rrule: dict[str, Any] | None = None
    exdates: tuple[dt.date | dt.datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class CalendarDocument:
    name: str
    events: tuple[CalendarEvent, ...]

    def describe(self) -> str:
        counts = Counter(event.categories[0] for event in self.events)
        parts = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items()))
        return f"{len(self.events)} events ({parts})" if parts else "no events"


def ics_path(path: Path) -> Path:
    """The file to write, refused unless it ends in .ics (before the plan is read)."""
    if path.suffix.lower() != ICS_SUFFIX:
        raise ValidationError(f"{path.name}: a calendar export is written to a .ics file.")
    return path


def plan_identity(plan: Plan) -> str:
    """A short stable name for the plan inside UIDs: from the moment it was created (a
    setting every plan gets once and Save As keeps), else, for a plan made outside Gantry,
    its file name."""
    created = plan.settings.values().values["created"]
    seed = created.isoformat() if isinstance(created, dt.datetime) else plan.path.stem
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


def calendar_document(plan: Plan) -> CalendarDocument:
    """Every event of the plan, ordered by start then UID so two exports read the same."""
    problems = plan.state.problems()
    if problems:
        # Milestone days computed around a cycle would mislead, as in `gantry schedule`.
        raise ValidationError(problems)
    domain = f"{plan_identity(plan)}.gantry"
    train = plan.train.snapshot()
    events: list[CalendarEvent] = []
    names: dict[int, str] = {}
    for release in train.releases:
        names[release.id] = release.name
        for field, part, label in RELEASE_DATES:
            day: dt.date | None = getattr(release, field)
            if day is not None:
                events.append(
                    CalendarEvent(
                        f"release-{release.id}-{part}@{domain}",
                        f"{release.name} — {label}",
                        day,
                        day + ONE_DAY,
                        ("Release", label),
                        release.description,
                    )
                )
        for item_id in plan.work_items.ids(release.id):
            if plan.state.items[item_id].kind != "milestone":
                continue
            item = plan.state.row(item_id)
            if item.finish is not None:  # the day the chart shows the diamond on
                events.append(
                    CalendarEvent(
                        f"item-{item.id}@{domain}",
                        f"{release.name} — {item.name}",
                        item.finish,
                        item.finish + ONE_DAY,
                        ("Milestone",),
                        f"{item.key}: {item.name}",
                    )
                )
    environments = {env.id: env.name for env in train.environments}
    plan_zone = plan.settings.values().time_zone
    for entry in plan.calendar.rows():
        where = environments.get(entry.environment_id) if entry.environment_id else None
        event = _calendar_event(
            entry, where, WindowTiming.of(entry, plan_zone, train.holidays), domain
        )
        if event is not None:
            events.append(event)
    # Deployment windows are stored as the wall-clock times the release manager typed, in the
    # plan's zone (as Plan Settings says), so they go out with its TZID like the windows do:
    # the same file reads the same on every machine, and a calendar shows them in local time.
    zone = ZoneInfo(plan_zone)
    for deployment in train.deployments:
        release_name = names.get(deployment.release_id, "Release")
        events.append(
            CalendarEvent(
                f"deployment-{deployment.id}@{domain}",
                f"{release_name} → {deployment.environment.name}",
                deployment.start.replace(tzinfo=zone),
                deployment.end.replace(tzinfo=zone),
                ("Deployment", deployment.environment.name),
                f"Deployment window; outcome: {deployment.outcome.replace('_', ' ')}",
            )
        )
    events.extend(_communications(plan, domain))
    events.sort(key=lambda e: (_sort_moment(e.start), e.uid))
    name = plan.settings.values().name or plan.path.stem
    return CalendarDocument(name, tuple(events))


def _calendar_event(
    entry: Any, where: str | None, timing: WindowTiming, domain: str
) -> CalendarEvent | None:
    """A calendar entry as one event: whole days, or its clock times in its time zone (with
    TZID), recurring ones with their RRULE from the first day the pattern matches (None when
    it never does) and the holidays they skip as EXDATEs."""
    kind = KIND_LABELS.get(entry.kind, entry.kind.capitalize())
    scope = f"{kind}, {where} only" if where else f"{kind}, whole plan"
    first = timing.first_start()
    if first is None:
        return None
    start: dt.date | dt.datetime = first
    end: dt.date | dt.datetime = entry.end_date + ONE_DAY
    exdates: tuple[dt.date | dt.datetime, ...] = tuple(timing.skipped_starts())
    rule = timing.rrule()
    if rule is not None:
        end = first + ONE_DAY
    length = timing.length
    if length is not None:
        start = timing.local_start(first)
        # The exact length, as RFC 5545 gives every occurrence of a recurring event.
        end = (start + length).astimezone(timing.zone) if rule is not None else _once_end(timing)
        exdates = tuple(timing.local_start(day) for day in timing.skipped_starts())
    described = scope if rule is None and length is None else f"{scope}; {timing.describe()}"
    return CalendarEvent(
        f"calendar-{entry.id}@{domain}",
        f"{entry.name} ({where})" if where else entry.name,
        start,
        end,
        (kind,),
        described,
        rule,
        exdates,
    )


def _once_end(timing: WindowTiming) -> dt.datetime:
    (occurrence,) = timing.occurrences(
        timing.local_start(timing.start_date), timing.local_start(timing.start_date)
    )
    return occurrence.end.astimezone(timing.zone)


def _communications(plan: Plan, domain: str) -> list[CalendarEvent]:
    """A communication due on a day is an all-day event that day; one without a date yet (its
    release date is not set) has no day to show on."""
    events = []
    for record in plan.communications.rows():
        due = plan.communications.due(record)
        if due is None:
            continue
        release = plan.state.releases[record.release_id].name
        channel = CHANNEL_LABELS[record.channel]
        try:
            message = plan.communications.message(record.id)
        except ValidationError as exc:
            message = f"(The message cannot be filled: {exc})"
        sent = (
            f"Sent by {record.done_by} on {record.done_at:%Y-%m-%d %H:%M}.\n"
            if record.done_at is not None
            else ""
        )
        owner = f"Owner: {record.owner}. " if record.owner else ""
        events.append(
            CalendarEvent(
                f"communication-{record.id}@{domain}",
                f"{release} — {record.title} ({channel})",
                due,
                due + ONE_DAY,
                ("Communication", AUDIENCE_LABELS[record.audience]),
                f"{sent}{owner}To {AUDIENCE_LABELS[record.audience].lower()} by "
                f"{channel.lower()}.\n\n{message}".strip(),
            )
        )
    return events


def _sort_moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), dt.UTC)


def to_ical(document: CalendarDocument, now: dt.datetime) -> bytes:
    """The file's bytes; `now` (aware) is every event's DTSTAMP, a parameter for repeatable
    output."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", f"-//Gantry//Gantry {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH: a calendar to import, not an invitation to answer.
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", document.name)
    for item in document.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("categories", list(item.categories))
        if item.rrule is not None:
            event.add("rrule", item.rrule)
        if item.exdates:
            event.add("exdate", list(item.exdates))
        if not isinstance(item.start, dt.datetime):
            # A release date or a freeze marks the day; it does not make anyone busy.
            event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    # A VTIMEZONE for each TZID the windows and deployments use, first, so that a calendar
    # without that zone reads the same switches (app/ics_timezone.py says how they are
    # written). UTC times are written with a Z and need none.
    zoned = [
        e.start
        for e in document.events
        if isinstance(e.start, dt.datetime)
        and isinstance(e.start.tzinfo, ZoneInfo)
        and e.start.tzinfo.key != "UTC"
    ]
    if zoned:
        year = min(zoned).year - 1
        names = sorted({str(moment.tzinfo) for moment in zoned})
        calendar.subcomponents[:0] = [vtimezone(name, year) for name in names]
    data: bytes = calendar.to_ical()
    return data


def write_ics(document: CalendarDocument, target: Path, now: dt.datetime) -> None:
    """Write the file whole: a half-written calendar would import as a shorter one."""
    data = to_ical(document, now)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)
