"""A new release's rules: a name, a unique one, and a target not before the start."""

from __future__ import annotations

import datetime as dt

from app.release_rules import check_new_release

START = dt.date(2027, 1, 4)


def test_a_named_release_with_sensible_dates_passes() -> None:
    assert check_new_release("Atlas 4.0", START, dt.date(2027, 3, 1), ["Atlas 3.5"]) == []
    assert check_new_release("Atlas 4.0", None, None, []) == []
    assert check_new_release("Atlas 4.0", START, START, []) == []  # ships the day it starts


def test_a_name_is_required() -> None:
    assert check_new_release("   ", START, None, []) == ["A release needs a name."]


def test_names_are_unique_whatever_their_case() -> None:
    assert check_new_release(" atlas 3.5 ", None, None, ["Atlas 3.5"]) == [
        "There is already a release named 'atlas 3.5'."
    ]


def test_the_target_may_not_come_before_the_start_and_every_problem_is_listed() -> None:
    assert check_new_release("", START, dt.date(2027, 1, 1), []) == [
        "A release needs a name.",
        "The target date 2027-01-01 is before the start date 2027-01-04.",
    ]
