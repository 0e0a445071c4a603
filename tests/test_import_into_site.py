"""`okrsite import` into a site that has objectives already: ids that stay unique across the
site, what --force drops said aloud, and a write that fails leaving the site as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrsite.commands import importer
from okrsite.commands.cli import main
from tests.conftest import write
from tests.test_import import front, sheet, site, tree  # noqa: F401 - the site fixture

Q1 = "objective,key result,period,start,target\nGrow revenue,Reach 1M ARR,2026-Q1,0,1000000\n"
Q2 = "objective,key result,period,start,target\nGrow revenue,Reach 2M ARR,2026-Q2,1000000,2000000\n"


def test_next_quarters_objective_of_the_same_title_gets_its_period_added(site: Path, capsys) -> None:  # noqa: F811
    """objectives/2026-Q2/grow-revenue.md had the id of objectives/2026-Q1/grow-revenue.md: the site
    then failed to build. Importing the sheet again replaces the same file."""
    sheet(site, Q1, "q1.csv")
    sheet(site, Q2, "q2.csv")
    assert main(["import", "q1.csv"]) == 0
    capsys.readouterr()
    assert main(["import", "q2.csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == ("wrote content/objectives/2026-Q2/grow-revenue-2026-q2.md "
                                                       "(1 key result)")
    assert main(["import", "q2.csv", "--force"]) == 0
    assert main(["import", "q1.csv", "--force"]) == 0
    assert sorted(tree(site / "content")) == ["objectives/2026-Q1/grow-revenue.md",
                                              "objectives/2026-Q2/grow-revenue-2026-q2.md"]
    assert front(site / "content/objectives/2026-Q2/grow-revenue-2026-q2.md")["id"] == "grow-revenue-2026-q2"
    assert main(["build", "--strict", "--jobs", "1"]) == 0


def test_a_given_objective_id_another_file_has_is_an_error(site: Path, capsys) -> None:  # noqa: F811
    write(site, "content/objectives/2026-Q1/revenue.md", "---\nid: grow-revenue\ntitle: Grow revenue\n---\n")
    sheet(site, "objective id,objective,key result,period,start,target\ngrow-revenue,Grow,Views,2026-Q2,0,10\n")
    assert main(["import", "okrs.csv"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "okrs.csv:2:1: error: objective id 'grow-revenue' is taken: content/objectives/2026-Q1/revenue.md has it; "
        "give this objective another id")
    assert sorted(tree(site / "content")) == ["objectives/2026-Q1/revenue.md"]


def test_force_says_what_replacing_a_file_drops_also_in_a_dry_run(site: Path, capsys) -> None:  # noqa: F811
    sheet(site, "objective,key result,period,start,target,current,date\n"
                "Grow revenue,Reach 2M ARR,2026-Q2,1000000,2000000,1200000,2026-04-30\n")
    assert main(["import", "okrs.csv"]) == 0
    target = site / "content/objectives/2026-Q2/grow-revenue.md"
    assert main(["checkin", "grow-revenue/reach-2m-arr", "1300000", "--date", "2026-05-10"]) == 0
    target.write_text(target.read_text() + "Why we care.\n")
    capsys.readouterr()
    warning = ("content/objectives/2026-Q2/grow-revenue.md:1:1: warning: --force replaces this file: its 1 check-in "
               "not in the sheet and its text below the front matter are dropped")
    assert main(["import", "okrs.csv", "--force", "--dry-run"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    assert main(["import", "okrs.csv", "--force"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    assert main(["import", "okrs.csv", "--force"]) == 0  # nothing left to drop
    assert capsys.readouterr().err == ""


def test_force_names_the_key_results_and_the_comments_it_drops(site: Path, capsys) -> None:  # noqa: F811
    write(site, "content/objectives/2026-Q2/grow-revenue.md", """
        ---
        # Agreed at the offsite.
        title: Grow revenue
        period: 2026-Q2
        key_results:
          # the number finance reports
          - {id: arr, title: Reach 2M ARR, start: 1000000, target: 2000000}
          - {id: nrr, title: Keep NRR above 110 %, start: 100, target: 110}
        ---
        """)
    sheet(site, "objective,kr id,key result,period,start,target\nGrow revenue,arr,Reach 2M ARR,2026-Q2,1000000,2000000\n")
    assert main(["import", "okrs.csv", "--force"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "content/objectives/2026-Q2/grow-revenue.md:1:1: warning: --force replaces this file: its key result 'nrr' "
        "not in the sheet and its 2 comment lines are dropped"]


@pytest.mark.parametrize("blocker, into, message", [
    ("content/objectives/2026-Q3", [], ("content/objectives/2026-Q3/b.md:1:1: error: cannot write the file: "
                                        "content/objectives/2026-Q3 is not a folder")),
    ("afile", ["--into", "afile"], ("afile/objectives/2026-Q2/a.md:1:1: error: cannot write the file: afile is "
                                    "not a folder")),
])
def test_a_folder_that_is_a_file_stops_the_import_before_anything_is_written(site: Path, capsys,  # noqa: F811
                                                                             blocker: str, into: list[str],
                                                                             message: str) -> None:
    write(site, blocker, "not a folder\n")
    sheet(site, "objective,key result,period,start,target\nA,a,2026-Q2,0,1\nB,b,2026-Q3,0,1\n")
    before = tree(site)
    assert main(["import", "okrs.csv", *into]) == 2
    err = capsys.readouterr().err.splitlines()
    assert message in err
    assert err[-1] == "okrsite: import failed: the files above cannot be written; nothing was written"
    assert tree(site) == before


def test_a_write_that_fails_takes_back_what_the_run_wrote(site: Path, capsys, monkeypatch) -> None:  # noqa: F811
    mine = write(site, "content/objectives/2026-Q2/a.md", "---\ntitle: Mine\n---\n")
    sheet(site, "objective,key result,period,start,target\nA,a,2026-Q2,0,1\nB,b,2026-Q3,0,1\nC,c,2026-Q4,0,1\n")

    def fail_third(path: Path, data: bytes, keep_mode: bool = False) -> None:
        if path.name == "c.md":
            raise OSError(28, "No space left on device")
        real(path, data, keep_mode)

    real = importer.replace_file
    monkeypatch.setattr(importer, "replace_file", fail_third)
    assert main(["import", "okrs.csv", "--force"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "content/objectives/2026-Q4/c.md:1:1: error: cannot write the file: No space left on device",
        "okrsite: import failed: the file above cannot be written; nothing was written"]
    monkeypatch.setattr(importer, "replace_file", real)
    assert tree(site / "content") == {"objectives/2026-Q2/a.md": b"---\ntitle: Mine\n---\n"}
    assert sorted(p.name for p in (site / "content/objectives").iterdir()) == ["2026-Q2"]
    assert mine.read_text() == "---\ntitle: Mine\n---\n"
