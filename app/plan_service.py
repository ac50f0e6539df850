"""Reading and editing a plan: every user action is one audited, rescheduled transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.errors import ValidationError
from app.links import LinkSpec, parse_predecessors
from app.plan_data import (
    EDITABLE_ITEM_FIELDS,
    EDITABLE_RELEASE_FIELDS,
    DeletedItem,
    ItemRow,
    PlanSummary,
    ReleaseRow,
)
from app.scheduling.calendar import WorkCalendar
from app.scheduling.engine import (
    CycleError,
    ReleaseBounds,
    ScheduleInputError,
    ScheduleItem,
    ScheduleLink,
    ScheduleResult,
    schedule,
)
from app.store import DateParser, PlanStore, plain_rows
from models import Base, CalendarEntry, Dependency, Release, WorkItem
from models.release import RELEASE_STATUSES
from models.work import ITEM_KINDS, ITEM_STATUSES

Progress = Callable[[int, int, str], None]

# Column order of the fast item read below; positions matter.
_ITEM_SQL = (
    "SELECT id, release_id, parent_id, kind, key, name, duration, not_before, owner, status, "
    "percent_complete, actual_start, actual_finish, baseline_start, baseline_finish, notes, "
    "scheduled_start, scheduled_finish FROM work_items ORDER BY release_id, position, id"
)
_LINK_SQL = "SELECT predecessor_id, successor_id, type, lag FROM dependencies"
_PLACEMENT_SQL = (
    "SELECT id, release_id, parent_id FROM work_items ORDER BY release_id, position, id"
)


@dataclass(frozen=True, slots=True)
class PlanChange:
    """What an edit touched, so views refresh only that (a Qt-free event)."""

    release_ids: frozenset[int]
    item_ids: frozenset[int]
    structural: bool  # items were added or removed: rebuild rather than update


_RawItem = tuple[Any, ...]  # one work item in _ITEM_SQL column order, dates parsed
_RawLink = tuple[int, int, str, int]


@dataclass(slots=True)
class _Snapshot:
    """The plan as read and scheduled, plus the raw rows it was built from (for refreshes)."""

    releases: dict[int, ReleaseRow]
    items: dict[int, ItemRow]
    outline: dict[int, list[int]]  # release id -> item ids in outline order
    children: dict[tuple[int, int | None], list[int]]
    depth: dict[int, int]
    key_to_id: dict[str, int]
    result: ScheduleResult
    raw_items: dict[int, _RawItem]
    raw_links: list[_RawLink]
    # The scheduler's inputs, kept so an edit rebuilds only the few it changed.
    inputs: dict[int, ScheduleItem]
    input_links: list[ScheduleLink]
    pred_text: dict[int, str]
    calendar: WorkCalendar
    stored_dates: dict[int, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)

    @property
    def links(self) -> int:
        return len(self.raw_links)


def load_calendar(session: Session) -> WorkCalendar:
    holidays: list[dt.date] = []
    rows = session.execute(
        select(CalendarEntry.start_date, CalendarEntry.end_date).where(
            CalendarEntry.kind == "holiday", CalendarEntry.environment_id.is_(None)
        )
    )
    for start, end in rows:
        day = start
        while day <= end:
            holidays.append(day)
            day += dt.timedelta(days=1)
    return WorkCalendar(holidays)


def _read_releases(session: Session) -> list[Any]:
    return list(
        session.execute(
            select(
                Release.id,
                Release.name,
                Release.version,
                Release.status,
                Release.owner,
                Release.start_date,
                Release.feature_freeze,
                Release.code_freeze,
                Release.target_date,
                Release.actual_date,
            ).order_by(Release.position, Release.start_date, Release.id)
        ).all()
    )


# Positions of the date columns in _ITEM_SQL: SQLite hands them back as ISO text.
_DATE_COLUMNS = (7, 11, 12, 13, 14, 16, 17)


def _read_items(session: Session, sql: str) -> list[_RawItem]:
    date_of = DateParser()
    rows = []
    for raw in plain_rows(session, sql):
        row = list(raw)
        for column in _DATE_COLUMNS:
            row[column] = date_of(row[column])
        rows.append(tuple(row))
    return rows


def _schedule_item(r: _RawItem) -> ScheduleItem:
    return ScheduleItem(r[0], r[4], r[3], r[6], r[1], r[2], r[7], r[11], r[12])


def _schedule_links(raw_links: list[_RawLink]) -> list[ScheduleLink]:
    # The schema's CHECK constraint keeps the link type one of the four the engine knows.
    return [ScheduleLink(p, s, t, lag) for p, s, t, lag in raw_links]  # type: ignore[arg-type]


def _schedule(
    inputs: dict[int, ScheduleItem],
    links: list[ScheduleLink],
    release_rows: list[Any],
    calendar: WorkCalendar,
) -> ScheduleResult:
    bounds = [ReleaseBounds(r.id, r.start_date, r.target_date) for r in release_rows]
    starts = [r.start_date for r in release_rows if r.start_date]
    try:
        return schedule(
            list(inputs.values()),
            links,
            calendar,
            bounds,
            plan_start=min(starts) if starts else None,
        )
    except (CycleError, ScheduleInputError) as exc:
        raise ValidationError(str(exc)) from None


def _predecessor_texts(raw_items: dict[int, _RawItem], raw_links: list[_RawLink]) -> dict[int, str]:
    """Each item's predecessors as MS Project text (the form LinkSpec.text writes)."""
    preds: dict[int, list[str]] = defaultdict(list)
    for p, s, t, lag in raw_links:
        key = raw_items[p][4]
        # Inlined LinkSpec.text(): this runs for every link of a 100,000-item plan.
        preds[s].append(f"{key}{t}{lag:+d}" if lag else (key + t if t != "FS" else key))
    return {item_id: "; ".join(texts) for item_id, texts in preds.items()}


