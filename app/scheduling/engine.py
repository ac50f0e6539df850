"""Critical-path scheduling: early and late dates, slack and roll-ups over working days."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass, fields, make_dataclass
from datetime import date
from operator import add, attrgetter, sub
from typing import TYPE_CHECKING, Literal, NamedTuple

from app.scheduling.calendar import WorkCalendar

if TYPE_CHECKING:
    import networkx as nx

Kind = Literal["task", "milestone", "phase"]
LinkType = Literal["FS", "SS", "FF", "SF"]

_KINDS = frozenset({"task", "milestone", "phase"})
_LINK_FIELDS = attrgetter("predecessor", "successor", "type", "lag")
_UNBOUNDED = 1 << 62  # beyond any working-day index, so "no successor yet" needs no None test


# Inputs are NamedTuples rather than frozen dataclasses: a 100,000-item plan builds 300,000 of
# them per schedule, and a frozen dataclass costs about three times as much to construct.
class ScheduleItem(NamedTuple):
    id: int
    key: str
    kind: Kind
    duration: int
    release: int | None = None
    parent: int | None = None
    not_before: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None


class ScheduleLink(NamedTuple):
    predecessor: int
    successor: int
    type: LinkType = "FS"
    lag: int = 0


@dataclass(frozen=True, slots=True)
class ReleaseBounds:
    id: int
    start: date | None = None
    target: date | None = None


@dataclass(frozen=True, slots=True)
class ItemDates:
    start: date
    finish: date
    late_start: date
    late_finish: date
    total_slack: int
    free_slack: int
    critical: bool


# A frozen dataclass sets each field through object.__setattr__, which made building the
# result the slowest step of a large schedule (about a third of it at 100k items). This
# mutable twin has the same slot layout, so the engine creates twins at plain-class speed
# and relabels them as ItemDates; callers get ordinary, immutable ItemDates objects.
_ItemDatesDraft = make_dataclass(
    "_ItemDatesDraft", [(field.name, field.type) for field in fields(ItemDates)], slots=True
)


@dataclass(frozen=True, slots=True)
class ReleaseOutcome:
    id: int
    finish: date | None
    target: date | None
    slack: int | None
    late_by: int  # working days the release's latest finish lies past its target; 0 when on time


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    items: dict[int, ItemDates]
    releases: dict[int, ReleaseOutcome]
    critical_path: list[int]  # ids of critical tasks and milestones in start order


class ScheduleInputError(ValueError):
    """The items or links cannot be scheduled as given."""


class CycleError(ValueError):
    """Dependencies form at least one cycle; ``cycles`` lists the keys along each one."""

    def __init__(self, cycles: list[list[str]]) -> None:
        self.cycles = cycles
        text = "; ".join(" -> ".join([*cycle, cycle[0]]) for cycle in cycles)
        noun = "cycle" if len(cycles) == 1 else "cycles"
        super().__init__(f"Dependency {noun}: {text}")


def schedule(
    items: Sequence[ScheduleItem],
    links: Sequence[ScheduleLink],
    calendar: WorkCalendar,
    releases: Sequence[ReleaseBounds] = (),
    plan_start: date | None = None,
) -> ScheduleResult:
    """Schedule every item as early as its constraints allow and derive late dates and slack.

    Time is counted in working-day indices of ``calendar``: a task of duration d occupies
    [s, s + d) and a milestone is the moment m between days m - 1 and m. It keeps the time of
    day of what places it, the end of day m - 1 after a finish or the start of day m after a
    start, and shows on that day (see ARCHITECTURE.md, "Scheduling semantics").
    Raises ScheduleInputError for malformed input and CycleError for dependency cycles.
    """
    # The passes allocate about a million small containers and create no reference cycles;
    # left on, the collector would rescan all of them several times over for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _schedule(items, links, calendar, releases, plan_start)
    finally:
        if collecting:
            gc.enable()


def _schedule(
    items: Sequence[ScheduleItem],
    links: Sequence[ScheduleLink],
    calendar: WorkCalendar,
    releases: Sequence[ReleaseBounds],
    plan_start: date | None,
) -> ScheduleResult:
    n = len(items)
    index = {item.id: i for i, item in enumerate(items)}
    if len(index) != n:
        seen: set[int] = set()
        for item in items:
            if item.id in seen:
                raise ScheduleInputError(f"Duplicate item id {item.id} ({item.key})")
            seen.add(item.id)

    on_or_after = calendar.index_on_or_after
    on_or_before = calendar.index_on_or_before

    release_start: dict[int, int] = {}
    release_target: dict[int, int] = {}
    for bounds in releases:
        if bounds.start is not None:
            release_start[bounds.id] = on_or_after(bounds.start)
        if bounds.target is not None:
            release_target[bounds.id] = on_or_before(bounds.target) + 1
    if plan_start is not None:
        base = on_or_after(plan_start)
    elif release_start:
        base = min(release_start.values())
    else:
        base = 0

    # Per-item arrays indexed 0..n-1; the passes touch only these, never the dataclasses.
    dur = [0] * n
    est = [base] * n  # lower bound of the start, raised by predecessors in the forward pass
    pin: list[int | None] = [None] * n
    point = [0] * n  # 1 for milestones and zero-length tasks
    # A point's time of day at its index m: 0 for the end of day m - 1, 1 for the start of day
    # m (tasks keep 0). Every point is bounded by the plan or release start, which is a start,
    # so it begins at 1 until a finish places it at a later index.
    tod = [0] * n
    points: list[int] = []
    pinned_tod: dict[int, int] = {}
    phase = [False] * n
    release_of: list[int | None] = [None] * n
    members: dict[int | None, list[int]] = {}  # release id -> leaf items
    children: dict[int, list[int]] = {}  # phase -> direct children
    parent_of: dict[int, int] = {}

    for i, item in enumerate(items):
        kind = item.kind
        if kind not in _KINDS:
            raise ScheduleInputError(f"{item.key} has unknown kind {kind!r}")
        if item.parent is not None:
            p = index.get(item.parent)
            if p is None:
                raise ScheduleInputError(f"{item.key} belongs to unknown phase id {item.parent}")
            if items[p].kind != "phase":
                raise ScheduleInputError(
                    f"{item.key} has parent {items[p].key}, which is not a phase"
                )
            parent_of[i] = p
            siblings = children.get(p)
            if siblings is None:
                children[p] = [i]
            else:
                siblings.append(i)
        release = item.release
        release_of[i] = release
        if kind == "phase":
            phase[i] = True
            continue
        d = item.duration
        if d < 0:
            raise ScheduleInputError(f"{item.key} has negative duration {d}")
        # A zero-length task is a point in time, so it behaves exactly like a milestone.
        is_point = kind == "milestone" or d == 0
        if is_point:
            d = 0
            point[i] = tod[i] = 1
            points.append(i)
        group = members.get(release)
        if group is None:
            members[release] = [i]
        else:
            group.append(i)
        lower = base
        if release is not None:
            bound = release_start.get(release)
            if bound is not None and bound > lower:
                lower = bound
        not_before = item.not_before
        if not_before is not None:
            # A start on or after a date, for a milestone too: the start of the first working
            # day from it on.
            bound = on_or_after(not_before)
            if bound > lower:
                lower = bound
        est[i] = lower
        started, finished = item.actual_start, item.actual_finish
        if started is not None or finished is not None:
            pin[i], d, when = _pin_actuals(item, started, finished, d, is_point, calendar)
            if is_point:
                pinned_tod[i] = when
        dur[i] = d

    # A phase with children is rolled up from them. A childless one still gets dates: it is
    # scheduled as an unlinked zero-length item and shown on the first day it could start.
    network = [i for i in range(n) if not phase[i] or i not in children]
    empty_phases = [i for i in network if phase[i]]
    for i in empty_phases:
        item = items[i]
        lower = base
        if item.release is not None:
            lower = max(lower, release_start.get(item.release, lower))
        if item.not_before is not None:
            lower = max(lower, on_or_after(item.not_before))
        est[i] = lower

    # Durations are fixed by now, so every link type reduces to a difference constraint
    # between starts: start(v) - start(u) >= c, with c = lag + d(u) if the link leaves u's
    # finish, - d(v) if it reaches v's finish. Both passes then only add and compare.
    # Links into points live apart with the time of day they carry, so the hot loop over links
    # into tasks never looks at one: 0 from a task's finish, 1 from its start, and 0 from a
    # point, whose own time of day is added once the forward pass knows it.
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    # Few items lead into points: the rest share one empty list, never appended to.
    nothing: list[tuple[int, int, int]] = []
    into_point = [nothing] * n
    indegree = [0] * n
    get = index.get
    for pred_id, succ_id, link_type, lag in map(_LINK_FIELDS, links):
        u = get(pred_id)
        v = get(succ_id)
        if u is None or v is None or phase[u] or phase[v]:
            raise _link_error(items, index, pred_id, succ_id)
        if link_type == "FS":
            c = lag + dur[u]
        elif link_type == "SS":
            c = lag
        elif link_type == "FF":
            c = lag + dur[u] - dur[v]
        elif link_type == "SF":
            c = lag - dur[v]
        else:
            raise ScheduleInputError(
                f"Link {items[u].key} -> {items[v].key} has unknown type {link_type!r}"
            )
        indegree[v] += 1
        if not point[v]:
            out[u].append((v, c))
            continue
        carried = 0 if point[u] or link_type in ("FS", "FF") else 1
        ahead = into_point[u]
        if ahead:
            ahead.append((v, c, carried))
        else:
            into_point[u] = [(v, c, carried)]

    # Kahn's algorithm fused with the forward pass: a node is final once its last predecessor
    # has pushed into it. Appending to the list being iterated is the queue.
    order = [i for i in network if not indegree[i]]
    push = order.append
    for u in order:
        s = pin[u]
        if s is None:
            s = est[u]
        else:
            est[u] = s
            tod[u] = pinned_tod.get(u, 0)
        for v, c in out[u]:
            x = s + c
            if x > est[v]:
                est[v] = x
            k = indegree[v] - 1
            indegree[v] = k
            if not k:
                push(v)
        ahead = into_point[u]
        if ahead:
            f = tod[u]
            for v, c, g in ahead:
                # Moments compare as (index, time of day): at one index the start of the day
                # is the later time, so it wins.
                x = s + c
                g += f
                m = est[v]
                if x > m or (x == m and g > tod[v]):
                    est[v] = x
                    tod[v] = g
                k = indegree[v] - 1
                indegree[v] = k
                if not k:
                    push(v)
    if len(order) != len(network):
        stuck = [i for i in network if indegree[i]]
        raise CycleError(_find_cycles(items, stuck, out, into_point))

    # One past the last day each item shows on: a task's end; for a point its index, plus one
    # when it sits at the start of that day. Releases end, and are late, by what shows.
    reach = list(map(add, est, dur))
    starting = [i for i in points if tod[i]]
    for i in starting:
        reach[i] += 1

    # Late finishes start from the end of the release's target day, else of the last day
    # its items show on.
    overall_end = max((max(map(reach.__getitem__, g)) for g in members.values()), default=base)
    release_end: dict[int | None, int] = {None: overall_end}
    for release in set(release_of):
        if release is not None:
            target = release_target.get(release)
            if target is None:
                group = members.get(release)
                target = max(map(reach.__getitem__, group)) if group else overall_end
            release_end[release] = target
    late_bound = list(map(sub, map(release_end.__getitem__, release_of), dur))

    # Backward pass, computing free slack on the way: the latest start of u that leaves
    # every successor's early start where it is. A point's latest moment that delays nothing
    # is kept exactly, as (lst, late_tod) compared as in the forward pass: a task after it
    # allows up to the start of a day, the release up to the end of its last day, a point
    # after it what that point allows. Its own late date keeps the time of day of its early
    # date, so a critical milestone shows on one day early and late: it lies a day before
    # lst when that time of day is later than late_tod.
    lst = [0] * n
    late_tod = [0] * n
    total = [0] * n
    free = [0] * n
    for u in reversed(order):
        ls = bound = late_bound[u]
        keep = _UNBOUNDED
        for v, c in out[u]:
            x = lst[v] - c
            if x < ls:
                ls = x
            x = est[v] - c
            if x < keep:
                keep = x
        ahead = into_point[u]
        if point[u]:
            when = 1 if ls < bound else 0
            f = tod[u]
            for v, c, _ in ahead:
                x = lst[v] - c
                if x < ls or (x == ls and late_tod[v] < when):
                    ls = x
                    when = late_tod[v]
                # Reaching v's index at a later time of day than v keeps would move v on
                # the chart, so the link then allows one working day less.
                x = est[v] - c - (f > tod[v])
                if x < keep:
                    keep = x
            lst[u] = ls
            late_tod[u] = when
            if f > when:
                ls -= 1
        else:
            if ahead:
                for v, c, g in ahead:
                    x = lst[v] - c - (g > late_tod[v])
                    if x < ls:
                        ls = x
                    x = est[v] - c - (g > tod[v])
                    if x < keep:
                        keep = x
            lst[u] = ls
        s = est[u]
        ts = ls - s
        total[u] = ts
        fs = (bound if keep == _UNBOUNDED else keep) - s
        if ts < 0:
            free[u] = ts if ts < fs else fs
        else:
            free[u] = 0 if fs < 0 else (ts if fs > ts else fs)

    # Displayed days: a task shows [s, s + d - 1]; a point at m on day m - 1, or on day m
    # when it sits at the start of that day.
    before = (-1).__add__
    first_day = list(map(sub, est, point))
    last_day = list(map(before, reach))
    late_first = list(map(sub, lst, point))
    late_last = list(map(before, map(add, lst, dur)))
    for i in starting:
        first_day[i] += 1
        # Its own late moment, at the start of a day, lies at lst only if that is allowed.
        if late_tod[i]:
            late_first[i] += 1
            late_last[i] += 1
    critical = list(map((0).__ge__, total))
    for i in empty_phases:
        last_day[i] = first_day[i]
        late_last[i] = late_first[i]
    for p in _phases_innermost_first(items, children, parent_of):
        kids = children[p]
        first_day[p] = min(map(first_day.__getitem__, kids))
        last_day[p] = max(map(last_day.__getitem__, kids))
        late_first[p] = min(map(late_first.__getitem__, kids))
        late_last[p] = max(map(late_last.__getitem__, kids))
        total[p] = min(map(total.__getitem__, kids))
        free[p] = min(map(free.__getitem__, kids))
        critical[p] = any(map(critical.__getitem__, kids))

    low = min(min(first_day, default=0), min(late_first, default=0))
    high = max(max(last_day, default=0), max(late_last, default=0))
    day = calendar.dates_of_range(low, high).__getitem__
    rebase = (-low).__add__
    dates = list(
        map(
            _ItemDatesDraft,
            map(day, map(rebase, first_day)),
            map(day, map(rebase, last_day)),
            map(day, map(rebase, late_first)),
            map(day, map(rebase, late_last)),
            total,
            free,
            critical,
        )
    )
    for draft in dates:
        draft.__class__ = ItemDates
    result: dict[int, ItemDates] = dict(zip(index, dates, strict=True))

    outcomes: dict[int, ReleaseOutcome] = {}
    wanted = {bounds.id: bounds.target for bounds in releases}
    for release in members:
        if release is not None and release not in wanted:
            wanted[release] = None
    for release, target_date in wanted.items():
        group = members.get(release)
        if not group:
            outcomes[release] = ReleaseOutcome(release, None, target_date, None, 0)
            continue
        end = max(map(reach.__getitem__, group))
        target_end = release_target.get(release)
        late_by = 0 if target_end is None or end <= target_end else end - target_end
        outcomes[release] = ReleaseOutcome(
            release,
            day(max(map(last_day.__getitem__, group)) - low),
            target_date,
            min(map(total.__getitem__, group)),
            late_by,
        )

    # In order of the first day each shows on; a stable sort of a topological order keeps a
    # milestone ahead of what it releases on the same day.
    path = [u for u in order if critical[u] and not phase[u]]
    path.sort(key=first_day.__getitem__)
    return ScheduleResult(result, outcomes, [items[u].id for u in path])


def _pin_actuals(
    item: ScheduleItem,
    started: date | None,
    finished: date | None,
    duration: int,
    is_point: bool,
    calendar: WorkCalendar,
) -> tuple[int, int, int]:
    """The start index, duration and (for a point) time of day that recorded dates imply."""
    if is_point:
        # A milestone reached on a recorded finish day sits at the end of that day. With only
        # a start recorded it is placed like any start, at the beginning of the day (as in MS
        # Project, where an actual start on a milestone is also its actual finish).
        if finished is not None:
            return calendar.index_on_or_before(finished) + 1, 0, 0
        assert started is not None
        return calendar.index_on_or_after(started), 0, 1
    if finished is None:
        assert started is not None
        return calendar.index_on_or_after(started), duration, 0
    end = calendar.index_on_or_before(finished) + 1
    if started is None:
        # Finished without a recorded start: it took its planned duration.
        return end - duration, duration, 0
    if finished < started:
        raise ScheduleInputError(f"{item.key} finished ({finished}) before it started ({started})")
    # Work done only on non-working days still counts as one working day.
    start = min(calendar.index_on_or_after(started), end - 1)
    return start, end - start, 0


def _link_error(
    items: Sequence[ScheduleItem], index: dict[int, int], pred_id: int, succ_id: int
) -> ScheduleInputError:
    u, v = index.get(pred_id), index.get(succ_id)
    if u is None or v is None:
        missing = pred_id if u is None else succ_id
        return ScheduleInputError(
            f"Link {pred_id} -> {succ_id} refers to unknown item id {missing}"
        )
    which = items[u].key if items[u].kind == "phase" else items[v].key
    return ScheduleInputError(
        f"Link {items[u].key} -> {items[v].key} touches phase {which}; "
        "dependencies must join tasks and milestones"
    )


def _phases_innermost_first(
    items: Sequence[ScheduleItem], children: dict[int, list[int]], parent_of: dict[int, int]
) -> list[int]:
    """Phases that have children, each after all of the phases nested in it."""
    depth: dict[int, int] = {}
    for i in children:
        chain: list[int] = []
        node: int | None = i
        while node is not None and node not in depth:
            if node in chain:
                loop = [*chain[chain.index(node) :], node]
                names = " -> ".join(items[j].key for j in loop)
                raise ScheduleInputError(f"Phases contain each other: {names}")
            chain.append(node)
            node = parent_of.get(node)
        known = depth[node] if node is not None else -1
        for j in reversed(chain):
            known += 1
            depth[j] = known
    return sorted(children, key=depth.__getitem__, reverse=True)


def _find_cycles(
    items: Sequence[ScheduleItem],
    stuck: list[int],
    out: list[list[tuple[int, int]]],
    into_point: list[list[tuple[int, int, int]]],
) -> list[list[str]]:
    """Keys along cycles that together cover every item lying on some dependency cycle."""
    # Only the error path pays for networkx; the nodes Kahn's algorithm could not release are
    # the cycles plus whatever hangs off them downstream.
    import networkx as nx

    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(stuck)
    members = set(stuck)
    for u in stuck:
        for v, *_ in (*out[u], *into_point[u]):
            if v in members:
                graph.add_edge(u, v)
    cycles: list[list[str]] = []
    components = [
        sorted(component)
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or graph.has_edge(next(iter(component)), next(iter(component)))
    ]
    for component in sorted(components):
        sub = graph.subgraph(component)
        covered: set[int] = set()
        for start in component:
            if start in covered:
                continue
            loop = _shortest_cycle_through(sub, start)
            covered.update(loop)
            cycles.append([items[j].key for j in loop])
    return cycles


def _shortest_cycle_through(graph: nx.DiGraph[int], start: int) -> list[int]:
    """Nodes of a shortest cycle through ``start``, beginning with it."""
    # Breadth-first search back to ``start``; it lies in a strongly connected component, so a
    # cycle exists and the search always ends on it.
    came_from: dict[int, int] = {}
    frontier = [start]
    while frontier:
        following: list[int] = []
        for node in frontier:
            for succ in graph.successors(node):
                if succ == start:
                    loop = [node]
                    while node != start:
                        node = came_from[node]
                        loop.append(node)
                    loop.reverse()
                    return loop
                if succ not in came_from:
                    came_from[succ] = node
                    following.append(succ)
        frontier = following
    raise AssertionError("start is not on a cycle")
