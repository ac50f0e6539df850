"""Gantry's own workbook read back: besides its Work items sheet, which is read like any sheet,
the Releases, Dependencies, Environments, Calendar, Components, Component versions, Component
dependencies, Plan and Changes sheets the export writes, so that exporting a plan and importing
the workbook into an empty plan gives the same plan back (the Changes sheet's workflow rules
are in change_sheet.py).

Each sheet is read by its declaration in `columns.py` (headers, choices by label); computed
columns are skipped, every value is checked with the record type's own field rules, and a
problem names the sheet, row and column. The other sheets (baselines, checklists, runbooks,
approvals, risks, deployments, release notes, trains, scope exceptions) are export only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from app.calendar_entries import CALENDAR_ENTRIES
from app.changes import CHANGE_FIELDS
from app.components import COMPONENT_DEPENDENCIES, COMPONENT_VERSIONS, COMPONENTS
from app.errors import ValidationError
from app.fields import parse_weekdays
from app.links import LinkSpec
from app.plan_settings import SETTING_FIELDS, decode
from app.releases import RELEASE_FIELDS
from app.spreadsheet import columns as cols
from app.spreadsheet.change_sheet import SheetChange, sheet_change
from app.spreadsheet.columns import CellKind, Column, SheetSpec
from app.spreadsheet.reading import Cell, Source
from app.spreadsheet.report import ImportReport, Problem
from app.spreadsheet.values import DateOrder, cell_text, column_letter, parse_date
from models.environments import ENVIRONMENT_TIERS

# Sheets of the workbook that an import reads besides Work items.
READ_SHEETS = (
    cols.RELEASES,
    cols.DEPENDENCIES,
    cols.ENVIRONMENTS,
    cols.CALENDAR,
    cols.COMPONENTS,
    cols.COMPONENT_VERSIONS_SHEET,
    cols.COMPONENT_DEPENDENCIES_SHEET,
    cols.PLAN,
    cols.CHANGES,
)


@dataclass(slots=True)
class OwnSheets:
    """What the workbook's other sheets hold, checked; names and keys stand for references."""

    releases: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> fields
    # successor key -> predecessors in MS Project form; None: no Dependencies sheet
    links: dict[str, list[str]] | None = None
    environments: list[dict[str, Any]] = field(default_factory=list)
    calendar: list[dict[str, Any]] = field(default_factory=list)  # "environment": a name
    components: list[dict[str, Any]] = field(default_factory=list)
    # "component", "release", "depends_on": names
    component_versions: list[dict[str, Any]] = field(default_factory=list)
    component_dependencies: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    changes: list[SheetChange] = field(default_factory=list)


def is_own_workbook(source: Source, sheet: str) -> bool:
    """Whether `sheet` is the Work items sheet of a workbook Gantry wrote (its sheet names)."""
    return (
        source.kind != "text"
        and sheet == cols.WORK_ITEMS.title
        and cols.RELEASES.title in source.sheets
        and cols.DEPENDENCIES.title in source.sheets
    )


