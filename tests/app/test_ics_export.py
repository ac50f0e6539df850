"""The calendar export: read back by icalendar and by vobject, an independent parser; stable
UIDs; all-day events with an exclusive end; deployment windows in UTC; `gantry export ics`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select

from app.cli import run
from app.ics_export import calendar_document, to_ical, write_ics
from app.plan import Plan
from app.store import lock_path
from models import CalendarEntry, Deployment, Environment, PlanSetting, Release
from tests.app.plan_factory import make_plan

NOW = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
# Text that iCalendar must escape: commas, semicolons, a backslash and a line break.
AWKWARD = "Fixes, features; and C:\\path\nsecond line"


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """make_plan's R1 with freezes, windows (plan-wide and per environment) and deployments."""
    path = tmp_path / "p.gantry"
    with make_plan(path) as store, store.transaction(reason="ics test data") as session:
        release = session.scalars(select(Release)).one()
        release.feature_freeze = dt.date(2026, 1, 8)
        release.code_freeze = dt.date(2026, 1, 13)
        release.description = AWKWARD
        # Deployment windows are typed in the plan's zone.
        session.add(PlanSetting(key="time_zone", value="Europe/Berlin"))
        prod = Environment(name="production", tier="production", position=1)
        staging = Environment(name="staging", tier="staging", position=0)
        session.add_all([prod, staging])
        session.flush()
        session.add_all(
            [
                CalendarEntry(
                    kind="freeze",
                    name="Year-end freeze",
                    start_date=dt.date(2026, 12, 18),
                    end_date=dt.date(2027, 1, 3),
                ),
                CalendarEntry(
                    kind="change_window",
                    name="Saturday window",
                    start_date=dt.date(2026, 1, 10),
                    end_date=dt.date(2026, 1, 10),
                    environment_id=prod.id,
                ),
                # Winter (UTC+1) and summer (UTC+2) in Berlin.
                Deployment(
                    release_id=release.id,
                    environment_id=staging.id,
                    window_start=dt.datetime(2026, 1, 14, 19, 0),
                    window_end=dt.datetime(2026, 1, 14, 20, 30),
                ),
                Deployment(
                    release_id=release.id,
                    environment_id=prod.id,
                    window_start=dt.datetime(2026, 7, 1, 19, 0),
                    window_end=dt.datetime(2026, 7, 1, 22, 0),
                ),
            ]
        )
    return path


def export(path: Path, now: dt.datetime = NOW) -> bytes:
    plan = Plan.open(path, read_only=True)
    try:
        return to_ical(calendar_document(plan), now)
    finally:
        plan.close()


def events_by_uid(data: bytes) -> dict[str, Calendar]:
    calendar = Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_icalendar_reads_every_event_back(plan_path: Path) -> None:
    data = export(plan_path)
    calendar = Calendar.from_ical(data)
    assert str(calendar["version"]) == "2.0" and "Gantry" in str(calendar["prodid"])
    assert str(calendar["x-wr-calname"]) == "p"  # no plan name set: the file's name
    events = list(calendar.walk("VEVENT"))
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    kinds = Counter(str(e["categories"].cats[0]) for e in events)
    # Start, feature freeze, code freeze, target; one milestone; a holiday, a freeze and a
    # change window; two deployments.
    assert kinds == {
        "Release": 4,
        "Milestone": 1,
        "Holiday": 1,
        "Freeze": 1,
        "Change window": 1,
        "Deployment": 2,
    }
    assert {e.decoded("dtstamp") for e in events} == {NOW}
    by_uid = events_by_uid(data)

    def one(prefix: str) -> Calendar:
        (found,) = [e for uid, e in by_uid.items() if uid.startswith(prefix)]
        return found

    code_freeze = one("release-1-code-freeze@")
    assert str(code_freeze["summary"]) == "R1 — Code freeze"
    assert code_freeze.decoded("dtstart") == dt.date(2026, 1, 13)
    assert code_freeze.decoded("dtend") == dt.date(2026, 1, 14)  # exclusive: the next day
    assert code_freeze["dtstart"].params["VALUE"] == "DATE"
    assert str(code_freeze["description"]) == AWKWARD
    # The freeze's last day is 3 January; DTEND is the day after.
    spans = {
        str(e["summary"]): (e.decoded("dtstart"), e.decoded("dtend"))
        for uid, e in by_uid.items()
        if uid.startswith("calendar-")
    }
    assert spans["Year-end freeze"] == (dt.date(2026, 12, 18), dt.date(2027, 1, 4))
    assert spans["Saturday window (production)"] == (dt.date(2026, 1, 10), dt.date(2026, 1, 11))
    assert spans["Day off"] == (dt.date(2026, 1, 9), dt.date(2026, 1, 10))
    milestone = one("item-")
    opened = Plan.open(plan_path, read_only=True)
    try:
        (shown,) = [r.finish for r in opened.work_items.rows() if r.kind == "milestone"]
    finally:
        opened.close()
    assert shown is not None
    assert (milestone.decoded("dtstart"), milestone.decoded("dtend")) == (
        shown,
        shown + dt.timedelta(days=1),
    )
    windows = sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"]))
        for uid, e in by_uid.items()
        if uid.startswith("deployment-")
    )
    assert windows == [
        (
            dt.datetime(2026, 1, 14, 18, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 1, 14, 19, 30, tzinfo=dt.UTC),
            "R1 → staging",
        ),
        (
            dt.datetime(2026, 7, 1, 17, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, 20, 0, tzinfo=dt.UTC),
            "R1 → production",
        ),
    ]


