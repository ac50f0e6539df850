"""The Conflicts dock on the demo plan: it opens by itself with a badge, lists and filters the
findings, follows edits, goes where a finding is on a double-click, lists the communications
due; and the Calendar tab's chart paints the marks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QTreeWidget

from app.chart_marks import MarkKind
from app.plan_check import Finding, check_plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn, Reports
from ui.formatting import format_date
from ui.main_window import MainWindow
from ui.settings import AppSettings

pytestmark = pytest.mark.gui


@pytest.fixture
def win(qtbot, settings: AppSettings, reports: Reports) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The window with its clock on the demo's fixed day."""
    made = MainWindow(settings, report=reports, today=lambda: DEMO_TODAY)
    qtbot.addWidget(made)
    made.resize(1500, 900)
    made.show()
    yield made
    made.close()


@pytest.fixture
def opened(qtbot, win: MainWindow, demo_plan: Path, open_in: OpenIn) -> MainWindow:  # type: ignore[no-untyped-def]
    open_in(win, demo_plan)
    qtbot.waitUntil(lambda: win.conflicts_dock.isVisible(), timeout=5000)
    return win


def rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(n).text(c) for c in range(tree.columnCount())]
        for n in range(tree.topLevelItemCount())
    ]


def activate(qtbot, tree: QTreeWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Double-click the row whose text has `text` in it."""
    for n in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(n)
        if any(text in item.text(c) for c in range(tree.columnCount())):
            tree.scrollToItem(item)
            centre = tree.visualItemRect(item).center()
            # A double-click is a press, then the second press: the view acts on the pair.
            qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
            qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
            return
    raise AssertionError(f"no row with {text!r} in {rows(tree)}")


def test_the_dock_opens_with_the_year_end_change_and_a_badge(opened: MainWindow) -> None:
    panel = opened.conflicts
    assert opened.status.conflicts.isVisible()
    # The demo's change in the year-end freeze, and Atlas 3.6's two component conflicts.
    assert opened.status.conflicts.text() == "3 conflicts"
    assert [row[0] for row in rows(panel.list)] == ["window", "component", "component"]
    assert rows(panel.list)[0] == [
        "window",
        "Change CHG-2068 (Rotate TLS certificates on the production load balancers) is "
        "planned for 2026-12-23, inside Year-end change freeze 2026/2027 (2026-12-18 to "
        "2027-01-03).",
        f"Atlas 3.5 · prod · {format_date(dt.date(2026, 12, 23))}",
        "2027-01-04 21:00 to 22:00",
    ]
    # The overlap is one finding about both releases, and says so where it is.
    assert (
        rows(panel.list)[2][2] == f"Atlas 3.5 and Atlas 3.6 · {format_date(dt.date(2026, 12, 21))}"
    )
    panel.area.setCurrentText("train")
    assert rows(panel.list) == []
    assert panel.summary.text().startswith("3 findings, 0 shown")
    panel.area.setCurrentText("window")
    assert len(rows(panel.list)) == 1


def test_double_click_goes_to_the_change(qtbot, opened: MainWindow) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, opened.conflicts.list, "CHG-2068")
    assert opened.tabs.currentWidget() is opened.changes_view
    page = opened.changes_view.requests
    assert page.change_id is not None
    assert opened.plan is not None
    assert opened.plan.changes.row(page.change_id).key == "CHG-2068"


def test_an_edit_brings_a_promotion_finding_that_goes_to_its_deployment(  # type: ignore[no-untyped-def]
    qtbot, opened: MainWindow
) -> None:
    plan, editor = opened.plan, opened.editor
    assert plan is not None and editor is not None
    release = plan.releases.find("Atlas 3.6").id
    production = next(e.id for e in plan.environments.rows() if e.tier == "production")
    # To production a week before its staging dry run (8 February): no staging before it.
    added = editor.add_record(
        plan.deployments,
        {
            "release_id": release,
            "environment_id": production,
            "window_start": dt.datetime(2027, 2, 1, 19),
            "window_end": dt.datetime(2027, 2, 1, 21),
            "outcome": "planned",
        },
    )
    assert added is not None
    panel = opened.conflicts
    qtbot.waitUntil(lambda: any(f.area == "promotion" for f in panel.findings), timeout=5000)
    assert opened.status.conflicts.text() == f"{len(panel.findings)} conflicts"
    activate(qtbot, panel.list, "Atlas 3.6 goes to")
    assert opened.tabs.currentWidget() is opened.environments_view
    assert opened.environments_view.deployments.current_record_id() == added
    opened.undo_stack.undo()
    qtbot.waitUntil(lambda: len(panel.findings) == 3, timeout=5000)
    assert opened.status.conflicts.text() == "3 conflicts"


def test_a_late_release_goes_to_the_calendar_tab(
    qtbot, opened: MainWindow, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    plan, editor = opened.plan, opened.editor
    assert plan is not None and editor is not None
    release = plan.releases.find("Atlas 3.6")
    finish = plan.state.release_row(release.id).finish
    assert finish is not None
    done = editor.set_release_field(release.id, "target_date", finish - dt.timedelta(days=5))
    assert reports == []
    assert done
    panel = opened.conflicts
    qtbot.waitUntil(
        lambda: any(f.area == "train" and f.release_id == release.id for f in panel.findings),
        timeout=5000,
    )
    panel.area.setCurrentText("train")
    activate(qtbot, panel.list, "Atlas 3.6 is forecast")
    assert opened.tabs.currentWidget() is opened.gantt
    assert opened.gantt.release_id == release.id
    late = [m for m in opened.gantt.chart.marks if m.kind is MarkKind.WARNING]
    assert [m.day for m in late] == [finish]


def test_the_chart_paints_the_conflict_and_the_communications(opened: MainWindow) -> None:
    plan = opened.plan
    assert plan is not None
    gantt = opened.gantt
    opened.tabs.setCurrentWidget(gantt)
    assert gantt.release_id == plan.releases.find("Atlas 3.5").id
    chart = gantt.chart
    freeze_day = dt.date(2026, 12, 23)
    marked = [m for m in chart.marks if m.kind is MarkKind.CONFLICT]
    # Atlas 3.6 starts changing api-gateway on 21 December while Atlas 3.5 still does.
    overlap = dt.date(2026, 12, 21)
    assert [(m.day, m.row, m.text[:10]) for m in marked] == [
        (overlap, 0, "component:"),
        (freeze_day, 0, "window: Ch"),
    ]
    conflict = marked[1:]
    assert conflict[0].text.startswith("window: Change CHG-2068")
    envelopes = {m.day for m in chart.marks if m.kind is MarkKind.COMMUNICATION}
    assert dt.date(2026, 12, 24) in envelopes  # the customer announcement, not yet sent
    assert any(m.kind is MarkKind.SENT for m in chart.marks)  # the kick-off announcement
    chart.go_to(freeze_day)
    chart.verticalScrollBar().setValue(0)
    image = chart.viewport().grab().toImage()
    assert conflict[0] in chart.painted_marks
    rect = chart.mark_rect(conflict[0]).translated(
        -chart.horizontalScrollBar().value(), -chart.verticalScrollBar().value()
    )
    # The triangle's lower part beside the exclamation mark is red.
    spot = QPoint(round(rect.center().x() - rect.width() / 5), round(rect.bottom() - 2))
    colour = image.pixelColor(spot)
    assert colour.red() > 180 and colour.green() < 90 and colour.blue() < 90
    assert chart.tip_at(rect.center()).startswith("window: Change CHG-2068")
    # Atlas 3.6's chart marks the overlap too, and its broken constraint at its target.
    opened.show_release(plan.releases.find("Atlas 3.6").id)
    assert [(m.day, m.text[:10]) for m in gantt.chart.marks if m.kind is MarkKind.CONFLICT] == [
        (overlap, "component:"),
        (dt.date(2027, 2, 17), "component:"),
    ]


def test_due_communications_list_and_go_to_the_communication_plan(  # type: ignore[no-untyped-def]
    qtbot, opened: MainWindow
) -> None:
    panel = opened.conflicts
    listed = rows(panel.comms)
    assert [(r[1], r[2], r[3]) for r in listed] == [
        ("Overdue", "Atlas 3.5", "Beta invitation for pilot customers"),
        ("Overdue", "Atlas 3.5", "Feature freeze reminder"),
    ]
    assert panel.pages.tabText(1) == "Due communications (2)"
    panel.pages.setCurrentIndex(1)
    activate(qtbot, panel.comms, "Feature freeze reminder")
    notes = opened.notes_view
    assert opened.tabs.currentWidget() is notes
    assert notes.pages.currentIndex() == 1
    current = notes.comms.currentItem()
    assert current is not None and current.text(2) == "Feature freeze reminder"


def test_edits_in_a_row_while_a_check_runs_give_one_current_result_and_the_gui_turns(  # type: ignore[no-untyped-def]
    qtbot, opened: MainWindow
) -> None:
    plan, editor, panel = opened.plan, opened.editor, opened.conflicts
    assert plan is not None and editor is not None
    release = plan.releases.find("Atlas 3.6").id
    production = next(e.id for e in plan.environments.rows() if e.tier == "production")
    shown: list[list[Finding]] = []
    panel.findings_changed.connect(shown.append)
    ticks: list[bool] = []  # whether a check was running at each tick of the GUI's own timer
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(panel.runner.busy))
    timer.start()
    panel.refresh()  # a check of the plan before the edits: it must never show
    assert panel.runner.busy and panel.summary.text() == "Checking…"
    for day in range(1, 6):
        start = dt.datetime(2027, 2, day, 19)
        editor.add_record(
            plan.deployments,
            {
                "release_id": release,
                "environment_id": production,
                "window_start": start,
                "window_end": start + dt.timedelta(hours=1),
                "outcome": "planned",
            },
        )
    qtbot.waitUntil(lambda: not panel.checking, timeout=10000)  # nothing running, nothing due
    timer.stop()
    assert len(shown) == 1  # the check before the edits was dropped; the edits checked once
    assert shown[0] == panel.findings == check_plan(plan, DEMO_TODAY)
    assert sum(f.area == "promotion" for f in shown[0]) == 5
    assert any(ticks)  # the event loop kept turning while a check ran
    assert "Checking" not in panel.summary.text()
