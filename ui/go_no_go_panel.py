"""The go/no-go panel beside the checklist tree: what is still open (required first), who
must decide, what was decided; and the Decide dialog that records a decision."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.checklists import DECISION_FIELDS, GoNoGoStatus

_DECISION_COLOURS = {"go": "#15803d", "no_go": "#b91c1c", "go_with_exceptions": "#b45309"}

# (checklist id, decision, person, role, reason) -> the reasons it would be refused.
DecisionCheck = Callable[[int, str, str, str, str], list[str]]


class DecisionDialog(QDialog):
    """Decision, person, role and reason; OK asks the service's check first and stays open,
    saying why, while the decision would be refused."""

    def __init__(
        self,
        status: GoNoGoStatus,
        check: DecisionCheck,
        person: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Decide: {status.checklist.name}")
        self._status, self._check = status, check
        self.decision = QComboBox()
        for value, label in DECISION_FIELDS["decision"].choices:
            self.decision.addItem(label, value)
        if status.required_open:  # GO is refused then; offer what can be recorded
            self.decision.setCurrentIndex(self.decision.findData("go_with_exceptions"))
        self.person = QLineEdit(person)
        self.person.setPlaceholderText("Who decides")
        self.role = QComboBox()
        self.role.setEditable(True)
        self.role.addItems(list(status.waiting_for or status.deciders))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why; for exceptions, name the open items and the waiver")
        self.reason.setTabChangesFocus(True)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.hide()
        form = QFormLayout()
        form.addRow("Decision", self.decision)
        form.addRow("Decided by", self.person)
        form.addRow("As", self.role)
        form.addRow("Reason", self.reason)
        open_count = len(status.required_open)
        note = QLabel(
            f"{open_count} required item{'s are' if open_count != 1 else ' is'} still open."
            if open_count
            else "Every required item is done or N/A."
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record decision")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(460, 340)

    def values(self) -> Mapping[str, str]:
        return {
            "decision": str(self.decision.currentData()),
            "person": self.person.text(),
            "role": self.role.currentText(),
            "reason": self.reason.toPlainText(),
        }

    @override
    def accept(self) -> None:
        v = self.values()
        problems = self._check(
            self._status.checklist.id, v["decision"], v["person"], v["role"], v["reason"]
        )
        if problems:
            self.problems.setText("\n".join(problems))
            self.problems.show()
            return
        super().accept()


class GoNoGoPanel(QFrame):
    """One block per go/no-go checklist of the release; `decide(checklist id)` asks for the
    Decide dialog."""

    decide = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goNoGoPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 10, 10, 10)
        self._blocks: list[QWidget] = []
        self._layout.addStretch(1)  # blocks go above it
        self.show_statuses([], read_only=True)

    def show_statuses(self, statuses: list[GoNoGoStatus], read_only: bool) -> None:
        for block in self._blocks:
            self._layout.removeWidget(block)
            block.hide()  # deleted later, when the event loop next runs
            block.deleteLater()
        self._blocks = []
        if not statuses:
            hint = QLabel(
                "This release has no go/no-go checklist. Make one with New from template.", self
            )
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #6b7280")
            self._blocks.append(hint)
        for status in statuses:
            self._blocks.append(self._block(status, read_only))
        for block in self._blocks:
            self._layout.insertWidget(self._layout.count() - 1, block)
            block.show()  # now, not when the event loop next runs

    def _block(self, status: GoNoGoStatus, read_only: bool) -> QWidget:
        block = QWidget(self)
        block.setObjectName(f"goNoGo{status.checklist.id}")
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(status.checklist.name)
        title.setStyleSheet("font-weight: 600; font-size: 11pt")
        layout.addWidget(title)
        latest = status.latest
        verdict = QLabel()
        verdict.setObjectName("verdict")
        verdict.setWordWrap(True)
        if latest is None:
            verdict.setText("Not decided yet")
            verdict.setStyleSheet("color: #6b7280")
        else:
            label = DECISION_FIELDS["decision"].choice_label(latest.decision)
            when = latest.decided_at.isoformat(" ", "minutes")
            verdict.setText(f"{label}: {latest.person} ({latest.role}), {when} UTC")
            colour = _DECISION_COLOURS[latest.decision]
            verdict.setStyleSheet(
                f"color: white; background: {colour}; padding: 4px 8px; border-radius: 3px;"
                "font-weight: 600"
            )
            verdict.setToolTip(latest.reason)
        layout.addWidget(verdict)

        required = len(status.required_open)
        optional = len(status.unresolved) - required
        layout.addWidget(
            QLabel(f"Still open: {required} required, {optional} optional")
            if status.unresolved
            else QLabel("Nothing is open")
        )
        still_open = QListWidget()
        still_open.setObjectName("stillOpen")
        still_open.setWordWrap(True)
        still_open.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for item in status.unresolved:
            need = "Required" if item.required else "Optional"
            state = "  [blocked]" if item.status == "blocked" else ""
            row = QListWidgetItem(f"{'●' if item.required else '○'} {item.text}{state}")
            row.setToolTip(f"{need}; {item.owner_role or 'no owner role'}; {item.comment}")
            if item.status == "blocked":
                row.setForeground(QBrush(QColor("#b91c1c")))
            elif not item.required:
                row.setForeground(QBrush(QColor("#6b7280")))
            still_open.addItem(row)
        still_open.setMaximumHeight(min(320, 40 * len(status.unresolved) + 8))
        layout.addWidget(still_open)  # a parent before showing, or it opens as a window
        still_open.setVisible(bool(status.unresolved))

        decided = {d.role.casefold(): d for d in status.decisions}
        roles = [f"{role} ✓" if role.casefold() in decided else role for role in status.deciders]
        who = QLabel(f"Decided by: {', '.join(roles)}" if roles else "Decided by: anyone")
        who.setObjectName("deciders")
        who.setWordWrap(True)
        layout.addWidget(who)
        if len(status.decisions) > 1:
            history = QLabel(
                "\n".join(
                    f"{DECISION_FIELDS['decision'].choice_label(d.decision)} — {d.person}, "
                    f"{d.decided_at.isoformat(' ', 'minutes')}"
                    for d in status.decisions
                )
            )
            history.setStyleSheet("color: #4b5563")
            layout.addWidget(history)
        button = QPushButton("Decide…")
        button.setObjectName("decideButton")
        button.setEnabled(not read_only)
        button.clicked.connect(lambda: self.decide.emit(status.checklist.id))
        layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignLeft)
        return block
