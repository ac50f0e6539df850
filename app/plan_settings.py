"""The plan's own settings: one typed registry (key, type, default, label) that all code reads."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, weekdays_text
from app.schedule_inputs import work_week
from app.scheduling.calendar import DEFAULT_WORKDAYS
from app.window_times import DEFAULT_ZONE, zone_problem
from models import PlanSetting

# Where a release must have succeeded before production; "none" turns the rule off.
PROMOTION_GATES = (
    ("staging", "Success in staging"),
    ("test", "Success in test"),
    ("development", "Success in development"),
    ("none", "No rule"),
)
_KEY_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}$")


def _prefix_problem(value: str) -> str | None:
    if _KEY_PREFIX.match(value):
        return None
    return f"the key prefix '{value}' must be a letter followed by up to 9 letters or digits"


def _work_week_problem(days: frozenset[int]) -> str | None:
    return None if days else "a work week needs at least one working day"


def _calendar_owned(_settings: Any) -> str | None:
    # Holidays follow these settings; setting one alone would leave them out of step.
    return "The public holidays are chosen in File › Working Calendar…"


@dataclass(frozen=True, slots=True)
class Setting:
    """One plan setting: its field rules and the value a plan without it has."""

    field: Field
    default: Any


SETTINGS: tuple[Setting, ...] = (
    Setting(Field("name", "Plan name", max_length=200, placeholder="e.g. Atlas Platform"), ""),
    Setting(Field("description", "Description", FieldKind.MULTILINE), ""),
    Setting(
        Field(
            "key_prefix",
            "Key prefix",
            tip="New work items get keys like PREFIX-12",
            required=True,
            check=_prefix_problem,
        ),
        "ITEM",
    ),
    Setting(
        Field(
            "work_week",
            "Working days",
            FieldKind.WEEKDAYS,
            tip="Days work is scheduled on; holidays are taken out of them",
            check=_work_week_problem,
        ),
        DEFAULT_WORKDAYS,
    ),
    Setting(
        Field(
            "holiday_country",
            "Public holidays of",
            tip="Country code (e.g. US, DE, GB) whose public holidays the plan takes",
            max_length=8,
            editable_when=_calendar_owned,
        ),
        "",
    ),
    Setting(
        Field(
            "holiday_subdivision",
            "Region",
            tip="The state, province or other region whose own holidays the plan takes too",
            max_length=16,
            editable_when=_calendar_owned,
        ),
        "",
    ),
    Setting(
        Field(
            "holiday_years",
            "Holiday years",
            tip="The years the country's holidays were taken for, e.g. 2026-2029",
            max_length=9,
            editable_when=_calendar_owned,
        ),
        "",
    ),
    Setting(
        Field(
            "promotion_gate",
            "Before production",
            FieldKind.CHOICE,
            choices=PROMOTION_GATES,
            tip="The promotion rule: a release goes to production only after it succeeded (or "
            "is planned to succeed) in this tier first; broken, it is a warning",
        ),
        "staging",
    ),
    Setting(
        Field(
            "time_zone",
            "Time zone",
            tip="The IANA time zone (e.g. Europe/Berlin) the plan's times are in: deployment "
            "and change windows, and the change windows that name none",
            required=True,
            max_length=64,
            check=zone_problem,
        ),
        DEFAULT_ZONE,
    ),
    Setting(Field("created", "Created", FieldKind.TIMESTAMP, computed=True), None),
    Setting(
        Field(
            "demo_date",
            "Demo dated around",
            FieldKind.DATE,
            computed=True,
            tip="The demo plan was written around this day",
        ),
        None,
    ),
)
SETTING_FIELDS = FieldSet("plan_settings", "plan setting", tuple(s.field for s in SETTINGS))
_BY_KEY = {s.field.name: s for s in SETTINGS}


def decode(key: str, text: str) -> Any:
    """A stored setting's typed value; a value that does not parse falls back to the default."""
    setting = _BY_KEY[key]
    try:
        match setting.field.kind:
            case FieldKind.WEEKDAYS:
                return work_week(text)  # read as the schedule process reads it
            case FieldKind.DATE:
                return dt.date.fromisoformat(text)
            case FieldKind.TIMESTAMP:
                return dt.datetime.fromisoformat(text)
            case FieldKind.INT:
                return int(text)
            case FieldKind.CHOICE:
                return setting.field.coerce(text)
    except (ValueError, ValidationError):
        return setting.default
    return text


def encode(key: str, value: Any) -> str:
    setting = _BY_KEY[key]
    match setting.field.kind:
        case FieldKind.WEEKDAYS:
            return weekdays_text(value).replace(" ", "")
        case FieldKind.DATE | FieldKind.TIMESTAMP:
            return str(value.isoformat())
    return str(value)


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Every registered setting's value (the default where the plan has none)."""

    values: Mapping[str, Any]

    def __getattr__(self, name: str) -> Any:
        # Forms read settings like the fields of any other record.
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def key_prefix(self) -> str:
        return str(self.values["key_prefix"])

    @property
    def work_week(self) -> frozenset[int]:
        days: frozenset[int] = self.values["work_week"]
        return days

    @property
    def name(self) -> str:
        return str(self.values["name"])

    @property
    def time_zone(self) -> str:
        return str(self.values["time_zone"])

    @property
    def promotion_gate(self) -> str:
        return str(self.values["promotion_gate"])


def defaults() -> PlanSettings:
    return PlanSettings(MappingProxyType({s.field.name: s.default for s in SETTINGS}))


def read_settings(session: Session) -> PlanSettings:
    """The plan's settings; keys Gantry does not know (a newer Gantry's) are left alone."""
    values = {s.field.name: s.default for s in SETTINGS}
    for key, text in session.execute(select(PlanSetting.key, PlanSetting.value)):
        if key in _BY_KEY:
            values[key] = decode(key, text)
    return PlanSettings(MappingProxyType(values))


def write_setting(session: Session, key: str, value: Any) -> None:
    """Store one setting (already validated), adding its row when the plan has none."""
    row = session.scalars(select(PlanSetting).where(PlanSetting.key == key)).one_or_none()
    text = encode(key, value)
    if row is None:
        session.add(PlanSetting(key=key, value=text))
    elif row.value != text:
        row.value = text
