"""Typical slips in hand-written content: each is reported at its line, with what to write
instead, or warned of where the content is valid but almost surely not what was meant (a file
that is never read, a check-in dated a year early, a value a KR type ignores).

Each test asserts the exact lines a user sees, as `okrsite build` and `okrsite check` print them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, Builder
from okrsite.commands.cli import main
from okrsite.content.config import load_config
from okrsite.diagnostics import BuildFailed, Diagnostics
from tests.conftest import write

CONFIG = """
title: Test OKRs
as_of: 2026-05-14
charts: {enabled: false}
"""

OBJ = "content/objectives/grow.md"


def problems(root: Path, files: dict[str, str]) -> list[str]:
    """The diagnostics of loading a site of these files, one line each, as the command line prints them
    (load problems only: the check rules' findings are left out)."""
    write(root, "okrsite.yaml", CONFIG)
    for rel, text in files.items():
        write(root, rel, text)
    diagnostics = Diagnostics()
    try:
        Builder(BuildOptions(root / "okrsite.yaml")).load(diagnostics, rules=())
    except BuildFailed as failed:
        return [str(d) for d in failed.diagnostics]
    return [str(d) for d in diagnostics.sorted()]


def views(checkins: str) -> str:
    """The metric key result `views` (1 to 100) with these check-ins (list items indented by 6), and
    whatever follows them."""
    return "  - id: views\n    title: Views\n    start: 1\n    target: 100\n    checkins:\n" + checkins


def objective(key_results: str) -> str:
    """An objective of 2026-Q2 (from 2026-04-01) with these key results (YAML, indented by 2)."""
    return f"---\ntitle: Grow\nperiod: 2026-Q2\nkey_results:\n{key_results}---\n"


# ---------- files that are not read ----------

def test_a_file_under_objectives_or_projects_not_named_md_is_not_read_with_a_warning(tmp_path: Path) -> None:
    grow = objective("  - {title: Views, start: 1, target: 2}\n")
    files = {f"content/objectives/{name}": grow for name in ("x.MD", "y.markdown", "z.md.txt", "q2/notes on it.mkd")}
    files["content/objectives/w.yaml"] = "title: Grow\n"
    files["content/projects/blog.Md"] = "---\ntitle: Blog\n---\n"
    files["content/objectives/grow.md"] = grow
    for ignored in ("README", "README.txt", "board.png", ".gitkeep", "grow.md~", "LICENSE", "okrs-q2.csv", "ideas.txt"):
        files[f"content/objectives/{ignored}"] = "x\n"
    assert problems(tmp_path, files) == [
        "content/objectives/q2/notes on it.mkd:1:1: warning: not read: objective files end in .md (rename it to "
        "notes on it.md)",
        "content/objectives/w.yaml:1:1: warning: not read: objective files end in .md (its fields go in the front "
        "matter of a Markdown file, between '---' lines: w.md)",
        "content/objectives/x.MD:1:1: warning: not read: objective files end in .md (rename it to x.md)",
        "content/objectives/y.markdown:1:1: warning: not read: objective files end in .md (rename it to y.md)",
        "content/objectives/z.md.txt:1:1: warning: not read: objective files end in .md (rename it to z.md)",
        "content/projects/blog.Md:1:1: warning: not read: project files end in .md (rename it to blog.md)",
    ]


def test_content_put_beside_the_folders_a_build_reads_is_not_read_with_a_warning(tmp_path: Path) -> None:
    """An objective in content/objective/ (or content/okrs/, or loose in content/) and a team list in
    content/team.yaml were dropped without a word: the site lost the objective, the teams their names
    and hierarchy, and --strict passed."""
    grow = objective("  - {title: Views, start: 1, target: 2}\n")
    files = {"content/objectives/grow.md": grow, "content/objective/faster.md": grow, "content/Projects/x/blog.md": grow,
             "content/okrs/2026/q2.md": grow, "content/q3.md": grow, "content/team.yaml": "- id: sales\n"}
    for unread in ("README.md", "notes.txt", "logo.png", ".DS_Store", "drafts/ideas.txt", "images/board.png"):
        files[f"content/{unread}"] = "x\n"
    near = "(okrsite reads objectives/, projects/, pages/, assets/ and teams.yaml here)"
    assert problems(tmp_path, files) == [
        f"content/Projects:1:1: warning: not read: did you mean projects/? {near}",
        f"content/objective:1:1: warning: not read: did you mean objectives/? {near}",
        "content/okrs:1:1: warning: not read: it holds Markdown files, and objectives go in objectives/, projects in "
        "projects/, pages in pages/",
        "content/q3.md:1:1: warning: not read: an objective goes in objectives/, a project in projects/, a page in "
        "pages/",
        f"content/team.yaml:1:1: warning: not read: did you mean teams.yaml? {near}",
    ]
    assert main(["check", "--strict", "--quiet", "--config", str(tmp_path / "okrsite.yaml")]) == 1


# ---------- dates and check-ins ----------

def test_a_checkin_a_year_outside_its_period_is_warned_of_with_the_date_it_likely_meant(tmp_path: Path) -> None:
    """A year typo is taken as written and buried in the history (before the period) or hidden
    from the report (after it); a date just after the period's end (a final reading) or after
    as_of (a report as of a past date) is what it says, and not warned of."""
    assert problems(tmp_path, {OBJ: objective(views(
        "      - {date: 2025-05-14, value: 30}\n"
        "      - date: 2026-03-20\n"
        "        note: Kick-off\n"
        "      - {date: 2026-05-20, value: 40}\n"
        "      - {date: 2026-07-03, value: 50}\n"
        "      - {date: 2027-05-21, value: 60}\n"))}) == [
        "content/objectives/grow.md:10:16: warning: check-in dated 2025-05-14, before its period 2026-Q2 starts on "
        "2026-04-01: did you mean 2026-05-14?",
        "content/objectives/grow.md:15:16: warning: check-in dated 2027-05-21, after its period 2026-Q2 ends on "
        "2026-06-30: did you mean 2026-05-21?",
    ]  # a baseline of 20 March before the quarter is valid content (spec: shown in the history), not warned of


def test_the_same_checkin_twice_is_warned_of_at_the_second(tmp_path: Path) -> None:
    """Same date and value (or zone); on one date with another value the later one wins (spec), no warning."""
    assert problems(tmp_path, {OBJ: objective(views(
        "      - {date: 2026-05-02, value: 12}\n"
        "      - {date: 2026-05-02, value: 14, note: corrected}\n"
        "      - {date: 2026-05-02, value: 12, note: copied}\n"
        "  - id: comms\n"
        "    title: Comms\n"
        "    type: zones\n"
        "    zones: {commit: a, target: b, stretch: c}\n"
        "    checkins:\n"
        "      - {date: 2026-05-02, zone: commit}\n"
        "      - {date: 2026-05-02, zone: commit}\n"))}) == [
        "content/objectives/grow.md:12:9: warning: duplicate check-in: 2026-05-02 with value 12 (also at "
        "content/objectives/grow.md:10:9)",
        "content/objectives/grow.md:19:9: warning: duplicate check-in: 2026-05-02 with zone commit (also at "
        "content/objectives/grow.md:18:9)",
    ]


@pytest.mark.parametrize("kind, fields", [
    ("zones", "    zones: {commit: a, target: b, stretch: c}\n"),
    ("boolean", "    done: false\n"),
    ("milestones", "    milestones: [{title: Draft, done: true}]\n"),
])
def test_a_checkin_value_on_a_kr_type_that_reads_none_is_warned_of(tmp_path: Path, kind: str, fields: str) -> None:
    assert problems(tmp_path, {OBJ: objective(
        f"  - title: Comms\n    type: {kind}\n{fields}    checkins:\n      - {{date: 2026-05-02, value: 3}}\n")}) == [
        f"content/objectives/grow.md:9:7: warning: check-ins with a 'value' are read only on a metric or maintain key "
        f"result, not a {kind} one",
    ]


def test_a_blank_drop_reason_is_an_error_and_a_drop_before_the_period_a_warning(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: objective(
        "  - {title: A, start: 1, target: 2, dropped: {reason: '  '}}\n"
        "  - {title: B, start: 1, target: 2, dropped: {reason: Merged, date: 2025-05-02}}\n")}) == [
        "content/objectives/grow.md:5:55: error: 'reason': expected text, got a blank one: say why it was dropped",
        "content/objectives/grow.md:6:69: warning: dropped on 2025-05-02, before its period 2026-Q2 starts on "
        "2026-04-01: did you mean 2026-05-02?",
    ]


