"""Small real plans for tests, built through the same services the product uses."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from app.plan import Plan
from app.store import PlanStore
from models import CalendarEntry, Dependency, Release, WorkItem

START = dt.date(2026, 1, 5)  # a Monday


def make_plan(path: Path) -> PlanStore:
    """A release R1 with a phase holding A(3d) -> B(2d) -> M(milestone), and C(1d) SS A+1."""
    store = PlanStore.open(path, create=True)
    with store.transaction(reason="test plan") as session:
        release = Release(
            name="R1", version="1.0", start_date=START, target_date=dt.date(2026, 1, 16)
        )
        session.add(release)
        session.flush()
        phase = WorkItem(
            release_id=release.id, kind="phase", key="R1-P", name="Build", duration=0, position=0
        )
        session.add(phase)
        session.flush()
        a = WorkItem(
            release_id=release.id,
            parent_id=phase.id,
            key="A",
            name="Design",
            duration=3,
            position=0,
        )
        b = WorkItem(
            release_id=release.id,
            parent_id=phase.id,
            key="B",
            name="Build it",
            duration=2,
            position=1,
        )
        c = WorkItem(
            release_id=release.id, parent_id=phase.id, key="C", name="Docs", duration=1, position=2
        )
        m = WorkItem(
            release_id=release.id, key="M", name="GA", kind="milestone", duration=0, position=1
        )
        session.add_all([a, b, c, m])
        session.flush()
        session.add_all(
            [
                Dependency(predecessor_id=a.id, successor_id=b.id),
                Dependency(predecessor_id=b.id, successor_id=m.id),
                Dependency(predecessor_id=a.id, successor_id=c.id, type="SS", lag=1),
                CalendarEntry(
                    kind="holiday",
                    name="Day off",
                    start_date=dt.date(2026, 1, 9),
                    end_date=dt.date(2026, 1, 9),
                ),
            ]
        )
    return store


def plan_for(store: PlanStore) -> Plan:
    """The open plan over `store`, read and scheduled (inline, as the command line does)."""
    plan = Plan(store)
    plan.load()
    return plan


def make_flat_plan(path: Path, count: int) -> PlanStore:
    """One release "Big" holding `count` top-level tasks B-1..B-count, chained in pairs."""
    store = PlanStore.open(path, create=True)
    with store.transaction(reason="flat test plan") as session:
        release = Release(name="Big", version="9.0", start_date=START)
        session.add(release)
        session.flush()
        items = [
            WorkItem(
                release_id=release.id, key=f"B-{n}", name=f"Task number {n}", duration=1, position=n
            )
            for n in range(1, count + 1)
        ]
        session.add_all(items)
        session.flush()
        session.add_all(
            Dependency(predecessor_id=a.id, successor_id=b.id)
            for a, b in zip(items[::2], items[1::2], strict=False)
        )
    return store


def edit_outside_gantry(path: Path, *statements: str) -> None:
    """Change a plan file with plain SQL, as a tool other than Gantry would."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
