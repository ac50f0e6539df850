"""The plan as the views read it: records, outline, links and the latest schedule, in memory.

It is the unit of work's projection: an action's changed rows are re-read inside its
transaction (where a dependency cycle is refused), applied once it commits, and the schedule
is then recomputed off the caller's path (see app.schedule_runs). Rows for the views are
built on demand and cached, so an edit costs what it touched, not the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.heap import long_lived
from app.links import LinkSpec
from app.plan_data import ItemRow, ReleaseRow
from app.plan_settings import PlanSettings, defaults, read_settings
from app.schedule_inputs import read_holidays as read_holiday_rows
from app.schedule_runs import (
    InlineScheduler,
    InputDelta,
    ScheduleJob,
    ScheduleOutcome,
    Scheduler,
)
from app.schedule_table import ScheduleTable
from app.scheduling import ReleaseBounds, ScheduleItem, ScheduleLink
from app.store import DateParser, PlanStore, plain_rows
from app.unit_of_work import ChangeNotice, UnitOfWork

Progress = Callable[[int, int, str], None]
Publish = Callable[[ChangeNotice], None]


class ItemRecord(NamedTuple):
    """One work_items row as stored (named like its columns)."""

    id: int
    release_id: int
    parent_id: int | None
    kind: str
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
    position: int
    scheduled_start: dt.date | None
    scheduled_finish: dt.date | None


class LinkRecord(NamedTuple):
    id: int
    predecessor_id: int
    successor_id: int
    type: str
    lag: int


class ReleaseRecord(NamedTuple):
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
    position: int
    train_id: int | None


_ITEM_DATES = (
    "not_before",
    "actual_start",
    "actual_finish",
    "scheduled_start",
    "scheduled_finish",
)
_RELEASE_DATES = ("start_date", "feature_freeze", "code_freeze", "target_date", "actual_date")
# Fields of an item the scheduler reads; a change to any of them moves dates.
_SCHEDULED_FIELDS = (
    "release_id",
    "parent_id",
    "kind",
    "duration",
    "not_before",
    "actual_start",
    "actual_finish",
)
_ITEM_SQL = f"SELECT {', '.join(ItemRecord._fields)} FROM work_items"
_LINK_SQL = f"SELECT {', '.join(LinkRecord._fields)} FROM dependencies"
_RELEASE_SQL = f"SELECT {', '.join(ReleaseRecord._fields)} FROM releases"

Children = dict[tuple[int, int | None], list[int]]


def _read(
    session: Session, sql: str, record: Any, dates: Sequence[str], parse: DateParser
) -> list[Any]:
    """Rows of `sql` as `record` NamedTuples, ISO date text parsed (fast at 100,000 rows)."""
    positions = [record._fields.index(name) for name in dates]
    make = record._make
    records = []
    for raw in plain_rows(session, sql):
        row = list(raw)
        for n in positions:
            row[n] = parse(row[n])
        records.append(make(row))
    return records


def _where_ids(sql: str, ids: Iterable[int]) -> str:
    # Ids are integers from our own change notices, so inlining them is safe.
    return f"{sql} WHERE id IN ({', '.join(str(int(i)) for i in ids)})"


def read_holidays(session: Session) -> frozenset[dt.date]:
    """Plan-wide holidays (app.schedule_inputs reads them for the schedule process too)."""
    driver = session.connection().connection.driver_connection
    return read_holiday_rows(driver)  # type: ignore[arg-type]


def schedule_item(record: ItemRecord) -> ScheduleItem:
    return ScheduleItem(
        record.id,
        record.key,
        record.kind,  # type: ignore[arg-type]  # the schema's CHECK keeps it a known kind
        record.duration,
        record.release_id,
        record.parent_id,
        record.not_before,
        record.actual_start,
        record.actual_finish,
    )


def schedule_link(record: LinkRecord) -> ScheduleLink:
    return ScheduleLink(
        record.predecessor_id,
        record.successor_id,
        record.type,  # type: ignore[arg-type]  # the schema's CHECK keeps it a known type
        record.lag,
    )


@dataclass(slots=True)
class _Staged:
    """An action's changes, read inside its transaction; applied once it has committed."""

    state: PlanState
    notice: ChangeNotice
    items: dict[int, ItemRecord] = field(default_factory=dict)
    gone_items: frozenset[int] = frozenset()
    links: dict[int, LinkRecord] = field(default_factory=dict)
    gone_links: frozenset[int] = frozenset()
    releases: list[ReleaseRecord] | None = None
    settings: PlanSettings | None = None
    holidays: frozenset[dt.date] | None = None

    reschedule: bool = False

    def apply(self) -> ChangeNotice:
        return self.state.apply(self)

    def settle(self) -> None:
        if self.reschedule:
            self.state.request_schedule()


