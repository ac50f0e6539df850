"""Alembic revisions: one head, empty to head, head equal to the models, data survives."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from app import audit, schema
from app.cli import run
from app.demo import build_demo
from app.errors import PlanOpenError, ValidationError
from app.plan import Plan
from app.store import PlanStore, lock_path
from models import Base, WorkItem
from tests.app.plan_revisions import ROWS, empty_plan_at, plan_at, revisions
from tests.processes import run_bounded

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_APPROVAL_RULES = importlib.import_module(
    "migrations.versions.0008_change_control"
).DEFAULT_RULES
# Test-only revisions on top of the product's head (see the version files for what they do).
REBUILD = Path(__file__).resolve().parent / "migrations_rebuild"
BREAK_LINKS = Path(__file__).resolve().parent / "migrations_break_links"
FAIL_MIDWAY = Path(__file__).resolve().parent / "migrations_fail_midway"
LINKS = """
    SELECT p.key, s.key, d.type, d.lag FROM dependencies d
    JOIN work_items p ON p.id = d.predecessor_id JOIN work_items s ON s.id = d.successor_id
"""
PARENTS = "SELECT c.key, p.key FROM work_items c JOIN work_items p ON p.id = c.parent_id"


def test_single_head() -> None:
    assert len(schema.script_directory().get_heads()) == 1


def test_empty_to_head_matches_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as conn:
        schema.upgrade_to_head(conn)
        assert schema.current_revision(conn) == schema.head_revision()
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_revision_downgrades_and_upgrades(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as conn:
        config = schema.alembic_config(conn)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        assert schema.current_revision(conn) == schema.head_revision()


def test_data_survives_upgrade_and_a_backup_is_made(tmp_path: Path) -> None:
    """The pattern every revision follows: data written at an old revision, opened at head."""
    path = tmp_path / "old.gantry"
    empty_plan_at(path, "0001")
    conn = sqlite3.connect(path)
    conn.executescript("""
        INSERT INTO releases (id, name, version, status, owner, description, position)
        VALUES (1, 'R1', '1.0', 'planned', 'ann', '', 0);
        INSERT INTO work_items (id, release_id, kind, key, name, duration, owner, status,
                                percent_complete, position, notes)
        VALUES (1, 1, 'task', 'A', 'Design', 3, 'ann', 'not_started', 0, 0, '');
    """)
    conn.commit()
    conn.close()

    with PlanStore.open(path) as store, store.read() as session:
        assert session.scalar(select(WorkItem.name).where(WorkItem.key == "A")) == "Design"
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert revision == schema.head_revision()

    backups = list(tmp_path.glob("old.before-*.gantry.bak"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert backup.execute("SELECT name FROM work_items").fetchall() == [("Design",)]
    backup.close()


def test_events_written_before_subjects_still_verify_after_the_upgrade(tmp_path: Path) -> None:
    """Revision 0003 adds audit_events.subject_id; older events (NULL) keep their hashes."""
    path = tmp_path / "old.gantry"
    empty_plan_at(path, "0002")
    after = audit.dump(
        {
            "id": 1,
            "name": "R1",
            "version": "1.0",
            "status": "planned",
            "owner": "",
            "description": "",
            "position": 0,
            "start_date": None,
            "feature_freeze": None,
            "code_freeze": None,
            "target_date": None,
            "actual_date": None,
        }
    )
    at = "2026-01-05T09:00:00.000000+00:00"
    digest = audit.event_hash(audit.GENESIS, at, "ann", "create", "releases", 1, None, after, "")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO releases (id, name, version, status, owner, description, position) "
        "VALUES (1, 'R1', '1.0', 'planned', '', '', 0)"
    )
    conn.execute(
        "INSERT INTO audit_events (at, actor, action, entity, entity_id, before, after, "
        "reason, prev_hash, hash) VALUES (?, 'ann', 'create', 'releases', 1, NULL, ?, '', ?, ?)",
        (at, after, audit.GENESIS, digest),
    )
    conn.commit()
    conn.close()

    with PlanStore.open(path) as store, store.read() as session:
        report = audit.verify(session)
    assert report.ok, report.problems
    # The release's event, and revision 0008's default approval rules, one event each.
    assert report.events == 1 + len(DEFAULT_APPROVAL_RULES)


def _with_baseline_dates(dates: dict[str, tuple[str | None, str | None]]) -> list[Any]:
    """ROWS with baseline dates on the items keyed in `dates`, as schema 0003 held them."""
    rows = []
    for table, values, subject in ROWS:
        if table == "work_items" and values["key"] in dates:
            start, finish = dates[values["key"]]
            values = {**values, "baseline_start": start, "baseline_finish": finish}
        rows.append((table, values, subject))
    return rows


def test_baseline_dates_written_at_0003_become_the_named_baseline_of_their_release(
    tmp_path: Path,
) -> None:
    """Revision 0004: the columns go, their dates stay as a baseline, and the trail says so."""
    path = tmp_path / "old.gantry"
    # M held only a finish (a tool other than Gantry wrote it): it stands for both dates.
    plan_at(
        path,
        "0003",
        _with_baseline_dates(
            {
                "A": ("2026-01-05", "2026-01-07"),
                "B": ("2026-01-08", "2026-01-09"),
                "M": (None, "2026-01-12"),
            }
        ),
    )

    plan = Plan.open(path, actor="bob")
    try:
        (release,) = plan.releases.rows()
        (baseline,) = plan.baselines.rows(release.id)
        assert baseline.name == "Baseline" and baseline.item_count == 3
        ids = {key: plan.work_items.find(key).id for key in ("A", "B", "M", "P")}
        assert plan.baselines.dates(baseline.id) == {
            ids["A"]: (dt.date(2026, 1, 5), dt.date(2026, 1, 7)),
            ids["B"]: (dt.date(2026, 1, 8), dt.date(2026, 1, 9)),
            ids["M"]: (dt.date(2026, 1, 12), dt.date(2026, 1, 12)),
        }
        report = plan.verify_audit()
        assert report.ok, report.problems
        # The 7 rows Gantry 0003 wrote, the baseline made here, and 0008's approval rules.
        assert report.events == 8 + len(DEFAULT_APPROVAL_RULES)
        plan.work_items.update(ids["A"], "duration", 5)  # the upgraded plan edits as any other
        assert plan.baselines.variance(baseline.id, ids["A"]) == 2
        assert plan.verify_audit().ok
    finally:
        plan.close()

    conn = sqlite3.connect(path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(work_items)")}
        actor, reason, after = conn.execute(
            "SELECT actor, reason, after FROM audit_events WHERE entity = 'baselines'"
        ).fetchone()
    finally:
        conn.close()
    assert not {"baseline_start", "baseline_finish"} & columns
    assert actor == "bob" and "0004" in reason
    assert json.loads(after)["item_count"] == 3
    (backup,) = tmp_path.glob("old.before-upgrade-from-0003-*.gantry.bak")
    assert _on_file(backup, "SELECT key, baseline_finish FROM work_items") == {
        ("P", None),
        ("A", "2026-01-07"),
        ("B", "2026-01-09"),
        ("M", "2026-01-12"),
    }


def test_reading_an_older_plan_upgrades_a_copy_in_memory_only(tmp_path: Path) -> None:
    path = tmp_path / "old.gantry"
    empty_plan_at(path, "0001")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO releases (id, name, version, status, owner, description, position) "
        "VALUES (1, 'R1', '1.0', 'planned', 'ann', '', 0)"
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()

    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        assert session.scalar(select(text("name")).select_from(text("releases"))) == "R1"
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert revision == schema.head_revision()  # the view is at head...
    assert path.read_bytes() == before  # ...the file is not
    assert list(tmp_path.iterdir()) == [path]  # no backup, no lock, no journal left


def _main_py(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`gantry ARGS` in a fresh process: it sees only what is on file."""
    return run_bounded(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)], timeout=120, text=True, cwd=ROOT
    )


