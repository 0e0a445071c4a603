"""`okrsite checkin`: one check-in added to a KR's file, every other byte left as it was;
a refused check-in leaves the file untouched."""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from okrsite.commands.cli import main
from tests.conftest import MINIMAL_CONFIG, write

OBJECTIVE = "content/objectives/seo.md"


def site_with(tmp_path: Path, text: str, *, dedent: bool = True) -> Path:
    """A site whose one objective file holds `text` exactly (dedented unless told not to)."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", MINIMAL_CONFIG)
    path = root / OBJECTIVE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((textwrap.dedent(text).lstrip("\n") if dedent else text).encode("utf-8"))
    return root


def checkin(root: Path, *args: str) -> int:
    """The exit code, whether main returns it or argparse exits with it."""
    try:
        return main(["checkin", *args, "--config", str(root / "okrsite.yaml")])
    except SystemExit as exited:
        return int(exited.code or 0)


def added(before: str, after_line: str, new: str) -> str:
    """`before` with the line `new` inserted after the line `after_line`."""
    assert before.count(after_line + "\n") == 1
    return before.replace(after_line + "\n", after_line + "\n" + new + "\n")


COMMENTED = """
---
# The SEO objective: reviewed weekly.
id: seo   # short id
title: "Improve SEO"  # quoted
period: 2026-Q1
key_results:
  # the main metric
  - id: page-views   # views per month
    title: 'Page views from 1200 to 2500'
    start: 1200
    target: 2500   # agreed with sales
    unit: views
    checkins:   # weekly
      - {date: 2026-01-20, value: 1380, confidence: 0.8}  # first
      # a comment between check-ins
      - {date: 2026-02-10, value: 1720, note: "New landing pages: live"}
    # a comment after the list
  - id: bounce
    title: Bounce rate from 10% to 4%
    start: 10
    target: 4
    unit: "%"
---
Body text.

---