def _item_row(raw: _RawItem, snapshot: _Snapshot) -> ItemRow:
    """One table row from the columns of _ITEM_SQL, the outline and the computed schedule."""
    item_id, release_id = raw[0], raw[1]
    d = snapshot.result.items.get(item_id)
    return ItemRow(
        id=item_id,
        release_id=release_id,
        parent_id=raw[2],
        depth=snapshot.depth.get(item_id, 0),
        kind=raw[3],
        key=raw[4],
        name=raw[5],
        duration=raw[6],
        not_before=raw[7],
        owner=raw[8],
        status=raw[9],
        percent_complete=raw[10],
        actual_start=raw[11],
        actual_finish=raw[12],
        baseline_start=raw[13],
        baseline_finish=raw[14],
        notes=raw[15],
        predecessors=snapshot.pred_text.get(item_id, ""),
        start=d.start if d else None,
        finish=d.finish if d else None,
        late_start=d.late_start if d else None,
        late_finish=d.late_finish if d else None,
        total_slack=d.total_slack if d else None,
        free_slack=d.free_slack if d else None,
        critical=d.critical if d else False,
        has_children=(release_id, item_id) in snapshot.children,
    )


def _release_rows(release_rows: list[Any], snapshot: _Snapshot) -> dict[int, ReleaseRow]:
    releases: dict[int, ReleaseRow] = {}
    for r in release_rows:
        outcome = snapshot.result.releases.get(r.id)
        releases[r.id] = ReleaseRow(
            id=r.id,
            name=r.name,
            version=r.version,
            status=r.status,
            owner=r.owner,
            start_date=r.start_date,
            feature_freeze=r.feature_freeze,
            code_freeze=r.code_freeze,
            target_date=r.target_date,
            actual_date=r.actual_date,
            item_count=len(snapshot.outline.get(r.id, ())),
            finish=outcome.finish if outcome else None,
            late_by=outcome.late_by if outcome else 0,
        )
    return releases


_Children = dict[tuple[int, int | None], list[int]]


def _outline(
    release_rows: list[Any], placed: Iterable[tuple[int, int, int | None]]
) -> tuple[_Children, dict[int, list[int]], dict[int, int]]:
    """Children per (release, parent), each release's outline order and each item's depth.

    `placed` gives (id, release id, parent id) in position order.
    """
    children: _Children = defaultdict(list)
    for item_id, release_id, parent_id in placed:
        children[(release_id, parent_id)].append(item_id)
    depth: dict[int, int] = {}
    outline: dict[int, list[int]] = {}
    for release in release_rows:
        order: list[int] = []
        stack = list(reversed(children.get((release.id, None), [])))
        depth.update(dict.fromkeys(stack, 0))
        while stack:
            item_id = stack.pop()
            order.append(item_id)
            kids = children.get((release.id, item_id))
            if kids:
                depth.update(dict.fromkeys(kids, depth[item_id] + 1))
                stack.extend(reversed(kids))
        outline[release.id] = order
    return dict(children), outline, depth


