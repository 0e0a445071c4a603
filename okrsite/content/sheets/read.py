"""Spreadsheets to rows: CSV and XLSX files read as cells with their row numbers.

OKR sets often live in a spreadsheet, one row per key result. This module only
reads: cells stay what the file says (text in a CSV; text, numbers, dates,
booleans or formulas in an XLSX) and nothing is evaluated, so a formula can
never compute anything here. Turning rows into objectives is the importer's job.

Row numbers are the ones a spreadsheet program shows (the first row is 1), which
is also the line of a CSV file as long as no cell holds a line break.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from okrsite.diagnostics import Diagnostic

DELIMITERS = (",", ";", "\t")
SAVE_AS = "save the sheet as .xlsx or as CSV (UTF-8)"
# A guard against zip bombs: no OKR sheet needs more than this much XML.
MAX_XLSX_BYTES = 200 * 1024 * 1024
# Spreadsheet programs run a cell starting with one of these as a formula. Exported text
# cells that start so get a leading apostrophe (OWASP's advice), which reading removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Formula:
    """An XLSX cell holding a formula: kept as its text, never evaluated."""

    text: str


Cell = str | int | float | bool | dt.date | Formula | None


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the first row of the sheet is 1
    cells: tuple[Cell, ...]

    def cell(self, index: int) -> Cell:
        return self.cells[index] if index < len(self.cells) else None


@dataclass(frozen=True)
class Sheet:
    path: str  # as diagnostics name it
    header_row: int
    header: tuple[str, ...]
    rows: tuple[Row, ...]  # the rows below the header that have a value, in order
    delimiter: str = ""  # a CSV file's; "" for a workbook


class SheetError(Exception):
    """The file cannot be read as a sheet; the diagnostic says where and why."""

    def __init__(self, path: str, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.diagnostic = Diagnostic(path, line, col, "error", message)


def read_sheet(path: Path, label: str, *, sheet: str | None = None, delimiter: str | None = None,
               encoding: str | None = None) -> Sheet:
    """Read a .csv/.tsv/.txt or .xlsx/.xlsm file; raise SheetError when it cannot be read."""
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(label, f"cannot read the file: {exc.strerror or exc}") from None
    if suffix in (".xls", ".ods", ".numbers"):  # an .ods or .numbers file is a zip archive too
        raise SheetError(label, f"cannot read {suffix} files: {SAVE_AS}")
    if suffix in (".xlsx", ".xlsm") or raw.startswith(b"PK\x03\x04"):
        return _with_header(_xlsx_rows(raw, label, sheet), label)
    if sheet is not None:
        raise SheetError(label, "--sheet applies to .xlsx files only")
    text = _decode(raw, label, encoding)
    delimiter = delimiter or sniff_delimiter(text)
    return _with_header(_csv_rows(text, label, delimiter), label, delimiter)


def _with_header(rows: list[Row], label: str, delimiter: str = "") -> Sheet:
    """The first row with a value is the header; rows with no value at all are left out."""
    filled = [row for row in rows if any(_has_value(c) for c in row.cells)]
    if not filled:
        raise SheetError(label, "the sheet is empty: it needs a header row and one row per key result")
    head, *body = filled
    header = tuple("" if c is None else str(c.text if isinstance(c, Formula) else c).strip() for c in head.cells)
    return Sheet(label, head.number, header, tuple(body), delimiter)


def _has_value(cell: Cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


# --- CSV ----------------------------------------------------------------------

def _decode(raw: bytes, label: str, encoding: str | None) -> str:
    """UTF-8 by default; a byte order mark (UTF-8 or UTF-16, as Excel writes) wins."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            encoding = name
            break
    encoding = encoding or "utf-8"
    try:
        return raw.decode(encoding)
    except LookupError:
        raise SheetError(label, f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = (" (save it as 'CSV UTF-8', or name its encoding with --encoding, e.g. --encoding cp1252)"
                if encoding == "utf-8" else "")
        raise SheetError(label, f"the file is not valid {encoding} text{hint}", line) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of , ; and tab it holds most (',' on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(first, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first on a tie: ','
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _csv_rows(text: str, label: str, delimiter: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append(Row(number, tuple(unescape_text(c) for c in cells)))
    except csv.Error as exc:
        raise SheetError(label, f"not a readable CSV file: {exc}", reader.line_num or 1) from None
    return rows


def escape_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet program will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_text(text: str) -> str:
    """The inverse of escape_text: the apostrophe before a formula-like text goes."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


# --- XLSX ---------------------------------------------------------------------

def _xlsx_rows(raw: bytes, label: str, sheet: str | None) -> list[Row]:
    """Cells as stored, formulas as Formula (openpyxl with data_only=False: nothing is evaluated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            size = sum(info.file_size for info in archive.infolist())
            parts = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SheetError(label, "not an .xlsx file (it is not a zip archive)") from None
    if "[Content_Types].xml" not in parts:  # every Office Open XML file has it; .ods and .numbers do not
        raise SheetError(label, f"not an .xlsx workbook (an .ods or .numbers file?): {SAVE_AS}")
    if size > MAX_XLSX_BYTES:
        raise SheetError(label, f"the workbook unpacks to {size // 2**20} MB, more than okrsite reads "
                                f"({MAX_XLSX_BYTES // 2**20} MB)")
    import openpyxl  # only when a workbook is read: it costs ~0.2 s to import

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(label, f"cannot read the workbook: {exc}") from None
    try:
        cells = {worksheet.title: worksheet for worksheet in book.worksheets}  # (a chart sheet has no cells)
        if not cells:
            raise SheetError(label, "the workbook has no sheet of cells (only charts)")
        if sheet is not None and sheet not in cells:
            what = f"{sheet!r} is a chart sheet" if sheet in book.sheetnames else f"no sheet named {sheet!r}"
            raise SheetError(label, f"{what}; the workbook has: {', '.join(cells)}")
        worksheet = cells[sheet] if sheet is not None else book.worksheets[0]
        worksheet.reset_dimensions()  # some writers store a wrong size; read what is there
        rows = []
        try:  # a read-only workbook parses its sheet as the rows are asked for
            for number, cells in enumerate(worksheet.iter_rows(), start=1):
                rows.append(Row(number, tuple(_xlsx_cell(c) for c in cells)))
        except SheetError:
            raise
        except Exception as exc:  # noqa: BLE001 - a sheet's XML cut short or not XML: openpyxl raises many kinds
            raise SheetError(label, f"cannot read the workbook's sheet (damaged?): {exc}") from None
        return rows
    finally:
        book.close()


# What a number format shows as written, not as a sign: "…" texts and \-escaped characters (a cell
# formatted 0.0"%" holds 2 and shows 2.0%: only an unquoted % makes the spreadsheet scale by 100).
_LITERALS = re.compile(r'"[^"]*"|\\.')


def _xlsx_cell(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", None)
    if kind == "f":  # the formula's text (an array formula is an object holding it)
        return Formula(value if isinstance(value, str) else str(getattr(value, "text", value)))
    if kind == "e":  # an error value such as #DIV/0! left by a formula
        return Formula(str(value))
    shown_as = str(getattr(cell, "number_format", ""))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in _LITERALS.sub("", shown_as):
        percent = round(value * 100, 10)  # a cell shown as 4% holds 0.04: read as the CSV's '4%' is
        return f"{int(percent) if float(percent).is_integer() else percent}%"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, str):  # an exported CSV opened in a spreadsheet program keeps the apostrophe as text
        return unescape_text(value)
    if value is None or isinstance(value, (int, float, bool, dt.date)):
        return value
    return str(value)
