"""Releases: their field rules, and the service that reads and edits them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.plan_data import ReleaseRow
from app.plan_state import PlanState, StateService
from app.unit_of_work import UnitOfWork
from models import Base, Release, WorkItem
from models.release import RELEASE_STATUSES

RELEASE_FIELDS = FieldSet(
    "releases",
    "release",
    (
        Field("name", "Name", required=True, max_length=120, placeholder="e.g. Aurora 3.0"),
        Field("version", "Version", max_length=40, placeholder="e.g. 3.0.0"),
        Field(
            "status", "Status", FieldKind.CHOICE, required=True, choices=choices(RELEASE_STATUSES)
        ),
        Field("owner", "Owner", max_length=120),
        Field("start_date", "Start", FieldKind.DATE, tip="No work item starts before it"),
        Field("feature_freeze", "Feature freeze", FieldKind.DATE),
        Field("code_freeze", "Code freeze", FieldKind.DATE),
        Field("target_date", "Target", FieldKind.DATE, tip="The release is late if it ends after"),
        Field("actual_date", "Actual release", FieldKind.DATE),
        Field("description", "Description", FieldKind.MULTILINE),
    ),
)
# Dates of a release, in the order they must follow (an empty one is skipped).
_DATE_ORDER = ("start_date", "feature_freeze", "code_freeze", "target_date")
# What still holds a release from being marked released, as text per thing (empty: nothing);
# the plan adds the checklists' required go/no-go items (app.checklists.release_holds) and
# the changes that lack required approvals (app.changes.ChangeService.release_holds).
ReleaseHold = Callable[[int], list[str]]


class ReleaseService(StateService):
    """Reads releases from the plan state and changes them through the unit of work."""

    fields = RELEASE_FIELDS

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        super().__init__(state, uow)
        self.holds: list[ReleaseHold] = []

    def row(self, release_id: int) -> ReleaseRow:
        return self._state.release_row(release_id)

    def label(self, release_id: int) -> str:
        return self._state.releases[release_id].name

    def rows(self) -> list[ReleaseRow]:
        return [self._state.release_row(r) for r in self._state.release_order]

    def find(self, name: str) -> ReleaseRow:
        """A release by name (any case) or version."""
        for release_id in self._state.release_order:
            row = self._state.release_row(release_id)
            if name in (row.name, row.version) or name.casefold() == row.name.casefold():
                return row
        known = ", ".join(r.name for r in self.rows()) or "none"
        raise ValidationError(f"No release named '{name}'; the plan has: {known}")

    # -- rules ---------------------------------------------------------------------------------

    def check_new(
        self,
        name: str,
        version: str = "",
        start_date: dt.date | None = None,
        target_date: dt.date | None = None,
    ) -> list[str]:
        """Every reason a new release with these values would be refused (none: it is fine).

        The Add Release dialog asks before it closes, so the user keeps what they typed.
        """
        problems = []
        values = {"name": name, "version": version}
        for field_name, value in values.items():
            try:
                values[field_name] = self.fields[field_name].coerce(value)
            except ValidationError as exc:
                problems.extend(exc.problems)
        clean = values["name"]
        if clean and any(
            r.name.casefold() == clean.casefold() for r in self._state.releases.values()
        ):
            problems.append(f"There is already a release named '{clean}'")
        problems.extend(
            _date_order_problems(
                clean or "The release",
                {
                    "start_date": start_date,
                    "target_date": target_date,
                },
            )
        )
        return problems

    def _check_update(self, release_id: int, name: str, value: Any) -> None:
        current = self._state.releases[release_id]
        if name == "name" and any(
            r.id != release_id and r.name.casefold() == value.casefold()
            for r in self._state.releases.values()
        ):
            raise ValidationError(f"There is already a release named '{value}'")
        dates = {d: getattr(current, d) for d in _DATE_ORDER}
        if name in dates:
            dates[name] = value
            problems = _date_order_problems(current.name, dates, name)
            if problems:
                raise ValidationError(problems)

    # -- editing -------------------------------------------------------------------------------

    def _existing(self, release_id: int) -> ReleaseRow:
        try:
            return self._state.release_row(release_id)
        except KeyError:
            raise ValidationError(f"Release #{release_id} is no longer in the plan") from None

    def held_by(self, release_id: int) -> list[str]:
        """What keeps the release from being marked released (empty: nothing)."""
        return [held for hold in self.holds for held in hold(release_id)]

    def held_for(self, release_id: int, name: str, value: Any) -> list[str]:
        """What holds this change when it marks the release released (empty: nothing does).

        Marking released is status shipped, or an actual release date where there was none.
        """
        old = getattr(self._existing(release_id), name, None)
        releasing = (name == "status" and value == "shipped" and old != "shipped") or (
            name == "actual_date" and value is not None and old is None
        )
        return self.held_by(release_id) if releasing else []

    def update(
        self, release_id: int, name: str, value: Any, reason: str = "", override: str = ""
    ) -> Any:
        """Set one field; returns the old value (what undo puts back).

        Marking a release released (status shipped, or an actual release date where there
        was none) is refused while something holds it, naming what, unless `override` gives
        the reason to release anyway; that reason and what was open go into the audit trail.
        """
        field = self.fields.editable(name)
        current = self._existing(release_id)
        value = field.coerce(value, current.name)
        self._check_update(release_id, name, value)
        old = getattr(current, name)
        held = self.held_for(release_id, name, value)
        if held and not override.strip():
            raise ValidationError(
                f"{current.name} cannot be marked released while {'; '.join(held)}. "
                "Resolve them, or release with a recorded reason"
            )
        if held:
            reason = (
                f"{reason + ': ' if reason else ''}Released over what held it "
                f"({'; '.join(held)}); override reason: {override.strip()}"
            )

        def apply(session: Session) -> None:
            setattr(session.get_one(Release, release_id), name, value)

        self._uow.run(reason, apply)
        return old

    def create(
        self,
        name: str,
        version: str = "",
        start_date: dt.date | None = None,
        target_date: dt.date | None = None,
        release_id: int | None = None,
    ) -> int:
        """Add an empty release; returns its id (`release_id` re-creates one, for redo)."""
        problems = self.check_new(name, version, start_date, target_date)
        if problems:
            raise ValidationError(problems)
        name, version = name.strip(), version.strip()
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            position = (session.scalar(select(func.max(Release.position))) or 0) + 1
            release = Release(
                id=release_id,
                name=name,
                version=version,
                start_date=start_date,
                target_date=target_date,
                position=position,
            )
            session.add(release)
            session.flush()
            new_id = release.id

        self._uow.run(f"Add release {name}", apply)
        return new_id

    def delete(self, release_id: int, reason: str = "") -> None:
        """Delete a release that holds nothing (its items are deleted one by one first)."""
        release = self._existing(release_id)
        if release.item_count:
            raise ValidationError(
                f"{release.name} still holds {release.item_count} work items; "
                "delete or move them first"
            )

        def apply(session: Session) -> None:
            held = release_contents(session, release_id)
            if held:
                raise ValidationError(
                    f"{release.name} still holds {', '.join(held)}; delete or move them first"
                )
            session.delete(session.get_one(Release, release_id))

        self._uow.run(reason or f"Delete release {release.name}", apply)


def _date_order_problems(
    subject: str, dates: dict[str, dt.date | None], edited: str = "target_date"
) -> list[str]:
    """The release's dates must follow start -> freezes -> target (empty ones skipped); a
    problem is told from the side of the date being set."""
    problems = []
    last: tuple[str, dt.date] | None = None
    for name in _DATE_ORDER:
        day = dates.get(name)
        if day is None:
            continue
        if last is not None and day < last[1]:
            before, when = last
            if edited == before:
                text = f"the {_noun(before)} date {when} is after the {_noun(name)} date {day}"
            else:
                text = f"the {_noun(name)} date {day} is before the {_noun(before)} date {when}"
            problems.append(f"{subject}: {text}")
        last = (name, day)
    return problems


def _noun(name: str) -> str:
    return RELEASE_FIELDS[name].noun


def release_contents(session: Session, release_id: int) -> list[str]:
    """What still refers to a release, as '3 deployments', for a refusal that says why."""
    held = []
    for table in Base.metadata.sorted_tables:
        column = table.c.get("release_id")
        if column is None or table is WorkItem.__table__:
            continue
        count = session.scalar(select(func.count()).select_from(table).where(column == release_id))
        if count:
            held.append(f"{count} {table.name.replace('_', ' ')}")
    return held
