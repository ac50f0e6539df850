"""The Runbook tab: a release's runbook to edit (steps, details, timeline) and to execute.

Edit mode: the steps in order, tinted by section (inline edits, drag to reorder), the
selected step's details (instructions in monospace, verification, rollback pairing, point
of no return), the planned Gantt, the change-window fit and the runbook's problems. Every
edit is one undo step through the plan editor.

Execute mode: start a rehearsal or live run, then Start / Done / Skip / Fail each step
with times from the clock; late steps turn red; a failure shows the rollback plan from the
step reached. Execution is recorded and audited but not undoable: it is a log of what
happened at a time, and undoing it would falsify the log (times are corrected by hand,
which is itself audited).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.errors import GantryError
from app.plan import Plan
from app.runbooks import SECTION_LABELS, STEP_FIELDS, TABLES, RunRow, StepRow
from app.unit_of_work import ChangeNotice
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.runbook_dialogs import (
    ChooseStepsDialog,
    CorrectTimesDialog,
    NewRunbookDialog,
    PlannedStartField,
)
from ui.runbook_gantt import RunbookGantt
from ui.runbook_models import ComparisonModel, StepsModel

Clock = Callable[[], dt.datetime]


class StepDetails(QFrame):
    """The selected step's long fields; Save applies the changed ones as one undo step."""

    def __init__(
        self,
        save: Callable[[dict[str, Any]], None],
        add_waits: Callable[[], None],
        remove_wait: Callable[[int], None],
    ) -> None:
        super().__init__()
        self.setObjectName("stepDetails")
        self._save = save
        self._remove_wait = remove_wait
        self.step: StepRow | None = None
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.heading = QLabel()
        self.heading.setObjectName("stepHeading")
        self.heading.setWordWrap(True)
        form.addRow(self.heading)
        self.title = QLineEdit()
        form.addRow(STEP_FIELDS["title"].label, self.title)
        self.section = QComboBox()
        for value, label in STEP_FIELDS["section"].choices:
            self.section.addItem(label, value)
        form.addRow(STEP_FIELDS["section"].label, self.section)
        self.duration = QSpinBox()
        self.duration.setRange(0, STEP_FIELDS["duration_minutes"].maximum or 0)
        self.duration.setSuffix(" min")
        form.addRow(STEP_FIELDS["duration_minutes"].label, self.duration)
        self.start_clock = QLineEdit()
        self.start_clock.setPlaceholderText("HH:MM")
        form.addRow(STEP_FIELDS["start_clock"].label, self.start_clock)
        self.instructions = QPlainTextEdit()
        self.instructions.setFont(mono)
        self.instructions.setObjectName("instructions")
        form.addRow(STEP_FIELDS["instructions"].label, self.instructions)
        self.verification = QPlainTextEdit()
        self.verification.setMaximumHeight(64)
        form.addRow(STEP_FIELDS["verification"].label, self.verification)
        self.rollback_step = QComboBox()
        form.addRow(STEP_FIELDS["rollback_step_id"].label, self.rollback_step)
        self.part = QComboBox()
        self.part.addItem("—", None)
        for value, label in STEP_FIELDS["migration_part"].choices:
            self.part.addItem(label, value)
        form.addRow(STEP_FIELDS["migration_part"].label, self.part)
        self.point_of_no_return = QCheckBox(STEP_FIELDS["point_of_no_return"].label)
        self.point_of_no_return.setToolTip(STEP_FIELDS["point_of_no_return"].tip)
        form.addRow("", self.point_of_no_return)
        self.waits = QListWidget()
        self.waits.setObjectName("waitsFor")
        self.waits.setMaximumHeight(84)
        self.waits.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.add_wait = QPushButton("Add…")
        self.add_wait.setToolTip("Choose steps this one waits for")
        self.add_wait.clicked.connect(add_waits)
        self.remove_wait = QPushButton("Remove")
        self.remove_wait.clicked.connect(self._remove_chosen_wait)
        self.waits.currentRowChanged.connect(lambda _row: self._update_wait_buttons())
        wait_buttons = QVBoxLayout()
        wait_buttons.addWidget(self.add_wait)
        wait_buttons.addWidget(self.remove_wait)
        wait_buttons.addStretch(1)
        waits_row = QHBoxLayout()
        waits_row.addWidget(self.waits, 1)
        waits_row.addLayout(wait_buttons)
        form.addRow("Waits for", waits_row)
        self._editable = False
        self.save_button = QPushButton("Save step")
        self.save_button.clicked.connect(self._apply)
        form.addRow("", self.save_button)

    def show_step(
        self,
        step: StepRow | None,
        rollback_steps: list[StepRow],
        waits: list[StepRow],
        editable: bool,
    ) -> None:
        self.step = step
        self.setEnabled(step is not None)
        self._editable = editable
        self.waits.clear()
        if step is None:
            self.heading.setText("Select a step")
            return
        self.heading.setText(f"<b>{step.label}</b> · {SECTION_LABELS[step.section]}")
        self.title.setText(step.title)
        self.section.setCurrentIndex(self.section.findData(step.section))
        self.duration.setValue(step.duration_minutes)
        self.start_clock.setText(step.start_clock)
        self.instructions.setPlainText(step.instructions)
        self.verification.setPlainText(step.verification)
        self.rollback_step.clear()
        self.rollback_step.addItem(STEP_FIELDS["rollback_step_id"].none_label, None)
        for back in rollback_steps:
            self.rollback_step.addItem(back.label, back.id)
        self.rollback_step.setCurrentIndex(
            max(0, self.rollback_step.findData(step.rollback_step_id))
        )
        self.part.setCurrentIndex(max(0, self.part.findData(step.migration_part)))
        self.point_of_no_return.setChecked(step.point_of_no_return)
        for other in waits:
            item = QListWidgetItem(other.label)
            item.setData(Qt.ItemDataRole.UserRole, other.id)
            self.waits.addItem(item)
        if not waits:
            note = QListWidgetItem("nothing: starts at T0 (or its planned start)")
            note.setFlags(Qt.ItemFlag.NoItemFlags)
            self.waits.addItem(note)
        for widget in (
            self.title,
            self.section,
            self.duration,
            self.start_clock,
            self.rollback_step,
            self.part,
            self.point_of_no_return,
            self.save_button,
        ):
            widget.setEnabled(editable)
        self.instructions.setReadOnly(not editable)
        self.verification.setReadOnly(not editable)
        self._update_wait_buttons()

    def waits_for(self) -> list[int]:
        ids = (self.waits.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.waits.count()))
        return [int(i) for i in ids if i is not None]

    def _update_wait_buttons(self) -> None:
        self.add_wait.setEnabled(self._editable)
        current = self.waits.currentItem()
        self.remove_wait.setEnabled(
            self._editable
            and current is not None
            and current.data(Qt.ItemDataRole.UserRole) is not None
        )

    def _remove_chosen_wait(self) -> None:
        current = self.waits.currentItem()
        if current is not None and current.data(Qt.ItemDataRole.UserRole) is not None:
            self._remove_wait(int(current.data(Qt.ItemDataRole.UserRole)))

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text(),
            "section": self.section.currentData(),
            "duration_minutes": self.duration.value(),
            "start_clock": self.start_clock.text(),
            "instructions": self.instructions.toPlainText(),
            "verification": self.verification.toPlainText(),
            "rollback_step_id": self.rollback_step.currentData(),
            "migration_part": self.part.currentData(),
            "point_of_no_return": self.point_of_no_return.isChecked(),
        }

    def _apply(self) -> None:
        step = self.step
        if step is None:
            return
        changed: dict[str, Any] = {}
        for name, value in self.values().items():
            try:
                same = STEP_FIELDS[name].coerce(value) == getattr(step, name)
            except GantryError:
                same = False  # the service refuses it, in its own words
            if not same:
                changed[name] = value
        self._save(changed)


