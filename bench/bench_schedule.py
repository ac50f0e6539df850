"""Times schedule() on synthetic networks against baselines measured in the same run."""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from graphlib import TopologicalSorter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.scheduling import (  # noqa: E402
    LinkType,
    ReleaseBounds,
    ScheduleItem,
    ScheduleLink,
    WorkCalendar,
    schedule,
)

PLAN_START = date(2025, 1, 6)
LINK_TYPES: tuple[LinkType, ...] = ("FS", "FS", "FS", "SS", "FF", "SF")  # FS dominates real plans


def make_network(
    size: int, seed: int = 1
) -> tuple[list[ScheduleItem], list[ScheduleLink], list[ReleaseBounds]]:
    """A layered random DAG of ``size`` leaf items, ~2 links each, phases and 3 releases."""
    rng = random.Random(seed)
    width = max(10, int(size**0.5) * 2)
    layers = (size + width - 1) // width
    items: list[ScheduleItem] = []
    links: list[ScheduleLink] = []
    releases = [
        ReleaseBounds(r, PLAN_START + timedelta(days=7 * r), PLAN_START + timedelta(days=500))
        for r in (1, 2, 3)
    ]
    next_id = size + 1
    # Two levels of phases: one per 50 items, grouped ten to a parent phase.
    top_phases: list[int] = []
    phase_of_block: dict[int, int] = {}
    for block in range((size + 49) // 50):
        if block % 10 == 0:
            top_phases.append(next_id)
            items.append(ScheduleItem(next_id, f"P-{next_id}", "phase", 0))
            next_id += 1
        items.append(ScheduleItem(next_id, f"P-{next_id}", "phase", 0, parent=top_phases[-1]))
        phase_of_block[block] = next_id
        next_id += 1
    for i in range(size):
        layer = i // width
        release = 1 + min(2, layer * 3 // max(1, layers))
        is_milestone = rng.random() < 0.05
        items.append(
            ScheduleItem(
                id=i + 1,
                key=f"T-{i + 1}",
                kind="milestone" if is_milestone else "task",
                duration=0 if is_milestone else rng.randint(1, 10),
                release=release,
                parent=phase_of_block[i // 50],
            )
        )
        if layer == 0:
            continue
        low = max(0, (layer - 3) * width)
        for _ in range(2):
            pred = rng.randrange(low, layer * width)
            links.append(ScheduleLink(pred + 1, i + 1, rng.choice(LINK_TYPES), rng.randint(-2, 5)))
    return items, links, releases


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def relax_baseline(size: int, links: list[ScheduleLink]) -> Callable[[], object]:
    """One max() per edge over plain integers: the floor for any Python forward pass."""
    edges = [(link.predecessor, link.successor, link.lag) for link in links]
    edges.sort(key=lambda edge: edge[0])

    def run() -> list[int]:
        best = [0] * (size + 1)
        for u, v, lag in edges:
            best[v] = max(best[v], best[u] + lag)
        return best

    return run


def topo_baseline(links: list[ScheduleLink]) -> Callable[[], object]:
    """graphlib's topological sort over the same graph."""
    preds: dict[int, list[int]] = {}
    for link in links:
        preds.setdefault(link.successor, []).append(link.predecessor)

    def run() -> list[int]:
        return list(TopologicalSorter(preds).static_order())

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    calendar = WorkCalendar(holidays=[date(2025, 12, 25), date(2026, 1, 1)])
    print(
        f"{'items':>8} {'links':>8} {'schedule s':>11} {'max-loop s':>11} {'ratio':>6}"
        f" {'graphlib s':>11} {'ratio':>6}"
    )
    for size in args.sizes:
        items, links, releases = make_network(size)
        result = schedule(items, links, calendar, releases, PLAN_START)
        assert len(result.items) == len(items)
        run = partial(schedule, items, links, calendar, releases, PLAN_START)
        seconds = best_of(args.runs, run)
        relax = best_of(args.runs, relax_baseline(size, links))
        topo = best_of(args.runs, topo_baseline(links))
        print(
            f"{len(items):>8} {len(links):>8} {seconds:>11.3f} {relax:>11.3f}"
            f" {seconds / relax:>6.1f} {topo:>11.3f} {seconds / topo:>6.2f}"
        )


if __name__ == "__main__":
    main()
