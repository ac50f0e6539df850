"""File › Working Calendar…: the work week and the plan's holidays, applied as one undo step."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app import holiday_sets
from app.date_input import MAX_YEAR, MIN_YEAR
from app.fields import WEEKDAY_NAMES
from app.work_calendar import CalendarPreview, Holiday, Source, WorkingCalendar
from ui.date_edit import DateField
from ui.formatting import format_date
from ui.plan_editor import PlanEditor
from ui.resources import icon

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()

# Counting the items a calendar moves schedules a copy of the plan on the UI thread: about
# 6 ms per 1,000 items (72 ms at 10,000). Above this many the dialog leaves the count out
# rather than stall the window for longer than 50 ms.
LIVE_MOVED_LIMIT = 8_000
MOVED_DELAY_MS = 250  # count once the user pauses, not on every click of a year spin box

_MUTED = QColor("#6b7280")
_STYLE = """
QToolButton[weekday="true"] {
    min-width: 34px; padding: 5px 2px; border: 1px solid #cbd5e1; border-radius: 4px;
    background: #ffffff; color: #334155;
}
QToolButton[weekday="true"]:checked {
    background: #2563eb; border-color: #1d4ed8; color: #ffffff; font-weight: 600;
}
QToolButton[weekday="true"]:disabled { color: #94a3b8; }
QToolButton[weekday="true"]:checked:disabled { background: #93c5fd; border-color: #93c5fd; }
QFrame#calendarSummary {
    background: #f8fafc; border: 1px solid #e2e8f0; border-radius: 6px;
}
QTableView#holidaysTable { border: 1px solid #e2e8f0; }
"""


def _week_text(days: frozenset[int]) -> str:
    """'5-day week (Mon–Fri)'; days that do not run on show one by one."""
    if not days:
        return "no working day"
    ordered = sorted(days)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        span = f"{WEEKDAY_NAMES[ordered[0]]}–{WEEKDAY_NAMES[ordered[-1]]}"
    else:
        span = ", ".join(WEEKDAY_NAMES[d] for d in ordered)
    return f"{len(days)}-day week ({span})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class HolidaysModel(QAbstractTableModel):
    """The holidays a calendar lists: the country's for its years, ticked while the plan takes
    them, and the plan's own. Unticking a country holiday asks for it to be worked."""

    DATE, DAY, NAME, SOURCE = range(4)
    HEADERS = ("Date", "Day", "Name", "Source")
    toggled = Signal(object)  # dt.date of the country holiday ticked or unticked

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[Holiday, ...] = ()
        self._preview: CalendarPreview | None = None
        self._work_week: frozenset[int] = frozenset()
        self._country = ""
        self._region = ""
        self.read_only = False

    def set_preview(
        self, preview: CalendarPreview, work_week: frozenset[int], country: str, region: str
    ) -> None:
        """List what `preview` lists (a new calendar is a new list: the model resets)."""
        self.beginResetModel()
        self._preview, self._rows = preview, preview.listed
        self._work_week, self._country, self._region = work_week, country, region
        self.endResetModel()

    def holiday(self, row: int) -> Holiday:
        return self._rows[row]

    def row_of(self, holiday: Holiday) -> int | None:
        return next((n for n, h in enumerate(self._rows) if h == holiday), None)

    def taken(self, holiday: Holiday) -> bool:
        return self._preview is not None and self._preview.taken(holiday)

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def _source_text(self, holiday: Holiday) -> str:
        if holiday.source == Source.MANUAL:
            return "Plan's own"
        preview = self._preview
        if preview is not None and holiday.start in preview.regional:
            return f"Public · {self._country}-{self._region}"
        return f"Public · {self._country}"

    def _tip(self, holiday: Holiday) -> str:
        if not self.taken(holiday):
            return "Worked: the plan does not take this public holiday (tick it to take it)"
        off = [d for d in holiday.days() if d.weekday() not in self._work_week]
        if len(off) == (holiday.end - holiday.start).days + 1:
            return "On a day off anyway: it moves nothing"
        if holiday.source == Source.COUNTRY:
            return "Taken by the plan (untick it to work on this day)"
        return "The plan's own holiday (Remove takes it out)"

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        holiday, column = self._rows[index.row()], index.column()
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return self._text(holiday, column)
            case Qt.ItemDataRole.DecorationRole if column == self.DATE:
                return icon("pin") if holiday.source == Source.MANUAL else None
            case Qt.ItemDataRole.CheckStateRole if column == self.DATE:
                if holiday.source != Source.COUNTRY:
                    return None
                taken = self.taken(holiday)
                return Qt.CheckState.Checked if taken else Qt.CheckState.Unchecked
            case Qt.ItemDataRole.ForegroundRole:
                day_off = column == self.DAY and holiday.start.weekday() not in self._work_week
                if not self.taken(holiday) or day_off or column == self.SOURCE:
                    return _MUTED
            case Qt.ItemDataRole.FontRole if not self.taken(holiday):
                font = QFont()
                font.setStrikeOut(True)
                return font
            case Qt.ItemDataRole.ToolTipRole:
                return self._tip(holiday)
        return None

    def _text(self, holiday: Holiday, column: int) -> str:
        match column:
            case self.DATE:
                if holiday.end != holiday.start:
                    return f"{format_date(holiday.start)} – {format_date(holiday.end)}"
                return format_date(holiday.start)
            case self.DAY:
                return WEEKDAY_NAMES[holiday.start.weekday()]
            case self.NAME:
                return holiday.name
        return self._source_text(holiday)

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if (
            index.isValid()
            and index.column() == self.DATE
            and self._rows[index.row()].source == Source.COUNTRY
            and not self.read_only
        ):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not (
            self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
        ):
            return False
        holiday = self._rows[index.row()]
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        if wanted != self.taken(holiday):
            self.toggled.emit(holiday.start)  # the dialog lists the calendar anew
        return True


def _searchable(combo: QComboBox, placeholder: str) -> None:
    """Type any part of an entry ("germ", "DE") to find it; typing never adds an entry."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    line = combo.lineEdit()
    assert line is not None  # an editable combo has one
    line.setPlaceholderText(placeholder)
    # Text that names no entry goes back to the entry chosen (currentText() is the typed text).
    line.editingFinished.connect(lambda: line.setText(combo.itemText(combo.currentIndex())))


def _section(text: str) -> QLabel:
    heading = QLabel(text.upper())
    heading.setStyleSheet("color: #6b7280; font-size: 8pt; font-weight: 600; padding-top: 6px")
    return heading


class WorkingCalendarDialog(QDialog):
    """The plan's work week and holidays as a draft: every change shows its effect at once,
    OK applies it all as one undo step ("Change working calendar"), Cancel leaves the plan
    as it was. A read-only plan shows its calendar without letting it change."""

    def __init__(self, editor: PlanEditor, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workingCalendar")
        self.setWindowTitle("Working Calendar")
        self.setStyleSheet(_STYLE)
        self.plan = editor.plan
        self.service = editor.plan.work_calendar
        # The same plan and undo stack; a refusal is told here rather than in a box over it.
        self._editor = PlanEditor(editor.plan, editor.stack, self._show_refusal)
        self.read_only = editor.read_only
        self.original = self.service.current(today)
        self.draft = self.original
        self.suggested = self.service.suggested_years(today)
        self.preview = self.service.preview(self.draft)
        self.moved: int | None = None
        self._filling = False
        self._moved_timer = QTimer(self)
        self._moved_timer.setSingleShot(True)
        self._moved_timer.setInterval(MOVED_DELAY_MS)
        self._moved_timer.timeout.connect(self._count_moved)

        title = QLabel("Working Calendar")
        title_font = QFont(title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        title.setFont(title_font)
        where = str(self.plan.path)
        self.subtitle = QLabel(f"{where} — read-only" if self.read_only else where)
        self.subtitle.setStyleSheet("color: #6b7280")

        body = QHBoxLayout()
        body.setSpacing(18)
        body.addWidget(self._build_settings(today))
        body.addLayout(self._build_list(), 1)

        self.summary = QLabel()
        self.summary.setObjectName("calendarSummaryText")
        self.summary.setStyleSheet("font-weight: 600; color: #0f172a")
        self.effect = QLabel()
        self.effect.setObjectName("calendarEffect")
        self.effect.setWordWrap(True)
        self.effect.setStyleSheet("color: #334155")
        summary_box = QFrame()
        summary_box.setObjectName("calendarSummary")
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.setContentsMargins(12, 8, 12, 8)
        summary_layout.setSpacing(2)
        summary_layout.addWidget(self.summary)
        summary_layout.addWidget(self.effect)
        self.problem = QLabel()
        self.problem.setObjectName("calendarProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(
            "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca;"
            " border-radius: 4px; padding: 6px 8px"
        )
        self.problem.hide()

        if self.read_only:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        else:
            self.buttons = QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            )
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setText("Apply Calendar")
            ok.setToolTip("Apply the work week and holidays as one step (Undo takes it back)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        layout.addLayout(body, 1)
        layout.addWidget(summary_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(980, 640)
        self._fill()
        self._set_read_only(self.read_only)
        self._update()

    # -- building ----------------------------------------------------------------------------

    def _build_settings(self, today: dt.date) -> QWidget:
        panel = QWidget()
        panel.setFixedWidth(340)
        form = QFormLayout(panel)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        form.addRow(_section("Work week"))
        days = QHBoxLayout()
        days.setSpacing(4)
        self.day_buttons: list[QToolButton] = []
        for name in WEEKDAY_NAMES:
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setProperty("weekday", True)
            button.setToolTip("Pressed: a working day; click to make it a day off, or back")
            button.toggled.connect(lambda _on: self._edited())
            days.addWidget(button)
            self.day_buttons.append(button)
        days.addStretch(1)
        form.addRow(days)
        self.week_text = QLabel()
        self.week_text.setStyleSheet("color: #6b7280")
        form.addRow(self.week_text)

        form.addRow(_section("Public holidays"))
        self.country_combo = QComboBox()
        self.country_combo.setObjectName("holidayCountry")
        # As wide as the panel, not as the longest country's name.
        self.country_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.country_combo.setMinimumContentsLength(12)
        self.country_combo.addItem("None — no public holidays", "")
        for country in holiday_sets.countries():
            self.country_combo.addItem(f"{country.name} ({country.code})", country.code)
        known = self.country_combo.findData(self.draft.country)
        if self.draft.country and known < 0:  # from a Gantry that knows more countries
            self.country_combo.addItem(f"{self.draft.country} (unknown here)", self.draft.country)
        _searchable(self.country_combo, "Type a country or its code")
        self.country_combo.setToolTip(
            "The country whose public holidays the plan takes (stored in the plan)"
        )
        self.country_combo.currentIndexChanged.connect(lambda _n: self._country_changed())
        form.addRow("Country", self.country_combo)
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("holidayRegion")
        self.region_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.region_combo.setMinimumContentsLength(12)
        self.region_combo.setToolTip("A state, province or other region with holidays of its own")
        self.region_combo.currentIndexChanged.connect(lambda _n: self._edited())
        form.addRow("Region", self.region_combo)

        years = QHBoxLayout()
        years.setSpacing(6)
        self.first_year = QSpinBox()
        self.last_year = QSpinBox()
        for spin in (self.first_year, self.last_year):
            spin.setRange(MIN_YEAR, MAX_YEAR)
            spin.setToolTip("The years the country's holidays are taken for")
            spin.valueChanged.connect(lambda _v, s=spin: self._years_changed(s))
        years.addWidget(self.first_year)
        years.addWidget(QLabel("to"))
        years.addWidget(self.last_year)
        self.suggest_button = QToolButton()
        self.suggest_button.setText("Suggested")
        first, last = self.suggested[0], self.suggested[-1]
        self.suggest_button.setToolTip(
            f"{first}–{last}: from the year the first release starts to two years after the "
            "last one ends"
        )
        self.suggest_button.clicked.connect(self.use_suggested_years)
        years.addWidget(self.suggest_button)
        years.addStretch(1)
        form.addRow("Years", years)

        form.addRow(_section("A holiday of the plan's own"))
        self.new_date = DateField(placeholder="date")
        self.new_date.set_reference_date(today)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("e.g. Company offsite")
        self.new_name.setMaxLength(200)
        self.add_button = QPushButton(icon("calendar"), "Add Holiday")
        self.add_button.setToolTip("Add this day off to the list (applied with the rest)")
        self.add_button.clicked.connect(self.add_holiday)
        self.new_date.textChanged.connect(lambda _t: self._update_buttons())
        self.new_name.textChanged.connect(lambda _t: self._update_buttons())
        form.addRow("Date", self.new_date)
        form.addRow("Name", self.new_name)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        form.addRow(add_row)
        return panel

    def _build_list(self) -> QVBoxLayout:
        self.model = HolidaysModel(self)
        self.model.toggled.connect(self.toggle_country_holiday)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setObjectName("holidaysTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        text = self.fontMetrics()
        header.resizeSection(
            HolidaysModel.DATE, text.horizontalAdvance(format_date(dt.date(2027, 9, 30))) + 56
        )
        header.resizeSection(HolidaysModel.DAY, text.horizontalAdvance("Wed") + 24)
        header.setSectionResizeMode(HolidaysModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(HolidaysModel.SOURCE, text.horizontalAdvance("Public · DE-BY") + 28)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self.count = QLabel()
        self.count.setStyleSheet("color: #6b7280")
        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("holidaysFilter")
        self.filter_box.setPlaceholderText("Filter holidays…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.addAction(icon("filter"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_box.setMaximumWidth(240)
        self.filter_box.textChanged.connect(
            lambda text: self.proxy.setFilterFixedString(text.strip())
        )
        top = QHBoxLayout()
        top.addWidget(_section("Holidays"))
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.filter_box)

        self.remove_button = QPushButton(icon("delete"), "Remove")
        self.remove_button.setObjectName("holidayRemove")
        self.remove_button.clicked.connect(self.remove_selected)
        hint = QLabel("Untick a public holiday to work on it; Remove takes out the plan's own.")
        hint.setStyleSheet("color: #6b7280")
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.remove_button)

        column = QVBoxLayout()
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)
        return column

    # -- showing the draft -------------------------------------------------------------------

    def _fill(self) -> None:
        """Set the controls to the draft without reading them back."""
        self._filling = True
        try:
            draft = self.draft
            for n, button in enumerate(self.day_buttons):
                button.setChecked(n in draft.work_week)
            self.country_combo.setCurrentIndex(max(0, self.country_combo.findData(draft.country)))
            self._fill_regions()
            self.first_year.setValue(draft.first_year)
            self.last_year.setValue(draft.last_year)
        finally:
            self._filling = False

    def _fill_regions(self) -> None:
        country = holiday_sets.country(self.draft.country)
        regions = country.regions if country else ()
        combo = self.region_combo
        combo.clear()
        combo.setEditable(False)
        combo.addItem("Whole country" if regions else "No regions", "")
        for region in regions:
            combo.addItem(f"{region.name} ({region.code})", region.code)
        if len(regions) > 12:
            _searchable(combo, "Type a region or its code")
        combo.setCurrentIndex(max(0, combo.findData(self.draft.subdivision)))
        combo.setEnabled(bool(regions) and not self.read_only)

    def _read_controls(self) -> WorkingCalendar:
        return dataclasses.replace(
            self.draft,
            work_week=frozenset(n for n, b in enumerate(self.day_buttons) if b.isChecked()),
            country=str(self.country_combo.currentData() or ""),
            subdivision=str(self.region_combo.currentData() or ""),
            first_year=self.first_year.value(),
            last_year=self.last_year.value(),
        )

    def _edited(self) -> None:
        if not self._filling:
            self._set_draft(self._read_controls())

    def _country_changed(self) -> None:
        if self._filling:
            return
        # Another country's holidays: its region, and what was excluded, start afresh.
        self._set_draft(
            dataclasses.replace(self._read_controls(), subdivision="", excluded=frozenset())
        )
        self._filling = True
        try:
            self._fill_regions()
        finally:
            self._filling = False

    def _years_changed(self, spin: QSpinBox) -> None:
        if self._filling:
            return
        # The span stays a span: moving one end past the other takes the other along.
        self._filling = True
        try:
            if spin is self.first_year and self.last_year.value() < spin.value():
                self.last_year.setValue(spin.value())
            elif spin is self.last_year and self.first_year.value() > spin.value():
                self.first_year.setValue(spin.value())
        finally:
            self._filling = False
        self._edited()

    def _set_draft(self, draft: WorkingCalendar) -> None:
        self.draft = draft
        self._update()

    def _update(self) -> None:
        """List the draft's holidays and say what applying it would do."""
        selected = self.selected_holiday()
        self.preview = self.service.preview(self.draft)
        self.model.set_preview(
            self.preview, self.draft.work_week, self.draft.country, self.draft.subdivision
        )
        if selected is not None:
            self.select_holiday(selected)
        listed = len(self.preview.listed)
        taken = sum(1 for h in self.preview.listed if self.preview.taken(h))
        self.count.setText(
            f"{taken} of {listed} taken" if taken != listed else _count(listed, "holiday")
        )
        self.week_text.setText(_week_text(self.draft.work_week))
        self.moved = None
        self._moved_timer.stop()
        if self.preview.changed and not self.read_only and self._counts_moved():
            self._moved_timer.start()
        self._show_summary()
        self._update_buttons()

    def _counts_moved(self) -> bool:
        return len(self.plan.state.items) <= LIVE_MOVED_LIMIT

    def _count_moved(self) -> None:
        self.moved = self.service.moved_items(self.draft)
        self._show_summary()

    def _show_summary(self) -> None:
        draft, preview = self.draft, self.preview
        parts = [
            _count(preview.per_year, "public holiday") + " a year"
            if draft.country
            else "No public holidays",
            _week_text(draft.work_week),
        ]
        own = len(draft.manual)
        if own:
            parts.append(_count(own, "holiday") + " of the plan's own")
        self.summary.setText(" · ".join(parts))
        problems = self.service.check(draft)
        if problems:
            self.effect.setText("Cannot apply: " + "; ".join(problems) + ".")
            self.effect.setStyleSheet("color: #b91c1c")
        else:
            self.effect.setStyleSheet("color: #334155")
            self.effect.setText(self._effect_text())
        if not self.read_only:
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(not problems)

    def _effect_text(self) -> str:
        preview = self.preview
        if self.read_only:
            return "The plan is open read-only: its calendar is shown, not changed."
        if not preview.changed:
            return "No changes yet."
        added, removed = len(preview.added), len(preview.removed)
        changes = []
        if added and removed:
            changes.append(f"adds {added} and removes {_count(removed, 'holiday')}")
        elif added or removed:
            changes.append(f"{'adds' if added else 'removes'} {_count(added + removed, 'holiday')}")
        if self.draft.work_week != self.original.work_week:
            changes.append("changes the work week")
        if not changes:
            changes.append("records the new settings")
        if not self._counts_moved():
            changes.append("reschedules the plan")
        elif self.moved is not None:
            moves = _count(self.moved, "work item") if self.moved else "no work item"
            changes.append(f"moves {moves}")
        text = "Applying " + ", ".join(changes[:-1])
        text = f"{text} and {changes[-1]}" if len(changes) > 1 else f"Applying {changes[0]}"
        if self._counts_moved() and self.moved is None:
            return text + "; counting the work items it moves…"
        return text + "."

    def _set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        for widget in (
            *self.day_buttons,
            self.country_combo,
            self.first_year,
            self.last_year,
            self.suggest_button,
            self.new_date,
            self.new_name,
        ):
            widget.setEnabled(not read_only)
        self.region_combo.setEnabled(not read_only and self.region_combo.count() > 1)

    def _update_buttons(self) -> None:
        writable = not self.read_only
        name_and_date = bool(self.new_name.text().strip()) and self.new_date.value() is not None
        self.add_button.setEnabled(writable and name_and_date and self.new_date.error() is None)
        selected = self.selected_holiday()
        if selected is not None and selected.source == Source.COUNTRY:
            taken = self.model.taken(selected)
            self.remove_button.setText("Work on It" if taken else "Take It")
            self.remove_button.setToolTip(
                "Work on this public holiday (the plan does not take it)"
                if taken
                else "Take this public holiday again"
            )
        else:
            self.remove_button.setText("Remove")
            self.remove_button.setToolTip("Take this holiday of the plan's own out")
        self.remove_button.setEnabled(writable and selected is not None)

    # -- edits of the draft ------------------------------------------------------------------

    def selected_holiday(self) -> Holiday | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.holiday(self.proxy.mapToSource(rows[0]).row())

    def select_holiday(self, holiday: Holiday) -> bool:
        row = self.model.row_of(holiday)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def choose_country(self, code: str, region: str = "") -> None:
        """Pick a country (and region) as the combos do."""
        self.country_combo.setCurrentIndex(self.country_combo.findData(code))
        if region:
            self.region_combo.setCurrentIndex(self.region_combo.findData(region))

    def use_suggested_years(self) -> None:
        self._filling = True
        try:
            self.first_year.setValue(self.suggested[0])
            self.last_year.setValue(self.suggested[-1])
        finally:
            self._filling = False
        self._edited()

    def toggle_country_holiday(self, day: dt.date) -> None:
        """Take a listed country holiday, or work on it."""
        excluded = self.draft.excluded ^ {day}
        self._set_draft(dataclasses.replace(self.draft, excluded=excluded))

    def add_holiday(self) -> Holiday | None:
        """Add the typed date and name as a holiday of the plan's own; select it."""
        day, name = self.new_date.value(), self.new_name.text().strip()
        if self.read_only or day is None or not name or self.new_date.error() is not None:
            return None
        holiday = Holiday(day, day, name)
        self._set_draft(dataclasses.replace(self.draft, manual=(*self.draft.manual, holiday)))
        self.new_name.clear()
        self.select_holiday(holiday)
        return holiday

    def remove_selected(self) -> bool:
        """Remove the selected holiday of the plan's own, or work on (take) a country one."""
        holiday = self.selected_holiday()
        if holiday is None or self.read_only:
            return False
        if holiday.source == Source.COUNTRY:
            self.toggle_country_holiday(holiday.start)
            return True
        manual = list(self.draft.manual)
        manual.remove(holiday)
        self._set_draft(dataclasses.replace(self.draft, manual=tuple(manual)))
        return True

    # -- applying ----------------------------------------------------------------------------

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter after typing a holiday adds it; it must not apply the whole calendar.
        typing = self.focusWidget() in (self.new_date, self.new_name)
        if typing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add_holiday()
            return
        super().keyPressEvent(event)

    @override
    def accept(self) -> None:
        """Apply the draft as one undo step; a refusal is shown and the dialog stays."""
        if self.read_only or not self.preview.changed:
            super().accept()
            return
        self._show_refusal("", "")
        if self._editor.change_working_calendar(self.draft):
            super().accept()

    def _show_refusal(self, _title: str, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(bool(message))


def show_working_calendar(
    window: QWidget, editor: PlanEditor, today: dt.date, plan_closed: SignalInstance
) -> WorkingCalendarDialog:
    """Open the calendar of `editor`'s plan over `window` (window-modal); it closes with the
    plan."""
    dialog = WorkingCalendarDialog(editor, today, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    plan_closed.connect(dialog.reject)
    dialog.open()
    return dialog
