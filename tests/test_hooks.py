"""`okrsite hook`: a post-commit hook in a real git repository rebuilds (and publishes) the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrsite.commands import hooks
from okrsite.commands.cli import main
from tests.conftest import MINIMAL_CONFIG, MINIMAL_OBJECTIVE, write

BROKEN_OBJECTIVE = """
---
title: Grow
period: 2026-Q1
key_results:
  - title: Views
    start: 100
    target: 100
---
"""


pytestmark = pytest.mark.usefixtures("isolated_git")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stdout}{result.stderr}"
    return result


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "-A")
    return git(repo, "commit", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a small site (output ignored), with one commit."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    write(root, "okrsite.yaml", MINIMAL_CONFIG)
    write(root, "content/objectives/grow.md", MINIMAL_OBJECTIVE)
    write(root, ".gitignore", "/output/\n/.okrsite-cache/\n/published.flag\n")
    commit(root, "A site")
    return root


def install(config: Path) -> None:
    assert main(["hook", "install", "--config", str(config)]) == 0


def hook_file(repo: Path) -> Path:
    return repo / ".git" / "hooks" / "post-commit"


def test_a_commit_rebuilds_the_site(repo: Path, capsys) -> None:
    install(repo / "okrsite.yaml")
    assert "created: " in capsys.readouterr().out
    assert not (repo / "output").exists()
    write(repo, "content/objectives/grow.md", MINIMAL_OBJECTIVE.replace("title: Grow", "title: Grow faster"))
    result = commit(repo, "Rename the objective")
    assert "okrsite hook: built " in result.stderr  # git shows hook output on stderr
    assert "Grow faster" in (repo / "output/objectives/grow/index.html").read_text()


def test_the_hook_uses_the_python_that_installed_it(repo: Path) -> None:
    install(repo / "okrsite.yaml")
    text = hook_file(repo).read_text()
    assert text.startswith("#!/bin/sh\n")
    assert f"{Path(sys.executable).as_posix()} -P -m okrsite hook run --config okrsite.yaml" in text
    assert os.access(hook_file(repo), os.X_OK)


def test_the_hook_imports_nothing_committed_at_the_top_of_the_repository(repo: Path) -> None:
    """Git runs the hook there, and `python -m` put that folder first on the module path: a committed
    yaml.py (or okrsite/) ran on every commit, with the committer's rights."""
    install(repo / "okrsite.yaml")
    for module in ("yaml.py", "okrsite/__init__.py", "okrsite/__main__.py"):
        write(repo, module, f"open({str(repo / 'ran')!r}, 'a').write({module!r})\n")
    write(repo, "content/objectives/grow.md", MINIMAL_OBJECTIVE.replace("title: Grow", "title: Grow faster"))
    result = commit(repo, "Code beside the content")
    assert not (repo / "ran").exists() and "Traceback" not in result.stderr, result.stderr
    assert "Grow faster" in (repo / "output/objectives/grow/index.html").read_text()


def test_a_failing_build_does_not_break_the_commit(repo: Path) -> None:
    install(repo / "okrsite.yaml")
    commit(repo, "First build")
    before = (repo / "output/index.html").read_bytes()
    write(repo, "content/objectives/grow.md", BROKEN_OBJECTIVE)
    result = commit(repo, "Break the content")  # commit() asserts git exited 0
    assert "content/objectives/grow.md:7:13: error:" in result.stderr
    assert "the site was NOT rebuilt" in result.stderr and "your commit is kept" in result.stderr
    assert git(repo, "log", "-1", "--format=%s").stdout.strip() == "Break the content"
    assert (repo / "output/index.html").read_bytes() == before  # the last good site stays


def test_publish_runs_only_after_a_successful_build(repo: Path) -> None:
    write(repo, "okrsite.yaml", MINIMAL_CONFIG + 'publish: echo "$OKRSITE_OUTPUT" > published.flag\n')
    install(repo / "okrsite.yaml")
    write(repo, "content/objectives/grow.md", BROKEN_OBJECTIVE)
    commit(repo, "Broken")
    assert not (repo / "published.flag").exists()
    write(repo, "content/objectives/grow.md", MINIMAL_OBJECTIVE)
    result = commit(repo, "Fixed")
    assert "okrsite hook: publishing: " in result.stderr
    assert (repo / "published.flag").read_text().strip() == str((repo / "output").resolve())


def test_a_failing_publish_command_is_reported_and_the_commit_kept(repo: Path) -> None:
    write(repo, "okrsite.yaml", MINIMAL_CONFIG + "publish: exit 3\n")
    install(repo / "okrsite.yaml")
    result = commit(repo, "Publish fails")
    assert "the publish command failed (exit 3)" in result.stderr
    assert (repo / "output/index.html").is_file()


def test_installing_twice_updates_the_block_in_place(repo: Path, capsys) -> None:
    install(repo / "okrsite.yaml")
    first = hook_file(repo).read_text()
    install(repo / "okrsite.yaml")
    assert "updated: " in capsys.readouterr().out
    assert hook_file(repo).read_text() == first


