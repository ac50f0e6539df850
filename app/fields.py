"""Field rules declared once: type, validation, editability and label of every edited field.

The table models, the property forms, the generic record editor and the undo command all
read these declarations, and the services validate every edit with them, so a rule lives in
exactly one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.date_input import check_date, parse_datetime_text
from app.errors import ValidationError

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class FieldKind(StrEnum):
    TEXT = "text"  # one line, stripped
    MULTILINE = "multiline"  # free text, kept as typed
    INT = "int"
    DATE = "date"
    DATETIME = "datetime"  # a date and time of day to the minute, zone-less (the plan's time)
    TIME = "time"  # a time of day to the minute ("22:00"), typed as HH:MM
    CHOICE = "choice"  # one of `choices`
    WEEKDAYS = "weekdays"  # a set of weekday numbers, 0 = Monday
    REFERENCE = "reference"  # the id of a record of `reference` (a table name), or none
    TIMESTAMP = "timestamp"  # shown only (an ISO date and time)
    BOOL = "bool"  # a yes/no flag


# Why a row's field cannot be edited (None: it can), e.g. "a phase's duration comes from …".
EditRule = Callable[[Any], str | None]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record: what it holds, how it is shown, and what a valid value is."""

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    tip: str = ""
    required: bool = False  # an empty value is refused
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label) for CHOICE
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    unit: str = ""  # shown after numbers, e.g. "working days"
    placeholder: str = ""
    editable_when: EditRule | None = None
    computed: bool = False  # derived by Gantry: shown, never edited
    check: Callable[[Any], str | None] | None = None  # a further rule on the coerced value
    reference: str = ""  # REFERENCE: the table whose record ids the field holds
    none_label: str = ""  # REFERENCE: what an empty value means, e.g. "Whole plan"
    empty_label: str = ""  # INT: an editor may be emptied; it shows this for no value

    @property
    def noun(self) -> str:
        """The label as it reads inside a sentence ("percent complete")."""
        return self.label[:1].lower() + self.label[1:]

    def choice_label(self, value: object) -> str:
        for stored, label in self.choices:
            if stored == value:
                return label
        return "" if value is None else str(value)

    def value_of(self, row: Any) -> Any:
        return getattr(row, self.name)

    def why_not_editable(self, row: Any) -> str | None:
        if self.computed:
            return f"{self.label} is computed by Gantry"
        return self.editable_when(row) if self.editable_when else None

    def coerce(self, value: Any, subject: str = "") -> Any:
        """The value as stored, or ValidationError saying what is wrong, with `subject`."""
        where = f"{subject}: " if subject else ""
        if self.computed:
            raise ValidationError(f"{where}{self.noun} is computed by Gantry and cannot be set")
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValidationError(f"{where}{self.noun} cannot be empty")
            return self._empty()
        coerced = self._typed(value, where)
        problem = self.check(coerced) if self.check else None
        if problem:
            raise ValidationError(f"{where}{problem}")
        return coerced

    def _empty(self) -> Any:
        if self.kind in (FieldKind.TEXT, FieldKind.MULTILINE):
            return ""
        if self.kind == FieldKind.WEEKDAYS:
            return frozenset()
        if self.kind == FieldKind.BOOL:
            return False
        return None

    def _typed(self, value: Any, where: str) -> Any:
        match self.kind:
            case FieldKind.TEXT | FieldKind.MULTILINE:
                if not isinstance(value, str):
                    raise ValidationError(f"{where}{self.noun} must be text, not {value!r}")
                text = value.strip() if self.kind == FieldKind.TEXT else value.rstrip()
                if self.max_length is not None and len(text) > self.max_length:
                    raise ValidationError(
                        f"{where}{self.noun} is {len(text)} characters long; "
                        f"at most {self.max_length} fit"
                    )
                return text
            case FieldKind.INT:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValidationError(
                        f"{where}{self.noun} must be a whole number, not {value!r}"
                    )
                self._check_range(value, where)
                return value
            case FieldKind.DATE:
                if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                    raise ValidationError(f"{where}{self.noun} must be a date, not {value!r}")
                return value
            case FieldKind.DATETIME:
                return self._datetime(value, where)
            case FieldKind.TIME:
                return self._time(value, where)
            case FieldKind.CHOICE:
                allowed = [stored for stored, _label in self.choices]
                if value not in allowed:
                    labels = ", ".join(label for _stored, label in self.choices)
                    raise ValidationError(
                        f"{where}{self.noun} must be one of {labels}, not {value!r}"
                    )
                return value
            case FieldKind.WEEKDAYS:
                days = frozenset(value) if isinstance(value, Iterable) else None
                if days is None or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
                    raise ValidationError(f"{where}{self.noun} must be weekdays, not {value!r}")
                return days
            case FieldKind.REFERENCE:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValidationError(f"{where}{self.noun} must name a record, not {value!r}")
                return value
            case FieldKind.BOOL:
                if not isinstance(value, bool):
                    raise ValidationError(f"{where}{self.noun} must be yes or no, not {value!r}")
                return value
            case FieldKind.TIMESTAMP:
                raise ValidationError(f"{where}{self.noun} is recorded by Gantry")
        raise AssertionError(f"unknown field kind {self.kind}")  # pragma: no cover

    def _datetime(self, value: Any, where: str) -> dt.datetime:
        """A zone-less datetime to the minute; text is read as people type it (ISO first)."""
        if isinstance(value, str):
            try:
                parsed = parse_datetime_text(value, day_first=True)
            except ValueError as exc:
                raise ValidationError(f"{where}{self.noun}: {exc}") from None
            assert parsed is not None  # blank text is the empty value, handled before
            value = parsed
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            raise ValidationError(f"{where}{self.noun} must be a date and time, not {value!r}")
        try:
            check_date(value.date())
        except ValueError as exc:
            raise ValidationError(f"{where}{self.noun}: {exc}") from None
        return value.replace(second=0, microsecond=0)

    def _time(self, value: Any, where: str) -> dt.time:
        """A time of day to the minute; text as 22:00, 9:30 or 0930."""
        if isinstance(value, str):
            text = value.strip().replace(".", ":")
            if ":" not in text and text.isdigit() and len(text) in (3, 4):
                text = f"{text[:-2]}:{text[-2:]}"
            hours, _, minutes = text.partition(":")
            if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
                raise ValidationError(
                    f"{where}{self.noun}: '{value.strip()}' is not a time of day (use HH:MM)"
                )
            if not (int(hours) <= 23 and int(minutes) <= 59):
                raise ValidationError(f"{where}{self.noun}: {value.strip()} is past 23:59")
            value = dt.time(int(hours), int(minutes))
        if not isinstance(value, dt.time):
            raise ValidationError(f"{where}{self.noun} must be a time of day, not {value!r}")
        return value.replace(second=0, microsecond=0, tzinfo=None)

    def _check_range(self, value: int, where: str) -> None:
        low, high = self.minimum, self.maximum
        if low == 0 and value < 0:
            raise ValidationError(f"{where}{self.noun} cannot be negative")
        if low is not None and high is not None and not low <= value <= high:
            raise ValidationError(f"{where}{self.noun} must be {low} to {high}, not {value}")
        if low is not None and value < low:
            raise ValidationError(f"{where}{self.noun} must be at least {low}, not {value}")
        if high is not None and value > high:
            raise ValidationError(f"{where}{self.noun} must be at most {high}, not {value}")


