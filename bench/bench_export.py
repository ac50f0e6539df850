"""The Excel workbook export of a 100,000-item plan against openpyxl writing the same cells.

`gantry demo PATH --size N` plans (cached in the folder given, /tmp/gantry-bench by default).
Figures: reading the rows out of the open plan (`workbook_data`), writing the table sheets
(styled headers, formats, lists, formula-safe text), writing the Timeline sheet, and the
whole `write_workbook`. The baseline, in the same run, is openpyxl's write-only mode writing
the same table cells as plain values with nothing else; the goal is the table sheets within
2x of it. The Timeline has no counterpart in the baseline (it is extra cells), so it is shown
apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from app.plan import Plan  # noqa: E402
from app.spreadsheet.export import WorkbookData, workbook_data, write_workbook  # noqa: E402
from app.spreadsheet.workbook_style import clean_text  # noqa: E402
from bench.bench_open import plan_of  # noqa: E402
from tests.fixed_dates import DEMO_TODAY  # noqa: E402


def baseline(data: WorkbookData, out: Path) -> float:
    """openpyxl write-only: the same header and cells, plain values, no styles or lists."""
    started = time.perf_counter()
    book = Workbook(write_only=True)
    for sheet_rows in data.sheets:
        sheet = book.create_sheet(sheet_rows.spec.title)
        sheet.append(sheet_rows.spec.headers)
        for row in sheet_rows.rows:
            # Text cleaned as the export cleans it, or openpyxl would refuse a control char.
            sheet.append([clean_text(v) if isinstance(v, str) else v for v in row])
    book.save(out)
    return time.perf_counter() - started


def timed_write(data: WorkbookData, out: Path) -> float:
    started = time.perf_counter()
    write_workbook(data, out)
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
    cells = sum(len(s.rows) * len(s.spec.columns) for s in data.sheets)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = baseline(data, folder / "baseline.xlsx")
        tables = timed_write(no_timeline, folder / "tables.xlsx")
        whole = timed_write(data, folder / "whole.xlsx")
        size = (folder / "whole.xlsx").stat().st_size
    timeline = whole - tables
    print(
        f"plan: {path.name}, {data.describe()}, {cells:,} table cells, "
        f"{data.timeline.rows:,} Timeline rows"
    )
    print(f"open the plan (read-only, scheduled):    {opened:7.2f} s")
    print(f"workbook_data (rows out of the plan):    {read:7.2f} s")
    print(f"baseline: openpyxl write-only, plain:    {base:7.2f} s")
    print(
        f"table sheets (styled, safe, lists):      {tables:7.2f} s   {tables / base:.2f}x baseline"
    )
    print(f"Timeline sheet:                          {timeline:7.2f} s")
    print(f"write_workbook (tables and Timeline):    {whole:7.2f} s   {whole / base:.2f}x baseline")
    print(f"file size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
