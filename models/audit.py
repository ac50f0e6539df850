"""The audit trail: one hash-chained event per change to plan data."""

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

AUDIT_ACTIONS = ("create", "update", "delete")


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        one_of("action", AUDIT_ACTIONS),
        CheckConstraint("length(hash) = 64", name="hash_length"),
        # An item's history is looked up by (entity, id).
        Index("ix_audit_events_entity_ref", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ISO 8601 UTC text, so the hashed value is exactly what is stored.
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    # The work item an event is about (the item itself, or a link's successor), so an item's
    # history shows its dependency changes too. NULL for events written before revision 0003
    # and for entities that concern no single item; hashed only when set.
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
