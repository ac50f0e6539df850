"""Times importing 100,000 rows from CSV and from an xlsx workbook into a new plan.

Baselines, measured in the same run on the same files: for CSV, plain `csv` parsing plus one
sqlite3 `executemany` of the same rows into a table of the same columns (goal: the import
within 3x); for xlsx, openpyxl's own read-only iteration over every row. Figures are split
into the stages the import reports through its progress callback: reading the rows, parsing
and validating them, scheduling the result to compare with the sheet's dates, writing items
and links with their audit events, staging and committing, and the plan state brought in
step. The schedule that follows a commit (in the window it runs in its own process while the plan is
already usable; the command line runs it inline) is timed apart and not counted in the ratio:
the baseline computes no dates either.

A third figure is the floor under any importer of this schema: the rows the CSV import wrote
(its release, items, links and their audit events), already built, inserted back into a new
plan with one executemany per table, nothing parsed or checked in Python. It is printed with
and without the audit events, as ratios to the same baseline.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from app.plan import Plan  # noqa: E402
from app.schedule_runs import Done, InlineScheduler  # noqa: E402
from app.spreadsheet.importer import ImportOptions, prepare, write  # noqa: E402

HEADER = ("Key", "Name", "Duration", "Start", "Predecessors", "Owner", "Status")
START = dt.date(2027, 1, 4)


def rows(count: int) -> list[tuple[str, ...]]:
    """Tasks in pairs (the second follows the first), a start every 20 rows."""
    out: list[tuple[str, ...]] = []
    for n in range(1, count + 1):
        start = (START + dt.timedelta(days=7 * (n % 50))).isoformat() if n % 20 == 1 else ""
        pred = f"T-{n - 1}" if n % 2 == 0 else ""
        out.append((f"T-{n}", f"Task number {n}", f"{1 + n % 5}d", start, pred, "ann", "To Do"))
    return out


def baseline_csv(path: Path, folder: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as stream:
        data = list(csv.reader(stream))[1:]
    conn = sqlite3.connect(folder / "baseline.sqlite")
    conn.execute(f"CREATE TABLE t ({', '.join(f'c{n}' for n in range(len(HEADER)))})")
    conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(HEADER))})", data)
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def baseline_xlsx(path: Path) -> float:
    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for _row in book.active.iter_rows(values_only=True):  # type: ignore[union-attr]
        pass
    book.close()
    return time.perf_counter() - started


FLOOR_TABLES = ("releases", "work_items", "dependencies", "audit_events")


def floor(written: Path, folder: Path) -> tuple[float, float]:
    """Seconds to insert what the import of `written` stored, without and with its events."""
    source = sqlite3.connect(written)
    tables: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    for table in FLOOR_TABLES:
        cursor = source.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        if table == "audit_events":  # the new plan has events of its own: new ids
            keep = [n for n, name in enumerate(names) if name != "id"]
            names = [names[n] for n in keep]
            rows = [tuple(row[n] for n in keep) for row in cursor]
        else:
            rows = cursor.fetchall()
        tables[table] = (names, rows)
    source.close()
    seconds: list[float] = []
    for with_events in (False, True):
        target = folder / f"floor-{with_events}.gantry"
        Plan.open(target, create=True).close()
        conn = sqlite3.connect(target, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")  # as a plan's own connection
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA cache_size = -262144")  # as the import widens it
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for table in FLOOR_TABLES[:3] + (FLOOR_TABLES[3:] if with_events else ()):
            names, rows = tables[table]
            quoted = ", ".join(f'"{name}"' for name in names)
            marks = ", ".join("?" * len(names))
            conn.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
        conn.execute("COMMIT")
        seconds.append(time.perf_counter() - started)
        conn.close()
    return seconds[0], seconds[1]


class TimedScheduler(InlineScheduler):
    """The command line's scheduler, keeping the time its runs take (and the writing of the
    derived dates they bring)."""

    spent = 0.0

    def request(self, done: Done) -> None:
        started = time.perf_counter()
        super().request(done)
        self.spent += time.perf_counter() - started


class Stages:
    """When each stage an import reports through its progress callback last spoke: the
    boundaries of the stage breakdown, measured without touching the importer."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def __call__(self, _done: int, _total: int, what: str) -> None:
        self.marks[what] = time.perf_counter()


def timed_import(sheet: Path, folder: Path, name: str) -> tuple[dict[str, float], float, int]:
    """Seconds per stage of an import, the schedule that follows it, and the items imported."""
    scheduler = TimedScheduler()
    plan = Plan.open(folder / f"{name}.gantry", create=True, scheduler=scheduler)
    try:
        scheduler.spent = 0.0
        reading, writing = Stages(), Stages()
        started = time.perf_counter()
        prepared = prepare(plan, sheet, ImportOptions(release="Big"), progress=reading)
        prepared_at = time.perf_counter()
        assert prepared.report.ok, prepared.report.lines()[:5]
        written = write(plan, prepared, progress=writing)
        committed_at = time.perf_counter()
        written.finish()
        done = time.perf_counter()
        read_at = reading.marks["Checking rows"]
        checked_at = reading.marks["Comparing with the sheet's dates"]
        items_at = writing.marks["Writing items"]
        saved_at = writing.marks["Saving"]
        stages = {
            "read the rows": read_at - started,
            "parse and validate": checked_at - read_at,
            "schedule, compare dates": prepared_at - checked_at,
            "write items + events": items_at - prepared_at,
            "write links + events": saved_at - items_at,
            "stage state, commit": committed_at - saved_at,
            "apply state": done - committed_at - scheduler.spent,
        }
        return stages, scheduler.spent, len(plan.state.items)
    finally:
        plan.close()


def report(stages: dict[str, float], scheduled: float) -> float:
    for what, seconds in stages.items():
        print(f"    {what:<26} {seconds:6.2f} s")
    total = sum(stages.values())
    print(f"  import: {total:6.2f} s")
    print(f"  then the schedule (not counted): {scheduled:.2f} s")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv-only", action="store_true", help="skip the xlsx import")
    args = parser.parse_args()
    data = rows(args.rows)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        sheet = folder / "big.csv"
        with sheet.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(HEADER)
            writer.writerows(data)
        base = baseline_csv(sheet, folder)
        stages, scheduled, count = timed_import(sheet, folder, "csv")
        print(f"CSV, {args.rows:,} rows ({count:,} items imported)")
        print(f"  baseline csv + sqlite3 executemany: {base:6.2f} s")
        total = report(stages, scheduled)
        print(f"  ratio: {total / base:.1f}x (goal 3x)")
        bare, audited = floor(folder / "csv.gantry", folder)
        print("  floor, the stored rows inserted again with no checks:")
        print(f"    items, links             {bare:6.2f} s  {bare / base:4.1f}x")
        print(f"    and their audit events   {audited:6.2f} s  {audited / base:4.1f}x")
        if args.csv_only:
            return

        book_path = folder / "big.xlsx"
        book = openpyxl.Workbook(write_only=True)
        sheet_ = book.create_sheet("Tasks")
        sheet_.append(HEADER)
        for row in data:
            sheet_.append(row)
        book.save(book_path)
        base = baseline_xlsx(book_path)
        stages, scheduled, count = timed_import(book_path, folder, "xlsx")
        print(f"xlsx, {args.rows:,} rows ({count:,} items imported)")
        print(f"  baseline openpyxl read-only iteration: {base:6.2f} s")
        total = report(stages, scheduled)
        print(f"  ratio: {total / base:.1f}x")


if __name__ == "__main__":
    main()
