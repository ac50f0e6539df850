"""The rules a new release must meet, checked before anything is written (dialogs and services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def check_new_release(
    name: str,
    start: dt.date | None,
    target: dt.date | None,
    existing_names: Iterable[str],
) -> list[str]:
    """Every problem with a release about to be added, one sentence each; [] when it may be."""
    problems: list[str] = []
    name = name.strip()
    if not name:
        problems.append("A release needs a name.")
    elif any(other.strip().casefold() == name.casefold() for other in existing_names):
        problems.append(f"There is already a release named '{name}'.")
    if start is not None and target is not None and target < start:
        problems.append(
            f"The target date {target.isoformat()} is before the start date {start.isoformat()}."
        )
    return problems
