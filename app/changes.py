"""Change requests: fields, the workflow's transition table, approvals and the rules that say
which roles a change needs, and what an unapproved change holds back.

The workflow (TRANSITIONS) runs draft -> submitted -> approved | rejected -> implemented ->
closed; cancelled ends a change that has not been implemented (from draft, submitted or
approved). Approvals are decisions signed after re-authentication (app/approver_pins.py);
which roles must decide follows from the plan's approval rules, the change's category and
its risk level (the highest of its risks on the matrix, app/risk_matrix.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import risk_matrix
from app.approver_pins import pin_matches
from app.audit import AUDIT_TABLE, HistoryEntry
from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.records import Record, RecordService, RecordType, title_from
from app.unit_of_work import UnitOfWork
from models import (
    Approval,
    ApprovalRule,
    Approver,
    ChangeComponent,
    ChangeEnvironment,
    ChangeRequest,
    Component,
    Environment,
    Risk,
)
from models.changes import CHANGE_CATEGORIES, CHANGE_STATUSES, DECISIONS, RISK_LEVELS

KEY_PREFIX = "CHG-"
APPROVING = ("approved", "approved_with_conditions")
DECISION_LABELS = {
    "approved": "Approve",
    "approved_with_conditions": "Approve with conditions",
    "rejected": "Reject",
}
DECIDED = {
    "approved": "approved",
    "approved_with_conditions": "approved with conditions",
    "rejected": "rejected",
}
# What a signature means, offered in the approval dialog (any other text may be typed).
MEANINGS = (
    "Reviewed and approved for implementation",
    "Technical review complete",
    "Business risk accepted",
    "Approved after the fact (emergency change)",
)


def _window_rule(values: Mapping[str, Any]) -> list[str]:
    start, end = values.get("window_start"), values.get("window_end")
    if start is not None and end is not None and end < start:
        return [f"the window ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})"]
    return []


CHANGE_FIELDS = FieldSet(
    "change_requests",
    "change request",
    (
        Field("key", "Key", required=True, max_length=40),
        Field("title", "Title", required=True, max_length=300),
        Field("release_id", "Release", FieldKind.REFERENCE, reference="releases", required=True),
        Field(
            "category",
            "Category",
            FieldKind.CHOICE,
            required=True,
            choices=choices(CHANGE_CATEGORIES),
            tip="Standard: pre-approved and low risk; emergency: may be approved after the fact",
        ),
        Field(
            "status",
            "Status",
            FieldKind.CHOICE,
            choices=choices(CHANGE_STATUSES),
            computed=True,
            tip="Moves only by the workflow's buttons (submit, implement, close, …)",
        ),
        Field("requested_by", "Requested by", required=True, max_length=120),
        Field("window_start", "Window opens", FieldKind.DATETIME),
        Field("window_end", "Window closes", FieldKind.DATETIME),
        Field(
            "rollback_runbook_id",
            "Rollback plan",
            FieldKind.REFERENCE,
            reference="runbooks",
            none_label="No runbook",
            tip="The runbook whose rollback section undoes this change",
        ),
        Field("rollback_notes", "Rollback notes", FieldKind.MULTILINE),
        Field("description", "Description", FieldKind.MULTILINE),
    ),
)


CHANGE_REQUESTS = RecordType(
    fields=CHANGE_FIELDS,
    model=ChangeRequest,
    order_by=("key",),
    title=title_from("key"),
    rules=_window_rule,
    defaults={"category": "normal", "description": "", "rollback_notes": ""},
)


@dataclass(frozen=True, slots=True)
class Transition:
    """A move the workflow allows from one status, and what it checks first."""

    source: str
    target: str
    label: str  # the button's text
    check: str = ""  # the guard's name in ChangeService._guards ("" : none)


# The workflow, one row per allowed move; any other move is refused with the reason.
TRANSITIONS = (
    Transition("draft", "submitted", "Submit", "assessed"),
    Transition("draft", "cancelled", "Cancel"),
    Transition("submitted", "draft", "Withdraw", "undecided"),
    Transition("submitted", "approved", "Approve", "approved_before"),
    Transition("submitted", "rejected", "Reject", "a_rejection"),
    Transition("submitted", "implemented", "Implement", "approved_before"),
    Transition("submitted", "cancelled", "Cancel"),
    Transition("approved", "implemented", "Implement", "approved_before"),
    Transition("approved", "cancelled", "Cancel"),
    Transition("implemented", "closed", "Close", "approved_all"),
)
STATUS_LABELS = dict(choices(CHANGE_STATUSES))


@dataclass(frozen=True, slots=True)
class Requirement:
    """Decisions a change needs from one role; `after_the_fact` ones may follow the change's
    implementation (they are still needed to close it and to release its release)."""

    role: str
    count: int
    after_the_fact: bool


@dataclass(frozen=True, slots=True)
class ApprovalRow:
    id: int
    change_request_id: int
    approver: str
    role: str
    decision: str
    meaning: str
    decided_at: dt.datetime
    comment: str
    after_the_fact: bool

    @property
    def approving(self) -> bool:
        return self.decision in APPROVING

    @property
    def manifestation(self) -> str:
        """The signature as it is shown and printed: printed name, time (UTC), meaning."""
        late = ", after the fact" if self.after_the_fact else ""
        return (
            f"{self.approver} ({self.role}), {self.decided_at:%Y-%m-%d %H:%M} UTC{late}: "
            f"{DECIDED[self.decision]} — {self.meaning}"
        )


@dataclass(frozen=True, slots=True)
class RoleState:
    requirement: Requirement
    decisions: tuple[ApprovalRow, ...]

    @property
    def approvals(self) -> int:
        return sum(1 for d in self.decisions if d.approving)

    @property
    def missing(self) -> int:
        return max(0, self.requirement.count - self.approvals)

    def text(self) -> str:
        req = self.requirement
        return f"{req.role} ({self.approvals} of {req.count})"


@dataclass(frozen=True, slots=True)
class ApprovalState:
    """What a change needs and what it has: per required role, and the decisions so far."""

    level: str | None  # the change's risk level; None: not assessed yet
    roles: tuple[RoleState, ...]
    decisions: tuple[ApprovalRow, ...]

    @property
    def rejected(self) -> bool:
        return any(d.decision == "rejected" for d in self.decisions)

    def missing(self, before_implementing: bool = False) -> list[str]:
        """The roles still short of approvals (all of them, or only those needed before the
        change may be implemented)."""
        return [
            r.text()
            for r in self.roles
            if r.missing and not (before_implementing and r.requirement.after_the_fact)
        ]


@dataclass(frozen=True, slots=True)
class Decided:
    """A recorded decision and the status it moved the change from (undo puts it back)."""

    approval: ApprovalRow
    old_status: str


@dataclass(frozen=True, slots=True)
class ApproverRow:
    id: int
    name: str
    roles: tuple[str, ...]
    has_pin: bool


def split_roles(text: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in text.split(";") if r.strip())


def requirements(
    rules: Iterable[Mapping[str, Any]], category: str, level: str
) -> list[Requirement]:
    """The roles a change of `category` at risk `level` needs: every rule of its category
    whose minimum level it reaches; a role named by several rules needs the most decisions
    any of them asks, and may come after the fact only if every one of them allows it."""
    merged: dict[str, tuple[int, bool]] = {}
    for rule in rules:
        if rule["category"] != category:
            continue
        if risk_matrix.rank(level) < risk_matrix.rank(rule["min_level"]):
            continue
        role = str(rule["role"])
        count, later = merged.get(role, (0, True))
        merged[role] = (max(count, int(rule["count"])), later and bool(rule["after_the_fact"]))
    return [Requirement(role, count, later) for role, (count, later) in merged.items()]


class ChangeService(RecordService):
    """Change requests as records, plus the workflow, approvals and approvers.

    Every change of state is one unit of work; each method that changes something returns
    what its undo needs.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow, CHANGE_REQUESTS)
        self._guards: dict[str, Callable[[int], str]] = {
            "assessed": self._assessed,
            "undecided": self._undecided,
            "approved_before": lambda c: self._approved(c, before_implementing=True),
            "approved_all": lambda c: self._approved(c, before_implementing=False),
            "a_rejection": self._a_rejection,
        }

    @property
    def actor(self) -> str:
        """The user this plan is edited as (whose changes "mine" shows)."""
        return self._uow.store.actor

    # -- reading -------------------------------------------------------------------------------

    def find(self, key: str) -> Record:
        for row in self.rows():
            if row.key.casefold() == key.strip().casefold():
                return row
        raise ValidationError(f"No change request {key!r} in the plan")

    def next_key(self) -> str:
        numbers = [
            int(m.group(1))
            for row in self.rows()
            if (m := re.fullmatch(re.escape(KEY_PREFIX) + r"(\d+)", row.key))
        ]
        return f"{KEY_PREFIX}{max(numbers, default=0) + 1}"

    def links(self, change_id: int) -> tuple[frozenset[int], frozenset[int]]:
        """The ids of the components and environments a change touches."""
        with self._uow.store.read() as session:
            components = session.scalars(
                select(ChangeComponent.component_id).where(
                    ChangeComponent.change_request_id == change_id
                )
            )
            environments = session.scalars(
                select(ChangeEnvironment.environment_id).where(
                    ChangeEnvironment.change_request_id == change_id
                )
            )
            return frozenset(components), frozenset(environments)

    def link_names(self, change_id: int) -> tuple[list[str], list[str]]:
        """The names of the components and environments a change touches."""
        with self._uow.store.read() as session:
            components = session.scalars(
                select(Component.name)
                .join(ChangeComponent, ChangeComponent.component_id == Component.id)
                .where(ChangeComponent.change_request_id == change_id)
                .order_by(Component.name)
            ).all()
            environments = session.scalars(
                select(Environment.name)
                .join(ChangeEnvironment, ChangeEnvironment.environment_id == Environment.id)
                .where(ChangeEnvironment.change_request_id == change_id)
                .order_by(Environment.position)
            ).all()
            return list(components), list(environments)

    def link_choices(self) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """Every component and environment a change may touch, as (id, name)."""
        with self._uow.store.read() as session:
            components = session.execute(
                select(Component.id, Component.name).order_by(Component.name)
            ).all()
            environments = session.execute(
                select(Environment.id, Environment.name).order_by(Environment.position)
            ).all()
            return [(i, n) for i, n in components], [(i, n) for i, n in environments]

    def risk_level(self, change_id: int) -> str | None:
        """The highest level of the change's risks (None: its risk is not assessed)."""
        with self._uow.store.read() as session:
            cells = session.execute(
                select(Risk.likelihood, Risk.impact).where(Risk.change_request_id == change_id)
            ).all()
        return risk_matrix.highest(risk_matrix.level(li, im) for li, im in cells)

    def rules(self) -> list[dict[str, Any]]:
        with self._uow.store.read() as session:
            return [
                _rule(rule)
                for rule in session.scalars(select(ApprovalRule).order_by(ApprovalRule.id))
            ]

    def approvals(self, change_id: int) -> list[ApprovalRow]:
        with self._uow.store.read() as session:
            rows = session.scalars(
                select(Approval)
                .where(Approval.change_request_id == change_id)
                .order_by(Approval.decided_at, Approval.id)
            )
            return [_approval_row(a) for a in rows]

    def approval_state(self, change_id: int) -> ApprovalState:
        change = self._existing(change_id)
        level = self.risk_level(change_id)
        needed = requirements(self.rules(), change.category, level or "low")
        decisions = tuple(self.approvals(change_id))
        roles = tuple(
            RoleState(req, tuple(d for d in decisions if d.role.casefold() == req.role.casefold()))
            for req in needed
        )
        return ApprovalState(level, roles, decisions)

    # -- the workflow --------------------------------------------------------------------------

    def transitions(self, change_id: int) -> list[tuple[Transition, str]]:
        """The moves the workflow allows from the change's status, each with the reason it is
        refused now ("" : it may be made)."""
        status = self._existing(change_id).status
        return [
            (t, self._guards[t.check](change_id) if t.check else "")
            for t in TRANSITIONS
            if t.source == status
        ]

    def why_not(self, change_id: int, target: str) -> str:
        """Why the change cannot move to `target` now ("" : it can)."""
        change = self._existing(change_id)
        if target not in CHANGE_STATUSES:
            return f"there is no status {target!r}"
        for transition, refused in self.transitions(change_id):
            if transition.target == target:
                return refused
        allowed = [STATUS_LABELS[t.target].lower() for t, _ in self.transitions(change_id)]
        return (
            f"{change.key} is {STATUS_LABELS[change.status].lower()}; the workflow goes from "
            f"there to {', '.join(allowed) if allowed else 'nowhere (it is final)'}, "
            f"not to {STATUS_LABELS[target].lower()}"
        )

    def move(self, change_id: int, target: str, reason: str = "") -> str:
        """Move a change along the workflow; returns the old status (what undo puts back).

        A submitted change that needs no approval before implementing (a standard change
        of low risk) is approved at once.
        """
        refused = self.why_not(change_id, target)
        change = self._existing(change_id)
        if refused:
            raise ValidationError(f"{change.key} cannot move to {target}: {refused}")
        if target == "submitted" and not self.approval_state(change_id).missing(True):
            target = "approved"
        self._set_status(change_id, target, reason or f"{change.key}: {STATUS_LABELS[target]}")
        return str(change.status)

    def put_back(self, change_id: int, status: str, reason: str = "") -> None:
        """Set the status outside the workflow: undo and redo of a move, nothing else."""
        self._set_status(change_id, status, reason)

    def _set_status(self, change_id: int, status: str, reason: str) -> None:
        def apply(session: Session) -> None:
            session.get_one(ChangeRequest, change_id).status = status

        self._uow.run(reason, apply)

    def _assessed(self, change_id: int) -> str:
        if self.risk_level(change_id) is None:
            return "its risk is not assessed yet: add a risk (likelihood and impact) to it"
        return ""

    def _undecided(self, change_id: int) -> str:
        if self.approvals(change_id):
            return "decisions are recorded on it"
        return ""

    def _approved(self, change_id: int, before_implementing: bool) -> str:
        state = self.approval_state(change_id)
        if state.rejected:
            return "it was rejected"
        missing = state.missing(before_implementing)
        return f"it lacks required approvals: {', '.join(missing)}" if missing else ""

    def _a_rejection(self, change_id: int) -> str:
        return "" if self.approval_state(change_id).rejected else "no approver rejected it"

    # -- approvals -----------------------------------------------------------------------------

    def check_decision(
        self,
        change_id: int,
        approver: str,
        pin: str,
        role: str,
        decision: str,
        meaning: str,
        comment: str,
    ) -> list[str]:
        """Every reason this decision would be refused (none: it can be recorded). The
        approval dialog asks before it closes, so the approver keeps what they typed."""
        change = self._existing(change_id)
        person = self._approver(approver)
        if person is None or not pin_matches(pin, *self._pin_of(person.id)):
            # One answer for an unknown name and a wrong PIN: it tells a guesser nothing.
            return ["The name and PIN do not match an approver of this plan"]
        problems = []
        if decision not in DECISIONS:
            problems.append(f"There is no decision {decision!r}")
        if not meaning.strip():
            problems.append("Say what the signature means (e.g. reviewed, approved)")
        if decision in ("approved_with_conditions", "rejected") and not comment.strip():
            problems.append("Write the conditions or the reason in the comment")
        if person.name.casefold() == change.requested_by.casefold():
            problems.append(f"{person.name} requested {change.key} and cannot approve it")
        if role.casefold() not in (r.casefold() for r in person.roles):
            held = ", ".join(person.roles) or "no role"
            problems.append(f"{person.name} does not hold the role {role!r} (holds: {held})")
        state = self.approval_state(change_id)
        if any(d.approver.casefold() == person.name.casefold() for d in state.decisions):
            problems.append(f"{person.name} has already decided on {change.key}")
        slot = next(
            (r for r in state.roles if r.requirement.role.casefold() == role.casefold()), None
        )
        if slot is None:
            needed = ", ".join(r.requirement.role for r in state.roles) or "no approvals"
            problems.append(f"{change.key} does not need a decision by {role!r} (needs: {needed})")
        elif len(slot.decisions) >= slot.requirement.count:
            problems.append(
                f"{change.key} has all the decisions it needs from {slot.requirement.role}"
            )
        elif change.status == "implemented" and not slot.requirement.after_the_fact:
            problems.append(
                f"{slot.requirement.role} cannot decide after the change is implemented"
            )
        elif change.status not in ("submitted", "implemented"):
            problems.append(
                f"{change.key} is {STATUS_LABELS[change.status].lower()}: decisions are taken "
                "while it is submitted (or, where the rules allow, after it is implemented)"
            )
        return problems

    def decide(
        self,
        change_id: int,
        approver: str,
        pin: str,
        role: str,
        decision: str,
        meaning: str,
        comment: str,
        at: dt.datetime,
    ) -> Decided:
        """Record a signed decision at `at` (UTC), after confirming the approver's PIN.

        The last approval a submitted change needs approves it; a rejection rejects it. A
        wrong PIN is refused and nothing is recorded.
        """
        problems = self.check_decision(change_id, approver, pin, role, decision, meaning, comment)
        if problems:
            raise ValidationError(problems)
        change = self._existing(change_id)
        person = self._approver(approver)
        assert person is not None
        slot_role = next(
            r.requirement.role
            for r in self.approval_state(change_id).roles
            if r.requirement.role.casefold() == role.casefold()
        )
        values = {
            "change_request_id": change_id,
            "approver": person.name,
            "role": slot_role,
            "decision": decision,
            "meaning": meaning.strip(),
            "decided_at": at.replace(tzinfo=None, microsecond=0),
            "comment": comment.strip(),
            "after_the_fact": change.status == "implemented",
        }
        label = DECISION_LABELS[decision].lower()
        reason = f"{person.name} ({slot_role}) signed “{label}” on {change.key}: {meaning.strip()}"
        return self._record(change_id, values, str(change.status), reason)

    def _record(
        self,
        change_id: int,
        values: Mapping[str, Any],
        old_status: str,
        reason: str,
        approval_id: int | None = None,
    ) -> Decided:
        # The status that follows is decided inside the transaction, from what is on file.
        def apply(session: Session) -> ApprovalRow:
            approval = Approval(id=approval_id, **values)
            session.add(approval)
            session.flush()
            change = session.get_one(ChangeRequest, change_id)
            if change.status == "submitted":
                if values["decision"] == "rejected":
                    change.status = "rejected"
                elif not self._missing_in(session, change, before_implementing=True):
                    change.status = "approved"
            return _approval_row(approval)

        return Decided(self._uow.run(reason, apply), old_status)

    def _missing_in(
        self, session: Session, change: ChangeRequest, before_implementing: bool
    ) -> bool:
        cells = session.execute(
            select(Risk.likelihood, Risk.impact).where(Risk.change_request_id == change.id)
        ).all()
        level = risk_matrix.highest(risk_matrix.level(li, im) for li, im in cells) or "low"
        rules = [_rule(r) for r in session.scalars(select(ApprovalRule))]
        approving = (
            session.execute(
                select(Approval.role).where(
                    Approval.change_request_id == change.id, Approval.decision.in_(APPROVING)
                )
            )
            .scalars()
            .all()
        )
        for req in requirements(rules, change.category, level):
            if before_implementing and req.after_the_fact:
                continue
            if sum(1 for r in approving if r.casefold() == req.role.casefold()) < req.count:
                return True
        return False

    def withdraw(self, decided: Decided, reason: str = "") -> None:
        """Undo of a decision: the approval goes and the change's status comes back."""

        def apply(session: Session) -> None:
            session.delete(session.get_one(Approval, decided.approval.id))
            session.get_one(
                ChangeRequest, decided.approval.change_request_id
            ).status = decided.old_status

        self._uow.run(reason or "Withdraw decision", apply)

    def reinstate(self, decided: Decided, reason: str = "") -> None:
        """Redo of a decision: the same signature (name, role, meaning, time) comes back; the
        approver confirmed it when it was first made."""
        row = decided.approval
        values = {
            "change_request_id": row.change_request_id,
            "approver": row.approver,
            "role": row.role,
            "decision": row.decision,
            "meaning": row.meaning,
            "decided_at": row.decided_at,
            "comment": row.comment,
            "after_the_fact": row.after_the_fact,
        }
        self._record(row.change_request_id, values, decided.old_status, reason, row.id)

    # -- holds on a release --------------------------------------------------------------------

    def release_holds(self, release_id: int) -> list[str]:
        """The release's changes that lack required approvals, as text (cancelled and
        rejected changes ship nothing and hold nothing)."""
        held = []
        for row in self.rows():
            if row.release_id != release_id or row.status in ("cancelled", "rejected"):
                continue
            state = self.approval_state(row.id)
            missing = state.missing()
            if state.level is None:
                held.append(f"change {row.key} has no risk assessment and no approvals")
            elif missing:
                held.append(f"change {row.key} lacks approvals: {', '.join(missing)}")
        return held

    # -- what a change touches -----------------------------------------------------------------

    def set_links(
        self,
        change_id: int,
        components: frozenset[int],
        environments: frozenset[int],
        reason: str = "",
    ) -> tuple[frozenset[int], frozenset[int]]:
        """Set the components and environments a change touches; returns the old ones."""
        change = self._existing(change_id)
        old = self.links(change_id)

        def apply(session: Session) -> None:
            for model, column, wanted, had in (
                (ChangeComponent, "component_id", components, old[0]),
                (ChangeEnvironment, "environment_id", environments, old[1]),
            ):
                gone = had - wanted
                if gone:
                    for link in session.scalars(
                        select(model).where(
                            model.change_request_id == change_id,
                            getattr(model, column).in_(gone),
                        )
                    ):
                        session.delete(link)
                for new in sorted(wanted - had):
                    session.add(model(change_request_id=change_id, **{column: new}))

        self._uow.run(reason or f"Set what {change.key} touches", apply)
        return old

    # -- editing -------------------------------------------------------------------------------

    def create(
        self, values: Mapping[str, Any], reason: str = "", record_id: int | None = None
    ) -> int:
        """A new draft: the next key and the current user as requester unless given."""
        given = dict(values)
        given.setdefault("key", self.next_key())
        given.setdefault("requested_by", self.actor)
        given.pop("status", None)
        return super().create(given, reason, record_id)

    def set_window(
        self, change_id: int, start: dt.datetime | None, end: dt.datetime | None, reason: str = ""
    ) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Set the planned window; returns the old one."""
        change = self._existing(change_id)
        problems = _window_rule({"window_start": start, "window_end": end})
        if problems:
            raise ValidationError(f"{change.key}: {problems[0]}")

        def apply(session: Session) -> None:
            row = session.get_one(ChangeRequest, change_id)
            row.window_start, row.window_end = start, end

        self._uow.run(reason or f"Set the window of {change.key}", apply)
        return change.window_start, change.window_end

    def delete(self, record_id: int, reason: str = "") -> dict[str, Any]:
        """Delete a draft that nothing refers to yet (a change further on is cancelled)."""
        change = self._existing(record_id)
        if change.status != "draft":
            raise ValidationError(
                f"{change.key} is {STATUS_LABELS[change.status].lower()}: cancel it instead; "
                "only a draft can be deleted"
            )
        with self._uow.store.read() as session:
            held = [
                name
                for name, model in (
                    ("components or environments", ChangeComponent),
                    ("components or environments", ChangeEnvironment),
                    ("risks", Risk),
                    ("decisions", Approval),
                )
                if session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(model.change_request_id == record_id)
                )
            ]
        if held:
            raise ValidationError(
                f"{change.key} still has {', '.join(dict.fromkeys(held))}; remove them first"
            )
        return super().delete(record_id, reason)

    # -- history -------------------------------------------------------------------------------

    def history(self, change_id: int, limit: int = 100) -> list[HistoryEntry]:
        """The change's own events and those of its decisions, links and risks; newest first."""
        cols = AUDIT_TABLE.c
        children = ("approvals", "change_components", "change_environments", "risks")
        with self._uow.store.read() as session:
            rows = session.execute(
                select(
                    cols.at,
                    cols.actor,
                    cols.action,
                    cols.entity,
                    cols.entity_id,
                    cols.before,
                    cols.after,
                    cols.reason,
                )
                .where(
                    (cols.entity == "change_requests") & (cols.entity_id == change_id)
                    | cols.entity.in_(children)
                )
                .order_by(cols.id)
            ).all()
        mine: set[tuple[str, int]] = set()
        entries: list[HistoryEntry] = []
        for at, actor, action, entity, entity_id, before, after, reason in rows:
            old = json.loads(before) if before else {}
            new = json.loads(after) if after else {}
            if entity != "change_requests":
                if change_id in (old.get("change_request_id"), new.get("change_request_id")):
                    mine.add((entity, entity_id))
                if (entity, entity_id) not in mine:
                    continue
            changes = [
                (f, old.get(f), new.get(f)) for f in sorted(old.keys() | new.keys()) if f != "id"
            ]
            entries.append(
                HistoryEntry(dt.datetime.fromisoformat(at), actor, action, entity, changes, reason)
            )
        return entries[::-1][:limit]

    # -- approvers -----------------------------------------------------------------------------

    def approvers(self) -> list[ApproverRow]:
        with self._uow.store.read() as session:
            return [
                ApproverRow(a.id, a.name, split_roles(a.roles), bool(a.pin_hash))
                for a in session.scalars(select(Approver).order_by(Approver.name))
            ]

    def _approver(self, name: str) -> ApproverRow | None:
        wanted = name.strip().casefold()
        return next((a for a in self.approvers() if a.name.casefold() == wanted), None)

    def _pin_of(self, approver_id: int) -> tuple[str, str]:
        with self._uow.store.read() as session:
            person = session.get_one(Approver, approver_id)
            return person.pin_salt, person.pin_hash


