"""Times a what-if (`app.impact`) against a plain scheduling run of the same plan.

Baseline measured in the same process: `schedule_runs.compute` over the plan state's
scheduling inputs, which is what the window's schedule process runs after every edit. A
what-if asks on the state's thread (`ask`: checks and copies) and answers anywhere
(`answer`: one run over the changed copy, compared with the schedule the plan shows). The
synthetic plan is cached in --plans and copied before it is opened, never changed in place.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo import build_synthetic  # noqa: E402
from app.impact import answer, ask  # noqa: E402
from app.plan import Plan  # noqa: E402
from app.schedule_runs import compute  # noqa: E402
from app.store import PlanStore  # noqa: E402


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median of `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def cached_plan(folder: Path, size: int) -> Path:
    path = folder / f"synthetic-{size}.gantry"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with PlanStore.open(path, create=True) as store:
            build_synthetic(store, size)
    return path


def candidates(plan: Plan) -> list[str]:
    """Tasks without actuals and with a successor: the first of the plan (a slip there moves
    the most) and the one in the middle."""
    state = plan.state
    keys = [
        record.key
        for release in state.release_order
        for item_id in state.outline(release)
        if (record := state.items[item_id]).kind == "task"
        and record.actual_start is None
        and record.actual_finish is None
        and state.succs.get(item_id)
    ]
    return [keys[0], keys[len(keys) // 2]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    parser.add_argument("--item", action="append", help="slip this key (default: two picked)")
    parser.add_argument("--slip", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gantry-bench-impact-") as scratch:
        path = Path(scratch) / "plan.gantry"
        shutil.copyfile(cached_plan(args.plans, args.size), path)
        opened = time.perf_counter()
        plan = Plan.open(path, read_only=True)
        print(f"{args.size:,} items: opened and scheduled in {time.perf_counter() - opened:.2f} s")
        try:
            plain, _ = timed(lambda: compute(plan.state.schedule_job(), None), args.repeat)
            print(f"plain schedule run (compute over the state's job): {plain * 1000:.0f} ms")
            for key in args.item or candidates(plan):
                asked, question = timed(lambda k=key: ask(plan, k, slip=args.slip), args.repeat)
                answered, report = timed(lambda q=question: answer(q), args.repeat)
                cold = dataclasses.replace(question, shown=None)
                both, _ = timed(lambda q=cold: answer(q), args.repeat)
                print(
                    f"{key} +{args.slip}: {len(report.items):,} items and "
                    f"{len(report.releases)} releases move; ask {asked * 1000:.0f} ms "
                    f"(state's thread), answer {answered * 1000:.0f} ms = "
                    f"{answered / plain:.2f}x the plain run; without the shown schedule "
                    f"{both * 1000:.0f} ms = {both / plain:.2f}x"
                )
        finally:
            plan.close()


if __name__ == "__main__":
    main()
