"""Field rules: one declaration validates, converts and explains every edited value."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.fields import Field, FieldKind, choices, parse_weekdays, weekdays_text
from app.releases import RELEASE_FIELDS
from app.work_items import WORK_ITEM_FIELDS

DURATION = WORK_ITEM_FIELDS["duration"]
STATUS = WORK_ITEM_FIELDS["status"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (WORK_ITEM_FIELDS["name"], "  Design  ", "Design"),
        (WORK_ITEM_FIELDS["owner"], None, ""),
        (WORK_ITEM_FIELDS["not_before"], "", None),
        (WORK_ITEM_FIELDS["notes"], "line 1\n  line 2  \n", "line 1\n  line 2"),
        (DURATION, 0, 0),
        (STATUS, "in_progress", "in_progress"),
        (Field("days", "Days", FieldKind.WEEKDAYS), [0, 2], frozenset({0, 2})),
    ],
)
def test_values_are_stored_in_their_canonical_form(
    field: Field, value: object, expected: object
) -> None:
    assert field.coerce(value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (WORK_ITEM_FIELDS["name"], " ", "ATL-1: name cannot be empty"),
        (DURATION, True, "ATL-1: duration must be a whole number, not True"),
        (DURATION, -2, "ATL-1: duration cannot be negative"),
        (WORK_ITEM_FIELDS["percent_complete"], 101, "ATL-1: complete must be 0 to 100, not 101"),
        (STATUS, "done-ish", "ATL-1: status must be one of Not started, In progress, Done"),
        (WORK_ITEM_FIELDS["not_before"], dt.datetime(2027, 1, 1), "must be a date"),
        (WORK_ITEM_FIELDS["key"], "A B", "the key 'A B' may not contain spaces"),
        (WORK_ITEM_FIELDS["key"], "K" * 41, "is 41 characters long; at most 40 fit"),
        (WORK_ITEM_FIELDS["start"], dt.date(2027, 1, 1), "start is computed by Gantry"),
    ],
)
def test_refusals_say_what_and_where(field: Field, value: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        field.coerce(value, "ATL-1")
    assert message in str(info.value)


def test_editability_depends_on_the_row() -> None:
    class Row:
        kind, key = "phase", "P-1"

    assert DURATION.why_not_editable(Row()) == "P-1 is a phase: its duration comes from its items"
    assert WORK_ITEM_FIELDS["name"].why_not_editable(Row()) is None
    assert WORK_ITEM_FIELDS["finish"].why_not_editable(Row()) == "Finish is computed by Gantry"


def test_unknown_and_computed_fields_cannot_be_edited() -> None:
    with pytest.raises(ValidationError, match="'release_id' cannot be edited"):
        WORK_ITEM_FIELDS.editable("release_id")
    with pytest.raises(ValidationError, match="'total_slack' cannot be edited"):
        WORK_ITEM_FIELDS.editable("total_slack")
    assert RELEASE_FIELDS.editable("target_date").kind == FieldKind.DATE


def test_choice_labels_and_weekdays_read_as_people_write_them() -> None:
    assert choices(("not_started", "change_window"), {"change_window": "Change window"}) == (
        ("not_started", "Not started"),
        ("change_window", "Change window"),
    )
    assert STATUS.choice_label("in_progress") == "In progress"
    assert parse_weekdays("mon, Tue;WEDNESDAY") == frozenset({0, 1, 2})
    assert weekdays_text({4, 0}) == "Mon, Fri"
    with pytest.raises(ValueError, match="'Fun' is not a weekday"):
        parse_weekdays("Mon,Fun")
