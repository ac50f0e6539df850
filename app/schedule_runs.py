"""Running the scheduler: at once on the caller's thread, or in a process of its own.

A 100,000-item plan takes about half a second to schedule. The command line simply waits
(InlineScheduler). The window must not: its edits commit at once and the new dates follow
from a child process (ProcessScheduler, app/schedule_server.py) that keeps its own copy of
the scheduling inputs, read from the plan file and kept in step by small deltas. A thread
would not do: every call from Qt into Python needs the interpreter lock, and a scheduler
thread holding it made a table repaint take 300 ms instead of 30.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import struct
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Protocol

from app.heap import long_lived
from app.processes import child_environment, python_argv
from app.schedule_table import ScheduleTable
from app.scheduling import (
    CycleError,
    ReleaseBounds,
    ScheduleInputError,
    ScheduleItem,
    ScheduleLink,
    WorkCalendar,
    schedule,
)

if TYPE_CHECKING:  # the schedule process imports this module and must start light
    from app.store import PlanStore

log = logging.getLogger(__name__)
Dates = tuple[dt.date | None, dt.date | None]
Batch = list[tuple[int, dt.date, dt.date]]

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


@dataclass(frozen=True, slots=True)
class ScheduleOutcome:
    table: ScheduleTable | None  # None when the data cannot be scheduled at all
    moved: frozenset[int] | None  # items whose dates changed since the last run; None: all
    cycles: tuple[tuple[str, ...], ...] = ()  # keys along each dependency cycle found
    on_cycle: frozenset[int] = frozenset()  # ids of the items on those cycles
    error: str = ""  # why nothing could be scheduled ("" when it could)


def compute(job: ScheduleJob, previous: ScheduleTable | None) -> ScheduleOutcome:
    """Schedule the job's plan; a plan with cycles is still scheduled without their links."""
    # A run makes some 600,000 objects, the result among them: see app.heap.
    with long_lived():
        return _compute(job, previous)


def _compute(job: ScheduleJob, previous: ScheduleTable | None) -> ScheduleOutcome:
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
        return ScheduleOutcome(None, None, cycles, on_cycle, str(exc))
    table = ScheduleTable.of(result)
    return ScheduleOutcome(table, table.moved_since(previous), cycles, on_cycle)


class DerivedDates:
    """Keeps the file's scheduled_start/finish columns equal to the latest schedule, so other
    readers of the file (a spreadsheet, sqlite3) see dates without scheduling."""

    def __init__(self, write_batch: Callable[[Batch], None], stored: dict[int, Dates]) -> None:
        self._write_batch = write_batch
        self._stored = stored

    def snapshot(self) -> dict[int, Dates]:
        return dict(self._stored)

    def write(self, table: ScheduleTable, moved: frozenset[int] | None) -> int:
        """Write the dates that differ from the file's; returns how many rows were written."""
        index = table.index
        day = dt.date.fromordinal
        changed: Batch = []
        for item_id in index if moved is None else moved:
            n = index.get(item_id)
            if n is None:
                continue
            dates = (day(table.first[n]), day(table.last[n]))
            if self._stored.get(item_id) != dates:
                changed.append((item_id, *dates))
        for first in range(0, len(changed), WRITE_BATCH):
            batch = changed[first : first + WRITE_BATCH]
            self._write_batch(batch)
            for item_id, start, finish in batch:
                self._stored[item_id] = (start, finish)
        return len(changed)


@dataclass(frozen=True, slots=True)
class InputDelta:
    """What one committed edit changed in the scheduler's inputs."""

    items: tuple[ScheduleItem, ...] = ()
    items_gone: tuple[int, ...] = ()
    links: tuple[tuple[int, ScheduleLink], ...] = ()  # (link id, link)
    links_gone: tuple[int, ...] = ()
    releases: tuple[ReleaseBounds, ...] | None = None  # all of them, when any changed
    holidays: frozenset[dt.date] | None = None
    workdays: frozenset[int] | None = None


Done = Callable[[ScheduleOutcome | BaseException], None]


class Inputs(Protocol):
    """What a scheduler needs of the plan state."""

    store: PlanStore

    def schedule_job(self) -> ScheduleJob: ...

    def stored_dates(self) -> dict[int, Dates]: ...


class Scheduler(Protocol):
    def start(self, inputs: Inputs) -> None:
        """The plan has been read: keep its inputs from here on."""

    def update(self, delta: InputDelta) -> None:
        """An edit committed: bring the inputs in step."""

    def request(self, done: Done) -> None:
        """Schedule the current inputs; `done` gets the outcome on the state's thread."""

    def retarget(self, store: PlanStore) -> None:
        """Derived dates go to this plan file from now on (after Save As)."""

    def drain(self) -> None:
        """Wait until the runs asked for so far have written their dates."""

    def close(self) -> None: ...


