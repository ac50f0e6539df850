"""Starting Gantry: which plan opens, the demo on first run, a refused plan, a clean exit."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import paths
from app.store import lock_path
from tests.fixed_dates import DEMO_TODAY
from ui.application import choose_plan, run
from ui.crash_report import CrashReporter
from ui.main_window import MainWindow
from ui.settings import AppSettings

pytestmark = pytest.mark.gui

# Far beyond what opening the demo plan takes on a loaded machine: only a loop that would
# never end reaches it.
SAFETY_MS = 60_000


@pytest.fixture(autouse=True)
def plain_application() -> Iterator[None]:
    """run() styles and names the shared QApplication; undo that for the other tests."""
    yield
    qt_app = QApplication.instance()
    if isinstance(qt_app, QApplication):
        qt_app.setStyleSheet("")


def test_the_argument_wins(settings: AppSettings, demo_plan: Path, tmp_path: Path) -> None:
    settings.add_recent(demo_plan)
    given = tmp_path / "given.gantry"
    assert choose_plan(given, settings, DEMO_TODAY) == given


def test_the_last_plan_opens_when_it_still_exists(
    settings: AppSettings, demo_plan: Path, tmp_path: Path
) -> None:
    settings.add_recent(demo_plan)
    assert choose_plan(None, settings, DEMO_TODAY) == demo_plan.resolve()
    demo_plan.unlink()
    assert settings.last_plan() is None


def test_the_first_run_writes_the_demo_plan_in_gantry_home(
    settings: AppSettings, gantry_home: Path
) -> None:
    chosen = choose_plan(None, settings, DEMO_TODAY)
    assert chosen == paths.demo_plan_path()
    assert chosen.parent == gantry_home
    assert chosen.is_file()
    assert not lock_path(chosen).exists()  # written and closed again


def _when(condition, then) -> QTimer:  # type: ignore[no-untyped-def]
    """Poll the event loop that run() drives until `condition()` holds, then call `then`."""
    timer = QTimer()

    def poll() -> None:
        if condition():
            timer.stop()
            then()

    timer.timeout.connect(poll)
    timer.start(20)
    return timer


def _run_bounded(plan: Path, qsettings: QSettings) -> int:
    """run(), with a safety net: an event loop still running long after the test's own
    steps ended the window is ended here, saying what kept it going, instead of hanging."""
    stuck: list[str] = []

    def end_the_loop() -> None:
        shown = [
            f"{type(w).__name__} {w.windowTitle()!r}"
            for w in QApplication.topLevelWidgets()
            if w.isVisible()
        ]
        stuck.append(
            f"still running; visible windows: {shown}, modal: {QApplication.activeModalWidget()}"
        )
        QApplication.exit(1)

    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(end_the_loop)
    safety.start(SAFETY_MS)
    try:
        code = run(plan, ["gantry"], settings=qsettings)
    finally:
        safety.stop()
    assert not stuck, stuck[0]
    return code


def _main_window() -> MainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None


def test_run_shows_the_plan_and_releases_it_on_close(
    qapp,
    qsettings: QSettings,  # type: ignore[no-untyped-def]
    demo_plan: Path,
) -> None:
    seen: list[str] = []

    def close() -> None:
        window = _main_window()
        assert window is not None
        seen.append(window.windowTitle())
        window.close()

    timer = _when(lambda: (w := _main_window()) is not None and w.plan is not None, close)
    assert _run_bounded(demo_plan, qsettings) == 0
    timer.stop()
    assert seen == ["p — Gantry"]
    assert not lock_path(demo_plan).exists()
    assert AppSettings(qsettings).recent_files() == [demo_plan.resolve()]


def test_run_reports_a_refused_plan_and_keeps_an_empty_window(
    qapp,
    qsettings: QSettings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    foreign = tmp_path / "foreign.gantry"
    foreign.write_bytes(b"PK\x03\x04 not a plan" * 20)
    shown: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.close()
        window = _main_window()
        assert window is not None and window.plan is None
        shown.append(window.windowTitle())
        window.close()

    timer = _when(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), close_box)
    assert _run_bounded(foreign, qsettings) == 0
    timer.stop()
    assert shown == [f"{foreign} is not a Gantry plan (it is not an SQLite database).", "Gantry"]


def test_run_reports_crashes_while_it_runs_and_puts_the_hooks_back(
    qapp,
    qsettings: QSettings,  # type: ignore[no-untyped-def]
    demo_plan: Path,
) -> None:
    before = sys.excepthook, threading.excepthook
    during: list[object] = []

    def close() -> None:
        during.append(getattr(sys.excepthook, "__self__", None))
        window = _main_window()
        assert window is not None
        window.close()

    timer = _when(lambda: (w := _main_window()) is not None and w.plan is not None, close)
    assert _run_bounded(demo_plan, qsettings) == 0
    timer.stop()
    assert len(during) == 1 and isinstance(during[0], CrashReporter)
    assert (sys.excepthook, threading.excepthook) == before


def test_quitting_takes_back_what_gantry_put_on_the_clipboard(qapp) -> None:  # type: ignore[no-untyped-def]
    # A crash at exit is what this prevents: PySide6 frees Python-made clipboard data twice.
    from PySide6.QtCore import QMimeData

    from ui.application import make_application

    app = make_application([])
    copied = QMimeData()
    copied.setData("application/x-gantry-test", b"items")
    QApplication.clipboard().setMimeData(copied)
    assert QApplication.clipboard().mimeData().hasFormat("application/x-gantry-test")
    app.aboutToQuit.emit()
    left = QApplication.clipboard().mimeData()
    assert left is None or not left.hasFormat("application/x-gantry-test")
