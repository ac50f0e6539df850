"""runbook templates, step planning fields, step links, and runs holding the actuals

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-20 09:00:00

Sections become one of preparation, communication, data_migration, deploy, verify, rollback
(the demo's and the usual names map over; a step marked as a rollback step is in "rollback";
any other name maps to "preparation" and is kept at the head of the step's instructions). The
execution columns leave the steps: a runbook whose steps held actuals gets one live run,
number 1, holding them, so several runs can be kept and compared from now on.

The trail records what the upgrade did as Gantry records an edit, under the user who opened
the plan: an update per runbook and step (the new columns, a mapped section) and a create per
run and execution, so `gantry audit verify` passes on the upgraded plan.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app import audit

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = "Upgrade to schema 0006: runbook steps gain planning fields; their actuals become a run"
SECTIONS = ("preparation", "communication", "data_migration", "deploy", "verify", "rollback")
MIGRATION_PARTS = ("pre_check", "backup", "backup_verify", "migrate", "post_check", "restore")
# Section names as earlier Gantry versions and common runbooks wrote them, lower-cased.
SECTION_NAMES = {
    "preparation": "preparation",
    "prepare": "preparation",
    "communication": "communication",
    "communications": "communication",
    "data migration": "data_migration",
    "data_migration": "data_migration",
    "migration": "data_migration",
    "deploy": "deploy",
    "deployment": "deploy",
    "verify": "verify",
    "verification": "verify",
    "rollback": "rollback",
}

OLD_STEPS = sa.table(
    "runbook_steps",
    sa.column("id", sa.Integer),
    sa.column("runbook_id", sa.Integer),
    sa.column("section", sa.String),
    sa.column("instructions", sa.Text),
    sa.column("is_rollback", sa.Boolean),
    sa.column("started_at", sa.DateTime),
    sa.column("finished_at", sa.DateTime),
    sa.column("executed_by", sa.String),
    sa.column("outcome", sa.String),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    bind = op.get_bind()
    steps = [dict(row._mapping) for row in bind.execute(sa.select(OLD_STEPS))]
    book_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM runbooks ORDER BY id"))]

    with op.batch_alter_table("runbooks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_template", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("planned_start", sa.DateTime(), nullable=True))
        batch_op.alter_column("release_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            "template_has_no_release",
            "(is_template AND release_id IS NULL) OR (NOT is_template AND release_id IS NOT NULL)",
        )

    runs = op.create_table(
        "runbook_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runbook_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("kind IN ('rehearsal', 'live')", name=op.f("ck_runbook_runs_kind")),
        sa.CheckConstraint(
            "status IN ('running', 'completed', 'failed', 'aborted')",
            name=op.f("ck_runbook_runs_status"),
        ),
        sa.ForeignKeyConstraint(
            ["runbook_id"], ["runbooks.id"], name=op.f("fk_runbook_runs_runbook_id_runbooks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runbook_runs")),
        sa.UniqueConstraint("runbook_id", "number", name=op.f("uq_runbook_runs_runbook_id_number")),
    )
    with op.batch_alter_table("runbook_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runbook_runs_runbook_id"), ["runbook_id"])

    executions = op.create_table(
        "run_step_executions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("executed_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('pending', 'done', 'failed', 'skipped')",
            name=op.f("ck_run_step_executions_outcome"),
        ),
        sa.CheckConstraint(
            "finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at",
            name=op.f("ck_run_step_executions_finish_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runbook_runs.id"], name=op.f("fk_run_step_executions_run_id_runbook_runs")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["runbook_steps.id"],
            name=op.f("fk_run_step_executions_step_id_runbook_steps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_step_executions")),
        sa.UniqueConstraint(
            "run_id", "step_id", name=op.f("uq_run_step_executions_run_id_step_id")
        ),
    )
    with op.batch_alter_table("run_step_executions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_step_executions_run_id"), ["run_id"])
        batch_op.create_index(batch_op.f("ix_run_step_executions_step_id"), ["step_id"])

    op.create_table(
        "runbook_step_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("waits_for_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "step_id <> waits_for_id", name=op.f("ck_runbook_step_links_not_itself")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["runbook_steps.id"],
            name=op.f("fk_runbook_step_links_step_id_runbook_steps"),
        ),
        sa.ForeignKeyConstraint(
            ["waits_for_id"],
            ["runbook_steps.id"],
            name=op.f("fk_runbook_step_links_waits_for_id_runbook_steps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runbook_step_links")),
        sa.UniqueConstraint(
            "step_id", "waits_for_id", name=op.f("uq_runbook_step_links_step_id_waits_for_id")
        ),
    )
    with op.batch_alter_table("runbook_step_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runbook_step_links_step_id"), ["step_id"])
        batch_op.create_index(batch_op.f("ix_runbook_step_links_waits_for_id"), ["waits_for_id"])

    events: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]] = []
    for book_id in book_ids:
        events.append(
            (
                "update",
                "runbooks",
                book_id,
                {"id": book_id},
                {
                    "id": book_id,
                    "is_template": False,
                    "planned_start": None,
                },
            )
        )
    events.extend(_map_sections(bind, steps))
    events.extend(_keep_actuals(bind, steps, runs, executions))

    with op.batch_alter_table("runbook_steps", schema=None) as batch_op:
        batch_op.drop_constraint("outcome", type_="check")
        batch_op.drop_column("started_at")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("executed_by")
        batch_op.drop_column("outcome")
        batch_op.drop_column("is_rollback")
        batch_op.alter_column(
            "section", existing_type=sa.String(length=120), type_=sa.String(length=20)
        )
        batch_op.add_column(sa.Column("start_offset", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("start_clock", sa.String(length=5), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("rollback_step_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("point_of_no_return", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("migration_part", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_runbook_steps_rollback_step_id"), ["rollback_step_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_runbook_steps_rollback_step_id_runbook_steps"),
            "runbook_steps",
            ["rollback_step_id"],
            ["id"],
        )
        batch_op.create_check_constraint("section", _in("section", SECTIONS))
        batch_op.create_check_constraint("migration_part", _in("migration_part", MIGRATION_PARTS))
        batch_op.create_check_constraint(
            "start_offset", "start_offset IS NULL OR start_offset >= 0"
        )
        batch_op.create_check_constraint(
            "one_kind_of_planned_start", "start_offset IS NULL OR start_clock = ''"
        )
    _audit(bind, events)


def _section(step: dict[str, Any]) -> str:
    if step["is_rollback"]:
        return "rollback"
    return SECTION_NAMES.get((step["section"] or "").strip().lower(), "preparation")


def _map_sections(
    bind: sa.Connection, steps: list[dict[str, Any]]
) -> list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]]:
    events: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]] = []
    for step in steps:
        section = _section(step)
        before: dict[str, Any] = {
            "id": step["id"],
            "section": step["section"],
            "is_rollback": step["is_rollback"],
            "started_at": step["started_at"],
            "finished_at": step["finished_at"],
            "executed_by": step["executed_by"],
            "outcome": step["outcome"],
        }
        after: dict[str, Any] = {
            "id": step["id"],
            "section": section,
            "start_offset": None,
            "start_clock": "",
            "rollback_step_id": None,
            "point_of_no_return": False,
            "migration_part": None,
        }
        known = (step["section"] or "").strip().lower() in SECTION_NAMES
        if not known and not step["is_rollback"] and (step["section"] or "").strip():
            # The name is not lost: it heads the instructions, where a reader finds it.
            text = f"Section before schema 0006: {step['section']}\n{step['instructions']}"
            before["instructions"], after["instructions"] = step["instructions"], text
            bind.execute(
                sa.update(OLD_STEPS).where(OLD_STEPS.c.id == step["id"]).values(instructions=text)
            )
        bind.execute(
            sa.update(OLD_STEPS).where(OLD_STEPS.c.id == step["id"]).values(section=section)
        )
        events.append(("update", "runbook_steps", step["id"], before, after))
    return events


def _keep_actuals(
    bind: sa.Connection, steps: list[dict[str, Any]], runs: sa.Table, executions: sa.Table
) -> list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]]:
    """Each runbook's step actuals become its live run number 1."""
    events: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]] = []
    held: dict[int, list[dict[str, Any]]] = {}
    for step in steps:
        if step["started_at"] or step["finished_at"] or step["outcome"] != "pending":
            held.setdefault(step["runbook_id"], []).append(step)
    for book_id, done in sorted(held.items()):
        starts = [
            s["started_at"] or s["finished_at"] for s in done if s["started_at"] or s["finished_at"]
        ]
        finishes = [s["finished_at"] for s in done if s["finished_at"]]
        outcomes = {s["outcome"] for s in done}
        every_step = len(done) == sum(1 for s in steps if s["runbook_id"] == book_id)
        if "failed" in outcomes:
            status = "failed"
        elif every_step and "pending" not in outcomes:
            status = "completed"
        else:
            status = "running"
        first = min(done, key=lambda s: s["started_at"] or s["finished_at"] or dt.datetime.max)
        run: dict[str, Any] = {
            "runbook_id": book_id,
            "number": 1,
            "kind": "live",
            "status": status,
            # A run needs a start; actuals without any time started when the upgrade ran.
            "started_at": min(starts) if starts else _now(),
            "ended_at": max(finishes) if finishes and status != "running" else None,
            "started_by": first["executed_by"] or "",
        }
        run_id = bind.execute(sa.insert(runs).values(**run)).inserted_primary_key[0]
        events.append(("create", "runbook_runs", run_id, None, {"id": run_id, **run}))
        for step in done:
            execution: dict[str, Any] = {
                "run_id": run_id,
                "step_id": step["id"],
                "started_at": step["started_at"],
                "finished_at": step["finished_at"],
                "outcome": step["outcome"],
                "reason": "",
                "executed_by": step["executed_by"] or "",
            }
            execution_id = bind.execute(
                sa.insert(executions).values(**execution)
            ).inserted_primary_key[0]
            events.append(
                (
                    "create",
                    "run_step_executions",
                    execution_id,
                    None,
                    {"id": execution_id, **execution},
                )
            )
    return events


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _audit(
    bind: sa.Connection,
    events: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]],
) -> None:
    """Append the events to the hash chain, as app.audit writes them."""
    if not events:
        return
    head = (
        bind.execute(
            sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
        ).scalar_one_or_none()
        or audit.GENESIS
    )
    actor = op.get_context().config.attributes.get("actor") or audit.default_actor()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    for action, entity, entity_id, before, after in events:
        before_s, after_s = audit.dump(before), audit.dump(after)
        digest = audit.event_hash(
            head, at, actor, action, entity, entity_id, before_s, after_s, REASON
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id, subject_id, "
                "before, after, reason, prev_hash, hash) VALUES (:at, :actor, :action, "
                ":entity, :entity_id, NULL, :before, :after, :reason, :prev_hash, :hash)"
            ),
            {
                "at": at,
                "actor": actor,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": before_s,
                "after": after_s,
                "reason": REASON,
                "prev_hash": head,
                "hash": digest,
            },
        )
        head = digest


