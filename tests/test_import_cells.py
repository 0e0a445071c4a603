"""`okrsite import` of cells a spreadsheet program in another locale writes: decimal commas never
read as thousands, dates written day first, workbooks of other programs; and the hint when two
objectives share a title."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from okrsite.commands.cli import main
from tests.test_import import front, sheet, site  # noqa: F401 - the site fixture

HINT = "(for decimal commas, pass --decimal-comma)"


@pytest.mark.parametrize("row, message", [
    ("Faster;Deploys;1;0,250;0,500", "2:4: error: 'Target' is not a number: '0,250' " + HINT),
    ("Faster;Deploys;1.200.000;1.500.000;1.310.500,50", "2:3: error: 'Start' is not a number: '1.200.000' " + HINT),
    ("Faster;Deploys;1.200.000;1.500.000;1.310.500,50", "2:5: error: 'Current' is not a number: '1.310.500,50' "
                                                        + HINT),
])
def test_a_number_that_only_a_decimal_comma_reads_is_an_error_with_the_hint(site: Path, capsys,  # noqa: F811
                                                                             row: str, message: str) -> None:
    """0,250 was read as 250 (a KR from 1 h to 0.25 h went from 1 to 250 and showed done): a group
    of thousands never starts with a lone 0."""
    sheet(site, f"Objective;Key Result;Start;Target;Current;Period\n{row};2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 1
    assert f"okrs.csv:{message}" in capsys.readouterr().err.splitlines()
    assert not (site / "content").exists()


def test_thousands_in_a_semicolon_separated_file_are_read_with_a_warning(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, "Objective;Key Result;Start;Target;Period\nFaster;Deploys;1,500;12,000;2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        (f"okrs.csv:2:3: warning: 'Start' is read as 1500 from '1,500': in a file separated by ';' the comma may be "
         f"a decimal comma {HINT}"),
        (f"okrs.csv:2:4: warning: 'Target' is read as 12000 from '12,000': in a file separated by ';' the comma may "
         f"be a decimal comma {HINT}")]
    [kr] = front(site / "content/objectives/2026-Q2/faster.md")["key_results"]
    assert (kr["start"], kr["target"]) == (1500, 12000)


def test_a_dot_that_may_group_thousands_in_a_semicolon_separated_file_is_warned_of(site: Path,  # noqa: F811
                                                                                     capsys) -> None:
    """1.200 in a file saved where the comma is the decimal sign is likely 1200: it was read as 1.2,
    a thousand times less, without a word (1,500 was warned of). 0.250 is a decimal either way."""
    sheet(site, "Objective;Key Result;Start;Target;Current;Period\nUmsatz;Kunden;1.200;2.500;0.250;2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"okrs.csv:2:{column}: warning: '{label}' is read as {value} from '{written}': in a file separated by ';' "
        f"the dot may group thousands {HINT}" for column, label, value, written in
        ((3, "Start", 1.2, "1.200"), (4, "Target", 2.5, "2.500"))]
    [kr] = front(site / "content/objectives/2026-Q2/umsatz.md")["key_results"]
    assert (kr["start"], kr["target"], kr["current"]) == (1.2, 2.5, 0.25)
    sheet(site, "Objective;Key Result;Start;Target;Current;Period\nUmsatz;Kunden;1.200;2.500;1.800;2026-Q2\n")
    assert main(["import", "okrs.csv", "--decimal-comma", "--force"]) == 0
    assert capsys.readouterr().err == ""
    [kr] = front(site / "content/objectives/2026-Q2/umsatz.md")["key_results"]
    assert (kr["start"], kr["target"], kr["current"]) == (1200, 2500, 1800)


def test_thousands_in_a_comma_separated_file_are_read_quietly(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, 'Objective,Key Result,Start,Target,Period\nFaster,Deploys,"1,500","12,000",2026-Q2\n')
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err == ""


def test_a_date_written_day_first_with_dots_is_read(site: Path) -> None:  # noqa: F811
    sheet(site, "objective;key result;start;target;current;date;period\nGrow;Views;0;10;4;05.04.2026;2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 0
    [kr] = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert kr["checkins"] == [{"date": dt.date(2026, 4, 5), "value": 4}]


@pytest.mark.parametrize("written, why", [
    ("3/5/2026", "no date of the sheet tells whether it is day or month first: "),
    ("2026-W18", ""),  # a week: Python reads it as its Monday
])
def test_an_ambiguous_date_says_which_forms_are_read_and_nothing_more(site: Path, capsys, written: str,  # noqa: F811
                                                                      why: str) -> None:
    """The date is filled, only unreadable: no "needs the date of the check-in" for its confidence."""
    sheet(site, "objective,key result,start,target,current,date,confidence,note,period\n"
                f"Grow,Views,0,10,4,{written},0.7,Fine,2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"okrs.csv:2:6: error: 'date' is not a date: {written!r} ({why}write 2026-01-31, or 31.01.2026 day first)",
        "okrsite: import failed: 1 error(s); nothing was written"]  # (its one objective is bad: no rest)


@pytest.mark.parametrize("dates, read", [
    (("3/27/2026", "4/5/2026"), ((2026, 3, 27), (2026, 4, 5))),  # saved by a US spreadsheet program
    (("27/03/2026", "04/05/2026"), ((2026, 3, 27), (2026, 5, 4))),  # by a British one
])
def test_slashed_dates_are_read_in_the_order_the_sheet_shows(site: Path, dates: tuple[str, str],  # noqa: F811
                                                             read: tuple[tuple[int, int, int], ...]) -> None:
    """An exported sheet opened in Excel and saved as CSV again has its dates written 3/27/2026 (or
    27/03/2026): every dated row failed, even where only one order reads a date. One date that
    only one order reads tells the order of the sheet's others."""
    sheet(site, "objective,key result,start,target,current,date,dropped,dropped on,period\n"
                f"Grow,Views,0,10,4,{dates[0]},,,2026-Q2\nGrow,Views,,,5,{dates[1]},,,2026-Q2\n"
                f"Grow,Leads,0,10,,,Merged,{dates[1]},2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 0
    views, leads = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert [c["date"] for c in views["checkins"]] == [dt.date(*day) for day in read]
    assert leads["dropped"]["date"] == dt.date(*read[1])


@pytest.mark.parametrize("dates, said", [
    # 31/02/2026, read day first as 31/03/2026 tells, was said to be of no known order
    (("31/03/2026", "31/02/2026"), "3:6: error: 'date' is not a date: '31/02/2026' (read day first, as the "
                                   "sheet's dates are written, it is no day of the calendar"),
    (("3/27/2026", "28/03/2026"), "2:6: error: 'date' is not a date: '3/27/2026' (the sheet's dates are written "
                                  "both day first and month first (27/03/2026, 3/27/2026)"),
])
def test_a_slashed_date_that_cannot_be_read_says_why(site: Path, capsys, dates: tuple[str, str],  # noqa: F811
                                                     said: str) -> None:
    sheet(site, "objective,key result,start,target,current,date,period\n"
                f"Grow,Views,0,10,4,{dates[0]},2026-Q1\nGrow,Views,,,5,{dates[1]},2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"okrs.csv:{said}: write 2026-01-31, or 31.01.2026 day first)")


def test_an_ods_workbook_says_to_save_it_as_xlsx_or_csv(site: Path, capsys) -> None:  # noqa: F811
    """An .ods file is a zip archive too: it was opened as a workbook and failed with openpyxl's words."""
    with zipfile.ZipFile(site / "okrs.ods", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert main(["import", "okrs.ods"]) == 1
    assert "okrs.ods:1:1: error: cannot read .ods files: save the sheet as .xlsx or as CSV (UTF-8)" \
        in capsys.readouterr().err
    (site / "okrs.xlsx").write_bytes((site / "okrs.ods").read_bytes())
    assert main(["import", "okrs.xlsx"]) == 1
    assert ("okrs.xlsx:1:1: error: not an .xlsx workbook (an .ods or .numbers file?): save the sheet as .xlsx or as "
            "CSV (UTF-8)") in capsys.readouterr().err


def test_two_objectives_of_one_title_are_told_how_to_part(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, "objective,key result,start,target,owner,period\n"
                "Improve onboarding,Cut setup time,10,5,Chloé Dubois,2026-Q2\n"
                "Improve onboarding,Book demos,0,120,Raj Patel,2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 1
    assert ("okrs.csv:3:5: error: 'owner' is 'Raj Patel' here but 'Chloé Dubois' on row 2, for the same objective "
            "(rows with the same title and period are one objective: an 'objective id' column tells two apart)") \
        in capsys.readouterr().err.splitlines()


def test_a_percent_formatted_workbook_cell_is_read_as_the_percentage_shown(site: Path) -> None:  # noqa: F811
    """Excel keeps 4% as 0.04 with a '0.0%' format: read as 0.04, the key result went from 0.04 to 0.06."""
    book = openpyxl.Workbook()
    book.active.append(["objective", "key result", "period", "date", "start", "target", "current", "confidence"])
    book.active.append(["Convert", "Trial to paid", "2026-Q2", "2026-05-14", 0.04, 0.06, 0.048, 0.7])
    for cell in book.active[2][4:]:
        cell.number_format = "0.0%"
    book.save(site / "okrs.xlsx")
    assert main(["import", "okrs.xlsx"]) == 0
    [kr] = front(site / "content/objectives/2026-Q2/convert.md")["key_results"]
    assert kr == {"id": "trial-to-paid", "title": "Trial to paid", "start": 4, "target": 6, "unit": "%",
                  "checkins": [{"date": dt.date(2026, 5, 14), "value": 4.8, "confidence": 0.7}]}


def test_a_percent_sign_a_number_format_only_writes_is_no_percentage(site: Path) -> None:  # noqa: F811
    """`0.0"%"` shows 2 as 2.0% without scaling it: read as 0.02 x 100, it became 200."""
    book = openpyxl.Workbook()
    book.active.append(["objective", "key result", "period", "start", "target", "current"])
    book.active.append(["Convert", "Trial to paid", "2026-Q2", 2, 5, 3.5])
    for cell, shown in zip(book.active[2][3:], ('0.0"%"', "0.0\\%", '0.0"%"')):
        cell.number_format = shown
    book.save(site / "okrs.xlsx")
    assert main(["import", "okrs.xlsx"]) == 0
    [kr] = front(site / "content/objectives/2026-Q2/convert.md")["key_results"]
    assert (kr["start"], kr["target"], kr["current"]) == (2, 5, 3.5)