# ---------- commas in { … } ----------

def test_a_comma_in_a_flow_mapping_gets_a_hint_for_a_number_or_a_text(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: objective(views(
        "      - {date: 2026-05-01, value: 12,5}\n"
        "      - {date: 2026-05-02, value: 1,250}\n"
        "      - {date: 2026-05-03, note: Done, finally, value: 3}\n"
        "      - date: 2026-05-04\n"
        "        value: 12\n"
        "        5:\n"))}) == [
        "content/objectives/grow.md:10:38: error: unknown field '5' in a check-in: in { … } a comma separates "
        "fields: write a number with a dot and no thousands separator (12.5, 1200)",
        "content/objectives/grow.md:11:37: error: unknown field '250' in a check-in: in { … } a comma separates "
        "fields: write a number with a dot and no thousands separator (12.5, 1200)",
        "content/objectives/grow.md:12:40: error: unknown field 'finally' in a check-in: in { … } a comma "
        "separates fields: quote a text that holds one (note: \"Done, finally\")",
        "content/objectives/grow.md:15:9: error: unknown field '5' in a check-in",  # not in { … }: no guess
    ]


def test_a_colon_in_a_flow_mapping_text_gets_a_hint_to_quote_it(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: objective(views(
        "      - {date: 2026-05-01, note: Done: finally}\n"))}) == [
        "content/objectives/grow.md:10:9: error: invalid YAML: did not find expected ',' or '}' at line 10, "
        "column 38 (while parsing a flow mapping that starts here); in { … } a comma separates the fields and a '}' "
        "closes them: a text that holds ': ' or ', ' needs quotes there (note: \"Done: finally\")",
    ]


def test_teams_written_with_a_comma_get_the_list_to_write(tmp_path: Path) -> None:
    shared = "---\ntitle: Shared\nperiod: 2026-Q2\nteam: platform, engineering\n---\n"
    own = "---\ntitle: Own\nperiod: 2026-Q2\nteam: [platform, engineering]\n---\n"
    found = problems(tmp_path, {OBJ: shared, "content/objectives/own.md": own})
    assert [line for line in found if "draft" not in line and "no key results" not in line] == [
        "content/objectives/grow.md:4:7: warning: 'team': 'platform, engineering' is one team: for several teams, "
        "write a list: [platform, engineering]",
    ]
    found = problems(tmp_path, {"content/teams.yaml": "- id: platform\n- id: engineering\n"})
    assert "content/objectives/grow.md:4:7: error: unknown team 'platform, engineering': not listed in " \
           "content/teams.yaml: for several teams, write a list: [platform, engineering]" in found


def test_a_team_name_with_a_comma_whose_parts_are_no_teams_is_one_team(tmp_path: Path) -> None:
    team = "---\ntitle: Ops\nperiod: 2026-Q2\nteam: Sales, Marketing & Ops\nkey_results: [{title: A, done: true, " \
           "type: boolean}]\n---\n"
    assert problems(tmp_path, {OBJ: team}) == []


# ---------- ids made from names ----------

def test_letters_without_an_accent_to_drop_keep_their_ascii_spelling_in_ids(tmp_path: Path) -> None:
    """Ids from file and team names drop accents; letters Unicode does not split into a letter and
    an accent (ø, ß, æ, ł) are written as their languages write them in ASCII, not left out."""
    grow = "---\ntitle: {0}\nperiod: 2026-Q2\nteam: {0}\nkey_results: [{{title: A, type: boolean}}]\n---\n"
    names = {"Økonomi": "okonomi", "Größe": "grosse", "Mål for året": "mal-for-aret", "Łódź": "lodz",
             "Æbler": "aebler"}
    for name in names:
        write(tmp_path, f"content/objectives/{name}.md", grow.format(name))
    write(tmp_path, "okrsite.yaml", CONFIG)
    site = Builder(BuildOptions(tmp_path / "okrsite.yaml")).load(Diagnostics(), rules=())
    assert sorted(site.objectives) == sorted(names.values())
    assert sorted(site.teams) == sorted(names.values())
    assert {team.name for team in site.teams.values()} == set(names)


