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
    """(Without `period:` that file would be in the quarter of as_of, 2026-Q2, as the build reads it:
    the sheet's objective then.)"""
    write(site, "content/objectives/2026-Q1/revenue.md",
          "---\nid: grow-revenue\ntitle: Grow revenue\nperiod: 2026-Q1\n---\n")
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


# --- a sheet imported again into the site it describes (found by a review of the round trip) ------

def test_a_file_without_period_is_in_the_default_period_for_the_import_too(site: Path, capsys) -> None:  # noqa: F811
    """A file with no `period:` is in `default_period` for the build; the import took it for no
    period: its id was "taken" by its own file, and without ids it was written a second time."""
    write(site, "okrsite.yaml", "title: T\nas_of: 2026-05-14\ndefault_period: 2026-Q2\n")
    write(site, "content/objectives/grow.md", "---\ntitle: Grow\nkey_results:\n  - {id: views, title: Views, "
                                              "start: 0, target: 10}\n---\n")
    sheet(site, "objective id,objective,kr id,key result,period,start,target\ngrow,Grow,views,Views,2026-Q2,0,20\n")
    assert main(["import", "okrs.csv", "--force"]) == 0
    sheet(site, "objective,key result,period,start,target\nGrow,Views,2026-Q2,0,30\n")
    assert main(["import", "okrs.csv", "--force"]) == 0
    assert sorted(tree(site / "content")) == ["objectives/grow.md"]
    assert front(site / "content/objectives/grow.md")["key_results"] == [
        {"id": "views", "title": "Views", "start": 0, "target": 30}]


def test_new_rows_take_no_id_of_the_site_s_objectives_or_key_results(site: Path, capsys) -> None:  # noqa: F811
    """Without id columns, a new "Activation" took the id `activation` of the file's "Activation
    rate", which was renumbered (a child hanging from it then hung from the new one); a new "Grow"
    took the id `grow` of the site's "Grow revenue" and replaced its file."""
    write(site, "content/objectives/2026-Q2/grow.md", "---\nid: grow\ntitle: Grow revenue\nperiod: 2026-Q2\n"
          "key_results:\n  - {id: activation, title: Activation rate, start: 0, target: 10}\n---\n")
    sheet(site, "objective,key result,period,start,target\nGrow revenue,Activation,2026-Q2,0,5\n"
                "Grow revenue,Activation rate,2026-Q2,0,10\nGrow,Views,2026-Q2,0,1\n")
    assert main(["import", "okrs.csv", "--force"]) == 0
    revenue = front(site / "content/objectives/2026-Q2/grow.md")
    assert (revenue["id"], [kr["id"] for kr in revenue["key_results"]]) == ("grow", ["activation-2", "activation"])
    assert front(site / "content/objectives/2026-Q2/grow-2026-q2.md")["title"] == "Grow"


def test_a_new_objective_whose_file_name_another_objective_has_gets_another_name(site: Path,  # noqa: F811
                                                                                 capsys) -> None:
    """objectives/2026-Q2/grow.md held `expand`: the sheet's expand and its new grow were both
    planned to it, "replaced" twice, and expand was lost."""
    write(site, "content/objectives/2026-Q2/grow.md", "---\nid: expand\ntitle: Expand\nperiod: 2026-Q2\n"
          "key_results:\n  - {id: deals, title: Deals, start: 0, target: 10}\n---\n")
    sheet(site, "objective id,objective,kr id,key result,period,start,target\n"
                "expand,Expand,deals,Deals,2026-Q2,0,12\ngrow,Grow,views,Views,2026-Q2,0,5\n")
    assert main(["import", "okrs.csv", "--force"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["replaced content/objectives/2026-Q2/grow.md (1 key result)",
                                                        "wrote content/objectives/2026-Q2/grow-2.md (1 key result)"]
    assert [front(site / f"content/objectives/2026-Q2/{name}.md")["id"] for name in ("grow", "grow-2")] == \
        ["expand", "grow"]


def test_force_reads_the_replaced_file_as_the_build_does(site: Path, capsys) -> None:  # noqa: F811
    """A byte order mark ended in a traceback; key results without ids had their check-ins called
    lost and a removed one left unnamed; a '#' line in a block of text was called a comment."""
    (site / "content/objectives/2026-Q2").mkdir(parents=True)
    (site / "content/objectives/2026-Q2/grow.md").write_bytes(
        b"\xef\xbb\xbf---\ntitle: Grow\nperiod: 2026-Q2\ndescription: |\n  # Definition\n  Growth.\nkey_results:\n"
        b"  - {title: Views, start: 0, target: 10, checkins: [{date: 2026-04-03, value: 2}]}\n"
        b"  - {title: Gone, start: 0, target: 1}\n---\n")
    sheet(site, "objective id,objective,kr id,key result,period,start,target,current,date\n"
                "grow,Grow,kr-1,Views,2026-Q2,0,10,2,2026-04-03\n")
    assert main(["import", "okrs.csv", "--force", "--dry-run"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "content/objectives/2026-Q2/grow.md:1:1: warning: --force replaces this file: its key result 'kr-2' not in "
        "the sheet is dropped"]


def test_an_error_the_site_had_is_not_the_import_s_when_its_words_change(site: Path, capsys) -> None:  # noqa: F811
    """`parent: grwo` is told "did you mean 'grow'?" once the sheet's grow is there: compared by its
    words, it counted as new, and the import was taken back."""
    write(site, "content/objectives/2026-Q2/b.md", "---\ntitle: B\nperiod: 2026-Q2\nparent: grwo\n"
          "key_results:\n  - {title: X, start: 0, target: 1}\n---\n")
    sheet(site, "objective,key result,period,start,target\nGrow,Views,2026-Q2,0,10\n")
    assert main(["import", "okrs.csv"]) == 0
    assert (site / "content/objectives/2026-Q2/grow.md").is_file()
