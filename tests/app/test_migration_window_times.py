"""Revision 0013: calendar entries written at 0011 stay whole-day, non-recurring entries in the
plan's zone; the trail still verifies, and a window edited afterwards gets times and verifies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.plan import Plan
from tests.app.plan_revisions import ROWS, plan_at


def test_calendar_entries_written_at_0011_stay_whole_days(tmp_path: Path) -> None:
    path = tmp_path / "old.gantry"
    entries = [
        (
            "calendar_entries",
            {
                "id": 1,
                "kind": "freeze",
                "name": "Year-end",
                "start_date": "2026-12-18",
                "end_date": "2027-01-03",
                "environment_id": None,
            },
            None,
        ),
        (
            "calendar_entries",
            {
                "id": 2,
                "kind": "change_window",
                "name": "Saturday",
                "start_date": "2027-01-09",
                "end_date": "2027-01-09",
                "environment_id": None,
            },
            None,
        ),
    ]
    plan_at(path, "0011", [*ROWS, *entries])
    plan = Plan.open(path, actor="bob")
    try:
        window = plan.calendar.row(2)
        assert (window.start_time, window.end_time, window.recurrence) == (None, None, None)
        assert (window.weekdays, window.month_week, window.time_zone) == (frozenset(), None, None)
        assert plan.settings.values().time_zone == "UTC"
        report = plan.verify_audit()
        assert report.ok, report.problems
        plan.calendar.update(2, "start_time", dt.time(22))
        plan.calendar.update(2, "end_time", dt.time(2))
        plan.calendar.update(2, "recurrence", "weekly")
        assert plan.calendar.row(2).weekdays == frozenset({5})
        assert plan.verify_audit().ok
    finally:
        plan.close()