# ---------- units typed into numbers ----------

def test_a_unit_typed_into_a_number_gets_what_to_write(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: objective(
        "  - title: Views\n"
        "    start: 1200\n"
        "    target: 2500 views\n"
        "    checkins:\n"
        "      - {date: 2026-05-01, value: 45%, confidence: 45 %}\n"
        "      - date: 2026-05-02\n"
        "        confidence: 45,5%\n"),
        "content/projects/blog.md": "---\ntitle: Blog\nbudget: {planned: $12000, currency: USD}\n---\n"}) == [
        "content/objectives/grow.md:7:13: error: 'target': expected a number, got the text '2500 views': write the "
        "number alone (2500); the unit goes in `unit:`",
        "content/objectives/grow.md:9:35: error: 'value': expected a number, got the text '45%': write the number "
        "alone (45); the unit goes in `unit:`",
        "content/objectives/grow.md:9:52: error: 'confidence': expected a number, got the text '45 %': write 0.45 "
        "for 45%",
        "content/objectives/grow.md:11:21: error: 'confidence': expected a number, got the text '45,5%': write a "
        "number with a dot and no thousands separator (12.5, 1200)",
        "content/projects/blog.md:3:19: error: 'planned': expected a number, got the text '$12000': write the number "
        "alone (12000); the currency goes in the budget's `currency:`",
    ]


def test_a_quoted_hexadecimal_number_is_told_in_decimal(tmp_path: Path) -> None:
    """'0x10' read as the amount 0 with the unit "x10" was told "write the number alone (0)"."""
    assert problems(tmp_path, {OBJ: objective("  - {title: Views, start: 0, target: '0x10'}\n")}) == [
        "content/objectives/grow.md:5:38: error: 'target': expected a number, got the text '0x10': "
        "write it in decimal (16)"]


@pytest.mark.parametrize("written, hint", [
    ("2k", "write 2000 for 2k; the unit goes in `unit:`"),
    ("1.5M", "write 1500000 for 1.5M; the unit goes in `unit:`"),
    ("-0.25k users", "write -250 for -0.25k; the unit goes in `unit:`"),
    ("3bn", "write 3000000000 for 3bn; the unit goes in `unit:`"),
    ("2k/month", "write 2000 for 2k; the unit goes in `unit:`"),
    ("100k+", "write 100000 for 100k; the unit goes in `unit:`"),
    ("$2k", "write 2000 for 2k; the unit goes in `unit:`"),
    ("12 kg", "write the number alone (12); the unit goes in `unit:`"),
    ("2Mbps", "write the number alone (2); the unit goes in `unit:`"),
])
def test_a_number_in_shorthand_gets_the_number_in_full_not_a_thousandth(tmp_path: Path, written: str,
                                                                        hint: str) -> None:
    """2k is what the charts write for 2,000: "write the number alone (2)" would have the user write
    a target a thousand times too small, which then builds without a word."""
    assert problems(tmp_path, {OBJ: objective(f"  - {{title: Views, start: 0, target: {written}}}\n")}) == [
        f"content/objectives/grow.md:5:38: error: 'target': expected a number, got the text '{written}': {hint}"]


@pytest.mark.parametrize("written, hint", [
    ("1.850,5", "write a number with a dot and no thousands separator (12.5, 1200)"),
    ("1 200", "write a number with a dot and no thousands separator (12.5, 1200)"),
    ("$1,200", "write a number with a dot and no thousands separator (12.5, 1200); the unit goes in `unit:`"),
    ("2,500 views", "write a number with a dot and no thousands separator (12.5, 1200); the unit goes in `unit:`"),
    ("12,5%", "write a number with a dot and no thousands separator (12.5, 1200); the unit goes in `unit:`"),
    ("\u22125", "write the minus sign as a hyphen (-)"),  # as a word processor writes -5
])
def test_a_number_written_as_people_write_numbers_gets_what_to_write(tmp_path: Path, written: str,
                                                                     hint: str) -> None:
    """A decimal comma, thousands separators or a typographic minus, as a spreadsheet or a word
    processor writes a number, with or without a unit: YAML reads each as text."""
    assert problems(tmp_path, {OBJ: objective(f"  - title: Views\n    start: 0\n    target: {written}\n")}) == [
        f"content/objectives/grow.md:7:13: error: 'target': expected a number, got the text '{written}': {hint}"]


def test_a_budget_in_shorthand_gets_the_number_in_full(tmp_path: Path) -> None:
    assert problems(tmp_path, {"content/projects/blog.md": "---\ntitle: Blog\nbudget: {planned: 20k, currency: USD}\n---\n"}) == [
        "content/projects/blog.md:3:19: error: 'planned': expected a number, got the text '20k': write 20000 for 20k; "
        "the currency goes in the budget's `currency:`"]


@pytest.mark.parametrize("confidence, message", [
    ("70", "expected a number from 0 to 1, got 70: write 0.7 for 70%"),
    ("100", "expected a number from 0 to 1, got 100: write 1 for 100%"),
    ("150", "expected a number from 0 to 1, got 150"),
    ("-1", "expected a number from 0 to 1, got -1"),
])
def test_a_confidence_written_as_a_percentage_without_the_sign_gets_the_share(tmp_path: Path, confidence: str,
                                                                              message: str) -> None:
    assert problems(tmp_path, {OBJ: objective(
        f"  - title: Views\n    start: 0\n    target: 9\n    checkins:\n"
        f"      - {{date: 2026-05-01, value: 4, confidence: {confidence}}}\n")}) == [
        f"content/objectives/grow.md:9:50: error: 'confidence': {message}"]

# ---------- language ----------

