"""Exceptions nothing caught: a log file in GANTRY_HOME, one dialog, the plan still open."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from ui.about import gantry_version
from ui.crash_report import PLAN_IS_SAFE, CrashReporter, crash_box
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui

NOW = dt.datetime(2027, 1, 15, 9, 30, tzinfo=dt.UTC)
Shown = list[tuple[str, str, Path | None]]


@pytest.fixture
def shown() -> Shown:
    return []


@pytest.fixture
def reporter(window: MainWindow, shown: Shown) -> Iterator[CrashReporter]:
    """A reporter for the test's window, installed as the excepthooks while the test runs."""
    crashes = CrashReporter(
        lambda: window.plan.path if window.plan is not None else None,
        lambda summary, details, log: shown.append((summary, details, log)),
        now=lambda: NOW,
        parent=window,
    )
    restore = crashes.install()
    yield crashes
    restore()


def _button(qtbot, slot: Callable[[], object]) -> QPushButton:  # type: ignore[no-untyped-def]
    button = QPushButton("Break")
    qtbot.addWidget(button)
    button.clicked.connect(slot)
    return button


def _broken_slot() -> None:
    raise ValueError("the slot broke")


def test_an_exception_in_a_slot_is_logged_and_shown(
    qtbot,
    window: MainWindow,
    demo_plan: Path,
    open_in,
    reporter: CrashReporter,
    shown: Shown,
    gantry_home: Path,  # type: ignore[no-untyped-def]
) -> None:
    open_in(window, demo_plan)
    qtbot.mouseClick(_button(qtbot, _broken_slot), Qt.MouseButton.LeftButton)
    log = gantry_home / "logs" / "gantry-20270115.log"
    text = log.read_text(encoding="utf-8")
    assert text.startswith("==== 2027-01-15T09:30:00+00:00  ValueError ====\n")
    assert f"Gantry {gantry_version()}, Qt {qVersion()}" in text
    assert f"Plan: {demo_plan}\n" in text
    assert "Thread: MainThread" in text
    assert "in _broken_slot" in text and text.rstrip().endswith("ValueError: the slot broke")
    [(summary, details, where)] = shown
    assert summary == (
        "Something went wrong inside Gantry (ValueError: the slot broke), "
        "and what you just did may not be done."
    )
    assert "Traceback (most recent call last)" in details and where == log
    assert window.plan is not None and not window.plan.read_only  # the plan stays open


def test_an_exception_while_the_dialog_is_open_is_logged_only(
    qtbot, window: MainWindow, shown: Shown, gantry_home: Path
) -> None:  # type: ignore[no-untyped-def]
    def also_broken() -> None:
        raise KeyError("while the dialog was open")

    second = _button(qtbot, also_broken)

    def dialog(summary: str, details: str, log: Path | None) -> None:
        shown.append((summary, details, log))
        for _ in range(3):
            second.click()  # slots run inside the dialog's event loop

    crashes = CrashReporter(lambda: None, dialog, now=lambda: NOW, parent=window)
    restore = crashes.install()
    try:
        _button(qtbot, _broken_slot).click()
    finally:
        restore()
    assert len(shown) == 1 and "ValueError: the slot broke" in shown[0][0]
    text = (gantry_home / "logs" / "gantry-20270115.log").read_text(encoding="utf-8")
    assert text.count("  ValueError ====") == 1 and text.count("  KeyError ====") == 3
    assert "Plan: none open" in text


def test_the_same_failure_is_shown_once_a_session(
    qtbot, reporter: CrashReporter, shown: Shown, gantry_home: Path
) -> None:  # type: ignore[no-untyped-def]
    button = _button(qtbot, _broken_slot)
    button.click()
    button.click()  # a paint that fails at every repaint must not bring the dialog back
    assert len(shown) == 1
    _button(qtbot, lambda: 1 / 0).click()  # another failure is news
    assert len(shown) == 2
    text = (gantry_home / "logs" / "gantry-20270115.log").read_text(encoding="utf-8")
    assert text.count("ValueError: the slot broke") == 2


def test_an_exception_in_another_thread_is_shown_on_the_gui_thread(
    qtbot, reporter: CrashReporter, shown: Shown, gantry_home: Path
) -> None:  # type: ignore[no-untyped-def]
    worker = threading.Thread(target=_broken_slot, name="exporter")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(shown))
    text = (gantry_home / "logs" / "gantry-20270115.log").read_text(encoding="utf-8")
    assert "Thread: exporter" in text


def test_the_hooks_are_put_back(window: MainWindow) -> None:
    before = sys.excepthook, threading.excepthook
    crashes = CrashReporter(lambda: None, lambda *_args: None, parent=window)
    restore = crashes.install()
    assert sys.excepthook == crashes.excepthook
    assert threading.excepthook == crashes.thread_excepthook
    restore()
    assert (sys.excepthook, threading.excepthook) == before


def test_the_dialog_says_the_plan_is_safe_and_where_the_log_is(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, str, str]] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.text(), box.informativeText(), box.detailedText()))
            box.close()

    timer = QTimer()
    timer.timeout.connect(close_box)
    timer.start(20)
    crash_box(None)("Something went wrong.", "Traceback: here", tmp_path / "gantry.log")
    timer.stop()
    [(text, informative, details)] = seen
    assert text == "Something went wrong."
    assert informative.startswith(PLAN_IS_SAFE)
    assert str(tmp_path / "gantry.log") in informative
    assert details == "Traceback: here"