def test_uninstall_removes_a_hook_that_only_okrsite_wrote(repo: Path, capsys) -> None:
    install(repo / "okrsite.yaml")
    assert main(["hook", "uninstall", "--config", str(repo / "okrsite.yaml")]) == 0
    assert not hook_file(repo).exists()
    assert main(["hook", "uninstall", "--config", str(repo / "okrsite.yaml")]) == 0
    assert "nothing to remove" in capsys.readouterr().out


EXISTING_HOOK = "#!/usr/bin/env bash\n# someone else's hook\necho theirs >> theirs.log\nexit 0\n"


def test_an_existing_hook_is_kept_and_both_run(repo: Path, capsys) -> None:
    hook_file(repo).parent.mkdir(parents=True, exist_ok=True)
    hook_file(repo).write_text(EXISTING_HOOK)
    hook_file(repo).chmod(0o755)
    install(repo / "okrsite.yaml")
    assert "added to the existing hook" in capsys.readouterr().out
    text = hook_file(repo).read_text()
    assert text.startswith("#!/usr/bin/env bash\n" + hooks.BEGIN)  # before their `exit 0`
    commit(repo, "Both hooks")
    assert (repo / "theirs.log").read_text() == "theirs\n"
    assert (repo / "output/index.html").is_file()


def test_uninstall_removes_only_what_it_installed(repo: Path) -> None:
    hook_file(repo).parent.mkdir(parents=True, exist_ok=True)
    hook_file(repo).write_text(EXISTING_HOOK)
    hook_file(repo).chmod(0o755)
    install(repo / "okrsite.yaml")
    assert main(["hook", "uninstall", "--config", str(repo / "okrsite.yaml")]) == 0
    assert hook_file(repo).read_text() == EXISTING_HOOK
    assert os.access(hook_file(repo), os.X_OK)


def test_a_hook_that_is_not_a_shell_script_is_left_alone(repo: Path, capsys) -> None:
    hook_file(repo).parent.mkdir(parents=True, exist_ok=True)
    hook_file(repo).write_text("#!/usr/bin/env python3\nprint('theirs')\n")
    hook_file(repo).chmod(0o755)
    assert main(["hook", "install", "--config", str(repo / "okrsite.yaml")]) == 2
    err = capsys.readouterr().err
    assert "is not a shell script" in err and "-m okrsite hook run --config okrsite.yaml" in err
    assert hook_file(repo).read_text() == "#!/usr/bin/env python3\nprint('theirs')\n"


def test_the_hook_respects_core_hooks_path_and_a_site_in_a_subfolder(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "core.hooksPath", "shared-hooks")
    write(root, "okrs/okrsite.yaml", MINIMAL_CONFIG)
    write(root, "okrs/content/objectives/grow.md", MINIMAL_OBJECTIVE)
    write(root, ".gitignore", "output/\n.okrsite-cache/\n")
    install(root / "okrs/okrsite.yaml")
    assert "--config okrs/okrsite.yaml" in (root / "shared-hooks/post-commit").read_text()
    assert not hook_file(root).exists()
    commit(root, "A site in a subfolder")
    assert (root / "okrs/output/index.html").is_file()


def test_install_outside_a_git_repository_is_a_usage_error(small_site: Path, capsys) -> None:
    assert main(["hook", "install", "--config", str(small_site / "okrsite.yaml")]) == 2
    assert "is not in a git repository" in capsys.readouterr().err


def test_install_without_a_site_configuration_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["hook", "install", "--config", str(tmp_path / "okrsite.yaml")]) == 2
    assert "no site configuration" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["install", "uninstall"])
def test_a_hook_that_cannot_be_written_is_a_usage_error_not_a_traceback(repo: Path, capsys, action: str) -> None:
    """core.hooksPath under a file, or a post-commit that is a folder: NotADirectoryError and
    IsADirectoryError ended in tracebacks."""
    write(repo, "notadir", "a file\n")
    git(repo, "config", "core.hooksPath", "notadir/hooks")
    assert main(["hook", "install", "--config", str(repo / "okrsite.yaml")]) == 2
    assert capsys.readouterr().err.startswith(
        f"okrsite: error: cannot change the hook {repo / 'notadir'}/hooks: Not a directory")
    git(repo, "config", "--unset", "core.hooksPath")
    (repo / ".git/hooks/post-commit").mkdir(parents=True)
    (repo / ".git/hooks/post-commit/x").write_text("x")
    assert main(["hook", action, "--config", str(repo / "okrsite.yaml")]) == (2 if action == "install" else 0)
    err = capsys.readouterr().err
    assert err == (f"okrsite: error: cannot change the hook {repo / '.git/hooks/post-commit'}: Is a directory\n"
                   if action == "install" else "")


def test_install_where_git_refuses_the_repository_says_what_git_said(repo: Path, capsys) -> None:
    """A repository git will not work in (another user's, "dubious ownership"; one of a format
    this git does not know, as here) was said to be no repository at all, with "run 'git init'
    there first"."""
    git(repo, "config", "core.repositoryformatversion", "99")
    assert main(["hook", "install", "--config", str(repo / "okrsite.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"okrsite: error: git cannot tell where the hooks of {repo} go: fatal: ") and \
        "repo version" in err and "git init" not in err, err