@pytest.mark.parametrize("tag, code", [("de-DE", "de"), ("de_CH", "de"), ("EN-gb", "en"), ('"no"', "nb"), ("fr", "fr")])
def test_a_bcp_47_tag_of_a_theme_language_is_read_as_that_language(tmp_path: Path, tag: str, code: str) -> None:
    write(tmp_path, "okrsite.yaml", f"title: T\nlanguage: {tag}\n")
    diagnostics = Diagnostics()
    config = load_config(tmp_path / "okrsite.yaml", diagnostics)
    assert diagnostics.items == [] and config is not None and config.language == code


@pytest.mark.parametrize("tag, message", [
    ("pt-BR", "expected one of de, en, es, fr, nb; got 'pt-BR'"),
    ("no", "expected a language, got false: YAML reads no as false; for Norwegian write nb"),
])
def test_a_tag_of_another_language_is_still_an_error(tmp_path: Path, tag: str, message: str) -> None:
    write(tmp_path, "okrsite.yaml", f"title: T\nlanguage: {tag}\n")
    diagnostics = Diagnostics()
    assert load_config(tmp_path / "okrsite.yaml", diagnostics) is None
    assert [str(d) for d in diagnostics.items] == [f"okrsite.yaml:2:11: error: 'language': {message}"]


def test_a_site_in_de_de_is_built_in_german(tmp_path: Path, capsys) -> None:
    write(tmp_path, "okrsite.yaml", CONFIG + "language: de-DE\n")
    write(tmp_path, OBJ, objective("  - {title: Views, start: 0, target: 2000.5, current: 1200.5}\n"))
    assert main(["build", "--quiet", "--config", str(tmp_path / "okrsite.yaml")]) == 0
    page = (tmp_path / "output/objectives/grow/index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page and "1.200,5" in page and "Mai" in page


# ---------- okrsite checkin ----------

def test_checkin_warns_of_a_date_before_the_period_and_of_a_checkin_the_kr_has(tmp_path: Path, capsys) -> None:
    problems(tmp_path, {OBJ: objective("  - id: views\n    title: Views\n    start: 1\n    target: 100\n"
                                       "    checkins:\n      - {date: 2026-05-01, value: 30}\n")})
    config = str(tmp_path / "okrsite.yaml")
    assert main(["checkin", "grow/views", "30", "--date", "2026-05-01", "--config", config]) == 0
    assert capsys.readouterr().err == ("okrsite: warning: views had a check-in on 2026-05-01 with value 30 already: "
                                       "the file has it twice now\n")
    assert main(["checkin", "grow/views", "33", "--date", "2026-05-01", "--config", config]) == 0
    assert capsys.readouterr().err == ("okrsite: warning: views had a check-in on 2026-05-01 with value 30 already: "
                                       "the later one counts, so value 33 replaces it in every number\n")
    assert main(["checkin", "grow/views", "30", "--date", "2026-05-01", "--config", config]) == 0
    assert capsys.readouterr().err == ("okrsite: warning: views had a check-in on 2026-05-01 with value 33 already: "
                                       "the later one counts, so value 30 replaces it in every number\n")  # the last
    assert main(["checkin", "grow/views", "31", "--date", "2025-05-02", "--config", config]) == 0
    assert capsys.readouterr().err == ("okrsite: warning: the check-in is dated before its period 2026-Q2 starts "
                                       "on 2026-04-01: did you mean 2026-05-02?\n")
    assert main(["checkin", "grow/views", "32", "--date", "2027-05-03", "--config", config]) == 0
    assert capsys.readouterr().err == (
        "okrsite: warning: the check-in is dated after the report date (2026-05-14): reports count it from its "
        "date on\nokrsite: warning: the check-in is dated after its period 2026-Q2 ends on 2026-06-30: did you mean "
        "2026-05-03?\n")


@pytest.mark.parametrize("fields, meant", [
    ("floor: 99.9, current: 99.95", "with 'floor', did you mean 'type: maintain'?"),
    ("zone: commit", "with 'zone', did you mean 'type: zones'?"),
    ("done: true", "with 'done', did you mean 'type: boolean'?"),
])
def test_a_key_result_without_its_type_is_told_which_type_its_fields_belong_to(tmp_path: Path, fields: str,
                                                                                 meant: str) -> None:
    """`floor: 99` without `type: maintain` read as a metric key result missing its start and target."""
    found = problems(tmp_path, {OBJ: objective(f"  - {{title: Uptime, {fields}}}\n")})
    assert found[:2] == [f"content/objectives/grow.md:5:5: error: missing required field '{name}' in a metric key "
                         f"result; {meant}" for name in ("start", "target")]


def test_an_objective_hanging_from_a_dropped_key_result_is_warned_of(tmp_path: Path) -> None:
    parent = objective("  - {id: arr, title: ARR, start: 1, target: 2, dropped: {reason: Merged into NRR}}\n"
                       "  - {id: nrr, title: NRR, start: 1, target: 2}\n")
    child = "---\ntitle: Sell more\nperiod: 2026-Q2\nparent: grow/arr\nkey_results:\n  - {title: Deals, start: 0, target: 5}\n---\n"
    assert problems(tmp_path, {OBJ: parent, "content/objectives/sell.md": child}) == [
        "content/objectives/sell.md:4:9: warning: 'parent': key result 'grow/arr' was dropped (Merged into NRR): hang "
        "the objective from another one, or from the objective itself",
    ]


def test_a_control_character_is_reported_where_it_stands(tmp_path: Path) -> None:
    """YAML's reader counts characters: the error stood at the front matter's first line, with
    "in '<unicode string>', position 72" in its words."""
    assert problems(tmp_path, {OBJ: objective('  - title: "Bad\x0b one"\n    start: 0\n    target: 1\n')}) == [
        "content/objectives/grow.md:5:16: error: invalid YAML: the character U+000B cannot be in YAML (a control "
        "character, as a paste from a spreadsheet can leave): delete it",
    ]
    # after letters of two and three bytes in UTF-8 (libyaml counts bytes): still its own column
    found = problems(tmp_path, {OBJ: objective('  - title: "Grüße für Köln 東京\x07"\n    start: 0\n    target: 1\n')})
    assert found[0].startswith("content/objectives/grow.md:5:30: error: invalid YAML: the character U+0007")


def test_a_tab_that_starts_a_line_is_named(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: objective("\t- {title: One, start: 0, target: 1}\n")}) == [
        "content/objectives/grow.md:5:1: error: invalid YAML: found character that cannot start any token; it is a "
        "tab: YAML indents with spaces only",
    ]


