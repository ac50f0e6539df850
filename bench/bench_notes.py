"""Times a large release's notes and communication plan: the document, the three formats,
the due listing, and the Release notes tab's refresh and an edit through it.

Baseline measured in the same run: a plain sqlite3 read of the release's notes (the cheapest
way to get them off the file). The release has 500 entries over the six categories (a tenth
internal) and 200 communications anchored on its dates in working days.
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

from app.notes_export import to_html, to_markdown, write_notes  # noqa: E402
from app.plan import Plan  # noqa: E402
from app.release_notes import CATEGORY_ORDER  # noqa: E402
from models import Communication, ReleaseNote  # noqa: E402
from models.communications import COMM_ANCHORS  # noqa: E402
from tests.app.plan_factory import make_plan  # noqa: E402
from ui.notes_view import NotesView  # noqa: E402
from ui.plan_editor import PlanEditor  # noqa: E402
from ui.plan_events import PlanEvents  # noqa: E402

TODAY = dt.date(2026, 1, 7)


def timed(action: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The best of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def build(path: Path, notes: int, comms: int) -> None:
    store = make_plan(path)
    with store.transaction(reason="bench notes") as session:
        session.add_all(
            ReleaseNote(
                release_id=1,
                category=CATEGORY_ORDER[n % len(CATEGORY_ORDER)],
                audience="internal" if n % 10 == 0 else "external",
                title=f"Entry {n}: Žluťoučký kůň, Ελληνικά, Кириллица & <tags>",
                body="A sentence or two for the reader about what changed and why. " * 2,
                position=n,
            )
            for n in range(notes)
        )
        session.add_all(
            Communication(
                release_id=1,
                title=f"Message {n}",
                anchor=COMM_ANCHORS[n % 4],
                offset_days=n % 11 - 5,
                template="{release} ({version}) ships on {target}; freeze {freeze}.",
            )
            for n in range(comms)
        )
    store.close()


def plain_read(path: Path) -> float:
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        conn.execute("SELECT * FROM release_notes WHERE release_id = 1").fetchall()
        return time.perf_counter() - started
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--comms", type=int, default=200)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.gantry"
        build(path, args.notes, args.comms)
        figures: dict[str, float] = {"plain": timed(lambda: plain_read(path), 5)[0]}
        plan = Plan.open(path)
        try:
            notes = plan.notes

            def document() -> Any:
                notes.records._rows = None  # read again, as after a change notice
                return notes.document(1, "internal")

            figures["document"], doc = timed(document, 5)
            figures["markdown"], _ = timed(lambda: to_markdown(doc), 5)
            figures["html"], _ = timed(lambda: to_html(doc), 5)
            figures["pdf"], _ = timed(lambda: write_notes(doc, Path(folder) / "n.pdf"), 2)
            figures["due listing"], _ = timed(lambda: plan.communications.listing(TODAY, 1), 5)
            stack = QUndoStack()
            editor = PlanEditor(plan, stack, lambda t, m: print(t, m))
            events = PlanEvents(plan)
            view = NotesView(today=lambda: TODAY, clock=lambda: dt.datetime(2026, 1, 7, 9))
            view.resize(1400, 820)
            view.set_plan(plan, editor, events)
            view.show()
            app.processEvents()
            figures["tab refresh"], _ = timed(view._refresh, 3)
            first = notes.entries(1)[0].id
            figures["edit in tab"], _ = timed(
                lambda: (
                    editor.set_field(notes.records, first, "title", "Edited"),
                    app.processEvents(),
                )
            )
            view.set_plan(None, None, None)
            events.detach()
        finally:
            plan.close()
    plain = figures.pop("plain")
    print(f"{args.notes} notes, {args.comms} communications; PDF {doc.entry_count} entries")
    print(f"{'measure':<18} {'ms':>9} {'x plain read':>13}")
    print(f"{'plain sqlite3 read':<18} {plain * 1000:9.2f} {1.0:13.1f}")
    for name, seconds in figures.items():
        print(f"{name:<18} {seconds * 1000:9.2f} {seconds / plain:13.1f}")


if __name__ == "__main__":
    main()
