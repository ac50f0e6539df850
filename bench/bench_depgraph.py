"""The Dependencies tab on a 5,000-item plan: layout time, and one viewport's paint time.

The plan is `gantry demo PATH --size N` (5,000 by default). Layout is timed for the whole
plan and for its largest release, against a baseline measured in the same run: building the
bare networkx graph of the same items and links (what any layout must at least do). Paint
is one 1600x900 viewport of the whole-plan graph into a QImage at fresh scroll positions, at
every zoom step, critical path on and an item selected (chains lit): a pan/zoom sweep. Its
baseline, per zoom and measured in the same run, paints as many plain rectangles as that
frame shows nodes, one call each (what any per-item painting must at least pay). The first
sketch frame after a change of look (selection, critical path) rebuilds the sketch's lists:
that is timed on its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import networkx as nx  # noqa: E402
from PySide6.QtCore import QRectF  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.dependency_graph import DependencyLayout, plan_layout  # noqa: E402
from app.plan import Plan  # noqa: E402
from bench.bench_open import plan_of  # noqa: E402
from ui.dependency_view import DependencyCanvas  # noqa: E402
from ui.graph_canvas import MARGIN  # noqa: E402

VIEWPORT = (1600, 900)
POSITIONS = 20
RUNS = 5


def timed(call: Callable[[], object], runs: int = RUNS) -> float:
    """The best of `runs` wall-clock times of call(), in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def shown_nodes(canvas: DependencyCanvas, layout: DependencyLayout) -> int:
    """How many nodes the canvas's viewport shows now."""
    view = canvas.viewport()
    x0 = canvas.horizontalScrollBar().value() / canvas.zoom - MARGIN
    y0 = canvas.verticalScrollBar().value() / canvas.zoom - MARGIN
    x1, y1 = x0 + view.width() / canvas.zoom, y0 + view.height() / canvas.zoom
    return len(layout.visible(x0, y0, x1, y1)[0])


def plain_rects(image: QImage, count: int) -> None:
    """The baseline: a cleared frame and `count` plain rectangles, one call each."""
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor("#ffffff"))
    painter.setBrush(QColor("#94a3b8"))
    for n in range(count):
        painter.drawRect(QRectF((n % 40) * 40, (n // 40) * 20, 30, 12))
    painter.end()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=5000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:
        plan = Plan.open(plan_of(args.size, Path(tmp)), read_only=True)
        try:
            state = plan.state
            biggest = max(state.release_order, key=lambda r: state.counts.get(r, 0))

            def bare_graph() -> None:
                graph: nx.DiGraph[int] = nx.DiGraph()
                graph.add_nodes_from(state.items)
                graph.add_edges_from(
                    (k.predecessor_id, k.successor_id) for k in state.links.values()
                )

            base = timed(bare_graph)
            whole = timed(lambda: plan_layout(state, None))
            release = timed(lambda: plan_layout(state, biggest))
            layout = plan_layout(state, None)
            print(
                f"{len(state.items)} items, {len(state.links)} links; whole-plan graph "
                f"{len(layout.layers)} layers x up to {max(map(len, layout.layers))} nodes"
            )
            print(f"  {'baseline (bare networkx graph)':<31}  {base * 1000:8.1f} ms")
            for label, seconds in (
                ("layout, whole plan", whole),
                ("layout, largest release", release),
            ):
                print(f"  {label:<31}  {seconds * 1000:8.1f} ms  ratio {seconds / base:5.1f}")

            canvas = DependencyCanvas()
            canvas.resize(*VIEWPORT)
            canvas.show()
            app.processEvents()
            canvas.set_layout(layout)
            canvas.critical = True
            canvas.select(layout.layers[len(layout.layers) // 2][0])
            image = QImage(*VIEWPORT, QImage.Format.Format_ARGB32_Premultiplied)
            bars = canvas.horizontalScrollBar(), canvas.verticalScrollBar()
            canvas.set_zoom(DependencyCanvas.ZOOMS[0])
            rebuilds = []
            for item in layout.layers[len(layout.layers) // 3][:RUNS]:
                canvas.select(item)
                started = time.perf_counter()
                canvas.viewport().render(image)
                rebuilds.append(time.perf_counter() - started)
            print(
                f"  sketch rebuilt after a new selection: median "
                f"{statistics.median(rebuilds) * 1000:6.1f} ms"
            )
            print(
                f"  {'zoom':>5}  {'nodes':>5}  {'frame median':>12}  {'max':>7}  "
                f"{'baseline':>8}  ratio"
            )
            for zoom in DependencyCanvas.ZOOMS:
                canvas.set_zoom(zoom)
                paints, bases, counts = [], [], []
                for n in range(POSITIONS):
                    bars[0].setValue(bars[0].maximum() * n // POSITIONS)
                    bars[1].setValue(bars[1].maximum() * ((n * 7) % POSITIONS) // POSITIONS)
                    started = time.perf_counter()
                    canvas.viewport().render(image)
                    paints.append(time.perf_counter() - started)
                    shown = shown_nodes(canvas, layout)
                    counts.append(shown)
                    bases.append(timed(lambda count=shown: plain_rects(image, count), 1))
                frame, base = statistics.median(paints), statistics.median(bases)
                print(
                    f"  {zoom:5.2f}  {statistics.median(counts):5.0f}  {frame * 1000:9.1f} ms  "
                    f"{max(paints) * 1000:4.1f} ms  {base * 1000:5.1f} ms  {frame / base:5.1f}"
                )
        finally:
            plan.close()


if __name__ == "__main__":
    main()
