"""Gantry's own workbook: every table of a plan (or of one release) as a sheet, plus a Timeline.

Two steps, as with the printed chart. `workbook_data` copies what the sheets show out of the
open plan (the plan state's rows and schedule, and plain SELECTs in a read session for the
tables the state does not hold) on the thread that owns the plan; `write_workbook` then
writes those plain rows on any thread. References are written as identities (a release's
name, an item's key), so the importer can read the workbook back into an empty plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from app import risk_matrix
from app.errors import ValidationError
from app.metrics import Measures, MetricsReport, Period, metrics
from app.plan import Plan
from app.plan_data import ReleaseRow
from app.plan_settings import SETTING_FIELDS, PlanSettings, encode
from app.spreadsheet import columns as cols
from app.spreadsheet.columns import SheetSpec
from app.spreadsheet.timeline_sheet import TimelineData, timeline_data, write_timeline
from app.spreadsheet.workbook_style import cell_writer, header_cells, prepare_sheet
from models import (
    Approval,
    Baseline,
    BaselineDate,
    CalendarEntry,
    ChangeEnvironment,
    ChangeRequest,
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Component,
    ComponentDependency,
    ComponentVersion,
    Deployment,
    Environment,
    GoNoGoDecision,
    Release,
    ReleaseNote,
    Risk,
    Runbook,
    RunbookStep,
    ScopeException,
    WorkItem,
)

# (rows written, rows in all); the Timeline's rows count too.
Progress = Callable[[int, int], None]
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class SheetRows:
    spec: SheetSpec
    rows: list[Row]  # stored values in the order of spec.columns


@dataclass(frozen=True, slots=True)
class WorkbookData:
    """Everything the workbook shows, as plain values (safe to write on any thread)."""

    plan: str
    release: ReleaseRow | None  # None: the whole plan
    sheets: list[SheetRows]
    timeline: TimelineData

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets) + self.timeline.rows

    def describe(self) -> str:
        """One line saying what was written, for the command line and the status bar."""
        scope = f"release {self.release.name}" if self.release else "the whole plan"
        items = next(len(s.rows) for s in self.sheets if s.spec is cols.WORK_ITEMS)
        sheets = len(self.sheets) + 1
        return f"{scope}, {items:,} work item{'s' if items != 1 else ''}, {sheets} sheets"


def workbook_data(plan: Plan, release: str | None, today: dt.date) -> WorkbookData:
    """What the workbook of the whole plan, or of one release (name or version), shows.

    Reads the plan state, so call it on the thread that owns the plan; ``today`` marks the
    Timeline's today column.
    """
    releases = [plan.releases.find(release)] if release else plan.releases.rows()
    chosen = releases[0] if release else None
    release_ids = {r.id for r in releases}
    state = plan.state
    items = [item for r in releases for item in plan.work_items.rows(r.id)]
    item_ids = {item.id for item in items}
    names = {r.id: r.name for r in plan.releases.rows()}

    with plan.store.read() as session:
        components: dict[int, str] = {
            item_id: name
            for item_id, name in session.execute(
                select(WorkItem.id, Component.name).join(
                    Component, WorkItem.component_id == Component.id
                )
            )
        }
        reader = _TableReader(session, release_ids if chosen else None)
        tables = reader.sheets()

    release_rows = [
        (
            r.name,
            r.version,
            r.status,
            r.owner,
            r.start_date,
            r.feature_freeze,
            r.code_freeze,
            r.target_date,
            r.actual_date,
            r.description,
            r.finish,
            r.late_by,
        )
        for r in releases
    ]
    item_rows = [
        (
            i.key,
            names[i.release_id],
            state.items[i.parent_id].key if i.parent_id is not None else None,
            i.depth + 1,
            i.kind,
            i.name,
            i.duration,
            i.not_before,
            i.owner,
            i.status,
            i.percent_complete,
            i.actual_start,
            i.actual_finish,
            i.start,
            i.finish,
            i.total_slack,
            i.free_slack,
            i.critical,
            i.predecessors,
            components.get(i.id),
            i.notes,
        )
        for i in items
    ]
    link_rows = [
        (
            state.items[link.predecessor_id].key,
            state.items[link.successor_id].key,
            link.type,
            link.lag,
        )
        for item_id in item_ids
        for link_id in state.preds.get(item_id, ())
        for link in (state.links[link_id],)
    ]
    link_rows.sort(key=lambda row: (row[1], row[0]))
    sheets = [
        SheetRows(cols.RELEASES, release_rows),
        SheetRows(cols.WORK_ITEMS, item_rows),
        SheetRows(cols.DEPENDENCIES, link_rows),
        *tables,
        SheetRows(cols.TRAINS, train_rows(plan, release_ids if chosen else None, names)),
        SheetRows(cols.METRICS, metrics_rows(metrics(plan, today, release))),
        SheetRows(cols.PLAN, plan_rows(state.settings)),
    ]
    sheets.sort(key=lambda s: cols.SHEETS.index(s.spec))  # the workbook's order of sheets
    windows = plan.calendar.rows()
    timeline = timeline_data(
        releases,
        [[item for item in items if item.release_id == r.id] for r in releases],
        windows=[w for w in windows if w.kind != "holiday" or w.environment_id is None],
        workdays=state.settings.work_week,
        holidays=state.holidays,
        today=today,
    )
    return WorkbookData(state.settings.name or plan.path.stem, chosen, sheets, timeline)


def train_rows(plan: Plan, release_ids: set[int] | None, names: dict[int, str]) -> list[Row]:
    """The Trains sheet: each train's cadence, template and releases (with a release chosen,
    only its train)."""
    return [
        (
            train.name,
            train.cadence.label,
            train.anchor,
            train.template.describe(),
            "; ".join(names[r] for r in train.release_ids),
        )
        for train in plan.trains.rows()
        if release_ids is None or release_ids & set(train.release_ids)
    ]


def metrics_rows(report: MetricsReport) -> list[Row]:
    """The Metrics sheet: the period's measures (plan or release), each release's, each month's."""

    def row(
        scope: str,
        name: str,
        period: Period,
        m: Measures,
        variance: int | None = None,
        baseline: str | None = None,
    ) -> Row:
        return (
            scope,
            name,
            period.first,
            period.last,
            m.deployments,
            m.succeeded,
            m.failed,
            m.rolled_back,
            m.deployment_frequency,
            m.lead_time_days,
            m.change_failure_rate,
            m.time_to_restore_hours,
            m.rollback_frequency,
            variance,
            baseline,
        )

    period = report.period
    chosen = report.releases[0].name if len(report.releases) == 1 else "All releases"
    rows = [row("Period", chosen, period, report.plan)]
    rows += [
        row("Release", r.name, period, r.measures, r.schedule_variance, r.baseline)
        for r in report.releases
    ]
    rows += [row("Month", m.month.strftime("%Y-%m"), m.period, m.measures) for m in report.months]
    return rows