def test_a_tab_inside_an_indented_block_gets_the_same_advice(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: objective("  - title: One\n\tstart: 0\n    target: 1\n")}) == [
        "content/objectives/grow.md:6:1: error: invalid YAML: found a tab character that violates indentation; "
        "YAML indents with spaces only",
    ]


@pytest.mark.parametrize("written, message", [
    ("Q2", "unknown period 'Q2': use 2026-Q1, 2026-H1, 2026 or an id from 'periods' in okrsite.yaml "
           "(did you mean '2026-Q2'?)"),  # the year of the report date (2026-05-15)
    ("2026-q2", "unknown period '2026-q2': use 2026-Q1, 2026-H1, 2026 or an id from 'periods' in okrsite.yaml "
                "(did you mean '2026-Q2'?)"),
    ("Q2 2026", "'period': expected a period id of letters, digits, '-' and '_' (such as 2026-Q1), got 'Q2 2026' "
                "(did you mean '2026-Q2'?)"),
    ("Q5 2026", "'period': expected a period id of letters, digits, '-' and '_' (such as 2026-Q1), got 'Q5 2026'"),
    ("2026-Q5", "unknown period '2026-Q5': use 2026-Q1, 2026-H1, 2026 or an id from 'periods' in okrsite.yaml"),
])
def test_a_period_written_another_way_is_matched_to_its_id(tmp_path: Path, written: str, message: str) -> None:
    grow = objective("  - {title: Views, start: 0, target: 9}\n").replace("period: 2026-Q2", f"period: {written}")
    assert problems(tmp_path, {OBJ: grow}) == [f"content/objectives/grow.md:3:9: error: {message}"]


TEAMS = "- id: sales\n  name: Sales and Partnerships\n"


def test_a_team_written_by_its_name_is_told_to_write_its_id(tmp_path: Path) -> None:
    grow = objective("  - {title: Views, start: 0, target: 9}\n").replace("period:", "team: sales and partnerships\nperiod:")
    assert problems(tmp_path, {OBJ: grow, "content/teams.yaml": TEAMS}) == [
        "content/objectives/grow.md:3:7: error: unknown team 'sales and partnerships': not listed in "
        "content/teams.yaml: that is the name of team 'sales'; write its id"]


def test_a_team_whose_id_is_wrong_is_the_one_error_not_every_file_that_names_it(tmp_path: Path) -> None:
    """`- id: Marketing Team` gave the team a made-up id ('teams-yaml') and every file naming
    'marketing' an error pointing at it: eight errors, the real one last."""
    grow = objective("  - {title: Views, start: 0, target: 9}\n").replace("period:", "team: marketing\nperiod:")
    teams = "- id: Marketing Team\n  name: Marketing\n- id: seo\n  name: SEO\n  parent: marketing\n"
    assert problems(tmp_path, {OBJ: grow, "content/teams.yaml": teams}) == [
        "content/teams.yaml:1:7: error: 'id': expected an id of lowercase letters, digits, '-' and '_', starting and "
        "ending with a letter or digit, got 'Marketing Team' (did you mean 'marketing-team'?)"]


@pytest.mark.parametrize("teams, told", [
    ("teams:\n" + "".join(f"  {line}\n" for line in TEAMS.splitlines()),
     ": remove the `teams:` line and write the list from the first column"),
    ("sales:\n  name: Sales\n", ", got a mapping"),
])
def test_teams_written_as_a_mapping_are_told_the_list_they_should_be(tmp_path: Path, teams: str, told: str) -> None:
    assert problems(tmp_path, {OBJ: objective("  - {title: Views, start: 0, target: 9}\n"),
                               "content/teams.yaml": teams}) == [
        "content/teams.yaml:1:1: error: expected a list of teams, an entry `- id: …` each (with its name, lead and "
        f"parent){told}"]


@pytest.mark.parametrize("written, hint", [
    ("2026-05-3", " (did you mean 2026-05-03?)"),
    ("2026-5-13", " (did you mean 2026-05-13?)"),
    ("2026-2-30", " (February 2026 has 28 days)"),
])
def test_a_date_without_its_leading_zeros_is_written_out(tmp_path: Path, written: str, hint: str) -> None:
    grow = objective(f"  - title: Views\n    start: 0\n    target: 9\n    checkins:\n      - {{date: '{written}', value: 4}}\n")
    assert problems(tmp_path, {OBJ: grow}) == [
        f"content/objectives/grow.md:9:16: error: 'date': expected a date like 2026-01-31, got the text "
        f"'{written}'{hint}"]


def test_a_key_yaml_reads_as_true_or_null_is_named_so(tmp_path: Path) -> None:
    """`on:` is YAML's true: the error said "unknown field 'True' (did you mean 'zone'?)"."""
    found = problems(tmp_path, {OBJ: objective("  - title: One\n    start: 0\n    target: 1\n    on: 3\n")})
    assert found == ["content/objectives/grow.md:8:5: error: unknown field true in a key result: YAML reads a key "
                     "written yes, no, on, off, true, false or null as that value; quote the key ('on': …) if it is "
                     "a name"]


@pytest.mark.parametrize("written", ["2026-W18", "2026W181", "20260501", "2026-121"])
def test_a_date_in_another_iso_form_is_an_error_not_a_day_python_works_out(tmp_path: Path, written: str) -> None:
    """Python reads 2026-W18 (a week), 20260501 and 2026-121 (a day of the year) as dates; the
    content format writes 2026-05-01 alone, and a reader of the file could not tell the day."""
    found = problems(tmp_path, {OBJ: objective(views(f"      - {{date: '{written}', value: 5}}\n"))})
    assert found == [f"content/objectives/grow.md:10:16: error: 'date': expected a date like 2026-01-31, "
                     f"got the text {written!r}"], found


