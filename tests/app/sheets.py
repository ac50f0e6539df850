"""Sheets for import tests, written the way Jira, MS Project, Smartsheet and people make them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

Cells = Sequence[Sequence[object]]

JIRA_HEADER = (
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Assignee",
    "Fix versions",
    "Fix versions",
    "Due date",
    "Original estimate",
    "Custom field (Start date)",
    "Outward issue link (Blocks)",
    "Inward issue link (Blocks)",
)
JIRA_ROWS = (
    ("Design the API", "PAY-1", "10001", "Story", "Done", "ann", "Payments 2.0", "", "",
     "86400", "04/Jan/27 9:00 AM", "PAY-2", ""),
    ("Build the API", "PAY-2", "10002", "Story", "In Progress", "bob", "Payments 2.0",
     "Payments 2.1", "15/Jan/27 5:00 PM", "", "07/Jan/27 9:00 AM", "", ""),
    ("Test it", "PAY-3", "10003", "Task", "To Do", "cy", "Payments 2.0", "", "", "28800", "",
     "", "PAY-2"),
)  # fmt: skip

MSP_HEADER = (
    "ID", "Name", "Duration", "Start", "Finish", "Predecessors", "Outline_Level",
    "Resource_Names", "% Complete",
)  # fmt: skip
MSP_ROWS = (
    (1, "Launch", "9 days", dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 14, 17), "", 1, "", 0),
    (2, "Design", "5 days", dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 8, 17), "", 2, "Ann",
     1.0),
    (3, "Build", "1 wk", dt.datetime(2027, 1, 11, 8), dt.datetime(2027, 1, 15, 17), "2", 2,
     "Bob", 0.5),
    (4, "Review", "2d", dt.datetime(2027, 1, 13, 8), dt.datetime(2027, 1, 14, 17), "3SS+2 days",
     2, "", 0),
    (5, "Go live", "0 days", dt.datetime(2027, 1, 15, 17), dt.datetime(2027, 1, 15, 17),
     "3;4", 1, "", 0),
)  # fmt: skip


def write_csv(
    path: Path, rows: Cells, encoding: str = "utf-8", delimiter: str = ",", bom: bool = False
) -> Path:
    """Rows as a text file; cells with the delimiter, quotes or line breaks are quoted."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            text = "" if cell is None else str(cell)
            if any(ch in text for ch in (delimiter, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    data = "\r\n".join(lines) + "\r\n"
    raw = data.encode(encoding)
    if bom and encoding == "utf-8":
        raw = b"\xef\xbb\xbf" + raw
    path.write_bytes(raw)
    return path


def write_xlsx(path: Path, sheets: dict[str, Cells], merge: dict[str, str] | None = None) -> Path:
    book = Workbook()
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name
        for row in rows:
            sheet.append(list(row))
        for sheet_name, cells in (merge or {}).items():
            if sheet_name == name:
                sheet.merge_cells(cells)
    book.save(path)
    return path


def jira_csv(path: Path) -> Path:
    return write_csv(path, [JIRA_HEADER, *JIRA_ROWS])


def msp_xlsx(path: Path) -> Path:
    """MS Project's "Export to Excel": a Task_Table1 sheet (and a resource sheet)."""
    return write_xlsx(
        path,
        {
            "Task_Table1": [MSP_HEADER, *MSP_ROWS],
            "Resource_Table1": [("ID", "Name"), (1, "Ann"), (2, "Bob")],
        },
    )


# MS Project in German: its "Nach Excel exportieren" of the same plan as MSP_ROWS, with a
# lag written in German ("EA": Ende-Anfang, finish-to-start).
MSP_DE_HEADER = (
    "Nr.", "Vorgangsname", "Dauer", "Anfang", "Ende", "Vorgänger", "Gliederungsebene",
    "Ressourcennamen", "% Abgeschlossen",
)  # fmt: skip
MSP_DE_ROWS = (
    (1, "Freigabe 5.0", "9 Tage", dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 14, 17), "",
     1, "", 0.3),
    (2, "Entwurf", "3 Tage", dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 6, 17), "", 2,
     "Anna", 1.0),
    (3, "Umsetzung", "1 Woche", dt.datetime(2027, 1, 8, 8), dt.datetime(2027, 1, 14, 17),
     "2EA+1 Tag", 2, "Bernd;Carla", 0.2),
    (4, "Abnahme", "0 Tage", dt.datetime(2027, 1, 14, 17), dt.datetime(2027, 1, 14, 17), "3", 2,
     "", 0),
)  # fmt: skip


def msp_de_xlsx(path: Path) -> Path:
    return write_xlsx(
        path,
        {
            "Vorgang_Tabelle1": [MSP_DE_HEADER, *MSP_DE_ROWS],
            "Ressource_Tabelle1": [("Nr.", "Name"), (1, "Anna")],
        },
    )


# MS Project in French, saved as text with the weekday before each date (dd/mm/yy) and a
# French lag ("FD": fin-début, finish-to-start).
MSP_FR_ROWS = (
    ("N°", "Nom de la tâche", "Durée", "Début", "Fin", "Prédécesseurs", "Noms ressources"),
    ("1", "Conception", "3 jours", "lun 04/01/27", "mer 06/01/27", "", "Anne"),
    ("2", "Réalisation", "1 sem", "ven 08/01/27", "jeu 14/01/27", "1FD+1 jour", "Bruno"),
    ("3", "Recette", "0 jour", "jeu 14/01/27", "jeu 14/01/27", "2", ""),
)


def zip_with(path: Path, members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


SMARTSHEET_HEADER = (
    "Task Name", "Duration", "Start", "Finish", "Predecessors", "Assigned To", "% Complete",
    "Status",
)  # fmt: skip
# (indent, name, duration, start, finish, predecessors, assigned to, % complete, status)
SMARTSHEET_ROWS = (
    (0, "Atlas launch", "9d", dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 14, 17), "", "",
     0.4, "In Progress"),
    (1, "Design", "5d", dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 8, 17), "", "ann@x.org",
     1.0, "Complete"),
    (1, "Build", "4d", dt.datetime(2027, 1, 11, 8), dt.datetime(2027, 1, 14, 17), "", "", 0.25,
     "In Progress"),
    (2, "Backend", "4d", dt.datetime(2027, 1, 11, 8), dt.datetime(2027, 1, 14, 17), "2",
     "bob@x.org",
     0.25, "In Progress"),
    (2, "Frontend", "2d", dt.datetime(2027, 1, 11, 8), dt.datetime(2027, 1, 12, 17), "", "", 0,
     "Not Started"),
    (0, "Go live", "0", dt.datetime(2027, 1, 15, 8), dt.datetime(2027, 1, 15, 8), "4", "", 0,
     "Not Started"),
)  # fmt: skip


def smartsheet_xlsx(path: Path) -> Path:
    """Smartsheet's "Export to Microsoft Excel": hierarchy is the Task Name cell's indent (its
    alignment), not leading spaces; the parents' text is bold."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Atlas plan"
    sheet.append(list(SMARTSHEET_HEADER))
    for indent, *cells in SMARTSHEET_ROWS:
        sheet.append(cells)
        name = sheet.cell(sheet.max_row, 1)
        name.alignment = Alignment(indent=indent)
        name.font = Font(bold=indent < 2 and cells[0] != "Go live")
    book.save(path)
    return path
