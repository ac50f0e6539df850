"""Signing a PDF: PAdES B-B from a PKCS#12 key, offline, into the next empty signature field.

The documents Gantry exports carry one empty field per required signer (Signature1, ...,
in signing order, each with "ROLE — MEANING" as its alternate name). The first signature
certifies the document with DocMDP "fill forms", so the later signers can still approve it
incrementally and anything else added afterwards shows as a violation. Fields must exist
before the certification: a field added after it breaks it, so one is only created (an
invisible one) in a document nobody has certified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyhanko.pdf_utils import text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import DictionaryObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import read_certification_data
from pyhanko.stamp import TextStampStyle

from app.errors import GantryError
from app.signing.keys import SigningKey
from app.signing.meanings import MEANINGS, check_meaning
from app.signing.stamp_font import stamp_font

# The appearance's lines; the time is shown in UTC with its zone, as the record keeps it.
STAMP_TEXT = "Signed by %(signer)s\nMeaning: %(meaning)s\n%(when)s"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"
FONT_SIZE = 9
DASH = "—"  # between role and meaning in a field's alternate name


@dataclass(frozen=True, slots=True)
class Signed:
    """What one signature put into a document, as the plan records it."""

    path: Path
    field: str
    signer: str
    meaning: str
    signed_at: dt.datetime  # UTC
    certified: bool  # the first signature, which certifies the document
    sha256: str  # of the whole signed file
    fingerprint: str  # SHA-256 of the signer's certificate


@dataclass(frozen=True, slots=True)
class _Target:
    field: str
    new: bool  # no field in the document: an invisible one is created


class _SignerAt(PdfSigner):
    """pyHanko's PdfSigner with the signing time given rather than read from the clock, so
    the time in /M, in the appearance and in the plan's record is one value."""

    def __init__(self, signed_at: dt.datetime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signed_at
        return session


def sign_pdf(
    source: Path,
    target: Path,
    key: SigningKey,
    meaning: str,
    signed_at: dt.datetime,
    name: str | None = None,
) -> Signed:
    """Sign `source` into `target` in its first empty signature field.

    `signed_at` (zone-aware) is the signing time; the CLI passes now. `name` overrides the
    certificate's common name in the appearance. Nothing is written unless signing succeeds:
    the signed file is written beside `target` and renamed onto it at the end.
    """
    meaning = check_meaning(meaning)
    if signed_at.tzinfo is None:
        raise ValueError("signed_at must carry its time zone")
    when = signed_at.astimezone(dt.UTC).replace(microsecond=0)
    signer_name = (name or "").strip() or key.common_name
    if not signer_name:
        raise GantryError("the certificate has no common name; give the signer's --name")
    data = source.read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        target_field = _target(reader, meaning, source)
        certified = read_certification_data(reader) is None and not reader.embedded_signatures
    except PdfError as exc:
        raise GantryError(f"{source} is not a PDF that can be signed ({exc})") from None
    stamp_params = {
        "signer": signer_name,
        "meaning": meaning,
        "when": when.strftime(TIME_FORMAT),
    }
    meta = PdfSignatureMetadata(
        field_name=target_field.field,
        reason=meaning,
        name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certified,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        md_algorithm="sha256",
    )
    with tempfile.TemporaryDirectory(prefix="gantry-sign-") as scratch:
        font = Path(scratch) / "stamp.ttf"
        font.write_bytes(stamp_font(STAMP_TEXT % stamp_params))
        style = TextStampStyle(
            stamp_text=STAMP_TEXT,
            # The size is the text style's (the font factory's own is not what lays out);
            # a box too small for the lines shrinks them to fit.
            text_box_style=text.TextBoxStyle(
                font=GlyphAccumulatorFactory(str(font), font_size=FONT_SIZE),
                font_size=FONT_SIZE,
                leading=FONT_SIZE + 3,
            ),
            border_width=1,
            background=None,
        )
        new_field = fields.SigFieldSpec(target_field.field) if target_field.new else None
        pdf_signer = _SignerAt(
            when, meta, signer=key.signer, stamp_style=style, new_field_spec=new_field
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        signed = _write_beside(
            target,
            lambda out: pdf_signer.sign_pdf(
                writer,
                existing_fields_only=not target_field.new,
                output=out,
                appearance_text_params=stamp_params,
            ),
        )
    return Signed(
        target,
        target_field.field,
        signer_name,
        meaning,
        when,
        certified,
        hashlib.sha256(signed).hexdigest(),
        key.fingerprint,
    )


def _target(reader: PdfFileReader, meaning: str, source: Path) -> _Target:
    """The field this signature goes into, or the reason the document cannot be signed."""
    empty: list[tuple[str, DictionaryObject]] = []
    filled = 0
    for field_name, value, ref in fields.enumerate_sig_fields(reader):
        if value is None:
            empty.append((field_name, ref.get_object()))
        else:
            filled += 1
    if not empty and not filled:
        if read_certification_data(reader) is not None:
            raise GantryError(
                f"{source.name} is certified and has no signature field; adding one now "
                "would break its certification"
            )
        return _Target("Signature1", new=True)
    if not empty:
        raise GantryError(
            f"{source.name} has no empty signature field left: all {filled} are signed"
        )
    field_name, field = empty[0]
    # The printed block beside the field names the meaning; a stamp saying another would
    # contradict the page. A field named otherwise (a foreign PDF's) takes any meaning.
    role, dash, wanted = str(field.get("/TU", "")).rpartition(DASH)
    wanted = wanted.strip().lower()
    if dash and wanted in MEANINGS and wanted != meaning:
        raise GantryError(
            f"the next signature of {source.name} ({field_name}) is for "
            f"{role.strip() or 'a signer'}: {wanted}; sign it with --meaning {wanted}"
        )
    return _Target(field_name, new=False)


def _write_beside(target: Path, write: Callable[[BinaryIO], object]) -> bytes:
    """Run `write(file)` into a temporary file beside `target`; rename it there on success."""
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "w+b") as out:
            write(out)
            out.seek(0)
            data = out.read()
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return data
