"""Timed and recurring windows in the calendar export: TZID with a VTIMEZONE, RRULE, holidays
as EXDATE; read back by icalendar and expanded by vobject (an independent parser) across both
DST switches to the same occurrences Gantry checks deployments against."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil.rrule import rrulestr
from icalendar import Calendar

from app.ics_export import calendar_document, to_ical
from app.ics_timezone import vtimezone
from app.plan import Plan
from app.window_times import WindowTiming
from models import CalendarEntry, Environment, PlanSetting
from tests.app.plan_factory import make_plan

NOW = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY_HOLIDAY = dt.date(2026, 12, 26)  # St Stephen's Day falls on a Saturday in 2026


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "w.gantry"
    with make_plan(path) as store, store.transaction(reason="window data") as session:
        session.add(PlanSetting(key="time_zone", value="Europe/Berlin"))
        prod = Environment(name="production", tier="production", position=0)
        session.add(prod)
        session.flush()
        session.add_all(
            [
                CalendarEntry(
                    kind="holiday",
                    name="St Stephen's Day",
                    start_date=SATURDAY_HOLIDAY,
                    end_date=SATURDAY_HOLIDAY,
                ),
                CalendarEntry(
                    kind="change_window",
                    name="Production maintenance",
                    start_date=dt.date(2026, 10, 1),
                    end_date=dt.date(2027, 4, 30),
                    start_time=dt.time(22),
                    end_time=dt.time(2),
                    recurrence="weekly",
                    weekdays=frozenset({5}),
                    environment_id=prod.id,
                ),
                CalendarEntry(
                    kind="change_window",
                    name="Database move",
                    start_date=dt.date(2026, 11, 7),
                    end_date=dt.date(2026, 11, 7),
                    start_time=dt.time(23),
                    end_time=dt.time(1),
                    environment_id=prod.id,
                ),
                CalendarEntry(
                    kind="change_window",
                    name="Patch Tuesday",
                    start_date=dt.date(2026, 10, 1),
                    end_date=dt.date(2027, 4, 30),
                    start_time=dt.time(19),
                    end_time=dt.time(21),
                    recurrence="monthly",
                    weekdays=frozenset({1}),
                    month_week=2,
                    time_zone="America/New_York",
                    environment_id=prod.id,
                ),
            ]
        )
    return path


def export(path: Path) -> tuple[bytes, dict[str, WindowTiming]]:
    plan = Plan.open(path, read_only=True)
    try:
        holidays = plan.train.snapshot().holidays
        timings = {
            e.name: WindowTiming.of(e, "Europe/Berlin", holidays)
            for e in plan.calendar.rows()
            if e.kind == "change_window"
        }
        return to_ical(calendar_document(plan), NOW), timings
    finally:
        plan.close()


def test_icalendar_reads_tzid_rrule_exdate_and_the_zones(plan_path: Path) -> None:
    data, _timings = export(plan_path)
    calendar = Calendar.from_ical(data)
    zones = {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin", "America/New_York"}
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    weekly = events["Production maintenance (production)"]
    assert weekly["dtstart"].params["TZID"] == "Europe/Berlin"
    # The first Saturday in the range, 22:00 summer time; four hours.
    assert weekly.decoded("dtstart") == dt.datetime(2026, 10, 3, 22, tzinfo=BERLIN)
    assert weekly.decoded("dtend") - weekly.decoded("dtstart") == dt.timedelta(hours=4)
    assert (
        weekly["rrule"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270430T200000Z;BYDAY=SA"
    )  # the last day, 22:00 CEST
    exdates = [d.dt for d in weekly["exdate"].dts]
    assert exdates == [dt.datetime(2026, 12, 26, 22, tzinfo=BERLIN)]
    assert "Weekly on Sat, 22:00-02:00 (Europe/Berlin)" in str(weekly["description"])
    monthly = events["Patch Tuesday (production)"]
    assert monthly["dtstart"].params["TZID"] == "America/New_York"
    assert monthly["rrule"].to_ical().endswith(b"BYDAY=2TU")
    once = events["Database move (production)"]
    assert once.decoded("dtstart") == dt.datetime(2026, 11, 7, 23, tzinfo=BERLIN)
    assert once.decoded("dtend") == dt.datetime(2026, 11, 8, 1, tzinfo=BERLIN)
    assert "rrule" not in once and once["dtend"].params["TZID"] == "Europe/Berlin"
    # A stable UID, as for whole-day entries.
    assert str(weekly["uid"]).startswith("calendar-")


def occurrences_by_vobject(data: bytes, summary: str) -> list[tuple[dt.datetime, dt.datetime]]:
    (event,) = [e for e in vobject.readOne(data.decode()).vevent_list if e.summary.value == summary]
    # RFC 5545: every occurrence lasts the first one's exact duration (not wall-clock hours).
    length = event.dtend.value - event.dtstart.value
    starts = [s.astimezone(dt.UTC) for s in event.getrruleset()]
    return [(s, s + length) for s in starts]


def test_vobject_expands_the_same_occurrences_across_both_switches(plan_path: Path) -> None:
    data, timings = export(plan_path)
    theirs = occurrences_by_vobject(data, "Production maintenance (production)")
    window = timings["Production maintenance"]
    ours = [
        (o.start, o.end)
        for o in window.occurrences(
            dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2027, 5, 1, tzinfo=dt.UTC)
        )
    ]
    assert theirs == ours
    assert len(ours) == 29  # 30 Saturdays, less the holiday
    utc = {s.date(): (s.hour, e - s) for s, e in theirs}
    four = dt.timedelta(hours=4)
    # 22:00 Berlin: 20:00 UTC in summer, 21:00 UTC in winter, four hours each switch night.
    assert utc[dt.date(2026, 10, 24)] == (20, four)
    assert utc[dt.date(2026, 10, 31)] == (21, four)
    assert utc[dt.date(2027, 3, 27)] == (21, four)
    assert utc[dt.date(2027, 4, 3)] == (20, four)
    assert dt.date(2026, 12, 26) not in utc


def test_dateutil_reads_the_written_rrule_text_the_same(plan_path: Path) -> None:
    """The RRULE line as written, expanded by python-dateutil from its text alone."""
    data, timings = export(plan_path)
    calendar = Calendar.from_ical(data)
    (patch,) = [e for e in calendar.walk("VEVENT") if "Patch" in str(e["summary"])]
    zone = ZoneInfo(patch["dtstart"].params["TZID"])
    start = patch.decoded("dtstart").replace(tzinfo=zone)
    rule = rrulestr(patch["rrule"].to_ical().decode(), dtstart=start)
    theirs = [s.astimezone(dt.UTC) for s in rule]
    window = timings["Patch Tuesday"]
    ours = [
        o.start
        for o in window.occurrences(
            dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2027, 5, 1, tzinfo=dt.UTC)
        )
    ]
    assert theirs == ours
    # 19:00 in New York: 23:00 UTC in summer time, 00:00 the next day in winter.
    assert [(s.month, s.day, s.hour) for s in theirs[:3]] == [(10, 13, 23), (11, 11, 0), (12, 9, 0)]


@pytest.mark.parametrize(
    "name", ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]
)
def test_the_written_zone_reads_as_zoneinfo_for_years_after(name: str) -> None:
    """vobject (dateutil's reader) turns the VTIMEZONE back into offsets equal to zoneinfo's,
    hour by hour around each switch for five years, south and north, and without DST."""
    calendar = Calendar()
    calendar.add_component(vtimezone(name, 2025))  # as the export: the year before
    theirs = vobject.readOne(calendar.to_ical().decode()).vtimezone.gettzinfo()
    zone = ZoneInfo(name)
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    checked = 0
    while moment.year < 2031:
        assert moment.astimezone(theirs).utcoffset() == moment.astimezone(zone).utcoffset(), moment
        moment += dt.timedelta(hours=5)
        checked += 1
    assert checked > 8000