@pytest.mark.parametrize("revision", revisions())
def test_an_edit_after_the_upgrade_at_open_is_on_file(tmp_path: Path, revision: str) -> None:
    """Issue 5 §1: a writable open that upgraded the file must then edit the file itself."""
    path = tmp_path / "old.gantry"
    plan_at(path, revision)
    out, err = io.StringIO(), io.StringIO()
    assert run(["audit", "verify", str(path)], out, err) == 0, out.getvalue() + err.getvalue()

    plan = Plan.open(path)
    try:
        assert not plan.read_only
        (release,) = plan.releases.rows()
        plan.releases.update(release.id, "name", "New name")
    finally:
        plan.close()

    schedule = _main_py("schedule", path, "--format", "json")
    assert schedule.returncode == 0, schedule.stderr
    assert [r["name"] for r in json.loads(schedule.stdout)["releases"]] == ["New name"]
    verify = _main_py("audit", "verify", path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # 7 creates, the rename, and revision 0008's approval rules.
    events = 8 + len(DEFAULT_APPROVAL_RULES)
    assert verify.stdout.startswith(f"Audit trail intact: {events} events")
    conn = sqlite3.connect(path)
    try:
        on_file = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    assert on_file == schema.head_revision()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, today=dt.date(2026, 11, 2))
    return path


