"""Verifying a signed PDF offline: per signature, who, what it means, when, intact, what came
after it and whether that was allowed, and trust against certificates the user names.

pyHanko does the work (`validate_pdf_signature` with its difference analysis); the trust
roots are only the certificates given, never the system's store, and nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.errors import GantryError

# pyHanko logs every untrusted path with a traceback; the report says it in one line, so
# the logs go nowhere instead of falling through to Python's last-resort stderr handler.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

ADDED = {
    ModificationLevel.NONE: "nothing",
    ModificationLevel.LTA_UPDATES: "archival data (validation data, time stamps)",
    ModificationLevel.FORM_FILLING: "form filling and later signatures",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "changes other than form filling and signatures",
}
PERMISSIONS = {
    MDPPerm.NO_CHANGES: "no changes allowed",
    MDPPerm.FILL_FORMS: "later form filling and signatures allowed",
    MDPPerm.ANNOTATE: "later form filling, signatures and annotations allowed",
}


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What one signature in the file says and whether it holds."""

    field: str
    signer: str
    email: str
    meaning: str
    signed_at: dt.datetime | None  # as the signature claims it (B-B has no time stamp)
    intact: bool  # the digest of what it covers matches
    valid: bool  # the signature value matches the signer's certificate
    whole_file: bool  # nothing was added after it
    added_after: str  # what later revisions added, "" when nothing
    changes_allowed: bool | None  # whether what came after respects the DocMDP rules
    certification: str  # "" for an approval signature
    trusted: bool | None  # None when no trust was asked for, or the signature is broken
    trust_detail: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VerifyReport:
    path: Path
    signatures: list[SignatureReport]
    trust_checked: bool

    @property
    def problems(self) -> list[str]:
        if not self.signatures:
            return [f"{self.path.name} has no signatures"]
        return [f"{s.field}: {p}" for s in self.signatures for p in s.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        signatures = []
        for s in self.signatures:
            entry = asdict(s)
            entry["signed_at"] = s.signed_at.isoformat() if s.signed_at else None
            signatures.append(entry)
        return {
            "file": str(self.path),
            "ok": self.ok,
            "trust_checked": self.trust_checked,
            "signatures": signatures,
            "problems": self.problems,
        }

    def lines(self) -> list[str]:
        """The report as a reader takes it in: a block per signature, then the verdict."""
        out: list[str] = []
        for s in self.signatures:
            who = f"{s.signer} <{s.email}>" if s.email else s.signer
            when = s.signed_at.strftime("%Y-%m-%d %H:%M:%S %Z") if s.signed_at else "not given"
            if s.whole_file:
                coverage = "the whole file"
            else:
                allowed = {True: "allowed", False: "NOT allowed", None: "not determined"}
                coverage = (
                    f"its revision; added after it: {s.added_after} ({allowed[s.changes_allowed]})"
                )
            if s.trusted is None:
                trust = s.trust_detail or "not checked (no --trust given)"
            else:
                trust = ("yes, " if s.trusted else "NO, ") + s.trust_detail
            out += [
                f"{s.field}: {who}",
                f"  meaning:   {s.meaning or 'not given'}",
                f"  signed at: {when}",
                f"  intact:    {'yes' if s.intact and s.valid else 'NO'}",
                f"  covers:    {coverage}",
                f"  kind:      {s.certification or 'approval signature'}",
                f"  trusted:   {trust}",
            ]
        problems = self.problems
        if problems:
            out.append(f"{self.path.name}: {len(problems)} problem(s):")
            out += [f"- {p}" for p in problems]
        else:
            count = len(self.signatures)
            out.append(
                f"{self.path.name}: {count} signature{'s' if count != 1 else ''}, all intact"
                + (", trusted" if self.trust_checked else "")
                + ", no disallowed changes."
            )
        return out


def verify_pdf(path: Path, trust: list[x509.Certificate], now: dt.datetime) -> VerifyReport:
    """Check every signature of `path` at `now`; with `trust`, signers must chain to one."""
    try:
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError) as exc:
        raise GantryError(f"{path} cannot be read as a PDF ({exc})") from None
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trust]
    reports = []
    for signature in embedded:
        # A new context per signature: it caches paths it has validated.
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, moment=now, revocation_mode="soft-fail"
        )
        reports.append(_check(signature, context, bool(trust)))
    return VerifyReport(path, reports, bool(trust))


