"""The Excel workbook export of a 100,000-item plan against openpyxl writing the same cells.

`gantry demo PATH --size N` plans (cached in the folder given, /tmp/gantry-bench by default).
Figures: reading the rows out of the open plan (`workbook_data`), writing the table sheets
(styled headers, formats, lists, formula-safe text), the Timeline sheet alone (a workbook of
its own), and the whole `write_workbook`; each against its baseline, timed on its own.

The baseline, in the same run, is openpyxl's write-only mode writing the same cells with
nothing else (no widths, frozen panes, filters, lists, column styles or print set-up):

- the table sheets: the header and every row as plain values (text cleaned of the control
  characters openpyxl refuses, as the export cleans it);
- the Timeline: exactly the cells the export wrote to it, read back from the exported file
  (not timed): the same values in the same places, and each cell the export styled written
  as a `WriteOnlyCell` given one shared fill, openpyxl's own way to style a cell.

The goal is the whole workbook within 2x of the whole baseline. The table-only baseline the
first version of this bench used is printed too, so figures stay comparable.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.cell.read_only import ReadOnlyCell  # noqa: E402
from openpyxl.styles import PatternFill  # noqa: E402

from app.plan import Plan  # noqa: E402
from app.spreadsheet.columns import TIMELINE_TITLE  # noqa: E402
from app.spreadsheet.export import WorkbookData, workbook_data, write_workbook  # noqa: E402
from app.spreadsheet.timeline_sheet import write_timeline  # noqa: E402
from app.spreadsheet.workbook_style import clean_text  # noqa: E402
from app.timeline import palette  # noqa: E402
from bench.bench_open import plan_of  # noqa: E402
from tests.fixed_dates import DEMO_TODAY  # noqa: E402

# A Timeline cell as written: its value and whether it carries a style; None where no cell is.
Written = tuple[Any, bool] | None
SHARED_FILL = PatternFill("solid", fgColor=palette.TASK[1:])


@dataclasses.dataclass(frozen=True, slots=True)
class TimelineCells:
    rows: list[list[Written]]
    cells: int
    styled: int


def timeline_cells(book: Path) -> TimelineCells:
    """Every cell of the exported Timeline sheet, as the baseline writes it again."""
    sheet = openpyxl.load_workbook(book, read_only=True)[TIMELINE_TITLE]
    rows: list[list[Written]] = []
    cells = styled = 0
    for row in sheet.iter_rows():
        written: list[Written] = []
        for cell in row:
            if isinstance(cell, ReadOnlyCell):
                written.append((cell.value, cell.has_style))
                cells += 1
                styled += cell.has_style
            else:
                written.append(None)  # a gap the reader filled in
        while written and written[-1] is None:
            written.pop()
        rows.append(written)
    return TimelineCells(rows, cells, styled)


def baseline(data: WorkbookData | None, timeline: TimelineCells | None, out: Path) -> float:
    """openpyxl write-only: the same cells (see the module's note), nothing else."""
    started = time.perf_counter()
    book = Workbook(write_only=True)
    for sheet_rows in data.sheets if data is not None else []:
        sheet = book.create_sheet(sheet_rows.spec.title)
        sheet.append(sheet_rows.spec.headers)
        for row in sheet_rows.rows:
            # Text cleaned as the export cleans it, or openpyxl would refuse a control char.
            sheet.append([clean_text(v) if isinstance(v, str) else v for v in row])
    if timeline is not None:
        sheet = book.create_sheet(TIMELINE_TITLE)
        for written in timeline.rows:
            sheet.append([_baseline_cell(sheet, w) for w in written])
    book.save(out)
    return time.perf_counter() - started


def _baseline_cell(sheet: Any, written: Written) -> Any:
    if written is None:
        return None
    value, styled = written
    if not styled:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.fill = SHARED_FILL
    return cell


def timed_write(data: WorkbookData, out: Path) -> float:
    started = time.perf_counter()
    write_workbook(data, out)
    return time.perf_counter() - started


def timed_timeline(data: WorkbookData, out: Path) -> float:
    """The Timeline sheet alone, in a workbook of its own."""
    started = time.perf_counter()
    book = Workbook(write_only=True)
    write_timeline(book, data.timeline)
    book.save(out)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/gantry-bench"))
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    path = plan_of(args.size, args.folder)
    started = time.perf_counter()
    plan = Plan.open(path, read_only=True)
    opened = time.perf_counter() - started
    try:
        started = time.perf_counter()
        data = workbook_data(plan, None, DEMO_TODAY)
        read = time.perf_counter() - started
    finally:
        plan.close()
    no_timeline = dataclasses.replace(
        data, timeline=dataclasses.replace(data.timeline, releases=[], items=[])
    )
    table_cells = sum(len(s.rows) * len(s.spec.columns) for s in data.sheets)
    # The rows are long-lived, as in the window; keep the collector's passes off them so
    # every run below pays the same for its own garbage, whichever comes first.
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        whole = timed_write(data, folder / "whole.xlsx")
        size = (folder / "whole.xlsx").stat().st_size
        tables = timed_write(no_timeline, folder / "tables.xlsx")
        timeline = timed_timeline(data, folder / "timeline.xlsx")
        drawn = timeline_cells(folder / "whole.xlsx")
        base = baseline(data, drawn, folder / "baseline.xlsx")
        base_tables = baseline(data, None, folder / "baseline-tables.xlsx")
        base_timeline = baseline(None, drawn, folder / "baseline-timeline.xlsx")
    print(
        f"plan: {path.name}, {data.describe()}, {table_cells:,} table cells, "
        f"{data.timeline.rows:,} Timeline rows"
    )
    print(
        f"baseline: openpyxl write-only of the same cells: the table sheets' header and rows as "
        f"plain values; the Timeline's {drawn.cells:,} cells as written, the {drawn.styled:,} "
        "styled ones each a WriteOnlyCell with one shared fill; no widths, panes, filters, "
        "lists, column styles or print set-up"
    )
    print(f"open the plan (read-only, scheduled):    {opened:7.2f} s")
    print(f"workbook_data (rows out of the plan):    {read:7.2f} s")
    print(f"baseline, table sheets:                  {base_tables:7.2f} s")
    print(f"baseline, Timeline cells alone:          {base_timeline:7.2f} s")
    print(f"baseline, whole workbook:                {base:7.2f} s")
    print(
        f"table sheets (styled, safe, lists):      {tables:7.2f} s   "
        f"{tables / base_tables:.2f}x baseline tables"
    )
    print(
        f"Timeline sheet alone:                    {timeline:7.2f} s   "
        f"{timeline / base_timeline:.2f}x baseline Timeline"
    )
    print(
        f"write_workbook (tables and Timeline):    {whole:7.2f} s   {whole / base:.2f}x baseline "
        f"(goal 2x); {whole / base_tables:.2f}x the table sheets' baseline alone"
    )
    print(f"file size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
