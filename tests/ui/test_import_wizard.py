"""File › Import…: the wizard driven page by page on a Jira CSV and an MS Project workbook,
committed on a worker thread, undone and redone as one step; screenshots of each page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWizard

from app.plan import Plan
from tests.app.plan_factory import make_plan
from tests.app.sheets import (
    JIRA_HEADER,
    JIRA_ROWS,
    MSP_HEADER,
    MSP_ROWS,
    jira_csv,
    msp_xlsx,
    write_csv,
    write_xlsx,
)
from tests.ui.conftest import OpenIn
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("GANTRY_SHOTS")  # a folder: save each page's screenshot there


def _shot(wizard: ImportWizard, name: str) -> None:
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _next(qtbot, wizard: ImportWizard, name: str) -> None:  # type: ignore[no-untyped-def]
    """Next, and the worker's reading of the page it leads to."""
    _shot(wizard, name)
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: not wizard.reading, timeout=20000)


def _refresh(qtbot, wizard: ImportWizard) -> None:  # type: ignore[no-untyped-def]
    wizard.mapping_page.refresh()
    qtbot.waitUntil(lambda: not wizard.reading, timeout=20000)


def _to_preview(qtbot, wizard: ImportWizard, name: str) -> None:  # type: ignore[no-untyped-def]
    """Next from the mapping page: the whole sheet is prepared on a worker thread."""
    _shot(wizard, name)
    with qtbot.waitSignal(wizard.previewed, timeout=20000):
        wizard.button(QWizard.WizardButton.NextButton).click()


@pytest.fixture
def opened(window: MainWindow, open_in: OpenIn, tmp_path: Path) -> MainWindow:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    open_in(window, path)
    return window