def _build_snapshot(session: Session, progress: Progress | None = None) -> _Snapshot:
    """Read the whole plan as plain tuples (no ORM objects) and schedule it.

    This is the open path of a 100,000-item plan, so it avoids per-value conversions and
    keyword construction; dates are parsed once per distinct value.
    """
    if progress:
        progress(0, 4, "Reading releases")
    release_rows = _read_releases(session)
    if progress:
        progress(1, 4, "Reading work items")
    raw_items = {r[0]: r for r in _read_items(session, _ITEM_SQL)}
    raw_links: list[_RawLink] = plain_rows(session, _LINK_SQL)
    calendar = load_calendar(session)
    if progress:
        progress(2, 4, f"Scheduling {len(raw_items):,} items and {len(raw_links):,} links")
    inputs = {i: _schedule_item(r) for i, r in raw_items.items()}
    input_links = _schedule_links(raw_links)
    result = _schedule(inputs, input_links, release_rows, calendar)
    if progress:
        progress(3, 4, "Building views")

    children, outline, depth = _outline(release_rows, (r[:3] for r in raw_items.values()))
    snapshot = _Snapshot(
        releases={},
        items={},
        outline=outline,
        children=children,
        depth=depth,
        key_to_id={r[4]: r[0] for r in raw_items.values()},
        result=result,
        raw_items=raw_items,
        raw_links=raw_links,
        inputs=inputs,
        input_links=input_links,
        pred_text=_predecessor_texts(raw_items, raw_links),
        calendar=calendar,
        stored_dates={i: (r[16], r[17]) for i, r in raw_items.items()},
    )
    snapshot.items = {i: _item_row(raw, snapshot) for i, raw in raw_items.items()}
    snapshot.releases = _release_rows(release_rows, snapshot)
    if progress:
        progress(4, 4, "Ready")
    return snapshot


def _refresh_snapshot(
    session: Session,
    before: _Snapshot,
    touched: set[int],
    links_changed: bool,
    outline_changed: bool,
) -> _Snapshot:
    """The snapshot after an edit: re-read and rebuild only what the edit and the new
    schedule changed. Items added or removed re-read the outline (ids and parents only)."""
    raw_items = dict(before.raw_items)
    inputs = dict(before.inputs)
    touched = set(touched)
    release_rows = _read_releases(session)
    children, outline, depth = before.children, before.outline, before.depth
    if outline_changed:
        placed: list[tuple[int, int, int | None]] = plain_rows(session, _PLACEMENT_SQL)
        present = {p[0] for p in placed}
        for gone in raw_items.keys() - present:
            del raw_items[gone], inputs[gone]
        touched |= present - raw_items.keys()
        touched |= {p[0] for p in placed if p[0] in raw_items and raw_items[p[0]][1:3] != p[1:]}
        children, outline, depth = _outline(release_rows, placed)
    if touched:
        marks = ", ".join(str(int(i)) for i in touched)
        query = _ITEM_SQL.replace(" ORDER BY", f" WHERE id IN ({marks}) ORDER BY")
        for row in _read_items(session, query):
            raw_items[row[0]] = row
            inputs[row[0]] = _schedule_item(row)
    raw_links, input_links = before.raw_links, before.input_links
    if links_changed:
        raw_links = plain_rows(session, _LINK_SQL)
        input_links = _schedule_links(raw_links)
    result = _schedule(inputs, input_links, release_rows, before.calendar)
    keys_changed = outline_changed or any(
        before.raw_items.get(i, (None,) * 5)[4] != raw_items[i][4] for i in touched
    )
    pred_text = before.pred_text
    if links_changed or keys_changed:
        pred_text = _predecessor_texts(raw_items, raw_links)
    snapshot = _Snapshot(
        releases={},
        items={i: row for i, row in before.items.items() if i in raw_items},
        outline=outline,
        children=children,
        depth=depth,
        key_to_id=({r[4]: r[0] for r in raw_items.values()} if keys_changed else before.key_to_id),
        result=result,
        raw_items=raw_items,
        raw_links=raw_links,
        inputs=inputs,
        input_links=input_links,
        pred_text=pred_text,
        calendar=before.calendar,
        stored_dates={i: d for i, d in before.stored_dates.items() if i in raw_items},
    )
    for item_id in touched:
        snapshot.stored_dates.setdefault(item_id, raw_items[item_id][16:18])
    old_dates = before.result.items
    rebuild = set(touched)
    rebuild.update(i for i, d in result.items.items() if old_dates.get(i) != d)
    if pred_text is not before.pred_text:
        rebuild.update(i for i in raw_items if pred_text.get(i) != before.pred_text.get(i))
    if outline_changed:
        old = before.items
        rebuild.update(
            i
            for i, r in raw_items.items()
            if i in old
            and (old[i].depth != depth.get(i, 0) or old[i].has_children != ((r[1], i) in children))
        )
    for item_id in rebuild:
        snapshot.items[item_id] = _item_row(raw_items[item_id], snapshot)
    snapshot.releases = _release_rows(release_rows, snapshot)
    return snapshot


