"""The runbook PDF of a 200- and a 1,000-step runbook against reportlab writing the same text.

Each plan is made through the runbook service (tests/app/runbook_plans.py: long instructions,
owners in Latin, Polish and CJK script) in a temporary folder. Figures per size: building the
document model from the open plan, laying it out and writing it (reportlab), adding the
signature fields (pyHanko rewrite), and the whole export, with the page count.

The baseline, in the same run: reportlab's canvas writing every line of the same step text
(title, instructions, expected result, owner, planned time; wrapped at the same number of
characters) with drawString in the same embedded faces, as many lines to a page as fit, and
nothing else (no tables, wrapping by measure, header, contents or fields). It is the floor
for putting this much text into a PDF with this library.

Wall time and CPU time are both printed: on a shared, loaded machine the CPU time of the
process is the steadier figure, and the ratio is taken on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from app.pdf import styles  # noqa: E402
from app.pdf.fields import with_signature_fields  # noqa: E402
from app.pdf.render import render  # noqa: E402
from app.pdf.runbook_document import runbook_document  # noqa: E402
from app.plan import Plan  # noqa: E402
from tests.app.runbook_plans import make_runbook_plan  # noqa: E402

GENERATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def baseline(plan: Plan) -> tuple[float, float, int]:
    """Wall and CPU seconds, and pages, for the plain canvas writing the runbook's text."""
    book = plan.runbooks.runbooks(1)[0]
    lines = []
    for step in plan.runbooks.steps(book.id):
        for text in (step.title, step.instructions, step.verification, step.owner_role):
            for line in text.splitlines():
                lines += textwrap.wrap(line, 90) or [""]
    styles.register()
    started, cpu = time.perf_counter(), time.process_time()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, initialFontName=styles.REGULAR)  # type: ignore[arg-type]
    y, pages = 800.0, 1
    for line in lines:
        for face, run in styles.runs(line):
            canvas.setFont(face, 8)
            canvas.drawString(50, y, run)
        y -= 10
        if y < 50:
            canvas.showPage()
            y, pages = 800.0, pages + 1
    canvas.save()
    return time.perf_counter() - started, time.process_time() - cpu, pages


def measure(folder: Path, steps: int) -> None:
    made = time.perf_counter()
    plan = make_runbook_plan(folder / f"bench-{steps}.gantry", steps)
    made = time.perf_counter() - made
    try:
        started, cpu = time.perf_counter(), time.process_time()
        document = runbook_document(plan, "R1", GENERATED)
        modelled = time.perf_counter()
        pdf, boxes = render(document)
        rendered = time.perf_counter()
        final = with_signature_fields(pdf, boxes)
        fielded, cpu = time.perf_counter(), time.process_time() - cpu
        base, base_cpu, base_pages = baseline(plan)
    finally:
        plan.close()
    total = fielded - started
    pages = 1 + boxes[-1].page
    print(f"-- {steps:,} steps (plan written in {made:.1f} s through the runbook service)")
    print(f"document model from the plan:       {modelled - started:7.2f} s")
    print(f"layout and write (reportlab):       {rendered - modelled:7.2f} s  {pages} pages")
    print(f"signature fields (pyHanko rewrite): {fielded - rendered:7.2f} s")
    print(
        f"whole export:                       {total:7.2f} s  CPU {cpu:.2f} s  "
        f"{len(final) / 1e6:.1f} MB"
    )
    print(
        f"baseline, drawString lines:         {base:7.2f} s  CPU {base_cpu:.2f} s  "
        f"{base_pages} pages"
    )
    print(f"ratio whole export / baseline, CPU: {cpu / base_cpu:7.1f}x")
    print(f"per page:                           {1000 * total / pages:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gantry-bench-pdf-") as scratch:
        for size in args.sizes:
            measure(Path(scratch), size)


if __name__ == "__main__":
    main()
