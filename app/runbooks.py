"""Runbooks: templates, steps and their waits, the planned timeline, rollback, and runs.

Every change is one unit of work. Steps are edited through their declared fields
(`STEP_FIELDS`), so the step table, the detail pane and the undo command share one set of
rules. Runs record what happened on the night (or in a rehearsal): each step's actual times
and outcome live in the run, never on the step, so runs are kept side by side and compared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.plan_settings import read_settings
from app.runbook_timeline import PlannedStep, Timeline, clock_offset, compute
from app.scheduling import CycleError
from app.unit_of_work import ChangeNotice, UnitOfWork
from app.window_times import WindowTiming
from models import (
    CalendarEntry,
    Environment,
    Release,
    Runbook,
    RunbookRun,
    RunbookStep,
    RunbookStepLink,
    RunStepExecution,
)
from models.runbooks import MIGRATION_PARTS, RUN_KINDS, STEP_SECTIONS

TABLES = ("runbooks", "runbook_steps", "runbook_step_links", "runbook_runs", "run_step_executions")
SECTION_LABELS = {
    "preparation": "Preparation",
    "communication": "Communication",
    "data_migration": "Data migration",
    "deploy": "Deploy",
    "verify": "Verify",
    "rollback": "Rollback",
}
PART_LABELS = {
    "pre_check": "Pre-check",
    "backup": "Backup",
    "backup_verify": "Backup verification",
    "migrate": "Migration",
    "post_check": "Post-check",
    "restore": "Restore",
}
VARIABLES = ("release", "version", "environment", "window_start")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _clock_rule(value: Any) -> str | None:
    if value and not _CLOCK.fullmatch(str(value)):
        return f"a clock time is written HH:MM (00:00 to 23:59), not {value!r}"
    return None


STEP_FIELDS = FieldSet(
    "runbook_steps",
    "runbook step",
    (
        Field("title", "Step", required=True, max_length=300),
        Field(
            "section",
            "Section",
            FieldKind.CHOICE,
            required=True,
            choices=choices(STEP_SECTIONS, SECTION_LABELS),
        ),
        Field("owner_role", "Owner", max_length=120, tip="The role that carries the step out"),
        Field(
            "duration_minutes",
            "Duration",
            FieldKind.INT,
            minimum=0,
            maximum=7 * 24 * 60,
            unit="minutes",
        ),
        Field(
            "start_offset",
            "Not before T0+",
            FieldKind.INT,
            minimum=0,
            maximum=7 * 24 * 60,
            unit="minutes",
            tip="The step starts no earlier than this many minutes after T0",
        ),
        Field(
            "start_clock",
            "Not before (clock)",
            max_length=5,
            placeholder="HH:MM",
            check=_clock_rule,
            tip="The step starts no earlier than this time of day (the first at or after T0)",
        ),
        Field("instructions", "Instructions", FieldKind.MULTILINE, tip="Commands in monospace"),
        Field("verification", "Expected result", FieldKind.MULTILINE),
        Field("rollback", "Rollback notes", FieldKind.MULTILINE),
        Field(
            "rollback_step_id",
            "Rolled back by",
            FieldKind.REFERENCE,
            reference="runbook_steps",
            none_label="No rollback step",
            tip="The step of the Rollback section that undoes this one",
        ),
        Field(
            "point_of_no_return",
            "Point of no return",
            FieldKind.BOOL,
            tip="After this step the change cannot be rolled back, only fixed forward",
        ),
        Field(
            "migration_part",
            "Migration part",
            FieldKind.CHOICE,
            choices=choices(MIGRATION_PARTS, PART_LABELS),
            tip="What this step is in a data migration: pre-check, backup, backup "
            "verification, the migration, post-check or restore",
        ),
    ),
)


def _step_rules(values: Mapping[str, Any]) -> list[str]:
    if values.get("start_offset") is not None and values.get("start_clock"):
        return ["a planned start is an offset from T0 or a clock time, not both"]
    return []


class RunbookRow(NamedTuple):
    id: int
    release_id: int | None
    environment_id: int | None
    name: str
    is_template: bool
    planned_start: dt.datetime | None


class StepRow(NamedTuple):
    id: int
    runbook_id: int
    section: str
    position: int
    title: str
    owner_role: str
    duration_minutes: int
    start_offset: int | None
    start_clock: str
    instructions: str
    verification: str
    rollback: str
    rollback_step_id: int | None
    point_of_no_return: bool
    migration_part: str | None

    @property
    def label(self) -> str:
        return f"{self.position + 1}. {self.title}"


class RunRow(NamedTuple):
    id: int
    runbook_id: int
    number: int
    kind: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    started_by: str

    @property
    def label(self) -> str:
        return f"#{self.number} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class ExecutionRow(NamedTuple):
    id: int
    run_id: int
    step_id: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: str
    reason: str
    executed_by: str

    @property
    def minutes(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds() / 60)


_STEP_COLUMNS = [RunbookStep.id, *(getattr(RunbookStep, f) for f in StepRow._fields[1:])]
_RUN_COLUMNS = [getattr(RunbookRun, f) for f in RunRow._fields]
_EXEC_COLUMNS = [getattr(RunStepExecution, f) for f in ExecutionRow._fields]
_BOOK_COLUMNS = [getattr(Runbook, f) for f in RunbookRow._fields]


@dataclass(frozen=True, slots=True)
class WindowFit:
    """Whether T0 + the planned total fits inside one change window."""

    fits: bool | None  # None: nothing to check (no T0)
    message: str


@dataclass(frozen=True, slots=True)
class DeletedStep:
    """A deleted step with its waits and the steps it was the rollback of (undo restores)."""

    values: dict[str, Any]
    links: list[tuple[int, int, int]]  # (id, step, waits_for)
    rolled_back: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DeletedRunbook:
    """A deleted runbook's row, its steps' rows and its waits (undo restores them)."""

    values: dict[str, Any]
    steps: list[dict[str, Any]]
    links: list[tuple[int, int, int]]  # (id, step, waits_for)


@dataclass(frozen=True, slots=True)
class StepComparison:
    step_id: int
    label: str
    planned: int
    actual: dict[int, int | None]  # run id -> actual minutes


@dataclass(frozen=True, slots=True)
class Comparison:
    runs: list[RunRow]
    steps: list[StepComparison]
    planned_total: int
    totals: dict[int, int | None]  # run id -> minutes from its first start to its last finish


class RunbookService:
    """Runbooks of one plan, read in plain rows (cached per runbook) and edited in units of
    work; change notices naming the runbook tables drop the cache."""

    fields = STEP_FIELDS

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._steps: dict[int, list[StepRow]] = {}
        self._timelines: dict[int, Timeline] = {}
        self._unsubscribe = uow.subscribe(self._changed)

    @property
    def read_only(self) -> bool:
        return self._uow.read_only

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches(*TABLES[:3]):
            self._steps.clear()
            self._timelines.clear()

    def close(self) -> None:
        self._unsubscribe()

    # -- reading -----------------------------------------------------------------------------

    def runbooks(self, release_id: int | None) -> list[RunbookRow]:
        """The release's runbooks (the templates with None)."""
        query = select(*_BOOK_COLUMNS).order_by(Runbook.id)
        if release_id is None:
            query = query.where(Runbook.is_template)
        else:
            query = query.where(Runbook.release_id == release_id)
        with self._uow.store.read() as session:
            return [RunbookRow(*row) for row in session.execute(query)]

    def runbook(self, runbook_id: int) -> RunbookRow:
        with self._uow.store.read() as session:
            row = session.execute(select(*_BOOK_COLUMNS).where(Runbook.id == runbook_id)).one()
        return RunbookRow(*row)

    def steps(self, runbook_id: int) -> list[StepRow]:
        cached = self._steps.get(runbook_id)
        if cached is None:
            query = (
                select(*_STEP_COLUMNS)
                .where(RunbookStep.runbook_id == runbook_id)
                .order_by(RunbookStep.position)
            )
            with self._uow.store.read() as session:
                cached = self._steps[runbook_id] = [StepRow(*r) for r in session.execute(query)]
        return cached

    def row(self, step_id: int) -> StepRow:
        with self._uow.store.read() as session:
            runbook_id = session.scalar(
                select(RunbookStep.runbook_id).where(RunbookStep.id == step_id)
            )
        if runbook_id is None:
            raise ValidationError(f"That runbook step (#{step_id}) is no longer in the plan")
        return next(s for s in self.steps(runbook_id) if s.id == step_id)

    def label(self, step_id: int) -> str:
        return self.row(step_id).label

    def links(self, runbook_id: int) -> list[tuple[int, int]]:
        """(step, waits_for) pairs of the runbook's steps."""
        query = (
            select(RunbookStepLink.step_id, RunbookStepLink.waits_for_id)
            .join(RunbookStep, RunbookStep.id == RunbookStepLink.step_id)
            .where(RunbookStep.runbook_id == runbook_id)
            .order_by(RunbookStepLink.id)
        )
        with self._uow.store.read() as session:
            return [(int(a), int(b)) for a, b in session.execute(query)]

    def runs(self, runbook_id: int) -> list[RunRow]:
        query = select(*_RUN_COLUMNS).where(RunbookRun.runbook_id == runbook_id)
        with self._uow.store.read() as session:
            return [RunRow(*r) for r in session.execute(query.order_by(RunbookRun.number))]

    def run(self, run_id: int) -> RunRow:
        with self._uow.store.read() as session:
            return RunRow(
                *session.execute(select(*_RUN_COLUMNS).where(RunbookRun.id == run_id)).one()
            )

    def executions(self, run_id: int) -> dict[int, ExecutionRow]:
        """The run's executions by step id (a step without one is still pending)."""
        query = select(*_EXEC_COLUMNS).where(RunStepExecution.run_id == run_id)
        with self._uow.store.read() as session:
            return {row.step_id: row for row in (ExecutionRow(*r) for r in session.execute(query))}

    def environment_name(self, environment_id: int | None) -> str:
        if environment_id is None:
            return ""
        with self._uow.store.read() as session:
            return (
                session.scalar(select(Environment.name).where(Environment.id == environment_id))
                or ""
            )

    # -- the plan of the night ------------------------------------------------------------------

    def forward_steps(self, runbook_id: int) -> list[StepRow]:
        return [s for s in self.steps(runbook_id) if s.section != "rollback"]

    def timeline(self, runbook_id: int) -> Timeline:
        """Planned start and finish of every forward step in minutes from T0, the total and
        the critical steps (rollback steps run only on failure and are left out)."""
        cached = self._timelines.get(runbook_id)
        if cached is None:
            book = self.runbook(runbook_id)
            cached = self._timelines[runbook_id] = self._compute(
                book, self.forward_steps(runbook_id), self.links(runbook_id)
            )
        return cached

    @staticmethod
    def _compute(
        book: RunbookRow, steps: Sequence[StepRow], links: Iterable[tuple[int, int]]
    ) -> Timeline:
        ids = {s.id for s in steps}
        planned = [
            PlannedStep(
                s.id,
                s.label,
                s.duration_minutes,
                clock_offset(s.start_clock, book.planned_start)
                if s.start_clock
                else s.start_offset,
            )
            for s in steps
        ]
        return compute(planned, [(a, b) for a, b in links if a in ids and b in ids])

    def window_fit(self, runbook_id: int) -> WindowFit:
        """Does T0 + the planned total fit inside one occurrence of a change window of the
        runbook's environment or of the whole plan? T0 is the plan's wall-clock time; a
        window is open on its days at its clock times (whole days when it has none)."""
        book = self.runbook(runbook_id)
        if book.planned_start is None:
            return WindowFit(None, "No T0 set: set the planned start to check the change window.")
        start = book.planned_start
        end = start + dt.timedelta(minutes=self.timeline(runbook_id).total)
        query = select(CalendarEntry).where(
            CalendarEntry.kind.in_(("change_window", "holiday")),
            (CalendarEntry.environment_id == book.environment_id)
            | CalendarEntry.environment_id.is_(None),
        )
        with self._uow.store.read() as session:
            entries = list(session.scalars(query.order_by(CalendarEntry.start_date)))
            zone = read_settings(session).time_zone
            holidays = frozenset(
                e.start_date + dt.timedelta(days=n)
                for e in entries
                if e.kind == "holiday"
                for n in range((e.end_date - e.start_date).days + 1)
            )
            windows = [
                (e.name, WindowTiming.of(e, zone, holidays))
                for e in entries
                if e.kind == "change_window"
            ]
        span = f"{start:%a %d %b %H:%M} to {end:%a %d %b %H:%M}"
        local = ZoneInfo(zone)
        first, last = (t.replace(tzinfo=local).astimezone(dt.UTC) for t in (start, end))

        def named(name: str, timing: WindowTiming) -> str:
            if timing.recurrence in ("weekly", "monthly"):
                return f"{name} ({timing.describe()})"
            first, last = timing.start_date, timing.end_date
            days = f"{first:%a %d %b}" + (f" to {last:%a %d %b}" if last != first else "")
            hours = f", {timing.opens:%H:%M}-{timing.closes:%H:%M}" if timing.timed else ""
            return f"{name} ({days}{hours})"

        touching = None
        for name, timing in windows:
            found = timing.occurrences(first, last)
            if any(o.contains(first, last) for o in found):
                return WindowFit(
                    True, f"Fits the change window {named(name, timing)}: runs {span}."
                )
            if found and touching is None:
                touching = named(name, timing)
        if touching is not None:
            return WindowFit(False, f"Runs {span}, past the change window {touching}.")
        return WindowFit(False, f"Runs {span}, outside every change window.")

    def rollback_plan(self, runbook_id: int, reached: int | None = None) -> list[StepRow]:
        """The rollback steps paired with the forward steps up to `reached` (all when None),
        latest first, each once: what to run when the change fails there."""
        steps = self.steps(runbook_id)
        by_id = {s.id: s for s in steps}
        limit = by_id[reached].position if reached is not None else len(steps)
        plan: list[StepRow] = []
        for step in reversed([s for s in steps if s.section != "rollback" and s.position <= limit]):
            back = by_id.get(step.rollback_step_id) if step.rollback_step_id else None
            if back is not None and back not in plan:
                plan.append(back)
        return plan

    def problems(self, runbook_id: int) -> list[str]:
        """A migration whose backup is not verified before it, one sentence per migration."""
        steps = self.steps(runbook_id)
        verified = False
        problems = []
        for step in steps:
            if step.migration_part == "backup_verify":
                verified = True
            elif step.migration_part == "migrate" and not verified:
                problems.append(
                    f"Step {step.label} migrates data but no verified backup step comes before it."
                )
        return problems

    # -- editing -----------------------------------------------------------------------------

    def update(self, step_id: int, name: str, value: Any, reason: str = "") -> Any:
        """Set one field of a step; returns the old value (what undo puts back)."""
        self.fields.editable(name)
        current = self.row(step_id)
        clean = self._validated({**current._asdict(), name: value}, current.label)
        old = getattr(current, name)
        if name == "rollback_step_id" and clean[name] is not None:
            self._check_pairing(current, clean[name])

        def apply(session: Session) -> None:
            setattr(session.get_one(RunbookStep, step_id), name, clean[name])

        self._uow.run(reason or f"Edit {self.fields[name].noun} of {current.label}", apply)
        return old

    def _validated(self, values: Mapping[str, Any], subject: str) -> dict[str, Any]:
        problems: list[str] = []
        clean: dict[str, Any] = {}
        for field_ in self.fields:
            if field_.name in values:
                try:
                    clean[field_.name] = field_.coerce(values[field_.name], subject)
                except ValidationError as exc:
                    problems.extend(exc.problems)
        if not problems:
            problems.extend(f"{subject}: {p}" if subject else p for p in _step_rules(clean))
        if problems:
            raise ValidationError(problems)
        return clean

    def _check_pairing(self, step: StepRow, rollback_id: int) -> None:
        back = next((s for s in self.steps(step.runbook_id) if s.id == rollback_id), None)
        if back is None or back.section != "rollback":
            raise ValidationError(
                f"{step.label}: it can be rolled back only by a step of this runbook's "
                "Rollback section"
            )

    def create_runbook(
        self,
        name: str,
        release_id: int | None,
        environment_id: int | None = None,
        planned_start: dt.datetime | None = None,
        reason: str = "",
    ) -> int:
        """A new empty runbook (a template when `release_id` is None); returns its id."""
        if not name.strip():
            raise ValidationError("A runbook needs a name")

        def apply(session: Session) -> int:
            book = Runbook(
                name=name.strip(),
                release_id=release_id,
                environment_id=environment_id,
                is_template=release_id is None,
                planned_start=planned_start,
            )
            session.add(book)
            session.flush()
            return book.id

        return self._uow.run(reason or f"Add runbook {name}", apply)

    def set_planned_start(
        self, runbook_id: int, planned_start: dt.datetime | None, reason: str = ""
    ) -> dt.datetime | None:
        """Set T0; returns the old one."""
        old = self.runbook(runbook_id).planned_start

        def apply(session: Session) -> None:
            session.get_one(Runbook, runbook_id).planned_start = planned_start

        self._uow.run(reason or "Set the runbook's T0", apply)
        return old

    def add_step(
        self,
        runbook_id: int,
        values: Mapping[str, Any],
        position: int | None = None,
        reason: str = "",
        step_id: int | None = None,
    ) -> int:
        """Insert a step at `position` (the end when None); returns its id."""
        clean = self._validated({"section": "deploy", "duration_minutes": 5, **values}, "")
        count = len(self.steps(runbook_id))
        at = count if position is None else max(0, min(position, count))

        def apply(session: Session) -> int:
            _shift(session, runbook_id, at, count, +1)
            step = RunbookStep(id=step_id, runbook_id=runbook_id, position=at, **clean)
            session.add(step)
            session.flush()
            return step.id

        return self._uow.run(reason or f"Add step {clean['title']}", apply)

    def delete_step(self, step_id: int, reason: str = "") -> DeletedStep:
        step = self.row(step_id)
        count = len(self.steps(step.runbook_id))

        def apply(session: Session) -> DeletedStep:
            record = session.get_one(RunbookStep, step_id)
            if session.scalar(select(func.count()).where(RunStepExecution.step_id == step_id)):
                raise ValidationError(
                    f"{step.label} was executed in a run; a step with a record is kept"
                )
            values = {f: getattr(step, f) for f in StepRow._fields}
            links = [
                (int(i), int(a), int(b))
                for i, a, b in session.execute(
                    select(
                        RunbookStepLink.id, RunbookStepLink.step_id, RunbookStepLink.waits_for_id
                    ).where(
                        (RunbookStepLink.step_id == step_id)
                        | (RunbookStepLink.waits_for_id == step_id)
                    )
                )
            ]
            rolled_back = list(
                session.scalars(
                    select(RunbookStep.id).where(RunbookStep.rollback_step_id == step_id)
                )
            )
            # Unpaired through the ORM so the trail records it (a bulk UPDATE would not).
            for other in rolled_back:
                session.get_one(RunbookStep, other).rollback_step_id = None
            for link in session.scalars(
                select(RunbookStepLink).where(
                    (RunbookStepLink.step_id == step_id) | (RunbookStepLink.waits_for_id == step_id)
                )
            ):
                session.delete(link)
            session.flush()  # the waits go first: nothing tells the ORM they refer to it
            session.delete(record)
            session.flush()
            _shift(session, step.runbook_id, step.position + 1, count, -1)
            return DeletedStep(values, links, rolled_back)

        return self._uow.run(reason or f"Delete step {step.label}", apply)

    def restore_step(self, deleted: DeletedStep, reason: str = "") -> None:
        """Put a deleted step back where it was, with its id, waits and pairings."""
        values = dict(deleted.values)
        runbook_id, at = values["runbook_id"], values["position"]
        count = len(self.steps(runbook_id))

        def apply(session: Session) -> None:
            _shift(session, runbook_id, at, count, +1)
            session.add(RunbookStep(**values))
            session.flush()
            session.add_all(
                RunbookStepLink(id=i, step_id=a, waits_for_id=b) for i, a, b in deleted.links
            )
            for other in deleted.rolled_back:
                session.get_one(RunbookStep, other).rollback_step_id = values["id"]

        self._uow.run(reason or "Restore step", apply)

    def move_step(self, step_id: int, position: int, reason: str = "") -> int:
        """Move a step to `position` (the others close up); returns its old position."""
        step = self.row(step_id)
        count = len(self.steps(step.runbook_id))
        target = max(0, min(position, count - 1))
        if target == step.position:
            return step.position

        def apply(session: Session) -> None:
            moving = session.get_one(RunbookStep, step_id)
            moving.position = -1  # out of the way of the unique (runbook, position)
            session.flush()
            if target > step.position:
                _shift(session, step.runbook_id, step.position + 1, target + 1, -1)
            else:
                _shift(session, step.runbook_id, target, step.position, +1)
            moving.position = target

        self._uow.run(reason or f"Move step {step.label}", apply)
        return step.position

    def add_link(self, step_id: int, waits_for_id: int, reason: str = "") -> int:
        """`step_id` waits for `waits_for_id` to finish; a cycle is refused, naming its steps."""
        step, before = self.row(step_id), self.row(waits_for_id)
        if step.runbook_id != before.runbook_id:
            raise ValidationError("A step can only wait for a step of the same runbook")
        links = self.links(step.runbook_id)
        if (step_id, waits_for_id) in links:
            raise ValidationError(f"{step.label} already waits for {before.label}")
        if step_id == waits_for_id:
            raise ValidationError(f"{step.label} cannot wait for itself")
        book = self.runbook(step.runbook_id)
        try:
            self._compute(book, self.steps(step.runbook_id), [*links, (step_id, waits_for_id)])
        except CycleError as exc:
            raise ValidationError(
                f"{step.label} cannot wait for {before.label}: the steps would wait for each "
                f"other ({'; '.join(' -> '.join([*c, c[0]]) for c in exc.cycles)})"
            ) from None

        def apply(session: Session) -> int:
            link = RunbookStepLink(step_id=step_id, waits_for_id=waits_for_id)
            session.add(link)
            session.flush()
            return link.id

        return self._uow.run(reason or f"{step.label} waits for {before.label}", apply)

    def remove_link(self, step_id: int, waits_for_id: int, reason: str = "") -> None:
        def apply(session: Session) -> None:
            # Through the ORM, row by row: a bulk DELETE would leave the trail without it.
            for link in session.scalars(
                select(RunbookStepLink).where(
                    RunbookStepLink.step_id == step_id, RunbookStepLink.waits_for_id == waits_for_id
                )
            ):
                session.delete(link)

        self._uow.run(reason or "Remove a wait", apply)

    def set_durations(self, durations: Mapping[int, int], reason: str) -> dict[int, int]:
        """Set several steps' durations in one unit of work; returns the old ones."""
        old: dict[int, int] = {}

        def apply(session: Session) -> None:
            for step_id, minutes in durations.items():
                step = session.get_one(RunbookStep, step_id)
                old[step_id] = step.duration_minutes
                step.duration_minutes = minutes

        self._uow.run(reason, apply)
        return old

    def rehearsal_durations(self, run_id: int) -> dict[int, int]:
        """The durations a rehearsal measured, for the steps it finished (done)."""
        run = self.run(run_id)
        if run.kind != "rehearsal":
            raise ValidationError(f"Run {run.label} is not a rehearsal")
        planned = {s.id: s.duration_minutes for s in self.steps(run.runbook_id)}
        return {
            e.step_id: e.minutes
            for e in self.executions(run_id).values()
            if e.outcome == "done" and e.minutes is not None and planned.get(e.step_id) != e.minutes
        }

    # -- templates ---------------------------------------------------------------------------

    def template_values(
        self, release_id: int, environment_id: int | None, planned_start: dt.datetime | None
    ) -> dict[str, str]:
        """What `{release}`, `{version}`, `{environment}` and `{window_start}` become for a
        runbook of this release, environment and T0 (the new-runbook dialog previews it)."""
        with self._uow.store.read() as session:
            release = session.execute(
                select(Release.name, Release.version).where(Release.id == release_id)
            ).one()
        return {
            "release": release.name,
            "version": release.version,
            "environment": self.environment_name(environment_id),
            "window_start": f"{planned_start:%Y-%m-%d %H:%M}" if planned_start else "",
        }

    def create_from_template(
        self,
        template_id: int,
        release_id: int,
        environment_id: int | None,
        planned_start: dt.datetime | None,
        reason: str = "",
    ) -> int:
        """A release's runbook from a template: steps, waits and pairings copied, and
        `{release}`, `{version}`, `{environment}`, `{window_start}` filled in."""
        template = self.runbook(template_id)
        if not template.is_template:
            raise ValidationError(f"{template.name} is not a template")
        values = self.template_values(release_id, environment_id, planned_start)
        book = Runbook(
            name=fill_variables(template.name, values),
            release_id=release_id,
            environment_id=environment_id,
            is_template=False,
            planned_start=planned_start,
        )
        return self._copy(
            template_id,
            book,
            lambda text: fill_variables(text, values),
            reason or f"Create runbook from {template.name}",
        )

    def save_as_template(self, runbook_id: int, name: str, reason: str = "") -> int:
        """A template copied from a runbook (steps, waits and pairings; no runs, no T0)."""
        if not name.strip():
            raise ValidationError("A template needs a name")
        source = self.runbook(runbook_id)
        book = Runbook(
            name=name.strip(),
            release_id=None,
            environment_id=source.environment_id,
            is_template=True,
            planned_start=None,
        )
        return self._copy(
            runbook_id, book, lambda text: text, reason or f"Save {source.name} as template {name}"
        )

    def _copy(self, source_id: int, book: Runbook, fill: Callable[[str], str], reason: str) -> int:
        """Insert `book` with copies of the source runbook's steps, waits and pairings."""
        steps = self.steps(source_id)
        links = self.links(source_id)
        return self._uow.run(
            reason, lambda session: copy_runbook(session, book, steps, links, fill)
        )

    def delete_runbook(self, runbook_id: int, reason: str = "") -> DeletedRunbook:
        """Delete a runbook that was never run, with its steps and waits (undo of creating
        one); a runbook with runs keeps them, so it is refused."""
        book = self.runbook(runbook_id)
        if self.runs(runbook_id):
            raise ValidationError(f"{book.name} has runs; a runbook with a record is kept")
        steps = self.steps(runbook_id)
        ids = [s.id for s in steps]

        def apply(session: Session) -> DeletedRunbook:
            links = [
                (int(i), int(a), int(b))
                for i, a, b in session.execute(
                    select(
                        RunbookStepLink.id, RunbookStepLink.step_id, RunbookStepLink.waits_for_id
                    ).where(RunbookStepLink.step_id.in_(ids))
                )
            ]
            for link in session.scalars(
                select(RunbookStepLink).where(RunbookStepLink.step_id.in_(ids))
            ):
                session.delete(link)
            for record in session.scalars(
                select(RunbookStep).where(RunbookStep.runbook_id == runbook_id)
            ):
                record.rollback_step_id = None
            session.flush()  # pairings point within the runbook: clear them before the rows go
            for record in session.scalars(
                select(RunbookStep).where(RunbookStep.runbook_id == runbook_id)
            ):
                session.delete(record)
            session.flush()
            session.delete(session.get_one(Runbook, runbook_id))
            return DeletedRunbook(book._asdict(), [s._asdict() for s in steps], links)

        return self._uow.run(reason or f"Delete runbook {book.name}", apply)

    def restore_runbook(self, deleted: DeletedRunbook, reason: str = "") -> None:
        """Put a deleted runbook back with its ids, steps, waits and pairings."""

        def apply(session: Session) -> None:
            session.add(Runbook(**deleted.values))
            session.flush()
            session.add_all(
                RunbookStep(**{**values, "rollback_step_id": None}) for values in deleted.steps
            )
            session.flush()
            for values in deleted.steps:
                if values["rollback_step_id"] is not None:
                    session.get_one(RunbookStep, values["id"]).rollback_step_id = values[
                        "rollback_step_id"
                    ]
            session.add_all(
                RunbookStepLink(id=i, step_id=a, waits_for_id=b) for i, a, b in deleted.links
            )

        self._uow.run(reason or f"Restore runbook {deleted.values['name']}", apply)

    def set_environment(
        self, runbook_id: int, environment_id: int | None, reason: str = ""
    ) -> int | None:
        """Set the environment the runbook runs in (its change windows); returns the old one."""
        old = self.runbook(runbook_id).environment_id

        def apply(session: Session) -> None:
            session.get_one(Runbook, runbook_id).environment_id = environment_id

        self._uow.run(reason or "Set the runbook's environment", apply)
        return old

    def environments(self) -> list[tuple[int, str]]:
        """(id, name) of the plan's environments, for choosing where a runbook runs."""
        with self._uow.store.read() as session:
            query = select(Environment.id, Environment.name).order_by(Environment.id)
            return [(int(i), str(n)) for i, n in session.execute(query)]

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, runbook_id: int, kind: str, now: dt.datetime, by: str = "") -> int:
        """Open a rehearsal or live run; returns its id. Runs are a record of what happened,
        so they are audited but not undone (a correction is a new, audited edit)."""
        if kind not in RUN_KINDS:
            raise ValidationError(f"A run is a rehearsal or live, not {kind!r}")
        open_run = [r for r in self.runs(runbook_id) if r.status == "running"]
        if open_run:
            raise ValidationError(f"Run {open_run[0].label} is still running; end it first")
        who = by or self._uow.store.actor

        def apply(session: Session) -> int:
            number = (
                session.scalar(
                    select(func.max(RunbookRun.number)).where(RunbookRun.runbook_id == runbook_id)
                )
                or 0
            ) + 1
            run = RunbookRun(
                runbook_id=runbook_id, number=number, kind=kind, started_at=now, started_by=who
            )
            session.add(run)
            session.flush()
            return run.id

        return self._uow.run(f"Start a {kind} run", apply)

    def _execution(self, session: Session, run_id: int, step_id: int) -> RunStepExecution:
        found = session.scalar(
            select(RunStepExecution).where(
                RunStepExecution.run_id == run_id, RunStepExecution.step_id == step_id
            )
        )
        if found is None:
            found = RunStepExecution(run_id=run_id, step_id=step_id)
            session.add(found)
        return found

    def _running(self, run_id: int) -> RunRow:
        run = self.run(run_id)
        if run.status != "running":
            raise ValidationError(f"Run {run.label} has ended ({run.status})")
        return run

    def start_step(self, run_id: int, step_id: int, now: dt.datetime, by: str = "") -> None:
        self._running(run_id)
        step = self.row(step_id)
        who = by or self._uow.store.actor

        def apply(session: Session) -> None:
            execution = self._execution(session, run_id, step_id)
            if execution.started_at is not None:
                raise ValidationError(f"{step.label} has already started")
            execution.started_at, execution.executed_by = now, who
            execution.outcome = "pending"

        self._uow.run(f"Start {step.label}", apply)

    def finish_step(
        self,
        run_id: int,
        step_id: int,
        outcome: str,
        now: dt.datetime,
        reason: str = "",
        by: str = "",
    ) -> None:
        """Record a step done, failed or skipped (the last two say why)."""
        self._running(run_id)
        step = self.row(step_id)
        if outcome not in ("done", "failed", "skipped"):
            raise ValidationError(f"A step ends done, failed or skipped, not {outcome!r}")
        if outcome != "done" and not reason.strip():
            raise ValidationError(f"Say why {step.label} was {outcome}")
        who = by or self._uow.store.actor

        def apply(session: Session) -> None:
            execution = self._execution(session, run_id, step_id)
            if outcome != "skipped" and execution.started_at is None:
                execution.started_at = now
            execution.finished_at = now
            execution.outcome, execution.reason = outcome, reason.strip()
            execution.executed_by = execution.executed_by or who

        self._uow.run(f"{outcome.capitalize()}: {step.label}", apply)

    def correct_times(
        self,
        run_id: int,
        step_id: int,
        started_at: dt.datetime | None,
        finished_at: dt.datetime | None,
        reason: str,
    ) -> None:
        """Correct a step's recorded times by hand (audited with the reason)."""
        step = self.row(step_id)
        if started_at and finished_at and finished_at < started_at:
            raise ValidationError(f"{step.label}: it cannot finish before it starts")

        def apply(session: Session) -> None:
            execution = self._execution(session, run_id, step_id)
            execution.started_at, execution.finished_at = started_at, finished_at

        self._uow.run(reason or f"Correct the times of {step.label}", apply)

    def end_run(self, run_id: int, now: dt.datetime, status: str | None = None) -> str:
        """Close a run: failed if a step failed, else completed (or as `status` says)."""
        run = self._running(run_id)
        outcomes = {e.outcome for e in self.executions(run_id).values()}
        final = status or ("failed" if "failed" in outcomes else "completed")

        def apply(session: Session) -> None:
            record = session.get_one(RunbookRun, run_id)
            record.status, record.ended_at = final, now

        self._uow.run(f"End run {run.label}: {final}", apply)
        return final

    def late_steps(self, run_id: int, now: dt.datetime) -> set[int]:
        """Steps whose actual start or finish lies past the plan (from the run's start), or
        that are running or waiting past it at `now`."""
        run = self.run(run_id)
        timeline = self.timeline(run.runbook_id)
        executions = self.executions(run_id)
        late = set()
        for step_id, planned in timeline.steps.items():
            due_start = run.started_at + dt.timedelta(minutes=planned.start)
            due_finish = run.started_at + dt.timedelta(minutes=planned.finish)
            done = executions.get(step_id)
            started = done.started_at if done else None
            finished = done.finished_at if done else None
            if done is not None and done.outcome == "skipped":
                continue
            running = run.status == "running"
            if started is not None and started > due_start:
                late.add(step_id)
            if started is None and running and now > due_start:
                late.add(step_id)
            if finished is not None and finished > due_finish:
                late.add(step_id)
            if finished is None and running and now > due_finish:
                late.add(step_id)
        return late

    def compare(self, runbook_id: int) -> Comparison:
        """Planned against every run, per step and in total."""
        runs = self.runs(runbook_id)
        executions = {run.id: self.executions(run.id) for run in runs}
        rows = [
            StepComparison(
                s.id,
                s.label,
                s.duration_minutes,
                {r.id: (e.minutes if (e := executions[r.id].get(s.id)) else None) for r in runs},
            )
            for s in self.forward_steps(runbook_id)
        ]
        totals: dict[int, int | None] = {}
        for run in runs:
            starts = [e.started_at for e in executions[run.id].values() if e.started_at]
            ends = [e.finished_at for e in executions[run.id].values() if e.finished_at]
            totals[run.id] = (
                round((max(ends) - min(starts)).total_seconds() / 60) if starts and ends else None
            )
        return Comparison(runs, rows, self.timeline(runbook_id).total, totals)


