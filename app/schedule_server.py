"""The schedule process: `python -m app.schedule_server`, driven by app.schedule_runs.

It reads a plan's scheduling inputs from the file, keeps them in step with the deltas it is
sent, schedules on request, answers with a ScheduleTable and writes the derived dates. It
imports no Qt and no ORM, so it starts in a moment.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Callable
from typing import IO, Any

from app.schedule_inputs import (
    read_holidays,
    read_items,
    read_links,
    read_release_bounds,
    read_work_week,
)
from app.schedule_runs import (
    Batch,
    DerivedDates,
    InputDelta,
    ScheduleJob,
    compute,
    receive,
    send,
)
from app.schedule_table import ScheduleTable
from app.scheduling import ReleaseBounds, ScheduleItem, ScheduleLink


def _connect(path: str, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _sqlite_writer(conn: sqlite3.Connection) -> Callable[[Batch], None]:
    def write(batch: Batch) -> None:
        # BEGIN IMMEDIATE, as the plan's own writes: a batch waits for an edit, not halfway.
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "UPDATE work_items SET scheduled_start = ?, scheduled_finish = ? WHERE id = ?",
                [(start.isoformat(), finish.isoformat(), i) for i, start, finish in batch],
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    return write


class Server:
    """The scheduling inputs of one plan, and its last schedule."""

    def __init__(self) -> None:
        self.items: dict[int, ScheduleItem] = {}
        self.links: dict[int, ScheduleLink] = {}
        self.releases: list[ReleaseBounds] = []
        self.holidays: frozenset[dt.date] = frozenset()
        self.workdays: frozenset[int] = frozenset()
        self.table: ScheduleTable | None = None
        self.derived: DerivedDates | None = None
        self._writer: sqlite3.Connection | None = None

    def open(self, path: str, read_only: bool) -> None:
        conn = _connect(path, read_only=True)
        try:
            conn.execute("BEGIN")  # one consistent snapshot of the plan
            items, stored = read_items(conn)
            self.items = {item.id: item for item in items}
            self.links = read_links(conn)
            self.releases = read_release_bounds(conn)
            self.holidays = read_holidays(conn)
            self.workdays = read_work_week(conn)
        finally:
            conn.close()
        self._target(path, read_only, stored)

    def _target(self, path: str, read_only: bool, stored: dict[int, Any]) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.derived = None
        if not read_only:
            self._writer = _connect(path, read_only=False)
            self.derived = DerivedDates(_sqlite_writer(self._writer), stored)

    def retarget(self, path: str, read_only: bool) -> None:
        stored = self.derived.snapshot() if self.derived else {}
        self._target(path, read_only, stored)
        if self.derived is not None and self.table is not None:
            self.derived.write(self.table, None)

    def update(self, delta: InputDelta) -> None:
        for item_id in delta.items_gone:
            self.items.pop(item_id, None)
        for item in delta.items:
            self.items[item.id] = item
        for link_id in delta.links_gone:
            self.links.pop(link_id, None)
        for link_id, link in delta.links:
            self.links[link_id] = link
        if delta.releases is not None:
            self.releases = list(delta.releases)
        if delta.holidays is not None:
            self.holidays = delta.holidays
        if delta.workdays is not None:
            self.workdays = delta.workdays

    def schedule(self) -> tuple[Any, ...]:
        job = ScheduleJob(
            list(self.items.values()),
            list(self.links.values()),
            self.releases,
            self.holidays,
            self.workdays,
        )
        outcome = compute(job, self.table)
        table = outcome.table
        if table is not None:
            self.table = table
            if self.derived is not None:
                self.derived.write(table, outcome.moved)
        return (
            "result",
            table.dumps() if table is not None else None,
            outcome.moved,
            outcome.cycles,
            outcome.on_cycle,
            outcome.error,
        )

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    server = Server()
    try:
        while True:
            message = receive(requests)
            if message is None or message[0] == "stop":
                send(replies, ("stopped",))
                return
            kind = message[0]
            try:
                if kind == "open":
                    server.open(message[1], message[2])
                elif kind == "update":
                    server.update(message[1])
                elif kind == "schedule":
                    send(replies, server.schedule())
                elif kind == "retarget":
                    server.retarget(message[1], message[2])
                elif kind == "sync":
                    send(replies, ("synced", message[1]))
            except Exception as exc:  # told to the window, which shows it as a plan problem
                send(replies, ("failed", f"{type(exc).__name__}: {exc}"))
                return
    finally:
        server.close()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
