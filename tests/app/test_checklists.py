"""Checklists: templates to instances, editing, reorder and move, copy and paste, progress,
filters, go/no-go decisions and the rule that holds a release while required items are open."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit
from app.checklist_templates import GO_NO_GO
from app.checklists import ItemFilter, write_template
from app.errors import ValidationError
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from tests.app.plan_factory import make_plan, plan_for


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def _release(plan: Plan) -> int:
    (release,) = plan.releases.rows()
    return release.id


def _go(plan: Plan) -> int:
    return plan.checklists.create_from_template(_release(plan), "go_no_go")


def _texts(plan: Plan, section_id: int) -> list[str]:
    return [i.text for i in plan.checklists.items_of(section_id)]


def _reasons(plan: Plan) -> list[str]:
    with plan.store.read() as session:
        return list(session.scalars(select(audit.AUDIT_TABLE.c.reason)))


def test_a_release_checklist_is_made_from_a_built_in_template_in_one_step(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    checklist_id = _go(plan)
    service = plan.checklists

    assert len(notices) == 1
    checklist = service.checklist(checklist_id)
    assert checklist.name == "Go/No-Go: R1" and checklist.kind == "go_no_go"
    assert checklist.decider_roles == GO_NO_GO.deciders
    sections = service.sections_of(checklist_id)
    assert [s.name for s in sections] == [s.name for s in GO_NO_GO.sections]
    items = service.checklist_items(checklist_id)
    assert len(items) == sum(len(s.items) for s in GO_NO_GO.sections)
    assert {i.status for i in items} == {"open"}
    first = items[0]
    # One working day before the target, Friday 16 January 2026.
    assert service.due_rule(first) == "1 working day before target"
    assert service.due_date(first) == dt.date(2026, 1, 15)
    assert plan.verify_audit().ok


def test_a_plan_template_is_copied_with_its_sections_items_and_rules(plan: Plan) -> None:
    template_id = plan.uow.run("template", lambda s: write_template(s, GO_NO_GO).id)
    offered = dict(plan.checklists.template_choices())
    assert offered[template_id] == "Go/No-Go"
    assert "go_no_go" not in offered  # the plan's own template stands for the built-in one
    assert "security_review" in offered
    plan.checklists.sections.update(plan.checklists.sections_of(template_id)[0].id, "name", "QA")

    made = plan.checklists.create_from_template(_release(plan), template_id, name="GNG")
    assert [s.name for s in plan.checklists.sections_of(made)][0] == "QA"
    assert len(plan.checklists.checklist_items(made)) == len(
        plan.checklists.checklist_items(template_id)
    )
    with pytest.raises(ValidationError, match="not a template"):
        plan.checklists.create_from_template(_release(plan), made)


def test_reorder_within_a_section_and_move_between_sections_then_undo(plan: Plan) -> None:
    checklist_id = _go(plan)
    service = plan.checklists
    quality, security = service.sections_of(checklist_id)[:2]
    a, b, c = service.items_of(quality.id)
    before = _texts(plan, quality.id), _texts(plan, security.id)

    was = service.move_items([c.id], quality.id, 0)
    assert _texts(plan, quality.id) == [c.text, a.text, b.text]
    service.set_placement(was)
    assert (_texts(plan, quality.id), _texts(plan, security.id)) == before

    # Two items dropped before the security section's only item: they keep their order.
    was = service.move_items([b.id, a.id], security.id, 0)
    assert _texts(plan, security.id) == [a.text, b.text, before[1][0]]
    assert _texts(plan, quality.id) == [c.text]
    assert [i.position for i in service.items_of(security.id)] == [0, 1, 2]
    assert _reasons(plan)[-1] == "Move 2 items to Security"
    service.set_placement(was)
    assert (_texts(plan, quality.id), _texts(plan, security.id)) == before
    assert plan.verify_audit().ok


def test_copy_and_paste_between_checklists_carries_the_definition_only(plan: Plan) -> None:
    service = plan.checklists
    first, second = _go(plan), _go(plan)
    item = service.checklist_items(first)[0]
    service.update(item.id, "status", "done")
    service.update(item.id, "evidence", "signed off")
    target = service.sections_of(second)[1]

    drafts = service.copy_items([item.id])
    created = service.paste_items(drafts, target.id, 0)
    (pasted,) = (service.row(i) for i in created)
    assert pasted.checklist_id == second and pasted.section_id == target.id
    assert pasted.text == item.text and pasted.due_milestone == item.due_milestone
    assert pasted.status == "open" and pasted.evidence == "" and pasted.checked_by == ""
    assert _texts(plan, target.id)[0] == item.text

    deleted = service.delete_items(created)
    assert item.text not in _texts(plan, target.id)
    service.restore_items(deleted)
    assert _texts(plan, target.id)[0] == item.text
    assert plan.verify_audit().ok


def test_progress_counts_done_against_what_applies(plan: Plan) -> None:
    service = plan.checklists
    checklist_id = _go(plan)
    quality = service.sections_of(checklist_id)[0]
    a, b, c = service.items_of(quality.id)
    service.update(a.id, "status", "done")
    service.update(b.id, "status", "not_applicable")
    service.update(c.id, "status", "blocked")

    section = service.progress(checklist_id, quality.id)
    assert (section.done, section.applicable, section.blocked, section.total) == (1, 2, 1, 3)
    assert section.percent == 50
    whole = service.progress(checklist_id)
    assert whole.total == 10 and whole.done == 1 and whole.applicable == 9


def test_filters_pick_mine_open_and_blocked(plan: Plan) -> None:
    service = plan.checklists
    checklist_id = _go(plan)
    items = service.checklist_items(checklist_id)
    service.update(items[0].id, "status", "blocked")
    service.update(items[1].id, "status", "done")
    service.update(items[4].id, "owner", "Aisha")

    sre = service.filtered(checklist_id, ItemFilter(mine="sre"))
    assert sre and {i.owner_role for i in sre} == {"SRE"}
    assert [i.id for i in service.filtered(checklist_id, ItemFilter(mine="aisha"))] == [items[4].id]
    assert items[1].id not in {
        i.id for i in service.filtered(checklist_id, ItemFilter(state="open"))
    }
    assert [i.id for i in service.filtered(checklist_id, ItemFilter(state="blocked"))] == [
        items[0].id
    ]


def test_item_edits_follow_the_field_rules_and_stamp_who_checked(plan: Plan) -> None:
    service = plan.checklists
    item = service.checklist_items(_go(plan))[0]
    service.update(item.id, "status", "done")
    checked = service.row(item.id)
    assert checked.checked_by == plan.store.actor and checked.checked_at is not None
    service.update(item.id, "status", "open")
    assert service.row(item.id).checked_at is None

    with pytest.raises(ValidationError, match="status must be one of"):
        service.update(item.id, "status", "yes")
    service.update(item.id, "evidence_kind", "link")
    with pytest.raises(ValidationError, match="is not a link"):
        service.update(item.id, "evidence", "wiki page")
    with pytest.raises(ValidationError, match="Due from"):
        service.update(item.id, "due_milestone", None)  # its offset would count from nothing
    service.update(item.id, "due_offset", None)
    service.update(item.id, "due_milestone", None)
    assert service.due_date(service.row(item.id)) is None
    with pytest.raises(ValidationError, match="Due from"):
        service.update(item.id, "due_offset", 3)
    with pytest.raises(ValidationError, match="cannot be edited"):
        service.update(item.id, "checked_by", "me")


def test_decisions_are_validated_and_recorded_with_person_role_time_and_reason(
    plan: Plan,
) -> None:
    service = plan.checklists
    checklist_id = _go(plan)
    at = dt.datetime(2026, 1, 15, 16, 30, tzinfo=dt.UTC)

    with pytest.raises(ValidationError, match="GO needs every required item") as refused:
        service.record_decision(checklist_id, "go", "Priya", "Release manager", "", at)
    assert "All release-blocking defects" in str(refused.value)
    with pytest.raises(ValidationError, match="does not decide"):
        service.record_decision(checklist_id, "no_go", "Kim", "Intern", "not ready", at)
    with pytest.raises(ValidationError, match="needs a reason"):
        service.record_decision(checklist_id, "no_go", "Priya", "Release manager", " ", at)
    with pytest.raises(ValidationError, match="decided by cannot be empty"):
        service.record_decision(checklist_id, "no_go", "", "Release manager", "x", at)

    decision_id = service.record_decision(
        checklist_id, "go_with_exceptions", "Priya", "release manager", "Waived: P3s", at
    )
    (status,) = service.go_no_go(_release(plan))
    assert status.latest is not None and status.latest.id == decision_id
    assert status.latest.decided_at == dt.datetime(2026, 1, 15, 16, 30)
    assert status.waiting_for == ["Product manager", "Tech lead"]
    assert status.required_open and status.unresolved[: len(status.required_open)] == (
        status.required_open
    )
    values = service.delete_decision(decision_id)
    assert service.decisions(checklist_id) == []
    service.restore_decision(values)
    assert [d.id for d in service.decisions(checklist_id)] == [decision_id]
    assert plan.verify_audit().ok


def test_a_release_with_open_required_go_no_go_items_is_not_released(plan: Plan) -> None:
    release_id = _release(plan)
    checklist_id = _go(plan)
    service = plan.checklists
    optional = [i for i in service.checklist_items(checklist_id) if not i.required]
    required = [i for i in service.checklist_items(checklist_id) if i.required]

    with pytest.raises(ValidationError, match="cannot be marked released") as refused:
        plan.releases.update(release_id, "status", "shipped")
    for item in required:
        assert item.text in str(refused.value)
    assert optional[0].text not in str(refused.value)
    with pytest.raises(ValidationError, match="cannot be marked released"):
        plan.releases.update(release_id, "actual_date", dt.date(2026, 1, 16))
    assert plan.releases.row(release_id).status == "planned"

    # Resolving every required item but one (N/A counts as resolved) still names that one.
    for item in required[1:]:
        service.update(item.id, "status", "not_applicable" if item is required[1] else "done")
    with pytest.raises(ValidationError) as refused:
        plan.releases.update(release_id, "status", "shipped")
    assert required[0].text in str(refused.value)
    assert required[1].text not in str(refused.value)

    plan.releases.update(
        release_id, "status", "shipped", override="Defect waived by the CAB, ticket CAB-12"
    )
    assert plan.releases.row(release_id).status == "shipped"
    with plan.store.read() as session:
        reason, after = session.execute(
            select(audit.AUDIT_TABLE.c.reason, audit.AUDIT_TABLE.c.after)
            .where(audit.AUDIT_TABLE.c.entity == "releases")
            .order_by(audit.AUDIT_TABLE.c.id.desc())
            .limit(1)
        ).one()
    assert json.loads(after)["status"] == "shipped"
    assert "override reason: Defect waived by the CAB, ticket CAB-12" in reason
    assert required[0].text in reason
    assert plan.verify_audit().ok


def test_a_release_without_open_required_items_is_released_without_override(plan: Plan) -> None:
    release_id = _release(plan)
    service = plan.checklists
    for item in service.checklist_items(_go(plan)):
        if item.required:
            service.update(item.id, "status", "done")
    plan.releases.update(release_id, "actual_date", dt.date(2026, 1, 16))
    assert plan.releases.row(release_id).actual_date == dt.date(2026, 1, 16)


def test_a_checklist_with_decisions_is_kept_and_one_without_is_deleted_and_restored(
    plan: Plan,
) -> None:
    service = plan.checklists
    checklist_id = _go(plan)
    items = len(service.checklist_items(checklist_id))
    deleted = service.delete_checklist(checklist_id)
    assert service.checklists(_release(plan)) == []
    service.restore_checklist(deleted)
    assert len(service.checklist_items(checklist_id)) == items
    service.record_decision(checklist_id, "no_go", "Priya", "Release manager", "Not yet")
    with pytest.raises(ValidationError, match="kept as the record"):
        service.delete_checklist(checklist_id)
    assert plan.verify_audit().ok