@pytest.fixture
def demo_plan(tmp_path: Path, demo_template: Path) -> Path:
    """A copy of the demo plan: 117 work items, 131 dependencies, phases holding items."""
    path = tmp_path / "demo.gantry"
    shutil.copyfile(demo_template, path)
    return path


def _on_file(path: Path, sql: str) -> set[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute(sql).fetchall())
    finally:
        conn.close()


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_a_revision_that_rebuilds_work_items_keeps_every_link(
    demo_plan: Path, read_only: bool
) -> None:
    """Issue 5 §2: with foreign keys on, dropping the old work_items table failed."""
    links, parents = _on_file(demo_plan, LINKS), _on_file(demo_plan, PARENTS)
    assert len(links) > 100 and len(parents) > 100
    before = demo_plan.read_bytes()

    with (
        PlanStore.open(demo_plan, read_only=read_only, version_locations=[REBUILD]) as store,
        store.read() as session,
    ):
        columns = {row[1] for row in session.execute(text("PRAGMA table_info(work_items)"))}
        assert "rebuilt" in columns
        assert set(session.execute(text(LINKS)).tuples()) == links
        assert set(session.execute(text(PARENTS)).tuples()) == parents
        assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert session.scalar(text("PRAGMA foreign_keys")) == 1  # on again for the edits
        assert audit.verify(session).ok

    if read_only:
        assert demo_plan.read_bytes() == before
    else:
        assert _on_file(demo_plan, "SELECT version_num FROM alembic_version") == {
            ("t_rebuild_work_items",)
        }
        assert _on_file(demo_plan, "PRAGMA foreign_key_check") == set()
        assert _on_file(demo_plan, LINKS) == links
        assert len(list(demo_plan.parent.glob("demo.before-upgrade-*.gantry.bak"))) == 1


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
@pytest.mark.parametrize(
    ("revisions", "reason"),
    [
        (BREAK_LINKS, "row(s) referring to missing rows, the first "),
        (FAIL_MIDWAY, "no such column: no_such_column"),
    ],
    ids=["breaks-links", "fails-midway"],
)
def test_a_failed_upgrade_is_refused_and_leaves_the_file(
    demo_plan: Path, read_only: bool, revisions: Path, reason: str
) -> None:
    """Both revisions rebuild work_items first: the rebuild is rolled back with the rest."""
    before = demo_plan.read_bytes()
    with pytest.raises(PlanOpenError) as refused:
        PlanStore.open(demo_plan, read_only=read_only, version_locations=[revisions])
    message = str(refused.value)
    assert message.startswith(f"{demo_plan} could not be upgraded"), message
    assert reason in message and "the file was left as it was" in message
    if revisions is BREAK_LINKS:
        assert "to a missing work_items row" in message
    assert "\n" not in message
    assert demo_plan.read_bytes() == before
    backups = sorted(demo_plan.parent.glob("demo.before-upgrade-*.gantry.bak"))
    # No lock and no journal are left behind; only a writable open makes a backup.
    assert sorted(demo_plan.parent.iterdir()) == sorted([demo_plan, *backups])
    assert not lock_path(demo_plan).exists()
    if read_only:
        assert backups == []
    else:
        assert len(backups) == 1 and backups[0].name in message
        assert _on_file(backups[0], LINKS) == _on_file(demo_plan, LINKS)


def test_a_new_plan_is_created_through_every_revision(tmp_path: Path) -> None:
    path = tmp_path / "new.gantry"
    with PlanStore.open(path, create=True, version_locations=[REBUILD]) as store:
        with store.read() as session:
            revision = session.scalar(text("SELECT version_num FROM alembic_version"))
        assert revision == "t_rebuild_work_items"


