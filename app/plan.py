"""One open plan: its store, the unit of work, the in-memory state and the domain services.

The CLI and the window both work through a Plan; main.py and the window build it, nothing
else does (no globals). Each domain service is a module of its own on the unit of work.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from app import audit
from app.baselines import BaselineService
from app.calendar_entries import CALENDAR_ENTRIES
from app.changes import APPROVAL_RULES, ChangeService
from app.checklists import ChecklistService
from app.communications import CommunicationService
from app.components import COMPONENT_DEPENDENCIES, COMPONENT_VERSIONS, COMPONENTS
from app.environments import DEPLOYMENTS, ENVIRONMENTS
from app.errors import PlanOpenError, ValidationError
from app.fields import FieldSet
from app.links import LinkSpec
from app.plan_data import PlanSummary
from app.plan_settings import SETTING_FIELDS, PlanSettings, write_setting
from app.plan_state import PlanState, Progress, StateService
from app.records import RecordService
from app.release_notes import NoteService
from app.release_train import ReleaseTrain
from app.releases import ReleaseService
from app.risks import MitigationService, RiskService
from app.runbooks import RunbookService
from app.schedule_runs import Scheduler
from app.store import PLAN_SUFFIX, PlanStore
from app.trains import TrainService
from app.unit_of_work import UnitOfWork
from app.work_calendar import WorkingCalendarService
from app.work_items import WorkItemService

PLAN_RECORD = 0  # the plan settings are one record; this is its id for generic editors


class PlanSettingsService(StateService):
    """The plan's settings as one record whose fields are the registry's settings."""

    fields: FieldSet = SETTING_FIELDS

    def values(self) -> PlanSettings:
        return self._state.settings

    def row(self, _record_id: int = PLAN_RECORD) -> PlanSettings:
        return self._state.settings

    def label(self, _record_id: int = PLAN_RECORD) -> str:
        return "plan settings"

    def update(self, _record_id: int, name: str, value: Any, reason: str = "") -> Any:
        """Set one setting; returns the old value (what undo puts back)."""
        field = self.fields.editable(name)
        blocked = field.why_not_editable(self._state.settings)
        if blocked:
            raise ValidationError(f"Plan settings: {blocked}")
        value = field.coerce(value, "Plan settings")
        old = self._state.settings.values[name]
        self._uow.run(reason, lambda session: write_setting(session, name, value))
        return old


class Plan:
    """An open plan. Edits go through `uow` via the services; reads come from `state`."""

    def __init__(self, store: PlanStore, scheduler: Scheduler | None = None) -> None:
        self.store = store
        self.state = PlanState(store, scheduler)
        self.uow = UnitOfWork(store, self.state)
        self.state.publish = self.uow.publish
        self.work_items = WorkItemService(self.state, self.uow)
        self.scope = self.work_items.scope
        self.releases = ReleaseService(self.state, self.uow)
        self.settings = PlanSettingsService(self.state, self.uow)
        self.calendar = RecordService(self.uow, CALENDAR_ENTRIES)
        self.environments = RecordService(self.uow, ENVIRONMENTS)
        self.deployments = RecordService(self.uow, DEPLOYMENTS)
        self.components = RecordService(self.uow, COMPONENTS)
        self.component_versions = RecordService(self.uow, COMPONENT_VERSIONS)
        self.component_dependencies = RecordService(self.uow, COMPONENT_DEPENDENCIES)
        self.work_calendar = WorkingCalendarService(self.state, self.uow)
        self.train = ReleaseTrain(self.state, self.uow, self.calendar)
        self.baselines = BaselineService(self.state, self.uow)
        self.runbooks = RunbookService(self.uow)
        self.checklists = ChecklistService(self.state, self.uow)
        self.releases.holds.append(self.checklists.release_holds)
        self.changes = ChangeService(self.uow)
        self.risks = RiskService(self.uow)
        self.mitigations = MitigationService(self.uow)
        self.approval_rules = RecordService(self.uow, APPROVAL_RULES)
        self.releases.holds.append(self.changes.release_holds)
        self.trains = TrainService(self.state, self.uow, self.checklists, self.runbooks)
        self.notes = NoteService(self.state, self.uow)
        self.communications = CommunicationService(self.state, self.uow)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        create: bool = False,
        scheduler: Scheduler | None = None,
        progress: Progress | None = None,
        actor: str | None = None,
        schedule: bool = True,
    ) -> Plan:
        """Open (or create) a plan file and read it; the schedule follows via `scheduler`
        (inline by default), which the plan owns from here on. `schedule=False` leaves it
        to the first edit (an import that may be refused must not write derived dates)."""
        store = PlanStore.open(path, read_only=read_only, create=create, actor=actor)
        plan = cls(store, scheduler)
        try:
            plan.load(progress, schedule)
        except BaseException:
            plan.close()
            raise
        return plan

    def load(self, progress: Progress | None = None, schedule: bool = True) -> None:
        """Read the plan, then ask for its schedule (inline, or from the schedule process)."""
        with self.store.read() as session:
            self.state.load(session, progress)
        if schedule:
            self.state.request_schedule()

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def path(self) -> Path:
        return self.store.path

    def summary(self) -> PlanSummary:
        state = self.state
        late = [
            f"{row.name} is {row.late_by} working days late"
            for row in self.releases.rows()
            if row.late_by > 0
        ]
        return PlanSummary(
            path=str(self.store.path),
            read_only=self.store.read_only,
            locked_by=self.store.locked_by.describe() if self.store.locked_by else None,
            read_only_reason=self.store.read_only_reason if self.store.read_only else None,
            releases=len(state.releases),
            items=len(state.items),
            links=len(state.links),
            late_releases=late,
            problems=state.problems(),
            scheduling=state.scheduling,
        )

    def item_history(self, item_id: int, limit: int = 50) -> list[audit.HistoryEntry]:
        """Who changed this work item or its predecessors, when, how and why; newest first.

        A link's event reads as one "predecessor" change in MS Project form, e.g.
        ("predecessor", None, "ATL-44SS+2") for an added link.
        """
        with self.store.read() as session:
            entries = audit.item_history(session, item_id, limit)
        return [self._readable(e) if e.entity == "dependencies" else e for e in entries]

    def _readable(self, entry: audit.HistoryEntry) -> audit.HistoryEntry:
        # Link updates carry the whole link (Dependency.__audit_context__), creates and
        # deletes carry it on one side.
        before = {f: old for f, old, _new in entry.changes}
        after = {f: new for f, _old, new in entry.changes}

        def text(values: dict[str, Any]) -> str | None:
            pred = values.get("predecessor_id")
            if pred is None:
                return None
            record = self.state.items.get(pred)
            key = record.key if record else f"#{pred}"  # a predecessor deleted since
            return LinkSpec(key, values.get("type") or "FS", values.get("lag") or 0).text()

        return dataclasses.replace(entry, changes=[("predecessor", text(before), text(after))])

    def verify_audit(self) -> audit.AuditReport:
        """Recompute the audit chain and compare the data with it, on a copy of the plan
        (safe to run on any thread while the plan is being edited)."""
        with self.store.snapshot() as session:
            return audit.verify(session)

    def save_as(self, target: str | Path) -> Path:
        """Copy the plan to `target` and go on working on the copy, as desktop programs do.

        The plan open until now is closed (its lock released) and stays as it was.
        """
        target = Path(target)
        if target.suffix != PLAN_SUFFIX:
            raise ValidationError(f"A plan file name ends in {PLAN_SUFFIX}: {target}")
        # A run in hand may still be writing derived dates: let it finish first.
        self.state.scheduler.drain()
        written = self.store.save_as(target)
        copy = PlanStore.open(written, actor=self.store.actor)
        if copy.read_only:
            reason = copy.read_only_reason
            copy.close()
            raise PlanOpenError(f"{written} was written, but cannot be edited ({reason}).")
        old = self.store
        self.store = self.uow.store = copy
        self.state.retarget(copy)
        old.close()
        return written

    def close(self) -> None:
        self.state.close()
        self.train.close()
        self.calendar.close()
        self.environments.close()
        self.deployments.close()
        self.components.close()
        self.component_versions.close()
        self.component_dependencies.close()
        self.baselines.close()
        self.runbooks.close()
        self.checklists.close()
        for records in (self.changes, self.risks, self.mitigations, self.approval_rules):
            records.close()
        self.trains.close()
        self.notes.close()
        self.communications.close()
        self.store.close()
