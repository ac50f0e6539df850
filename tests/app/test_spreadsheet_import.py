"""Importing sheets: Jira, MS Project, Smartsheet and hand-made ones; validation, re-import,
undo, dry runs and keys."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.plan import Plan
from app.spreadsheet.importer import ImportOptions, commit, prepare, undo
from app.spreadsheet.reading import Indented, Source
from app.spreadsheet.values import DateOrder
from models import Component, WorkItem
from tests.app.plan_factory import make_plan, plan_for
from tests.app.sheets import (
    JIRA_HEADER,
    JIRA_ROWS,
    MSP_FR_ROWS,
    jira_csv,
    msp_de_xlsx,
    msp_xlsx,
    smartsheet_xlsx,
    write_csv,
    write_xlsx,
    zip_with,
)


@pytest.fixture
def empty(tmp_path: Path) -> Plan:
    plan = Plan.open(tmp_path / "p.gantry", create=True)
    yield plan
    plan.close()


def rows(plan: Plan) -> dict[str, object]:
    return {r.key: r for r in plan.work_items.rows()}


def test_jira_csv(empty: Plan, tmp_path: Path) -> None:
    prepared = prepare(empty, jira_csv(tmp_path / "jira.csv"))
    report = prepared.report
    assert report.ok, report.lines()
    assert report.columns is not None
    fields = dict(zip(report.columns.headers, report.columns.fields, strict=False))
    assert fields["Summary"] == "name" and fields["Issue key"] == "key"
    assert fields["Custom field (Start date)"] == "start"
    assert report.columns.fields.count("release") == 2  # both "Fix versions"
    assert report.new_releases == ["Payments 2.0"]  # the first fix version
    assert "Not read: Issue Type (--map COLUMN=FIELD reads one)" in report.lines()
    commit(empty, prepared)
    items = rows(empty)
    design, build, test = items["PAY-1"], items["PAY-2"], items["PAY-3"]
    assert design.duration == 3 and design.status == "done" and design.owner == "ann"  # type: ignore[attr-defined]
    assert design.not_before == dt.date(2027, 1, 4)  # type: ignore[attr-defined]
    assert build.predecessors == "PAY-1"  # outward "Blocks" on PAY-1  # type: ignore[attr-defined]
    assert test.predecessors == "PAY-2"  # inward "Blocks" on PAY-3  # type: ignore[attr-defined]
    # Start 7 Jan, due 15 Jan, no estimate: Thu..Fri next week is 7 working days.
    assert build.duration == 7  # type: ignore[attr-defined]
    assert empty.verify_audit().ok


def test_ms_project_workbook(empty: Plan, tmp_path: Path) -> None:
    prepared = prepare(empty, msp_xlsx(tmp_path / "plan.xlsx"), ImportOptions(release="R1"))
    assert prepared.report.sheet == "Task_Table1"
    assert prepared.report.ok, prepared.report.lines()
    commit(empty, prepared)
    items = rows(empty)
    assert items["1"].kind == "phase" and items["5"].kind == "milestone"  # type: ignore[attr-defined]
    assert items["2"].parent_id == items["1"].id  # type: ignore[attr-defined]
    assert items["3"].duration == 5 and items["3"].percent_complete == 50  # type: ignore[attr-defined]
    assert items["4"].predecessors == "3SS+2"  # type: ignore[attr-defined]
    assert items["5"].predecessors == "3; 4"  # type: ignore[attr-defined]
    assert items["5"].parent_id is None  # type: ignore[attr-defined]
    assert items["2"].owner == "Ann"  # type: ignore[attr-defined]
    # The sheet is consistent: the plan schedules to its dates.
    assert prepared.report.moved == []
    assert items["4"].start == dt.date(2027, 1, 13)  # type: ignore[attr-defined]


def test_ms_project_in_german(empty: Plan, tmp_path: Path) -> None:
    prepared = prepare(empty, msp_de_xlsx(tmp_path / "plan.xlsx"), ImportOptions(release="R5"))
    report = prepared.report
    assert report.sheet == "Vorgang_Tabelle1"
    assert report.ok, report.lines()
    assert report.columns is not None and "" not in report.columns.fields  # every column read
    commit(empty, prepared)
    items = rows(empty)
    assert items["1"].kind == "phase" and items["4"].kind == "milestone"  # type: ignore[attr-defined]
    assert items["2"].parent_id == items["1"].id  # type: ignore[attr-defined]
    assert items["3"].duration == 5 and items["3"].percent_complete == 20  # type: ignore[attr-defined]
    assert items["3"].predecessors == "2FS+1"  # type: ignore[attr-defined]
    assert items["2"].owner == "Anna"  # type: ignore[attr-defined]
    # The sheet is consistent: the plan schedules to its dates.
    assert report.moved == []
    assert (items["3"].start, items["3"].finish) == (dt.date(2027, 1, 8), dt.date(2027, 1, 14))  # type: ignore[attr-defined]


def test_ms_project_in_french_as_text_with_weekdays(empty: Plan, tmp_path: Path) -> None:
    """Every day is 12 or less, but only day first puts 'lun 04/01/27' on a Monday."""
    sheet = write_csv(tmp_path / "plan.csv", list(MSP_FR_ROWS), delimiter=";")
    prepared = prepare(empty, sheet, ImportOptions(release="R5"))
    report = prepared.report
    assert report.ok, report.lines()
    assert report.columns is not None and "" not in report.columns.fields
    commit(empty, prepared)
    items = rows(empty)
    assert [(k, r.duration, r.predecessors, r.start) for k, r in items.items()] == [  # type: ignore[attr-defined]
        ("1", 3, "", dt.date(2027, 1, 4)),
        ("2", 5, "1FS+1", dt.date(2027, 1, 8)),
        ("3", 0, "2", dt.date(2027, 1, 14)),
    ]
    assert items["3"].kind == "milestone" and report.moved == []  # type: ignore[attr-defined]


def test_smartsheet_indentation_and_row_numbers(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "smart.csv",
        [
            ("Task Name", "Start Date", "End Date", "Duration", "Predecessors", "Assigned To",
             "Status"),
            ("Project", "01/04/27", "01/15/27", "", "", "", ""),
            ("    Design", "01/04/27", "01/08/27", "5d", "", "ann@x.org", "Complete"),
            ("    Build", "01/11/27", "01/15/27", "5d", "2", "", "In Progress"),
            ("        Sub-step", "01/11/27", "01/11/27", "1d", "", "", "Not Started"),
        ],
    )  # fmt: skip
    prepared = prepare(empty, sheet, ImportOptions(release="R", date_order=DateOrder.MDY))
    assert prepared.report.ok, prepared.report.lines()
    commit(empty, prepared)
    by_name = {r.name: r for r in empty.work_items.rows()}
    assert by_name["Project"].kind == "phase" and by_name["Build"].kind == "phase"
    assert by_name["Design"].parent_id == by_name["Project"].id
    assert by_name["Sub-step"].parent_id == by_name["Build"].id
    assert by_name["Design"].status == "done"


def test_ambiguous_dates_are_refused_until_the_order_is_given(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "a.csv",
        [("Name", "Start", "Finish"), ("A", "04/01/2027", "08/01/2027"), ("B", "05/01/2027", "")],
    )
    report = prepare(empty, sheet).report
    assert not report.ok and report.date_order_needed
    assert "--date-order" in report.errors[0].text() and report.errors[0].row == 2
    ok = prepare(empty, sheet, ImportOptions(date_order=DateOrder.DMY))
    assert ok.report.ok
    assert ok.items[0].start == dt.date(2027, 1, 4)


def test_ms_project_weekdays_decide_the_order(empty: Plan, tmp_path: Path) -> None:
    """Every day is 12 or less, but 'Mon 1/4/27' is only a Monday read month first."""
    sheet = write_csv(
        tmp_path / "msp.csv",
        [
            ("ID", "Name", "Duration", "Start", "Finish"),
            ("1", "Design", "5 days", "Mon 1/4/27", "Fri 1/8/27"),
            ("2", "Build", "10 days", "Mon 1/11/27", "Fri 1/22/27"),
        ],
    )
    prepared = prepare(empty, sheet, ImportOptions(release="R"))
    assert prepared.report.ok, prepared.report.lines()
    assert [(i.start, i.finish) for i in prepared.items] == [
        (dt.date(2027, 1, 4), dt.date(2027, 1, 8)),
        (dt.date(2027, 1, 11), dt.date(2027, 1, 22)),
    ]


def test_one_unambiguous_date_decides_the_sheet(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "a.csv", [("Name", "Start", "Finish"), ("A", "04/01/2027", "13/01/2027")]
    )
    prepared = prepare(empty, sheet)
    assert prepared.report.ok
    assert prepared.items[0].start == dt.date(2027, 1, 4)


def test_every_problem_with_row_column_and_value(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "bad.csv",
        [
            ("Key", "Name", "Start", "Duration", "Predecessors"),
            ("K1", "One", "2027-02-30", "5d", ""),
            ("K2", "Two", "2027-01-04", "soon", "K9"),
            ("K1", "Again", "2027-01-04", "1", ""),
            ("K4", "", "2027-01-04", "1", ""),
            ("K5", "Five", "2027-01-04", "1", "K6"),
            ("K6", "Six", "2027-01-04", "1", "K5"),
        ],
    )
    report = prepare(empty, sheet, ImportOptions(release="R")).report
    texts = [p.text() for p in report.errors]
    assert any("row 2, column C (Start): '2027-02-30' is not a date" in t for t in texts)
    assert any("row 3, column D (Duration): 'soon' is not a duration" in t for t in texts)
    assert any("row 3, column E (Predecessors): 'K9' names no row" in t for t in texts)
    assert any("row 4, column A (Key)" in t and "also in row 2" in t for t in texts)
    assert any("row 5, column B (Name): the name is empty" in t for t in texts)
    assert report.errors[0].value == "2027-02-30"
    with pytest.raises(ValidationError):
        commit(empty, prepare(empty, sheet, ImportOptions(release="R")))
    assert empty.state.items == {}


def test_a_predecessor_named_by_a_name_several_rows_have_says_which_rows(
    empty: Plan, tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "d.csv",
        [("Name", "Predecessors"), ("Design", ""), ("Design", ""), ("Build", "design")],
    )
    report = prepare(empty, sheet, ImportOptions(release="R")).report
    assert [p.text() for p in report.errors] == [
        "d row 4, column B (Predecessors): 'design' is the name of rows 2 and 3: give the one "
        "meant by its key or ID"
    ]


def test_a_cycle_is_named_with_its_rows(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "c.csv",
        [("ID", "Name", "Predecessors"), ("1", "A", "3"), ("2", "B", "1"), ("3", "C", "2FS+1d")],
    )
    report = prepare(empty, sheet, ImportOptions(release="R")).report
    assert [p.message for p in report.errors] == [
        "dependency cycle: 1 -> 2 -> 3 -> 1 (rows 2, 3, 4)"
    ]


def test_missing_name_column_and_unknown_map(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "m.csv", [("Foo", "Bar"), ("a", "b")])
    report = prepare(empty, sheet).report
    assert "missing required column: Name" in report.errors[0].text()
    mapped = prepare(empty, sheet, ImportOptions(overrides={"Foo": "name", "Bar": "owner"}))
    assert mapped.report.ok and mapped.items[0].values["owner"] == "b"
    bad = prepare(empty, sheet, ImportOptions(overrides={"Baz": "name", "Foo": "colour"})).report
    assert len(bad.errors) == 2 and "no column 'Baz'" in bad.errors[0].message


def test_columns_not_read_are_listed_a_wide_export_s_cut_short(empty: Plan, tmp_path: Path) -> None:
    extra = [f"Custom field (Score {n})" for n in range(1, 21)]
    sheet = write_csv(tmp_path / "w.csv", [("Name", *extra), ("Ship", *("1" * 20))])
    lines = prepare(empty, sheet, ImportOptions(release="R")).report.lines()
    shown = ", ".join(extra[:12])
    assert f"Not read: {shown} and 8 more (--map COLUMN=FIELD reads one)" in lines


def _formula_book(path: Path, saved: bytes | None) -> Path:
    """A workbook openpyxl writes (formulas without results); `saved` puts a result beside
    the Duration formula as Excel would, and row 4's duration becomes a shared formula."""
    write_xlsx(
        path,
        {
            "Plan": [
                ("Key", "Name", "Duration", "Scratch"),
                ("A", "Alpha", 3, "=1+1"),  # Scratch is not read: its formula does not matter
                ("B", "Beta", "=C2*2", ""),
                ("C", "Gamma", 4, ""),
            ]
        },
    )
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    part = "xl/worksheets/sheet1.xml"
    if saved is not None:
        members[part] = members[part].replace(
            b"<f>C2*2</f><v></v>", b"<f>C2*2</f><v>" + saved + b"</v>"
        )
    members[part] = members[part].replace(
        b'<c r="C4" t="n"><v>4</v></c>', b'<c r="C4"><f t="shared" si="0"/></c>'
    )
    return zip_with(path, members)


