"""The chart's colours as plain hex strings, one table for every painter (screen, PDF, PNG)."""

from __future__ import annotations

from typing import Final

# Bars
TASK: Final = "#3b82f6"
TASK_PROGRESS: Final = "#1d4ed8"
CRITICAL: Final = "#dc2626"
CRITICAL_PROGRESS: Final = "#991b1b"
SUMMARY: Final = "#334155"
SUMMARY_CRITICAL: Final = "#b91c1c"
MILESTONE: Final = "#111827"
BAR_LABEL: Final = "#1f2937"
LATE_LABEL: Final = "#b91c1c"

# Connectors
LINK: Final = "#64748b"
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
TODAY: Final = "#ea580c"
TARGET: Final = "#7c3aed"
RELEASE_START: Final = "#64748b"
FREEZE_MARKER: Final = "#2563eb"
RELEASED: Final = "#16a34a"

# Header, labels, frame
HEADER_FILL: Final = "#f1f5f9"
HEADER_TEXT: Final = "#0f172a"
MUTED_TEXT: Final = "#64748b"
FRAME: Final = "#94a3b8"
