"""Times a 1,000-step runbook: timeline, edits through the service, the tab's reset and paint.

Baseline measured in the same run: a plain sqlite3 read of the runbook's steps (the cheapest
way to get them off the file). The runbook has 1,000 steps in the six sections, each step
waiting for the one before, every fifth also for the one five back (parallel branches).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.plan import Plan  # noqa: E402
from models import Runbook, RunbookStep, RunbookStepLink  # noqa: E402
from models.runbooks import STEP_SECTIONS  # noqa: E402
from tests.app.plan_factory import make_plan  # noqa: E402
from ui.plan_editor import PlanEditor  # noqa: E402
from ui.plan_events import PlanEvents  # noqa: E402
from ui.runbook_view import RunbookView  # noqa: E402

T0 = dt.datetime(2026, 1, 16, 19, 0)


def timed(action: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The best of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def build(path: Path, size: int) -> int:
    """A plan with one runbook of `size` steps, written in one transaction."""
    store = make_plan(path)
    with store.transaction(reason="bench runbook") as session:
        book = Runbook(name="Big night", release_id=1, planned_start=T0)
        session.add(book)
        session.flush()
        steps = [
            RunbookStep(
                runbook_id=book.id,
                section=STEP_SECTIONS[min(5, position * 6 // size)],
                position=position,
                title=f"Step {position + 1}",
                owner_role="SRE",
                duration_minutes=1 + position % 7,
                instructions=f"atlasctl step {position + 1}",
            )
            for position in range(size)
        ]
        session.add_all(steps)
        session.flush()
        for n, step in enumerate(steps[1:], 1):
            session.add(RunbookStepLink(step_id=step.id, waits_for_id=steps[n - 1].id))
            if n % 5 == 0 and n >= 5:
                session.add(RunbookStepLink(step_id=step.id, waits_for_id=steps[n - 5].id))
        book_id = book.id
    store.close()
    return book_id


def plain_read(path: Path, book: int) -> float:
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        conn.execute(
            "SELECT * FROM runbook_steps WHERE runbook_id = ? ORDER BY position", (book,)
        ).fetchall()
        return time.perf_counter() - started
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.gantry"
        book = build(path, args.steps)
        figures: dict[str, float] = {"plain": timed(lambda: plain_read(path, book), 5)[1]}
        plan = Plan.open(path)
        try:
            books = plan.runbooks
            figures["read"], steps = timed(lambda: (books._steps.clear(), books.steps(book))[1], 5)

            def timeline() -> object:
                books._timelines.clear()
                return books.timeline(book)

            figures["timeline"], result = timed(timeline, 5)
            middle = steps[len(steps) // 2].id
            figures["field edit"], _ = timed(lambda: books.update(middle, "duration_minutes", 9), 1)
            figures["move 1 place"], _ = timed(lambda: books.move_step(middle, len(steps) // 2 + 1))
            figures["move 500 places"], _ = timed(lambda: books.move_step(steps[0].id, 500))

            stack = QUndoStack()
            editor = PlanEditor(plan, stack, lambda t, m: print(t, m))
            events = PlanEvents(plan)
            view = RunbookView(clock=lambda: T0)
            view.resize(1600, 1000)
            view.set_plan(plan, editor, events)
            view.show_release(1)
            view.show()
            app.processEvents()
            figures["tab refresh"], _ = timed(view.refresh, 3)
            figures["model reset"], _ = timed(
                lambda: view.model.show(books.steps(book), books.timeline(book), None, set()), 5
            )
            scroller = view.gantt.parentWidget()
            assert scroller is not None
            figures["gantt paint"], _ = timed(lambda: scroller.grab(), 3)
            figures["table paint"], _ = timed(lambda: view.table.viewport().grab(), 3)
            figures["edit in tab"], _ = timed(
                lambda: (
                    editor.set_field(books, middle, "duration_minutes", 4),
                    app.processEvents(),
                ),
            )
            view.set_plan(None, None, None)
            events.detach()
        finally:
            plan.close()
    plain = figures.pop("plain")
    print(f"{args.steps} steps; total {result.total} min, {len(result.critical)} critical steps")
    print(f"{'measure':<18} {'ms':>9} {'x plain read':>13}")
    print(f"{'plain sqlite3 read':<18} {plain * 1000:9.2f} {1.0:13.1f}")
    for name, seconds in figures.items():
        print(f"{name:<18} {seconds * 1000:9.2f} {seconds / plain:13.1f}")


if __name__ == "__main__":
    main()