def test_jira_csv_end_to_end_with_undo(qtbot, opened: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = opened
    wizard = window.import_wizard(jira_csv(tmp_path / "jira.csv"))
    assert wizard is not None
    _next(qtbot, wizard, "jira-1-file")
    assert wizard.sheet_page.header.text().startswith("Row 1: Summary | Issue key")
    _next(qtbot, wizard, "jira-2-sheet")
    combos = wizard.mapping_page._combos  # noqa: SLF001
    assert combos[0].currentData() == "name" and combos[10].currentData() == "start"
    _to_preview(qtbot, wizard, "jira-3-mapping")
    assert wizard.preview_page.counts.text() == "Rows: 3 new, 0 changed, 0 unchanged."
    _next(qtbot, wizard, "jira-4-preview")
    assert "Release 'Payments 2.0' will be created." in wizard.report_page.text.toPlainText()
    _shot(wizard, "jira-5-report")
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    plan = window.plan
    assert isinstance(plan, Plan)
    assert {"PAY-1", "PAY-2", "PAY-3"} <= set(plan.state.key_to_id)
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Import jira.csv"
    window.undo_stack.undo()
    assert "PAY-1" not in plan.state.key_to_id and len(plan.state.items) == 5
    assert "Payments 2.0" not in {r.name for r in plan.releases.rows()}
    window.undo_stack.redo()
    assert plan.work_items.find("PAY-2").predecessors == "PAY-1"
    assert plan.verify_audit().ok

    # PAY-3 slipped to the next fix version: the re-import moves it and says so.
    rows = [list(r) for r in JIRA_ROWS]
    rows[2][6] = "Payments 2.1"
    wizard = window.import_wizard(write_csv(tmp_path / "jira-2.csv", [JIRA_HEADER, *rows]))
    assert wizard is not None
    _next(qtbot, wizard, "jira-again-1")
    _next(qtbot, wizard, "jira-again-2")
    _to_preview(qtbot, wizard, "jira-again-3")
    assert wizard.preview_page.counts.text() == "Rows: 0 new, 1 changed, 2 unchanged."
    assert wizard.preview_page.table.item(2, 4).text() == "moved from Payments 2.0 to Payments 2.1"
    _next(qtbot, wizard, "jira-again-4")
    report = wizard.report_page.text.toPlainText()
    assert "changed row 4 PAY-3: moved from Payments 2.0 to Payments 2.1" in report
    assert "Release 'Payments 2.1' will be created." in report
    _shot(wizard, "jira-again-5-report")
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    moved = plan.work_items.find("PAY-3")
    assert plan.state.releases[moved.release_id].name == "Payments 2.1"
    assert moved.predecessors == "PAY-2"


def test_ms_project_workbook_and_a_problem_cell(qtbot, opened: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = opened
    wizard = window.import_wizard(msp_xlsx(tmp_path / "project.xlsx"))
    assert wizard is not None
    _next(qtbot, wizard, "msp-1-file")
    assert wizard.sheet_page.sheet.currentText() == "Task_Table1"
    _next(qtbot, wizard, "msp-2-sheet")
    wizard.mapping_page.release.setText("R1")
    _refresh(qtbot, wizard)
    _to_preview(qtbot, wizard, "msp-3-mapping")
    assert wizard.preview_page.counts.text() == "Rows: 5 new, 0 changed, 0 unchanged."
    _next(qtbot, wizard, "msp-4-preview")
    _shot(wizard, "msp-5-report")
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert window.plan is not None and "R1-1" not in window.plan.state.key_to_id

    # The plan changed since: one task is longer, one is new; the preview says which.
    rows = [list(r) for r in MSP_ROWS]
    rows[2][2] = "2 wks"
    rows.append([6, "Retro", "1 day", None, None, "5", 1, "", 0])
    again = write_xlsx(tmp_path / "project-2.xlsx", {"Task_Table1": [MSP_HEADER, *rows]})
    wizard = window.import_wizard(again)
    assert wizard is not None
    wizard.mapping_page.release.setText("R1")
    _next(qtbot, wizard, "msp-again-1")
    _next(qtbot, wizard, "msp-again-2")
    _to_preview(qtbot, wizard, "msp-again-3")
    assert wizard.preview_page.counts.text() == "Rows: 1 new, 1 changed, 4 unchanged."
    table = wizard.preview_page.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "Unchanged", "Unchanged", "Changed", "Unchanged", "Unchanged", "New"
    ]  # fmt: skip
    assert table.item(2, 4).text() == "Duration 5 → 10"
    _shot(wizard, "msp-again-4-preview")
    wizard.reject()

    bad = write_csv(tmp_path / "bad.csv", [("Name", "Start"), ("A", "someday"), ("B", "")])
    wizard = window.import_wizard(bad)
    assert wizard is not None
    wizard.mapping_page.release.setText("R1")
    _next(qtbot, wizard, "bad-1")
    _next(qtbot, wizard, "bad-2")
    cell = wizard.mapping_page.table.item(1, 1)
    assert cell.text() == "someday" and "is not a date" in cell.toolTip()
    _shot(wizard, "bad-3-mapping")
    _to_preview(qtbot, wizard, "bad-3")
    assert not wizard.preview_page.isComplete()
    assert "1 problem(s)" in wizard.preview_page.counts.text()
    wizard.reject()

    # Every date could be day or month first: the mapping page asks, and the answer reads them.
    ambiguous = write_csv(
        tmp_path / "dates.csv", [("Name", "Start"), ("A", "04/05/2027"), ("B", "06/05/2027")]
    )
    wizard = window.import_wizard(ambiguous)
    assert wizard is not None
    wizard.mapping_page.release.setText("R1")
    _next(qtbot, wizard, "dates-1")
    _next(qtbot, wizard, "dates-2")
    page = wizard.mapping_page
    assert page.question.isVisible() and "'04/05/2027'" in page.question.text()
    _shot(wizard, "dates-3-question")
    page.order.setCurrentIndex(page.order.findData("dmy"))
    qtbot.waitUntil(lambda: not wizard.reading, timeout=20000)
    assert not page.question.isVisible() and not page.problems.text()
    _to_preview(qtbot, wizard, "dates-3-answered")
    assert wizard.preview_page.counts.text() == "Rows: 2 new, 0 changed, 0 unchanged."
    wizard.reject()


def test_cancel_writes_nothing(qtbot, opened: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = opened
    rows = [("Name", "Duration")] + [(f"T{n}", "1") for n in range(6000)]
    wizard = window.import_wizard(write_csv(tmp_path / "many.csv", rows))
    assert wizard is not None and window.plan is not None
    wizard.mapping_page.release.setText("R1")
    for _ in range(2):
        _next(qtbot, wizard, "many")
    _to_preview(qtbot, wizard, "many-3")
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard._cancel.set()  # noqa: SLF001  # as the progress dialog's Cancel button does
    wizard.accept()
    qtbot.waitUntil(lambda: wizard._progress is None, timeout=20000)  # noqa: SLF001
    assert "cancelled; nothing was written" in wizard.report_page.text.toPlainText()
    assert len(window.plan.state.items) == 5 and window.undo_stack.count() == 0


def test_the_preview_is_prepared_off_the_gui_thread_and_can_be_cancelled(  # type: ignore[no-untyped-def]
    qtbot, opened: MainWindow, tmp_path: Path
) -> None:
    window = opened
    rows = [("Name", "Duration")] + [(f"T{n}", "1") for n in range(6000)]
    wizard = window.import_wizard(write_csv(tmp_path / "many.csv", rows))
    assert wizard is not None
    wizard.mapping_page.release.setText("R1")
    for _ in range(2):
        _next(qtbot, wizard, "many")
    assert wizard.currentPage() is wizard.mapping_page
    # Cancel pressed before the worker reaches its first check: it stops there.
    wizard._cancel.set()  # noqa: SLF001  # as the progress dialog's Cancel button does
    with qtbot.waitSignal(wizard.previewed, timeout=20000):
        wizard.button(QWizard.WizardButton.NextButton).click()
        assert wizard._progress is not None  # noqa: SLF001  # shown while the worker reads
    assert wizard.currentPage() is wizard.mapping_page and wizard.prepared is None
    assert not wizard._cancel.is_set() and wizard._progress is None  # noqa: SLF001
    _to_preview(qtbot, wizard, "many-again")
    assert wizard.preview_page.counts.text() == (
        "Rows: 6,000 new, 0 changed, 0 unchanged. The first 1,000 of 6,000 are listed."
    )
    assert wizard.preview_page.isComplete()
    wizard.reject()


def test_reading_a_large_workbook_never_freezes_the_window_and_cancel_goes_back(  # type: ignore[no-untyped-def]
    qtbot, opened: MainWindow, tmp_path: Path
) -> None:
    window = opened
    rows = [("Name", "Duration", "Start")] + [
        (f"Task {n}", "1", "2027-01-04") for n in range(20000)
    ]
    wizard = window.import_wizard(write_xlsx(tmp_path / "big.xlsx", {"Plan": rows}))
    assert wizard is not None and window.plan is not None
    wizard.mapping_page.release.setText("R1")
    ticks: list[int] = []
    at_read: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(0)
    wizard.read.connect(lambda: at_read.append(len(ticks)))
    # Opening the file and finding the header: a busy bar with Cancel, the loop turning.
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.file_page.busy.isVisible() and wizard.reading
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.waitUntil(lambda: not wizard.reading, timeout=20000)
    assert wizard.currentPage() is wizard.sheet_page
    assert wizard.sheet_page.header.text() == "Row 1: Name | Duration | Start"
    assert len(at_read) == 2 and at_read[0] > 0 and at_read[1] > at_read[0]
    # The mapping page's first rows: Cancel drops them and shows the sheet page as it was.
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentPage() is wizard.mapping_page and wizard.mapping_page.busy.isVisible()
    wizard.mapping_page.busy.cancel.click()
    assert wizard.currentPage() is wizard.sheet_page and not wizard.reading
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _next(qtbot, wizard, "big-again")
    assert wizard.mapping_page.table.item(1, 0).text() == "Task 0"
    assert wizard.mapping_page.table.rowCount() == 51
    timer.stop()
    assert len(window.plan.state.items) == 5 and window.undo_stack.count() == 0
    wizard.reject()