def test_formulas_without_saved_values_are_refused_at_their_cells(
    empty: Plan, tmp_path: Path
) -> None:
    report = prepare(
        empty, _formula_book(tmp_path / "f.xlsx", None), ImportOptions(release="R")
    ).report
    assert [p.text() for p in report.errors] == [
        f"Plan row {row}, column C (Duration): {what} has no saved value (the workbook was "
        "written by a program, not saved by Excel or LibreOffice): open and save it there, "
        "then import it again"
        for row, what in ((3, "the formula =C2*2"), (4, "a shared formula"))
    ]
    saved = prepare(empty, _formula_book(tmp_path / "s.xlsx", b"6"), ImportOptions(release="R"))
    assert [p.text() for p in saved.report.errors] == [
        "Plan row 4, column C (Duration): a shared formula has no saved value (the workbook was "
        "written by a program, not saved by Excel or LibreOffice): open and save it there, "
        "then import it again"
    ]
    assert saved.items[1].values["duration"] == 6  # Excel's saved result is what is read


def test_header_below_titles_merged_cells_and_blank_rows(empty: Plan, tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "hand.xlsx",
        {
            "Notes": [("Read me first",)],
            "Plan": [
                ("Team Falcon release plan", None, None),
                ("Exported 2027-01-02 by Ann", None, None),
                (None, None, None),
                ("Task", "Owner", "Start"),
                (None, None, None),
                ("Plan it", "Ann", dt.date(2027, 1, 4)),
                (None, None, None),
                ("Do it", "Bob", "2027-01-05"),
            ],
        },
        merge={"Plan": "A1:C1"},
    )
    prepared = prepare(empty, book, ImportOptions(sheet="plan", release="Falcon"))
    assert prepared.report.header_row == 4
    assert [(i.row, i.name) for i in prepared.items] == [(6, "Plan it"), (8, "Do it")]
    with pytest.raises(Exception, match="no sheet 'Nope'; its sheets are Notes, Plan"):
        prepare(empty, book, ImportOptions(sheet="Nope"))


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ",", False),
        ("utf-8", ";", True),
        ("utf-16", "\t", False),  # Excel's "Unicode text"
        ("cp1252", ";", False),
        ("utf-8", "\t", False),
    ],
)
def test_encodings_and_delimiters(
    empty: Plan, tmp_path: Path, encoding: str, delimiter: str, bom: bool
) -> None:
    sheet = write_csv(
        tmp_path / "e.txt",
        [("Name", "Owner", "Notes"), ("Übergabe", "Zoë", "a, b; c"), ("Café", "Jürgen", "x")],
        encoding,
        delimiter,
        bom,
    )
    prepared = prepare(empty, sheet, ImportOptions(release="R"))
    assert prepared.report.ok, prepared.report.lines()
    assert [(i.name, i.values["owner"], i.values["notes"]) for i in prepared.items] == [
        ("Übergabe", "Zoë", "a, b; c"),
        ("Café", "Jürgen", "x"),
    ]


