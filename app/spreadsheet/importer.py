"""Importing a sheet into a plan: prepare (read, map, parse, validate, schedule) into a report
without writing anything, then commit it in one unit of work, or undo what a commit did."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit, scope_lock
from app.components import COMPONENTS
from app.errors import GantryError, ValidationError
from app.links import LinkSpec, parse_predecessors
from app.plan import Plan
from app.plan_settings import read_settings, write_setting
from app.releases import RELEASE_FIELDS
from app.schedule_runs import ScheduleJob, compute
from app.scheduling import ReleaseBounds, ScheduleItem, ScheduleLink, WorkCalendar
from app.spreadsheet import columns as cols
from app.spreadsheet.change_sheet import ChangesWritten, check_changes, undo_changes, write_changes
from app.spreadsheet.formulas import unsaved_formulas
from app.spreadsheet.header import LOOK_AHEAD, find_header
from app.spreadsheet.mapping import ColumnMap, map_columns
from app.spreadsheet.own_workbook import OwnSheets, is_own_workbook, read_own_sheets
from app.spreadsheet.reading import Cell, Indented, Source
from app.spreadsheet.report import (
    PHASE,
    RELEASE,
    FieldChange,
    ImportReport,
    Moved,
    Problem,
    RowOutcome,
)
from app.spreadsheet.values import (
    DateOrder,
    cell_text,
    column_letter,
    date_evidence,
    indentation,
    is_ambiguous,
    levels_from_indents,
    parse_date,
    parse_duration,
    parse_flag,
    parse_level,
    parse_percent,
    parse_status,
)
from app.unit_of_work import Written
from app.work_items import WORK_ITEM_FIELDS
from models import (
    Base,
    CalendarEntry,
    Component,
    ComponentDependency,
    ComponentVersion,
    Dependency,
    Environment,
    Release,
    WorkItem,
)

Progress = Callable[[int, int, str], None]  # done, total (0: not known yet), what
Cancelled = Callable[[], bool]
CHUNK = 2000  # rows between progress reports and cancel checks
DATE_FIELDS = ("not_before", "start", "finish", "actual_start", "actual_finish")
TEXT_FIELDS = ("name", "owner", "notes")
# Fields a re-import compares and sets, in the order the report lists changes.
UPDATED = (
    "name",
    "duration",
    "not_before",
    "owner",
    "status",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "notes",
)
_KEY_UNSAFE = re.compile(r"[\s;,]+")


class ImportCancelled(GantryError):
    """The user cancelled the import; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Import cancelled; nothing was written.")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    sheet: str | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)  # --map COLUMN=FIELD
    release: str | None = None  # for rows without a release column
    date_order: DateOrder | None = None
    columns: ColumnMap | None = None  # a complete mapping (the wizard's); overrides then unused
    # The day the import is made, for the scope lock: new or longer items in a release past
    # its feature freeze need `change`, an approved change request (app.scope_lock).
    today: dt.date | None = None
    change: str = ""


@dataclass(slots=True)
class SheetItem:
    """One sheet row as the item it becomes (or updates)."""

    row: int
    sheet_key: str
    name: str
    level: int = 0
    parent: int | None = None  # index of the parent row
    kind: str = "task"
    values: dict[str, Any] = field(default_factory=dict)  # field name -> parsed value
    release: str = ""
    release_stated: bool = False  # the row (or its phase's row) names its release
    ref: str = ""
    key: str = ""
    existing: int | None = None  # id of the item it updates
    # An updated item's parent in the plan when the sheet does not place it under a row.
    kept_parent: int | None = None
    links: dict[tuple[str, int], LinkSpec] | None = None  # None: predecessors not in the sheet
    start: dt.date | None = None  # what the sheet says; compared with the schedule
    finish: dt.date | None = None
    component: str | None = None  # its component's name; "" none; None: no Component column


@dataclass(slots=True)
class ImportPlan:
    """A prepared import: its report and everything commit() writes."""

    report: ImportReport
    items: list[SheetItem] = field(default_factory=list)
    releases: dict[str, int | None] = field(default_factory=dict)  # name -> id (None: new)
    release_starts: dict[str, dt.date | None] = field(default_factory=dict)
    own: OwnSheets | None = None  # the other sheets of Gantry's own workbook
    # Plan items not in the sheet that go with an ancestor moved to another release.
    followers: dict[int, str] = field(default_factory=dict)  # item id -> release name
    # Scope exceptions the commit records: (permit, item key, kind, old, new duration).
    scope: list[tuple[scope_lock.Permit, str, str, int | None, int]] = field(default_factory=list)
    # Components a foreign sheet's Component column names that neither the plan has: made
    # with the items (built here, the rest of them filled in on the Components tab).
    new_components: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportDone:
    """What a commit wrote: what undo removes or puts back."""

    created_items: tuple[int, ...]
    created_releases: tuple[int, ...]
    changed: Mapping[int, Mapping[str, Any]]  # item id -> field -> old value
    links_added: tuple[int, ...]
    links_removed: tuple[Mapping[str, Any], ...]  # the removed rows' values
    links_changed: Mapping[int, tuple[str, int]]  # link id -> old (type, lag)
    summary: str
    created_environments: tuple[int, ...] = ()
    created_calendar: tuple[int, ...] = ()
    old_settings: Mapping[str, Any] = field(default_factory=dict)  # key -> value before
    changes: ChangesWritten = field(default_factory=ChangesWritten)
    # Components, their versions and dependencies made, as (model, id) in the order made.
    created_components: tuple[tuple[type[Base], int], ...] = ()


# -- prepare ------------------------------------------------------------------------------


def prepare(
    plan: Plan,
    path: Path,
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    limit: int | None = None,
) -> ImportPlan:
    """Read and check the sheet against the plan; writes nothing. Errors are collected in the
    report (every one, with its row and column), never raised; a file that cannot be read at
    all raises GantryError. `limit` reads only that many data rows (the wizard's preview)."""
    source = Source(path)
    sheet = source.sheet(options.sheet)
    report = ImportReport(source.describe(), sheet)
    prepared = ImportPlan(report)
    if is_own_workbook(source, sheet):
        prepared.own = _own_sheets(plan, source, report)
    rows = source.rows(sheet)
    head: list[tuple[int, list[Cell]]] = []
    for row in rows:
        head.append(row)
        if len(head) >= LOOK_AHEAD:
            break
    header = find_header(head)
    if header is None:
        report.problems.append(
            Problem(
                "no header row found (a row naming the columns, such as Name, Start)", sheet=sheet
            )
        )
        return prepared
    report.header_row = header.row
    try:
        columns = options.columns or map_columns(header.names, options.overrides)
    except ValidationError as exc:
        report.problems.extend(Problem(p, sheet=sheet) for p in exc.problems)
        return prepared
    report.columns = columns
    if not columns.has("name"):
        report.problems.append(
            Problem(
                "missing required column: Name (no header reads as the items' names; "
                "map one with --map COLUMN=name)",
                row=header.row,
                sheet=sheet,
            )
        )
        return prepared
    reader = _Reader(plan, sheet, columns, options, report, prepared.own)
    if source.kind == "workbook":
        reader.refuse_unsaved_formulas(unsaved_formulas(path, sheet), header.row)

    def data_rows() -> Iterable[tuple[int, list[Cell]]]:
        yield from (r for r in head if r[0] > header.row)
        yield from rows

    count = 0
    for number, cells in data_rows():
        if limit is not None and count >= limit:
            break
        if reader.take(number, cells):
            count += 1
            if count % CHUNK == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(count, 0, "Reading rows")
    if progress is not None:
        progress(count, count, "Checking rows")
    reader.finish(prepared, progress)
    _check_scope(plan, prepared, options, sheet)
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    return prepared