def copy_runbook(
    session: Session,
    book: Runbook,
    steps: Sequence[StepRow],
    links: Sequence[tuple[int, int]],
    fill: Callable[[str], str],
) -> int:
    """Insert `book` with copies of `steps` (texts through `fill`), their waits and pairings;
    its id. A release train's template copies runbooks inside its own unit of work."""
    session.add(book)
    session.flush()
    copies: dict[int, RunbookStep] = {}
    for step in steps:
        copies[step.id] = RunbookStep(
            runbook_id=book.id,
            **{
                f: fill(v) if isinstance(v, str) and f != "section" else v
                for f, v in step._asdict().items()
                if f not in ("id", "runbook_id", "rollback_step_id")
            },
        )
    session.add_all(copies.values())
    session.flush()
    for step in steps:
        if step.rollback_step_id is not None:
            copies[step.id].rollback_step_id = copies[step.rollback_step_id].id
    session.add_all(
        RunbookStepLink(step_id=copies[a].id, waits_for_id=copies[b].id) for a, b in links
    )
    return book.id


def fill_variables(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `{name}` of VARIABLES replaced by its value."""
    for name in VARIABLES:
        text = text.replace("{" + name + "}", values.get(name, ""))
    return text


def block_moves(order: Sequence[int], moving: Sequence[int], gap: int) -> list[tuple[int, int]]:
    """The single-step moves (step, position) that take the `moving` steps, in their
    order, into the gap before `order[gap]` (the end when gap is len(order)) as a block.

    Each move is one `move_step`; applied in turn they leave the block in place, and the
    same moves back to the old positions in reverse order put everything back.
    """
    chosen = set(moving)
    block = [s for s in order if s in chosen]
    after = next((s for s in order[gap:] if s not in chosen), None)
    current = list(order)
    moves: list[tuple[int, int]] = []
    for step in reversed(block):
        current.remove(step)
        at = current.index(after) if after is not None else len(current)
        current.insert(at, step)
        moves.append((step, at))
        after = step
    return moves


def _shift(session: Session, runbook_id: int, first: int, end: int, by: int) -> None:
    """Move the positions in [first, end) by `by`, through the ORM so the trail records it.

    SQLite checks the unique (runbook, position) row by row, and a flush updates rows in
    no useful order: the rows first go to negative places no row holds (-1 is the moving
    step's), then to their new ones, in two flushes whatever the number of rows.
    """
    if first >= end:
        return
    rows = list(
        session.scalars(
            select(RunbookStep).where(
                RunbookStep.runbook_id == runbook_id,
                RunbookStep.position >= first,
                RunbookStep.position < end,
            )
        )
    )
    for step in rows:
        step.position = -(step.position + by + 2)
    session.flush()
    for step in rows:
        step.position = -step.position - 2
    session.flush()
