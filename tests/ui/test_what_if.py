"""The Calendar tab's "What if…": the live list of what moves, the chart's glow, Apply as one
undo step, Close leaving the plan as it was, refusals, and the worker's newest-answer rule.

The plan (tests/app/plan_factory.make_plan): R1 from Monday 5 January 2026, target the 16th,
a holiday on the 9th; phase R1-P holds A(3) -> B(2) and C (SS A+1); B -> milestone M.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app.impact import ask
from tests.ui.gantt_support import Gantt, gantt
from ui.gantt.what_if import (
    MISSED,
    ItemColumn,
    MovedItemsModel,
    MovedReleasesModel,
    ReleaseColumn,
    WhatIfDialog,
    WhatIfRunner,
)

pytestmark = pytest.mark.gui
__all__ = ["gantt"]  # the fixture


def open_what_if(qtbot, gantt: Gantt, key: str) -> WhatIfDialog:  # type: ignore[no-untyped-def]
    view = gantt.view
    view.select_item(gantt.id(key))
    assert view.what_if_action.isEnabled()
    with qtbot.waitSignal(view.runner.answered, timeout=10_000, raising=False):
        view.what_if_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, WhatIfDialog) and dialog.isVisible()
    return dialog


def settle(qtbot, dialog: WhatIfDialog) -> None:  # type: ignore[no-untyped-def]
    """Wait until the worker has answered the question the controls hold."""
    qtbot.waitUntil(lambda: not dialog.runner.busy and dialog.report is not None, timeout=10_000)


def column(model: MovedItemsModel | MovedReleasesModel, col: int) -> list[object]:
    return [model.index(row, col).data() for row in range(model.rowCount())]


def test_a_slip_lists_what_moves_and_the_chart_glows(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    dialog = open_what_if(qtbot, gantt, "A")
    settle(qtbot, dialog)
    items = dialog.item_model
    assert column(items, ItemColumn.KEY) == ["R1-P", "A", "B", "M"]
    assert column(items, ItemColumn.FINISH)[1:] == ["07 Jan 2026", "12 Jan 2026", "12 Jan 2026"]
    assert column(items, ItemColumn.NEW_FINISH)[1:] == [
        "08 Jan 2026",
        "13 Jan 2026",
        "13 Jan 2026",
    ]
    assert column(items, ItemColumn.DELTA) == ["+1"] * 4
    assert items.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()  # the item slipped
    assert dialog.summary.text().startswith("A finishes 1 working day later")
    assert gantt.view.chart.highlighted == {gantt.id(k) for k in ("R1-P", "A", "B", "M")}
    releases = dialog.release_model
    assert column(releases, ReleaseColumn.LATE_BY) == ["on time"]
    assert releases.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert dialog.apply_button.isEnabled()

    dialog.slip.setValue(5)
    settle(qtbot, dialog)
    assert column(releases, ReleaseColumn.LATE_BY) == ["1 d"]
    assert releases.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color() == MISSED
    assert dialog.summary.text().endswith("R1 misses its target.")


def test_close_leaves_the_plan_as_it_was(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    dialog = open_what_if(qtbot, gantt, "A")
    settle(qtbot, dialog)
    dialog.reject()
    assert gantt.view.dialog is None and gantt.view.chart.highlighted == frozenset()
    assert gantt.plan.work_items.find("A").duration == 3 and gantt.stack.count() == 0


def test_apply_is_one_undo_step(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    dialog = open_what_if(qtbot, gantt, "A")
    dialog.by_duration.setChecked(True)
    dialog.duration.setValue(6)
    settle(qtbot, dialog)
    assert dialog.summary.text().startswith("A takes 6 working days instead of 3")
    expected = {i.key: i.new_finish for i in dialog.item_model.items}
    dialog.apply_button.click()
    assert not dialog.isVisible() and gantt.view.chart.highlighted == frozenset()
    assert gantt.stack.count() == 1
    assert {k: gantt.plan.work_items.find(k).finish for k in expected} == expected
    gantt.stack.undo()
    assert gantt.plan.work_items.find("A").duration == 3
    assert gantt.plan.work_items.find("M").finish == dt.date(2026, 1, 12)


def test_a_milestone_slips_by_its_not_before_date(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    dialog = open_what_if(qtbot, gantt, "M")
    settle(qtbot, dialog)
    assert "has no duration" in dialog.summary.text()
    dialog.by_duration.setChecked(True)
    assert dialog.summary.text() == "M is a milestone: it has no duration; slip it instead"
    assert not dialog.apply_button.isEnabled() and dialog.item_model.rowCount() == 0
    dialog.by_slip.setChecked(True)
    dialog.slip.setValue(2)
    settle(qtbot, dialog)
    dialog.apply_button.click()
    row = gantt.plan.work_items.find("M")
    assert row.not_before == dt.date(2026, 1, 14) and row.finish == dt.date(2026, 1, 14)
    assert gantt.stack.undoText() == "Edit not before of M"


def test_a_phase_is_refused_with_the_reason(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    view = gantt.view
    view.select_item(gantt.id("R1-P"))
    view.what_if_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, WhatIfDialog)
    assert dialog.summary.text().startswith("R1-P is a phase")
    assert not dialog.apply_button.isEnabled() and not view.runner.busy


def test_a_right_click_on_a_bar_selects_it_for_the_context_menu(gantt: Gantt, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = gantt.view
    what_if = view.what_if_action
    assert what_if in view.tree.actions() and what_if in view.chart.actions()
    assert what_if.shortcut().toString() == "Ctrl+I"
    qtbot.mouseClick(view.chart.viewport(), Qt.MouseButton.RightButton, pos=gantt.bar_point("B"))
    assert view.current_item_id() == gantt.id("B") and view.what_if_action.isEnabled()


def test_the_models_pass_the_model_tester(qtmodeltester, qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    dialog = open_what_if(qtbot, gantt, "B")
    dialog.slip.setValue(4)
    settle(qtbot, dialog)
    qtmodeltester.check(dialog.item_model)
    qtmodeltester.check(dialog.release_model)


def test_only_the_newest_question_is_answered(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    runner = WhatIfRunner()
    answers: list[object] = []
    runner.answered.connect(answers.append)
    for slip in (1, 2, 3):
        runner.request(ask(gantt.plan, "A", slip=slip))
    qtbot.waitUntil(lambda: not runner.busy and bool(answers), timeout=10_000)
    assert [a.change.new for a in answers] == [6]  # type: ignore[attr-defined]
    runner.request(ask(gantt.plan, "A", slip=1))
    runner.cancel()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    assert len(answers) == 1
