"""Cell values: every date form, durations, percentages, statuses, indentation levels."""

from __future__ import annotations

import datetime as dt

import pytest

from app.spreadsheet.values import (
    DateOrder,
    date_evidence,
    levels_from_indents,
    parse_date,
    parse_duration,
    parse_percent,
    parse_status,
)

D = dt.date(2027, 1, 4)


@pytest.mark.parametrize(
    ("value", "order"),
    [
        (dt.datetime(2027, 1, 4, 9, 30), None),
        (D, None),
        (46391, None),  # an Excel serial
        (46391.375, None),
        ("46391", None),
        ("2027-01-04", None),
        ("2027-01-04T09:00:00", None),
        ("2027-01-04 09:00", None),
        ("2027/1/4", None),
        ("04.01.2027", DateOrder.DMY),
        ("4.1.27", DateOrder.DMY),
        ("04/01/2027", DateOrder.DMY),
        ("01/04/2027", DateOrder.MDY),
        ("1/4/27 8:00 AM", DateOrder.MDY),
        ("Mon 1/4/27", DateOrder.MDY),
        ("4-Jan-27", None),
        ("04/Jan/27 9:00 AM", None),  # Jira
        ("4 January 2027", None),
        ("January 4, 2027 8:00 AM", None),  # MS Project's long form
        ("Jan 4, 2027", None),
        ("4. Jan. 2027", None),
        ("13/01/2027", None),  # a day above 12 says the order itself
    ],
)
def test_dates_in_every_form(value: object, order: DateOrder | None) -> None:
    expected = dt.date(2027, 1, 13) if value == "13/01/2027" else D
    assert parse_date(value, order) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("04/05/27", "could be day/month or month/day"),
        ("31/02/2027", "no such day"),
        ("soon", "is not a date"),
        ("2027-13-01", "no such day"),
        (True, "is not a date"),
        (-3, "is not a date"),
    ],
)
def test_dates_refused_say_why(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(value, None)


@pytest.mark.parametrize(
    ("value", "order"),
    [
        ("13/01/2027", DateOrder.DMY),
        ("01/13/2027", DateOrder.MDY),
        ("04/01/2027", None),  # either reading is a day
        # MS Project writes the weekday: 4 Jan 2027 is a Monday, 1 Apr 2027 a Thursday.
        ("Mon 1/4/27", DateOrder.MDY),
        ("Thu 1/4/27", DateOrder.DMY),
        ("Monday, 1/4/27", DateOrder.MDY),
        ("Wed 1/4/27", None),  # neither reading is a Wednesday
        ("Mon 4/4/27", None),  # the same day either way
        ("2027-01-04", None),
    ],
)
def test_what_a_date_says_of_the_order(value: str, order: DateOrder | None) -> None:
    assert date_evidence(value) == order


def test_empty_dates_are_none() -> None:
    assert parse_date(None, None) is None
    assert parse_date("  ", None) is None


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("5", 5),
        ("5d", 5),
        ("5 days", 5),
        ("5 days?", 5),
        ("1 wk", 5),
        ("2 wks", 10),
        ("2w", 10),
        ("0 days", 0),
        ("16h", 2),
        ("1.5d", 2),
        ("2,5 days", 3),
        (3, 3),
        (2.0, 2),
        ("1 mo", 20),
        ("1 mon", 20),  # MS Project's month
        ("90m", 1),  # MS Project's minutes: 1.5 hours, a part of a day
        ("480 mins", 1),
        ("5 Tage", 5),  # German MS Project
        ("0 Tage", 0),
        ("1 Woche", 5),
        ("2 Wochen?", 10),
        ("12 Std.", 2),
        ("3 jours", 3),  # French
        ("2 sem", 10),
        ("1 mois", 20),
        ("4 días", 4),  # Spanish
        ("1 semana", 5),
    ],
)
def test_durations(value: object, days: int) -> None:
    assert parse_duration(value) == days


def test_jira_estimates_are_seconds_of_eight_hour_days() -> None:
    assert parse_duration("28800", seconds=True) == 1
    assert parse_duration(86400, seconds=True) == 3
    assert parse_duration("2d", seconds=True) == 2  # a unit wins


def test_bad_durations() -> None:
    for value in ("soon", "-2", "5 parsecs", "5 d d", "d", True):
        with pytest.raises(ValueError):
            parse_duration(value)


def test_percent_and_status() -> None:
    assert [parse_percent(v) for v in ("50%", "50", 50, 0.5, 1.0, None, " 75 % ")] == [
        50, 50, 50, 50, 1, None, 75,
    ]  # fmt: skip
    with pytest.raises(ValueError):
        parse_percent("120%")
    assert parse_status("In Progress") == "in_progress"
    assert parse_status("To Do") == "not_started"
    assert parse_status("Complete") == "done"
    assert parse_status("Won't Do") == "cancelled"
    assert parse_status("in_progress") == "in_progress"
    assert parse_status("QA sign-off") is None


def test_levels_from_any_indentation_step() -> None:
    assert levels_from_indents([0, 2, 4, 4, 2, 0, 3]) == [0, 1, 2, 2, 1, 0, 1]
    assert levels_from_indents([4, 4, 8]) == [0, 0, 1]
