"""One class per drag on the chart: move, resize, link. Each pushes one undo command at the end.

While the mouse moves a drag shows a ghost and the date it would set, worked out with the
plan's working-day calendar (app/timeline/snapping.py); nothing is written or rescheduled
until the button is released, and then the unit of work reschedules once.

Gestures: drag a task or milestone to move it (its "not before" date becomes the working day
it lands on; every selected bar moves by the same working days); drag a task's right end to
change its duration; hold Alt and drag from one bar onto another to link them. The link type
comes from the modifiers held when the button is released: Alt alone finish-to-start, with
Shift start-to-start, with Ctrl finish-to-finish, with Ctrl+Shift start-to-finish.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from app.plan_data import ItemRow
from app.scheduling.calendar import WorkCalendar
from app.timeline.snapping import duration_to, finish_of, moved_start, plan_calendar, shifted
from ui.formatting import format_date, working_days
from ui.gantt import painting, palette
from ui.plan_editor import PlanEditor

if TYPE_CHECKING:
    from ui.gantt.chart import GanttChart, Hit

Mods = Qt.KeyboardModifier


def link_type(mods: Qt.KeyboardModifier) -> str:
    """The link a drop makes: FS by default; Shift for SS, Ctrl for FF, both for SF."""
    shift = bool(mods & Mods.ShiftModifier)
    ctrl = bool(mods & Mods.ControlModifier)
    return {(False, False): "FS", (True, False): "SS", (False, True): "FF", (True, True): "SF"}[
        (shift, ctrl)
    ]


def _day(day: dt.date) -> str:
    return f"{day:%a} {format_date(day)}"


def _shown_day(item: ItemRow) -> dt.date | None:
    """The day a bar starts on (a milestone: the day it shows on)."""
    return item.finish if item.kind == "milestone" else item.start


class Drag:
    """A drag in progress: where the mouse is (content coordinates) and what it would do."""

    cursor = Qt.CursorShape.SizeAllCursor

    def __init__(self, chart: GanttChart, editor: PlanEditor, press: QPointF) -> None:
        self.chart = chart
        self.editor = editor
        self.press = press
        self.mouse = press
        self.feedback = ""

    def move(self, pos: QPointF, mods: Qt.KeyboardModifier) -> None:
        self.mouse = pos

    def paint(self, p: QPainter) -> None:
        """The ghost, in content coordinates."""

    def finish(self) -> bool:
        """Push the drag's one undo command; False when it changes nothing or is refused."""
        return False


class MoveDrag(Drag):
    """Move tasks and milestones: each gets a "not before" date moved by the same working days."""

    def __init__(
        self,
        chart: GanttChart,
        editor: PlanEditor,
        press: QPointF,
        calendar: WorkCalendar,
        anchor: ItemRow,
        moved: list[tuple[int, ItemRow]],
    ) -> None:
        super().__init__(chart, editor, press)
        self.calendar = calendar
        self.anchor = anchor
        self.moved = moved  # (row, item), the anchor among them
        self.shift = 0
        self.landed = _shown_day(anchor)

    def move(self, pos: QPointF, mods: Qt.KeyboardModifier) -> None:
        super().move(pos, mods)
        start = _shown_day(self.anchor)
        if start is None:
            return
        days = self.chart.scale.days_in(pos.x() - self.press.x())
        self.landed, self.shift = moved_start(self.calendar, start, days)
        count = f" · {len(self.moved)} items" if len(self.moved) > 1 else ""
        moved = f" ({self.shift:+d} working days)" if self.shift else ""
        self.feedback = f"Start {_day(self.landed)}{moved}{count}"

    def new_starts(self) -> dict[int, dt.date]:
        starts: dict[int, dt.date] = {}
        for _row, item in self.moved:
            start = _shown_day(item)
            if start is not None:
                starts[item.id] = shifted(self.calendar, start, self.shift)
        return starts

    def paint(self, p: QPainter) -> None:
        scale, metrics = self.chart.scale, self.chart.metrics
        starts = self.new_starts()
        for row, item in self.moved:
            start = starts.get(item.id)
            if start is None:
                continue
            if item.kind == "milestone":
                x = scale.x_mid(start)
                size = metrics.milestone_size
                painting.ghost(
                    p, x, x, metrics.middle(row) - size / 2, metrics.middle(row) + size / 2, True
                )
            else:
                last = finish_of(self.calendar, start, item.duration)
                top = metrics.top(row) + metrics.height * 0.22
                bottom = metrics.top(row) + metrics.height * 0.78
                painting.ghost(p, scale.x(start), scale.x_after(last), top, bottom, False)

    def finish(self) -> bool:
        if not self.shift:
            return False
        changes = {item_id: {"not_before": day} for item_id, day in self.new_starts().items()}
        if len(changes) == 1:
            text = f"Move {self.anchor.key} to {format_date(self.landed)}"
        else:
            text = f"Move {len(changes)} items by {working_days(self.shift)}"
        return self.editor.edit_items(changes, text)


