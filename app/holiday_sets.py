"""Public holidays by country and region, from the `holidays` package (data only, offline).

The window never imports `holidays`: it asks here for the countries, their regions and their
holidays. A plan stores the holidays it takes as calendar entries, so another Gantry with
another `holidays` version schedules the plan the same; this module is asked only when the
plan's calendar is chosen.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

# Holiday names in one language on every machine (a plan read elsewhere must match them);
# the few countries `holidays` has no English for keep their own language.
NAME_LANGUAGE = "en_US"


@dataclass(frozen=True, slots=True)
class Region:
    """A subdivision (state, province, canton…) with holidays of its own."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, as `holidays` names it
    name: str
    regions: tuple[Region, ...]
    language: str | None  # of its holidays' names; None: the country's own

    def region(self, code: str) -> Region | None:
        return next((r for r in self.regions if r.code == code), None)


def _readable(entity: holidays.HolidayBase, code: str) -> str:
    # The classes say "Germany holidays." first (an alias class may say something else);
    # "United States of America (the)" reads better without the ISO article.
    for cls in type(entity).__mro__:
        first = (cls.__doc__ or "").strip().partition("\n")[0]
        if first.endswith(" holidays."):
            return first.removesuffix(" holidays.").replace(" (the)", "")
    return code


def _region_name(code: str, aliases: Iterable[str]) -> str:
    # Aliases mix other codes ("GP", "GUA") with names ("Guadeloupe"): take the first name.
    return next((a for a in aliases if any(c.islower() for c in a)), code)


@functools.cache
def countries() -> tuple[Country, ...]:
    """Every country `holidays` knows, by name (built once: it loads some 250 modules)."""
    found = []
    for code in holidays.list_supported_countries(include_aliases=False):
        entity = holidays.country_holidays(code)
        aliases = entity.get_subdivision_aliases()
        regions = tuple(
            sorted(
                (
                    Region(sub, _region_name(sub, aliases.get(sub, ())))
                    for sub in entity.subdivisions
                ),
                key=lambda r: r.name.casefold(),
            )
        )
        language = NAME_LANGUAGE if NAME_LANGUAGE in entity.supported_languages else None
        found.append(Country(code, _readable(entity, code), regions, language))
    return tuple(sorted(found, key=lambda c: c.name.casefold()))


def country(code: str) -> Country | None:
    return _by_code().get(code)


@functools.cache
def _by_code() -> dict[str, Country]:
    return {c.code: c for c in countries()}


def place_label(country_code: str, region_code: str = "") -> str:
    """'Germany, Bayern (DE-BY)'; 'None' without a country; a code Gantry does not know as is."""
    if not country_code:
        return "None"
    found = country(country_code)
    if found is None:
        return country_code
    region = found.region(region_code) if region_code else None
    if region is None:
        return f"{found.name} ({found.code})"
    return f"{found.name}, {region.name} ({found.code}-{region.code})"


def public_holidays(
    country_code: str, region_code: str, years: Iterable[int]
) -> dict[dt.date, str]:
    """The country's (and region's) public holidays in `years`, by day; days on which two fall
    carry both names ("A; B"), as `holidays` gives them."""
    found = country(country_code)
    if found is None:
        return {}
    table = holidays.country_holidays(
        country_code, subdiv=region_code or None, years=sorted(years), language=found.language
    )
    return {day: str(name) for day, name in sorted(table.items())}
