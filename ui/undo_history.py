"""The Undo History dock's content: the changes the user can undo, or a hint with no plan open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QStackedWidget, QUndoView, QWidget

from ui.resources import icon

# The row before every change: clicking it undoes them all. This is not the item's recorded
# history (the Properties panel shows that): this list goes when the plan is closed.
AS_OPENED = "Plan as opened"
NO_PLAN_HINT = "No plan is open. The changes you make to a plan show here, to undo."


class UndoHistory(QStackedWidget):
    """A QUndoView over the window's undo stack while a plan is open; a hint otherwise."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QUndoView(stack)
        self.view.setEmptyLabel(AS_OPENED)
        self.view.setCleanIcon(icon("gantry"))
        self.view.setToolTip("Click a row to undo or redo back to it")
        self.hint = QLabel(NO_PLAN_HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.hint.setStyleSheet("color: #6b7280; padding: 8px")
        self.addWidget(self.hint)
        self.addWidget(self.view)

    def set_plan_open(self, is_open: bool) -> None:
        self.setCurrentWidget(self.view if is_open else self.hint)
