"""Opening a plan off the UI thread: Plan.open (read, index; the schedule follows) in a QThread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from typing_extensions import override

from app.errors import GantryError
from app.plan import Plan
from app.schedule_runs import ProcessScheduler

log = logging.getLogger(__name__)


class _Cancelled(Exception):
    """Raised inside the worker from the progress callback once the user cancelled."""


class PlanLoader(QThread):
    """Opens and schedules one plan; the result arrives through exactly one signal.

    `progressed` is emitted from the worker thread; Qt queues it to the GUI thread.
    """

    progressed = Signal(int, int, str)  # step, total, message
    loaded = Signal()  # the plan is open and scheduled: take() it
    failed = Signal(str)  # the one-sentence reason
    cancelled = Signal()

    def __init__(
        self,
        path: Path,
        post: Callable[[Callable[[], None]], None],
        *,
        create: bool = False,
        read_only: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.create = create
        self.read_only = read_only
        self._post = post  # carries schedule results to the GUI thread
        self._cancel = threading.Event()
        self._result: Plan | None = None
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """Ask the worker to stop at its next progress step (the store is then closed)."""
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def take(self) -> Plan | None:
        """The opened plan, handed over once; the caller then owns (and closes) it."""
        with self._lock:
            result, self._result = self._result, None
        return result

    def discard(self) -> None:
        """Close a plan nobody took (cancelled or superseded), releasing its lock."""
        result = self.take()
        if result is not None:
            result.close()

    def _progress(self, step: int, total: int, message: str) -> None:
        if self._cancel.is_set():
            raise _Cancelled
        self.progressed.emit(step, total, message)

    @override
    def run(self) -> None:
        try:
            self._progress(0, 0, f"Opening {self.path.name}")
            plan = Plan.open(
                self.path,
                read_only=self.read_only,
                create=self.create,
                scheduler=ProcessScheduler(self._post),
                progress=self._progress,
            )
        except _Cancelled:
            self.cancelled.emit()
            return
        except GantryError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a bug or an OS error: still never crash the window
            log.exception("Opening %s failed", self.path)
            # One sentence like every other refusal; the log above has the traceback.
            summary = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
            self.failed.emit(f"{self.path} could not be opened ({summary}).")
            return
        if self._cancel.is_set():
            plan.close()
            self.cancelled.emit()
            return
        with self._lock:
            self._result = plan
        self.loaded.emit()