def _store_schedule(session: Session, snapshot: _Snapshot) -> None:
    """Keep the file's derived dates current, writing only the rows whose dates moved."""
    changed: list[dict[str, Any]] = [
        {"b_id": item_id, "b_start": row.start, "b_finish": row.finish}
        for item_id, row in snapshot.items.items()
        if snapshot.stored_dates.get(item_id) != (row.start, row.finish)
    ]
    if changed:
        table: Table = WorkItem.__table__  # type: ignore[assignment]
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(scheduled_start=bindparam("b_start"), scheduled_finish=bindparam("b_finish")),
            changed,
        )
        for entry in changed:
            snapshot.stored_dates[entry["b_id"]] = (entry["b_start"], entry["b_finish"])


def _check_value(field_name: str, value: Any, types: dict[str, type]) -> Any:
    if field_name not in types:
        raise ValidationError(f"'{field_name}' cannot be edited")
    expected = types[field_name]
    if value is None:
        if expected is str or field_name in ("duration", "percent_complete"):
            raise ValidationError(f"{field_name} cannot be empty")
        return None
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(f"{field_name} must be a whole number, not {value!r}")
    if expected is dt.date and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise ValidationError(f"{field_name} must be a date, not {value!r}")
    if expected is str:
        if not isinstance(value, str):
            raise ValidationError(f"{field_name} must be text")
        value = value.strip()
        if field_name in ("name", "key") and not value:
            raise ValidationError(f"{field_name} cannot be empty")
    return value


