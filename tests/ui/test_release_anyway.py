"""Marking a release released over open go/no-go items: asked for a reason, one undo step."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from app.plan import Plan
from tests.ui.conftest import Reports
from ui.plan_editor import PlanEditor

pytestmark = pytest.mark.gui


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan)
    yield opened
    opened.close()


class Asker:
    """Answers the reason question as a user would, and keeps what it was asked."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, _title: str, question: str) -> str | None:
        self.questions.append(question)
        return self.answer


def _in_flight(plan: Plan) -> int:
    return next(r.id for r in plan.releases.rows() if r.status == "in_progress")


def test_declining_to_give_a_reason_leaves_the_release_as_it_was(
    qtbot, plan: Plan, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    stack, ask = QUndoStack(), Asker(None)
    editor = PlanEditor(plan, stack, reports, ask)
    release = _in_flight(plan)
    held = plan.releases.held_by(release)
    assert held  # the demo's in-flight release has required go/no-go items open
    assert not editor.set_release_field(release, "status", "shipped")
    assert all(item in ask.questions[0] for item in held)
    assert plan.releases.row(release).status == "in_progress" and stack.count() == 0
    ask.answer = "   "
    assert not editor.set_release_field(release, "status", "shipped")
    assert reports.messages == ["Releasing over what holds a release needs a reason."]
    assert plan.releases.row(release).status == "in_progress" and stack.count() == 0


def test_a_reason_releases_it_records_why_and_undo_takes_it_back(
    qtbot, plan: Plan, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    stack = QUndoStack()
    editor = PlanEditor(plan, stack, reports, Asker("CAB accepted the open items (CHG-42)"))
    release = _in_flight(plan)
    held = plan.releases.held_by(release)
    assert editor.set_release_field(release, "status", "shipped")
    assert plan.releases.row(release).status == "shipped" and stack.count() == 1
    reason = _last_release_reason(plan)
    assert "CHG-42" in reason and held[0] in reason
    stack.undo()
    assert plan.releases.row(release).status == "in_progress"
    assert plan.verify_audit().ok and reports == []


def _last_release_reason(plan: Plan) -> str:
    """The reason of the latest audit event about a release, as the file holds it."""
    with sqlite3.connect(plan.path) as conn:
        (reason,) = conn.execute(
            "SELECT reason FROM audit_events WHERE entity = 'releases' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(reason)
