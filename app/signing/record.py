"""Signatures recorded in the plan: who signed which revision of a release's document, with the
signed file's SHA-256, and the release's history that shows them.

Recording goes through the unit of work, so the audit trail holds a create event for every
signature. There is no undo: the signed file exists whatever the plan says, so a record is
a fact (like an audit event), not an edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.audit import AUDIT_TABLE, HistoryEntry, history
from app.errors import ValidationError
from app.plan import Plan
from app.signing.meanings import check_meaning
from models import DocumentSignature, Release
from models.signatures import DOCUMENT_KINDS

if TYPE_CHECKING:  # the plan's side of signing must not import pyHanko (the window uses it)
    from app.signing.sign import Signed

ENTITY = DocumentSignature.__tablename__


@dataclass(frozen=True, slots=True)
class SignatureRow:
    id: int
    release_id: int
    document_kind: str
    document_id: str
    revision: int
    signer: str
    meaning: str
    signed_at: dt.datetime  # UTC (zone-aware)
    sha256: str
    certificate_fingerprint: str


def record_signature(
    plan: Plan,
    release_id: int,
    document_kind: str,
    document_id: str,
    revision: int,
    signed: Signed,
    reason: str = "",
) -> int:
    """Record one signature of a release's document (what `sign_pdf` returned); its id.

    Refused, with every reason, for an unknown release or document kind, an empty document
    id, a revision below 1, or a signed file recorded already.
    """
    problems = []
    if document_kind not in DOCUMENT_KINDS:
        problems.append(
            f"'{document_kind}' is not a document kind; one of {', '.join(DOCUMENT_KINDS)}"
        )
    if not document_id.strip():
        problems.append("the document id is empty")
    if revision < 1:
        problems.append(f"revision {revision} is not a revision (they count from 1)")
    meaning = check_meaning(signed.meaning)
    if signed.signed_at.tzinfo is None:
        raise ValueError("signed.signed_at must carry its time zone")
    when = signed.signed_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    release_name = ""

    def apply(session: Session) -> int:
        nonlocal release_name
        release = session.get(Release, release_id)
        if release is None:
            problems.append(f"there is no release #{release_id}")
        else:
            release_name = release.name
        taken = session.scalar(
            select(DocumentSignature.id).where(DocumentSignature.sha256 == signed.sha256)
        )
        if taken is not None:
            problems.append(f"{signed.path.name} (SHA-256 {signed.sha256[:12]}…) is recorded")
        if problems:
            raise ValidationError(problems)
        row = DocumentSignature(
            release_id=release_id,
            document_kind=document_kind,
            document_id=document_id.strip(),
            revision=revision,
            signer=signed.signer,
            meaning=meaning,
            signed_at=when,
            sha256=signed.sha256,
            certificate_fingerprint=signed.fingerprint,
        )
        session.add(row)
        session.flush()
        return row.id

    label = reason or (
        f"{signed.signer} signed the {document_kind} {document_id.strip()} "
        f"revision {revision} ({meaning})"
    )
    return plan.uow.run(label, apply)


def signatures(plan: Plan, release_id: int) -> list[SignatureRow]:
    """A release's recorded signatures, in the order they were signed."""
    with plan.store.read() as session:
        rows = session.scalars(
            select(DocumentSignature)
            .where(DocumentSignature.release_id == release_id)
            .order_by(DocumentSignature.signed_at, DocumentSignature.id)
        ).all()
        return [
            SignatureRow(
                r.id,
                r.release_id,
                r.document_kind,
                r.document_id,
                r.revision,
                r.signer,
                r.meaning,
                r.signed_at.replace(tzinfo=dt.UTC),
                r.sha256,
                r.certificate_fingerprint,
            )
            for r in rows
        ]


def release_history(plan: Plan, release_id: int, limit: int = 50) -> list[HistoryEntry]:
    """What the trail holds about a release: its own changes and the signatures of its
    documents; newest first."""
    cols = AUDIT_TABLE.c
    signed = select(DocumentSignature.id).where(DocumentSignature.release_id == release_id)
    with plan.store.read() as session:
        return history(
            session,
            or_(
                and_(cols.entity == Release.__tablename__, cols.entity_id == release_id),
                and_(cols.entity == ENTITY, cols.entity_id.in_(signed)),
            ),
            limit,
        )