class ResizeDrag(Drag):
    """Drag a task's right end: its duration in working days (at least one)."""

    cursor = Qt.CursorShape.SizeHorCursor

    def __init__(
        self,
        chart: GanttChart,
        editor: PlanEditor,
        press: QPointF,
        calendar: WorkCalendar,
        row: int,
        item: ItemRow,
    ) -> None:
        super().__init__(chart, editor, press)
        self.calendar = calendar
        self.row = row
        self.item = item
        self.duration = item.duration

    def move(self, pos: QPointF, mods: Qt.KeyboardModifier) -> None:
        super().move(pos, mods)
        start, finish = self.item.start, self.item.finish
        if start is None or finish is None:
            return
        last = finish + dt.timedelta(days=self.chart.scale.days_in(pos.x() - self.press.x()))
        self.duration = duration_to(self.calendar, start, last)
        end = finish_of(self.calendar, start, self.duration)
        self.feedback = f"{working_days(self.duration)} · finishes {_day(end)}"

    def paint(self, p: QPainter) -> None:
        start = self.item.start
        if start is None:
            return
        scale, metrics = self.chart.scale, self.chart.metrics
        last = finish_of(self.calendar, start, self.duration)
        top = metrics.top(self.row) + metrics.height * 0.22
        bottom = metrics.top(self.row) + metrics.height * 0.78
        painting.ghost(p, scale.x(start), scale.x_after(last), top, bottom, False)

    def finish(self) -> bool:
        if self.duration == self.item.duration:
            return False
        return self.editor.edit_items(
            {self.item.id: {"duration": self.duration}},
            f"Change duration of {self.item.key} to {working_days(self.duration)}",
        )


class LinkDrag(Drag):
    """Alt+drag from one bar onto another: the second depends on the first."""

    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, chart: GanttChart, editor: PlanEditor, press: QPointF, source: Hit) -> None:
        super().__init__(chart, editor, press)
        self.source = source
        self.target: Hit | None = None
        self.type = "FS"

    def move(self, pos: QPointF, mods: Qt.KeyboardModifier) -> None:
        super().move(pos, mods)
        self.type = link_type(mods)
        hit = self.chart.hit_content(pos)
        linkable = (
            hit is not None and hit.item.id != self.source.item.id and hit.item.kind != "phase"
        )
        self.target = hit if linkable else None
        source = self.source.item.key
        if self.target is None:
            self.feedback = f"Link {source} to… ({self.type}; Shift SS, Ctrl FF, both SF)"
        else:
            self.feedback = f"{self.type}: {source} → {self.target.item.key}"

    def paint(self, p: QPainter) -> None:
        bar = self.source.bar
        from_end = self.type in ("FS", "FF")
        start = QPointF(bar.right if from_end else bar.left, bar.middle)
        painting.rubber_link(p, start, self.mouse, palette.SELECTED_EDGE)
        if self.target is not None:
            target = self.target.bar
            p.setPen(QPen(palette.SELECTED_EDGE, 2, Qt.PenStyle.DotLine))
            p.drawRect(
                QRectF(
                    target.left - 3,
                    target.y0 - 3,
                    target.right - target.left + 6,
                    target.y1 - target.y0 + 6,
                )
            )

    def finish(self) -> bool:
        if self.target is None:
            return False
        return self.editor.add_link(self.source.item.id, self.target.item.id, self.type)


def start_drag(chart: GanttChart, hit: Hit, mods: Qt.KeyboardModifier) -> Drag | None:
    """The drag a press on ``hit`` begins, or None when the bar may not be dragged (a
    read-only plan; a phase, whose dates roll up from its items)."""
    editor = chart.editing
    plan = chart.plan
    if editor is None or editor.read_only or plan is None or chart.rows is None:
        return None
    item = hit.item
    if item.kind == "phase" or item.start is None:
        return None
    if mods & Mods.AltModifier:
        return LinkDrag(chart, editor, chart.to_content(chart.pressed_at), hit)
    state = plan.state
    calendar = plan_calendar(state.settings.work_week, state.holidays)
    press = chart.to_content(chart.pressed_at)
    if hit.at_end:
        return ResizeDrag(chart, editor, press, calendar, hit.row, item)
    moved = [(hit.row, item)]
    if item.id in chart.selected and len(chart.selected) > 1:
        for item_id in chart.selected - {item.id}:
            row = chart.rows.row_of(item_id)
            if row is None:
                continue
            other = chart.rows.item(row)
            if other.kind != "phase" and _shown_day(other) is not None:
                moved.append((row, other))
    return MoveDrag(chart, editor, press, calendar, item, moved)
