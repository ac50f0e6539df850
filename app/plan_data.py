"""Plain, immutable rows the UI and the CLI read: no ORM objects ever leave app/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    id: int
    name: str
    version: str
    status: str
    owner: str
    start_date: dt.date | None
    feature_freeze: dt.date | None
    code_freeze: dt.date | None
    target_date: dt.date | None
    actual_date: dt.date | None
    description: str
    item_count: int
    finish: dt.date | None  # scheduled finish of its last item
    late_by: int  # working days past the target, 0 when on time
    train_id: int | None = None  # the release train it belongs to, if any


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    release_id: int
    parent_id: int | None
    depth: int  # 0 for top-level items of a release
    kind: str  # task | milestone | phase
    key: str
    name: str
    duration: int
    not_before: dt.date | None
    owner: str
    status: str
    percent_complete: int
    actual_start: dt.date | None
    actual_finish: dt.date | None
    notes: str
    predecessors: str  # MS Project form, e.g. "A-3; A-4SS+2"
    start: dt.date | None
    finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_slack: int | None  # None until the schedule has been computed
    free_slack: int | None
    critical: bool
    has_children: bool
    problem: str = ""  # e.g. "On a dependency cycle: A -> B -> A"


@dataclass(frozen=True, slots=True)
class DeletedItem:
    """Everything needed to put a deleted item back exactly as it was (for undo)."""

    items: list[dict[str, object]]  # the item and its descendants, parents first
    links: list[dict[str, object]]  # every dependency that touched them
    # (baseline id, item id, start, finish): their dates in the baselines that held them
    baseline_dates: list[tuple[int, int, dt.date, dt.date]] = field(default_factory=list)
    # (release note id, item id): the notes drafted from them, untied while they are gone
    notes: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlanSummary:
    path: str
    read_only: bool
    locked_by: str | None
    read_only_reason: str | None  # "locked by …", "its folder cannot be written to (…)"
    releases: int
    items: int
    links: int
    late_releases: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # cycles, unschedulable data
    scheduling: bool = False  # a reschedule is running; dates may be a moment old