def _check_scope(plan: Plan, prepared: ImportPlan, options: ImportOptions, sheet: str) -> None:
    """Refuse new or longer items in a frozen release unless an approved change allows them
    (one problem per release, naming the items)."""
    if options.today is None:
        return
    state = plan.state
    wanted: dict[int, list[tuple[str, str, int | None, int]]] = {}
    for item in prepared.items:
        duration = item.values.get("duration", 0) if item.kind == "task" else 0
        if item.existing is None:
            release_id = prepared.releases.get(item.release)
            if release_id is not None:
                wanted.setdefault(release_id, []).append((item.key, "added", None, duration))
            continue
        record = state.items[item.existing]
        new = item.values.get("duration")
        if item.kind == "task" and new is not None and new > record.duration:
            wanted.setdefault(record.release_id, []).append(
                (item.key, "grown", record.duration, new)
            )
    for release_id, changes in wanted.items():
        keys = ", ".join(key for key, *_ in changes[:5])
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        what = f"importing {len(changes)} new or longer item(s) ({keys}{more})"
        try:
            permit = plan.scope.permit(release_id, options.today, options.change, what)
        except GantryError as exc:
            prepared.report.problems.append(Problem(str(exc), sheet=sheet))
            continue
        if permit is not None:
            prepared.scope.extend((permit, *change) for change in changes)


