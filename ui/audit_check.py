"""Verifying a plan's audit trail in the background once it is open, to warn, not to block."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from app.audit import AuditReport
from app.errors import GantryError
from app.plan import Plan

log = logging.getLogger(__name__)


class AuditCheck(QObject):
    """Runs Plan.verify_audit on a thread of its own (it reads a private copy of the plan,
    so edits go on meanwhile); `checked` carries the plan and its report to the GUI thread."""

    checked = Signal(object, object)  # Plan, AuditReport

    def start(self, plan: Plan) -> None:
        threading.Thread(
            target=self._run, args=(plan,), name="gantry-audit-check", daemon=True
        ).start()

    def _run(self, plan: Plan) -> None:
        try:
            report = plan.verify_audit()
        except GantryError as exc:
            report = AuditReport(0, "", [str(exc)])
        except Exception as exc:  # a bug: log it, and say the trail could not be checked
            log.exception("Checking the audit trail of %s failed", plan.path)
            report = AuditReport(0, "", [f"The audit trail could not be checked ({exc})."])
        try:
            self.checked.emit(plan, report)
        except RuntimeError:  # the window went away meanwhile
            pass