def plan_rows(settings: PlanSettings) -> list[Row]:
    """The Plan sheet: a row per setting a plan carries over (key, label, value as stored)."""
    return [
        (key, SETTING_FIELDS[key].label, encode(key, settings.values[key]))
        for key in cols.PLAN_SETTINGS
    ]


class _TableReader:
    """The tables the plan state does not hold, read with plain SELECTs in one read session.

    ``releases`` limits every release-bound table to those releases (None: the whole plan,
    with templates and plan-wide risks).
    """

    def __init__(self, session: Session, releases: set[int] | None) -> None:
        self._session = session
        self._releases = releases

    def _rows(self, query: Select[Any]) -> list[Row]:
        return [tuple(row) for row in self._session.execute(query)]

    def _in_release(self, query: Select[Any], column: Any) -> Select[Any]:
        return query if self._releases is None else query.where(column.in_(self._releases))

    def sheets(self) -> list[SheetRows]:
        return [
            SheetRows(cols.BASELINES, self.baselines()),
            SheetRows(cols.CHECKLISTS, self.checklists()),
            SheetRows(cols.DECISIONS_SHEET, self.decisions()),
            SheetRows(cols.RUNBOOK_STEPS, self.runbook_steps()),
            SheetRows(cols.CHANGES, self.changes()),
            SheetRows(cols.APPROVALS, self.approvals()),
            SheetRows(cols.SCOPE_EXCEPTIONS, self.scope_exceptions()),
            SheetRows(cols.RISKS, self.risks()),
            SheetRows(cols.ENVIRONMENTS, self.environments()),
            SheetRows(cols.DEPLOYMENTS, self.deployments()),
            SheetRows(cols.CALENDAR, self.calendar()),
            SheetRows(cols.COMPONENTS, self.components()),
            SheetRows(cols.COMPONENT_VERSIONS_SHEET, self.component_versions()),
            SheetRows(cols.COMPONENT_DEPENDENCIES_SHEET, self.component_dependencies()),
            SheetRows(cols.RELEASE_NOTES, self.release_notes()),
        ]

    def baselines(self) -> list[Row]:
        # One row per item of each named baseline, the baseline's columns repeated; a
        # baseline left without items (they were deleted) still gets a row.
        query = (
            select(
                Release.name,
                Baseline.name,
                Baseline.created_at,
                WorkItem.key,
                BaselineDate.start,
                BaselineDate.finish,
            )
            .select_from(Baseline)
            .join(Release, Baseline.release_id == Release.id)
            .outerjoin(BaselineDate, BaselineDate.baseline_id == Baseline.id)
            .outerjoin(WorkItem, BaselineDate.item_id == WorkItem.id)
            .order_by(Release.position, Release.id, Baseline.created_at, Baseline.id, WorkItem.key)
        )
        return self._rows(self._in_release(query, Baseline.release_id))

    def checklists(self) -> list[Row]:
        # One row per checklist item, the checklist's columns repeated; an empty checklist
        # still gets a row, so it is not lost on the way back.
        query = (
            select(
                Release.name,
                Checklist.name,
                Checklist.kind,
                Checklist.is_template,
                ChecklistSection.name,
                ChecklistItem.position,
                ChecklistItem.text,
                ChecklistItem.owner_role,
                ChecklistItem.owner,
                ChecklistItem.requirement,
                ChecklistItem.due_offset,
                ChecklistItem.due_milestone,
                ChecklistItem.status,
                ChecklistItem.evidence_kind,
                ChecklistItem.evidence,
                ChecklistItem.checked_by,
                ChecklistItem.checked_at,
                ChecklistItem.comment,
            )
            .select_from(Checklist)
            .outerjoin(Release, Checklist.release_id == Release.id)
            .outerjoin(ChecklistSection, ChecklistSection.checklist_id == Checklist.id)
            .outerjoin(ChecklistItem, ChecklistItem.section_id == ChecklistSection.id)
            .order_by(
                Checklist.release_id.is_not(None),
                Checklist.id,
                ChecklistSection.position,
                ChecklistItem.position,
            )
        )
        return self._rows(self._in_release(query, Checklist.release_id))

    def decisions(self) -> list[Row]:
        query = (
            select(
                Release.name,
                Checklist.name,
                GoNoGoDecision.decision,
                GoNoGoDecision.person,
                GoNoGoDecision.role,
                GoNoGoDecision.decided_at,
                GoNoGoDecision.reason,
            )
            .select_from(GoNoGoDecision)
            .join(Release, GoNoGoDecision.release_id == Release.id)
            .join(Checklist, GoNoGoDecision.checklist_id == Checklist.id)
            .order_by(GoNoGoDecision.decided_at, GoNoGoDecision.id)
        )
        return self._rows(self._in_release(query, GoNoGoDecision.release_id))

    def runbook_steps(self) -> list[Row]:
        query = (
            select(
                Release.name,
                Runbook.name,
                Environment.name,
                RunbookStep.section,
                RunbookStep.position,
                RunbookStep.title,
                RunbookStep.owner_role,
                RunbookStep.duration_minutes,
                RunbookStep.instructions,
                RunbookStep.verification,
                RunbookStep.rollback,
                RunbookStep.start_offset,
                RunbookStep.start_clock,
                RunbookStep.point_of_no_return,
                RunbookStep.migration_part,
            )
            .select_from(Runbook)
            .join(Release, Runbook.release_id == Release.id)
            .outerjoin(Environment, Runbook.environment_id == Environment.id)
            .outerjoin(RunbookStep, RunbookStep.runbook_id == Runbook.id)
            .order_by(Release.position, Runbook.id, RunbookStep.position)
        )
        return self._rows(self._in_release(query, Runbook.release_id))

    def changes(self) -> list[Row]:
        query = (
            select(
                ChangeRequest.id,
                ChangeRequest.key,
                Release.name,
                ChangeRequest.title,
                ChangeRequest.description,
                ChangeRequest.category,
                ChangeRequest.status,
                ChangeRequest.requested_by,
                ChangeRequest.window_start,
                ChangeRequest.window_end,
            )
            .join(Release, ChangeRequest.release_id == Release.id)
            .order_by(Release.position, ChangeRequest.key)
        )
        environments: dict[int, list[str]] = {}
        for change_id, name in self._session.execute(
            select(ChangeEnvironment.change_request_id, Environment.name)
            .join(Environment, ChangeEnvironment.environment_id == Environment.id)
            .order_by(Environment.position)
        ):
            environments.setdefault(change_id, []).append(name)
        levels: dict[int, list[str]] = {}
        for change_id, likelihood, impact in self._session.execute(
            select(Risk.change_request_id, Risk.likelihood, Risk.impact).where(
                Risk.change_request_id.is_not(None)
            )
        ):
            levels.setdefault(change_id, []).append(risk_matrix.level(likelihood, impact))
        # The risk level and environments sit where the change's sheet has always had them.
        return [
            (
                *row[1:7],
                risk_matrix.highest(levels.get(row[0], ())),
                row[7],
                "; ".join(environments.get(row[0], ())),
                *row[8:],
            )
            for row in self._rows(self._in_release(query, ChangeRequest.release_id))
        ]

    def approvals(self) -> list[Row]:
        query = (
            select(
                ChangeRequest.key,
                Approval.approver,
                Approval.role,
                Approval.decision,
                Approval.meaning,
                Approval.decided_at,
                Approval.comment,
                Approval.after_the_fact,
            )
            .join(ChangeRequest, Approval.change_request_id == ChangeRequest.id)
            .order_by(ChangeRequest.key, Approval.id)
        )
        return self._rows(self._in_release(query, ChangeRequest.release_id))

    def scope_exceptions(self) -> list[Row]:
        query = (
            select(
                Release.name,
                ScopeException.item_key,
                ChangeRequest.key,
                ScopeException.kind,
                ScopeException.old_duration,
                ScopeException.new_duration,
                ScopeException.day,
            )
            .join(Release, ScopeException.release_id == Release.id)
            .join(ChangeRequest, ScopeException.change_request_id == ChangeRequest.id)
            .order_by(ScopeException.day, ScopeException.id)
        )
        return self._rows(self._in_release(query, ScopeException.release_id))

    def risks(self) -> list[Row]:
        query = (
            select(
                Risk.key,
                Release.name,
                ChangeRequest.key,
                Risk.title,
                Risk.likelihood,
                Risk.impact,
                Risk.residual_likelihood,
                Risk.residual_impact,
                Risk.mitigation,
                Risk.owner,
                Risk.status,
            )
            .outerjoin(Release, Risk.release_id == Release.id)
            .outerjoin(ChangeRequest, Risk.change_request_id == ChangeRequest.id)
            .order_by(Risk.key)
        )
        return self._rows(self._in_release(query, Risk.release_id))

    def environments(self) -> list[Row]:
        query = select(
            Environment.name, Environment.tier, Environment.position, Environment.description
        ).order_by(Environment.position, Environment.name)
        return self._rows(query)

    def deployments(self) -> list[Row]:
        query = (
            select(
                Release.name,
                Environment.name,
                Deployment.window_start,
                Deployment.window_end,
                Deployment.outcome,
                Deployment.duration_minutes,
                Deployment.rolled_back,
                Deployment.deployed_by,
                Deployment.notes,
            )
            .join(Release, Deployment.release_id == Release.id)
            .join(Environment, Deployment.environment_id == Environment.id)
            .order_by(Deployment.window_start, Deployment.id)
        )
        return self._rows(self._in_release(query, Deployment.release_id))

    def calendar(self) -> list[Row]:
        query = (
            select(
                CalendarEntry.kind,
                CalendarEntry.name,
                CalendarEntry.start_date,
                CalendarEntry.end_date,
                Environment.name,
                CalendarEntry.start_time,
                CalendarEntry.end_time,
                CalendarEntry.recurrence,
                CalendarEntry.weekdays,
                CalendarEntry.month_week,
                CalendarEntry.time_zone,
            )
            .outerjoin(Environment, CalendarEntry.environment_id == Environment.id)
            .order_by(CalendarEntry.start_date, CalendarEntry.kind, CalendarEntry.id)
        )
        return self._rows(query)

    def components(self) -> list[Row]:
        query = select(*(getattr(Component, c.name) for c in cols.COMPONENTS.columns)).order_by(
            Component.name
        )
        return self._rows(query)

    def component_versions(self) -> list[Row]:
        query = (
            select(
                Component.name,
                Release.name,
                ComponentVersion.version,
                ComponentVersion.risk,
                ComponentVersion.notes,
            )
            .join(Component, ComponentVersion.component_id == Component.id)
            .join(Release, ComponentVersion.release_id == Release.id)
            .order_by(Release.position, Release.id, Component.name)
        )
        return self._rows(self._in_release(query, ComponentVersion.release_id))

    def component_dependencies(self) -> list[Row]:
        needed = aliased(Component)
        query = (
            select(Component.name, needed.name, ComponentDependency.version_constraint)
            .join(Component, ComponentDependency.component_id == Component.id)
            .join(needed, ComponentDependency.depends_on_id == needed.id)
            .order_by(Component.name, needed.name)
        )
        return self._rows(query)

    def release_notes(self) -> list[Row]:
        query = (
            select(
                Release.name,
                ReleaseNote.position,
                ReleaseNote.category,
                ReleaseNote.audience,
                ReleaseNote.title,
                ReleaseNote.body,
                WorkItem.key,
            )
            .join(Release, ReleaseNote.release_id == Release.id)
            .outerjoin(WorkItem, ReleaseNote.work_item_id == WorkItem.id)
            .order_by(Release.position, Release.id, ReleaseNote.position, ReleaseNote.id)
        )
        return self._rows(self._in_release(query, ReleaseNote.release_id))


