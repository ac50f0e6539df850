"""Cross-checks the scheduling engine against TaskJuggler (tj3) on random networks.

How tj3 places things, as measured with tj3 3.7 (see test_scheduling_tj3.py):
- A task with an effort and a resource of its own starts at the start of its first working day
  and ends at the end of its last one, so [s, s + d) maps onto working-day boundaries. (A task
  with a plain ``length`` is reported as starting when its predecessor released it, 17:00 the
  day before, so an ``onstart`` link from it would carry the end of a day; tasks are therefore
  written with an effort.)
- A milestone sits at the moment that places it: a predecessor's end (17:00, the end of a
  day), an ``onstart`` predecessor's start (the start of a day), a ``start`` date (that time
  of it, also on a weekend, i.e. before the next working day) or the project start, and the
  latest of them wins. That is the ARCHITECTURE rule.
- One convention differs: tj3 counts a positive ``gaplength`` as working time and puts the
  milestone at the first moment it has elapsed, the end of a working day, even when the gap
  left from the start of a day. The rule keeps the time of day (two days after the start of
  Monday is the start of Wednesday; tj3 says the end of Tuesday). It is the same working-time
  instant, so tasks after it agree; only the day that milestone shows on differs, by one.

The comparison therefore schedules a second network in which exactly those gaps land at the
end of a day, checks tj3 against it item by item, and lists separately the milestones whose
day this convention changes.
"""

from __future__ import annotations

import csv
import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from app.scheduling import ScheduleItem, ScheduleLink, WorkCalendar, schedule
from tests.processes import run_bounded

PROJECT_START = date(2024, 1, 1)  # a Monday
_REPORT = "dates"


@dataclass(frozen=True, slots=True)
class Network:
    """A network TaskJuggler can express: FS and SS links with non-negative lags."""

    items: tuple[ScheduleItem, ...]
    links: tuple[ScheduleLink, ...]
    holidays: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    compared: int
    milestones: int
    # Items whose dates tj3 and the engine disagree on beyond the documented convention.
    mismatches: tuple[str, ...]
    # Milestones tj3 shows a day earlier because a positive gap from a start of day reaches
    # them (see the module docstring); the engine follows ARCHITECTURE.md there.
    gap_convention: tuple[str, ...]


def tj3_path() -> str | None:
    return shutil.which("tj3")


def random_network(seed: int, size: int) -> Network:
    """A random DAG of ``size`` tasks and milestones with holidays and start constraints."""
    rng = random.Random(seed)
    holidays = tuple(
        sorted({PROJECT_START + timedelta(days=rng.randrange(3, 90)) for _ in range(6)})
    )
    items: list[ScheduleItem] = []
    links: list[ScheduleLink] = []
    for i in range(1, size + 1):
        is_milestone = rng.random() < 0.15
        not_before = None
        # Milestones get dates more often: a dated milestone is where the time of day shows.
        if rng.random() < (0.3 if is_milestone else 0.1):
            not_before = PROJECT_START + timedelta(days=rng.randrange(0, 60))  # weekends too
        items.append(
            ScheduleItem(
                id=i,
                key=f"N-{i}",
                kind="milestone" if is_milestone else "task",
                duration=0 if is_milestone else rng.randint(1, 8),
                not_before=not_before,
            )
        )
        if i == 1:
            continue
        for pred in sorted(rng.sample(range(max(1, i - 12), i), k=min(i - 1, rng.randint(0, 3)))):
            lag = rng.choice((0, 0, 0, 1, 2, 5))
            links.append(ScheduleLink(pred, i, rng.choice(("FS", "FS", "SS")), lag))
    return Network(tuple(items), tuple(links), holidays)


