"""The unit of work: one transaction per action, announced exactly as it was audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ReadOnlyPlanError, ValidationError
from app.plan import Plan
from app.unit_of_work import ChangeNotice, notice_of
from models import AuditEvent, Release, WorkItem
from tests.app.plan_factory import make_plan, plan_for
from tests.app.test_work_items import file_state


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def test_a_record_made_and_removed_in_one_action_is_not_announced() -> None:
    notice = notice_of(
        [
            ("create", "work_items", 7),
            ("update", "work_items", 7),
            ("update", "work_items", 3),
            ("create", "dependencies", 9),
            ("delete", "dependencies", 9),
            ("delete", "work_items", 4),
        ],
        reason="why",
    )
    assert notice.created == {"work_items": {7}}
    assert notice.updated == {"work_items": {3}}
    assert notice.deleted == {"work_items": {4}}
    assert notice.ids("work_items") == {3, 4, 7} and not notice.touches("dependencies")
    assert notice.structural("work_items") and notice.reason == "why"


def test_the_notice_names_what_the_audit_trail_recorded(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    with plan.store.read() as session:
        last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    phase = plan.work_items.find("R1-P")
    plan.work_items.delete(phase.id, reason="scope cut")
    with plan.store.read() as session:
        events = session.execute(
            select(
                AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.reason
            ).where(AuditEvent.id > last)
        ).all()
    edit = notices[0]
    assert {(a, e, i) for a, e, i, _r in events} == {
        ("delete", entity, i) for entity, ids in edit.deleted.items() for i in ids
    }
    assert {r for *_x, r in events} == {"scope cut"} and edit.reason == "scope cut"
    assert len(edit.deleted["work_items"]) == 4 and len(edit.deleted["dependencies"]) == 3


def test_a_refused_action_changes_nothing_and_announces_nothing(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    before = file_state(plan.path)

    def half_done(session) -> None:  # type: ignore[no-untyped-def]
        session.get_one(WorkItem, plan.work_items.find("A").id).name = "changed"
        session.flush()
        raise ValidationError("refused half way")

    with pytest.raises(ValidationError, match="half way"):
        plan.uow.run("try", half_done)
    assert notices == [] and file_state(plan.path) == before
    assert plan.work_items.find("A").name == "Design"


def test_a_constraint_only_the_database_sees_is_one_sentence(plan: Plan) -> None:
    def duplicate(session) -> None:  # type: ignore[no-untyped-def]
        session.add(Release(name="R1"))

    with pytest.raises(ValidationError, match="must be unique"):
        plan.uow.run("dup", duplicate)


def test_actions_do_not_nest(plan: Plan) -> None:
    with pytest.raises(RuntimeError, match="do not nest"):
        plan.uow.run("outer", lambda _s: plan.uow.run("inner", lambda _t: None))
    plan.work_items.update(plan.work_items.find("A").id, "owner", "Ann")  # still usable


def test_a_read_only_plan_refuses_every_action(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    plan = Plan.open(path, read_only=True)
    with pytest.raises(ReadOnlyPlanError, match="read-only"):
        plan.work_items.update(plan.work_items.find("A").id, "name", "x")
    plan.close()


def test_settings_changes_are_audited_like_any_edit(plan: Plan) -> None:
    plan.settings.update(0, "name", "Atlas", reason="rename")
    with plan.store.read() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.entity == "plan_settings" and event.reason == "rename"
    assert json.loads(event.after or "{}")["value"] == "Atlas"
    assert plan.settings.values().name == "Atlas"
    assert plan.verify_audit().ok