A horizontal rule above, and `checkins:` here is not YAML.
"""


def test_a_checkin_goes_after_the_last_item_of_a_block_list_and_nothing_else_changes(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED)
    before = (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/page-views", "1850", "--confidence", "0.7", "--date", "2026-02-14") == 0
    expected = added(before, '      - {date: 2026-02-10, value: 1720, note: "New landing pages: live"}',
                     "      - {date: 2026-02-14, value: 1850, confidence: 0.7}")
    assert (root / OBJECTIVE).read_text() == expected
    assert capsys.readouterr().out == (
        "content/objectives/seo.md: check-in 2026-02-14 added to page-views (1850 views, confidence 0.7)\n")


def test_a_kr_without_checkins_gets_a_block_list_at_the_end_of_its_fields(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED)
    before = (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/bounce", "8.5", "--note", "Faster pages", "--date", "2026-02-14") == 0
    expected = added(before, '    unit: "%"',
                     "    checkins:\n      - {date: 2026-02-14, value: 8.5, note: Faster pages}")
    assert (root / OBJECTIVE).read_text() == expected
    # the value as the pages write it: a percent sign follows the number without a space
    assert capsys.readouterr().out == "content/objectives/seo.md: check-in 2026-02-14 added to bounce (8.5%, a note)\n"


@pytest.mark.parametrize("unit, value, said", [("/5", "4.6", "4.6/5"), ("days", "1", "1 day"), ("days", "2.5", "2.5 days")])
def test_the_line_a_checkin_prints_writes_its_value_with_the_unit_as_the_pages_do(tmp_path: Path, capsys, unit: str,
                                                                                  value: str, said: str) -> None:
    root = site_with(tmp_path, f"""
        ---
        title: Grow
        period: 2026-Q1
        key_results:
          - {{id: score, title: Score, start: 0, target: 9, unit: "{unit}"}}
        ---
        """)
    assert checkin(root, "seo/score", value, "--date", "2026-02-14") == 0
    assert capsys.readouterr().out == f"content/objectives/seo.md: check-in 2026-02-14 added to score ({said})\n"


@pytest.mark.parametrize("listing, result", [
    ("    checkins: []", "    checkins: [{date: 2026-02-14, value: 150}]"),
    ("    checkins: [ ]", "    checkins: [{date: 2026-02-14, value: 150} ]"),
    ("    checkins: [{date: 2026-01-10, value: 120}]",
     "    checkins: [{date: 2026-01-10, value: 120}, {date: 2026-02-14, value: 150}]"),
    ("    checkins: [\n      {date: 2026-01-10, value: 120},\n    ]",
     "    checkins: [\n      {date: 2026-01-10, value: 120},\n      {date: 2026-02-14, value: 150},\n    ]"),
    ("    checkins:\n    - {date: 2026-01-10, value: 120}",  # a sequence at the key's indentation
     "    checkins:\n    - {date: 2026-01-10, value: 120}\n    - {date: 2026-02-14, value: 150}"),
    ("    checkins:\n      - date: 2026-01-10\n        value: 120",  # block mappings stay block mappings
     "    checkins:\n      - date: 2026-01-10\n        value: 120\n      - date: 2026-02-14\n        value: 150"),
    ("    checkins:   # none yet", "    checkins:   # none yet\n      - {date: 2026-02-14, value: 150}"),
    ("    checkins: ~", "    checkins: [{date: 2026-02-14, value: 150}]"),
])
def test_a_checkin_is_written_in_the_style_of_the_list_it_joins(tmp_path: Path, listing: str, result: str) -> None:
    template = ("---\ntitle: Grow\nperiod: 2026-Q1\nkey_results:\n  - id: views\n    title: Views\n"
                "    start: 100\n    target: 200\n{}\n  - id: other\n    title: Other\n    start: 0\n    target: 1\n"
                "---\nBody.\n")
    root = site_with(tmp_path, template.format(listing), dedent=False)
    assert checkin(root, "seo/views", "150", "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).read_text() == template.format(result)


def test_the_last_kr_of_the_file_gets_its_list_before_the_closing_line(tmp_path: Path) -> None:
    text = "---\ntitle: Grow\nperiod: 2026-Q1\nkey_results:\n  - title: Views\n    start: 100\n    target: 200\n---\n---\n"
    root = site_with(tmp_path, text, dedent=False)
    assert checkin(root, "seo/kr-1", "120", "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).read_text() == text.replace(
        "target: 200\n", "target: 200\n    checkins:\n      - {date: 2026-02-14, value: 120}\n")


def test_a_block_text_at_the_end_of_a_kr_keeps_its_lines(tmp_path: Path) -> None:
    text = ("---\ntitle: Grow\nperiod: 2026-Q1\nkey_results:\n  - title: Views\n    start: 100\n    target: 200\n"
            "    owner: |+\n      Dana\n\n  - title: Signups\n    start: 0\n    target: 9\n---\n")
    root = site_with(tmp_path, text, dedent=False)
    assert checkin(root, "seo/kr-1", "120", "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).read_text() == text.replace(
        "Dana\n\n", "Dana\n\n    checkins:\n      - {date: 2026-02-14, value: 120}\n")


def test_krs_without_ids_are_addressed_by_position(tmp_path: Path) -> None:
    root = site_with(tmp_path, """
        ---
        title: Grow
        period: 2026-Q1
        key_results:
          - {title: Views, start: 100, target: 200}
          - {title: Signups, start: 0, target: 50, checkins: [{date: 2026-01-05, value: 3}]}
        ---
        """)
    assert checkin(root, "seo/kr-1", "110", "--date", "2026-02-14") == 0
    assert checkin(root, "seo/kr-2", "9", "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).read_text() == textwrap.dedent("""\
        ---
        title: Grow
        period: 2026-Q1
        key_results:
          - {title: Views, start: 100, target: 200, checkins: [{date: 2026-02-14, value: 110}]}
          - {title: Signups, start: 0, target: 50, checkins: [{date: 2026-01-05, value: 3}, {date: 2026-02-14, value: 9}]}
        ---
        """)


def test_crlf_line_endings_a_bom_quoted_keys_and_tabs_stay(tmp_path: Path) -> None:
    lines = ["---", "title: Grow", "period: 2026-Q1", '"key_results":', "  - 'id': views", "    title:\tViews",
             "    start: 100", "    target: 200", "    'checkins':", "      - {date: 2026-01-10, value: 120}",
             "---", "Body\twith a tab.", ""]
    raw = "\ufeff" + "\r\n".join(lines)
    root = site_with(tmp_path, raw, dedent=False)
    assert checkin(root, "seo/views", "130", "--date", "2026-02-14") == 0
    lines.insert(10, "      - {date: 2026-02-14, value: 130}")
    assert (root / OBJECTIVE).read_bytes() == ("\ufeff" + "\r\n".join(lines)).encode("utf-8")


def test_a_note_that_is_not_plain_text_is_quoted(tmp_path: Path) -> None:
    root = site_with(tmp_path, COMMENTED)
    assert checkin(root, "seo/bounce", "--note", "yes", "--date", "2026-02-14") == 0
    assert checkin(root, "seo/bounce", "--note", 'Tom: "later", #2', "--date", "2026-02-15") == 0
    text = (root / OBJECTIVE).read_text()
    assert ('      - {date: 2026-02-14, note: "yes"}\n'
            '      - {date: 2026-02-15, note: "Tom: \\"later\\", #2"}\n') in text


@pytest.mark.parametrize("note", ["pasted\x85from a PDF", "line\u2028separator", "bell\x7f", "\ufeffmarked",
                                  "ctl\x01here"])
def test_a_note_with_a_character_yaml_breaks_or_refuses_is_written_escaped(tmp_path: Path, capsys, note: str) -> None:
    """A note pasted with a NEL (U+0085) was written raw between quotes, where YAML reads a line
    break: the re-read differed and the check-in failed with a guess about anchors; a DEL ended in
    a traceback."""
    root = site_with(tmp_path, COMMENTED)
    assert checkin(root, "seo/bounce", "--note", note, "--date", "2026-02-14") == 0, capsys.readouterr().err
    written = (root / OBJECTIVE).read_text()
    [odd] = [char for char in note if not char.isalpha() and char != " "]
    assert f"\\u{ord(odd):04x}" in written and odd not in written
    front = written.split("---")[1]
    [bounce] = [kr for kr in yaml.safe_load(front)["key_results"] if kr["id"] == "bounce"]
    assert bounce["checkins"] == [{"date": dt.date(2026, 2, 14), "note": note}]


def test_the_date_defaults_to_source_date_epoch_or_today(tmp_path: Path, monkeypatch) -> None:
    root = site_with(tmp_path, COMMENTED)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1771200000")  # 2026-02-16
    assert checkin(root, "seo/bounce", "9") == 0
    assert "- {date: 2026-02-16, value: 9}" in (root / OBJECTIVE).read_text()


def test_a_checkin_dated_after_as_of_is_added_with_a_warning(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED)
    assert checkin(root, "seo/bounce", "9", "--date", "2026-03-01") == 0
    assert "dated after the report date (2026-02-15)" in capsys.readouterr().err


def test_a_checkin_after_its_period_ended_is_added_with_a_warning(tmp_path: Path, capsys) -> None:
    """It counts: the ended period's progress and grade move. Dated within the period, it records
    where the period ended, and no warning."""
    root = site_with(tmp_path, COMMENTED)
    write(root, "okrsite.yaml", "title: Test OKRs\nas_of: 2026-04-15\n")
    assert checkin(root, "seo/bounce", "8", "--date", "2026-03-20") == 0
    assert "warning" not in capsys.readouterr().err
    assert checkin(root, "seo/bounce", "9", "--date", "2026-04-10") == 0
    assert capsys.readouterr().err == ("okrsite: warning: Q1 2026 ended on 2026-03-31: this check-in changes its "
                                       "numbers and its grade (date it within the period to record where it "
                                       "ended)\n")


def test_an_objective_without_a_period_is_dated_in_the_quarter_the_site_gives_it(tmp_path: Path, capsys) -> None:
    """With no `period:` and no `default_period`, the site puts the objective in the quarter of
    `as_of` (2026-Q1); checkin took it for no period and said nothing of a check-in dated a year
    early."""
    root = site_with(tmp_path, COMMENTED.replace("period: 2026-Q1\n", ""))
    assert checkin(root, "seo/bounce", "8", "--date", "2025-02-10") == 0
    assert capsys.readouterr().err == ("okrsite: warning: the check-in is dated before its period 2026-Q1 starts on "
                                       "2026-01-01: did you mean 2026-02-10?\n")


def test_the_file_keeps_its_mode(tmp_path: Path) -> None:
    root = site_with(tmp_path, COMMENTED)
    os.chmod(root / OBJECTIVE, 0o640)
    assert checkin(root, "seo/bounce", "9", "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).stat().st_mode & 0o777 == 0o640
    assert [p.name for p in (root / OBJECTIVE).parent.iterdir()] == ["seo.md"]  # no temporary file left


BOOLEAN_AND_MILESTONES = """
---
title: Launch
period: 2026-Q1
key_results:
  - id: beta
    title: Beta is out
    type: boolean
    done: false   # not yet
  - id: docs
    title: Docs are published
    type: boolean
  - id: steps
    title: Ship the three steps
    type: milestones
    milestones:
      - {title: Design, done: true}
      - {title: Private beta, due: 2026-02-01}
      - title: Public launch
        done: false
