"""The bulk paths of a large import: audit events written for a batch, and the cycle check
over a whole batch of links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.errors import ValidationError
from app.plan import Plan
from app.spreadsheet.importer import commit, prepare
from app.store import PlanStore
from models import AuditEvent, BaselineDate, Dependency, Release, WorkItem
from tests.app.plan_factory import edit_outside_gantry
from tests.app.sheets import write_csv

START = dt.date(2026, 1, 5)


def _items(release_id: int, count: int) -> list[dict[str, Any]]:
    """Rows with every audited column given, as insert_created asks (ids 1..count)."""
    return [
        {
            "id": n,
            "release_id": release_id,
            "parent_id": 1 if n > 1 and n % 3 == 0 else None,
            "kind": "phase" if n == 1 else "task",
            "key": f"K-{n}",
            "name": f"Task {n} – “quoted”",
            "duration": 0 if n == 1 else n % 4 + 1,
            "not_before": START + dt.timedelta(days=n) if n % 2 else None,
            "owner": "ann",
            "component_id": None,
            "status": "not_started",
            "percent_complete": n % 100,
            "actual_start": None,
            "actual_finish": None,
            "position": n,
            "notes": "" if n % 5 else "line one\nline two",
            "notes_category": "fix" if n % 7 == 0 else None,
        }
        for n in range(1, count + 1)
    ]


def _links(count: int) -> list[dict[str, Any]]:
    return [
        {"id": n, "predecessor_id": n + 1, "successor_id": n + 2, "type": "FS", "lag": n % 3}
        for n in range(1, count - 1)
    ]


def _events(path: Path, reason: str) -> list[tuple[Any, ...]]:
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        return [
            (e.action, e.entity, e.entity_id, e.subject_id, e.before, e.after, e.actor)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.reason == reason).order_by(AuditEvent.id)
            )
        ]


def _verify(path: Path) -> audit.AuditReport:
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        return audit.verify(session)


def _release(session: Session) -> int:
    release = Release(name="R1", start_date=START)
    session.add(release)
    session.flush()
    return release.id


def test_a_batch_gets_the_events_and_chain_an_orm_flush_writes(tmp_path: Path) -> None:
    by_orm, in_bulk = tmp_path / "orm.gantry", tmp_path / "bulk.gantry"
    with PlanStore.open(by_orm, create=True) as store:
        with store.transaction(reason="same rows") as session:
            release_id = _release(session)
            session.add_all(WorkItem(**row) for row in _items(release_id, 50))
            session.flush()
            session.add_all(Dependency(**row) for row in _links(50))
    with PlanStore.open(in_bulk, create=True) as store:
        with store.transaction(reason="same rows") as session:
            release_id = _release(session)
            audit.insert_created(session, WorkItem, _items(release_id, 50))
            audit.insert_created(session, Dependency, _links(50))
            notice = session.info[audit.CHANGES]
    assert len(notice) == 1 + 50 + 48
    assert _events(in_bulk, "same rows") == _events(by_orm, "same rows")
    # The chain verifies and its replay agrees with the rows on file.
    report = _verify(in_bulk)
    assert report.ok, report.problems
    # The plan's creation, its default approval rules (9), the release, the rows.
    assert report.events == 1 + 9 + 1 + 50 + 48


def test_a_batch_then_an_orm_edit_continue_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    with PlanStore.open(path, create=True) as store:
        with store.transaction(reason="bulk") as session:
            audit.insert_created(session, WorkItem, _items(_release(session), 10))
            session.get_one(WorkItem, 4).name = "Renamed in the same transaction"
        with store.transaction(reason="later") as session:
            session.get_one(WorkItem, 5).duration = 9
    assert _verify(path).ok
    edit_outside_gantry(path, "UPDATE work_items SET name = 'x' WHERE id = 7")
    assert any("K-7" in p for p in _verify(path).problems)


def test_rows_that_are_not_audited_per_row_are_refused(tmp_path: Path) -> None:
    with PlanStore.open(tmp_path / "p.gantry", create=True) as store:
        with store.transaction() as session, pytest.raises(ValueError):
            audit.insert_created(session, BaselineDate, [])


def _chain_sheet(path: Path, count: int, closed: bool) -> Path:
    """T-1 <- T-2 <- ... <- T-count; closed: T-1 also follows T-count."""
    rows = [
        [f"T-{n}", f"Task {n}", "1d", f"T-{n - 1}" if n > 1 else (f"T-{count}" if closed else "")]
        for n in range(1, count + 1)
    ]
    return write_csv(path, [["Key", "Name", "Duration", "Predecessors"], *rows])


def test_a_long_chain_is_checked_once_not_link_by_link(tmp_path: Path) -> None:
    plan = Plan.open(tmp_path / "p.gantry", create=True)
    try:
        prepared = prepare(plan, _chain_sheet(tmp_path / "c.csv", 5000, closed=False))
        assert prepared.report.ok, prepared.report.lines()[:3]
        commit(plan, prepared)
        assert len(plan.state.links) == 4999
        last, before_last = plan.work_items.find("T-5000"), plan.work_items.find("T-4999")
        assert last.start is not None and before_last.finish is not None
        assert last.start > before_last.finish
        refused = prepare(plan, _chain_sheet(tmp_path / "loop.csv", 5000, closed=True))
        (error,) = refused.report.errors
        assert "dependency cycle: T-1 -> T-2 -> T-3" in error.text()
        assert "T-4999 -> T-5000 -> T-1 (rows 2, 3," in error.text()
    finally:
        plan.close()
    assert _verify(tmp_path / "p.gantry").ok


def test_a_batch_closing_a_loop_is_refused_naming_its_members(tmp_path: Path) -> None:
    """The plan state's check backs the importer's own: a loop written in one action."""
    path = tmp_path / "p.gantry"
    plan = Plan.open(path, create=True)
    try:
        plan.uow.run("items", lambda s: audit.insert_created(s, WorkItem, _items(_release(s), 6)))
        loop = [
            {"id": 1, "predecessor_id": 2, "successor_id": 3, "type": "FS", "lag": 0},
            {"id": 2, "predecessor_id": 3, "successor_id": 4, "type": "FS", "lag": 0},
            {"id": 3, "predecessor_id": 4, "successor_id": 2, "type": "FS", "lag": 0},
            {"id": 4, "predecessor_id": 5, "successor_id": 6, "type": "FS", "lag": 0},
        ]
        with pytest.raises(ValidationError, match=r"^Dependency cycle: K-3 -> K-4 -> K-2 -> K-3$"):
            plan.uow.run("loop", lambda s: audit.insert_created(s, Dependency, loop))
        assert plan.state.links == {}
    finally:
        plan.close()


def test_a_loop_made_outside_gantry_does_not_refuse_unrelated_links(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    plan = Plan.open(path, create=True)
    plan.uow.run("items", lambda s: audit.insert_created(s, WorkItem, _items(_release(s), 8)))
    plan.close()
    edit_outside_gantry(
        path,
        "INSERT INTO dependencies (id, predecessor_id, successor_id, type, lag) "
        "VALUES (1, 2, 4, 'FS', 0), (2, 4, 2, 'FS', 0)",
    )
    plan = Plan.open(path)
    try:
        downstream = [{"id": 3, "predecessor_id": 4, "successor_id": 5, "type": "FS", "lag": 0}]
        plan.uow.run("fine", lambda s: audit.insert_created(s, Dependency, downstream))
        assert 3 in plan.state.links
        back = [{"id": 4, "predecessor_id": 5, "successor_id": 2, "type": "FS", "lag": 0}]
        with pytest.raises(ValidationError, match="Dependency cycle: K-2 -> K-4 -> K-5 -> K-2"):
            plan.uow.run("loop", lambda s: audit.insert_created(s, Dependency, back))
    finally:
        plan.close()
