"""Times opening real plan files (headless and in the window) and editing them, at 10k/100k.

Baseline, measured in the same run on the same file: reading every work-item row with plain
sqlite3 (`SELECT * FROM work_items`). Ratios say how much the product adds on top of the
cheapest possible read. Plans are generated once into --plans (default /tmp/gantry-bench).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.demo import build_synthetic  # noqa: E402
from app.plan import Plan  # noqa: E402
from app.store import PlanStore  # noqa: E402


def plan_of(size: int, folder: Path) -> Path:
    path = folder / f"synthetic-{size}.gantry"
    if not path.exists():
        print(f"  generating {path} ...", flush=True)
        started = time.perf_counter()
        with PlanStore.open(path, create=True) as store:
            build_synthetic(store, size)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    # A cached plan from an older Gantry is upgraded once here; the timed opens are read-only.
    PlanStore.open(path).close()
    return path


def best(times: list[float]) -> float:
    return min(times)


def baseline_read(path: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("SELECT * FROM work_items").fetchall()
    conn.close()
    return time.perf_counter() - started


def headless_open(path: Path) -> float:
    started = time.perf_counter()
    Plan.open(path, read_only=True).close()
    return time.perf_counter() - started


def edit_latency(path: Path, edits: int) -> list[float]:
    """Duration edits (each an audited, rescheduled transaction) on a copy of the plan."""
    with tempfile.TemporaryDirectory() as tmp:
        with PlanStore.open(path, read_only=True) as source:
            copy = source.save_as(Path(tmp) / "copy.gantry")
        plan = Plan.open(copy)
        tasks = [i for i in plan.work_items.rows() if i.kind == "task"][:edits]
        times = []
        for task in tasks:
            started = time.perf_counter()
            plan.work_items.update(task.id, "duration", task.duration + 1)
            times.append(time.perf_counter() - started)
        plan.close()
    return times


def window_open(path: Path) -> float:
    """From MainWindow.open_plan to the plan_opened signal, the window shown offscreen."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from ui.application import make_application
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    make_application([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings)
        window.resize(1400, 850)
        window.show()
        loop = QEventLoop()
        window.plan_opened.connect(loop.quit)
        window.plan_failed.connect(loop.quit)
        QTimer.singleShot(600_000, loop.quit)
        started = time.perf_counter()
        window.open_plan(path, read_only=True)
        loop.exec()
        elapsed = time.perf_counter() - started
        window.close_plan()
        window.close()
        window.deleteLater()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--no-window", action="store_true", help="skip the GUI measurement")
    args = parser.parse_args()
    args.plans.mkdir(parents=True, exist_ok=True)

    header = (
        f"{'items':>8} {'baseline s':>10} {'open s':>8} {'ratio':>6} {'window s':>9} "
        f"{'ratio':>6} {'edit s (median)':>16} {'ratio':>6}"
    )
    rows = []
    for size in args.sizes:
        path = plan_of(size, args.plans)
        base = best([baseline_read(path) for _ in range(args.repeat)])
        opened = best([headless_open(path) for _ in range(args.repeat)])
        window = None if args.no_window else best([window_open(path) for _ in range(args.repeat)])
        edit = statistics.median(edit_latency(path, args.edits))
        rows.append((size, base, opened, window, edit))

    print(header)
    for size, base, opened, window, edit in rows:
        shown = f"{window:9.2f} {window / base:6.1f}" if window is not None else f"{'-':>9} {'':>6}"
        print(
            f"{size:>8,} {base:10.3f} {opened:8.2f} {opened / base:6.1f} {shown} "
            f"{edit:16.3f} {edit / base:6.1f}"
        )
    print(
        "baseline = plain sqlite3 fetch of every work_items row; open = PlanStore.open + "
        "Plan.open (read, index, schedule); window = MainWindow.open_plan until shown; "
        "edit = one audited, rescheduled duration change."
    )


if __name__ == "__main__":
    main()