@dataclass(frozen=True, slots=True)
class FieldSet:
    """The fields of one kind of record, in the order forms and tables show them."""

    entity: str  # the table name, as change notices name it
    noun: str  # "work item"
    fields: tuple[Field, ...]

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.fields)

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def editable(self, name: str) -> Field:
        """The field a user may set, or ValidationError when there is no such field."""
        if name not in self or self[name].computed:
            raise ValidationError(f"'{name}' cannot be edited")
        return self[name]


def choices(
    values: Iterable[str], labels: dict[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs; a value without a label reads as "In progress" for in_progress."""
    labels = labels or {}
    return tuple((v, labels.get(v, v.replace("_", " ").capitalize())) for v in values)


def weekdays_text(days: Iterable[int]) -> str:
    """'Mon, Tue, Wed' for a set of weekday numbers (Monday first)."""
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))


def parse_weekdays(text: str) -> frozenset[int]:
    """The weekday numbers named in text such as 'Mon,Tue,Wed,Thu,Fri' (any case, any commas)."""
    names = [part.strip()[:3].capitalize() for part in text.replace(";", ",").split(",")]
    days = set()
    for name in names:
        if not name:
            continue
        if name not in WEEKDAY_NAMES:
            raise ValueError(f"'{name}' is not a weekday (use {', '.join(WEEKDAY_NAMES)})")
        days.add(WEEKDAY_NAMES.index(name))
    return frozenset(days)
