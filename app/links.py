"""Predecessor text in MS Project form ("3", "A-3FS+2d", "A-12SS-1 day", "A-4;A-7"), also as its
German, French and Spanish versions write it ("3EA+2 Tage", "3FD+2 jours")."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from app.duration_units import DAY, unit_days
from app.errors import ValidationError

# MS Project's link types, and those its German (Ende-Anfang ...), French (fin-début ...)
# and Spanish (fin-comienzo ...) versions write.
LINK_TYPES = {
    "FS": "FS", "SS": "SS", "FF": "FF", "SF": "SF",
    "EA": "FS", "AA": "SS", "EE": "FF", "AE": "SF",
    "FD": "FS", "DD": "SS", "DF": "SF",
    "FC": "FS", "CC": "SS", "CF": "SF",
}  # fmt: skip
_LINK = re.compile(
    rf"^(?P<key>.+?)(?P<type>{'|'.join(LINK_TYPES)})"
    r"(?:\s*(?P<lag>[+-]\s*\d+)\s*(?P<unit>[^\W\d_]+\.?)?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LinkSpec:
    key: str
    type: str = "FS"
    lag: int = 0

    def text(self) -> str:
        if self.type == "FS" and self.lag == 0:
            return self.key
        lag = f"{self.lag:+d}" if self.lag else ""
        return f"{self.key}{self.type}{lag}"


def parse_predecessors(text: str, is_key: Callable[[str], bool]) -> list[LinkSpec]:
    """Parse a predecessor list; `is_key` tells whether a token is an item key as it stands."""
    specs: list[LinkSpec] = []
    problems: list[str] = []
    for raw in re.split(r"[;,]", text):
        token = raw.strip()
        if not token:
            continue
        # A key such as "A-12" would otherwise read as key "A" with lag -12.
        if is_key(token):
            specs.append(LinkSpec(token))
            continue
        match = _LINK.match(token)
        if match is None or not is_key(match["key"].strip()):
            problems.append(f"'{token}' names no work item")
            continue
        lag = int(match["lag"].replace(" ", "")) if match["lag"] else 0
        unit = unit_days(match["unit"]) if match["unit"] else DAY
        if unit is None:
            problems.append(f"'{token}': '{match['unit']}' is not a unit of time")
            continue
        # A lag is whole working days: part of one counts as one (4h is a day).
        days = math.copysign(math.ceil(round(abs(lag * unit), 6)), lag)
        specs.append(LinkSpec(match["key"].strip(), LINK_TYPES[match["type"].upper()], int(days)))
    if problems:
        raise ValidationError(problems)
    seen: set[str] = set()
    for spec in specs:
        if spec.key in seen:
            raise ValidationError(f"'{spec.key}' is listed twice as a predecessor")
        seen.add(spec.key)
    return specs


def same_links(a: str, b: str) -> bool:
    """Whether two predecessor lists say the same ("A-3;A-4SS+2" is "A-3; A-4SS+2")."""

    def parts(text: str) -> list[str]:
        return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]

    return parts(a) == parts(b)
