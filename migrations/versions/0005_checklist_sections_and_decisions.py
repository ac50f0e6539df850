"""checklist sections, item rules and evidence, go/no-go decisions

Revision ID: 0005
Revises: 0004

Checklists get a security-review kind and the roles who decide a go/no-go; items live in
ordered sections and gain an owner, required/optional, a due date relative to a release
date, evidence (text, a link or a file path) and the statuses open, done, not applicable
and blocked. Each existing checklist gets one section, "Checks", holding its items in their
order; an answer "yes" becomes done and "no" blocked (a check answered no is a condition
not met, which holds the release as a blocked item does). go_no_go_decisions records who
decided go, no-go or go with exceptions, as what, when and why.

What this revision writes into existing rows is recorded in the audit trail as Gantry
records any change, under the user who opened the plan, so the trail keeps describing the
data.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app import audit


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECTION = "Checks"
REASON = (
    "Upgrade to schema 0005: checklist items are kept in sections, with required/optional, "
    "evidence and the statuses done and blocked"
)
_NEW_STATUS = {"yes": "done", "no": "blocked"}
_OLD_STATUS = {new: old for old, new in _NEW_STATUS.items()}


def upgrade() -> None:
    with op.batch_alter_table('checklists', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('deciders', sa.String(length=400), nullable=False, server_default='')
        )
        batch_op.drop_constraint(op.f('ck_checklists_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_checklists_kind'),
            "kind IN ('go_no_go', 'readiness', 'security_review', 'post_release')",
        )

    sections = op.create_table('checklist_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['checklist_id'], ['checklists.id'], name=op.f('fk_checklist_sections_checklist_id_checklists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_sections'))
    )
    with op.batch_alter_table('checklist_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_sections_checklist_id'), ['checklist_id'], unique=False)

    op.create_table('go_no_go_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('person', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("decision IN ('go', 'no_go', 'go_with_exceptions')", name=op.f('ck_go_no_go_decisions_decision')),
    sa.ForeignKeyConstraint(['checklist_id'], ['checklists.id'], name=op.f('fk_go_no_go_decisions_checklist_id_checklists')),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_go_no_go_decisions_release_id_releases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_go_no_go_decisions'))
    )
    with op.batch_alter_table('go_no_go_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_go_no_go_decisions_checklist_id'), ['checklist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_go_no_go_decisions_release_id'), ['release_id'], unique=False)

    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('owner', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('requirement', sa.String(length=10), nullable=False, server_default='required'))
        batch_op.add_column(sa.Column('due_offset', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_milestone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('evidence_kind', sa.String(length=10), nullable=False, server_default='text'))
        batch_op.add_column(sa.Column('evidence', sa.Text(), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('uq_checklist_items_checklist_id_position'), type_='unique')
        batch_op.drop_constraint(op.f('ck_checklist_items_status'), type_='check')

    _move_into_sections(sections)

    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.alter_column('section_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_checklist_items_section_id'), ['section_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_checklist_items_section_id_checklist_sections'), 'checklist_sections', ['section_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_checklist_items_status'), "status IN ('open', 'done', 'not_applicable', 'blocked')")
        batch_op.create_check_constraint(op.f('ck_checklist_items_requirement'), "requirement IN ('required', 'optional')")
        batch_op.create_check_constraint(op.f('ck_checklist_items_evidence_kind'), "evidence_kind IN ('text', 'link', 'file')")
        batch_op.create_check_constraint(op.f('ck_checklist_items_due_milestone'), "due_milestone IN ('start_date', 'feature_freeze', 'code_freeze', 'target_date')")


def _move_into_sections(sections: sa.Table) -> None:
    """One section per checklist holding its items; the old answers as the new statuses."""
    bind = op.get_bind()
    events: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]] = []
    for (checklist_id,) in bind.execute(sa.text("SELECT id FROM checklists ORDER BY id")):
        events.append(
            ("update", "checklists", checklist_id, {"id": checklist_id, "deciders": None},
             {"id": checklist_id, "deciders": ""})
        )
        values = {"checklist_id": checklist_id, "position": 0, "name": SECTION}
        section_id = bind.execute(sa.insert(sections).values(**values)).inserted_primary_key[0]
        events.append(("create", "checklist_sections", section_id, None, {"id": section_id, **values}))
        items = bind.execute(
            sa.text(
                "SELECT id, status, position FROM checklist_items WHERE checklist_id = :c "
                "ORDER BY position, id"
            ),
            {"c": checklist_id},
        ).all()
        for position, (item_id, status, old_position) in enumerate(items):
            new_status = _NEW_STATUS.get(status, status)
            bind.execute(
                sa.text(
                    "UPDATE checklist_items SET section_id = :s, position = :p, status = :st "
                    "WHERE id = :i"
                ),
                {"s": section_id, "p": position, "st": new_status, "i": item_id},
            )
            before: dict[str, Any] = {
                "id": item_id, "section_id": None, "owner": None, "requirement": None,
                "evidence_kind": None, "evidence": None,
            }
            after: dict[str, Any] = {
                "id": item_id, "section_id": section_id, "owner": "", "requirement": "required",
                "evidence_kind": "text", "evidence": "",
            }
            if new_status != status:
                before["status"], after["status"] = status, new_status
            # Renumbered from 0 within the section, in the order they had.
            if position != old_position:
                before["position"], after["position"] = old_position, position
            events.append(("update", "checklist_items", item_id, before, after))
    _audit(bind, events)


def _audit(
    bind: sa.Connection,
    events: list[tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]],
) -> None:
    """Append the events to the hash chain, as app.audit writes them."""
    if not events:
        return
    head = bind.execute(
        sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
    ).scalar_one_or_none() or audit.GENESIS
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
    bind = op.get_bind()
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_items_status'), type_='check')
    # Schema 0004 numbers items per checklist: in section order, then item order.
    bind.execute(sa.text(
        "UPDATE checklist_items SET position = (SELECT COUNT(*) FROM checklist_items o "
        "JOIN checklist_sections os ON os.id = o.section_id "
        "JOIN checklist_sections s ON s.id = checklist_items.section_id "
        "WHERE o.checklist_id = checklist_items.checklist_id AND "
        "(os.position < s.position OR (os.position = s.position AND (o.position < "
        "checklist_items.position OR (o.position = checklist_items.position AND "
        "o.id < checklist_items.id)))))"
    ))
    for new, old in _OLD_STATUS.items():
        bind.execute(sa.text("UPDATE checklist_items SET status = :o WHERE status = :n"), {"o": old, "n": new})
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_items_due_milestone'), type_='check')
        batch_op.drop_constraint(op.f('ck_checklist_items_evidence_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_checklist_items_requirement'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_checklist_items_section_id_checklist_sections'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_checklist_items_section_id'))
        batch_op.drop_column('evidence')
        batch_op.drop_column('evidence_kind')
        batch_op.drop_column('due_milestone')
        batch_op.drop_column('due_offset')
        batch_op.drop_column('requirement')
        batch_op.drop_column('owner')
        batch_op.drop_column('section_id')
        batch_op.create_check_constraint(op.f('ck_checklist_items_status'), "status IN ('open', 'yes', 'no', 'not_applicable')")
        batch_op.create_unique_constraint(batch_op.f('uq_checklist_items_checklist_id_position'), ['checklist_id', 'position'])

    with op.batch_alter_table('go_no_go_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_go_no_go_decisions_release_id'))
        batch_op.drop_index(batch_op.f('ix_go_no_go_decisions_checklist_id'))
    op.drop_table('go_no_go_decisions')
    with op.batch_alter_table('checklist_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_sections_checklist_id'))
    op.drop_table('checklist_sections')

    op.execute(
        "DELETE FROM checklist_items WHERE checklist_id IN "
        "(SELECT id FROM checklists WHERE kind = 'security_review')"
    )
    op.execute("DELETE FROM checklists WHERE kind = 'security_review'")
    with op.batch_alter_table('checklists', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklists_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklists_kind'), "kind IN ('go_no_go', 'readiness', 'post_release')")
        batch_op.drop_column('deciders')