def test_text_is_escaped_and_lines_folded(plan_path: Path) -> None:
    data = export(plan_path)
    assert b"Fixes\\, features\\; and C:\\\\path\\nsecond line" in data.replace(b"\r\n ", b"")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    assert b"DTSTART;VALUE=DATE:20260113" in data
    assert b"DTSTART;TZID=Europe/Berlin:20260701T190000" in data


def test_uids_are_stable_across_exports_and_edits(plan_path: Path) -> None:
    first = export(plan_path)
    again = export(plan_path, NOW + dt.timedelta(days=3))
    assert first.replace(b"20261130T091500Z", b"20261203T091500Z") == again
    plan = Plan.open(plan_path)
    try:
        release = plan.releases.rows()[0]
        plan.releases.update(release.id, "name", "Atlas 9")
    finally:
        plan.close()
    edited = events_by_uid(export(plan_path))
    assert edited.keys() == events_by_uid(first).keys()
    assert str(edited[next(u for u in edited if "code-freeze" in u)]["summary"]) == (
        "Atlas 9 — Code freeze"
    )
    # Another plan (created at another moment) never shares a UID with this one.
    other = plan_path.with_name("other.gantry")
    make_plan(other).close()
    assert not events_by_uid(export(other)).keys() & edited.keys()


def test_vobject_reads_the_same_events(plan_path: Path) -> None:
    """A second parser, written independently of icalendar, reads what icalendar reads."""
    data = export(plan_path)
    ours = events_by_uid(data)
    theirs = {e.uid.value: e for e in vobject.readOne(data.decode()).vevent_list}
    assert theirs.keys() == ours.keys()
    for uid, event in theirs.items():
        mine = ours[uid]
        assert event.summary.value == str(mine["summary"])
        assert event.dtstart.value == mine.decoded("dtstart")
        assert event.dtend.value == mine.decoded("dtend")
        assert event.dtstamp.value == NOW
        if "description" in mine:
            assert event.description.value == str(mine["description"])
    assert AWKWARD in {e.description.value for e in theirs.values()}


def _deployments(data: bytes) -> list[tuple[str, dt.datetime, dt.datetime]]:
    events = events_by_uid(data)
    return sorted(
        (e["dtstart"].params["TZID"], e.decoded("dtstart"), e.decoded("dtend"))
        for uid, e in events.items()
        if uid.startswith("deployment-")
    )


def test_deployments_are_in_the_plan_time_zone_for_both_parsers(plan_path: Path) -> None:
    data = export(plan_path)
    assert [(zone, start) for zone, start, _end in _deployments(data)] == [
        ("Europe/Berlin", dt.datetime(2026, 1, 14, 19, tzinfo=BERLIN)),
        ("Europe/Berlin", dt.datetime(2026, 7, 1, 19, tzinfo=BERLIN)),
    ]
    calendar = Calendar.from_ical(data)
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    parsed = vobject.readOne(data.decode())
    starts = sorted(
        e.dtstart.value.astimezone(dt.UTC)
        for e in parsed.vevent_list
        if e.uid.value.startswith("deployment-")
    )
    # Winter and summer time: 19:00 in Berlin is 18:00 and 17:00 UTC.
    assert starts == [
        dt.datetime(2026, 1, 14, 18, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 1, 17, tzinfo=dt.UTC),
    ]
    plan = Plan.open(plan_path)
    try:
        plan.settings.update(0, "time_zone", "America/New_York")
    finally:
        plan.close()
    moved = _deployments(export(plan_path))
    new_york = ZoneInfo("America/New_York")
    assert [(zone, start.astimezone(dt.UTC)) for zone, start, _end in moved] == [
        ("America/New_York", dt.datetime(2026, 1, 14, 19, tzinfo=new_york).astimezone(dt.UTC)),
        ("America/New_York", dt.datetime(2026, 7, 1, 19, tzinfo=new_york).astimezone(dt.UTC)),
    ]


def test_a_utc_plan_writes_z_times_and_no_vtimezone(plan_path: Path) -> None:
    plan = Plan.open(plan_path)
    try:
        plan.settings.update(0, "time_zone", "UTC")
    finally:
        plan.close()
    data = export(plan_path)
    assert b"DTSTART:20260701T190000Z" in data and b"VTIMEZONE" not in data


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_writes_the_calendar_and_leaves_the_plan_alone(plan_path: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(plan_path.read_bytes()).hexdigest()
    out = tmp_path / "plan.ics"
    code, text, err = gantry("export", "ics", plan_path, out)
    assert (code, err) == (0, "")
    assert f"Wrote {out}: 10 events" in text
    assert len(events_by_uid(out.read_bytes())) == 10
    assert hashlib.sha256(plan_path.read_bytes()).hexdigest() == before
    assert not lock_path(plan_path).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    # Refused input: exit 1 with one sentence, nothing written.
    code, _, err = gantry("export", "ics", plan_path, tmp_path / "plan.csv")
    assert code == 1 and "a .ics file" in err and not (tmp_path / "plan.csv").exists()
    code, _, err = gantry("export", "ics", tmp_path / "missing.gantry", tmp_path / "m.ics")
    assert code == 1 and err.count("\n") == 1 and not (tmp_path / "m.ics").exists()
    # Usage: exit 2.
    assert gantry("export", "ics", plan_path)[0] == 2
    assert hashlib.sha256(plan_path.read_bytes()).hexdigest() == before


def test_write_ics_replaces_the_file_whole(plan_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "c.ics"
    target.write_text("old")
    plan = Plan.open(plan_path, read_only=True)
    try:
        document = calendar_document(plan)
    finally:
        plan.close()
    write_ics(document, target, NOW)
    assert target.read_bytes() == to_ical(document, NOW)
