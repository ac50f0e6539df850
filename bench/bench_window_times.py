"""Timed, recurring windows at 1,000 to 100,000 planned deployments: the check and suggestion.

Synthetic deployments (one every few hours over three years, 90 minutes each) are checked
against a production environment's windows as `gantry check` checks them: a weekly Saturday
night 22:00-02:00 in Europe/Berlin, a monthly second-Tuesday window and a year-end freeze;
each one outside gets the next occurrence that fits (`next_fit`). The baseline, measured in
the same run, is the day-based check that came before: is the deployment's day inside a
window's dates (`TrainWindow.covers`).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.release_train import TrainWindow  # noqa: E402
from app.window_times import WindowTiming, next_fit  # noqa: E402

SIZES = (1_000, 10_000)  # 100,000 take about a minute: 0.55 ms each, linear
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


def check(spans: list[tuple[dt.datetime, dt.datetime]]) -> int:
    """How many are outside; each of those gets its suggestion."""
    outside = 0
    for start, end in spans:
        if any(o.contains(start, end) for w in ALLOWED for o in w.occurrences(start, end)):
            continue
        outside += 1
        next_fit(start, end - start, ALLOWED, CLOSED, clock=ZONE)
    return outside


def by_days(spans: list[tuple[dt.datetime, dt.datetime]]) -> int:
    outside = 0
    for start, _end in spans:
        day = start.date()
        if any(w.covers(day) for w in DAY_WINDOWS if w.kind == "change_window"):
            continue
        outside += 1
    return outside


def timed(
    call: Callable[[list[tuple[dt.datetime, dt.datetime]]], int],
    spans: list[tuple[dt.datetime, dt.datetime]],
) -> float:
    started = time.perf_counter()
    call(spans)
    return time.perf_counter() - started


def main() -> None:
    header = ("deployments", "by days (s)", "timed (s)", "ratio", "per one (ms)")
    print(" ".join(f"{h:>13}" for h in header))
    for size in SIZES:
        spans = deployments(size)
        base = timed(by_days, spans)
        ours = timed(check, spans)
        print(
            f"{size:>13,} {base:>13.3f} {ours:>13.3f} {ours / base:>13.0f} "
            f"{ours / size * 1000:>13.3f}"
        )
    print(f"outside of {SIZES[0]:,}: {check(deployments(SIZES[0])):,}")


if __name__ == "__main__":
    main()
