"""Cell values as people type them: dates in many forms, durations, percentages and statuses."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from app.duration_units import HOURS_A_DAY, unit_days


class DateOrder(StrEnum):
    """How a numeric date such as 04/05/27 is read: day first, month first or year first."""

    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"


_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("jan", "january", "jän", "janv"),
            ("feb", "february", "febr", "fév", "févr"),
            ("mar", "march", "mär", "mrz", "mars"),
            ("apr", "april", "avr"),
            ("may", "mai", "mei"),
            ("jun", "june", "juin"),
            ("jul", "july", "juil"),
            ("aug", "august", "aoû", "août"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "october"),
            ("nov", "november"),
            ("dec", "december", "dez", "déc"),
        ),
        start=1,
    )
    for name in names
}
# Weekday names a date may start with ("Mon 1/4/27", MS Project's "Mo 04.01.27" in German,
# "lun 04/01/27" in French, "mié 06/01/27" in Spanish), Monday 0 to Sunday 6.
_WEEKDAY_NAMES = {
    name: day
    for day, names in enumerate(
        (
            ("mon", "monday", "mo", "montag", "lun", "lundi", "lunes"),
            ("tue", "tues", "tuesday", "di", "dienstag", "mar", "mardi", "martes"),
            ("wed", "wednesday", "mi", "mittwoch", "mer", "mercredi", "mié", "mie", "miércoles",
             "miercoles"),
            ("thu", "thur", "thurs", "thursday", "do", "donnerstag", "jeu", "jeudi", "jue",
             "jueves"),
            ("fri", "friday", "fr", "freitag", "ven", "vendredi", "vie", "viernes"),
            ("sat", "saturday", "sa", "samstag", "sonnabend", "sam", "samedi", "sáb", "sab",
             "sábado", "sabado"),
            ("sun", "sunday", "so", "sonntag", "dim", "dimanche", "dom", "domingo"),
        )
    )
    for name in names
}  # fmt: skip
_WEEKDAY = re.compile(
    rf"^({'|'.join(sorted(_WEEKDAY_NAMES, key=len, reverse=True))})\.?,?\s+", re.IGNORECASE
)
_TIME = (
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{2}}|\d{{4}}){_TIME}$")
_DAY_MONTH_NAME = re.compile(
    rf"^(\d{{1,2}})(?:\.|st|nd|rd|th)?[-/. ]+([^\W\d_]+)\.?[-/. ,]+(\d{{2}}|\d{{4}}){_TIME}$"
)
_MONTH_NAME_DAY = re.compile(
    rf"^([^\W\d_]+)\.?[-/. ]+(\d{{1,2}})(?:st|nd|rd|th)?,?[-/. ]+(\d{{2}}|\d{{4}}){_TIME}$"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts a 29 Feb 1900)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (no such day)") from None


def date_evidence(value: Any) -> DateOrder | None:
    """Which order a numeric date text proves, else None: a first part above 12 is a day, and
    so is a second one; a weekday written before it (MS Project's "Mon 1/4/27") proves the
    one reading that falls on that day."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    weekday = _WEEKDAY.match(text)
    match = _NUMERIC.match(text[weekday.end() :] if weekday else text)
    if match is None:
        return None
    first, second = int(match[1]), int(match[3])
    if first > 12 >= second:
        return DateOrder.DMY
    if second > 12 >= first:
        return DateOrder.MDY
    if weekday is None or first == second or first > 12:
        return None
    day = _WEEKDAY_NAMES[weekday[1].casefold()]
    year = _year(match[4])
    fits = [
        order
        for order, month, day_of_month in (
            (DateOrder.MDY, first, second),
            (DateOrder.DMY, second, first),
        )
        if dt.date(year, month, day_of_month).weekday() == day
    ]
    return fits[0] if len(fits) == 1 else None


def is_ambiguous(value: Any) -> bool:
    """Whether a value is a numeric date whose day and month could be swapped (04/05/27)."""
    if not isinstance(value, str):
        return False
    match = _NUMERIC.match(_WEEKDAY.sub("", value.strip()))
    return match is not None and int(match[1]) <= 12 and int(match[3]) <= 12


def parse_date(value: Any, order: DateOrder | None) -> dt.date | None:
    """A cell as a date: date cells, Excel serials, ISO text and locale forms, with or without a
    time of day. `order` reads numeric forms (04/05/27); None refuses ambiguous ones. Empty
    cells are None; anything else raises ValueError saying why."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a date")
    if isinstance(value, int | float):
        return _serial(value)
    text = str(value).strip()
    if not text:
        return None
    if _SERIAL.match(text):
        return _serial(float(text))
    plain = _WEEKDAY.sub("", text)
    match = _ISO.match(plain)
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]), text)
    match = _NUMERIC.match(plain)
    if match:
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        if order is None:
            if first > 12 >= second:
                order = DateOrder.DMY
            elif second > 12 >= first:
                order = DateOrder.MDY
            else:
                raise ValueError(f"'{text}' could be day/month or month/day")
        if order == DateOrder.MDY:
            return _date(year, first, second, text)
        if order == DateOrder.YMD:
            raise ValueError(f"'{text}' does not start with a year")
        return _date(year, second, first, text)
    # "Mar 4, 2027" is March, not a French Tuesday: the month name forms are read whole too.
    for form in dict.fromkeys((plain, text)):
        match = _DAY_MONTH_NAME.match(form)
        if match and match[2].casefold() in _MONTHS:
            return _date(_year(match[3]), _MONTHS[match[2].casefold()], int(match[1]), text)
        match = _MONTH_NAME_DAY.match(form)
        if match and match[1].casefold() in _MONTHS:
            return _date(_year(match[3]), _MONTHS[match[1].casefold()], int(match[2]), text)
    raise ValueError(f"'{text}' is not a date")


def _serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:  # 9999-12-31
        raise ValueError(f"'{number:g}' is not a date")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


_DURATION = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([^\W\d_]+\.?)?\s*\??$")


def parse_duration(value: Any, seconds: bool = False) -> int | None:
    """Working days from "5", "5d", "5 days", "1 wk", "2w", "16h", "30 min", "0 days" (a
    milestone), the same in German, French or Spanish ("5 Tage", "3 jours"; see
    app.duration_units), or a number; `seconds` reads numbers as seconds of work (Jira's
    estimates). Parts of a day round up. Empty is None; anything else raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a duration")
    if isinstance(value, int | float):
        number = float(value)
        unit = None
    else:
        text = str(value).strip()
        if not text:
            return None
        match = _DURATION.match(text)
        unit = unit_days(match[2]) if match and match[2] else None
        if match is None or (match[2] and unit is None):
            raise ValueError(f"'{text}' is not a duration (e.g. 5, 5d, 5 days, 2w)")
        number = float(match[1].replace(",", "."))
    if unit is not None:
        number *= unit
    elif seconds:
        number /= 3600 * HOURS_A_DAY
    if not math.isfinite(number) or number > 99_999:
        raise ValueError(f"'{value}' is not a duration a plan can hold")
    return math.ceil(round(number, 6))


def parse_percent(value: Any) -> int | None:
    """0-100 from "50%", "50", 50 or a percent-formatted cell's fraction (0.5)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a percentage")
    if isinstance(value, float) and 0 < value < 1:
        number = value * 100
    elif isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a percentage") from None
    if not 0 <= number <= 100:
        raise ValueError(f"'{value}' is not a percentage from 0 to 100")
    return round(number)


_STATUS_WORDS = {
    "not_started": (
        "not started",
        "to do",
        "todo",
        "open",
        "new",
        "backlog",
        "selected for development",
        "planned",
        "reopened",
        "",
    ),
    "in_progress": (
        "in progress",
        "started",
        "in review",
        "review",
        "in development",
        "in test",
        "testing",
        "active",
        "doing",
        "at risk",
    ),
    "done": ("done", "closed", "resolved", "complete", "completed", "finished", "shipped"),
    "blocked": ("blocked", "on hold", "impeded", "waiting"),
    "cancelled": ("cancelled", "canceled", "won't do", "wont do", "rejected", "abandoned"),
}
_STATUS = {word: status for status, words in _STATUS_WORDS.items() for word in words}


def parse_status(value: Any) -> str | None:
    """Gantry's status for a status word from Jira, Smartsheet or Gantry itself, else None."""
    text = " ".join(str(value or "").replace("_", " ").split()).casefold()
    return _STATUS.get(text)


def parse_level(value: Any) -> int:
    """An outline level (1 is the top; MS Project's project summary row is 0)."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an outline level")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(f"'{value}' is not an outline level (1, 2, 3 …)")
        number = int(text)
    if number > 100:
        raise ValueError(f"'{value}' is not an outline level (1, 2, 3 …)")
    return number


def parse_flag(value: Any) -> bool:
    """Yes/No, True/False, 1/0 cells (MS Project's Milestone and Summary columns)."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().casefold() in ("yes", "y", "true", "1", "x", "ja", "oui")


def indentation(text: str) -> int:
    """Width of the leading white space of a name (tabs count four, no-break spaces one)."""
    width = 0
    for ch in text:
        if ch == "\t":
            width += 4
        elif ch.isspace():
            width += 1
        else:
            break
    return width


def cell_text(value: Any) -> str:
    """A cell as one line of text (numbers without a needless .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00")
    return " ".join(str(value).split())


def levels_from_indents(indents: Iterable[int]) -> list[int]:
    """Outline levels (0 at the top) from each row's indentation, whatever step it uses."""
    levels: list[int] = []
    stack: list[int] = []
    for width in indents:
        while stack and stack[-1] > width:
            stack.pop()
        if not stack or stack[-1] < width:
            stack.append(width)
        levels.append(len(stack) - 1)
    return levels


def column_letter(column: int) -> str:
    """A sheet column's letters as a spreadsheet shows them (0 -> A, 26 -> AA)."""
    letters = ""
    n = column + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
