"""A VTIMEZONE for an IANA zone as the calendars we export to write one: a yearly RRULE per switch.

icalendar can build a VTIMEZONE from zoneinfo, but as one RDATE list per observance, and
readers built on python-dateutil (vobject, hence Thunderbird's import path in some setups) take
only the first date of such a list; Outlook too reads observances by their RRULE. So Gantry
writes the zone's switches of the year before the first timed event, each as
``FREQ=YEARLY;BYMONTH=m;BYDAY=nSU`` from then on: the zone's rules as of that year (a zone
that changes its rules later is read with the old ones by a calendar without that zone).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ONE_HOUR = dt.timedelta(hours=1)


def _switches(zone: ZoneInfo, year: int) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta]]:
    """(UTC instant, offset before, offset after) of each switch in `year`, hour by hour."""
    moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    offset = moment.astimezone(zone).utcoffset()
    found = []
    while moment < end:
        moment += ONE_HOUR
        now = moment.astimezone(zone).utcoffset()
        if now != offset:
            assert offset is not None and now is not None  # a ZoneInfo always has one
            found.append((moment, offset, now))
            offset = now
    return found


def _byday(day: dt.date) -> str:
    last = (day + dt.timedelta(days=7)).month != day.month
    n = -1 if last else (day.day - 1) // 7 + 1
    return f"{n}{_DAYS[day.weekday()]}"


def vtimezone(name: str, year: int) -> Timezone:
    """The VTIMEZONE of zone `name` with its switches of `year` on, repeating yearly."""
    zone = ZoneInfo(name)
    timezone = Timezone()
    timezone.add("tzid", name)
    switches = _switches(zone, year)
    if not switches:
        offset = dt.datetime(year, 7, 1, tzinfo=zone).utcoffset()
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(year, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", dt.datetime(year, 7, 1, tzinfo=zone).tzname() or name)
        timezone.add_component(standard)
        return timezone
    for instant, before, after in switches:
        local = instant.astimezone(zone)
        observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
        # DTSTART is the switch on the clock that was in force until it (TZOFFSETFROM).
        onset = (instant + before).replace(tzinfo=None)
        observance.add("dtstart", onset)
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        observance.add("tzname", local.tzname() or name)
        observance.add(
            "rrule", {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYDAY": _byday(onset.date())}
        )
        timezone.add_component(observance)
    return timezone
