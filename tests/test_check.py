"""`okrsite check`: the build's own loading and checks, with nothing rendered or written;
and the pre-commit hook that runs it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from okrsite.commands.cli import main, make_parser
from okrsite.model.checks import RULE_IDS
from tests.conftest import REPO, write


def test_check_passes_on_the_demo_and_writes_nothing(demo_site: Path, capsys) -> None:
    before = sorted(p.relative_to(demo_site) for p in demo_site.rglob("*"))
    assert main(["check", "--config", str(demo_site / "okrsite.yaml")]) == 0
    out = capsys.readouterr()
    counts = [len(list((demo_site / "content" / kind).rglob("*.md"))) for kind in ("objectives", "projects", "pages")]
    expected = "checked {} objectives, {} projects and {} pages in ".format(*counts)
    findings = [line for line in out.err.splitlines() if ": warning: " in line]
    assert findings and all(line.endswith("]") for line in findings)  # the demo shows what the rules find
    assert out.out.startswith(expected) and out.out.endswith(f" s: no errors, {len(findings)} warnings\n")
    assert sorted(p.relative_to(demo_site) for p in demo_site.rglob("*")) == before


def test_check_after_a_build_reports_the_same_findings_at_the_same_lines(demo_site: Path, capsys) -> None:
    """After a build, check takes the documents (and where their values stand) from its cache."""
    config = str(demo_site / "okrsite.yaml")
    with (demo_site / "okrsite.yaml").open("a") as settings:  # every rule: findings in most files
        settings.write("checks:\n" + "".join(f"  {rule}: warning\n" for rule in RULE_IDS))
    assert main(["check", "--config", config]) == 0
    fresh = capsys.readouterr().err
    assert main(["build", "--quiet", "--config", config]) == 0
    assert (demo_site / ".okrsite-cache/documents.json").is_file()
    assert main(["check", "--config", config]) == 0
    assert capsys.readouterr().err == fresh and len(fresh.splitlines()) >= 20


def test_check_reports_content_errors_like_build(small_site: Path, capsys) -> None:
    write(small_site, "content/objectives/grow.md", "---\ntitle: Grow\nperiod: 2026-Q9\n---\n")
    config = str(small_site / "okrsite.yaml")
    assert main(["check", "--config", config]) == 1
    check_err = capsys.readouterr().err
    assert main(["build", "--config", config]) == 1
    build_err = capsys.readouterr().err
    problems = [line for line in check_err.splitlines() if ": error: " in line]
    assert problems and problems == [line for line in build_err.splitlines() if ": error: " in line]
    assert check_err.splitlines()[-1].startswith("okrsite: check failed: ")
    assert not (small_site / "output").exists()


def test_check_compiles_a_site_theme_s_templates_as_the_build_does(small_site: Path, capsys) -> None:
    """A template that does not compile passed `okrsite check` (and the pre-commit hook, which runs it
    on a commit that touches themes/) and failed the build; it is reported by both, at its line, and
    by the check beside a content error. The built-in theme's templates are okrsite's: not compiled."""
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: mine\n", encoding="utf-8")
    write(small_site, "themes/mine/templates/dashboard.html",
          '{% extends "base.html" %}\n{% block main %}{{ foo( }}{% endblock %}\n')
    write(small_site, "content/objectives/grow.md", "---\ntitle: Grow\nperiod: 2026-Q9\n---\n")
    template = "themes/mine/templates/dashboard.html:2:1: error: template error: unexpected '}', expected ')'"
    assert main(["check", "--quiet", "--config", str(config)]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "content/objectives/grow.md:3:9: error: unknown period '2026-Q9': use 2026-Q1, 2026-H1, 2026 or an id from "
        "'periods' in okrsite.yaml", template]  # (the build stops at the content, and shows the template next)
    write(small_site, "content/objectives/grow.md", "---\ntitle: Grow\nperiod: 2026-Q2\n---\n")
    for command in ("check", "build"):
        assert main([command, "--quiet", "--config", str(config)]) == 1
        assert capsys.readouterr().err.splitlines()[0] == template
    write(small_site, "themes/mine/templates/dashboard.html", '{% extends "base.html" %}\n')
    assert main(["check", "--quiet", "--config", str(config)]) == 0


def test_while_a_file_has_errors_the_rules_findings_wait(demo_site: Path, capsys) -> None:
    """A duplicate key (the file still loads) put every rule finding of that file at 1:1; a tab in
    one file let the rules run on the others. While any file has errors, those are what a check
    says; the findings come back, at their lines, once the errors are fixed."""
    config = str(demo_site / "okrsite.yaml")
    assert main(["check", "--config", config]) == 0
    findings = [line for line in capsys.readouterr().err.splitlines() if ": warning: " in line]
    assert findings
    objective = demo_site / "content/objectives/2026-Q2/engineering-faster-queries.md"
    text = objective.read_text()
    for broken in (text.replace("\nowner: Tom Becker", "\nowner: Tom\nowner: Tom Becker", 1),  # a duplicate key
                   text.replace("\nkey_results:", "\n\tkey_results:", 1)):  # a tab: the file does not load
        objective.write_text(broken)
        assert main(["check", "--config", config]) == 1
        said = capsys.readouterr().err.splitlines()
        assert [line for line in said if ": warning: " in line and line.endswith("]")] == []
        assert any(line.startswith("content/objectives/2026-Q2/engineering-faster-queries.md:") and ": error: " in line
                   for line in said)
    objective.write_text(text)
    assert main(["check", "--config", config]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if ": warning: " in line] == findings


def test_strict_check_fails_on_warnings_and_quiet_prints_only_errors(small_site: Path, capsys) -> None:
    write(small_site, "content/projects/idle.md", "---\ntitle: Idle\n---\n")
    config = str(small_site / "okrsite.yaml")
    assert main(["check", "--config", config]) == 0
    assert "warning: project 'idle' supports no objective" in capsys.readouterr().err
    assert main(["check", "--quiet", "--config", config]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["check", "--strict", "--quiet", "--config", config]) == 1
    assert "2 warning(s) (--strict)" in capsys.readouterr().err  # and the small site's KR was never updated


def test_check_without_a_configuration_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["check", "--config", str(tmp_path / "okrsite.yaml")]) == 2
    assert "no site configuration" in capsys.readouterr().err


def test_the_pre_commit_hook_runs_a_quiet_check_on_content_changes_that_only_errors_fail() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "okrsite-check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    program, *args = shlex.split(hook["entry"])
    assert program == "okrsite"
    parsed = make_parser().parse_args(args)
    # Not --strict: a key result that went stale since must not block an unrelated commit.
    assert parsed.command == "check" and not parsed.strict and parsed.quiet
    files = re.compile(hook["files"])
    for path in ("content/objectives/a.md", "okrsite.yaml", "themes/acme/templates/base.html"):
        assert files.search(path), path
    for path in ("README.md", "output/index.html", "okrsite.yaml.bak"):
        assert not files.search(path), path
