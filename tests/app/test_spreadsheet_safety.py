"""Hostile and mislabelled files are refused quickly, in one sentence, before any parser runs."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.spreadsheet.reading import Source
from app.spreadsheet.safety import SheetRefused
from tests.app.sheets import msp_xlsx, zip_with

_BOMB_XML = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b']>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"&lol9;</workbook>"
)


def _refused(path: Path, match: str) -> None:
    # Refused before anything is expanded: a bomb never gets to claim its memory.
    tracemalloc.start()
    try:
        with pytest.raises(SheetRefused, match=match) as info:
            Source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "\n" not in str(info.value)
    assert peak < 32 * 2**20


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_entity_bomb_in_a_workbook(tmp_path: Path) -> None:
    good = msp_xlsx(tmp_path / "good.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member, _BOMB_XML if member.filename == "xl/workbook.xml" else data)
    _refused(bomb, "declares XML entities .* refused as an XML bomb")


def test_openpyxl_parsers_refuse_what_the_prolog_check_would_miss(tmp_path: Path) -> None:
    # pyHanko requires lxml, and openpyxl then parses whole parts with lxml without resolving
    # entities (lxml refuses the bomb), and streams sheets with defusedxml as before.
    from defusedxml import EntitiesForbidden
    from lxml.etree import XMLSyntaxError
    from openpyxl.xml.functions import fromstring, iterparse

    with pytest.raises(XMLSyntaxError, match="amplification"):
        fromstring(_BOMB_XML)
    with pytest.raises(EntitiesForbidden):
        list(iterparse(io.BytesIO(_BOMB_XML)))


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    members = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"\x00" * (64 << 20),
    }
    _refused(zip_with(tmp_path / "ratio.xlsx", members), "would unpack .* times .* zip bomb")


def test_zip_bomb_by_declared_size(tmp_path: Path) -> None:
    path = zip_with(
        tmp_path / "big.xlsx",
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/a.xml": b"x"},
        zipfile.ZIP_STORED,
    )
    # Rewrite the declared size of the last member (central directory) to 2 GB.
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (2 << 30).to_bytes(4, "little")
    data[central + 20 : central + 24] = (2 << 30).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(path, "zip bomb")


@pytest.mark.parametrize(
    ("name", "data", "match"),
    [
        (
            "plan.xlsx",
            b"Name,Start\nA,2027-01-04\n",
            r"is not an Excel workbook \(a workbook is a zip",
        ),
        ("plan.xlsx", b"%PDF-1.7\n", "is a PDF document, not an Excel workbook"),
        ("plan.csv", b"PK\x03\x04rest", "is a zip archive, not a text"),
        ("plan.csv", b"\x89PNG\r\n\x1a\n", "is a PNG image"),
        ("plan.xls", b"\xd0\xcf\x11\xe0", "old Excel"),
        ("plan.docx", b"PK\x03\x04", "imports .xlsx"),
        ("plan.csv", b"SQLite format 3\x00", "SQLite database"),
    ],
)
def test_files_that_are_not_what_they_claim(
    tmp_path: Path, name: str, data: bytes, match: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _refused(path, match)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    _refused(zip_with(tmp_path / "x.xlsx", {"readme.txt": b"hi"}), "not an Excel workbook")
