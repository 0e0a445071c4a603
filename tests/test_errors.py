"""Bad content: every problem as `path:line:col: severity: message`, exit 1, old output kept.

Each case of the table is a set of files and the exact diagnostic lines one
`okrsite build` must print for them, sorted by file and line, with the line of
the offending value (front matter starts on line 2 of a Markdown file).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrsite.commands.cli import main
from tests.conftest import MINIMAL_OBJECTIVE, write

CONFIG = """
title: Test OKRs
as_of: 2026-02-15
"""

# An objective that is valid on its own; cases add or break one thing at a time.
GROW = """
---
title: Grow
period: 2026-Q1
key_results:
  - id: views
    title: Views from 100 to 200
    start: 100
    target: 200
---
"""

OBJ = "content/objectives/grow.md"
FAILED = "okrsite: build failed:"


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder under `folder` (hidden ones too): bytes and mtime."""
    result = {}
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() else None
        result[path.relative_to(folder).as_posix()] = (data, path.stat().st_mtime_ns)
    return result


def make_site(root: Path, files: dict[str, str]) -> Path:
    write(root, "okrsite.yaml", CONFIG)
    for rel, text in files.items():
        write(root, rel, text)
    return root


def previous_output(root: Path) -> Path:
    """An output folder left by an earlier build (okrsite's marker, a page, old mtimes)."""
    out = root / "output"
    write(out, ".okrsite-output", "")
    write(out, "index.html", "<p>the previous build</p>\n")
    write(out, "objectives/grow/index.html", "<p>grow</p>\n")
    for path in [*out.rglob("*"), out]:
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    return out