def downgrade() -> None:
    with op.batch_alter_table("runbook_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("executed_by", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=20), nullable=False, server_default="pending")
        )
        batch_op.add_column(
            sa.Column("is_rollback", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Schema 0004 holds one set of actuals per step: the latest run's go back there.
    for column in ("started_at", "finished_at", "executed_by", "outcome"):
        op.execute(
            f"UPDATE runbook_steps SET {column} = COALESCE((SELECT e.{column} FROM "
            "run_step_executions e WHERE e.step_id = runbook_steps.id ORDER BY e.run_id DESC "
            f"LIMIT 1), {column})"
        )
    op.execute("UPDATE runbook_steps SET is_rollback = (section = 'rollback')")
    with op.batch_alter_table("runbook_steps", schema=None) as batch_op:
        batch_op.drop_constraint("section", type_="check")
        batch_op.drop_constraint("migration_part", type_="check")
        batch_op.drop_constraint("start_offset", type_="check")
        batch_op.drop_constraint("one_kind_of_planned_start", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_runbook_steps_rollback_step_id_runbook_steps"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_runbook_steps_rollback_step_id"))
        batch_op.drop_column("migration_part")
        batch_op.drop_column("point_of_no_return")
        batch_op.drop_column("rollback_step_id")
        batch_op.drop_column("start_clock")
        batch_op.drop_column("start_offset")
        batch_op.alter_column(
            "section", existing_type=sa.String(length=20), type_=sa.String(length=120)
        )
        batch_op.create_check_constraint(
            "outcome", "outcome IN ('pending', 'done', 'failed', 'skipped')"
        )
    op.drop_table("runbook_step_links")
    op.drop_table("run_step_executions")
    op.drop_table("runbook_runs")
    op.execute(
        "DELETE FROM runbook_steps WHERE runbook_id IN (SELECT id FROM runbooks WHERE is_template)"
    )
    op.execute("DELETE FROM runbooks WHERE is_template")
    with op.batch_alter_table("runbooks", schema=None) as batch_op:
        batch_op.drop_constraint("template_has_no_release", type_="check")
        batch_op.alter_column("release_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("planned_start")
        batch_op.drop_column("is_template")
