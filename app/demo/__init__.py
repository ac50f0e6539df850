"""The demo plan (a product team's three releases) and synthetic plans for benchmarks."""

import datetime as dt
from pathlib import Path

from app.demo.plan import build_demo
from app.demo.synthetic import build_synthetic
from app.store import PlanStore

__all__ = ["build_demo", "build_synthetic", "ensure_demo_plan"]


def ensure_demo_plan(path: Path, today: dt.date) -> Path:
    """Write the demo plan at `path`, dated around `today`, unless it exists.

    A half-written demo is removed.
    """
    if path.exists():
        return path
    try:
        with PlanStore.open(path, create=True) as store:
            build_demo(store, today)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
