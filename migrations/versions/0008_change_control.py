"""change control: what a change touches, its rollback plan, risks per change and their
mitigations, signed approvals, approvers with PINs, and the approval rules

Revision ID: 0008
Revises: 0007

Change requests lose their one environment and their risk level: a change names any number
of environments and components (change_environments, change_components), and its risk is
assessed like a release's, on the 5x5 matrix (risks.change_request_id). Each old level becomes
a risk on its change in that band (low 2x2, medium 3x3, high 4x4). A change may be cancelled
and names the runbook whose rollback section is its rollback plan.

An approval is a decision now (approved, approved with conditions, rejected) and always has
its time; the placeholders of decisions still to come (decision "pending") are deleted: which
decisions a change needs follows from approval_rules, seeded here with the defaults that
docs/architecture.md documents. approvers holds who may sign, their roles and a salted hash of
their approval PIN; risk_mitigations the actions that lower a risk.

What this revision writes into or deletes from existing rows is recorded in the audit trail
as Gantry records any change, under the user who opened the plan, so `gantry audit verify`
passes on the upgraded plan.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app import audit

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = (
    "Upgrade to schema 0008: change requests name their environments and components, their "
    "risk is assessed on the matrix, and approvals follow the plan's approval rules"
)
# An old risk level as likelihood x impact in that band of the 5x5 matrix.
LEVEL_CELLS = {"low": (2, 2), "medium": (3, 3), "high": (4, 4)}
# (category, min_level, role, count, after_the_fact): the defaults every plan starts with.
DEFAULT_RULES = (
    ("standard", "high", "CAB member", 2, False),
    ("standard", "high", "Service owner", 1, False),
    ("normal", "low", "Release manager", 1, False),
    ("normal", "medium", "CAB member", 1, False),
    ("normal", "high", "CAB member", 2, False),
    ("normal", "high", "Service owner", 1, False),
    ("emergency", "low", "Release manager", 1, True),
    ("emergency", "low", "CAB member", 1, True),
    ("emergency", "high", "Service owner", 1, True),
)
STATUSES = ("draft", "submitted", "approved", "rejected", "implemented", "closed", "cancelled")
OLD_STATUSES = ("draft", "submitted", "approved", "rejected", "implemented", "closed")
CATEGORIES = ("standard", "normal", "emergency")
LEVELS = ("low", "medium", "high", "critical")

Event = tuple[str, str, int, dict[str, Any] | None, dict[str, Any] | None]


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    bind = op.get_bind()
    changes = [
        dict(row._mapping)
        for row in bind.execute(
            sa.text("SELECT id, key, risk_level, environment_id FROM change_requests ORDER BY id")
        )
    ]
    approvals = [
        dict(row._mapping) for row in bind.execute(sa.text("SELECT * FROM approvals ORDER BY id"))
    ]

    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_environment_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_change_requests_environment_id_environments"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_change_requests_risk_level"), type_="check")
        batch_op.drop_column("environment_id")
        batch_op.drop_column("risk_level")
        batch_op.drop_constraint(batch_op.f("ck_change_requests_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_change_requests_status"), _in("status", STATUSES)
        )
        batch_op.add_column(sa.Column("rollback_runbook_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("rollback_notes", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_rollback_runbook_id"), ["rollback_runbook_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_change_requests_rollback_runbook_id_runbooks"),
            "runbooks",
            ["rollback_runbook_id"],
            ["id"],
        )

    links = {}
    for table, column, referred in (
        ("change_components", "component_id", "components"),
        ("change_environments", "environment_id", "environments"),
    ):
        links[table] = op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("change_request_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["change_request_id"],
                ["change_requests.id"],
                name=op.f(f"fk_{table}_change_request_id_change_requests"),
            ),
            sa.ForeignKeyConstraint(
                [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(
                "change_request_id", column, name=op.f(f"uq_{table}_change_request_id_{column}")
            ),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_change_request_id"), ["change_request_id"]
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column])

    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_request_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("residual_likelihood", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("residual_impact", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_risks_change_request_id"), ["change_request_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_risks_change_request_id_change_requests"),
            "change_requests",
            ["change_request_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_risks_residual_likelihood_range"),
            "residual_likelihood IS NULL OR residual_likelihood BETWEEN 1 AND 5",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_risks_residual_impact_range"),
            "residual_impact IS NULL OR residual_impact BETWEEN 1 AND 5",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_risks_one_subject"), "release_id IS NULL OR change_request_id IS NULL"
        )

    op.create_table(
        "risk_mitigations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_risk_mitigations_status")),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risks.id"], name=op.f("fk_risk_mitigations_risk_id_risks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_mitigations")),
    )
    with op.batch_alter_table("risk_mitigations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_mitigations_risk_id"), ["risk_id"])

    op.create_table(
        "approvers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("roles", sa.String(length=300), nullable=False),
        sa.Column("pin_salt", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=128), nullable=False),
        sa.Column("pin_set_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvers")),
        sa.UniqueConstraint("name", name=op.f("uq_approvers_name")),
    )
    rules = op.create_table(
        "approval_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("min_level", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("after_the_fact", sa.Boolean(), nullable=False),
        sa.CheckConstraint(_in("category", CATEGORIES), name=op.f("ck_approval_rules_category")),
        sa.CheckConstraint(_in("min_level", LEVELS), name=op.f("ck_approval_rules_min_level")),
        sa.CheckConstraint("count BETWEEN 1 AND 5", name=op.f("ck_approval_rules_count_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_rules")),
        sa.UniqueConstraint(
            "category", "min_level", "role", name=op.f("uq_approval_rules_category_min_level_role")
        ),
    )

    events: list[Event] = []
    events.extend(_move_change_fields(bind, changes, links["change_environments"]))
    events.extend(_decisions_only(bind, approvals))
    for rule_id, (category, min_level, role, count, later) in enumerate(DEFAULT_RULES, 1):
        row = {
            "id": rule_id,
            "category": category,
            "min_level": min_level,
            "role": role,
            "count": count,
            "after_the_fact": later,
        }
        bind.execute(sa.insert(rules).values(**row))
        events.append(("create", "approval_rules", rule_id, None, row))

    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_approvals_decision"), type_="check")
        batch_op.alter_column(
            "decision", existing_type=sa.String(length=20), type_=sa.String(length=30)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_approvals_decision"),
            "decision IN ('approved', 'approved_with_conditions', 'rejected')",
        )
        batch_op.alter_column("decided_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.add_column(
            sa.Column("after_the_fact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_approvals_change_request_id_approver"), ["change_request_id", "approver"]
        )
    _audit(bind, events)


def _move_change_fields(
    bind: sa.Connection, changes: list[dict[str, Any]], environments: sa.Table
) -> list[Event]:
    """Each change's environment becomes a link to it; its risk level, a risk in that band."""
    events: list[Event] = []
    # A Table with its key, so an insert gives back the new row's id.
    risks = sa.Table(
        "risks",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("release_id", sa.Integer),
        sa.Column("change_request_id", sa.Integer),
        sa.Column("key", sa.String),
        sa.Column("title", sa.String),
        sa.Column("likelihood", sa.Integer),
        sa.Column("impact", sa.Integer),
        sa.Column("residual_likelihood", sa.Integer),
        sa.Column("residual_impact", sa.Integer),
        sa.Column("mitigation", sa.Text),
        sa.Column("owner", sa.String),
        sa.Column("status", sa.String),
    )
    taken = {row[0] for row in bind.execute(sa.text("SELECT key FROM risks"))}
    for change in changes:
        events.append(
            (
                "update",
                "change_requests",
                change["id"],
                {
                    "id": change["id"],
                    "risk_level": change["risk_level"],
                    "environment_id": change["environment_id"],
                },
                {"id": change["id"], "rollback_runbook_id": None, "rollback_notes": ""},
            )
        )
        if change["environment_id"] is not None:
            link = {"change_request_id": change["id"], "environment_id": change["environment_id"]}
            link_id = bind.execute(sa.insert(environments).values(**link)).inserted_primary_key[0]
            events.append(("create", "change_environments", link_id, None, {"id": link_id, **link}))
        key = f"{change['key']}-RISK"
        while key in taken:
            key += "'"
        taken.add(key)
        likelihood, impact = LEVEL_CELLS[change["risk_level"]]
        risk = {
            "release_id": None,
            "change_request_id": change["id"],
            "key": key,
            "title": f"Risk of the change (assessed as {change['risk_level']} before schema 0008)",
            "likelihood": likelihood,
            "impact": impact,
            "residual_likelihood": None,
            "residual_impact": None,
            "mitigation": "",
            "owner": "",
            "status": "open",
        }
        risk_id = bind.execute(sa.insert(risks).values(**risk)).inserted_primary_key[0]
        events.append(("create", "risks", risk_id, None, {"id": risk_id, **risk}))
    return events


