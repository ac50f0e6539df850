"""The Changes tab: a change driven from draft through signed approvals to implemented, a
wrong PIN refused in the re-authentication dialog, and the risk matrix filtering the register."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from app.demo.changes import DEMO_PIN
from app.demo.recipe import CAB_CHAIR, TEAM
from tests.ui.conftest import OpenIn, Reports
from ui.approval_dialog import ApprovalDialog
from ui.changes_view import ChangeRequestsPage
from ui.date_edit import DateTimeField
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("GANTRY_SCREENSHOTS")  # a folder to save the tab's pictures in


def _page(window: MainWindow) -> ChangeRequestsPage:
    window.tabs.setCurrentWidget(window.changes_view)
    return window.changes_view.requests


def _button(page: ChangeRequestsPage, name: str) -> QPushButton:
    button = page.findChild(QPushButton, name)
    assert button is not None, name
    return button


def _sign(
    qtbot, page: ChangeRequestsPage, decision: str, entries: list[tuple[str, str, str]]
) -> list[str]:  # type: ignore[no-untyped-def]
    """Click a decision button and type each (name, PIN, role) in turn into the dialog that
    opens; returns the problems the dialog showed before it closed."""
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalDialog):
            QTimer.singleShot(10, fill)
            return
        name, pin, role = entries.pop(0)
        dialog.name.setText(name)
        dialog.pin.setText(pin)
        dialog.role.setCurrentText(role)
        dialog.accept()
        if dialog.isVisible():
            seen.append(dialog.problems.text())
            QTimer.singleShot(0, fill)

    QTimer.singleShot(0, fill)
    _button(page, f"decide_{decision}").click()
    return seen


def test_a_change_goes_from_draft_through_signed_approvals_to_implemented(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    page = _page(window)
    plan = window.plan
    assert plan is not None
    change = plan.changes.find("CHG-2065")  # a normal change of medium risk, in draft
    page.select(change.id)
    assert page.change_id == change.id
    offered = {b.objectName() for b in page.moves_box.findChildren(QPushButton)}
    assert offered == {"move_submitted", "move_cancelled"}  # only valid moves are offered
    assert not _button(page, "decide_approved").isEnabled()

    _button(page, "move_submitted").click()
    assert plan.changes.row(change.id).status == "submitted"
    assert "Release manager" in page.required.text() and "CAB member" in page.required.text()

    problems = _sign(
        qtbot,
        page,
        "approved",
        [(TEAM["rm"], "0000", "Release manager"), (TEAM["rm"], DEMO_PIN, "Release manager")],
    )
    assert problems == ["The name and PIN do not match an approver of this plan"]
    assert plan.changes.row(change.id).status == "submitted"
    _sign(qtbot, page, "approved", [(CAB_CHAIR, DEMO_PIN, "CAB member")])
    assert plan.changes.row(change.id).status == "approved"
    shown = [page.decisions.item(n).text() for n in range(page.decisions.count())]
    assert len(shown) == 2 and all(" UTC: approved — " in text for text in shown)
    assert shown[0].startswith(f"{TEAM['rm']} (Release manager), ")

    _button(page, "move_implemented").click()
    assert plan.changes.row(change.id).status == "implemented"
    assert page.history.count() >= 4 and "Implemented" in page.history.item(0).text()
    if SHOTS:
        window.resize(1500, 900)
        window.grab().save(str(Path(SHOTS) / "changes-tab.png"))

    window.undo_stack.undo()  # one step each: the move, then the second signature
    assert plan.changes.row(change.id).status == "approved"
    window.undo_stack.undo()
    assert plan.changes.row(change.id).status == "submitted"
    assert len(plan.changes.approvals(change.id)) == 1
    assert reports.messages == []
    assert plan.verify_audit().ok


def test_the_matrix_counts_the_register_and_a_cell_filters_it(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    view = window.changes_view
    window.tabs.setCurrentWidget(view)
    view.pages.setCurrentWidget(view.register)
    register = view.register
    in_flight = next(r for r in window.plan.releases.rows() if r.status == "in_progress")  # type: ignore[union-attr]
    register.show_release(in_flight.id)
    total = register.table.rowCount()
    counts = [int(register.matrix.item(r, c).text() or 0) for r in range(5) for c in range(5)]
    assert sum(counts) == total > 3
    row, column = 1, 3  # likelihood 4, impact 4: the SSO risks
    assert register.matrix.cell_of(row, column) == (4, 4)
    register.matrix.cellClicked.emit(row, column)
    assert register.table.rowCount() == counts[row * 5 + column] >= 1
    assert all(
        register.table.item(n, 3).text().startswith("4×4") for n in range(register.table.rowCount())
    )
    if SHOTS:
        window.resize(1500, 900)
        window.grab().save(str(Path(SHOTS) / "risk-register.png"))
    register.show_all.click()
    assert register.table.rowCount() == total


def test_ticking_environments_and_components_is_one_undo_step(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    page = _page(window)
    plan = window.plan
    assert plan is not None
    change = plan.changes.find("CHG-2070")
    page.select(change.id)
    before = plan.changes.links(change.id)
    dialog = page.links_dialog()
    assert dialog is not None
    components = dialog.lists[0]
    for n in range(components.count()):  # tick every component
        components.item(n).setCheckState(Qt.CheckState.Checked)
    chosen = dialog.chosen()
    assert window.editor is not None and window.editor.set_change_links(change.id, *chosen)
    assert plan.changes.links(change.id) == chosen != before
    assert "data-pipeline" in page.touches.text()
    window.undo_stack.undo()
    assert plan.changes.links(change.id) == before


def test_the_planned_window_is_typed_in_the_form_and_undone(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    page = _page(window)
    plan = window.plan
    assert plan is not None
    change = plan.changes.find("CHG-2070")
    page.select(change.id)
    before = plan.changes.row(change.id).window_start
    field = page.form.editor("window_start")
    assert isinstance(field, DateTimeField)
    field.setFocus()
    field.selectAll()
    field.insert("2027-02-20 22:00")
    field.editingFinished.emit()
    assert plan.changes.row(change.id).window_start == dt.datetime(2027, 2, 20, 22, 0)
    window.undo_stack.undo()
    assert plan.changes.row(change.id).window_start == before