---
"""


def test_done_is_set_in_place_or_added_and_can_carry_a_checkin(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    before = (root / "content/objectives/seo.md").read_text()
    assert checkin(root, "seo/beta", "--done") == 0
    assert checkin(root, "seo/docs", "--done", "--confidence", "0.9", "--date", "2026-02-14") == 0
    expected = before.replace("    done: false   # not yet", "    done: true   # not yet").replace(
        "    title: Docs are published\n    type: boolean\n",
        "    title: Docs are published\n    type: boolean\n"
        "    checkins:\n      - {date: 2026-02-14, confidence: 0.9}\n    done: true\n")
    assert (root / OBJECTIVE).read_text() == expected
    assert capsys.readouterr().out.splitlines() == [
        "content/objectives/seo.md: beta marked done",
        "content/objectives/seo.md: check-in 2026-02-14 added to docs (confidence 0.9)",
        "content/objectives/seo.md: docs marked done"]
    assert checkin(root, "seo/beta", "--not-done") == 0
    assert "    done: false   # not yet\n" in (root / OBJECTIVE).read_text()


@pytest.mark.parametrize("args", [["seo/beta", "--done"], ["seo/steps", "--milestone", "Design"]])
def test_a_date_without_a_checkin_to_date_is_refused(tmp_path: Path, capsys, args: list[str]) -> None:
    """--done and --milestone change the field itself, which history dates by its commit: a date
    given with them alone would be silently ignored."""
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, *args, "--date", "2026-02-01") == 2
    assert "--date dates a check-in, and --done/--not-done or --milestone alone add none" in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


@pytest.mark.parametrize("note", ["", "   "])
def test_a_blank_note_is_no_note(tmp_path: Path, capsys, note: str) -> None:
    """`--note ""` (a shell variable left unset) recorded a check-in of an empty note, which made the
    key result's last update today: it was no longer stale. Alone it is nothing to record; with a
    value, the check-in has no note."""
    root = site_with(tmp_path, COMMENTED)
    before = (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/bounce", "--note", note, "--date", "2026-02-14") == 2
    assert "nothing to record" in capsys.readouterr().err
    assert (root / OBJECTIVE).read_text() == before
    assert checkin(root, "seo/bounce", "8.5", "--note", note, "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).read_text() == added(before, '    unit: "%"',
                                                   "    checkins:\n      - {date: 2026-02-14, value: 8.5}")
    assert capsys.readouterr().out == "content/objectives/seo.md: check-in 2026-02-14 added to bounce (8.5%)\n"


@pytest.mark.parametrize("args, refused", [
    (["--note", "bad \udcff byte"], "argument --note: expected UTF-8 text, got 'bad \\udcff byte'"),  # a shell's $'\\xff'
    (["--milestone", "De\udce9sign"], "argument --milestone: expected UTF-8 text, got 'De\\udce9sign'"),
])
def test_a_note_that_is_not_text_is_refused_before_anything_is_written(tmp_path: Path, capsys, args: list[str],
                                                                       refused: str) -> None:
    """A byte that is not UTF-8 in a --note ended in a traceback from the file's write."""
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, "seo/steps", *args) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"okrsite checkin: error: {refused}"
    assert (root / OBJECTIVE).read_bytes() == before


