"""File › Approvers…: who may sign change decisions, the roles they sign in, and their PINs.

Names and roles are records edited through the PlanEditor (each edit one undo step; the
roles the plan's approval rules name are offered as check boxes). PINs are set in a dialog
of their own, straight through app.approvers: audited, never undone, never shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QItemSelection, Qt, SignalInstance
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.approvers import APPROVER_FIELDS, PIN_RULE, RESET_ROLE, ApproverService
from app.errors import GantryError
from app.unit_of_work import ChangeNotice
from ui.formatting import format_local
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.records_view import RecordPage, RecordsView

NOT_UNDONE = "PIN changes are recorded in the audit trail and cannot be undone."
_ERROR_STYLE = "color: #b91c1c"
_MUTED_STYLE = "color: #6b7280"

APPROVERS_PAGE = RecordPage(
    fields=APPROVER_FIELDS,
    plural="approvers",
    columns=("name", "roles", "pin_set_at"),
    new_record=lambda _today: {"name": "New approver"},
    empty_text="No approvers yet. Add the people who sign change decisions, then their PINs.",
    add_icon="new",
    edit_first="name",
)


class PinMode(Enum):
    FIRST = "first"  # no PIN yet: typed twice
    CHANGE = "change"  # a PIN exists: the current one, or a release manager's reset


def _secret() -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setMaxLength(64)
    return box


class PinDialog(QDialog):
    """Set an approver's first PIN, or change it: with the current PIN, or reset by a
    release manager who confirms their own PIN and gives a reason."""

    def __init__(
        self,
        approvers: ApproverService,
        approver_id: int,
        clock: Callable[[], dt.datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._approvers, self._id, self._clock = approvers, approver_id, clock
        name = approvers.label(approver_id)
        self.mode = PinMode.CHANGE if approvers.has_pin(approver_id) else PinMode.FIRST
        first = self.mode is PinMode.FIRST
        self.setWindowTitle(f"{'Set' if first else 'Change'} the PIN of {name}")
        self.setObjectName("pinDialog")

        self.own = QRadioButton(f"{name} knows the current PIN")
        self.reset = QRadioButton(f"Reset by a {RESET_ROLE.lower()} (the PIN is forgotten)")
        self.own.setChecked(True)
        self.ways = QButtonGroup(self)
        self.ways.addButton(self.own)
        self.ways.addButton(self.reset)
        self.current = _secret()
        self.manager = QLineEdit()
        self.manager.setPlaceholderText(f"Name of a {RESET_ROLE.lower()}")
        self.manager_pin = _secret()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the PIN is reset (kept in the audit trail)")
        self.pin = _secret()
        self.repeat = _secret()
        rule = QLabel(PIN_RULE)
        rule.setObjectName("pinRule")
        rule.setStyleSheet(_MUTED_STYLE)
        rule.setWordWrap(True)
        note = QLabel(NOT_UNDONE)
        note.setObjectName("pinNotUndone")
        note.setStyleSheet(_MUTED_STYLE)
        note.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setObjectName("pinProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(_ERROR_STYLE)
        self.problems.hide()

        form = QFormLayout()
        if not first:
            form.addRow(self.own)
            form.addRow("Current PIN:", self.current)
            form.addRow(self.reset)
            form.addRow(f"{RESET_ROLE}:", self.manager)
            form.addRow("Their PIN:", self.manager_pin)
            form.addRow("Reason:", self.reason)
        form.addRow("New PIN:", self.pin)
        form.addRow("New PIN again:", self.repeat)
        form.addRow(rule)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(
            "Set PIN" if first else "Change PIN", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.ways.buttonToggled.connect(lambda *_args: self._enable())
        self._enable()
        self.setMinimumWidth(460)

    def _enable(self) -> None:
        resetting = self.reset.isChecked()
        self.current.setEnabled(not resetting)
        for box in (self.manager, self.manager_pin, self.reason):
            box.setEnabled(resetting)

    def _apply(self) -> None:
        pins = self._approvers
        at = self._clock()
        try:
            if self.mode is PinMode.FIRST:
                pins.set_first_pin(self._id, self.pin.text(), self.repeat.text(), at)
            elif self.reset.isChecked():
                pins.reset_pin(
                    self._id,
                    self.manager.text(),
                    self.manager_pin.text(),
                    self.pin.text(),
                    self.repeat.text(),
                    self.reason.text(),
                    at,
                )
            else:
                pins.change_pin(
                    self._id, self.current.text(), self.pin.text(), self.repeat.text(), at
                )
        except GantryError as exc:
            self.problems.setText(str(exc))
            self.problems.show()
            return
        self.accept()


class ApproversDialog(QDialog):
    """The plan's approvers: the records page, the roles the rules name, and PIN buttons."""

    def __init__(
        self,
        editor: PlanEditor,
        events: PlanEvents,
        clock: Callable[[], dt.datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Approvers")
        self.setObjectName("approversDialog")
        self.plan = editor.plan
        self._editor, self._clock = editor, clock
        self.approvers = editor.plan.approvers
        self.pin_dialog: PinDialog | None = None

        intro = QLabel(
            "The people who sign decisions on change requests, the roles they sign in, and "
            "their approval PINs. A decision asks for the name and PIN again."
        )
        intro.setWordWrap(True)
        self.records = RecordsView(APPROVERS_PAGE, dt.date.today)
        self.records.set_source(self.approvers, editor, events)

        self.roles = QListWidget()
        self.roles.setObjectName("approverRoles")
        self.roles.itemChanged.connect(self._role_toggled)
        roles_box = QGroupBox("Roles the approval rules name")
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.addWidget(self.roles)
        roles_hint = QLabel("Tick the roles this person signs in; type others in Roles.")
        roles_hint.setWordWrap(True)
        roles_hint.setStyleSheet(_MUTED_STYLE)
        roles_layout.addWidget(roles_hint)

        self.pin_state = QLabel()
        self.pin_state.setObjectName("pinState")
        self.pin_state.setWordWrap(True)
        self.set_pin = QPushButton("Set PIN…")
        self.set_pin.setToolTip("The first PIN of the selected approver, typed twice")
        self.set_pin.clicked.connect(self.open_pin_dialog)
        self.change_pin = QPushButton("Change PIN…")
        self.change_pin.setToolTip(
            f"A new PIN, given the current one, or reset by a {RESET_ROLE.lower()} with a reason"
        )
        self.change_pin.clicked.connect(self.open_pin_dialog)
        note = QLabel(NOT_UNDONE)
        note.setWordWrap(True)
        note.setStyleSheet(_MUTED_STYLE)
        pin_box = QGroupBox("Approval PIN")
        pin_layout = QVBoxLayout(pin_box)
        pin_layout.addWidget(self.pin_state)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.set_pin)
        buttons_row.addWidget(self.change_pin)
        buttons_row.addStretch(1)
        pin_layout.addLayout(buttons_row)
        pin_layout.addWidget(note)

        side = QVBoxLayout()
        side.addWidget(roles_box, 1)
        side.addWidget(pin_box)
        body = QHBoxLayout()
        body.addWidget(self.records, 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(300)
        body.addWidget(side_widget)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.resize(1000, 520)

        self.records.table.selectionModel().selectionChanged.connect(self._selected)
        events.changed.connect(self._changed)
        self.refresh()

    def selected(self) -> int | None:
        return self.records.current_record_id()

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self.refresh()

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches("approvers", "approval_rules"):
            self.refresh()

    def refresh(self) -> None:
        """The roles and PIN state of the selected approver."""
        person = self.selected()
        writable = not self.approvers.read_only and person is not None
        self.roles.blockSignals(True)
        self.roles.clear()
        held = self.approvers.roles_of(person) if person is not None else ()
        for role in dict.fromkeys([*self.approvers.roles_offered(), *held]):
            item = QListWidgetItem(role)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags if writable else Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if role in held else Qt.CheckState.Unchecked)
            self.roles.addItem(item)
        self.roles.blockSignals(False)
        has_pin = person is not None and self.approvers.has_pin(person)
        self.set_pin.setEnabled(writable and not has_pin)
        self.change_pin.setEnabled(writable and has_pin)
        if person is None:
            self.pin_state.setText("Select an approver.")
        elif has_pin:
            when = self.approvers.row(person).pin_set_at
            self.pin_state.setText(f"PIN set {format_local(when)} UTC." if when else "PIN set.")
        else:
            self.pin_state.setText("No PIN yet: this person cannot sign until one is set.")

    def _role_toggled(self, _item: QListWidgetItem) -> None:
        person = self.selected()
        if person is None:
            return
        offered = [self.roles.item(i) for i in range(self.roles.count())]
        ticked = {i.text() for i in offered if i.checkState() == Qt.CheckState.Checked}
        shown = {i.text() for i in offered}
        # Roles typed by hand that the list does not show stay as they are.
        kept = [r for r in self.approvers.roles_of(person) if r not in shown or r in ticked]
        roles = list(dict.fromkeys([*kept, *(i.text() for i in offered if i.text() in ticked)]))
        if not self._editor.set_field(self.approvers, person, "roles", "; ".join(roles)):
            self.refresh()

    def open_pin_dialog(self) -> PinDialog | None:
        person = self.selected()
        if person is None:
            return None
        self.pin_dialog = PinDialog(self.approvers, person, self._clock, self)
        self.pin_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pin_dialog.finished.connect(lambda _r: self.refresh())
        self.pin_dialog.open()
        return self.pin_dialog


def show_approvers(
    window: QWidget,
    editor: PlanEditor,
    events: PlanEvents,
    clock: Callable[[], dt.datetime],
    plan_closed: SignalInstance,
) -> ApproversDialog:
    """The approvers of `editor`'s plan beside `window`: one dialog per plan, which closes
    with the plan."""
    for dialog in window.findChildren(ApproversDialog):
        if dialog.plan is editor.plan:
            break
    else:
        dialog = ApproversDialog(editor, events, clock, window)
        plan_closed.connect(dialog.close)
        plan_closed.connect(dialog.deleteLater)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