class PlanState:
    """One plan in memory. Only the thread that owns it (the UI thread) reads or changes it;
    the scheduler works on copies of its inputs and hands its outcome back to that thread."""

    def __init__(self, store: PlanStore, scheduler: Scheduler | None = None) -> None:
        self.store = store
        self.scheduler: Scheduler = scheduler or InlineScheduler()
        self.publish: Publish = lambda _notice: None
        self.releases: dict[int, ReleaseRecord] = {}
        self.release_order: list[int] = []
        self.items: dict[int, ItemRecord] = {}
        self.links: dict[int, LinkRecord] = {}
        self.preds: dict[int, list[int]] = defaultdict(list)  # successor -> link ids
        self.succs: dict[int, list[int]] = defaultdict(list)  # predecessor -> link ids
        self.children: Children = {}
        self.key_to_id: dict[str, int] = {}
        self.counts: Counter[int] = Counter()  # items per release
        self.settings: PlanSettings = defaults()
        self.holidays: frozenset[dt.date] = frozenset()
        self.inputs: dict[int, ScheduleItem] = {}
        self.input_links: dict[int, ScheduleLink] = {}
        self.result: ScheduleTable | None = None
        self.cycles: tuple[tuple[str, ...], ...] = ()
        self.on_cycle: frozenset[int] = frozenset()
        self.schedule_error = ""
        self._rows: dict[int, ItemRow] = {}
        self._release_rows: dict[int, ReleaseRow] = {}
        self._outlines: dict[int, tuple[list[int], dict[int, int]]] = {}
        self._job_running = False
        self._job_wanted = False
        self._closed = False

    # -- loading -----------------------------------------------------------------------------

    def load(self, session: Session, progress: Progress | None = None) -> None:
        """Read the whole plan (no ORM objects: this is the open path of 100,000 items)."""
        # About a million small tuples: with the collector on, the load took 1.7 s, not 0.6 s.
        with long_lived():
            self._load(session, progress)
        self.scheduler.start(self)

    def _load(self, session: Session, progress: Progress | None) -> None:
        if progress:
            progress(0, 3, "Reading releases and settings")
        parse = DateParser()
        self._set_releases(_read(session, _RELEASE_SQL, ReleaseRecord, _RELEASE_DATES, parse))
        self.settings = read_settings(session)
        self.holidays = read_holidays(session)
        if progress:
            progress(1, 3, "Reading work items")
        records: list[ItemRecord] = _read(session, _ITEM_SQL, ItemRecord, _ITEM_DATES, parse)
        links: list[LinkRecord] = [LinkRecord._make(r) for r in plain_rows(session, _LINK_SQL)]
        if progress:
            progress(2, 3, f"Indexing {len(records):,} items and {len(links):,} links")
        self.items = {r.id: r for r in records}
        self.key_to_id = {r.key: r.id for r in records}
        self.inputs = {r.id: schedule_item(r) for r in records}
        self.counts = Counter(r.release_id for r in records)
        records.sort(key=lambda r: (r.position, r.id))
        children: Children = defaultdict(list)
        for r in records:
            children[(r.release_id, r.parent_id)].append(r.id)
        self.children = dict(children)
        self.links = {link.id: link for link in links}
        self.preds, self.succs = defaultdict(list), defaultdict(list)
        for link in links:
            self.preds[link.successor_id].append(link.id)
            self.succs[link.predecessor_id].append(link.id)
        self.input_links = {link.id: schedule_link(link) for link in links}
        self._rows.clear()
        self._release_rows.clear()
        self._outlines.clear()
        if progress:
            progress(3, 3, "Ready")

    def _set_releases(self, records: list[ReleaseRecord]) -> None:
        records.sort(key=lambda r: (r.position, r.start_date or dt.date.max, r.id))
        self.releases = {r.id: r for r in records}
        self.release_order = [r.id for r in records]

    # -- scheduling --------------------------------------------------------------------------

    @property
    def scheduling(self) -> bool:
        """Whether a reschedule is running or asked for: shown dates may be a moment old."""
        return self._job_running or self._job_wanted

    def request_schedule(self) -> None:
        """Recompute the schedule from the current inputs (coalescing repeated requests)."""
        if self._closed:
            return
        if self._job_running:
            self._job_wanted = True
            return
        self._job_wanted = False
        self._job_running = True
        self.scheduler.request(self._job_done)

    def schedule_job(self) -> ScheduleJob:
        """A copy of the scheduler's inputs, for a run on another thread or in this one."""
        return ScheduleJob(
            list(self.inputs.values()),
            list(self.input_links.values()),
            self._release_bounds(),
            self.holidays,
            self.settings.work_week,
        )

    def _release_bounds(self) -> list[ReleaseBounds]:
        return [ReleaseBounds(r.id, r.start_date, r.target_date) for r in self.releases.values()]

    def _job_done(self, outcome: ScheduleOutcome | BaseException) -> None:
        self._job_running = False
        if self._closed:
            return
        if isinstance(outcome, BaseException):
            self.schedule_error = f"Scheduling failed: {outcome}"
            notice = ChangeNotice(reason="schedule", derived=True)
        else:
            notice = self._apply_outcome(outcome)
        if self._job_wanted:
            self.request_schedule()
        self.publish(notice)

    def _apply_outcome(self, outcome: ScheduleOutcome) -> ChangeNotice:
        problem_moved = self.on_cycle ^ outcome.on_cycle
        self.cycles, self.on_cycle = outcome.cycles, outcome.on_cycle
        self.schedule_error = outcome.error
        everything = False
        moved: frozenset[int] = problem_moved
        if outcome.table is not None:
            # Outcomes arrive in order, each against the one before: `moved` is exact.
            everything = outcome.moved is None
            moved |= outcome.moved or frozenset()
            self.result = outcome.table
        if everything:
            self._rows.clear()
            moved = frozenset(self.items)
        else:
            moved = frozenset(moved & self.items.keys())
            for item_id in moved:
                self._rows.pop(item_id, None)
        self._release_rows.clear()
        return ChangeNotice(
            updated=MappingProxyType({"work_items": moved, "releases": frozenset(self.releases)}),
            reason="schedule",
            derived=True,
        )

    def stored_dates(self) -> dict[int, tuple[dt.date | None, dt.date | None]]:
        """The scheduled dates the file held when the plan was read."""
        return {r.id: (r.scheduled_start, r.scheduled_finish) for r in self.items.values()}

    def retarget(self, store: PlanStore) -> None:
        """Work on another plan file from now on (after Save As); its derived dates are
        brought up to the current schedule."""
        self.store = store
        self.scheduler.retarget(store)

    def close(self) -> None:
        """Stop scheduling; waits for a run in hand (it may be writing derived dates)."""
        self._closed = True
        self.scheduler.close()

    # -- the unit of work's projection -------------------------------------------------------

    def stage(self, session: Session, notice: ChangeNotice) -> _Staged:
        """Read what `notice` says changed, inside the action's transaction; refuse cycles."""
        staged = _Staged(self, notice)
        parse = DateParser()
        changed = notice.created.get("work_items", frozenset()) | notice.updated.get(
            "work_items", frozenset()
        )
        if changed:
            records = _read(session, _where_ids(_ITEM_SQL, changed), ItemRecord, _ITEM_DATES, parse)
            staged.items = {r.id: r for r in records}
        staged.gone_items = notice.deleted.get("work_items", frozenset())
        changed = notice.created.get("dependencies", frozenset()) | notice.updated.get(
            "dependencies", frozenset()
        )
        if changed:
            rows = plain_rows(session, _where_ids(_LINK_SQL, changed))
            staged.links = {r[0]: LinkRecord._make(r) for r in rows}
        staged.gone_links = notice.deleted.get("dependencies", frozenset())
        if notice.touches("releases"):
            staged.releases = _read(session, _RELEASE_SQL, ReleaseRecord, _RELEASE_DATES, parse)
        if notice.touches("plan_settings"):
            staged.settings = read_settings(session)
        if notice.touches("calendar_entries"):
            staged.holidays = read_holidays(session)
        self._refuse_cycles(staged)
        return staged

    def _refuse_cycles(self, staged: _Staged) -> None:
        """No new or changed link may close a loop in the graph as it will be after the
        action; one pass over what lies downstream of the links, however many there are (an
        import adds 100,000 at once, and a search per link is quadratic on long chains).

        A loop through a new link passes through its successor, so only the nodes reachable
        from the new links' successors can hold one. Kahn's algorithm peels off every node of
        them not on a loop (nor downstream of one); strongly connected components of what
        is left say which loops close through a new link. Loops made outside Gantry that no
        new link touches do not refuse the action (the plan marks them, see `problems`)."""
        if not staged.links:
            return
        gone = staged.gone_links | staged.links.keys()
        added: dict[int, list[int]] = {}
        for link in staged.links.values():
            added.setdefault(link.predecessor_id, []).append(link.successor_id)
        following: dict[int, list[int]] = {}
        pending = [link.successor_id for link in staged.links.values()]
        while pending:
            node = pending.pop()
            if node in following:
                continue
            out = [self.links[i].successor_id for i in self.succs.get(node, ()) if i not in gone]
            out.extend(added.get(node, ()))
            following[node] = out
            pending.extend(n for n in out if n not in following)
        waiting = dict.fromkeys(following, 0)
        for out in following.values():
            for node in out:
                waiting[node] += 1
        ready = [node for node, count in waiting.items() if count == 0]
        while ready:
            for node in following[ready.pop()]:
                waiting[node] -= 1
                if waiting[node] == 0:
                    ready.append(node)
        stuck = {node for node, count in waiting.items() if count}
        if not stuck:
            return
        # Only the refusal path pays for networkx.
        import networkx as nx

        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_edges_from((u, v) for u in stuck for v in following[u] if v in stuck)
        component: dict[int, int] = {}
        for number, members in enumerate(nx.strongly_connected_components(graph)):
            component.update(dict.fromkeys(members, number))
        for link in sorted(staged.links.values()):
            start, goal = link.successor_id, link.predecessor_id
            if start not in stuck or component.get(start) != component.get(goal):
                continue
            # Read from the item being linked: it leads back to its new predecessor.
            loop = [*nx.shortest_path(graph, start, goal), start]
            raise ValidationError(
                f"Dependency cycle: {' -> '.join(self._key(staged, i) for i in loop)}"
            )

    def _key(self, staged: _Staged, item_id: int) -> str:
        record = staged.items.get(item_id) or self.items.get(item_id)
        return record.key if record else f"#{item_id}"

    def apply(self, staged: _Staged) -> ChangeNotice:
        """Bring the state in step with a committed action; returns the notice to announce,
        widened to the rows whose shown values changed with it (a renamed predecessor)."""
        reschedule = False
        rows: set[int] = set()
        outlines: set[int] = set()
        resort: set[tuple[int, int | None]] = set()

        for link_id in staged.gone_links:
            old_link = self.links.pop(link_id, None)
            if old_link is not None:
                self._unindex_link(old_link)
                rows.add(old_link.successor_id)
                reschedule = True
        for item_id in staged.gone_items:
            old = self.items.pop(item_id, None)
            if old is None:
                continue
            self.inputs.pop(item_id, None)
            if self.key_to_id.get(old.key) == item_id:
                del self.key_to_id[old.key]
            self._unplace(old, rows)
            self.children.pop((old.release_id, item_id), None)
            self.counts[old.release_id] -= 1
            outlines.add(old.release_id)
            reschedule = True
        for record in staged.items.values():
            old_record = self.items.get(record.id)
            self.items[record.id] = record
            self.inputs[record.id] = schedule_item(record)
            rows.add(record.id)
            if old_record is None or old_record[1:3] != record[1:3]:
                if old_record is not None:
                    self._unplace(old_record, rows)
                    self.counts[old_record.release_id] -= 1
                    outlines.add(old_record.release_id)
                place = (record.release_id, record.parent_id)
                self.children.setdefault(place, []).append(record.id)
                if record.parent_id is not None:
                    rows.add(record.parent_id)  # it may have just got its first child
                self.counts[record.release_id] += 1
                resort.add(place)
                outlines.add(record.release_id)
            elif old_record.position != record.position:
                resort.add((record.release_id, record.parent_id))
                outlines.add(record.release_id)
            if old_record is None or old_record.key != record.key:
                if old_record is not None and self.key_to_id.get(old_record.key) == record.id:
                    del self.key_to_id[old_record.key]
                self.key_to_id[record.key] = record.id
                rows.update(self.links[i].successor_id for i in self.succs.get(record.id, ()))
            if old_record is None or any(
                getattr(old_record, name) != getattr(record, name) for name in _SCHEDULED_FIELDS
            ):
                reschedule = True
        for link in staged.links.values():
            old_link = self.links.get(link.id)
            if old_link is not None:
                self._unindex_link(old_link)
                rows.add(old_link.successor_id)
            self.links[link.id] = link
            self.preds[link.successor_id].append(link.id)
            self.preds[link.successor_id].sort()
            self.succs[link.predecessor_id].append(link.id)
            self.input_links[link.id] = schedule_link(link)
            rows.add(link.successor_id)
            reschedule = True
        for place in resort:
            siblings = self.children.get(place)
            if siblings:
                siblings.sort(key=lambda i: (self.items[i].position, i))
        if staged.releases is not None:
            before = {r.id: (r.start_date, r.target_date) for r in self.releases.values()}
            self._set_releases(staged.releases)
            after = {r.id: (r.start_date, r.target_date) for r in self.releases.values()}
            reschedule = reschedule or before != after
            outlines.update(before.keys() ^ after.keys())
        if staged.settings is not None:
            if staged.settings.work_week != self.settings.work_week:
                reschedule = True
            self.settings = staged.settings
        if staged.holidays is not None and staged.holidays != self.holidays:
            self.holidays = staged.holidays
            reschedule = True
        for release_id in outlines:
            self._outlines.pop(release_id, None)
        rows -= staged.gone_items
        for item_id in rows | staged.gone_items:
            self._rows.pop(item_id, None)
        self._release_rows.clear()
        self._send_delta(staged)
        staged.reschedule = reschedule
        notice = staged.notice
        extra = rows - notice.ids("work_items")
        if not extra:
            return notice
        updated = dict(notice.updated)
        updated["work_items"] = updated.get("work_items", frozenset()) | extra
        return ChangeNotice(notice.created, updated, notice.deleted, notice.reason)

    def _send_delta(self, staged: _Staged) -> None:
        """Tell the scheduler what the committed action changed in its inputs."""
        delta = InputDelta(
            items=tuple(self.inputs[i] for i in staged.items),
            items_gone=tuple(staged.gone_items),
            links=tuple((i, self.input_links[i]) for i in staged.links),
            links_gone=tuple(staged.gone_links),
            releases=tuple(self._release_bounds()) if staged.releases is not None else None,
            holidays=self.holidays if staged.holidays is not None else None,
            workdays=self.settings.work_week if staged.settings is not None else None,
        )
        if delta != InputDelta():
            self.scheduler.update(delta)

    def _unplace(self, record: ItemRecord, rows: set[int]) -> None:
        place = (record.release_id, record.parent_id)
        siblings = self.children.get(place)
        if siblings and record.id in siblings:
            siblings.remove(record.id)
            if not siblings:
                del self.children[place]
                if record.parent_id is not None:
                    rows.add(record.parent_id)  # no longer has children

    def _unindex_link(self, link: LinkRecord) -> None:
        self.input_links.pop(link.id, None)
        for index, node in ((self.preds, link.successor_id), (self.succs, link.predecessor_id)):
            ids = index.get(node)
            if ids and link.id in ids:
                ids.remove(link.id)

    # -- reading -----------------------------------------------------------------------------

    def outline(self, release_id: int) -> list[int]:
        """The release's item ids in outline order: each parent before its children."""
        return self._outline(release_id)[0]

    def outline_depths(self, release_id: int) -> dict[int, int]:
        """Each item's depth in the release's outline (0 for top-level items)."""
        return self._outline(release_id)[1]

    def _outline(self, release_id: int) -> tuple[list[int], dict[int, int]]:
        cached = self._outlines.get(release_id)
        if cached is not None:
            return cached
        order: list[int] = []
        depth: dict[int, int] = {}
        children = self.children
        stack = [(i, 0) for i in reversed(children.get((release_id, None), ()))]
        while stack:
            item_id, level = stack.pop()
            order.append(item_id)
            depth[item_id] = level
            kids = children.get((release_id, item_id))
            if kids:
                stack.extend((kid, level + 1) for kid in reversed(kids))
        self._outlines[release_id] = (order, depth)
        return order, depth

    def row(self, item_id: int) -> ItemRow:
        """The item as views show it; KeyError when there is no such item."""
        row = self._rows.get(item_id)
        if row is None:
            row = self._rows[item_id] = self._build_row(self.items[item_id])
        return row

    def predecessor_text(self, item_id: int) -> str:
        texts = []
        for link_id in self.preds.get(item_id, ()):
            link = self.links[link_id]
            pred = self.items.get(link.predecessor_id)
            key = pred.key if pred else f"#{link.predecessor_id}"
            texts.append(LinkSpec(key, link.type, link.lag).text())
        return "; ".join(texts)

    def _build_row(self, r: ItemRecord) -> ItemRow:
        dates = self.result.dates(r.id) if self.result is not None else None
        depth = self._outline(r.release_id)[1].get(r.id, 0)
        problem = ""
        if r.id in self.on_cycle:
            problem = "On a dependency cycle: " + "; ".join(
                " -> ".join([*cycle, cycle[0]]) for cycle in self.cycles if r.key in cycle
            )
        if dates is None:
            # Not scheduled yet (the plan is still opening): the dates last stored.
            start, finish = r.scheduled_start, r.scheduled_finish
            late_start = late_finish = None
            total = free = None
            critical = False
        else:
            start, finish = dates.start, dates.finish
            late_start, late_finish = dates.late_start, dates.late_finish
            total, free, critical = dates.total_slack, dates.free_slack, dates.critical
        return ItemRow(
            id=r.id,
            release_id=r.release_id,
            parent_id=r.parent_id,
            depth=depth,
            kind=r.kind,
            key=r.key,
            name=r.name,
            duration=r.duration,
            not_before=r.not_before,
            owner=r.owner,
            status=r.status,
            percent_complete=r.percent_complete,
            actual_start=r.actual_start,
            actual_finish=r.actual_finish,
            notes=r.notes,
            predecessors=self.predecessor_text(r.id),
            start=start,
            finish=finish,
            late_start=late_start,
            late_finish=late_finish,
            total_slack=total,
            free_slack=free,
            critical=critical,
            has_children=(r.release_id, r.id) in self.children,
            problem=problem,
        )

    def release_row(self, release_id: int) -> ReleaseRow:
        row = self._release_rows.get(release_id)
        if row is None:
            r = self.releases[release_id]
            outcome = self.result.releases.get(r.id) if self.result is not None else None
            row = self._release_rows[release_id] = ReleaseRow(
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
                description=r.description,
                item_count=self.counts.get(r.id, 0),
                finish=outcome.finish if outcome else None,
                late_by=outcome.late_by if outcome else 0,
                train_id=r.train_id,
            )
        return row

    def is_critical(self, item_id: int) -> bool:
        return self.result is not None and self.result.is_critical(item_id)

    def critical_path(self) -> list[int]:
        if self.result is None:
            return []
        return [i for i in self.result.critical_path if i in self.items]

    def problems(self) -> list[str]:
        found = ["Dependency cycle: " + " -> ".join([*cycle, cycle[0]]) for cycle in self.cycles]
        if self.schedule_error and not self.cycles:
            found.append(self.schedule_error)
        return found


class StateService:
    """A domain service over the plan state: it reads there and edits through the unit of
    work (work items, releases, plan settings)."""

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        self._state = state
        self._uow = uow

    @property
    def read_only(self) -> bool:
        return self._uow.read_only
