"""Release trains and the scope lock in the window: New train… and Generate next… on the
Release train tab, the move-the-rest question, a refused add into a frozen release and the
change request that lets it through, and the Scope since freeze dialog."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn, Reports
from ui.gantt.train_view import TrainView
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.settings import AppSettings
from ui.train_dialogs import GenerateDialog, NewTrainDialog, ScopeDialog, ScopeExceptionDialog

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("GANTRY_SHOTS")  # a folder: save what the tests show there


def _shoot(widget: QWidget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / name))


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan)
    yield opened
    opened.close()


class ChangeAsker:
    """Answers the scope lock's question as a user would, and keeps what it was shown."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def __call__(self, _title: str, refusal: str, keys: Sequence[str]) -> str | None:
        self.asked.append((refusal, tuple(keys)))
        return self.answer


@pytest.fixture
def view(qtbot, plan: Plan, reports: Reports) -> Iterator[TrainView]:  # type: ignore[no-untyped-def]
    widget = TrainView(lambda: DEMO_TODAY)
    qtbot.addWidget(widget)
    widget.resize(1500, 640)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_plan(plan, PlanEvents(plan, widget))
    widget.set_editor(PlanEditor(plan, QUndoStack(widget), reports, today=lambda: DEMO_TODAY))
    yield widget


def test_new_train_dialog_makes_the_train_as_one_undo_step(
    qtbot, view: TrainView, plan: Plan, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    before = [r.name for r in plan.releases.rows()]
    view.new_train_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, NewTrainDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    assert (
        dialog.preview.text() == "A train needs a name\nThe first release needs a version, e.g. 3.6"
    )
    qtbot.keyClicks(dialog.name, "Atlas Mobile")
    qtbot.keyClicks(dialog.version, "1.0")
    dialog.first_day.setValue(dt.date(2026, 12, 1))
    dialog.cadence.setCurrentIndex(1)  # monthly
    dialog.ordinal.setCurrentIndex(list(range(5)).index(4))  # last
    dialog.weekday.setCurrentIndex(4)  # Friday
    dialog.count.setValue(3)
    # The last Friday of December is Christmas Day: the release goes out on the 24th.
    assert dialog.preview.text().splitlines() == [
        "Atlas Mobile 1.0: Thu 24 Dec 2026  (FF Thu 10 Dec, CF Thu 17 Dec)",
        "Atlas Mobile 1.1: Fri 29 Jan 2027  (FF Thu 14 Jan, CF Fri 22 Jan)",
        "Atlas Mobile 1.2: Fri 26 Feb 2027  (FF Thu 11 Feb, CF Fri 19 Feb)",  # Presidents Day
    ]
    _shoot(dialog, "new-train-dialog.png")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    names = [r.name for r in plan.releases.rows()]
    assert names == [*before, "Atlas Mobile 1.0", "Atlas Mobile 1.1", "Atlas Mobile 1.2"]
    assert reports == []
    assert view.chart.train is not None and len(view.chart.train.releases) == len(names)
    assert view.generate_action.isEnabled()
    _shoot(view, "release-train-with-trains.png")
    editor = view._editor
    assert editor is not None and editor.stack.count() == 1
    editor.stack.undo()
    assert [r.name for r in plan.releases.rows()] == before
    assert [t.name for t in plan.trains.rows()] == ["Atlas"]
    editor.stack.redo()
    assert [r.name for r in plan.releases.rows()] == names


def test_generate_next_continues_the_demo_train(qtbot, view: TrainView, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    view.generate_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, GenerateDialog)
    dialog.count.setValue(2)
    assert dialog.preview.text().splitlines() == [
        "Atlas 3.5.4: Tue 13 Apr 2027  (FF Tue 06 Apr, CF Thu 08 Apr)",
        "Atlas 3.5.5: Tue 25 May 2027  (FF Tue 18 May, CF Thu 20 May)",
    ]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [r.name for r in plan.releases.rows()][-2:] == ["Atlas 3.5.4", "Atlas 3.5.5"]


class MoveAsker:
    def __init__(self, answer: bool | None) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, _title: str, question: str) -> bool | None:
        self.questions.append(question)
        return self.answer


