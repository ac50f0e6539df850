"""The Excel workbook export: sheets, formats, formula-safe text, the Timeline, the CLI, and
LibreOffice reading it back independently of openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

from app.cli import run
from app.demo import build_demo
from app.plan import Plan
from app.spreadsheet.columns import SHEETS, TIMELINE_TITLE, WORK_ITEMS
from app.spreadsheet.export import export_workbook, workbook_data, write_workbook
from app.spreadsheet.timeline_sheet import HEADER_ROWS, LABELS, MILESTONE_MARK
from app.store import PlanStore, lock_path
from app.timeline import palette
from tests.app.plan_factory import START, make_plan, plan_for
from tests.fixed_dates import DEMO_TODAY
from tests.processes import run_bounded

# Text a spreadsheet would run or mangle if it were written as it stands.
RISKY = {
    "A": ("name", "=1+1"),
    "B": ("name", "@SUM(A1:A2)"),
    "M": ("name", "-5"),
    "C": ("owner", "+44 20 7946 0000"),
}
RISKY_NOTES = {"A": "\tindented by a tab", "B": "=cmd|' /C calc'!A0"}


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header(sheet: Worksheet) -> list[str]:
    return [str(c.value) for c in next(sheet.iter_rows(min_row=1, max_row=1))]


def records(sheet: Worksheet) -> list[dict[str, object]]:
    names = header(sheet)
    return [
        dict(zip(names, row, strict=True))
        for row in sheet.iter_rows(min_row=2, max_col=len(names), values_only=True)
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


@pytest.fixture(scope="module")
def demo_book(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "demo.xlsx"
    plan = Plan.open(demo, read_only=True)
    try:
        export_workbook(plan, out, None, DEMO_TODAY)
    finally:
        plan.close()
    return out


@pytest.fixture(scope="module")
def risky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small test plan with formula-like names, owner and notes, exported."""
    folder = tmp_path_factory.mktemp("risky")
    plan = plan_for(make_plan(folder / "risky.gantry"))
    try:
        for key, (field, value) in RISKY.items():
            plan.work_items.update(plan.work_items.find(key).id, field, value)
        for key, notes in RISKY_NOTES.items():
            plan.work_items.update(plan.work_items.find(key).id, "notes", notes)
        export_workbook(plan, folder / "risky.xlsx", None, START)
    finally:
        plan.close()
    return folder / "risky.xlsx"


def test_one_sheet_per_table_then_the_timeline(demo_book: Path) -> None:
    book = openpyxl.load_workbook(demo_book)
    assert book.sheetnames == [s.title for s in SHEETS] + [TIMELINE_TITLE]
    for spec in SHEETS:
        sheet = book[spec.title]
        assert header(sheet) == spec.headers
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, len(spec.columns)).column_letter}{sheet.max_row}"
        )
        assert all(c.font.b for c in sheet[1])
        assert sheet.max_row > 1, f"the demo has {spec.title}"


def test_no_cell_anywhere_is_a_formula(demo_book: Path, risky: Path) -> None:
    for path in (demo_book, risky):
        book = openpyxl.load_workbook(path)
        for sheet in book:
            assert not [
                c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"
            ]


