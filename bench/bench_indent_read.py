"""Times reading a Smartsheet-style workbook whose hierarchy is the name cell's indent.

Such a workbook is read as cells (to see each cell's alignment) instead of values; workbooks
without any indent keep the values-only iteration. Baseline, measured in the same run on the
same files: openpyxl's own read-only values-only iteration over every row.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
from openpyxl.styles import Alignment  # noqa: E402

from app.spreadsheet.reading import Source  # noqa: E402

HEADER = ("Task Name", "Duration", "Start", "Finish", "Predecessors", "Assigned To", "Status")


def workbook(path: Path, count: int, indented: bool) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Plan")
    sheet.append(list(HEADER))
    levels = [Alignment(indent=n) for n in range(3)]
    for n in range(count):
        name = openpyxl.cell.WriteOnlyCell(sheet, f"Task {n}")
        if indented:
            name.alignment = levels[n % 3]
        sheet.append([name, "1d", "2027-01-04", "2027-01-04", "", "ann", "Not Started"])
    book.save(path)
    return path


def baseline(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _row in book["Plan"].iter_rows(values_only=True):
            pass
        book.close()


def ours(path: Path) -> None:
    for _row in Source(path).rows("Plan"):
        pass


def best(run: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain = workbook(Path(folder) / "plain.xlsx", args.rows, indented=False)
        smart = workbook(Path(folder) / "smart.xlsx", args.rows, indented=True)
        base = best(lambda: baseline(plain), args.repeat)
        print(f"{args.rows:,} rows x {len(HEADER)} columns (best of {args.repeat})")
        print(f"  openpyxl read-only values (baseline)  {base:7.2f} s")
        for label, path in (("no indents", plain), ("indented names", smart)):
            took = best(lambda path=path: ours(path), args.repeat)
            print(f"  Source.rows, {label:<24}{took:7.2f} s  {took / base:5.2f}x")


if __name__ == "__main__":
    main()