@pytest.mark.parametrize("with_rest", [True, False])
def test_moving_a_train_release_asks_about_the_rest(
    qtbot, plan: Plan, reports: Reports, with_rest: bool
) -> None:  # type: ignore[no-untyped-def]
    stack, ask = QUndoStack(), MoveAsker(with_rest)
    editor = PlanEditor(plan, stack, reports, ask_move=ask)
    first, second, third = (plan.releases.find(f"Atlas 3.5.{n}") for n in (1, 2, 3))
    assert editor.set_release_field(first.id, "target_date", dt.date(2026, 12, 10))
    assert ask.questions == [
        "Atlas 3.5.1 moves to 2026-12-10. Move the later releases of its train "
        "(Atlas 3.5.2, Atlas 3.5.3) by the same number of working days too?"
    ]
    moved = plan.releases.row(first.id)
    assert (moved.target_date, moved.feature_freeze) == (
        dt.date(2026, 12, 10),
        dt.date(2026, 12, 3),
    )
    later = [plan.releases.row(r.id).target_date for r in (second, third)]
    if with_rest:
        assert later == [dt.date(2027, 1, 21), dt.date(2027, 3, 4)]
    else:
        assert later == [second.target_date, third.target_date]
    assert stack.count() == 1 and reports == []
    stack.undo()
    assert [plan.releases.row(r.id) for r in (first, second, third)] == [first, second, third]
    ask.answer = None  # Cancel: nothing moves, nothing is pushed
    assert not editor.set_release_field(first.id, "target_date", dt.date(2026, 12, 10))
    assert plan.releases.row(first.id).target_date == first.target_date


def test_a_refused_add_in_a_frozen_release_and_the_change_that_allows_it(
    qtbot, settings: AppSettings, reports: Reports, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    asker = ChangeAsker(None)
    window = MainWindow(settings, report=reports, today=lambda: DEMO_TODAY, ask_change=asker)
    qtbot.addWidget(window)
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    in_flight = plan.releases.find("Atlas 3.5")
    window.items_view.show_release(in_flight.id)
    count = in_flight.item_count
    assert window.add_item("task") is None  # the user declined to cite a change
    refusal, keys = asker.asked[0]
    assert refusal.startswith(
        "Atlas 3.5 is past its feature freeze (2026-11-19): adding ATL-118 'New task' needs "
        "an approved change request as a scope exception"
    )
    # The demo's approved changes of Atlas 3.5: the standard SAML change and the exception.
    assert set(keys) == {"CHG-2064", "CHG-2066"}
    assert plan.releases.row(in_flight.id).item_count == count and window.undo_stack.count() == 0
    asker.answer = "CHG-2066"
    new_id = window.add_item("task")
    assert new_id is not None and plan.releases.row(in_flight.id).item_count == count + 1
    assert window.undo_stack.count() == 1
    report = plan.scope.report(in_flight.id, DEMO_TODAY)
    assert ("added", "ATL-118", "CHG-2066") in {(c.kind, c.key, c.change) for c in report.changes}
    # A release without an approved change refuses outright, saying why.
    window.items_view.show_release(plan.releases.find("Atlas 3.4").id)
    assert window.add_item("task") is None
    assert reports.messages[-1].startswith("Atlas 3.4 is past its feature freeze (2026-09-28)")
    assert "it has no approved change request to cite" in reports.messages[-1]
    window.close()


def test_scope_since_freeze_lists_the_demo_exception(qtbot, view: TrainView, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    view.scope_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, ScopeDialog)
    assert dialog.release.currentText() == "Atlas 3.5"
    assert dialog.summary.text() == "Since the feature freeze on 2026-11-19: 1 grown"
    row = [dialog.table.item(0, c).text() for c in range(4)]
    assert row == ["Grown", "ATL-58 Admin roles and permissions", "3 d → 5 d", "CHG-2066"]
    _shoot(dialog, "scope-since-freeze.png")
    dialog.release.setCurrentIndex(dialog.release.findText("Atlas 3.6"))
    assert dialog.summary.text() == "Atlas 3.6 freezes its scope after 2027-01-27"
    assert dialog.table.rowCount() == 0


def test_the_scope_exception_dialog_shows_the_refusal_and_offers_the_changes(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ScopeExceptionDialog(
        "Cannot add item", "Atlas 3.5 is past its feature freeze", ["CHG-1", "CHG-2"], None
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.refusal.text() == "Atlas 3.5 is past its feature freeze."
    dialog.change.setCurrentIndex(1)
    qtbot.mouseClick(dialog.proceed, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.change.currentText() == "CHG-2"
