"""Document signatures: who signed which revision of a release's runbook or record, and the file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

DOCUMENT_KINDS = ("runbook", "record")
# The controlled list of app.signing.meanings, repeated here: models import nothing from app.
SIGNATURE_MEANINGS = ("authored", "reviewed", "approved")


class DocumentSignature(Base):
    """One signature put into an exported PDF, recorded in the plan.

    Rows are only ever added: the signed file exists whatever the plan says, so a record is
    a fact like an audit event, not an edit to undo.
    """

    __tablename__ = "document_signatures"
    __table_args__ = (
        one_of("document_kind", DOCUMENT_KINDS),
        one_of("meaning", SIGNATURE_MEANINGS),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("length(certificate_fingerprint) = 64", name="fingerprint_length"),
        # The same signed file recorded twice would count one signature as two.
        UniqueConstraint("sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    document_kind: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[str] = mapped_column(String(120))
    revision: Mapped[int] = mapped_column()
    signer: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[str] = mapped_column(String(20))
    # UTC, stored without a zone (SQLite keeps none), to the second.
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # SHA-256 of the whole signed file as it was written, hex.
    sha256: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the signer's certificate (DER), hex.
    certificate_fingerprint: Mapped[str] = mapped_column(String(64))