@pytest.fixture
def run(monkeypatch, capsys):
    """Run `okrsite build ARGS` in-process from `cwd`; return (exit code, stdout, stderr)."""

    def run_in(cwd: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = main(["build", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run_in


def diagnostic_lines(err: str) -> list[str]:
    """The `path:line:col: severity: message` lines of stderr (not the closing summary)."""
    return [line for line in err.splitlines() if not line.startswith("okrsite: ")]


# --- the table ---------------------------------------------------------------

CASES = [
    pytest.param(
        {OBJ: GROW.replace("start: 100", "start: lots")},
        ["content/objectives/grow.md:7:12: error: 'start': expected a number, got the text 'lots'"],
        id="wrong-type"),
    pytest.param(
        {OBJ: GROW.replace("start: 100", "start: 1e2")},
        ["content/objectives/grow.md:7:12: error: 'start': expected a number, got the text '1e2': YAML reads an "
         "exponent as a number only with a dot and a sign, as in 1.0e+15"],
        id="an-exponent-yaml-reads-as-text"),
    pytest.param(
        {OBJ: GROW.replace("title: Grow\n", "")},
        ["content/objectives/grow.md:2:1: error: missing required field 'title' in an objective"],
        id="missing-required-title"),
    pytest.param(
        {OBJ: GROW.replace("title: Grow\nperiod: 2026-Q1", "period: 2026-Q1\ntitel: Grow")},
        ["content/objectives/grow.md:3:1: error: unknown field 'titel' in an objective (did you mean 'title'?)"],
        id="unknown-field-did-you-mean"),  # and not also "missing required field 'title'"
    pytest.param(
        {OBJ: GROW.replace("target: ", "tagret: ", 1)},
        ["content/objectives/grow.md:8:5: error: unknown field 'tagret' in a key result (did you mean 'target'?)"],
        id="unknown-kr-field-did-you-mean"),  # and not also "missing required field 'target'"
    pytest.param(
        {"content/objectives/first.md": GROW.replace("title: Grow", "id: grow\ntitle: First"),
         "content/objectives/second.md": GROW.replace("title: Grow", "title: Second\nid: grow")},
        ["content/objectives/second.md:3:5: error: duplicate objective id 'grow' "
         "(also at content/objectives/first.md:2:5)"],
        id="duplicate-id-across-files"),
    pytest.param(
        {"content/objectives/Größe.md": GROW, "content/objectives/Grösse.md": GROW},
        ["content/objectives/Größe.md:2:1: error: duplicate objective id 'grosse' (also at "
         "content/objectives/Grösse.md:2:1): the id is made from the file name 'Größe.md': set 'id' or rename the file"],
        id="duplicate-id-from-file-names"),
    pytest.param(  # the id pasted into another file is the mistake, not the file whose name makes it
        {"content/objectives/a-trial.md": GROW.replace("title: Grow", "id: grow\ntitle: Trial"), OBJ: GROW},
        ["content/objectives/a-trial.md:2:5: error: duplicate objective id 'grow' (also at "
         "content/objectives/grow.md:2:1): the other's id is made from its file name 'grow.md': choose another id"],
        id="duplicate-id-set-where-a-file-name-makes-it"),
    pytest.param(  # alone, it became 'item' without a word: only a second such file was an error
        {"content/objectives/営業.md": GROW},
        ["content/objectives/営業.md:2:1: error: the file name '営業.md' has no letter or digit an id can take "
         "(a-z, 0-9): set 'id'"],
        id="a-file-name-an-id-cannot-take"),
    pytest.param(  # its id was '_', which `id: _` may not be
        {"content/objectives/_営業.md": GROW},
        ["content/objectives/_営業.md:2:1: error: the file name '_営業.md' has no letter or digit an id can take "
         "(a-z, 0-9): set 'id'"],
        id="a-file-name-of-an-underscore-and-nothing-an-id-can-take"),
    pytest.param(
        {"content/objectives/営業.md": GROW, "content/objectives/採用.md": GROW},
        ["content/objectives/営業.md:2:1: error: the file name '営業.md' has no letter or digit an id can take "
         "(a-z, 0-9): set 'id'",
         "content/objectives/採用.md:2:1: error: the file name '採用.md' has no letter or digit an id can take "
         "(a-z, 0-9): set 'id'"],
        id="file-names-an-id-cannot-take"),
    pytest.param(
        {OBJ: GROW.replace(
            "    target: 200\n", "    target: 200\n  - id: views\n    title: Again\n    start: 0\n    target: 5\n")},
        ["content/objectives/grow.md:9:9: error: duplicate key result id 'views' in objective 'grow' "
         "(also at content/objectives/grow.md:5:9)"],
        id="duplicate-kr-id"),
    pytest.param(  # kr-2 is the second key result's id by its position: written nowhere
        {OBJ: GROW.replace("    target: 200\n", "    target: 200\n  - title: Again\n    start: 0\n    target: 5\n")
         .replace("id: views", "id: kr-2")},
        ["content/objectives/grow.md:9:5: error: duplicate key result id 'kr-2' in objective 'grow' "
         "(also at content/objectives/grow.md:5:9): this one has no id and is 'kr-2' by its position"],
        id="duplicate-kr-id-by-position"),
    pytest.param(
        {"content/objectives/grow-inbound.md": GROW,
         OBJ: GROW.replace("period: 2026-Q1", "parent: grow-inbund")},
        ["content/objectives/grow.md:3:9: error: unknown parent objective 'grow-inbund' "
         "(did you mean 'grow-inbound'?)"],
        id="unknown-parent-objective"),
    pytest.param(
        {"content/teams.yaml": "- id: marketing\n  name: Marketing\n- id: sales\n",
         OBJ: GROW.replace("period: 2026-Q1", "team: marketng")},
        ["content/objectives/grow.md:3:7: error: unknown team 'marketng': not listed in content/teams.yaml "
         "(did you mean 'marketing'?)"],
        id="unknown-team-with-teams-file"),
    pytest.param(
        {OBJ: GROW.replace("2026-Q1", "2026-Q5")},
        ["content/objectives/grow.md:3:9: error: unknown period '2026-Q5': use 2026-Q1, 2026-H1, 2026 "
         "or an id from 'periods' in okrsite.yaml"],
        id="unknown-period"),
    pytest.param(
        {OBJ: GROW, "content/projects/blog.md": "---\ntitle: Blog\nkey_results: [grow/veiws]\n---\n"},
        ["content/projects/blog.md:3:15: error: unknown key result or objective 'grow/veiws' "
         "(did you mean 'grow/views'?)"],
        id="unknown-kr-link-in-project"),
    pytest.param(  # the start of a key result's id: spelling alone suggested the objective
        {OBJ: GROW.replace("id: views", "id: views-from-organic-search"),
         "content/projects/blog.md": "---\ntitle: Blog\nkey_results: [grow/views]\n---\n"},
        ["content/projects/blog.md:3:15: error: unknown key result or objective 'grow/views' "
         "(did you mean 'grow/views-from-organic-search'?)"],
        id="kr-link-to-the-start-of-an-id"),
    pytest.param(  # the KR is there, but a bad value in its file left it out: no second, misleading error
        {OBJ: GROW.replace("    target: 200", "    target: 200\n    checkins:\n      - {date: 2026-13-01, value: 150}"),
         "content/projects/blog.md": "---\ntitle: Blog\nkey_results: [grow/views]\n---\n"},
        ["content/objectives/grow.md:10:16: error: 'date': expected a date like 2026-01-31, got the text "
         "'2026-13-01' (there is no month 13)"],
        id="no-follow-on-error-for-a-link-to-a-kr-of-a-file-with-errors"),
    pytest.param(
        {"content/objectives/a.md": GROW.replace("period: 2026-Q1", "parent: b"),
         "content/objectives/b.md": GROW.replace("period: 2026-Q1", "parent: a")},
        ["content/objectives/a.md:3:9: error: objective parent cycle: a -> b -> a",
         "content/objectives/b.md:3:9: error: objective parent cycle: a -> b -> a"],
        id="parent-cycle-both-lines"),
    pytest.param(
        {OBJ: "title: Grow\n---\nBody.\n"},
        ["content/objectives/grow.md:1:1: error: missing front matter: the file must start with a '---' line"],
        id="no-opening-front-matter-line"),
    pytest.param(
        {OBJ: "---\ntitle: Grow\nkey_results: []\n"},
        ["content/objectives/grow.md:1:1: error: front matter is not closed: add a '---' line after it"],
        id="no-closing-front-matter-line"),
    pytest.param(
        {OBJ: GROW.replace("period: 2026-Q1", "title: Grow again")},
        ["content/objectives/grow.md:3:1: error: duplicate key 'title' (first at content/objectives/grow.md:2:1; "
         "the later value would win)"],
        id="duplicate-yaml-key"),
    pytest.param(
        {OBJ: GROW.replace("target: 200", "target: 100")},
        ["content/objectives/grow.md:8:13: error: 'target' equals 'start' (100): there is nothing to progress"],
        id="target-equals-start"),
    pytest.param(
        {OBJ: GROW.replace("    target: 200\n", "")},
        ["content/objectives/grow.md:5:5: error: missing required field 'target' in a metric key result"],
        id="metric-kr-without-target"),
    pytest.param(
        {OBJ: GROW.replace("    target: 200\n", "    target: 200\n    checkins:\n"
                           "      - {date: 2026-01-20, value: 120, confidence: 1.5}\n")},
        ["content/objectives/grow.md:10:52: error: 'confidence': expected a number from 0 to 1, got 1.5"],
        id="confidence-outside-0-1"),
    pytest.param(
        {OBJ: GROW.replace("period: 2026-Q1", "period: 2026-Q1\nowner: Dana\n"
                           "key_results_: []").replace("    start: 100\n", "    start: 100\n    unit: 5\n"
                                                       "    weight: 0\n")},
        ["content/objectives/grow.md:5:1: error: unknown field 'key_results_' in an objective "
         "(did you mean 'key_results'?)",
         "content/objectives/grow.md:11:13: error: 'weight': expected a number above 0, got 0"],
        id="two-problems-in-one-file"),
    pytest.param(
        {OBJ: GROW.replace("    target: 200\n", "    target: 200\n    checkins:\n"
                           "      - {date: 2026-02-30, value: 120}\n")},
        ["content/objectives/grow.md:10:16: error: 'date': expected a date like 2026-01-31, "
         "got the text '2026-02-30' (February 2026 has 28 days)"],
        id="impossible-date-is-reported-not-raised"),
    pytest.param(
        {OBJ: GROW.replace("    target: 200\n", "    target: 200\n    checkins:\n"
                           "      - {date: 2026-02-03 10:00, value: 120}\n")},
        ["content/objectives/grow.md:10:16: error: 'date': expected a date like 2026-01-31, "
         "got the text '2026-02-03 10:00' (a date takes no time of day: 2026-02-03)"],
        id="a-date-with-a-time-of-day-is-told-its-date"),
    pytest.param(
        {OBJ: GROW, "okrsite.yaml": "title: Test OKRs\nas_of: 2026-02-15\nthem: dark\npretty_urls: maybe\n"},
        ["okrsite.yaml:3:1: error: unknown field 'them' in okrsite.yaml (did you mean 'theme'?)",
         "okrsite.yaml:4:14: error: 'pretty_urls': expected true or false, got the text 'maybe'"],
        id="config-unknown-key-and-wrong-type"),
    pytest.param(
        {OBJ: GROW, "okrsite.yaml": "title: Test OKRs\nas_of: 2026-02-31\ndefault_period: 2026-Q9\n"},
        ["okrsite.yaml:2:8: error: 'as_of': expected a date like 2026-01-31, got the text '2026-02-31' "
         "(February 2026 has 28 days)",
         "okrsite.yaml:3:17: error: 'default_period': unknown period '2026-Q9': use 2026-Q1, 2026-H1, 2026 "
         "or an id from 'periods'"],
        id="config-bad-date-and-unknown-default-period"),
    pytest.param(
        {OBJ: GROW, "okrsite.yaml": "title: Test OKRs\nstatus_thresholds: {at_risk: 2}\n"
                                    "periods:\n  - {id: sprint, start: 2026-01-01}\n"},
        ["okrsite.yaml:2:30: error: 'at_risk': expected a number from 0 to 1, got 2",
         "okrsite.yaml:4:5: error: missing required field 'end' in a period"],
        id="config-nested-values"),
    pytest.param(
        {"content/objectives/a.md": GROW.replace("start: 100", "start: lots"),
         "content/objectives/b.md": GROW.replace("title: Grow", "titel: Grow"),
         "content/projects/blog.md": "---\ntitle: Blog\nstatus: activ\nkey_results: [nope]\n---\n",
         "content/teams.yaml": "- id: marketing\n  parent: company\n"},
        ["content/objectives/a.md:7:12: error: 'start': expected a number, got the text 'lots'",
         "content/objectives/b.md:2:1: error: unknown field 'titel' in an objective (did you mean 'title'?)",
         "content/projects/blog.md:3:9: error: 'status': expected one of planned, active, on-hold, done, "
         "cancelled; got 'activ' (did you mean 'active'?)",
         "content/projects/blog.md:4:15: error: unknown key result or objective 'nope'",
         "content/teams.yaml:2:11: error: unknown parent team 'company'"],
        id="several-errors-in-several-files-sorted"),
    pytest.param(
        {"content/objectives/team-grow.md": GROW.replace("title: Grow", "id: grow\ntitle: Grow").replace(
            "period: 2026-Q1", "period: [2026-Q1"),
         "content/projects/blog.md": "---\ntitle: Blog\nkey_results: [grow/views, grow]\n---\n"},
        ["content/objectives/team-grow.md:4:9: error: invalid YAML: did not find expected ',' or ']' at line 5, column "
         "12 (while parsing a flow sequence that starts here)"],
        id="links-into-a-file-that-does-not-load-are-not-also-unknown"),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_bad_content_reports_every_problem_at_its_line(tmp_path: Path, run, files: dict[str, str],
                                                       expected: list[str]) -> None:
    root = make_site(tmp_path / "site", files)
    out = previous_output(root)
    before = snapshot(root / "output")
    code, stdout, stderr = run(root)
    assert diagnostic_lines(stderr) == expected
    assert code == 1
    assert "Traceback" not in stderr and stdout == ""
    errors = sum(": error: " in line for line in expected)
    assert stderr.splitlines()[-1] == (f"{FAILED} {errors} error(s); the previous output was left as it was")
    assert snapshot(out) == before
    assert sorted(p.name for p in root.iterdir()) == ["content", "okrsite.yaml", "output"]  # no staging left


def test_a_file_name_an_id_cannot_take_builds_with_an_id_of_its_own(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {"content/objectives/営業.md": GROW.replace("title: Grow", "id: sales\ntitle: Grow")})
    code, _stdout, stderr = run(root)
    assert code == 0, stderr
    assert (root / "output/objectives/sales/index.html").is_file()


def test_broken_yaml_points_at_the_value_that_is_never_closed(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: "---\ntitle: [oops\nperiod: 2026-Q1\n---\nBody.\n"})
    code, _, stderr = run(root)
    [line] = diagnostic_lines(stderr)
    # The message comes from the YAML library (libyaml or pure Python); the place does not.
    assert line.startswith("content/objectives/grow.md:2:8: error: invalid YAML: ")
    assert line.endswith(" at line 3, column 7 (while parsing a flow sequence that starts here)")
    assert code == 1


def test_broken_yaml_at_the_end_of_the_front_matter_points_at_the_opening(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: "---\nperiod: 2026-Q1\ntitle: [oops\n---\nBody.\n"})
    code, _, stderr = run(root)
    [line] = diagnostic_lines(stderr)
    assert line.startswith("content/objectives/grow.md:3:8: error: invalid YAML: ")
    assert line.endswith("(while parsing a flow sequence that starts here)")
    assert code == 1


def test_broken_yaml_in_the_middle_points_at_the_problem(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: "---\ntitle: Grow\nowner: a: b\n---\n"})
    code, _, stderr = run(root)
    [line] = diagnostic_lines(stderr)
    assert line.startswith("content/objectives/grow.md:3:9: error: invalid YAML: mapping values are not allowed")
    assert line.endswith("; check this line's indentation against the lines above it, or quote a value that "
                         "holds ': ' (text after a closing quote also ends up here)")  # what to do, not only what it met
    assert code == 1


def test_no_follow_on_error_for_a_link_to_an_objective_whose_file_is_not_yaml(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("title: Grow", "title: [Grow"),
                                         "content/projects/blog.md": "---\ntitle: Blog\nkey_results: [grow/views]\n---\n"})
    code, _, stderr = run(root)
    [line] = diagnostic_lines(stderr)  # the file's own error, not also "unknown key result 'grow/views'"
    assert line.startswith("content/objectives/grow.md:2:8: error: invalid YAML: ")
    assert code == 1


