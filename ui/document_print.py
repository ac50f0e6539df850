"""Print preview of a runbook or release record, laid out by Qt from the same Document.

PySide6-Essentials has no QtPdf, and nothing installed renders a PDF page, so the paper copy
is the Document (app.pdf.model, what the PDF is drawn from) as rich text that QTextDocument
pages onto the printer: the same cover, sections, tables and signature blocks, in Qt's
page breaks. The signed, archived copy is the exported PDF.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.pdf.model import Block, Cell, Document, Facts, Heading, Table, Text

PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 18
STYLE = """
body { font-size: 9pt; color: #1f2933; }
h1 { font-size: 20pt; }
h2 { font-size: 14pt; margin-top: 12pt; }
h3 { font-size: 11pt; }
td, th { padding: 3px; vertical-align: top; }
th { background: #e4e7eb; text-align: left; }
.label { color: #52606d; font-size: 7.5pt; }
.mono { font-family: monospace; }
"""


def _cell(value: Cell) -> str:
    if isinstance(value, str):
        return escape(value).replace("\n", "<br>")
    parts = []
    for kind, text in value.parts:
        body = escape(text).replace("\n", "<br>")
        if kind in ("title", "bold"):
            body = f"<b>{body}</b>"
        elif kind in ("label", "mono"):
            body = f'<span class="{kind}">{body}</span>'
        parts.append(body)
    return "<br>".join(parts)


def _table(block: Table) -> str:
    if not block.rows:
        return f"<p>{escape(block.empty)}</p>"
    head = "".join(
        f'<th width="{round(c.width * 100)}%">{escape(c.header)}</th>' for c in block.columns
    )
    rows = []
    for row in block.rows:
        cells = list(row)
        if block.checkbox:
            cells[0] = "☐"
        rows.append("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in cells) + "</tr>")
    return (
        '<table width="100%" border="0.5" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead>{''.join(rows)}</table>"
    )


def _facts(pairs: tuple[tuple[str, str], ...]) -> str:
    rows = "".join(
        f'<tr><td class="label">{escape(label)}</td><td>{escape(value)}</td></tr>'
        for label, value in pairs
    )
    return f'<table cellspacing="0" cellpadding="2">{rows}</table>'


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h3>{escape(block.text)}</h3>"
    if isinstance(block, Text):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Facts):
        return _facts(block.pairs)
    return _table(block)


def document_html(document: Document) -> str:
    """The document as rich text: cover, a page per section, the signature blocks."""
    c = document.cover
    cover = (
        ("Plan", c.plan),
        ("Release", c.release),
        ("Version", c.version),
        ("Document", f"{c.document_id} revision {c.revision}"),
        ("Generated", c.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Audit head", c.audit_head),
        *c.facts,
    )
    out = [f"<h1>{escape(c.title)}</h1>", _facts(cover)]
    for section in document.sections:
        out.append(f'<h2 style="page-break-before: always">{escape(section.title)}</h2>')
        out += [_block(block) for block in section.blocks]
    if document.signers:
        out.append('<h2 style="page-break-before: always">Signatures</h2>')
        for signer in document.signers:
            out.append(
                f"<h3>{escape(signer.role)} — {escape(signer.meaning)}</h3>"
                '<table width="100%" border="0.5" cellspacing="0" cellpadding="24">'
                '<tr><td class="label">Signature</td></tr></table>'
                '<table width="100%" cellpadding="6"><tr><td class="label">Name</td>'
                '<td class="label">Date</td></tr></table>'
            )
    return "\n".join(out)


def text_document(document: Document, printer: QPrinter) -> QTextDocument:
    """The rich text paged to the printer's page (what the preview and the printer show)."""
    text = QTextDocument()
    text.setDefaultStyleSheet(STYLE)
    text.setHtml(document_html(document))
    text.setDocumentMargin(0)
    page = printer.pageLayout().paintRect(QPageLayout.Unit.Point)
    text.setPageSize(QSizeF(page.width(), page.height()))
    return text


class DocumentPreview(QPrintPreviewDialog):
    """The platform's print preview of the document; its Print button opens the print dialog."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        # The preview does not own its printer: keep it as long as the dialog.
        self.document_printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.document_printer.setPageLayout(
            QPageLayout(
                QPageSize(PAGE_SIZES[document.paper]),
                QPageLayout.Orientation.Portrait,
                margins,
                QPageLayout.Unit.Millimeter,
            )
        )
        title = f"{document.cover.title} – {document.cover.release}"
        self.document_printer.setDocName(title)
        super().__init__(self.document_printer, parent)
        self.setWindowTitle(f"Print {title}")
        self.document = document
        self.paintRequested.connect(
            lambda printer: text_document(document, printer).print_(printer)
        )

    def page_count(self) -> int:
        """How many sheets the document prints on."""
        return text_document(self.document, self.document_printer).pageCount()