def to_tjp(network: Network, project_end: date) -> str:
    """TaskJuggler source for ``network``; efforts and gaps count working days."""
    # The project starts, and dated bounds sit, at 09:00, when tj3's working day starts: from
    # 00:00, tj3 3.7 may put an onstart milestone before the first hour its effort task books,
    # and then reject its own schedule ("This condition could not be met").
    lines = [
        f'project gantry "Gantry cross-check" {PROJECT_START.isoformat()}-09:00 - '
        f"{project_end.isoformat()} {{",
        '  timezone "UTC"',
        "}",
    ]
    lines += [f'leaves holiday "holiday {d}" {d.isoformat()}' for d in network.holidays]
    milestones = {item.id for item in network.items if item.kind == "milestone"}
    # One resource per task: nothing competes, and each task starts at a working day's start.
    lines += [
        f'resource r{item.id} "r{item.id}"' for item in network.items if item.id not in milestones
    ]
    preds: dict[int, list[str]] = {}
    # Tasks whose start a milestone waits for, through a helper milestone at that start.
    started: set[int] = set()
    for link in network.links:
        options = []
        if link.type not in ("FS", "SS"):
            raise ValueError(f"TaskJuggler cannot express {link.type} links")
        pred = f"t{link.predecessor}"
        if link.type == "SS" and link.predecessor not in milestones:
            if link.successor in milestones:
                # tj3 3.7 may place a milestone at an effort task's tentative start, before
                # the task books its first hour, when another predecessor of the milestone
                # settles first ("This condition could not be met"). A helper that depends
                # on that start alone gets its date only once the task has booked it.
                pred = f"s{link.predecessor}"
                started.add(link.predecessor)
            else:
                options.append("onstart")
        # A milestone starts where it ends, so SS from one (or from a helper) is FS. Saying
        # so sidesteps a false "Dependency loop detected" in tj3 3.7 when a milestone also
        # reaches the successor of an onstart link through another task.
        if link.lag < 0:
            raise ValueError("TaskJuggler has no negative gaps")
        if link.lag:
            options.append(f"gaplength {link.lag}d")
        spec = pred + (f" {{ {' '.join(options)} }}" if options else "")
        preds.setdefault(link.successor, []).append(spec)
    for item in network.items:
        body = []
        if item.not_before is not None:
            # A dated milestone ahead of the item is a start bound that also honours links;
            # a "start" attribute on the item itself would override them.
            bound = item.not_before.isoformat()
            lines.append(f'task nb{item.id} "bound" {{ start {bound}-09:00 milestone }}')
            preds.setdefault(item.id, []).append(f"nb{item.id}")
        if item.id in preds:
            body.append("depends " + ", ".join(preds[item.id]))
        if item.kind == "milestone":
            body.append("milestone")
        else:
            body.append(f"effort {item.duration}d allocate r{item.id}")
        lines.append(f'task t{item.id} "{item.key}" {{ {" ".join(body)} }}')
        if item.id in started:
            lines.append(
                f'task s{item.id} "start" {{ depends t{item.id} {{ onstart }} milestone }}'
            )
    lines += [
        f'taskreport {_REPORT} "{_REPORT}" {{',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d %H:%M"',
        "}",
        "",
    ]
    return "\n".join(lines)


def tj3_convention(network: Network) -> Network:
    """``network`` with every positive gap into a milestone landing at the end of a day.

    From a task's start the gap becomes FS from its finish, shorter by its duration; from a
    milestone it runs through a one-day helper task, whose finish is the end of a day.
    Helpers take ids after the network's own; nothing else changes.
    """
    kinds = {item.id: item for item in network.items}
    helpers: list[ScheduleItem] = []
    links: list[ScheduleLink] = []
    next_id = max(kinds, default=0) + 1
    for link in network.links:
        pred, succ = kinds[link.predecessor], kinds[link.successor]
        if succ.kind != "milestone" or link.lag <= 0 or (pred.kind == "task" and link.type == "FS"):
            links.append(link)
        elif pred.kind == "task":
            links.append(ScheduleLink(pred.id, succ.id, "FS", link.lag - pred.duration))
        else:
            helper = ScheduleItem(next_id, f"gap-{next_id}", "task", 1)
            helpers.append(helper)
            links.append(ScheduleLink(pred.id, helper.id, "SS", link.lag - 1))
            links.append(ScheduleLink(helper.id, succ.id, "FS", 0))
            next_id += 1
    return Network((*network.items, *helpers), tuple(links), network.holidays)


