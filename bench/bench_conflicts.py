"""What the Conflicts dock costs after each change: `check_plan`, the communications due and
the Calendar tab's marks, on synthetic plans (`gantry demo --size N`) and on the demo plan.

The dock runs these on the GUI thread a moment after the last change notice; this shows
whether that is felt (100 ms is). Baseline, measured in the same run on the same file: reading
every work-item row with plain sqlite3 (`SELECT * FROM work_items`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.chart_marks import release_marks  # noqa: E402
from app.demo import build_demo  # noqa: E402
from app.plan import Plan  # noqa: E402
from app.plan_check import check_plan  # noqa: E402
from app.store import PlanStore  # noqa: E402
from bench.bench_open import baseline_read, best, plan_of  # noqa: E402

TODAY = dt.date(2026, 11, 30)


def timed(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return best(times)


def demo_plan(folder: Path) -> Path:
    path = folder / "demo-conflicts.gantry"
    if not path.exists():
        with PlanStore.open(path, create=True) as store:
            build_demo(store, TODAY)
    return path


def measure(path: Path, repeat: int) -> tuple[float, float, float, float, int]:
    base = best([baseline_read(path) for _ in range(repeat)])
    plan = Plan.open(path, read_only=True)
    try:
        findings = check_plan(plan, TODAY)  # the first call also builds the train's snapshot
        check = timed(lambda: check_plan(plan, TODAY), repeat)
        due = timed(lambda: plan.communications.listing(TODAY), repeat)
        releases = plan.state.release_order

        def marks() -> None:
            for release in releases:
                rows = plan.state.outline(release)
                row_of = {item: n for n, item in enumerate(rows)}.get
                listing = plan.communications.listing(TODAY, release)
                release_marks(release, findings, listing, row_of, len(rows))

        mark = timed(marks, repeat)
    finally:
        plan.close()
    return base, check, due, mark, len(findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    args.plans.mkdir(parents=True, exist_ok=True)
    plans = [("demo", demo_plan(args.plans))]
    plans += [(f"{size:,}", plan_of(size, args.plans)) for size in args.sizes]
    print(
        f"{'plan':>8} {'findings':>8} {'baseline ms':>11} {'check ms':>9} {'ratio':>6} "
        f"{'due ms':>7} {'marks ms':>9} {'all ms':>7}"
    )
    for name, path in plans:
        base, check, due, mark, count = measure(path, args.repeat)
        total = check + due + mark
        print(
            f"{name:>8} {count:>8} {base * 1000:11.1f} {check * 1000:9.1f} {check / base:6.1f} "
            f"{due * 1000:7.1f} {mark * 1000:9.1f} {total * 1000:7.1f}"
        )
    print(
        "baseline = plain sqlite3 fetch of every work_items row; check = check_plan (best of "
        "the runs after the first); due = every communication's due day; marks = every "
        "release's chart marks; all = what one refresh of the dock and the chart costs."
    )


if __name__ == "__main__":
    main()
