"""The Dashboard tab: the delivery measures (app.metrics) for a period and a release.

Cards give each measure with its change against the period just before; charts show the
months; a table compares the releases, with their schedule variance against their newest
baseline. Everything shown is computed by app.metrics; this page only chooses and draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.metrics import Measures, MetricsReport, metrics
from app.metrics_report import (
    CARDS,
    RELEASE_TABLE_HEADERS,
    WORSE,
    Card,
    release_table_row,
    trend,
)
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from ui.dashboard_chart import MonthlyChart, Series
from ui.plan_events import PlanEvents

METRIC_ENTITIES = (
    "deployments",
    "environments",
    "change_requests",
    "approvals",
    "releases",
    "baselines",
    "work_items",
)
# (label, weeks back from today; None: from the first production deployment on record)
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Last 4 weeks", 4),
    ("Last 13 weeks", 13),
    ("Last 26 weeks", 26),
    ("Last 52 weeks", 52),
    ("Everything on record", None),
)
DEFAULT_PERIOD = 3
SUCCEEDED = QColor("#2f9e6e")
FAILED = QColor("#d64545")
LEAD = QColor("#4f7fe0")
RESTORE = QColor("#d9822b")
CARD_STYLE = (
    "QFrame#metricCard { background: #ffffff; border: 1px solid #e2e8f0; border-radius: 6px; }"
)


class MetricCard(QFrame):
    def __init__(self, card: Card, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setObjectName("metricCard")
        self.setStyleSheet(CARD_STYLE)
        self.title = QLabel(card.title)
        self.title.setStyleSheet("color: #334155; font-weight: 600; border: none")
        self.value = QLabel()
        self.value.setObjectName("metricValue")
        self.value.setStyleSheet("color: #0f172a; font-size: 20pt; font-weight: 600; border: none")
        self.change = QLabel()
        self.change.setStyleSheet("border: none; font-size: 8.5pt")
        explain = QLabel(card.explain)
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #6b7280; font-size: 8.5pt; border: none")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(2)
        for widget in (self.title, self.value, self.change, explain):
            layout.addWidget(widget)

    def show_measures(self, now: Measures, before: Measures) -> None:
        value = self.card.value(now)
        self.value.setText(self.card.text(value))
        text, colour = trend(self.card, value, self.card.value(before))
        self.change.setText(text)
        self.change.setStyleSheet(f"border: none; font-size: 8.5pt; color: {colour}")


class DashboardView(QWidget):
    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self._today = today
        self._plan: Plan | None = None
        self._events: PlanEvents | None = None
        self._stale = False
        self.report: MetricsReport | None = None

        self.period = QComboBox()
        self.period.setObjectName("dashboardPeriod")
        for label, weeks in PERIODS:
            self.period.addItem(label, weeks)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.period.currentIndexChanged.connect(lambda _n: self.refresh())
        self.release = QComboBox()
        self.release.setObjectName("dashboardRelease")
        self.release.setMinimumContentsLength(16)
        self.release.currentIndexChanged.connect(lambda _n: self.refresh())
        self.heading = QLabel()
        self.heading.setObjectName("dashboardHeading")
        self.heading.setStyleSheet("color: #475569")
        bar = QHBoxLayout()
        bar.setContentsMargins(12, 8, 12, 0)
        for widget in (QLabel("Period:"), self.period, QLabel("Release:"), self.release):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.heading, 1)

        self.cards = [MetricCard(card) for card in CARDS]
        cards = QHBoxLayout()
        cards.setContentsMargins(12, 8, 12, 0)
        cards.setSpacing(10)
        for card in self.cards:
            cards.addWidget(card, 1)

        self.deploy_chart = MonthlyChart("Production deployments per month", _count, whole=True)
        self.lead_chart = MonthlyChart("Lead time for changes (median days)", _one_decimal)
        self.failure_chart = MonthlyChart("Change failure rate", _percent)
        charts = QGridLayout()
        charts.setContentsMargins(12, 8, 12, 0)
        charts.setSpacing(10)
        charts.addWidget(self.deploy_chart, 0, 0, 1, 2)
        charts.addWidget(self.lead_chart, 1, 0)
        charts.addWidget(self.failure_chart, 1, 1)

        self.table = QTableWidget(0, len(RELEASE_TABLE_HEADERS))
        self.table.setObjectName("dashboardReleases")
        self.table.setHorizontalHeaderLabels(RELEASE_TABLE_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(150)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addLayout(cards)
        layout.addLayout(charts, 3)
        title = QLabel("Releases")
        title.setStyleSheet("font-weight: 600; color: #334155; padding: 10px 12px 4px")
        layout.addWidget(title)
        table_box = QHBoxLayout()
        table_box.setContentsMargins(12, 0, 12, 0)
        table_box.addWidget(self.table)
        layout.addLayout(table_box, 2)

    # -- the plan ---------------------------------------------------------------------------

    def set_plan(self, plan: Plan | None, events: PlanEvents | None) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._changed)
        self._plan, self._events = plan, events
        if events is not None:
            events.changed.connect(self._changed)
        self._fill_releases()
        self.refresh()

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches("releases"):
            self._fill_releases()
        if notice.touches(*METRIC_ENTITIES):
            self.refresh()

    def _fill_releases(self) -> None:
        chosen = self.release.currentData()
        self.release.blockSignals(True)
        self.release.clear()
        self.release.addItem("All releases", None)
        if self._plan is not None:
            for row in self._plan.releases.rows():
                self.release.addItem(row.name, row.name)
        found = self.release.findData(chosen)
        self.release.setCurrentIndex(max(found, 0))
        self.release.blockSignals(False)

    def chosen(self) -> tuple[str | None, dt.date | None, dt.date]:
        """The release (None: all) and the period (from None: everything on record) chosen,
        ending today: what File › Export › Dashboard PDF… puts on the page."""
        today = self._today()
        weeks = self.period.currentData()
        first = None if weeks is None else today - dt.timedelta(days=7 * weeks - 1)
        return self.release.currentData(), first, today

    def refresh(self) -> None:
        """Measure again (now if shown, else when the tab is next shown)."""
        if not self.isVisible() and self._plan is not None:
            self._stale = True
            return
        self._stale = False
        if self._plan is None:
            self.report = None
            return
        release, first, today = self.chosen()
        self.report = metrics(self._plan, today, release, first, today)
        self._show(self.report)

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _show(self, report: MetricsReport) -> None:
        period = report.period
        m = report.plan
        self.heading.setText(
            f"{period.first:%d %b %Y} – {period.last:%d %b %Y} ({period.weeks:.0f} weeks): "
            f"{m.deployments} production deployments, {m.succeeded} succeeded, "
            f"{m.failed} failed or rolled back"
        )
        for card in self.cards:
            card.show_measures(report.plan, report.previous)
        months = [month.month.strftime("%b %y") for month in report.months]
        measures = [month.measures for month in report.months]
        self.deploy_chart.set_data(
            months,
            [
                Series("Succeeded", SUCCEEDED, tuple(float(x.succeeded) for x in measures)),
                Series("Failed or rolled back", FAILED, tuple(float(x.failed) for x in measures)),
            ],
        )
        self.lead_chart.set_data(
            months, [Series("Lead time", LEAD, tuple(x.lead_time_days for x in measures))]
        )
        self.failure_chart.set_data(
            months,
            [Series("Failure rate", FAILED, tuple(x.change_failure_rate for x in measures))],
        )
        self._fill_table(report)

    def _fill_table(self, report: MetricsReport) -> None:
        self.table.setRowCount(len(report.releases))
        for row, release in enumerate(report.releases):
            cells = release_table_row(release)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < column < len(cells) - 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == len(cells) - 1 and (release.schedule_variance or 0) > 0:
                    item.setForeground(QColor(WORSE))
                self.table.setItem(row, column, item)


def _count(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _one_decimal(value: float) -> str:
    return f"{value:.1f}"


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"
