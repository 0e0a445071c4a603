"""`okrsite export --format csv`: the site's key results in the sheet layout `okrsite import` reads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from okrsite.commands.cli import main
from tests.conftest import write


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a UTF-8 byte order mark, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def numbers(okrs: dict) -> dict[str, tuple]:
    """What the round trip must keep: each objective's progress and status, each KR's figures and
    check-ins, and the v2 fields a sheet holds."""
    return {o["id"]: (o["period"], o["parent"], o["teams"], o["owners"], o["kind"], o["priority"], o["progress"],
                      o["status"], o["grade"], o["closed_note"],
                      [(k["id"], k["type"], k["description"].rstrip("\n"), k["start"], k["target"], k["current"], k["unit"],
                        k["floor"], k["ceiling"], k["zone"], k["zones"], k["weight"], k["owners"], k["dropped"],
                        k["progress"], k["status"], sorted(tuple(c.values()) for c in k["checkins"]))
                       for k in o["key_results"]])
            for o in okrs["objectives"]}


def test_export_writes_one_row_per_key_result_with_the_values_the_site_shows(demo_site: Path, tmp_path: Path,
                                                                             capsys) -> None:
    out = tmp_path / "okrs.csv"
    assert main(["export", "--config", str(demo_site / "okrsite.yaml"), "--output", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == f"exported 39 key results of 15 objectives -> {out}"
    data = out.read_bytes()
    assert data.split(b"\r\n")[0] == ("\ufeffobjective id,objective,period,owner,team,parent,kind,priority,"
                                      "description,closing grade,closing note,kr id,key result,kr description,type,"
                                      "start,target,current,unit,floor,ceiling,zone,commit zone,target zone,"
                                      "stretch zone,done,milestones,weight,kr owner,dropped,dropped on,date,"
                                      "confidence,note,history").encode()
    rows = read_csv(data)
    assert len(rows) == 39 + 2  # and a row for the roll-up objective and the draft, which have no key result
    by_kr = {(r["objective id"], r["kr id"]): r for r in rows}
    views = by_kr["seo-visibility", "page-views"]
    # current is the latest check-in known on as_of, with that check-in's date and confidence
    assert (views["start"], views["target"], views["current"], views["unit"]) == ("1200", "2500", "1720", "views")
    assert (views["date"], views["confidence"], views["note"]) == ("2026-02-10", "0.7", "New landing pages live")
    assert by_kr["seo-visibility", "bounce-rate"]["current"] == "7"
    assert by_kr["faster-onboarding", "onboarding-playbooks"]["milestones"] == (
        "[x] Grocery playbook (due 2026-02-15)\n[ ] Fashion playbook (due 2026-03-15)\n"
        "[ ] Home and garden playbook (due 2026-03-31)")
    # v2: several owners and teams, a KR-aligned parent, kind and priority, maintain, zones and dropped KRs
    uptime = by_kr["reliable-platform", "uptime"]
    assert [uptime[c] for c in ("owner", "team", "parent", "kind", "priority", "type", "floor", "current", "date",
                                "history")] == [
        "Kwame Mensah, Tom Becker", "platform, engineering", "reduce-churn/gross-churn", "aspirational", "1",
        "maintain", "99.9", "99.82", "2026-05-12", "2026-04-30; 99.95; 0.8"]
    comms = by_kr["reliable-platform", "incident-communication"]
    assert [comms[c] for c in ("zone", "commit zone", "date", "note", "history")] == [
        "target", "A status page update within 30 minutes of every incident", "2026-05-14",
        "Post-mortem of the 12 May incident out in 2 days", "2026-04-24; commit; 0.7"]
    p95 = by_kr["reliable-platform", "p95-ingest"]
    assert (p95["dropped"], p95["dropped on"]) == (
        "Replaced by the columnar cache project's own goal, which measures what customers see", "2026-05-02")
    assert by_kr["reliable-ingestion", "uptime"]["closing grade"] == "0.9"
    # the row's date is that of its current value; a later check-in without one, and one after as_of, are history
    activation = by_kr["self-serve-dashboards", "activation"]
    assert (activation["current"], activation["date"], activation["confidence"]) == ("24", "2026-05-06", "0.5")
    assert activation["history"] == ("2026-04-15; 22.5; 0.6\n2026-05-13; ; 0.4; Onboarding checklist experiment "
                                     "starts next week\n2026-05-28; 27; 0.5; First read of the onboarding checklist "
                                     "experiment")
    rollup = by_kr["grow-inbound", ""]
    assert rollup["objective"] == "Make inbound the engine of our new business" and rollup["key result"] == ""
    assert rollup["description"].startswith("In 2025 two thirds of our new ARR")


def test_the_exported_demo_imported_into_an_empty_folder_builds_with_the_same_numbers(
        demo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = tmp_path / "okrs.csv"
    assert main(["export", "--config", str(demo_site / "okrsite.yaml"), "-o", str(sheet)]) == 0
    copy = tmp_path / "copy"
    write(copy, "okrsite.yaml", "title: Copy\nas_of: 2026-05-14\n")
    monkeypatch.chdir(copy)
    assert main(["import", str(sheet)]) == 0
    assert main(["build", "--jobs", "1"]) == 0
    assert main(["build", "--jobs", "1", "--config", str(demo_site / "okrsite.yaml")]) == 0
    original = json.loads((demo_site / "output/okrs.json").read_text(encoding="utf-8"))
    imported = json.loads((copy / "output/okrs.json").read_text(encoding="utf-8"))
    assert numbers(imported) == numbers(original)
    assert len(original["objectives"]) == 15
    # each key result's check-ins in date order (the history cell's came first, then the row's)
    written = [[c["date"] for c in kr.get("checkins", ())] for path in (copy / "content").rglob("*.md")
               for kr in yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1]).get("key_results", ())]
    assert sum(map(len, written)) > 60 and all(dates == sorted(dates) for dates in written)


@pytest.mark.parametrize("ids", ["kept", "dropped"])
def test_the_exported_demo_edited_and_imported_back_with_force_replaces_its_own_files(
        demo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, ids: str) -> None:
    """The demo's files are not at objectives/<period>/<id>.md (customer-success-faster-onboarding.md
    has the id faster-onboarding): each of its 15 objectives was "taken" by its own file. Without
    the id columns the objectives are found by title and period, not written a second time."""
    sheet = tmp_path / "okrs.csv"
    assert main(["export", "--config", str(demo_site / "okrsite.yaml"), "-o", str(sheet)]) == 0
    assert main(["build", "--jobs", "1", "--config", str(demo_site / "okrsite.yaml")]) == 0
    original = json.loads((demo_site / "output/okrs.json").read_text(encoding="utf-8"))
    rows = read_csv(sheet.read_bytes())
    edited = next(row for row in rows if row["kr id"] == "time-to-value")
    edited["current"] = "30"  # the edit made in the spreadsheet
    columns = [name for name in rows[0] if ids == "kept" or name not in ("objective id", "kr id")]
    with sheet.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    files = sorted(path.relative_to(demo_site).as_posix() for path in (demo_site / "content").rglob("*.md"))
    monkeypatch.chdir(demo_site)
    capsys.readouterr()
    assert main(["import", str(sheet)]) == 2  # every file exists: nothing replaced without --force
    assert "content/objectives/2026-Q1/customer-success-faster-onboarding.md:1:1: error: the file exists" \
           in capsys.readouterr().err
    assert main(["import", str(sheet), "--force"]) == 0
    assert "replaced content/objectives/2026-Q1/customer-success-faster-onboarding.md (3 key results)" \
           in capsys.readouterr().out
    assert sorted(path.relative_to(demo_site).as_posix() for path in (demo_site / "content").rglob("*.md")) == files
    assert main(["build", "--jobs", "1"]) == 0
    imported = json.loads((demo_site / "output/okrs.json").read_text(encoding="utf-8"))
    [kr] = [k for o in imported["objectives"] for k in o["key_results"] if k["id"] == "time-to-value"]
    assert kr["current"] == 30
    assert {o: k for o, k in numbers(imported).items() if o != "faster-onboarding"} == \
           {o: k for o, k in numbers(original).items() if o != "faster-onboarding"}
    assert [k["id"] for o in imported["objectives"] for k in o["key_results"]] == \
           [k["id"] for o in original["objectives"] for k in o["key_results"]]  # (projects and parents name them)


def test_text_a_spreadsheet_would_run_as_a_formula_is_escaped_and_imported_back(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    write(site, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(site, "content/objectives/grow.md", """
        ---
        title: '=HYPERLINK("http://evil.example","click")'
        period: 2026-Q1
        owner: "@dana"
        key_results:
          - title: "-5 % churn"
            start: 5
            target: -5
            current: -1.5
            unit: "+%"
        ---
        """)
    sheet = tmp_path / "okrs.csv"
    assert main(["export", "--config", str(site / "okrsite.yaml"), "-o", str(sheet)]) == 0
    [row] = read_csv(sheet.read_bytes())
    assert row["objective"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert (row["owner"], row["key result"], row["unit"]) == ("'@dana", "'-5 % churn", "'+%")
    assert (row["target"], row["current"]) == ("-5", "-1.5")  # numbers are numbers, not escaped
    copy = tmp_path / "copy"
    write(copy, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    monkeypatch.chdir(copy)
    assert main(["import", str(sheet)]) == 0
    assert (copy / "content/objectives/2026-Q1/grow.md").read_text(encoding="utf-8") == (
        "---\nid: grow\ntitle: =HYPERLINK(\"http://evil.example\",\"click\")\nperiod: 2026-Q1\nkind: committed\n"
        "owner: '@dana'\n"
        "key_results:\n- id: kr-1\n  title: -5 % churn\n  start: 5\n  target: -5\n  current: -1.5\n  unit: +%\n---\n")


def test_the_apostrophe_before_formula_like_text_goes_in_a_workbook_too(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An exported CSV opened in a spreadsheet program and saved as .xlsx holds the apostrophe as
    text: the import removed it from a CSV's cells only, and the title read "'=HYPERLINK(...)"."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["objective", "key result", "start", "target", "period"])
    book.active.append(["'=1+1 is two", "'-5 % churn", 5, -5, "2026-Q1"])
    for cell in book.active[2][:2]:
        cell.data_type = "s"  # text, as stored: not a formula
    book.save(tmp_path / "okrs.xlsx")
    site = tmp_path / "site"
    write(site, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    monkeypatch.chdir(site)
    assert main(["import", str(tmp_path / "okrs.xlsx")]) == 0
    text = next((site / "content/objectives/2026-Q1").glob("*.md")).read_text(encoding="utf-8")
    assert "title: =1+1 is two\n" in text and "  title: -5 % churn\n" in text


def test_export_prints_to_standard_output_without_an_output_file(small_site: Path, capfd) -> None:
    assert main(["export", "--config", str(small_site / "okrsite.yaml")]) == 0
    [row] = read_csv(capfd.readouterr().out.encode())
    assert (row["objective id"], row["kr id"], row["current"], row["team"]) == ("grow", "views", "150", "marketing")


def test_an_owner_with_a_comma_is_warned_of_at_export(small_site: Path, tmp_path: Path, capsys) -> None:
    """"Smith, Dana" was exported in a cell the import splits at its commas: two owners came back."""
    site = small_site
    write(site, "content/objectives/grow.md", """
        ---
        title: Grow
        period: 2026-Q1
        owner: Smith, Dana
        key_results:
          - {id: views, title: Views, start: 0, target: 10, owner: "Lee; Sam"}
        ---
        """)
    assert main(["export", "--config", str(site / "okrsite.yaml"), "-o", str(tmp_path / "okrs.csv")]) == 0
    assert capsys.readouterr().err.splitlines()[:2] == [
        f"okrsite: warning: {what}: the owner {name!r} holds a comma or a semicolon, which okrsite import reads as "
        "two names (write it without one: 'Dana Smith')"
        for what, name in (("objective 'grow'", "Smith, Dana"), ("key result 'grow/views'", "Lee; Sam"))]


def test_export_of_a_site_that_does_not_load_fails_and_writes_nothing(small_site: Path, tmp_path: Path,
                                                                      capsys) -> None:
    write(small_site, "content/objectives/grow.md", "---\ntitle: Grow\nperiod: 2026-Q9\n---\n")
    out = tmp_path / "okrs.csv"
    assert main(["export", "--config", str(small_site / "okrsite.yaml"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "content/objectives/grow.md:3:9: error: unknown period '2026-Q9'" in err
    assert err.splitlines()[-1].startswith("okrsite: export failed: ") and not out.exists()
    assert main(["export", "--config", str(tmp_path / "none.yaml")]) == 2


@pytest.mark.parametrize("target", ["okrsite.yaml", "content/objectives/grow.md", "content/teams.csv", "output/okrs.csv"])
def test_export_never_writes_over_the_site_s_own_files(small_site: Path, capsys, target: str) -> None:
    """`okrsite export -o okrsite.yaml` (or a content file) wrote the sheet over it, where `import`
    refuses to overwrite."""
    before = {path: path.read_bytes() for path in small_site.rglob("*") if path.is_file()}
    assert main(["export", "--config", str(small_site / "okrsite.yaml"), "-o", str(small_site / target)]) == 2
    assert f"okrsite: error: refusing to write the export to {small_site / target}: it is the site's configuration, " \
           "or in its content, themes, output or cache; choose a file elsewhere (okrs.csv)" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in small_site.rglob("*") if path.is_file()} == before
    assert main(["export", "--config", str(small_site / "okrsite.yaml"), "-o", str(small_site / "okrs.csv")]) == 0
