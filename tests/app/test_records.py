"""Generic records (calendar entries here): declared once, edited through the unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.approvers import APPROVERS
from app.changes import CHANGE_REQUESTS
from app.components import COMPONENTS
from app.environments import ENVIRONMENTS
from app.errors import ValidationError
from app.plan import Plan
from app.records import Record, RecordType, title_from
from app.risks import MITIGATIONS, RISKS
from models import AuditEvent, Environment
from tests.app.plan_factory import make_plan, plan_for


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


FREEZE = {
    "kind": "freeze",
    "name": "Year-end freeze",
    "start_date": dt.date(2026, 12, 18),
    "end_date": dt.date(2027, 1, 4),
}


def test_records_are_created_edited_deleted_and_restored(plan: Plan) -> None:
    calendar = plan.calendar
    assert [r.name for r in calendar.rows()] == ["Day off"]
    entry = calendar.create(FREEZE)
    assert calendar.row(entry).kind == "freeze" and calendar.row(entry).environment_id is None
    assert calendar.label(entry) == "Year-end freeze (2026-12-18)"
    old = calendar.update(entry, "end_date", dt.date(2027, 1, 8), reason="longer")
    assert old == dt.date(2027, 1, 4) and calendar.row(entry).end_date == dt.date(2027, 1, 8)
    values = calendar.delete(entry)
    assert [r.name for r in calendar.rows()] == ["Day off"]
    calendar.restore(values)
    assert calendar.row(entry).end_date == dt.date(2027, 1, 8)
    assert plan.verify_audit().ok
    reopened = Plan.open(plan.path, read_only=True)
    assert [r.name for r in reopened.calendar.rows()] == ["Day off", "Year-end freeze"]
    reopened.close()


def test_rules_across_fields_and_per_field_are_checked_before_writing(plan: Plan) -> None:
    calendar = plan.calendar
    with pytest.raises(ValidationError, match="it ends \\(2026-12-01\\) before it starts"):
        calendar.create({**FREEZE, "end_date": dt.date(2026, 12, 1)})
    with pytest.raises(ValidationError, match="kind must be one of Holiday, Freeze"):
        calendar.create({**FREEZE, "kind": "party"})
    entry = calendar.create(FREEZE)
    with pytest.raises(ValidationError, match="Year-end freeze \\(2026-12-18\\): it ends"):
        calendar.update(entry, "start_date", dt.date(2027, 2, 1))
    assert [r.name for r in calendar.rows()] == ["Day off", "Year-end freeze"]


def test_references_offer_the_records_they_can_point_at(plan: Plan) -> None:
    with plan.store.transaction() as session:
        session.add(Environment(name="Production", tier="production"))
    options = plan.calendar.options("environment_id")
    assert options[0] == (None, "Whole plan") and [label for _v, label in options[1:]] == [
        "Production"
    ]
    entry = plan.calendar.create({**FREEZE, "environment_id": options[1][0]})
    assert plan.calendar.row(entry).environment_id == options[1][0]
    assert plan.calendar.options("kind")[0] == ("holiday", "Holiday")


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (COMPONENTS, "name"),
        (ENVIRONMENTS, "name"),
        (APPROVERS, "name"),
        (CHANGE_REQUESTS, "key"),
        (RISKS, "key"),
        (MITIGATIONS, "action"),
    ],
)
def test_a_record_named_by_one_field_is_titled_by_it(kind: RecordType, field: str) -> None:
    values = {"name": "api-gateway", "key": "CHG-7", "action": "Rehearse the rollback"}
    record = Record(3, {**values, "id": 3})
    assert kind.title(record) == title_from(field)(record) == values[field]


def test_the_trail_names_a_deleted_record_by_its_title(plan: Plan) -> None:
    environment = plan.environments.create({"name": "Pre-production", "tier": "staging"})
    assert plan.environments.label(environment) == "Pre-production"
    plan.environments.delete(environment)
    with plan.store.read() as session:
        reasons = session.scalars(select(AuditEvent.reason).order_by(AuditEvent.id)).all()
    assert reasons[-1] == "Delete environment Pre-production"
