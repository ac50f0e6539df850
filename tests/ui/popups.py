"""Helpers for tests that open popups (calendars, context menus) on the offscreen platform."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractItemView, QCalendarWidget

# Qt warns that the offscreen platform can neither raise a popup nor grab the keyboard for it.
POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def calendar_days(calendar: QCalendarWidget) -> QAbstractItemView:
    """A calendar's grid of days, which takes its keys."""
    view = calendar.findChild(QAbstractItemView)
    assert view is not None
    return view
