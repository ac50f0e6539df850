"""Times the work-items table on one release of N items: show, filter, sort (offscreen Qt).

Baselines measured in the same run: Python's sorted() over the same names (for sorting) and a
plain substring scan over them (for filtering). Plans are cached in --plans.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.plan import Plan  # noqa: E402
from app.store import PlanStore  # noqa: E402
from tests.app.plan_factory import make_flat_plan  # noqa: E402
from ui.items_proxy import ItemsProxyModel  # noqa: E402
from ui.items_table_model import Column, ItemsTableModel  # noqa: E402


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def measure(path: Path) -> tuple[float, float, float, float, float]:
    """Seconds to show, filter (and its scan baseline), sort (and its sorted() baseline)."""
    plan = Plan.open(path, read_only=True)
    release = plan.releases.find("Big").id
    model = ItemsTableModel()

    def show() -> None:
        model.set_plan(plan, None, release)
        for row in range(40):  # a screenful
            for column in Column:
                model.index(row, column).data()

    shown = timed(show)
    proxy = ItemsProxyModel(model)
    filtered = timed(lambda: proxy.set_filter_text("number 9999"))
    names = [row.name for row in plan.work_items.rows(release)]
    scan = timed(lambda: [n for n in names if "number 9999" in n.casefold()])
    proxy.set_filter_text("")
    ordered = timed(lambda: proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder))
    baseline = timed(lambda: sorted(names, reverse=True))
    plan.close()
    return shown, filtered, scan, ordered, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    args = parser.parse_args()
    args.plans.mkdir(parents=True, exist_ok=True)
    QApplication.instance() or QApplication([sys.argv[0]])

    print(
        f"{'rows':>8} {'show s':>7} {'filter s':>9} {'scan s':>7} {'ratio':>6} "
        f"{'sort s':>7} {'sorted() s':>10} {'ratio':>6}"
    )
    for size in args.sizes:
        path = args.plans / f"flat-{size}.gantry"
        if not path.exists():
            make_flat_plan(path, size).close()
        PlanStore.open(path).close()  # upgrades a plan cached by an older Gantry
        shown, filtered, scan, ordered, baseline = measure(path)
        print(
            f"{size:>8,} {shown:7.2f} {filtered:9.2f} {scan:7.3f} {filtered / scan:6.0f} "
            f"{ordered:7.2f} {baseline:10.3f} {ordered / baseline:6.0f}"
        )


if __name__ == "__main__":
    main()