def test_marking_done_after_the_period_ended_warns_that_it_changes_the_grade(tmp_path: Path, monkeypatch,
                                                                           capsys) -> None:
    """A value check-in after the period's end warned that it changes the ended period's grade;
    --done and --milestone (undated: they change the field) raised a closed quarter's grade in silence."""
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    write(root, "okrsite.yaml", "title: Test OKRs\nas_of: 2026-04-15\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776211200")  # 2026-04-15
    assert checkin(root, "seo/beta", "--done") == 0
    assert checkin(root, "seo/steps", "--milestone", "Private beta") == 0
    assert checkin(root, "seo/steps", "--milestone", "Design") == 0  # done already: nothing changes, no warning
    assert capsys.readouterr().err == (
        "okrsite: warning: Q1 2026 ended on 2026-03-31: this change to beta moves that period's numbers and its "
        "grade, as if it was made by then (take it back with --not-done if it was not)\n"
        "okrsite: warning: Q1 2026 ended on 2026-03-31: this change to steps moves that period's numbers and its "
        "grade, as if it was made by then (take it back with --milestone 'Private beta' --not-done if it was not)\n")
    # a --date inside the period dates the note beside it, not the field, which changes today
    assert checkin(root, "seo/docs", "--done", "--note", "Published", "--date", "2026-03-20") == 0
    assert "this change to docs moves that period's numbers and its grade" in capsys.readouterr().err


