"""The "Work items" tab: a release heading, the filter box and the editable items table."""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.plan import Plan
from app.unit_of_work import ChangeNotice
from ui.baseline_choice import BaselineChoice
from ui.formatting import format_date, working_days
from ui.header_menu import install_column_menu
from ui.items_delegate import ItemsDelegate
from ui.items_proxy import ItemsProxyModel
from ui.items_table_model import ITEM_ID_ROLE, Column, ItemEditing, ItemsTableModel
from ui.resources import icon

# Content widths in characters of the table's font ("0" advances); a column is also as wide as
# its header. The name takes whatever room is left, between its minimum and maximum.
_CHARS = {
    Column.KEY: 8,
    Column.NAME: 22,
    Column.KIND: 9,
    Column.DURATION: 4,
    Column.START: 11,  # and room for the pin of a "not earlier than" date: see _ICON
    Column.FINISH: 11,
    Column.PREDECESSORS: 12,
    Column.TOTAL_SLACK: 4,
    Column.FREE_SLACK: 4,
    Column.CRITICAL: 3,
    Column.OWNER: 14,
    Column.STATUS: 11,
    Column.PERCENT: 4,
    Column.VARIANCE: 4,
    Column.BASELINE_START: 11,
    Column.BASELINE_FINISH: 11,
}
NAME_COMFORT_CHARS = 34  # optional columns come only once the name has this much room
NAME_MAX_CHARS = 60
# Always shown by default: what a planner reads first.
ESSENTIAL = (
    Column.KEY,
    Column.NAME,
    Column.DURATION,
    Column.START,
    Column.FINISH,
    Column.PREDECESSORS,
    Column.TOTAL_SLACK,
)
# Shown by default while the table has room, most useful first; the header's menu has them all
# (the baseline's own dates among them).
OPTIONAL = (
    Column.STATUS,
    Column.OWNER,
    Column.VARIANCE,
    Column.PERCENT,
    Column.FREE_SLACK,
    Column.CRITICAL,
    Column.KIND,
)
_PADDING = 14  # the header's section padding and a little air
_ICON = 20  # an icon and its gap, in the columns that show one
_WITH_ICON = (Column.NAME, Column.START, Column.CRITICAL)


