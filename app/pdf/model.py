"""What a printed document holds, as plain data: cover, sections of blocks, signers.

The document builders (runbook, release record) fill these from a plan; the renderer lays
them out without knowing where they came from, so each step is testable alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

# The meanings a signature may carry: what the signer attests by signing.
MEANINGS = ("authored", "reviewed", "approved")


@dataclass(frozen=True, slots=True)
class Signer:
    """One signature block: who signs (a role) and what the signature means."""

    role: str
    meaning: str

    @property
    def label(self) -> str:
        """How the signature field names it (its /TU), e.g. "Release manager — authored"."""
        return f"{self.role} — {self.meaning}"


@dataclass(frozen=True, slots=True)
class Cover:
    title: str  # "Runbook", "Release record"
    plan: str
    release: str
    version: str
    document_id: str
    revision: int
    generated_at: dt.datetime  # aware, UTC
    audit_head: str  # hash of the newest audit event the document was built from
    facts: tuple[tuple[str, str], ...] = ()  # more label/value lines under the standard ones


@dataclass(frozen=True, slots=True)
class Rich:
    """A table cell of several paragraphs: (kind, text) with kind "title", "text", "mono",
    "label" (a small grey caption) or "bold"."""

    parts: tuple[tuple[str, str], ...]


Cell = str | Rich


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float  # a share of the text width; a table's shares add up to 1
    wrap: bool = False  # long text that wraps (a Paragraph), not a short one-line value
    mono: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Cell, ...]]
    checkbox: bool = False  # the first column is an empty box to tick on paper
    empty: str = "None."  # what prints instead of an empty table


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: str = "body"


@dataclass(frozen=True, slots=True)
class Facts:
    """Label/value lines in two columns."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


Block = Heading | Text | Facts | Table


@dataclass(frozen=True, slots=True)
class Section:
    """A chapter: it starts a page and has an entry in the contents."""

    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Document:
    cover: Cover
    sections: list[Section]
    signers: tuple[Signer, ...]
    paper: str = "a4"

    @property
    def heading(self) -> str:
        """The running header's text."""
        c = self.cover
        return f"{c.plan} · {c.release} · {c.title} · {c.document_id} rev {c.revision}"
