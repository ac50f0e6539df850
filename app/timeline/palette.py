"""The chart's colours as plain hex strings, one table for every painter (screen, PDF, PNG).

The screen (ui/gantt/palette.py) takes its bar, connector and marker colours from here;
its bands are translucent over the row stripes, so paper gets opaque tints of its own.
"""

from __future__ import annotations

from typing import Final

# Bars
TASK: Final = "#5b8def"
TASK_PROGRESS: Final = "#2f5fb8"
CRITICAL: Final = "#e35d5d"
CRITICAL_PROGRESS: Final = "#b23232"
SUMMARY: Final = "#3d4656"
SUMMARY_CRITICAL: Final = "#b91c1c"
MILESTONE: Final = "#2b3340"
BAR_LABEL: Final = "#1f2937"
LATE_LABEL: Final = "#b91c1c"

BASELINE: Final = "#cfd5de"
BASELINE_EDGE: Final = "#8a94a6"

# Connectors
LINK: Final = "#7b8494"
LINK_CRITICAL: Final = CRITICAL

# Background
PAPER: Final = "#ffffff"
ROW_STRIPE: Final = "#f8fafc"
ROW_RULE: Final = "#e5e7eb"
GRID_MINOR: Final = "#e5e7eb"
GRID_MAJOR: Final = "#cbd5e1"
NONWORKING: Final = "#eef2f6"
HOLIDAY: Final = "#fdecc8"
FREEZE: Final = "#dbeafe"
FREEZE_TEXT: Final = "#1e40af"
BLACKOUT: Final = "#fee2e2"
BLACKOUT_TEXT: Final = "#991b1b"
CHANGE_WINDOW: Final = "#dcfce7"
CHANGE_WINDOW_TEXT: Final = "#166534"

# Markers
TODAY: Final = "#f97316"
TARGET: Final = "#16a34a"
RELEASE_START: Final = "#64748b"
FREEZE_MARKER: Final = "#4f6fd6"
RELEASED: Final = "#0f766e"

# Header, labels, frame
HEADER_FILL: Final = "#f1f5f9"
HEADER_TEXT: Final = "#0f172a"
MUTED_TEXT: Final = "#64748b"
FRAME: Final = "#94a3b8"
