"""Typed dates as people write them (ISO, "15 Jan 2027", 15/01/27); Qt-free, locale forms aside."""

from __future__ import annotations

import datetime as dt
import re

# Plans live in this century or near it; anything outside is a slip of the keyboard (a stray
# digit, a two-digit year read as 19xx), never a date to store.
MIN_YEAR = 1970
MAX_YEAR = 2199

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[\s./-]*([a-z]+)[\s.,/-]*(\d{2}|\d{4})")
_MONTH_NAME_DAY = re.compile(r"([a-z]+)[\s./-]*(\d{1,2})[\s.,/-]*(\d{2}|\d{4})")
_CLOCK = re.compile(r"(.*?)[\sT,]+(\d{1,2})[:.h](\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})[./\s-]+(\d{1,2})[./\s-]+(\d{2}|\d{4})")


def parse_date_text(text: str, day_first: bool) -> dt.date | None:
    """The date `text` names; None for blank text; ValueError with a sentence otherwise.

    Accepts ISO (2027-01-15), English month names (15 Jan 2027, Jan 15, 2027) and numbers
    (15/01/2027, 15.1.27) read day first or month first as `day_first` says. Two-digit years
    are 20xx.
    """
    cleaned = " ".join(text.strip().casefold().split())
    if not cleaned:
        return None
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match[1], int(match[2]), int(match[3])
    elif match := _DAY_MONTH_NAME.fullmatch(cleaned):
        day, month, year = int(match[1]), _month(match[2], text), match[3]
    elif match := _MONTH_NAME_DAY.fullmatch(cleaned):
        month, day, year = _month(match[1], text), int(match[2]), match[3]
    elif match := _NUMERIC.fullmatch(cleaned):
        first, second, year = int(match[1]), int(match[2]), match[3]
        day, month = (first, second) if day_first else (second, first)
    else:
        raise ValueError(f"'{text.strip()}' is not a date; type it like 15 Jan 2027 or 2027-01-15")
    try:
        value = dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a day of the calendar") from None
    return check_date(value)


def check_date(value: dt.date) -> dt.date:
    """`value` if its year is one a plan can hold; ValueError otherwise."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"{value.isoformat()} is not a plan date (years {MIN_YEAR}-{MAX_YEAR})")
    return value


def _month(name: str, text: str) -> int:
    try:
        return _MONTHS[name]
    except KeyError:
        raise ValueError(f"'{text.strip()}' has no month called '{name}'") from None


def parse_datetime_text(text: str, day_first: bool) -> dt.datetime | None:
    """The date and time `text` names (2027-01-04 19:00, 4 Jan 2027 7.30, 2027-01-04T19:00);
    None for blank text; ValueError with a sentence otherwise. The date part is read as
    parse_date_text reads it; the time is on a 24-hour clock, minutes required."""
    cleaned = text.strip()
    if not cleaned:
        return None
    match = _CLOCK.fullmatch(cleaned)
    if match is None:
        raise ValueError(
            f"'{cleaned}' is not a date and time; type it like 2027-01-04 19:00 or 4 Jan 2027 19:00"
        )
    day = parse_date_text(match[1], day_first)
    hour, minute = int(match[2]), int(match[3])
    if day is None or hour > 23 or minute > 59:
        raise ValueError(f"'{cleaned}' is not a time of day; type it like 19:00")
    return dt.datetime.combine(day, dt.time(hour, minute))
