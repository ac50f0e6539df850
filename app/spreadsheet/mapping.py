"""Which column feeds which field: by header name and synonyms, by words in the header, and by
the user's own choices (`--map COLUMN=FIELD`, the wizard's mapping page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.errors import ValidationError
from app.spreadsheet.synonyms import (
    REPEATED,
    SECONDS,
    WORDS,
    import_fields,
    names_by_field,
    normalized,
)

IGNORE = ""  # the field of a column that is not imported


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """The header's names and, for each column, the field it feeds ("" for none)."""

    headers: tuple[str, ...]
    fields: tuple[str, ...]

    def columns(self, field: str) -> list[int]:
        return [n for n, f in enumerate(self.fields) if f == field]

    def column(self, field: str) -> int | None:
        found = self.columns(field)
        return found[0] if found else None

    def has(self, field: str) -> bool:
        return field in self.fields

    def in_seconds(self, column: int) -> bool:
        """Whether a duration column holds seconds of work (Jira's estimates)."""
        return normalized(self.headers[column]) in SECONDS

    def with_field(self, column: int, field: str) -> ColumnMap:
        """This map with one column's field changed (the wizard's combo boxes); another column
        holding a single-column field gives it up."""
        fields = list(self.fields)
        if field and field not in REPEATED:
            fields = [IGNORE if f == field else f for f in fields]
        fields[column] = field
        return ColumnMap(self.headers, tuple(fields))


def field_choices() -> list[tuple[str, str]]:
    """(field name, label) of everything a column can feed, for the wizard's combo boxes."""
    return [(name, field.label) for name, field in import_fields().items()]


def known_header(text: str) -> bool:
    """Whether a cell reads as a column name an import knows (used to find the header row)."""
    key = normalized(text)
    return bool(key) and any(key in names for names in names_by_field().values())


def _resolve_field(text: str) -> str | None:
    fields = import_fields()
    key = normalized(text)
    if key in ("", "ignore", "none", "skip"):
        return IGNORE
    for name, field in fields.items():
        if key in (normalized(name), normalized(field.label)):
            return name
    return None


def map_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    """Each column's field: overrides first, then exact names (best-ranked column wins a field),
    then words in the header for fields still free. Unknown override columns or fields are
    refused, naming what there is."""
    names = names_by_field()
    fields: list[str] = [IGNORE] * len(headers)
    taken: set[str] = set()
    fixed: set[int] = set()
    problems: list[str] = []
    for column_name, field_name in (overrides or {}).items():
        matches = [
            n for n, h in enumerate(headers) if normalized(h) == normalized(column_name)
        ] or [n for n, h in enumerate(headers) if h.strip() == column_name.strip()]
        field = _resolve_field(field_name)
        if not matches:
            problems.append(
                f"--map {column_name}={field_name}: the sheet has no column '{column_name}' "
                f"(its columns: {', '.join(h for h in headers if h)})"
            )
            continue
        if field is None:
            labels = ", ".join(name for name, _ in field_choices())
            problems.append(
                f"--map {column_name}={field_name}: '{field_name}' is not a field "
                f"(fields: {labels}, or ignore)"
            )
            continue
        for n in matches:
            fields[n] = field
            fixed.add(n)
        if field:
            taken.add(field)
    if problems:
        raise ValidationError(problems)

    ranked: list[tuple[int, int, str]] = []  # (rank, column, field)
    for n, header in enumerate(headers):
        if n in fixed:
            continue
        key = normalized(header)
        if not key:
            continue
        for field, synonyms in names.items():
            if key in synonyms:
                ranked.append((synonyms.index(key), n, field))
    ranked.sort()
    for _rank, n, field in ranked:
        if fields[n] or n in fixed:
            continue
        if field in REPEATED or field not in taken:
            fields[n] = field
            taken.add(field)

    for n, header in enumerate(headers):
        if fields[n] or n in fixed:
            continue
        words = normalized(header).split()
        for word, field in WORDS:
            if word in words and field not in taken:
                fields[n] = field
                taken.add(field)
                break
    return ColumnMap(tuple(headers), tuple(fields))