class ItemsView(QWidget):
    """Table of one release's items; emits the selected item's id (None for no selection)."""

    item_selected = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._choice: BaselineChoice | None = None
        self.model = ItemsTableModel(self)
        self.proxy = ItemsProxyModel(self.model, self)

        self.heading = QLabel()
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.1)
        self.heading.setFont(heading_font)
        self.details = QLabel()
        self.details.setObjectName("releaseDetails")
        self.details.setStyleSheet("color: #6b7280")
        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("itemsFilter")
        self.filter_box.setPlaceholderText("Filter items…")
        self.filter_box.setToolTip("Show only items whose key, name or owner contains this text")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.addAction(icon("filter"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_box.setMaximumWidth(280)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)  # re-filter 100k rows once typing pauses
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_box.textChanged.connect(lambda _t: self._filter_timer.start())

        self.baseline_label = QLabel("Baseline:")
        self.baseline_box = QComboBox()
        self.baseline_box.setObjectName("baselineBox")
        self.baseline_box.setToolTip(
            "The baseline the Variance and Baseline columns compare with (Schedule › Baselines…)"
        )
        self.baseline_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.baseline_label.setBuddy(self.baseline_box)
        self.baseline_box.activated.connect(self._baseline_picked)

        self.critical_only = QCheckBox("Critical path only")
        self.critical_only.setObjectName("criticalOnly")
        self.critical_only.setToolTip("Show only items with no slack (total slack of 0 or less)")
        self.critical_only.toggled.connect(self.proxy.set_critical_only)

        self.table = QTableView()
        self.table.setObjectName("itemsTable")
        self.delegate = ItemsDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        install_column_menu(
            header, always_shown=(Column.KEY, Column.NAME), reset=self.fit_columns_to_window
        )
        # Until the user sizes, moves or picks columns (or a saved layout is restored), the
        # columns follow the table's width; afterwards they are the user's.
        self.columns_chosen = False
        self._fitting = False
        header.sectionResized.connect(self._columns_changed_by_user)
        header.sectionMoved.connect(self._columns_changed_by_user)
        self.table.viewport().installEventFilter(self)
        self.fit_columns()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        top = QHBoxLayout()
        top.setContentsMargins(10, 8, 10, 6)
        top.setSpacing(10)
        top.addWidget(self.heading)
        top.addWidget(self.details, 1)
        top.addWidget(self.baseline_label)
        top.addWidget(self.baseline_box)
        top.addWidget(self.critical_only)
        top.addWidget(self.filter_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        self._fill_baselines()  # hidden until there is a release to compare

    # -- columns ---------------------------------------------------------------------------

    def restore_columns(self, state: QByteArray) -> bool:
        """Put back the columns the user chose (a saved header state)."""
        restored = self.table.horizontalHeader().restoreState(state)
        self.columns_chosen = self.columns_chosen or restored
        return restored

    def fit_columns_to_window(self) -> None:
        """Forget the user's column choices and size the columns to the table again."""
        self.columns_chosen = False
        self.fit_columns()

    def fit_columns(self) -> None:
        """The essential columns, then optional ones while they fit; the name takes the rest."""
        header = self.table.horizontalHeader()
        widths = self._natural_widths()
        digit = self.table.fontMetrics().horizontalAdvance("0")
        room = self.table.viewport().width()
        used = sum(widths[column] for column in ESSENTIAL)
        comfort = (NAME_COMFORT_CHARS - _CHARS[Column.NAME]) * digit
        shown = set(ESSENTIAL)
        for column in OPTIONAL:
            if used + comfort + widths[column] > room:
                break  # keep the order of importance: no less useful column jumps the queue
            used += widths[column]
            shown.add(column)
        widths[Column.NAME] = min(NAME_MAX_CHARS * digit, widths[Column.NAME] + max(0, room - used))
        self._fitting = True
        try:
            for column in Column:
                header.setSectionHidden(column, column not in shown)
                if column in shown:
                    header.resizeSection(column, widths[column])
        finally:
            self._fitting = False

    def _natural_widths(self) -> dict[Column, int]:
        """Each column's width for its content and its (bold) header title, in pixels."""
        digit = self.table.fontMetrics().horizontalAdvance("0")
        bold = QFont(self.table.horizontalHeader().font())
        bold.setBold(True)
        title = QFontMetrics(bold)
        model = self.table.model()
        widths: dict[Column, int] = {}
        for column, chars in _CHARS.items():
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            content = chars * digit + (_ICON if column in _WITH_ICON else 0)
            widths[column] = max(content, title.horizontalAdvance(text)) + _PADDING
        return widths

    def _columns_changed_by_user(self, *_args: int) -> None:
        if not self._fitting:
            self.columns_chosen = True

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table.viewport()
            and event.type() == QEvent.Type.Resize
            and not self.columns_chosen
        ):
            self.fit_columns()
        return super().eventFilter(watched, event)

    # -- plan ------------------------------------------------------------------------------

    def set_baseline_choice(self, choice: BaselineChoice) -> None:
        """Compare with the baselines `choice` shows, and let the user pick them here."""
        self._choice = choice
        self.model.set_baseline_choice(choice)
        choice.changed.connect(self._baseline_changed)
        self._fill_baselines()

    def set_plan(
        self, plan: Plan | None, editor: ItemEditing | None, release_id: int | None
    ) -> None:
        self._plan = plan
        self.model.set_plan(plan, editor, release_id)
        self._update_heading()

    def show_release(self, release_id: int | None) -> None:
        self.model.set_release(release_id)
        self._update_heading()

    @property
    def release_id(self) -> int | None:
        return self.model.release_id

    def apply_change(self, notice: ChangeNotice) -> None:
        selected = self.current_item_id()
        plan = self._plan
        structural = notice.structural("work_items") or notice.structural("releases")
        if (
            structural
            and plan is not None
            and self.model.release_id is not None
            and self.model.release_id not in plan.state.releases
        ):
            # The shown release is gone (say, an undone "Add release"): show the first one.
            releases = plan.releases.rows()
            self.model.set_release(releases[0].id if releases else None)
        else:
            self.model.apply_change(notice)
        if notice.touches("releases") or structural:
            self._update_heading()
        elif notice.touches("baselines"):
            self._fill_baselines()
        if structural and selected is not None:
            self.select_item(selected)

    def _update_heading(self) -> None:
        self._fill_baselines()
        plan, release_id = self._plan, self.model.release_id
        if plan is None:
            self.heading.setText("")
            self.details.setText("")
            return
        if not plan.state.releases:
            self.heading.setText("This plan has no releases yet")
            self.details.setText("Add one with Edit › Add Release…")
            return
        if release_id is None:
            self.heading.setText("All releases")
            self.details.setText(f"{self.model.rowCount():,} items")
            return
        release = plan.releases.row(release_id)
        self.heading.setText(f"{release.name}")
        parts = [release.version] if release.version else []
        if release.start_date or release.target_date:
            parts.append(
                f"{format_date(release.start_date) or '…'} → "
                f"{format_date(release.target_date) or '…'}"
            )
        parts.append(f"{release.item_count:,} items")
        if release.late_by > 0:
            parts.append(
                f"<span style='color:#b91c1c'><b>{working_days(release.late_by)} late</b></span>"
            )
        self.details.setText("  ·  ".join(parts))

    # -- baselines -------------------------------------------------------------------------

    def _fill_baselines(self) -> None:
        """The shown release's baselines in the box (newest first), the one shown current."""
        plan, release_id, choice = self._plan, self.model.release_id, self._choice
        box = self.baseline_box
        box.blockSignals(True)
        try:
            box.clear()
            rows = plan.baselines.rows(release_id) if plan and release_id is not None else []
            box.addItem("None", None)
            for row in reversed(rows):
                box.addItem(row.name, row.id)
            shown = choice.shown(release_id) if choice is not None else None
            box.setCurrentIndex(max(0, box.findData(shown)) if shown is not None else 0)
        finally:
            box.blockSignals(False)
        # "All releases" compares each item with its own release's baseline; no one box can.
        visible = plan is not None and release_id is not None
        self.baseline_label.setVisible(visible)
        box.setVisible(visible)
        box.setEnabled(bool(rows))

    def _baseline_picked(self, index: int) -> None:
        release_id = self.model.release_id
        if self._choice is not None and release_id is not None:
            self._choice.choose(release_id, self.baseline_box.itemData(index))

    def _baseline_changed(self, release_id: int) -> None:
        if release_id == self.model.release_id:
            self._fill_baselines()

    # -- selection -------------------------------------------------------------------------

    def current_item_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(ITEM_ID_ROLE)
        return int(value) if value is not None else None

    def select_item(self, item_id: int) -> bool:
        """Select and show an item's row (clearing the filter if it hides the row)."""
        row = self.model.row_of(item_id)
        if row is None:
            return False
        source = self.model.index(row, Column.NAME)
        index = self.proxy.mapFromSource(source)
        if not index.isValid() and self.filter_box.text():
            self.filter_box.clear()
            self._apply_filter()
            index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def edit_name(self, item_id: int) -> None:
        if self.select_item(item_id):
            self.table.edit(self.table.currentIndex().siblingAtColumn(Column.NAME))

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.item_selected.emit(self.current_item_id())

    def _apply_filter(self) -> None:
        self.proxy.set_filter_text(self.filter_box.text())

    def _sort_changed(self, section: int, _order: Qt.SortOrder) -> None:
        # Outline indentation only means something in outline order.
        self.delegate.indent_names = section < 0
        self.table.viewport().update()