class InlineScheduler:
    """Schedules at once, on the caller's thread: the command line and plain tests."""

    def __init__(self) -> None:
        self._inputs: Inputs | None = None
        self._table: ScheduleTable | None = None
        self._derived: DerivedDates | None = None

    def start(self, inputs: Inputs) -> None:
        self._inputs = inputs
        self._derived = self._derived_for(inputs.store, inputs.stored_dates())

    @staticmethod
    def _derived_for(store: PlanStore, stored: dict[int, Dates]) -> DerivedDates | None:
        return None if store.read_only else DerivedDates(store.write_scheduled_dates, stored)

    def update(self, delta: InputDelta) -> None:
        return None  # each run reads the state's inputs afresh

    def request(self, done: Done) -> None:
        assert self._inputs is not None, "start() comes first"
        try:
            outcome = compute(self._inputs.schedule_job(), self._table)
            if outcome.table is not None:
                self._table = outcome.table
                if self._derived is not None:
                    self._derived.write(outcome.table, outcome.moved)
        except Exception as exc:  # handed to `done`, as from another process
            done(exc)
            return
        done(outcome)

    def retarget(self, store: PlanStore) -> None:
        stored = self._derived.snapshot() if self._derived else {}
        if self._inputs is not None and not stored:
            stored = self._inputs.stored_dates()
        self._derived = self._derived_for(store, stored)
        if self._derived is not None and self._table is not None:
            self._derived.write(self._table, None)

    def drain(self) -> None:
        return None

    def close(self) -> None:
        return None


# -- the schedule process ------------------------------------------------------------------------

_HEADER = struct.Struct("!I")


def send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


@dataclass(slots=True)
class _Waiting:
    done: list[Done] = field(default_factory=list)
    synced: dict[int, threading.Event] = field(default_factory=dict)


class ProcessScheduler:
    """Schedules in a child process (`python -m app.schedule_server`).

    The child reads the plan file itself, receives each edit's InputDelta, and answers every
    request with the schedule as a ScheduleTable: arrays, so the answer crosses over as a few
    blocks of memory. It also writes the derived dates. `post` carries a callable over to the
    thread that owns the plan state (the window passes one that queues it on Qt's loop).
    """

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._waiting = _Waiting()
        self._lock = threading.Lock()
        self._syncs = 0
        self._failed = ""  # why the process stopped answering, once it has

    def start(self, inputs: Inputs) -> None:
        store = inputs.store
        self._process = subprocess.Popen(
            python_argv("-m", "app.schedule_server"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # the child's own errors reach the console, as ours do
            env=child_environment(),
        )
        self._reader = threading.Thread(target=self._read, name="gantry-schedule", daemon=True)
        self._reader.start()
        self._send(("open", str(store.path), store.read_only))

    def _send(self, message: Any) -> bool:
        """Send a message; False once the process is gone (its failure was delivered)."""
        process = self._process
        if process is None or process.stdin is None or self._failed:
            return False
        try:
            send(process.stdin, message)
        except OSError:
            return False  # it ended; the reader says why
        return True

    def update(self, delta: InputDelta) -> None:
        self._send(("update", delta))

    def request(self, done: Done) -> None:
        with self._lock:
            failed = self._failed
            if not failed:
                self._waiting.done.append(done)
        if failed:
            self._post(_deliver(done, RuntimeError(failed)))
        else:
            self._send(("schedule",))

    def retarget(self, store: PlanStore) -> None:
        self._send(("retarget", str(store.path), store.read_only))

    def drain(self) -> None:
        event = threading.Event()
        with self._lock:
            self._syncs += 1
            number = self._syncs
            self._waiting.synced[number] = event
        if self._send(("sync", number)):
            event.wait()

    def _read(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        while True:
            try:
                message = receive(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                message = ("failed", f"the schedule process sent something unreadable ({exc})")
            if message is None:
                message = ("failed", f"the schedule process ended (exit {process.wait()})")
            kind = message[0]
            if kind == "synced":
                with self._lock:
                    event = self._waiting.synced.pop(message[1], None)
                if event is not None:
                    event.set()
                continue
            if kind == "stopped":
                return
            with self._lock:
                done = self._waiting.done.pop(0) if self._waiting.done else None
            result = _outcome(message)
            if done is not None:
                self._post(_deliver(done, result))
            if kind == "failed":
                log.error("Scheduling stopped: %s", message[1])
                with self._lock:
                    self._failed = message[1]
                    pending, self._waiting.done = self._waiting.done, []
                    events = list(self._waiting.synced.values())
                for waiting in pending:
                    self._post(_deliver(waiting, result))
                for event in events:
                    event.set()
                return

    def close(self) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        try:
            if process.stdin is not None:
                send(process.stdin, ("stop",))
                process.stdin.close()
        except OSError:
            pass  # it is gone already
        # It finishes the run in hand and writes its dates first, then says "stopped" and
        # ends. (Waiting on the reader rather than Popen.wait(timeout): that one sleeps with
        # time.sleep, which libfaketime, under which CI runs the suite, makes fail.)
        reader = self._reader
        if reader is not None:
            reader.join(timeout=60)
            if reader.is_alive():
                process.kill()
        process.wait()


def _outcome(message: Any) -> ScheduleOutcome | BaseException:
    kind = message[0]
    if kind == "result":
        _, parts, moved, cycles, on_cycle, error = message
        table = ScheduleTable.loads(parts) if parts is not None else None
        return ScheduleOutcome(table, moved, cycles, on_cycle, error)
    return RuntimeError(message[1])


def _deliver(done: Done, result: ScheduleOutcome | BaseException) -> Callable[[], None]:
    return lambda: done(result)
