"""`okrsite import`: a spreadsheet with one row per key result becomes objective files that build."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import openpyxl
import pytest
import yaml

from okrsite.commands.cli import main
from tests.conftest import REPO, mode_of, write

CONFIG = "title: Imported OKRs\nas_of: 2026-05-14\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site (okrsite.yaml only), and the current folder."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", CONFIG)
    monkeypatch.chdir(root)
    return root


def sheet(root: Path, text: str, name: str = "okrs.csv", encoding: str = "utf-8") -> Path:
    path = root / name
    path.write_bytes(text.encode(encoding))
    return path


def front(path: Path) -> dict:
    """An objective file's front matter, read by a plain safe loader."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def xlsx(path: Path, rows: list[list[object]], title: str = "OKRs",
         more: dict[str, list[list[object]]] | None = None) -> Path:
    """A workbook as a spreadsheet program saves it: a string starting with '=' is a formula
    cell, one starting with an apostrophe a text cell (without the apostrophe, as in Excel)."""
    book = openpyxl.Workbook()
    book.active.title = title
    for name, content in {title: rows, **(more or {})}.items():
        worksheet = book[name] if name in book.sheetnames else book.create_sheet(name)
        for row in content:
            worksheet.append(row)
        for cells in worksheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("'"):
                    cell.value = cell.value[1:]
                    cell.data_type = "s"
    book.save(path)
    return path


def okrs_json(root: Path) -> dict:
    return json.loads((root / "output" / "okrs.json").read_text(encoding="utf-8"))


# --- the happy path -----------------------------------------------------------