def test_baselines_have_a_row_per_item_of_each_named_baseline(demo: Path, demo_book: Path) -> None:
    rows = records(openpyxl.load_workbook(demo_book)["Baselines"])
    plan = Plan.open(demo, read_only=True)
    try:
        expected = [
            (release.name, baseline, plan.work_items.row(item_id).key, dates)
            for release in plan.releases.rows()
            for baseline in plan.baselines.rows(release.id)
            for item_id, dates in plan.baselines.dates(baseline.id).items()
        ]
    finally:
        plan.close()
    assert len(rows) == len(expected) == 2 * 38  # the release in flight, baselined twice
    wanted = {
        (release, b.name, b.created_at.replace(tzinfo=None), key, d.start, d.finish)
        for release, b, key, d in expected
    }
    found = {
        (
            r["Release"],
            r["Baseline"],
            r["Set on"],
            r["Key"],
            _day(r["Baseline start"]),
            _day(r["Baseline finish"]),
        )
        for r in rows
    }
    assert found == wanted
    assert [r["Baseline"] for r in rows][::38] == ["Initial estimate", "Plan of record"]


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def test_work_items_carry_outline_schedule_and_links(demo: Path, demo_book: Path) -> None:
    rows = records(openpyxl.load_workbook(demo_book)["Work items"])
    plan = Plan.open(demo, read_only=True)
    try:
        expected = [item for r in plan.releases.rows() for item in plan.work_items.rows(r.id)]
        releases = {r.id: r.name for r in plan.releases.rows()}
        keys = {item.id: item.key for item in expected}
    finally:
        plan.close()
    assert [r["Key"] for r in rows] == [item.key for item in expected]
    for row, item in zip(rows, expected, strict=True):
        assert row["Release"] == releases[item.release_id]
        assert row["Parent key"] == (keys[item.parent_id] if item.parent_id else None)
        assert row["Outline level"] == item.depth + 1
        assert row["Kind"] == item.kind.capitalize()
        assert row["Predecessors"] == (item.predecessors or None)
        # Real date cells (openpyxl hands back datetimes at midnight), not text.
        assert row["Start"] == dt.datetime.combine(item.start, dt.time()) if item.start else True
        assert row["Total slack"] == item.total_slack
        assert row["Critical"] is item.critical
    sheet = openpyxl.load_workbook(demo_book)["Work items"]
    start = sheet.cell(2, WORK_ITEMS.headers.index("Start") + 1)
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    computed = sheet.cell(1, WORK_ITEMS.headers.index("Finish") + 1)
    assert computed.font.i and "Computed by Gantry" in computed.comment.text


def test_enumerations_offer_a_list_of_their_labels(demo_book: Path) -> None:
    book = openpyxl.load_workbook(demo_book)
    lists = {}
    for sheet in book:
        for validation in sheet.data_validations.dataValidation:
            (cells,) = validation.sqref.ranges
            lists[(sheet.title, sheet.cell(1, cells.min_col).value)] = validation.formula1
    assert lists[("Work items", "Status")] == '"Not started,In progress,Done,Blocked,Cancelled"'
    assert lists[("Work items", "Kind")] == '"Task,Milestone,Phase"'
    assert lists[("Dependencies", "Type")] == '"FS,SS,FF,SF"'
    assert lists[("Releases", "Status")] == '"Planned,In progress,Shipped,Cancelled"'
    assert ("Work items", "Finish") not in lists


