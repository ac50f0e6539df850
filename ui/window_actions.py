"""The main window's actions (text, icon, shortcuts, tooltip) and the menus and toolbar."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from ui.resources import icon

Key = QKeySequence


def _action(
    parent: QWidget,
    text: str,
    icon_name: str,
    tip: str,
    shortcuts: list[QKeySequence] | None = None,
) -> QAction:
    action = QAction(icon(icon_name), text, parent) if icon_name else QAction(text, parent)
    if shortcuts:
        action.setShortcuts(shortcuts)
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        tip = f"{tip} ({keys})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


class WindowActions:
    """Every command of the main window; the window connects them to what they do."""

    def __init__(self, window: QMainWindow, undo_stack: QUndoStack, history: QDockWidget) -> None:
        a = _action
        self.new = a(window, "&New…", "new", "Create an empty plan", [Key(Key.StandardKey.New)])
        self.open = a(window, "&Open…", "open", "Open a plan", [Key("Ctrl+O")])
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setIcon(icon("recent"))
        self.save_as = a(
            window,
            "Save &As…",
            "save-as",
            "Save a copy of the plan under another name",
            [Key("Ctrl+Shift+S")],
        )
        self.close = a(window, "&Close", "close", "Close the plan", [Key(Key.StandardKey.Close)])
        self.verify_audit = a(
            window,
            "&Verify Audit Trail…",
            "history",
            "Recompute the audit trail's hash chain and compare the plan's data with it",
        )
        self.import_sheet = a(
            window,
            "&Import…",
            "",
            "Import work items from a spreadsheet (.xlsx, .csv: Jira, MS Project, Smartsheet …)",
        )
        self.export_chart = a(
            window, "&Chart…", "", "Write a release's Gantt chart as a PDF or PNG images"
        )
        self.export_workbook = a(
            window,
            "Excel &Workbook…",
            "",
            "Write the plan, or one release, as an Excel workbook with a Timeline sheet",
        )
        self.export_calendar = a(
            window,
            "Ca&lendar (.ics)…",
            "",
            "Write releases, milestones, windows and deployments as an iCalendar file that "
            "Outlook and Thunderbird import (importing it again updates them)",
        )
        self.export_notes = a(
            window,
            "Release &Notes…",
            "",
            "Write a release's notes as Markdown, an HTML page or a PDF, for customers or "
            "internal readers",
        )
        self.export_dashboard = a(
            window,
            "&Dashboard PDF…",
            "",
            "Write the Dashboard tab's figures and charts, for its period and release, on one "
            "A4 landscape PDF page",
        )
        self.export_document = a(
            window,
            "&Runbook or Record PDF…",
            "",
            "Write a release's runbook or release record as a PDF, and sign it if you like",
        )
        self.print_document = a(
            window, "Print &Document…", "", "Preview and print a release's runbook or record"
        )
        self.verify_pdf = a(
            window,
            "Verify a &PDF…",
            "",
            "Check the signatures of a signed PDF: who signed, what, and whether it changed",
        )
        self.print_chart = a(
            window,
            "&Print Chart…",
            "",
            "Preview and print a release's Gantt chart",
            [Key(Key.StandardKey.Print)],
        )
        self.take_over = a(
            window,
            "&Take Over Plan…",
            "lock",
            "Edit a plan another Gantry left locked (one that crashed or was on another machine)",
        )
        self.plan_settings = a(
            window,
            "Plan &Settings…",
            "",
            "Name, key prefix and working days of this plan",
        )
        self.working_calendar = a(
            window,
            "&Working Calendar…",
            "calendar",
            "The work week and holidays the plan is scheduled on: a country's and its own",
        )
        self.approvers = a(
            window,
            "&Approvers…",
            "",
            "Who signs change decisions: their names, roles and approval PINs",
        )
        self.quit = a(window, "&Quit", "quit", "Quit Gantry", [Key("Ctrl+Q")])
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.undo = undo_stack.createUndoAction(window, "&Undo")
        self.undo.setIcon(icon("undo"))
        self.undo.setShortcuts([Key("Ctrl+Z")])
        self.undo.setToolTip("Undo the last change (Ctrl+Z)")
        self.redo = undo_stack.createRedoAction(window, "&Redo")
        self.redo.setIcon(icon("redo"))
        self.redo.setShortcuts([Key("Ctrl+Shift+Z"), Key("Ctrl+Y")])
        self.redo.setToolTip("Redo the change you undid (Ctrl+Shift+Z)")
        self.history = history.toggleViewAction()
        self.history.setText("Undo &History")
        self.history.setIcon(icon("history"))
        self.history.setToolTip("Show the changes you can undo, and go back to any of them")

        self.add_task = a(
            window,
            "Add &Task",
            "add-task",
            "Add a task after the selected item",
            [Key("Ins"), Key("Ctrl+T")],
        )
        self.add_milestone = a(
            window,
            "Add &Milestone",
            "add-milestone",
            "Add a milestone after the selected item",
            [Key("Ctrl+M")],
        )
        self.add_phase = a(
            window, "Add &Phase", "phase", "Add a phase (a group of items)", [Key("Ctrl+Shift+P")]
        )
        self.add_release = a(window, "Add &Release…", "add-release", "Add a release to the plan")
        self.delete = a(
            window,
            "&Delete Item",
            "delete",
            "Delete the selected item with its links",
            [Key(Key.StandardKey.Delete)],
        )
        self.set_baseline = a(
            window,
            "Set &Baseline…",
            "",
            "Keep the scheduled dates of the shown release under a name, to compare with later",
        )
        self.baselines = a(
            window,
            "Base&lines…",
            "",
            "The shown release's baselines: choose the one to compare with, rename or delete",
        )
        self.open_demo = a(
            window, "Open &Demo Plan", "gantry", "Open the demo plan (written on first use)"
        )
        self.about = a(window, "&About Gantry", "about", "Version, Qt and plan information")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)

    def build_menus(self, window: QMainWindow, docks: list[QDockWidget]) -> QMenu:
        """File, Edit, Schedule, View and Help; returns the View menu."""
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new, self.open])
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.save_as, self.take_over, self.close])
        file_menu.addSeparator()
        file_menu.addAction(self.plan_settings)
        file_menu.addAction(self.working_calendar)
        file_menu.addAction(self.approvers)
        file_menu.addAction(self.verify_audit)
        file_menu.addSeparator()
        file_menu.addAction(self.import_sheet)
        export_menu = file_menu.addMenu("E&xport")
        export_menu.addActions(
            [
                self.export_chart,
                self.export_workbook,
                self.export_calendar,
                self.export_notes,
                self.export_dashboard,
                self.export_document,
            ]
        )
        file_menu.addActions([self.print_chart, self.print_document, self.verify_pdf])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo, self.history])
        edit_menu.addSeparator()
        edit_menu.addActions([self.add_task, self.add_milestone, self.add_phase, self.add_release])
        edit_menu.addSeparator()
        edit_menu.addAction(self.delete)

        schedule_menu = bar.addMenu("&Schedule")
        schedule_menu.addActions([self.set_baseline, self.baselines])

        view_menu = bar.addMenu("&View")
        view_menu.addActions([dock.toggleViewAction() for dock in docks])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.open_demo)
        help_menu.addSeparator()
        help_menu.addAction(self.about)
        return view_menu

    def build_toolbar(self, window: QMainWindow) -> QToolBar:
        toolbar = QToolBar("Toolbar", window)
        toolbar.setObjectName("mainToolbar")
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        groups = [
            [self.new, self.open, self.save_as],
            [self.undo, self.redo],
            [self.add_task, self.add_milestone, self.add_phase, self.add_release, self.delete],
            [self.history],
        ]
        for n, group in enumerate(groups):
            if n:
                toolbar.addSeparator()
            toolbar.addActions(group)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        return toolbar
