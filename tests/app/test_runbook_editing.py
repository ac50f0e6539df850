"""Runbook service, the parts the tab's editors use: block moves, templates saved from a
runbook, deleting and restoring a runbook, the environment, the variables' values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.plan import Plan
from app.runbooks import block_moves, fill_variables
from models import Environment
from tests.app.plan_factory import make_plan, plan_for
from tests.app.test_runbooks import T0, _book, _release


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "plan.gantry"))
    try:
        yield opened
    finally:
        opened.close()


def _apply(order: list[int], moves: list[tuple[int, int]]) -> list[int]:
    current = list(order)
    for step, at in moves:
        current.remove(step)
        current.insert(at, step)
    return current


@pytest.mark.parametrize(
    ("moving", "gap", "expected"),
    [
        ([2], 5, [1, 3, 4, 5, 2, 6]),  # one step down
        ([5], 0, [5, 1, 2, 3, 4, 6]),  # one step to the top
        ([2, 3], 5, [1, 4, 5, 2, 3, 6]),  # a block down
        ([2, 5], 1, [1, 2, 5, 3, 4, 6]),  # scattered steps gathered
        ([1, 6], 6, [2, 3, 4, 5, 1, 6]),  # to the end
        ([3], 3, [1, 2, 3, 4, 5, 6]),  # onto itself: nothing moves
    ],
)
def test_block_moves_gather_the_steps_in_the_gap(
    moving: list[int], gap: int, expected: list[int]
) -> None:
    order = [1, 2, 3, 4, 5, 6]
    moves = block_moves(order, moving, gap)
    assert _apply(order, moves) == expected
    assert len(moves) == len(moving)


def test_fill_variables() -> None:
    values = {"release": "Atlas", "version": "3.5", "environment": "prod", "window_start": ""}
    assert fill_variables("{release} {version} on {environment}{x}", values) == (
        "Atlas 3.5 on prod{x}"
    )


def test_template_values_name_the_release_environment_and_t0(plan: Plan) -> None:
    books = plan.runbooks
    values = books.template_values(_release(plan), None, T0)
    assert values["window_start"] == "2026-01-16 19:00" and values["environment"] == ""
    assert values["release"] and values["version"]


def test_save_as_template_then_delete_and_restore(plan: Plan) -> None:
    books = plan.runbooks
    book, ids = _book(plan)
    template = books.save_as_template(book, "Nightly")
    row = books.runbook(template)
    assert row.is_template and row.release_id is None and row.planned_start is None
    assert [s.title for s in books.steps(template)] == [s.title for s in books.steps(book)]
    assert len(books.links(template)) == 4
    copied = {s.title: s for s in books.steps(template)}
    assert copied["B"].rollback_step_id == copied["E"].id
    with pytest.raises(ValidationError):
        books.save_as_template(book, "  ")

    deleted = books.delete_runbook(template)
    assert books.runbooks(None) == []
    books.restore_runbook(deleted)
    assert books.runbook(template) == row
    assert [tuple(s) for s in books.steps(template)] == [tuple(s) for s in copied.values()]
    assert len(books.links(template)) == 4
    assert plan.verify_audit().ok


def test_a_runbook_with_runs_is_not_deleted(plan: Plan) -> None:
    books = plan.runbooks
    book, _ids = _book(plan)
    books.start_run(book, "rehearsal", T0)
    with pytest.raises(ValidationError, match="has runs"):
        books.delete_runbook(book)


def test_set_environment(plan: Plan) -> None:
    books = plan.runbooks
    book, _ids = _book(plan)
    with plan.store.transaction(reason="environment") as session:
        session.add(Environment(name="prod", tier="production"))
    ((env_id, name),) = books.environments()
    assert name == "prod"
    assert books.set_environment(book, env_id) is None
    assert books.runbook(book).environment_id == env_id
    assert books.set_environment(book, None) == env_id
    assert books.runbook(book).environment_id is None


def test_removing_a_wait_and_deleting_a_paired_step_are_in_the_trail(plan: Plan) -> None:
    books = plan.runbooks
    _book_id, ids = _book(plan)
    books.remove_link(ids["D"], ids["B"])
    deleted = books.delete_step(ids["E"])  # B's rollback step
    assert books.row(ids["B"]).rollback_step_id is None
    assert plan.verify_audit().ok
    books.restore_step(deleted)
    assert books.row(ids["B"]).rollback_step_id == ids["E"]
    assert plan.verify_audit().ok
