"""Marks on a release's chart rows: conflicts (from `gantry check`) and due communications.

Plain facts for a painter: a day, a row and the text of the tooltip. A conflict of the release
(or one it shares with another release, marked on both) sits on its top row (the outline's
first row, where its summary starts); a communication counted from a milestone sits on that
milestone's row when it is shown, the others on the top row too. Marks on the same row and
day get slots 0, 1, 2... so a painter can set them side by side instead of on top of each
other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.communications import DueCommunication, DueState
from app.plan_check import Finding


class MarkKind(StrEnum):
    CONFLICT = "conflict"
    WARNING = "warning"  # a finding whose severity is a warning: a risk, not a broken rule
    COMMUNICATION = "communication"
    SENT = "sent"  # a communication already sent


@dataclass(frozen=True, slots=True)
class ChartMark:
    kind: MarkKind
    day: dt.date
    row: int
    slot: int  # its place among the marks on the same row and day
    text: str  # the tooltip: a finding's line, or what is to be sent to whom


def communication_text(comm: DueCommunication) -> str:
    """What a communication's mark says: title, audience, channel, owner, due day and state."""
    owner = comm.owner or "no owner"
    return (
        f"{comm.title} — {comm.audience_label} by {comm.channel_label}, owner {owner}; "
        f"due {comm.due.isoformat() if comm.due else '–'} ({comm.state.value})"
    )


def release_marks(
    release_id: int,
    findings: Iterable[Finding],
    communications: Iterable[DueCommunication],
    row_of: Callable[[int], int | None],
    rows: int,
) -> list[ChartMark]:
    """The marks of one release on its chart of `rows` rows (`row_of` finds an item's row,
    None when it is folded away), by row, day and slot."""
    if rows == 0:
        return []
    placed: list[tuple[MarkKind, dt.date, int, str]] = []
    for finding in findings:
        kind = MarkKind.WARNING if finding.severity == "warning" else MarkKind.CONFLICT
        placed.extend(
            (kind, day, 0, finding.line()) for where, day in finding.places() if where == release_id
        )
    for comm in communications:
        if comm.release_id != release_id or comm.due is None:
            continue
        row = row_of(comm.milestone_id) if comm.milestone_id is not None else None
        kind = MarkKind.SENT if comm.state is DueState.DONE else MarkKind.COMMUNICATION
        placed.append((kind, comm.due, 0 if row is None else row, communication_text(comm)))
    placed.sort(key=lambda m: (m[2], m[1]))
    marks: list[ChartMark] = []
    taken: dict[tuple[int, dt.date], int] = {}
    for kind, day, row, text in placed:
        slot = taken.get((row, day), 0)
        taken[(row, day)] = slot + 1
        marks.append(ChartMark(kind, day, row, slot, text))
    return marks
