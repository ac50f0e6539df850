"""The bridge from a plan's Qt-free change notices and background results to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from app.plan import Plan


class PlanEvents(QObject):
    """Re-emits every ChangeNotice of one plan as `changed`; views connect to what they show."""

    changed = Signal(object)  # ChangeNotice

    def __init__(self, plan: Plan, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = plan.uow.subscribe(self.changed.emit)

    def detach(self) -> None:
        """Stop listening (the plan is being closed)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


class GuiThread(QObject):
    """Runs callables posted from any thread on the thread this object lives in.

    The schedule runs on a worker thread; its outcome must be applied where the plan state
    lives (the GUI thread), so the worker posts it here and Qt queues the call.
    """

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def post(self, call: Callable[[], None]) -> None:
        self._call.emit(call)

    @staticmethod
    def _run(call: Callable[[], None]) -> None:
        call()
