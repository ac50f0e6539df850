"""The Conflicts dock: every `gantry check` finding and the communications due, kept current.

The check runs on a worker thread (ui/check_runner.py) a short while after the last change
notice: timed windows make it grow with the deployments, and an edit must not wait for it.
While it runs the dock says "Checking…" and keeps the findings it has; findings of a check that
began before the newest notice are never shown. The communications due are listed when the
findings arrive (a few milliseconds, on the GUI thread). A double-click asks the window to show
what a row is about; the window decides which tab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.communications import DueCommunication, DueState
from app.plan import Plan
from app.plan_check import CheckInputs, Finding
from app.unit_of_work import ChangeNotice
from ui.check_runner import CheckRunner
from ui.formatting import format_date
from ui.notes_view import STATE_COLOURS
from ui.plan_events import PlanEvents

INDEX_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_AREAS = "All areas"
AREAS = ("schedule", "train", "window", "promotion", "baseline", "component")
SEVERITY_COLOURS = {"error": "#b91c1c", "warning": "#b45309"}
SETTLE_MS = 300  # after the last notice: a burst of edits (or a reschedule) checks once
_FINDING_COLUMNS = ("Area", "What", "Where", "Next free day")
_COMM_COLUMNS = ("Due", "State", "Release", "Communication", "Audience", "Channel", "Owner")


class ConflictsPanel(QWidget):
    """Two pages: the findings (filterable by area) and the communications due."""

    findings_changed = Signal(object)  # list[Finding]: the chart marks them too
    release_wanted = Signal(int)
    change_wanted = Signal(int)
    deployment_wanted = Signal(int)
    communication_wanted = Signal(int, int)  # release id, communication id

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsPanel")
        self._today = today
        self._plan: Plan | None = None
        self._events: PlanEvents | None = None
        self.findings: list[Finding] = []
        self.due: list[DueCommunication] = []
        self._environments: dict[int, str] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.refresh)
        self.runner = CheckRunner(self)
        self.runner.started.connect(self._checking)
        self.runner.checked.connect(self._show)
        self.runner.failed.connect(self._failed)

        self.area = QComboBox()
        self.area.setObjectName("conflictArea")
        self.area.addItems([ALL_AREAS, *AREAS])
        self.area.currentTextChanged.connect(lambda _t: self._show_findings())
        self.summary = QLabel()
        self.summary.setObjectName("conflictSummary")
        self.list = QTreeWidget()
        self.list.setObjectName("conflictList")
        self.list.setHeaderLabels(list(_FINDING_COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._finding_activated)
        findings_page = QWidget()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Area:"))
        bar.addWidget(self.area)
        bar.addWidget(self.summary, 1)
        page = QVBoxLayout(findings_page)
        page.setContentsMargins(4, 4, 4, 4)
        page.addLayout(bar)
        page.addWidget(self.list, 1)

        self.comms = QTreeWidget()
        self.comms.setObjectName("dueCommunications")
        self.comms.setHeaderLabels(list(_COMM_COLUMNS))
        self.comms.setRootIsDecorated(False)
        self.comms.setAlternatingRowColors(True)
        self.comms.itemActivated.connect(self._comm_activated)

        self.pages = QTabWidget()
        self.pages.setObjectName("conflictPages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(findings_page, "Conflicts")
        self.pages.addTab(self.comms, "Due communications")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def set_plan(self, plan: Plan | None, events: PlanEvents | None) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._changed)
        self._plan, self._events = plan, events
        if events is not None:
            events.changed.connect(self._changed)
        self._timer.stop()
        self.runner.cancel()
        if plan is None:
            self._show(None, [])
        else:
            self.refresh()

    def _changed(self, _notice: ChangeNotice) -> None:
        self.runner.outdate()
        self._timer.start()

    def refresh(self) -> None:
        """Check the plan again (on the worker thread); the findings follow."""
        if self._plan is not None:
            self.runner.request(self._plan, self._today())

    @property
    def checking(self) -> bool:
        """Whether a check runs or is due (the settle time after a notice)."""
        return self.runner.busy or self._timer.isActive()

    def _checking(self) -> None:
        self.summary.setText("Checking…")

    def _failed(self, problem: str) -> None:
        self.summary.setText(f"The check failed: {problem}")

    def _show(self, inputs: CheckInputs | None, findings: list[Finding]) -> None:
        """List what is found and what is due."""
        plan = self._plan
        self.findings = findings
        self._environments = (
            {e.id: e.name for e in inputs.train.environments} if inputs is not None else {}
        )
        self.due = (
            [
                c
                for c in plan.communications.listing(self._today())
                if c.state in (DueState.OVERDUE, DueState.THIS_WEEK)
            ]
            if plan is not None
            else []
        )
        self._show_findings()
        self._show_due()
        self.findings_changed.emit(self.findings)

    def shown_findings(self) -> list[Finding]:
        area = self.area.currentText()
        return [f for f in self.findings if area == ALL_AREAS or f.area == area]

    def _show_findings(self) -> None:
        self.list.clear()
        index_of = {id(f): i for i, f in enumerate(self.findings)}
        for finding in self.shown_findings():
            row = QTreeWidgetItem(
                [finding.area, finding.message, self.place(finding), finding.suggestion]
            )
            row.setData(0, INDEX_ROLE, index_of[id(finding)])
            row.setForeground(0, QBrush(QColor(SEVERITY_COLOURS[finding.severity])))
            row.setToolTip(1, finding.line())
            self.list.addTopLevelItem(row)
        self.list.resizeColumnToContents(0)
        self.list.setColumnWidth(1, max(self.list.columnWidth(1), 420))
        self.list.resizeColumnToContents(2)
        count = len(self.findings)
        shown = self.list.topLevelItemCount()
        self.summary.setText(
            "No conflicts."
            if count == 0
            else f"{count} finding{'s' if count != 1 else ''}"
            + (f", {shown} shown" if shown != count else "")
            + " · double-click one to go there"
        )
        self.pages.setTabText(0, f"Conflicts ({count})" if count else "Conflicts")

    def place(self, finding: Finding) -> str:
        """Release (releases, for one two share), environment and day of a finding, as far as
        they are known."""
        plan = self._plan
        parts: list[str] = []
        if plan is not None:
            ids = [finding.release_id, *(r for r, _day in finding.other_places)]
            names = [plan.state.releases[r].name for r in ids if r in plan.state.releases]
            parts.append(" and ".join(names))
        if finding.environment_id is not None:
            parts.append(self._environments.get(finding.environment_id, ""))
        if finding.day is not None:
            parts.append(format_date(finding.day))
        return " · ".join(p for p in parts if p)

    def _show_due(self) -> None:
        self.comms.clear()
        for comm in self.due:
            row = QTreeWidgetItem(
                [
                    format_date(comm.due) if comm.due else "—",
                    str(comm.state).capitalize(),
                    comm.release,
                    comm.title,
                    comm.audience_label,
                    comm.channel_label,
                    comm.owner,
                ]
            )
            row.setData(0, INDEX_ROLE, comm.id)
            row.setData(2, INDEX_ROLE, comm.release_id)
            row.setForeground(1, QBrush(QColor(STATE_COLOURS[comm.state])))
            self.comms.addTopLevelItem(row)
        for column in range(len(_COMM_COLUMNS)):
            self.comms.resizeColumnToContents(column)
        due = len(self.due)
        self.pages.setTabText(1, f"Due communications ({due})" if due else "Due communications")

    def _finding_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        self.go_to(self.findings[int(row.data(0, INDEX_ROLE))])

    def go_to(self, finding: Finding) -> None:
        """Ask for the most precise place a finding has: its change, deployment or release."""
        if finding.change_id is not None:
            self.change_wanted.emit(finding.change_id)
        elif finding.deployment_id is not None:
            self.deployment_wanted.emit(finding.deployment_id)
        elif finding.release_id is not None:
            self.release_wanted.emit(finding.release_id)

    def _comm_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        self.communication_wanted.emit(int(row.data(2, INDEX_ROLE)), int(row.data(0, INDEX_ROLE)))
