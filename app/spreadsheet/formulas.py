"""Formula cells a workbook holds without a saved value.

Excel and LibreOffice save each formula's last result beside it, and a reader in data-only
mode (as the import reads) sees that result. A workbook written by a program (openpyxl, an
export script) holds the formulas alone: read so, every such cell is empty, and an import
would quietly take its default instead. The sheet's part is scanned as bytes, in chunks, for
formula tags only (a sheet without formulas costs one pass of decompression); `<f>` needs no
XML parser to be found, and the workbook has passed the safety checks before this runs.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from posixpath import join, normpath
from xml.sax.saxutils import unescape

from defusedxml import ElementTree

_CHUNK = 1 << 20
MAX_FOUND = 1000  # the report names that many; a sheet of them needs saving either way

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_CELL_TAG = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>[^<]")
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*>([^<]*)</f>")


def unsaved_formulas(path: Path, sheet: str) -> list[tuple[int, int, str]]:
    """(row, column from 0, formula) of the formula cells of `sheet` that have no saved value,
    in sheet order, at most MAX_FOUND."""
    found: list[tuple[int, int, str]] = []
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet)
        if part is None:
            return found  # a layout openpyxl reads but this does not: nothing to say
        with archive.open(part) as stream:
            carry = b""
            while len(found) < MAX_FOUND:
                chunk = stream.read(_CHUNK)
                data = carry + chunk
                # A chunk is scanned up to its last whole cell; the rest starts the next.
                end = len(data)
                if chunk:
                    last = data.rfind(b"</c>")
                    end = last + 4 if last >= 0 else 0
                _scan(data[:end], found)
                carry = data[end:]
                if not chunk:
                    break
    return found[:MAX_FOUND]


def _scan(data: bytes, found: list[tuple[int, int, str]]) -> None:
    position = 0
    while (tag := _FORMULA_TAG.search(data, position)) is not None:
        start = data.rfind(b"<c ", 0, tag.start())
        end = data.find(b"</c>", tag.start())
        position = tag.end()
        if start < 0 or end < 0:
            continue
        cell = data[start:end]
        place = _CELL_TAG.match(cell)
        if place is None or _VALUE.search(cell):
            continue
        text = _FORMULA_TEXT.search(cell)
        formula = unescape(text[1].decode(), {"&quot;": '"', "&apos;": "'"}) if text else ""
        found.append((int(place[2]), _column_index(place[1].decode()), formula))
        position = end


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member that holds `sheet`, through the workbook's relationships."""
    names = set(archive.namelist())
    if not {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= names:
        return None
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    for entry in book.iter(f"{_MAIN}sheet"):
        if entry.get("name") == sheet:
            target = targets.get(entry.get(f"{_DOC_RELS}id"), "")
            part = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            return part if part in names else None
    return None
