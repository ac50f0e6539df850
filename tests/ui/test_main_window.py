"""The main window end to end: opening, locking, Save As, errors, recent files, editing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.plan import Plan
from app.store import lock_path
from tests.app.plan_factory import edit_outside_gantry
from tests.ui.conftest import settle
from ui.about import about_text
from ui.items_table_model import Column
from ui.main_window import MainWindow
from ui.settings import AppSettings

pytestmark = pytest.mark.gui


def test_opening_a_plan_shows_it_everywhere(window: MainWindow, demo_plan: Path, open_in) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    assert window.windowTitle() == "p — Gantry"
    assert window.status.path_label.text() == str(demo_plan)
    assert "117 items" in window.status.counts_label.text()
    assert "131 links" in window.status.counts_label.text()
    assert window.status.read_only_text() == ""
    in_progress = window.plan.releases.find("Atlas 3.5")  # type: ignore[union-attr]
    assert in_progress.status == "in_progress"  # shown first, rather than the shipped 3.4
    assert window.items_view.release_id == in_progress.id
    assert window.items_view.model.rowCount() == in_progress.item_count
    assert window.properties.shown_release == in_progress.id
    assert lock_path(demo_plan).exists()


def test_selecting_in_the_navigator_drives_the_table_and_properties(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    service = window.plan
    assert service is not None
    second = service.releases.rows()[1]
    window.navigator.select_release(second.id)
    window.navigator.release_selected.emit(second.id)
    assert window.items_view.release_id == second.id
    item = service.work_items.find("ATL-47")
    index = window.navigator.navigator_model.index_for_item(item)
    window.navigator.setCurrentIndex(index)  # as a click does
    assert window.items_view.current_item_id() == item.id
    assert window.properties.shown_item == item.id
    assert window.menu_actions.delete.isEnabled()


def test_a_second_window_on_the_same_plan_is_read_only_and_names_the_holder(
    qtbot, settings: AppSettings, reports, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    second = MainWindow(settings, report=reports)
    qtbot.addWidget(second)
    open_in(second, demo_plan)
    assert second.plan is not None and second.plan.read_only
    status = second.status.read_only_text()
    assert status.startswith("read-only — locked by ")
    assert f"process {os.getpid()}" in status
    assert second.windowTitle() == "p [read-only] — Gantry"
    assert not second.menu_actions.add_task.isEnabled()
    index = second.items_view.model.index(0, Column.NAME)
    assert not second.items_view.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    second.close()
    window.close()
    assert not lock_path(demo_plan).exists()  # closing released the lock


def test_save_as_goes_on_working_on_the_copy_with_the_undo_history(
    window: MainWindow, demo_plan: Path, tmp_path: Path, open_in, settings: AppSettings
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None and window.editor is not None
    item = plan.work_items.find("ATL-47")
    assert window.editor.set_item_field(item.id, "owner", "Before the copy")
    written = window.save_as(tmp_path / "copy")
    assert written == tmp_path / "copy.gantry"
    # The window goes on working on the copy, its undo history intact; the original is as it
    # was when the copy was made, and no longer locked.
    assert window.plan is plan and plan.path == written
    assert window.windowTitle() == "copy — Gantry"
    assert not lock_path(demo_plan).exists() and lock_path(written).exists()
    assert window.editor.set_item_field(item.id, "owner", "After the copy")
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert plan.work_items.find("ATL-47").owner == item.owner
    window.undo_stack.redo()
    original = Plan.open(demo_plan, read_only=True)
    assert original.work_items.find("ATL-47").owner == "Before the copy"
    original.close()
    copy = Plan.open(written, read_only=True)
    assert copy.summary().items == 117
    assert copy.work_items.find("ATL-47").owner == "Before the copy"
    assert copy.verify_audit().ok
    copy.close()
    assert settings.recent_files()[0] == written.resolve()


def test_opening_a_foreign_file_reports_why_and_leaves_the_window_empty(
    qtbot, window: MainWindow, tmp_path: Path, reports
) -> None:  # type: ignore[no-untyped-def]
    foreign = tmp_path / "notes.gantry"
    foreign.write_text("these are not the plans you are looking for\n" * 10)
    with qtbot.waitSignal(window.plan_failed, timeout=10000) as failed:
        window.open_plan(foreign)
    assert "is not a Gantry plan" in failed.args[0]
    assert reports == [("Cannot open plan", failed.args[0])]
    assert window.plan is None
    assert window.pages.currentWidget() is window.welcome
    assert window.windowTitle() == "Gantry"


def test_the_default_error_report_is_a_message_box(
    qtbot, settings: AppSettings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QMessageBox

    window = MainWindow(settings)  # no injected reporter
    qtbot.addWidget(window)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()

    missing = tmp_path / "gone.gantry"
    with qtbot.waitSignal(window.plan_failed, timeout=10000):
        window.open_plan(missing)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(50, close_box)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [f"There is no plan at {missing}."]


def test_recent_files_are_remembered_newest_first(
    window: MainWindow,
    demo_plan: Path,
    demo_template: Path,
    tmp_path: Path,
    settings: AppSettings,
    open_in,
) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.gantry"
    other.write_bytes(demo_template.read_bytes())
    open_in(window, demo_plan)
    open_in(window, other)
    assert settings.recent_files()[:2] == [other.resolve(), demo_plan.resolve()]
    assert settings.last_plan() == other.resolve()
    assert not lock_path(demo_plan).exists()  # opening another plan closed the first
    window._fill_recent_menu()
    texts = [a.text() for a in window.menu_actions.recent_menu.actions()]
    assert texts[0].startswith("&1 other.gantry") and texts[1].startswith("&2 p.gantry")


def test_recent_files_keep_at_most_ten(settings: AppSettings, tmp_path: Path) -> None:
    for n in range(14):
        settings.add_recent(tmp_path / f"{n}.gantry")
    settings.add_recent(tmp_path / "5.gantry")
    recent = settings.recent_files()
    assert len(recent) == 10
    assert recent[0] == (tmp_path / "5.gantry").resolve()
    assert recent.count((tmp_path / "5.gantry").resolve()) == 1


def test_dropping_a_plan_file_opens_it(qtbot, window: MainWindow, demo_plan: Path) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(demo_plan))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.plan_opened, timeout=20000):
        window.dropEvent(event)
    assert window.plan is not None and window.plan.path == demo_plan


def test_add_task_and_undo_through_the_window(window: MainWindow, demo_plan: Path, open_in) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    service = window.plan
    assert service is not None
    item = service.work_items.find("ATL-2")
    assert window.select_item(item.id)
    before = window.items_view.model.rowCount()
    new_id = window.add_item("task")
    assert new_id is not None
    assert window.items_view.model.rowCount() == before + 1
    assert window.items_view.model.row_of(new_id) == window.items_view.model.row_of(item.id) + 1  # type: ignore[operator]
    assert window.menu_actions.undo.isEnabled()
    window.menu_actions.undo.trigger()
    assert window.items_view.model.rowCount() == before
    window.menu_actions.redo.trigger()
    assert window.items_view.model.row_of(new_id) is not None


def test_delete_and_undo_through_the_window(window: MainWindow, demo_plan: Path, open_in) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    service = window.plan
    assert service is not None
    item = service.work_items.find("ATL-3")
    assert window.select_item(item.id)
    assert window.menu_actions.delete.isEnabled()
    window.menu_actions.delete.trigger()
    assert window.items_view.model.row_of(item.id) is None
    assert window.history.stack().count() == 1
    window.menu_actions.undo.trigger()
    assert window.plan.work_items.row(item.id).predecessors == item.predecessors  # type: ignore[union-attr]


def test_properties_edits_go_through_the_undo_stack(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    service = window.plan
    assert service is not None
    item = service.work_items.find("ATL-2")
    assert window.select_item(item.id)
    owner = window.properties.item_form.editor("owner")
    owner.setText("Someone Else")  # type: ignore[union-attr]
    owner.editingFinished.emit()  # type: ignore[union-attr]
    assert service.work_items.row(item.id).owner == "Someone Else"
    assert window.undo_stack.count() == 1
    window.menu_actions.undo.trigger()
    assert service.work_items.row(item.id).owner == item.owner
    assert owner.text() == item.owner  # type: ignore[union-attr]


def test_properties_show_the_items_recent_history(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    service = window.plan
    assert service is not None
    item = service.work_items.find("ATL-2")
    assert window.select_item(item.id)
    history = window.properties.item_form._values["history"]
    assert "created" in history.text() and "owner" not in history.text()
    owner = window.properties.item_form.editor("owner")
    owner.setText("Dana <QA>")  # type: ignore[union-attr]
    owner.editingFinished.emit()  # type: ignore[union-attr]
    assert f"owner: {item.owner} → Dana &lt;QA&gt;" in history.text()
    window.menu_actions.undo.trigger()
    assert "(Undo: " in history.text()
    predecessors = window.properties.item_form.editor("predecessors")
    predecessors.setText("ATL-40SS+1")  # type: ignore[union-attr]
    predecessors.editingFinished.emit()  # type: ignore[union-attr]
    assert "predecessor added: ATL-40SS+1" in history.text()


def test_new_plan_creates_an_empty_plan(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.plan_opened, timeout=20000):
        window.new_plan(tmp_path / "fresh")
    assert (tmp_path / "fresh.gantry").exists()
    assert window.plan is not None and window.plan.releases.rows() == []
    assert "0 items" in window.status.counts_label.text()
    assert not window.menu_actions.add_task.isEnabled()  # no release to add it to
    assert window.menu_actions.add_release.isEnabled()


def test_an_empty_plan_gets_a_release_then_items(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    with qtbot.waitSignal(window.plan_opened, timeout=20000):
        window.new_plan(tmp_path / "fresh.gantry")
    release_id = window.add_release("Atlas 4.0", "4.0.0", None, None)
    assert release_id is not None
    assert window.menu_actions.add_task.isEnabled()
    assert window.add_item("task") is not None
    window.menu_actions.undo.trigger()
    window.menu_actions.undo.trigger()
    assert window.plan.releases.rows() == []  # type: ignore[union-attr]


def test_cancelling_the_open_leaves_the_window_empty_and_the_plan_unlocked(
    qtbot, window: MainWindow, demo_plan: Path
) -> None:  # type: ignore[no-untyped-def]
    window.open_plan(demo_plan)
    loader = window._loader
    assert loader is not None
    assert window.pages.currentWidget() is window.loading
    assert window._progress is not None
    window._progress.canceled.emit()  # what its Cancel button does
    assert not window.is_loading
    qtbot.waitUntil(lambda: loader not in window._loaders, timeout=20000)
    assert window.plan is None
    assert window.pages.currentWidget() is window.welcome
    assert not lock_path(demo_plan).exists()


def test_closing_the_window_saves_its_layout(
    window: MainWindow, settings: AppSettings, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.close()
    assert settings.window_geometry() is not None
    assert settings.window_state() is not None
    assert not lock_path(demo_plan).exists()


def test_about_names_the_versions_and_the_plan(demo_plan: Path) -> None:
    import PySide6
    from PySide6.QtCore import qVersion

    from app.schema import head_revision

    text = about_text(demo_plan)
    assert "Gantry" in text and qVersion() in text and PySide6.__version__ in text
    assert f"<td>Plan schema</td><td>{head_revision()}</td>" in text
    assert str(demo_plan) in text


@pytest.fixture
def no_windows_left() -> Iterator[None]:
    yield


def test_a_new_window_restores_size_and_docks(qtbot, settings: AppSettings, reports) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(settings, report=reports)
    qtbot.addWidget(first)
    first.resize(720, 520)  # inside the 800x600 offscreen screen
    first.properties_dock.hide()
    first.close()
    second = MainWindow(settings, report=reports)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (720, 520)
    assert second.properties_dock.isHidden()
    assert not second.navigator_dock.isHidden()


def test_menus_carry_the_usual_shortcuts(window: MainWindow) -> None:
    def keys(action) -> list[str]:  # type: ignore[no-untyped-def]
        return [k.toString() for k in action.shortcuts()]

    assert keys(window.menu_actions.open) == ["Ctrl+O"]
    assert keys(window.menu_actions.save_as) == ["Ctrl+Shift+S"]
    assert keys(window.menu_actions.quit) == ["Ctrl+Q"]
    assert keys(window.menu_actions.undo) == ["Ctrl+Z"]
    assert keys(window.menu_actions.redo) == ["Ctrl+Shift+Z", "Ctrl+Y"]
    assert keys(window.menu_actions.add_task) == ["Ins", "Ctrl+T"]
    assert keys(window.menu_actions.add_milestone) == ["Ctrl+M"]
    assert keys(window.menu_actions.delete) == ["Del"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Schedule", "&View", "&Help"]
    assert all(a.toolTip() for a in window.toolbar.actions() if not a.isSeparator())


def test_typing_in_a_cell_edits_once_and_a_refusal_is_reported_once(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports
) -> None:  # type: ignore[no-untyped-def]
    import shiboken6
    from PySide6.QtWidgets import QLineEdit

    open_in(window, demo_plan)
    window.show()
    qtbot.waitExposed(window)
    service = window.plan
    assert service is not None
    item = service.work_items.find("ATL-44")
    assert window.select_item(item.id)
    table = window.items_view.table
    table.setFocus()

    def type_into(column: Column, text: str) -> None:
        index = table.currentIndex().siblingAtColumn(column)
        table.setCurrentIndex(index)
        table.edit(index)
        editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
        assert len(editors) == 1
        editor = editors[0]
        editor.selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        # The view commits on a queued call and may delete the editor straight away.
        qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())
        qtbot.wait(20)  # and the refusal box is deferred one turn of the event loop

    type_into(Column.NAME, "Scope signed off")
    assert service.work_items.row(item.id).name == "Scope signed off"
    assert window.undo_stack.count() == 1
    type_into(Column.PREDECESSORS, "ATL-47")  # ATL-47 already follows ATL-44: a cycle
    assert len(reports) == 1 and "ATL-47" in reports[0][1]
    assert window.undo_stack.count() == 1
    assert service.work_items.row(item.id).predecessors == item.predecessors


def test_critical_path_only_shows_the_items_without_slack(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    view = window.items_view
    proxy, service = view.proxy, window.plan
    assert service is not None
    everything = proxy.rowCount()
    view.critical_only.click()
    keys = [proxy.index(row, 0).data() for row in range(proxy.rowCount())]
    assert 0 < len(keys) < everything
    assert all(service.work_items.find(key).critical for key in keys)
    expected = [r.key for r in service.work_items.rows(view.release_id) if r.critical]
    assert keys == expected
    view.critical_only.click()
    assert proxy.rowCount() == everything


def test_a_plan_left_locked_elsewhere_can_be_taken_over(
    qtbot, settings: AppSettings, reports, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    answers = [False, True]

    def confirm(title: str, question: str) -> bool:
        asked.append(question)
        return answers.pop(0)

    window = MainWindow(settings, report=reports, confirm=confirm)
    qtbot.addWidget(window)
    lock = demo_plan.with_name(demo_plan.name + ".lock")
    lock.write_text(
        '{"user": "dana", "host": "laptop-7", "pid": 4242, "since": "2026-11-29T08:12"}'
    )
    open_in(window, demo_plan)
    assert window.plan is not None and window.plan.read_only
    assert window.menu_actions.take_over.isEnabled()

    assert not window.take_over_plan()  # the user said no: still read-only, lock untouched
    assert window.plan.read_only and lock.exists()
    assert "dana on laptop-7 (process 4242)" in asked[0]

    with qtbot.waitSignal(window.plan_opened, timeout=20000):
        assert window.take_over_plan()
    assert window.plan is not None and not window.plan.read_only
    assert not window.menu_actions.take_over.isEnabled()
    assert window.menu_actions.add_task.isEnabled()
    window.close()
    assert not lock.exists()  # our own lock went away with the window


def test_help_opens_the_demo_plan_writing_it_on_first_use(
    qtbot, window: MainWindow, gantry_home: Path
) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.plan_opened, timeout=20000):
        window.menu_actions.open_demo.trigger()
    assert window.plan is not None
    assert window.plan.path == gantry_home / "demo.gantry"
    assert window.plan is not None and len(window.plan.releases.rows()) == 9


def test_a_file_that_cannot_be_opened_leaves_the_open_plan_as_it_was(
    qtbot, window: MainWindow, demo_plan: Path, tmp_path: Path, open_in, reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    store = window.plan
    bad = tmp_path / "x.gantry"
    bad.write_text("a shopping list, not a plan\n" * 10)
    with qtbot.waitSignal(window.plan_failed, timeout=10000) as failed:
        window.open_plan(bad)
    assert reports == [("Cannot open plan", failed.args[0])]
    assert "is not a Gantry plan" in failed.args[0]
    assert window.plan is store and store is not None and not store.read_only
    assert lock_path(demo_plan).exists()
    assert window.pages.currentWidget() is window.tabs
    assert window.windowTitle() == "p — Gantry"
    assert window.menu_actions.add_task.isEnabled()
    assert window.plan is not None
    assert window.select_item(window.plan.work_items.find("ATL-2").id)
    assert window.add_item("task") is not None  # still writable


def test_opening_the_open_plan_again_just_shows_it(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    store = window.plan
    assert window.plan is not None
    window.select_item(window.plan.work_items.find("ATL-2").id)
    window.add_item("task")
    with qtbot.assertNotEmitted(window.plan_opened, wait=200):
        window.open_plan(demo_plan.parent / "." / demo_plan.name)
        assert not window.is_loading
    assert window.plan is store and store is not None and not store.read_only
    assert window.undo_stack.count() == 1  # nothing was closed or reloaded
    assert "already open" in window.status.currentMessage()


def test_cancelling_an_open_keeps_the_plan_that_was_open(
    qtbot, window: MainWindow, demo_plan: Path, demo_template: Path, tmp_path: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    store = window.plan
    other = tmp_path / "other.gantry"
    other.write_bytes(demo_template.read_bytes())
    window.open_plan(other)
    loader = window._loader
    assert loader is not None and window._progress is not None
    assert window.pages.currentWidget() is window.tabs  # the open plan stays in view
    window._progress.canceled.emit()
    qtbot.waitUntil(lambda: loader not in window._loaders, timeout=20000)
    assert window.plan is store and store is not None and not store.read_only
    assert window.pages.currentWidget() is window.tabs
    assert lock_path(demo_plan).exists() and not lock_path(other).exists()


def test_a_plan_with_a_broken_audit_trail_opens_warns_and_keeps_recording(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports
) -> None:  # type: ignore[no-untyped-def]
    edit_outside_gantry(demo_plan, "UPDATE audit_events SET actor = 'mallory' WHERE id = 5")
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None and not plan.read_only
    qtbot.waitUntil(lambda: window.status.audit_text() != "", timeout=20000)
    assert window.status.audit_text() == "Audit trail broken"
    assert "Audit event #5" in window.status.audit.toolTip()
    assert reports == []  # a warning in the status bar, not a box in the way
    # Work goes on and is recorded after the altered event.
    assert window.editor is not None
    item = plan.work_items.find("ATL-47")
    assert window.editor.set_item_field(item.id, "owner", "Priya")
    assert plan.item_history(item.id)[0].changes[0][2] == "Priya"
    window.menu_actions.verify_audit.trigger()
    qtbot.waitUntil(lambda: bool(reports), timeout=20000)
    assert reports[0][0] == "Audit trail broken" and "Audit event #5" in reports[0][1]


def test_verify_audit_trail_reports_an_intact_trail_in_the_status_bar(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    # The check is a child Python process: its start alone takes seconds on a loaded
    # machine. Wait for its answer itself (a hung child still fails), then read the message
    # while it is shown.
    with qtbot.waitSignal(window._audit_check.checked, timeout=60000):
        window.menu_actions.verify_audit.trigger()
    assert window.status.currentMessage().startswith("Audit trail intact")
    assert window.status.audit_text() == "" and reports == []


def test_a_plan_with_a_dependency_cycle_opens_marked_and_the_user_can_repair_it(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports
) -> None:  # type: ignore[no-untyped-def]
    """ATL-47 follows ATL-44; a link ATL-47 -> ATL-44 made outside Gantry closes a loop."""
    edit_outside_gantry(
        demo_plan,
        "INSERT INTO dependencies (predecessor_id, successor_id, type, lag) "
        "SELECT a.id, b.id, 'FS', 0 FROM work_items a, work_items b "
        "WHERE a.key = 'ATL-47' AND b.key = 'ATL-44'",
    )
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None and not plan.read_only
    assert window.status.problems.label.text().startswith("Dependency cycle: ATL-44 -> ")
    looped = plan.work_items.find("ATL-44")
    assert looped.problem.startswith("On a dependency cycle: ATL-44 -> ")
    model = window.items_view.model
    assert window.select_item(looped.id)
    row = model.row_of(looped.id)
    assert row is not None
    name = model.index(row, Column.NAME)
    assert "On a dependency cycle" in name.data(Qt.ItemDataRole.ToolTipRole)
    assert name.data(Qt.ItemDataRole.BackgroundRole) is not None
    # The rest of the plan is scheduled; removing the closing link repairs it.
    assert plan.work_items.find("ATL-100").finish is not None
    assert model.setData(model.index(row, Column.PREDECESSORS), "")
    settle(qtbot, window)
    assert window.status.problems.label.text() == ""
    assert plan.work_items.find("ATL-44").problem == "" and reports == []
    # Gantry makes no cycles: undoing the repair is refused, said, and leaves the stack.
    window.undo_stack.undo()
    assert reports and "Dependency cycle: ATL-44 -> ATL-47 -> ATL-44" in reports[0][1]
    assert plan.work_items.find("ATL-44").problem == "" and window.undo_stack.count() == 0
