"""`okrsite import` of the v2 columns: kind, priority, closing grade, several owners and teams, a
parent key result, KR descriptions, maintain and zones KRs, dropped KRs and the check-in history;
names matched without regard to case, synonyms accepted; every unusable cell reported."""

from __future__ import annotations

import datetime as dt

import pytest

from okrsite.commands.cli import main
from tests.test_import import front, okrs_json, sheet, site  # noqa: F401 - the site fixture

HEADER = ("Goal,Quarter,Owners,Teams,Kind,Prio,Aligned To,KR,KR Description,Type,Baseline,Target,Actual,Unit,"
          "Min,Max,Zone Reached,Commit,Target Zone,Stretch,Dropped Reason,Drop Date,Date,Confidence,Notes,"
          "Check-ins\n")


def test_v2_columns_make_every_kind_of_key_result_and_build_with_its_numbers(site, capsys) -> None:  # noqa: F811
    sheet(site, HEADER +
          "Keep customers,Q2 2026,Ines Alvarez,customer-success,,P0,,Gross churn,,,2.1,1.4,1.8,%,,,,,,,,,,,,\n"
          'Customers can rely on us,Q2 2026,"Kwame Mensah, Tom Becker",platform; engineering,Aspirational,1,'
          "Keep customers/gross-churn,Uptime,,Maintain,,,99.82,%,99.9,,,,,,,,2026-05-12,0.6,Storage incident,"
          "2026-04-30; 99.95; 80%\n"
          ',,,,,,,Incident communication,"Rated by **support**,\nweekly.",,,,,,,,Target,Status page,Post-mortems,'
          "Quoted back,,,2026-05-14,,,2026-04-24; commit; 0.7\n"
          ",,,,,,,P95 ingest delay,,,40,10,35,min,,,,,,,Replaced by the cache's goal,2026-05-02,,,,\n")
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err == ""
    rely = front(site / "content/objectives/2026-Q2/customers-can-rely-on-us.md")
    assert rely == {
        "id": "customers-can-rely-on-us", "title": "Customers can rely on us", "period": "2026-Q2",
        "kind": "aspirational", "owner": ["Kwame Mensah", "Tom Becker"], "team": ["platform", "engineering"],
        "parent": "keep-customers/gross-churn", "priority": 1,
        "key_results": [
            {"id": "uptime", "title": "Uptime", "type": "maintain", "floor": 99.9, "unit": "%",
             "checkins": [{"date": dt.date(2026, 4, 30), "value": 99.95, "confidence": 0.8},
                          {"date": dt.date(2026, 5, 12), "value": 99.82, "confidence": 0.6, "note": "Storage incident"}]},
            {"id": "incident-communication", "title": "Incident communication",
             "description": "Rated by **support**,\nweekly.", "type": "zones",
             "zones": {"commit": "Status page", "target": "Post-mortems", "stretch": "Quoted back"},
             "checkins": [{"date": dt.date(2026, 4, 24), "zone": "commit", "confidence": 0.7},
                          {"date": dt.date(2026, 5, 14), "zone": "target"}]},
            {"id": "p95-ingest-delay", "title": "P95 ingest delay", "start": 40, "target": 10, "current": 35,
             "unit": "min", "dropped": {"reason": "Replaced by the cache's goal", "date": dt.date(2026, 5, 2)}}]}
    assert front(site / "content/objectives/2026-Q2/keep-customers.md")["priority"] == 0
    assert main(["build", "--jobs", "1"]) == 0
    objective = {o["id"]: o for o in okrs_json(site)["objectives"]}["customers-can-rely-on-us"]
    uptime, comms, p95 = objective["key_results"]
    assert (uptime["progress"], uptime["status"]) == (0.5, "off-track")  # one check-in of two inside the band
    assert (comms["zone"], comms["progress"]) == ("target", 0.7)
    assert (p95["status"], p95["progress"], p95["dropped"]) == (
        "dropped", None, {"reason": "Replaced by the cache's goal", "date": "2026-05-02"})