def test_a_key_indented_out_of_its_list_item_says_how_keys_line_up(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("    start: 100", "  start: 100")})
    code, _, stderr = run(root)
    [line] = diagnostic_lines(stderr)
    # the parser's words are libyaml's or pure Python's; the hint is the same
    assert line.startswith("content/objectives/grow.md:7:3: error: invalid YAML: ")
    assert line.endswith("; check this line's indentation: a key lines up with the keys beside it (in a list, "
                         "with its item's first key), and a new item starts with '- '")
    assert code == 1


def test_a_broken_file_does_not_hide_problems_in_other_files(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {
        "content/objectives/a.md": "---\ntitle: [oops\n---\n",
        "content/objectives/b.md": "no front matter\n",
        "content/objectives/c.md": GROW.replace("start: 100", "start: lots"),
    })
    code, _, stderr = run(root)
    lines = diagnostic_lines(stderr)
    assert [line.split(": error: ")[0] for line in lines] == [
        "content/objectives/a.md:2:8", "content/objectives/b.md:1:1", "content/objectives/c.md:7:12"]
    assert "no objectives found" not in stderr
    assert code == 1


def test_paths_stay_relative_to_the_site_when_run_from_elsewhere(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("start: 100", "start: lots")})
    code, _, stderr = run(tmp_path, "--config", "site/okrsite.yaml")
    assert diagnostic_lines(stderr) == [
        "content/objectives/grow.md:7:12: error: 'start': expected a number, got the text 'lots'"]
    assert code == 1 and root.is_dir()


