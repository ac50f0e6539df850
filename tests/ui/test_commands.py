"""Undo commands call app services; undo and redo reach the file, and a refused undo or redo
leaves the plan and the stack agreeing (the command leaves the stack, the user is told)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from app.errors import ValidationError
from app.plan import Plan
from ui.commands import EditField
from ui.plan_editor import PlanEditor

pytestmark = pytest.mark.gui


class Session:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.plan = Plan.open(path)
        self.stack = QUndoStack()
        self.reports: list[tuple[str, str]] = []
        self.editor = PlanEditor(self.plan, self.stack, lambda t, m: self.reports.append((t, m)))
        self.readers: list[Plan] = []

    def on_file(self) -> Plan:
        """What a fresh, read-only reader of the plan file sees."""
        reader = Plan.open(self.path, read_only=True)
        self.readers.append(reader)
        return reader

    def close(self) -> None:
        for reader in self.readers:
            reader.close()
        self.plan.close()


@pytest.fixture
def session(demo_plan: Path) -> Iterator[Session]:
    opened = Session(demo_plan)
    yield opened
    opened.close()


def keys(plan: Plan) -> set[str]:
    return {i.key for i in plan.work_items.rows()}


def test_add_item_then_undo_removes_it_and_redo_puts_the_same_item_back(session: Session) -> None:
    items = session.plan.work_items
    release = session.plan.releases.find("Atlas 3.5")
    after = items.find("ATL-47")
    new_id = session.editor.add_item(
        release.id, "task", "Write migration guide", parent_id=after.parent_id, after_id=after.id
    )
    assert new_id is not None
    new = items.row(new_id)
    assert new.parent_id == after.parent_id and new.name == "Write migration guide"
    assert new.key.startswith("ATL-")  # the demo plan's key prefix
    assert new.key in keys(session.on_file())
    session.stack.undo()
    assert new.key not in keys(session.on_file())
    session.stack.redo()
    again = session.on_file().work_items.find(new.key)
    assert again.id == new_id and again.name == "Write migration guide"


def test_delete_item_then_undo_restores_it_with_its_links(session: Session) -> None:
    items = session.plan.work_items
    victim = items.find("ATL-49")
    successors = {i.key: i.predecessors for i in items.rows() if "ATL-49" in i.predecessors}
    assert victim.predecessors and successors
    assert session.editor.delete_item(victim.id)
    on_file = session.on_file()
    assert "ATL-49" not in keys(on_file)
    assert all("ATL-49" not in on_file.work_items.find(k).predecessors for k in successors)
    session.stack.undo()
    on_file = session.on_file()
    assert on_file.work_items.find("ATL-49").predecessors == victim.predecessors
    assert {k: on_file.work_items.find(k).predecessors for k in successors} == successors
    session.stack.redo()
    assert "ATL-49" not in keys(session.on_file())
    history = session.plan.item_history(victim.id)
    assert [e.reason for e in history[:1]] == [f"Redo: Delete ATL-49 “{victim.name}”"]


def test_deleting_a_phase_takes_its_items_and_undo_brings_them_back(session: Session) -> None:
    items = session.plan.work_items
    phase = next(i for i in items.rows() if i.kind == "phase" and i.depth == 1)
    children = {i.key for i in items.children(phase.release_id, phase.id)}
    assert session.editor.delete_item(phase.id)
    assert not (children | {phase.key}) & keys(session.on_file())
    session.stack.undo()
    assert (children | {phase.key}) <= keys(session.on_file())


def test_release_dates_are_edited_and_undone(session: Session) -> None:
    release = session.plan.releases.find("Atlas 3.5")
    assert release.target_date is not None
    new_target = release.target_date + dt.timedelta(days=14)
    assert session.editor.set_release_field(release.id, "target_date", new_target)
    assert session.on_file().releases.row(release.id).target_date == new_target
    session.stack.undo()
    assert session.on_file().releases.row(release.id).target_date == release.target_date


def test_plan_settings_and_calendar_entries_are_undoable_too(session: Session) -> None:
    plan, editor = session.plan, session.editor
    assert editor.set_field(plan.settings, 0, "key_prefix", "ATX")
    entry = editor.add_record(
        plan.calendar,
        {
            "kind": "freeze",
            "name": "Audit week",
            "start_date": dt.date(2026, 12, 7),
            "end_date": dt.date(2026, 12, 11),
        },
    )
    assert entry is not None
    assert editor.set_field(plan.calendar, entry, "name", "Audit freeze")
    assert editor.delete_record(plan.calendar, entry)
    assert [session.stack.text(n) for n in range(session.stack.count())] == [
        "Edit key prefix of plan settings",
        "Add calendar entry Audit week (2026-12-07)",
        "Edit name of Audit week (2026-12-07)",
        "Delete calendar entry Audit freeze (2026-12-07)",
    ]
    for _ in range(4):
        session.stack.undo()
    on_file = session.on_file()
    assert on_file.settings.values().key_prefix == "ATL"
    assert "Audit week" not in {r.name for r in on_file.calendar.rows()}
    for _ in range(4):
        session.stack.redo()
    assert "Audit freeze" not in {r.name for r in session.on_file().calendar.rows()}
    assert session.on_file().settings.values().key_prefix == "ATX"
    assert session.reports == []


def test_an_unchanged_value_pushes_no_command(session: Session) -> None:
    item = session.plan.work_items.find("ATL-47")
    assert session.editor.set_item_field(item.id, "name", f"  {item.name} ")
    assert session.editor.set_predecessors(item.id, f" {item.predecessors} ")
    assert session.stack.count() == 0


def test_a_refused_command_never_reaches_the_stack(session: Session) -> None:
    items = session.plan.work_items
    item = items.find("ATL-47")
    command = EditField(items, item.id, "percent_complete", 0, 150, lambda t, m: None)
    with pytest.raises(ValidationError):
        command.apply()
    assert not session.editor.set_item_field(item.id, "percent_complete", 150)
    assert session.stack.count() == 0
    assert session.reports and "0 to 100" in session.reports[0][1]


# -- a refused undo or redo, for each kind of command -------------------------------------------


def _undo_refused(session: Session) -> None:
    """Undo the top command, which the plan no longer allows: it leaves the stack."""
    count = session.stack.count()
    session.stack.undo()
    assert session.stack.count() == count - 1  # taken off, not merely stepped over
    assert session.stack.index() == count - 1
    assert session.reports and session.reports[-1][0] == "Undo failed"
    assert "taken off the undo history" in session.reports[-1][1]


def test_a_refused_field_undo_leaves_the_edit_and_drops_the_command(session: Session) -> None:
    items = session.plan.work_items
    item = items.find("ATL-47")
    assert session.editor.set_item_field(item.id, "key", "ATL-47X")
    items.update(items.find("ATL-48").id, "key", "ATL-47")  # behind the stack's back
    _undo_refused(session)
    assert session.on_file().work_items.find("ATL-47X").id == item.id
    assert not session.stack.canUndo() and not session.stack.canRedo()


def test_a_refused_undo_of_add_item_cannot_be_redone_into_a_second_item(
    session: Session,
) -> None:
    items = session.plan.work_items
    release = session.plan.releases.find("Atlas 3.5")
    new_id = session.editor.add_item(release.id, "task", "Once only")
    assert new_id is not None
    key = items.row(new_id).key
    items.delete(new_id)  # behind the stack's back
    _undo_refused(session)
    session.stack.redo()  # nothing to redo: the command is gone
    assert [i.key for i in items.rows()].count(key) == 0
    assert sum(1 for i in items.rows() if i.name == "Once only") == 0


def test_a_refused_undo_of_delete_item_keeps_the_stack_honest(session: Session) -> None:
    items = session.plan.work_items
    victim = items.find("ATL-49")
    assert session.editor.delete_item(victim.id)
    items.update(items.find("ATL-50").id, "key", "ATL-49")  # the key is taken meanwhile
    _undo_refused(session)
    assert session.on_file().work_items.find("ATL-49").name != victim.name


def test_a_refused_undo_of_add_release_says_why(session: Session) -> None:
    release_id = session.editor.add_release("Atlas 4.0", "4.0.0", dt.date(2027, 3, 1), None)
    assert release_id is not None
    session.plan.work_items.create(release_id, "task", "Work that arrived meanwhile")
    _undo_refused(session)
    assert "still holds 1 work items" in session.reports[-1][1]
    assert session.on_file().releases.find("Atlas 4.0").id == release_id


def test_a_refused_redo_drops_the_command_and_changes_nothing(session: Session) -> None:
    editor, stack = session.editor, session.stack
    assert editor.add_release("Atlas 4.0", "4.0.0", None, None) is not None
    stack.undo()
    session.plan.releases.create("atlas 4.0")  # the name is taken meanwhile
    stack.redo()
    assert stack.count() == 0 and session.reports[-1][0] == "Redo failed"
    assert [r.name for r in session.on_file().releases.rows()].count("atlas 4.0") == 1


def test_a_refused_undo_of_a_record_edit_and_a_record_delete(session: Session) -> None:
    calendar = session.plan.calendar
    entry = calendar.rows()[0]
    assert session.editor.set_field(calendar, entry.id, "end_date", entry.end_date)  # no-op
    assert session.editor.set_field(calendar, entry.id, "name", "Renamed")
    calendar.delete(entry.id)  # behind the stack's back
    _undo_refused(session)
    other = calendar.rows()[0]
    assert session.editor.delete_record(calendar, other.id)
    calendar.create({**other.values, "name": "Back again"}, record_id=other.id)
    _undo_refused(session)
    assert session.on_file().calendar.row(other.id).name == "Back again"


def test_a_refused_undo_of_add_record_drops_it_and_a_redo_cannot_add_it_twice(
    session: Session,
) -> None:
    calendar = session.plan.calendar
    entry = session.editor.add_record(
        calendar,
        {
            "kind": "blackout",
            "name": "Audit week",
            "start_date": dt.date(2026, 12, 7),
            "end_date": dt.date(2026, 12, 11),
        },
    )
    assert entry is not None
    calendar.delete(entry)  # behind the stack's back
    _undo_refused(session)
    session.stack.redo()  # nothing left to redo
    assert [r.name for r in session.on_file().calendar.rows()].count("Audit week") == 0