def test_reimport_updates_by_key_and_undo_restores(tmp_path: Path) -> None:
    plan = plan_for(make_plan(tmp_path / "p.gantry"))
    try:
        sheet = write_csv(
            tmp_path / "r.csv",
            [
                ("Key", "Name", "Duration", "Predecessors", "Owner"),
                ("A", "Design", "3", "", ""),
                ("B", "Build it well", "4", "A", "bob"),
                ("N1", "New thing", "2", "B", ""),
            ],
        )
        prepared = prepare(plan, sheet, ImportOptions(release="R1"))
        report = prepared.report
        assert report.ok, report.lines()
        assert report.summary() == "1 new, 1 changed, 1 unchanged"
        changed = next(r for r in report.rows if r.state == "changed")
        assert [(c.label, c.old, c.new) for c in changed.changes] == [
            ("Name", "Build it", "Build it well"),
            ("Duration", "2", "4"),
            ("Owner", "", "bob"),
        ]
        before = {k: (r.name, r.duration, r.predecessors) for k, r in rows(plan).items()}  # type: ignore[attr-defined]
        done = commit(plan, prepared)
        after = rows(plan)
        assert after["B"].name == "Build it well" and after["N1"].predecessors == "B"  # type: ignore[attr-defined]
        undo(plan, done)
        assert {k: (r.name, r.duration, r.predecessors) for k, r in rows(plan).items()} == before  # type: ignore[attr-defined]
        assert plan.verify_audit().ok
    finally:
        plan.close()


