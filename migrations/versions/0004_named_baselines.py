"""named baselines replace the work items' baseline columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:12:26.689684

Each release whose items held baseline dates gets a baseline named "Baseline" holding them
(an item that held only one of the two dates has it as both). The baselines made here are
recorded in the audit trail as Gantry records one it sets: the row, with its item count and
the digest of its dates, under the user who opened the plan; the dates have no events.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app import audit


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "Baseline"
REASON = (
    "Upgrade to schema 0004: the work items' baseline dates are kept as the baseline "
    f"'{NAME}' of their release"
)


def upgrade() -> None:
    baselines = op.create_table('baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('dates_digest', sa.String(length=64), nullable=False),
    sa.CheckConstraint('item_count >= 0', name=op.f('ck_baselines_item_count_not_negative')),
    sa.CheckConstraint('length(dates_digest) = 64', name=op.f('ck_baselines_digest_length')),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_baselines_release_id_releases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baselines')),
    sa.UniqueConstraint('release_id', 'name', name=op.f('uq_baselines_release_id_name'))
    )
    with op.batch_alter_table('baselines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baselines_release_id'), ['release_id'], unique=False)

    dates = op.create_table('baseline_dates',
    sa.Column('baseline_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('finish', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['baseline_id'], ['baselines.id'], name=op.f('fk_baseline_dates_baseline_id_baselines')),
    sa.ForeignKeyConstraint(['item_id'], ['work_items.id'], name=op.f('fk_baseline_dates_item_id_work_items')),
    sa.PrimaryKeyConstraint('baseline_id', 'item_id', name=op.f('pk_baseline_dates'))
    )
    with op.batch_alter_table('baseline_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baseline_dates_item_id'), ['item_id'], unique=False)

    _keep_baseline_dates(baselines, dates)

    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_column('baseline_finish')
        batch_op.drop_column('baseline_start')


def _keep_baseline_dates(baselines: sa.Table, dates: sa.Table) -> None:
    bind = op.get_bind()
    held: dict[int, list[tuple[int, dt.date, dt.date]]] = {}
    for release_id, item_id, start, finish in bind.execute(
        sa.text(
            "SELECT release_id, id, COALESCE(baseline_start, baseline_finish), "
            "COALESCE(baseline_finish, baseline_start) FROM work_items "
            "WHERE baseline_start IS NOT NULL OR baseline_finish IS NOT NULL "
            "ORDER BY release_id, id"
        )
    ):
        day = dt.date.fromisoformat
        held.setdefault(release_id, []).append((item_id, day(start), day(finish)))
    if not held:
        return
    created_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    created: list[dict[str, Any]] = []
    for release_id, rows in held.items():
        values = {
            "release_id": release_id,
            "name": NAME,
            "created_at": created_at,
            "item_count": len(rows),
            "dates_digest": audit.content_digest(rows),
        }
        result = bind.execute(sa.insert(baselines).values(**values))
        baseline_id = result.inserted_primary_key[0]
        bind.execute(
            sa.insert(dates),
            [
                {"baseline_id": baseline_id, "item_id": i, "start": s, "finish": f}
                for i, s, f in rows
            ],
        )
        created.append({"id": baseline_id, **values})
    _audit_created(bind, created)


def _audit_created(bind: sa.Connection, created: list[dict[str, Any]]) -> None:
    """Append a create event per baseline to the hash chain, as app.audit would write it."""
    head = bind.execute(
        sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
    ).scalar_one_or_none() or audit.GENESIS
    actor = op.get_context().config.attributes.get("actor") or audit.default_actor()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    for values in created:
        after = audit.dump(values)
        digest = audit.event_hash(
            head, at, actor, "create", "baselines", values["id"], None, after, REASON
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id, subject_id, "
                "before, after, reason, prev_hash, hash) VALUES (:at, :actor, 'create', "
                "'baselines', :entity_id, NULL, NULL, :after, :reason, :prev_hash, :hash)"
            ),
            {
                "at": at,
                "actor": actor,
                "entity_id": values["id"],
                "after": after,
                "reason": REASON,
                "prev_hash": head,
                "hash": digest,
            },
        )
        head = digest


def downgrade() -> None:
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_start', sa.DATE(), nullable=True))
        batch_op.add_column(sa.Column('baseline_finish', sa.DATE(), nullable=True))

    # Schema 0003 holds one baseline per item: each release's first one goes back there.
    for column in ("start", "finish"):
        op.execute(
            f"UPDATE work_items SET baseline_{column} = (SELECT d.{column} FROM baseline_dates d "
            "WHERE d.item_id = work_items.id AND d.baseline_id = (SELECT MIN(b.id) "
            "FROM baselines b WHERE b.release_id = work_items.release_id))"
        )

    with op.batch_alter_table('baseline_dates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baseline_dates_item_id'))

    op.drop_table('baseline_dates')
    with op.batch_alter_table('baselines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baselines_release_id'))

    op.drop_table('baselines')
