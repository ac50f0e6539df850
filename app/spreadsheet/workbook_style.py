"""How Gantry's workbook looks and stays safe: header style, cell formats, formula-safe text.

Every sheet is written in openpyxl's write-only mode (a 100,000-item plan would not fit a
normal workbook in memory in reasonable time), so a column's cells are made by a small
function chosen once per column (`cell_writer`), and most values go out as plain Python
values, which the writer turns into cells without a Cell object each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PageMargins, PrintPageSetup
from openpyxl.worksheet.properties import WorksheetProperties

from app.fields import weekdays_text
from app.spreadsheet.columns import CellKind, Column
from app.timeline import palette

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# A real time cell, not text: Excel and LibreOffice show "22:00", sort it and offer their time
# editing, and a reviewer who types 22:00 gets a time cell too (which the importer reads).
TIME_FORMAT = "hh:mm"
# The last minute of a day as a fraction of one: a time cell's validation allows 00:00-23:59.
_LAST_MINUTE = f"{(24 * 60 - 1) / (24 * 60):.12f}"
# What a spreadsheet would run as a formula, or (a tab or CR first) mangle on paste; such text
# is written as a string cell with Excel's quote prefix, so it stays text when edited, too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The last row Excel has: validation lists cover rows a reviewer adds below the data as well.
LAST_ROW = 1_048_576

HEADER_FONT = Font(bold=True, color=palette.HEADER_TEXT[1:])
COMPUTED_FONT = Font(bold=True, italic=True, color=palette.MUTED_TEXT[1:])
HEADER_FILL = PatternFill("solid", fgColor=palette.HEADER_FILL[1:])
HEADER_BORDER = Border(bottom=Side(style="thin", color=palette.FRAME[1:]))
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)

CellValue = Any  # a plain value, or a WriteOnlyCell carrying a style
CellWriter = Callable[[Any], CellValue]


class SheetParts(Protocol):
    """What a write-only sheet has once openpyxl has set it up (its type stubs leave it out)."""

    column_dimensions: DimensionHolder[str, ColumnDimension]
    auto_filter: AutoFilter
    data_validations: DataValidationList
    page_setup: PrintPageSetup
    sheet_properties: WorksheetProperties
    page_margins: PageMargins


def parts(sheet: WriteOnlyWorksheet) -> SheetParts:
    return cast(SheetParts, sheet)


def clean_text(text: str) -> str:
    """The text without the control characters an .xlsx file cannot hold (they are dropped)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text) if ILLEGAL_CHARACTERS_RE.search(text) else text


def text_cell(sheet: WriteOnlyWorksheet, text: str) -> CellValue:
    """A text cell that no spreadsheet reads as a formula, however the text begins.

    Plain text goes out as a plain value (the writer needs no Cell object for it)."""
    text = clean_text(text)
    return styled_text(sheet, text) if text.startswith(FORMULA_STARTS) else text


def styled_text(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    """A cell holding ``text`` as text, ready for a style; formula-like text keeps its quote."""
    text = clean_text(text)
    cell = WriteOnlyCell(sheet, value=text)
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl takes a leading "=" for a formula
        cell.quotePrefix = True
    return cell


def cell_writer(sheet: WriteOnlyWorksheet, column: Column) -> CellWriter:
    """The function that turns a stored value of `column` into what the sheet appends."""

    def text(value: Any) -> CellValue:
        return text_cell(sheet, value) if value else None

    def choice(value: Any) -> CellValue:
        return None if value is None else text_cell(sheet, str(column.shown(value)))

    def datetime_(value: Any) -> CellValue:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell

    def number(value: Any) -> CellValue:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0%" if column.kind is CellKind.PERCENT else "0.00"
        return cell

    def time(value: Any) -> CellValue:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = TIME_FORMAT
        return cell

    def weekdays(value: Any) -> CellValue:
        return weekdays_text(value) if value else None

    def date(value: Any) -> CellValue:
        # openpyxl gives a plain date the ISO date format; no Cell object needed.
        return value

    match column.kind:
        case CellKind.TEXT:
            return text
        case CellKind.CHOICE:
            return choice
        case CellKind.DATETIME:
            return datetime_
        case CellKind.DATE:
            return date
        case CellKind.TIME:
            return time
        case CellKind.WEEKDAYS:
            return weekdays
        case CellKind.DECIMAL | CellKind.PERCENT:
            return number
    return _plain


def _plain(value: Any) -> CellValue:
    return value


def header_cells(sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[CellValue]:
    """The styled header row; computed columns in italics, each column's note as a comment."""
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = COMPUTED_FONT if column.computed else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = HEADER_ALIGNMENT
        if column.note:
            cell.comment = Comment(column.note, "Gantry", width=260, height=80)
        cells.append(cell)
    return cells


def prepare_sheet(sheet: WriteOnlyWorksheet, columns: Sequence[Column], rows: int) -> None:
    """Widths, frozen header, autofilter over the data, a list to pick each choice from and
    time cells held to a day's clock.

    Must run before the first row is appended (write-only sheets write as they go).
    """
    setup = parts(sheet)
    for index, column in enumerate(columns, 1):
        setup.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(columns)))
    setup.auto_filter.ref = f"A1:{last}{rows + 1}"
    for index, column in enumerate(columns, 1):
        if column.kind is CellKind.CHOICE and not column.computed:
            labels = ",".join(label for _value, label in column.choices)
            validation = DataValidation(
                type="list",
                formula1=f'"{labels}"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error=f"{column.header} is one of: {labels.replace(',', ', ')}",
            )
        elif column.kind is CellKind.TIME:
            validation = DataValidation(
                type="time",
                operator="between",
                formula1="0",
                formula2=_LAST_MINUTE,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error=f"{column.header} is a time of day, 00:00 to 23:59",
            )
        else:
            continue
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        setup.data_validations.append(validation)
