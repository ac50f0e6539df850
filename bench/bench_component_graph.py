"""The component graph at 30 to 1,000 components: layout time and one paint.

Synthetic services in tiers (each needs one to three of the tiers before it), the shape of a
real estate of services. The layout is timed against a baseline measured in the same run:
building the same networkx graph and its topological generations, which any layered layout
does at least. Paint is one 1600x900 viewport at 100% and fitted, into a QImage; the canvas
skips what lies outside the view by its bounding box, so the fitted paint (all of it in
view) grows with the graph.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import networkx as nx  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.component_graph import ComponentInfo, ComponentLayout, Requirement  # noqa: E402
from ui.component_graph_view import ComponentGraphCanvas  # noqa: E402

SIZES = (30, 100, 300, 1_000)
TIERS = 6
RUNS = 3


Problems = dict[tuple[int, int], list[str]]


def services(count: int) -> tuple[list[ComponentInfo], list[Requirement], Problems]:
    chosen = random.Random(count)
    components = [
        ComponentInfo(n, f"service-{n:04d}", ("built_here", "vendor", "open_source")[n % 3],
                      f"{n % 7}.{n % 11}.0", True)
        for n in range(count)
    ]  # fmt: skip
    tier = {n: n * TIERS // count for n in range(count)}
    requirements = []
    for n in range(count):
        earlier = [m for m in range(count) if tier[m] < tier[n]]
        for needed in chosen.sample(earlier, min(len(earlier), chosen.randint(1, 3))):
            requirements.append(Requirement(n, needed, f">= {needed % 5}.0"))
    # A few broken constraints, so conflicts are painted too.
    problems: Problems = {(r.component, r.depends_on): ["broken"] for r in requirements[::17]}
    return components, requirements, problems


def timed(call: Callable[[], object], runs: int = RUNS) -> float:
    """The best of `runs` wall-clock times of call(), in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def generations(components: list[ComponentInfo], requirements: list[Requirement]) -> int:
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(c.id for c in components)
    graph.add_edges_from((r.depends_on, r.component) for r in requirements)
    return len(list(nx.topological_generations(graph)))


def main() -> None:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    canvas = ComponentGraphCanvas()
    canvas.resize(1600, 900)
    canvas.show()
    app.processEvents()
    image = QImage(1600, 900, QImage.Format.Format_ARGB32)
    print(
        f"{'components':>10} {'edges':>6} {'baseline ms':>12} {'layout ms':>10} {'ratio':>6}"
        f" {'paint 100% ms':>14} {'paint fit ms':>13}"
    )
    for size in SIZES:
        components, requirements, problems = services(size)

        def lay_out(
            c: list[ComponentInfo] = components,
            r: list[Requirement] = requirements,
            p: Problems = problems,
        ) -> ComponentLayout:
            return ComponentLayout(c, r, {}, p)

        baseline = timed(lambda c=components, r=requirements: generations(c, r))
        layout = timed(lay_out)
        canvas.set_layout(lay_out())
        canvas.set_zoom(1.0)
        full = timed(lambda: canvas.viewport().render(image))
        canvas.fit()
        fitted = timed(lambda: canvas.viewport().render(image))
        print(
            f"{size:>10,} {len(requirements):>6,} {baseline * 1000:>12.1f} {layout * 1000:>10.1f}"
            f" {layout / baseline:>6.1f} {full * 1000:>14.1f} {fitted * 1000:>13.1f}"
        )


if __name__ == "__main__":
    main()
