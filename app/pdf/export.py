"""Write a document: render it, add its empty signature fields, put the file in place."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.errors import ValidationError
from app.pdf.fields import with_signature_fields
from app.pdf.model import Document
from app.pdf.render import render


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    pages: int
    signers: int


def pdf_path(path: Path) -> Path:
    """Refuse a target that is not a .pdf before any work is done."""
    if path.suffix.lower() != ".pdf":
        raise ValidationError(f"{path} does not end in .pdf; a document is written as a PDF")
    return path


def write_document(document: Document, target: Path) -> Written:
    """Write the PDF to `target` whole or not at all (a temporary file beside it, renamed)."""
    pdf, boxes = render(document)
    data = with_signature_fields(pdf, boxes)
    pages = 1 + max((b.page for b in boxes), default=0)
    folder = target.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Written(target, pages, len(boxes))
