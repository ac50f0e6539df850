"""What if an item slips: the plan rescheduled on a copy of its inputs, and what moves.

A question is asked on the thread that owns the plan state (`ask`: it checks the item and
copies what the answer reads), and answered anywhere (`answer`: one scheduling run over the
copy, compared with the schedule the plan shows), so the window can answer on a worker while
the user types. `impact` does both at once for the command line. Nothing here edits the
plan; applying a what-if is an ordinary edit of the field named by its `Change`.

A task slips by growing its duration: it finishes N working days later unless something
else holds its finish. A milestone has no duration, so a slip of N sets its not-earlier-than
date N working days after the day it shows on now.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.errors import ValidationError
from app.plan import Plan
from app.plan_state import ItemRecord, ReleaseRecord
from app.schedule_runs import ScheduleJob, compute
from app.schedule_table import ScheduleTable
from app.scheduling import ReleaseOutcome, ScheduleItem, WorkCalendar
from app.work_items import WORK_ITEM_FIELDS

IMPACT_COLUMNS = (
    "release",
    "key",
    "name",
    "kind",
    "start",
    "finish",
    "new_start",
    "new_finish",
    "finish_delta",
)
_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Question:
    """A what-if with everything its answer reads, copied from the plan state."""

    item: ScheduleItem
    slip: int | None  # working days later; or
    duration: int | None  # the duration to try instead
    job: ScheduleJob
    shown: ScheduleTable | None  # the schedule the plan shows; None: compute it too
    records: Mapping[int, ItemRecord]  # a shallow copy: records are immutable
    releases: Mapping[int, ReleaseRecord]
    outlines: Mapping[int, Sequence[int]]  # each release's items in outline order


@dataclass(frozen=True, slots=True)
class Change:
    """The edit a what-if tries, as the plan editor would make it to apply it."""

    item_id: int
    key: str
    field: str  # "duration" (tasks) or "not_before" (milestones)
    old: int | dt.date | None
    new: int | dt.date | None
    text: str  # one sentence saying what is tried

    @property
    def empty(self) -> bool:
        return self.old == self.new


class MovedItem(NamedTuple):
    """An item whose dates move; a NamedTuple, as a slip early in a plan can move 100,000."""

    id: int
    release: str
    key: str
    name: str
    kind: str
    start: dt.date
    finish: dt.date
    new_start: dt.date
    new_finish: dt.date
    finish_delta: int  # working days of the plan calendar, later positive


@dataclass(frozen=True, slots=True)
class MovedRelease:
    id: int
    name: str
    version: str
    target: dt.date | None
    finish: dt.date | None
    new_finish: dt.date | None
    finish_delta: int
    late_by: int  # working days past the target now
    new_late_by: int  # and after the change

    @property
    def misses_target(self) -> bool:
        return self.new_late_by > 0


@dataclass(frozen=True, slots=True)
class ImpactReport:
    change: Change
    items: tuple[MovedItem, ...]  # by release, then outline; the changed item among them
    releases: tuple[MovedRelease, ...]  # in plan order

    def summary(self) -> str:
        """One sentence: what is tried and how much moves."""
        if self.change.empty:
            return f"{self.change.text}: nothing moves."
        moved = len(self.items)
        missed = [r.name for r in self.releases if r.new_late_by > r.late_by]
        text = f"{self.change.text}: {moved:,} {'item moves' if moved == 1 else 'items move'}"
        if missed:
            text += f"; {', '.join(missed)} {'misses its' if len(missed) == 1 else 'miss their'}"
            text += " target" + ("" if len(missed) == 1 else "s")
        return text + "."


def ask(plan: Plan, key: str, *, slip: int | None = None, duration: int | None = None) -> Question:
    """Check a what-if on `key` (slip by N working days, or set its duration to D) and copy
    what its answer needs; refused, with the reason, for what cannot slip that way."""
    if (slip is None) == (duration is None):
        raise ValidationError("Say either how many working days the item slips or its duration")
    state = plan.state
    problems = state.problems()
    if problems:
        # Dates computed around a cycle would mislead: refused as `gantry schedule` refuses.
        raise ValidationError(problems)
    item_id = state.key_to_id.get(key)
    if item_id is None:
        raise ValidationError(_unknown_key(key, state.key_to_id))
    record = state.items[item_id]
    if record.kind == "phase":
        raise ValidationError(
            f"{key} is a phase: its dates come from its items; slip one of them instead"
        )
    if record.actual_finish is not None:
        raise ValidationError(
            f"{key} finished on {record.actual_finish.isoformat()} (its actual finish): "
            "a slip cannot move it"
        )
    if record.kind == "milestone":
        if duration is not None:
            raise ValidationError(f"{key} is a milestone: it has no duration; slip it instead")
        if slip is not None and slip < 0:
            raise ValidationError(
                f"{key} is a milestone: a slip pushes its not-before date later, never earlier"
            )
    else:
        tried = record.duration + slip if slip is not None else duration
        if slip is not None and slip < -record.duration:
            raise ValidationError(
                f"{key} takes {_days(record.duration)}: it cannot finish {_days(-slip)} earlier"
            )
        WORK_ITEM_FIELDS["duration"].coerce(tried, key)  # the duration field's own range
    return Question(
        item=state.inputs[item_id],
        slip=slip,
        duration=duration,
        job=state.schedule_job(),
        shown=None if state.scheduling else state.result,
        records=dict(state.items),
        releases=dict(state.releases),
        outlines={r: state.outline(r) for r in state.release_order},
    )


def _unknown_key(key: str, keys: Mapping[str, int]) -> str:
    folded = key.casefold()
    near = [k for k in keys if k.casefold() == folded]
    if not near:
        near = difflib.get_close_matches(key, list(keys), n=_SUGGESTIONS)
    text = f"No work item with key '{key}'"
    if near:
        text += f"; did you mean {' or '.join(repr(k) for k in near)}?"
    return text


def answer(question: Question) -> ImpactReport:
    """Reschedule a copy of the plan's inputs with the change and list what moves (any
    thread: it reads only the question)."""
    unchanged = _unchanged(question)
    if unchanged is not None:
        return ImpactReport(unchanged, (), ())
    job = question.job
    calendar = WorkCalendar(job.holidays, job.workdays)
    shown = question.shown
    if shown is None:
        shown = _table(job)
    change, tried = _change(question, shown, calendar)
    items = [tried if i.id == tried.id else i for i in job.items]
    after = _table(dataclasses.replace(job, items=items))
    return ImpactReport(
        change,
        _moved_items(question, shown, after, calendar),
        _moved_releases(question, shown, after, calendar),
    )


def impact(
    plan: Plan, key: str, *, slip: int | None = None, duration: int | None = None
) -> ImpactReport:
    """What moves if `key` slips by `slip` working days (or takes `duration`); the plan is
    left as it is."""
    return answer(ask(plan, key, slip=slip, duration=duration))


def _table(job: ScheduleJob) -> ScheduleTable:
    outcome = compute(job, None)
    if outcome.table is None:
        raise ValidationError(outcome.error)
    return outcome.table


def _unchanged(question: Question) -> Change | None:
    """The change when it changes nothing (a slip of 0, the duration the item has), so
    nothing is scheduled; None otherwise."""
    item = question.item
    if question.slip == 0:
        text = f"A slip of {_days(0)}"
    elif question.duration == item.duration:
        text = f"{item.key} takes {_days(item.duration)} already"
    else:
        return None
    if item.kind == "milestone":
        old = question.records[item.id].not_before
        return Change(item.id, item.key, "not_before", old, old, text)
    return Change(item.id, item.key, "duration", item.duration, item.duration, text)


def _change(
    question: Question, shown: ScheduleTable, calendar: WorkCalendar
) -> tuple[Change, ScheduleItem]:
    item, slip = question.item, question.slip
    key = item.key
    if item.kind == "milestone":
        assert slip is not None  # `ask` refused a duration for a milestone
        dates = shown.dates(item.id)
        assert dates is not None  # every item is in the schedule of its own plan
        pushed = calendar.add_working_days(dates.finish, slip)
        text = (
            f"{key} is a milestone, which has no duration: slipping it {_days(slip)} sets its "
            f"not-before date to {pushed.isoformat()}, {_days(slip)} after the day it shows "
            f"on ({dates.finish.isoformat()})"
        )
        old = question.records[item.id].not_before
        return Change(item.id, key, "not_before", old, pushed, text), item._replace(
            not_before=pushed
        )
    old_duration = item.duration
    if slip is not None:
        new = old_duration + slip
        later, grows = ("later", "grows") if slip > 0 else ("earlier", "shrinks")
        text = (
            f"{key} finishes {_days(abs(slip))} {later}: its duration {grows} from "
            f"{old_duration} to {new}"
        )
    else:
        assert question.duration is not None  # `ask` wants a slip or a duration
        new = question.duration
        text = f"{key} takes {_days(new)} instead of {old_duration}"
    return Change(item.id, key, "duration", old_duration, new, text), item._replace(duration=new)


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _moved_items(
    question: Question, before: ScheduleTable, after: ScheduleTable, calendar: WorkCalendar
) -> tuple[MovedItem, ...]:
    index = before.index
    moved: list[int] = []
    b_first, b_last, a_first, a_last = before.first, before.last, after.first, after.last
    for n, item_id in enumerate(after.ids):
        p = index.get(item_id)
        if p is None or a_first[n] != b_first[p] or a_last[n] != b_last[p]:
            moved.append(n)
    if not moved:
        return ()
    records, releases = question.records, question.releases
    release_rank = {r: n for n, r in enumerate(question.outlines)}
    ranks: dict[int, int] = {}
    for release_id in {records[after.ids[n]].release_id for n in moved}:
        ranks.update((i, n) for n, i in enumerate(question.outlines.get(release_id, ())))
    day = dt.date.fromordinal
    before_day = calendar.index_on_or_before
    rows = []
    for n in moved:
        item_id = after.ids[n]
        record = records[item_id]
        p = index.get(item_id)
        # An item the shown schedule lacks (it came with an edit not yet scheduled) counts
        # as moved from where it stands now.
        old_first, old_last = (b_first[p], b_last[p]) if p is not None else (a_first[n], a_last[n])
        finish, new_finish = day(old_last), day(a_last[n])
        rows.append(
            MovedItem(
                item_id,
                releases[record.release_id].name,
                record.key,
                record.name,
                record.kind,
                day(old_first),
                finish,
                day(a_first[n]),
                new_finish,
                before_day(new_finish) - before_day(finish),
            )
        )
    rows.sort(
        key=lambda r: (
            release_rank.get(records[r.id].release_id, len(release_rank)),
            ranks.get(r.id, 0),
        )
    )
    return tuple(rows)


def _moved_releases(
    question: Question, before: ScheduleTable, after: ScheduleTable, calendar: WorkCalendar
) -> tuple[MovedRelease, ...]:
    moved = []
    empty = ReleaseOutcome(0, None, None, None, 0)
    for release_id in question.outlines:
        was = before.releases.get(release_id, empty)
        now = after.releases.get(release_id, empty)
        if (was.finish, was.late_by) == (now.finish, now.late_by):
            continue
        record = question.releases[release_id]
        delta = 0
        if was.finish is not None and now.finish is not None:
            delta = calendar.index_on_or_before(now.finish) - calendar.index_on_or_before(
                was.finish
            )
        moved.append(
            MovedRelease(
                release_id,
                record.name,
                record.version,
                record.target_date,
                was.finish,
                now.finish,
                delta,
                was.late_by,
                now.late_by,
            )
        )
    return tuple(moved)
