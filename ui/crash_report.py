"""Unexpected exceptions: written to a log file in the app data folder, shown once, plan safe."""

from __future__ import annotations

import datetime as dt
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import PySide6
from PySide6.QtCore import QObject, QThread, Signal, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from app import paths
from ui.about import gantry_version

# (one-sentence summary, the details, the log file or None when it could not be written)
CrashDialog = Callable[[str, str, Path | None], None]

PLAN_IS_SAFE = (
    "Your plan is safe: each change is written to the plan file whole when you make it, and a "
    "change that was interrupted was not written at all."
)


def crash_box(parent: QWidget | None) -> CrashDialog:
    """The default dialog: the summary, where the log is, and the traceback under Details."""

    def show(summary: str, details: str, log: Path | None) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Gantry ran into a problem",
            summary,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        where = (
            f"The details were written to {log}; please send that file with a word on what "
            "you were doing."
            if log is not None
            else "The details could not be written to a log file; they are below."
        )
        box.setInformativeText(f"{PLAN_IS_SAFE}\n\n{where}")
        box.setDetailedText(details)
        box.exec()

    return show


class CrashReporter(QObject):
    """Handles exceptions nothing caught: logs each one, shows a dialog for the first of a kind.

    One dialog at a time: an exception raised while it is open (its event loop runs slots)
    is logged only. The same failure (type and place) is shown once a session, so a broken
    paint does not bring the dialog back at every repaint. Exceptions of other threads are
    logged there and shown on the GUI thread.
    """

    # summary, details, log path, place: from another thread to the GUI thread
    _shown_elsewhere = Signal(str, str, object, object)

    def __init__(
        self,
        plan: Callable[[], Path | None],
        show: CrashDialog,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone(),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._plan = plan
        self._dialog = show
        self._now = now
        self._showing = False
        self._shown: set[tuple[str, str, int]] = set()
        self._write_lock = threading.Lock()
        self._shown_elsewhere.connect(self._show)

    def install(self) -> Callable[[], None]:
        """Become sys.excepthook and threading.excepthook; returns what puts the old ones back."""
        previous_sys, previous_threading = sys.excepthook, threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

        def restore() -> None:
            sys.excepthook = previous_sys
            threading.excepthook = previous_threading

        return restore

    def excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        self.report(error)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value, args.thread.name if args.thread else None)

    def report(self, error: BaseException, thread: str | None = None) -> Path | None:
        """Log `error` with its traceback and show it (now, or on the GUI thread)."""
        details = "".join(traceback.format_exception(error))
        sys.stderr.write(details)  # as before, for whoever started Gantry from a terminal
        log = self._write(error, details, thread or threading.current_thread().name)
        summary = _summary(error)
        if QThread.currentThread() is self.thread():
            self._show(summary, details, log, _place(error))
        else:
            self._shown_elsewhere.emit(summary, details, log, _place(error))
        return log

    def _show(
        self, summary: str, details: str, log: Path | None, place: tuple[str, str, int]
    ) -> None:
        if self._showing or place in self._shown:
            return  # logged; one dialog says it all
        self._shown.add(place)
        self._showing = True
        try:
            self._dialog(summary, details, log)
        finally:
            self._showing = False

    def _write(self, error: BaseException, details: str, thread: str) -> Path | None:
        now = self._now()
        plan = self._plan()
        header = (
            f"==== {now.isoformat(timespec='seconds')}  {type(error).__name__} ====\n"
            f"Gantry {gantry_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}, "
            f"Python {platform.python_version()}, {platform.platform()}\n"
            f"Plan: {plan if plan is not None else 'none open'}\n"
            f"Thread: {thread}\n"
        )
        try:
            path = paths.log_dir() / f"gantry-{now:%Y%m%d}.log"
            with self._write_lock, path.open("a", encoding="utf-8") as log:
                log.write(f"{header}{details}\n")
        except OSError as exc:  # a full disk must not turn one problem into two
            sys.stderr.write(f"Gantry could not write its log: {exc}\n")
            return None
        return path


def _summary(error: BaseException) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(message) > 160:
        message = message[:157] + "…"
    what = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return f"Something went wrong inside Gantry ({what}), and what you just did may not be done."


def _place(error: BaseException) -> tuple[str, str, int]:
    """The exception's type and the line that raised it: what makes two failures the same."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return (type(error).__name__, "", 0)
    return (type(error).__name__, frames[-1].filename, frames[-1].lineno or 0)