def _runbook_rows() -> list[tuple[str, dict[str, Any], str | None]]:
    """ROWS plus a runbook whose steps hold actuals, as Gantry 0004 kept them."""
    steps = [
        (1, "Preparation", "Snapshot", False, "2026-01-05 19:00:00.000000", "done", "sre"),
        (2, "Deployment", "Deploy", False, "2026-01-05 19:15:00.000000", "done", "sre"),
        (3, "Cutover", "Switch DNS", False, None, "skipped", ""),
        (4, "Rollback", "Roll back", True, None, "pending", ""),
    ]
    return [
        *ROWS,
        ("runbooks", {"id": 1, "release_id": 1, "environment_id": None, "name": "Night"}, None),
        *(
            (
                "runbook_steps",
                {
                    "id": step_id,
                    "runbook_id": 1,
                    "section": section,
                    "position": step_id - 1,
                    "title": title,
                    "owner_role": "SRE",
                    "duration_minutes": 10,
                    "instructions": "do it",
                    "verification": "",
                    "rollback": "",
                    "is_rollback": is_rollback,
                    "started_at": started,
                    "finished_at": (
                        started.replace(":00:00", ":12:00").replace(":15:00", ":31:00")
                        if started
                        else None
                    ),
                    "executed_by": who,
                    "outcome": outcome,
                },
                None,
            )
            for step_id, section, title, is_rollback, started, outcome, who in steps
        ),
    ]


def test_runbook_actuals_written_at_0004_become_a_live_run(tmp_path: Path) -> None:
    """Revision 0006: the steps' actuals become live run 1, sections map, the trail verifies."""
    path = tmp_path / "old.gantry"
    plan_at(path, "0004", _runbook_rows())

    plan = Plan.open(path, actor="bob")
    try:
        books = plan.runbooks
        (book,) = books.runbooks(1)
        assert not book.is_template and book.planned_start is None
        steps = books.steps(book.id)
        assert [s.section for s in steps] == ["preparation", "deploy", "preparation", "rollback"]
        assert steps[2].instructions == "Section before schema 0006: Cutover\ndo it"
        (run,) = books.runs(book.id)
        assert (run.number, run.kind, run.status, run.started_by) == (1, "live", "running", "sre")
        assert run.started_at == dt.datetime(2026, 1, 5, 19, 0)
        executions = books.executions(run.id)
        assert sorted(executions) == [1, 2, 3]  # the pending rollback step has no record
        assert executions[2].minutes == 16 and executions[3].outcome == "skipped"
        report = plan.verify_audit()
        assert report.ok, report.problems
        books.update(steps[0].id, "duration_minutes", 20)  # the upgraded plan edits as any other
        books.end_run(run.id, dt.datetime(2026, 1, 5, 20, 0))
        assert plan.verify_audit().ok
    finally:
        plan.close()
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(runbook_steps)")}
    assert not {"started_at", "finished_at", "executed_by", "outcome", "is_rollback"} & columns


def test_checklists_written_at_0004_get_a_section_and_the_new_statuses(tmp_path: Path) -> None:
    """Revision 0005: items move into a section in their order, yes/no become done/blocked,
    and the trail records it so the plan still verifies."""
    path = tmp_path / "old.gantry"
    checklist = {
        "id": 1,
        "release_id": 1,
        "is_template": 0,
        "kind": "go_no_go",
        "name": "GNG",
    }
    answers = [(3, "Notes approved", "yes"), (1, "Defects closed", "no"), (2, "Runbook", "open")]
    items = [
        (
            "checklist_items",
            {
                "id": item_id,
                "checklist_id": 1,
                "position": item_id * 10,
                "text": text,
                "owner_role": "QA lead",
                "status": status,
                "checked_by": "ann" if status != "open" else "",
                "checked_at": "2026-01-06T10:00:00" if status != "open" else None,
                "comment": "",
            },
            None,
        )
        for item_id, text, status in answers
    ]
    plan_at(path, "0004", [*ROWS, ("checklists", checklist, None), *items])

    plan = Plan.open(path, actor="bob")
    try:
        service = plan.checklists
        (release,) = plan.releases.rows()
        (kept,) = service.checklists(release.id)
        (section,) = service.sections_of(kept.id)
        assert section.name == "Checks"
        assert [(i.text, i.status, i.position) for i in service.items_of(section.id)] == [
            ("Defects closed", "blocked", 0),
            ("Runbook", "open", 1),
            ("Notes approved", "done", 2),
        ]
        assert {i.requirement for i in service.items_of(section.id)} == {"required"}
        report = plan.verify_audit()
        assert report.ok, report.problems
        # The upgraded plan holds its release as any other: the blocked item is named.
        with pytest.raises(ValidationError, match="Defects closed"):
            plan.releases.update(release.id, "status", "shipped")
        service.move_items([service.items_of(section.id)[2].id], section.id, 0)
        assert plan.verify_audit().ok
    finally:
        plan.close()
    actors = _on_file(path, "SELECT DISTINCT actor, reason FROM audit_events WHERE actor = 'bob'")
    # 0005's rows, and the approval rules 0008 seeds, are recorded under who opened the plan.
    assert all(
        "0005" in reason or "0008" in reason for _actor, reason in actors if "Move" not in reason
    )