def _rule(rule: ApprovalRule) -> dict[str, Any]:
    return {
        c: getattr(rule, c) for c in ("category", "min_level", "role", "count", "after_the_fact")
    }


def _approval_row(a: Approval) -> ApprovalRow:
    return ApprovalRow(
        a.id,
        a.change_request_id,
        a.approver,
        a.role,
        a.decision,
        a.meaning,
        a.decided_at,
        a.comment,
        a.after_the_fact,
    )


APPROVAL_RULE_FIELDS = FieldSet(
    "approval_rules",
    "approval rule",
    (
        Field(
            "category",
            "Category",
            FieldKind.CHOICE,
            required=True,
            choices=choices(CHANGE_CATEGORIES),
        ),
        Field(
            "min_level",
            "From risk",
            FieldKind.CHOICE,
            required=True,
            choices=choices(RISK_LEVELS),
            tip="The rule applies to changes whose risk is this level or higher",
        ),
        Field("role", "Role", required=True, max_length=120),
        Field("count", "Decisions", FieldKind.INT, required=True, minimum=1, maximum=5),
        Field(
            "after_the_fact",
            "After the fact",
            FieldKind.BOOL,
            tip="The decisions may come after the change is implemented (emergency changes)",
        ),
    ),
)

APPROVAL_RULES = RecordType(
    fields=APPROVAL_RULE_FIELDS,
    model=ApprovalRule,
    order_by=("category", "min_level", "role"),
    title=lambda r: f"{r.category} / {r.min_level} / {r.role}",
    defaults={"category": "normal", "min_level": "low", "count": 1, "after_the_fact": False},
)