def read_own_sheets(
    source: Source,
    report: ImportReport,
    components: frozenset[str] = frozenset(),
    releases: frozenset[str] = frozenset(),
) -> OwnSheets:
    """The other sheets, checked; `components` and `releases` are the names the plan has
    already, which the component sheets may name besides those in the workbook."""
    own = OwnSheets()
    present = [spec for spec in READ_SHEETS if spec.title in source.sheets]
    for spec in present:
        reader = _SheetReader(source, spec, report)
        if spec is cols.RELEASES:
            for row, values in reader.records():
                name = values.get("name", "")
                if name in own.releases:
                    reader.problem(f"the release '{name}' is also in an earlier row", row)
                own.releases[name] = values
        elif spec is cols.DEPENDENCIES:
            own.links = {}
            for _row, values in reader.records():
                text = LinkSpec(values["predecessor"], values["type"], values["lag"]).text()
                own.links.setdefault(values["successor"], []).append(text)
        elif spec is cols.ENVIRONMENTS:
            own.environments = [values for _row, values in reader.records()]
        elif spec is cols.CALENDAR:
            own.calendar = list(_calendar_entries(reader))
        elif spec is cols.CHANGES:
            rows = list(reader.records())
            where = {column.name: text for column, text in reader.where.items()}
            own.changes = [sheet_change(row, values, where) for row, values in rows]
        elif spec is cols.COMPONENTS:
            own.components = [values for _row, values in reader.records()]
        elif spec is cols.COMPONENT_VERSIONS_SHEET:
            known = _Known(
                components | {c["name"] for c in own.components}, releases | own.releases.keys()
            )
            own.component_versions = [
                values for row, values in reader.records() if known.check(reader, row, values)
            ]
        elif spec is cols.COMPONENT_DEPENDENCIES_SHEET:
            known = _Known(components | {c["name"] for c in own.components}, frozenset())
            for row, values in reader.records():
                if not known.check(reader, row, values):
                    continue
                if values["component"] == values["depends_on"]:
                    reader.problem(
                        f"{values['component']} cannot depend on itself",
                        row,
                        reader.where[cols.COMPONENT_DEPENDENCIES_SHEET.columns[1]],
                        values["depends_on"],
                    )
                own.component_dependencies.append(values)
        else:
            own.settings = dict(reader.settings())
    left_out = [
        s.title
        for s in cols.SHEETS
        if s.title in source.sheets and s not in (*present, cols.WORK_ITEMS)
    ]
    if left_out:
        report.notes.append(
            f"Gantry's own workbook: {', '.join(left_out)} are not imported (export only)."
        )
    return own


@dataclass(frozen=True, slots=True)
class _Known:
    """The components and releases a component sheet's rows may name."""

    components: AbstractSet[str]
    releases: AbstractSet[str]

    def check(self, reader: _SheetReader, row: int, values: dict[str, Any]) -> bool:
        """Whether the row's references name known records; a problem for each that does not."""
        ok = True
        for column in reader.spec.columns:
            name = values.get(column.name)
            if column.name in ("component", "depends_on") and name not in self.components:
                where = "neither in the Components sheet nor in the plan"
            elif column.name == "release" and name not in self.releases:
                where = "neither in the Releases sheet nor in the plan"
            else:
                continue
            reader.problem(
                f"the {column.header.lower()} '{name}' is {where}", row, reader.where[column], name
            )
            ok = False
        return ok


def _calendar_entries(reader: _SheetReader) -> Iterator[dict[str, Any]]:
    """The Calendar sheet's entries that also meet the rules across fields (times only on
    change windows, a weekday for a recurring one), with what the editor would derive."""
    for row, values in reader.records():
        problems = CALENDAR_ENTRIES.rules(values)
        for problem in problems:
            reader.problem(problem, row)
        if not problems:
            yield {**values, **CALENDAR_ENTRIES.derived(values)}


# Field rules per sheet (the references and the environment's columns have none).
_RULES = {
    cols.RELEASES.title: RELEASE_FIELDS,
    cols.CALENDAR.title: CALENDAR_ENTRIES.fields,
    cols.CHANGES.title: CHANGE_FIELDS,
    cols.COMPONENTS.title: COMPONENTS.fields,
    cols.COMPONENT_VERSIONS_SHEET.title: COMPONENT_VERSIONS.fields,
    cols.COMPONENT_DEPENDENCIES_SHEET.title: COMPONENT_DEPENDENCIES.fields,
}


