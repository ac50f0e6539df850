"""SQLAlchemy models of a Gantry plan: one SQLite file holds one plan."""

from models.audit import AuditEvent
from models.base import Base
from models.baselines import Baseline, BaselineDate
from models.calendar import CalendarEntry
from models.changes import (
    Approval,
    ApprovalRule,
    Approver,
    ChangeComponent,
    ChangeEnvironment,
    ChangeRequest,
)
from models.checklists import Checklist, ChecklistItem, ChecklistSection, GoNoGoDecision
from models.communications import Communication
from models.components import Component, ComponentDependency, ComponentVersion
from models.environments import Deployment, Environment
from models.notes import ReleaseNote
from models.plan import PlanSetting
from models.release import Release
from models.risks import Risk, RiskMitigation
from models.runbooks import Runbook, RunbookRun, RunbookStep, RunbookStepLink, RunStepExecution
from models.signatures import DocumentSignature
from models.trains import ScopeException, Train
from models.work import Dependency, WorkItem

__all__ = [
    "Approval",
    "ApprovalRule",
    "Approver",
    "AuditEvent",
    "Base",
    "Baseline",
    "BaselineDate",
    "CalendarEntry",
    "ChangeComponent",
    "ChangeEnvironment",
    "ChangeRequest",
    "Checklist",
    "ChecklistItem",
    "ChecklistSection",
    "Communication",
    "Component",
    "ComponentDependency",
    "ComponentVersion",
    "Dependency",
    "DocumentSignature",
    "Deployment",
    "Environment",
    "GoNoGoDecision",
    "PlanSetting",
    "Release",
    "ReleaseNote",
    "Risk",
    "RiskMitigation",
    "Runbook",
    "RunbookRun",
    "RunbookStep",
    "RunbookStepLink",
    "RunStepExecution",
    "ScopeException",
    "Train",
    "WorkItem",
]