def test_formula_like_text_is_text(risky: Path) -> None:
    rows = {r["Key"]: r for r in records(openpyxl.load_workbook(risky)["Work items"])}
    for key, (field, value) in RISKY.items():
        assert rows[key]["Owner" if field == "owner" else "Name"] == value
    for key, notes in RISKY_NOTES.items():
        assert rows[key]["Notes"] == notes
    sheet = openpyxl.load_workbook(risky)["Work items"]
    cell = next(c for c in sheet["F"] if c.value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix  # stays text when a reviewer edits it


def test_one_release_only(demo: Path, tmp_path: Path) -> None:
    plan = Plan.open(demo, read_only=True)
    try:
        release = plan.releases.find("Atlas 3.5")
        data = workbook_data(plan, release.version, DEMO_TODAY)
        items = plan.work_items.rows(release.id)
    finally:
        plan.close()
    write_workbook(data, tmp_path / "one.xlsx")
    book = openpyxl.load_workbook(tmp_path / "one.xlsx")
    assert [r["Name"] for r in records(book["Releases"])] == [release.name]
    assert [r["Key"] for r in records(book["Work items"])] == [i.key for i in items]
    assert {r["Release"] for r in records(book["Deployments"])} == {release.name}
    assert {r["Release"] for r in records(book["Component versions"])} == {release.name}
    assert data.describe() == f"release {release.name}, {len(items)} work items, 20 sheets"


# -- the Timeline ---------------------------------------------------------------------------


def test_timeline_draws_bars_milestones_days_off_and_today(tmp_path: Path) -> None:
    plan = plan_for(make_plan(tmp_path / "small.gantry"))
    today = START + dt.timedelta(days=2)
    try:
        items = {i.key: i for i in plan.work_items.rows()}
        data = workbook_data(plan, None, today)
    finally:
        plan.close()
    write_workbook(data, tmp_path / "small.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "small.xlsx")[TIMELINE_TITLE]
    rows = {sheet.cell(r, 1).value: r for r in range(HEADER_ROWS + 2, sheet.max_row + 1)}
    assert sheet.cell(HEADER_ROWS + 1, 2).value == "R1 (1.0)"
    # The small plan spans under three weeks: one column a day, from the Monday before.
    first = data.timeline.first
    assert first == START - dt.timedelta(days=7)

    def column(day: dt.date) -> int:
        return len(LABELS) + 1 + (day - first).days

    def shown(key: str, day: dt.date) -> Cell | ColumnDimension:
        """Where the look of a chart cell comes from: its own style, else its column's."""
        cell = sheet.cell(rows[key], column(day))
        return cell if cell.has_style else sheet.column_dimensions[get_column_letter(column(day))]

    def colour(key: str, day: dt.date) -> str:
        return str(shown(key, day).fill.fgColor.rgb)[2:].upper()

    days = [first + dt.timedelta(days=d) for d in range(sheet.max_column - len(LABELS))]
    bar_colours = {c[1:].upper() for c in (palette.TASK, palette.CRITICAL, palette.TASK_PROGRESS)}
    design = items["A"]
    assert design.start and design.finish
    drawn = [day for day in days if colour("A", day) in bar_colours]
    assert (drawn[0], drawn[-1]) == (design.start, design.finish)
    # A bar is drawn over the days off it spans (B runs from a Thursday to a Monday).
    build = items["B"]
    assert build.start and build.start.weekday() == 3
    assert colour("B", build.start + dt.timedelta(days=2)) in bar_colours  # its Saturday
    milestone = items["M"]
    assert milestone.finish
    marks = [
        c
        for c in range(1, sheet.max_column + 1)
        if sheet.cell(rows["M"], c).value == MILESTONE_MARK
    ]
    assert marks == [column(milestone.finish)]
    saturday = START + dt.timedelta(days=5)
    assert colour("C", saturday) == palette.NONWORKING[1:].upper()
    assert colour("C", dt.date(2026, 1, 9)) == palette.HOLIDAY[1:].upper()
    # Days off are shaded by their column's style: the rows hold no cell for them.
    assert not sheet.cell(rows["C"], column(saturday)).has_style
    assert sheet.cell(3, column(today)).value == "Today"
    assert shown("A", today).border.left.color.rgb[2:].upper() == palette.TODAY[1:].upper()
    assert shown("A", today).border.right.color.rgb[2:].upper() == palette.TODAY[1:].upper()
    # The release's target edge is its own: a cell in each of the release's rows.
    target = data.timeline.releases[0].target_date
    assert target is not None
    assert shown("C", target).border.right.color.rgb[2:].upper() == palette.TARGET[1:].upper()
    # The column styles reach below the plan; the printout stops at its last row.
    assert (
        sheet.print_area
        == f"'{TIMELINE_TITLE}'!$A$1:${get_column_letter(sheet.max_column)}${sheet.max_row}"
    )
    assert sheet.cell(2, column(START)).value == "5"  # the day tier names the day of the month


def test_timeline_prints_landscape_one_page_wide_with_titles(demo_book: Path) -> None:
    sheet = openpyxl.load_workbook(demo_book)[TIMELINE_TITLE]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"$1:${HEADER_ROWS}"
    assert sheet.print_title_cols == "$A:$B"
    assert sheet.freeze_panes == f"E{HEADER_ROWS + 1}"


def test_a_long_span_draws_a_column_a_week(demo_book: Path) -> None:
    sheet = openpyxl.load_workbook(demo_book)[TIMELINE_TITLE]
    # Six releases over some fifteen months: a column a week, labelled by its Monday.
    lower = [sheet.cell(2, c).value for c in range(len(LABELS) + 1, sheet.max_column + 1)]
    assert lower[:3] == ["Sep 15", "Sep 22", "Sep 29"]
    assert sheet.max_column - len(LABELS) < 90


# -- the command line -----------------------------------------------------------------------


def test_cli_writes_the_workbook_and_leaves_the_plan_untouched(demo: Path, tmp_path: Path) -> None:
    before = digest(demo)
    code, out, err = gantry("export", "xlsx", demo, tmp_path / "plan.xlsx")
    assert (code, err) == (0, "")
    assert out.startswith(f"Wrote {tmp_path / 'plan.xlsx'}: the whole plan, 117 work items")
    assert digest(demo) == before
    assert not lock_path(demo).exists()
    code, out, _ = gantry("export", "xlsx", demo, tmp_path / "one.xlsx", "--release", "Atlas 3.5")
    assert code == 0 and "release Atlas 3.5" in out


def test_cli_refuses_with_one_sentence(demo: Path, tmp_path: Path) -> None:
    code, _, err = gantry("export", "xlsx", demo, tmp_path / "plan.csv")
    assert code == 1 and err == "gantry: plan.csv: a workbook is written as .xlsx, not '.csv'.\n"
    code, _, err = gantry("export", "xlsx", demo, tmp_path / "x.xlsx", "--release", "Nope")
    assert code == 1 and err.startswith("gantry: No release named 'Nope'")
    assert not (tmp_path / "x.xlsx").exists()
    code, _, _ = gantry("export", "xlsx", demo)  # argparse tells the terminal
    assert code == 2
    code, _, err = gantry("export", "xlsx", tmp_path / "missing.gantry", tmp_path / "x.xlsx")
    assert code == 1 and "missing.gantry" in err


# -- an independent reader ------------------------------------------------------------------


def _libreoffice_csv(book: Path, sheet: int, folder: Path) -> list[list[str]]:
    """One sheet (numbered from 1) as LibreOffice's CSV export shows it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (libreoffice-calc) is not installed")
    # Comma, double quotes, UTF-8, cells as shown, and the one sheet asked for.
    options = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"
    run_bounded(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            options,
            "--outdir",
            str(folder),
            str(book),
        ],
        timeout=180,
        check=True,
    )
    (written,) = [p for p in folder.glob("*.csv")]
    with written.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_libreoffice_reads_back_text_dates_and_formula_like_strings(
    risky: Path, tmp_path: Path
) -> None:
    index = [s.title for s in SHEETS].index("Work items") + 1
    rows = _libreoffice_csv(risky, index, tmp_path)
    assert rows[0] == WORK_ITEMS.headers
    by_key = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    for key, (field, value) in RISKY.items():
        assert by_key[key]["Owner" if field == "owner" else "Name"] == value
    for key, notes in RISKY_NOTES.items():
        assert by_key[key]["Notes"] == notes
    assert by_key["A"]["Start"] == START.isoformat()
    assert by_key["A"]["Duration"] == "3"
    assert by_key["C"]["Predecessors"] == "ASS+1"


def test_checklists_carry_sections_need_evidence_and_the_decisions(
    demo: Path, demo_book: Path
) -> None:
    book = openpyxl.load_workbook(demo_book)
    items = records(book["Checklists"])
    plan = Plan.open(demo, read_only=True)
    try:
        service = plan.checklists
        expected, decisions = [], []
        for release in plan.releases.rows():
            for checklist in service.checklists(release.id):
                decisions += [(release.name, d.person) for d in service.decisions(checklist.id)]
                for section in service.sections_of(checklist.id):
                    for item in service.items_of(section.id):
                        expected.append((checklist.name, section.name, item.text, item.evidence))
    finally:
        plan.close()
    shown = [
        (r["Checklist"], r["Section"], r["Item"], r["Evidence"] or "")
        for r in items
        if r["Release"] and r["Item"]
    ]
    assert sorted(shown) == sorted(expected) and expected
    assert {r["Need"] for r in items if r["Item"]} <= {"Required", "Optional"}
    rows = records(book["Go-no-go decisions"])
    assert sorted((r["Release"], r["Person"]) for r in rows) == sorted(decisions) and decisions