class _SheetReader:
    """One of the other sheets: its header mapped to its declared columns, rows checked."""

    def __init__(self, source: Source, spec: SheetSpec, report: ImportReport) -> None:
        self.source = source
        self.spec = spec
        self.report = report
        self.where: dict[Column, str] = {}  # a column's letter and header in the sheet

    def problem(self, message: str, row: int, column: str = "", value: Any = None) -> None:
        self.report.problems.append(
            Problem(message, row, column, cell_text(value), True, self.spec.title)
        )

    def _rows(self) -> Iterator[tuple[int, dict[Column, Cell]]]:
        rows = self.source.rows(self.spec.title)
        header = next(rows, None)
        if header is None:
            return
        number, cells = header
        mapped = {n: self.spec.column(cell_text(c)) for n, c in enumerate(cells)}
        self.where = {c: f"{column_letter(n)} ({c.header})" for n, c in mapped.items() if c}
        later = _ADDED_LATER.get(self.spec.title, ())
        missing = [
            c.header for c in self.spec.columns if c not in mapped.values() and c.name not in later
        ]
        if missing:
            self.problem(f"missing column(s): {', '.join(missing)}", number)
            return
        for number, cells in rows:
            if all(cell_text(c) == "" for c in cells):
                continue
            yield (
                number,
                {
                    column: cells[n] if n < len(cells) else None
                    for n, column in mapped.items()
                    if column is not None and not column.computed
                },
            )

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each data row as stored values by field name; a row with a problem is left out."""
        rules = _RULES.get(self.spec.title)
        for number, cells in self._rows():
            values: dict[str, Any] = {}
            ok = True
            for column, cell in cells.items():
                try:
                    value = _value(column, cell)
                    # A computed field (a change's status) is checked by its own rules.
                    if (
                        rules is not None
                        and column.name in rules
                        and not rules[column.name].computed
                    ):
                        value = rules[column.name].coerce(value)
                    elif column.name == "tier" and value not in ENVIRONMENT_TIERS:
                        raise ValueError(f"the tier '{cell_text(cell)}' is not one Gantry knows")
                    elif value in (None, "") and column.name in _REQUIRED:
                        raise ValueError(f"{column.header} cannot be empty")
                except (ValueError, ValidationError) as exc:
                    self.problem(str(exc), number, self.where[column], cell)
                    ok = False
                    continue
                values[column.name] = value
            if ok:
                yield number, values

    def settings(self) -> Iterator[tuple[str, Any]]:
        """The Plan sheet's settings (those Gantry carries over), checked."""
        for number, cells in self._rows():
            by_name = {column.name: cell for column, cell in cells.items()}
            key = cell_text(by_name.get("key"))
            if key not in cols.PLAN_SETTINGS:
                continue
            text = "" if by_name.get("value") is None else str(by_name["value"])
            try:
                yield key, SETTING_FIELDS[key].coerce(decode(key, text) if text else text)
            except ValidationError as exc:
                self.problem(str(exc), number, self.where[cols.PLAN.columns[2]], text)


# Columns a workbook written before they existed lacks; such a sheet reads them as empty.
_ADDED_LATER = {
    cols.CALENDAR.title: (
        "start_time",
        "end_time",
        "recurrence",
        "weekdays",
        "month_week",
        "time_zone",
    )
}
_REQUIRED = ("name", "predecessor", "successor", "component", "depends_on", "release")
# The export writes date cells; text a reviewer typed is read year first, as ISO dates are.
_ISO_ORDER = DateOrder.YMD


def _value(column: Column, cell: Cell) -> Any:
    """A cell as the stored value its column declares; ValueError says why it is not one."""
    match column.kind:
        case CellKind.DATE:
            return parse_date(cell, _ISO_ORDER)
        case CellKind.DATETIME:
            # A date and time cell as it is; text is read by the field's own rules.
            return None if cell is None or cell_text(cell) == "" else cell
        case CellKind.INT:
            if cell is None or cell_text(cell) == "":
                return None if column.name != "lag" else 0
            number = float(cell)
            if not number.is_integer():
                raise ValueError(f"{column.header} must be a whole number, not {cell!r}")
            return int(number)
        case CellKind.TIME:
            # A time cell as it is, text such as "22:00" read by the field's own rules.
            if isinstance(cell, dt.datetime):
                raise ValueError(f"{column.header} must be a time of day, not '{cell_text(cell)}'")
            return None if cell is None or cell_text(cell) == "" else cell
        case CellKind.WEEKDAYS:
            try:
                return parse_weekdays(cell_text(cell))
            except ValueError as exc:
                raise ValueError(f"{column.header}: {exc}") from None
        case CellKind.CHOICE:
            text = cell_text(cell)
            if not text:
                return None
            stored = column.stored(text)
            if stored is None:
                labels = ", ".join(label for _value, label in column.choices)
                raise ValueError(f"{column.header} must be one of {labels}, not '{text}'")
            return stored
    return "" if cell is None else str(cell).rstrip()
