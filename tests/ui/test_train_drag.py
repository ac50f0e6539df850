"""Moving a train release by dragging its bar on the train chart: the ghost and its day
while dragging, the question about the later releases on drop, one undo step per choice,
and the drags that move nothing (a click, Escape, a release of no train)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.plan import Plan
from app.plan_data import ReleaseRow
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import Reports
from ui.gantt.train_view import TrainView
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("GANTRY_SHOTS")  # a folder: save what the tests show there


class MoveAsker:
    """Answers "move the later releases too?" as a user would, and keeps the questions."""

    def __init__(self, answer: bool | None) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, _title: str, question: str) -> bool | None:
        self.questions.append(question)
        return self.answer


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan)
    yield opened
    opened.close()


@pytest.fixture
def asker() -> MoveAsker:
    return MoveAsker(False)


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def view(qtbot, plan: Plan, reports: Reports, asker: MoveAsker, stack: QUndoStack) -> TrainView:  # type: ignore[no-untyped-def]
    widget = TrainView(lambda: DEMO_TODAY)
    qtbot.addWidget(widget)
    widget.resize(1500, 640)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_plan(plan, PlanEvents(plan, widget))
    editor = PlanEditor(plan, stack, reports, today=lambda: DEMO_TODAY, ask_move=asker)
    widget.set_editor(editor)
    return widget


def _release(view: TrainView, name: str) -> ReleaseRow:
    assert view.chart.train is not None
    return next(r for r in view.chart.train.releases if r.name == name)


def _drag(view: TrainView, release: ReleaseRow, days: int, drop: bool = True) -> None:
    """Press on the release's bar a few days before its target, move `days` days right (in
    steps, as a hand would), and release there unless `drop` is False."""
    chart = view.chart
    assert release.target_date is not None
    start = chart.lane_point(release.id, release.target_date - dt.timedelta(days=3))
    end = start + QPoint(round(days * chart.scale.day_width), 0)
    viewport = chart.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 5):
        QTest.mouseMove(viewport, start + (end - start) * (step / 4))
    if drop:
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def _targets(plan: Plan, releases: list[ReleaseRow]) -> list[dt.date | None]:
    return [plan.releases.row(r.id).target_date for r in releases]


def _train(view: TrainView) -> list[ReleaseRow]:
    return [_release(view, f"Atlas 3.5.{n}") for n in (1, 2, 3)]


def test_a_drag_shows_a_ghost_with_the_new_day_snapped_to_whole_days(
    view: TrainView, plan: Plan
) -> None:
    first = _train(view)[0]
    assert first.target_date is not None
    view.chart.set_day_width(12.0)
    view.chart.go_to(first.target_date)
    _drag(view, first, 5, drop=False)
    drag = view.chart.drag
    assert drag is not None and drag.started and drag.days == 5
    assert drag.new_target == first.target_date + dt.timedelta(days=5)
    assert drag.caption() == f"Atlas 3.5.1 → {drag.new_target:%a %Y-%m-%d} (+5 d)"
    if SHOTS:
        QApplication.processEvents()
        view.grab().save(str(Path(SHOTS) / "train-drag.png"))
    QTest.keyClick(view.chart, Qt.Key.Key_Escape)
    assert view.chart.drag is None
    assert plan.releases.row(first.id).target_date == first.target_date


@pytest.mark.parametrize("with_rest", [False, True])
def test_a_drop_asks_about_the_later_releases_and_is_one_undo_step(
    view: TrainView, plan: Plan, asker: MoveAsker, stack: QUndoStack, with_rest: bool
) -> None:
    train = _train(view)
    first = train[0]
    assert first.target_date is not None
    before = [plan.releases.row(r.id) for r in train]
    asker.answer = with_rest
    view.chart.set_day_width(12.0)
    view.chart.go_to(first.target_date)
    _drag(view, first, 7)
    moved_to = first.target_date + dt.timedelta(days=7)
    assert len(asker.questions) == 1
    assert asker.questions[0].startswith(f"Atlas 3.5.1 moves to {moved_to.isoformat()}.")
    assert plan.releases.row(first.id).target_date == moved_to
    later = _targets(plan, train[1:])
    if with_rest:
        assert all(new != old.target_date for new, old in zip(later, before[1:], strict=True))
    else:
        assert later == [r.target_date for r in before[1:]]
    assert stack.count() == 1
    stack.undo()
    assert [plan.releases.row(r.id) for r in train] == before


def test_cancel_on_drop_and_a_plain_click_move_nothing(
    view: TrainView, plan: Plan, asker: MoveAsker, stack: QUndoStack
) -> None:
    first = _train(view)[0]
    assert first.target_date is not None
    view.chart.set_day_width(12.0)
    view.chart.go_to(first.target_date)
    asker.answer = None
    _drag(view, first, 4)
    assert asker.questions and stack.count() == 0
    assert plan.releases.row(first.id).target_date == first.target_date
    point = view.chart.lane_point(first.id, first.target_date - dt.timedelta(days=3))
    QTest.mouseClick(view.chart.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert stack.count() == 0 and len(asker.questions) == 1


def test_a_release_of_no_train_does_not_drag(view: TrainView, plan: Plan) -> None:
    assert view.chart.train is not None
    other = next(
        r for r in view.chart.train.releases if r.train_id is None and r.target_date is not None
    )
    assert other.target_date is not None
    view.chart.go_to(other.target_date)
    _drag(view, other, 6, drop=False)
    assert view.chart.drag is None
