"""The chart's colours: calm neutrals, blue for work, red for the critical path, amber for late."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.timeline import palette as shared
from app.timeline.background import BandKind, MarkerKind

BACKGROUND = QColor("#ffffff")
STRIPE = QColor("#f7f9fc")  # every other row: enough to follow a row, not enough to notice
SELECTED_ROW = QColor("#e3edfb")
GRID_MINOR = QColor("#eef0f4")
GRID_MAJOR = QColor("#d5dae2")
HEADER_FILL = QColor("#f6f7f9")
HEADER_LINE = QColor("#d5dae2")
HEADER_TEXT = QColor("#374151")
HEADER_WEEKEND_TEXT = QColor("#9aa3b2")
TEXT = QColor("#2b3340")
MUTED_TEXT = QColor("#6b7280")

TASK = QColor(shared.TASK)
TASK_DONE = QColor(shared.TASK_PROGRESS)  # the percent-complete part of a bar
TASK_EDGE = TASK_DONE
CRITICAL = QColor(shared.CRITICAL)
CRITICAL_DONE = QColor(shared.CRITICAL_PROGRESS)
CRITICAL_EDGE = CRITICAL_DONE
LATE = QColor("#d97706")  # negative slack: the outline and the "late by" note
SUMMARY = QColor(shared.SUMMARY)
MILESTONE = QColor(shared.MILESTONE)
SLACK = QColor("#3aa597")  # teal: free time, not a bar or a link
BASELINE = QColor(shared.BASELINE)
BASELINE_EDGE = QColor(shared.BASELINE_EDGE)
CONNECTOR = QColor(shared.LINK)
SELECTED_EDGE = QColor("#173a7a")
WHAT_IF = QColor(245, 158, 11, 110)  # amber glow: bars a what-if would move
GHOST = QColor(91, 141, 239, 90)
GHOST_EDGE = QColor("#173a7a")
FEEDBACK_FILL = QColor("#1f2937")
FEEDBACK_TEXT = QColor("#ffffff")

BANDS: dict[BandKind, QColor] = {
    BandKind.NONWORKING: QColor(70, 85, 110, 20),
    BandKind.HOLIDAY: QColor(226, 110, 90, 36),
    BandKind.FREEZE: QColor(99, 132, 230, 30),
    BandKind.BLACKOUT: QColor(220, 60, 60, 28),
    BandKind.CHANGE_WINDOW: QColor(40, 170, 100, 28),
}
BAND_EDGES: dict[BandKind, QColor] = {
    BandKind.HOLIDAY: QColor("#f3c2bb"),
    BandKind.FREEZE: QColor("#7d98e6"),
    BandKind.BLACKOUT: QColor("#e08a8a"),
    BandKind.CHANGE_WINDOW: QColor("#6cc49a"),
}
BAND_TEXT: dict[BandKind, QColor] = {
    BandKind.HOLIDAY: QColor("#b4463a"),
    BandKind.FREEZE: QColor("#3451a8"),
    BandKind.BLACKOUT: QColor("#a63030"),
    BandKind.CHANGE_WINDOW: QColor("#1f7a4d"),
}
MARKERS: dict[MarkerKind, QColor] = {
    MarkerKind.TODAY: QColor(shared.TODAY),
    MarkerKind.RELEASE_START: QColor(shared.RELEASE_START),
    MarkerKind.FEATURE_FREEZE: QColor(shared.FREEZE_MARKER),
    MarkerKind.CODE_FREEZE: QColor("#3451a8"),
    MarkerKind.TARGET: QColor(shared.TARGET),
    MarkerKind.ACTUAL: QColor(shared.RELEASED),
}
CONFLICT_MARK = QColor("#dc2626")  # a finding of `gantry check` on its day
WARNING_MARK = QColor("#d97706")
COMMUNICATION_MARK = QColor("#2563eb")  # a communication due that day
SENT_MARK = QColor("#9aa3b2")
MARK_EDGE = QColor("#c4cad4")
