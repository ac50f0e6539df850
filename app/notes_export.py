"""Release notes written out: Markdown, a standalone HTML page, or a PDF with the embedded font.

Entries are user text: Markdown escapes the characters that would start markup, HTML escapes
everything (a title may hold <script>, & and quotes), and the PDF draws it as text in the
embedded DejaVu font, so Latin with diacritics, Greek and Cyrillic print wherever it is opened.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from app import fonts
from app.errors import ValidationError
from app.pdf import styles
from app.release_notes import NotesDocument

NOTES_SUFFIXES = (".md", ".html", ".pdf")
# Inside a line only these start markup (a bullet's text never starts a line).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")


def notes_path(path: Path) -> Path:
    """The file to write, refused unless it ends in .md, .html or .pdf (before the plan is
    read)."""
    if path.suffix.lower() not in NOTES_SUFFIXES:
        raise ValidationError(
            f"{path.name}: release notes are written to a .md, .html or .pdf file."
        )
    return path


def _md(text: str) -> str:
    # One line per bullet: a line break inside an entry would end the list item.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _subtitle(document: NotesDocument) -> str:
    parts = []
    if document.target is not None:
        parts.append(f"Target {document.target.isoformat()}")
    parts.append("Internal edition" if document.audience == "internal" else "For customers")
    if document.plan:
        parts.append(document.plan)
    return " · ".join(parts)


def _entry_text(title: str, body: str) -> tuple[str, str]:
    return title, " ".join(body.split())


def to_markdown(document: NotesDocument) -> str:
    lines = [f"# {_md(document.heading)}", "", f"_{_md(_subtitle(document))}_", ""]
    if not document.sections:
        lines += ["No entries.", ""]
    for section in document.sections:
        lines += [f"## {_md(section.title)}", ""]
        for entry in section.entries:
            title, body = _entry_text(entry.title, entry.body)
            key = f" ({_md(entry.key)})" if entry.key else ""
            tag = " — internal" if entry.audience == "internal" else ""
            text = f"- **{_md(title)}**{key}{tag}"
            if body:
                text += f": {_md(body)}"
            lines.append(text)
        lines.append("")
    return "\n".join(lines)


_STYLE = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2937;
       max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.subtitle { color: #6b7280; margin-top: 0; }
h2 { font-size: 1.2em; border-bottom: 1px solid #e5e7eb; padding-bottom: 0.2em; margin-top: 1.4em; }
ul { padding-left: 1.2em; }
li { margin: 0.35em 0; }
.key { color: #6b7280; font-size: 0.9em; }
.internal { background: #fef3c7; color: #92400e; font-size: 0.8em; padding: 0 0.4em;
            border-radius: 3px; }
"""


def to_html(document: NotesDocument, standalone: bool = True) -> str:
    """The notes as HTML; standalone: a whole page with its style inline (no file beside it,
    nothing fetched), else the body the in-app preview shows."""
    e = html.escape
    body = [f"<h1>{e(document.heading)}</h1>", f'<p class="subtitle">{e(_subtitle(document))}</p>']
    if not document.sections:
        body.append("<p>No entries.</p>")
    for section in document.sections:
        body.append(f"<h2>{e(section.title)}</h2>")
        body.append("<ul>")
        for entry in section.entries:
            title, text = _entry_text(entry.title, entry.body)
            item = f"<strong>{e(title)}</strong>"
            if entry.key:
                item += f' <span class="key">({e(entry.key)})</span>'
            if entry.audience == "internal":
                item += ' <span class="internal">internal</span>'
            if text:
                item += f" — {e(text)}"
            body.append(f"<li>{item}</li>")
        body.append("</ul>")
    if not standalone:
        return f"<style>{_STYLE}</style>\n" + "\n".join(body)
    lang = "en"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{e(document.heading)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _pdf(document: NotesDocument, target: Path) -> None:
    styles.register()
    regular, bold = fonts.font_name(False), fonts.font_name(True)
    title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=4)
    subtitle = ParagraphStyle(
        "subtitle", fontName=regular, fontSize=10, leading=13, textColor=HexColor("#6b7280")
    )
    heading = ParagraphStyle(
        "heading", fontName=bold, fontSize=13, leading=16, spaceBefore=12, spaceAfter=4
    )
    entry = ParagraphStyle("entry", fontName=regular, fontSize=10, leading=13.5)
    # Paragraph reads a small markup language: user text is escaped for it, and the characters
    # DejaVu lacks (Chinese, Japanese, Korean) switch to the bundled fallback face.
    e = styles.markup

    def strong(text: str) -> str:
        return f'<font name="{bold}">{styles.markup(text, bold)}</font>'

    story: list[Flowable] = [
        Paragraph(styles.markup(document.heading, bold), title),
        Paragraph(e(_subtitle(document)), subtitle),
        Spacer(1, 4 * mm),
    ]
    if not document.sections:
        story.append(Paragraph("No entries.", entry))
    for section in document.sections:
        story.append(Paragraph(styles.markup(section.title, bold), heading))
        items: list[Flowable] = []
        for note in section.entries:
            name, text = _entry_text(note.title, note.body)
            markup = strong(name)
            if note.key:
                markup += f' <font color="#6b7280">({e(note.key)})</font>'
            if note.audience == "internal":
                markup += ' <font color="#92400e">[internal]</font>'
            if text:
                markup += f" — {e(text)}"
            items.append(Paragraph(markup, entry))
        story.append(
            ListFlowable(
                items, bulletType="bullet", bulletFontName=regular, start="•", leftIndent=12
            )
        )
    pdf = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=document.heading,
        author="Gantry",
        # The initial font is the embedded one too: reportlab would otherwise name Helvetica,
        # a font the reader has to find on its own system.
        initialFontName=fonts.REGULAR,
    )
    pdf.build(story)


def write_notes(document: NotesDocument, target: Path) -> None:
    """Write the notes in the format the suffix names, whole: a half-written file would
    read as shorter notes."""
    suffix = notes_path(target).suffix.lower()
    partial = target.with_name(f".{target.name}.partial")
    try:
        if suffix == ".md":
            partial.write_text(to_markdown(document), encoding="utf-8")
        elif suffix == ".html":
            partial.write_text(to_html(document), encoding="utf-8")
        else:
            _pdf(document, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
