"""What the scheduler reads from a plan file, read with sqlite3 alone.

The plan state reads these inputs when a plan opens, and the schedule process reads them
again on its own (it must start quickly, without the ORM). Both use these functions, so the
two can never read a plan differently.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from app.fields import parse_weekdays
from app.scheduling import ReleaseBounds, ScheduleItem, ScheduleLink
from app.scheduling.calendar import DEFAULT_WORKDAYS

Dates = tuple[dt.date | None, dt.date | None]

ITEMS_SQL = (
    "SELECT id, key, kind, duration, release_id, parent_id, not_before, actual_start, "
    "actual_finish, scheduled_start, scheduled_finish FROM work_items"
)
LINKS_SQL = "SELECT id, predecessor_id, successor_id, type, lag FROM dependencies"
RELEASES_SQL = "SELECT id, start_date, target_date FROM releases"
HOLIDAYS_SQL = (
    "SELECT start_date, end_date FROM calendar_entries "
    "WHERE kind = 'holiday' AND environment_id IS NULL"
)
WORK_WEEK_SQL = "SELECT value FROM plan_settings WHERE key = 'work_week'"


def _day(text: Any) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def read_items(conn: sqlite3.Connection) -> tuple[list[ScheduleItem], dict[int, Dates]]:
    """The items as the scheduler sees them, and the scheduled dates the file holds."""
    items = []
    stored: dict[int, Dates] = {}
    seen: dict[Any, dt.date | None] = {None: None}
    for row in conn.execute(ITEMS_SQL):
        i, key, kind, duration, release, parent, *days = row
        parsed = []
        for text in days:
            day = seen.get(text)
            if day is None and text is not None:
                day = seen[text] = _day(text)
            parsed.append(day)
        items.append(ScheduleItem(i, key, kind, duration, release, parent, *parsed[:3]))
        stored[i] = (parsed[3], parsed[4])
    return items, stored


def read_links(conn: sqlite3.Connection) -> dict[int, ScheduleLink]:
    return {
        link_id: ScheduleLink(pred, succ, kind, lag)
        for link_id, pred, succ, kind, lag in conn.execute(LINKS_SQL)
    }


def read_release_bounds(conn: sqlite3.Connection) -> list[ReleaseBounds]:
    return [
        ReleaseBounds(i, _day(start), _day(target))
        for i, start, target in conn.execute(RELEASES_SQL)
    ]


def read_holidays(conn: sqlite3.Connection) -> frozenset[dt.date]:
    """Plan-wide holidays, each day of every holiday entry (environment holidays aside)."""
    days: set[dt.date] = set()
    for start, end in conn.execute(HOLIDAYS_SQL):
        day, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return frozenset(days)


def work_week(text: str | None) -> frozenset[int]:
    """The working days a stored work_week setting names; Mon-Fri when unset or unreadable."""
    if not text:
        return DEFAULT_WORKDAYS
    try:
        return parse_weekdays(text) or DEFAULT_WORKDAYS
    except ValueError:
        return DEFAULT_WORKDAYS


def read_work_week(conn: sqlite3.Connection) -> frozenset[int]:
    row = conn.execute(WORK_WEEK_SQL).fetchone()
    return work_week(row[0] if row else None)
