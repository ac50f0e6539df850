"""`gantry check` for the Conflicts dock, on a worker thread, so an edit never waits for it.

What the check reads from the plan state is gathered on the GUI thread when a check starts
(`app.plan_check.gather`); the worker runs the rest, reading the store through sessions of its
own (`run_check`), and posts the findings back.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from PySide6.QtCore import QObject, Signal

from app.plan import Plan
from app.plan_check import CheckInputs, Finding, gather, run_check
from ui.plan_events import GuiThread

log = logging.getLogger(__name__)


class CheckRunner(QObject):
    """One check at a time. Requests while one runs are coalesced into one check after it,
    and a result is delivered only if nothing was asked or outdated after its check began:
    a check that started before the newest change notice never shows."""

    started = Signal()
    checked = Signal(object, object)  # CheckInputs, list[Finding]
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gui = GuiThread(self)
        self._asked = 0  # requests and notices so far; a result for an older one is dropped
        self._busy = False
        self._waiting: tuple[Plan, dt.date] | None = None

    @property
    def busy(self) -> bool:
        return self._busy

    def outdate(self) -> None:
        """The plan changed: a check running now answers for the plan as it was."""
        self._asked += 1

    def request(self, plan: Plan, today: dt.date) -> None:
        """Check the plan as it is now (after the check running, if one is)."""
        self._asked += 1
        if self._busy:
            self._waiting = (plan, today)
        else:
            self._start(plan, today)

    def cancel(self) -> None:
        """Deliver nothing asked so far (the plan is closing)."""
        self._asked += 1
        self._waiting = None

    def _start(self, plan: Plan, today: dt.date) -> None:
        number = self._asked
        inputs = gather(plan, today)  # the plan state is read here, on the GUI thread
        self._busy = True
        self.started.emit()
        threading.Thread(
            target=self._work, args=(number, inputs), name="conflicts-check", daemon=True
        ).start()

    def _work(self, number: int, inputs: CheckInputs) -> None:
        """On the worker thread: check, and hand the findings to the GUI thread."""
        findings: list[Finding] | None
        try:
            findings, problem = run_check(inputs), ""
        except Exception as exc:  # a closed plan or a bug: the window must not go down
            log.exception("Checking %s failed", inputs.store.path)
            findings, problem = None, " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        try:
            self._gui.post(lambda: self._done(number, inputs, findings, problem))
        except RuntimeError:
            pass  # the window closed meanwhile: nobody waits for the findings

    def _done(
        self, number: int, inputs: CheckInputs, findings: list[Finding] | None, problem: str
    ) -> None:
        self._busy = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._start(*waiting)  # asked again meanwhile: these findings are out of date
        elif number != self._asked:
            return  # a notice came after the check began; its settle timer asks again
        elif findings is None:
            self.failed.emit(problem)
        else:
            self.checked.emit(inputs, findings)
