"""The Release train tab: every release as a lane on one calendar, and the list of collisions.

The chart (ui/gantt/train_chart.py) paints what app.release_train and app.timeline.lanes
computed; this page adds the zoom and navigation actions, a legend, and the collisions list
(a click scrolls the chart to the collision). It refreshes on the change notices that move
what the train shows, including the derived ones that bring new scheduled finishes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.plan import Plan
from app.release_train import TRAIN_ENTITIES, Train
from app.unit_of_work import ChangeNotice
from ui.gantt.train_chart import PALETTE, TrainChart
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.resources import icon
from ui.train_dialogs import GenerateDialog, NewTrainDialog, ScopeDialog

SUMMARY_STYLE = "font-weight: 600; padding: 0 10px"
SUMMARY_ALERT = PALETTE.collision.name()
SUMMARY_CLEAR = PALETTE.succeeded.name()
COLLISION_ROLE = Qt.ItemDataRole.UserRole  # the collision's index in Train.collisions
LIST_HEIGHT = 150  # the collisions list under the chart, at first


def _swatch(colour: str, text: str, glyph: str = "■") -> str:
    return f"<span style='color:{colour}'>{glyph}</span>&nbsp;{text}"


def legend_html() -> str:
    """The legend beside the zoom buttons, in the chart's colours."""
    p = PALETTE
    parts = [
        _swatch(p.build.name(), "Build"),
        _swatch(p.stabilise.name(), "Stabilise"),
        _swatch(p.harden.name(), "Hardening"),
        _swatch(p.slip_edge.name(), "Slip"),
        _swatch(p.marker.name(), "Freeze", "▼"),
        _swatch(p.marker.name(), "Target", "◆"),
        _swatch(p.actual.name(), "Released", "●"),
        _swatch(p.freeze_edge.name(), "Freeze window", "▨"),
        _swatch(p.blackout_edge.name(), "Blackout", "▨"),
        _swatch(p.change_window_edge.name(), "Change window", "■"),
        _swatch(p.succeeded.name(), "Deployed", "ǀ"),
        _swatch(p.failed.name(), "Failed", "ǀ"),
        _swatch(p.planned.name(), "Planned", "ǀ"),
    ]
    return "<span style='color:#334155'>" + "&nbsp;&nbsp; ".join(parts) + "</span>"