def test_bad_content_keeps_a_real_previous_build_byte_for_byte(small_site: Path, run) -> None:
    code, _, _ = run(small_site)
    assert code == 0
    before = snapshot(small_site / "output")
    assert "index.html" in before and "okrs.json" in before
    write(small_site, "content/objectives/grow.md", MINIMAL_OBJECTIVE.replace("start: 100", "start: lots"))
    code, _, stderr = run(small_site)
    assert code == 1 and "'start': expected a number" in stderr
    assert snapshot(small_site / "output") == before


# --- warnings ----------------------------------------------------------------

UNLINKED_PROJECT = "---\ntitle: Blog\nstatus: active\n---\n"
UNLINKED_WARNING = ("content/projects/blog.md:2:1: warning: project 'blog' supports no objective or key result "
                    "[unaligned-project]")


def test_a_warning_is_printed_but_does_not_fail_the_build(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/projects/blog.md": UNLINKED_PROJECT})
    code, stdout, stderr = run(root)
    assert code == 0
    assert diagnostic_lines(stderr) == [UNLINKED_WARNING]
    assert "built" in stdout and (root / "output/projects/blog/index.html").is_file()


def test_a_first_build_that_fails_says_nothing_was_written(tmp_path: Path, run) -> None:
    """There is no previous output to leave as it was."""
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("target: 200", "target: lots")})
    code, stdout, stderr = run(root)
    assert code == 1 and stderr.splitlines()[-1] == f"{FAILED} 1 error(s); nothing was written"
    assert sorted(p.name for p in root.iterdir()) == ["content", "okrsite.yaml"]


