"""Drags on the chart with the real mouse: move, resize, link, several bars; each one undo step."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import Reports
from tests.ui.gantt_support import DAY, Gantt, drag, gantt

pytestmark = pytest.mark.gui
__all__ = ["gantt"]  # the fixture

Mods = Qt.KeyboardModifier
D = dt.date


def test_moving_a_bar_sets_its_start_to_the_working_day_it_lands_on(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    a = gantt.id("A")
    # Monday 5 Jan dragged five days lands on Saturday 10: the next working day is Monday 12.
    drag(qtbot, gantt, gantt.bar_point("A"), 5 * DAY)
    row = gantt.plan.work_items.row(a)
    assert row.not_before == D(2026, 1, 12) and row.start == D(2026, 1, 12)
    assert gantt.stack.count() == 1
    assert gantt.plan.work_items.find("B").start == D(2026, 1, 15)  # the schedule followed
    gantt.stack.undo()
    row = gantt.plan.work_items.row(a)
    assert row.not_before is None and row.start == D(2026, 1, 5)
    gantt.stack.redo()
    assert gantt.plan.work_items.row(a).not_before == D(2026, 1, 12)


def test_a_click_without_a_drag_changes_nothing_but_the_selection(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(
        gantt.view.chart.viewport(), Qt.MouseButton.LeftButton, pos=gantt.bar_point("B")
    )
    assert gantt.stack.count() == 0
    assert gantt.view.selected_ids() == [gantt.id("B")]
    assert gantt.view.current_item_id() == gantt.id("B")


def test_a_milestone_moves_and_a_phase_does_not(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    drag(qtbot, gantt, gantt.bar_point("R1-P", "start"), 3 * DAY)
    assert gantt.stack.count() == 0
    assert gantt.view.chart.viewport().cursor().shape() == Qt.CursorShape.ForbiddenCursor
    drag(qtbot, gantt, gantt.bar_point("M"), 2 * DAY)  # Monday 12 -> Wednesday 14
    assert gantt.plan.work_items.find("M").not_before == D(2026, 1, 14)
    assert gantt.plan.work_items.find("M").finish == D(2026, 1, 14)


def test_dragging_the_right_end_changes_the_duration_in_working_days(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    # A runs Mon 5 - Wed 7; its end dragged five days reaches Monday 12 over a weekend and the
    # Friday 9 holiday: Mon, Tue, Wed, Thu, Mon.
    drag(qtbot, gantt, gantt.bar_point("A", "end"), 5 * DAY)
    a = gantt.plan.work_items.find("A")
    assert a.duration == 5 and a.finish == D(2026, 1, 12)
    assert a.not_before is None
    # Dragged far left, a task keeps one day.
    drag(qtbot, gantt, gantt.bar_point("A", "end"), -20 * DAY)
    assert gantt.plan.work_items.find("A").duration == 1
    assert gantt.stack.count() == 2
    gantt.stack.undo()
    gantt.stack.undo()
    assert gantt.plan.work_items.find("A").duration == 3


@pytest.mark.parametrize(
    ("mods", "link"), [(Mods.AltModifier, "C"), (Mods.AltModifier | Mods.ShiftModifier, "CSS")]
)
def test_alt_dragging_onto_another_bar_links_them(qtbot, gantt: Gantt, mods, link) -> None:  # type: ignore[no-untyped-def]
    drag(qtbot, gantt, gantt.bar_point("C"), 0, mods, end=gantt.bar_point("M"))
    assert gantt.plan.work_items.find("M").predecessors == f"B; {link}"
    assert gantt.stack.count() == 1
    gantt.stack.undo()
    assert gantt.plan.work_items.find("M").predecessors == "B"


def test_a_link_that_closes_a_cycle_is_refused_and_nothing_changes(
    qtbot, gantt: Gantt, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    drag(qtbot, gantt, gantt.bar_point("M"), 0, Mods.AltModifier, end=gantt.bar_point("A"))
    assert gantt.plan.work_items.find("A").predecessors == ""
    assert gantt.stack.count() == 0
    assert reports and "cycle" in reports.messages[-1]
    assert "A" in reports.messages[-1] and "M" in reports.messages[-1]


def test_several_selected_bars_move_together_as_one_undo_step(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    viewport = gantt.view.chart.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=gantt.bar_point("A"))
    qtbot.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Mods.ControlModifier, gantt.bar_point("C")
    )
    assert sorted(gantt.view.selected_ids()) == sorted([gantt.id("A"), gantt.id("C")])
    # A (Mon 5) moves two working days to Wed 7; C (Tue 6) moves two working days too: Thu 8.
    drag(qtbot, gantt, gantt.bar_point("A"), 2 * DAY)
    items = gantt.plan.work_items
    assert items.find("A").not_before == D(2026, 1, 7)
    assert items.find("C").not_before == D(2026, 1, 8)
    assert gantt.stack.count() == 1
    gantt.stack.undo()
    assert items.find("A").not_before is None and items.find("C").not_before is None


def test_a_read_only_plan_allows_no_drags(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    gantt.view.chart.editing = None  # what set_plan does for a read-only plan
    qtbot.mouseMove(gantt.view.chart.viewport(), gantt.bar_point("A"))
    assert gantt.view.chart.viewport().cursor().shape() == Qt.CursorShape.ForbiddenCursor
    drag(qtbot, gantt, gantt.bar_point("A"), 5 * DAY)
    assert gantt.stack.count() == 0 and gantt.plan.work_items.find("A").not_before is None


def test_double_click_opens_the_items_dialog_whose_edits_are_undo_steps(
    qtbot, gantt: Gantt
) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseDClick(
        gantt.view.chart.viewport(), Qt.MouseButton.LeftButton, pos=gantt.bar_point("B")
    )
    dialog = gantt.view.dialog
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    assert dialog.form.title.text() == "Build it"
    assert dialog._commit("name", "Build it well")
    assert gantt.plan.work_items.find("B").name == "Build it well"
    assert dialog.form.title.text() == "Build it well"  # the dialog follows the notice
    assert gantt.stack.count() == 1
    dialog.reject()


def test_the_ghost_follows_the_mouse_before_anything_is_written(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    chart, viewport = gantt.view.chart, gantt.view.chart.viewport()
    start = gantt.bar_point("A")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(round(3 * DAY), 0))
    assert chart.drag is not None and chart.drag.feedback.startswith("Start Thu 08 Jan 2026")
    assert gantt.plan.work_items.find("A").not_before is None  # nothing written yet
    chart.grab()  # the ghost paints
    qtbot.keyClick(chart, Qt.Key.Key_Escape)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(round(3 * DAY), 0))
    assert gantt.stack.count() == 0
