"""Predecessor text in MS Project form ("3", "A-3FS+2d", "A-12SS-1 day", "A-4;A-7")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.errors import ValidationError

_LINK = re.compile(
    r"^(?P<key>.+?)(?P<type>FS|SS|FF|SF)"
    r"(?:\s*(?P<lag>[+-]\s*\d+)\s*(?P<unit>d|day|days|w|wk|wks|week|weeks)?)?$",
    re.IGNORECASE,
)
_UNIT_DAYS = {"w": 5, "wk": 5, "wks": 5, "week": 5, "weeks": 5}


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
        lag *= _UNIT_DAYS.get((match["unit"] or "d").lower(), 1)
        specs.append(LinkSpec(match["key"].strip(), match["type"].upper(), lag))
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
