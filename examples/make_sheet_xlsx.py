"""Make examples/okrs-sheet.xlsx from examples/okrs-sheet.csv: `python examples/make_sheet_xlsx.py`.

The workbook holds what a spreadsheet program would save for the same sheet: numbers as
number cells, text as text cells (never formulas), line breaks kept inside their cells.
Run it again whenever the CSV changes; tests/test_import.py checks that both import alike.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent


def cell_value(text: str) -> int | float | str | None:
    if not text:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main() -> None:
    with open(HERE / "okrs-sheet.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "OKRs"
    for row in rows:
        sheet.append([cell_value(text) for text in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even if it starts with '='
    book.properties.creator = "okrsite examples/make_sheet_xlsx.py"
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 1)
    book.save(HERE / "okrs-sheet.xlsx")


if __name__ == "__main__":
    main()
