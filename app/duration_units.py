"""Units of work time as scheduling tools write them after a number ("5 days", "2 wks",
"30 min", "5 Tage", "3 jours", "2 semanas"), in English, German, French and Spanish, with
the working days each stands for (a day of 8 hours, a week of 5 days, a month of 20 days,
MS Project's defaults).

MS Project writes minutes as "m" and months as "mo" or "mon"; elapsed units ("ed", "ew")
count as their working kind, as a plan has no other. A trailing "." (German "Std.") is not
part of the word.
"""

from __future__ import annotations

HOURS_A_DAY = 8
DAY, WEEK, MONTH = 1.0, 5.0, 20.0
HOUR = 1 / HOURS_A_DAY
MINUTE = HOUR / 60

_WORDS: dict[float, tuple[str, ...]] = {
    DAY: (
        "d", "dy", "dys", "day", "days", "ed", "eday", "edays",
        "t", "tg", "tag", "tage", "tagen",  # German
        "j", "jr", "jour", "jours",  # French
        "día", "días", "dia", "dias",  # Spanish
    ),
    WEEK: (
        "w", "wk", "wks", "week", "weeks", "ew", "ewk", "ewks",
        "wo", "woche", "wochen",  # German
        "sem", "semaine", "semaines",  # French
        "semana", "semanas",  # Spanish
    ),
    HOUR: (
        "h", "hr", "hrs", "hour", "hours", "eh", "ehr",
        "std", "stunde", "stunden",  # German
        "heure", "heures",  # French
        "hora", "horas",  # Spanish
    ),
    MINUTE: (
        "m", "min", "mins", "minute", "minutes", "em", "emin",
        "minuten",  # German
        "minuto", "minutos",  # Spanish
    ),
    MONTH: (
        "mo", "mon", "mons", "month", "months", "emo", "emon",
        "monat", "monate",  # German
        "ms", "mois",  # French
        "mes", "meses",  # Spanish
    ),
}  # fmt: skip
UNITS: dict[str, float] = {word: days for days, words in _WORDS.items() for word in words}


def unit_days(word: str) -> float | None:
    """The working days one `word` stands for (case and a trailing '.' aside), None if it is
    not a unit of time."""
    return UNITS.get(word.strip().rstrip(".").casefold())
