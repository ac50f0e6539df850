"""Edit > Add Release…: problems are shown in the dialog, which keeps what was typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.plan import Plan
from ui.main_window import MainWindow
from ui.release_dialog import NewRelease, ReleaseDialog

pytestmark = pytest.mark.gui

TODAY = dt.date(2027, 1, 4)


def _open_dialog(qtbot, window: MainWindow) -> ReleaseDialog:  # type: ignore[no-untyped-def]
    window.menu_actions.add_release.trigger()
    dialog = window.findChild(ReleaseDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _type_date(qtbot, field, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)


def test_a_refused_release_keeps_the_dialog_open_with_what_was_typed(
    qtbot, window: MainWindow, tmp_path: Path, reports
) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.plan_opened, timeout=20000):
        window.new_plan(tmp_path / "fresh")
    window.show()
    qtbot.waitExposed(window)
    dialog = _open_dialog(qtbot, window)
    assert not dialog.ok_button.isEnabled()  # nothing to add without a name
    assert dialog.target.value() is None and dialog.target.text() == ""  # no target offered
    qtbot.keyClicks(dialog.name, "Atlas 4.0")
    assert dialog.ok_button.isEnabled()
    _type_date(qtbot, dialog.start, "2027-03-01")
    _type_date(qtbot, dialog.target, "2027-02-15")  # before the start
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert not dialog.problems.isHidden()
    assert dialog.problems.text() == (
        "Atlas 4.0: the target date 2027-02-15 is before the start date 2027-03-01"
    )
    assert dialog.name.text() == "Atlas 4.0"
    assert dialog.target.value() == dt.date(2027, 2, 15)
    assert window.plan is not None and window.plan.releases.rows() == []
    assert reports == []  # said in the dialog, not in a box after it closed

    _type_date(qtbot, dialog.target, "2027-04-30")
    assert dialog.problems.isHidden()  # mended: the problem goes as it is fixed
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    path = window.plan.path if window.plan else None
    window.close()
    assert path is not None
    plan = Plan.open(path, read_only=True)
    [release] = plan.releases.rows()
    plan.close()
    assert (release.name, release.start_date, release.target_date) == (
        "Atlas 4.0",
        dt.date(2027, 3, 1),
        dt.date(2027, 4, 30),
    )


def test_a_taken_name_and_a_date_that_is_none_are_both_named(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.show()
    qtbot.waitExposed(window)
    dialog = _open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name, "atlas 3.5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problems.text() == "There is already a release named 'atlas 3.5'"
    _type_date(qtbot, dialog.target, "soon")
    qtbot.keyClick(dialog.target, Qt.Key.Key_Return)  # Enter presses OK
    assert dialog.isVisible()
    assert dialog.problems.text().startswith("Target: 'soon' is not a date")
    dialog.reject()
    assert len(window.plan.releases.rows()) == 9  # type: ignore[union-attr]


def test_the_dialog_starts_today_and_asks_the_rules_it_is_given(qtbot) -> None:  # type: ignore[no-untyped-def]
    asked: list[NewRelease] = []

    def validate(new: NewRelease) -> list[str]:
        asked.append(new)
        return []

    dialog = ReleaseDialog(TODAY, validate)
    qtbot.addWidget(dialog)
    assert dialog.start.value() == TODAY
    dialog.name.setText(" Atlas 5 ")
    dialog.version.setText("5.0")
    dialog.accept()
    assert asked == [NewRelease("Atlas 5", "5.0", TODAY, None)]
    assert dialog.result() == ReleaseDialog.DialogCode.Accepted
