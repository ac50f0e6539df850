"""Gantry's main window: menus, toolbar, docks, and the lifecycle of the one open plan."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QStackedWidget,
    QTabWidget,
    QWidget,
)
from typing_extensions import override

from app import paths
from app.audit import AuditReport
from app.demo import ensure_demo_plan
from app.errors import GantryError, PlanDamagedError
from app.ics_export import ICS_SUFFIX, calendar_document, write_ics
from app.metrics_pdf import dashboard_page, write_dashboard
from app.notes_export import write_notes
from app.plan import Plan
from app.plan_check import Finding
from app.spreadsheet.safety import TEXT_SUFFIXES, WORKBOOK_SUFFIXES
from app.store import PLAN_SUFFIX, take_over_lock
from app.unit_of_work import ChangeNotice
from ui.about import show_about
from ui.approvers_dialog import ApproversDialog, show_approvers
from ui.audit_check import AuditCheck
from ui.baseline_choice import BaselineChoice
from ui.baselines_dialog import BaselineNameDialog, BaselinesDialog, show_baselines
from ui.busy import busy_cursor
from ui.changes_view import ChangesView
from ui.chart_export_dialog import ChartDialog
from ui.chart_print import ChartPreview
from ui.checklists_view import ChecklistsView
from ui.components_view import ComponentsView
from ui.conflicts_dock import ConflictsPanel
from ui.dashboard_view import DashboardView
from ui.dependency_view import DependencyView
from ui.document_export_dialog import DocumentDialog
from ui.document_print import DocumentPreview
from ui.environments_view import EnvironmentsView
from ui.error_report import (
    ChangeAsker,
    Confirmer,
    ErrorReporter,
    ReasonAsker,
    input_dialog_asker,
    message_box_confirmer,
    message_box_reporter,
    train_move_asker,
)
from ui.gantt.train_view import TrainView
from ui.gantt.view import GanttView
from ui.import_wizard import ImportWizard
from ui.items_view import ItemsView
from ui.navigator_view import NavigatorView
from ui.notes_view import NotesView
from ui.plan_editor import PlanEditor
from ui.plan_events import GuiThread, PlanEvents
from ui.plan_loader import PlanLoader
from ui.plan_settings_dialog import show_plan_settings
from ui.properties_panel import PropertiesPanel
from ui.records_view import CALENDAR_PAGE, RecordsView
from ui.release_dialog import NewRelease, ReleaseDialog
from ui.resources import icon
from ui.runbook_view import RunbookView
from ui.settings import AppSettings
from ui.status_bar import PlanStatusBar
from ui.train_dialogs import change_key_asker
from ui.undo_history import UndoHistory
from ui.verify_dialog import VerifyDialog
from ui.welcome_page import WelcomePage
from ui.window_actions import WindowActions
from ui.workbook_export_dialog import WorkbookDialog
from ui.working_calendar_dialog import show_working_calendar

FILE_FILTER = f"Gantry plans (*{PLAN_SUFFIX});;All files (*)"
# Navigator and Properties at first start: narrow enough that a 1366-pixel screen still shows
# the table's essential columns (ui/items_view.ESSENTIAL) without scrolling.
DOCK_WIDTHS = (230, 270)
SMALL_SCREEN_WIDTH = 1500


def default_window_size(available: QSize) -> QSize:
    """The window's size at first start: all of a small screen (a 1366x768 laptop has no room
    to spare), most of a larger one (a 1920x1080 screen then shows most table columns)."""
    if available.width() < SMALL_SCREEN_WIDTH:
        return QSize(available)
    return QSize(min(1800, available.width() * 9 // 10), min(1000, available.height() * 9 // 10))


class MainWindow(QMainWindow):
    """One window, at most one open plan; every plan edit goes through `editor`."""

    plan_opened = Signal(Path)  # the plan is shown and ready
    plan_failed = Signal(str)  # opening was refused; the message was reported
    plan_closed = Signal()

    def __init__(
        self,
        settings: AppSettings,
        report: ErrorReporter | None = None,
        parent: QWidget | None = None,
        confirm: Confirmer | None = None,
        ask_reason: ReasonAsker | None = None,
        today: Callable[[], dt.date] | None = None,
        ask_change: ChangeAsker | None = None,
    ) -> None:
        super().__init__(parent)
        # The day edits are made on, for the scope lock; None holds no edit to it.
        self.today = today
        self.ask_change: ChangeAsker = (
            ask_change if ask_change is not None else change_key_asker(self)
        )
        self.setObjectName("mainWindow")
        self.settings = settings
        self.report: ErrorReporter = report if report is not None else message_box_reporter(self)
        self.confirm: Confirmer = confirm if confirm is not None else message_box_confirmer(self)
        self.ask_reason: ReasonAsker = (
            ask_reason if ask_reason is not None else input_dialog_asker(self)
        )
        self.plan: Plan | None = None
        self._gui_thread = GuiThread(self)
        self._audit_check = AuditCheck(self)
        self._audit_check.checked.connect(self._audit_checked)
        self._audit_asked = False  # the user asked (File › Verify Audit Trail…): show the report
        self.editor: PlanEditor | None = None
        self._events: PlanEvents | None = None
        self._loader: PlanLoader | None = None
        self._loaders: set[PlanLoader] = set()
        self._progress: QProgressDialog | None = None
        self.undo_stack = QUndoStack(self)
        # Which baseline each release is compared with, for every view of this window.
        self.baseline_choice = BaselineChoice(self)
        self.setWindowIcon(icon("gantry"))
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self._build_central()
        self._build_docks()
        self._build_actions()
        self.status = PlanStatusBar(self)
        self.setStatusBar(self.status)
        self.status.conflicts.clicked.connect(self.show_conflicts)
        self._restore_layout()
        self._show_plan_state()

    # -- building ----------------------------------------------------------------------------

    def _build_central(self) -> None:
        self.items_view = ItemsView()
        self.items_view.set_baseline_choice(self.baseline_choice)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.items_view.setObjectName("itemsView")  # tab names: the last one shown comes back
        self.tabs.addTab(self.items_view, icon("task"), "Work items")
        self.gantt = GanttView(today=dt.date.today)
        self.tabs.addTab(self.gantt, icon("gantt"), "Calendar")
        self.dependency_view = DependencyView()
        self.dependency_view.setObjectName("dependencyView")
        self.tabs.addTab(self.dependency_view, icon("gantt"), "Dependencies")
        self.dependency_view.item_selected.connect(self._graph_item)
        self.calendar_view = RecordsView(CALENDAR_PAGE, today=dt.date.today)
        self.train_view = TrainView(today=self.today or dt.date.today)
        self.train_view.setObjectName("trainView")
        self.tabs.addTab(self.train_view, icon("release"), "Release train")
        self.train_view.release_selected.connect(self.show_release)
        self.checklists_view = ChecklistsView(today=dt.date.today)
        self.checklists_view.setObjectName("checklistsView")
        self.tabs.addTab(self.checklists_view, icon("checklist"), "Checklists")
        self.runbook_view = RunbookView(clock=_now)
        self.runbook_view.setObjectName("runbookView")
        self.tabs.addTab(self.runbook_view, icon("task"), "Runbook")
        self.changes_view = ChangesView(clock=_utc_now, today=dt.date.today)
        self.changes_view.setObjectName("changesView")
        self.tabs.addTab(self.changes_view, icon("checklist"), "Changes")
        self.notes_view = NotesView(today=dt.date.today, clock=_now)
        self.notes_view.setObjectName("notesView")
        self.tabs.addTab(self.notes_view, icon("notes"), "Release notes")
        self.notes_view.export_requested.connect(self._choose_notes_export)
        self.calendar_view.setObjectName("windowsView")
        self.tabs.addTab(self.calendar_view, icon("calendar"), "Windows && holidays")
        self.environments_view = EnvironmentsView(today=dt.date.today, now=dt.datetime.now)
        self.environments_view.windows_wanted.connect(self._show_windows_of)
        self.tabs.addTab(self.environments_view, icon("release"), "Environments")
        self.components_view = ComponentsView(today=self.today or dt.date.today)
        self.tabs.addTab(self.components_view, icon("phase"), "Components")
        self.dashboard_view = DashboardView(today=dt.date.today)
        self.tabs.addTab(self.dashboard_view, icon("dashboard"), "Dashboard")
        # Delete Item acts on the Work items tab only; the records page has its own Delete.
        self.tabs.currentChanged.connect(lambda _n: self._update_delete_action())
        self.welcome = WelcomePage()
        self.loading = QLabel()
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setStyleSheet("color: #6b7280; font-size: 12pt")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.loading)
        self.pages.addWidget(self.tabs)
        self.setCentralWidget(self.pages)
        self.items_view.item_selected.connect(self._table_selection_changed)
        self.gantt.item_selected.connect(self._gantt_selection_changed)
        # The chart draws each item's dates in the baseline shown for its release.
        self.gantt.set_baseline(self._shown_baseline_dates)
        self.baseline_choice.changed.connect(
            lambda _release: self.gantt.set_baseline(self._shown_baseline_dates)
        )
        self.welcome.new_requested.connect(self._choose_new)
        self.welcome.open_requested.connect(self._choose_open)
        self.welcome.recent_requested.connect(self.open_plan)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.navigator = NavigatorView()
        self.navigator.release_selected.connect(self._navigator_release)
        self.navigator.item_selected.connect(self._navigator_item)
        self.navigator_dock = self._dock(
            "Navigator", "navigatorDock", self.navigator, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.properties = PropertiesPanel()
        self.properties.set_baseline_choice(self.baseline_choice)
        self.properties_dock = self._dock(
            "Properties", "propertiesDock", self.properties, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.undo_history = UndoHistory(self.undo_stack)
        self.history = self.undo_history.view
        # "Undo History", not "History": the Properties panel shows an item's recorded history.
        # The object name stays, so window layouts saved by earlier versions still restore.
        self.history_dock = self._dock(
            "Undo History", "historyDock", self.undo_history, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.history_dock.hide()
        self.conflicts = ConflictsPanel(today=self.today or dt.date.today)
        self.conflicts_dock = self._dock(
            "Conflicts", "conflictsDock", self.conflicts, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.conflicts_dock.hide()
        self._conflicts_seen = False  # the dock opens by itself once per plan, not on every edit
        self.conflicts.findings_changed.connect(self._findings_changed)
        self.conflicts.release_wanted.connect(self.show_release)
        self.conflicts.change_wanted.connect(self.show_change)
        self.conflicts.deployment_wanted.connect(self.show_deployment)
        self.conflicts.communication_wanted.connect(self.show_communication)

    def _build_actions(self) -> None:
        acts = self.menu_actions = WindowActions(self, self.undo_stack, self.history_dock)
        acts.new.triggered.connect(self._choose_new)
        acts.open.triggered.connect(self._choose_open)
        acts.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        acts.save_as.triggered.connect(self._choose_save_as)
        acts.close.triggered.connect(self.close_plan)
        acts.take_over.triggered.connect(self.take_over_plan)
        acts.plan_settings.triggered.connect(self.open_plan_settings)
        acts.working_calendar.triggered.connect(self.open_working_calendar)
        acts.approvers.triggered.connect(self.open_approvers)
        acts.verify_audit.triggered.connect(self.verify_audit)
        acts.import_sheet.triggered.connect(lambda: self.import_wizard())
        acts.export_chart.triggered.connect(lambda: self.chart_dialog(export=True))
        acts.export_workbook.triggered.connect(self.workbook_dialog)
        acts.export_calendar.triggered.connect(self._choose_calendar_export)
        acts.export_notes.triggered.connect(self._choose_notes_export)
        acts.export_dashboard.triggered.connect(self._choose_dashboard_export)
        acts.print_chart.triggered.connect(lambda: self.chart_dialog(export=False))
        acts.export_document.triggered.connect(lambda: self.document_dialog(export=True))
        acts.print_document.triggered.connect(lambda: self.document_dialog(export=False))
        acts.verify_pdf.triggered.connect(self.verify_dialog)
        acts.open_demo.triggered.connect(self.open_demo_plan)
        acts.quit.triggered.connect(self.close)
        acts.add_task.triggered.connect(lambda: self.add_item("task"))
        acts.add_milestone.triggered.connect(lambda: self.add_item("milestone"))
        acts.add_phase.triggered.connect(lambda: self.add_item("phase"))
        acts.add_release.triggered.connect(self._choose_add_release)
        acts.delete.triggered.connect(self.delete_selected_item)
        acts.set_baseline.triggered.connect(self.choose_baseline_name)
        acts.baselines.triggered.connect(self.manage_baselines)
        acts.about.triggered.connect(
            lambda: show_about(self, self.plan.path if self.plan else None)
        )
        view_menu = acts.build_menus(
            self,
            [self.navigator_dock, self.properties_dock, self.history_dock, self.conflicts_dock],
        )
        self.toolbar = acts.build_toolbar(self)
        view_menu.addSeparator()
        view_menu.addAction(self.toolbar.toggleViewAction())

    # -- settings ----------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(default_window_size(self.screen().availableGeometry().size()))
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks(
                [self.navigator_dock, self.properties_dock],
                list(DOCK_WIDTHS),
                Qt.Orientation.Horizontal,
            )
        header = self.settings.header_state("items")
        if header is not None:
            self.items_view.restore_columns(header)
        last_tab = self.settings.last_tab()
        for n in range(self.tabs.count()):
            page = self.tabs.widget(n)
            if page is not None and page.objectName() == last_tab:
                self.tabs.setCurrentIndex(n)

    def save_layout(self) -> None:
        if self.items_view.columns_chosen:
            self.settings.save_header("items", self.items_view.table.horizontalHeader().saveState())
        else:  # still the table's own layout: let it follow the window next time too
            self.settings.clear_header("items")
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.save_last_tab(self.tabs.currentWidget().objectName())

    # -- opening and closing -----------------------------------------------------------------

    def open_plan(self, path: Path, *, create: bool = False, read_only: bool = False) -> None:
        """Open (or create) a plan in the background; `plan_opened` or `plan_failed` follows.

        The plan that is open stays open until the new one has loaded, so a file that cannot
        be opened (or a cancel) leaves it as it was. Asking for the plan this window already
        edits just shows it: a second open would only find our own lock and be read-only.
        """
        path = Path(path)
        self._cancel_loading()
        if self.plan is not None and not self.plan.read_only and _same_file(self.plan.path, path):
            self.status.showMessage(f"{path.name} is already open", 5000)
            self.raise_()
            self.activateWindow()
            return
        loader = PlanLoader(
            path, self._gui_thread.post, create=create, read_only=read_only, parent=self
        )
        loader.progressed.connect(self._load_progress)
        loader.loaded.connect(self._load_done)
        loader.failed.connect(self._load_failed)
        loader.finished.connect(lambda: self._loader_finished(loader))
        self._loader = loader
        self._loaders.add(loader)
        progress = QProgressDialog(f"Opening {path.name}…", "Cancel", 0, 0, self)
        progress.setWindowTitle("Opening plan")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(600)  # small plans open without a flash of a dialog
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel_opening)
        self._progress = progress
        self.status.showMessage(f"Opening {path}…")
        if self.plan is None:
            self.loading.setText(f"Opening {path.name}…")
            self.pages.setCurrentWidget(self.loading)
        loader.start()

    @property
    def is_loading(self) -> bool:
        return self._loader is not None

    def cancel_opening(self) -> None:
        """The user cancelled: stop the worker; the plan that was open (if any) stays."""
        if self._loader is not None:
            self._cancel_loading()
            self.status.showMessage("Opening cancelled", 5000)
            self._show_plan_state()

    def _cancel_loading(self) -> None:
        if self._loader is not None:
            self._loader.cancel()
            self._loader = None
        self._close_progress()

    def _close_progress(self) -> None:
        progress, self._progress = self._progress, None
        if progress is not None:
            progress.canceled.disconnect(self.cancel_opening)
            had_focus = progress.isActiveWindow()
            # reset() stops the dialog's timer for its delayed show: a load that ends just as
            # it fires would otherwise show the dialog after this, and a window shown then
            # cancels the quit that closing the main window has already asked for.
            progress.reset()
            progress.hide()
            progress.deleteLater()
            if had_focus:
                # A slow open shows the dialog, which takes the keyboard; not every window
                # system hands it back when the dialog goes, and the plan's keys and
                # shortcuts would go nowhere until the user clicked the window.
                self.activateWindow()

    def _load_progress(self, step: int, total: int, message: str) -> None:
        # A modal QProgressDialog runs the event loop inside setValue(), where the load may
        # finish and close the dialog: hold on to it and label it before the value moves.
        progress = self._progress
        if progress is not None and self.sender() is self._loader:
            progress.setLabelText(message)
            progress.setMaximum(total)
            progress.setValue(step)

    def _loader_finished(self, loader: PlanLoader) -> None:
        self._loaders.discard(loader)
        if loader is not self._loader:
            loader.discard()  # cancelled or superseded: close what it opened
        loader.deleteLater()

    def _load_done(self) -> None:
        loader = self.sender()
        if loader is not self._loader or self._loader is None or self._loader.is_cancelled:
            return  # cancelled or superseded; _loader_finished closes its plan
        result = self._loader.take()
        self._loader = None
        if result is None:
            return
        self._close_progress()
        self.status.clearMessage()
        self.close_plan()  # only now that its successor is here
        try:
            self._attach(result)
        except PlanDamagedError as exc:
            # Damage in a table the loader does not read shows when a view first reads it:
            # the plan is refused as if the loader had found it.
            self.close_plan()  # _attach made it the window's plan first: this releases it
            self._show_plan_state()
            self.report("Cannot open plan", str(exc))
            self.plan_failed.emit(str(exc))

    def _load_failed(self, message: str) -> None:
        loader = self.sender()
        if loader is not self._loader or self._loader is None:
            return
        path = self._loader.path
        self._loader = None
        self._close_progress()
        self.status.clearMessage()
        if not path.exists():
            self.settings.remove_recent(path)
            self.welcome.set_recent(self.settings.recent_files())
        self._show_plan_state()
        self.report("Cannot open plan", message)
        self.plan_failed.emit(message)

    def _attach(self, plan: Plan) -> None:
        self.plan = plan
        self.editor = PlanEditor(
            plan,
            self.undo_stack,
            self.report,
            self.ask_reason,
            self.today,
            self.ask_change,
            train_move_asker(self),
        )
        self._events = PlanEvents(plan, self)
        self._events.changed.connect(self._plan_changed)
        first = _current_release(plan)
        self.baseline_choice.set_source(plan.baselines)
        self.navigator.set_plan(plan)
        self.items_view.set_plan(plan, self.editor, first)
        self.gantt.set_plan(plan, self.editor, first)
        self.calendar_view.set_source(plan.calendar, self.editor, self._events)
        self.environments_view.set_plan(plan, self.editor, self._events)
        self.components_view.set_plan(plan, self.editor, self._events)
        self.components_view.show_release(first)
        self.train_view.set_plan(plan, self._events)
        self.train_view.set_editor(self.editor)
        self.dependency_view.set_plan(plan, self._events, self.editor)
        self.dependency_view.show_release(first)
        self.checklists_view.set_plan(plan, self.editor, self._events)
        self.checklists_view.show_release(first)
        self.runbook_view.set_plan(plan, self.editor, self._events)
        self.runbook_view.show_release(first)
        self.dashboard_view.set_plan(plan, self._events)
        self.changes_view.set_plan(plan, self.editor, self._events)
        self.changes_view.show_release(first)
        self.notes_view.set_plan(plan, self.editor, self._events)
        self.notes_view.show_release(first)
        self._conflicts_seen = False
        self.conflicts.set_plan(plan, self._events)
        self.properties.set_editor(self.editor)
        if first is not None:
            self.navigator.select_release(first)
            self.properties.show_release(first)
        self.settings.add_recent(plan.path)
        self._show_plan_state()
        self._audit_check.start(plan)  # a broken trail is shown, and work goes on
        self.plan_opened.emit(plan.path)

    def _show_windows_of(self, environment: str) -> None:
        """The Windows & holidays tab, filtered to one environment's entries."""
        self.calendar_view.filter_box.setText(environment)
        self.tabs.setCurrentWidget(self.calendar_view)

    def close_plan(self) -> None:
        """Close the open plan (releasing its lock) and show the welcome page."""
        if self.plan is None:
            return
        self.undo_stack.clear()
        if self._events is not None:
            self._events.detach()
            self._events.deleteLater()
        self.properties.set_editor(None)
        self.baseline_choice.set_source(None)
        self.items_view.set_plan(None, None, None)
        self.gantt.set_plan(None, None, None)
        self.calendar_view.set_source(None, None, None)
        self.environments_view.set_plan(None, None, None)
        self.components_view.set_plan(None, None, None)
        self.train_view.set_plan(None, None)
        self.train_view.set_editor(None)
        self.dependency_view.set_plan(None, None)
        self.checklists_view.set_plan(None, None, None)
        self.runbook_view.set_plan(None, None, None)
        self.dashboard_view.set_plan(None, None)
        self.changes_view.set_plan(None, None, None)
        self.notes_view.set_plan(None, None, None)
        self.conflicts.set_plan(None, None)
        self.navigator.set_plan(None)
        plan = self.plan
        self.plan = self.editor = None
        self._events = None
        plan.close()
        self.status.show_audit([])
        self._show_plan_state()
        self.plan_closed.emit()

    def _show_plan_state(self) -> None:
        """Title, status bar, page and actions for the current plan (or none)."""
        plan = self.plan
        has_plan = plan is not None
        writable = plan is not None and not plan.read_only
        if plan is not None:
            name = plan.path.stem + (" [read-only]" if plan.read_only else "")
            self.setWindowTitle(f"{name} — Gantry")
            self.setWindowFilePath(str(plan.path))
            self.status.show_summary(plan.summary())
            self.pages.setCurrentWidget(self.tabs)
        else:
            self.setWindowTitle("Gantry")
            self.setWindowFilePath("")
            self.status.show_summary(None)
            self.welcome.set_recent(self.settings.recent_files())
            self.pages.setCurrentWidget(self.welcome)
        self.undo_history.set_plan_open(has_plan)
        self.menu_actions.take_over.setEnabled(
            plan is not None and plan.store.locked_by is not None
        )
        self.menu_actions.save_as.setEnabled(has_plan)
        self.menu_actions.verify_audit.setEnabled(has_plan)
        self.menu_actions.export_chart.setEnabled(has_plan)
        self.menu_actions.export_workbook.setEnabled(has_plan)
        self.menu_actions.export_calendar.setEnabled(has_plan)
        self.menu_actions.export_notes.setEnabled(has_plan)
        self.menu_actions.export_dashboard.setEnabled(has_plan)
        self.menu_actions.print_chart.setEnabled(has_plan)
        self.menu_actions.export_document.setEnabled(has_plan)
        self.menu_actions.print_document.setEnabled(has_plan)
        self.menu_actions.close.setEnabled(has_plan)
        self.menu_actions.plan_settings.setEnabled(has_plan)
        self.menu_actions.working_calendar.setEnabled(has_plan)
        self.menu_actions.approvers.setEnabled(has_plan)
        for action in (
            self.menu_actions.add_task,
            self.menu_actions.add_milestone,
            self.menu_actions.add_phase,
        ):
            action.setEnabled(writable and plan is not None and bool(plan.state.releases))
        self.menu_actions.add_release.setEnabled(writable)
        has_releases = plan is not None and bool(plan.state.releases)
        self.menu_actions.set_baseline.setEnabled(writable and has_releases)
        self.menu_actions.baselines.setEnabled(has_releases)
        self._update_delete_action()

    def open_demo_plan(self) -> None:
        try:
            path = ensure_demo_plan(paths.demo_plan_path(), dt.date.today())
        except (GantryError, OSError) as exc:
            self.report("Cannot open the demo plan", str(exc))
            return
        self.open_plan(path)

    def take_over_plan(self) -> bool:
        """Break a lock the user knows is stale (a Gantry that crashed on another machine)."""
        plan = self.plan
        if plan is None or plan.store.locked_by is None:
            return False
        holder, path = plan.store.locked_by, plan.path
        question = (
            f"{holder.describe()} has this plan open. Take it over only if that Gantry is "
            "no longer running (for example it crashed, or the stick was pulled out). If it is "
            "still running, its view of the plan will be out of date.\n\nTake over the plan?"
        )
        if not self.confirm("Take over plan", question):
            return False
        self.close_plan()
        try:
            take_over_lock(path, holder)
        except GantryError as exc:
            self.report("Cannot take over plan", str(exc))
            self.open_plan(path)
            return False
        self.open_plan(path)
        return True

    def verify_audit(self) -> None:
        """Check the trail again and show the whole report when it is in."""
        if self.plan is None:
            return
        self._audit_asked = True
        self.status.showMessage("Verifying the audit trail…")
        self._audit_check.start(self.plan)

    def chart_dialog(self, *, export: bool) -> ChartDialog | None:
        """File › Export › Chart… or File › Print Chart…; returns the dialog (tests drive it)."""
        if self.plan is None:
            return None
        title = "Cannot export the chart" if export else "Cannot print the chart"
        try:
            dialog = ChartDialog(self.plan, dt.date.today(), export=export, parent=self)
        except GantryError as exc:
            self.report(title, str(exc))
            return None
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self._chart_chosen(dialog))
        dialog.open()
        return dialog

    def document_dialog(self, *, export: bool) -> DocumentDialog | None:
        """File › Export › Runbook or Record PDF… or File › Print Document…; returns the
        dialog (tests drive it)."""
        if self.plan is None:
            return None
        now = dt.datetime.now(dt.UTC)
        try:
            dialog = DocumentDialog(self.plan, now, export=export, parent=self)
        except GantryError as exc:
            self.report("Cannot write the document", str(exc))
            return None
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self._document_chosen(dialog))
        dialog.open()
        return dialog

    def _document_chosen(self, dialog: DocumentDialog) -> None:
        if dialog.exported is not None:
            self.status.showMessage(dialog.summary(), 15000)
        elif dialog.prepared is not None:
            preview = DocumentPreview(dialog.prepared.document, self)
            preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            preview.open()

    def verify_dialog(self) -> VerifyDialog:
        """File › Verify a PDF… (needs no plan); returns the dialog (tests drive it)."""
        dialog = VerifyDialog(dt.datetime.now(dt.UTC), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def workbook_dialog(self) -> WorkbookDialog | None:
        """File › Export › Excel Workbook…; returns the dialog (tests drive it)."""
        if self.plan is None:
            return None
        dialog = WorkbookDialog(self.plan, dt.date.today(), parent=self)
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self.status.showMessage(dialog.summary(), 15000))
        dialog.open()
        return dialog

    def _choose_calendar_export(self) -> None:
        if self.plan is None:
            return
        suggested = self.plan.path.with_suffix(ICS_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self, "Export calendar", str(suggested), f"iCalendar (*{ICS_SUFFIX})"
        )
        if path:
            self.export_calendar(Path(path))

    def export_calendar(self, path: Path) -> Path | None:
        """File › Export › Calendar (.ics)… once a file is chosen (tests call it directly)."""
        if self.plan is None:
            return None
        if path.suffix.lower() != ICS_SUFFIX:
            path = path.with_name(path.name + ICS_SUFFIX)
        try:
            # A few hundred events: quick enough for the GUI thread.
            with busy_cursor():
                document = calendar_document(self.plan)
                write_ics(document, path, dt.datetime.now(dt.UTC))
        except GantryError as exc:
            self.report("Cannot export the calendar", str(exc))
            return None
        except OSError as exc:
            self.report("Cannot export the calendar", f"{path} could not be written ({exc}).")
            return None
        self.status.showMessage(f"Exported {path.name}: {document.describe()}", 15000)
        return path

    def _choose_dashboard_export(self) -> None:
        if self.plan is None:
            return
        suggested = self.plan.path.with_name(f"{self.plan.path.stem} dashboard.pdf")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the dashboard", str(suggested), "PDF (*.pdf)"
        )
        if path:
            self.export_dashboard(Path(path))

    def export_dashboard(self, path: Path) -> Path | None:
        """File › Export › Dashboard PDF… once a file is chosen: the Dashboard tab's release
        and period on one page (tests call it directly)."""
        if self.plan is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        release, first, last = self.dashboard_view.chosen()
        try:
            # One page from one report: quick enough for the GUI thread.
            with busy_cursor():
                page = dashboard_page(self.plan, last, release, first, last)
                write_dashboard(page, path)
        except GantryError as exc:
            self.report("Cannot export the dashboard", str(exc))
            return None
        except OSError as exc:
            self.report("Cannot export the dashboard", f"{path} could not be written ({exc}).")
            return None
        self.status.showMessage(f"Exported {path.name}: {page.describe()}", 15000)
        return path

    def _choose_notes_export(self) -> None:
        if self.plan is None:
            return
        release_id = self.notes_view.release_id
        if release_id is None:
            self.report("Cannot export release notes", "The plan has no releases yet.")
            return
        name = self.plan.state.releases[release_id].name
        suggested = self.plan.path.with_name(f"{name} release notes.html")
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export release notes",
            str(suggested),
            "HTML page (*.html);;Markdown (*.md);;PDF (*.pdf)",
        )
        if path:
            self.export_notes(Path(path), release_id, self.notes_view.audience_choice)

    def export_notes(self, path: Path, release_id: int, audience: str) -> Path | None:
        """File › Export › Release notes… once a file is chosen (tests call it directly)."""
        if self.plan is None:
            return None
        try:
            with busy_cursor():
                name = self.plan.settings.values().name or self.plan.path.stem
                document = self.plan.notes.document(release_id, audience, name)
                write_notes(document, path)
        except GantryError as exc:
            self.report("Cannot export release notes", str(exc))
            return None
        except OSError as exc:
            self.report("Cannot export release notes", f"{path} could not be written ({exc}).")
            return None
        self.status.showMessage(f"Exported {path.name}: {document.describe()}", 15000)
        return path

    def import_wizard(self, path: Path | None = None) -> ImportWizard | None:
        """File › Import… or a sheet dropped on the window; returns the wizard (for tests)."""
        if self.plan is None or self.editor is None:
            self.report("Cannot import", "Open or create a plan first, then import into it.")
            return None
        if self.plan.read_only:
            self.report("Cannot import", f"{self.plan.path} is open read-only.")
            return None
        wizard = ImportWizard(self.editor, path, self)
        wizard.setModal(True)
        wizard.imported.connect(
            lambda summary: self.status.showMessage(f"Imported: {summary}", 15000)
        )
        wizard.open()
        return wizard

    def _chart_chosen(self, dialog: ChartDialog) -> None:
        if dialog.written:
            self.status.showMessage(dialog.summary(), 15000)
        elif dialog.chart is not None:
            preview = ChartPreview(dialog.chart, self)
            preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            preview.open()

    def _audit_checked(self, plan: Plan, report: AuditReport) -> None:
        if plan is not self.plan:
            return  # a plan closed meanwhile
        self.status.show_audit(report.problems)
        if not self._audit_asked:
            return
        self._audit_asked = False
        if report.ok:
            self.status.showMessage(
                f"Audit trail intact: {report.events:,} events, unaltered, and the plan's data "
                f"is what they say (head {report.head[:12]}…)",
                15000,
            )
        else:
            self.status.clearMessage()
            self.report(
                "Audit trail broken",
                f"{len(report.problems)} problem(s) in the audit trail of {plan.path.name}:\n\n"
                + "\n".join(f"• {p}" for p in report.problems[:50])
                + ("\n…" if len(report.problems) > 50 else "")
                + "\n\nGantry keeps recording every change after them.",
            )

    def _update_delete_action(self) -> None:
        writable = self.plan is not None and not self.plan.read_only
        self.menu_actions.delete.setEnabled(
            writable
            and self.tabs.currentWidget() is self.items_view
            and self.items_view.current_item_id() is not None
        )

    # -- changes and selection ---------------------------------------------------------------

    def _plan_changed(self, notice: ChangeNotice) -> None:
        self.baseline_choice.apply_change(notice)  # first: the views read it
        self.items_view.apply_change(notice)
        self.gantt.apply_change(notice)
        self.navigator.apply_change(notice)
        self.properties.apply_change(notice)
        self._show_plan_state()

    def _navigator_release(self, release_id: int) -> None:
        self.items_view.show_release(release_id)
        self.gantt.show_release(release_id)
        self.dependency_view.show_release(release_id)
        self.checklists_view.show_release(release_id)
        self.runbook_view.show_release(release_id)
        self.changes_view.show_release(release_id)
        self.notes_view.show_release(release_id)
        self.components_view.show_release(release_id)
        self.properties.show_release(release_id)
        self._update_delete_action()

    def show_release(self, release_id: int) -> None:
        """Open a release picked on the release train in the Calendar tab."""
        self.navigator.select_release(release_id)
        self._navigator_release(release_id)
        self.tabs.setCurrentWidget(self.gantt)

    def show_conflicts(self) -> None:
        self.conflicts_dock.show()
        self.conflicts_dock.raise_()

    def _findings_changed(self, findings: list[Finding]) -> None:
        self.gantt.set_findings(findings)
        self.status.show_conflicts(len(findings))
        if findings and not self._conflicts_seen and self.plan is not None:
            self._conflicts_seen = True
            self.show_conflicts()

    def show_change(self, change_id: int) -> None:
        """A change request picked in the Conflicts list, selected in the Changes tab."""
        self.tabs.setCurrentWidget(self.changes_view)
        self.changes_view.pages.setCurrentWidget(self.changes_view.requests)
        self.changes_view.requests.select(change_id)

    def show_deployment(self, deployment_id: int) -> None:
        """A deployment picked in the Conflicts list, selected in the Environments tab."""
        self.tabs.setCurrentWidget(self.environments_view)
        self.environments_view.deployments.select_record(deployment_id)

    def show_communication(self, release_id: int, comm_id: int) -> None:
        """A due communication picked in the Conflicts dock, in its release's plan."""
        self.navigator.select_release(release_id)
        self._navigator_release(release_id)
        self.tabs.setCurrentWidget(self.notes_view)
        self.notes_view.pages.setCurrentIndex(1)
        self.notes_view.select_comm(comm_id)

    def _navigator_item(self, item_id: int, release_id: int) -> None:
        if self.items_view.release_id not in (None, release_id):
            self.items_view.show_release(release_id)
        self.items_view.select_item(item_id)
        if self.gantt.release_id != release_id:
            self.gantt.show_release(release_id)
        self.gantt.select_item(item_id)
        self.properties.show_item(item_id)

    def _graph_item(self, item_id: int) -> None:
        """An item double-clicked in the Dependencies tab: shown as the navigator shows it."""
        plan = self.plan
        record = plan.state.items.get(item_id) if plan is not None else None
        if plan is not None and record is not None:
            self.navigator.select_item(item_id, plan)
            self._navigator_item(item_id, record.release_id)

    def select_item(self, item_id: int) -> bool:
        """Show an item: its release in the table and navigator, its row selected."""
        if self.plan is None:
            return False
        try:
            row = self.plan.work_items.row(item_id)
        except KeyError:
            return False
        if self.items_view.release_id not in (None, row.release_id):
            self.navigator.select_release(row.release_id)
            self.items_view.show_release(row.release_id)
        return self.items_view.select_item(item_id)

    def _shown_baseline_dates(self, item_id: int) -> tuple[dt.date, dt.date] | None:
        """The item's (start, finish) in the baseline shown for its release, if it has one."""
        plan = self.plan
        record = plan.state.items.get(item_id) if plan is not None else None
        if plan is None or record is None:
            return None
        baseline_id = self.baseline_choice.shown(record.release_id)
        return None if baseline_id is None else plan.baselines.item_dates(baseline_id, item_id)

    def _gantt_selection_changed(self, item_id: int | None) -> None:
        if self.tabs.currentWidget() is self.gantt:  # the chart is what the user looks at
            self._table_selection_changed(item_id)

    def _table_selection_changed(self, item_id: int | None) -> None:
        if item_id is not None:
            self.properties.show_item(item_id)
        elif self.items_view.release_id is not None:
            self.properties.show_release(self.items_view.release_id)
        else:
            self.properties.show_nothing()
        self._update_delete_action()

    # -- editing -----------------------------------------------------------------------------

    def add_item(self, kind: str) -> int | None:
        """Add a task, milestone or phase after the selected item (inside a selected phase)."""
        if self.editor is None or self.plan is None:
            return None
        # The shortcut may come from another tab: show the items where the new one appears.
        self.tabs.setCurrentWidget(self.items_view)
        current = self.items_view.current_item_id()
        parent_id: int | None = None
        after_id: int | None = None
        release_id = self.items_view.release_id
        if current is not None:
            row = self.plan.work_items.row(current)
            release_id = row.release_id
            if row.kind == "phase" and kind != "phase":
                parent_id = row.id
            else:
                parent_id, after_id = row.parent_id, row.id
        if release_id is None:
            releases = self.plan.releases.rows()
            if not releases:
                self.report(
                    "Cannot add item",
                    "The plan has no release yet: add a release first (Edit > Add Release…).",
                )
                return None
            release_id = releases[0].id
        name = {"task": "New task", "milestone": "New milestone"}.get(kind, "New phase")
        new_id = self.editor.add_item(release_id, kind, name, parent_id, after_id)
        if new_id is not None:
            if self.items_view.release_id not in (None, release_id):
                self.navigator.select_release(release_id)
                self.items_view.show_release(release_id)
            self.items_view.edit_name(new_id)
        return new_id

    def delete_selected_item(self) -> bool:
        if self.editor is None:
            return False
        item_id = self.items_view.current_item_id()
        if item_id is None:
            return False
        row = self.items_view.table.currentIndex().row()
        if not self.editor.delete_item(item_id):
            return False
        count = self.items_view.proxy.rowCount()
        if count:
            self.items_view.table.selectRow(min(row, count - 1))
        return True

    def add_release(
        self,
        name: str,
        version: str = "",
        start_date: dt.date | None = None,
        target_date: dt.date | None = None,
    ) -> int | None:
        if self.editor is None:
            return None
        release_id = self.editor.add_release(name, version, start_date, target_date)
        if release_id is not None:
            self.navigator.select_release(release_id)
            self._navigator_release(release_id)
        return release_id

    def _baseline_release(self) -> int | None:
        """The release baselines are about: the one shown, else the selected item's, else the
        one the window would show first."""
        if self.plan is None:
            return None
        if self.items_view.release_id is not None:
            return self.items_view.release_id
        item_id = self.items_view.current_item_id()
        if item_id is not None:
            return self.plan.state.items[item_id].release_id
        return _current_release(self.plan)

    def choose_baseline_name(self) -> BaselineNameDialog | None:
        """Schedule › Set Baseline…: ask for a name (a free one suggested), then set it."""
        plan, release_id = self.plan, self._baseline_release()
        if plan is None or release_id is None:
            return None
        baselines = plan.baselines
        dialog = BaselineNameDialog(
            plan.releases.label(release_id),
            baselines.next_name(release_id),
            lambda name: baselines.check_new(release_id, name),
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_baseline(release_id, dialog.value()))
        dialog.open()  # window-modal, and tests can drive it
        return dialog

    def set_baseline(self, release_id: int, name: str) -> int | None:
        """Keep the release's scheduled dates as a baseline, and compare with it from now on."""
        if self.editor is None:
            return None
        baseline_id = self.editor.set_baseline(release_id, name)
        if baseline_id is not None:
            self.baseline_choice.choose(release_id, baseline_id)
            self.status.showMessage(
                f"Baseline “{self.editor.plan.baselines.label(baseline_id)}” set; the Variance "
                "column compares with it",
                8000,
            )
        return baseline_id

    def manage_baselines(self) -> BaselinesDialog | None:
        """Schedule › Baselines…: the release's baselines, beside the window."""
        release_id = self._baseline_release()
        if self.editor is None or self._events is None or release_id is None:
            return None
        return show_baselines(
            self, self.editor, self._events, self.baseline_choice, release_id, self.plan_closed
        )

    def open_plan_settings(self) -> None:
        if self.editor is not None and self._events is not None:
            show_plan_settings(self, self.editor, self._events, self.plan_closed)

    def open_working_calendar(self) -> None:
        if self.editor is not None:
            show_working_calendar(self, self.editor, dt.date.today(), self.plan_closed)

    def open_approvers(self) -> ApproversDialog | None:
        """File › Approvers…: who signs change decisions, beside the window."""
        if self.editor is None or self._events is None:
            return None
        return show_approvers(self, self.editor, self._events, _utc_now, self.plan_closed)

    def _choose_add_release(self) -> None:
        plan = self.plan
        if plan is None:
            return

        def validate(new: NewRelease) -> list[str]:
            return plan.releases.check_new(new.name, new.version, new.start_date, new.target_date)

        dialog = ReleaseDialog(dt.date.today(), validate, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._add_release_from(dialog.value()))
        dialog.open()  # window-modal, and tests can drive it

    def _add_release_from(self, value: NewRelease) -> None:
        self.add_release(value.name, value.version, value.start_date, value.target_date)

    # -- files -------------------------------------------------------------------------------

    def _start_dir(self) -> str:
        if self.plan is not None:
            return str(self.plan.path.parent)
        recent = self.settings.recent_files()
        return str(recent[0].parent) if recent else str(Path.home())

    def _choose_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open plan", self._start_dir(), FILE_FILTER)
        if path:
            self.open_plan(Path(path))

    def _choose_new(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New plan",
            str(Path(self._start_dir()) / f"Untitled{PLAN_SUFFIX}"),
            FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.new_plan(Path(path))

    def new_plan(self, path: Path) -> None:
        """Create an empty plan file and open it."""
        if path.suffix != PLAN_SUFFIX:
            path = path.with_name(path.name + PLAN_SUFFIX)
        if path.exists():
            self.report(
                "Cannot create plan", f"{path} already exists; choose another name or open it."
            )
            return
        self.open_plan(path, create=True)

    def _choose_save_as(self) -> None:
        if self.plan is None:
            return
        suggested = self.plan.path.with_name(f"{self.plan.path.stem} copy{PLAN_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save plan as", str(suggested), FILE_FILTER)
        if path:
            self.save_as(Path(path))

    def save_as(self, path: Path) -> Path | None:
        """Copy the open plan to `path` and go on working on the copy (undo history kept)."""
        if self.plan is None:
            return None
        if path.suffix != PLAN_SUFFIX:
            path = path.with_name(path.name + PLAN_SUFFIX)
        try:
            with busy_cursor():
                written = self.plan.save_as(path)
        except GantryError as exc:
            self.report("Save As failed", str(exc))
            return None
        self.settings.add_recent(written)
        self._show_plan_state()
        self.status.showMessage(f"Saved as {written}; you are now working on it", 8000)
        return written

    def _fill_recent_menu(self) -> None:
        self.menu_actions.recent_menu.clear()
        recent = self.settings.recent_files()
        for n, path in enumerate(recent, start=1):
            action = self.menu_actions.recent_menu.addAction(
                f"&{n % 10} {path.name}  —  {path.parent}"
            )
            action.setToolTip(str(path))
            action.setEnabled(path.is_file())
            action.triggered.connect(lambda _c=False, p=path: self.open_plan(p))
        if not recent:
            self.menu_actions.recent_menu.addAction("No recent plans").setEnabled(False)
        self.menu_actions.recent_menu.addSeparator()
        clear = self.menu_actions.recent_menu.addAction("Clear Recent Plans")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self.welcome.set_recent([])

    # -- Qt events ---------------------------------------------------------------------------

    @staticmethod
    def _dropped_plan(event: QDragEnterEvent | QDropEvent) -> Path | None:
        """A dropped plan, or a dropped sheet (which starts the import wizard)."""
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            name = url.toLocalFile()
            if url.isLocalFile() and name.lower().endswith((PLAN_SUFFIX, *SHEET_SUFFIXES)):
                return Path(name)
        return None

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_plan(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_plan(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if path.suffix.lower() in SHEET_SUFFIXES:
            self.import_wizard(path)
        else:
            self.open_plan(path)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._cancel_loading()
        for loader in list(self._loaders):
            loader.wait()
            loader.discard()
        self.close_plan()
        event.accept()


SHEET_SUFFIXES = WORKBOOK_SUFFIXES + TEXT_SUFFIXES


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (links and relative spellings included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def _current_release(plan: Plan) -> int | None:
    """The release to show first: the one in progress, else the next planned, else the first."""
    releases = plan.releases.rows()
    for status in ("in_progress", "planned"):
        for release in releases:
            if release.status == status:
                return release.id
    return releases[0].id if releases else None


def _utc_now() -> dt.datetime:
    """The wall clock in UTC, to the second: when an approval is signed."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _now() -> dt.datetime:
    """The wall clock in local time, to the second: what a run records as "now"."""
    return dt.datetime.now().replace(microsecond=0)