@pytest.mark.parametrize("option", [["build", "--as-of", "2026-W18"], ["checkin", "grow/views", "5", "--date", "20260501"]])
def test_a_date_in_another_iso_form_on_the_command_line_is_a_usage_error(tmp_path: Path, monkeypatch, capsys,
                                                                          option: list[str]) -> None:
    write(tmp_path, "okrsite.yaml", CONFIG)
    write(tmp_path, OBJ, objective(views("      - {date: 2026-04-20, value: 5}\n")))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(option)
    assert exited.value.code == 2
    assert f"expected a date like 2026-02-15, got {option[-1]!r}" in capsys.readouterr().err


def test_team_names_without_a_latin_letter_that_make_one_id_are_an_error(tmp_path: Path) -> None:
    """Without teams.yaml a team's id is its name slugified: '営業' and '販売' both made 'item', one
    team page for two teams, without a word."""
    kr = "  - {id: v, title: V, start: 0, target: 10, current: 5}\n"
    found = problems(tmp_path, {"content/objectives/a.md": objective(kr).replace("period:", "team: 営業\nperiod:"),
                                "content/objectives/b.md": objective(kr).replace("period:", "team: 販売\nperiod:")})
    why = ("error: 'team': '営業' and '販売' make one team id, 'item' (a name without a Latin letter or digit makes "
           "no id of its own): list the teams in content/teams.yaml with an id each (- id: sales, name: 営業)")
    assert found == [f"content/objectives/a.md:3:7: {why}", f"content/objectives/b.md:3:7: {why}"]


def test_one_team_written_two_ways_is_a_warning_naming_both(tmp_path: Path) -> None:
    kr = "  - {id: v, title: V, start: 0, target: 10, current: 5}\n"
    found = problems(tmp_path, {
        "content/objectives/a.md": objective(kr).replace("period:", "team: Customer Success\nperiod:"),
        "content/objectives/b.md": objective(kr).replace("period:", "team: customer success\nperiod:")})
    why = ("warning: 'team': 'Customer Success' and 'customer success' are one team (id 'customer-success'), "
           "written 2 ways: write its name one way")
    assert found == [f"content/objectives/a.md:3:7: {why}", f"content/objectives/b.md:3:7: {why}"]


@pytest.mark.parametrize("written, meant", [("x_", " (did you mean 'x'?)"), ("-grow", " (did you mean 'grow'?)"),
                                            ("Grow Fast", " (did you mean 'grow-fast'?)"), ("営業", "")])
def test_an_id_that_is_no_id_says_the_whole_rule_and_what_was_meant(tmp_path: Path, written: str, meant: str) -> None:
    """`id: x_` was told "expected lowercase letters, digits, '-' and '_'", which it is made of: an
    id also starts and ends with a letter or digit."""
    found = problems(tmp_path, {OBJ: f"---\nid: '{written}'\ntitle: Grow\nperiod: 2026-Q2\n---\n"})
    assert found == [f"content/objectives/grow.md:2:5: error: 'id': expected an id of lowercase letters, digits, '-' "
                     f"and '_', starting and ending with a letter or digit, got {written!r}{meant}"], found


def test_a_number_written_with_a_colon_is_text_not_a_number_in_base_60(tmp_path: Path) -> None:
    """YAML 1.1 read `target: 1:30` as 90 (1 × 60 + 30) without a word, and `title: 12:30` as 750."""
    found = problems(tmp_path, {OBJ: objective("  - {id: calls, title: 12:30, start: 0, target: 1:30}\n")})
    assert found == ["content/objectives/grow.md:5:49: error: 'target': expected a number, got the text '1:30'"], found


@pytest.mark.parametrize("slip, meant", [("foo", "floor"), ("ceilin", "ceiling"), ("zonne", "zone")])
def test_a_misspelt_field_is_one_error_not_also_a_warning_about_the_field_it_was_taken_for(
        tmp_path: Path, slip: str, meant: str) -> None:
    """`foo: 1` on a metric key result was reported as "did you mean 'floor'?" and also as "'floor' is
    ignored on a metric key result", a field the file does not have."""
    found = problems(tmp_path, {OBJ: objective(f"  - id: v\n    title: V\n    start: 0\n    target: 10\n    {slip}: 1\n")})
    assert found == [f"content/objectives/grow.md:9:5: error: unknown field '{slip}' in a key result "
                     f"(did you mean '{meant}'?)"], found


def test_a_merge_conflict_left_in_a_file_is_an_error_at_its_marker(tmp_path: Path) -> None:
    """`<<<<<<< HEAD` from a merge was reported a line below as "invalid YAML: could not find expected
    ':'", which says nothing of the conflict."""
    text = objective("  - id: v\n    title: V\n    start: 0\n<<<<<<< HEAD\n    target: 10\n=======\n    target: 12\n"
                     ">>>>>>> feature\n")
    found = problems(tmp_path, {OBJ: text})
    assert found == ["content/objectives/grow.md:8:1: error: a merge left a conflict here: keep the lines you want, "
                     "and remove the <<<<<<<, ======= and >>>>>>> lines git wrote around both sides"], found
    assert problems(tmp_path, {OBJ: objective("  - {id: v, title: V, start: 0, target: 10}\n") + "Title\n=======\n"}) \
        == []  # a heading underlined with '=' is no conflict


# ---------- hints for what a new user writes ----------

KEY_NEEDS_SPACE = "a key needs ': ' after it (or quote a text that runs over several lines)"


@pytest.mark.parametrize("text, where, words", [
    ("---\ntitle: Grow\nperiod: 2026-Q2\nowner:Lena Fischer\nteam: growth\n---\n", "4:1",
     "could not find expected ':'"),
    ("---\ntitle:Grow\nperiod: 2026-Q2\n---\n", "2:1", "mapping values are not allowed in this context"),
    (objective("  - id: v\n    title: V\n    start: 0\n    target:20\n    unit: views\n"), "8:5",
     "could not find expected ':'"),
    (objective("  - id: v\n    title: V\n    start: 0\n    target: 20\n    current:28\n    # the latest\n"
               "    unit: views\n"), "9:5", "could not find expected ':'"),
    (objective("  - id:v\n    title: V\n    start: 0\n    target: 20\n"), "5:5",
     "mapping values are not allowed in this context"),
])
def test_a_key_without_a_space_after_its_colon_is_reported_at_its_own_line(tmp_path: Path, text: str, where: str,
                                                                            words: str) -> None:
    """`owner:Lena Fischer` is one text to YAML, and the parser stumbles only on the line below it
    (or below a comment after it): the error stood a line or two under the slip."""
    assert problems(tmp_path, {OBJ: text}) == [f"content/objectives/grow.md:{where}: error: invalid YAML: {words}; "
                                               f"{KEY_NEEDS_SPACE}"]