def item_components(plan: Plan) -> dict[str, str | None]:
    with plan.store.read() as session:
        query = select(WorkItem.key, Component.name).outerjoin(
            Component, WorkItem.component_id == Component.id
        )
        return dict(session.execute(query).tuples().all())


def test_a_foreign_sheet_s_first_component_column_is_read_and_new_names_created(
    tmp_path: Path,
) -> None:
    plan = plan_for(make_plan(tmp_path / "p.gantry"))
    try:
        plan.components.create({"name": "ledger"})
        sheet = write_csv(
            tmp_path / "jira.csv",
            [
                ("Key", "Name", "Duration", "Component/s", "Component/s"),
                ("A", "Design", "3", "Payments", "web"),
                ("B", "Build it", "2", "LEDGER", ""),
                ("N1", "New thing", "1", "payments", ""),
                ("N2", "Other", "1", "", "web"),
            ],
        )
        prepared = prepare(plan, sheet, ImportOptions(release="R1"))
        report = prepared.report
        assert report.ok, report.lines()
        assert report.columns is not None
        assert report.columns.fields[3:] == ("component", "")  # the first Component/s column
        assert prepared.new_components == ["Payments"]
        assert "Creates component Payments." in report.lines()
        outcome = {r.key: r for r in report.rows}
        assert [(c.label, c.old, c.new) for c in outcome["A"].changes] == [
            ("Component", "", "Payments")
        ]
        assert [(c.label, c.old, c.new) for c in outcome["B"].changes] == [
            ("Component", "", "ledger")
        ]
        before = item_components(plan)
        done = commit(plan, prepared)
        found = item_components(plan)
        assert (found["A"], found["B"], found["N1"], found["N2"]) == (
            "Payments",
            "ledger",
            "Payments",
            None,
        )
        assert sorted(c.name for c in plan.components.rows()) == ["Payments", "ledger"]
        assert (
            plan.components.row(
                next(c.id for c in plan.components.rows() if c.name == "Payments")
            ).origin
            == "built_here"
        )

        moved = write_csv(
            tmp_path / "again.csv", [("Key", "Name", "Component"), ("A", "Design", "")]
        )
        again = prepare(plan, moved, ImportOptions(release="R1"))
        [row] = again.report.rows
        assert [(c.label, c.old, c.new) for c in row.changes] == [("Component", "Payments", "")]
        cleared = commit(plan, again)
        assert item_components(plan)["A"] is None
        undo(plan, cleared)
        assert item_components(plan)["A"] == "Payments"
        undo(plan, done)
        assert item_components(plan) == before
        assert [c.name for c in plan.components.rows()] == ["ledger"]
        assert plan.verify_audit().ok
    finally:
        plan.close()


