"""Releases: edits move the schedule, rules refuse what the plan cannot hold, deletes say why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from models import Risk
from tests.app.plan_factory import make_plan, plan_for
from tests.app.test_work_items import file_state


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def test_unknown_release_lists_the_known_ones(plan: Plan) -> None:
    with pytest.raises(ValidationError, match="No release named 'R9'; the plan has: R1"):
        plan.releases.find("R9")


def test_release_edit_moves_the_schedule(plan: Plan) -> None:
    release = plan.releases.find("R1")
    plan.releases.update(release.id, "start_date", dt.date(2026, 1, 12))
    assert plan.work_items.find("A").start == dt.date(2026, 1, 12)
    with pytest.raises(ValidationError, match="status"):
        plan.releases.update(release.id, "status", "done-ish")


def test_release_dates_keep_their_order(plan: Plan) -> None:
    release = plan.releases.find("R1")
    with pytest.raises(ValidationError, match="target date 2026-01-02 is before the start"):
        plan.releases.update(release.id, "target_date", dt.date(2026, 1, 2))
    with pytest.raises(ValidationError, match="code freeze date 2026-01-20 is after the target"):
        plan.releases.update(release.id, "code_freeze", dt.date(2026, 1, 20))
    plan.releases.update(release.id, "code_freeze", dt.date(2026, 1, 14))
    assert plan.releases.row(release.id).code_freeze == dt.date(2026, 1, 14)


def test_create_and_delete_release(plan: Plan) -> None:
    releases = plan.releases
    new_id = releases.create("R2", "2.0", dt.date(2026, 2, 2), dt.date(2026, 3, 27))
    assert releases.row(new_id).name == "R2" and plan.work_items.rows(new_id) == []
    with pytest.raises(ValidationError, match="already a release"):
        releases.create("r2")
    with pytest.raises(ValidationError, match="before the start"):
        releases.create("R3", start_date=dt.date(2026, 2, 2), target_date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="still holds 5 work items"):
        releases.delete(releases.find("R1").id)
    releases.delete(new_id)
    assert [r.name for r in releases.rows()] == ["R1"]


def test_check_new_lists_every_problem_without_writing(plan: Plan) -> None:
    before = file_state(plan.path)
    problems = plan.releases.check_new(
        "r1", start_date=dt.date(2026, 2, 2), target_date=dt.date(2026, 1, 1)
    )
    assert problems == [
        "There is already a release named 'r1'",
        "r1: the target date 2026-01-01 is before the start date 2026-02-02",
    ]
    assert plan.releases.check_new("  ") == ["name cannot be empty"]
    assert plan.releases.check_new("R2", "2.0", dt.date(2026, 2, 2)) == []
    assert file_state(plan.path) == before


def test_a_release_with_records_is_not_deleted_and_says_what_it_holds(plan: Plan) -> None:
    new_id = plan.releases.create("R2")
    with plan.store.transaction() as session:
        session.add_all(
            [
                Risk(release_id=new_id, key="RK-1", title="Vendor slips"),
                Risk(release_id=new_id, key="RK-2", title="Key person away"),
            ]
        )
    before = file_state(plan.path)
    with pytest.raises(ValidationError, match="R2 still holds 2 risks; delete or move them"):
        plan.releases.delete(new_id)
    assert file_state(plan.path) == before
    assert [r.name for r in plan.releases.rows()] == ["R1", "R2"]


def test_a_release_edit_that_moves_no_item_reports_only_the_release(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    release = plan.releases.find("R1")
    plan.releases.update(release.id, "owner", "Priya")
    assert len(notices) == 1
    assert notices[0].updated == {"releases": {release.id}}
    assert plan.releases.row(release.id).owner == "Priya"
