"""File › Export › Excel Workbook…: the dialog writes the workbook on a worker thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from app.plan import Plan
from tests.app.plan_factory import make_plan, plan_for
from tests.fixed_dates import DEMO_TODAY
from ui.workbook_export_dialog import WorkbookDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "small.gantry"))
    yield opened
    opened.close()


def test_exports_one_release_with_progress(qtbot: QtBot, plan: Plan, tmp_path: Path) -> None:
    dialog = WorkbookDialog(plan, DEMO_TODAY)
    qtbot.addWidget(dialog)
    assert [dialog.scope.itemText(i) for i in range(dialog.scope.count())] == [
        "Whole plan",
        "Release R1",
    ]
    dialog.scope.setCurrentIndex(1)
    dialog.path.setText(str(tmp_path / "r1.xlsx"))
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.ok_button.click()
    assert dialog.written == tmp_path / "r1.xlsx"
    assert dialog.progress.value() == dialog.progress.maximum()
    assert dialog.summary() == "Exported r1.xlsx: release R1, 5 work items, 20 sheets"
    book = openpyxl.load_workbook(tmp_path / "r1.xlsx")
    assert [r[0].value for r in book["Work items"].iter_rows(min_row=2)] == [
        "R1-P",
        "A",
        "B",
        "C",
        "M",
    ]


def test_a_wrong_file_name_is_said_in_the_dialog(qtbot: QtBot, plan: Plan, tmp_path: Path) -> None:
    dialog = WorkbookDialog(plan, DEMO_TODAY)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "plan.csv"))
    dialog.ok_button.click()
    assert dialog.problems.text() == "plan.csv: a workbook is written as .xlsx, not '.csv'."
    assert dialog.ok_button.isEnabled() and dialog.written is None
