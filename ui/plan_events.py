"""The one bridge from PlanService's Qt-free change listeners to a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.plan_service import PlanChange, PlanService


class PlanEvents(QObject):
    """Re-emits every PlanChange of one service as `changed` (queued if from another thread)."""

    changed = Signal(object)  # PlanChange

    def __init__(self, service: PlanService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service: PlanService | None = service
        service.listeners.append(self._relay)

    def _relay(self, change: PlanChange) -> None:
        self.changed.emit(change)

    def detach(self) -> None:
        """Stop listening (the plan is being closed)."""
        if self._service is not None and self._relay in self._service.listeners:
            self._service.listeners.remove(self._relay)
        self._service = None
