"""`okrsite import` of a sheet with one row per check-in: the rows of one key result, each dated,
are its check-ins; undated rows of one key result are a duplicate, not a second key result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrsite.commands.cli import main
from tests.test_import import front, okrs_json, sheet, site  # noqa: F401 - the site fixture

WEEKLY = ("objective,key result,owner,team,period,start,target,current,date,confidence,note\n"
          "Grow inbound,Book 120 demos,Raj Patel,sales,2026-Q2,0,120,35,2026-04-30,0.7,\n"
          "Grow inbound,Book 120 demos,Raj Patel,sales,2026-Q2,0,120,20,2026-04-15,0.8,Slow start\n"
          ",Win 5 logos,,,,0,5,1,2026-04-15,,\n"
          ",book 120 DEMOS,,,,,,45,2026-05-14,,\n")


def test_dated_rows_of_one_key_result_are_its_check_ins_in_date_order(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, WEEKLY)
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err == ""
    assert front(site / "content/objectives/2026-Q2/grow-inbound.md")["key_results"] == [
        {"id": "book-120-demos", "title": "Book 120 demos", "start": 0, "target": 120, "checkins": [
            {"date": dt.date(2026, 4, 15), "value": 20, "confidence": 0.8, "note": "Slow start"},
            {"date": dt.date(2026, 4, 30), "value": 35, "confidence": 0.7},
            {"date": dt.date(2026, 5, 14), "value": 45}]},
        {"id": "win-5-logos", "title": "Win 5 logos", "start": 0, "target": 5,
         "checkins": [{"date": dt.date(2026, 4, 15), "value": 1}]}]
    assert main(["build", "--strict", "--jobs", "1"]) == 0
    [objective] = okrs_json(site)["objectives"]
    assert objective["key_results"][0]["current"] == 45


def test_rows_of_one_kr_id_are_one_key_result_and_the_latest_row_says_if_it_is_done(site: Path) -> None:  # noqa: F811
    sheet(site, "objective,kr id,key result,period,done,date,confidence\n"
                "Ship,launch,Launch the app,2026-Q2,no,2026-04-15,0.5\n"
                "Ship,launch,,2026-Q2,yes,2026-05-14,0.9\n")
    assert main(["import", "okrs.csv"]) == 0
    assert front(site / "content/objectives/2026-Q2/ship.md")["key_results"] == [
        {"id": "launch", "title": "Launch the app", "type": "boolean", "done": True, "checkins": [
            {"date": dt.date(2026, 4, 15), "confidence": 0.5}, {"date": dt.date(2026, 5, 14), "confidence": 0.9}]}]


def test_two_values_of_one_key_result_are_an_error_at_the_later_cell(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, "objective,key result,period,start,target,current,date\n"
                "Grow,Demos,2026-Q2,0,120,20,2026-04-15\n"
                "Grow,Demos,2026-Q2,0,100,35,2026-04-30\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "okrs.csv:3:5: error: 'target' is '100' here but '120' on row 2, for the same key result")


def test_one_number_written_two_ways_on_two_rows_is_one_value(site: Path, capsys) -> None:  # noqa: F811
    """0.0 and 0 (a spreadsheet's formats of one column differ from row to row) were two values."""
    sheet(site, "objective,key result,period,start,target,current,date\n"
                "Grow,Demos,2026-Q2,0.0,120,20,2026-04-15\n"
                "Grow,Demos,2026-Q2,0,120.00,35,2026-04-30\n")
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err == ""
    [kr] = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert (kr["start"], kr["target"], len(kr["checkins"])) == (0, 120, 2)


def test_two_titles_under_one_kr_id_name_the_repeated_id(site: Path, capsys) -> None:  # noqa: F811
    """Two key results given one `kr id` read as one key result whose title changed: the error named
    the titles only, not the id that was repeated."""
    sheet(site, "objective,kr id,key result,period,start,target,current,date\n"
                "Grow,a,One,2026-Q2,0,10,2,2026-04-15\n"
                "Grow,a,Two,2026-Q2,0,10,3,2026-04-30\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "okrs.csv:3:3: error: 'key result' is 'Two' here but 'One' on row 2, for the same key result "
        "(the rows share the 'kr id' 'a': give each key result its own)")


def test_a_bad_cell_filled_once_is_reported_on_its_own_row(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, "objective,key result,period,start,target,current,date\n"
                "Grow,Demos,2026-Q2,0,,20,2026-04-15\n"
                "Grow,Demos,2026-Q2,,ten,35,2026-04-30\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "okrs.csv:3:5: error: 'target' is not a number: 'ten'"


def test_undated_rows_of_one_key_result_are_an_error_naming_both_rows(site: Path, capsys) -> None:  # noqa: F811
    """They became book-120-demos and book-120-demos-2, silently."""
    sheet(site, "objective,key result,period,start,target,current\n"
                "Grow,Book 120 demos,2026-Q2,0,120,20\n"
                "Grow,Win logos,2026-Q2,0,5,1\n"
                "Grow,Book 120 demos,2026-Q2,0,120,35\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "okrs.csv:4:2: error: key result 'Book 120 demos' is on row 2 too, in the same objective: the rows of a key "
        "result are its check-ins, each with a 'date', and one row without a date may define it (a 'kr id' tells "
        "two key results apart)")
    assert not (site / "content").exists()


def test_one_undated_row_defines_the_key_result_whose_dated_rows_are_its_check_ins(site: Path) -> None:  # noqa: F811
    """The definition on a row of its own, the weekly figures under it: the dated rows were blamed."""
    sheet(site, "objective,key result,period,start,target,current,date\n"
                "Grow,Demos,2026-Q2,0,120,,\n"
                "Grow,Demos,2026-Q2,,,35,2026-04-30\n"
                "Grow,Demos,2026-Q2,,,20,2026-04-15\n")
    assert main(["import", "okrs.csv"]) == 0
    [kr] = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert (kr["start"], kr["target"], kr["checkins"]) == (0, 120, [
        {"date": dt.date(2026, 4, 15), "value": 20}, {"date": dt.date(2026, 4, 30), "value": 35}])


def test_a_kr_id_given_on_one_row_names_the_rows_of_its_title(site: Path) -> None:  # noqa: F811
    """The id on the first weekly row only split the key result in two (the second without start and
    target: "a metric key result needs 'start'")."""
    sheet(site, "objective,kr id,key result,period,start,target,current,date\n"
                "Ship,demos,Book demos,2026-Q2,0,100,10,2026-04-15\n"
                "Ship,,Book demos,2026-Q2,,,20,2026-04-30\n")
    assert main(["import", "okrs.csv"]) == 0
    [kr] = front(site / "content/objectives/2026-Q2/ship.md")["key_results"]
    assert (kr["id"], kr["start"], kr["target"], [c["value"] for c in kr["checkins"]]) == ("demos", 0, 100, [10, 20])