class _Reader:
    """Turns data rows into SheetItems, collecting problems as it goes."""

    def __init__(
        self,
        plan: Plan,
        sheet: str,
        columns: ColumnMap,
        options: ImportOptions,
        report: ImportReport,
        own: OwnSheets | None = None,
    ) -> None:
        self.plan = plan
        self.own = own
        self.state = plan.state
        self.sheet = sheet
        self.columns = columns
        self.options = options
        self.report = report
        self.raw: list[tuple[int, list[Cell]]] = []
        self.single = {
            f: columns.column(f)
            for f in set(columns.fields)
            if f and f not in ("release", "predecessors", "successors")
        }
        self.date_columns = [n for n, f in enumerate(columns.fields) if f in DATE_FIELDS]
        self.evidence: dict[DateOrder, tuple[int, int, str]] = {}
        self.ambiguous: tuple[int, int, str] | None = None
        self.width = len(columns.fields)
        self.unwanted = [n for n, f in enumerate(columns.fields) if not f]
        # Each column's rule is chosen once, not looked up per cell: 100,000 rows repeat the
        # same few dates, durations, owners and statuses, so parsed values are kept by value
        # (with its type: 1, 1.0 and True are equal keys but not equal cells).
        self.dated = [(f, n) for f in DATE_FIELDS if (n := self.single.get(f)) is not None]
        duration = self.single.get("duration")
        self.in_seconds = duration is not None and columns.in_seconds(duration)
        self.release_columns = columns.columns("release")
        self.link_columns = [
            (relation, n)
            for relation in ("predecessors", "successors")
            for n in columns.columns(relation)
        ]
        self.seen_dates: set[str] = set()
        self.dates: dict[tuple[type, Cell], dt.date | str | None] = {}
        self.durations: dict[tuple[type, Cell], int | str | None] = {}
        self.texts: dict[tuple[str, str], tuple[Any, str | None]] = {}
        self.statuses: dict[tuple[type, Cell], tuple[str, str | None]] = {}  # (text, status)
        self.fields = {name: WORK_ITEM_FIELDS[name] for name in ("key", *TEXT_FIELDS)}
        self.current_components: dict[int, str] = {}  # updated item id -> its component now

    def where(self, column: int) -> str:
        header = self.columns.headers[column]
        return f"{column_letter(column)} ({header})" if header else column_letter(column)

    def problem(
        self,
        message: str,
        row: int,
        column: int | None = None,
        value: Any = None,
        error: bool = True,
    ) -> None:
        self.report.problems.append(
            Problem(
                message,
                row,
                self.where(column) if column is not None else "",
                cell_text(value),
                error,
                self.sheet,
            )
        )

    def refuse_unsaved_formulas(self, found: list[tuple[int, int, str]], header_row: int) -> None:
        """A formula with no saved value would read as an empty cell: an error where the
        import reads the column, so no default quietly stands in for it."""
        for row, column, formula in found:
            if row > header_row and column < self.width and self.columns.fields[column]:
                shown = f"the formula ={formula}" if formula else "a shared formula"
                self.problem(
                    f"{shown} has no saved value (the workbook was written by a program, not "
                    "saved by Excel or LibreOffice): open and save it there, then import it "
                    "again",
                    row,
                    column,
                    f"={formula}" if formula else None,
                )

    def take(self, number: int, cells: list[Cell]) -> bool:
        """Keep a data row's mapped cells; blank rows are skipped (returns False)."""
        kept = list(cells[: self.width])
        if len(kept) < self.width:
            kept.extend([None] * (self.width - len(kept)))
        for c in kept:
            if c is not None and not (isinstance(c, str) and not c.strip()):
                break
        else:
            return False
        for n in self.date_columns:
            value = kept[n]
            if isinstance(value, str):
                # Only a value's first row can be evidence or the first ambiguous one.
                if value in self.seen_dates:
                    continue
                self.seen_dates.add(value)
                order = date_evidence(value)
                if order is not None:
                    self.evidence.setdefault(order, (number, n, value))
                elif self.ambiguous is None and is_ambiguous(value):
                    self.ambiguous = (number, n, value)
        for n in self.unwanted:
            kept[n] = None
        self.raw.append((number, kept))
        return True

    # -- after the last row ---------------------------------------------------------------

    def date_order(self) -> DateOrder | None:
        if self.options.date_order is not None:
            return self.options.date_order
        if len(self.evidence) > 1:
            (o1, (r1, c1, v1)), (o2, (r2, c2, v2)) = sorted(self.evidence.items())
            self.problem(
                f"dates are written both day first (row {r1 if o1 == 'dmy' else r2}) and month "
                f"first (row {r2 if o1 == 'dmy' else r1}); give --date-order to read them one way",
                r1,
                c1,
                v1,
            )
            return None
        if self.evidence:
            return next(iter(self.evidence))
        if self.ambiguous is not None:
            number, column, value = self.ambiguous
            self.report.date_order_needed = True
            self.problem(
                f"every date could be day/month or month/day (e.g. '{value}'); say which with "
                "--date-order dmy or --date-order mdy",
                number,
                column,
                value,
            )
        return None

    def finish(self, prepared: ImportPlan, progress: Progress | None = None) -> None:
        order = self.date_order()
        if self.report.date_order_needed:
            return
        items = [self.item(number, cells, order) for number, cells in self.raw]
        self.raw = []
        prepared.items = items
        self.hierarchy(items)
        self.releases(prepared)
        self.components(prepared)
        self.keys(items)
        self.placement(prepared)
        self.links(items)
        self.kinds_and_durations(items)
        self.outcomes(prepared)
        if self.report.ok:
            if progress is not None:
                progress(len(items), len(items), "Comparing with the sheet's dates")
            self.schedule(prepared)

    def cell(self, cells: list[Cell], field_name: str) -> tuple[int | None, Cell]:
        column = self.single.get(field_name)
        return column, (cells[column] if column is not None else None)

    def item(self, number: int, cells: list[Cell], order: DateOrder | None) -> SheetItem:
        single = self.single
        values: dict[str, Any] = {}
        name_column, raw_name = self.cell(cells, "name")
        raw_text = "" if raw_name is None else str(raw_name)
        # Smartsheet's workbook indents by formatting, a CSV by leading spaces.
        level = raw_name.indent if isinstance(raw_name, Indented) else indentation(raw_text)
        item = SheetItem(number, "", " ".join(raw_text.split()), level=level, values=values)
        if not item.name:
            self.problem("the name is empty", number, name_column, raw_name)
        else:
            self.text(item, "name", item.name, name_column)
        column = single.get("key")
        if column is not None:
            item.sheet_key = cell_text(cells[column])
        column = single.get("ref")
        if column is not None:
            item.ref = cell_text(cells[column])
        column = single.get("outline_level")
        if column is not None:
            value = cells[column]
            try:
                item.level = parse_level(value) if cell_text(value) else 1
            except ValueError as exc:
                self.problem(str(exc), number, column, value)
        for name, column in self.dated:
            value = cells[column]
            parsed = None if value is None else self.date(value, order)
            if isinstance(parsed, str):
                self.problem(parsed, number, column, value)
                continue
            if name == "start":
                item.start = parsed
            elif name == "finish":
                item.finish = parsed
            else:
                values[name] = parsed
        if "not_before" not in single and "start" in single:
            values["not_before"] = item.start
        column = single.get("duration")
        if column is not None and cells[column] is not None:
            value = cells[column]
            days = self.duration(value)
            if isinstance(days, str):
                self.problem(days, number, column, value)
            elif days is not None:
                values["duration"] = days
                if days > 9999:
                    self.problem(
                        f"{days:,} working days is longer than a plan holds",
                        number,
                        column,
                        value,
                    )
        column = single.get("owner")
        if column is not None:
            self.text(item, "owner", cell_text(cells[column]), column)
        column = single.get("notes")
        if column is not None:
            self.text(item, "notes", _multiline(cells[column]), column)
        column = single.get("status")
        if column is not None and cells[column] is not None:
            self.status(item, cells[column], column)
        column = single.get("percent_complete")
        if column is not None:
            value = cells[column]
            try:
                percent = parse_percent(value)
            except ValueError as exc:
                self.problem(str(exc), number, column, value)
            else:
                if percent is not None:
                    values["percent_complete"] = percent
        column = single.get("kind")
        if column is not None:
            value = cells[column]
            kind_text = cell_text(value).casefold()
            if kind_text in ("milestone", "task", "phase"):
                item.kind = kind_text
            elif kind_text in ("summary", "group", "epic"):
                item.kind = "phase"
            elif kind_text:
                self.problem(
                    f"the kind '{cell_text(value)}' is read as a task",
                    number,
                    column,
                    value,
                    error=False,
                )
        column = single.get("milestone_flag")
        if column is not None and parse_flag(cells[column]):
            item.kind = "milestone"
        column = single.get("summary_flag")
        if column is not None and parse_flag(cells[column]):
            item.kind = "phase"
        column = single.get("component")
        if column is not None:
            item.component = " ".join(cell_text(cells[column]).split())
        for n in self.release_columns:
            text = cell_text(cells[n])
            if text:
                item.release = text
                break
        texts = []
        if self.own is not None and self.own.links is not None:
            # Gantry's own workbook: the Dependencies sheet holds the links.
            preds = self.own.links.get(item.sheet_key)
            if preds:
                where = single.get("predecessors", name_column)
                texts.append(("predecessors", where, "; ".join(preds)))
        else:
            for relation, n in self.link_columns:
                if cells[n] is not None:
                    text = cell_text(cells[n])
                    if text:
                        texts.append((relation, n, text))
        values["_links"] = texts
        return item

    def date(self, value: Cell, order: DateOrder | None) -> dt.date | str | None:
        """A date cell parsed once per distinct value: the date, or why it is not one."""
        known = (type(value), value)
        if known in self.dates:
            return self.dates[known]
        parsed: dt.date | str | None
        try:
            parsed = parse_date(value, order)
        except ValueError as exc:
            parsed = str(exc)
        self.dates[known] = parsed
        return parsed

    def duration(self, value: Cell) -> int | str | None:
        """A duration cell parsed once per distinct value: working days, or why not."""
        known = (type(value), value)
        if known in self.durations:
            return self.durations[known]
        days: int | str | None
        try:
            days = parse_duration(value, seconds=self.in_seconds)
        except ValueError as exc:
            days = str(exc)
        self.durations[known] = days
        return days

    def status(self, item: SheetItem, value: Cell, column: int) -> None:
        known = (type(value), value)
        outcome = self.statuses.get(known)
        if outcome is None:
            outcome = self.statuses[known] = (cell_text(value), parse_status(value))
        text, status = outcome
        if not text:
            return
        if status is None:
            self.problem(
                f"the status '{text}' is not one Gantry knows; read as Not started",
                item.row,
                column,
                value,
                error=False,
            )
            status = "not_started"
        item.values["status"] = status

    def text(self, item: SheetItem, name: str, value: str, column: int | None) -> None:
        """A text field's rule, its outcome kept per distinct text for the fields whose few
        values repeat (owners), checked afresh for the ones that do not (names, notes)."""
        rule = self.fields[name]
        plain = rule.check is None and not rule.computed
        if name == "name" and plain and len(value) <= (rule.max_length or len(value)):
            # A name is already one stripped line, never empty here: all the rule checks.
            item.values[name] = value
            return
        if name != "owner":
            self.coerce(item, name, value, column)
            return
        known = (name, value)
        outcome = self.texts.get(known)
        if outcome is None:
            try:
                outcome = (rule.coerce(value), None)
            except ValidationError as exc:
                outcome = (None, str(exc))
            self.texts[known] = outcome
        coerced, problem = outcome
        if problem is None:
            item.values[name] = coerced
        else:
            self.problem(problem, item.row, column, value)

    def coerce(self, item: SheetItem, name: str, value: Any, column: int | None) -> None:
        try:
            item.values[name] = self.fields[name].coerce(value)
        except ValidationError as exc:
            self.problem(str(exc), item.row, column, value)

    # -- structure ------------------------------------------------------------------------

    def hierarchy(self, items: list[SheetItem]) -> None:
        if self.columns.has("outline_level"):
            levels = [i.level for i in items]
            base = min(levels, default=0)
            levels = [lv - base for lv in levels]
        else:
            levels = levels_from_indents(i.level for i in items)
        stack: list[int] = []
        for index, (item, level) in enumerate(zip(items, levels, strict=True)):
            item.level = level
            while stack and items[stack[-1]].level >= level:
                stack.pop()
            item.parent = stack[-1] if stack else None
            if item.parent is not None:
                items[item.parent].kind = "phase"
            stack.append(index)

    def releases(self, prepared: ImportPlan) -> None:
        state = self.state
        by_name: dict[str, int] = {}
        for release_id in state.release_order:
            record = state.releases[release_id]
            by_name.setdefault(record.name.casefold(), release_id)
            if record.version:
                by_name.setdefault(record.version.casefold(), release_id)
        fallback = self.options.release
        if fallback is None and not any(i.release for i in prepared.items):
            if len(state.releases) == 1:
                fallback = state.releases[state.release_order[0]].name
            elif not state.releases:
                fallback = Path(self.report.source.split(" (")[0]).stem
                self.report.notes.append(
                    f"The plan has no release: the items go to a new release '{fallback}' "
                    "(--release names another)."
                )
            else:
                self.problem(
                    "the sheet has no release column and the plan has several releases: "
                    "say which with --release",
                    self.report.header_row or 1,
                )
                return
        if self.own is not None:
            for name in self.own.releases:
                prepared.releases.setdefault(name, by_name.get(name.casefold()))
        release_rule = RELEASE_FIELDS["name"]
        names: dict[str, tuple[str, str]] = {}  # as the sheet says -> (coerced, problem)
        for item in prepared.items:
            own = item.release
            item.release_stated = bool(own)
            if item.parent is not None:
                item.release_stated = prepared.items[item.parent].release_stated
                parent_release = prepared.items[item.parent].release
                if own and own != parent_release:
                    self.problem(
                        f"the release '{own}' differs from its phase's '{parent_release}'; "
                        "it goes with its phase",
                        item.row,
                        error=False,
                    )
                item.release = parent_release
            elif not own:
                if fallback is None:
                    column = self.release_columns[0]  # rows name releases, this one does not
                    self.problem(
                        f"no release: {self.columns.headers[column]} is empty on this row; "
                        "name the release of rows without one (--release)",
                        item.row,
                        column,
                    )
                    continue
                item.release = fallback
            outcome = names.get(item.release)
            if outcome is None:
                try:
                    outcome = names[item.release] = (
                        release_rule.coerce(item.release, "release"),
                        "",
                    )
                except ValidationError as exc:
                    outcome = names[item.release] = ("", str(exc))
            if outcome[1]:
                self.problem(outcome[1], item.row)
                continue
            item.release = outcome[0]
            if item.release not in prepared.releases:
                prepared.releases[item.release] = by_name.get(item.release.casefold())
        for name, known in prepared.releases.items():
            if known is None:
                self.report.new_releases.append(name)
                starts = [
                    i.values.get("not_before") or i.start
                    for i in prepared.items
                    if i.release == name
                ]
                dated = [d for d in starts if d is not None]
                prepared.release_starts[name] = min(dated) if dated else None
                if self.own is not None and name in self.own.releases:
                    prepared.release_starts[name] = self.own.releases[name].get("start_date")

    def components(self, prepared: ImportPlan) -> None:
        """Each item's component by its name in the plan or on the Components sheet (case
        aside). In Gantry's own workbook a name on neither is a mistake; a foreign sheet's
        (Jira's Component/s) names components Gantry has not heard of, and they are created."""
        column = self.single.get("component")
        if column is None:
            return
        with self.plan.store.read() as session:
            names = list(session.scalars(select(Component.name)))
            self.current_components = {
                item_id: name
                for item_id, name in session.execute(
                    select(WorkItem.id, Component.name).join(
                        Component, WorkItem.component_id == Component.id
                    )
                )
            }
        if self.own is not None:
            names.extend(c["name"] for c in self.own.components)
        known = {name.casefold(): name for name in names}
        rule = COMPONENTS.fields["name"]
        for item in prepared.items:
            text = item.component
            if not text:
                continue
            if text.casefold() in known:
                item.component = known[text.casefold()]
            elif self.own is not None:
                self.problem(
                    f"the component '{text}' is neither in the plan nor on the "
                    f"{cols.COMPONENTS.title} sheet",
                    item.row,
                    column,
                    text,
                )
            else:
                try:
                    item.component = known[text.casefold()] = rule.coerce(text, "component")
                except ValidationError as exc:
                    self.problem(str(exc), item.row, column, text)
                    continue
                prepared.new_components.append(item.component)
                self.report.notes.append(f"Creates component {item.component}.")

    def keys(self, items: list[SheetItem]) -> None:
        state = self.state
        key_column = self.single.get("key")
        key_rule = self.fields["key"]
        seen: dict[str, int] = {}
        prefixed = 0
        for item in items:
            key = item.sheet_key
            if not key:
                continue
            if key in seen:
                self.problem(
                    f"the key '{key}' is also in row {seen[key]}: keys must be unique",
                    item.row,
                    key_column,
                    key,
                )
                continue
            seen[key] = item.row
            safe = _KEY_UNSAFE.sub("-", key.strip())
            if safe != key:
                self.problem(
                    f"the key '{key}' holds spaces, ';' or ',': it becomes '{safe}'",
                    item.row,
                    key_column,
                    key,
                    error=False,
                )
            existing = state.key_to_id.get(safe)
            if existing is not None:
                record = state.items[existing]
                release_id = self._release_id(item.release)
                if safe.isdigit() and release_id != record.release_id:
                    # A row number of another file (MS Project's ID): not the same item.
                    safe = self._prefixed(item.release, safe)
                    prefixed += 1
                else:
                    item.existing = existing
                    # A release named in the row moves the item; one given for the whole
                    # sheet (--release) is only for new rows.
                    if release_id != record.release_id and not item.release_stated:
                        kept = state.releases[record.release_id].name
                        self.problem(
                            f"{safe} stays in its release '{kept}' ('{item.release}' is for "
                            "new rows; a release column moves items)",
                            item.row,
                            key_column,
                            key,
                            error=False,
                        )
                        item.release = kept
            item.key = safe
            try:
                key_rule.coerce(item.key)
            except ValidationError as exc:
                self.problem(str(exc), item.row, key_column, key)
        if prefixed:
            self.report.notes.append(
                f"{prefixed:,} key(s) are already used by another release's items: those rows "
                "get their release's name as a prefix (e.g. R2-7)."
            )
        used = set(state.key_to_id) | {i.key for i in items if i.key}
        prefix = state.settings.key_prefix
        pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
        number = max((int(m[1]) for k in used if (m := pattern.match(k))), default=0)
        generated = 0
        for item in items:
            if not item.key:
                number += 1
                item.key = f"{prefix}-{number}"
                generated += 1
        if generated and key_column is None:
            self.report.notes.append(f"Keys {prefix}-… are given to {generated:,} new item(s).")

    def _release_id(self, name: str) -> int | None:
        for release_id, record in self.state.releases.items():
            if name.casefold() in (record.name.casefold(), record.version.casefold()):
                return release_id
        return None

    def _prefixed(self, release: str, key: str) -> str:
        slug = _KEY_UNSAFE.sub("", release)[:20] or "R"
        candidate = f"{slug}-{key}"
        n = 1
        while candidate in self.state.key_to_id:
            n += 1
            candidate = f"{slug}-{key}-{n}"
        return candidate

    def placement(self, prepared: ImportPlan) -> None:
        """Where updated items go: a row's phase follows the sheet's outline and its release
        the row's release column (the item's plan descendants move with it). A sheet without
        an outline leaves parents as the plan has them, as does a partial one for items whose
        plan phase is not in the sheet."""
        state, items = self.state, prepared.items
        outlined = any(item.parent is not None for item in items)
        in_sheet = {item.existing for item in items if item.existing is not None}
        for item in items:
            if item.parent is not None:
                # Rows whose release was kept above take their children along.
                item.release = items[item.parent].release
            if item.release not in prepared.releases:
                prepared.releases[item.release] = self._release_id(item.release)
            if item.existing is None:
                continue
            record = state.items[item.existing]
            old_parent = record.parent_id
            moved = prepared.releases[item.release] != record.release_id
            if item.parent is None and old_parent is not None:
                outdented = outlined and old_parent in in_sheet
                item.kept_parent = None if moved or outdented else old_parent
            if moved:
                below = list(state.children.get((record.release_id, item.existing), ()))
                while below:
                    child = below.pop()
                    if child not in in_sheet:
                        prepared.followers[child] = item.release
                        below.extend(state.children.get((record.release_id, child), ()))
        by_id = {item.existing: item for item in items if item.existing is not None}
        for item in items:
            if item.existing is not None and self._parent_id(items, item) != (
                state.items[item.existing].parent_id
            ):
                self._check_no_cycle(items, item, by_id)

    def _parent_id(self, items: list[SheetItem], item: SheetItem) -> int | None:
        """The plan id of an updated item's new parent (-1: a new row of the sheet)."""
        if item.parent is None:
            return item.kept_parent
        return items[item.parent].existing or -1

    def _check_no_cycle(
        self, items: list[SheetItem], item: SheetItem, by_id: Mapping[int, SheetItem]
    ) -> None:
        """An item put under a phase that the plan keeps inside it would be its own ancestor
        (`by_id`: the sheet's rows by the plan item they update)."""
        parent = self._parent_id(items, item)
        seen: set[int] = set()
        while parent is not None and parent > 0 and parent not in seen:
            if parent == item.existing:
                self.problem(
                    f"{item.key} would be inside itself: its new phase is one of its own items",
                    item.row,
                    self.single.get("outline_level"),
                )
                return
            seen.add(parent)
            row = by_id.get(parent)
            parent = (
                self._parent_id(items, row)
                if row is not None
                else self.state.items[parent].parent_id
            )

    def links(self, items: list[SheetItem]) -> None:
        linked = self.columns.has("predecessors") or self.columns.has("successors")
        if not linked and (self.own is None or self.own.links is None):
            return
        state = self.state
        by_key: dict[str, int] = {}
        by_ref: dict[str, int] = {}
        by_name: dict[str, int] = {}
        shared: dict[str, list[int]] = {}  # a name several rows have -> their sheet rows
        for index, item in enumerate(items):
            for key in {item.sheet_key, item.key} - {""}:
                by_key.setdefault(key, index)
            if item.ref:
                by_ref.setdefault(item.ref, index)
            folded = item.name.casefold()
            if folded in by_name:
                first = by_name[folded]
                shared.setdefault(folded, [] if first < 0 else [items[first].row])
                shared[folded].append(item.row)
                by_name[folded] = -1
            else:
                by_name[folded] = index
        by_position = not self.columns.has("key") and not self.columns.has("ref")

        def target(token: str) -> tuple[str, int] | None:
            token = token.strip()
            if token in by_key:
                return ("row", by_key[token])
            if token in by_ref:
                return ("row", by_ref[token])
            if by_position and token.isdigit() and 1 <= int(token) <= len(items):
                return ("row", int(token) - 1)  # Smartsheet numbers its rows
            if token in state.key_to_id:
                return ("item", state.key_to_id[token])
            index = by_name.get(token.casefold(), -1)
            return ("row", index) if index >= 0 else None

        for item in items:
            item.links = {}
        for index, item in enumerate(items):
            for relation, column, text in item.values.pop("_links", []):
                try:
                    specs = parse_predecessors(text, lambda t: target(t) is not None)
                except ValidationError as exc:
                    for message in exc.problems:
                        self.problem(_link_message(message, shared), item.row, column, text)
                    continue
                for spec in specs:
                    other = target(spec.key)
                    assert other is not None
                    if relation == "predecessors":
                        self._link(items, other, ("row", index), spec, item, column, text)
                    else:
                        self._link(items, ("row", index), other, spec, item, column, text)

    def _link(
        self,
        items: list[SheetItem],
        pred: tuple[str, int],
        succ: tuple[str, int],
        spec: LinkSpec,
        item: SheetItem,
        column: int,
        text: str,
    ) -> None:
        if pred == succ:
            self.problem(f"{item.key} cannot depend on itself", item.row, column, text)
            return
        if succ[0] == "item":
            self.problem(
                f"'{spec.key}' is not in this sheet: its predecessors are not changed here",
                item.row,
                column,
                text,
                error=False,
            )
            return
        for end in (pred, succ):
            kind = items[end[1]].kind if end[0] == "row" else self.state.items[end[1]].kind
            if kind == "phase":
                label = items[end[1]].key if end[0] == "row" else self.state.items[end[1]].key
                self.problem(
                    f"{label} is a phase (a summary row): the link {spec.text()} is left out; "
                    "link its items instead",
                    item.row,
                    column,
                    text,
                    error=False,
                )
                return
        links = items[succ[1]].links
        assert links is not None
        links[pred] = LinkSpec(spec.key, spec.type, spec.lag)

    def kinds_and_durations(self, items: list[SheetItem]) -> None:
        calendar = WorkCalendar(self.state.holidays, self.state.settings.work_week)
        defaulted = 0
        for item in items:
            days = item.values.get("duration")
            if item.kind == "phase":
                item.values.pop("duration", None)
                item.values.pop("not_before", None)
                if item.links:
                    item.links = {}
                continue
            if days is None and item.start and item.finish:
                if item.finish < item.start:
                    self.problem(
                        f"finishes ({item.finish.isoformat()}) before it starts "
                        f"({item.start.isoformat()})",
                        item.row,
                        self.single.get("finish"),
                        item.finish.isoformat(),
                    )
                    continue
                days = (
                    calendar.index_on_or_before(item.finish)
                    - calendar.index_on_or_after(item.start)
                    + 1
                )
                days = max(days, 0 if item.kind == "milestone" else 1)
                item.values["duration"] = days
            if item.kind == "milestone" or days == 0:
                item.kind = "milestone"
                item.values["duration"] = 0
            elif days is None and item.existing is None:
                item.values["duration"] = 1
                defaulted += 1
            if item.existing is not None:
                existing_kind = self.state.items[item.existing].kind
                if existing_kind != item.kind:
                    self.problem(
                        f"{item.key} is a {existing_kind} in the plan; the sheet makes it a "
                        f"{item.kind}, which an import cannot change",
                        item.row,
                    )
        if defaulted:
            self.report.notes.append(
                f"{defaulted:,} new item(s) have no duration in the sheet: 1 working day each."
            )

    # -- the preview ----------------------------------------------------------------------

    def outcomes(self, prepared: ImportPlan) -> None:
        state = self.state
        for item in prepared.items:
            if item.existing is None:
                prepared.report.rows.append(RowOutcome(item.row, item.key, item.name, "new"))
                continue
            record = state.items[item.existing]
            changes: list[FieldChange] = []
            for name in UPDATED:
                if name not in item.values:
                    continue
                if name == "not_before" and item.kind == "phase":
                    continue
                old, new = getattr(record, name), item.values[name]
                if old != new:
                    label = WORK_ITEM_FIELDS[name].label
                    changes.append(FieldChange(label, _shown(old), _shown(new)))
            if item.component is not None:
                old_component = self.current_components.get(item.existing, "")
                if item.component != old_component:
                    changes.append(FieldChange("Component", old_component, item.component))
            old_release = state.releases[record.release_id].name
            if item.release != old_release:
                changes.append(FieldChange(RELEASE, old_release, item.release))
            parent = self._parent_id(prepared.items, item)
            if parent != record.parent_id:
                changes.append(
                    FieldChange(
                        PHASE, self._key_of(record.parent_id), self._phase_key(item, prepared)
                    )
                )
            if item.links is not None:
                old_text = state.predecessor_text(item.existing)
                new_text = "; ".join(
                    _spec_text(prepared.items, end, spec) for end, spec in item.links.items()
                )
                if _link_set(old_text) != _link_set(new_text):
                    changes.append(FieldChange("Predecessors", old_text, new_text))
            state_ = "changed" if changes else "unchanged"
            prepared.report.rows.append(
                RowOutcome(item.row, item.key, item.name, state_, tuple(changes))
            )

    def _key_of(self, item_id: int | None) -> str:
        return "" if item_id is None else self.state.items[item_id].key

    def _phase_key(self, item: SheetItem, prepared: ImportPlan) -> str:
        if item.parent is None:
            return self._key_of(item.kept_parent)
        return prepared.items[item.parent].key

    def schedule(self, prepared: ImportPlan) -> None:
        """Schedule the plan as it would be and compare with the sheet's dates; a cycle
        through the sheet's rows is an error naming its members."""
        state = self.state
        job = state.schedule_job()
        ids = {index: item.existing or -(index + 1) for index, item in enumerate(prepared.items)}
        release_ids = {
            name: release_id if release_id is not None else -(n + 1)
            for n, (name, release_id) in enumerate(prepared.releases.items())
        }
        inputs = {i.id: i for i in job.items}
        for item_id, name in prepared.followers.items():
            inputs[item_id] = inputs[item_id]._replace(release=release_ids[name])
        replaced: set[int] = set()
        for index, item in enumerate(prepared.items):
            old = inputs.get(ids[index])
            inputs[ids[index]] = ScheduleItem(
                ids[index],
                item.key,
                item.kind,  # type: ignore[arg-type]  # task, milestone or phase, set above
                0
                if item.kind != "task"
                else item.values.get("duration", old.duration if old else 1),
                release_ids[item.release],
                ids[item.parent] if item.parent is not None else item.kept_parent,
                item.values.get("not_before", old.not_before if old else None),
                item.values.get("actual_start", old.actual_start if old else None),
                item.values.get("actual_finish", old.actual_finish if old else None),
            )
            if item.links is not None and item.existing is not None:
                replaced.add(item.existing)
        links = [link for link in job.links if link.successor not in replaced]
        for index, item in enumerate(prepared.items):
            for (where, target), spec in (item.links or {}).items():
                pred = ids[target] if where == "row" else target
                links.append(ScheduleLink(pred, ids[index], spec.type, spec.lag))  # type: ignore[arg-type]
        releases = list(job.releases) + [
            ReleaseBounds(release_ids[name], prepared.release_starts.get(name))
            for name, release_id in prepared.releases.items()
            if release_id is None
        ]
        holidays, workdays = job.holidays, job.workdays
        if self.own is not None:
            holidays = holidays | _holidays(self.own.calendar)
            workdays = self.own.settings.get("work_week", workdays)
        outcome = compute(
            ScheduleJob(list(inputs.values()), links, releases, holidays, workdays), None
        )
        sheet_keys = {item.key for item in prepared.items}
        rows_by_key = {item.key: item.row for item in prepared.items}
        for cycle in outcome.cycles:
            if sheet_keys.intersection(cycle):
                members = " -> ".join([*cycle, cycle[0]])
                rows = ", ".join(str(rows_by_key[k]) for k in cycle if k in rows_by_key)
                self.report.problems.append(
                    Problem(f"dependency cycle: {members} (rows {rows})", sheet=self.sheet)
                )
        if outcome.table is None or not self.report.ok:
            if outcome.error and not outcome.cycles:
                self.report.problems.append(Problem(outcome.error, sheet=self.sheet))
            return
        calendar = WorkCalendar(holidays, workdays)
        for index, item in enumerate(prepared.items):
            if item.kind == "phase":
                continue
            dates = outcome.table.dates(ids[index])
            if dates is None:
                continue
            for what, sheet_date, scheduled in (
                ("start", item.start, dates.start),
                ("finish", item.finish, dates.finish),
            ):
                if sheet_date is None or sheet_date == scheduled:
                    continue
                if what == "finish" and item.kind == "milestone" and item.start == scheduled:
                    continue
                days = calendar.working_days_between(sheet_date, scheduled)
                if days == 0 and not calendar.is_working_day(sheet_date):
                    days = 0  # the sheet put it on a day off; the plan moves it to the next
                prepared.report.moved.append(
                    Moved(item.row, item.key, item.name, what, sheet_date, scheduled, days)
                )