class RunbookView(QWidget):
    """The Runbook tab of one window."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._plan: Plan | None = None
        self._editor: PlanEditor | None = None
        self._events: PlanEvents | None = None
        self.release_id: int | None = None
        self.runbook_id: int | None = None
        self.run_id: int | None = None
        self.failed_step: int | None = None

        self.books = QComboBox()
        self.books.setObjectName("runbookChoice")
        self.books.currentIndexChanged.connect(self._book_chosen)
        self.summary = QLabel()
        self.summary.setObjectName("runbookSummary")
        self.fit = QLabel()
        self.fit.setObjectName("windowFit")
        self.problems = QLabel()
        self.problems.setObjectName("runbookProblems")
        self.problems.setWordWrap(True)
        self.edit_mode = QPushButton("Edit")
        self.execute_mode = QPushButton("Execute")
        modes = QButtonGroup(self)
        for button in (self.edit_mode, self.execute_mode):
            button.setCheckable(True)
            modes.addButton(button)
        self.edit_mode.setChecked(True)
        self.edit_mode.toggled.connect(self._mode_changed)

        self.new_book = QPushButton("New runbook…")
        self.new_book.setObjectName("newRunbook")
        self.new_book.clicked.connect(self.new_runbook)
        self.save_template = QPushButton("Save as template…")
        self.save_template.clicked.connect(self.save_as_template)
        self.environment = QComboBox()
        self.environment.setObjectName("runbookEnvironment")
        self.environment.setToolTip("The environment whose change windows the runbook must fit")
        self.environment.activated.connect(lambda _i: self._environment_chosen())
        self.t0 = PlannedStartField()
        self.t0.setToolTip("T0: when the runbook starts; steps are planned in minutes from it")
        self.t0.date.committed.connect(self._t0_edited)
        self.t0.time.editingFinished.connect(self._t0_edited)

        top = QHBoxLayout()
        top.addWidget(QLabel("Runbook"))
        top.addWidget(self.books, 2)
        top.addWidget(self.new_book)
        top.addWidget(self.save_template)
        top.addSpacing(12)
        top.addWidget(QLabel("Environment"))
        top.addWidget(self.environment)
        top.addWidget(QLabel("T0"))
        top.addWidget(self.t0, 1)
        top.addStretch(1)
        top.addWidget(self.edit_mode)
        top.addWidget(self.execute_mode)

        self.add_step = QPushButton("Add step")
        self.add_step.setToolTip("A new step after the selected one, in its section (Insert)")
        self.add_step.clicked.connect(self.add_after_current)
        self.duplicate_step = QPushButton("Duplicate")
        self.duplicate_step.setToolTip("A copy of the selected step with its waits (Ctrl+D)")
        self.duplicate_step.clicked.connect(self.duplicate_current)
        self.delete_steps = QPushButton("Delete")
        self.delete_steps.setToolTip("Delete the selected steps (Delete)")
        self.delete_steps.clicked.connect(self.delete_selected)
        for button, key in (
            (self.add_step, QKeySequence(Qt.Key.Key_Insert)),
            (self.duplicate_step, QKeySequence("Ctrl+D")),
            (self.delete_steps, QKeySequence(QKeySequence.StandardKey.Delete)),
        ):
            shortcut = QShortcut(key, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)
        self.correct_times = QPushButton("Correct times…")
        self.correct_times.setToolTip(
            "Set the selected step's recorded start and finish by hand (audited, not undone)"
        )
        self.correct_times.clicked.connect(self.correct_selected_times)
        step_bar = QHBoxLayout()
        step_bar.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_step, self.duplicate_step, self.delete_steps):
            step_bar.addWidget(button)
        step_bar.addStretch(1)
        step_bar.addWidget(self.correct_times)

        self.model = StepsModel(self._edit, self._move)
        self.table = QTableView()
        self.table.setObjectName("runbookSteps")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.verticalHeader().hide()
        self.model.modelReset.connect(self._fit_columns)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())

        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(step_bar)
        left_layout.addWidget(self.table, 1)

        self.details = StepDetails(self._save_details, self.choose_waits, self._remove_wait)
        self.execute_panel = self._build_execute_panel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.execute_panel)
        right_layout.addWidget(self.details, 1)

        self.gantt = RunbookGantt()
        gantt_scroll = QScrollArea()
        gantt_scroll.setWidget(self.gantt)
        gantt_scroll.setWidgetResizable(True)
        self.comparison = ComparisonModel()
        self.comparison_table = QTableView()
        self.comparison_table.setObjectName("runComparison")
        self.comparison_table.setModel(self.comparison)
        self.comparison_table.verticalHeader().hide()
        self.comparison_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.comparison_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(gantt_scroll, "Planned timeline")
        self.lower_tabs.addTab(self.comparison_table, "Runs compared")

        self.upper = QSplitter(Qt.Orientation.Horizontal)
        self.upper.addWidget(left)
        self.upper.addWidget(right)
        self.upper.setStretchFactor(0, 3)
        self.upper.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.upper)
        self.splitter.addWidget(self.lower_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._split_done = False

        status = QHBoxLayout()
        status.addWidget(self.fit)
        status.addWidget(self.problems, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(status)
        layout.addWidget(self.splitter, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._mode_changed()

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._split_done and self.upper.width() > 0:
            # Set once the tab has its real size: the steps get 60% of the width, the
            # details the rest; the steps and details 62% of the height, the timeline the rest.
            self._split_done = True
            width, height = self.upper.width(), self.splitter.height()
            self.upper.setSizes([int(width * 0.6), width - int(width * 0.6)])
            self.splitter.setSizes([int(height * 0.62), height - int(height * 0.62)])

    def _build_execute_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("executePanel")
        layout = QVBoxLayout(panel)
        runs_row = QHBoxLayout()
        self.runs = QComboBox()
        self.runs.setObjectName("runChoice")
        self.runs.currentIndexChanged.connect(self._run_chosen)
        self.start_rehearsal = QPushButton("Start rehearsal")
        self.start_live = QPushButton("Start live run")
        self.end_run = QPushButton("End run")
        self.take_durations = QPushButton("Use as planned durations")
        self.take_durations.setToolTip("Make this rehearsal's measured durations the planned ones")
        self.start_rehearsal.clicked.connect(lambda: self.start_run("rehearsal"))
        self.start_live.clicked.connect(lambda: self.start_run("live"))
        self.end_run.clicked.connect(self.finish_run)
        self.take_durations.clicked.connect(self._take_durations)
        # The run's name in full on one row, what starts or ends runs on the next.
        runs_row.addWidget(QLabel("Run"))
        runs_row.addWidget(self.runs, 1)
        runs_row.addWidget(self.end_run)
        layout.addLayout(runs_row)
        starts_row = QHBoxLayout()
        starts_row.addWidget(self.start_rehearsal)
        starts_row.addWidget(self.start_live)
        starts_row.addStretch(1)
        starts_row.addWidget(self.take_durations)
        layout.addLayout(starts_row)
        self.current = QLabel()
        self.current.setObjectName("currentStep")
        self.current.setWordWrap(True)
        font = QFont(self.current.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.current.setFont(font)
        layout.addWidget(self.current)
        self.timer = QLabel()
        self.timer.setObjectName("stepTimer")
        layout.addWidget(self.timer)
        buttons = QHBoxLayout()
        self.start_step = QPushButton("Start")
        self.done_step = QPushButton("Done")
        self.skip_step = QPushButton("Skip")
        self.fail_step = QPushButton("Fail")
        for button, colour in (
            (self.start_step, "#1565c0"),
            (self.done_step, "#2e7d32"),
            (self.skip_step, "#6d4c41"),
            (self.fail_step, "#c62828"),
        ):
            button.setMinimumHeight(44)
            button.setStyleSheet(
                f"QPushButton {{ background: {colour}; color: white; font-weight: bold; "
                "font-size: 13pt; border-radius: 4px; } "
                "QPushButton:disabled { background: #c9ccd1; }"
            )
            buttons.addWidget(button)
        self.start_step.clicked.connect(self.start_selected)
        self.done_step.clicked.connect(lambda: self.finish_selected("done"))
        self.skip_step.clicked.connect(lambda: self.finish_selected("skipped"))
        self.fail_step.clicked.connect(lambda: self.finish_selected("failed"))
        layout.addLayout(buttons)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Why it was skipped or failed (required for Skip and Fail)")
        layout.addWidget(self.reason)
        self.rollback_plan = QLabel()
        self.rollback_plan.setObjectName("rollbackPlan")
        self.rollback_plan.setWordWrap(True)
        self.rollback_plan.setStyleSheet(
            "QLabel { background: #fdecea; border: 1px solid #e57373; padding: 6px; }"
        )
        self.rollback_plan.hide()
        layout.addWidget(self.rollback_plan)
        return panel

    # -- the plan and the release ------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._changed)
        self._plan, self._editor, self._events = plan, editor, events
        if events is not None:
            events.changed.connect(self._changed)
        self.release_id = self.runbook_id = self.run_id = None
        self.model.read_only = plan is None or plan.read_only
        self.environment.clear()
        self.environment.addItem("No environment", None)
        if plan is not None:
            for env_id, name in plan.runbooks.environments():
                self.environment.addItem(name, env_id)
        self._fill_books()

    def show_release(self, release_id: int | None) -> None:
        self.release_id = release_id
        self._fill_books()

    def _fill_books(self, select: int | None = None) -> None:
        chosen = select if select is not None else self.runbook_id
        self.books.blockSignals(True)
        self.books.clear()
        if self._plan is not None and self.release_id is not None:
            for book in self._plan.runbooks.runbooks(self.release_id):
                self.books.addItem(book.name, book.id)
        self.books.setCurrentIndex(max(0, self.books.findData(chosen)))
        self.books.blockSignals(False)
        self._book_chosen()

    def _book_chosen(self) -> None:
        data = self.books.currentData()
        self.runbook_id = int(data) if data is not None else None
        self.failed_step = None
        self._fill_runs()

    def _fill_runs(self, select: int | None = None) -> None:
        self.runs.blockSignals(True)
        self.runs.clear()
        if self._plan is not None and self.runbook_id is not None:
            runs = self._plan.runbooks.runs(self.runbook_id)
            for run in runs:
                self.runs.addItem(f"{run.label} · {run.status}", run.id)
            chosen = (
                select
                if select is not None
                else next(
                    (r.id for r in reversed(runs) if r.status == "running"),
                    runs[-1].id if runs else None,
                )
            )
            self.runs.setCurrentIndex(max(0, self.runs.findData(chosen)))
        self.runs.blockSignals(False)
        self._run_chosen()

    def _run_chosen(self) -> None:
        data = self.runs.currentData()
        self.run_id = int(data) if data is not None else None
        self.refresh()

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.derived or not notice.touches(*TABLES):
            return
        if notice.structural("runbooks"):
            self._fill_books()
        elif notice.structural("runbook_runs"):
            self._fill_runs(self.run_id)
        else:
            self.refresh()

    @property
    def executing(self) -> bool:
        return self.execute_mode.isChecked()

    def _run(self) -> RunRow | None:
        if self._plan is None or self.run_id is None:
            return None
        return self._plan.runbooks.run(self.run_id)

    def refresh(self) -> None:
        """Read the runbook again and show it (steps, timeline, fit, the run)."""
        plan, book = self._plan, self.runbook_id
        selected = self.selected_step()
        if plan is None or book is None:
            self.model.show([], self.model.timeline, None, set())
            self.gantt.show_plan([], self.model.timeline)
            self.t0.set_value(None)
            self.summary.setText(
                "This release has no runbook: New runbook… makes one."
                if plan is not None and self.release_id is not None
                else ""
            )
            self.fit.setText("")
            self.problems.setText("")
            self.details.show_step(None, [], [], False)
            self._update_buttons()
            return
        books = plan.runbooks
        steps = books.steps(book)
        timeline = books.timeline(book)
        run = self._run()
        executions = books.executions(run.id) if run is not None else None
        late = (
            books.late_steps(run.id, self._clock()) if run is not None and self.executing else set()
        )
        self.model.show(steps, timeline, executions if self.executing else None, late)
        self.gantt.show_plan(
            steps,
            timeline,
            run.started_at if run is not None and self.executing else None,
            executions if self.executing else None,
            late,
            books.links(book),
        )
        self.comparison.show(books.compare(book))
        row = books.runbook(book)
        self.t0.set_value(row.planned_start)
        self.environment.setCurrentIndex(max(0, self.environment.findData(row.environment_id)))
        self.summary.setText(
            f"{timeline.total // 60} h {timeline.total % 60:02d} min · "
            f"{len(timeline.critical)} critical steps"
        )
        fit = books.window_fit(book)
        colour = {True: "#2e7d32", False: "#c62828", None: "#6b7280"}[fit.fits]
        mark = {True: "✔", False: "✖", None: "•"}[fit.fits]
        self.fit.setText(f"<span style='color:{colour}'><b>{mark}</b> {fit.message}</span>")
        problems = books.problems(book)
        self.problems.setText(
            f"<span style='color:#c62828'>⚠ {' '.join(problems)}</span>" if problems else ""
        )
        if selected is not None:
            self.select_step(selected.id)
        self._show_details()
        self._update_buttons()

    def _fit_columns(self) -> None:
        self.table.clearSpans()
        for row in self.model.heading_rows():
            self.table.setSpan(row, 0, 1, self.model.columnCount())
        # Widths from the widest value a column can hold, not ResizeToContents, which
        # measures every row on each reset (half a second at 1,000 steps).
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        widest = {
            "position": "9999",
            "owner_role": "Release manager",
            "duration_minutes": "9999",
            "planned_start": "T0+ 9",
            "point_of_no_return": "PONR",
            "started": "Started",
            "finished": "Finished",
            "outcome": "skipped",
        }
        for column, (name, _label) in enumerate(self.model.columns):
            if name == "title":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, metrics.horizontalAdvance(widest[name]) + 18)

    # -- edit mode ---------------------------------------------------------------------------

    def selected_step(self) -> StepRow | None:
        index = self.table.currentIndex()
        return self.model.step_at(index.row()) if index.isValid() else None

    def selected_steps(self) -> list[StepRow]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [s for r in rows if (s := self.model.step_at(r)) is not None]

    def select_step(self, step_id: int, *more: int) -> None:
        """Make the step current and selected (with `more` selected too)."""
        selection = self.table.selectionModel()
        first = True
        for wanted in (step_id, *more):
            row = self.model.row_of(wanted)
            if row is None:
                continue
            flags = QItemSelectionModel.SelectionFlag.Rows | (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                if first
                else QItemSelectionModel.SelectionFlag.Select
            )
            if first:
                selection.setCurrentIndex(self.model.index(row, 1), flags)
            else:
                selection.select(self.model.index(row, 1), flags)
            first = False

    def _show_details(self) -> None:
        step = self.selected_step()
        plan = self._plan
        if plan is None or step is None or self.runbook_id is None:
            self.details.show_step(None, [], [], False)
            self._update_buttons()
            return
        steps = plan.runbooks.steps(self.runbook_id)
        by_id = {s.id: s for s in steps}
        waits = [by_id[b] for a, b in plan.runbooks.links(self.runbook_id) if a == step.id]
        rollback = [s for s in steps if s.section == "rollback"]
        editable = not plan.read_only and not self.executing
        self.details.show_step(step, rollback, waits, editable)
        self._update_buttons()

    def _edit(self, step_id: int, field: str, value: Any) -> bool:
        if self._editor is None or self._plan is None:
            return False
        return self._editor.set_field(self._plan.runbooks, step_id, field, value)

    def _move(self, step_ids: list[int], gap: int, section: str) -> bool:
        if self._editor is None or not step_ids:
            return False
        moved = self._editor.move_steps(step_ids, gap, section)
        self.select_step(*step_ids)
        return moved

    def add_after_current(self) -> int | None:
        """A new step after the selected one, in its section (at the end without one);
        its title is opened for typing."""
        if self._editor is None or self.runbook_id is None:
            return None
        current = self.selected_step()
        steps = self.model.steps
        position = current.position + 1 if current is not None else len(steps)
        section = current.section if current is not None else "deploy"
        values = {"title": "New step", "section": section, "duration_minutes": 5}
        added = self._editor.add_step(self.runbook_id, values, position)
        if added is not None:
            self.select_step(added)
            row = self.model.row_of(added)
            if row is not None:
                self.table.edit(self.model.index(row, 1))
        return added

    def duplicate_current(self) -> int | None:
        """A copy of the selected step after it: same fields, same waits, same pairing."""
        plan, current = self._plan, self.selected_step()
        if self._editor is None or plan is None or current is None or self.runbook_id is None:
            return None
        values = {f.name: getattr(current, f.name) for f in STEP_FIELDS}
        values["title"] = f"{current.title} (copy)"
        waits = [b for a, b in plan.runbooks.links(self.runbook_id) if a == current.id]
        added = self._editor.add_step(self.runbook_id, values, current.position + 1, waits)
        if added is not None:
            self.select_step(added)
        return added

    def delete_selected(self) -> bool:
        chosen = self.selected_steps()
        if self._editor is None or not chosen:
            return False
        after = next((s for s in self.model.steps if s.position > chosen[-1].position), None)
        deleted = self._editor.delete_steps([s.id for s in chosen])
        if deleted and after is not None:
            self.select_step(after.id)
        return deleted

    def choose_waits(self) -> None:
        """Ask which steps the current one waits for, then add them as one undo step."""
        plan, step = self._plan, self.details.step
        if self._editor is None or plan is None or step is None or self.runbook_id is None:
            return
        already = set(self.details.waits_for())
        others = [
            s
            for s in plan.runbooks.steps(self.runbook_id)
            if s.id != step.id and s.id not in already
        ]
        dialog = ChooseStepsDialog(step, others, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_waits(step.id, dialog.chosen())

    def add_waits(self, step_id: int, waits_for: list[int]) -> bool:
        if self._editor is None:
            return False
        added = self._editor.add_waits(step_id, waits_for)
        self.select_step(step_id)
        return added

    def _remove_wait(self, waits_for: int) -> None:
        step = self.details.step
        if self._editor is not None and step is not None:
            self._editor.remove_wait(step.id, waits_for)
            self.select_step(step.id)

    # -- the runbook -------------------------------------------------------------------------

    def new_runbook(self) -> None:
        plan, release = self._plan, self.release_id
        if plan is None or release is None:
            return
        books = plan.runbooks
        dialog = NewRunbookDialog(
            books.runbooks(None),
            books.environments(),
            lambda env, t0: books.template_values(release, env, t0),
            self,
        )
        current = books.runbook(self.runbook_id) if self.runbook_id is not None else None
        if current is not None:
            dialog.environment.setCurrentIndex(
                max(0, dialog.environment.findData(current.environment_id))
            )
            dialog.start.set_value(current.planned_start)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_runbook(
                dialog.template_id(),
                dialog.name.text(),
                dialog.environment_id(),
                dialog.start.value(),
            )

    def create_runbook(
        self,
        template_id: int | None,
        name: str,
        environment_id: int | None,
        planned_start: dt.datetime | None,
    ) -> int | None:
        """Make the release's new runbook (blank, or from a template with its variables
        filled) as one undo step and show it."""
        plan, release = self._plan, self.release_id
        if self._editor is None or plan is None or release is None:
            return None
        books = plan.runbooks
        if template_id is None:
            made = self._editor.create_runbook(
                f"Add runbook {name}",
                lambda reason: books.create_runbook(
                    name, release, environment_id, planned_start, reason
                ),
            )
        else:
            made = self._editor.create_runbook(
                f"Add runbook {name}",
                lambda reason: books.create_from_template(
                    template_id, release, environment_id, planned_start, reason
                ),
            )
        if made is not None:
            self._fill_books(made)
        return made

    def save_as_template(self) -> int | None:
        plan, book = self._plan, self.runbook_id
        if self._editor is None or plan is None or book is None:
            return None
        name, ok = QInputDialog.getText(
            self,
            "Save as template",
            "Template name (use {release}, {version}, {environment}, {window_start}):",
            text=plan.runbooks.runbook(book).name,
        )
        return self.make_template(name) if ok else None

    def make_template(self, name: str) -> int | None:
        plan, book = self._plan, self.runbook_id
        if self._editor is None or plan is None or book is None:
            return None
        books = plan.runbooks
        return self._editor.create_runbook(
            f"Save template {name}", lambda reason: books.save_as_template(book, name, reason)
        )

    def _t0_edited(self) -> None:
        if self._editor is not None and self.runbook_id is not None:
            self._editor.set_planned_start(self.runbook_id, self.t0.value())

    def _environment_chosen(self) -> None:
        if self._editor is not None and self.runbook_id is not None:
            data = self.environment.currentData()
            self._editor.set_runbook_environment(
                self.runbook_id, int(data) if data is not None else None
            )

    def _save_details(self, changes: dict[str, Any]) -> None:
        step = self.details.step
        if self._editor is None or self._plan is None or step is None or not changes:
            return
        stack = self._editor.stack
        stack.beginMacro(f"Edit step {step.label}")
        try:
            for field, value in changes.items():
                if not self._edit(step.id, field, value):
                    break
        finally:
            stack.endMacro()

    # -- execute mode ------------------------------------------------------------------------

    def _mode_changed(self) -> None:
        self.execute_panel.setVisible(self.executing)
        if self.executing:
            self._ticker.start()
        else:
            self._ticker.stop()
        self.refresh()

    def _tick(self) -> None:
        run = self._run()
        step = self.selected_step()
        if run is None or step is None or self._plan is None:
            self.timer.setText("")
            return
        done = self._plan.runbooks.executions(run.id).get(step.id)
        now = self._clock()
        elapsed = (now - run.started_at).total_seconds()
        text = f"Run clock T0+{int(elapsed // 3600)}:{int(elapsed % 3600 // 60):02d}"
        if done is not None and done.started_at is not None and done.finished_at is None:
            running = int((now - done.started_at).total_seconds() // 60)
            text += f" · this step running {running} of {step.duration_minutes} min"
        self.timer.setText(text)

    def _update_buttons(self) -> None:
        run = self._run()
        running = run is not None and run.status == "running"
        writable = self._plan is not None and not self._plan.read_only
        step = self.selected_step()
        done = (
            self._plan.runbooks.executions(run.id).get(step.id)
            if self._plan is not None and run is not None and step is not None
            else None
        )
        open_step = running and step is not None and (done is None or done.finished_at is None)
        self.start_step.setEnabled(
            writable and open_step and (done is None or done.started_at is None)
        )
        for button in (self.done_step, self.skip_step, self.fail_step):
            button.setEnabled(writable and open_step)
        self.start_rehearsal.setEnabled(writable and not running and self.runbook_id is not None)
        self.start_live.setEnabled(writable and not running and self.runbook_id is not None)
        self.end_run.setEnabled(writable and running)
        editing = writable and not self.executing and self.runbook_id is not None
        self.add_step.setEnabled(editing)
        self.duplicate_step.setEnabled(editing and step is not None)
        self.delete_steps.setEnabled(editing and bool(self.selected_steps()))
        for button in (self.add_step, self.duplicate_step, self.delete_steps):
            button.setVisible(not self.executing)
        self.correct_times.setVisible(self.executing)
        self.correct_times.setEnabled(writable and run is not None and step is not None)
        self.new_book.setEnabled(writable and self.release_id is not None)
        self.save_template.setEnabled(writable and self.runbook_id is not None)
        self.t0.setEnabled(editing)
        self.environment.setEnabled(editing)
        self.take_durations.setEnabled(
            writable and run is not None and run.kind == "rehearsal" and run.status == "completed"
        )
        if run is None:
            self.current.setText("No run yet: start a rehearsal or a live run.")
        elif step is not None:
            state = self.model.state(step)
            self.current.setText(f"{step.label} — {step.owner_role or 'anyone'} · {state}")
        else:
            self.current.setText(f"{run.label} · {run.status}")
        self._tick()

    def _act(self, title: str, action: Callable[[], object]) -> bool:
        if self._editor is None:
            return False
        try:
            action()
        except GantryError as exc:
            self._editor.report(title, str(exc))
            return False
        return True

    def start_run(self, kind: str) -> None:
        plan, book = self._plan, self.runbook_id
        if plan is None or book is None:
            return
        started: list[int] = []
        if self._act(
            "Cannot start the run",
            lambda: started.append(plan.runbooks.start_run(book, kind, self._clock())),
        ):
            self.failed_step = None
            self.rollback_plan.hide()
            self._fill_runs(started[0])
            first = plan.runbooks.forward_steps(book)
            if first:
                self.select_step(first[0].id)

    def start_selected(self) -> None:
        plan, step, run = self._plan, self.selected_step(), self.run_id
        if plan is None or step is None or run is None:
            return
        self._act(
            "Cannot start the step", lambda: plan.runbooks.start_step(run, step.id, self._clock())
        )

    def finish_selected(self, outcome: str) -> None:
        plan, step, run = self._plan, self.selected_step(), self.run_id
        if plan is None or step is None or run is None:
            return
        reason = self.reason.text()
        if not self._act(
            "Cannot record the step",
            lambda: plan.runbooks.finish_step(run, step.id, outcome, self._clock(), reason),
        ):
            return
        self.reason.clear()
        if outcome == "failed" and step.section != "rollback":
            self.show_rollback_plan(step.id)
        else:
            self._select_next(step)

    def show_rollback_plan(self, reached: int) -> None:
        """After a failure: the rollback steps to run from the step reached, first selected."""
        if self._plan is None or self.runbook_id is None:
            return
        self.failed_step = reached
        steps = self._plan.runbooks.rollback_plan(self.runbook_id, reached)
        reached_label = self._plan.runbooks.label(reached)
        if not steps:
            self.rollback_plan.setText(
                f"{reached_label} failed. No rollback step is paired with the steps done so far."
            )
        else:
            lines = "<br>".join(
                f"{n}. {s.title} ({s.owner_role}, {s.duration_minutes} min)"
                for n, s in enumerate(steps, 1)
            )
            self.rollback_plan.setText(
                f"<b>{reached_label} failed. Rollback plan from here:</b><br>{lines}"
            )
            self.select_step(steps[0].id)
        self.rollback_plan.show()

    def _select_next(self, step: StepRow) -> None:
        """Move the selection to the next step still to do (the next of the rollback plan
        after a failure)."""
        plan, run = self._plan, self.run_id
        if plan is None or run is None or self.runbook_id is None:
            return
        executions = plan.runbooks.executions(run)
        if self.failed_step is not None:
            candidates = plan.runbooks.rollback_plan(self.runbook_id, self.failed_step)
        else:
            candidates = [
                s
                for s in plan.runbooks.forward_steps(self.runbook_id)
                if s.position > step.position
            ]
        for candidate in candidates:
            done = executions.get(candidate.id)
            if done is None or done.finished_at is None:
                self.select_step(candidate.id)
                return

    def correct_selected_times(self) -> None:
        """Ask for the selected step's corrected times in the run shown, then record them."""
        plan, step, run = self._plan, self.selected_step(), self.run_id
        if plan is None or step is None or run is None:
            return
        done = plan.runbooks.executions(run).get(step.id)
        dialog = CorrectTimesDialog(
            step,
            done.started_at if done else None,
            done.finished_at if done else None,
            self._clock().replace(second=0, microsecond=0),
            self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            started, finished = dialog.times()
            self.correct(step.id, started, finished, dialog.reason.text())

    def correct(
        self,
        step_id: int,
        started: dt.datetime | None,
        finished: dt.datetime | None,
        reason: str,
    ) -> bool:
        """Record corrected times: audited with the reason, and not on the undo stack,
        like every run action (a run is a log; a correction is a new entry in it)."""
        plan, run = self._plan, self.run_id
        if plan is None or run is None:
            return False
        return self._act(
            "Cannot correct the times",
            lambda: plan.runbooks.correct_times(
                run, step_id, started, finished, f"Correct times: {reason.strip()}"
            ),
        )

    def finish_run(self) -> None:
        plan, run = self._plan, self.run_id
        if plan is not None and run is not None:
            self._act("Cannot end the run", lambda: plan.runbooks.end_run(run, self._clock()))

    def _take_durations(self) -> None:
        if self._editor is not None and self.run_id is not None:
            self._editor.take_rehearsal_durations(self.run_id)
