"""Timed, recurring windows at 1,000 to 100,000 planned deployments: the check and suggestion.

Synthetic deployments (one every few hours over three years, 90 minutes each) are checked
against a production environment's windows as `gantry check` checks them: a weekly Saturday
night 22:00-02:00 in Europe/Berlin, a monthly second-Tuesday window and a year-end freeze;
each one outside gets the next occurrence that fits (`next_fit`). Two figures to hold it to,
measured in the same run: the day-based check that came before timed windows (is the
deployment's day inside a window's dates, `TrainWindow.covers`), and the timed check as it
first was, expanding every window again for each deployment (`before`, kept here as it was).
Ours expands each window list once (`Occurrences`) and bisects; its answers must be the same.
Last, `check_plan` itself on a plan file with those deployments and windows (what `gantry
check` and the Conflicts dock run), beside the by-day figure for the same deployments.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.plan import Plan  # noqa: E402
from app.plan_check import check_plan  # noqa: E402
from app.release_train import TrainWindow  # noqa: E402
from app.store import PlanStore  # noqa: E402
from app.window_times import (  # noqa: E402
    FIT_HORIZON,
    Occurrence,
    Occurrences,
    WindowTiming,
    _candidates,
)
from models import CalendarEntry, Deployment, Environment, Release  # noqa: E402

SIZES = (1_000, 10_000)  # `before` takes a minute for 100,000: 0.55 ms each, linear
ZONE = ZoneInfo("Europe/Berlin")
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
SPAN_HOURS = (LAST - FIRST).days * 24
LENGTH = dt.timedelta(minutes=90)
ALLOWED = [
    WindowTiming(
        FIRST, LAST, dt.time(22), dt.time(2), "weekly", frozenset({5}), None, "Europe/Berlin"
    ),
    WindowTiming(
        FIRST, LAST, dt.time(19), dt.time(21), "monthly", frozenset({1}), 2, "Europe/Berlin"
    ),
]
CLOSED = [
    WindowTiming(dt.date(year, 12, 18), dt.date(year + 1, 1, 3), time_zone="Europe/Berlin")
    for year in (2026, 2027, 2028)
]
DAY_WINDOWS = [
    TrainWindow(n, "change_window", "w", FIRST, LAST, None) for n in range(len(ALLOWED))
] + [TrainWindow(9, "freeze", "f", w.start_date, w.end_date, None) for w in CLOSED]


def deployments(count: int) -> list[tuple[dt.datetime, dt.datetime]]:
    step = SPAN_HOURS / count
    found = []
    for n in range(count):
        local = dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(hours=int(n * step))
        start = local.replace(tzinfo=ZONE).astimezone(dt.UTC)
        found.append((start, start + LENGTH))
    return found


Spans = list[tuple[dt.datetime, dt.datetime]]


def check(spans: Spans) -> list[dt.datetime | None]:
    """Where each one outside fits (`gantry check`'s suggestion), as `_Timings` asks."""
    allowed, closed = Occurrences(ALLOWED), Occurrences(CLOSED)
    return [
        allowed.next_fit(start, end - start, closed, FIT_HORIZON, ZONE)
        for start, end in spans
        if not allowed.contain(start, end)
    ]


def before(spans: Spans) -> list[dt.datetime | None]:
    """The same, expanding the windows again for each deployment, as first built."""
    return [
        _old_next_fit(start, end - start, ALLOWED, CLOSED, ZONE)
        for start, end in spans
        if not any(o.contains(start, end) for w in ALLOWED for o in w.occurrences(start, end))
    ]


def _old_next_fit(
    after: dt.datetime,
    duration: dt.timedelta,
    allowed: Sequence[WindowTiming],
    closed: Sequence[WindowTiming],
    clock: ZoneInfo,
) -> dt.datetime | None:
    for occurrence in _old_merged(allowed, after, after + FIT_HORIZON):
        for start in _candidates(occurrence, after, clock):
            end = start + duration
            if end <= occurrence.end and not any(w.occurrences(start, end) for w in closed):
                return start
    return None


def _old_merged(
    windows: Sequence[WindowTiming], start: dt.datetime, limit: dt.datetime
) -> Iterator[Occurrence]:
    step = dt.timedelta(days=31)
    begin = start
    seen: set[Occurrence] = set()
    while begin < limit:
        batch = sorted({o for w in windows for o in w.occurrences(begin, begin + step)} - seen)
        seen.update(batch)
        yield from (o for o in batch if o.end > start)
        begin += step


def by_days(spans: Spans) -> list[dt.date]:
    return [
        start.date()
        for start, _end in spans
        if not any(w.covers(start.date()) for w in DAY_WINDOWS if w.kind == "change_window")
    ]


def timed(call: Callable[[Spans], list[object]], spans: Spans) -> tuple[float, list[object]]:
    started = time.perf_counter()
    found = call(spans)
    return time.perf_counter() - started, found


def plan_file(folder: Path, count: int) -> Path:
    """A plan with the windows above on production and `count` planned deployments to it."""
    path = folder / f"windows-{count}.gantry"
    with PlanStore.open(path, create=True) as store, store.transaction() as session:
        release = Release(name="R1", start_date=FIRST, target_date=LAST, position=0)
        production = Environment(name="prod", tier="production", position=0)
        session.add_all([release, production])
        session.flush()
        session.add_all(
            CalendarEntry(
                kind="change_window" if n < len(ALLOWED) else "freeze",
                name=f"window {n}",
                start_date=w.start_date,
                end_date=w.end_date,
                environment_id=production.id,
                start_time=w.start_time,
                end_time=w.end_time,
                recurrence=w.recurrence,
                weekdays=w.weekdays,
                month_week=w.month_week,
                time_zone=w.time_zone,
            )
            for n, w in enumerate([*ALLOWED, *CLOSED])
        )
        session.add_all(
            Deployment(
                release_id=release.id,
                environment_id=production.id,
                window_start=start.astimezone(ZONE).replace(tzinfo=None),
                window_end=end.astimezone(ZONE).replace(tzinfo=None),
                outcome="planned",
            )
            for start, end in deployments(count)
        )
    return path


def main() -> None:
    header = ("deployments", "by days (s)", "before (s)", "ours (s)", "x by days", "x faster")
    print(" ".join(f"{h:>12}" for h in header))
    for size in SIZES:
        spans = deployments(size)
        base, _ = timed(by_days, spans)
        slow, expected = timed(before, spans)
        ours, found = timed(check, spans)
        assert found == expected, "the suggestions differ from the check as first built"
        print(
            f"{size:>12,} {base:>12.3f} {slow:>12.3f} {ours:>12.3f} {ours / base:>12.1f} "
            f"{slow / ours:>12.0f}"
        )
    print(f"outside of {SIZES[0]:,}: {len(check(deployments(SIZES[0]))):,}, same suggestions")
    print()
    print(" ".join(f"{h:>12}" for h in ("deployments", "by days (s)", "check (s)", "findings")))
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            plan = Plan.open(plan_file(Path(folder), size), read_only=True)
            try:
                check_plan(plan, FIRST)  # the first builds the train's snapshot
                started = time.perf_counter()
                findings = check_plan(plan, FIRST)
                whole = time.perf_counter() - started
            finally:
                plan.close()
            base, _ = timed(by_days, deployments(size))
            print(f"{size:>12,} {base:>12.3f} {whole:>12.3f} {len(findings):>12,}")


if __name__ == "__main__":
    main()
