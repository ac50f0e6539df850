"""Verifying a plan's audit trail in the background once it is open, to warn, not to block."""

from __future__ import annotations

import json
import logging
import subprocess
import threading

from PySide6.QtCore import QObject, Signal

from app.audit import AuditReport
from app.plan import Plan
from app.processes import child_environment, python_argv

log = logging.getLogger(__name__)

# The same check as `gantry audit verify PLAN --format json`, in a process of its own: it is
# seconds of Python at 100,000 items, which in a thread of the window's process would take
# the interpreter from the UI thread every few milliseconds.
_VERIFY = "import sys; from app.cli import run; sys.exit(run(sys.argv[1:]))"


class AuditCheck(QObject):
    """Verifies a plan's trail in a child process (reading a copy it takes of the file);
    `checked` carries the plan and the report to the GUI thread."""

    checked = Signal(object, object)  # Plan, AuditReport

    def start(self, plan: Plan) -> None:
        threading.Thread(
            target=self._run, args=(plan,), name="gantry-audit-check", daemon=True
        ).start()

    def _run(self, plan: Plan) -> None:
        command = python_argv("-c", _VERIFY, "audit", "verify", str(plan.path), "--format", "json")
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                encoding="utf-8",
                check=False,
                env=child_environment(),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            report = _unchecked(str(exc))
        else:
            try:
                found = json.loads(done.stdout)
                report = AuditReport(found["events"], found["head"], list(found["problems"]))
            except (ValueError, KeyError, TypeError):
                said = " ".join(done.stderr.split())[:300] or f"exit code {done.returncode}"
                report = _unchecked(said)
        try:
            self.checked.emit(plan, report)
        except RuntimeError:  # the window went away meanwhile
            pass


def _unchecked(why: str) -> AuditReport:
    log.warning("The audit trail could not be checked: %s", why)
    return AuditReport(0, "", [f"The audit trail could not be checked ({why})."])
