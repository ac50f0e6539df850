"""The workbook's Calendar sheet carries a window's clock times, recurrence and time zone:
real time cells and a Repeats list in the file, read back with the record type's rules, and
a window at other hours is another window."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.demo.plan import build_demo
from app.errors import ValidationError
from app.plan import Plan
from app.spreadsheet.export import export_workbook
from app.spreadsheet.importer import commit, prepare
from app.store import PlanStore
from tests.fixed_dates import DEMO_TODAY

HEADERS = [
    "Kind",
    "Name",
    "From",
    "To",
    "Applies to",
    "Opens at",
    "Closes at",
    "Repeats",
    "Weekdays",
    "Week of month",
    "Time zone",
]


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("calendar")
    with PlanStore.open(folder / "demo.gantry", create=True) as store:
        build_demo(store, DEMO_TODAY)
    plan = Plan.open(folder / "demo.gantry", read_only=True)
    try:
        export_workbook(plan, folder / "demo.xlsx", None, DEMO_TODAY)
    finally:
        plan.close()
    return folder / "demo.xlsx"


def _book(demo_book: Path, tmp_path: Path) -> tuple[Path, Worksheet, int]:
    """A copy of the demo's workbook, its Calendar sheet and the maintenance night's row."""
    book = shutil.copy(demo_book, tmp_path / "edited.xlsx")
    sheet = load_workbook(book)["Calendar"]
    row = next(
        r[0].row for r in sheet.iter_rows(min_row=2) if r[1].value == "Production maintenance night"
    )
    return Path(book), sheet, row


def _windows(plan: Plan, name: str) -> list[tuple[object, ...]]:
    return sorted(
        (r.start_time, r.end_time, r.recurrence, r.weekdays, r.month_week, r.time_zone)
        for r in plan.calendar.rows()
        if r.name == name
    )


def test_the_sheet_holds_time_cells_a_repeats_list_and_the_windows_come_back(
    demo_book: Path, tmp_path: Path
) -> None:
    workbook = load_workbook(demo_book)
    sheet = workbook["Calendar"]
    assert [c.value for c in sheet[1]] == HEADERS
    night = next(
        r for r in sheet.iter_rows(min_row=2) if r[1].value == "Production maintenance night"
    )
    assert [c.value for c in night[5:]] == [
        dt.time(22),
        dt.time(2),
        "Weekly",
        "Sat",
        None,
        "Europe/Berlin",
    ]
    assert night[5].number_format == "hh:mm"
    lists = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert lists["H2:H1048576"].formula1 == '"Once,Weekly,Monthly"'
    assert lists["F2:F1048576"].type == "time"

    fresh = Plan.open(tmp_path / "fresh.gantry", create=True)
    try:
        commit(fresh, prepare(fresh, demo_book))
        assert _windows(fresh, "Production maintenance night") == [
            (dt.time(22), dt.time(2), "weekly", frozenset({5}), None, "Europe/Berlin")
        ]
        assert _windows(fresh, "Monthly patch window") == [
            (dt.time(19), dt.time(21), "monthly", frozenset({1}), 2, None)
        ]
    finally:
        fresh.close()


def test_a_bad_time_weekday_or_timed_freeze_is_named_and_nothing_is_written(
    demo_book: Path, tmp_path: Path
) -> None:
    book, sheet, row = _book(demo_book, tmp_path)
    freeze = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "Freeze")
    sheet[f"F{row}"], sheet[f"I{row}"] = "25:00", "Sat, Funday"
    sheet[f"F{freeze}"] = dt.time(8)
    assert sheet.parent is not None
    sheet.parent.save(book)
    fresh = Plan.open(tmp_path / "fresh.gantry", create=True)
    try:
        prepared = prepare(fresh, book)
        found = [
            (p.row, p.column, p.value) for p in prepared.report.errors if p.sheet == "Calendar"
        ]
        assert found == [
            (row, "F (Opens at)", "25:00"),
            (row, "I (Weekdays)", "Sat, Funday"),
            (freeze, "", ""),
        ]
        texts = [p.text() for p in prepared.report.errors]
        assert f"Calendar row {row}, column F (Opens at): opens at: 25:00 is past 23:59" in texts
        assert any("'Fun' is not a weekday" in t for t in texts)
        assert any(f"row {freeze}: only change windows have clock times" in t for t in texts)
        with pytest.raises(ValidationError):
            commit(fresh, prepared)
        assert fresh.calendar.rows() == [] and not fresh.state.releases
    finally:
        fresh.close()


def test_a_window_at_other_hours_is_another_window(demo_book: Path, tmp_path: Path) -> None:
    book, sheet, row = _book(demo_book, tmp_path)
    copy = sheet.max_row + 1
    for column, cell in enumerate(sheet[row], 1):
        sheet.cell(copy, column, cell.value)
    sheet.cell(copy, 6, "23:30")  # typed as text, as a reviewer might
    assert sheet.parent is not None
    sheet.parent.save(book)
    plan = Plan.open(tmp_path / "plan.gantry", create=True)
    try:
        commit(plan, prepare(plan, book))
        assert [w[:2] for w in _windows(plan, "Production maintenance night")] == [
            (dt.time(22), dt.time(2)),
            (dt.time(23, 30), dt.time(2)),
        ]
        count = len(plan.calendar.rows())
        commit(plan, prepare(plan, book))
        assert len(plan.calendar.rows()) == count, "importing again adds no entry"
    finally:
        plan.close()


def test_a_calendar_sheet_from_before_times_reads_as_whole_days(
    demo_book: Path, tmp_path: Path
) -> None:
    book, sheet, _row = _book(demo_book, tmp_path)
    sheet.delete_cols(6, 6)
    assert sheet.parent is not None
    sheet.parent.save(book)
    plan = Plan.open(tmp_path / "plan.gantry", create=True)
    try:
        prepared = prepare(plan, book)
        assert prepared.report.ok, prepared.report.lines()[:5]
        commit(plan, prepared)
        assert _windows(plan, "Production maintenance night") == [
            (None, None, None, frozenset(), None, None)
        ]
    finally:
        plan.close()
