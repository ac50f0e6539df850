"""The plan comparison the workbook round trip relies on: alike plans agree, changes show."""

from __future__ import annotations

from pathlib import Path

from app.demo import build_demo
from app.store import PlanStore
from tests.app.plan_compare import assert_same_plan, plan_differences
from tests.app.plan_factory import edit_outside_gantry
from tests.fixed_dates import DEMO_TODAY


def _demo(path: Path) -> Path:
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


def test_two_demo_plans_built_alike_are_the_same_plan(tmp_path: Path) -> None:
    a, b = _demo(tmp_path / "a.gantry"), _demo(tmp_path / "b.gantry")
    assert_same_plan(a, b)


def test_every_kind_of_difference_is_named(tmp_path: Path) -> None:
    a, b = _demo(tmp_path / "a.gantry"), _demo(tmp_path / "b.gantry")
    edit_outside_gantry(
        b,
        "UPDATE work_items SET duration = duration + 1 WHERE key = 'ATL-2'",
        "UPDATE dependencies SET lag = 3 WHERE id = (SELECT min(id) FROM dependencies)",
        "DELETE FROM calendar_entries WHERE id = (SELECT max(id) FROM calendar_entries)",
        "UPDATE releases SET target_date = '2030-01-01' WHERE position = 0",
    )
    found = "\n".join(plan_differences(a, b))
    assert "work_items 'ATL-2'" in found
    assert "dependencies (" in found
    assert "calendar_entries (" in found and "only in a.gantry" in found
    assert "releases '" in found
