"""The audit trail: every change recorded in its transaction, chain and data verified."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app import audit
from app.store import PlanStore
from models import AuditEvent, WorkItem
from tests.app.plan_factory import edit_outside_gantry, make_plan, plan_for


def _verify(path: Path) -> audit.AuditReport:
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        return audit.verify(session)


def test_edit_is_recorded_with_before_after_actor_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    with make_plan(path) as store:
        service = plan_for(store)
        service.work_items.update(
            service.work_items.find("A").id, "name", "Design v2", reason="scope"
        )
        with store.read() as session:
            last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None
    assert (last.action, last.entity, last.reason) == ("update", "work_items", "scope")
    assert json.loads(last.before or "{}")["name"] == "Design"
    assert json.loads(last.after or "{}")["name"] == "Design v2"
    assert last.actor == store.actor
    assert last.at.endswith("+00:00")
    assert _verify(path).ok


def test_rolled_back_edit_leaves_no_event(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    with make_plan(path) as store:
        with store.read() as session:
            count = session.query(AuditEvent).count()
        try:
            with store.transaction() as session:
                session.scalars(select(WorkItem)).first().name = "x"  # type: ignore[union-attr]
                session.flush()
                raise ValueError
        except ValueError:
            pass
        with store.read() as session:
            assert session.query(AuditEvent).count() == count
    assert _verify(path).ok


def test_sql_edit_outside_gantry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    edit_outside_gantry(
        path,
        "UPDATE work_items SET duration = 9 WHERE key = 'B'",
        "DELETE FROM dependencies WHERE type = 'SS'",
        "INSERT INTO components (name, owner, repository, description) "
        "VALUES ('rogue', '', '', '')",
    )
    problems = _verify(path).problems
    assert any("work_items #" in p and "(B)" in p and "duration" in p for p in problems)
    assert any("dependencies #" in p and "deleted outside Gantry" in p for p in problems)
    assert any("components #1 (rogue)" in p and "added outside" in p for p in problems)


def test_a_changed_subject_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    edit_outside_gantry(
        path,
        "UPDATE audit_events SET subject_id = subject_id + 1 "
        "WHERE id = (SELECT max(id) FROM audit_events WHERE entity = 'dependencies')",
    )
    assert "was altered" in _verify(path).problems[0]


def test_altered_event_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    edit_outside_gantry(path, "UPDATE audit_events SET actor = 'mallory' WHERE id = 3")
    problems = _verify(path).problems
    assert problems[0].startswith("Audit event #3")
    assert "altered" in problems[0]


def test_removed_event_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    edit_outside_gantry(path, "DELETE FROM audit_events WHERE id = 2")
    assert any("removed or reordered" in p for p in _verify(path).problems)


def test_derived_schedule_dates_are_not_audited(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    with make_plan(path) as store:
        service = plan_for(store)
        service.work_items.update(service.work_items.find("A").id, "duration", 5)
        with store.read() as session:
            afters = [
                json.loads(a)
                for a in session.scalars(
                    select(AuditEvent.after).where(AuditEvent.action == "update")
                )
            ]
    assert afters and all("scheduled_start" not in a for a in afters)
    assert _verify(path).ok


def test_item_history_is_newest_first_with_field_changes(tmp_path: Path) -> None:
    with make_plan(tmp_path / "p.gantry") as store:
        service = plan_for(store)
        item_id = service.work_items.find("A").id
        service.work_items.update(item_id, "duration", 4, reason="estimate revised")
        service.work_items.update(item_id, "owner", "dana")
        entries = service.item_history(item_id)
    assert [e.action for e in entries] == ["update", "update", "create"]
    assert entries[0].changes == [("owner", "", "dana")]
    assert (entries[1].changes, entries[1].reason) == ([("duration", 3, 4)], "estimate revised")
    assert ("name", None, "Design") in entries[2].changes
    assert entries[0].at >= entries[1].at and entries[0].at.tzinfo is not None


def test_item_history_shows_predecessor_changes_in_ms_project_form(tmp_path: Path) -> None:
    with make_plan(tmp_path / "p.gantry") as store:
        service = plan_for(store)
        b = service.work_items.find("B")
        service.work_items.set_predecessors(b.id, "ASS+2; C")  # A's link changes, C's is added
        service.work_items.set_predecessors(b.id, "ASS+2")  # C's is removed
        changes = [e.changes for e in service.item_history(b.id)[:3]]
    # Newest first; the first edit's two events share a transaction, in either order.
    assert changes[0] == [("predecessor", "C", None)]
    assert sorted(map(str, changes[1:])) == sorted(
        map(str, [[("predecessor", None, "C")], [("predecessor", "A", "ASS+2")]])
    )
    assert _verify(tmp_path / "p.gantry").ok


def test_only_a_stores_write_sessions_are_audited(tmp_path: Path) -> None:
    """Another program's session over the same models records nothing and is not refused."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    path = tmp_path / "p.gantry"
    make_plan(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session, session.begin():
        count = session.query(AuditEvent).count()
        item = session.scalars(select(WorkItem).where(WorkItem.key == "A")).one()
        item.name = "Changed by another program"
    with Session(engine) as session:
        assert session.query(AuditEvent).count() == count
    engine.dispose()
    problems = _verify(path).problems
    assert problems == [
        "work_items #2 (A): name is 'Changed by another program' in the file but the audit "
        "trail says 'Design': it was changed outside Gantry."
    ]
