"""Scope lock: after the feature freeze, new or longer work needs an approved change request;
shrinking and removing do not; an import is held to the same rule; and the release's scope
changes since the freeze are read back from the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.plan import Plan
from app.scope_lock import ScopeLocked
from app.spreadsheet.importer import ImportOptions, commit, prepare
from models import ChangeRequest, Release, ScopeException
from tests.app.plan_factory import make_plan, plan_for
from tests.app.test_spreadsheet_cli import gantry

FREEZE = dt.date(2026, 1, 8)
FREEZE_DAY = FREEZE  # the last day work may still be added freely
AFTER = dt.date(2026, 1, 9)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    store = make_plan(tmp_path / "p.gantry")
    with store.transaction(reason="changes") as session:
        r1 = session.scalars(select(Release).where(Release.name == "R1")).one()
        r1.feature_freeze = FREEZE
        r2 = Release(name="R2", version="2.0")
        session.add(r2)
        session.flush()
        session.add_all(
            [
                ChangeRequest(release_id=r1.id, key="CHG-1", title="Late fix", status="approved"),
                ChangeRequest(release_id=r1.id, key="CHG-2", title="Wish", status="submitted"),
                ChangeRequest(release_id=r2.id, key="CHG-9", title="Other", status="approved"),
            ]
        )
    opened = plan_for(store)
    yield opened
    opened.close()


def r1(plan: Plan) -> int:
    return plan.releases.find("R1").id


def exceptions(plan: Plan) -> list[tuple[str, str, int | None, int]]:
    with plan.store.read() as session:
        return [
            (e.item_key, e.kind, e.old_duration, e.new_duration)
            for e in session.scalars(select(ScopeException).order_by(ScopeException.id))
        ]


def test_before_the_freeze_anything_goes(plan: Plan) -> None:
    plan.work_items.create(r1(plan), "task", "On the freeze day", today=FREEZE_DAY)
    plan.work_items.update(plan.work_items.find("A").id, "duration", 9, today=FREEZE_DAY)
    assert exceptions(plan) == []
    assert plan.scope.report(r1(plan), FREEZE_DAY).frozen is False


def test_adding_after_the_freeze_is_refused_with_the_reason(plan: Plan) -> None:
    count = len(plan.work_items.rows(r1(plan)))
    with pytest.raises(ScopeLocked) as refused:
        plan.work_items.create(r1(plan), "task", "Late idea", today=AFTER)
    assert str(refused.value) == (
        "R1 is past its feature freeze (2026-01-08): adding ITEM-1 'Late idea' needs an "
        "approved change request as a scope exception; cite one of its approved change "
        "requests (CHG-1)"
    )
    assert refused.value.changes == ("CHG-1",)
    for key, why in (
        ("CHG-2", "CHG-2 is submitted, not approved"),
        ("CHG-9", "CHG-9 is a change request of another release"),
        ("CHG-404", "there is no change request CHG-404"),
    ):
        with pytest.raises(ScopeLocked, match=why):
            plan.work_items.create(r1(plan), "task", "Late idea", today=AFTER, change=key)
    assert len(plan.work_items.rows(r1(plan))) == count  # nothing was added
    plan.work_items.create(r1(plan), "milestone", "Late idea", today=AFTER, change="CHG-1")
    assert len(plan.work_items.rows(r1(plan))) == count + 1
    assert exceptions(plan) == [("ITEM-1", "added", None, 0)]


def test_a_release_without_approved_changes_says_so(plan: Plan) -> None:
    r3 = plan.releases.create("R3")
    plan.releases.update(r3, "feature_freeze", FREEZE)
    with pytest.raises(ScopeLocked, match="it has no approved change request to cite"):
        plan.work_items.create(r3, "task", "x", today=AFTER)


def test_growing_needs_a_change_shrinking_does_not(plan: Plan) -> None:
    a = plan.work_items.find("A").id
    with pytest.raises(ScopeLocked, match="growing A from 3 to 5 working days needs"):
        plan.work_items.update(a, "duration", 5, today=AFTER)
    with pytest.raises(ScopeLocked, match="growing A from 3 to 4"):
        plan.work_items.update_many({a: {"duration": 4}}, today=AFTER)
    assert plan.work_items.row(a).duration == 3
    plan.work_items.update(a, "duration", 2, today=AFTER)  # shrinking is allowed
    plan.work_items.update(a, "name", "Design (cut)", today=AFTER)  # so is anything else
    plan.work_items.update_many({a: {"duration": 6}}, today=AFTER, change="CHG-1")
    assert plan.work_items.row(a).duration == 6
    assert exceptions(plan) == [("A", "grown", 2, 6)]
    # Undo gives no day: it puts back a state the lock allowed when it was made.
    plan.work_items.update(a, "duration", 2)
    plan.work_items.update(a, "duration", 6)
    assert exceptions(plan) == [("A", "grown", 2, 6)]


def test_removing_is_allowed_and_stamps_the_lock(plan: Plan) -> None:
    plan.work_items.delete(plan.work_items.find("C").id, today=AFTER)
    with plan.store.read() as session:
        assert session.get_one(Release, r1(plan)).scope_locked_on == AFTER


def sheet(path: Path, rows: str) -> Path:
    path.write_text("Key,Name,Duration,Release\n" + rows, encoding="utf-8")
    return path


def test_import_into_a_frozen_release_is_refused_without_a_change(
    plan: Plan, tmp_path: Path
) -> None:
    csv = sheet(tmp_path / "late.csv", "N-1,Hotfix,2,R1\nB,Build it,5,R1\nN-2,Other,1,R2\n")
    report = prepare(plan, csv, ImportOptions(today=AFTER)).report
    assert [p.message for p in report.errors] == [
        "R1 is past its feature freeze (2026-01-08): importing 2 new or longer item(s) "
        "(N-1, B) needs an approved change request as a scope exception; cite one of its "
        "approved change requests (CHG-1)"
    ]
    assert prepare(plan, csv, ImportOptions(today=FREEZE_DAY)).report.ok
    prepared = prepare(plan, csv, ImportOptions(today=AFTER, change="CHG-1"))
    assert prepared.report.ok
    commit(plan, prepared)
    assert plan.work_items.find("B").duration == 5
    assert exceptions(plan) == [("N-1", "added", None, 2), ("B", "grown", 2, 5)]
    changes = plan.scope.report(r1(plan), AFTER).changes
    assert {(c.kind, c.key, c.change) for c in changes} == {
        ("added", "N-1", "CHG-1"),
        ("grown", "B", "CHG-1"),
    }


def test_scope_changes_since_the_freeze_from_the_audit_trail(plan: Plan) -> None:
    items = plan.work_items
    release = r1(plan)
    items.update(items.find("B").id, "duration", 4, today=FREEZE_DAY)  # before: not a change
    assert plan.scope.report(release, AFTER).changes == ()
    items.update(items.find("A").id, "duration", 1, today=AFTER)  # shrunk: not listed
    x = items.create(release, "task", "Hotfix", duration=2, today=AFTER, change="CHG-1")
    items.update(items.find("B").id, "duration", 7, today=AFTER, change="CHG-1")
    items.update(items.find("B").id, "duration", 6, today=AFTER)
    items.delete(items.find("C").id, today=AFTER)
    y = items.create(release, "task", "Oops", today=AFTER, change="CHG-1")
    items.delete(y, today=AFTER)  # added and removed again: no change
    report = plan.scope.report(release, AFTER)
    assert [(c.kind, c.key, c.old_duration, c.new_duration, c.change) for c in report.changes] == [
        ("added", items.row(x).key, None, 2, "CHG-1"),
        ("removed", "C", 1, None, ""),
        ("grown", "B", 4, 6, "CHG-1"),
    ]
    assert report.summary == "Since the feature freeze on 2026-01-08: 1 added, 1 removed, 1 grown"
    assert plan.scope.report(release, FREEZE_DAY).changes == ()  # before the freeze
    # Moving the freeze later lifts the lock: adding is free again.
    plan.releases.update(release, "feature_freeze", dt.date(2026, 1, 12))
    items.create(release, "task", "Fine again", today=AFTER)


def test_a_refusal_is_a_validation_error(plan: Plan) -> None:
    with pytest.raises(ValidationError):
        plan.work_items.create(r1(plan), "task", "x", today=AFTER)


def test_gantry_import_holds_to_the_lock_on_the_day_given(plan: Plan, tmp_path: Path) -> None:
    path = plan.path
    plan.close()
    csv = sheet(tmp_path / "late.csv", "N-1,Hotfix,2,R1\n")
    code, out, err = gantry("import", str(path), str(csv), "--today", "2026-01-09")
    assert code == 1 and "R1 is past its feature freeze (2026-01-08)" in out + err
    code, out, err = gantry(
        "import", str(path), str(csv), "--today", "2026-01-09", "--change", "CHG-1"
    )
    assert code == 0, err
    reopened = Plan.open(path, read_only=True)
    try:
        assert reopened.work_items.find("N-1").name == "Hotfix"
        assert exceptions(reopened) == [("N-1", "added", None, 2)]
    finally:
        reopened.close()
