"""Start the GUI: build QApplication, settings and the main window, pick the plan, run."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import paths
from app.demo import ensure_demo_plan
from app.errors import GantryError
from ui.crash_report import CrashReporter, crash_box
from ui.main_window import MainWindow
from ui.resources import icon, style_sheet
from ui.settings import AppSettings, default_settings

log = logging.getLogger(__name__)

APP_NAME = "Gantry"


def make_application(argv: list[str]) -> QApplication:
    """The QApplication (reused if one exists), named so QSettings finds Gantry's settings."""
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(argv)
    # Plans are read on a worker thread while the window paints, and every call from Qt into
    # Python waits for the interpreter lock: Python's default 5 ms turn made those paints
    # several times slower; a 1 ms turn keeps them near their own time.
    sys.setswitchinterval(0.001)
    qt_app.setOrganizationName(APP_NAME)
    qt_app.setApplicationName(APP_NAME)
    qt_app.setApplicationDisplayName(APP_NAME)
    qt_app.setWindowIcon(icon("gantry"))
    sheet = style_sheet()
    if sheet:
        qt_app.setStyleSheet(sheet)
    qt_app.aboutToQuit.connect(release_clipboard)
    return qt_app


def release_clipboard() -> None:
    """Take back what Gantry put on the clipboard before the application object goes.

    PySide6 6.11 crashes at exit when the clipboard still holds a QMimeData made in Python
    (copied checklist items); with no clipboard manager the data would go with the process
    anyway.
    """
    clipboard = QApplication.clipboard()
    held = clipboard.mimeData()
    ours = held is not None and any(f.startswith("application/x-gantry") for f in held.formats())
    if clipboard.ownsClipboard() or ours:
        clipboard.clear()


def choose_plan(
    plan: Path | None,
    settings: AppSettings,
    today: dt.date,
    demo: Callable[[], Path] = paths.demo_plan_path,
) -> Path:
    """The argument; else the last plan if it still exists; else the demo plan (made if new,
    dated around `today`)."""
    if plan is not None:
        return plan
    last = settings.last_plan()
    if last is not None:
        return last
    return ensure_demo_plan(demo(), today)


def run(plan: Path | None, argv: list[str], settings: QSettings | None = None) -> int:
    """Show the main window on a plan and run the event loop; returns the exit code."""
    qt_app = make_application(argv)
    app_settings = AppSettings(settings if settings is not None else default_settings())
    window = MainWindow(app_settings, today=dt.date.today)
    crashes = CrashReporter(
        lambda: window.plan.path if window.plan is not None else None,
        crash_box(window),
        parent=window,
    )
    restore_hooks = crashes.install()
    try:
        window.show()
        try:
            chosen = choose_plan(plan, app_settings, dt.date.today())
        except GantryError as exc:
            QMessageBox.warning(window, "Cannot open plan", str(exc))
        except Exception as exc:  # e.g. the demo could not be written: still show the window
            log.exception("Preparing the demo plan failed")
            QMessageBox.warning(
                window, "Cannot open plan", f"The demo plan could not be written: {exc}"
            )
        else:
            window.open_plan(chosen)
        previous = _close_on_signals(window)
        try:
            return qt_app.exec()
        finally:
            window.close_plan()  # also after quit() without a close event: release the lock
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    finally:
        restore_hooks()


def _close_on_signals(window: MainWindow) -> dict[int, Any]:
    """Ctrl+C or SIGTERM close the window properly (saving layout, releasing the lock).

    Returns the handlers it replaced, to put back when the event loop ends.
    """

    def close(_signum: int, _frame: object) -> None:
        window.close()

    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, close)
    # Python runs signal handlers only between bytecodes: wake the interpreter now and then.
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return previous


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None, sys.argv))
