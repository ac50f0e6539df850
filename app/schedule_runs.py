"""Running the scheduler on a snapshot of its inputs, inline or on a worker thread.

A 100,000-item plan takes about a second to schedule, so the window must not wait for it:
an edit commits at once, and the new dates follow when this job is done. The job works on
copies (items, links, a calendar of its own), never on the live plan state, so it can run on
any thread; its outcome is handed back to the thread that owns the state.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, bindparam, update

from app.scheduling import (
    CycleError,
    ReleaseBounds,
    ScheduleInputError,
    ScheduleItem,
    ScheduleLink,
    ScheduleResult,
    WorkCalendar,
    schedule,
)
from app.store import PlanStore
from models import WorkItem

log = logging.getLogger(__name__)
R = TypeVar("R")
Dates = tuple[dt.date | None, dt.date | None]

# Derived dates are written in batches, each its own short transaction, so an edit waiting
# for SQLite's write lock waits for one batch at most, not for the whole plan.
WRITE_BATCH = 2000


@dataclass(frozen=True, slots=True)
class ScheduleJob:
    """Everything one scheduling run reads, copied from the plan state when it was asked."""

    items: Sequence[ScheduleItem]
    links: Sequence[ScheduleLink]
    releases: Sequence[ReleaseBounds]
    holidays: frozenset[dt.date]
    workdays: frozenset[int]
    previous: ScheduleResult | None  # what the state shows now, to tell what moved


@dataclass(frozen=True, slots=True)
class ScheduleOutcome:
    result: ScheduleResult | None  # None when the data cannot be scheduled at all
    previous: ScheduleResult | None
    moved: frozenset[int] | None  # items whose dates changed; None: consider all of them
    cycles: tuple[tuple[str, ...], ...]  # keys along each dependency cycle found
    on_cycle: frozenset[int]  # ids of the items on those cycles
    error: str  # why nothing could be scheduled ("" when it could)


def compute(job: ScheduleJob) -> ScheduleOutcome:
    """Schedule the job's plan; a plan with cycles is still scheduled without their links."""
    calendar = WorkCalendar(job.holidays, job.workdays)
    starts = [r.start for r in job.releases if r.start is not None]
    plan_start = min(starts) if starts else None
    cycles: tuple[tuple[str, ...], ...] = ()
    on_cycle: frozenset[int] = frozenset()
    links = job.links
    try:
        try:
            result = schedule(job.items, links, calendar, job.releases, plan_start)
        except CycleError as exc:
            # A cycle made outside Gantry must not hide the rest of the plan: set the links
            # between the items on cycles aside and schedule everything else.
            cycles = tuple(tuple(cycle) for cycle in exc.cycles)
            keys = {key for cycle in exc.cycles for key in cycle}
            on_cycle = frozenset(item.id for item in job.items if item.key in keys)
            links = [
                link
                for link in links
                if link.predecessor not in on_cycle or link.successor not in on_cycle
            ]
            result = schedule(job.items, links, calendar, job.releases, plan_start)
    except (CycleError, ScheduleInputError) as exc:
        return ScheduleOutcome(None, job.previous, None, cycles, on_cycle, str(exc))
    previous = job.previous
    moved = (
        None
        if previous is None
        else frozenset(
            item_id
            for item_id, dates in result.items.items()
            if previous.items.get(item_id) != dates
        )
    )
    return ScheduleOutcome(result, previous, moved, cycles, on_cycle, "")


class DerivedDates:
    """Keeps the file's scheduled_start/finish columns equal to the latest schedule.

    Other readers of the file (a spreadsheet, sqlite3) see dates without scheduling. Owned by
    whichever thread runs the jobs: only jobs, one at a time, touch it.
    """

    def __init__(self, store: PlanStore, stored: dict[int, Dates]) -> None:
        self._store = store
        self._stored = stored

    def snapshot(self) -> dict[int, Dates]:
        return dict(self._stored)

    def write(self, result: ScheduleResult, moved: frozenset[int] | None) -> int:
        """Write the dates that differ from the file's; returns how many rows were written."""
        candidates = result.items.keys() if moved is None else moved
        changed: list[tuple[int, dt.date, dt.date]] = []
        for item_id in candidates:
            dates = result.items.get(item_id)
            if dates is not None and self._stored.get(item_id) != (dates.start, dates.finish):
                changed.append((item_id, dates.start, dates.finish))
        table: Table = WorkItem.__table__  # type: ignore[assignment]
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(scheduled_start=bindparam("b_start"), scheduled_finish=bindparam("b_finish"))
        )
        for first in range(0, len(changed), WRITE_BATCH):
            batch = changed[first : first + WRITE_BATCH]
            # Core statements bypass the ORM, so derived dates never enter the audit trail.
            with self._store.transaction() as session:
                session.connection().execute(
                    statement,
                    [
                        {"b_id": i, "b_start": start, "b_finish": finish}
                        for i, start, finish in batch
                    ],
                )
            for item_id, start, finish in batch:
                self._stored[item_id] = (start, finish)
        return len(changed)


class Executor(Protocol):
    """Runs `work` somewhere and calls `done` with its result (or the exception it raised)
    on the thread that owns the plan state."""

    def submit(self, work: Callable[[], R], done: Callable[[R | BaseException], None]) -> None: ...

    def drain(self) -> None:
        """Wait until the work submitted so far has run (its `done` may still be on its way)."""

    def close(self) -> None: ...


def _deliver(done: Callable[[Any], None], result: Any) -> Callable[[], None]:
    return lambda: done(result)


class InlineExecutor:
    """Runs the work at once on the caller's thread: the command line and plain tests."""

    def submit(self, work: Callable[[], R], done: Callable[[R | BaseException], None]) -> None:
        try:
            result: R | BaseException = work()
        except Exception as exc:  # handed to `done`, as a worker thread would
            result = exc
        done(result)

    def drain(self) -> None:
        return None

    def close(self) -> None:
        return None


class ThreadExecutor:
    """One worker thread that runs submitted work in order.

    `post` carries a callable over to the thread that owns the plan state (the UI passes one
    that queues it onto Qt's event loop); close() waits for the work already submitted.
    """

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post
        self._queue: queue.Queue[tuple[Callable[[], Any], Callable[[Any], None]] | None] = (
            queue.Queue()
        )
        self._thread = threading.Thread(target=self._loop, name="gantry-scheduler", daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[], R], done: Callable[[R | BaseException], None]) -> None:
        self._queue.put((work, done))

    def _loop(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                self._queue.task_done()
                return
            work, done = task
            try:
                result = work()
            except Exception as exc:
                log.exception("A background schedule run failed")
                result = exc
            finally:
                self._queue.task_done()
            self._post(_deliver(done, result))

    def drain(self) -> None:
        if self._thread.is_alive():
            self._queue.join()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
