"""Change control: the workflow's transition table, the risk matrix's bands, approval rules
(required roles, no self-approval, PIN re-authentication, one decision per role slot), and
the holds an unapproved change puts on its release."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import audit, risk_matrix
from app.changes import TRANSITIONS, requirements
from app.cli import run
from app.errors import ValidationError
from app.plan import Plan
from models import Approval, ChangeRequest, Component, Environment
from models.changes import CHANGE_STATUSES
from tests.app.plan_factory import make_plan, plan_for

AT = dt.datetime(2026, 11, 30, 14, 5)
PIN = "2468"
PEOPLE = {
    "Rita": "Release manager",
    "Carl": "CAB member",
    "Cora": "CAB member",
    "Sam": "Service owner",
    "Dev": "CAB member; Service owner",
}


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


@pytest.fixture
def plan(bare: Plan) -> Plan:
    """A plan with approvers (scrypt makes each PIN cost time: tests without signatures use
    `bare`)."""
    for name, roles in PEOPLE.items():
        _add_approver(bare, name, roles, AT - dt.timedelta(days=30))
    return bare


def _add_approver(plan: Plan, name: str, roles: str, at: dt.datetime) -> int:
    approver_id = plan.approvers.create({"name": name, "roles": roles})
    plan.approvers.set_first_pin(approver_id, PIN, PIN, at)
    return approver_id


def _change(plan: Plan, category: str = "normal", cell: tuple[int, int] | None = (3, 3)) -> int:
    (release,) = plan.releases.rows()
    change_id = plan.changes.create(
        {
            "title": "Upgrade the database",
            "release_id": release.id,
            "category": category,
            "requested_by": "Dev",
        }
    )
    if cell is not None:
        plan.risks.create(
            {
                "title": "It fails",
                "change_request_id": change_id,
                "likelihood": cell[0],
                "impact": cell[1],
            }
        )
    return change_id


def _decide(
    plan: Plan,
    change_id: int,
    who: str,
    role: str,
    decision: str = "approved",
    pin: str = PIN,
    comment: str = "",
) -> None:
    plan.changes.decide(change_id, who, pin, role, decision, "Reviewed and approved", comment, AT)


def _status(plan: Plan, change_id: int) -> str:
    return str(plan.changes.row(change_id).status)


# -- the risk matrix --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 1, "low"),
        (2, 2, "low"),
        (4, 1, "low"),
        (1, 4, "low"),
        (5, 1, "medium"),
        (3, 3, "medium"),
        (2, 4, "medium"),
        (3, 2, "medium"),
        (5, 2, "high"),
        (2, 5, "high"),
        (4, 4, "high"),
        (3, 4, "high"),
        (4, 5, "critical"),
        (5, 4, "critical"),
        (5, 5, "critical"),
    ],
)
def test_the_matrix_bands(likelihood: int, impact: int, level: str) -> None:
    assert risk_matrix.level(likelihood, impact) == level


def test_every_cell_has_exactly_one_band_and_bands_grow_with_the_score() -> None:
    by_score = sorted(
        (risk_matrix.score(li, im), risk_matrix.rank(risk_matrix.level(li, im)))
        for li in risk_matrix.SCALE
        for im in risk_matrix.SCALE
    )
    assert [rank for _score, rank in by_score] == sorted(rank for _score, rank in by_score)
    with pytest.raises(ValueError):
        risk_matrix.level(0, 3)


def test_the_register_counts_per_cell_and_holds_the_changes_risks(bare: Plan) -> None:
    plan = bare
    (release,) = plan.releases.rows()
    change_id = _change(plan, cell=(4, 4))
    plan.risks.create(
        {"title": "Vendor late", "release_id": release.id, "likelihood": 4, "impact": 4}
    )
    plan.risks.create({"title": "Plan-wide", "likelihood": 1, "impact": 1})
    counts = plan.risks.matrix(release.id)
    assert counts[(4, 4)] == 2 and sum(counts.values()) == 2  # the plan-wide one is not on it
    keys = {r.change_key for r in plan.risks.register(release.id)}
    assert keys == {"", plan.changes.row(change_id).key}
    with pytest.raises(ValidationError, match="release or to a change"):
        plan.risks.create({"title": "x", "release_id": release.id, "change_request_id": change_id})


# -- the workflow -----------------------------------------------------------------------------

ALLOWED = {(t.source, t.target) for t in TRANSITIONS}


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in CHANGE_STATUSES for t in CHANGE_STATUSES if s != t],
)
def test_the_transition_table(bare: Plan, source: str, target: str) -> None:
    """Every pair of statuses: a move in the table is offered, any other is refused with a
    reason that names where the change may go."""
    plan = bare
    change_id = _change(plan)
    with plan.store.transaction(reason="test setup") as session:
        session.get_one(ChangeRequest, change_id).status = source
    plan.changes._rows = None  # noqa: SLF001 - read again after the write behind its back
    offered = {t.target for t, _why in plan.changes.transitions(change_id)}
    assert (target in offered) == ((source, target) in ALLOWED)
    if (source, target) not in ALLOWED:
        with pytest.raises(ValidationError, match="the workflow goes from there to"):
            plan.changes.move(change_id, target)
        assert _status(plan, change_id) == source


def test_cancelled_comes_only_before_implementation() -> None:
    assert {s for s, t in ALLOWED if t == "cancelled"} == {"draft", "submitted", "approved"}
    assert not {t for s, t in ALLOWED if s in ("closed", "cancelled", "rejected")}


def test_submitting_needs_a_risk_assessment(plan: Plan) -> None:
    change_id = _change(plan, cell=None)
    with pytest.raises(ValidationError, match="risk is not assessed"):
        plan.changes.move(change_id, "submitted")


def test_a_full_approval_moves_submitted_to_approved_then_implemented(plan: Plan) -> None:
    change_id = _change(plan, cell=(3, 3))  # normal, medium: release manager + one CAB member
    plan.changes.move(change_id, "submitted")
    with pytest.raises(ValidationError, match="lacks required approvals"):
        plan.changes.move(change_id, "implemented")
    _decide(plan, change_id, "Rita", "Release manager")
    assert _status(plan, change_id) == "submitted"
    _decide(plan, change_id, "Carl", "CAB member")
    assert _status(plan, change_id) == "approved"
    plan.changes.move(change_id, "implemented")
    plan.changes.move(change_id, "closed")
    assert _status(plan, change_id) == "closed"


def test_a_rejection_rejects_and_a_standard_low_change_needs_nobody(plan: Plan) -> None:
    change_id = _change(plan)
    plan.changes.move(change_id, "submitted")
    _decide(plan, change_id, "Carl", "CAB member", "rejected", comment="No rollback")
    assert _status(plan, change_id) == "rejected"
    standard = _change(plan, "standard", (1, 2))
    plan.changes.move(standard, "submitted")
    assert _status(plan, standard) == "approved"


# -- approval rules ---------------------------------------------------------------------------


def test_required_roles_follow_category_and_level(plan: Plan) -> None:
    rules = plan.changes.rules()

    def needed(category: str, level: str) -> dict[str, tuple[int, bool]]:
        return {r.role: (r.count, r.after_the_fact) for r in requirements(rules, category, level)}

    assert needed("standard", "medium") == {}
    assert needed("normal", "low") == {"Release manager": (1, False)}
    assert needed("normal", "medium") == {"Release manager": (1, False), "CAB member": (1, False)}
    assert needed("normal", "critical") == {
        "Release manager": (1, False),
        "CAB member": (2, False),
        "Service owner": (1, False),
    }
    assert needed("emergency", "low") == {"Release manager": (1, True), "CAB member": (1, True)}
    # A role two rules name needs the larger count, after the fact only if both allow it.
    merged = requirements(
        [
            {
                "category": "normal",
                "min_level": "low",
                "role": "X",
                "count": 1,
                "after_the_fact": True,
            },
            {
                "category": "normal",
                "min_level": "high",
                "role": "X",
                "count": 3,
                "after_the_fact": False,
            },
        ],
        "normal",
        "high",
    )
    assert [(r.role, r.count, r.after_the_fact) for r in merged] == [("X", 3, False)]


def test_rules_are_plan_records(plan: Plan) -> None:
    rule = next(
        r for r in plan.approval_rules.rows() if (r.category, r.min_level) == ("normal", "low")
    )
    plan.approval_rules.update(rule.id, "count", 2)
    change_id = _change(plan, cell=(1, 1))
    assert plan.changes.approval_state(change_id).missing() == ["Release manager (0 of 2)"]


def test_no_self_approval(plan: Plan) -> None:
    change_id = _change(plan, cell=(4, 4))  # requested by Dev, who is a CAB member
    plan.changes.move(change_id, "submitted")
    with pytest.raises(ValidationError, match="requested .* and cannot approve it"):
        _decide(plan, change_id, "Dev", "CAB member")
    assert plan.changes.approvals(change_id) == []


def test_a_wrong_pin_is_refused_and_nothing_is_recorded(plan: Plan) -> None:
    change_id = _change(plan)
    plan.changes.move(change_id, "submitted")
    with plan.store.read() as session:
        events = session.scalar(select(func.count()).select_from(audit.AUDIT_TABLE))
    for who, pin in (("Rita", "1111"), ("Nobody", PIN), ("Rita", "")):
        with pytest.raises(ValidationError, match="name and PIN do not match") as refused:
            _decide(plan, change_id, who, "Release manager", pin=pin)
        assert refused.value.problems == ["The name and PIN do not match an approver of this plan"]
    with plan.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Approval)) == 0
        assert session.scalar(select(func.count()).select_from(audit.AUDIT_TABLE)) == events


def test_one_decision_per_required_role_and_person(plan: Plan) -> None:
    change_id = _change(plan, cell=(4, 4))  # high: release manager, two CAB, service owner
    plan.changes.move(change_id, "submitted")
    _decide(plan, change_id, "Carl", "CAB member")
    with pytest.raises(ValidationError, match="already decided"):
        _decide(plan, change_id, "Carl", "CAB member")
    _decide(plan, change_id, "Cora", "CAB member")
    _add_approver(plan, "Cid", "CAB member", AT)
    with pytest.raises(ValidationError, match="has all the decisions it needs from CAB member"):
        _decide(plan, change_id, "Cid", "CAB member")
    with pytest.raises(ValidationError, match="does not hold the role"):
        _decide(plan, change_id, "Sam", "Release manager")
    with pytest.raises(ValidationError, match="does not need a decision by 'Tester'"):
        _add_approver(plan, "Tess", "Tester", AT)
        _decide(plan, change_id, "Tess", "Tester")
    assert plan.changes.approval_state(change_id).missing() == [
        "Release manager (0 of 1)",
        "Service owner (0 of 1)",
    ]


def test_conditions_and_rejections_need_a_comment(plan: Plan) -> None:
    change_id = _change(plan)
    plan.changes.move(change_id, "submitted")
    with pytest.raises(ValidationError, match="conditions or the reason"):
        _decide(plan, change_id, "Carl", "CAB member", "approved_with_conditions")


def test_the_approval_is_audited_with_its_meaning_and_shows_its_manifestation(plan: Plan) -> None:
    change_id = _change(plan)
    plan.changes.move(change_id, "submitted")
    _decide(plan, change_id, "Rita", "Release manager")
    (approval,) = plan.changes.approvals(change_id)
    assert approval.manifestation == (
        "Rita (Release manager), 2026-11-30 14:05 UTC: approved — Reviewed and approved"
    )
    (event, *_rest) = plan.changes.history(change_id)
    assert event.entity == "approvals" and "Reviewed and approved" in event.reason
    assert "Rita (Release manager) signed" in event.reason


def test_an_emergency_change_is_implemented_first_and_approved_after_the_fact(plan: Plan) -> None:
    change_id = _change(plan, "emergency", (2, 2))
    plan.changes.move(change_id, "submitted")
    plan.changes.move(change_id, "implemented")  # its approvals may come after the fact
    with pytest.raises(ValidationError, match="lacks required approvals"):
        plan.changes.move(change_id, "closed")
    _decide(plan, change_id, "Rita", "Release manager")
    _decide(plan, change_id, "Carl", "CAB member")
    assert all(a.after_the_fact for a in plan.changes.approvals(change_id))
    assert "after the fact" in plan.changes.approvals(change_id)[0].manifestation
    plan.changes.move(change_id, "closed")


def test_undo_of_a_decision_takes_back_the_status_and_redo_brings_the_same_signature(
    plan: Plan,
) -> None:
    change_id = _change(plan, cell=(1, 1))  # normal, low: the release manager alone
    plan.changes.move(change_id, "submitted")
    decided = plan.changes.decide(
        change_id, "Rita", PIN, "Release manager", "approved", "Ok", "", AT
    )
    assert _status(plan, change_id) == "approved"
    plan.changes.withdraw(decided)
    assert _status(plan, change_id) == "submitted" and plan.changes.approvals(change_id) == []
    plan.changes.reinstate(decided)
    assert plan.changes.approvals(change_id) == [decided.approval]
    assert _status(plan, change_id) == "approved"
    assert plan.verify_audit().ok


def test_a_pin_changes_only_with_the_old_one_and_stays_out_of_the_trail(plan: Plan) -> None:
    rita = next(a.id for a in plan.changes.approvers() if a.name == "Rita")
    with pytest.raises(ValidationError, match="not the current PIN of Rita"):
        plan.approvers.change_pin(rita, "0000", "13579", "13579", AT)
    plan.approvers.change_pin(rita, PIN, "13579", "13579", AT)
    change_id = _change(plan, cell=(1, 1))
    plan.changes.move(change_id, "submitted")
    with pytest.raises(ValidationError):
        _decide(plan, change_id, "Rita", "Release manager")
    _decide(plan, change_id, "Rita", "Release manager", pin="13579")
    with plan.store.read() as session:
        text = " ".join(
            f"{b} {a}"
            for b, a in session.execute(
                select(audit.AUDIT_TABLE.c.before, audit.AUDIT_TABLE.c.after).where(
                    audit.AUDIT_TABLE.c.entity == "approvers"
                )
            )
        )
    assert "pin_set_at" in text and "pin_hash" not in text and "pin_salt" not in text


# -- the release rule -------------------------------------------------------------------------


def test_a_release_with_an_unapproved_change_is_not_released_unless_overridden(plan: Plan) -> None:
    (release,) = plan.releases.rows()
    change_id = _change(plan)
    key = plan.changes.row(change_id).key
    with pytest.raises(ValidationError, match=f"change {key} lacks approvals"):
        plan.releases.update(release.id, "status", "shipped")
    plan.changes.move(change_id, "submitted")
    _decide(plan, change_id, "Rita", "Release manager")
    assert plan.releases.held_by(release.id) == [
        f"change {key} lacks approvals: CAB member (0 of 1)"
    ]
    plan.releases.update(release.id, "status", "shipped", override="CAB chair approved by phone")
    with plan.store.read() as session:
        reason = session.scalars(
            select(audit.AUDIT_TABLE.c.reason).order_by(audit.AUDIT_TABLE.c.id.desc()).limit(1)
        ).one()
    assert key in reason and "CAB chair approved by phone" in reason


def test_cancelled_and_rejected_changes_hold_nothing(plan: Plan) -> None:
    (release,) = plan.releases.rows()
    change_id = _change(plan)
    plan.changes.move(change_id, "cancelled")
    assert plan.releases.held_by(release.id) == []


def test_only_a_bare_draft_is_deleted(plan: Plan) -> None:
    change_id = _change(plan)
    with pytest.raises(ValidationError, match="still has risks"):
        plan.changes.delete(change_id)
    plan.changes.move(change_id, "submitted")
    with pytest.raises(ValidationError, match="cancel it instead"):
        plan.changes.delete(change_id)


def test_links_to_components_and_environments_are_set_and_given_back(bare: Plan) -> None:
    change_id = _change(bare)
    with bare.store.transaction(reason="setup") as session:
        session.add_all([Component(name="api"), Component(name="db")])
        session.add_all([Environment(name="prod", tier="production")])
    with bare.store.read() as session:
        comps = frozenset(session.scalars(select(Component.id)))
        envs = frozenset(session.scalars(select(Environment.id)))
    old = bare.changes.set_links(change_id, comps, envs)
    assert old == (frozenset(), frozenset())
    assert bare.changes.links(change_id) == (comps, envs)
    assert bare.changes.set_links(change_id, *old) == (comps, envs)
    assert bare.changes.links(change_id) == (frozenset(), frozenset())
    latest = bare.changes.history(change_id)[:3]
    assert {(e.entity, e.action) for e in latest} == {
        ("change_components", "delete"),
        ("change_environments", "delete"),
    }


def test_the_command_line_shows_a_change_and_refuses_an_invalid_move(bare: Plan) -> None:
    change_id = _change(bare)
    key = bare.changes.row(change_id).key
    path = bare.path
    bare.close()
    out, err = io.StringIO(), io.StringIO()
    assert run(["change", str(path), key, "--to", "closed"], out, err) == 1
    assert "the workflow goes from there to submitted, cancelled, not to closed" in err.getvalue()
    assert run(["change", str(path), key, "--to", "submitted"], out, err) == 0
    out = io.StringIO()
    assert run(["change", str(path), key], out, err) == 0
    assert f"{key} Upgrade the database: submitted (normal, risk medium)" in out.getvalue()
    assert "needs: Release manager (0 of 1)" in out.getvalue()