def test_numeric_ids_of_another_release_get_a_prefix(empty: Plan, tmp_path: Path) -> None:
    book = msp_xlsx(tmp_path / "plan.xlsx")
    commit(empty, prepare(empty, book, ImportOptions(release="R1")))
    again = prepare(empty, book, ImportOptions(release="R2"))
    assert again.report.ok
    assert again.report.summary() == "5 new, 0 changed, 0 unchanged"
    assert [i.key for i in again.items] == ["R2-1", "R2-2", "R2-3", "R2-4", "R2-5"]
    assert any("prefix" in n for n in again.report.notes)
    same = prepare(empty, book, ImportOptions(release="R1"))
    assert same.report.summary() == "0 new, 0 changed, 5 unchanged"


def test_links_against_the_schedule_are_reported(empty: Plan, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "s.csv",
        [
            ("ID", "Name", "Start", "Finish", "Predecessors"),
            ("1", "A", "2027-01-04", "2027-01-08", ""),
            ("2", "B", "2027-01-06", "2027-01-07", "1"),  # cannot start before A ends
        ],
    )
    report = prepare(empty, sheet, ImportOptions(release="R")).report
    assert [m.text() for m in report.moved] == [
        "row 3 2 'B': starts 2027-01-11, 3 working days later than the sheet's 2027-01-06",
        "row 3 2 'B': finishes 2027-01-12, 3 working days later than the sheet's 2027-01-07",
    ]


