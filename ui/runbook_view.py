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
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
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

from app.errors import GantryError
from app.plan import Plan
from app.runbooks import SECTION_LABELS, STEP_FIELDS, TABLES, RunRow, StepRow
from app.unit_of_work import ChangeNotice
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.runbook_gantt import RunbookGantt
from ui.runbook_models import ComparisonModel, StepsModel

Clock = Callable[[], dt.datetime]


class StepDetails(QFrame):
    """The selected step's long fields; Save applies the changed ones as one undo step."""

    def __init__(self, save: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self.setObjectName("stepDetails")
        self._save = save
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
        self.waits = QLabel()
        self.waits.setWordWrap(True)
        form.addRow("Waits for", self.waits)
        self.save_button = QPushButton("Save step")
        self.save_button.clicked.connect(self._apply)
        form.addRow("", self.save_button)

    def show_step(
        self, step: StepRow | None, rollback_steps: list[StepRow], waits: list[str], editable: bool
    ) -> None:
        self.step = step
        self.setEnabled(step is not None)
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
        self.waits.setText(", ".join(waits) or "nothing (starts at T0)")
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

        top = QHBoxLayout()
        top.addWidget(QLabel("Runbook"))
        top.addWidget(self.books, 1)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(self.edit_mode)
        top.addWidget(self.execute_mode)

        self.model = StepsModel(self._edit, self._move)
        self.table = QTableView()
        self.table.setObjectName("runbookSteps")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.verticalHeader().hide()
        self.model.modelReset.connect(self._fit_columns)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())

        self.details = StepDetails(self._save_details)
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

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.table)
        upper.addWidget(right)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        upper.setSizes([900, 600])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(upper)
        main.addWidget(self.lower_tabs)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)

        status = QHBoxLayout()
        status.addWidget(self.fit)
        status.addWidget(self.problems, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(status)
        layout.addWidget(main, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._mode_changed()

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
        runs_row.addWidget(QLabel("Run"))
        runs_row.addWidget(self.runs, 1)
        for button in (self.start_rehearsal, self.start_live, self.end_run, self.take_durations):
            runs_row.addWidget(button)
        layout.addLayout(runs_row)
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
        self._fill_books()

    def show_release(self, release_id: int | None) -> None:
        self.release_id = release_id
        self._fill_books()

    def _fill_books(self) -> None:
        self.books.blockSignals(True)
        self.books.clear()
        if self._plan is not None and self.release_id is not None:
            for book in self._plan.runbooks.runbooks(self.release_id):
                self.books.addItem(book.name, book.id)
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
            self.summary.setText("This release has no runbook." if plan is not None else "")
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
        )
        self.comparison.show(books.compare(book))
        row = books.runbook(book)
        t0 = f"{row.planned_start:%a %d %b %Y %H:%M}" if row.planned_start else "not set"
        self.summary.setText(
            f"T0 {t0} · {timeline.total // 60} h {timeline.total % 60:02d} min · "
            f"{len(timeline.critical)} critical steps"
        )
        fit = books.window_fit(book)
        colour = {True: "#2e7d32", False: "#c62828", None: "#6b7280"}[fit.fits]
        mark = {True: "✔", False: "✖", None: "•"}[fit.fits]
        self.fit.setText(f"<span style='color:{colour}'>{mark} {fit.message}</span>")
        problems = books.problems(book)
        self.problems.setText(
            f"<span style='color:#c62828'>⚠ {' '.join(problems)}</span>" if problems else ""
        )
        if selected is not None:
            self.select_step(selected.id)
        self._show_details()
        self._update_buttons()

    def _fit_columns(self) -> None:
        # Widths from the widest value a column can hold, not ResizeToContents, which
        # measures every row on each reset (half a second at 1,000 steps).
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        widest = {
            "position": "9999",
            "section": "Data migration",
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

    def select_step(self, step_id: int) -> None:
        for row, step in enumerate(self.model.steps):
            if step.id == step_id:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 2),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def _show_details(self) -> None:
        step = self.selected_step()
        plan = self._plan
        if plan is None or step is None or self.runbook_id is None:
            self.details.show_step(None, [], [], False)
            self._update_buttons()
            return
        steps = plan.runbooks.steps(self.runbook_id)
        by_id = {s.id: s for s in steps}
        waits = [by_id[b].label for a, b in plan.runbooks.links(self.runbook_id) if a == step.id]
        rollback = [s for s in steps if s.section == "rollback"]
        editable = not plan.read_only and not self.executing
        self.details.show_step(step, rollback, waits, editable)
        self._update_buttons()

    def _edit(self, step_id: int, field: str, value: Any) -> bool:
        if self._editor is None or self._plan is None:
            return False
        return self._editor.set_field(self._plan.runbooks, step_id, field, value)

    def _move(self, step_id: int, position: int) -> bool:
        if self._editor is None:
            return False
        moved = self._editor.move_step(step_id, position)
        self.select_step(step_id)
        return moved

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

    def finish_run(self) -> None:
        plan, run = self._plan, self.run_id
        if plan is not None and run is not None:
            self._act("Cannot end the run", lambda: plan.runbooks.end_run(run, self._clock()))

    def _take_durations(self) -> None:
        if self._editor is not None and self.run_id is not None:
            self._editor.take_rehearsal_durations(self.run_id)
