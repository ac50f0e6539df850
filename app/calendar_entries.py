"""Calendar entries (holidays, freezes, blackouts, change windows) as a declared record type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.fields import Field, FieldKind, FieldSet, choices
from app.records import Record, RecordType
from app.window_times import MONTH_WEEKS, RECURRENCE_LABELS, timing_problems, zone_problem
from models import CalendarEntry
from models.calendar import CALENDAR_KINDS, RECURRENCES

KIND_LABELS = {"change_window": "Change window"}


def _derived(values: Mapping[str, Any]) -> dict[str, Any]:
    """A recurring window without its weekday or week of the month takes its first day's, as
    calendars do ("weekly" on a Saturday repeats on Saturdays), so Repeats can be set first;
    only a monthly window keeps a week of the month."""
    first, recurrence = values.get("start_date"), values.get("recurrence")
    derived: dict[str, Any] = {}
    if recurrence != "monthly" and values.get("month_week") is not None:
        derived["month_week"] = None
    if first is None or recurrence not in ("weekly", "monthly"):
        return derived
    if not values.get("weekdays"):
        derived["weekdays"] = frozenset({first.weekday()})
    if recurrence == "monthly" and values.get("month_week") is None:
        derived["month_week"] = (first.day - 1) // 7 + 1
    return derived


def _rules(given: Mapping[str, Any]) -> list[str]:
    values = {**given, **_derived(given)}
    start, end = values.get("start_date"), values.get("end_date")
    problems = []
    if start is not None and end is not None and end < start:
        problems.append(f"it ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    problems += timing_problems(
        values.get("start_time"),
        values.get("end_time"),
        values.get("recurrence"),
        values.get("weekdays") or (),
        values.get("month_week"),
        values.get("kind", ""),
    )
    return problems


def _month_week_problem(value: int) -> str | None:
    weeks = [n for n, _label in MONTH_WEEKS]
    return None if value in weeks else "the week of the month is 1 to 5, or -1 for the last"


def _title(record: Record) -> str:
    return f"{record.name} ({record.start_date.isoformat()})"


CALENDAR_ENTRIES = RecordType(
    fields=FieldSet(
        "calendar_entries",
        "calendar entry",
        (
            Field(
                "kind",
                "Kind",
                FieldKind.CHOICE,
                required=True,
                choices=choices(CALENDAR_KINDS, KIND_LABELS),
                tip="Holidays are not worked; freezes and blackouts forbid deployments",
            ),
            Field("name", "Name", required=True, max_length=200),
            Field("start_date", "From", FieldKind.DATE, required=True),
            Field("end_date", "To", FieldKind.DATE, required=True, tip="The last day, included"),
            Field(
                "start_time",
                "Opens at",
                FieldKind.TIME,
                placeholder="HH:MM",
                tip="A change window's clock time; empty for whole days",
            ),
            Field(
                "end_time",
                "Closes at",
                FieldKind.TIME,
                placeholder="HH:MM",
                tip="At or before the opening time, it closes the next day (22:00-02:00)",
            ),
            Field(
                "recurrence",
                "Repeats",
                FieldKind.CHOICE,
                choices=choices(RECURRENCES, RECURRENCE_LABELS),
                tip="Once, or weekly or monthly from the first day to the last",
            ),
            Field(
                "weekdays", "On", FieldKind.WEEKDAYS, tip="The weekdays a recurring window is on"
            ),
            Field(
                "month_week",
                "Week of month",
                FieldKind.INT,
                minimum=-1,
                maximum=5,
                empty_label="—",
                check=_month_week_problem,
                tip="Monthly: the 1st to 5th such weekday of the month, or -1 for the last "
                "(a month without a 5th has none)",
            ),
            Field(
                "time_zone",
                "Time zone",
                max_length=64,
                placeholder="The plan's",
                check=zone_problem,
                tip="An IANA name such as Europe/Berlin; empty for the plan's time zone",
            ),
            Field(
                "environment_id",
                "Applies to",
                FieldKind.REFERENCE,
                reference="environments",
                none_label="Whole plan",
                tip="A plan-wide entry, or one environment's (holidays move the schedule only "
                "when plan-wide)",
            ),
        ),
    ),
    model=CalendarEntry,
    order_by=("start_date", "kind"),
    title=_title,
    rules=_rules,
    derived=_derived,
    defaults={"kind": "holiday", "environment_id": None, "recurrence": "none"},
)
