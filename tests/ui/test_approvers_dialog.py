"""File › Approvers… on the demo plan: adding an approver and ticking the roles the approval
rules name (undoable), the first PIN typed twice, a reset by the release manager with a
reason in the audit trail, and PIN changes that leave the undo stack alone."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QListWidget
from sqlalchemy import select

from app.audit import AUDIT_TABLE
from app.demo.changes import DEMO_PIN
from app.demo.recipe import TEAM
from app.plan import Plan
from tests.ui.conftest import OpenIn, Reports
from ui.approvers_dialog import NOT_UNDONE, ApproversDialog, PinDialog, PinMode
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("GANTRY_SHOTS")  # a folder: save what the tests show there
NOW = dt.datetime(2026, 11, 30, 15, 0)


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan)
    yield opened
    opened.close()


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def dialog(qtbot, plan: Plan, stack: QUndoStack, reports: Reports) -> ApproversDialog:  # type: ignore[no-untyped-def]
    editor = PlanEditor(plan, stack, reports)
    shown = ApproversDialog(editor, PlanEvents(plan, stack), lambda: NOW)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def _tick(roles: QListWidget, role: str) -> None:
    (item,) = roles.findItems(role, Qt.MatchFlag.MatchExactly)
    item.setCheckState(Qt.CheckState.Checked)


def _pin_dialog(dialog: ApproversDialog) -> PinDialog:
    button = dialog.set_pin if dialog.set_pin.isEnabled() else dialog.change_pin
    button.click()
    assert dialog.pin_dialog is not None and dialog.pin_dialog.isVisible()
    return dialog.pin_dialog


def test_an_approver_is_added_and_given_roles_from_the_rules_with_undo(
    dialog: ApproversDialog, plan: Plan, stack: QUndoStack, reports: Reports
) -> None:
    offered = [dialog.roles.item(i).text() for i in range(dialog.roles.count())]
    assert offered[:3] == plan.approvers.roles_offered()[:3] and "Release manager" in offered
    person = dialog.records.add_record({"name": "Nina Patel"})
    assert person is not None and dialog.selected() == person
    assert dialog.pin_state.text() == "No PIN yet: this person cannot sign until one is set."
    assert dialog.set_pin.isEnabled() and not dialog.change_pin.isEnabled()
    _tick(dialog.roles, "CAB member")
    _tick(dialog.roles, "Service owner")
    assert plan.approvers.roles_of(person) == ("CAB member", "Service owner")
    assert stack.count() == 3 and reports == []
    stack.undo()
    assert plan.approvers.roles_of(person) == ("CAB member",)
    stack.undo()
    stack.undo()
    assert "Nina Patel" not in [r.name for r in plan.approvers.rows()]


def test_the_first_pin_is_typed_twice_and_is_not_undoable(
    qtbot, dialog: ApproversDialog, plan: Plan, stack: QUndoStack
) -> None:  # type: ignore[no-untyped-def]
    person = dialog.records.add_record({"name": "Nina Patel", "roles": "CAB member"})
    assert person is not None
    pins = _pin_dialog(dialog)
    assert pins.mode is PinMode.FIRST and not pins.current.isVisible()
    note = pins.findChild(QLabel, "pinNotUndone")
    assert isinstance(note, QLabel) and note.text() == NOT_UNDONE
    qtbot.keyClicks(pins.pin, "7391")
    qtbot.keyClicks(pins.repeat, "7319")
    pins.ok_button.click()
    assert pins.isVisible()
    assert pins.problems.text() == "The new PIN and its repetition differ"
    pins.repeat.clear()
    qtbot.keyClicks(pins.repeat, "7391")
    pins.ok_button.click()
    assert not pins.isVisible() and plan.approvers.has_pin(person)
    assert dialog.pin_state.text() == "PIN set 30 Nov 2026 15:00 UTC."
    assert dialog.change_pin.isEnabled() and not dialog.set_pin.isEnabled()
    assert stack.count() == 1  # the add; the PIN is not an undo step
    assert "PIN" not in stack.undoText()


def test_a_release_manager_resets_a_forgotten_pin_with_a_reason(
    qtbot, dialog: ApproversDialog, plan: Plan, stack: QUndoStack
) -> None:  # type: ignore[no-untyped-def]
    cab = TEAM["tl"]
    person = next(r.id for r in plan.approvers.rows() if r.name == cab)
    assert dialog.records.select_record(person)
    assert dialog.pin_state.text().startswith("PIN set ")
    pins = _pin_dialog(dialog)
    assert pins.mode is PinMode.CHANGE
    assert pins.current.isEnabled() and not pins.reason.isEnabled()
    pins.reset.click()
    assert not pins.current.isEnabled() and pins.reason.isEnabled()
    qtbot.keyClicks(pins.manager, TEAM["rm"])
    qtbot.keyClicks(pins.manager_pin, DEMO_PIN)
    qtbot.keyClicks(pins.pin, "5150")
    qtbot.keyClicks(pins.repeat, "5150")
    pins.ok_button.click()
    assert pins.problems.text() == "A reset needs a reason; the audit trail keeps it"
    qtbot.keyClicks(pins.reason, "Forgot it after leave")
    pins.ok_button.click()
    assert not pins.isVisible() and stack.count() == 0
    with plan.store.read() as session:
        reasons = list(session.scalars(select(AUDIT_TABLE.c.reason)))
    assert reasons[-1] == (
        f"{TEAM['rm']} (Release manager) reset the approval PIN of {cab}: Forgot it after leave"
    )
    problems = plan.changes.check_decision(1, cab, "5150", "CAB member", "approved", "Ok", "")
    assert "The name and PIN do not match an approver of this plan" not in problems
    if SHOTS:
        QApplication.processEvents()
        dialog.grab().save(str(Path(SHOTS) / "approvers.png"))
        again = _pin_dialog(dialog)
        again.reset.click()
        QApplication.processEvents()
        again.grab().save(str(Path(SHOTS) / "approver-pin-reset.png"))
        again.reject()


def test_the_window_opens_approvers_from_the_file_menu(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    assert not window.menu_actions.approvers.isEnabled()
    open_in(window, demo_plan)
    assert window.menu_actions.approvers.isEnabled()
    window.menu_actions.approvers.trigger()
    (shown,) = window.findChildren(ApproversDialog)
    assert shown.isVisible() and shown.records.model.rowCount() == len(
        window.plan.approvers.rows() if window.plan else []
    )