def test_a_milestone_is_marked_done_in_place_or_gets_the_key(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    before = (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/steps", "--milestone", "Private beta") == 0
    assert checkin(root, "seo/steps", "--milestone", "public launch") == 0  # case does not matter
    assert (root / OBJECTIVE).read_text() == before.replace(
        "{title: Private beta, due: 2026-02-01}", "{title: Private beta, due: 2026-02-01, done: true}").replace(
        "      - title: Public launch\n        done: false", "      - title: Public launch\n        done: true")
    assert capsys.readouterr().out.splitlines() == [
        "content/objectives/seo.md: milestone 'Private beta' of steps marked done",
        "content/objectives/seo.md: milestone 'Public launch' of steps marked done"]


def test_a_milestone_key_and_a_new_checkin_list_land_in_their_own_mappings(tmp_path: Path) -> None:
    root = site_with(tmp_path, """
        ---
        title: Launch
        period: 2026-Q1
        key_results:
          - title: Steps
            type: milestones
            milestones:
              - title: Design
        ---
        """)
    assert checkin(root, "seo/kr-1", "--milestone", "Design", "--note", "Signed off", "--date", "2026-02-14") == 0
    assert (root / OBJECTIVE).read_text().endswith(
        "    milestones:\n      - title: Design\n        done: true\n"
        "    checkins:\n      - {date: 2026-02-14, note: Signed off}\n---\n")


ZONES = """
---
id: seo
title: Customers trust our incident handling
period: 2026-Q1
key_results:
  - id: comms   # rated by the support team
    title: Incident communication
    type: zones
    zones:
      commit: "A status page update within 30 minutes"
      target: A post-mortem within 5 days
      stretch: Customers quote our post-mortems
    checkins:
      - {date: 2026-01-20, zone: commit, confidence: 0.7}
  - id: views
    title: Views
    start: 0
    target: 10
---
Body.
"""


def test_a_zone_is_checked_in_end_to_end_and_the_page_shows_the_zone_reached(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, ZONES)
    before = (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/comms", "--zone", "target", "--confidence", "0.6", "--note", "Post-mortem in 2 days",
                   "--date", "2026-02-12") == 0
    assert capsys.readouterr().out == (f"{OBJECTIVE}: check-in 2026-02-12 added to comms (zone target, confidence 0.6, "
                                       "a note)\n")
    assert (root / OBJECTIVE).read_text() == added(
        before, "      - {date: 2026-01-20, zone: commit, confidence: 0.7}",
        "      - {date: 2026-02-12, zone: target, confidence: 0.6, note: Post-mortem in 2 days}")
    assert main(["build", "--jobs", "1", "--config", str(root / "okrsite.yaml")]) == 0
    kr = json.loads((root / "output/okrs.json").read_text())["objectives"][0]["key_results"][0]
    assert (kr["zone"], kr["progress"]) == ("target", 0.7)
    page = (root / "output/objectives/seo/index.html").read_text()
    assert '<strong>Target</strong> <span class="chip">reached</span>: A post-mortem within 5 days' in page


@pytest.mark.parametrize("args, code, message", [
    (["seo/comms", "3"], 1, "'comms' is a zones key result: it takes --zone fail|commit|target|stretch, not a value"),
    (["seo/views", "--zone", "target"], 1, "'views' is a metric key result: it takes a VALUE, not a zone"),
    (["seo/comms", "--zone", "best"], 2, "argument --zone: invalid choice: 'best'"),
])
def test_a_value_on_a_zones_kr_or_a_zone_elsewhere_is_refused(tmp_path: Path, capsys, args, code, message) -> None:
    root = site_with(tmp_path, ZONES)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, *args) == code
    assert message in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


# --- refusals: an error, an exit code, and the file as it was -----------------------------------------

@pytest.mark.parametrize("args, code, message", [
    (["seo/page-view", "5"], 1,
     "unknown key result 'page-view' in objective 'seo' (did you mean 'page-views'?); its key results: page-views, bounce"),
    (["sep/page-views", "5"], 1, "unknown objective 'sep' (did you mean 'seo'?)"),
    (["seo/page-views", "--zone", "target"], 1, "'page-views' is a metric key result: it takes a VALUE, not a zone"),
    (["seo/page-views", "--done"], 1, "'page-views' is a metric key result: it takes a VALUE, not --done/--not-done"),
    (["seo/page-views", "--milestone", "X"], 1, "it takes a VALUE, not a milestone"),
    (["seo/page-views", "1,850"], 2, "argument VALUE: expected a number like 0.5 or 1850, got '1,850': write a "
                                     "number with a dot and no thousands separator (12.5, 1200)"),
    (["seo/page-views", "23%"], 2, "got '23%': write the number alone (23)"),  # as the pages show it
    (["seo/page-views", "1.850,5"], 2, "got '1.850,5': write a number with a dot and no thousands separator"),
    (["seo/page-views", "$1,200"], 2, "got '$1,200': write a number with a dot and no thousands separator"),
    (["seo/page-views", "\u22125"], 2, "got '\u22125': write the minus sign as a hyphen (-)"),
    (["seo/page-views", "2k"], 2, "got '2k': write 2000 for 2k"),
    (["seo/page-views", "0x10"], 2, "got '0x10': write it in decimal (16)"),  # not "the number alone (0)"
    (["seo/page-views", "--done", "--date", "2026-02-01"], 1,  # the wrong flag first: --date is the next thing
     "'page-views' is a metric key result: it takes a VALUE, not --done/--not-done"),
    (["seo/page-views", "nan"], 2, "expected a number like 0.5 or 1850, got 'nan'"),
    (["seo/page-views", "5", "--confidence", "1.5"], 2, "expected a number from 0 to 1 like 0.5, got '1.5'"),
    (["seo/page-views", "5", "--confidence", "70"], 2,
     "expected a number from 0 to 1 like 0.5, got '70' (write 0.7 for 70%)"),
    (["seo/page-views", "5", "--confidence", "inf"], 2, "expected a number from 0 to 1 like 0.5, got 'inf'"),
    (["seo/page-views", "5", "--confidence", "45,5%"], 2, "expected a number from 0 to 1 like 0.5, got '45,5%': "
                                                          "write a number with a dot and no thousands separator"),
    (["seo/page-views", "5", "--confidence", "1e999"], 2, "expected a number from 0 to 1 like 0.5, got '1e999'"),
    (["seo/page-views", "5", "--confidence", "80%"], 2,
     "expected a number from 0 to 1 like 0.5, got '80%' (write 0.8 for 80%)"),
    (["seo/page-views", "5", "--date", "2026-02-30"], 2, "expected a date like 2026-02-15, got '2026-02-30'"),
    (["seo/page-views"], 2, "nothing to record"),
    (["seo", "5"], 2, "expected OBJECTIVE/KR"),
    (["seo/page-views", "5", "--done", "--not-done"], 2, "not allowed with argument"),
])
def test_bad_requests_are_refused_and_the_file_is_untouched(tmp_path: Path, capsys, args, code, message) -> None:
    root = site_with(tmp_path, COMMENTED)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, *args) == code
    assert message in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


