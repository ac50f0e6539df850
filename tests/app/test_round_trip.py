"""Gantry's own workbook read back: exporting a plan and importing the workbook into an empty
plan gives the same plan back (releases, items, links, calendar, components with their
baselines and dependencies, settings and the schedule)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.demo.plan import build_demo
from app.demo.synthetic import build_synthetic
from app.errors import ValidationError
from app.plan import Plan
from app.spreadsheet.columns import PLAN_SETTINGS
from app.spreadsheet.export import export_workbook
from app.spreadsheet.importer import commit, prepare, undo
from app.store import PlanStore
from tests.app.plan_compare import assert_same_plan, plan_snapshot
from tests.fixed_dates import DEMO_TODAY


def _settings(plan: Plan) -> dict[str, object]:
    return {key: plan.state.settings.values[key] for key in PLAN_SETTINGS}


def _schedule(plan: Plan) -> dict[str, tuple[object, ...]]:
    return {r.key: (r.start, r.finish, r.total_slack) for r in plan.work_items.rows()}


def _round_trip(original: Path, folder: Path) -> tuple[Path, Path]:
    """Export `original`, import the workbook into a new plan; both plans compared."""
    book, copy = folder / "plan.xlsx", folder / "copy.gantry"
    plan = Plan.open(original, read_only=True)
    try:
        export_workbook(plan, book, None, DEMO_TODAY)
        settings, schedule = _settings(plan), _schedule(plan)
    finally:
        plan.close()
    imported = Plan.open(copy, create=True)
    try:
        prepared = prepare(imported, book)
        assert prepared.report.ok, prepared.report.lines()[:5]
        assert not prepared.report.moved, "the sheet's dates are the plan's"
        commit(imported, prepared)
        assert _settings(imported) == settings
        assert _schedule(imported) == schedule
    finally:
        imported.close()
    assert_same_plan(original, copy)
    return book, copy


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


def test_the_demo_plan_comes_back_the_same(demo: Path, tmp_path: Path) -> None:
    _book, copy = _round_trip(demo, tmp_path)
    snapshot = plan_snapshot(copy)
    assert any(identity[4] for identity in snapshot["calendar_entries"]), (
        "environment windows came back with their environments"
    )
    assert snapshot["components"]["hsm-sdk"][:3] == ("vendor", "Sofia Alvarez", "Vaultline Systems")
    assert snapshot["component_versions"]["openssl", "Atlas 3.5.1"][:2] == ("3.0.15", "high")
    assert snapshot["component_dependencies"]["web-app", "api-gateway"] == (">= 2.14, < 3",)
    on_components = {row[12] for row in snapshot["work_items"].values()} - {None}
    assert len(on_components) > 3, "work items came back on their components"


def test_a_generated_10k_plan_comes_back_the_same(tmp_path: Path) -> None:
    original = tmp_path / "big.gantry"
    with PlanStore.open(original, create=True) as store:
        build_synthetic(store, 10_000)
    _round_trip(original, tmp_path)


def test_importing_the_workbook_again_changes_nothing_and_undo_takes_it_back(
    demo: Path, tmp_path: Path
) -> None:
    book, copy = _round_trip(demo, tmp_path)
    before = plan_snapshot(copy)
    plan = Plan.open(copy)
    try:
        again = prepare(plan, book)
        assert {row.state for row in again.report.rows} == {"unchanged"}
        commit(plan, again)
    finally:
        plan.close()
    assert plan_snapshot(copy) == before
    # Into an empty plan, undo takes back everything the workbook brought.
    fresh = Plan.open(tmp_path / "fresh.gantry", create=True)
    try:
        empty = _settings(fresh)
        done = commit(fresh, prepare(fresh, book))
        undo(fresh, done)
        assert _settings(fresh) == empty
        assert not fresh.state.items and not fresh.state.releases
        assert fresh.calendar.rows() == []
        assert fresh.components.rows() == [] and fresh.component_versions.rows() == []
    finally:
        fresh.close()


def test_settings_of_a_plan_with_releases_stay_its_own(demo: Path, tmp_path: Path) -> None:
    book = tmp_path / "demo.xlsx"
    plan = Plan.open(demo, read_only=True)
    try:
        export_workbook(plan, book, None, DEMO_TODAY)
    finally:
        plan.close()
    other = Plan.open(tmp_path / "other.gantry", create=True)
    try:
        other.releases.create(name="Existing")
        own = _settings(other)
        prepared = prepare(other, book)
        assert any("Plan sheet" in note for note in prepared.report.notes)
        commit(other, prepared)
        assert _settings(other) == own
        names = [r.name for r in other.releases.rows()]
        assert names == [
            "Existing",
            *(f"Atlas 3.{n}" for n in range(1, 7)),
            *("Atlas 3.5.1", "Atlas 3.5.2", "Atlas 3.5.3"),
        ]
    finally:
        other.close()


def test_component_sheets_are_checked_and_a_problem_names_sheet_row_column_and_value(
    demo: Path, tmp_path: Path
) -> None:
    book = tmp_path / "demo.xlsx"
    plan = Plan.open(demo, read_only=True)
    try:
        export_workbook(plan, book, None, DEMO_TODAY)
    finally:
        plan.close()
    workbook = load_workbook(book)
    versions, needs = workbook["Component versions"], workbook["Component dependencies"]
    assert [c.value for c in versions[1]] == [
        "Component",
        "Release",
        "Version",
        "Update risk",
        "Notes",
    ]
    versions["B2"], versions["C3"] = "Atlas 9.9", "3.x"
    needs["C2"], needs["B3"] = "~> 2.3", needs["A3"].value
    workbook.save(book)
    fresh = Plan.open(tmp_path / "fresh.gantry", create=True)
    try:
        prepared = prepare(fresh, book)
        found = [
            (p.sheet, p.row, p.column, p.value)
            for p in prepared.report.errors
            if p.sheet.startswith("Component")
        ]
        assert found == [
            ("Component versions", 2, "B (Release)", "Atlas 9.9"),
            ("Component versions", 3, "C (Version)", "3.x"),
            ("Component dependencies", 2, "C (Versions)", "~> 2.3"),
            ("Component dependencies", 3, "B (Depends on)", needs["A3"].value),
        ]
        texts = [p.text() for p in prepared.report.errors]
        assert (
            "Component versions row 2, column B (Release): the release 'Atlas 9.9' is "
            "neither in the Releases sheet nor in the plan" in texts
        )
        assert any("'~> 2.3' in the constraint '~> 2.3' is not a comparison" in t for t in texts)
        with pytest.raises(ValidationError):
            commit(fresh, prepared)
        assert fresh.components.rows() == [] and not fresh.state.releases
    finally:
        fresh.close()


def test_a_work_item_s_component_is_checked_and_a_new_one_is_a_change_undone(
    demo: Path, tmp_path: Path
) -> None:
    book, copy = _round_trip(demo, tmp_path)
    workbook = load_workbook(book)
    items = workbook["Work items"]
    header = [c.value for c in items[1]]
    key, component = header.index("Key"), header.index("Component")
    rows = list(items.iter_rows(min_row=2))
    on = next(r for r in rows if r[component].value)
    off = next(r for r in rows if r[component].value != on[component].value and r[component].value)
    item_key, old, new = on[key].value, on[component].value, off[component].value
    on[component].value = new
    workbook.save(book)
    before = plan_snapshot(copy)
    plan = Plan.open(copy)
    try:
        prepared = prepare(plan, book)
        changed = [r for r in prepared.report.rows if r.state == "changed"]
        assert [(r.key, [(c.label, c.old, c.new) for c in r.changes]) for r in changed] == [
            (item_key, [("Component", old, new)])
        ]
        done = commit(plan, prepared)
        assert plan_snapshot(copy)["work_items"][item_key][12] == new
        undo(plan, done)
    finally:
        plan.close()
    assert plan_snapshot(copy) == before

    on[component].value = "no-such-component"
    workbook.save(book)
    fresh = Plan.open(tmp_path / "fresh.gantry", create=True)
    try:
        prepared = prepare(fresh, book)
        letter = get_column_letter(component + 1)
        assert [(p.sheet, p.row, p.column, p.value) for p in prepared.report.errors] == [
            ("Work items", on[0].row, f"{letter} (Component)", "no-such-component")
        ]
        assert prepared.report.errors[0].message == (
            "the component 'no-such-component' is neither in the plan nor on the Components sheet"
        )
    finally:
        fresh.close()