def our_dates(network: Network) -> dict[int, tuple[date, date]]:
    calendar = WorkCalendar(holidays=network.holidays)
    result = schedule(network.items, network.links, calendar, plan_start=PROJECT_START)
    return {i: (dates.start, dates.finish) for i, dates in result.items.items()}


def tj3_dates(network: Network, project_end: date) -> dict[int, tuple[date, date]]:
    """Run tj3 on ``network`` and read the working days each item shows on."""
    executable = tj3_path()
    if executable is None:
        raise RuntimeError("tj3 is not on PATH")
    with tempfile.TemporaryDirectory(prefix="gantry-tj3-") as folder:
        source = Path(folder, "network.tjp")
        source.write_text(to_tjp(network, project_end), encoding="utf-8")
        run = run_bounded(
            [executable, "--silent", "--no-color", "-o", folder, str(source)],
            timeout=300,
            text=True,
        )
        if run.returncode != 0:
            raise RuntimeError(f"tj3 failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
        with Path(folder, f"{_REPORT}.csv").open(encoding="utf-8", newline="") as report:
            rows = list(csv.reader(report, delimiter=";"))
    calendar = WorkCalendar(holidays=network.holidays)
    kinds = {item.id: item.kind for item in network.items}
    found: dict[int, tuple[date, date]] = {}
    for task_id, start, end in rows[1:]:
        if not task_id.startswith("t"):
            continue  # the helpers for start bounds and starts
        item_id = int(task_id[1:])
        begin, finish = _boundary(calendar, start), _boundary(calendar, end)
        if kinds[item_id] == "milestone":
            # At the start of day b it shows on b; at the end of a day, on that day (b - 1).
            shown = calendar.date_of(begin if _at_day_start(start) else begin - 1)
            found[item_id] = (shown, shown)
        else:
            found[item_id] = (calendar.date_of(begin), calendar.date_of(finish - 1))
    return found


def _at_day_start(stamp: str) -> bool:
    """Before noon means the start of a day, after noon its end, whatever the exact hours."""
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M").hour < 12


def _boundary(calendar: WorkCalendar, stamp: str) -> int:
    """Working-day boundary index of a TaskJuggler timestamp.

    TaskJuggler reports a time of day: a milestone after a task that ends at 17:00 sits at
    17:00, the boundary before the next working day; 00:00 or 09:00 is the boundary before
    that day itself (or before the next working day when it is not one).
    """
    day = datetime.strptime(stamp, "%Y-%m-%d %H:%M").date()
    if _at_day_start(stamp):
        return calendar.index_on_or_after(day)
    return calendar.index_on_or_before(day) + 1


def compare(network: Network) -> Comparison:
    """Schedule ``network`` both ways and list every item whose dates differ."""
    ours = our_dates(network)
    expected = our_dates(tj3_convention(network))
    latest = max((finish for _, finish in ours.values()), default=PROJECT_START)
    theirs = tj3_dates(network, latest + timedelta(days=60))
    keys = {item.id: item.key for item in network.items}
    mismatches = [
        f"{keys[i]}: tj3 convention {expected[i][0]}..{expected[i][1]}, tj3 "
        + (f"{theirs[i][0]}..{theirs[i][1]}" if i in theirs else "missing")
        for i in sorted(ours)
        if theirs.get(i) != expected[i]
    ]
    # The convention may only move a milestone to the day before, the same working-time
    # instant; anything else it changed would be a difference it hides.
    calendar = WorkCalendar(holidays=network.holidays)
    kinds = {item.id: item.kind for item in network.items}
    gap_convention: list[str] = []
    for i in sorted(ours):
        if expected[i] == ours[i]:
            continue
        line = f"{keys[i]}: gantry {ours[i][0]}, tj3 {expected[i][0]}"
        day_before = calendar.index_on_or_after(ours[i][0]) - 1
        if kinds[i] == "milestone" and expected[i][0] == calendar.date_of(day_before):
            gap_convention.append(line)
        else:
            mismatches.append(f"{line} (not the gap convention)")
    milestones = sum(kind == "milestone" for kind in kinds.values())
    return Comparison(len(ours), milestones, tuple(mismatches), tuple(gap_convention))
