"""Communication plans: due days across weekends and holidays, where each stands on a given
day, templates filled from the release (an unknown placeholder refused by name), the sent
mark, and the calendar export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from app.communications import DueState, due_day, fill, state_on
from app.errors import ValidationError
from app.ics_export import calendar_document, to_ical
from app.plan import Plan
from app.scheduling.calendar import WorkCalendar
from tests.app.plan_factory import make_plan, plan_for

# make_plan's R1: start Mon 2026-01-05, target (GA) Fri 2026-01-16, Fri 2026-01-09 a holiday;
# its milestone M follows B, which finishes Mon 2026-01-12.
GA = dt.date(2026, 1, 16)
NOW = dt.datetime(2026, 1, 7, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def _add(plan: Plan, **values: object) -> int:
    base = {"release_id": plan.notes.release_id("R1"), "title": "Customer e-mail"}
    return plan.communications.records.create({**base, **values})


def test_working_days_skip_the_weekend_and_the_holiday(plan: Plan) -> None:
    five_before = _add(plan, anchor="target", offset_days=-5)
    calendar_days = _add(plan, anchor="target", offset_days=-5, day_basis="calendar")
    on_the_day = _add(plan, anchor="target", offset_days=0)
    after_milestone = _add(
        plan, anchor="milestone", milestone_id=plan.state.key_to_id["M"], offset_days=1
    )
    due = {c.id: c.due for c in plan.communications.listing(dt.date(2026, 1, 5))}
    # Fri 16 -> 15, 14, 13, 12, then over the weekend and Friday's holiday to Thu 8.
    assert due[five_before] == dt.date(2026, 1, 8)
    assert due[calendar_days] == dt.date(2026, 1, 11)  # a Sunday: calendar days are days
    assert due[on_the_day] == GA
    assert due[after_milestone] == dt.date(2026, 1, 13)


def test_a_due_day_from_a_day_off_rolls_to_a_working_day() -> None:
    calendar = WorkCalendar([dt.date(2026, 12, 25)])
    saturday = dt.date(2026, 12, 26)
    assert due_day(saturday, 0, "working", calendar) == dt.date(2026, 12, 28)
    assert due_day(saturday, -1, "working", calendar) == dt.date(2026, 12, 24)  # not Christmas
    assert due_day(saturday, 2, "working", calendar) == dt.date(2026, 12, 29)


def test_states_on_a_day() -> None:
    wednesday = dt.date(2026, 1, 7)
    assert state_on(dt.date(2026, 1, 6), False, wednesday) == DueState.OVERDUE
    assert state_on(wednesday, False, wednesday) == DueState.THIS_WEEK
    assert state_on(dt.date(2026, 1, 11), False, wednesday) == DueState.THIS_WEEK  # Sunday
    assert state_on(dt.date(2026, 1, 12), False, wednesday) == DueState.LATER
    assert state_on(dt.date(2026, 1, 6), True, wednesday) == DueState.DONE
    assert state_on(None, False, wednesday) == DueState.UNDATED


def test_listing_orders_by_due_day_and_says_when(plan: Plan) -> None:
    late = _add(plan, title="Status page", anchor="target", offset_days=0, channel="status_page")
    early = _add(plan, title="Briefing", anchor="start", offset_days=2, channel="meeting")
    listing = plan.communications.listing(dt.date(2026, 1, 12))
    assert [c.id for c in listing] == [early, late]
    assert listing[0].state == DueState.OVERDUE and listing[1].state == DueState.THIS_WEEK
    assert listing[0].when == "2 working days after Release start"
    assert listing[1].when == "on Target (GA)"


def test_templates_fill_from_the_release(plan: Plan) -> None:
    comm = _add(
        plan,
        offset_days=-2,
        owner="Priya",
        template="{release} ({version}) ships on {target}; freeze {freeze}. {{braces}} — {sender}",
    )
    assert plan.communications.message(comm) == (
        "R1 (1.0) ships on 2026-01-16; freeze (not set). {braces} — Priya"
    )


def test_an_unknown_placeholder_is_refused_with_its_name(plan: Plan) -> None:
    with pytest.raises(ValidationError, match=r"\{traget\}"):
        _add(plan, template="Ships on {traget}")
    comm = _add(plan, template="Ships on {target}")
    with pytest.raises(ValidationError, match=r"\{release\.__class__\}"):
        plan.communications.records.update(comm, "template", "{release.__class__}")
    with pytest.raises(ValidationError, match="stray brace"):
        plan.communications.records.update(comm, "template", "Ships {")
    with pytest.raises(ValidationError, match="takes no format"):
        fill("{target:>20}", {"target": "x"})
    assert plan.communications.message(comm) == "Ships on 2026-01-16"  # nothing was changed


def test_a_milestone_anchor_needs_its_milestone(plan: Plan) -> None:
    with pytest.raises(ValidationError, match="choose the milestone"):
        _add(plan, anchor="milestone")


def test_the_sent_mark_records_who_and_when_and_undoes(plan: Plan) -> None:
    comm = _add(plan, offset_days=-1)
    sent = dt.datetime(2026, 1, 15, 10, 30)
    assert plan.communications.mark_done(comm, "Priya Raman", sent) == (None, "")
    (row,) = plan.communications.listing(dt.date(2026, 1, 20))
    assert row.state == DueState.DONE and row.done_by == "Priya Raman" and row.done_at == sent
    with pytest.raises(ValidationError, match="who sent it"):
        plan.communications.mark_done(comm, " ", sent)
    plan.communications.mark_done(comm, "", None)
    (row,) = plan.communications.listing(dt.date(2026, 1, 20))
    assert row.state == DueState.OVERDUE and row.done_by == ""
    assert plan.verify_audit().ok


def test_due_communications_are_all_day_events_with_stable_uids(plan: Plan) -> None:
    comm = _add(plan, offset_days=-5, template="Dear customer, {release} ships on {target}.")
    _add(plan, title="Kick-off note", anchor="code_freeze")  # no code freeze: no day yet
    first = Calendar.from_ical(to_ical(calendar_document(plan), NOW))
    events = [e for e in first.walk("VEVENT") if "Communication" in str(e.get("categories").cats)]
    assert len(events) == 1
    (event,) = events
    assert str(event["uid"]).startswith(f"communication-{comm}@")
    assert event.decoded("dtstart") == dt.date(2026, 1, 8)
    assert event.decoded("dtend") == dt.date(2026, 1, 9)
    assert "R1 ships on 2026-01-16" in str(event["description"])
    again = Calendar.from_ical(to_ical(calendar_document(plan), NOW))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [
        str(e["uid"]) for e in first.walk("VEVENT")
    ]
