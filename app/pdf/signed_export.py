"""Export a runbook or a release record as a PDF, signed and recorded in the plan if asked.

`gantry export runbook|record` and File › Export › Runbook or Record PDF… share this. It is split
in three because the window reads and writes its plan on the GUI thread only: `prepare`
reads the plan, `write` renders and signs (the slow part, on a worker thread, no plan),
`record` writes the signature into the plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.pdf.export import Written, pdf_path, write_document
from app.pdf.model import Document
from app.pdf.record_document import record_document
from app.pdf.runbook_document import runbook_document
from app.plan import Plan

if TYPE_CHECKING:  # pyHanko costs a second of start-up; it is imported when signing
    from app.signing.keys import SigningKey
    from app.signing.sign import Signed

BUILDERS: dict[str, Callable[[Plan, str, dt.datetime, str], Document]] = {
    "runbook": runbook_document,
    "record": record_document,
}


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs, with what meaning (checked against the controlled list) and which name."""

    key: SigningKey
    meaning: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document built from the plan, with what recording its signature needs."""

    kind: str
    release_id: int
    document: Document


@dataclass(frozen=True, slots=True)
class Exported:
    written: Written
    signed: Signed | None


def prepare(plan: Plan, kind: str, release: str, paper: str, now: dt.datetime) -> Prepared:
    """The document of `kind` ("runbook" or "record") for `release`, as of `now`."""
    document = BUILDERS[kind](plan, release, now, paper)
    return Prepared(kind, plan.releases.find(release).id, document)


def write(
    prepared: Prepared, target: Path, now: dt.datetime, signer: Signer | None = None
) -> Exported:
    """Write the PDF; with a signer, sign it in its first field (certifying it).

    The unsigned file is written in a scratch folder beside `target` and only the signed one
    is put in place, so `target` is signed or not there."""
    pdf_path(target)
    if signer is None:
        return Exported(write_document(prepared.document, target), None)
    from app.signing.sign import sign_pdf

    with tempfile.TemporaryDirectory(prefix="gantry-sign-", dir=target.parent) as scratch:
        unsigned = Path(scratch) / target.name
        written = write_document(prepared.document, unsigned)
        signed = sign_pdf(unsigned, target, signer.key, signer.meaning, now, signer.name)
    return Exported(Written(target, written.pages, written.signers), signed)


def put_in_place(exported: Exported, target: Path) -> Exported:
    """Move an export written to a scratch path in `target`'s folder onto `target` (one
    rename: the window writes beside the target so that Cancel leaves nothing behind)."""
    os.replace(exported.written.path, target)
    signed = exported.signed
    return Exported(
        dataclasses.replace(exported.written, path=target),
        dataclasses.replace(signed, path=target) if signed is not None else None,
    )


def record(plan: Plan, prepared: Prepared, exported: Exported) -> None:
    """Record the signature in the plan; the signed file is removed when the plan refuses it,
    so no signed document exists that the plan does not know of."""
    if exported.signed is None:
        return
    from app.signing.record import record_signature

    cover = prepared.document.cover
    try:
        record_signature(
            plan,
            prepared.release_id,
            prepared.kind,
            cover.document_id,
            cover.revision,
            exported.signed,
        )
    except BaseException:
        exported.written.path.unlink(missing_ok=True)
        raise


def export_document(
    plan_path: Path,
    kind: str,
    release: str,
    paper: str,
    target: Path,
    now: dt.datetime,
    signer: Signer | None = None,
) -> tuple[Prepared, Exported]:
    """All three steps on a plan file: read it, write the PDF, and record a signature."""
    pdf_path(target)  # refuse a wrong suffix before the plan is read
    plan = Plan.open(plan_path, read_only=True)
    try:
        prepared = prepare(plan, kind, release, paper, now)
    finally:
        plan.close()
    exported = write(prepared, target, now, signer)
    if exported.signed is not None:
        try:
            plan = Plan.open(plan_path, schedule=False)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        try:
            record(plan, prepared, exported)
        finally:
            plan.close()
    return prepared, exported
