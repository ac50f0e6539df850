"""SQLAlchemy models of a Gantry plan: one SQLite file holds one plan."""

from models.audit import AuditEvent
from models.base import Base
from models.baselines import Baseline, BaselineDate
from models.calendar import CalendarEntry
from models.changes import Approval, ChangeRequest
from models.checklists import Checklist, ChecklistItem, ChecklistSection, GoNoGoDecision
from models.communications import Communication
from models.components import Component, ComponentDependency, ComponentVersion
from models.environments import Deployment, Environment
from models.notes import ReleaseNote
from models.plan import PlanSetting
from models.release import Release
from models.risks import Risk
from models.runbooks import Runbook, RunbookRun, RunbookStep, RunbookStepLink, RunStepExecution
from models.work import Dependency, WorkItem

__all__ = [
    "Approval",
    "AuditEvent",
    "Base",
    "Baseline",
    "BaselineDate",
    "CalendarEntry",
    "ChangeRequest",
    "Checklist",
    "ChecklistItem",
    "ChecklistSection",
    "Communication",
    "Component",
    "ComponentDependency",
    "ComponentVersion",
    "Dependency",
    "Deployment",
    "Environment",
    "GoNoGoDecision",
    "PlanSetting",
    "Release",
    "ReleaseNote",
    "Risk",
    "Runbook",
    "RunbookRun",
    "RunbookStep",
    "RunbookStepLink",
    "RunStepExecution",
    "WorkItem",
]
