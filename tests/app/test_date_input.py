"""Typed dates: the forms people write, blank as "no date", and slips that never become dates."""

from __future__ import annotations

import datetime as dt

import pytest

from app.date_input import check_date, parse_date_text

JAN_15 = dt.date(2027, 1, 15)


@pytest.mark.parametrize(
    "text",
    [
        "2027-01-15",
        "2027-1-15",
        "15 Jan 2027",
        "15 jan 2027",
        "15 January 2027",
        "Jan 15, 2027",
        "15-Jan-2027",
        " 15  Jan  2027 ",
        "15 Jan 27",
    ],
)
def test_iso_and_month_names_read_the_same_either_way(text: str) -> None:
    assert parse_date_text(text, day_first=True) == JAN_15
    assert parse_date_text(text, day_first=False) == JAN_15


@pytest.mark.parametrize("text", ["15/01/2027", "15.1.27", "15-01-2027", "15 01 2027"])
def test_numbers_read_day_first(text: str) -> None:
    assert parse_date_text(text, day_first=True) == JAN_15


@pytest.mark.parametrize("text", ["01/15/2027", "1/15/27"])
def test_numbers_read_month_first(text: str) -> None:
    assert parse_date_text(text, day_first=False) == JAN_15


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_means_no_date(text: str) -> None:
    assert parse_date_text(text, day_first=True) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("none15 Jan 2027", "is not a date"),
        ("x", "is not a date"),
        ("31 Feb 2027", "is not a day of the calendar"),
        ("15/13/2027", "is not a day of the calendar"),
        ("15 Foo 2027", "no month called 'foo'"),
        ("02 Jan 1900", "not a plan date"),
        ("1900-01-01", "not a plan date"),
        ("2027-01-15x", "is not a date"),
    ],
)
def test_anything_else_is_refused_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_date_text(text, day_first=True)


def test_year_1900_is_never_a_plan_date() -> None:
    with pytest.raises(ValueError):
        check_date(dt.date(1900, 1, 2))
    assert check_date(JAN_15) == JAN_15