@pytest.mark.parametrize("args", [["seo/page-views", "12,5"], ["seo/page-views", "5", "--confidence", "70"],
                                  ["seo/page-views", "5", "--date", "2026-13-01"]])
def test_a_bad_value_is_said_in_one_line(tmp_path: Path, capsys, args: list[str]) -> None:
    """Five lines of usage came before the line that says what to write (in a CI log, under noise)."""
    root = site_with(tmp_path, COMMENTED)
    assert checkin(root, *args) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("okrsite checkin: error: argument "), err


def test_a_file_that_does_not_load_is_named_with_its_error_not_called_unknown(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED)
    write(root, "content/objectives/emea.md", "---\ntitle: EMEA\nkey_results: [{id: a, title: A, target: 3\n---\n")
    assert checkin(root, "emea/a", "1") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("content/objectives/emea.md:3:15: error: invalid YAML")
    assert err[-1] == "okrsite: error: the file of objective 'emea' does not load: fix it first"
    assert checkin(root, "sep/page-views", "5") == 1
    assert capsys.readouterr().err.endswith("unknown objective 'sep' (did you mean 'seo'?) (1 objective file(s) do "
                                           "not load: okrsite check names them)\n")


@pytest.mark.parametrize("args, message", [
    (["seo/beta", "1"], "'beta' is a boolean key result: it takes --done or --not-done, not a value"),
    (["seo/steps", "2"], "'steps' is a milestones key result: it takes --milestone TITLE, not a value"),
    (["seo/steps", "--milestone", "Desing"], "unknown milestone 'Desing' in steps (did you mean 'Design'?); its "
                                             "milestones: 'Design', 'Private beta', 'Public launch'"),
    (["seo/beta", "--milestone", "Design", "--not-done"], "'beta' is a boolean key result: it takes --done or "
                                                          "--not-done, not a milestone"),
])
def test_a_value_of_the_wrong_kind_or_an_unknown_milestone_is_refused(tmp_path: Path, capsys, args, message) -> None:
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, *args) == 1
    assert f"okrsite: error: {message}\n" in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


