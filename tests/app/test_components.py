"""Components and baselines: the field rules, the version and constraint grammar, baselines
compared, what a release touches, and the two kinds of conflict."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.chart_marks import MarkKind, release_marks
from app.cli import run
from app.components import (
    BaselineDelta,
    compare_baselines,
    find_conflicts,
    parse_constraint,
    parse_version,
    previous_version,
    release_components,
)
from app.errors import ValidationError
from app.plan import Plan
from app.plan_check import check_plan
from app.store import PlanStore
from models import AuditEvent, Release, WorkItem
from tests.app.plan_factory import plan_for
from tests.app.plan_revisions import ROWS, plan_at

TODAY = dt.date(2026, 2, 20)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    """R0 shipped; R1 and R2 in flight with overlapping windows; R3 later, apart."""
    store = PlanStore.open(tmp_path / "c.gantry", create=True)
    with store.transaction(reason="component test plan") as session:
        session.add_all(
            [
                Release(
                    name="R0",
                    status="shipped",
                    start_date=dt.date(2025, 11, 1),
                    target_date=dt.date(2026, 1, 10),
                    actual_date=dt.date(2026, 1, 12),
                    position=0,
                ),
                Release(
                    name="R1",
                    status="in_progress",
                    start_date=dt.date(2026, 2, 1),
                    target_date=dt.date(2026, 3, 1),
                    position=1,
                ),
                Release(
                    name="R2",
                    start_date=dt.date(2026, 2, 15),
                    target_date=dt.date(2026, 4, 1),
                    position=2,
                ),
                Release(
                    name="R3",
                    start_date=dt.date(2026, 5, 1),
                    target_date=dt.date(2026, 6, 1),
                    position=3,
                ),
            ]
        )
    opened = plan_for(store)
    yield opened
    opened.close()


def release_ids(plan: Plan) -> dict[str, int]:
    return {r.name: r.id for r in plan.state.releases.values()}


def components(plan: Plan, *names: str) -> dict[str, int]:
    return {name: plan.components.create({"name": name}) for name in names}


def ship(plan: Plan, component: int, release: int, version: str, **more: object) -> int:
    return plan.component_versions.create(
        {"component_id": component, "release_id": release, "version": version, **more}
    )


# -- grammar ---------------------------------------------------------------------------------

ORDERED = [
    ("1.0", "1.0.0", "=="),
    ("2.3", "2.3.0.0", "=="),
    ("2.3", "2.10", "<"),
    ("2.9.9", "2.10", "<"),
    ("10.0", "9.99", ">"),
    ("2.3.0-rc1", "2.3.0", "<"),
    ("2.3.0-rc2", "2.3.0-rc10", "<"),
    ("2.3.0-alpha", "2.3.0-beta", "<"),
    ("2.3.0-1", "2.3.0-alpha", "<"),
    ("2.2.9", "2.3.0-rc1", "<"),
    ("2025.1", "2025.2", "<"),
    ("3.0.13", "3.0.2", ">"),
]


@pytest.mark.parametrize(("a", "b", "relation"), ORDERED)
def test_versions_order_numerically_with_pre_releases_first(a: str, b: str, relation: str) -> None:
    left, right = parse_version(a), parse_version(b)
    assert {"==": left == right, "<": left < right, ">": left > right}[relation]
    assert str(left) == a


@pytest.mark.parametrize(
    "text", ["", "v2.3", "2.", ".2", "2..3", "2.3-", "2.3 beta", "two", "2.3+b1"]
)
def test_a_text_that_is_no_version_is_refused_with_the_text_named(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"'{text}' is not a version")):
        parse_version(text)


CONSTRAINTS = [
    (">= 2.3", "2.3", True),
    (">= 2.3", "2.3.0", True),
    (">= 2.3", "2.2.9", False),
    (">= 2.3", "2.3.0-rc1", False),
    (">=2.3,<3", "2.99", True),
    (">=2.3,<3", "3.0.0", False),
    (">=2.3,<3", "3.0.0-rc1", True),  # a pre-release of 3 comes before 3
    ("== 4.1.2", "4.1.2", True),
    ("== 4.1.2", "4.1.3", False),
    ("!= 4.1.2", "4.1.2", False),
    ("!= 4.1.2", "4.1.20", True),
    ("> 1", "1.0.1", True),
    ("> 1", "1.0", False),
    ("<= 1.5", "1.5", True),
    (" < 1.5 ,  > 1.1 ", "1.2", True),
    ("", "0.0.1", True),
]


@pytest.mark.parametrize(("constraint", "version", "allowed"), CONSTRAINTS)
def test_a_constraint_allows_the_versions_every_comparison_allows(
    constraint: str, version: str, allowed: bool
) -> None:
    assert parse_constraint(constraint).allows(parse_version(version)) is allowed


def test_a_constraint_reads_back_in_one_spelling() -> None:
    assert parse_constraint(">=2.3,<3").text == ">= 2.3, < 3"


INVALID = [
    ("2.3", "'2.3' in the constraint '2.3' is not a comparison"),
    ("~> 2.3", "'~> 2.3' in the constraint '~> 2.3' is not a comparison"),
    ("=> 2.3", "'=> 2.3' in the constraint '=> 2.3' is not a comparison"),
    (">= 2.3,", "'' in the constraint '>= 2.3,' is not a comparison"),
    (">= 2.x", "in the constraint '>= 2.x': '2.x' is not a version"),
    (">= 2.3;<3", "in the constraint '>= 2.3;<3': '2.3;<3' is not a version"),
    (">= 2.3 < 3", "'>= 2.3 < 3' in the constraint '>= 2.3 < 3' is not a comparison"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_a_constraint_outside_the_grammar_is_refused_naming_it(text: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_constraint(text)
    assert message in str(refused.value)


# -- record types ----------------------------------------------------------------------------


def test_components_keep_where_they_come_from_and_edits_undo_through_the_trail(
    plan: Plan,
) -> None:
    hsm = plan.components.create(
        {
            "name": "hsm-sdk",
            "origin": "vendor",
            "supplier": "Secure Vault AG",
            "licence": "Commercial",
            "support_end": dt.date(2027, 3, 31),
        }
    )
    row = plan.components.row(hsm)
    assert (row.origin, row.supplier, row.support_end) == (
        "vendor",
        "Secure Vault AG",
        dt.date(2027, 3, 31),
    )
    old = plan.components.update(hsm, "origin", "open_source")
    assert old == "vendor" and plan.components.row(hsm).origin == "open_source"
    with pytest.raises(
        ValidationError, match="origin must be one of Built here, Vendor, Open source"
    ):
        plan.components.update(hsm, "origin", "bought")
    assert plan.components.row(plan.components.create({"name": "api"})).origin == "built_here"


def test_a_baseline_version_and_a_constraint_are_checked_as_they_are_entered(plan: Plan) -> None:
    ids = components(plan, "api", "db")
    r1 = release_ids(plan)["R1"]
    with pytest.raises(ValidationError, match="'2.x' is not a version"):
        ship(plan, ids["api"], r1, "2.x")
    with pytest.raises(ValidationError, match="update risk must be one of Low, Medium, High"):
        ship(plan, ids["db"], r1, "16.2", risk="severe")
    version = ship(plan, ids["db"], r1, "16.2", risk="high", notes="CVE fixes")
    assert plan.component_versions.row(version).risk == "high"
    with pytest.raises(ValidationError, match="'~> 16' in the constraint '~> 16'"):
        plan.component_dependencies.create(
            {"component_id": ids["api"], "depends_on_id": ids["db"], "version_constraint": "~> 16"}
        )
    with pytest.raises(ValidationError, match="a component cannot depend on itself"):
        plan.component_dependencies.create(
            {"component_id": ids["api"], "depends_on_id": ids["api"]}
        )
    link = plan.component_dependencies.create(
        {"component_id": ids["api"], "depends_on_id": ids["db"], "version_constraint": ">=16,<17"}
    )
    assert plan.component_dependencies.row(link).version_constraint == ">=16,<17"


def test_a_second_version_dependency_or_name_is_refused_naming_what_is_there(plan: Plan) -> None:
    ids = components(plan, "api-gateway", "db")
    r = release_ids(plan)
    first = ship(plan, ids["api-gateway"], r["R1"], "2.15.0")
    with pytest.raises(ValidationError) as refused:
        ship(plan, ids["api-gateway"], r["R1"], "2.16.0")
    assert refused.value.problems == ["api-gateway already has a version in R1 (2.15.0)"]
    moved = ship(plan, ids["api-gateway"], r["R2"], "2.16.0")
    with pytest.raises(ValidationError, match=r"api-gateway already has a version in R1 \(2"):
        plan.component_versions.update(moved, "release_id", r["R1"])
    plan.component_versions.update(first, "version", "2.15.1")  # itself is no duplicate
    link = {"component_id": ids["api-gateway"], "depends_on_id": ids["db"]}
    plan.component_dependencies.create({**link, "version_constraint": ">= 16"})
    with pytest.raises(ValidationError) as refused:
        plan.component_dependencies.create(link)
    assert refused.value.problems == ["api-gateway already depends on db (>= 16)"]
    with pytest.raises(ValidationError, match="There is already a component named db"):
        plan.components.create({"name": "db"})
    assert len(plan.component_versions.rows()) == 2
    assert len(plan.component_dependencies.rows()) == 1


def test_the_previous_version_is_found_for_a_component_the_release_does_not_touch(
    plan: Plan,
) -> None:
    ids = components(plan, "api", "db")
    r = release_ids(plan)
    ship(plan, ids["api"], r["R0"], "1.4.0")
    ship(plan, ids["api"], r["R1"], "1.5.0")
    assert release_components(plan, r["R3"]) == []  # R3 touches nothing
    assert previous_version(plan, r["R3"], ids["api"]) == "1.5.0"
    assert previous_version(plan, r["R1"], ids["api"]) == "1.4.0"
    assert previous_version(plan, r["R3"], ids["db"]) is None


# -- baselines -------------------------------------------------------------------------------


def test_two_baselines_compare_by_version_order_not_by_text(plan: Plan) -> None:
    ids = components(plan, "api", "db", "web", "old", "cli")
    r = release_ids(plan)
    for name, version in (("api", "2.9"), ("db", "16.2"), ("web", "5.0"), ("old", "1.0")):
        ship(plan, ids[name], r["R1"], version)
    for name, version in (("api", "2.10"), ("db", "16.2.0"), ("web", "5.0-rc1"), ("cli", "0.1")):
        ship(plan, ids[name], r["R2"], version)
    assert compare_baselines(plan, r["R1"], r["R2"]) == [
        BaselineDelta("api", "2.9", "2.10", "upgraded"),
        BaselineDelta("cli", None, "0.1", "added"),
        BaselineDelta("db", "16.2", "16.2.0", "unchanged"),
        BaselineDelta("old", "1.0", None, "removed"),
        BaselineDelta("web", "5.0", "5.0-rc1", "downgraded"),
    ]
    with plan.store.read() as session:
        assert compare_baselines(session, r["R2"], r["R1"])[0].change == "downgraded"


def test_a_release_touches_its_baseline_and_its_work_items_components(plan: Plan) -> None:
    ids = components(plan, "api", "db", "web")
    plan.components.update(ids["db"], "origin", "open_source")
    r = release_ids(plan)
    ship(plan, ids["api"], r["R0"], "1.0")
    ship(plan, ids["db"], r["R0"], "15.4")
    ship(plan, ids["db"], r["R1"], "16.2", risk="high")
    ship(plan, ids["api"], r["R1"], "1.0")
    with plan.store.transaction(reason="items on web") as session:
        session.add_all(
            WorkItem(
                release_id=r["R1"], key=f"W-{n}", name="Form", duration=1, component_id=ids["web"]
            )
            for n in range(2)
        )
    touched = {c.component: c for c in release_components(plan, r["R1"])}
    assert sorted(touched) == ["api", "db", "web"]
    assert (touched["db"].previous, touched["db"].version, touched["db"].risk) == (
        "15.4",
        "16.2",
        "high",
    )
    assert touched["db"].changed and touched["db"].third_party
    assert not touched["api"].changed and not touched["api"].third_party
    assert (touched["web"].version, touched["web"].work_items, touched["web"].changed) == (
        None,
        2,
        False,
    )


# -- conflicts -------------------------------------------------------------------------------


def test_a_baseline_that_breaks_a_constraint_is_a_conflict_naming_both_versions(plan: Plan) -> None:
    ids = components(plan, "api", "auth")
    r = release_ids(plan)
    plan.component_dependencies.create(
        {
            "component_id": ids["api"],
            "depends_on_id": ids["auth"],
            "version_constraint": ">= 4.2, < 5",
        }
    )
    ship(plan, ids["api"], r["R1"], "3.0")
    ship(plan, ids["auth"], r["R1"], "5.0.0")
    ship(plan, ids["api"], r["R3"], "3.0")
    ship(plan, ids["auth"], r["R3"], "4.9")
    ship(plan, ids["auth"], r["R0"], "4.0")
    ship(plan, ids["api"], r["R0"], "2.0")  # shipped history is left alone
    found = find_conflicts(plan, TODAY)
    assert [(c.kind, c.release, c.component, c.other_release) for c in found] == [
        ("constraint", "R1", "api", None)
    ]
    assert found[0].message == (
        "R1 ships api 3.0, which needs auth >= 4.2, < 5, but it ships auth 5.0.0."
    )


def test_a_release_without_the_dependency_is_held_to_the_version_live_at_its_target(
    plan: Plan,
) -> None:
    ids = components(plan, "api", "auth")
    r = release_ids(plan)
    plan.component_dependencies.create(
        {"component_id": ids["api"], "depends_on_id": ids["auth"], "version_constraint": ">= 4.2"}
    )
    ship(plan, ids["auth"], r["R0"], "4.1")
    ship(plan, ids["api"], r["R2"], "3.0")
    [conflict] = find_conflicts(plan, TODAY)
    assert conflict.message == (
        "R2 ships api 3.0, which needs auth >= 4.2, but production runs auth 4.1 (from R0) "
        "on 2026-04-01."
    )
    ship(plan, ids["auth"], r["R1"], "4.2")  # R1 ships before R2 but is not live yet
    assert len(find_conflicts(plan, TODAY)) == 1
    plan.component_versions.update(
        plan.component_versions.rows()[0].id, "version", "4.2.1"
    )  # R0's auth now meets it
    assert find_conflicts(plan, TODAY) == []


def test_releases_in_flight_changing_one_component_in_overlapping_windows_conflict(
    plan: Plan,
) -> None:
    ids = components(plan, "api", "db", "web")
    r = release_ids(plan)
    ship(plan, ids["api"], r["R0"], "1.0")
    ship(plan, ids["db"], r["R0"], "15")
    ship(plan, ids["api"], r["R1"], "1.1")  # R1 and R2 both change api ...
    ship(plan, ids["api"], r["R2"], "1.2")
    ship(plan, ids["db"], r["R1"], "15")  # ... db only R2 changes
    ship(plan, ids["db"], r["R2"], "16")
    ship(plan, ids["web"], r["R3"], "2.0")  # R3's window meets no other
    ship(plan, ids["api"], r["R3"], "1.3")
    found = find_conflicts(plan, TODAY)
    assert [(c.kind, c.release, c.component, c.other_release) for c in found] == [
        ("overlap", "R1", "api", "R2")
    ]
    assert found[0].message == (
        "R1 (2026-02-01 to 2026-03-01) and R2 (2026-02-15 to 2026-04-01) both change api "
        "(1.0 -> 1.1, 1.1 -> 1.2) in overlapping windows."
    )


def test_component_findings_say_which_release_and_day_so_the_chart_marks_them(
    plan: Plan,
) -> None:
    ids = components(plan, "api", "auth")
    r = release_ids(plan)
    plan.component_dependencies.create(
        {"component_id": ids["api"], "depends_on_id": ids["auth"], "version_constraint": ">= 5"}
    )
    ship(plan, ids["api"], r["R0"], "1.0")
    ship(plan, ids["auth"], r["R0"], "4.0")
    ship(plan, ids["api"], r["R1"], "1.1")  # needs auth 5, production runs 4.0 ...
    ship(plan, ids["api"], r["R2"], "1.2")  # ... and R2 changes api while R1 does
    plan.releases.update(r["R1"], "target_date", None)  # a constraint without a target: start
    found = [f for f in check_plan(plan, TODAY) if f.area == "component"]
    # R1, without a target, comes before R2 by its start.
    assert [(f.message[:14], f.release_id, f.day) for f in found] == [
        ("R1 ships api 1", r["R1"], dt.date(2026, 2, 1)),
        ("R2 ships api 1", r["R2"], dt.date(2026, 4, 1)),  # its target
        ("R1 (2026-02-01", r["R1"], dt.date(2026, 2, 15)),  # where the two windows meet
    ]
    assert found[2].places() == ((r["R1"], dt.date(2026, 2, 15)), (r["R2"], dt.date(2026, 2, 15)))
    marks = release_marks(r["R2"], found, [], lambda _id: None, rows=3)
    assert [(m.kind, m.day, m.row, m.slot) for m in marks] == [
        (MarkKind.CONFLICT, dt.date(2026, 2, 15), 0, 0),
        (MarkKind.CONFLICT, dt.date(2026, 4, 1), 0, 0),
    ]


def test_windows_that_only_follow_each_other_or_a_cancelled_release_do_not_conflict(
    plan: Plan,
) -> None:
    ids = components(plan, "api")
    r = release_ids(plan)
    ship(plan, ids["api"], r["R1"], "1.1")
    ship(plan, ids["api"], r["R3"], "1.2")
    ship(plan, ids["api"], r["R2"], "1.3")
    plan.releases.update(r["R2"], "status", "cancelled")
    assert find_conflicts(plan, TODAY) == []


def test_a_patch_builds_on_the_release_it_patches_whatever_its_dates(plan: Plan) -> None:
    ids = components(plan, "api")
    r = release_ids(plan)
    for name, version in (("R1", "3.5.0"), ("R2", "3.5.1"), ("R3", "3.6.0")):
        plan.releases.update(r[name], "version", version)
    # The patch is due before the release it patches: its versions still come after it.
    plan.releases.update(r["R2"], "target_date", dt.date(2026, 2, 25))
    ship(plan, ids["api"], r["R1"], "2.0")
    ship(plan, ids["api"], r["R2"], "2.0.1")
    ship(plan, ids["api"], r["R3"], "2.0.1")
    previous = {name: release_components(plan, r[name])[0].previous for name in ("R1", "R2", "R3")}
    assert previous == {"R1": None, "R2": "2.0", "R3": "2.0.1"}
    [conflict] = find_conflicts(plan, TODAY)  # R1 and its patch overlap; R3 changes nothing
    assert (conflict.release, conflict.other_release) == ("R1", "R2")


def test_gantry_check_exits_1_with_the_component_finding(plan: Plan) -> None:
    ids = components(plan, "api", "auth")
    r = release_ids(plan)
    plan.component_dependencies.create(
        {"component_id": ids["api"], "depends_on_id": ids["auth"], "version_constraint": "== 4"}
    )
    ship(plan, ids["api"], r["R3"], "1.0")
    ship(plan, ids["auth"], r["R3"], "4.0.1")
    path = plan.path
    out = io.StringIO()
    assert run(["check", str(path), "--today", TODAY.isoformat()], out) == 1
    assert out.getvalue().splitlines() == [
        "component: R3 ships api 1.0, which needs auth == 4, but it ships auth 4.0.1.",
        f"1 conflict(s) in {path}.",
    ]


def test_gantry_check_holds_a_release_without_a_target_open_until_the_day_given(
    plan: Plan,
) -> None:
    ids = components(plan, "api")
    r = release_ids(plan)
    ship(plan, ids["api"], r["R1"], "1.1")  # R1 from 2026-02-01, no target: open until today
    ship(plan, ids["api"], r["R2"], "1.2")  # R2 from 2026-02-15
    plan.releases.update(r["R1"], "target_date", None)
    path = plan.path
    before = io.StringIO()
    assert run(["check", str(path), "--today", "2026-02-10"], before) == 0
    after = io.StringIO()
    assert run(["check", str(path), "--today", "2026-02-20"], after) == 1
    # R1 is open until the day given, and comes first: it cannot ship before it starts.
    assert after.getvalue().splitlines()[0] == (
        "component: R1 (2026-02-01 to 2026-02-20) and R2 (2026-02-15 to 2026-04-01) both "
        "change api (new -> 1.1, 1.1 -> 1.2) in overlapping windows."
    )


def test_every_component_edit_is_on_the_trail_and_a_delete_can_be_restored(plan: Plan) -> None:
    ids = components(plan, "api", "db")
    link = plan.component_dependencies.create(
        {"component_id": ids["api"], "depends_on_id": ids["db"], "version_constraint": ">= 1"}
    )
    plan.component_dependencies.update(link, "version_constraint", ">= 2")
    kept = plan.component_dependencies.delete(link)
    assert plan.component_dependencies.rows() == []
    plan.component_dependencies.restore(kept)
    assert plan.component_dependencies.row(link).version_constraint == ">= 2"
    with plan.store.read() as session:
        actions = (
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "component_dependencies")
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["create", "update", "delete", "create"]
    assert plan.verify_audit().ok


def test_a_lowest_version_written_before_0012_becomes_a_constraint(tmp_path: Path) -> None:
    path = tmp_path / "old.gantry"
    rows = [
        *ROWS,
        *(
            (
                "components",
                {"id": n, "name": name, "owner": "", "repository": "", "description": ""},
                None,
            )
            for n, name in ((1, "api"), (2, "db"), (3, "web"))
        ),
        (
            "component_dependencies",
            {"id": 1, "component_id": 1, "depends_on_id": 2, "min_version": "2.3"},
            None,
        ),
        (
            "component_dependencies",
            {"id": 2, "component_id": 3, "depends_on_id": 1, "min_version": ""},
            None,
        ),
    ]
    plan_at(path, "0011", rows)
    upgraded = Plan.open(path, actor="bob")
    try:
        constraints = {r.id: r.version_constraint for r in upgraded.component_dependencies.rows()}
        assert constraints == {1: ">= 2.3", 2: ""}
        assert upgraded.components.row(1).origin == "built_here"
        report = upgraded.verify_audit()
        assert report.ok, report.problems
    finally:
        upgraded.close()