def _check(
    signature: EmbeddedPdfSignature, context: ValidationContext, trust_asked: bool
) -> SignatureReport:
    name = signature.field_name or "(unnamed field)"
    subject = signature.signer_cert.subject.native
    signer = str(subject.get("common_name", "")) or signature.signer_cert.subject.human_friendly
    email = str(subject.get("email_address", ""))
    meaning = str(signature.sig_object.get("/Reason", ""))
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError) as exc:
        return SignatureReport(
            name, signer, email, meaning, None, False, False, False, "", None, "",
            None if not trust_asked else False, "", (f"cannot be validated: {exc}",),
        )  # fmt: skip
    return _report(name, signer, email, meaning, signature, status, trust_asked)


def _report(
    name: str,
    signer: str,
    email: str,
    meaning: str,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    trust_asked: bool,
) -> SignatureReport:
    problems = []
    if not status.intact:
        problems.append("the file was changed inside what this signature covers")
    elif not status.valid:
        problems.append("the signature does not match its signer's certificate")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if status.coverage not in (
        SignatureCoverageLevel.ENTIRE_FILE,
        SignatureCoverageLevel.ENTIRE_REVISION,
    ):
        problems.append("it does not cover its whole revision of the file")
    level = status.modification_level
    added = "" if whole else ADDED.get(level, "unknown changes") if level else "unknown changes"
    if isinstance(status.diff_result, DiffResult) and status.diff_result.changed_form_fields:
        added += f" ({', '.join(sorted(status.diff_result.changed_form_fields))})"
    elif status.diff_result is not None and not isinstance(status.diff_result, DiffResult):
        added += f" ({_suspicious(str(status.diff_result))})"
    if status.docmdp_ok is False:
        problems.append(f"what was added after it is not allowed (DocMDP): {added}")
    elif status.docmdp_ok is None and not whole:
        problems.append("whether what was added after it is allowed could not be determined")
    permission = signature.docmdp_level
    certification = (
        f"certifies the document: {PERMISSIONS.get(permission, permission.name.lower())}"
        if permission is not None
        else ""
    )
    trusted: bool | None = None
    detail = ""
    if trust_asked and not (status.intact and status.valid):
        detail = "not checked: the signature itself does not hold"
    elif trust_asked:
        trusted = status.trusted
        if trusted and status.validation_path is not None:
            root = status.validation_path.trust_anchor.authority.name
            detail = f"chains to {root.native.get('common_name') or root.human_friendly}"
        else:
            why = status.trust_problem_indic
            detail = f"it chains to none of the --trust certificates ({_words(why)})"
            problems.append(f"{signer} is not trusted: {detail}")
    return SignatureReport(
        name,
        signer,
        email,
        meaning,
        signature.self_reported_timestamp,
        status.intact,
        status.valid,
        whole,
        added,
        status.docmdp_ok,
        certification,
        trusted,
        detail,
        tuple(problems),
    )


def _suspicious(message: str) -> str:
    """pyHanko's account of a disallowed change, a paragraph of object references, as a
    clause: which objects changed."""
    objects = sorted({int(n) for n in re.findall(r"idnum=(\d+)", message)})
    if objects:
        return f"objects {', '.join(map(str, objects))} changed"
    return " ".join(message.split())[:200]


def _words(indication: object) -> str:
    name = getattr(indication, "name", None)
    return name.lower().replace("_", " ") if name else "no reason given"