def _multiline(value: Any) -> str:
    return "" if value is None else str(value).rstrip()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _link_message(message: str, shared: Mapping[str, list[int]]) -> str:
    """A predecessor problem in the sheet's terms; a name several rows have says which."""
    token = message.removesuffix(" names no work item")
    rows = shared.get(token.strip("'").casefold()) if token != message else None
    if rows:
        listed = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
        return f"{token} is the name of rows {listed}: give the one meant by its key or ID"
    return message.replace(
        "names no work item", "names no row of this sheet and no item of the plan"
    )


def _spec_text(items: list[SheetItem], end: tuple[str, int], spec: LinkSpec) -> str:
    return LinkSpec(spec.key if end[0] == "item" else items[end[1]].key, spec.type, spec.lag).text()


def _link_set(text: str) -> set[str]:
    return {part.strip() for part in text.replace(",", ";").split(";") if part.strip()}


# -- commit and undo ----------------------------------------------------------------------


def commit(
    plan: Plan,
    prepared: ImportPlan,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportDone:
    """Write a prepared import in one unit of work (one transaction, one audit batch, one
    reschedule); raises ValidationError if it has errors, ImportCancelled if cancelled
    (either way nothing is written)."""
    return write(plan, prepared, progress, cancelled).finish()


def write(
    plan: Plan,
    prepared: ImportPlan,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Written[ImportDone]:
    """The commit up to the database's (safe on a worker thread); `finish()` it on the thread
    that owns the plan state."""
    cache = _RoomyCache()
    try:
        return plan.uow.write(
            f"Import {prepared.report.source}", _writer(plan, prepared, progress, cancelled, cache)
        )
    finally:
        cache.restore()


class _RoomyCache:
    """A page cache big enough for the whole import while it writes, back to the store's own
    size once it has committed. The default cache (2 MB) fills early at 100,000 items and
    their events, whose indexes (the events' hashes above all) take pages all over the file;
    a full cache spills pages to the file mid-transaction, each spill syncing the journal
    first. The cache changes neither the journal mode nor the sync of the commit: a kill in
    the middle still leaves the plan as it was."""

    KIB = 256 * 1024  # bounded: at most this much memory, freed after the commit

    def __init__(self) -> None:
        self.driver: Any = None
        self.previous = 0

    def widen(self, session: Session) -> None:
        self.driver = session.connection().connection.driver_connection
        self.previous = self.driver.execute("PRAGMA cache_size").fetchone()[0]
        self.driver.execute(f"PRAGMA cache_size = -{self.KIB}")

    def restore(self) -> None:
        if self.driver is not None:
            self.driver.execute(f"PRAGMA cache_size = {self.previous}")
            self.driver = None


def _writer(
    plan: Plan,
    prepared: ImportPlan,
    progress: Progress | None,
    cancelled: Cancelled | None,
    cache: _RoomyCache,
) -> Callable[[Session], ImportDone]:
    """The unit of work's action for a prepared import; it returns what it wrote."""
    report = prepared.report
    if not report.ok:
        raise ValidationError([p.text() for p in report.errors])
    state = plan.state
    items = prepared.items
    total = len(items)

    def tick(count: int, what: str) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(count, total, what)

    def action(session: Session) -> ImportDone:
        cache.widen(session)
        for permit, *_change in prepared.scope:
            scope_lock.mark(session, permit)
        for permit, key, kind, old, new in prepared.scope:
            scope_lock.record(session, permit, key, kind, old, new)
        release_ids: dict[str, int] = {}
        created_releases: list[int] = []
        position = max((r.position for r in state.releases.values()), default=0)
        for name, release_id in prepared.releases.items():
            if release_id is None:
                position += 1
                values = {"start_date": prepared.release_starts.get(name), "name": name}
                if prepared.own is not None:
                    values.update(prepared.own.releases.get(name, {}))
                release = Release(**values, position=position)
                session.add(release)
                session.flush()
                release_ids[name] = release.id
                created_releases.append(release.id)
            else:
                release_ids[name] = release_id
        own = _write_own(session, prepared.own) if prepared.own is not None else _NOTHING_OWN
        made = [Component(name=name, origin="built_here") for name in prepared.new_components]
        session.add_all(made)
        session.flush()
        component_ids = dict(session.execute(select(Component.name, Component.id)).tuples().all())
        sheet_component = {
            item.existing: component_ids[item.component] if item.component else None
            for item in items
            if item.existing is not None and item.component is not None
        }
        ids: list[int | None] = [item.existing for item in items]
        next_position: dict[tuple[int, int | None], int] = {}

        def place(release_id: int, parent_id: int | None) -> int:
            key = (release_id, parent_id)
            if key not in next_position:
                siblings = state.children.get(key, ())
                next_position[key] = (
                    max((state.items[i].position for i in siblings), default=-1) + 1
                )
            next_position[key] += 1
            return next_position[key] - 1

        # New rows are numbered here, inside the transaction that holds the write lock, so
        # they need no read back; a parent row always comes before its children in the
        # sheet, so inserting in sheet order satisfies the parent's foreign key.
        next_id = _next_id(session, WorkItem)
        created: list[int] = []
        rows: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            if item.existing is not None:
                continue
            ids[index] = next_id
            created.append(next_id)
            parent_id = ids[item.parent] if item.parent is not None else None
            release_id = release_ids[item.release]
            values = item.values
            rows.append(
                {
                    "id": next_id,
                    "release_id": release_id,
                    "parent_id": parent_id,
                    "kind": item.kind,
                    "key": item.key,
                    "name": values.get("name", item.name),
                    "duration": values.get("duration", 0) if item.kind == "task" else 0,
                    "not_before": values.get("not_before") if item.kind != "phase" else None,
                    "owner": values.get("owner", ""),
                    "component_id": component_ids[item.component] if item.component else None,
                    "status": values.get("status", "not_started"),
                    "percent_complete": values.get("percent_complete", 0),
                    "actual_start": values.get("actual_start"),
                    "actual_finish": values.get("actual_finish"),
                    "position": place(release_id, parent_id),
                    "notes": values.get("notes", ""),
                    "notes_category": None,  # marking for release notes is done in Gantry
                }
            )
            next_id += 1
            if len(rows) >= CHUNK:
                audit.insert_created(session, WorkItem, rows)
                rows = []
                tick(len(created), "Writing items")
        audit.insert_created(session, WorkItem, rows)
        tick(len(created), "Writing items")
        changed: dict[int, dict[str, Any]] = {}
        if sheet_component:
            now = dict(session.execute(select(WorkItem.id, WorkItem.component_id)).tuples().all())
            sheet_component = {i: c for i, c in sheet_component.items() if now[i] != c}
            for item_id, component_id in sheet_component.items():
                changed[item_id] = {"component_id": now[item_id]}
                session.get_one(WorkItem, item_id).component_id = component_id
        for index, item in enumerate(items):
            if item.existing is None:
                continue
            record = state.items[item.existing]
            new_values = {
                name: item.values[name]
                for name in UPDATED
                if name in item.values
                and getattr(record, name) != item.values[name]
                and not (item.kind == "phase" and name in ("duration", "not_before"))
            }
            release_id = release_ids[item.release]
            parent_id = ids[item.parent] if item.parent is not None else item.kept_parent
            if (release_id, parent_id) != (record.release_id, record.parent_id):
                new_values["release_id"] = release_id
                new_values["parent_id"] = parent_id
                new_values["position"] = place(release_id, parent_id)
            if new_values:
                row = session.get_one(WorkItem, item.existing)
                changed.setdefault(item.existing, {}).update(
                    {name: getattr(record, name) for name in new_values}
                )
                for name, value in new_values.items():
                    setattr(row, name, value)
            if index % CHUNK == 0:
                tick(len(created), "Updating items")
        for item_id, name in prepared.followers.items():
            row = session.get_one(WorkItem, item_id)
            changed.setdefault(item_id, {})["release_id"] = row.release_id
            row.release_id = release_ids[name]
        links_removed: list[dict[str, Any]] = []
        links_changed: dict[int, tuple[str, int]] = {}
        new_links: list[tuple[int, int, LinkSpec]] = []
        for index, item in enumerate(items):
            if item.links is None:
                continue
            succ_id = ids[index]
            assert succ_id is not None
            wanted: dict[int, LinkSpec] = {}
            for (where, target), spec in item.links.items():
                pred_id = ids[target] if where == "row" else target
                assert pred_id is not None
                wanted[pred_id] = spec
            if item.existing is not None:
                for link_id in list(state.preds.get(item.existing, ())):
                    link = state.links[link_id]
                    spec_ = wanted.pop(link.predecessor_id, None)
                    if spec_ is None:
                        links_removed.append(link._asdict())
                        session.delete(session.get_one(Dependency, link_id))
                    elif (spec_.type, spec_.lag) != (link.type, link.lag):
                        stored = session.get_one(Dependency, link_id)
                        links_changed[link_id] = (link.type, link.lag)
                        stored.type, stored.lag = spec_.type, spec_.lag
            new_links.extend((pred_id, succ_id, spec) for pred_id, spec in wanted.items())
        next_id = _next_id(session, Dependency)
        links_added = range(next_id, next_id + len(new_links))
        for start in range(0, len(new_links), CHUNK):
            audit.insert_created(
                session,
                Dependency,
                [
                    {
                        "id": link_id,
                        "predecessor_id": pred_id,
                        "successor_id": succ_id,
                        "type": spec.type,
                        "lag": spec.lag,
                    }
                    for link_id, (pred_id, succ_id, spec) in zip(
                        links_added[start : start + CHUNK],
                        new_links[start : start + CHUNK],
                        strict=True,
                    )
                ],
            )
            tick(len(created), "Linking items")
        tick(total, "Saving")
        return ImportDone(
            tuple(created),
            tuple(created_releases),
            changed,
            tuple(links_added),
            tuple(links_removed),
            links_changed,
            report.summary(),
            *own[:4],
            own[4] + tuple((Component, c.id) for c in made),
        )

    return action


def _next_id(session: Session, model: type[WorkItem] | type[Dependency]) -> int:
    """The first id above every row of `model` (the caller holds the write lock)."""
    highest = session.execute(select(func.max(model.id))).scalar_one_or_none()
    return (highest or 0) + 1


# What _write_own made: environments, calendar entries, the settings it replaced, changes,
# components (in ImportDone's order).
OwnWritten = tuple[
    tuple[int, ...],
    tuple[int, ...],
    dict[str, Any],
    ChangesWritten,
    tuple[tuple[type[Base], int], ...],
]
_NOTHING_OWN: OwnWritten = ((), (), {}, ChangesWritten(), ())


def _own_sheets(plan: Plan, source: Source, report: ImportReport) -> OwnSheets:
    """Read the other sheets of Gantry's own workbook and check them against the plan: an
    environment a calendar entry names must exist; the Plan sheet's settings are taken only
    into a plan without releases (a plan's settings are its own); the components and
    releases the component sheets name must be in the workbook or in the plan."""
    with plan.store.read() as session:
        components = frozenset(session.scalars(select(Component.name)))
        known = set(session.scalars(select(Environment.name)))
    releases = frozenset(r.name for r in plan.state.releases.values())
    own = read_own_sheets(source, report, components, releases)
    known.update(e["name"] for e in own.environments)
    for entry in own.calendar:
        name = entry.get("environment")
        if name and name not in known:
            report.problems.append(
                Problem(
                    f"the environment '{name}' is neither in the Environments sheet nor in the "
                    "plan",
                    sheet=cols.CALENDAR.title,
                    value=name,
                )
            )
    if own.settings and plan.state.releases:
        report.notes.append(
            "The Plan sheet's settings are left out: the plan has settings of its own."
        )
        own.settings = {}
    environments = (e["name"] for e in own.environments)
    check_changes(plan, own.changes, own.releases, environments, report)
    return own


def _holidays(entries: Iterable[Mapping[str, Any]]) -> frozenset[dt.date]:
    """The days off that plan-wide holiday entries give (what the scheduler reads)."""
    days: set[dt.date] = set()
    for entry in entries:
        if entry["kind"] != "holiday" or entry.get("environment"):
            continue
        day, end = entry["start_date"], entry["end_date"]
        while day <= end:
            days.add(day)
            day += dt.timedelta(days=1)
    return frozenset(days)


def _entry_identity(entry: CalendarEntry) -> tuple[Any, ...]:
    """What makes two calendar entries the same: everything they say, so a window at other
    hours or on other days is another window (NULL and empty read alike, as 0013 made them)."""
    return (
        entry.kind,
        entry.name,
        entry.start_date,
        entry.end_date,
        entry.environment_id,
        entry.start_time,
        entry.end_time,
        entry.recurrence or "none",
        frozenset(entry.weekdays or ()),
        entry.month_week,
        entry.time_zone or "",
    )


def _write_own(session: Session, own: OwnSheets) -> OwnWritten:
    """The Plan sheet's settings, then the environments and calendar entries the plan does
    not have yet (the same kind, name, days, environment, times and recurrence)."""
    old = read_settings(session)
    old_settings = {key: old.values[key] for key in own.settings}
    for key, value in own.settings.items():
        write_setting(session, key, value)
    environments = {
        name: environment_id
        for name, environment_id in session.execute(select(Environment.name, Environment.id))
    }
    created_environments = []
    for values in own.environments:
        if values["name"] in environments:
            continue
        environment = Environment(**values)
        session.add(environment)
        session.flush()
        environments[environment.name] = environment.id
        created_environments.append(environment.id)
    present = {_entry_identity(entry) for entry in session.scalars(select(CalendarEntry))}
    entries = []
    for values in own.calendar:
        name = values.get("environment")
        entry = CalendarEntry(
            kind=values["kind"],
            name=values["name"],
            start_date=values["start_date"],
            end_date=values["end_date"],
            environment_id=environments[name] if name else None,
            start_time=values.get("start_time"),
            end_time=values.get("end_time"),
            recurrence=values.get("recurrence"),
            weekdays=values.get("weekdays") or frozenset(),
            month_week=values.get("month_week"),
            # Empty is the plan's zone; NULL, as entries made before 0013 have it.
            time_zone=values.get("time_zone") or None,
        )
        identity = _entry_identity(entry)
        if identity not in present:
            present.add(identity)
            entries.append(entry)
    session.add_all(entries)
    session.flush()
    changes = write_changes(session, own.changes)
    components = _write_components(session, own)
    return (
        tuple(created_environments),
        tuple(e.id for e in entries),
        old_settings,
        changes,
        components,
    )


def _write_components(session: Session, own: OwnSheets) -> tuple[tuple[type[Base], int], ...]:
    """The components, baseline versions and dependencies the plan does not have yet (by
    name; by component and release; by component and the one it needs): a workbook adds
    to a plan's configuration, it never overwrites what the plan says."""
    made: list[Component | ComponentVersion | ComponentDependency] = []
    ids = dict(session.execute(select(Component.name, Component.id)).tuples().all())
    for values in own.components:
        if values["name"] not in ids:
            component = Component(**values)
            session.add(component)
            session.flush()
            ids[component.name] = component.id
            made.append(component)
    releases = dict(session.execute(select(Release.name, Release.id)).tuples().all())
    shipped = set(
        session.execute(select(ComponentVersion.component_id, ComponentVersion.release_id)).tuples()
    )
    for values in own.component_versions:
        key = (ids[values["component"]], releases[values["release"]])
        if key not in shipped:
            shipped.add(key)
            made.append(
                ComponentVersion(
                    component_id=key[0],
                    release_id=key[1],
                    version=values["version"],
                    risk=values["risk"],
                    notes=values["notes"],
                )
            )
    needs = set(
        session.execute(
            select(ComponentDependency.component_id, ComponentDependency.depends_on_id)
        ).tuples()
    )
    for values in own.component_dependencies:
        pair = (ids[values["component"]], ids[values["depends_on"]])
        if pair not in needs:
            needs.add(pair)
            made.append(
                ComponentDependency(
                    component_id=pair[0],
                    depends_on_id=pair[1],
                    version_constraint=values["version_constraint"],
                )
            )
    session.add_all(made)
    session.flush()
    return tuple((type(row), row.id) for row in made)


def undo(plan: Plan, done: ImportDone) -> None:
    """Take an import back in one unit of work: its links and items go, the fields it changed
    and the links it removed come back."""

    def action(session: Session) -> None:
        undo_changes(session, done.changes)
        for link_id in done.links_added:
            session.delete(session.get_one(Dependency, link_id))
        for link_id, (type_, lag) in done.links_changed.items():
            row = session.get_one(Dependency, link_id)
            row.type, row.lag = type_, lag
        session.flush()
        for values in done.links_removed:
            session.add(Dependency(**values))
        for item_id, old in done.changed.items():
            row_ = session.get_one(WorkItem, item_id)
            for name, value in old.items():
                setattr(row_, name, value)
        session.flush()
        # Children were created after their parents: remove them first.
        for count, item_id in enumerate(reversed(done.created_items), start=1):
            session.delete(session.get_one(WorkItem, item_id))
            if count % CHUNK == 0:
                session.flush()
        session.flush()
        for model, row_id in reversed(done.created_components):
            session.delete(session.get_one(model, row_id))
        session.flush()
        for release_id in done.created_releases:
            session.delete(session.get_one(Release, release_id))
        for entry_id in done.created_calendar:
            session.delete(session.get_one(CalendarEntry, entry_id))
        for environment_id in done.created_environments:
            session.delete(session.get_one(Environment, environment_id))
        for key, value in done.old_settings.items():
            write_setting(session, key, value)

    plan.uow.run("Undo import", action)