class TrainView(QWidget):
    """Every release of the plan as a lane; tells the window which release was double-clicked."""

    release_selected = Signal(int)

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainView")
        self._today = today
        self._plan: Plan | None = None
        self._events: PlanEvents | None = None
        self._editor: PlanEditor | None = None
        self._picked: int | None = None  # the release clicked last
        self.dialog: NewTrainDialog | GenerateDialog | ScopeDialog | None = None
        self._stale = False
        self.train: Train | None = None

        self.chart = TrainChart()
        self.chart.release_selected.connect(self.release_selected)
        self.chart.release_selected.connect(self._pick_release)
        self.chart.release_moved.connect(self._move_release)

        def action(
            text: str, tip: str, keys: list[QKeySequence], slot: Callable[[], None]
        ) -> QAction:
            act = QAction(text, self)
            act.setToolTip(tip)
            act.setShortcuts(keys)
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        zoom_in_keys = [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
        self.zoom_in_action = action(
            "Zoom In",
            "Show fewer days, in more detail (Ctrl+=, Ctrl+wheel)",
            zoom_in_keys,
            self.chart.zoom_in,
        )
        self.zoom_out_action = action(
            "Zoom Out",
            "Show more days (Ctrl+-, Ctrl+wheel)",
            [QKeySequence(QKeySequence.StandardKey.ZoomOut)],
            self.chart.zoom_out,
        )
        self.fit_action = action(
            "Fit All",
            "Show every release in the width of the chart (Ctrl+0)",
            [QKeySequence("Ctrl+0")],
            self.chart.zoom_to_fit,
        )
        self.today_action = action("Today", "Scroll to today", [], self.go_to_today)
        self.new_train_action = action(
            "New Train…",
            "Make a release train: a cadence and a release template that generate releases",
            [],
            self.new_train,
        )
        self.generate_action = action(
            "Generate Next…", "Generate the next releases of a train", [], self.generate_next
        )
        self.scope_action = action(
            "Scope Since Freeze…",
            "What was added to, removed from or grown in a release since its feature freeze",
            [],
            self.show_scope,
        )

        self.legend = QLabel(legend_html())
        self.legend.setObjectName("trainLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet("padding: 0 8px; font-size: 8.5pt")
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("trainToolbar")
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions(
            [self.zoom_out_action, self.zoom_in_action, self.fit_action, self.today_action]
        )
        self.toolbar.addSeparator()
        # One button keeps the legend in view: the train's actions are used now and then.
        self.trains_menu = QMenu(self)
        self.trains_menu.addActions(
            [self.new_train_action, self.generate_action, self.scope_action]
        )
        self.trains_button = QToolButton()
        self.trains_button.setObjectName("trainsButton")
        self.trains_button.setText("Trains")
        self.trains_button.setToolTip("Release trains and scope since feature freeze")
        self.trains_button.setMenu(self.trains_menu)
        self.trains_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(self.trains_button)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.legend)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.summary = QLabel()
        self.summary.setObjectName("collisionsSummary")
        self.toolbar.addWidget(self.summary)

        self.list_title = QLabel()
        self.list_title.setObjectName("collisionsTitle")
        self.list_title.setStyleSheet("font-weight: 600; color: #334155; padding: 6px 10px 4px")
        self.collisions = QListWidget()
        self.collisions.setObjectName("collisionsList")
        self.collisions.setIconSize(QSize(16, 16))
        self.collisions.setWordWrap(True)
        self.collisions.setUniformItemSizes(False)
        self.collisions.currentItemChanged.connect(lambda item, _old: self._pick(item))
        self.collisions.itemClicked.connect(self._pick)
        self.below = below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.setSpacing(0)
        below_layout.addWidget(self.list_title)
        below_layout.addWidget(self.collisions, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([10_000, LIST_HEIGHT])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.chart)
        self._show_collisions()

    # -- the plan ---------------------------------------------------------------------------

    def set_plan(self, plan: Plan | None, events: PlanEvents | None) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._changed)
        self._plan, self._events = plan, events
        if events is not None:
            events.changed.connect(self._changed)
        self.chart.fit_on_next_show()
        self._picked = None
        self.refresh()
        self._enable()

    def set_editor(self, editor: PlanEditor | None) -> None:
        """The editor the train's actions go through (None: the plan is closed)."""
        self._editor = editor
        self._enable()

    def _enable(self) -> None:
        editor = self._editor
        editable = editor is not None and not editor.read_only
        self.new_train_action.setEnabled(editable)
        self.chart.movable = editable
        self.generate_action.setEnabled(
            editor is not None and editable and bool(editor.plan.trains.rows())
        )
        self.scope_action.setEnabled(self._plan is not None)

    def _move_release(self, release_id: int, day: dt.date) -> None:
        """A bar dropped on a new day: the editor moves it (asking about the rest of the
        train); a cancelled or refused move leaves the chart as it was."""
        if self._editor is not None:
            self._editor.move_train_release(release_id, day)

    def _pick_release(self, release_id: int) -> None:
        self._picked = release_id

    def new_train(self) -> None:
        """Ask for a train (window-modal); Generate makes it and its releases, one undo step."""
        if self._editor is None:
            return
        dialog = NewTrainDialog(self._editor.plan, self._today(), self)
        dialog.accepted.connect(lambda: self._make_train(dialog))
        self._open(dialog)

    def _make_train(self, dialog: NewTrainDialog) -> None:
        day = dialog.first_day.value()
        if self._editor is None or day is None:
            return
        self._editor.new_train(
            dialog.name.text(),
            dialog.cadence_value(),
            dialog.template(),
            day,
            dialog.version.text(),
            dialog.count.value(),
        )

    def generate_next(self) -> None:
        if self._editor is None:
            return
        dialog = GenerateDialog(self._editor.plan, self)
        dialog.accepted.connect(lambda: self._generate(dialog))
        self._open(dialog)

    def _generate(self, dialog: GenerateDialog) -> None:
        train_id = dialog.train_id()
        if self._editor is not None and train_id is not None:
            self._editor.generate_releases(train_id, dialog.count.value())

    def show_scope(self) -> None:
        """The scope changes since freeze of the release clicked last (else the first one
        past its freeze and not yet released)."""
        if self._plan is None:
            return
        today = self._today()
        release_id = self._picked
        if release_id is None or release_id not in self._plan.state.releases:
            release_id = next(
                (
                    r.id
                    for r in self._plan.releases.rows()
                    if r.actual_date is None
                    and r.feature_freeze is not None
                    and r.feature_freeze < today
                ),
                None,
            )
        self._open(ScopeDialog(self._plan, today, release_id, self))

    def _open(self, dialog: NewTrainDialog | GenerateDialog | ScopeDialog) -> None:
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches(*TRAIN_ENTITIES):
            self.refresh()
        if notice.touches("trains"):
            self._enable()

    def refresh(self) -> None:
        """Read the train again (now if shown, else when the tab is next shown)."""
        if not self.isVisible() and self._plan is not None:
            self._stale = True
            return
        self._stale = False
        self.train = self._plan.train.snapshot() if self._plan is not None else None
        self.chart.set_train(self.train, self._today())
        self._show_collisions()

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _show_collisions(self) -> None:
        found = self.train.collisions if self.train is not None else ()
        focused = self.chart.focused
        self.collisions.blockSignals(True)
        self.collisions.clear()
        for n, collision in enumerate(found):
            item = QListWidgetItem(icon("warning"), collision.message)
            item.setData(COLLISION_ROLE, n)
            item.setToolTip(collision.message)
            self.collisions.addItem(item)
        if focused is not None and focused < len(found):
            self.collisions.setCurrentRow(focused)
        self.collisions.blockSignals(False)
        # With nothing to list the toolbar says so, and the chart takes the room.
        self.below.setVisible(bool(found))
        if found:
            count = len(found)
            self.list_title.setText(f"Collisions ({count}) — click one to show it on the train")
            self.summary.setText(f"{count} collision{'s' if count > 1 else ''}")
            self.summary.setStyleSheet(f"color: {SUMMARY_ALERT}; {SUMMARY_STYLE}")
            self.summary.setToolTip("Listed under the chart, and marked on the lanes")
        elif self.train is not None and self.train.releases:
            self.summary.setText("No collisions")
            self.summary.setStyleSheet(f"color: {SUMMARY_CLEAR}; {SUMMARY_STYLE}")
            self.summary.setToolTip(
                "No go-live, code freeze or deployment in a freeze or blackout, no go-lives "
                "too close, nothing late, no hardening overlaps"
            )
        else:
            self.summary.setText("")

    def _pick(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.chart.show_collision(int(item.data(COLLISION_ROLE)))

    def go_to_today(self) -> None:
        self.chart.go_to(self._today())
