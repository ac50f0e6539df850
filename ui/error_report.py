"""How refused actions reach the user: an injectable reporter, a message box by default."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

# (title, message): message is the GantryError's one user-facing sentence.
ErrorReporter = Callable[[str, str], None]
# (title, question) -> whether the user said yes.
Confirmer = Callable[[str, str], bool]
# (title, question) -> the reason the user gave, or None when they declined.
ReasonAsker = Callable[[str, str], str | None]


def message_box_confirmer(parent: QWidget) -> Confirmer:
    def confirm(title: str, question: str) -> bool:
        answer = QMessageBox.question(
            parent,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    return confirm


def input_dialog_asker(parent: QWidget) -> ReasonAsker:
    """Ask for a reason in a small dialog; None when the user cancels."""

    def ask(title: str, question: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(parent, title, question + "\n\nReason:")
        return text if ok else None

    return ask


def message_box_reporter(parent: QWidget) -> ErrorReporter:
    """Report errors in a warning box, shown once the current event is handled.

    Deferring matters for in-place editing: a modal box opened while a cell editor commits
    would steal its focus and make it commit (and fail) a second time.
    """

    def report(title: str, message: str) -> None:
        QTimer.singleShot(0, parent, lambda: QMessageBox.warning(parent, title, message))

    return report


# (title, refusal, approved change keys) -> the key to proceed under, or None to leave it.
ChangeAsker = Callable[[str, str, Sequence[str]], str | None]
# (title, question) -> True: move the later releases too, False: this one only, None: cancel.
MoveAsker = Callable[[str, str], bool | None]


def train_move_asker(parent: QWidget) -> MoveAsker:
    def ask(title: str, question: str) -> bool | None:
        box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
        box.addButton("Only This One", QMessageBox.ButtonRole.NoRole)
        rest = box.addButton("This and Later", QMessageBox.ButtonRole.YesRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(rest)
        box.exec()
        clicked = box.clickedButton()
        if clicked is cancel:
            return None
        return clicked is rest

    return ask
