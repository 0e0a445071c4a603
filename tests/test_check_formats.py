"""`okrsite check --format json|github|sarif`: the same diagnostics on standard output for other
tools, the summary on standard error; the SARIF log valid against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from okrsite.commands.cli import main
from okrsite.content.config import CheckSettings
from okrsite.content.options import options_of
from tests.conftest import REPO
from tests.test_check_rules import GROW, site

SCHEMA = REPO / "tests/data/sarif-schema-2.1.0.json"
# A project supporting nothing (a check rule) in a file whose name needs escaping, and a field a
# metric key result ignores (a warning of loading, with no rule).
FILES = {"content/projects/wiki, old 100%.md": "---\ntitle: Wiki\nstatus: active\n---\n",
         "content/objectives/grow.md": GROW.replace("    start: 100\n", "    start: 100\n    done: true\n")}


def run(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--config", str(root / "okrsite.yaml"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_every_diagnostic_with_its_rule_or_null(tmp_path: Path, capsys) -> None:
    code, out, err = run(site(tmp_path, FILES), capsys, "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"path": "content/objectives/grow.md", "line": 9, "col": 5, "severity": "warning", "rule": None,
         "message": "'done' is ignored on a metric key result"},
        {"path": "content/projects/wiki, old 100%.md", "line": 2, "col": 1, "severity": "warning",
         "rule": "unaligned-project", "message": "project 'wiki-old-100' supports no objective or key result"}]
    assert err.startswith("checked 1 objective, 2 projects") and err.endswith("no errors, 2 warnings\n")


def test_github_prints_workflow_annotations_with_escaped_values(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    code, out, _ = run(site(tmp_path, FILES), capsys, "--format", "github")
    assert code == 0
    assert out.splitlines() == [
        "::warning file=content/objectives/grow.md,line=9,col=5::'done' is ignored on a metric key result",
        "::warning file=content/projects/wiki%2C old 100%25.md,line=2,col=1,title=unaligned-project::project "
        "'wiki-old-100' supports no objective or key result"]


def test_errors_are_reported_in_the_format_asked_for_and_fail(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {"content/projects/blog.md": "---\ntitle: Blog\nstatus: activ\n---\n"},
                "checks:\n  stale-kr: error\n")
    code, out, err = run(root, capsys, "--format", "json", "--quiet")
    assert code == 1
    assert [(d["line"], d["severity"], d["rule"]) for d in json.loads(out)] == [(3, "error", None)]
    assert err == "okrsite: check failed: 1 error(s)\n"  # the findings are on standard output only


def sarif(root: Path, capsys, monkeypatch, workspace: Path | None = None) -> dict:
    if workspace is None:
        monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    else:
        monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    code, out, _ = run(root, capsys, "--format", "sarif", "--quiet")
    assert code == 0
    return json.loads(out)


def test_sarif_is_valid_against_the_official_schema(tmp_path: Path, capsys, monkeypatch) -> None:
    log = sarif(site(tmp_path, FILES), capsys, monkeypatch)
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(log)] == []
    assert validator.is_valid({**log, "version": "2.0.0"}) is False  # the schema does check


def test_sarif_lists_every_rule_and_a_result_per_diagnostic(tmp_path: Path, capsys, monkeypatch) -> None:
    [run_] = sarif(site(tmp_path, FILES), capsys, monkeypatch)["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [name for name, _, _ in options_of(CheckSettings)] + ["content"]
    stale = next(rule for rule in rules if rule["id"] == "stale-kr")
    assert stale["defaultConfiguration"] == {"level": "warning"}
    assert next(rule for rule in rules if rule["id"] == "no-owner")["defaultConfiguration"] == {"level": "none"}
    results = [(r["ruleId"], rules[r["ruleIndex"]]["id"], r["level"], r["message"]["text"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]) for r in run_["results"]]
    assert results == [
        ("content", "content", "warning", "'done' is ignored on a metric key result", "content/objectives/grow.md",
         {"startLine": 9, "startColumn": 5}),
        ("unaligned-project", "unaligned-project", "warning",
         "project 'wiki-old-100' supports no objective or key result", "content/projects/wiki%2C%20old%20100%25.md",
         {"startLine": 2, "startColumn": 1})]


@pytest.mark.parametrize(("workspace", "uri"), [
    ("parent", "site/content/objectives/grow.md"),  # the site in a subfolder of the repository
    ("elsewhere", "content/objectives/grow.md"),  # not inside it: as the diagnostics say
])
def test_sarif_and_annotation_paths_start_at_the_repository_in_github_actions(tmp_path: Path, capsys, monkeypatch,
                                                                             workspace: str, uri: str) -> None:
    root = site(tmp_path / "site", {"content/objectives/grow.md": FILES["content/objectives/grow.md"]})
    where = tmp_path if workspace == "parent" else tmp_path / "elsewhere"
    [run_] = sarif(root, capsys, monkeypatch, where)["runs"]
    assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    _, out, _ = run(root, capsys, "--format", "github")
    assert out.startswith(f"::warning file={uri},line=9,col=5::")
