"""Reading sheets as rows of cell values: workbooks streamed with openpyxl, text files in any
common encoding and delimiter."""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from app.spreadsheet.safety import SheetRefused, check_file

Cell = Any  # str, int, float, bool, datetime, date, time or None, as the file holds it
Row = tuple[int, list[Cell]]  # the sheet's own row number (1-based) and its cells

_SAMPLE = 64 << 10
_CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
# MS Project's "Export to Excel" names its task sheet so (German: Vorgang_Tabelle1, French:
# Tâche_Table1); prefer it to resource sheets.
PREFERRED_SHEETS = ("Task_Table1", "Vorgang_Tabelle1", "Tâche_Table1", "Work items", "Tasks")


@dataclass(frozen=True, slots=True)
class TextFormat:
    encoding: str
    delimiter: str

    def describe(self) -> str:
        names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
        label = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16"}.get(
            self.encoding, "Windows-1252" if self.encoding == "cp1252" else self.encoding
        )
        return f"{label}, separated by {names[self.delimiter]}"


class Source:
    """One file to import: its sheets and, for each, its rows read afresh on every call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = check_file(path)
        self.text_format: TextFormat | None = None
        if self.kind == "text":
            self.text_format = _text_format(path)
            self.sheets = [path.stem]
        else:
            self.sheets = _sheet_names(path)

    def default_sheet(self) -> str:
        for name in PREFERRED_SHEETS:
            if name in self.sheets:
                return name
        return self.sheets[0]

    def sheet(self, name: str | None) -> str:
        """The sheet called `name` (any case), or the default one when None."""
        if name is None:
            return self.default_sheet()
        for sheet in self.sheets:
            if sheet.casefold() == name.casefold():
                return sheet
        raise SheetRefused(
            f"{self.path.name} has no sheet '{name}'; its sheets are {', '.join(self.sheets)}."
        )

    def describe(self) -> str:
        if self.text_format is not None:
            return f"{self.path.name} ({self.text_format.describe()})"
        return f"{self.path.name} ({len(self.sheets)} sheet{'s' if len(self.sheets) > 1 else ''})"

    def rows(self, sheet: str) -> Iterator[Row]:
        """Every row of the sheet with its row number; trailing empty cells dropped."""
        if self.text_format is not None:
            yield from _text_rows(self.path, self.text_format)
        else:
            yield from _workbook_rows(self.path, sheet)


# -- workbooks ----------------------------------------------------------------------------


def _load(path: Path) -> Any:
    import openpyxl  # imported when a workbook is read: the CLI's other commands start lighter

    with warnings.catch_warnings():
        # "Workbook contains no default style" and data-validation notices from foreign files.
        warnings.simplefilter("ignore")
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            name = type(exc).__name__
            if "Entities" in name or "DTD" in name or "Forbidden" in name:
                raise SheetRefused(
                    f"{path.name} declares XML entities; refused as an XML bomb."
                ) from None
            raise SheetRefused(f"{path.name} is not a readable workbook ({name}: {exc}).") from None


def _sheet_names(path: Path) -> list[str]:
    book = _load(path)
    try:
        names = [ws.title for ws in book.worksheets]
    finally:
        book.close()
    if not names:
        raise SheetRefused(f"{path.name} holds no worksheet.")
    return names


class Indented(str):
    """A text cell indented by its formatting (Excel's alignment indent), as Smartsheet's
    export marks its hierarchy; `indent` is the level Excel shows."""

    indent: int

    def __new__(cls, text: str, indent: int) -> Indented:
        cell = super().__new__(cls, text)
        cell.indent = indent
        return cell


def _has_indents(book: Any) -> bool:
    """Whether any cell style of the workbook indents (read from its small styles part, not
    the cells): only then are rows read as cells, which is slower than values."""
    alignments = getattr(book, "_alignments", None)
    if alignments is None:
        return True  # another openpyxl keeps them elsewhere: read the cells to be sure
    return any(getattr(a, "indent", 0) for a in alignments)


def _cell_value(cell: Any) -> Cell:
    value = cell.value
    if isinstance(value, str) and cell.has_style:
        indent = int(cell.alignment.indent or 0)
        if indent:
            return Indented(value, indent)
    return value


def _workbook_rows(path: Path, sheet: str) -> Iterator[Row]:
    book = _load(path)
    try:
        sheet_ = book[sheet]
        indents = _has_indents(book)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                for number, row in enumerate(sheet_.iter_rows(values_only=not indents), start=1):
                    cells = [_cell_value(c) for c in row] if indents else list(row)
                    while cells and (cells[-1] is None or cells[-1] == ""):
                        cells.pop()
                    yield number, cells
            except SheetRefused:
                raise
            except Exception as exc:
                name = type(exc).__name__
                if "Entities" in name or "DTD" in name or "Forbidden" in name:
                    raise SheetRefused(
                        f"{path.name} declares XML entities; refused as an XML bomb."
                    ) from None
                raise SheetRefused(
                    f"{path.name}, sheet {sheet}: cannot be read ({name}: {exc})."
                ) from None
    finally:
        book.close()


# -- text files ---------------------------------------------------------------------------


def _encoding(path: Path) -> str:
    with path.open("rb") as stream:
        head = stream.read(_SAMPLE)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
            return "utf-16-le"  # Excel's "Unicode text" always has a BOM; others may not
        if len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
            return "utf-16-be"
        # UTF-8 unless some byte sequence is not: then the Windows code page Excel writes.
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = stream.read(_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    # cp1252 leaves five bytes undefined; "replace" keeps such a file readable.
    errors = "replace" if encoding == "cp1252" else "strict"
    return open(path, encoding=encoding, errors=errors, newline="")  # noqa: SIM115


def _text_format(path: Path) -> TextFormat:
    encoding = _encoding(path)
    try:
        with _open_text(path, encoding) as stream:
            sample = stream.read(_SAMPLE)
    except UnicodeDecodeError as exc:
        raise SheetRefused(f"{path.name} is not readable text ({exc.reason}).") from None
    if "\x00" in sample:
        raise SheetRefused(f"{path.name} holds binary data, not text.")
    return TextFormat(encoding, _delimiter(sample))


def _delimiter(sample: str) -> str:
    """The delimiter that splits the most lines into the same number of fields (more than one):
    title lines above the header and a last partial line do not sway it."""
    lines = sample.splitlines()[:-1] or sample.splitlines()
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = Counter(
            len(fields) for fields in csv.reader(lines[:200], delimiter=delimiter) if fields
        )
        if not counts:
            continue
        fields, lines_ = max(counts.items(), key=lambda item: (item[1] * (item[0] > 1), item[0]))
        score = (lines_ if fields > 1 else 0, fields)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _text_rows(path: Path, text_format: TextFormat) -> Iterator[Row]:
    csv.field_size_limit(1 << 24)
    try:
        with _open_text(path, text_format.encoding) as stream:
            # Numbered by record, as a spreadsheet program shows them (a quoted cell may hold
            # several lines, as Jira descriptions do).
            reader = csv.reader(stream, delimiter=text_format.delimiter)
            for number, fields in enumerate(reader, start=1):
                cells: list[Cell] = list(fields)
                while cells and not cells[-1]:
                    cells.pop()
                yield number, cells
    except UnicodeDecodeError as exc:
        raise SheetRefused(f"{path.name} is not readable text ({exc.reason}).") from None
    except csv.Error as exc:
        raise SheetRefused(f"{path.name} is not a readable CSV file ({exc}).") from None


def first_rows(source: Source, sheet: str, count: int) -> list[Row]:
    """The first `count` rows of a sheet (where the header is looked for)."""
    return list(islice(source.rows(sheet), count))
