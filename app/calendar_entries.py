"""Calendar entries (holidays, freezes, blackouts, change windows) as a declared record type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.fields import Field, FieldKind, FieldSet, choices
from app.records import Record, RecordType
from models import CalendarEntry
from models.calendar import CALENDAR_KINDS

KIND_LABELS = {"change_window": "Change window"}


def _rules(values: Mapping[str, Any]) -> list[str]:
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        return [f"it ends ({end.isoformat()}) before it starts ({start.isoformat()})"]
    return []


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
    defaults={"kind": "holiday", "environment_id": None},
)
