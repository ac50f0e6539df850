"""A Gantt view over a small real plan (tests/app/plan_factory), and mouse gestures on its bars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack

from app.plan import Plan
from tests.app.plan_factory import make_plan, plan_for
from tests.ui.conftest import Reports
from ui.gantt.view import GanttView
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

TODAY = dt.date(2026, 1, 7)
DAY = 24.0  # pixels a day, so a day's drag is well past the start-drag distance


@dataclass
class Gantt:
    plan: Plan
    view: GanttView
    editor: PlanEditor
    stack: QUndoStack
    events: PlanEvents

    def id(self, key: str) -> int:
        return self.plan.work_items.find(key).id

    def bar_point(self, key: str, where: str = "middle") -> QPoint:
        """Viewport position on an item's bar: its middle, start or right end."""
        chart = self.view.chart
        bar = chart.bar_of(self.id(key))
        assert bar is not None, f"{key} has no bar"
        x = {"middle": (bar.x0 + bar.x1) / 2, "start": bar.x0 + 3, "end": bar.x1 - 2}[where]
        return QPoint(
            round(x - chart.horizontalScrollBar().value()),
            round(bar.middle - chart.verticalScrollBar().value()),
        )


def drag(
    qtbot,  # type: ignore[no-untyped-def]
    gantt: Gantt,
    start: QPoint,
    dx: float,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    end: QPoint | None = None,
) -> None:
    """Press on ``start``, move in two steps and release ``dx`` pixels right (or on ``end``)."""
    viewport = gantt.view.chart.viewport()
    target = end if end is not None else start + QPoint(round(dx), 0)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, mods, start)
    qtbot.mouseMove(viewport, (start + target) / 2)
    qtbot.mouseMove(viewport, target)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, mods, target)


@pytest.fixture
def gantt(qtbot, tmp_path: Path, reports: Reports) -> Iterator[Gantt]:  # type: ignore[no-untyped-def]
    plan = plan_for(make_plan(tmp_path / "p.gantry"))
    stack = QUndoStack()
    editor = PlanEditor(plan, stack, reports)
    view = GanttView(today=lambda: TODAY)
    qtbot.addWidget(view)
    events = PlanEvents(plan)
    events.changed.connect(view.apply_change)
    view.resize(1200, 500)
    view.set_plan(plan, editor, plan.releases.find("R1").id)
    view.show()
    qtbot.waitExposed(view)
    view.chart.set_day_width(DAY)
    view.chart.go_to(dt.date(2026, 1, 5))
    yield Gantt(plan, view, editor, stack, events)
    events.detach()
    view.set_plan(None, None, None)
    plan.close()
