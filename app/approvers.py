"""Approvers as records (name and roles, edited with undo like any record) and their
approval PINs: the first PIN, a change by its holder, and a reset by a release manager.

A PIN change is audited but never undone: undo would bring back a PIN its holder replaced,
perhaps because someone else had learnt it. The salt and hash stay out of the audit trail
(models.changes.Approver marks them so); the trail keeps who changed whose PIN, when
(`pin_set_at`) and, for a reset, the reason given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.approver_pins import MAX_LENGTH, MIN_LENGTH, new_salt, pin_hash, pin_matches, pin_problem
from app.changes import split_roles
from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet
from app.records import RecordService, RecordType, title_from
from app.unit_of_work import UnitOfWork
from models import ApprovalRule, Approver

# Who may reset another person's PIN (after confirming their own).
RESET_ROLE = "Release manager"
PIN_RULE = (
    f"At least {MIN_LENGTH} and at most {MAX_LENGTH} characters, "
    "not starting or ending with a space"
)


APPROVER_FIELDS = FieldSet(
    "approvers",
    "approver",
    (
        Field(
            "name",
            "Name",
            required=True,
            max_length=120,
            tip="The printed name on every decision this person signs",
        ),
        Field(
            "roles",
            "Roles",
            max_length=300,
            placeholder="CAB member; Service owner",
            tip="The roles this person signs in, separated by semicolons; the plan's "
            "approval rules name the roles a change needs",
        ),
        Field(
            "pin_set_at",
            "PIN set (UTC)",
            FieldKind.DATETIME,
            computed=True,
            tip="When the approval PIN was last set (UTC); empty: no PIN yet, so this "
            "person cannot sign",
        ),
    ),
)

APPROVERS = RecordType(
    fields=APPROVER_FIELDS,
    model=Approver,
    order_by=("name",),
    title=title_from("name"),
    defaults={"roles": ""},
)


class ApproverService(RecordService):
    """The plan's approvers; PINs are set here, never through the record fields."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow, APPROVERS)

    # -- records -------------------------------------------------------------------------------

    def _name_taken(self, name: object, record_id: int | None) -> None:
        wanted = str(name or "").strip().casefold()
        for row in self.rows():
            if row.id != record_id and str(row.name).casefold() == wanted:
                raise ValidationError(f"{row.name} is already an approver")

    def create(
        self, values: Mapping[str, Any], reason: str = "", record_id: int | None = None
    ) -> int:
        self._name_taken(values.get("name"), None)
        name = str(values.get("name") or "").strip()
        return super().create(values, reason or f"Add approver {name}", record_id)

    def update(self, record_id: int, name: str, value: Any, reason: str = "") -> Any:
        if name == "name":
            self._name_taken(value, record_id)
        return super().update(record_id, name, value, reason)

    def roles_offered(self) -> list[str]:
        """The roles the plan's approval rules name, in the order the rules first name them."""
        with self._uow.store.read() as session:
            named = session.scalars(select(ApprovalRule.role).order_by(ApprovalRule.id))
            return list(dict.fromkeys(str(r).strip() for r in named if str(r).strip()))

    def roles_of(self, approver_id: int) -> tuple[str, ...]:
        return split_roles(str(self.row(approver_id).roles or ""))

    def has_pin(self, approver_id: int) -> bool:
        return bool(self._secret(approver_id)[1])

    # -- PINs ----------------------------------------------------------------------------------

    def _secret(self, approver_id: int) -> tuple[str, str]:
        self._existing(approver_id)
        with self._uow.store.read() as session:
            person = session.get_one(Approver, approver_id)
            return person.pin_salt, person.pin_hash

    @staticmethod
    def _new_pin_problems(pin: str, repeated: str) -> list[str]:
        problem = pin_problem(pin)
        if problem:
            return [f"The new PIN: {problem}"]
        if pin != repeated:
            return ["The new PIN and its repetition differ"]
        return []

    def _write_pin(self, approver_id: int, pin: str, at: dt.datetime, reason: str) -> None:
        # The trail sees a PIN change only through `pin_set_at` (salt and hash are not
        # audited), so each change must move it forward or it would go unrecorded.
        when = at.replace(tzinfo=None)
        last = self.row(approver_id).pin_set_at
        if last is not None and when <= last:
            raise ValidationError(
                f"The clock reads {when:%Y-%m-%d %H:%M:%S}, not after the last PIN change "
                f"({last:%Y-%m-%d %H:%M:%S}): check the computer's clock"
            )
        salt = new_salt()
        hashed = pin_hash(pin, salt)

        def apply(session: Session) -> None:
            person = session.get_one(Approver, approver_id)
            person.pin_salt, person.pin_hash = salt, hashed
            person.pin_set_at = when

        self._uow.run(reason, apply)

    def set_first_pin(self, approver_id: int, pin: str, repeated: str, at: dt.datetime) -> None:
        """The PIN of an approver who has none yet (typed twice)."""
        name = self.label(approver_id)
        if self.has_pin(approver_id):
            raise ValidationError(
                f"{name} already has a PIN: change it with the current one, or have a "
                f"{RESET_ROLE.lower()} reset it"
            )
        problems = self._new_pin_problems(pin, repeated)
        if problems:
            raise ValidationError(problems)
        self._write_pin(approver_id, pin, at, f"First approval PIN of {name}")

    def change_pin(
        self, approver_id: int, current: str, pin: str, repeated: str, at: dt.datetime
    ) -> None:
        """A new PIN from its holder, who confirms the current one first."""
        name = self.label(approver_id)
        if not pin_matches(current, *self._secret(approver_id)):
            raise ValidationError(f"That is not the current PIN of {name}")
        problems = self._new_pin_problems(pin, repeated)
        if not problems and pin == current:
            problems.append("The new PIN is the current one")
        if problems:
            raise ValidationError(problems)
        self._write_pin(approver_id, pin, at, f"{name} changed their approval PIN")

    def reset_pin(
        self,
        approver_id: int,
        manager: str,
        manager_pin: str,
        pin: str,
        repeated: str,
        reason: str,
        at: dt.datetime,
    ) -> None:
        """A new PIN for someone who forgot theirs, set by a release manager who confirms
        their own identity with their PIN and gives the reason the trail keeps."""
        name = self.label(approver_id)
        wanted = manager.strip().casefold()
        by = next((r for r in self.rows() if str(r.name).casefold() == wanted), None)
        problems: list[str] = []
        if by is None or not pin_matches(manager_pin, *self._secret(by.id)):
            problems.append("The release manager's name and PIN do not match an approver")
        elif RESET_ROLE.casefold() not in (r.casefold() for r in self.roles_of(by.id)):
            problems.append(f"{by.name} does not hold the {RESET_ROLE} role")
        elif by.id == approver_id:
            problems.append("Your own PIN is changed with your current PIN, not reset")
        if not reason.strip():
            problems.append("A reset needs a reason; the audit trail keeps it")
        problems.extend(self._new_pin_problems(pin, repeated))
        if problems:
            raise ValidationError(problems)
        assert by is not None
        text = f"{by.name} ({RESET_ROLE}) reset the approval PIN of {name}: {reason.strip()}"
        self._write_pin(approver_id, pin, at, text)