def test_a_first_build_whose_configuration_has_an_error_says_nothing_was_written(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    write(root, "okrsite.yaml", CONFIG + "bogus_key: 1\n")
    code, _, stderr = run(root)
    assert code == 1 and stderr.splitlines()[-1] == f"{FAILED} 1 error(s); nothing was written"


def test_serve_refuses_an_unsafe_output_folder_as_build_does(tmp_path: Path, capsys) -> None:
    """`okrsite serve --output .` reported okrsite.yaml:1:1 and went on serving nothing."""
    root = make_site(tmp_path / "site", {OBJ: GROW})
    assert main(["serve", "--config", str(root / "okrsite.yaml"), "--output", str(root), "--port", "0"]) == 2
    assert capsys.readouterr().err.startswith(f"okrsite: error: --output {root}: the output folder ")


def test_strict_turns_warnings_into_a_failure(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/projects/blog.md": UNLINKED_PROJECT})
    out = previous_output(root)
    before = snapshot(out)
    code, stdout, stderr = run(root, "--strict")
    assert code == 1 and stdout == ""
    assert diagnostic_lines(stderr) == [UNLINKED_WARNING]
    assert stderr.splitlines()[-1] == (f"{FAILED} 0 error(s), 1 warning(s) (--strict); "
                                       "the previous output was left as it was")
    assert snapshot(out) == before


def test_warnings_and_errors_are_reported_together_in_order(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {
        OBJ: GROW.replace("start: 100", "start: 100\n    done: true"),
        "content/projects/blog.md": UNLINKED_PROJECT.replace("status: active", "status: activ")})
    code, _, stderr = run(root)
    assert diagnostic_lines(stderr) == [
        "content/objectives/grow.md:8:5: warning: 'done' is ignored on a metric key result",
        # the check rules (unaligned-project) run on a site that loads
        "content/projects/blog.md:3:9: error: 'status': expected one of planned, active, on-hold, done, "
        "cancelled; got 'activ' (did you mean 'active'?)"]
    assert code == 1


# --- usage errors (exit 2) ---------------------------------------------------

def test_a_bad_as_of_date_is_a_usage_error(small_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(small_site)
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--as-of", "notadate"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err  # one line: the usage before it buried it
    assert err == "okrsite build: error: argument --as-of: expected a date like 2026-02-15, got 'notadate'\n"
    assert not (small_site / "output").exists()


def test_a_missing_config_file_is_one_clear_line(tmp_path: Path, run) -> None:
    code, stdout, stderr = run(tmp_path)
    assert code == 2 and stdout == ""
    [line] = stderr.splitlines()
    assert line.startswith("okrsite: error: no site configuration at okrsite.yaml ")
    assert "--config" in line


def test_a_missing_config_given_with_config_names_it(tmp_path: Path, run) -> None:
    code, _, stderr = run(tmp_path, "--config", "nowhere/site.yaml")
    assert code == 2
    [line] = stderr.splitlines()
    assert line.startswith("okrsite: error: no site configuration at nowhere/site.yaml ")


# --- unsafe output folders: refused, nothing deleted -------------------------

def _unsafe_message(root: Path, out: Path, reason: str, where: str = "okrsite.yaml:1:1") -> str:
    messages = {
        "site": f"the output folder {out} is the site folder or one of its parents: "
                "choose a folder of its own, such as 'output'",
        "source": f"the output folder {out} overlaps the source folder {root / 'content'}: "
                  "choose a folder outside it",
        "foreign": f"the output folder {out} holds files okrsite did not write; empty it or choose another folder",
    }
    return f"{where}: error: {messages[reason]}"


@pytest.mark.parametrize(("option", "target", "reason"), [
    pytest.param(".", "", "site", id="the-site-root"),
    pytest.param("..", "..", "site", id="a-parent-of-the-site"),
    pytest.param("content", "content", "source", id="the-content-folder"),
    pytest.param("content/objectives", "content/objectives", "source", id="inside-content"),
    pytest.param("docs", "docs", "foreign", id="a-folder-okrsite-did-not-write"),
])
def test_an_unsafe_output_folder_is_refused_and_nothing_is_deleted(
        tmp_path: Path, run, option: str, target: str, reason: str) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "docs/notes.md": "my notes\n"})
    write(tmp_path, "elsewhere.txt", "beside the site\n")
    before = snapshot(tmp_path)
    code, stdout, stderr = run(root, "--output", option)
    out = (root / target).resolve()
    message = _unsafe_message(root.resolve(), out, reason).split(": error: ", 1)[1]
    assert stderr == f"okrsite: error: --output {option}: {message}\n"  # a usage error: the command line chose it
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert snapshot(tmp_path) == before


def test_an_unsafe_output_dir_in_the_config_is_refused_at_its_line(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    write(root, "okrsite.yaml", CONFIG + "output_dir: content\n")
    before = snapshot(tmp_path)
    code, _, stderr = run(root)
    line = (root / "okrsite.yaml").read_text().splitlines().index("output_dir: content") + 1
    assert diagnostic_lines(stderr) == [_unsafe_message(root.resolve(), (root / "content").resolve(), "source",
                                                        f"okrsite.yaml:{line}:13")]
    assert code == 1 and snapshot(tmp_path) == before


def test_an_output_folder_under_a_file_is_a_clear_error(tmp_path: Path, run) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    code, _, stderr = run(root, "--output", "okrsite.yaml/out")
    [line] = stderr.splitlines()
    assert line.startswith("okrsite: error: --output okrsite.yaml/out: the output folder ")
    assert line.endswith(f"{(root / 'okrsite.yaml').resolve()} is a file")
    assert code == 2 and "Traceback" not in stderr


# --- the real program, in a subprocess ---------------------------------------

def okrsite(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "okrsite", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_subprocess_bad_content_exits_1_without_a_traceback(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {
        "content/objectives/a.md": GROW.replace("start: 100", "start: lots"),
        "content/objectives/b.md": "---\ntitle: [oops\n---\n"})
    result = okrsite(root, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = diagnostic_lines(result.stderr)
    assert lines[0] == "content/objectives/a.md:7:12: error: 'start': expected a number, got the text 'lots'"
    assert lines[1].startswith("content/objectives/b.md:2:8: error: invalid YAML: ")
    assert not (root / "output").exists()


def test_subprocess_usage_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    bad_date = okrsite(root, "build", "--as-of", "notadate")
    assert bad_date.returncode == 2 and "Traceback" not in bad_date.stderr
    assert bad_date.stderr.splitlines() == ["okrsite build: error: argument --as-of: expected a date like 2026-02-15, "
                                            "got 'notadate'"]
    no_config = okrsite(tmp_path, "build")
    assert no_config.returncode == 2 and "Traceback" not in no_config.stderr
    assert len(no_config.stderr.splitlines()) == 1


def test_subprocess_unsafe_output_exits_2_and_deletes_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    before = snapshot(tmp_path)
    result = okrsite(root, "build", "--output", ".")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is the site folder or one of its parents" in result.stderr
    assert snapshot(tmp_path) == before


def test_a_theme_that_does_not_exist_is_an_error_at_its_line(small_site: Path, capsys) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text() + "theme: acme\n")
    assert main(["build", "--config", str(config)]) == 1
    assert "okrsite.yaml:3:8: error: 'theme': no folder themes/acme/ beside okrsite.yaml" in capsys.readouterr().err