def test_jira_header_alone_maps_every_known_column() -> None:
    from app.spreadsheet.mapping import map_columns

    columns = map_columns(JIRA_HEADER)
    assert columns.fields == (
        "name", "key", "ref", "", "status", "owner", "release", "release", "finish",
        "duration", "start", "successors", "predecessors",
    )  # fmt: skip
    assert len(JIRA_ROWS[0]) == len(JIRA_HEADER)


def test_values_read_once_are_still_judged_cell_by_cell(empty: Plan, tmp_path: Path) -> None:
    # The importer keeps each distinct value's outcome: a bad value is reported on every row
    # that holds it, and cells that compare equal but differ in type (True == 1) apart.
    sheet = write_xlsx(
        tmp_path / "v.xlsx",
        {
            "Tasks": [
                ("Key", "Name", "Duration", "Start", "Owner", "Status"),
                ("A", "One", 1, "2027-01-04", "ann", "Done"),
                ("B", "Two", True, "2027-02-30", "x" * 121, "Finished"),
                ("C", "Three", 1, "2027-02-30", "x" * 121, "Done"),
                ("D", "Four", True, "2027-01-04", "ann", "Nope"),
            ]
        },
    )
    report = prepare(empty, sheet, ImportOptions(release="R")).report
    found = [(p.row, p.column.split(" ")[0], p.error) for p in report.problems]
    assert found == [
        (3, "D", True),  # no such day
        (3, "C", True),  # True is not a duration
        (3, "E", True),  # the owner is too long
        (4, "D", True),
        (4, "E", True),
        (5, "C", True),
        (5, "F", False),  # a status word Gantry does not know
    ]
    assert report.problems[1].message == "'True' is not a duration"
    unknown = report.problems[-1].message
    assert unknown == "the status 'Nope' is not one Gantry knows; read as Not started"


