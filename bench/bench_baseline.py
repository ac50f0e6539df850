"""Times named baselines on one release of N items: set, read, variance, re-pin, verify.

Baseline measured in the same run: plain sqlite3 inserting the same N (baseline, item, start,
finish) rows into a table of a scratch file and committing, the cheapest possible write of a
baseline's dates. Plans are cached in --plans and copied before they are opened, so a cache
shared with an older Gantry is never upgraded under it.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.plan import Plan  # noqa: E402
from tests.app.plan_factory import make_flat_plan  # noqa: E402


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def plain_insert(rows: list[tuple[int, int, str, str]], folder: Path) -> float:
    conn = sqlite3.connect(folder / "scratch.db")
    try:
        conn.execute("CREATE TABLE dates (baseline_id, item_id, start, finish)")
        started = time.perf_counter()
        conn.executemany("INSERT INTO dates VALUES (?, ?, ?, ?)", rows)
        conn.commit()
        return time.perf_counter() - started
    finally:
        conn.close()


def measure(cached: Path, folder: Path) -> dict[str, float]:
    path = folder / cached.name
    shutil.copyfile(cached, path)
    figures: dict[str, float] = {}
    plan = Plan.open(path)  # upgrades the copy if the cache is from an older Gantry
    try:
        release = plan.releases.find("Big").id
        figures["set"], baseline_id = timed(
            lambda: plan.baselines.create(release, "Plan of record")
        )
        dates = plan.baselines.dates(baseline_id)
        rows = [(1, i, d.start.isoformat(), d.finish.isoformat()) for i, d in dates.items()]
        figures["plain"] = plain_insert(rows, folder)
        ids = plan.work_items.ids(release)
        figures["variance"], _ = timed(
            lambda: [plan.baselines.variance(baseline_id, i) for i in ids]
        )
        item = ids[len(ids) // 2]
        figures["delete"], deleted = timed(lambda: plan.work_items.delete(item))
        figures["restore"], _ = timed(lambda: plan.work_items.restore(deleted))
        figures["verify"], report = timed(plan.verify_audit)
        assert report.ok, report.problems[:3]
    finally:
        plan.close()
    reader = Plan.open(path, read_only=True)
    try:
        figures["read"], _ = timed(lambda: reader.baselines.dates(baseline_id))
    finally:
        reader.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    args = parser.parse_args()
    args.plans.mkdir(parents=True, exist_ok=True)
    print(
        f"{'items':>8} {'set s':>6} {'plain s':>8} {'ratio':>6} {'read s':>7} "
        f"{'variance s':>10} {'delete s':>8} {'restore s':>9} {'verify s':>8}"
    )
    for size in args.sizes:
        cached = args.plans / f"flat-{size}.gantry"
        if not cached.exists():
            make_flat_plan(cached, size).close()
        with tempfile.TemporaryDirectory() as folder:
            f = measure(cached, Path(folder))
        print(
            f"{size:>8,} {f['set']:6.2f} {f['plain']:8.3f} {f['set'] / f['plain']:6.1f} "
            f"{f['read']:7.2f} {f['variance']:10.2f} {f['delete']:8.2f} {f['restore']:9.2f} "
            f"{f['verify']:8.2f}"
        )
    print(
        "set = BaselineService.create on one release (one audited unit of work); plain = "
        "sqlite3 executemany of the same rows and a commit; read = its dates read cold; "
        "variance = every item's; delete/restore = one item in the baseline (the baseline "
        "re-pinned); verify = audit verify of the whole plan"
    )


if __name__ == "__main__":
    main()