def test_a_closing_grade_and_note_close_an_ended_period(site) -> None:  # noqa: F811
    sheet(site, "objective,period,closing grade,closing note,key result,start,target,current\n"
                "Ship it,2026-Q1,90%,Held up well,Releases,0,10,8\n")
    assert main(["import", "okrs.csv"]) == 0
    assert front(site / "content/objectives/2026-Q1/ship-it.md")["closed"] == {"grade": 0.9, "note": "Held up well"}
    assert main(["build", "--jobs", "1"]) == 0
    [objective] = okrs_json(site)["objectives"]
    assert (objective["grade"], objective["computed_grade"], objective["closed_note"]) == (0.9, 0.8, "Held up well")


@pytest.mark.parametrize("header, row, message", [
    ("objective,key result,kind", "Grow,Views,maybe",
     "2:3: error: 'kind' must be one of committed, aspirational, got 'maybe'"),
    ("objective,key result,priority", "Grow,Views,P7",
     "2:3: error: 'priority' must be 0 to 3 (or P0 to P3), got 'P7'"),
    ("objective,key result,closing note", "Grow,Views,Fine",
     "2:3: error: 'closing note' needs the grade it explains: fill 'closing grade'"),
    ("objective,key result,type,current", "Grow,Uptime,maintain,99",
     "2:3: error: a maintain key result needs a 'floor', a 'ceiling' or both (numbers)"),
    ("objective,key result,floor,ceiling,current", "Grow,Uptime,5,3,4",
     "2:3: error: 'floor' (5) is above the ceiling (3): no value can be inside"),
    ("objective,key result,floor", "Grow,Uptime,99",
     "2:1: error: a maintain key result needs its 'current' value"),
    ("objective,key result,type,zone", "Grow,Comms,zones,target",
     "2:3: error: a zones key result needs what its zones mean: fill 'commit zone', 'target zone' or 'stretch zone'"),
    ("objective,key result,commit zone,zone", "Grow,Comms,Status page,best",
     "2:4: error: 'zone' must be one of fail, commit, target, stretch, got 'best'"),
    ("objective,key result,start,target,dropped on", "Grow,Views,0,10,2026-05-02",
     "2:5: error: 'dropped on' needs the reason the key result was dropped: fill 'dropped'"),
    ("objective,key result,start,target,history", "Grow,Views,0,10,2026-05-02; commit",
     "2:5: error: 'history': the check-in of 2026-05-02 has a zone, which a metric key result does not take"),
    ("objective,key result,start,target,history", "Grow,Views,0,10,\"2026-05-02; 5\n02/05/2026; 6\"",
     "2:5: error: 'history': the check-in '02/05/2026; 6' does not start with a date like 2026-01-31"),
    ("objective,key result,start,target,history", "Grow,Views,0,10,2026-05-02; 5; 1.5",
     "2:5: error: 'history': the check-in '2026-05-02; 5; 1.5': 'confidence' must be from 0 to 1"),
    ("objective,kr id,key result,start,target,parent", ("Grow,views,Views,0,10,", "Sub,,Signups,0,5,Grow/view"),
     "3:6: error: objective 'grow' has no key result 'view' in the sheet; its key results: views"),
])
def test_an_unusable_v2_cell_is_reported_at_its_row_and_column(site, capsys, header: str,  # noqa: F811
                                                               row: str | tuple[str, ...],
                                                               message: str) -> None:
    rows = (row,) if isinstance(row, str) else row
    sheet(site, f"{header},period\n" + "".join(f"{line},2026-Q2\n" for line in rows))
    assert main(["import", "okrs.csv"]) == 1
    assert f"okrs.csv:{message}" in capsys.readouterr().err
    assert not (site / "content").exists()


def test_a_type_is_read_from_the_cells_a_row_fills(site) -> None:  # noqa: F811
    sheet(site, "objective,period,key result,floor,current,commit zone\n"
                "Grow,2026-Q2,Uptime,99.9,99.95,\n"
                "Grow,2026-Q2,Comms,,,Status page\n")
    assert main(["import", "okrs.csv"]) == 0
    krs = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert [(kr["type"], kr.get("current"), kr.get("zones")) for kr in krs] == [
        ("maintain", 99.95, None), ("zones", None, {"commit": "Status page"})]
