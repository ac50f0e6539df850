"""The Environments tab: environments, deployments and the environment timeline.

Two generic record pages (ui/records_view.py) side by side, the environments in promotion
order and the deployments with their form, over the painted timeline (ui/environment_chart.py)
of which version was where and when. Every edit goes through the PlanEditor (one undo step,
audited). Two rules show as warnings here rather than refusals: one environment marked
production (app.environments.production_problem) and the promotion rule for the selected
deployment (app.promotion).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.environment_timeline import EnvironmentTimeline, build_timeline
from app.environments import DEPLOYMENTS, ENVIRONMENTS, production_problem
from app.plan import Plan
from app.promotion import promotion_problems
from app.unit_of_work import ChangeNotice
from ui.environment_chart import EnvironmentChart
from ui.gantt.train_chart import PALETTE
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.records_view import RecordPage, RecordsView
from ui.view_actions import view_action

# What the page shows reads these tables; a notice touching one refreshes it.
ENTITIES = ("environments", "deployments", "releases", "plan_settings")
DEPLOYMENT_FORM_WIDTH = 330  # room for a date and time beside its label
WARNING_STYLE = (
    "color: #92400e; background: #fffbeb; border: 1px solid #fcd34d; border-radius: 4px;"
    " padding: 6px 8px; margin: 4px"
)
TIER_COLOURS = {
    "development": "#94a3b8",
    "test": "#38bdf8",
    "staging": "#a78bfa",
    "production": PALETTE.harden.name(),
}
OUTCOME_COLOURS = {
    outcome: PALETTE.outcome(outcome).name()
    for outcome in ("planned", "in_progress", "succeeded", "failed", "rolled_back")
}


def _legend() -> str:
    def swatch(colour: str, text: str, glyph: str = "■") -> str:
        return f"<span style='color:{colour}'>{glyph}</span>&nbsp;{text}"

    parts = [
        swatch(OUTCOME_COLOURS["succeeded"], "Succeeded"),
        swatch(OUTCOME_COLOURS["failed"], "Failed"),
        swatch(OUTCOME_COLOURS["rolled_back"], "Rolled back", "▨"),
        swatch(OUTCOME_COLOURS["in_progress"], "In progress"),
        swatch(OUTCOME_COLOURS["planned"], "Planned", "□"),
        swatch("#6366f1", "Version live", "▬"),
    ]
    return "<span style='color:#334155'>" + "&nbsp;&nbsp; ".join(parts) + "</span>"


def _warning_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    label.hide()
    return label


class EnvironmentsView(QWidget):
    """Environments and deployments, edited; the timeline of what was deployed where."""

    windows_wanted = Signal(str)  # an environment's name: show its windows and holidays

    def __init__(
        self,
        today: Callable[[], dt.date],
        now: Callable[[], dt.datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("environmentsView")
        self._now = now
        self._plan: Plan | None = None
        self._events: PlanEvents | None = None
        self._stale = False
        self.timeline: EnvironmentTimeline | None = None

        self.environments = RecordsView(
            RecordPage(
                fields=ENVIRONMENTS.fields,
                plural="environments",
                columns=("position", "name", "tier", "owner", "description"),
                new_record=self._new_environment,
                empty_text="No environments yet.\nAdd dev, test, staging and production.",
                markers={"tier": TIER_COLOURS},
            ),
            today,
        )
        self.environments.setObjectName("environmentsList")
        self.windows_action = QAction("Windows…", self)
        self.windows_action.setToolTip(
            "Show the selected environment's freezes, blackouts and change windows in the "
            "Windows & holidays tab"
        )
        self.windows_action.triggered.connect(self._show_windows)
        toolbar_actions = self.environments.toolbar.actions()
        self.environments.toolbar.insertAction(toolbar_actions[2], self.windows_action)
        self.production_warning = _warning_label("productionWarning")

        self.deployments = RecordsView(
            RecordPage(
                fields=DEPLOYMENTS.fields,
                plural="deployments",
                columns=(
                    "window_start",
                    "release_id",
                    "environment_id",
                    "outcome",
                    "actual_start",
                    "actual_end",
                    "incident_ref",
                    "deployed_by",
                ),
                new_record=self._new_deployment,
                empty_text="No deployments yet.\nAdd one: a release into an environment.",
                add_icon="release",
                markers={"outcome": OUTCOME_COLOURS},
                edit_first="release_id",
            ),
            today,
        )
        self.deployments.setObjectName("deploymentsList")
        self.promotion_warning = _warning_label("promotionWarning")

        self.chart = EnvironmentChart()
        self.chart.deployment_selected.connect(self.deployments.select_record)
        self.deployments.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._selected_deployment()
        )
        self.environments.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._update_actions()
        )

        self.zoom_out_action = view_action(
            self, "Zoom Out", "zoom-out", "Show more days", ["Ctrl+-"], self.chart.zoom_out
        )
        self.zoom_in_action = view_action(
            self,
            "Zoom In",
            "zoom-in",
            "Show fewer days in more detail",
            ["Ctrl+="],
            self.chart.zoom_in,
        )
        self.fit_action = view_action(
            self, "Fit All", "zoom-fit", "Show every deployment", ["Ctrl+0"], self.chart.zoom_to_fit
        )
        self.today_action = view_action(
            self, "Today", "today", "Scroll to today", [], lambda: self.chart.go_to(today())
        )
        chart_bar = QToolBar()
        chart_bar.setObjectName("timelineToolbar")
        chart_bar.setIconSize(QSize(18, 18))
        chart_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        title = QLabel("Environment timeline")
        title.setStyleSheet("font-weight: 600; color: #334155; padding: 0 8px")
        chart_bar.addWidget(title)
        chart_bar.addActions(
            [self.zoom_out_action, self.zoom_in_action, self.fit_action, self.today_action]
        )
        chart_bar.addSeparator()
        legend = QLabel(_legend())
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setStyleSheet("padding: 0 8px; font-size: 8.5pt")
        chart_bar.addWidget(legend)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        chart_bar.addWidget(spacer)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.environments, 1)
        left_layout.addWidget(self.production_warning)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.deployments, 1)
        right_layout.addWidget(self.promotion_warning)
        self.lists = QSplitter(Qt.Orientation.Horizontal)
        self.lists.addWidget(left)
        self.lists.addWidget(right)
        self.lists.setStretchFactor(1, 1)
        self._sized = False  # the lists' widths are set once the tab has its own
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.setSpacing(0)
        below_layout.addWidget(chart_bar)
        below_layout.addWidget(self.chart, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.lists)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 10_000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._update_actions()

    # -- the plan ---------------------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._changed)
        self._plan, self._events = plan, events
        self.environments.set_source(plan.environments if plan else None, editor, events)
        self.deployments.set_source(plan.deployments if plan else None, editor, events)
        if events is not None:
            events.changed.connect(self._changed)
        self.chart.fit_on_next_show()
        self.refresh()

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches(*ENTITIES):
            self.refresh()

    def refresh(self) -> None:
        """Read the timeline and the warnings again (now if shown, else when next shown)."""
        if not self.isVisible() and self._plan is not None:
            self._stale = True
            return
        self._stale = False
        plan = self._plan
        if plan is None:
            self.timeline = None
            self.chart.set_timeline(None, self._now())
            self.production_warning.hide()
            self.promotion_warning.hide()
            return
        self.timeline = build_timeline(
            plan.environments.rows(), plan.deployments.rows(), self._release_labels()
        )
        self.chart.set_timeline(self.timeline, self._now())
        problem = production_problem(plan.environments.rows())
        self.production_warning.setText(f"⚠ {problem}" if problem else "")
        self.production_warning.setVisible(problem is not None)
        self._selected_deployment()

    def _release_labels(self) -> dict[int, str]:
        assert self._plan is not None
        releases = self._plan.state.releases
        return {i: r.version or r.name for i, r in releases.items()}

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            # A third for the environments, whose every field is a column, so their form
            # starts folded away (its handle brings it back); the rest for the deployments.
            self._sized = True
            width = self.lists.width()
            self.lists.setSizes([width // 3, width - width // 3])
            self.environments.splitter.setSizes([10_000, 0])
            self.deployments.splitter.setSizes([10_000, DEPLOYMENT_FORM_WIDTH])
        if self._stale:
            self.refresh()

    # -- selection and warnings -------------------------------------------------------------

    def promotion_warnings(self, deployment_id: int) -> list[str]:
        """Why a deployment breaks the plan's promotion rule ([] when it keeps to it)."""
        plan = self._plan
        if plan is None:
            return []
        service = plan.deployments
        deployment = service.row(deployment_id)
        release = plan.state.releases.get(deployment.release_id)
        return promotion_problems(
            deployment,
            service.rows(),
            {e.id: e for e in plan.environments.rows()},
            plan.state.settings.promotion_gate,
            release.name if release is not None else "This release",
        )

    def _selected_deployment(self) -> None:
        selected = self.deployments.current_record_id()
        self.chart.select(selected)
        problems = self.promotion_warnings(selected) if selected is not None else []
        self.promotion_warning.setText("\n".join(f"⚠ {p}" for p in problems))
        self.promotion_warning.setVisible(bool(problems))

    def _update_actions(self) -> None:
        self.windows_action.setEnabled(self.environments.current_record_id() is not None)

    def _show_windows(self) -> None:
        selected = self.environments.current_record_id()
        if self._plan is not None and selected is not None:
            self.windows_wanted.emit(str(self._plan.environments.row(selected).name))

    # -- what Add makes ---------------------------------------------------------------------

    def _new_environment(self, _today: dt.date) -> dict[str, Any]:
        rows = self._plan.environments.rows() if self._plan is not None else []
        last = max((int(r.position) for r in rows), default=-1)
        return {"name": "New environment", "tier": "test", "position": last + 1}

    def _new_deployment(self, today: dt.date) -> dict[str, Any]:
        """Tonight, 19:00 to 21:00: the release and environment of the selected deployment
        (else the first release and the selected or first environment)."""
        plan = self._plan
        assert plan is not None
        release = next(iter(plan.state.release_order), None)
        environment = self.environments.current_record_id()
        selected = self.deployments.current_record_id()
        if selected is not None:
            row = plan.deployments.row(selected)
            release, environment = row.release_id, row.environment_id
        if environment is None:
            environment = next((e.id for e in plan.environments.rows()), None)
        start = dt.datetime.combine(today, dt.time(19, 0))
        return {
            "release_id": release,
            "environment_id": environment,
            "window_start": start,
            "window_end": start + dt.timedelta(hours=2),
            "outcome": "planned",
        }
