"""The Release notes tab: a release's notes (entries, form, live preview) and its
communication plan (what is due, overdue or sent, with the filled message)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.communications import COMM_FIELDS, DueCommunication, DueState
from app.errors import ValidationError
from app.notes_export import to_html
from app.plan import Plan
from app.release_notes import CATEGORY_LABELS, CATEGORY_ORDER, CATEGORY_TITLES, NOTE_FIELDS
from app.unit_of_work import ChangeNotice
from ui.field_form import FieldForm
from ui.formatting import format_date
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.resources import icon
from ui.view_actions import view_action

ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_COLOURS = {
    DueState.OVERDUE: "#b91c1c",
    DueState.THIS_WEEK: "#b45309",
    DueState.DONE: "#15803d",
    DueState.LATER: "#374151",
    DueState.UNDATED: "#6b7280",
}
_COMM_COLUMNS = ("Due", "State", "Communication", "Audience", "Channel", "Owner", "When")


def _slot(call: Callable[[], object]) -> Callable[[], None]:
    """A toolbar slot for `call`, whose result (what tests check) the toolbar does not need;
    it also keeps `triggered`'s checked flag from reaching a parameter."""

    def slot() -> None:
        call()

    return slot


def _toolbar() -> QToolBar:
    bar = QToolBar()
    bar.setIconSize(QSize(18, 18))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return bar


class MarkItemDialog(QDialog):
    """Choose a work item of the release and the notes category it is marked with."""

    def __init__(self, plan: Plan, release_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark a work item for the release notes")
        self.item = QComboBox()
        self.item.setObjectName("markItem")
        state = plan.state
        for item_id in state.outline(release_id):
            record = state.items[item_id]
            if record.kind != "phase":
                self.item.addItem(f"{record.key}  {record.name}", item_id)
        self.category = QComboBox()
        self.category.setObjectName("markCategory")
        self.category.addItem("Not in the notes", None)
        for category in CATEGORY_ORDER:
            self.category.addItem(CATEGORY_LABELS[category], category)
        self._plan = plan
        self.item.currentIndexChanged.connect(self._show_mark)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "A marked item is drafted into the notes by “Draft from work items”; "
                "the entry can then be rewritten for its readers."
            )
        )
        form.addRow("Work item", self.item)
        form.addRow("Category", self.category)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._show_mark()

    def _show_mark(self) -> None:
        item_id = self.item.currentData()
        if item_id is not None:
            mark = self._plan.notes.mark(int(item_id))
            self.category.setCurrentIndex(max(0, self.category.findData(mark)))

    def choice(self) -> tuple[int, str | None] | None:
        item_id = self.item.currentData()
        return None if item_id is None else (int(item_id), self.category.currentData())