@pytest.mark.parametrize("written, col, quoted", [
    ("unit: %", 11, 'unit: "%" (YAML reserves % at the start of a value)'),
    ("unit: @users", 11, 'unit: "@users" (YAML reserves @ at the start of a value)'),
    ("unit: `ms` # latency", 11, 'unit: "`ms`" (YAML reserves ` at the start of a value)'),
    ("tags: [web, @mobile]", 17, '"@mobile" (YAML reserves @ at the start of a value)'),
])
def test_a_value_starting_with_a_character_yaml_reserves_is_told_to_be_quoted(tmp_path: Path, written: str, col: int,
                                                                               quoted: str) -> None:
    found = problems(tmp_path, {OBJ: objective(f"  - id: v\n    {written}\n    title: V\n")})
    assert found == [f"content/objectives/grow.md:6:{col}: error: invalid YAML: found character that cannot start "
                     f"any token; quote the value: {quoted}"]


def test_a_required_field_whose_text_yaml_reads_as_a_comment_is_empty_not_missing(tmp_path: Path) -> None:
    """`title: #1 cut setup time` is a title of nothing and a comment: "missing required field
    'title'" sent the user looking for a line that is there."""
    found = problems(tmp_path, {OBJ: "---\nperiod: 2026-Q2\ntitle: #1 cut setup time\n---\n",
                                "content/projects/blog.md": "---\ntitle:\nstatus: active\n---\n"})
    assert found == [
        "content/objectives/grow.md:3:1: error: 'title' is empty; text after ' #' is a comment in YAML; quote it: "
        "title: \"#1 cut setup time\"",
        "content/projects/blog.md:2:1: error: 'title' is empty",
    ]


def test_a_title_of_spaces_is_refused_as_an_empty_one(tmp_path: Path) -> None:
    """`title: "  "` gave the site's pages an empty <title>, and an objective a blank heading."""
    found = problems(tmp_path, {OBJ: objective('  - {title: "  ", start: 1, target: 2}\n').replace("title: Grow",
                                                                                                 'title: " "'),
                                "content/projects/blog.md": '---\ntitle: ""\nstatus: active\n---\n'})
    assert found == [
        "content/objectives/grow.md:2:8: error: 'title': expected text, got a blank one: write what it is called",
        "content/objectives/grow.md:5:13: error: 'title': expected text, got a blank one: write what it is called",
        "content/projects/blog.md:2:8: error: 'title': expected text, got a blank one: write what it is called",
    ]
    write(tmp_path, "okrsite.yaml", CONFIG.replace("title: Test OKRs", 'title: "  "'))
    diagnostics = Diagnostics()
    assert load_config(tmp_path / "okrsite.yaml", diagnostics) is None
    assert [str(d) for d in diagnostics.sorted()] == [
        "okrsite.yaml:1:8: error: 'title': expected text, got a blank one: write the site's name"]


def test_an_optional_field_whose_text_yaml_reads_as_a_comment_is_warned_of(tmp_path: Path) -> None:
    """`owner: #platform-team` left the objective without an owner, in silence. A comment written
    apart from its '#' (`owner:  # to be decided`) is how YAML leaves a field empty on purpose: no
    warning then."""
    key_results = ("  - id: v\n    title: V\n    start: 0\n    target: 5\n    owner: # to be decided\n"
                   "    current: #todo\n")  # a number: quoted, it would be an error
    text = objective(key_results).replace("title: Grow\n", "title: Grow\nowner: #platform-team\n")
    found = problems(tmp_path, {OBJ: text})
    assert found == ["content/objectives/grow.md:3:1: warning: 'owner' is empty; text after ' #' is a comment in "
                     "YAML; quote it: owner: \"#platform-team\""]
def test_a_list_item_that_runs_on_into_the_next_is_asked_about_its_missing_dash(tmp_path: Path) -> None:
    """A forgotten '- ' before the second key result made four "duplicate key" errors, one a field,
    and none said what happened: one error now, at the line the '- ' is missing from."""
    found = problems(tmp_path, {OBJ: objective(
        "  - id: a\n    title: A\n    start: 0\n    target: 5\n"
        "    id: b\n    title: B\n    start: 0\n    target: 9\n"
        "  - id: c\n    title: C\n    title: Twice\n    start: 0\n    target: 1\n")})
    assert found == [
        "content/objectives/grow.md:9:5: error: duplicate key 'id' (first at content/objectives/grow.md:5:5; the "
        "later value would win): did you mean to start a new item with '- '?",
        # a field written twice in an item is no missing '- '
        "content/objectives/grow.md:15:5: error: duplicate key 'title' (first at content/objectives/grow.md:14:5; "
        "the later value would win)",
    ]


@pytest.mark.parametrize("written, col, part, goes", [
    ("$5,000", 22, "000", "; the currency goes in the budget's `currency:`"),
    ("5,000.50", 21, "000.50", ""),
    ("1,250,000", 21, "250", ""),
    ("5,000", 21, "000", ""),
])
def test_a_budget_with_a_thousands_separator_in_braces_is_one_error_about_the_number(
        tmp_path: Path, written: str, col: int, part: str, goes: str) -> None:
    """`budget: {planned: $5,000}` was told "unknown field '0'" and "write the number alone (5)",
    which sets a budget a thousand times too small."""
    project = f"---\ntitle: Blog\nbudget: {{planned: {written}, currency: USD}}\n---\n"
    assert problems(tmp_path, {"content/projects/blog.md": project}) == [
        f"content/projects/blog.md:3:{col}: error: unknown field '{part}' in a budget: in {{ … }} a comma separates "
        f"fields: write a number with a dot and no thousands separator (12.5, 1200){goes}"]


