"""Thin Qt models of the Runbook tab: the step list (with a run's actuals) and run comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from typing_extensions import override

from app.runbook_timeline import Timeline
from app.runbooks import SECTION_LABELS, STEP_FIELDS, Comparison, ExecutionRow, StepRow

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
STEP_MIME = "application/x-gantry-runbook-step"
# (field name or a computed column, header)
EDIT_COLUMNS = (
    ("position", "#"),
    ("title", "Step"),
    ("owner_role", "Owner"),
    ("duration_minutes", "Min"),
    ("planned_start", "T0+"),
    ("point_of_no_return", "PONR"),
)
RUN_COLUMNS = (("started", "Started"), ("finished", "Finished"), ("outcome", "Outcome"))
SECTION_TINTS = {
    "preparation": "#eef3fb",
    "communication": "#f3eefb",
    "data_migration": "#fdf4e3",
    "deploy": "#eaf6ee",
    "verify": "#e9f5f7",
    "rollback": "#fbecec",
}
HEADING_TINTS = {
    "preparation": "#d5e2f5",
    "communication": "#e2d8f3",
    "data_migration": "#f6e2b8",
    "deploy": "#cfe9d7",
    "verify": "#cce8ee",
    "rollback": "#f3cfcf",
}
OUTCOME_COLOURS = {
    "done": "#2e7d32",
    "failed": "#c62828",
    "skipped": "#8d6e63",
    "pending": "#1565c0",
}
LATE = QColor("#c62828")
HEADING_TEXT = QColor("#1f2937")


@dataclass(frozen=True, slots=True)
class SectionHeading:
    """The row above a run of steps of one section: the whole section's count and minutes
    ("continued" when the section's steps are split by steps of another)."""

    section: str
    count: int
    minutes: int
    continued: bool

    @property
    def text(self) -> str:
        label = SECTION_LABELS[self.section] + (" (continued)" if self.continued else "")
        steps = "1 step" if self.count == 1 else f"{self.count} steps"
        return f"{label} · {steps} · {self.minutes} min"


class StepsModel(QAbstractTableModel):
    """A runbook's steps in their one order, a heading row above each run of steps of one
    section; in execute mode also the run's actuals, late ones red.

    A flat list with headings rather than a tree: the order is one sequence per runbook
    (the rollback plan "up to the step reached" and the migration check "before it" read
    it) and the section is a field of each step, so sections need not be contiguous; a
    tree would show an order the runbook does not have. Headings are neither selectable
    nor enabled, so keyboard navigation steps over them; dropping onto one puts the steps
    at the top of its section.

    Edits and drops are handed to `edit(step_id, field, value)` and
    `move(step_ids, gap, section)`, which go through the plan editor (one undo step each)."""

    def __init__(
        self,
        edit: Callable[[int, str, Any], bool],
        move: Callable[[list[int], int, str], bool],
    ) -> None:
        super().__init__()
        self._edit, self._move = edit, move
        self.steps: list[StepRow] = []
        self.rows: list[StepRow | SectionHeading] = []
        self.timeline = Timeline({}, 0, [])
        self.executions: dict[int, ExecutionRow] | None = None
        self.late: set[int] = set()
        self.read_only = False

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return EDIT_COLUMNS + (RUN_COLUMNS if self.executions is not None else ())

    def show(
        self,
        steps: Sequence[StepRow],
        timeline: Timeline,
        executions: dict[int, ExecutionRow] | None,
        late: set[int],
    ) -> None:
        self.beginResetModel()
        self.steps, self.timeline = list(steps), timeline
        self.executions, self.late = executions, late
        self.rows = _with_headings(self.steps)
        self.endResetModel()

    def state(self, step: StepRow) -> str:
        """The step's state in the run shown ("running", "done", ...); empty in edit mode."""
        return self._text(step, "outcome") if self.executions is not None else ""

    def step_at(self, row: int) -> StepRow | None:
        found = self.rows[row] if 0 <= row < len(self.rows) else None
        return found if isinstance(found, StepRow) else None

    def heading_rows(self) -> list[int]:
        return [r for r, row in enumerate(self.rows) if isinstance(row, SectionHeading)]

    def row_of(self, step_id: int) -> int | None:
        return next(
            (
                r
                for r, row in enumerate(self.rows)
                if isinstance(row, StepRow) and row.id == step_id
            ),
            None,
        )

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            name = self.columns[section][0]
            return STEP_FIELDS[name].tip if name in STEP_FIELDS else None
        return None

    def _text(self, step: StepRow, name: str) -> str:
        times = self.timeline.steps.get(step.id)
        done = self.executions.get(step.id) if self.executions is not None else None
        match name:
            case "position":
                return str(step.position + 1)
            case "planned_start":
                return "" if times is None else f"{times.start}"
            case "point_of_no_return":
                return "⚑" if step.point_of_no_return else ""
            case "started":
                return _clock(done.started_at) if done else ""
            case "finished":
                return _clock(done.finished_at) if done else ""
            case "outcome":
                if done is None:
                    # Rollback steps run only after a failure: not "pending" in a good run.
                    return "" if step.section == "rollback" else "pending"
                if done.outcome == "pending" and done.started_at is not None:
                    return "running"
                return done.outcome
        return str(getattr(step, name))

    def _heading_data(self, heading: SectionHeading, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return heading.text if column == 0 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(HEADING_TINTS[heading.section]))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(HEADING_TEXT)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        found = self.rows[index.row()]
        if isinstance(found, SectionHeading):
            return self._heading_data(found, index.column(), role)
        step = found
        name = self.columns[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole and name in STEP_FIELDS:
                return getattr(step, name)
            return self._text(step, name)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(SECTION_TINTS[step.section]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if step.id in self.late and name in ("started", "finished", "outcome", "title"):
                return QBrush(LATE)
            if name == "outcome":
                return QBrush(QColor(OUTCOME_COLOURS.get(self._text(step, name), "#1565c0")))
            times = self.timeline.steps.get(step.id)
            if name == "planned_start" and times is not None and times.critical:
                return QBrush(LATE)
        if role == Qt.ItemDataRole.FontRole and (
            step.id in self.late or (name == "point_of_no_return" and step.point_of_no_return)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if step.id in self.late:
                return "Late against the planned timeline"
            if step.point_of_no_return:
                return "Point of no return: after this step, fix forward"
        if role == Qt.ItemDataRole.TextAlignmentRole and name in (
            "position",
            "duration_minutes",
            "planned_start",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        editable = not self.read_only and self.executions is None
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if editable else Qt.ItemFlag.NoItemFlags
        if self.step_at(index.row()) is None:
            # A heading: a drop target only, skipped by the keyboard and the selection.
            return Qt.ItemFlag.ItemIsDropEnabled if editable else Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not editable:
            return base
        flags = base | Qt.ItemFlag.ItemIsDragEnabled
        if self.columns[index.column()][0] in ("title", "owner_role", "duration_minutes"):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        step = self.step_at(index.row())
        if step is None or role != Qt.ItemDataRole.EditRole:
            return False
        name = self.columns[index.column()][0]
        if name == "duration_minutes" and isinstance(value, str):
            value = int(value) if value.strip().isdigit() else value
        return self._edit(step.id, name, value)

    # -- drag to reorder ---------------------------------------------------------------------

    @override
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    @override
    def mimeTypes(self) -> list[str]:
        return [STEP_MIME]

    @override
    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        steps = [s for r in sorted({i.row() for i in indexes}) if (s := self.step_at(r))]
        if steps:
            data.setData(STEP_MIME, QByteArray(",".join(str(s.id) for s in steps).encode()))
        return data

    @override
    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return (
            data.hasFormat(STEP_MIME)
            and not self.read_only
            and self.executions is None
            and bool(self.steps)
        )

    def drop_target(self, row: int, parent: Index) -> tuple[int, str]:
        """Where a drop lands: the gap in the runbook's order (before the step at that
        place) and the section, read from the row above the gap Qt names."""
        if row < 0 and parent.isValid():
            row = parent.row()
            if self.step_at(row) is None:
                row += 1  # onto a heading: the top of its section
        elif row < 0:
            row = len(self.rows)
        above = self.rows[row - 1] if row > 0 else None
        if isinstance(above, StepRow):
            return above.position + 1, above.section
        below = self.step_at(row)
        if isinstance(above, SectionHeading):
            return (below.position if below else len(self.steps)), above.section
        first = self.steps[0]
        return 0, first.section

    @override
    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        ids = [int(x) for x in bytes(data.data(STEP_MIME).data()).decode().split(",") if x]
        gap, section = self.drop_target(row, parent)
        self._move(ids, gap, section)
        return False  # the move is done; Qt must not remove the dragged rows itself


def _with_headings(steps: Sequence[StepRow]) -> list[StepRow | SectionHeading]:
    counts: dict[str, int] = {}
    minutes: dict[str, int] = {}
    for step in steps:
        counts[step.section] = counts.get(step.section, 0) + 1
        minutes[step.section] = minutes.get(step.section, 0) + step.duration_minutes
    rows: list[StepRow | SectionHeading] = []
    seen: set[str] = set()
    previous = None
    for step in steps:
        if step.section != previous:
            rows.append(
                SectionHeading(
                    step.section, counts[step.section], minutes[step.section], step.section in seen
                )
            )
            seen.add(step.section)
            previous = step.section
        rows.append(step)
    return rows


class ComparisonModel(QAbstractTableModel):
    """Planned minutes against each run's actual minutes, per step, then the totals."""

    def __init__(self) -> None:
        super().__init__()
        self.comparison = Comparison([], [], 0, {})

    def show(self, comparison: Comparison) -> None:
        self.beginResetModel()
        self.comparison = comparison
        self.endResetModel()

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.comparison.steps) + 1

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else 2 + len(self.comparison.runs)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Step"
        if section == 1:
            return "Planned"
        run = self.comparison.runs[section - 2]
        return f"#{run.number} {run.kind} ({run.started_at:%d %b})"

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        comparison = self.comparison
        total = index.row() == len(comparison.steps)
        column = index.column()
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if total:
            values: list[object] = [
                "Total (T0 to last finish)",
                comparison.planned_total,
                *(comparison.totals[r.id] for r in comparison.runs),
            ]
            planned = comparison.planned_total
        else:
            row = comparison.steps[index.row()]
            values = [row.label, row.planned, *(row.actual[r.id] for r in comparison.runs)]
            planned = row.planned
        value = values[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return "—" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and column > 1 and isinstance(value, int):
            return QBrush(LATE if value > planned else QColor("#2e7d32"))
        return None


def _clock(value: dt.datetime | None) -> str:
    return "" if value is None else f"{value:%H:%M}"
