"""What an import will do, before it does it: problems with their cells, new, changed and
unchanged rows, created releases, renamed keys, and items the schedule moves off the sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.spreadsheet.mapping import ColumnMap

SHOWN = 50  # lines of each kind the text report prints; the counts are always complete
SHOWN_UNREAD = 12  # a Jira export has a hundred columns or more
RELEASE = "Release"  # the labels of the changes that move an item
PHASE = "Phase"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the sheet, where it is, and the value found there."""

    message: str
    row: int | None = None  # the sheet's row number
    column: str = ""  # "D (Start)"
    value: str = ""
    error: bool = True  # warnings are reported but do not stop the import
    sheet: str = ""

    def text(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where.strip(' ,')}: {self.message}" if where.strip() else self.message


@dataclass(frozen=True, slots=True)
class FieldChange:
    label: str
    old: str
    new: str

    def text(self, arrow: str = "->") -> str:
        if self.label == RELEASE:
            return f"moved from {self.old} to {self.new}"
        if self.label == PHASE:
            return f"moved {f'under {self.new}' if self.new else 'to the top level'}" + (
                f" (was under {self.old})" if self.old else ""
            )
        return f"{self.label} {self.old or '-'} {arrow} {self.new or '-'}"


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """A sheet row as the preview lists it."""

    row: int
    key: str
    name: str
    state: str  # "new", "changed" or "unchanged"
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Moved:
    """An item the plan's schedule places elsewhere than the sheet did (its links say so)."""

    row: int
    key: str
    name: str
    what: str  # "start" or "finish"
    sheet: dt.date
    scheduled: dt.date
    working_days: int  # positive: later than the sheet

    def text(self) -> str:
        direction = "later" if self.working_days > 0 else "earlier"
        days = abs(self.working_days)
        unit = "working day" if days == 1 else "working days"
        verb = "starts" if self.what == "start" else "finishes"
        return (
            f"row {self.row} {self.key} '{self.name}': {verb} {self.scheduled.isoformat()}, "
            f"{days} {unit} {direction} than the sheet's {self.sheet.isoformat()}"
        )


@dataclass(slots=True)
class ImportReport:
    """Everything prepare() found; `ok` when there is no error and something can be written."""

    source: str
    sheet: str
    header_row: int | None = None
    columns: ColumnMap | None = None
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    new_releases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    date_order_needed: bool = False  # the wizard asks which order the dates are in

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    def summary(self) -> str:
        new, changed, unchanged = self.count("new"), self.count("changed"), self.count("unchanged")
        return f"{new:,} new, {changed:,} changed, {unchanged:,} unchanged"

    def lines(self) -> list[str]:
        """The report as text: what the CLI prints and the wizard's last page shows."""
        out = [
            f"{self.source}, sheet {self.sheet}"
            + (f", header in row {self.header_row}" if self.header_row else "")
        ]
        if self.columns is not None:
            mapped = [
                f"{h} -> {f}"
                for h, f in zip(self.columns.headers, self.columns.fields, strict=True)
                if f
            ]
            out.append("Columns: " + ("; ".join(mapped) or "none recognised"))
            unread = [
                h
                for h, f in zip(self.columns.headers, self.columns.fields, strict=True)
                if h and not f
            ]
            if unread:
                shown = ", ".join(unread[:SHOWN_UNREAD])
                more = (
                    f" and {len(unread) - SHOWN_UNREAD:,} more"
                    if len(unread) > SHOWN_UNREAD
                    else ""
                )
                out.append(f"Not read: {shown}{more} (--map COLUMN=FIELD reads one)")
        errors, warnings = self.errors, self.warnings
        if errors:
            out.append(f"{len(errors):,} error(s); nothing is written:")
            out.extend(f"  {p.text()}" for p in errors)
        if warnings:
            out.append(f"{len(warnings):,} warning(s):")
            out.extend(f"  {p.text()}" for p in warnings[:SHOWN])
            if len(warnings) > SHOWN:
                out.append(f"  … and {len(warnings) - SHOWN:,} more")
        if errors:
            return out
        out.append(f"Rows: {self.summary()}.")
        for release in self.new_releases:
            out.append(f"Release '{release}' will be created.")
        out.extend(self.notes)
        changed = [r for r in self.rows if r.state == "changed"]
        for outcome in changed[:SHOWN]:
            what = "; ".join(c.text() for c in outcome.changes)
            out.append(f"  changed row {outcome.row} {outcome.key}: {what}")
        if len(changed) > SHOWN:
            out.append(f"  … and {len(changed) - SHOWN:,} more changed rows")
        if self.moved:
            out.append(
                f"{len(self.moved):,} date(s) differ from the sheet once scheduled (links or "
                "the calendar move them):"
            )
            out.extend(f"  {m.text()}" for m in self.moved[:SHOWN])
            if len(self.moved) > SHOWN:
                out.append(f"  … and {len(self.moved) - SHOWN:,} more")
        return out