def test_the_example_sheet_becomes_objective_files_that_build_with_its_numbers(site: Path, capsys) -> None:
    assert main(["import", str(REPO / "examples" / "okrs-sheet.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "wrote content/objectives/2026-Q2/make-inbound-the-engine-of-our-new-business.md (no key results)"
    assert out[1] == "wrote content/objectives/2026-Q2/improve-the-visibility-of-our-content-in-search.md (4 key results)"
    assert out[-1].startswith("imported 3 objectives with 6 key results from ")
    seo = front(site / "content/objectives/2026-Q2/improve-the-visibility-of-our-content-in-search.md")
    assert seo["parent"] == "make-inbound-the-engine-of-our-new-business"
    assert seo["key_results"][0] == {"id": "increase-website-page-views-from-1200-to", "title":
                                     "Increase website page views from 1200 to 2500", "start": 1200,
                                     "target": 2500, "current": 1720, "unit": "views"}
    assert seo["key_results"][2]["type"] == "boolean" and seo["key_results"][2]["done"] is True
    assert seo["key_results"][3]["milestones"][0] == {"title": "Crawl report", "done": True, "due": dt.date(2026, 4, 30)}

    assert main(["build", "--strict", "--jobs", "1"]) == 0
    objectives = {o["id"]: o for o in okrs_json(site)["objectives"]}
    views = objectives["improve-the-visibility-of-our-content-in-search"]["key_results"][0]
    assert (views["start"], views["target"], views["current"], views["progress"]) == (1200, 2500, 1720, 0.4)
    rollup = objectives["make-inbound-the-engine-of-our-new-business"]
    assert sorted(rollup["children"]) == ["answer-every-inbound-lead-the-same-day",
                                          "improve-the-visibility-of-our-content-in-search"]


def test_the_example_workbook_imports_to_the_same_files_as_the_example_csv(site: Path, tmp_path: Path) -> None:
    assert main(["import", str(REPO / "examples" / "okrs-sheet.csv"), "--into", str(tmp_path / "from-csv")]) == 0
    assert main(["import", str(REPO / "examples" / "okrs-sheet.xlsx"), "--into", str(tmp_path / "from-xlsx")]) == 0
    assert tree(tmp_path / "from-xlsx") == tree(tmp_path / "from-csv") != {}


def test_column_names_match_case_insensitively_and_by_their_synonyms(site: Path) -> None:
    sheet(site, "\ufeffGoal;KR;Baseline;Goal Value;Actual;UNIT;Objective_Owner;Department;Quarter;KR Weight\n"
                "Grow;Page views;1 200;2500;1720;views;Dana;Marketing;Q1 2026;2\n")
    assert main(["import", "okrs.csv"]) == 0
    grow = front(site / "content/objectives/2026-Q1/grow.md")
    assert grow == {"id": "grow", "title": "Grow", "period": "2026-Q1", "owner": "Dana", "team": "Marketing",
                    "key_results": [{"id": "page-views", "title": "Page views", "start": 1200, "target": 2500,
                                     "current": 1720, "unit": "views", "weight": 2}]}


def test_rows_with_empty_objective_cells_belong_to_the_objective_above(site: Path) -> None:
    sheet(site, "objective,key result,start,target,period\n"
                "Grow,Views,0,10,2026-Q1\n"
                ",Signups,0,5,\n"
                "Keep,Uptime,99,99.9,2026-Q1\n"
                "Grow,Leads,0,3,2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 0
    grow = front(site / "content/objectives/2026-Q1/grow.md")
    assert [kr["id"] for kr in grow["key_results"]] == ["views", "signups", "leads"]
    assert [kr["id"] for kr in front(site / "content/objectives/2026-Q1/keep.md")["key_results"]] == ["uptime"]


def test_titles_that_look_like_yaml_come_back_as_the_same_text(site: Path) -> None:
    titles = ['Grow: the "inbound" #1', "- leading dash", "yes", "null", "2026-01-31", "[not, a list]",
              "{not: a map}", "&anchor *alias !tag", "% @ ` | >", "key: value\nsecond: line", "'single' quotes",
              "title: x\nkey_results: []", "1e3", "0x1F", "~", "Ünïcødé — ok"]
    rows = "".join(f'"{t.replace(chr(34), chr(34) * 2)}",KR {i},0,10,2026-Q1\n' for i, t in enumerate(titles))
    sheet(site, "objective,key result,start,target,period\n" + rows)
    assert main(["import", "okrs.csv"]) == 0
    found = [front(p) for p in sorted((site / "content/objectives/2026-Q1").glob("*.md"))]
    assert sorted(f["title"] for f in found) == sorted(" ".join(t.split()) for t in titles)
    assert all(set(f) == {"id", "title", "period", "key_results"} for f in found)  # no key injected
    assert all(f["key_results"][0]["target"] == 10 and isinstance(f["key_results"][0]["target"], int) for f in found)
    assert main(["build", "--strict", "--jobs", "1"]) == 0


def test_decimal_commas_need_the_option_and_percent_signs_give_the_unit(site: Path, capsys) -> None:
    sheet(site, "objective;key result;start;target;current;period\nChurn;Churn rate;2,5 %;1,5%;2%;2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 1
    assert "okrs.csv:2:3: error: 'start' is not a number: '2,5 %' (for decimal commas, pass --decimal-comma)" \
        in capsys.readouterr().err
    assert main(["import", "okrs.csv", "--decimal-comma"]) == 0
    [kr] = front(site / "content/objectives/2026-Q1/churn.md")["key_results"]
    assert (kr["start"], kr["target"], kr["current"], kr["unit"]) == (2.5, 1.5, 2, "%")


def test_a_tab_separated_utf16_file_as_excel_saves_unicode_text_is_read(site: Path) -> None:
    sheet(site, "\ufeffobjective\tkey result\tstart\ttarget\tperiod\r\nWachsen\tGrößer werden\t0\t10\t2026-Q1\r\n",
          name="okrs.txt", encoding="utf-16-le")
    assert main(["import", "okrs.txt"]) == 0
    assert front(site / "content/objectives/2026-Q1/wachsen.md")["key_results"][0]["title"] == "Größer werden"


def test_a_dated_row_is_a_check_in_with_its_confidence_and_note(site: Path, capsys) -> None:
    sheet(site, "objective,key result,start,target,current,date,confidence,note,period\n"
                "Grow,Views,0,100,40,2026-02-01,70%,Landing pages live,2026-Q1\n"
                "Grow,Leads,0,10,4,,0.5,,2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 1
    assert "okrs.csv:3:7: error: 'confidence' needs the date of the check-in: fill the 'date' column" \
        in capsys.readouterr().err
    sheet(site, "objective,key result,start,target,current,date,confidence,note,period\n"
                "Grow,Views,0,100,40,2026-02-01,70%,Landing pages live,2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 0
    [kr] = front(site / "content/objectives/2026-Q1/grow.md")["key_results"]
    assert "current" not in kr
    assert kr["checkins"] == [{"date": dt.date(2026, 2, 1), "value": 40, "confidence": 0.7,
                               "note": "Landing pages live"}]


def test_parents_are_found_by_title_or_id_and_ids_not_in_the_sheet_are_kept_with_a_warning(site: Path,
                                                                                           capsys) -> None:
    write(site, "content/objectives/2026-Q1/elsewhere.md", "---\ntitle: Elsewhere\nperiod: 2026-Q1\n"
                                                            "key_results:\n  - {title: X, start: 0, target: 1}\n---\n")
    sheet(site, "objective id,objective,key result,start,target,period,parent\n"
                "top,Company goal,,,,2026-Q1,\n"
                ",Team goal,Views,0,10,2026-Q1,company goal\n"
                ",Other goal,Leads,0,10,2026-Q1,top\n"
                ",Third goal,Calls,0,10,2026-Q1,elsewhere\n")
    assert main(["import", "okrs.csv"]) == 0
    objectives = site / "content/objectives/2026-Q1"
    assert front(objectives / "team-goal.md")["parent"] == "top"
    assert front(objectives / "other-goal.md")["parent"] == "top"
    assert front(objectives / "third-goal.md")["parent"] == "elsewhere"
    assert ("okrs.csv:5:7: warning: parent 'elsewhere' is not in the sheet: it must be an objective of the site "
            "already") in capsys.readouterr().err


def test_files_with_which_the_site_would_not_build_are_not_kept(site: Path, capsys) -> None:
    """Each file read back alone, the import wrote a parent the site does not have, or a cycle, and
    said "imported"; the next build failed. The site as a whole is loaded after the write, and an
    error it did not have before takes every file back."""
    write(site, "content/objectives/2026-Q1/broken.md", "---\ntitle: Broken\nperiod: 2026-Q1\nowner: [\n---\n")
    sheet(site, "objective,key result,start,target,period,parent\nGrow,Views,0,10,2026-Q1,zzz\n"
                "D,k,0,1,2026-Q1,E\nE,k,0,1,2026-Q1,D\n")
    before = tree(site)
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [  # (the broken file's error was there before: not said)
        "content/objectives/2026-Q1/d.md:5:9: error: objective parent cycle: d -> e -> d",
        "content/objectives/2026-Q1/e.md:5:9: error: objective parent cycle: d -> e -> d",
        "content/objectives/2026-Q1/grow.md:5:9: error: unknown parent objective 'zzz'",
        "okrsite: import failed: with these files the site would not build (the errors above, in the files as they "
        "would be written); nothing was written"]
    assert tree(site) == before
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 0  # an error the site had before is not the import's


def test_same_titles_in_two_periods_are_two_objectives_with_unique_ids(site: Path) -> None:
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\nGrow,Views,0,20,2026-Q2\n"
                "Grow,Leads,0,5,2026-Q2\n")
    assert main(["import", "okrs.csv"]) == 0
    assert front(site / "content/objectives/2026-Q1/grow.md")["id"] == "grow"
    q2 = front(site / "content/objectives/2026-Q2/grow-2026-q2.md")
    assert q2["id"] == "grow-2026-q2" and len(q2["key_results"]) == 2
    assert main(["build", "--strict", "--jobs", "1"]) == 0


# --- rows it cannot use ---------------------------------------------------------

BAD = ("objective,key result,start,target,current,period,owner\n"
       "Grow,Views,0,100,40,2026-Q1,Dana\n"      # row 2: fine
       "Grow,Leads,0,ten,2,2026-Q1,\n"           # row 3: target not a number
       "Keep,Uptime,99,99.9,99.5,2026-Q1,\n"     # row 4: fine, another objective
       "Ship,Launch,5,5,,2026-Q9,\n"             # row 5: unknown period, start == target
       "Grow,Calls,0,3,1,2026-Q1,Sam\n")         # row 6: a second owner for Grow


def test_every_row_it_cannot_use_is_reported_with_its_row_and_column_and_nothing_is_written(site: Path, capsys) -> None:
    sheet(site, BAD)
    assert main(["import", "okrs.csv"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "okrs.csv:3:4: error: 'target' is not a number: 'ten'",
        "okrs.csv:5:4: error: 'target' equals the start (5): there is nothing to progress",
        "okrs.csv:5:6: error: unknown period '2026-Q9': use 2026-Q1, 2026-H1, 2026 or an id from 'periods' in "
        "okrsite.yaml",
        "okrs.csv:6:7: error: 'owner' is 'Sam' here but 'Dana' on row 2, for the same objective (rows with the "
        "same title and period are one objective: an 'objective id' column tells two apart)",
        "okrsite: import failed: 4 error(s) (--skip-bad writes the rest); nothing was written"]
    assert not (site / "content").exists()


def test_skip_bad_writes_the_objectives_whose_rows_are_all_usable_and_still_exits_1(site: Path, capsys) -> None:
    sheet(site, BAD)
    assert main(["import", "okrs.csv", "--skip-bad"]) == 1
    captured = capsys.readouterr()
    assert "okrs.csv:2:1: warning: objective 'Grow' (rows 2, 3, 6) is left out: rows 3, 6 cannot be used" \
        in captured.err
    assert captured.err.splitlines()[-1] == "okrsite: 4 error(s): the objectives of those rows were left out"
    assert captured.out.splitlines()[0] == "wrote content/objectives/2026-Q1/keep.md (1 key result)"
    assert sorted(tree(site / "content")) == ["objectives/2026-Q1/keep.md"]


def test_a_sheet_without_the_required_columns_or_rows_says_what_is_missing(site: Path, capsys) -> None:
    sheet(site, "Objective,Result owner,Target\nGrow,Dana,10\n")
    assert main(["import", "okrs.csv"]) == 1
    err = capsys.readouterr().err
    assert "okrs.csv:1:2: warning: column 'Result owner' is not one okrsite reads; it is left out" in err
    assert "okrs.csv:1:1: error: no 'key result' column (a header named 'key result', 'kr', 'key result title', ...)" in err
    sheet(site, "objective,key result\n\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines() == [  # (it said "no usable rows" alone, naming no file)
        "okrs.csv:1:1: error: no rows below the header: one row per key result",
        "okrsite: import failed: 1 error(s); nothing was written"]  # (no rest for --skip-bad to write)


@pytest.mark.parametrize("sheet_text, written", [
    ("objective,key result,start,target,period\nShip search,Index docs,0,100,2026-Q3\n"
     "Ship search,Query fast,500,200,\n", "ship-search"),  # the period on the first row
    ("objective,key result,start,target,period\nShip search,Index docs,0,100,\n"
     "Ship search,Query fast,500,200,2026-Q3\n", "ship-search"),  # ... or on a later one
    ("objective id,objective,key result,start,target,period\nship,Ship search,Index docs,0,100,\n"
     ",Ship search,Query fast,500,200,2026-Q3\n", "ship"),  # the id on one row, the period on another
])
def test_an_objectives_period_on_one_of_its_titled_rows_is_the_whole_objectives(site: Path, capsys, sheet_text: str,
                                                                                written: str) -> None:
    """docs/sheets.md: the objective's cells may be "filled on one of them". With its title on each
    row and its period on one, it was split in two, and "no period for objective 'Ship search'"."""
    sheet(site, sheet_text)
    assert main(["import", "okrs.csv"]) == 0
    objective = front(site / f"content/objectives/2026-Q3/{written}.md")
    assert [kr["title"] for kr in objective["key_results"]] == ["Index docs", "Query fast"]


def test_a_title_in_two_periods_leaves_its_rows_without_one_to_neither(site: Path, capsys) -> None:
    sheet(site, "objective,key result,start,target,period\nShip search,Index docs,0,100,2026-Q2\n"
                "Ship search,Query fast,500,200,2026-Q3\nShip search,Rank well,1,9,\n")
    assert main(["import", "okrs.csv"]) == 1
    assert "okrs.csv:4:5: error: no period for objective 'Ship search': fill 'period' or pass --period" \
        in capsys.readouterr().err


def test_rows_without_a_period_take_the_period_option(site: Path, capsys) -> None:
    sheet(site, "objective,key result,start,target\nGrow,Views,0,10\n")
    assert main(["import", "okrs.csv"]) == 1
    assert "okrs.csv:2:1: error: no period for objective 'Grow': fill 'period' or pass --period" \
        in capsys.readouterr().err
    assert main(["import", "okrs.csv", "--period", "Q3 2026"]) == 0  # written as a person would
    assert front(site / "content/objectives/2026-Q3/grow.md")["period"] == "2026-Q3"
    assert main(["import", "okrs.csv", "--period", "Q3"]) == 2
    assert "okrsite: error: --period: unknown period 'Q3'" in capsys.readouterr().err


def test_existing_files_are_kept_without_force_and_replaced_with_it(site: Path, capsys) -> None:
    target = write(site, "content/objectives/2026-Q1/grow.md", "---\ntitle: Mine\nperiod: 2026-Q1\n---\n")
    sheet(site, "objective id,objective,key result,start,target,period\ngrow,Grow,Views,0,10,2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 2
    err = capsys.readouterr().err
    assert ("content/objectives/2026-Q1/grow.md:1:1: error: the file exists (the objective of row 2); pass --force "
            "to replace it") in err
    assert target.read_text() == "---\ntitle: Mine\nperiod: 2026-Q1\n---\n"
    assert main(["import", "okrs.csv", "--dry-run", "--force"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "would replace content/objectives/2026-Q1/grow.md (1 key result)",
        "dry run: would import 1 objective with 1 key result from okrs.csv into content; nothing was written"]
    assert target.read_text() == "---\ntitle: Mine\nperiod: 2026-Q1\n---\n"
    assert main(["import", "okrs.csv", "--force"]) == 0
    assert "replaced content/objectives/2026-Q1/grow.md (1 key result)" in capsys.readouterr().out
    assert front(target)["title"] == "Grow"


def test_teams_are_checked_against_teams_yaml_by_id_or_name(site: Path, capsys) -> None:
    """A team teams.yaml does not list would fail the next build: it is a bad cell, reported at its
    row and column; a team written by its name is written as its id."""
    write(site, "content/teams.yaml", "- id: mkt\n  name: Marketing\n- id: sales\n  name: Sales\n")
    sheet(site, "objective,key result,start,target,team,period\nGrow,Views,0,10,marketing,2026-Q1\n"
                "Sell,Demos,0,5,\"Sales, Support\",2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == ("okrs.csv:3:5: error: unknown team 'Support': not listed in "
                                                       "content/teams.yaml (by id or name); add it there")
    sheet(site, "objective,key result,start,target,team,period\nGrow,Views,0,10,marketing,2026-Q1\n"
                "Sell,Demos,0,5,\"SALES, mkt\",2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 0
    assert front(site / "content/objectives/2026-Q1/grow.md")["team"] == "mkt"
    assert front(site / "content/objectives/2026-Q1/sell.md")["team"] == ["sales", "mkt"]
    assert main(["build", "--strict", "--jobs", "1"]) == 0


def test_teams_the_build_accepts_are_accepted(site: Path, capsys) -> None:
    """A team whose id YAML reads as a number, a name with a comma in it, a teams.yml."""
    write(site, "content/teams.yml", "- id: 42\n  name: Answers\n- id: rd\n  name: Research, Development\n")
    sheet(site, "objective,key result,start,target,team,period\nGrow,Views,0,10,42,2026-Q1\n"
                "Learn,Papers,0,5,\"Research, Development\",2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 0, capsys.readouterr().err
    assert front(site / "content/objectives/2026-Q1/grow.md")["team"] == "42"
    assert front(site / "content/objectives/2026-Q1/learn.md")["team"] == "rd"
    sheet(site, "objective,key result,start,target,team,period\nShip,Things,0,5,Nobody,2026-Q1\n", "more.csv")
    assert main(["import", "more.csv"]) == 1
    assert "unknown team 'Nobody': not listed in content/teams.yml" in capsys.readouterr().err


def test_the_example_sheet_imports_into_a_new_site_that_then_builds(tmp_path: Path, monkeypatch, capsys) -> None:
    """The README's walk: `okrsite init`, then `okrsite import` of the example sheet, then a build."""
    assert main(["init", str(tmp_path / "okrs")]) == 0
    monkeypatch.chdir(tmp_path / "okrs")
    assert main(["import", str(REPO / "examples" / "okrs-sheet.csv")]) == 0
    capsys.readouterr()
    assert main(["build", "--jobs", "1"]) == 0
    assert "error" not in capsys.readouterr().err


def test_new_files_get_the_umasks_mode_and_replaced_ones_keep_theirs(site: Path, usual_umask: None) -> None:
    """Files a teammate or the web server must read: not the 0600 of a temporary file."""
    mine = write(site, "content/objectives/2026-Q1/grow.md", "---\ntitle: Grow\nperiod: 2026-Q1\n---\n")
    mine.chmod(0o640)
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\nShrink,Costs,10,0,2026-Q1\n")
    assert main(["import", "okrs.csv", "--force"]) == 0
    assert front(mine)["key_results"][0]["title"] == "Views" and mode_of(mine) == 0o640
    assert mode_of(site / "content/objectives/2026-Q1/shrink.md") == 0o644
    assert sorted(path.name for path in mine.parent.iterdir()) == ["grow.md", "shrink.md"]  # no temporary left


def test_dry_run_lists_the_files_and_writes_nothing(site: Path, capsys) -> None:
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\nKeep,Uptime,1,2,2026-Q2\n")
    assert main(["import", "okrs.csv", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "would write content/objectives/2026-Q1/grow.md (1 key result)",
        "would write content/objectives/2026-Q2/keep.md (1 key result)",
        "dry run: would import 2 objectives with 2 key results from okrs.csv into content; nothing was written"]
    assert not (site / "content").exists()


def test_into_defaults_to_the_content_folder_of_the_site(site: Path) -> None:
    write(site, "okrsite.yaml", CONFIG + "content_dir: okrs\nperiods:\n  - {id: fy27-t1, start: 2026-09-01, end: 2026-12-31}\n")
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,fy27-t1\n")
    assert main(["import", "okrs.csv"]) == 0
    assert (site / "okrs/objectives/fy27-t1/grow.md").is_file()


def test_a_missing_sheet_or_configuration_is_a_usage_error(site: Path, capsys) -> None:
    assert main(["import", "nothing.csv"]) == 2
    assert "okrsite: error: no sheet at nothing.csv" in capsys.readouterr().err
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\n")
    assert main(["import", "okrs.csv", "--config", "elsewhere.yaml"]) == 2
    assert "okrsite: error: no site configuration at elsewhere.yaml" in capsys.readouterr().err


def test_a_stretch_column_beside_a_start_and_a_target_keeps_the_key_result_a_metric(site: Path, capsys) -> None:
    """A "Stretch" number in an OKR template made the row a zones key result: its start, target
    and current were dropped with warnings, and its progress read 0."""
    sheet(site, "Objective,Period,Key Result,Start,Target,Stretch,Current\nGrow,2026-Q2,Book demos,0,100,150,40\n")
    assert main(["import", "okrs.csv"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "okrs.csv:2:6: warning: 'Stretch' is left out: the key result is of type metric (its start and target make "
        "it one; a key result of zones says zones in a 'type' column)"]
    [kr] = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert kr == {"id": "book-demos", "title": "Book demos", "start": 0, "target": 100, "current": 40}


def test_a_row_after_an_empty_row_does_not_join_the_objective_above(site: Path, capsys) -> None:
    """A total below the table became a third key result of the last objective."""
    sheet(site, "Objective,Period,Key result,Start,Target,Current\nGrow,2026-Q2,Views,0,100,40\n,,Leads,0,30,9\n"
                "\n,,Total,0,130,49\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "okrs.csv:5:1: error: no objective: fill the objective's title (an empty row above ends the rows of the "
        "objective before it)")
    assert main(["import", "okrs.csv", "--skip-bad"]) == 1
    assert [kr["title"] for kr in front(site / "content/objectives/2026-Q2/grow.md")["key_results"]] == \
           ["Views", "Leads"]


@pytest.mark.parametrize("encoding, said", [
    ("latin-9x", "got 'latin-9x' (did you mean 'latin9'?)"),
    ("cp-1252", "got 'cp-1252' (did you mean 'cp1252'?)"),
    ("base64", "got 'base64'"),  # a codec of bytes, not of text
    ("undefined", "got 'undefined'"),  # a codec that decodes nothing: argparse said "invalid _encoding value"
])
def test_an_unknown_encoding_is_a_usage_error(site: Path, capsys, encoding, said) -> None:
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\n")
    with pytest.raises(SystemExit) as exit_:
        main(["import", "okrs.csv", "--encoding", encoding])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.rstrip().endswith(
        f"okrsite import: error: argument --encoding: expected a text encoding such as utf-8 or cp1252, {said}")
    assert not (site / "content").exists()


def test_files_it_cannot_read_as_a_sheet_are_errors(site: Path, capsys) -> None:
    (site / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0binary")
    assert main(["import", "old.xls"]) == 1
    assert "old.xls:1:1: error: cannot read .xls files: save the sheet as .xlsx or as CSV (UTF-8)" in capsys.readouterr().err
    (site / "latin.csv").write_bytes("objective,key result\nCaf\xe9,x\n".encode("cp1252"))
    assert main(["import", "latin.csv", "--period", "2026-Q1"]) == 1
    assert "latin.csv:2:1: error: the file is not valid utf-8 text (save it as 'CSV UTF-8', or name its encoding " \
           "with --encoding, e.g. --encoding cp1252)" in capsys.readouterr().err
    (site / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["import", "broken.xlsx"]) == 1
    assert "broken.xlsx:1:1: error: not an .xlsx file (it is not a zip archive)" in capsys.readouterr().err


def test_a_workbook_whose_sheet_is_cut_short_is_an_error_not_a_traceback(site: Path, capsys) -> None:
    """The zip and the workbook's index read, the sheet's XML cut in half: openpyxl raised its XML
    parser's error as the rows were read, past the check around opening the workbook."""
    import zipfile

    whole = xlsx(site / "whole.xlsx", [["objective", "key result", "start", "target", "period"],
                                       ["Grow", "Views", 0, 10, "2026-Q1"]] * 20)
    with zipfile.ZipFile(whole) as archive, zipfile.ZipFile(site / "cut.xlsx", "w") as cut:
        for info in archive.infolist():
            data = archive.read(info)
            cut.writestr(info, data[:len(data) // 2] if info.filename == "xl/worksheets/sheet1.xml" else data)
    assert main(["import", "cut.xlsx"]) == 1
    err = capsys.readouterr().err
    assert "cut.xlsx:1:1: error: cannot read the workbook's sheet (damaged?): " in err
    assert "Traceback" not in err


# --- cells are text: formulas, HTML, paths ------------------------------------------

def test_csv_cells_that_look_like_formulas_stay_text_and_are_no_numbers(site: Path, capsys) -> None:
    sheet(site, 'objective,key result,start,target,current,period\n'
                '"=HYPERLINK(""http://evil.example"",""click"")",=1+1,0,10,=2*3,2026-Q1\n')
    assert main(["import", "okrs.csv"]) == 1
    assert "okrs.csv:2:5: error: 'current' is not a number: '=2*3'" in capsys.readouterr().err
    sheet(site, 'objective,key result,start,target,period\n"=HYPERLINK(""http://evil.example"",""click"")",=1+1,0,10,2026-Q1\n')
    assert main(["import", "okrs.csv"]) == 0
    [written] = (site / "content/objectives/2026-Q1").glob("*.md")
    assert front(written)["title"] == '=HYPERLINK("http://evil.example","click")'
    assert front(written)["key_results"][0]["title"] == "=1+1"


def test_xlsx_formula_cells_are_rejected_not_evaluated(site: Path, capsys) -> None:
    xlsx(site / "okrs.xlsx", [["objective", "key result", "start", "target", "period"],
                              ["Grow", "Views", 0, "=5*2", "2026-Q1"],
                              ['=HYPERLINK("http://evil.example","x")', "Leads", 0, 10, "2026-Q1"],
                              ["'=text, not a formula", "Calls", 0, 10, "2026-Q1"]])
    assert main(["import", "okrs.xlsx", "--skip-bad"]) == 1
    err = capsys.readouterr().err
    assert ("okrs.xlsx:2:4: error: 'target' holds a formula (=5*2): okrsite reads values, not formulas; paste the "
            "values instead") in err
    assert "okrs.xlsx:3:1: error: 'objective' holds a formula (=HYPERLINK(" in err
    [written] = (site / "content/objectives/2026-Q1").glob("*.md")
    assert front(written)["title"] == "=text, not a formula"  # a text cell is text, whatever it starts with


def test_a_chart_sheet_is_no_sheet_of_cells(site: Path, capsys) -> None:
    """A workbook whose first sheet is a chart was read as that sheet: "'list' object has no
    attribute 'find'", and a traceback with --sheet."""
    book = openpyxl.Workbook()
    book.active.title = "OKRs"
    book.active.append(["objective", "key result", "start", "target", "period"])
    book.active.append(["Grow", "Views", 0, 10, "2026-Q1"])
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(book.active, min_col=3, min_row=1, max_row=2))
    book.create_chartsheet("Views chart", 0).add_chart(chart)
    book.save(site / "okrs.xlsx")
    assert main(["import", "okrs.xlsx", "--sheet", "Views chart"]) == 1
    assert "okrs.xlsx:1:1: error: 'Views chart' is a chart sheet; the workbook has: OKRs" in capsys.readouterr().err
    assert main(["import", "okrs.xlsx"]) == 0  # the first sheet of cells
    assert main(["import", "okrs.xlsx", "--sheet", "OKRs", "--force"]) == 0
    assert front(site / "content/objectives/2026-Q1/grow.md")["key_results"][0]["target"] == 10


def test_xlsx_numbers_dates_and_a_named_sheet_are_read(site: Path, capsys) -> None:
    rows = [["Objective", "Key Result", "Baseline", "Target", "Current", "Updated", "Period"],
            ["Grow", "Views", 1200, 2500.0, 1720.5, dt.datetime(2026, 2, 10), 2026]]
    xlsx(site / "okrs.xlsx", [["notes"], ["nothing here"]], title="Read me", more={"OKRs": rows})
    assert main(["import", "okrs.xlsx", "--sheet", "Nope"]) == 1
    assert "okrs.xlsx:1:1: error: no sheet named 'Nope'; the workbook has: Read me, OKRs" in capsys.readouterr().err
    assert main(["import", "okrs.xlsx", "--sheet", "OKRs"]) == 0
    [kr] = front(site / "content/objectives/2026/grow.md")["key_results"]
    assert kr == {"id": "views", "title": "Views", "start": 1200, "target": 2500, "checkins":
                  [{"date": dt.date(2026, 2, 10), "value": 1720.5}]}


def test_html_in_cells_is_shown_as_text_on_the_built_pages(site: Path) -> None:
    sheet(site, 'objective id,objective,key result,start,target,period,description\n'
                'xss,<script>alert(1)</script>,<b>bold</b> KR,0,10,2026-Q1,"<img src=x onerror=alert(2)>\n\nWhy."\n')
    assert main(["import", "okrs.csv"]) == 0
    assert main(["build", "--strict", "--jobs", "1"]) == 0
    page = (site / "output/objectives/xss/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; KR" in page and "<b>bold</b>" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "<img src=x" not in page


def test_ids_that_are_not_slugs_are_refused_and_made_ids_are_safe_names(site: Path, capsys) -> None:
    sheet(site, "objective id,objective,kr id,key result,start,target,period\n"
                "../../evil,Evil,,Views,0,10,2026-Q1\n"
                ",Fine,KR 1.2,Leads,0,10,2026-Q1\n"
                ",../../../etc/passwd,,..\\..\\x,0,10,2026-Q1\n")
    assert main(["import", "okrs.csv", "--skip-bad"]) == 1
    err = capsys.readouterr().err
    assert ("okrs.csv:2:1: error: 'objective id' is not an id (lowercase letters, digits, '-' and '_', starting and ending with a letter or digit): "
            "'../../evil'; try 'evil'") in err
    assert "okrs.csv:3:3: error: 'kr id' is not an id (lowercase letters, digits, '-' and '_', starting and ending with a letter or digit): 'KR 1.2'; try 'kr-1-2'" in err
    assert sorted(tree(site / "content")) == ["objectives/2026-Q1/etc-passwd.md"]
    assert front(site / "content/objectives/2026-Q1/etc-passwd.md")["key_results"][0]["id"] == "x"


def test_a_custom_period_id_that_is_not_a_safe_folder_name_stops_the_import(site: Path, capsys) -> None:
    write(site, "okrsite.yaml", CONFIG + "periods:\n  - {id: '../../up', start: 2026-09-01, end: 2026-12-31}\n")
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,../../up\n")
    assert main(["import", "okrs.csv"]) == 1
    assert "okrsite.yaml:4:10: error: 'id': expected a period id" in capsys.readouterr().err
    assert not (site / "content").exists() or tree(site / "content") == []


def test_a_link_that_leads_outside_the_content_folder_is_not_written_through(site: Path, tmp_path: Path,
                                                                                capsys) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (site / "content/objectives").mkdir(parents=True)
    os.symlink(outside, site / "content/objectives/2026-Q1")
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\n")
    assert main(["import", "okrs.csv", "--force"]) == 2
    assert "error: refusing to write outside content: the path leads to " in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_a_configuration_with_errors_stops_the_import(site: Path, capsys) -> None:
    write(site, "okrsite.yaml", "title: T\ncolour: red\n")
    sheet(site, "objective,key result,start,target,period\nGrow,Views,0,10,2026-Q1\n")
    assert main(["import", "okrs.csv", "--period", "Q3 2026"]) == 1
    err = capsys.readouterr().err
    assert "okrsite.yaml:2:1: error: unknown field 'colour' in okrsite.yaml" in err
    assert err.splitlines()[-1] == "okrsite: import failed: okrsite.yaml has errors; nothing was written"
    assert not (site / "content").exists()


def test_the_reference_lists_every_column_and_synonym_the_import_reads() -> None:
    from okrsite.content.sheets.layout import COLUMNS

    reference = (REPO / "docs" / "sheets.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        [line] = [line for line in reference.splitlines() if line.startswith(f"| `{column.name}` |")]
        assert line.split(" | ")[1] == ", ".join(column.synonyms), column.name


def test_due_in_a_milestone_title_is_a_due_date_only_with_a_number(site: Path) -> None:
    """"Ends with (due diligence)" exported, then imported back, failed: "the due date of 'Ends
    with' is not a date like 2026-03-15: 'diligence'"."""
    sheet(site, "objective,key result,milestones,period\n"
                'Grow,Audit,"[ ] Ends with (due diligence)\n[x] Close (due diligence) (due 2026-05-01)",2026-Q2\n')
    assert main(["import", "okrs.csv"]) == 0
    [kr] = front(site / "content/objectives/2026-Q2/grow.md")["key_results"]
    assert kr["milestones"] == [{"title": "Ends with (due diligence)", "done": False},
                                {"title": "Close (due diligence)", "done": True, "due": dt.date(2026, 5, 1)}]


def test_a_bad_cell_gives_one_error_and_the_row_keeps_its_type(site: Path, capsys) -> None:
    sheet(site, "objective,key result,type,start,target,done,milestones,weight,period\n"
                "Grow,Views,Metric,0,10,,,0,2026-Q1\n"
                'Grow,Audit,,,,,"[x] Crawl (due 2026-13-01)",,2026-Q1\n'
                "Grow,Thing,percent,0,1,,,,2026-Q1\n"
                "Grow,Flag,,,,maybe,,,2026-Q1\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[:-1] == [
        "okrs.csv:2:8: error: 'weight' must be above 0, got 0",
        "okrs.csv:3:7: error: 'milestones': the due date of 'Crawl' is not a date like 2026-03-15: '2026-13-01'",
        "okrs.csv:4:3: error: 'type' must be one of metric, boolean, milestones, maintain, zones, got 'percent'",
        "okrs.csv:5:6: error: 'done' is not yes or no: 'maybe'"]
