"""The main window's status bar: plan path, counts, lock holder, late releases, problems."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget

from app.plan_data import PlanSummary
from ui.resources import icon


class _IconLabel(QWidget):
    """An icon followed by text, hidden while it has nothing to say."""

    def __init__(self, icon_name: str, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        self.icon = QLabel()
        self.icon.setPixmap(icon(icon_name).pixmap(14, 14))
        self.label = QLabel()
        layout.addWidget(self.icon)
        layout.addWidget(self.label)
        self.setVisible(False)

    def set_text(self, text: str, tooltip: str = "") -> None:
        self.label.setText(text)
        self.setToolTip(tooltip or text)
        self.setVisible(bool(text))


class PlanStatusBar(QStatusBar):
    """Permanent plan facts on the status bar; transient messages still show on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_label = QLabel()
        self.path_label.setObjectName("planPath")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("planCounts")
        self.read_only = _IconLabel("lock", "readOnly")
        self.read_only.label.setStyleSheet("color: #92400e; font-weight: 600")
        self.late = _IconLabel("warning", "lateReleases")
        self.late.label.setStyleSheet("color: #b91c1c; font-weight: 600")
        self.problems = _IconLabel("warning", "planProblems")
        self.problems.label.setStyleSheet("color: #b91c1c; font-weight: 600")
        self.audit = _IconLabel("warning", "auditProblems")
        self.audit.label.setStyleSheet("color: #b91c1c; font-weight: 600")
        # A badge with the number of `gantry check` findings; clicking it opens the dock.
        self.conflicts = QToolButton()
        self.conflicts.setObjectName("conflictBadge")
        self.conflicts.setIcon(icon("warning"))
        self.conflicts.setAutoRaise(True)
        self.conflicts.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.conflicts.setStyleSheet("color: #b91c1c; font-weight: 600")
        self.conflicts.setToolTip("Show the Conflicts list (View › Conflicts)")
        self.conflicts.setVisible(False)
        self.scheduling = QLabel()
        self.scheduling.setObjectName("scheduling")
        self.scheduling.setStyleSheet("color: #6b7280")
        self.addWidget(self.path_label, 1)
        self.addPermanentWidget(self.scheduling)
        self.addPermanentWidget(self.problems)
        self.addPermanentWidget(self.conflicts)
        self.addPermanentWidget(self.audit)
        self.addPermanentWidget(self.late)
        self.addPermanentWidget(self.read_only)
        self.addPermanentWidget(self.counts_label)
        self.show_summary(None)

    def show_summary(self, summary: PlanSummary | None) -> None:
        if summary is None:
            self.path_label.setText("No plan open")
            self.path_label.setToolTip("")
            self.counts_label.setText("")
            self.read_only.set_text("")
            self.late.set_text("")
            self.problems.set_text("")
            self.audit.set_text("")
            self.scheduling.setText("")
            return
        self.path_label.setText(summary.path)
        self.path_label.setToolTip(f"Plan file: {summary.path}")
        self.counts_label.setText(
            f"{summary.releases:,} releases · {summary.items:,} items · {summary.links:,} links"
        )
        if summary.read_only:
            self.read_only.set_text(
                f"read-only — {summary.read_only_reason}",
                "Another Gantry holds this plan; you can read it but not change it."
                if summary.locked_by
                else "You can read this plan but not change it.",
            )
        else:
            self.read_only.set_text("")
        problems = summary.problems
        if problems:
            text = problems[0] if len(problems) == 1 else f"{len(problems)} problems in the plan"
            self.problems.set_text(text, "\n".join(problems))
        else:
            self.problems.set_text("")
        self.scheduling.setText("Rescheduling…" if summary.scheduling else "")
        late = summary.late_releases
        if late:
            text = late[0] if len(late) == 1 else f"{len(late)} releases are late"
            self.late.set_text(text, "\n".join(late))
        else:
            self.late.set_text("")

    def show_conflicts(self, count: int) -> None:
        self.conflicts.setText(f"{count} conflict{'s' if count != 1 else ''}")
        self.conflicts.setVisible(count > 0)

    def read_only_text(self) -> str:
        return self.read_only.label.text() if not self.read_only.isHidden() else ""

    def show_audit(self, problems: list[str]) -> None:
        """Warn that the audit trail does not verify; work goes on (the trail keeps growing)."""
        if not problems:
            self.audit.set_text("")
            return
        text = (
            "Audit trail broken" if len(problems) == 1 else f"Audit trail: {len(problems)} problems"
        )
        details = "\n".join(problems[:20]) + ("\n…" if len(problems) > 20 else "")
        self.audit.set_text(
            text,
            f"{details}\n\nGantry keeps recording every change. File › Verify Audit Trail… "
            "shows the whole report.",
        )

    def audit_text(self) -> str:
        return self.audit.label.text() if not self.audit.isHidden() else ""
