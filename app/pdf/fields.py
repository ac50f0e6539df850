"""Empty signature form fields over the signature blocks, added with pyHanko.

The fields are part of the exported file because the first signature certifies the document
(DocMDP, fill forms only): a field added after it would break that certification. Fields are
named Signature1, Signature2, ... in signing order; each field's /TU says whose it is and what
signing it means ("Release manager — authored"), which is what `gantry sign` reads back. The
file is rewritten whole (not updated incrementally), so an unsigned export has one revision.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from app.pdf.render import FieldBox

FIELD_PREFIX = "Signature"


def field_name(number: int) -> str:
    """The name of the `number`-th signature field (1-based)."""
    return f"{FIELD_PREFIX}{number}"


def with_signature_fields(pdf: bytes, boxes: Sequence[FieldBox]) -> bytes:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    for number, placed in enumerate(boxes, start=1):
        x1, y1, x2, y2 = (round(v) for v in placed.box)
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=field_name(number),
                on_page=placed.page,
                box=(x1, y1, x2, y2),
                readable_field_name=placed.signer.label,
            ),
        )
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()