class PlanService:
    """The plan as the UI and the CLI see it: plain rows out, validated edits in."""

    def __init__(self, store: PlanStore) -> None:
        self.store = store
        self.listeners: list[Callable[[PlanChange], None]] = []
        self._snapshot: _Snapshot | None = None

    # -- reading ---------------------------------------------------------------------------

    def load(self, progress: Progress | None = None) -> None:
        with self.store.read() as session:
            self._snapshot = _build_snapshot(session, progress)

    @property
    def _snap(self) -> _Snapshot:
        if self._snapshot is None:
            self.load()
        assert self._snapshot is not None
        return self._snapshot

    def summary(self) -> PlanSummary:
        snap = self._snap
        return PlanSummary(
            path=str(self.store.path),
            read_only=self.store.read_only,
            locked_by=self.store.locked_by.describe() if self.store.locked_by else None,
            read_only_reason=self.store.read_only_reason if self.store.read_only else None,
            releases=len(snap.releases),
            items=len(snap.items),
            links=snap.links,
            late_releases=[
                f"{r.name} is {r.late_by} working days late"
                for r in snap.releases.values()
                if r.late_by > 0
            ],
        )

    def releases(self) -> list[ReleaseRow]:
        return list(self._snap.releases.values())

    def release(self, release_id: int) -> ReleaseRow:
        return self._snap.releases[release_id]

    def find_release(self, name: str) -> ReleaseRow:
        for row in self._snap.releases.values():
            if name in (row.name, row.version) or name.casefold() == row.name.casefold():
                return row
        known = ", ".join(r.name for r in self._snap.releases.values()) or "none"
        raise ValidationError(f"No release named '{name}'; the plan has: {known}")

    def items(self, release_id: int | None = None) -> list[ItemRow]:
        """Items in outline order (each parent before its children), one release or all."""
        snap = self._snap
        ids = (
            snap.outline.get(release_id, [])
            if release_id is not None
            else [i for rid in snap.releases for i in snap.outline[rid]]
        )
        return [snap.items[i] for i in ids]

    def children(self, release_id: int, parent_id: int | None) -> list[ItemRow]:
        snap = self._snap
        return [snap.items[i] for i in snap.children.get((release_id, parent_id), [])]

    def item(self, item_id: int) -> ItemRow:
        return self._snap.items[item_id]

    def find_item(self, key: str) -> ItemRow:
        item_id = self._snap.key_to_id.get(key)
        if item_id is None:
            raise ValidationError(f"No work item with key '{key}'")
        return self._snap.items[item_id]

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
            row = self._snap.items.get(pred)
            key = row.key if row else f"#{pred}"  # a predecessor deleted since
            return LinkSpec(key, values.get("type") or "FS", values.get("lag") or 0).text()

        return dataclasses.replace(entry, changes=[("predecessor", text(before), text(after))])

    def critical_path(self) -> list[ItemRow]:
        snap = self._snap
        return [snap.items[i] for i in snap.result.critical_path]

    # -- editing ---------------------------------------------------------------------------

    def _commit(
        self,
        reason: str,  # the user's "why", if any; before/after values already say "what"
        action: Callable[[Session], set[int]],
        structural: bool = False,
        links_changed: bool = False,
    ) -> None:
        """Run one user action, reschedule inside the same transaction, then notify.

        `action` returns the ids of the items it changed. `structural` edits add or remove
        items (views rebuild rather than update); `links_changed` edits touch dependencies.
        """
        before = self._snap
        try:
            with self.store.transaction(reason=reason) as session:
                touched = action(session)
                session.flush()
                snapshot = _refresh_snapshot(session, before, touched, links_changed, structural)
                _store_schedule(session, snapshot)
        except IntegrityError as exc:
            raise ValidationError(_integrity_message(exc)) from None
        moved = (
            set()
            if structural
            else {i for i, row in snapshot.items.items() if before.items.get(i) is not row}
        )
        self._snapshot = snapshot
        releases = {snapshot.items[i].release_id for i in moved | touched if i in snapshot.items}
        # A release whose own fields, finish or lateness changed is reported too.
        releases |= {r for r, row in snapshot.releases.items() if before.releases.get(r) != row}
        change = PlanChange(frozenset(releases), frozenset(moved | touched), structural)
        for listener in list(self.listeners):
            listener(change)

    def update_item(self, item_id: int, field_name: str, value: Any, reason: str = "") -> Any:
        """Set one field of a work item; returns the old value (what undo puts back)."""
        value = _check_value(field_name, value, EDITABLE_ITEM_FIELDS)
        current = self.item(item_id)
        old = getattr(current, field_name)
        if field_name == "status" and value not in ITEM_STATUSES:
            raise ValidationError(f"status must be one of {', '.join(ITEM_STATUSES)}")
        if field_name == "duration":
            if value < 0:
                raise ValidationError(f"{current.key}: duration cannot be negative")
            if current.kind == "milestone" and value != 0:
                raise ValidationError(f"{current.key} is a milestone: its duration stays 0")
            if current.kind == "phase":
                raise ValidationError(
                    f"{current.key} is a phase: its duration comes from its items"
                )
        if field_name == "percent_complete" and not 0 <= value <= 100:
            raise ValidationError(f"{current.key}: percent complete must be 0 to 100")
        if field_name == "key" and value != current.key:
            self._check_new_key(value)

        def apply(session: Session) -> set[int]:
            item = session.get_one(WorkItem, item_id)
            setattr(item, field_name, value)
            return {item_id}

        self._commit(reason, apply)
        return old

    def set_predecessors(self, item_id: int, text: str, reason: str = "") -> str:
        """Replace an item's predecessors from MS Project text; returns the old text."""
        snap = self._snap
        current = snap.items[item_id]
        specs = parse_predecessors(text, lambda k: k in snap.key_to_id)
        problems = []
        for spec in specs:
            pred = snap.items[snap.key_to_id[spec.key]]
            if pred.id == item_id:
                problems.append(f"{current.key} cannot depend on itself")
            elif pred.kind == "phase":
                problems.append(f"{spec.key} is a phase: link to its items or milestones")
        if current.kind == "phase" and specs:
            problems.append(f"{current.key} is a phase: link its items or milestones instead")
        if problems:
            raise ValidationError(problems)
        old = current.predecessors

        def apply(session: Session) -> set[int]:
            existing = session.scalars(
                select(Dependency).where(Dependency.successor_id == item_id)
            ).all()
            by_pred = {d.predecessor_id: d for d in existing}
            wanted = {snap.key_to_id[s.key]: s for s in specs}
            for pred_id, dep in by_pred.items():
                if pred_id not in wanted:
                    session.delete(dep)
            for pred_id, spec in wanted.items():
                link = by_pred.get(pred_id)
                if link is None:
                    session.add(
                        Dependency(
                            predecessor_id=pred_id,
                            successor_id=item_id,
                            type=spec.type,
                            lag=spec.lag,
                        )
                    )
                elif (link.type, link.lag) != (spec.type, spec.lag):
                    link.type, link.lag = spec.type, spec.lag
            return {item_id}

        self._commit(reason, apply, links_changed=True)
        return old

    def update_release(self, release_id: int, field_name: str, value: Any, reason: str = "") -> Any:
        value = _check_value(field_name, value, EDITABLE_RELEASE_FIELDS)
        current = self.release(release_id)
        if field_name == "status" and value not in RELEASE_STATUSES:
            raise ValidationError(f"status must be one of {', '.join(RELEASE_STATUSES)}")
        old = getattr(current, field_name)

        def apply(session: Session) -> set[int]:
            setattr(session.get_one(Release, release_id), field_name, value)
            return set()

        self._commit(reason, apply)
        return old

    def create_release(
        self,
        name: str,
        version: str = "",
        start_date: dt.date | None = None,
        target_date: dt.date | None = None,
        release_id: int | None = None,
    ) -> int:
        """Add an empty release; returns its id (`release_id` re-creates one, for redo)."""
        name = name.strip()
        if not name:
            raise ValidationError("A release needs a name")
        if any(r.name.casefold() == name.casefold() for r in self._snap.releases.values()):
            raise ValidationError(f"There is already a release named '{name}'")
        if start_date and target_date and target_date < start_date:
            raise ValidationError(
                f"{name}: the target date {target_date} is before the start date {start_date}"
            )
        new_id = 0

        def apply(session: Session) -> set[int]:
            nonlocal new_id
            position = (session.scalar(select(func.max(Release.position))) or 0) + 1
            release = Release(
                id=release_id,
                name=name,
                version=version.strip(),
                start_date=start_date,
                target_date=target_date,
                position=position,
            )
            session.add(release)
            session.flush()
            new_id = release.id
            return set()

        self._commit(f"Add release {name}", apply, structural=True)
        return new_id

    def delete_release(self, release_id: int, reason: str = "") -> None:
        """Delete a release that holds no work items (items are deleted one by one first)."""
        release = self.release(release_id)
        if release.item_count:
            raise ValidationError(
                f"{release.name} still holds {release.item_count} work items; "
                "delete or move them first"
            )

        def apply(session: Session) -> set[int]:
            held = _release_contents(session, release_id)
            if held:
                raise ValidationError(
                    f"{release.name} still holds {', '.join(held)}; delete or move them first"
                )
            session.delete(session.get_one(Release, release_id))
            return set()

        self._commit(reason or f"Delete release {release.name}", apply, structural=True)

    def create_item(
        self,
        release_id: int,
        kind: str,
        name: str,
        parent_id: int | None = None,
        after_id: int | None = None,
        duration: int | None = None,
        key: str | None = None,
    ) -> int:
        """Add a task, milestone or phase under `parent_id`, after `after_id` (else last)."""
        if kind not in ITEM_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(ITEM_KINDS)}")
        if not name.strip():
            raise ValidationError("A work item needs a name")
        if parent_id is not None and self.item(parent_id).kind != "phase":
            raise ValidationError(
                f"{self.item(parent_id).key} is not a phase; only phases hold items"
            )
        if key is not None:
            self._check_new_key(key)
        release = self.release(release_id)
        new_id = 0

        def apply(session: Session) -> set[int]:
            nonlocal new_id
            shifted: set[int] = set()
            siblings = session.scalars(
                select(WorkItem)
                .where(
                    WorkItem.release_id == release_id,
                    WorkItem.parent_id.is_(parent_id)
                    if parent_id is None
                    else WorkItem.parent_id == parent_id,
                )
                .order_by(WorkItem.position, WorkItem.id)
            ).all()
            position = max((s.position for s in siblings), default=-1) + 1
            if after_id is not None:
                after = next((s for s in siblings if s.id == after_id), None)
                if after is not None:
                    position = after.position + 1
                    for s in siblings:
                        if s.position >= position:
                            s.position += 1
                            shifted.add(s.id)
            item = WorkItem(
                release_id=release_id,
                parent_id=parent_id,
                kind=kind,
                name=name.strip(),
                key=key or self._next_key(session, release),
                position=position,
                duration=0 if kind != "task" else (duration if duration is not None else 1),
            )
            session.add(item)
            session.flush()
            new_id = item.id
            return {item.id} | shifted

        self._commit(f"Add {kind} '{name.strip()}' to {release.name}", apply, structural=True)
        return new_id

    def _check_new_key(self, key: str) -> None:
        # Predecessor lists are split on ';' and ',' and read MS Project forms after the key.
        if any(ch in key for ch in ";,") or key != "".join(key.split()):
            raise ValidationError(f"The key '{key}' may not contain spaces, ';' or ','")
        if key in self._snap.key_to_id:
            raise ValidationError(f"The key '{key}' is already used by another item")

    @staticmethod
    def _next_key(session: Session, release: ReleaseRow) -> str:
        prefix = "".join(ch for ch in (release.version or release.name) if ch.isalnum())[:6]
        prefix = (prefix or "ITEM").upper()
        count = session.scalar(select(func.count()).select_from(WorkItem)) or 0
        n = count + 1
        while session.scalar(select(WorkItem.id).where(WorkItem.key == f"{prefix}-{n}")):
            n += 1
        return f"{prefix}-{n}"

    def delete_item(self, item_id: int, reason: str = "") -> DeletedItem:
        """Delete an item with its children and links; returns what restore_item needs."""
        current = self.item(item_id)
        captured: DeletedItem | None = None

        def apply(session: Session) -> set[int]:
            nonlocal captured
            ids = [item_id]
            frontier = [item_id]
            while frontier:
                frontier = list(
                    session.scalars(select(WorkItem.id).where(WorkItem.parent_id.in_(frontier)))
                )
                ids.extend(frontier)
            columns = [c.key for c in WorkItem.__mapper__.column_attrs]
            rows = session.scalars(select(WorkItem).where(WorkItem.id.in_(ids))).all()
            order = {i: n for n, i in enumerate(ids)}
            items = [
                {c: getattr(r, c) for c in columns} for r in sorted(rows, key=lambda r: order[r.id])
            ]
            deps = session.scalars(
                select(Dependency).where(
                    Dependency.predecessor_id.in_(ids) | Dependency.successor_id.in_(ids)
                )
            ).all()
            links = [
                {c.key: getattr(d, c.key) for c in Dependency.__mapper__.column_attrs} for d in deps
            ]
            captured = DeletedItem(items, links)
            for dep in deps:
                session.delete(dep)
            session.flush()
            # Children first, so no foreign key points at a deleted parent.
            for row in sorted(rows, key=lambda r: -order[r.id]):
                session.delete(row)
                session.flush()
            return set()

        self._commit(
            reason or f"Delete {current.key} '{current.name}'",
            apply,
            structural=True,
            links_changed=True,
        )
        assert captured is not None
        return captured

    def restore_item(self, deleted: DeletedItem, reason: str = "") -> None:
        """Put back what delete_item removed, with the same ids (undo of a delete)."""
        first = deleted.items[0]

        def apply(session: Session) -> set[int]:
            for values in deleted.items:
                session.add(WorkItem(**values))
                session.flush()
            for values in deleted.links:
                session.add(Dependency(**values))
            return {int(v["id"]) for v in deleted.items}  # type: ignore[call-overload]

        self._commit(
            reason or f"Restore {first['key']}", apply, structural=True, links_changed=True
        )


def _release_contents(session: Session, release_id: int) -> list[str]:
    """What still refers to a release, as '3 deployments', for a refusal that says why."""
    held = []
    for table in Base.metadata.sorted_tables:
        column = table.c.get("release_id")
        if column is None or table is WorkItem.__table__:
            continue
        count = session.scalar(select(func.count()).select_from(table).where(column == release_id))
        if count:
            held.append(f"{count} {table.name.replace('_', ' ')}")
    return held


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "UNIQUE" in text and "work_items.key" in text:
        return "That key is already used by another work item"
    if "UNIQUE" in text:
        return f"That value must be unique ({text})"
    if "CHECK" in text:
        return f"That value breaks a rule of the plan ({text})"
    if "FOREIGN KEY" in text:
        return "That refers to something that does not exist in the plan"
    return text
