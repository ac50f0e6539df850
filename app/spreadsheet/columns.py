"""The sheets and columns of Gantry's own workbook, declared once for export and import.

Headers are the field labels of the record types where a table has them (WORK_ITEM_FIELDS,
RELEASE_FIELDS, the calendar entries); tables whose editors have not come yet are declared
here from their models. A reference to another record is written as that record's identity
(a release's name, an item's key, an environment's name), never as a database id, so the
importer can map every header back to a field through `SHEETS` and `Column.stored`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.calendar_entries import CALENDAR_ENTRIES
from app.components import COMPONENT_DEPENDENCIES, COMPONENT_VERSIONS
from app.components import COMPONENTS as COMPONENTS_RECORD
from app.fields import Field, FieldKind, FieldSet, choices
from app.releases import RELEASE_FIELDS
from app.work_items import WORK_ITEM_FIELDS
from models.changes import CHANGE_CATEGORIES, CHANGE_STATUSES, DECISIONS, RISK_LEVELS
from models.checklists import (
    CHECK_STATUSES,
    CHECKLIST_KINDS,
    DUE_MILESTONES,
    EVIDENCE_KINDS,
    REQUIREMENTS,
)
from models.checklists import DECISIONS as GO_NO_GO_DECISIONS
from models.environments import DEPLOYMENT_OUTCOMES, ENVIRONMENT_TIERS
from models.notes import NOTE_AUDIENCES, NOTE_CATEGORIES
from models.risks import RISK_STATUSES
from models.runbooks import MIGRATION_PARTS, STEP_SECTIONS
from models.trains import SCOPE_EXCEPTION_KINDS
from models.work import LINK_TYPES

Choices = tuple[tuple[str, str], ...]


class CellKind(StrEnum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"  # a time of day, a real time cell shown as HH:MM
    WEEKDAYS = "weekdays"  # a set of weekdays written as "Mon, Sat"
    DECIMAL = "decimal"  # a measure, two places
    PERCENT = "percent"  # a share from 0 to 1, shown as a percentage
    CHOICE = "choice"  # written as the choice's label, one of `Column.choices`
    BOOL = "bool"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the field it holds (`name`), its header, and how its cells are written."""

    name: str
    header: str
    kind: CellKind = CellKind.TEXT
    choices: Choices = ()  # (stored value, label) for CHOICE
    width: float = 14.0  # in characters of the default font
    computed: bool = False  # derived by Gantry: written for reading, ignored on import
    note: str = ""  # the header cell's comment

    def shown(self, stored: object) -> object:
        """The value as a cell shows it: a choice's label, anything else as stored."""
        if self.kind is not CellKind.CHOICE:
            return stored
        return next((label for value, label in self.choices if value == stored), stored)

    def stored(self, label: str) -> str | None:
        """The stored value of a choice's label (or of the stored value itself), any case."""
        wanted = label.strip().casefold()
        for value, shown in self.choices:
            if wanted in (value.casefold(), shown.casefold()):
                return value
        return None


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One sheet of the workbook: its title, the table it comes from, and its columns."""

    title: str
    entity: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, header: str) -> Column | None:
        """The column a header names (any case and surrounding space), if any."""
        wanted = header.strip().casefold()
        return next((c for c in self.columns if c.header.casefold() == wanted), None)


_KINDS = {
    FieldKind.TEXT: CellKind.TEXT,
    FieldKind.MULTILINE: CellKind.TEXT,
    FieldKind.INT: CellKind.INT,
    FieldKind.DATE: CellKind.DATE,
    FieldKind.CHOICE: CellKind.CHOICE,
    FieldKind.TIME: CellKind.TIME,
    FieldKind.WEEKDAYS: CellKind.WEEKDAYS,
}


def _from_field(field: Field, width: float) -> Column:
    note = field.tip + (f" ({field.unit})" if field.unit and field.unit != "%" else "")
    if field.computed:
        note = f"Computed by Gantry; ignored on import. {note}".strip()
    return Column(
        field.name,
        field.label,
        _KINDS.get(field.kind, CellKind.TEXT),
        field.choices,
        width,
        field.computed,
        note,
    )


def _fields(fields: FieldSet, widths: dict[str, float]) -> dict[str, Column]:
    return {f.name: _from_field(f, widths.get(f.name, 14.0)) for f in fields}


def _computed(column: Column) -> Column:
    """A stored field that Gantry derives in the workbook's terms (e.g. a release's finish)."""
    return Column(
        column.name,
        column.header,
        column.kind,
        column.choices,
        column.width,
        True,
        f"Computed by Gantry; ignored on import. {column.note}".strip(),
    )


def _ref(name: str, header: str, note: str, width: float = 16.0) -> Column:
    return Column(name, header, CellKind.TEXT, (), width, False, note)


def _choice(name: str, header: str, values: tuple[str, ...], width: float = 14.0) -> Column:
    return Column(name, header, CellKind.CHOICE, choices(values), width)


def _text(name: str, header: str, width: float = 14.0) -> Column:
    return Column(name, header, CellKind.TEXT, (), width)


_RELEASE = _ref("release", "Release", "The release's name", 18.0)
_WHEN = 17.0  # a date and time: 2026-11-30 14:05

_item = _fields(
    WORK_ITEM_FIELDS,
    {"key": 12, "name": 40, "owner": 16, "predecessors": 24, "notes": 40, "status": 13},
)
WORK_ITEMS = SheetSpec(
    "Work items",
    "work_items",
    (
        _item["key"],
        _RELEASE,
        _ref("parent_key", "Parent key", "The key of the phase holding this item", 12.0),
        Column(
            "outline_level",
            "Outline level",
            CellKind.INT,
            width=9.0,
            note="1 for a release's top-level items, 2 inside a phase, and so on",
        ),
        # Set when an item is made, so never edited, but the workbook carries it both ways.
        Column("kind", "Kind", CellKind.CHOICE, _item["kind"].choices, 11.0),
        _item["name"],
        _item["duration"],
        _item["not_before"],
        _item["owner"],
        _item["status"],
        _item["percent_complete"],
        _item["actual_start"],
        _item["actual_finish"],
        _item["start"],
        _item["finish"],
        _item["total_slack"],
        _item["free_slack"],
        Column(
            "critical",
            "Critical",
            CellKind.BOOL,
            width=9.0,
            computed=True,
            note="Computed by Gantry; ignored on import. On the critical path (no total slack)",
        ),
        _item["predecessors"],
        _ref("component", "Component", "The component's name"),
        _item["notes"],
    ),
)

_release = _fields(RELEASE_FIELDS, {"name": 18, "description": 40, "owner": 16})
RELEASES = SheetSpec(
    "Releases",
    "releases",
    (
        *_release.values(),
        _computed(Column("finish", "Finish", CellKind.DATE, note="Scheduled finish")),
        _computed(
            Column("late_by", "Late by", CellKind.INT, width=9.0, note="Working days past target")
        ),
    ),
)

DEPENDENCIES = SheetSpec(
    "Dependencies",
    "dependencies",
    (
        _ref("predecessor", "Predecessor", "The predecessor's key", 14.0),
        _ref("successor", "Successor", "The successor's key", 14.0),
        Column(
            "type",
            "Type",
            CellKind.CHOICE,
            tuple((t, t) for t in LINK_TYPES),
            8.0,
            note="FS finish-to-start, SS start-to-start, FF finish-to-finish, SF start-to-finish",
        ),
        Column("lag", "Lag", CellKind.INT, width=8.0, note="Working days; negative is a lead"),
    ),
)

BASELINES = SheetSpec(
    "Baselines",
    "baselines",
    (
        _RELEASE,
        _text("baseline", "Baseline", 22.0),
        Column(
            "created_at",
            "Set on",
            CellKind.DATETIME,
            width=_WHEN,
            note="When the baseline's dates were taken, in UTC",
        ),
        _ref("key", "Key", "The work item's key", 12.0),
        Column("start", "Baseline start", CellKind.DATE),
        Column("finish", "Baseline finish", CellKind.DATE),
    ),
)

CHECKLISTS = SheetSpec(
    "Checklists",
    "checklists",
    (
        _RELEASE,
        _text("checklist", "Checklist", 24.0),
        _choice("kind", "Kind", CHECKLIST_KINDS),
        Column("is_template", "Template", CellKind.BOOL, width=10.0),
        _text("section", "Section", 20.0),
        Column("position", "Position", CellKind.INT, width=9.0),
        _text("text", "Item", 40.0),
        _text("owner_role", "Owner role", 16.0),
        _text("owner", "Owner", 16.0),
        _choice("requirement", "Need", REQUIREMENTS, 11.0),
        Column("due_offset", "Due (working days)", CellKind.INT, width=11.0),
        _choice("due_milestone", "Due relative to", DUE_MILESTONES, 16.0),
        _choice("status", "Status", CHECK_STATUSES),
        _choice("evidence_kind", "Evidence kind", EVIDENCE_KINDS, 12.0),
        _text("evidence", "Evidence", 30.0),
        _text("checked_by", "Checked by", 16.0),
        Column("checked_at", "Checked at", CellKind.DATETIME, width=_WHEN),
        _text("comment", "Comment", 30.0),
    ),
)

DECISIONS_SHEET = SheetSpec(
    "Go-no-go decisions",
    "go_no_go_decisions",
    (
        _RELEASE,
        _text("checklist", "Checklist", 24.0),
        _choice("decision", "Decision", GO_NO_GO_DECISIONS, 18.0),
        _text("person", "Person", 18.0),
        _text("role", "Role", 18.0),
        Column("decided_at", "Decided at (UTC)", CellKind.DATETIME, width=_WHEN),
        _text("reason", "Reason", 40.0),
    ),
)

RUNBOOK_STEPS = SheetSpec(
    "Runbook steps",
    "runbook_steps",
    (
        _RELEASE,
        _text("runbook", "Runbook", 24.0),
        _ref("environment", "Environment", "The environment's name"),
        _choice("section", "Section", STEP_SECTIONS),
        Column("position", "Position", CellKind.INT, width=9.0),
        _text("title", "Title", 36.0),
        _text("owner_role", "Owner role", 16.0),
        Column("duration_minutes", "Duration (minutes)", CellKind.INT, width=10.0),
        _text("instructions", "Instructions", 40.0),
        _text("verification", "Verification", 30.0),
        _text("rollback", "Rollback", 30.0),
        Column("start_offset", "Not before T0+ (minutes)", CellKind.INT, width=10.0),
        _text("start_clock", "Not before (clock)", 10.0),
        Column("point_of_no_return", "Point of no return", CellKind.BOOL, width=10.0),
        _choice("migration_part", "Migration part", MIGRATION_PARTS),
    ),
)

CHANGES = SheetSpec(
    "Changes",
    "change_requests",
    (
        _text("key", "Key", 12.0),
        _RELEASE,
        _text("title", "Title", 36.0),
        _text("description", "Description", 40.0),
        _choice("category", "Category", CHANGE_CATEGORIES),
        _choice("status", "Status", CHANGE_STATUSES),
        _computed(_choice("risk_level", "Risk level", RISK_LEVELS)),
        _text("requested_by", "Requested by", 16.0),
        _ref("environments", "Environments", "The environments' names, separated by ;"),
        Column("window_start", "Window start", CellKind.DATETIME, width=_WHEN),
        Column("window_end", "Window end", CellKind.DATETIME, width=_WHEN),
    ),
)

APPROVALS = SheetSpec(
    "Approvals",
    "approvals",
    (
        _ref("change", "Change", "The change request's key", 12.0),
        _text("approver", "Approver", 18.0),
        _text("role", "Role", 18.0),
        _choice("decision", "Decision", DECISIONS),
        _text("meaning", "Meaning", 36.0),
        Column("decided_at", "Decided at (UTC)", CellKind.DATETIME, width=_WHEN),
        _text("comment", "Comment", 30.0),
        Column("after_the_fact", "After the fact", CellKind.BOOL, width=10.0),
    ),
)

TRAINS = SheetSpec(
    "Trains",
    "trains",
    (
        _text("name", "Name", 20.0),
        _text("cadence", "Cadence", 28.0),
        Column("anchor", "Anchor", CellKind.DATE, width=12.0, note="The first release day"),
        _text("template", "Release template", 48.0),
        _ref("releases", "Releases", "The train's releases by release day, separated by ;", 40.0),
    ),
)

SCOPE_EXCEPTIONS = SheetSpec(
    "Scope exceptions",
    "scope_exceptions",
    (
        _RELEASE,
        _ref("item", "Item", "The work item's key", 12.0),
        _ref("change", "Change", "The approved change request that let it in", 12.0),
        _choice("kind", "What", SCOPE_EXCEPTION_KINDS, 10.0),
        Column("old_duration", "Duration before", CellKind.INT, width=10.0),
        Column("new_duration", "Duration after", CellKind.INT, width=10.0),
        Column("day", "When", CellKind.DATE, width=12.0),
    ),
)

RISKS = SheetSpec(
    "Risks",
    "risks",
    (
        _text("key", "Key", 12.0),
        _ref(
            "release",
            "Release",
            "The release's name; empty for a change's or a plan-wide risk",
            18.0,
        ),
        _ref("change", "Change", "The change request's key, for a change's risk", 12.0),
        _text("title", "Title", 36.0),
        Column("likelihood", "Likelihood", CellKind.INT, width=10.0, note="1 (rare) to 5"),
        Column("impact", "Impact", CellKind.INT, width=10.0, note="1 (minor) to 5"),
        Column("residual_likelihood", "Residual likelihood", CellKind.INT, width=10.0),
        Column("residual_impact", "Residual impact", CellKind.INT, width=10.0),
        _text("mitigation", "Mitigation", 40.0),
        _text("owner", "Owner", 16.0),
        _choice("status", "Status", RISK_STATUSES),
    ),
)

ENVIRONMENTS = SheetSpec(
    "Environments",
    "environments",
    (
        _text("name", "Name", 18.0),
        _choice("tier", "Tier", ENVIRONMENT_TIERS),
        Column("position", "Position", CellKind.INT, width=9.0),
        _text("description", "Description", 40.0),
    ),
)

DEPLOYMENTS = SheetSpec(
    "Deployments",
    "deployments",
    (
        _RELEASE,
        _ref("environment", "Environment", "The environment's name"),
        Column("window_start", "Window start", CellKind.DATETIME, width=_WHEN),
        Column("window_end", "Window end", CellKind.DATETIME, width=_WHEN),
        _choice("outcome", "Outcome", DEPLOYMENT_OUTCOMES),
        Column("duration_minutes", "Duration (minutes)", CellKind.INT, width=10.0),
        Column("rolled_back", "Rolled back", CellKind.BOOL, width=10.0),
        _text("deployed_by", "Deployed by", 16.0),
        _text("notes", "Notes", 36.0),
    ),
)

_calendar = _fields(
    CALENDAR_ENTRIES.fields, {"name": 24.0, "start_time": 10.0, "end_time": 10.0, "weekdays": 16.0}
)
CALENDAR = SheetSpec(
    "Calendar",
    "calendar_entries",
    (
        _calendar["kind"],
        _calendar["name"],
        _calendar["start_date"],
        _calendar["end_date"],
        _ref(
            "environment",
            _calendar["environment_id"].header,
            "The environment's name; empty for the whole plan",
        ),
        _calendar["start_time"],
        _calendar["end_time"],
        _calendar["recurrence"],
        Column(
            "weekdays",
            "Weekdays",
            CellKind.WEEKDAYS,
            width=16.0,
            note="The weekdays a recurring window is on, e.g. Mon, Sat",
        ),
        _calendar["month_week"],
        _calendar["time_zone"],
    ),
)

_component = _fields(
    COMPONENTS_RECORD.fields,
    {
        "name": 18.0,
        "owner": 16.0,
        "supplier": 22.0,
        "licence": 14.0,
        "repository": 30.0,
        "description": 36.0,
    },
)
COMPONENTS = SheetSpec(
    "Components",
    "components",
    tuple(_component[f.name] for f in COMPONENTS_RECORD.fields),
)

_shipped = _fields(COMPONENT_VERSIONS.fields, {"notes": 40.0})
COMPONENT_VERSIONS_SHEET = SheetSpec(
    "Component versions",
    "component_versions",
    (
        _ref("component", "Component", "The component's name", 18.0),
        _RELEASE,
        _shipped["version"],
        _shipped["risk"],
        _shipped["notes"],
    ),
)

_needs = _fields(COMPONENT_DEPENDENCIES.fields, {"version_constraint": 20.0})
COMPONENT_DEPENDENCIES_SHEET = SheetSpec(
    "Component dependencies",
    "component_dependencies",
    (
        _ref("component", "Component", "The component's name", 18.0),
        _ref("depends_on", "Depends on", "The name of the component it needs", 18.0),
        _needs["version_constraint"],
    ),
)

RELEASE_NOTES = SheetSpec(
    "Release notes",
    "release_notes",
    (
        _RELEASE,
        Column("position", "Position", CellKind.INT, width=9.0),
        _choice("category", "Category", NOTE_CATEGORIES),
        _choice("audience", "Audience", NOTE_AUDIENCES),
        _text("title", "Title", 36.0),
        _text("body", "Body", 50.0),
        _ref("work_item", "Work item", "The key of the work item the note describes", 12.0),
    ),
)

METRICS = SheetSpec(
    "Metrics",
    "metrics",
    tuple(
        Column(name, header, kind, width=width, computed=True)
        for name, header, kind, width in (
            ("scope", "Scope", CellKind.TEXT, 14.0),
            ("name", "Release or month", CellKind.TEXT, 18.0),
            ("first", "From", CellKind.DATE, 12.0),
            ("last", "To", CellKind.DATE, 12.0),
            ("deployments", "Production deployments", CellKind.INT, 12.0),
            ("succeeded", "Succeeded", CellKind.INT, 11.0),
            ("failed", "Failed or rolled back", CellKind.INT, 11.0),
            ("rolled_back", "Rolled back", CellKind.INT, 11.0),
            ("frequency", "Deployments per week", CellKind.DECIMAL, 12.0),
            ("lead_time", "Lead time (median days)", CellKind.DECIMAL, 12.0),
            ("failure_rate", "Change failure rate", CellKind.PERCENT, 12.0),
            ("restore", "Time to restore (median hours)", CellKind.DECIMAL, 13.0),
            ("rollbacks", "Rollbacks per week", CellKind.DECIMAL, 12.0),
            ("variance", "Schedule variance (working days)", CellKind.INT, 13.0),
            ("baseline", "Against baseline", CellKind.TEXT, 18.0),
        )
    ),
)

PLAN = SheetSpec(
    "Plan",
    "plan_settings",
    (
        _text("key", "Key", 16.0),
        _text("setting", "Setting", 22.0),
        _text("value", "Value", 40.0),
    ),
)
# The settings the Plan sheet carries: the plan's own, never what Gantry records (created).
PLAN_SETTINGS = (
    "name",
    "description",
    "key_prefix",
    "work_week",
    "holiday_country",
    "holiday_subdivision",
    "holiday_years",
)

# In the order the workbook holds them; the Timeline sheet follows.
SHEETS: tuple[SheetSpec, ...] = (
    RELEASES,
    WORK_ITEMS,
    DEPENDENCIES,
    BASELINES,
    CHECKLISTS,
    DECISIONS_SHEET,
    RUNBOOK_STEPS,
    CHANGES,
    APPROVALS,
    SCOPE_EXCEPTIONS,
    TRAINS,
    RISKS,
    ENVIRONMENTS,
    DEPLOYMENTS,
    CALENDAR,
    COMPONENTS,
    COMPONENT_VERSIONS_SHEET,
    COMPONENT_DEPENDENCIES_SHEET,
    RELEASE_NOTES,
    METRICS,
    PLAN,
)
TIMELINE_TITLE = "Timeline"


def sheet_named(title: str) -> SheetSpec | None:
    """The declaration of one of Gantry's sheets by its title (any case), if it is one."""
    wanted = title.strip().casefold()
    return next((s for s in SHEETS if s.title.casefold() == wanted), None)