def test_smartsheet_workbook_hierarchy_by_cell_indent(empty: Plan, tmp_path: Path) -> None:
    book = smartsheet_xlsx(tmp_path / "atlas.xlsx")
    prepared = prepare(empty, book, ImportOptions(release="Atlas 3.5"))
    assert prepared.report.ok, prepared.report.lines()
    assert [i.level for i in prepared.items] == [0, 1, 1, 2, 2, 0]
    assert prepared.report.moved == []  # the sheet's dates are what the plan schedules
    commit(empty, prepared)
    by_name = {r.name: r for r in empty.work_items.rows()}
    launch, build = by_name["Atlas launch"], by_name["Build"]
    assert launch.kind == "phase" and build.kind == "phase"
    assert by_name["Design"].parent_id == launch.id and build.parent_id == launch.id
    assert by_name["Backend"].parent_id == build.id and by_name["Frontend"].parent_id == build.id
    assert by_name["Go live"].parent_id is None and by_name["Go live"].kind == "milestone"
    assert by_name["Backend"].predecessors == by_name["Design"].key
    assert by_name["Backend"].percent_complete == 25 and by_name["Design"].status == "done"


def test_indented_cells_are_read_only_where_the_workbook_indents(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", {"S": [("Name", "Notes"), ("  A", "  x")]})
    source = Source(plain)
    assert [c for _n, c in source.rows("S")][1] == ["  A", "  x"]
    smart = Source(smartsheet_xlsx(tmp_path / "smart.xlsx"))
    names = [cells[0] for _n, cells in smart.rows("Atlas plan")]
    assert [getattr(n, "indent", 0) for n in names] == [0, 0, 1, 1, 2, 2, 0]
    assert names[4] == "Backend" and isinstance(names[4], Indented)


def _atlas(path: Path, releases: dict[str, str], phases: dict[str, str] | None = None) -> Path:
    """Atlas work by key, each row naming its release; `phases` indents rows under a phase."""
    header = ("Key", "Name", "Release", "Duration", "Predecessors")
    rows = [
        ("AT-1", "Design", releases.get("AT-1", "Atlas 3.5"), "3", ""),
        ("AT-2", "Build", releases.get("AT-2", "Atlas 3.5"), "4", "AT-1"),
        ("AT-3", "Ship", releases.get("AT-3", "Atlas 3.5"), "1", "AT-2"),
        ("AT-9", "Polish", "Atlas 3.6", "2", ""),
    ]
    return write_csv(path, [header, *rows])


def test_reimport_moves_an_item_to_the_release_its_row_names(empty: Plan, tmp_path: Path) -> None:
    commit(empty, prepare(empty, _atlas(tmp_path / "a.csv", {})))
    before = {k: (r.release_id, r.predecessors) for k, r in rows(empty).items()}  # type: ignore[attr-defined]
    releases = {r.name: r.id for r in empty.releases.rows()}
    prepared = prepare(empty, _atlas(tmp_path / "b.csv", {"AT-2": "Atlas 3.6"}))
    report = prepared.report
    assert report.ok, report.lines()
    assert report.summary() == "0 new, 1 changed, 3 unchanged"
    assert "  changed row 3 AT-2: moved from Atlas 3.5 to Atlas 3.6" in report.lines()
    done = commit(empty, prepared)
    build = rows(empty)["AT-2"]
    assert build.release_id == releases["Atlas 3.6"]  # type: ignore[attr-defined]
    # Its links are kept, across the releases.
    assert build.predecessors == "AT-1" and rows(empty)["AT-3"].predecessors == "AT-2"  # type: ignore[attr-defined]
    assert prepare(empty, tmp_path / "b.csv").report.summary() == "0 new, 0 changed, 4 unchanged"
    undo(empty, done)
    assert {k: (r.release_id, r.predecessors) for k, r in rows(empty).items()} == before  # type: ignore[attr-defined]
    assert empty.verify_audit().ok


def test_a_row_without_a_release_is_named_until_one_is_given(empty: Plan, tmp_path: Path) -> None:
    """A Jira export's backlog rows have no fix version: each is reported where it is, and
    --release places them."""
    sheet = _atlas(tmp_path / "a.csv", {"AT-3": ""})
    report = prepare(empty, sheet).report
    assert [p.text() for p in report.errors] == [
        "a row 4, column C (Release): no release: Release is empty on this row; name the "
        "release of rows without one (--release)"
    ]
    prepared = prepare(empty, sheet, ImportOptions(release="Backlog"))
    assert prepared.report.ok, prepared.report.lines()
    commit(empty, prepared)
    releases = {r.id: r.name for r in empty.releases.rows()}
    assert {k: releases[r.release_id] for k, r in rows(empty).items()} == {  # type: ignore[attr-defined]
        "AT-1": "Atlas 3.5",
        "AT-2": "Atlas 3.5",
        "AT-3": "Backlog",
        "AT-9": "Atlas 3.6",
    }


def test_release_given_for_the_sheet_does_not_move_existing_items(
    empty: Plan, tmp_path: Path
) -> None:
    commit(empty, prepare(empty, _atlas(tmp_path / "a.csv", {})))
    flat = write_csv(tmp_path / "f.csv", [("Key", "Name"), ("AT-2", "Build"), ("N", "New")])
    prepared = prepare(empty, flat, ImportOptions(release="Atlas 3.6"))
    assert prepared.report.ok and prepared.report.summary() == "1 new, 0 changed, 1 unchanged"
    assert "stays in its release 'Atlas 3.5'" in prepared.report.warnings[0].message


def _outlined(path: Path, build_under: str) -> Path:
    """Two phases by indentation; Build sits under the phase named."""
    rows = [("Key", "Task Name", "Duration"), ("P1", "Make", ""), ("  D", "Design", "3")]
    build = [("  B", "Build", "2")]
    rows += build if build_under == "P1" else []
    rows += [("P2", "Check", ""), ("  T", "Test", "1")]
    rows += build if build_under == "P2" else []
    return write_csv(
        path, [(k.strip(), f"{k[: len(k) - len(k.lstrip())]}{n}", d) for k, n, d in rows]
    )


def test_reimport_moves_an_item_to_the_phase_the_outline_puts_it_in(
    empty: Plan, tmp_path: Path
) -> None:
    options = ImportOptions(release="R")
    commit(empty, prepare(empty, _outlined(tmp_path / "a.csv", "P1"), options))
    ids = {k: r.id for k, r in rows(empty).items()}  # type: ignore[attr-defined]
    prepared = prepare(empty, _outlined(tmp_path / "b.csv", "P2"), options)
    assert prepared.report.ok, prepared.report.lines()
    assert prepared.report.summary() == "0 new, 1 changed, 4 unchanged"
    assert "  changed row 6 B: moved under P2 (was under P1)" in prepared.report.lines()
    done = commit(empty, prepared)
    assert rows(empty)["B"].parent_id == ids["P2"]  # type: ignore[attr-defined]
    assert [r.key for r in empty.work_items.children(rows(empty)["B"].release_id, ids["P2"])] == [  # type: ignore[attr-defined]
        "T",
        "B",
    ]
    undo(empty, done)
    assert rows(empty)["B"].parent_id == ids["P1"]  # type: ignore[attr-defined]
    # A flat sheet of the same keys says nothing about phases: they stay.
    flat = write_csv(tmp_path / "f.csv", [("Key", "Name"), ("B", "Build"), ("D", "Design")])
    again = prepare(empty, flat, options).report
    assert again.ok, again.lines()
    assert again.summary() == "0 new, 0 changed, 2 unchanged"


def test_an_item_put_under_one_of_its_own_phases_is_refused(empty: Plan, tmp_path: Path) -> None:
    options = ImportOptions(release="R")
    nested = [("Key", "Task Name"), ("X", "Outer"), ("Q", "  Middle"), ("Z", "    Inner")]
    commit(empty, prepare(empty, write_csv(tmp_path / "a.csv", [*nested, ("T", "      Do")])))
    # Q, which holds Z inside X, is not in this sheet: X under Z would be inside itself.
    turned = [("Key", "Task Name"), ("Z", "Inner"), ("X", "  Outer"), ("T", "    Do")]
    report = prepare(empty, write_csv(tmp_path / "b.csv", turned), options).report
    assert [p.text() for p in report.errors] == [
        "b row 3: X would be inside itself: its new phase is one of its own items"
    ]
