"""Predecessor text in MS Project form."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.links import LinkSpec, parse_predecessors

KEYS = {"3", "4", "7", "12", "A-3", "A-12", "FSX"}


def parse(text: str) -> list[LinkSpec]:
    return parse_predecessors(text, KEYS.__contains__)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", [LinkSpec("3")]),
        ("3FS+2d", [LinkSpec("3", "FS", 2)]),
        ("12SS-1 day", [LinkSpec("12", "SS", -1)]),
        ("4;7", [LinkSpec("4"), LinkSpec("7")]),
        ("A-12", [LinkSpec("A-12")]),
        ("A-12ff+1w", [LinkSpec("A-12", "FF", 5)]),
        ("A-3SF", [LinkSpec("A-3", "SF", 0)]),
        (" A-3 ; 4FS-2 days ", [LinkSpec("A-3"), LinkSpec("4", "FS", -2)]),
        ("", []),
        ("3FS+4h", [LinkSpec("3", "FS", 1)]),  # part of a day counts as one
        ("3SS-12h", [LinkSpec("3", "SS", -2)]),
        # MS Project in German, French and Spanish.
        ("3EA+2 Tage; 4AA", [LinkSpec("3", "FS", 2), LinkSpec("4", "SS", 0)]),
        ("12EE-1 Woche", [LinkSpec("12", "FF", -5)]),
        ("3AE", [LinkSpec("3", "SF", 0)]),
        (
            "3FD+2 jours; 4DD; 7DF",
            [LinkSpec("3", "FS", 2), LinkSpec("4", "SS"), LinkSpec("7", "SF")],
        ),
        ("3FC+1 semana; 4CC", [LinkSpec("3", "FS", 5), LinkSpec("4", "SS")]),
    ],
)
def test_parses_ms_project_forms(text: str, expected: list[LinkSpec]) -> None:
    assert parse(text) == expected


def test_round_trips_through_text() -> None:
    specs = [LinkSpec("A-3"), LinkSpec("A-12", "SS", -1), LinkSpec("4", "FF", 3)]
    text = "; ".join(spec.text() for spec in specs)
    assert text == "A-3; A-12SS-1; 4FF+3"
    assert parse(text) == specs


def test_unknown_keys_are_all_reported() -> None:
    with pytest.raises(ValidationError) as info:
        parse("A-3; Z-9; 99SS+1")
    assert info.value.problems == ["'Z-9' names no work item", "'99SS+1' names no work item"]


def test_a_lag_in_an_unknown_unit_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as info:
        parse("3FS+2 parsecs")
    assert info.value.problems == ["'3FS+2 parsecs': 'parsecs' is not a unit of time"]


def test_duplicate_predecessor_is_refused() -> None:
    with pytest.raises(ValidationError, match="listed twice"):
        parse("A-3; A-3SS")


def test_predecessor_lists_that_differ_only_in_spacing_and_separators_say_the_same() -> None:
    from app.links import same_links

    assert same_links("A-3;A-4SS+2", " A-3, A-4SS+2 ; ")
    assert not same_links("A-3; A-4SS+2", "A-4SS+2; A-3")  # order is the user's: an edit
    assert not same_links("A-3", "A-3FS+1")
