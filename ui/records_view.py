"""A generic records page: Add, Delete and a filter over the records table, a form beside it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QMetaObject,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.calendar_entries import CALENDAR_ENTRIES
from app.fields import FieldKind, FieldSet
from app.records import Record, RecordService
from app.unit_of_work import ChangeNotice
from ui.date_edit import WIDE_VALUE
from ui.field_form import FieldForm
from ui.field_widgets import display
from ui.formatting import format_date, format_local
from ui.header_menu import install_column_menu
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.record_delegate import RecordDelegate
from ui.record_table_model import RECORD_ID_ROLE, Markers, RecordTableModel
from ui.resources import icon

_PADDING = 18  # a header section's padding and a little air
_ICON = 22  # a marker swatch and its gap
FORM_WIDTH = 270  # the form beside the table, at first


@dataclasses.dataclass(frozen=True, slots=True)
class RecordPage:
    """How one record type shows as a page: the declaration a coming editor adds."""

    fields: FieldSet
    plural: str  # "calendar entries"
    columns: tuple[str, ...]  # the table's; the form shows every field
    new_record: Callable[[dt.date], Mapping[str, Any]]  # what Add creates, given today
    empty_text: str
    add_icon: str = "new"
    markers: Markers = dataclasses.field(default_factory=dict)  # colour swatches, e.g. per kind
    edit_first: str = "name"  # the field Add opens for typing


class RecordsFilter(QSortFilterProxyModel):
    """Keeps the rows in scope whose shown text contains the filter text (any column, any
    case); leaves the row order to RecordTableModel.sort()."""

    def __init__(self, model: RecordTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.scope: Callable[[int], bool] | None = None  # which record ids the page shows
        self.setSourceModel(model)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def in_scope(self, record_id: int) -> bool:
        return self.scope is None or self.scope(record_id)

    @override
    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return self.in_scope(self._model.id_at(source_row)) and super().filterAcceptsRow(
            source_row, source_parent
        )

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._model.sort(column, order)


class RecordsView(QWidget):
    """One record type's page; every change goes through the PlanEditor (one undo step)."""

    def __init__(
        self, page: RecordPage, today: Callable[[], dt.date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.page = page
        self._today = today
        self._source: RecordService | None = None
        self._editor: PlanEditor | None = None
        self._connection: QMetaObject.Connection | None = None
        self._record_id: int | None = None
        noun = page.fields.noun
        self.model = RecordTableModel(page.fields, page.columns, self, page.markers)
        self.proxy = RecordsFilter(self.model, self)

        self.add_action = QAction(icon(page.add_icon), f"Add {noun.title()}", self)
        self.add_action.setIconText("Add")
        self.add_action.setToolTip(f"Add a {noun} and type its {page.fields[page.edit_first].noun}")
        self.add_action.triggered.connect(lambda: self.add_record())
        self.delete_action = QAction(icon("delete"), f"Delete {noun.title()}", self)
        self.delete_action.setIconText("Delete")
        self.delete_action.setToolTip(f"Delete the selected {noun} (Del; undo brings it back)")
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.addAction(self.delete_action)

        self.count = QLabel()
        self.count.setObjectName("recordsCount")
        self.count.setStyleSheet("color: #6b7280; padding: 0 8px")
        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("recordsFilter")
        self.filter_box.setPlaceholderText(f"Filter {page.plural}…")
        self.filter_box.setToolTip(f"Show only {page.plural} whose text contains this")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.addAction(icon("filter"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_box.setMaximumWidth(280)
        self.filter_box.textChanged.connect(self._filter)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("recordsToolbar")
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.add_action, self.delete_action])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.count)
        self.toolbar.addWidget(self.filter_box)

        self.table = self._build_table()
        self.empty = QLabel()
        self.empty.setObjectName("recordsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #6b7280; font-size: 11pt; padding: 24px")
        self.table_or_empty = QStackedWidget()
        self.table_or_empty.addWidget(self.table)
        self.table_or_empty.addWidget(self.empty)

        self.hint = QLabel(f"Select a {noun} to see and edit all of its fields.")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.hint.setStyleSheet("color: #6b7280; padding: 24px 12px")
        self.form = self._build_form()
        self.form_or_hint = QStackedWidget()
        self.form_or_hint.addWidget(self.hint)
        self.form_or_hint.addWidget(self.form)
        side = QScrollArea()
        side.setObjectName("recordsForm")
        side.setWidgetResizable(True)
        side.setFrameShape(QFrame.Shape.NoFrame)
        side.setWidget(self.form_or_hint)
        side.setMinimumWidth(240)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table_or_empty)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([10_000, FORM_WIDTH])  # the table takes what the form leaves

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.table)
        self.proxy.modelReset.connect(self._update_state)
        self.proxy.rowsInserted.connect(self._update_state)
        self.proxy.rowsRemoved.connect(self._update_state)
        self._update_state()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("recordsTable")
        table.setItemDelegate(RecordDelegate(table))
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        table.setSortingEnabled(True)
        first = self.model.column_of(self.page.edit_first)
        install_column_menu(header, always_shown=(first,) if first is not None else ())
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _build_form(self) -> FieldForm:
        form = FieldForm(self.page.fields, self._commit, self._options)
        for field in self.page.fields:
            form.field(field.name)
        return form

    def _options(self, name: str) -> list[tuple[Any, str]]:
        return self._source.options(name) if self._source is not None else []

    def fit_columns(self) -> None:
        """Each column as wide as its values and header; the first field Add edits (the name)
        takes the room that is left."""
        header = self.table.horizontalHeader()
        bold = QFont(header.font())
        bold.setBold(True)
        title = QFontMetrics(bold)
        text = self.table.fontMetrics()
        for column, field in enumerate(self.model.columns):
            if field.name == self.page.edit_first:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            if field.kind in (FieldKind.CHOICE, FieldKind.REFERENCE):
                samples = [label for _value, label in self.model.options(field)]
            elif field.kind == FieldKind.DATE:
                samples = [format_date(dt.date(2027, 9, 30))]  # a wide date
            elif field.kind == FieldKind.DATETIME:
                samples = [format_local(WIDE_VALUE)]
            elif field.kind == FieldKind.TIME:
                samples = ["00:00"]
            else:
                samples = ["0" * 16]
            content = max((text.horizontalAdvance(s) for s in samples), default=0)
            if field.name in self.page.markers:
                content += _ICON
            header.resizeSection(
                column, max(content, title.horizontalAdvance(field.label)) + _PADDING
            )

    # -- plan ------------------------------------------------------------------------------

    def set_source(
        self, source: RecordService | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        """Show a plan's records (None: no plan); `events` brings its change notices."""
        if self._connection is not None:
            QObject.disconnect(self._connection)
            self._connection = None
        self._source, self._editor = source, editor
        if events is not None:
            self._connection = events.changed.connect(self.apply_change)
        self._record_id = None
        self._replace_form()  # its combos offer this plan's references
        self.model.set_source(source, editor)
        self.fit_columns()
        self._update_state()

    def _replace_form(self) -> None:
        old, self.form = self.form, self._build_form()
        self.form_or_hint.removeWidget(old)
        old.deleteLater()
        self.form_or_hint.addWidget(self.form)
        self._show_form()

    def set_scope(self, keep: Callable[[Record], bool] | None) -> None:
        """Show only the records `keep` accepts (a release's rows, say); None shows all."""

        def in_scope(record_id: int) -> bool:
            return keep is None or self._source is None or keep(self._source.row(record_id))

        self.proxy.scope = in_scope
        self.proxy.invalidate()
        self._update_state()

    @property
    def read_only(self) -> bool:
        return self.model.read_only

    def apply_change(self, notice: ChangeNotice) -> None:
        entity = self.page.fields.entity
        references = [f.reference for f in self.page.fields if f.kind == FieldKind.REFERENCE]
        if any(notice.structural(reference) for reference in references):
            self._replace_form()  # a reference came or went: the form's combos offer it
        selected = self.current_record_id()
        self.model.apply_change(notice)
        if notice.structural(entity) and selected is not None:
            self.select_record(selected)
        if self._record_id in notice.ids(entity) or notice.touches(*references):
            self._show_form()
        self._update_state()

    # -- selection -------------------------------------------------------------------------

    def current_record_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(RECORD_ID_ROLE)
        return int(value) if value is not None else None

    def select_record(self, record_id: int) -> bool:
        """Select and show a record's row (clearing the filter if it hides the row)."""
        row = self.model.row_of(record_id)
        if row is None:
            return False
        source = self.model.index(row, 0)
        if not self.proxy.mapFromSource(source).isValid() and self.filter_box.text():
            self.filter_box.clear()
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def edit_field(self, record_id: int, name: str) -> None:
        """Select a record and open its cell of field `name` for typing."""
        column = self.model.column_of(name)
        if self.select_record(record_id) and column is not None:
            index = self.table.currentIndex().siblingAtColumn(column)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._record_id = self.current_record_id()
        self._show_form()
        self._update_actions()

    def _show_form(self) -> None:
        source, record_id = self._source, self._record_id
        if source is None or record_id is None:
            self.form_or_hint.setCurrentWidget(self.hint)
            return
        try:
            row = source.row(record_id)
        except KeyError:  # deleted meanwhile
            self._record_id = None
            self.form_or_hint.setCurrentWidget(self.hint)
            return
        first = self.page.fields[self.page.edit_first]
        # As the table shows it: a referenced record's name, a date as dates read.
        self.form.title.setText(display(first, getattr(row, first.name), self._options(first.name)))
        self.form.subtitle.setText(self.page.fields.noun.capitalize())
        self.form.fill(row, self.read_only)
        self.form_or_hint.setCurrentWidget(self.form)

    # -- edits -----------------------------------------------------------------------------

    def add_record(self, values: Mapping[str, Any] | None = None) -> int | None:
        """Add a record (the page's new record of today unless `values` are given), select it
        and open its first field for typing; None when refused or read-only."""
        if self._editor is None or self._source is None or self.read_only:
            return None
        chosen = values if values is not None else self.page.new_record(self._today())
        record_id = self._editor.add_record(self._source, chosen)
        if record_id is not None:
            self.edit_field(record_id, self.page.edit_first)
        return record_id

    def delete_selected(self) -> bool:
        """Delete the selected record at once (undo brings it back) and select the next one."""
        record_id = self.current_record_id()
        if self._editor is None or self._source is None or record_id is None or self.read_only:
            return False
        row = self.table.currentIndex().row()
        if not self._editor.delete_record(self._source, record_id):
            return False
        count = self.proxy.rowCount()
        if count:
            self.table.selectRow(min(row, count - 1))
        return True

    def _commit(self, name: str, value: Any) -> bool:
        if self._editor is None or self._source is None or self._record_id is None:
            return False
        return self._editor.set_field(self._source, self._record_id, name, value)

    # -- state -----------------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_state()

    def _update_state(self, *_args: QModelIndex | QPersistentModelIndex | int) -> None:
        """The empty text or the table, the count, and what may be done now."""
        in_scope = self.proxy.in_scope
        total = sum(in_scope(self.model.id_at(n)) for n in range(self.model.rowCount()))
        shown = self.proxy.rowCount()
        needle = self.filter_box.text().strip()
        plural = self.page.plural
        if self._source is None:
            self.empty.setText("")
        elif not total:
            self.empty.setText(self.page.empty_text)
        else:
            self.empty.setText(f"No {plural} contain “{needle}”.")
        self.table_or_empty.setCurrentWidget(self.table if shown else self.empty)
        counted = self.page.fields.noun if total == 1 else plural
        if self._source is None:
            self.count.setText("")
        else:
            self.count.setText(
                f"{shown:,} of {total:,} {counted}" if needle else f"{total:,} {counted}"
            )
        self._update_actions()

    def _update_actions(self) -> None:
        writable = self._source is not None and not self.read_only
        self.add_action.setEnabled(writable)
        self.delete_action.setEnabled(writable and self.current_record_id() is not None)


def _new_holiday(today: dt.date) -> dict[str, Any]:
    return {"kind": "holiday", "name": "New holiday", "start_date": today, "end_date": today}


CALENDAR_PAGE = RecordPage(
    fields=CALENDAR_ENTRIES.fields,
    plural="calendar entries",
    columns=(
        "kind",
        "name",
        "start_date",
        "end_date",
        "environment_id",
        "start_time",
        "end_time",
        "recurrence",
    ),
    new_record=_new_holiday,
    empty_text="No holidays, freezes, blackouts or change windows yet.\n"
    "Add one with Add: plan-wide holidays move the schedule.",
    add_icon="calendar",
    # Not worked (green), no changes (blue), nothing at all (red), changes allowed (amber).
    markers={
        "kind": {
            "holiday": "#22c55e",
            "freeze": "#3b82f6",
            "blackout": "#ef4444",
            "change_window": "#f59e0b",
        }
    },
)
