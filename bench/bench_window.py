"""How the window feels on big plans: time to a usable window, and the longest stall of the
UI thread while the user edits (a stall over 100 ms is felt; the goal is none).

Everything happens in the real MainWindow (offscreen). A 2 ms QTimer runs throughout and
records the longest gap between its ticks: that gap is how long the UI thread could not
answer the user. Baseline, measured in the same run on the same file: reading every
work-item row with plain sqlite3 (`SELECT * FROM work_items`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402

from bench.bench_open import baseline_read, plan_of  # noqa: E402
from ui.application import make_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import AppSettings  # noqa: E402

TICK_MS = 2


class StallMonitor:
    """The longest time the event loop went without running a 2 ms timer."""

    def __init__(self) -> None:
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.longest_ms = 0.0

    def start(self) -> None:
        self.longest_ms = 0.0
        self._clock.start()
        self._timer.start()

    def _tick(self) -> None:
        gap = self._clock.nsecsElapsed() / 1e6
        self._clock.restart()
        self.longest_ms = max(self.longest_ms, gap - TICK_MS)

    def stop(self) -> float:
        self._timer.stop()
        return self.longest_ms


def run_until(condition: Callable[[], bool], timeout_s: float = 600) -> None:
    """Run the event loop until `condition()` holds (checked every millisecond)."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    poll.stop()


def measure(path: Path, edits: int) -> dict[str, float]:
    make_application([sys.argv[0]])
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.gantry"
        shutil.copyfile(path, copy)
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings, report=lambda title, message: print(title, message))
        window.resize(1366, 768)
        window.show()
        monitor = StallMonitor()

        monitor.start()
        started = time.perf_counter()
        window.open_plan(copy)
        run_until(lambda: window.plan is not None)
        figures["usable"] = time.perf_counter() - started
        plan = window.plan
        assert plan is not None and window.editor is not None
        run_until(lambda: not plan.state.scheduling)
        figures["scheduled"] = time.perf_counter() - started
        figures["open_stall"] = monitor.stop()

        # Edits the way the table makes them, each followed by its background reschedule.
        editor = window.editor
        release = window.items_view.release_id
        tasks = [row for row in plan.work_items.rows(release) if row.kind == "task"][:edits]
        monitor.start()
        started = time.perf_counter()
        for task in tasks:
            QTimer.singleShot(0, lambda t=task: editor.set_item_field(t.id, "duration", 9))
            run_until(lambda: not plan.state.scheduling and window.undo_stack.count() > 0)
        figures["edit_s"] = (time.perf_counter() - started) / max(1, len(tasks))
        figures["edit_stall"] = monitor.stop()

        monitor.start()
        first = tasks[0]
        window.select_item(first.id)
        QTimer.singleShot(0, lambda: window.add_item("task"))
        run_until(lambda: not plan.state.scheduling)
        QTimer.singleShot(0, window.undo_stack.undo)
        run_until(lambda: not plan.state.scheduling)
        QTimer.singleShot(0, window.delete_selected_item)
        run_until(lambda: not plan.state.scheduling)
        QTimer.singleShot(0, window.undo_stack.undo)
        run_until(lambda: not plan.state.scheduling)
        figures["structure_stall"] = monitor.stop()
        window.close()
        window.deleteLater()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    args.plans.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        path = plan_of(size, args.plans)
        base = min(baseline_read(path) for _ in range(3))
        rows.append((size, base, measure(path, args.edits)))
    print(
        f"{'items':>8} {'baseline s':>10} {'usable s':>9} {'ratio':>6} {'scheduled s':>11} "
        f"{'open stall ms':>13} {'edit s':>7} {'edit stall ms':>13} {'add/del stall ms':>16}"
    )
    for size, base, f in rows:
        print(
            f"{size:>8,} {base:10.3f} {f['usable']:9.2f} {f['usable'] / base:6.1f} "
            f"{f['scheduled']:11.2f} {f['open_stall']:13.0f} {f['edit_s']:7.2f} "
            f"{f['edit_stall']:13.0f} {f['structure_stall']:16.0f}"
        )
    print(
        "usable = open_plan until the window shows the plan and takes edits; scheduled = until "
        "its dates are computed too; stall = longest time the UI thread could not answer "
        f"(a {TICK_MS} ms timer's longest gap); edit s = one duration edit until its new dates "
        "are shown; add/del = add a task, undo, delete it, undo."
    )


if __name__ == "__main__":
    main()
