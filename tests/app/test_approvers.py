"""Approvers administration: approvers as records (undoable add, roles, unique names), the
first PIN typed twice, a change with the current PIN, a reset by a release manager with a
reason, and PINs that never reach the audit trail or an exported workbook."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit
from app.errors import ValidationError
from app.plan import Plan
from app.spreadsheet.export import export_workbook
from models import Approver
from tests.app.plan_factory import make_plan, plan_for

AT = dt.datetime(2026, 11, 30, 14, 5)
TODAY = AT.date()
RM_PIN = "8642"


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def _person(plan: Plan, name: str, roles: str, pin: str | None = None) -> int:
    person = plan.approvers.create({"name": name, "roles": roles})
    if pin is not None:
        plan.approvers.set_first_pin(person, pin, pin, AT)
    return person


def _later(minutes: int) -> dt.datetime:
    return AT + dt.timedelta(minutes=minutes)


def _trail(plan: Plan) -> str:
    table = audit.AUDIT_TABLE
    with plan.store.read() as session:
        rows = session.execute(select(table.c.reason, table.c.before, table.c.after))
        return "\n".join(f"{r} {b} {a}" for r, b, a in rows)


def test_an_approver_is_a_record_added_edited_and_deleted_with_undo(plan: Plan) -> None:
    person = plan.approvers.create({"name": "Nina", "roles": "CAB member"})
    assert plan.approvers.roles_of(person) == ("CAB member",)
    assert not plan.approvers.has_pin(person)
    plan.approvers.update(person, "roles", "CAB member; Service owner")
    assert plan.approvers.roles_of(person) == ("CAB member", "Service owner")
    with pytest.raises(ValidationError, match="Nina is already an approver"):
        plan.approvers.create({"name": " nina ", "roles": "Tester"})
    other = plan.approvers.create({"name": "Otto"})
    with pytest.raises(ValidationError, match="Nina is already an approver"):
        plan.approvers.update(other, "name", "NINA")
    with pytest.raises(ValidationError, match="'pin_set_at' cannot be edited"):
        plan.approvers.update(person, "pin_set_at", AT)
    kept = plan.approvers.delete(person)
    assert [r.name for r in plan.approvers.rows()] == ["Otto"]
    plan.approvers.restore(kept)
    assert [r.name for r in plan.approvers.rows()] == ["Nina", "Otto"]
    assert plan.verify_audit().ok


def test_roles_are_offered_from_the_approval_rules(plan: Plan) -> None:
    rules = {str(r.role) for r in plan.approval_rules.rows()}
    assert rules and set(plan.approvers.roles_offered()) == rules
    plan.approval_rules.create(
        {"category": "emergency", "min_level": "low", "role": "Duty manager", "count": 1}
    )
    assert plan.approvers.roles_offered()[-1] == "Duty manager"


def test_the_first_pin_is_typed_twice_and_set_once(plan: Plan) -> None:
    person = _person(plan, "Nina", "CAB member")
    with pytest.raises(ValidationError, match="at least 4 characters"):
        plan.approvers.set_first_pin(person, "12", "12", AT)
    with pytest.raises(ValidationError, match="its repetition differ"):
        plan.approvers.set_first_pin(person, "1357", "1375", AT)
    plan.approvers.set_first_pin(person, "1357", "1357", AT)
    assert plan.approvers.has_pin(person)
    assert plan.approvers.row(person).pin_set_at == AT
    with pytest.raises(ValidationError, match="Nina already has a PIN"):
        plan.approvers.set_first_pin(person, "9999", "9999", AT)


def test_a_pin_changes_with_the_current_one_and_then_signs(plan: Plan) -> None:
    person = _person(plan, "Nina", "CAB member", "1357")
    later = AT + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="not the current PIN of Nina"):
        plan.approvers.change_pin(person, "0000", "2468", "2468", later)
    with pytest.raises(ValidationError, match="new PIN is the current one"):
        plan.approvers.change_pin(person, "1357", "1357", "1357", later)
    plan.approvers.change_pin(person, "1357", "2468", "2468", later)
    assert plan.approvers.row(person).pin_set_at == later
    # The decision path checks the new PIN (ChangeService re-authenticates by name).
    (release,) = plan.releases.rows()
    change = plan.changes.create({"title": "Patch", "release_id": release.id, "requested_by": "X"})
    problems = plan.changes.check_decision(
        change, "Nina", "1357", "CAB member", "approved", "Reviewed", ""
    )
    assert "The name and PIN do not match an approver of this plan" in problems
    problems = plan.changes.check_decision(
        change, "Nina", "2468", "CAB member", "approved", "Reviewed", ""
    )
    assert "The name and PIN do not match an approver of this plan" not in problems


def test_a_reset_needs_a_release_manager_who_confirms_and_a_reason(plan: Plan) -> None:
    person = _person(plan, "Nina", "CAB member", "1357")
    manager = _person(plan, "Rita", "Release manager", RM_PIN)
    _person(plan, "Carl", "CAB member", "5555")
    with pytest.raises(ValidationError) as refused:
        plan.approvers.reset_pin(person, "Rita", "0000", "2468", "2468", "", AT)
    assert refused.value.problems == [
        "The release manager's name and PIN do not match an approver",
        "A reset needs a reason; the audit trail keeps it",
    ]
    with pytest.raises(ValidationError, match="Carl does not hold the Release manager role"):
        plan.approvers.reset_pin(person, "Carl", "5555", "2468", "2468", "Forgot it", AT)
    with pytest.raises(ValidationError, match="Your own PIN is changed with your current PIN"):
        plan.approvers.reset_pin(manager, "rita", RM_PIN, "2468", "2468", "Forgot it", AT)
    with pytest.raises(ValidationError, match="check the computer's clock"):
        plan.approvers.reset_pin(person, "rita", RM_PIN, "2468", "2468", "Forgot it", AT)
    plan.approvers.reset_pin(
        person, "rita", RM_PIN, "2468", "2468", "Forgot it on leave", _later(1)
    )
    plan.approvers.change_pin(person, "2468", "1122", "1122", _later(2))
    trail = _trail(plan)
    assert "Rita (Release manager) reset the approval PIN of Nina: Forgot it on leave" in trail
    assert plan.verify_audit().ok


def test_no_pin_salt_or_hash_reaches_the_trail_or_the_workbook(plan: Plan, tmp_path: Path) -> None:
    person = _person(plan, "Nina", "CAB member", "quartz7319")
    plan.approvers.change_pin(person, "quartz7319", "falcon8426", "falcon8426", _later(1))
    with plan.store.read() as session:
        secrets = list(session.execute(select(Approver.pin_salt, Approver.pin_hash)))
    ((salt, hashed),) = secrets
    assert salt and hashed
    out = tmp_path / "plan.xlsx"
    export_workbook(plan, out, None, TODAY)
    with zipfile.ZipFile(out) as book:
        text = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    for where in (_trail(plan), text):
        for secret in ("quartz7319", "falcon8426", salt, hashed):
            assert secret not in where
    assert "Nina" in _trail(plan)
