"""The re-authentication dialog that signs a decision on a change: name, PIN, role, meaning."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.changes import DECISION_LABELS, MEANINGS

# (approver, pin, role, decision, meaning, comment) -> every reason it would be refused
Check = Callable[[str, str, str, str, str, str], list[str]]


class ApprovalDialog(QDialog):
    """Asks who signs and their PIN again; stays open with the reasons while it is refused,
    so the approver keeps what they typed."""

    def __init__(
        self,
        change: str,
        decision: str,
        roles: Sequence[str],
        name: str,
        check: Check,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("approvalDialog")
        self.setWindowTitle(f"{DECISION_LABELS[decision]} {change}")
        self.decision = decision
        self._check = check
        intro = QLabel(
            f"Sign “{DECISION_LABELS[decision].lower()}” on {change}. Confirm who you are with "
            "your name and approval PIN; the signature is recorded with its meaning and time."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setObjectName("approverName")
        self.pin = QLineEdit()
        self.pin.setObjectName("approverPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        self.role.setObjectName("approverRole")
        self.role.addItems(list(roles))
        self.meaning = QComboBox()
        self.meaning.setObjectName("signatureMeaning")
        self.meaning.setEditable(True)
        self.meaning.addItems(list(MEANINGS))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("approvalComment")
        self.comment.setPlaceholderText(
            "The conditions, or why it is rejected" if decision != "approved" else "Optional"
        )
        self.comment.setMaximumHeight(80)
        self.problems = QLabel()
        self.problems.setObjectName("approvalProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Approval PIN", self.pin)
        form.addRow("Signing as", self.role)
        form.addRow("Meaning", self.meaning)
        form.addRow("Comment", self.comment)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        (self.pin if name else self.name).setFocus()

    def values(self) -> dict[str, str]:
        return {
            "approver": self.name.text(),
            "pin": self.pin.text(),
            "role": self.role.currentText(),
            "decision": self.decision,
            "meaning": self.meaning.currentText(),
            "comment": self.comment.toPlainText(),
        }

    @override
    def accept(self) -> None:
        v = self.values()
        problems = self._check(
            v["approver"], v["pin"], v["role"], v["decision"], v["meaning"], v["comment"]
        )
        if problems:
            self.problems.setText("\n".join(problems))
            self.pin.clear()  # a refused PIN is typed again
            return
        super().accept()
