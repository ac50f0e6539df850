"""The Checklists tab on the demo plan: the tree model, inline edit, drag to reorder and to
move between sections, copy and paste, filters, undo, and the go/no-go Decide dialog; each
change one undo step that reaches the file and its audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget
from sqlalchemy import select

from app import audit
from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn, Reports, settle
from ui.checklist_tree_model import COLUMNS, STATUS_COLUMN, ChecklistTreeModel
from ui.checklists_view import ChecklistsView
from ui.go_no_go_panel import DecisionDialog
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui


class Tab:
    """The Checklists tab on a plan file, showing the release in flight, with its undo stack."""

    def __init__(self, qtbot, path: Path, reports: Reports) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.plan = Plan.open(path)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.view = ChecklistsView(today=lambda: DEMO_TODAY)
        qtbot.addWidget(self.view)
        self.view.set_plan(self.plan, self.editor, self.events)
        self.release = next(r for r in self.plan.releases.rows() if r.status == "in_progress")
        self.view.show_release(self.release.id)
        self.view.resize(1400, 800)
        self.view.show()
        qtbot.waitExposed(self.view)
        service = self.plan.checklists
        self.go, self.readiness = service.checklists(self.release.id)
        self.quality, self.security = service.sections_of(self.go.id)[:2]

    @property
    def model(self) -> ChecklistTreeModel:
        return self.view.model

    def texts(self, section_id: int) -> list[str]:
        return [i.text for i in self.plan.checklists.items_of(section_id)]

    def index(self, kind: str, record_id: int, column: int = 0) -> QModelIndex:
        index = self.model.index_of(kind, record_id, column)
        assert index.isValid()
        return index

    def last_reason(self) -> str:
        with self.plan.store.read() as session:
            column = audit.AUDIT_TABLE.c
            return str(session.scalar(select(column.reason).order_by(column.id.desc()).limit(1)))

    def close(self) -> None:
        self.view.set_plan(None, None, None)
        self.events.detach()
        self.plan.close()


def _verdict(panel: QWidget) -> str:
    """The decision shown (blocks replaced by a notice are hidden until Qt deletes them)."""
    (shown,) = [
        label for label in panel.findChildren(QLabel, "verdict") if label.isVisibleTo(panel)
    ]
    return shown.text()


@pytest.fixture
def tab(qtbot, demo_plan: Path, reports: Reports) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    opened = Tab(qtbot, demo_plan, reports)
    yield opened
    opened.close()


def test_the_tree_model_passes_the_model_tester(qtmodeltester, tab: Tab) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 2  # go/no-go and readiness
    go = tab.index("checklist", tab.go.id)
    assert tab.model.rowCount(go) == 4
    assert "3/9 done" in tab.model.index(0, STATUS_COLUMN).data()


def test_an_inline_edit_is_one_undo_step_on_file(qtbot, tab: Tab) -> None:  # type: ignore[no-untyped-def]
    item = tab.plan.checklists.items_of(tab.quality.id)[1]
    assert item.status == "open"
    index = tab.index("item", item.id, STATUS_COLUMN)
    tab.view.tree.setCurrentIndex(index)
    tab.view.tree.edit(index)
    editor = tab.view.tree.viewport().findChild(QComboBox)
    assert isinstance(editor, QComboBox)
    editor.setCurrentIndex(editor.findData("done"))
    editor.activated.emit(editor.currentIndex())  # a pick ends the edit, as Enter does

    assert tab.plan.checklists.row(item.id).status == "done"
    assert tab.stack.count() == 1
    assert index.data() == "Done"
    assert "6/9" not in tab.model.index(0, STATUS_COLUMN).data()  # progress followed: 4/9
    tab.stack.undo()
    assert tab.plan.checklists.row(item.id).status == "open"
    assert tab.last_reason().startswith("Undo: Edit status")


def test_a_drop_reorders_within_a_section_as_one_undo_step(tab: Tab) -> None:
    # A real drag runs QDrag.exec's platform loop, which synthesized mouse events do not
    # drive reliably offscreen; the test gives the model what QTreeView's dropEvent gives
    # it: the dragged rows' mime data and the drop position (before the section's first row).
    before = tab.texts(tab.quality.id)
    last = tab.plan.checklists.items_of(tab.quality.id)[-1]
    data = tab.model.mimeData([tab.index("item", last.id)])
    section = tab.index("section", tab.quality.id)
    assert tab.model.canDropMimeData(data, Qt.DropAction.MoveAction, 0, 0, section)
    assert tab.model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, section)

    assert tab.texts(tab.quality.id) == [before[-1], *before[:-1]]
    assert tab.stack.count() == 1 and tab.stack.undoText() == "Move item to Quality"
    assert tab.model.index(0, 0, tab.index("section", tab.quality.id)).data() == before[-1]
    tab.stack.undo()
    assert tab.texts(tab.quality.id) == before


def test_a_drop_on_an_item_moves_the_selection_between_sections(tab: Tab) -> None:
    quality, security = tab.texts(tab.quality.id), tab.texts(tab.security.id)
    moving = tab.plan.checklists.items_of(tab.quality.id)[:2]
    target = tab.plan.checklists.items_of(tab.security.id)[0]
    data = tab.model.mimeData([tab.index("item", i.id) for i in moving])
    # Dropped onto an item (row -1 under it): the items go before it.
    assert tab.model.dropMimeData(
        data, Qt.DropAction.MoveAction, -1, 0, tab.index("item", target.id)
    )
    assert tab.texts(tab.security.id) == [*quality[:2], *security]
    assert tab.texts(tab.quality.id) == quality[2:]
    assert tab.stack.count() == 1
    tab.stack.undo()
    assert (tab.texts(tab.quality.id), tab.texts(tab.security.id)) == (quality, security)
    tab.stack.redo()
    assert tab.texts(tab.security.id)[:2] == quality[:2]
    assert tab.plan.verify_audit().ok


def test_copy_and_paste_between_checklists_with_the_keyboard(qtbot, tab: Tab) -> None:  # type: ignore[no-untyped-def]
    source = tab.plan.checklists.items_of(tab.quality.id)[:2]
    tree = tab.view.tree
    tree.setFocus()
    tree.setCurrentIndex(tab.index("item", source[0].id))
    tree.selectionModel().select(
        tab.index("item", source[1].id),
        tree.selectionModel().SelectionFlag.Select | tree.selectionModel().SelectionFlag.Rows,
    )
    QTest.keySequence(tree, Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_C)
    target = tab.plan.checklists.sections_of(tab.readiness.id)[1]
    tree.setCurrentIndex(tab.index("section", target.id))
    QTest.keySequence(tree, Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_V)

    pasted = tab.plan.checklists.items_of(target.id)[-2:]
    assert [i.text for i in pasted] == [i.text for i in source]
    assert {i.status for i in pasted} == {"open"}
    assert tab.stack.count() == 1 and tab.stack.undoText() == "Paste 2 items"
    tab.stack.undo()
    assert [i.text for i in source][0] not in tab.texts(target.id)


def test_filters_show_blocked_or_mine_and_turn_dragging_off(qtbot, tab: Tab) -> None:  # type: ignore[no-untyped-def]
    view = tab.view
    view.state_filter.setCurrentIndex(view.state_filter.findData("blocked"))
    quality = tab.index("section", tab.quality.id)
    assert tab.model.rowCount(quality) == 1
    assert tab.model.index(0, STATUS_COLUMN, quality).data() == "Blocked"
    assert not view.tree.dragEnabled()
    view.state_filter.setCurrentIndex(view.state_filter.findData("all"))
    qtbot.keyClicks(view.mine, "sre")
    shown = [
        tab.model.index(r, COLUMNS.index("owner_role"), s).data()
        for c in range(tab.model.rowCount())
        for s in (
            tab.model.index(n, 0, tab.model.index(c, 0))
            for n in range(tab.model.rowCount(tab.model.index(c, 0)))
        )
        for r in range(tab.model.rowCount(s))
    ]
    assert shown and set(shown) == {"SRE"}


def test_new_from_template_adds_a_checklist_as_one_undo_step(tab: Tab) -> None:
    made = tab.view.new_from_template("security_review", "Security review")
    assert made is not None and tab.model.rowCount() == 3
    assert tab.plan.checklists.checklist(made).name == "Security review: Atlas 3.5"
    tab.stack.undo()
    assert tab.model.rowCount() == 2
    tab.stack.redo()
    assert tab.plan.checklists.checklist(made).kind == "security_review"


def test_the_decide_dialog_refuses_go_then_records_go_with_exceptions(qtbot, tab: Tab) -> None:  # type: ignore[no-untyped-def]
    panel = tab.view.panel
    seen: list[str] = []

    def fill() -> None:
        dialog = tab.view.findChild(DecisionDialog, "decisionDialog")
        assert dialog is not None
        dialog.decision.setCurrentIndex(dialog.decision.findData("go"))
        dialog.role.setCurrentText("Release manager")
        dialog.accept()  # refused: required items are open; the dialog stays and says why
        seen.append(dialog.problems.text())
        dialog.decision.setCurrentIndex(dialog.decision.findData("go_with_exceptions"))
        dialog.reason.setPlainText("SAML P1s waived for the pilot tenants only")
        dialog.accept()

    QTimer.singleShot(0, fill)
    button = panel.findChild(QPushButton, "decideButton")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert seen and "GO needs every required item" in seen[0]
    (decision,) = tab.plan.checklists.decisions(tab.go.id)
    assert decision.decision == "go_with_exceptions" and decision.role == "Release manager"
    assert decision.person == tab.plan.store.actor
    assert tab.stack.count() == 1
    assert _verdict(panel).startswith("GO with exceptions")
    tab.stack.undo()
    assert tab.plan.checklists.decisions(tab.go.id) == []
    assert tab.plan.verify_audit().ok


def test_the_window_has_the_tab_after_the_release_train_and_follows_the_navigator(
    qtbot, window: MainWindow, open_in: OpenIn, demo_plan: Path
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    settle(qtbot, window)
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs.index("Checklists") == tabs.index("Release train") + 1
    assert window.plan is not None
    shipped = window.plan.releases.find("Atlas 3.4")  # shipped, with its go/no-go on record
    window.navigator.select_release(shipped.id)
    window._navigator_release(shipped.id)
    assert window.checklists_view.release_id == shipped.id
    assert _verdict(window.checklists_view.panel).startswith("GO:")
