"""Refusing hostile or mislabelled files before a parser sees them: zip bombs, XML entity
bombs, files that are not what their extension claims. Each refusal is one sentence."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from app.errors import GantryError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
# A real workbook of 100,000 rows unpacks to about 60 MB; these bounds leave room for ten
# times that while refusing a bomb before a byte of it is inflated.
MAX_UNPACKED = 1 << 30
MAX_RATIO = 200  # XML compresses well, but not 200-fold except when built to explode
RATIO_FLOOR = 1 << 20  # small parts may compress very well without harm
MAX_MEMBERS = 10_000
MAX_FILE = 512 << 20
_PROLOG = 64 << 10  # a DTD must come before the root element: look at the start of each part
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)

_MAGIC = (
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) or other Office 97 file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database (a Gantry plan is opened, not imported)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


class SheetRefused(GantryError):
    """The file cannot be imported safely, or is not a spreadsheet at all."""


def _what(head: bytes) -> str | None:
    for magic, description in _MAGIC:
        if head.startswith(magic):
            return description
    return None


def check_file(path: Path) -> str:
    """Refuse what must not reach a parser; returns "workbook" or "text"."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SheetRefused(
            f"{path.name} is an old Excel (.xls) file: save it as .xlsx or .csv, then import that."
        )
    if suffix not in WORKBOOK_SUFFIXES + TEXT_SUFFIXES:
        raise SheetRefused(
            f"{path.name}: Gantry imports .xlsx, .xlsm, .csv, .tsv and .txt files, "
            f"not '{suffix or 'no extension'}'."
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(16)
    except FileNotFoundError:
        raise SheetRefused(f"{path} does not exist.") from None
    if size > MAX_FILE:
        raise SheetRefused(f"{path.name} is {size >> 20} MB; Gantry imports sheets up to 512 MB.")
    found = _what(head)
    if suffix in WORKBOOK_SUFFIXES:
        if found is None:
            raise SheetRefused(
                f"{path.name} is not an Excel workbook (a workbook is a zip archive, this "
                "file is not)."
            )
        if found != "a zip archive":
            raise SheetRefused(f"{path.name} is {found}, not an Excel workbook.")
        _check_workbook(path)
        return "workbook"
    if found is not None:
        raise SheetRefused(f"{path.name} is {found}, not a text (CSV) file.")
    return "text"


def _check_workbook(path: Path) -> None:
    if not openpyxl.DEFUSEDXML:
        # openpyxl falls back to the standard XML parser when defusedxml is missing or
        # switched off (OPENPYXL_DEFUSEDXML=False): never read a foreign workbook that way.
        raise SheetRefused("Workbooks cannot be read safely here: defusedxml is not in use.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SheetRefused(f"{path.name} is not a readable workbook ({exc}).") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise SheetRefused(f"{path.name} holds {len(members):,} parts; refused as a zip bomb.")
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or not any(
            n.startswith("xl/workbook") for n in names
        ):
            raise SheetRefused(f"{path.name} is a zip archive, but not an Excel workbook.")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise SheetRefused(
                    f"{path.name}: its part {member.filename} would unpack {ratio:,.0f} times "
                    "its size; refused as a zip bomb."
                )
            if total > MAX_UNPACKED:
                raise SheetRefused(
                    f"{path.name} would unpack to more than {MAX_UNPACKED >> 30} GB; "
                    "refused as a zip bomb."
                )
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                _check_prolog(archive, member, path)


def _check_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path) -> None:
    """No part of a workbook declares a DTD; one that does is an entity bomb or an
    external-entity probe (defusedxml would refuse it too, but less plainly)."""
    try:
        with archive.open(member) as part:
            start = part.read(_PROLOG)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise SheetRefused(f"{path.name}: its part {member.filename} is damaged ({exc}).") from None
    if any(mark in start for mark in _DTD_MARKS):
        raise SheetRefused(
            f"{path.name}: its part {member.filename} declares XML entities (a DTD), which "
            "no workbook needs; refused as an XML bomb."
        )