def write_workbook(data: WorkbookData, out: Path, progress: Progress | None = None) -> Path:
    """Write the workbook to ``out`` (.xlsx); returns the path written.

    The file appears whole or not at all: it is written beside ``out`` and moved into place.
    """
    export_path(out)
    book = Workbook(write_only=True)
    book.properties.title = data.plan
    book.properties.creator = "Gantry"
    total, done = data.rows, 0
    step = max(1, total // 200)
    for sheet_rows in data.sheets:
        spec = sheet_rows.spec
        sheet = book.create_sheet(spec.title)
        prepare_sheet(sheet, spec.columns, len(sheet_rows.rows))
        sheet.append(header_cells(sheet, spec.columns))
        writers = [cell_writer(sheet, column) for column in spec.columns]
        for row in sheet_rows.rows:
            sheet.append([write(value) for write, value in zip(writers, row, strict=True)])
            done += 1
            if progress is not None and done % step == 0:
                progress(done, total)
    write_timeline(book, data.timeline, _offset(progress, done, total))
    partial = out.with_name(f".{out.name}.partial")
    try:
        book.save(partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(total, total)
    return out


def _offset(progress: Progress | None, done: int, total: int) -> Progress | None:
    if progress is None:
        return None
    return lambda rows, _rows: progress(done + rows, total)


def export_path(out: Path) -> Path:
    """``out`` if it names a workbook Gantry writes, else ValidationError saying why not."""
    if out.suffix.lower() != ".xlsx":
        raise ValidationError(f"{out.name}: a workbook is written as .xlsx, not '{out.suffix}'.")
    return out


def export_workbook(
    plan: Plan,
    out: Path,
    release: str | None,
    today: dt.date,
    progress: Progress | None = None,
) -> WorkbookData:
    """Read and write in one call (the command line); returns what was written."""
    export_path(out)
    data = workbook_data(plan, release, today)
    write_workbook(data, out, progress)
    return data
