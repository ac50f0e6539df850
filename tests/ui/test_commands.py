"""Undo commands call PlanService: add, delete, release fields; undo and redo reach the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from app.errors import ValidationError
from app.plan_service import PlanService
from app.store import PlanStore
from ui.commands import EditItemField
from ui.plan_editor import PlanEditor

pytestmark = pytest.mark.gui


class Session:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = PlanStore.open(path)
        self.service = PlanService(self.store)
        self.stack = QUndoStack()
        self.reports: list[tuple[str, str]] = []
        self.editor = PlanEditor(self.service, self.stack, lambda t, m: self.reports.append((t, m)))

    def on_file(self) -> PlanService:
        """What a fresh, read-only reader of the plan file sees."""
        with PlanStore.open(self.path, read_only=True) as store:
            service = PlanService(store)
            service.load()
        return service


@pytest.fixture
def session(demo_plan: Path) -> Iterator[Session]:
    opened = Session(demo_plan)
    yield opened
    opened.store.close()


def keys(service: PlanService) -> set[str]:
    return {i.key for i in service.items()}


def test_add_item_then_undo_removes_it_and_redo_puts_the_same_item_back(session: Session) -> None:
    release = session.service.releases()[1]
    after = session.service.find_item("ATL-47")
    new_id = session.editor.add_item(
        release.id, "task", "Write migration guide", parent_id=after.parent_id, after_id=after.id
    )
    assert new_id is not None
    new = session.service.item(new_id)
    assert new.parent_id == after.parent_id and new.name == "Write migration guide"
    assert new.key in keys(session.on_file())
    session.stack.undo()
    assert new.key not in keys(session.on_file())
    session.stack.redo()
    again = session.on_file().find_item(new.key)
    assert again.id == new_id and again.name == "Write migration guide"


def test_delete_item_then_undo_restores_it_with_its_links(session: Session) -> None:
    victim = session.service.find_item("ATL-49")
    successors = {
        i.key: i.predecessors for i in session.service.items() if "ATL-49" in i.predecessors
    }
    assert victim.predecessors and successors
    assert session.editor.delete_item(victim.id)
    on_file = session.on_file()
    assert "ATL-49" not in keys(on_file)
    assert all("ATL-49" not in on_file.find_item(k).predecessors for k in successors)
    session.stack.undo()
    on_file = session.on_file()
    assert on_file.find_item("ATL-49").predecessors == victim.predecessors
    assert {k: on_file.find_item(k).predecessors for k in successors} == successors


def test_deleting_a_phase_takes_its_items_and_undo_brings_them_back(session: Session) -> None:
    phase = next(i for i in session.service.items() if i.kind == "phase" and i.depth == 1)
    children = {i.key for i in session.service.children(phase.release_id, phase.id)}
    assert session.editor.delete_item(phase.id)
    assert not (children | {phase.key}) & keys(session.on_file())
    session.stack.undo()
    assert (children | {phase.key}) <= keys(session.on_file())


def test_release_dates_are_edited_and_undone(session: Session) -> None:
    release = session.service.releases()[1]
    new_target = release.target_date + dt.timedelta(days=14)  # type: ignore[operator]
    assert session.editor.set_release_field(release.id, "target_date", new_target)
    assert session.on_file().release(release.id).target_date == new_target
    session.stack.undo()
    assert session.on_file().release(release.id).target_date == release.target_date


def test_an_unchanged_value_pushes_no_command(session: Session) -> None:
    item = session.service.find_item("ATL-47")
    assert session.editor.set_item_field(item.id, "name", item.name)
    assert session.editor.set_predecessors(item.id, f" {item.predecessors} ")
    assert session.stack.count() == 0


def test_a_refused_command_never_reaches_the_stack(session: Session) -> None:
    item = session.service.find_item("ATL-47")
    command = EditItemField(session.service, item.id, "percent_complete", 0, 150, lambda t, m: None)
    with pytest.raises(ValidationError):
        command.apply()
    assert not session.editor.set_item_field(item.id, "percent_complete", 150)
    assert session.stack.count() == 0
    assert session.reports and "0 to 100" in session.reports[0][1]


def test_undo_that_the_plan_no_longer_allows_is_reported_not_raised(session: Session) -> None:
    item = session.service.find_item("ATL-47")
    assert session.editor.set_item_field(item.id, "key", "ATL-47X")
    other = session.service.find_item("ATL-48")
    session.service.update_item(other.id, "key", "ATL-47")  # behind the stack's back
    session.stack.undo()
    assert session.reports and "Undo" in session.reports[-1][0]
    assert session.on_file().find_item("ATL-47X").id == item.id
