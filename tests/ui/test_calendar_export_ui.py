"""File › Export › Calendar (.ics)…: a file dialog, the file written, a status message."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtWidgets import QFileDialog

from tests.ui.conftest import OpenIn, Reports
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_export_menu_writes_the_calendar(
    window: MainWindow,
    demo_plan: Path,
    tmp_path: Path,
    open_in: OpenIn,
    reports: Reports,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    action = window.menu_actions.export_calendar
    assert not action.isEnabled()  # nothing to export before a plan is open
    open_in(window, demo_plan)
    assert action.isEnabled()
    export_menu = next(
        a.menu() for a in window.menuBar().actions()[0].menu().actions() if a.text() == "E&xport"
    )
    assert action in export_menu.actions()
    chosen = tmp_path / "atlas"  # no suffix typed: .ics is added
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(chosen), "iCalendar (*.ics)")
    )
    action.trigger()
    written = tmp_path / "atlas.ics"
    events = list(Calendar.from_ical(written.read_bytes()).walk("VEVENT"))
    assert events and reports == []
    message = window.status.currentMessage()
    assert message.startswith(f"Exported atlas.ics: {len(events)} events (")
    # A folder that is not there: said in an error box, nothing written.
    assert window.export_calendar(tmp_path / "gone" / "x.ics") is None
    assert [title for title, _ in reports] == ["Cannot export the calendar"]