def test_a_project_naming_its_objectives_under_objectives_is_told_of_key_results(tmp_path: Path) -> None:
    project = "---\ntitle: Blog\nobjectives: [grow]   # what it supports\n---\n"
    assert problems(tmp_path, {"content/projects/blog.md": project}) == [
        "content/projects/blog.md:3:1: error: unknown field 'objectives' in a project (did you mean 'key_results'? "
        "it takes objective ids, or objective-id/kr-id for one key result: key_results: [grow])"]


def test_a_title_yaml_reads_as_false_is_told_to_be_quoted_as_written(tmp_path: Path) -> None:
    grow = objective("  - {id: v, title: V, start: 0, target: 9}\n")
    assert problems(tmp_path, {OBJ: grow.replace("title: Grow", "title: No"),
                               "content/objectives/sell.md": grow.replace("period:", "owner: [Ann, off]\nperiod:")}) == [
        "content/objectives/grow.md:2:8: error: 'title': expected text, got true/false: quote it: title: \"No\"",
        "content/objectives/sell.md:3:14: error: expected text, got true/false: quote it: \"off\"",
    ]
    assert problems(tmp_path, {OBJ: grow.replace("period:", "owner: No\nperiod:"), "content/objectives/sell.md": grow}) \
        == ["content/objectives/grow.md:3:8: error: expected text, got true/false: quote it: owner: \"No\""]  # not a list


def test_a_quote_left_open_is_told_to_be_closed(tmp_path: Path) -> None:
    assert problems(tmp_path, {OBJ: '---\ntitle: "Grow\nperiod: 2026-Q2\n---\n'}) == [
        "content/objectives/grow.md:2:8: error: invalid YAML: found unexpected end of stream (while scanning a quoted "
        "scalar that starts here); close the quote"]


def test_a_file_not_in_utf_8_is_told_to_be_saved_as_utf_8(tmp_path: Path) -> None:
    write(tmp_path, "okrsite.yaml", CONFIG)
    (tmp_path / "content/objectives").mkdir(parents=True)
    (tmp_path / OBJ).write_bytes("---\ntitle: Größe\nperiod: 2026-Q2\n---\n".encode("latin-1"))
    assert problems(tmp_path, {}) == [
        "content/objectives/grow.md:2:1: error: the file is not valid UTF-8 text; save it as UTF-8"]


# ---------- the hints' review: where a hint was wrong or cost too much ----------

def test_a_text_running_on_into_a_line_that_starts_with_a_url_is_no_glued_key(tmp_path: Path) -> None:
    """The line above a 'mapping values' error is taken for a `key:value` only when the error's line
    is a key alone: a wrapped title's URL line sent the user to the wrong line with the wrong advice."""
    project = ("---\ntitle: Blog\ntasks:\n  - title: Write the spec, see\n      https://wiki.example.com/spec\n"
               "  - title: Launch: phase 2\n---\n")
    assert problems(tmp_path, {OBJ: objective("  - {id: v, title: V, start: 0, target: 9}\n"),
                               "content/projects/blog.md": project}) == [
        "content/projects/blog.md:6:18: error: invalid YAML: mapping values are not allowed in this context; check "
        "this line's indentation against the lines above it, or quote a value that holds ': ' (text after a closing "
        "quote also ends up here)"]


@pytest.mark.parametrize("written, hint", [
    ("title: No, start: 1, target: 2}", "'title': expected text, got true/false: quote it: title: \"No\""),
    ("title: 10,000, start: 1, target: 2}",
     "unknown field '000' in a key result: in { … } a comma separates fields: quote a text that holds one "
     "(title: \"10,000\")"),
])
def test_a_quote_hint_in_braces_wrapped_over_lines_quotes_the_value_alone(tmp_path: Path, written: str,
                                                                          hint: str) -> None:
    """`title: "No, start: 1, target: 2}"` left the '{' unclosed; a title of 10,000 was told to write a number."""
    (line,) = problems(tmp_path, {OBJ: objective(f"  - {{id: b,\n     {written}\n")})
    assert line.split(": error: ", 1)[1] == hint


def test_a_number_split_at_two_commas_is_one_error_not_a_duplicate_key(tmp_path: Path) -> None:
    project = "---\ntitle: Blog\nbudget: {planned: 1,000,000, spent: 5,000, currency: USD}\n---\n"
    found = problems(tmp_path, {"content/projects/blog.md": project})
    assert [line.split(": error: ")[0] for line in found] == ["content/projects/blog.md:3:21",
                                                               "content/projects/blog.md:3:25",
                                                               "content/projects/blog.md:3:39"]
    assert all("duplicate" not in line and "a comma separates fields: write a number with a dot" in line
               for line in found)


def test_hints_read_the_file_once_however_many_lines_they_quote(tmp_path: Path, monkeypatch) -> None:
    """Each hint read and split the whole file again: 6,000 slips in one file took 33 s to check."""
    from okrsite.content import source

    reads = []
    written_text = source.written_text
    monkeypatch.setattr(source, "written_text", lambda path, label: lambda: reads.append(label) or written_text(
        path, label)())
    found = problems(tmp_path, {OBJ: objective("".join(f"  - {{id: k{n}, title: No, start: 0, target: 1}}\n"
                                                       for n in range(5)))})
    assert len(found) == 5 and all('quote it: title: "No"' in line for line in found)
    assert reads == [OBJ]


def test_checkin_beside_an_error_the_file_had_says_so_with_a_hint(tmp_path: Path, capsys) -> None:
    """The edited file's errors had no hints where the file's own did, so an error the file already
    had was taken for the check-in's."""
    write(tmp_path, "okrsite.yaml", CONFIG)
    write(tmp_path, OBJ, objective("  - id: views\n    title: Views\n    start: 1\n    target: 100\n").replace(
        "period:", "owner: No\nperiod:"))
    assert main(["checkin", "grow/views", "30", "--config", str(tmp_path / "okrsite.yaml")]) == 1
    err = capsys.readouterr().err
    assert 'content/objectives/grow.md:3:8: error: expected text, got true/false: quote it: owner: "No"' in err
    assert "has errors already: fix them first" in err and "would not load with this change" not in err