def test_a_milestone_marked_done_by_mistake_is_taken_back_with_not_done(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, BOOLEAN_AND_MILESTONES)
    assert checkin(root, "seo/steps", "--milestone", "design", "--not-done") == 0
    assert capsys.readouterr().out.endswith("milestone 'Design' of steps marked not done\n")
    assert "      - {title: Design, done: false}\n" in (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/steps", "--milestone", "Design", "--not-done") == 0
    assert capsys.readouterr().out.endswith("milestone 'Design' of steps is already not done\n")


def test_a_first_check_in_says_what_it_changes_and_one_on_a_dropped_kr_that_it_counts_in_nothing(
        tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED.replace('    unit: "%"\n', '    unit: "%"\n    current: 7\n'))
    assert checkin(root, "seo/bounce", "--note", "Measured weekly now", "--date", "2026-01-25") == 0
    assert "warning" not in capsys.readouterr().err  # a note alone: `current: 7` still gives the value
    assert checkin(root, "seo/bounce", "6", "--date", "2026-02-01") == 0  # the first value
    assert "okrsite: warning: bounce has a check-in with a value now: check-ins give its value from here on, and " \
           "its 'current: 7' and the commits that changed it are no longer its value or history" in capsys.readouterr().err
    assert checkin(root, "seo/bounce", "5.5", "--date", "2026-02-08") == 0  # it has check-ins already: nothing more to say
    assert "warning" not in capsys.readouterr().err
    zoned = site_with(tmp_path / "zones", ZONES.replace("    checkins:\n      - {date: 2026-01-20, zone: commit, "
                                                        "confidence: 0.7}\n", "    zone: commit\n"))
    assert checkin(zoned, "seo/comms", "--zone", "target", "--date", "2026-02-01") == 0
    assert "comms has a check-in with a zone now: check-ins give its zone from here on, and its 'zone: commit'" \
        in capsys.readouterr().err
    assert checkin(root, "seo/bounce", "5.4", "--date", "2026-02-09") == 0
    assert "warning" not in capsys.readouterr().err
    path = root / OBJECTIVE
    path.write_text(path.read_text().replace("  - id: bounce\n", "  - id: bounce\n    dropped: {reason: Moved}\n"))
    assert checkin(root, "seo/bounce", "5", "--date", "2026-02-14") == 0
    assert "okrsite: warning: bounce is dropped: its check-ins count in no number" in capsys.readouterr().err


def test_a_file_with_errors_already_is_left_as_it_was_and_its_errors_are_its_own(tmp_path: Path, capsys) -> None:
    """The errors are the file's, not the check-in's: the message said the file "would not load with
    this change", blaming the value."""
    root = site_with(tmp_path, COMMENTED.replace("target: 4", "target: 10"))  # target == start: an error
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, "seo/page-views", "1900", "--date", "2026-02-14") == 1
    err = capsys.readouterr().err
    assert "content/objectives/seo.md:22:13: error: 'target' equals 'start' (10)" in err
    assert "okrsite: error: content/objectives/seo.md has errors already: fix them first; the file was left as it was" \
        in err
    assert (root / OBJECTIVE).read_bytes() == before


