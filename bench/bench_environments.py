"""The environment timeline at 1,000 to 100,000 deployments: build time and one paint.

Synthetic rows (six environments, a deployment a day per environment for years, a mix of
outcomes). The build (bars and version bands) is timed against a baseline measured in the
same run: sorting the same rows by environment and start, which any such computation does
at least. Paint is one 1600x900 viewport at the fitted zoom and at a week's zoom, into a
QImage.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.environment_timeline import build_timeline  # noqa: E402
from app.promotion import starts  # noqa: E402
from ui.environment_chart import EnvironmentChart  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
ENVIRONMENTS = 6
OUTCOMES = ("succeeded",) * 7 + ("failed", "rolled_back", "planned")
RUNS = 3
START = dt.datetime(2020, 1, 6, 19, 0)


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    name: str = ""
    tier: str = "test"
    owner: str = ""
    release_id: int = 0
    environment_id: int = 0
    window_start: dt.datetime = START
    window_end: dt.datetime = START
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None
    outcome: str = "planned"
    incident_ref: str = ""


def rows(count: int) -> tuple[list[Row], list[Row]]:
    environments = [Row(e, name=f"env{e}") for e in range(ENVIRONMENTS)]
    deployments = []
    for n in range(count):
        start = START + dt.timedelta(days=n // ENVIRONMENTS, hours=n % 3)
        deployments.append(
            Row(
                n,
                release_id=n // 40,
                environment_id=n % ENVIRONMENTS,
                window_start=start,
                window_end=start + dt.timedelta(hours=2),
                outcome=OUTCOMES[n % len(OUTCOMES)],
            )
        )
    return environments, deployments


def timed(call: Callable[[], object], runs: int = RUNS) -> float:
    """The best of `runs` wall-clock times of call(), in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def measure(chart: EnvironmentChart, size: int) -> tuple[float, float, float, float]:
    """Seconds: the baseline sort, the build, a paint fitted and a paint at a week's zoom."""
    environments, deployments = rows(size)
    labels = {r: f"{r // 10}.{r % 10}" for r in range(size // 40 + 1)}
    baseline = timed(lambda: sorted(deployments, key=lambda d: (d.environment_id, starts(d))))
    build = timed(lambda: build_timeline(environments, deployments, labels))
    last = max(d.window_end for d in deployments)
    chart.set_timeline(build_timeline(environments, deployments, labels), last)
    image = QImage(1600, 900, QImage.Format.Format_ARGB32)
    chart.zoom_to_fit()
    fit = timed(lambda: chart.viewport().render(image))
    chart.set_day_width(24.0)
    chart.go_to(last.date())
    week = timed(lambda: chart.viewport().render(image))
    return baseline, build, fit, week


def main() -> None:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    chart = EnvironmentChart()
    chart.resize(1600, 900)
    chart.show()
    app.processEvents()
    print(
        f"{'deployments':>12} {'baseline ms':>12} {'build ms':>9} {'ratio':>6}"
        f" {'paint fit ms':>13} {'paint week ms':>14}"
    )
    for size in SIZES:
        baseline, build, fit, week = measure(chart, size)
        print(
            f"{size:>12,} {baseline * 1000:>12.1f} {build * 1000:>9.1f} {build / baseline:>6.1f}"
            f" {fit * 1000:>13.1f} {week * 1000:>14.1f}"
        )


if __name__ == "__main__":
    main()
