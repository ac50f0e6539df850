"""PDFs shaped as Gantry's exports are: drawn signer blocks with an empty signature field in
each (Signature1, ... in signing order, "ROLE — MEANING" as the field's alternate name)."""

from __future__ import annotations

import io
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app import fonts

SIGNERS = (("Release manager", "authored"), ("QA lead", "reviewed"), ("Change board", "approved"))
BLOCK_HEIGHT = 70


def block_box(n: int) -> tuple[int, int, int, int]:
    """Where signer n's signature appearance goes (x1, y1, x2, y2 in points)."""
    top = 640 - n * (BLOCK_HEIGHT + 50)
    return (300, top - BLOCK_HEIGHT, 540, top)


def signature_document(path: Path, signers: tuple[tuple[str, str], ...] = SIGNERS) -> Path:
    """A one-page document with a signer block and an empty field per signer."""
    fonts.register()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, initialFontName=fonts.REGULAR)
    page.setFont(fonts.BOLD, 14)
    page.drawString(56, 780, "Atlas 3.5 production runbook — signatures")
    for n, (role, meaning) in enumerate(signers):
        x1, y1, x2, y2 = block_box(n)
        page.setFont(fonts.REGULAR, 10)
        page.drawString(56, y2 - 14, f"{role}")
        page.drawString(56, y2 - 30, f"Meaning: {meaning}")
        page.drawString(56, y2 - 46, "Name, date and time: in the signature")
        page.rect(x1, y1, x2 - x1, y2 - y1)
    page.showPage()
    page.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue()))
    for n, (role, meaning) in enumerate(signers):
        append_signature_field(
            writer,
            SigFieldSpec(
                f"Signature{n + 1}",
                box=block_box(n),
                readable_field_name=f"{role} — {meaning}",
            ),
        )
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def plain_document(path: Path) -> Path:
    """A foreign PDF: one page, no form fields at all."""
    fonts.register()
    page = canvas.Canvas(str(path), pagesize=A4, initialFontName=fonts.REGULAR)
    page.drawString(56, 780, "A document from elsewhere")
    page.showPage()
    page.save()
    return path
