"""Table cell text laid out by word widths and drawn line by line.

A runbook of a thousand steps is mostly cell text. reportlab's Paragraph parses markup into
fragments and breaks lines fragment by fragment, which is most of such a document's time;
cell text needs none of that: a few kinds of line (title, text, commands, caption), each in
one face and size. Here words are measured once each (cached), lines are filled greedily, a
word wider than the cell is broken between characters (a long path or URL must not run out
of its cell), and each line is drawn in runs of the face that has the glyphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.pdf import styles


@dataclass(frozen=True, slots=True)
class Look:
    face: str
    size: float
    leading: float
    color: Color


LOOKS = {
    "title": Look(styles.BOLD, 8, 10, styles.INK),
    "bold": Look(styles.BOLD, 8, 10, styles.INK),
    "text": Look(styles.REGULAR, 8, 10, styles.INK),
    "mono": Look(styles.MONO, 7.5, 9.5, styles.INK),
    "label": Look(styles.REGULAR, 6.5, 8.5, styles.MUTED),
}


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    look: Look


@lru_cache(maxsize=1 << 16)
def width_of(text: str, face: str, size: float) -> float:
    return sum(stringWidth(run, f, size) for f, run in styles.runs(text, face))


def wrap_text(text: str, face: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width`; its own line breaks kept."""
    space = width_of(" ", face, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            wide = width_of(word, face, size)
            if current and used + space + wide <= width:
                current.append(word)
                used += space + wide
                continue
            if current:
                lines.append(" ".join(current))
            if wide <= width:
                current, used = [word], wide
                continue
            pieces = _break_word(word, face, size, width)
            lines += pieces[:-1]
            current, used = [pieces[-1]], width_of(pieces[-1], face, size)
        lines.append(" ".join(current))
    return lines


def _break_word(word: str, face: str, size: float, width: float) -> list[str]:
    pieces: list[str] = []
    start = 0
    used = 0.0
    for n, char in enumerate(word):
        wide = width_of(char, face, size)
        if used + wide > width and n > start:
            pieces.append(word[start:n])
            start, used = n, 0.0
        used += wide
    pieces.append(word[start:])
    return pieces


class CellText(Flowable):
    """A cell's (kind, text) parts, laid out once per width; splits between lines."""

    def __init__(self, parts: Sequence[tuple[str, str]], lines: list[Line] | None = None) -> None:
        super().__init__()
        self.parts = tuple(parts)
        self._lines = lines
        self._for_width = -1.0 if lines is None else None
        self.width = 0.0
        self.height = sum(line.look.leading for line in lines) if lines else 0.0

    def _layout(self, width: float) -> list[Line]:
        if self._lines is None or (self._for_width is not None and self._for_width != width):
            self._lines = [
                Line(text, LOOKS[kind])
                for kind, part in self.parts
                if part.strip()
                # trailing blank lines would only leave a gap at the cell's foot
                for text in wrap_text(part.rstrip(), LOOKS[kind].face, LOOKS[kind].size, width)
            ]
            self._for_width = width
            self.height = sum(line.look.leading for line in self._lines)
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._layout(availWidth)
        self.width = availWidth
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        # A table splitting a row passes the column's width, not the width inside its
        # padding that it wrapped the cell at: keep the lines as wrapped.
        lines = self._layout(self.width or availWidth)
        used, n = 0.0, 0
        while n < len(lines) and used + lines[n].look.leading <= availHeight:
            used += lines[n].look.leading
            n += 1
        if n == 0 or n == len(lines):
            return [] if n == 0 else [self]
        return [CellText((), lines[:n]), CellText((), lines[n:])]

    def draw(self) -> None:
        canvas = self.canv
        y = self.height
        for line in self._lines or []:
            look = line.look
            y -= look.leading
            canvas.setFillColor(look.color)
            x = 0.0
            baseline = y + 0.35 * look.leading  # room for descenders below, caps above
            for face, run in styles.runs(line.text, look.face):
                canvas.setFont(face, look.size)
                canvas.drawString(x, baseline, run)
                x += stringWidth(run, face, look.size)