def _decisions_only(bind: sa.Connection, approvals: list[dict[str, Any]]) -> list[Event]:
    """Pending placeholders go (the rules say what is still needed); a decision without a
    time gets the time of the upgrade, the first moment it is known to have been made."""
    events: list[Event] = []
    for approval in approvals:
        if approval["decision"] == "pending":
            bind.execute(sa.text("DELETE FROM approvals WHERE id = :id"), {"id": approval["id"]})
            events.append(("delete", "approvals", approval["id"], approval, None))
            continue
        after: dict[str, Any] = {"id": approval["id"], "after_the_fact": False}
        before: dict[str, Any] = {"id": approval["id"]}
        if approval["decided_at"] is None:
            now = _now()
            bind.execute(
                sa.text("UPDATE approvals SET decided_at = :at WHERE id = :id"),
                {"at": now, "id": approval["id"]},
            )
            before["decided_at"], after["decided_at"] = None, now
        events.append(("update", "approvals", approval["id"], before, after))
    return events


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _audit(bind: sa.Connection, events: list[Event]) -> None:
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
    # Schema 0006 knows neither cancelled changes nor conditions, nor risks of a change.
    op.execute("UPDATE change_requests SET status = 'closed' WHERE status = 'cancelled'")
    op.execute(
        "UPDATE approvals SET decision = 'approved' WHERE decision = 'approved_with_conditions'"
    )
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_approvals_change_request_id_approver"), type_="unique"
        )
        batch_op.drop_column("after_the_fact")
        batch_op.alter_column("decided_at", existing_type=sa.DateTime(), nullable=True)
        batch_op.drop_constraint(batch_op.f("ck_approvals_decision"), type_="check")
        batch_op.alter_column(
            "decision", existing_type=sa.String(length=30), type_=sa.String(length=20)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_approvals_decision"), "decision IN ('pending', 'approved', 'rejected')"
        )
    op.drop_table("approval_rules")
    op.drop_table("approvers")
    with op.batch_alter_table("risk_mitigations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_mitigations_risk_id"))
    op.drop_table("risk_mitigations")

    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("risk_level", sa.String(length=10), nullable=False, server_default="medium")
        )
        batch_op.add_column(sa.Column("environment_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE change_requests SET environment_id = (SELECT MIN(e.environment_id) FROM "
        "change_environments e WHERE e.change_request_id = change_requests.id)"
    )
    op.execute("DELETE FROM risks WHERE change_request_id IS NOT NULL")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_risks_one_subject"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_risks_residual_impact_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_risks_residual_likelihood_range"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_risks_change_request_id_change_requests"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_risks_change_request_id"))
        batch_op.drop_column("residual_impact")
        batch_op.drop_column("residual_likelihood")
        batch_op.drop_column("change_request_id")
    for table, column in (
        ("change_components", "component_id"),
        ("change_environments", "environment_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_change_request_id"))
        op.drop_table(table)

    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_change_requests_rollback_runbook_id_runbooks"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_change_requests_rollback_runbook_id"))
        batch_op.drop_column("rollback_notes")
        batch_op.drop_column("rollback_runbook_id")
        batch_op.drop_constraint(batch_op.f("ck_change_requests_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_change_requests_status"), _in("status", OLD_STATUSES)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_change_requests_risk_level"), "risk_level IN ('low', 'medium', 'high')"
        )
        batch_op.create_index(batch_op.f("ix_change_requests_environment_id"), ["environment_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_change_requests_environment_id_environments"),
            "environments",
            ["environment_id"],
            ["id"],
        )