class NotesView(QWidget):
    """A release's notes and communication plan; every change is one undo step through the
    PlanEditor."""

    export_requested = Signal()  # the window asks for a file and writes the notes

    def __init__(
        self,
        today: Callable[[], dt.date],
        clock: Callable[[], dt.datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._clock = clock
        self._plan: Plan | None = None
        self._editor: PlanEditor | None = None
        self._events: PlanEvents | None = None
        self._release_id: int | None = None
        self._note_id: int | None = None
        self._comm_id: int | None = None

        self.release = QComboBox()
        self.release.setObjectName("notesRelease")
        self.release.setMinimumContentsLength(14)
        self.release.currentIndexChanged.connect(self._release_chosen)
        self.audience = QComboBox()
        self.audience.setObjectName("notesAudience")
        self.audience.addItem("Internal (every entry)", "internal")
        self.audience.addItem("Customers (external entries)", "external")
        self.audience.setToolTip(
            "Internal notes show every entry; customers never see internal ones"
        )
        self.audience.currentIndexChanged.connect(lambda _n: self._show_preview())
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 0)
        top.addWidget(QLabel("Release"))
        top.addWidget(self.release)
        top.addSpacing(12)
        top.addWidget(QLabel("Audience"))
        top.addWidget(self.audience)
        top.addStretch(1)

        self.pages = QTabWidget()
        self.pages.setObjectName("notesPages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self._build_notes(), icon("notes"), "Notes")
        self.pages.addTab(self._build_comms(), icon("send"), "Communication plan")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self._update_state()

    # -- building ----------------------------------------------------------------------------

    def _build_notes(self) -> QWidget:
        page = QWidget()
        self.add_note_action = view_action(
            page,
            "Add entry",
            "new",
            "Add a hand-written entry to the release notes",
            ["Ctrl+Shift+N"],
            _slot(self.add_note),
        )
        self.delete_note_action = view_action(
            page,
            "Delete",
            "delete",
            "Delete the selected entry (undo brings it back)",
            ["Del"],
            _slot(self.delete_note),
        )
        self.up_action = view_action(
            page,
            "Up",
            "up",
            "Move the entry up within its category",
            ["Alt+Up"],
            _slot(lambda: self.move_entry(-1)),
        )
        self.down_action = view_action(
            page,
            "Down",
            "down",
            "Move the entry down within its category",
            ["Alt+Down"],
            _slot(lambda: self.move_entry(1)),
        )
        self.mark_action = view_action(
            page, "Mark work item…", "pin", "Mark a work item for the notes", [], self.mark_item
        )
        self.draft_action = view_action(
            page,
            "Draft from work items",
            "task",
            "Add an entry for every marked work item that has none yet",
            [],
            _slot(self.draft),
        )
        self.export_action = view_action(
            page,
            "Export…",
            "save-as",
            "Write the notes as Markdown, HTML or PDF",
            [],
            self.export_requested.emit,
        )
        bar = _toolbar()
        bar.setObjectName("notesToolbar")
        bar.addActions([self.add_note_action, self.delete_note_action])
        bar.addSeparator()
        bar.addActions([self.up_action, self.down_action])
        bar.addSeparator()
        bar.addActions([self.mark_action, self.draft_action])
        bar.addSeparator()
        bar.addAction(self.export_action)

        self.entries = QTreeWidget()
        self.entries.setObjectName("notesEntries")
        self.entries.setHeaderLabels(["Entry", "Audience", "Work item"])
        self.entries.setRootIsDecorated(False)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.entries.header().setStretchLastSection(False)
        self.entries.itemSelectionChanged.connect(self._note_selected)
        self.note_form = FieldForm(NOTE_FIELDS, self._commit_note)
        for name in ("category", "audience", "title", "body"):
            self.note_form.field(name)
        self.note_hint = QLabel("Select an entry to edit it, or add one.")
        self.note_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.note_hint.setStyleSheet("color: #6b7280; padding: 16px")
        self.note_side = QStackedWidget()
        self.note_side.addWidget(self.note_hint)
        self.note_side.addWidget(self.note_form)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.entries)
        left.addWidget(self.note_side)
        left.setSizes([380, 260])
        self.preview = QTextBrowser()
        self.preview.setObjectName("notesPreview")
        self.preview.setOpenLinks(False)  # offline: nothing in notes is fetched or followed
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setSizes([520, 480])
        self.marked = QLabel()
        self.marked.setObjectName("notesMarked")
        self.marked.setStyleSheet("color: #6b7280; padding: 2px 8px")
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(bar)
        box.addWidget(self.marked)
        box.addWidget(split, 1)
        return page

    def _build_comms(self) -> QWidget:
        page = QWidget()
        self.add_comm_action = view_action(
            page,
            "Add communication",
            "new",
            "Plan a message to an audience",
            ["Ctrl+Shift+N"],
            _slot(self.add_comm),
        )
        self.delete_comm_action = view_action(
            page,
            "Delete",
            "delete",
            "Delete the selected communication (undo brings it back)",
            ["Del"],
            _slot(self.delete_comm),
        )
        self.sent_action = view_action(
            page,
            "Mark sent",
            "send",
            "Record that it was sent, by you, now; again to take the mark back",
            [],
            _slot(self.toggle_sent),
        )
        bar = _toolbar()
        bar.setObjectName("commsToolbar")
        bar.addActions([self.add_comm_action, self.delete_comm_action])
        bar.addSeparator()
        bar.addAction(self.sent_action)
        self.comms = QTreeWidget()
        self.comms.setObjectName("commsList")
        self.comms.setHeaderLabels(list(_COMM_COLUMNS))
        self.comms.setRootIsDecorated(False)
        self.comms.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.comms.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.comms.header().setStretchLastSection(False)
        self.comms.itemSelectionChanged.connect(self._comm_selected)
        self.comm_summary = QLabel()
        self.comm_summary.setObjectName("commsSummary")
        self.comm_summary.setStyleSheet("color: #374151; padding: 2px 8px")
        self.comm_form = self._comm_form()
        self.comm_hint = QLabel("Select a communication to edit it and see its message.")
        self.comm_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.comm_hint.setStyleSheet("color: #6b7280; padding: 16px")
        self.comm_side = QStackedWidget()
        self.comm_side.addWidget(self.comm_hint)
        self.comm_side.addWidget(self.comm_form)
        self.message = QTextBrowser()
        self.message.setObjectName("commsMessage")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.comm_side)
        right.addWidget(self.message)
        right.setSizes([420, 200])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.comms)
        split.addWidget(right)
        split.setSizes([640, 360])
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(bar)
        box.addWidget(self.comm_summary)
        box.addWidget(split, 1)
        return page

    def _comm_form(self) -> FieldForm:
        form = FieldForm(COMM_FIELDS, self._commit_comm, self._comm_options)
        for name in (
            "title",
            "audience",
            "channel",
            "owner",
            "offset_days",
            "day_basis",
            "anchor",
            "milestone_id",
            "template",
            "done_at",
            "done_by",
        ):
            form.field(name)
        return form

    def _comm_options(self, name: str) -> list[tuple[Any, str]]:
        if name == "milestone_id":
            found = (
                self._plan.communications.milestones(self._release_id)
                if (self._plan is not None and self._release_id is not None)
                else []
            )
            return [(None, "—"), *found]
        return list(COMM_FIELDS[name].choices)

    # -- plan ------------------------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self.apply_change)
        self._plan, self._editor, self._events = plan, editor, events
        if events is not None:
            events.changed.connect(self.apply_change)
        self._release_id = None
        self._fill_releases()

    def show_release(self, release_id: int | None) -> None:
        index = self.release.findData(release_id)
        if index >= 0:
            self.release.setCurrentIndex(index)

    @property
    def release_id(self) -> int | None:
        return self._release_id

    @property
    def audience_choice(self) -> str:
        return str(self.audience.currentData())

    def _fill_releases(self) -> None:
        plan = self._plan
        self.release.blockSignals(True)
        self.release.clear()
        if plan is not None:
            for release_id in plan.state.release_order:
                self.release.addItem(plan.state.releases[release_id].name, release_id)
        self.release.blockSignals(False)
        keep = self.release.findData(self._release_id)
        self.release.setCurrentIndex(keep if keep >= 0 else (0 if self.release.count() else -1))
        self._release_chosen()

    def _release_chosen(self, *_args: object) -> None:
        data = self.release.currentData()
        changed = data != self._release_id
        self._release_id = int(data) if data is not None else None
        if changed:
            self._note_id = self._comm_id = None
            self._replace_comm_form()  # its milestone choice lists this release's milestones
        self._refresh()

    def _replace_comm_form(self) -> None:
        old, self.comm_form = self.comm_form, self._comm_form()
        self.comm_side.removeWidget(old)
        old.deleteLater()
        self.comm_side.addWidget(self.comm_form)

    def apply_change(self, notice: ChangeNotice) -> None:
        if self._plan is None:
            return
        if notice.touches("releases"):
            self._fill_releases()
            return
        # Each page rebuilds only for what it shows: a release's notes and plan are a few
        # dozen rows, but the preview of a long release's notes takes a moment to lay out.
        if notice.touches("release_notes", "work_items"):  # items: their keys and marks
            self._show_entries()
            self._show_note()
            self._show_preview()
        if notice.derived or notice.touches("communications", "work_items", "calendar_entries"):
            # the schedule moves the milestones, holidays the working days, they count from
            self._show_comms()
            self._show_comm()
        self._update_state()

    # -- showing -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        self._show_entries()
        self._show_note()
        self._show_preview()
        self._show_comms()
        self._show_comm()
        self._update_state()

    def _show_entries(self) -> None:
        plan, release_id = self._plan, self._release_id
        self.entries.blockSignals(True)
        self.entries.clear()
        selected: QTreeWidgetItem | None = None
        if plan is not None and release_id is not None:
            entries = plan.notes.entries(release_id)
            for category in CATEGORY_ORDER:
                mine = sorted(
                    (e for e in entries if e.category == category), key=lambda e: (e.position, e.id)
                )
                if not mine:
                    continue
                heading = QTreeWidgetItem([CATEGORY_TITLES[category]])
                font = heading.font(0)
                font.setBold(True)
                heading.setFont(0, font)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.entries.addTopLevelItem(heading)
                for entry in mine:
                    row = QTreeWidgetItem(
                        [
                            f"    {entry.title}",
                            "Internal only" if entry.audience == "internal" else "Customers",
                            entry.key,
                        ]
                    )
                    row.setData(0, ID_ROLE, entry.id)
                    if entry.audience == "internal":
                        row.setForeground(1, QBrush(QColor("#92400e")))
                    self.entries.addTopLevelItem(row)
                    if entry.id == self._note_id:
                        selected = row
            marked = plan.notes.marked_items(release_id)
            self.marked.setText(
                f"{len(marked)} marked work item{'' if len(marked) == 1 else 's'} "
                "not in the notes yet: " + ", ".join(m.key for m in marked)
                if marked
                else "Every work item marked for the notes has its entry."
            )
        else:
            self.marked.setText("")
        if selected is not None:
            self.entries.setCurrentItem(selected)
        else:
            self._note_id = None
        self.entries.blockSignals(False)
        self.entries.resizeColumnToContents(1)
        self.entries.resizeColumnToContents(2)

    def _show_note(self) -> None:
        plan, note_id = self._plan, self._note_id
        if plan is None or note_id is None:
            self.note_side.setCurrentWidget(self.note_hint)
            return
        row = plan.notes.records.row(note_id)
        self.note_form.title.setText(row.title)
        self.note_form.subtitle.setText("Release note")
        self.note_form.fill(row, plan.read_only)
        self.note_side.setCurrentWidget(self.note_form)

    def _show_preview(self) -> None:
        plan, release_id = self._plan, self._release_id
        if plan is None or release_id is None:
            self.preview.clear()
            return
        name = plan.settings.values().name or plan.path.stem
        document = plan.notes.document(release_id, self.audience_choice, name)
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(to_html(document, standalone=False))
        self.preview.verticalScrollBar().setValue(scroll)

    def listing(self) -> list[DueCommunication]:
        if self._plan is None or self._release_id is None:
            return []
        return self._plan.communications.listing(self._today(), self._release_id)

    def _show_comms(self) -> None:
        self.comms.blockSignals(True)
        self.comms.clear()
        selected: QTreeWidgetItem | None = None
        listing = self.listing()
        for comm in listing:
            row = QTreeWidgetItem(
                [
                    format_date(comm.due) if comm.due else "—",
                    str(comm.state).capitalize(),
                    comm.title,
                    comm.audience_label,
                    comm.channel_label,
                    comm.owner,
                    comm.when,
                ]
            )
            row.setData(0, ID_ROLE, comm.id)
            row.setForeground(1, QBrush(QColor(STATE_COLOURS[comm.state])))
            if comm.state == DueState.DONE and comm.done_at is not None:
                row.setToolTip(1, f"Sent by {comm.done_by}, {comm.done_at:%Y-%m-%d %H:%M}")
            self.comms.addTopLevelItem(row)
            if comm.id == self._comm_id:
                selected = row
        if selected is not None:
            self.comms.setCurrentItem(selected)
        else:
            self._comm_id = None
        self.comms.blockSignals(False)
        for column in (0, 1, 3, 4, 5, 6):
            self.comms.resizeColumnToContents(column)
        states = [c.state for c in listing]
        self.comm_summary.setText(
            f"{states.count(DueState.OVERDUE)} overdue · "
            f"{states.count(DueState.THIS_WEEK)} due this week · "
            f"{states.count(DueState.LATER)} later · {states.count(DueState.DONE)} sent"
            if listing
            else "No communications planned for this release yet."
        )
        due = states.count(DueState.OVERDUE) + states.count(DueState.THIS_WEEK)
        self.pages.setTabText(1, f"Communication plan ({due} due)" if due else "Communication plan")

    def _show_comm(self) -> None:
        plan, comm_id = self._plan, self._comm_id
        if plan is None or comm_id is None:
            self.comm_side.setCurrentWidget(self.comm_hint)
            self.message.clear()
            return
        row = plan.communications.records.row(comm_id)
        self.comm_form.title.setText(row.title)
        self.comm_form.subtitle.setText("Communication")
        self.comm_form.fill(row, plan.read_only)
        self.comm_side.setCurrentWidget(self.comm_form)
        try:
            self.message.setPlainText(plan.communications.message(comm_id))
        except ValidationError as exc:
            self.message.setPlainText(f"The message cannot be filled: {exc}")

    def _update_state(self) -> None:
        writable = self._plan is not None and not self._plan.read_only
        has_release = writable and self._release_id is not None
        self.add_note_action.setEnabled(has_release)
        self.delete_note_action.setEnabled(has_release and self._note_id is not None)
        self.up_action.setEnabled(has_release and self._note_id is not None)
        self.down_action.setEnabled(has_release and self._note_id is not None)
        self.mark_action.setEnabled(has_release)
        marked = (
            self._plan.notes.marked_items(self._release_id)
            if self._plan is not None and self._release_id is not None
            else []
        )
        self.draft_action.setEnabled(has_release and bool(marked))
        self.export_action.setEnabled(self._plan is not None and self._release_id is not None)
        self.add_comm_action.setEnabled(has_release)
        self.delete_comm_action.setEnabled(has_release and self._comm_id is not None)
        sent = (
            self._comm_id is not None
            and self._plan is not None
            and self._plan.communications.records.row(self._comm_id).done_at is not None
        )
        self.sent_action.setText("Mark not sent" if sent else "Mark sent")
        self.sent_action.setEnabled(has_release and self._comm_id is not None)

    # -- selection ---------------------------------------------------------------------------

    def _selected_id(self, tree: QTreeWidget) -> int | None:
        item = tree.currentItem()
        value = item.data(0, ID_ROLE) if item is not None and item.isSelected() else None
        return int(value) if value is not None else None

    def _note_selected(self) -> None:
        self._note_id = self._selected_id(self.entries)
        self._show_note()
        self._update_state()

    def _comm_selected(self) -> None:
        self._comm_id = self._selected_id(self.comms)
        self._show_comm()
        self._update_state()

    def select_note(self, note_id: int) -> None:
        self._note_id = note_id
        self._refresh()

    def select_comm(self, comm_id: int) -> None:
        self._comm_id = comm_id
        self._refresh()

    # -- edits -------------------------------------------------------------------------------

    def add_note(self, values: dict[str, Any] | None = None) -> int | None:
        plan, editor, release_id = self._plan, self._editor, self._release_id
        if plan is None or editor is None or release_id is None or plan.read_only:
            return None
        chosen = {"category": "feature", "title": "New entry", **(values or {})}
        category = str(chosen["category"])
        chosen.update(
            release_id=release_id, position=plan.notes.next_position(release_id, category)
        )
        note_id = editor.add_record(plan.notes.records, chosen)
        if note_id is not None:
            self.select_note(note_id)
            self.pages.setCurrentIndex(0)
        return note_id

    def delete_note(self) -> bool:
        if self._plan is None or self._editor is None or self._note_id is None:
            return False
        return self._editor.delete_record(self._plan.notes.records, self._note_id)

    def move_entry(self, step: int) -> bool:
        if self._editor is None or self._note_id is None:
            return False
        return self._editor.move_note(self._note_id, step)

    def draft(self) -> list[int]:
        if self._editor is None or self._release_id is None:
            return []
        return self._editor.draft_notes(self._release_id)

    def mark_item(self) -> None:
        if self._plan is None or self._editor is None or self._release_id is None:
            return
        dialog = MarkItemDialog(self._plan, self._release_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            choice = dialog.choice()
            if choice is not None:
                self._editor.mark_for_notes(*choice)

    def _commit_note(self, name: str, value: Any) -> bool:
        if self._plan is None or self._editor is None or self._note_id is None:
            return False
        return self._editor.set_field(self._plan.notes.records, self._note_id, name, value)

    def add_comm(self, values: dict[str, Any] | None = None) -> int | None:
        plan, editor, release_id = self._plan, self._editor, self._release_id
        if plan is None or editor is None or release_id is None or plan.read_only:
            return None
        chosen = {
            "title": "New communication",
            "offset_days": -2,
            "template": "{release} ships on {target}.",
            **(values or {}),
            "release_id": release_id,
        }
        comm_id = editor.add_record(plan.communications.records, chosen)
        if comm_id is not None:
            self.select_comm(comm_id)
            self.pages.setCurrentIndex(1)
        return comm_id

    def delete_comm(self) -> bool:
        if self._plan is None or self._editor is None or self._comm_id is None:
            return False
        return self._editor.delete_record(self._plan.communications.records, self._comm_id)

    def toggle_sent(self) -> bool:
        plan, editor, comm_id = self._plan, self._editor, self._comm_id
        if plan is None or editor is None or comm_id is None:
            return False
        if plan.communications.records.row(comm_id).done_at is not None:
            return editor.mark_sent(comm_id, "", None)
        now = self._clock().replace(microsecond=0)
        return editor.mark_sent(comm_id, plan.store.actor, now)

    def _commit_comm(self, name: str, value: Any) -> bool:
        if self._plan is None or self._editor is None or self._comm_id is None:
            return False
        return self._editor.set_field(self._plan.communications.records, self._comm_id, name, value)