def test_an_edit_that_would_change_other_values_is_refused(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, """
        ---
        title: Grow
        period: 2026-Q1
        key_results:
          - {id: a, title: A, start: 0, target: 5, checkins: &shared [{date: 2026-01-05, value: 1}]}
          - {id: b, title: B, start: 0, target: 5, checkins: *shared}
        ---
        """)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, "seo/b", "2", "--date", "2026-02-14") == 1
    assert "without changing other values" in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


def test_checkins_that_are_not_a_list_are_refused(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED.replace("    unit: \"%\"\n", "    unit: \"%\"\n    checkins: soon\n"))
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, "seo/bounce", "8", "--date", "2026-02-14") == 1
    assert "cannot edit content/objectives/seo.md: 'checkins' is not a list" in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


def test_an_error_elsewhere_in_the_site_does_not_block_a_checkin(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, COMMENTED)
    broken = "---\ntitle: [unclosed\n---\n"
    write(root, "content/objectives/broken.md", broken)
    before = (root / OBJECTIVE).read_text()
    assert checkin(root, "seo/bounce", "8", "--date", "2026-02-14") == 0
    assert capsys.readouterr().out == "content/objectives/seo.md: check-in 2026-02-14 added to bounce (8%)\n"
    assert (root / OBJECTIVE).read_text() == before.replace(
        '    unit: "%"\n', '    unit: "%"\n    checkins:\n      - {date: 2026-02-14, value: 8}\n')
    assert (root / "content/objectives/broken.md").read_text() == broken


def test_key_results_that_come_from_a_merge_key_are_refused(tmp_path: Path, capsys) -> None:
    root = site_with(tmp_path, """
        ---
        base: &base
          key_results:
            - {id: a, title: A, start: 0, target: 5}
        <<: *base
        title: Grow
        period: 2026-Q1
        ---
        """)
    before = (root / OBJECTIVE).read_bytes()
    assert checkin(root, "seo/a", "2", "--date", "2026-02-14") == 1
    assert "is not written as a mapping of fields in 'key_results:'" in capsys.readouterr().err
    assert (root / OBJECTIVE).read_bytes() == before


def test_a_maintain_kr_written_before_its_first_reading_takes_one(tmp_path: Path, capsys) -> None:
    """Two maintain key results written on the quarter's first day, before any reading: each was an
    error, and `okrsite checkin` refused to add a value to one while the other had it."""
    root = site_with(tmp_path, "---\ntitle: Rely\nperiod: 2026-Q1\nkey_results:\n"
                               "  - {id: uptime, title: Uptime, type: maintain, floor: 99.9, unit: '%'}\n"
                               "  - {id: cpu, title: CPU, type: maintain, floor: 40, ceiling: 70}\n---\n")
    assert checkin(root, "seo/uptime", "99.95", "--date", "2026-02-01") == 0
    assert "check-in 2026-02-01 added to uptime (99.95%)" in capsys.readouterr().out
