"""Finding the header row below title rows, notes, merged title cells and blank rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.spreadsheet.mapping import known_header
from app.spreadsheet.reading import Row
from app.spreadsheet.values import cell_text

LOOK_AHEAD = 30  # header rows sit near the top; a title block is never this long


@dataclass(frozen=True, slots=True)
class Header:
    row: int  # the sheet's row number of the header
    names: tuple[str, ...]


def find_header(rows: Sequence[Row]) -> Header | None:
    """The row most like a header: the most cells naming known columns, then the most text
    cells; a title row (one merged cell) or a note never wins against a real header. None
    when no row has two filled cells."""
    best: tuple[int, int, int] | None = None
    found: Header | None = None
    for number, cells in rows[:LOOK_AHEAD]:
        texts = [cell_text(c) for c in cells]
        filled = [t for t in texts if t]
        if len(filled) < 2:
            continue
        textual = sum(1 for c in cells if isinstance(c, str) and c.strip())
        known = sum(1 for t in filled if known_header(t))
        # Earlier rows win ties: a data row may look like a header too.
        score = (known, textual, -number)
        if best is None or score > best:
            best, found = score, Header(number, tuple(texts))
    return found