def test_changes_written_at_0006_get_a_risk_links_and_only_decisions(tmp_path: Path) -> None:
    """Revision 0008: a change's environment becomes a link, its risk level a risk in that
    band, pending approval placeholders go, and the trail records it so the plan verifies."""
    path = tmp_path / "old.gantry"
    change = {
        "id": 1,
        "release_id": 1,
        "key": "CHG-1",
        "title": "Upgrade",
        "description": "",
        "category": "normal",
        "status": "submitted",
        "risk_level": "high",
        "requested_by": "ann",
        "environment_id": 1,
        "window_start": None,
        "window_end": None,
    }
    approvals = [
        {
            "id": approval_id,
            "change_request_id": 1,
            "approver": who,
            "role": "CAB member",
            "decision": decision,
            "meaning": "Approved",
            "decided_at": at,
            "comment": "",
        }
        for approval_id, who, decision, at in (
            (1, "cab", "approved", "2026-01-06T10:00:00"),
            (2, "sec", "pending", None),
        )
    ]
    environment = {"id": 1, "name": "prod", "tier": "production", "position": 0, "description": ""}
    plan_at(
        path,
        "0006",
        [
            *ROWS,
            ("environments", environment, None),
            ("change_requests", change, None),
            *(("approvals", a, None) for a in approvals),
        ],
    )

    plan = Plan.open(path, actor="bob")
    try:
        changes = plan.changes
        (row,) = changes.rows()
        assert changes.links(row.id) == (frozenset(), frozenset({1}))
        assert changes.risk_level(row.id) == "high"
        (risk,) = plan.risks.for_change(row.id)
        assert (risk.key, risk.likelihood, risk.impact) == ("CHG-1-RISK", 4, 4)
        assert [(a.approver, a.decision) for a in changes.approvals(row.id)] == [
            ("cab", "approved")
        ]
        assert {r.requirement.role for r in changes.approval_state(row.id).roles} == {
            "Release manager",
            "CAB member",
            "Service owner",
        }
        report = plan.verify_audit()
        assert report.ok, report.problems
        changes.move(row.id, "cancelled")  # the upgraded plan edits as any other
        assert plan.verify_audit().ok
    finally:
        plan.close()
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(change_requests)")}
    assert not {"risk_level", "environment_id"} & columns


def test_deployments_written_at_0006_get_actuals_and_a_consistent_rollback_flag(
    tmp_path: Path,
) -> None:
    """Revision 0010: environments get an owner; a deployment's duration becomes its actuals
    from the planned start, "failed" with the flag becomes "rolled_back"; the trail verifies."""
    path = tmp_path / "old.gantry"
    env = {"id": 1, "name": "prod", "tier": "production", "position": 0, "description": ""}
    deployments = [
        (
            "deployments",
            {
                "id": deployment_id,
                "release_id": 1,
                "environment_id": 1,
                "window_start": f"2026-01-{day:02d}T19:00:00",
                "window_end": f"2026-01-{day:02d}T22:00:00",
                "outcome": outcome,
                "duration_minutes": minutes,
                "rolled_back": flag,
                "deployed_by": "sre",
                "notes": "",
            },
            None,
        )
        for deployment_id, day, outcome, minutes, flag in (
            (1, 12, "succeeded", 75, 0),
            (2, 13, "failed", 40, 1),
            (3, 14, "rolled_back", None, 0),
            (4, 20, "planned", None, 0),
        )
    ]
    plan_at(path, "0006", [*ROWS, ("environments", env, None), *deployments])

    plan = Plan.open(path, actor="bob")
    try:
        assert plan.environments.row(1).owner == ""
        rows = {r.id: r for r in plan.deployments.rows()}
        assert (rows[1].actual_start, rows[1].actual_end, rows[1].duration_minutes) == (
            dt.datetime(2026, 1, 12, 19, 0),
            dt.datetime(2026, 1, 12, 20, 15),
            75,
        )
        assert rows[2].outcome == "rolled_back" and rows[2].incident_ref == ""
        assert rows[3].outcome == "rolled_back" and rows[3].actual_start is None
        assert rows[4].actual_start is None and rows[4].restore_minutes is None
        report = plan.verify_audit()
        assert report.ok, report.problems
        plan.deployments.update(4, "outcome", "succeeded")  # edits as any other plan
        plan.environments.update(1, "owner", "Aisha")
        assert plan.verify_audit().ok
    finally:
        plan.close()
    flags = _on_file(path, "SELECT id, rolled_back FROM deployments")
    assert flags == {(1, 0), (2, 1), (3, 1), (4, 0)}
