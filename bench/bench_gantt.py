"""The Calendar tab (the Gantt) on big plans: paint time of one full viewport and time to open it.

For each plan (the demo-like synthetic plans of `gantry demo --size N`, and one flat release of
100,000 tasks, the worst case for a single chart) the real MainWindow (offscreen) opens the
plan, shows its largest release and switches to the Calendar tab; the time to the tab's first
paint is measured. Then one full 1600x900 viewport of the timeline is painted into a QImage at
fresh scroll positions (rows never painted before, so their rows are built too) and three
zoom levels, critical path on. The baseline is the smallest plan in the same run: the goal is
a paint that costs the same at 100,000 items as at 1,000 (ratio under 1.5).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, QSettings  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.bench_open import plan_of  # noqa: E402
from bench.bench_window import run_until  # noqa: E402
from tests.app.plan_factory import make_flat_plan  # noqa: E402
from ui.application import make_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import AppSettings  # noqa: E402

VIEWPORT = (1600, 900)
ZOOMS = (24.0, 6.0, 1.2)  # days, weeks, months in the header
POSITIONS = 20  # fresh scroll positions per zoom level


def measure(path: Path) -> dict[str, float]:
    make_application([sys.argv[0]])
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.gantry"
        shutil.copyfile(path, copy)
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings, report=lambda title, message: print(title, message))
        window.resize(2200, 1200)
        window.show()
        window.open_plan(copy, read_only=True)
        run_until(lambda: window.plan is not None)
        plan = window.plan
        assert plan is not None
        run_until(lambda: not plan.state.scheduling)
        biggest = max(plan.releases.rows(), key=lambda r: r.item_count)
        window.navigator.select_release(biggest.id)
        window.items_view.show_release(biggest.id)
        window.gantt.show_release(biggest.id)
        QApplication.processEvents()

        gantt = window.gantt
        started = time.perf_counter()
        window.tabs.setCurrentWidget(gantt)
        QApplication.processEvents()  # layout, the first zoom to fit
        gantt.grab()  # the first paint of the tab: tree, header and timeline
        figures["open_tab"] = time.perf_counter() - started
        figures["rows"] = len(gantt.rows or [])

        chart = gantt.chart
        gantt.critical_action.setChecked(True)
        gantt.critical_action.triggered.emit()
        image = QImage(*VIEWPORT, QImage.Format.Format_ARGB32_Premultiplied)
        warm = QPainter(image)  # font caches and the like, once per run
        chart.paint(warm, QRectF(0, 0, *VIEWPORT))
        warm.end()
        times: list[float] = []
        height = figures["rows"] * chart.metrics.height
        for zoom in ZOOMS:
            chart.set_day_width(zoom)
            for n in range(POSITIONS):
                # Spread over the release, rows never shown before: their rows are built too.
                top = (n + 0.5) / POSITIONS * max(0.0, height - VIEWPORT[1])
                chart.verticalScrollBar().setValue(round(top + zoom))
                bar = (
                    chart.rows.item(chart.metrics.rows_in(top, top + 1, len(chart.rows))[0])
                    if chart.rows
                    else None
                )
                if bar is not None and bar.start is not None:
                    chart.go_to(bar.start)
                painter = QPainter(image)
                started = time.perf_counter()
                chart.paint(painter, QRectF(0, 0, *VIEWPORT))
                times.append(time.perf_counter() - started)
                painter.end()
        figures["paint"] = statistics.median(times)
        figures["paint_max"] = max(times)
        image.save(str(Path(tempfile.gettempdir()) / f"bench-gantt-{len(plan.state.items)}.png"))
        window.close()
        window.deleteLater()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--plans", type=Path, default=Path(tempfile.gettempdir()) / "gantry-bench")
    parser.add_argument(
        "--flat", type=int, default=100_000, help="one release of N tasks (0: none)"
    )
    args = parser.parse_args()
    args.plans.mkdir(parents=True, exist_ok=True)
    rows = [(f"{size:,}", measure(plan_of(size, args.plans))) for size in args.sizes]
    if args.flat:
        flat = args.plans / f"flat-{args.flat}.gantry"
        if not flat.exists():
            make_flat_plan(flat, args.flat).close()
        rows.append((f"{args.flat:,} flat", measure(flat)))
    base = rows[0][1]["paint"]
    print(
        f"{'items':>14} {'release rows':>12} {'open tab s':>10} {'paint ms':>9} "
        f"{'max ms':>7} {'ratio':>6}"
    )
    for size, f in rows:
        print(
            f"{size:>14} {f['rows']:>12,.0f} {f['open_tab']:10.3f} {f['paint'] * 1000:9.1f} "
            f"{f['paint_max'] * 1000:7.1f} {f['paint'] / base:6.2f}"
        )
    print(
        f"paint = median time to paint one {VIEWPORT[0]}x{VIEWPORT[1]} viewport (critical path "
        f"on, {len(ZOOMS)} zoom levels x {POSITIONS} fresh scroll positions); ratio = against "
        f"the {rows[0][0]}-item plan in this run (goal under 1.5); open tab = switching to "
        "the Calendar tab until its first paint."
    )


if __name__ == "__main__":
    main()
