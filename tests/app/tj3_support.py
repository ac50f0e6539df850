"""Cross-checks the scheduling engine against TaskJuggler (tj3) on random networks."""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from app.scheduling import ScheduleItem, ScheduleLink, WorkCalendar, schedule

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
    mismatches: tuple[str, ...]


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
        # Milestones are left out: TaskJuggler puts a dated milestone at the start of its day,
        # while Gantry puts it at the end.
        if not is_milestone and rng.random() < 0.1:
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
    """TaskJuggler source for ``network``; lengths and gaps count working days."""
    lines = [
        f'project gantry "Gantry cross-check" {PROJECT_START.isoformat()} - '
        f"{project_end.isoformat()} {{",
        '  timezone "UTC"',
        "}",
    ]
    lines += [f'leaves holiday "holiday {d}" {d.isoformat()}' for d in network.holidays]
    milestones = {item.id for item in network.items if item.kind == "milestone"}
    preds: dict[int, list[str]] = {}
    for link in network.links:
        options = []
        # A milestone starts where it ends, so SS from one is FS. Saying so sidesteps a false
        # "Dependency loop detected" in tj3 3.7 when a milestone also reaches the successor
        # of an onstart link through another task.
        if link.type not in ("FS", "SS"):
            raise ValueError(f"TaskJuggler cannot express {link.type} links")
        if link.type == "SS" and link.predecessor not in milestones:
            options.append("onstart")
        if link.lag < 0:
            raise ValueError("TaskJuggler has no negative gaps")
        if link.lag:
            options.append(f"gaplength {link.lag}d")
        spec = f"t{link.predecessor}" + (f" {{ {' '.join(options)} }}" if options else "")
        preds.setdefault(link.successor, []).append(spec)
    for item in network.items:
        body = []
        if item.not_before is not None:
            # A dated milestone ahead of the task is a start bound that also honours links;
            # a "start" attribute on the task itself would override them.
            bound = item.not_before.isoformat()
            lines.append(f'task nb{item.id} "bound" {{ start {bound} milestone }}')
            preds.setdefault(item.id, []).append(f"nb{item.id}")
        if item.id in preds:
            body.append("depends " + ", ".join(preds[item.id]))
        body.append("milestone" if item.kind == "milestone" else f"length {item.duration}d")
        lines.append(f'task t{item.id} "{item.key}" {{ {" ".join(body)} }}')
    lines += [
        f'taskreport {_REPORT} "{_REPORT}" {{',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d %H:%M"',
        "}",
        "",
    ]
    return "\n".join(lines)


def our_dates(network: Network) -> dict[int, tuple[date, date]]:
    calendar = WorkCalendar(holidays=network.holidays)
    result = schedule(network.items, network.links, calendar, plan_start=PROJECT_START)
    return {i: (dates.start, dates.finish) for i, dates in result.items.items()}


def tj3_dates(network: Network, project_end: date) -> dict[int, tuple[date, date]]:
    """Run tj3 on ``network`` and read each item's first and last working day."""
    executable = tj3_path()
    if executable is None:
        raise RuntimeError("tj3 is not on PATH")
    with tempfile.TemporaryDirectory(prefix="gantry-tj3-") as folder:
        source = Path(folder, "network.tjp")
        source.write_text(to_tjp(network, project_end), encoding="utf-8")
        run = subprocess.run(
            [executable, "--silent", "--no-color", "-o", folder, str(source)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
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
            continue  # the start-bound helpers
        item_id = int(task_id[1:])
        begin, finish = _boundary(calendar, start), _boundary(calendar, end)
        if kinds[item_id] == "milestone":
            found[item_id] = (calendar.date_of(begin - 1), calendar.date_of(begin - 1))
        else:
            found[item_id] = (calendar.date_of(begin), calendar.date_of(finish - 1))
    return found


def _boundary(calendar: WorkCalendar, stamp: str) -> int:
    """Working-day boundary index of a TaskJuggler timestamp.

    TaskJuggler reports a time of day: a task starting after a predecessor that ends at
    17:00 starts at 17:00, meaning the next working day. Before noon means the day's start,
    after noon its end, whatever the exact working hours.
    """
    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M")
    day = moment.date()
    if moment.hour >= 12:
        return calendar.index_on_or_before(day) + 1
    return calendar.index_on_or_after(day)


def compare(network: Network) -> Comparison:
    """Schedule ``network`` both ways and list every item whose dates differ."""
    ours = our_dates(network)
    latest = max((finish for _, finish in ours.values()), default=PROJECT_START)
    theirs = tj3_dates(network, latest + timedelta(days=60))
    keys = {item.id: item.key for item in network.items}
    mismatches = [
        f"{keys[i]}: gantry {ours[i][0]}..{ours[i][1]}, tj3 "
        + (f"{theirs[i][0]}..{theirs[i][1]}" if i in theirs else "missing")
        for i in sorted(ours)
        if theirs.get(i) != ours[i]
    ]
    return Comparison(len(ours), tuple(mismatches))
