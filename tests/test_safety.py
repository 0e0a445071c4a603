"""Nothing breaks out, nothing half-written (issue 13): ids that become paths, links that
lead out of the site, writes that fail half-way, input at the limits. Each test builds a
small site in tmp_path and checks what a user would: the exit code, the error line, the
files on disk.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from okrsite.build import output
from okrsite.build.builder import BuildOptions, build as okrsite_build
from okrsite.build.output import UnsafeOutput, write_site
from okrsite.commands.cli import main
from okrsite.filesystem.realpaths import is_inside, leads_inside
from okrsite.content.config import default_as_of, unusable_epoch
from tests.conftest import MINIMAL_CONFIG, MINIMAL_OBJECTIVE, REPO, write
from tests.gitrepo import commit, git, init

CONFIG = MINIMAL_CONFIG.lstrip("\n")
GROW = MINIMAL_OBJECTIVE  # line 10 is its KR's `current: 150`
OBJ = "content/objectives/grow.md"
LINE = re.compile(r"^[^:/\s][^:]*:\d+:\d+: (error|warning): \S.*$")


def make_site(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    write(root, "okrsite.yaml", config)
    for rel, text in files.items():
        write(root, rel, text)
    return root


def tree(folder: Path) -> dict[str, tuple[str, bytes | str | None]]:
    """Every entry below `folder`, links not followed: kind and bytes (or link target)."""
    result: dict[str, tuple[str, bytes | str | None]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                result[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                result[rel] = ("dir", None)
            elif path.is_file():
                result[rel] = ("file", path.read_bytes())
            else:
                result[rel] = ("other", None)
    return result


@pytest.fixture
def build(monkeypatch, capsys):
    """`okrsite ARGS` in-process from a folder: (exit code, stderr lines)."""

    def run(cwd: Path, *args: str) -> tuple[int, list[str]]:
        monkeypatch.chdir(cwd)
        code = main(list(args or ("build", "--jobs", "1")))
        return code, capsys.readouterr().err.splitlines()

    return run


def diagnostics(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("okrsite: ")]


# --- ids that become paths ---------------------------------------------------

def test_a_period_id_that_is_a_path_is_an_error_and_nothing_is_written_outside(tmp_path: Path, build) -> None:
    config = CONFIG + "periods:\n  - {id: ../../../../tmp/x, start: 2026-01-01, end: 2026-03-31}\n"
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("2026-Q1", "../../../../tmp/x")}, config)
    before = tree(tmp_path)
    for command in ("check", "build"):
        code, lines = build(root, command)
        assert code == 1 and diagnostics(lines) == [
            "okrsite.yaml:4:10: error: 'id': expected a period id of letters, digits, '-' and '_' "
            "(such as 2026-Q1), got '../../../../tmp/x'"]
    write(root, "okrsite.yaml", CONFIG)
    code, lines = build(root)
    assert code == 1 and diagnostics(lines) == [
        f"{OBJ}:3:9: error: 'period': expected a period id of letters, digits, '-' and '_' (such as 2026-Q1), "
        "got '../../../../tmp/x'"]
    write(root, "okrsite.yaml", config)
    assert tree(tmp_path) == before


def test_custom_period_ids_may_use_upper_case_like_the_built_in_ones(tmp_path: Path, build) -> None:
    config = CONFIG + "periods:\n  - {id: Sprint_7, start: 2026-01-01, end: 2026-03-31}\n"
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("2026-Q1", "Sprint_7")}, config)
    code, lines = build(root)
    assert code == 0 and diagnostics(lines) == []
    assert (root / "output/periods/Sprint_7/index.html").is_file()


def test_period_ids_that_differ_only_in_case_are_one_folder_and_an_error(tmp_path: Path, build) -> None:
    config = CONFIG + ("periods:\n  - {id: sprint, start: 2026-01-01, end: 2026-01-31}\n"
                       "  - {id: Sprint, start: 2026-02-01, end: 2026-02-28}\n")
    root = make_site(tmp_path / "site", {OBJ: GROW}, config)
    code, lines = build(root)
    assert code == 1
    assert "okrsite.yaml:5:10: error: duplicate period id 'Sprint' (ids may not differ only in case)" in lines


def test_a_custom_period_id_that_is_a_built_in_one_in_other_case_is_an_error(tmp_path: Path, build) -> None:
    """`2026-q4` beside the built-in 2026-Q4 (the default period, or another objective's) wrote
    periods/2026-q4/ and periods/2026-Q4/: one folder on macOS and Windows."""
    config = CONFIG + "periods:\n  - {id: 2026-q1, start: 2026-01-05, end: 2026-03-27}\n"
    root = make_site(tmp_path / "site", {OBJ: GROW}, config)
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == [
        "okrsite.yaml:4:10: error: period id '2026-q1' differs from the built-in period 2026-Q1 only in case (their "
        "folders would be one on macOS and Windows): write 2026-Q1 to redefine that period, or choose another id"]


def test_an_id_longer_than_100_characters_is_an_error_at_its_line(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("title: Grow", "id: " + "a" * 101 + "\ntitle: Grow")})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == [f"{OBJ}:2:5: error: 'id': an id may have at most 100 characters, got 101 "
                                  "('aaaaaaaaaaaaaaaaaaaa'...)"]


def test_a_file_name_too_long_for_an_id_is_an_error_at_the_file(tmp_path: Path, build) -> None:
    name = "b" * 120
    root = make_site(tmp_path / "site", {f"content/objectives/{name}.md": GROW})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == [f"content/objectives/{name}.md:2:1: error: the file name makes the id, and an "
                                  f"id may have at most 100 characters, got 120 ('bbbbbbbbbbbbbbbbbbbb'...): "
                                  "shorten the name or set 'id'"]


def test_a_team_name_too_long_for_a_folder_is_an_error_at_its_line(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("team: marketing", "team: " + "Sales " * 30)})
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    assert line.startswith(f"{OBJ}:4:7: error: 'team': the team's name makes its id, and an id may have at most 100")


def test_a_free_page_whose_path_is_too_long_for_a_folder_is_an_error(tmp_path: Path, build) -> None:
    name = "c" * 101
    root = make_site(tmp_path / "site", {OBJ: GROW, f"content/pages/{name}.md": "---\ntitle: Long\n---\n"})
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    assert line.startswith(f"content/pages/{name}.md:2:1: error: the file's path makes the page's URL, and an id "
                           "may have at most 100 characters")


@pytest.mark.parametrize("path", ["content/pages/営業.md", "content/pages/営業/guide.md", "content/pages/_.md"])
def test_a_free_page_whose_path_has_nothing_a_url_can_take_is_an_error(tmp_path: Path, build, path: str) -> None:
    """It became pages/item/ without a word (and its folder pages/item/guide/)."""
    root = make_site(tmp_path / "site", {OBJ: GROW, path: "---\ntitle: Sales\n---\n"})
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    name = path.split("/")[2]
    assert line == (f"{path}:2:1: error: the file's path makes the page's URL, and '{name}' has no letter or digit "
                    "a URL can take (a-z, 0-9): rename it")


def test_two_free_pages_with_one_url_are_an_error(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/pages/How We Work.md": "---\ntitle: A\n---\n",
                                         "content/pages/how-we-work.md": "---\ntitle: B\n---\n"})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == ["content/pages/how-we-work.md:2:1: error: this page's URL pages/how-we-work/ is "
                                  "also the URL of content/pages/How We Work.md: rename one of them"]


# --- the writer's own guard ----------------------------------------------------

def previous_output(folder: Path) -> dict[str, tuple[str, bytes | str | None]]:
    write_site({"index.html": b"old home", "objectives/grow/index.html": b"old grow", "a/b/c.txt": b"c"}, folder)
    return tree(folder)


@pytest.mark.parametrize("rel", [
    "../escaped.html", "/tmp/escaped.html", "objectives/../../escaped.html", "a\\..\\..\\escaped.html",
    "a\0b", "a//b.html", "", ".", "a/./b.html", "a/", "C:/escaped.html", "x" * 256, "bad-\ud800.html",
])
def test_the_writer_refuses_any_path_that_could_leave_its_folder(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out"
    before = previous_output(out)
    outside = tree(tmp_path)
    with pytest.raises(UnsafeOutput, match="refusing to write"):
        write_site({"index.html": b"new", rel: b"escaped"}, out)
    assert tree(out) == before and tree(tmp_path) == outside


@pytest.mark.parametrize("pages", [40, 2])
def test_the_writer_never_writes_through_a_folder_of_the_output_that_links_outside(tmp_path: Path,
                                                                                  pages: int) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    files = many_files(pages)
    write_site(files, out)
    elsewhere.mkdir()
    (out / "objectives/linked").symlink_to(elsewhere)  # someone changed the output by hand
    files["objectives/linked/index.html"] = b"through the link"
    before = tree(out)
    # 40 pages: a few files change, written in place; 2 pages: a new folder is staged
    with pytest.raises(UnsafeOutput, match="'objectives/linked': it leads out of the output folder"):
        write_site(files, out)
    assert list(elsewhere.iterdir()) == [] and tree(out) == before


def test_a_kept_file_is_never_linked_from_a_folder_that_leads_outside(tmp_path: Path) -> None:
    """A whole new folder is staged (every page changed): kept files are linked from the old
    output, so one whose folder links outside must stop the write, not bring the outside file in."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write_site(many_files(4), out)
    elsewhere.mkdir()
    (elsewhere / "index.html").write_bytes(b"secret")
    (out / "objectives/linked").symlink_to(elsewhere)
    files: dict[str, bytes | output.Kept] = {rel: b"changed " + data for rel, data in many_files(4).items()}
    files["objectives/linked/index.html"] = output.KEPT
    before = tree(out)
    with pytest.raises(UnsafeOutput, match="'objectives/linked': it leads out of the output folder"):
        write_site(files, out)
    assert tree(out) == before


# --- all or nothing ------------------------------------------------------------

def fail_after(count: int, monkeypatch: pytest.MonkeyPatch, name: str = "_write_file") -> None:
    """Make output's `name` raise ENOSPC once it has been called `count` times."""
    real = getattr(output, name)
    calls = iter(range(10 ** 6))

    def failing(*args):
        if next(calls) >= count:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[0]))
        return real(*args)

    monkeypatch.setattr(output, name, failing)


def many_files(n: int) -> dict[str, bytes]:
    return {f"objectives/o{i}/index.html": f"new {i}".encode() for i in range(n)}


@pytest.mark.parametrize("after", [0, 1, 7, 30])
def test_a_full_swap_that_fails_part_way_leaves_the_previous_output_and_no_staging(
        tmp_path: Path, monkeypatch, after: int) -> None:
    out = tmp_path / "out"
    before = previous_output(out)
    fail_after(after, monkeypatch)
    with pytest.raises(OSError) as failure:
        write_site(many_files(40), out)  # most of the site changes: a whole new folder is staged
    assert failure.value.errno == errno.ENOSPC
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("after", [0, 1, 2])
def test_a_few_files_swap_that_fails_part_way_leaves_the_previous_output_and_no_staging(
        tmp_path: Path, monkeypatch, after: int) -> None:
    out = tmp_path / "out"
    files = {**many_files(40), "index.html": b"old home"}
    write_site(files, out)
    before = tree(out)
    fail_after(after, monkeypatch)
    changed = {**files, "index.html": b"new home", "objectives/o1/index.html": b"new",
               "objectives/new/index.html": b"new", "pages/x/index.html": b"new"}
    del changed["objectives/o2/index.html"]
    with pytest.raises(OSError):
        write_site(changed, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("after", [0, 1, 2, 3])
def test_a_rename_that_fails_while_swapping_a_few_files_is_undone(tmp_path: Path, monkeypatch, after: int) -> None:
    out = tmp_path / "out"
    files = {**many_files(40), "index.html": b"old home"}
    write_site(files, out)
    before = tree(out)
    real = os.replace
    calls = iter(range(10 ** 6))

    def replace(source, target):  # the undo's own renames (after the failure) go through
        if next(calls) == after:
            raise OSError(errno.EIO, "I/O error", str(target))
        return real(source, target)

    monkeypatch.setattr(output.os, "replace", replace)
    changed = {**files, "index.html": b"new home", "objectives/new/index.html": b"new"}
    del changed["objectives/o2/index.html"]
    with pytest.raises(OSError):
        write_site(changed, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_full_swap_whose_last_rename_fails_puts_the_previous_output_back(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    before = previous_output(out)
    real = os.replace
    failed = []

    def replace(source, target):  # the first rename onto the output fails; putting it back works
        if Path(target) == out.resolve() and not failed:
            failed.append(target)
            raise OSError(errno.EXDEV, "cross-device link", str(target))
        return real(source, target)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(OSError):
        write_site(many_files(40), out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_build_whose_write_fails_keeps_the_output_and_says_so_in_the_contract_form(
        tmp_path: Path, monkeypatch, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    assert build(root)[0] == 0
    before = tree(root / "output")
    write(root, OBJ, GROW.replace("current: 150", "current: 170"))
    write(root, "okrsite.yaml", CONFIG.replace("2026-02-15", "2026-02-20"))  # every page changes
    fail_after(3, monkeypatch)
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    assert LINE.match(line) and line.startswith("okrsite.yaml:1:1: error: cannot write the output folder (")
    assert line.endswith(": No space left on device")
    assert lines[-1] == "okrsite: build failed: 1 error(s); the previous output was left as it was"
    assert tree(root / "output") == before
    assert sorted(p.name for p in root.iterdir()) == [".okrsite-cache", "content", "okrsite.yaml", "output"]


# --- links and special files -----------------------------------------------------

@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the site, as /etc/passwd would be."""
    return write(tmp_path, "secret/passwd", "root:x:0:0:SECRET-LINE\n")


def leaked(folder: Path) -> bool:
    """Whether any file below the folder holds the secret's line (or a theme's words standing for it)."""
    return any(b"SECRET-LINE" in path.read_bytes() for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("command", ["build", "check"])
def test_an_okrsite_yaml_that_links_outside_the_site_is_not_read_nor_quoted(tmp_path: Path, secret: Path, build,
                                                                           capsys, command: str) -> None:
    """okrsite.yaml committed as a link to a file of the machine (a CI runner's ~/.npmrc) was read,
    its folder taken for the site's, and its first line quoted in an error: into a public CI log."""
    root = make_site(tmp_path / "site", {OBJ: GROW})
    (root / "okrsite.yaml").unlink()
    (root / "okrsite.yaml").symlink_to(secret)
    code, lines = build(root, command)
    assert code == 1
    assert diagnostics(lines) == ["okrsite.yaml:1:1: error: okrsite.yaml is a symbolic link that leads outside the "
                                  "site folder, or to a hidden file in it: not read (make it a file of its own)"]
    assert "SECRET" not in "\n".join(lines) + capsys.readouterr().out
    assert not (root / "output").exists()


def test_an_okrsite_yaml_that_links_to_a_file_in_the_site_is_read_there(tmp_path: Path, build) -> None:
    """A link to another configuration in the site (okrsite.yaml -> configs/intranet.yaml) builds the
    site the link stands in."""
    root = make_site(tmp_path / "site", {OBJ: GROW, "configs/intranet.yaml": CONFIG})
    (root / "okrsite.yaml").unlink()
    (root / "okrsite.yaml").symlink_to("configs/intranet.yaml")
    code, lines = build(root)
    assert code == 0, lines
    assert (root / "output/index.html").is_file()


def test_a_link_under_assets_to_a_file_outside_the_site_is_not_published(tmp_path: Path, secret: Path,
                                                                          build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/assets/logo.txt": "logo\n"})
    (root / "content/assets/passwd").symlink_to(secret)
    (root / "content/assets/etc").symlink_to(secret.parent)
    code, lines = build(root)
    assert code == 0
    assert diagnostics(lines) == [
        "content/assets/etc:1:1: warning: a symbolic link that leads outside the site folder is not followed: skipped",
        "content/assets/passwd:1:1: warning: a symbolic link that leads outside the site folder is not followed: "
        "skipped"]
    assert sorted(p.name for p in (root / "output/assets").iterdir()) == ["logo.txt"]
    assert not leaked(root / "output")


def test_a_link_under_assets_to_git_the_cache_or_the_site_folder_is_not_published(tmp_path: Path, build) -> None:
    """Links inside the site are followed, but not to what a build never reads: `.git` (its config
    may hold a token), the cache, nor the whole site folder."""
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/assets/logo.txt": "logo\n",
                                         ".git/config": "[http]\n\textraheader = AUTHORIZATION: SECRET-LINE\n"})
    for name, target in (("gitconfig.txt", "../../.git/config"), ("gitdir", "../../.git"), ("site", "../.."),
                         ("cache", "../../.okrsite-cache")):
        (root / "content/assets" / name).symlink_to(target)
    (root / ".okrsite-cache").mkdir()
    code, lines = build(root)
    assert code == 0
    why = ("a symbolic link that leads to the site folder itself, to a hidden file or folder in it (.git, the "
           "cache) or into a built site (the output folder) is not followed: skipped")
    assert diagnostics(lines) == [f"content/assets/{name}:1:1: warning: {why}"
                                  for name in ("cache", "gitconfig.txt", "gitdir", "site")]
    assert sorted(p.name for p in (root / "output/assets").iterdir()) == ["logo.txt"]
    assert not leaked(root / "output")


@pytest.mark.parametrize("folder, target", [
    ("content/assets", "../.git"), ("content/assets", ".."), ("content/assets", "../.okrsite-cache"),
    ("themes/x/static", "../../.git")])
def test_an_assets_or_static_folder_that_is_a_link_to_git_the_cache_or_the_site_is_not_published(
        tmp_path: Path, build, folder: str, target: str) -> None:
    """Links inside assets/ to .git were refused, but assets/ itself as such a link published all of
    .git (its config holding a token), the whole site folder, or the cache; and a theme's static/."""
    root = make_site(tmp_path / "site", {OBJ: GROW, ".git/config": "[http]\n\textraheader = AUTHORIZATION: SECRET-LINE\n",
                                         ".okrsite-cache/note.txt": "SECRET-LINE\n"},
                     CONFIG + ("theme: x\n" if folder.startswith("themes/") else ""))
    (root / folder).parent.mkdir(parents=True, exist_ok=True)
    (root / folder).symlink_to(target)
    code, lines = build(root)
    assert code == 0
    assert f"{folder}:1:1: warning: a symbolic link that leads to the site folder itself, to a hidden file or " \
           "folder in it (.git, the cache) or into a built site (the output folder) is not followed: skipped" \
        in diagnostics(lines)
    assert not leaked(root / "output")


def test_a_link_into_the_output_folder_is_not_followed_so_a_build_never_copies_its_site_into_itself(
        tmp_path: Path, build) -> None:
    """content/assets/out -> output copied the built site into itself, one level deeper each build
    (401, 602, 802, 1002 files)."""
    root = make_site(tmp_path / "site", {OBJ: GROW})
    assert build(root)[0] == 0
    files = sorted(path.relative_to(root / "output") for path in (root / "output").rglob("*"))
    (root / "content/assets").mkdir()
    (root / "content/assets/out").symlink_to("../../output")
    for _ in range(2):
        code, lines = build(root)
        assert code == 0 and diagnostics(lines) == [
            "content/assets/out:1:1: warning: a symbolic link that leads to the site folder itself, to a hidden file "
            "or folder in it (.git, the cache) or into a built site (the output folder) is not followed: skipped"]
        assert sorted(path.relative_to(root / "output") for path in (root / "output").rglob("*")) == files


def test_a_theme_template_or_theme_folder_linking_outside_the_site_is_not_read(tmp_path: Path, secret: Path,
                                                                               build) -> None:
    """A theme's link to /etc/passwd as base.html published it, without a word; like any link
    leading outside the site it is skipped with a warning (the built-in theme's template is used),
    and so is a theme folder that is itself such a link."""
    root = make_site(tmp_path / "site", {OBJ: GROW}, CONFIG + "theme: x\n")
    (root / "themes/x/templates").mkdir(parents=True)
    (root / "themes/x/templates/base.html").symlink_to(secret)
    code, lines = build(root)
    assert code == 0
    assert diagnostics(lines) == ["themes/x/templates/base.html:1:1: warning: a symbolic link that leads outside the "
                                  "site folder is not followed: skipped"]
    assert not leaked(root / "output")
    assert "<!doctype html>" in (root / "output/index.html").read_text()

    outside = write(tmp_path, "elsewhere/templates/base.html", "SECRET-LINE {% block content %}{% endblock %}")
    shutil.rmtree(root / "themes/x")
    (root / "themes/x").symlink_to(outside.parent.parent)
    code, lines = build(root)
    assert code == 0
    assert "themes/x/templates:1:1: warning: a folder that leads outside the site folder is not read: skipped" in \
        diagnostics(lines)
    assert not leaked(root / "output")


def test_a_theme_catalog_linking_outside_the_site_is_not_read(tmp_path: Path, build) -> None:
    """A site theme's `messages.po` that is a link to a file outside the site was read, its words
    published on every page; it is skipped with a warning, and the built-in catalog speaks."""
    outside = write(tmp_path, "elsewhere/messages.po",
                    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                    'msgid "Dashboard"\nmsgstr "SECRET-LINE"\n')
    root = make_site(tmp_path / "site", {OBJ: GROW}, CONFIG + "theme: x\nlanguage: de\n")
    catalog = root / "themes/x/locale/de/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.symlink_to(outside)
    code, lines = build(root)
    assert code == 0
    assert diagnostics(lines) == ["themes/x/locale/de/LC_MESSAGES/messages.po:1:1: warning: a symbolic link that "
                                  "leads outside the site folder is not followed: skipped"]
    assert not leaked(root / "output")
    assert "Übersicht" in (root / "output/index.html").read_text()
    catalog.unlink()
    catalog.write_text(outside.read_text())  # the same words inside the site are the theme's own
    assert build(root)[0] == 0
    assert "SECRET-LINE" in (root / "output/index.html").read_text()


def test_links_added_or_changed_behind_after_a_build_are_noticed_by_the_next(tmp_path: Path, build) -> None:
    """The up-to-date check stamped a linked folder as one entry and skipped a link leading nowhere:
    a warm `build --strict` said "up to date" beside a new broken link, and an objective edited in a
    linked folder (inside the site) stayed as it was on its page."""
    root = make_site(tmp_path / "site", {"shared/grow.md": GROW})
    (root / "content/objectives").mkdir(parents=True)
    (root / "content/objectives/team").symlink_to(root / "shared")
    assert build(root)[0] == 0
    (root / "content/objectives/dangling.md").symlink_to("nothere.md")
    code, lines = build(root, "build", "--strict", "--jobs", "1")
    assert code == 1 and any(line.startswith("content/objectives/dangling.md:1:1: warning: not a regular file")
                             for line in lines)
    (root / "content/objectives/dangling.md").unlink()
    write(root, "shared/grow.md", GROW.replace("title: Grow", "title: Grow faster"))
    assert build(root)[0] == 0
    assert "Grow faster" in (root / "output/objectives/grow/index.html").read_text()
    # a link leading outside the site is not walked by that check either (a link to / walked the disk)
    outside = write(tmp_path, "outside/notes.md", "one\n")
    (root / "content/assets").mkdir()
    (root / "content/assets/outside").symlink_to(outside.parent)
    assert build(root)[0] == 0
    outside.write_text("two, longer\n")
    assert okrsite_build(BuildOptions(root / "okrsite.yaml", jobs=1)).up_to_date


def test_a_chart_cache_whose_files_link_outside_the_site_publishes_none_of_them(tmp_path: Path, secret: Path,
                                                                              build) -> None:
    """The output's chart files are links to the cache's, its scorecard PDFs the cache's bytes: a
    cache someone planted symbolic links in (committed, or restored in CI) must not put the files
    they lead to into the output."""
    root = make_site(tmp_path / "site", {OBJ: GROW})
    assert build(root)[0] == 0
    charts = sorted([*(root / ".okrsite-cache/charts").iterdir(), *(root / ".okrsite-cache/scorecards").iterdir()])
    drawn = {path.relative_to(root / "output"): path.read_bytes() for path in (root / "output/charts").rglob("*")
             if path.is_file()}
    assert charts and drawn
    for path in charts:
        path.unlink()
        path.symlink_to(secret)
    shutil.rmtree(root / "output")
    code, lines = build(root)
    assert code == 0 and not diagnostics(lines)
    published = [path for path in (root / "output").rglob("*") if path.is_symlink() or path.is_file()]
    assert not any(path.is_symlink() for path in published)
    assert not any(b"SECRET-LINE" in path.read_bytes() for path in published)
    assert {path.relative_to(root / "output"): path.read_bytes() for path in (root / "output/charts").rglob("*")
            if path.is_file()} == drawn  # drawn again, the links in the cache replaced by its own files
    assert not any(path.is_symlink() for path in charts)
    assert secret.read_text() == "root:x:0:0:SECRET-LINE\n"


def test_an_assets_folder_that_links_outside_the_site_is_not_read(tmp_path: Path, secret: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    (root / "content/assets").symlink_to(secret.parent)
    code, lines = build(root)
    assert code == 0
    assert diagnostics(lines) == ["content/assets:1:1: warning: a folder that leads outside the site folder is not "
                                  "read: skipped"]
    assert not (root / "output/assets").exists()


def test_a_theme_static_link_outside_the_site_is_not_published(tmp_path: Path, secret: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "themes/default/static/extra.css": "p {}\n"})
    (root / "themes/default/static/passwd").symlink_to(secret)
    code, lines = build(root)
    assert code == 0
    assert diagnostics(lines) == ["themes/default/static/passwd:1:1: warning: a symbolic link that leads outside "
                                  "the site folder is not followed: skipped"]
    assert (root / "output/static/extra.css").is_file() and not (root / "output/static/passwd").exists()


def test_a_content_file_that_links_outside_the_site_is_never_read(tmp_path: Path, secret: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    (root / "content/objectives/passwd.md").symlink_to(secret)  # would fail to parse, quoting its text
    for command in ("build", "check"):
        code, lines = build(root, command, *(("--jobs", "1") if command == "build" else ()))
        assert code == 0 and "SECRET" not in "\n".join(lines)
        assert "content/objectives/passwd.md:1:1: warning: a symbolic link that leads outside the site folder " \
               "is not followed: skipped" in lines


def test_links_inside_the_site_are_followed_and_named_by_their_own_path(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "shared/bad.md": "---\ntitle: [oops\n---\n",
                                         "shared/logo.txt": "logo\n"})
    (root / "content/objectives/linked.md").symlink_to(root / "shared/bad.md")
    (root / "content/assets").mkdir()
    (root / "content/assets/logo.txt").symlink_to(root / "shared/logo.txt")
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    assert line.startswith("content/objectives/linked.md:2:8: error: invalid YAML")
    write(root, OBJ.replace("grow", "linked"), GROW.replace("title: Grow", "id: other\ntitle: Other"))
    assert build(root)[0] == 0
    assert (root / "output/assets/logo.txt").read_text() == "logo\n"


@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_python_files_in_the_site_folder_are_never_imported_as_the_libraries_a_build_uses(
        demo_site: Path, tmp_path: Path, how: str) -> None:
    """A numpy.py or yaml.py in the folder a build runs in (the site's, a repository's root in CI) was
    run by the chart processes, started with `python -c`, which puts the current folder first on the
    module path; `python -m okrsite` imported it in the build's own process too. The console script
    is what pip writes for `okrsite` (its own folder first on the module path), written here."""
    script = write(tmp_path / "bin", "okrsite", "import sys\nfrom okrsite.commands.cli import run\n"
                                                "if __name__ == '__main__':\n    sys.exit(run())\n")
    command = [sys.executable, str(script)] if how == "console script" else [sys.executable, "-m", "okrsite"]
    ran = demo_site / "ran"
    for module in ("numpy", "yaml", "matplotlib", "jinja2"):
        write(demo_site, f"{module}.py", f"import pathlib\npathlib.Path({str(ran)!r}).mkdir(exist_ok=True)\n"
                                         f"(pathlib.Path({str(ran)!r}) / {module!r}).write_text('ran')\n")
    result = subprocess.run([*command, "build", "--jobs", "2", "-v"], cwd=demo_site, timeout=300,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert not ran.exists(), sorted(path.name for path in ran.iterdir())
    assert re.search(r"\b136 charts drawn\b", result.stdout + result.stderr) and "2 processes" in result.stdout + result.stderr


def test_a_content_folder_that_cannot_be_read_is_an_error_not_pages_gone(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`chmod 000 content/pages` built the site without its pages, exit 0 (an unreadable file was an
    error). As the system refuses it (a test as root cannot make a folder unreadable)."""
    from okrsite.content import source
    from okrsite.diagnostics import BuildFailed

    root = make_site(tmp_path / "site", {OBJ: GROW, "content/pages/about.md": "---\ntitle: About\n---\nHi\n"})
    okrsite_build(BuildOptions(root / "okrsite.yaml", jobs=1))
    before = {path: path.read_bytes() for path in (root / "output").rglob("*") if path.is_file()}
    scandir = os.scandir

    def refusing(path=os.curdir):
        if not isinstance(path, int) and os.fspath(path).endswith(os.path.join("content", "pages")):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(source.os, "scandir", refusing)
    with pytest.raises(BuildFailed) as failed:
        okrsite_build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert [str(d) for d in failed.value.diagnostics] == ["content/pages:1:1: error: cannot read the folder: "
                                                          "Permission denied"]
    assert {path: path.read_bytes() for path in (root / "output").rglob("*") if path.is_file()} == before


def unreadable_to_the_build() -> list[str]:
    """What runs a build for which a file with no read permission is unreadable: root reads any
    file, unless its capabilities to do so are dropped (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return []
    assert shutil.which("setpriv"), "as root, a file is unreadable to a build only under setpriv: install util-linux"
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


@pytest.mark.parametrize("unreadable", ["content/assets/logo.svg", "themes/mine/templates/base.html"])
def test_a_site_file_that_cannot_be_read_is_an_error_at_its_path(tmp_path: Path, unreadable: str) -> None:
    """An asset or a theme file that could not be read failed as "okrsite.yaml:1:1: error: cannot
    build the site: Permission denied", naming no file."""
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/assets/logo.svg": "<svg/>\n",
                                         "themes/mine/templates/base.html": (REPO / "themes/default/templates/base.html")
                                         .read_text()}, CONFIG + "theme: mine\n")
    command = [*unreadable_to_the_build(), sys.executable, "-m", "okrsite", "build", "--jobs", "1"]
    assert subprocess.run(command, cwd=root, timeout=120, capture_output=True).returncode == 0
    before = {path: path.read_bytes() for path in (root / "output").rglob("*") if path.is_file()}
    (root / unreadable).chmod(0)
    write(root, OBJ, GROW.replace("title: Grow", "title: Grow more"))
    result = subprocess.run(command, cwd=root, timeout=120, capture_output=True, text=True)
    (root / unreadable).chmod(0o644)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [f"{unreadable}:1:1: error: cannot read the file: Permission denied",
                                          "okrsite: build failed: 1 error(s); the previous output was left as it was"]
    assert {path: path.read_bytes() for path in (root / "output").rglob("*") if path.is_file()} == before


def test_a_fifo_under_content_is_skipped_with_a_warning_instead_of_hanging(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    os.mkfifo(root / "content/objectives/waiting.md")
    (root / "content/assets").mkdir()
    os.mkfifo(root / "content/assets/pipe")
    result = subprocess.run([sys.executable, "-m", "okrsite", "build", "--jobs", "1"], cwd=root, timeout=120,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "content/assets/pipe:1:1: warning: not a regular file (a FIFO, socket, device or broken link): skipped",
        "content/objectives/waiting.md:1:1: warning: not a regular file (a FIFO, socket, device or broken link): "
        "skipped"]


def test_a_loop_of_links_under_content_is_skipped_not_the_end_of_the_build(tmp_path: Path, build) -> None:
    """Links a -> b -> a under objectives/ failed the whole build ("Too many levels of symbolic links"
    at okrsite.yaml:1:1), where a broken link is a warning."""
    root = make_site(tmp_path / "site", {OBJ: GROW})
    for name, other in (("a", "b"), ("b", "a"), ("c.md", "d.md"), ("d.md", "c.md")):
        (root / "content/objectives" / name).symlink_to(other)
    code, lines = build(root)
    assert code == 0, lines
    why = "warning: not a regular file (a FIFO, socket, device or broken link): skipped"
    assert diagnostics(lines) == [f"content/objectives/{name}:1:1: {why}" for name in ("c.md", "d.md")]
    assert (root / "output/objectives/grow/index.html").is_file()


def test_a_file_name_that_is_not_utf8_is_skipped_with_a_printable_warning(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    (root / os.fsdecode(b"content/objectives/caf\xe9.md")).write_text(GROW)
    code, lines = build(root)
    assert code == 0
    assert diagnostics(lines) == ["content/objectives/caf\ufffd.md:1:1: warning: the file name is not valid UTF-8 "
                                  "(rename it): skipped"]
    assert (root / "output/objectives/grow/index.html").is_file()


def test_a_content_folder_outside_the_site_is_an_error(tmp_path: Path, build) -> None:
    make_site(tmp_path / "elsewhere", {OBJ: GROW})
    root = make_site(tmp_path / "site", {}, CONFIG + "content_dir: ../elsewhere/content\n")
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == ["okrsite.yaml:3:14: error: 'content_dir': the content folder must be inside "
                                  "the site folder"]


@pytest.mark.parametrize("site_url", ["https://example.com//evil.example/", "https://example.com/\\\\evil.example/",
                                      "https://example.com/okrs/?x=1", "https://example.com/my okrs/"])
def test_a_site_url_whose_path_could_lead_the_404_page_elsewhere_is_an_error(tmp_path: Path, build,
                                                                             site_url: str) -> None:
    """The 404 page's links start from site_url's path: '//evil.example/static/search-box.js' is a
    script from another host."""
    root = make_site(tmp_path / "site", {OBJ: GROW}, CONFIG + f'site_url: "{site_url}"\n')
    code, lines = build(root)
    shown = site_url.replace("\\\\", "\\")  # YAML's escape, as the value reads
    assert code == 1 and diagnostics(lines) == [
        "okrsite.yaml:3:11: error: 'site_url': expected the site's address, with no spaces, backslashes, '//' "
        f"in its path, '?' or '#', got {shown!r}"]
    assert not (root / "output").exists()


@pytest.mark.parametrize("site_url", ["https://[::1/", "https://example.com:port/okrs/"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_site_url_no_browser_could_open_is_an_error_not_a_traceback(tmp_path: Path, build, site_url: str,
                                                                       command: str) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW}, CONFIG + f'site_url: "{site_url}"\n')
    code, lines = build(root, command)
    assert code == 1 and diagnostics(lines) == [
        f"okrsite.yaml:3:11: error: 'site_url': expected an absolute http(s) URL, got {site_url!r}"]


@pytest.mark.parametrize(("config", "link", "expected"), [
    pytest.param(CONFIG + "output_dir: ../elsewhere\n", False, "okrsite.yaml:3:13", id="a-parent-path"),
    pytest.param(CONFIG + "output_dir: {outside}\n", False, "okrsite.yaml:3:13", id="an-absolute-path"),
    pytest.param(CONFIG, True, "okrsite.yaml:1:1", id="an-output-link-leading-out"),
])
def test_an_output_folder_outside_the_site_is_an_error_and_nothing_is_written(
        tmp_path: Path, build, config: str, link: bool, expected: str) -> None:
    """A committed okrsite.yaml, or a committed `output` link (.gitignore's `/output/` matches no
    link), may not send a build's writes out of the site folder (its repository, in git: see
    below); --output may. Commands that write no output are not concerned."""
    outside = tmp_path / "elsewhere"
    root = make_site(tmp_path / "site", {OBJ: GROW}, config.format(outside=outside))
    if link:
        outside.mkdir()
        (root / "output").symlink_to(outside)
    code, lines = build(root)
    assert code == 1 and diagnostics(lines) == [
        f"{expected}: error: the output folder {outside.resolve()} lies outside the site folder ({root.resolve()}), "
        "links followed: the site's files may only send a build's writes inside it; to build elsewhere, run "
        "okrsite build --output DIR"]
    assert not outside.exists() or list(outside.iterdir()) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == (["elsewhere", "site"] if link else ["site"])
    assert build(root, "check")[0] == 0
    assert build(root, "build", "--jobs", "1", "--output", str(tmp_path / "chosen"))[0] == 0


def test_an_output_folder_elsewhere_in_the_sites_repository_is_fine(tmp_path: Path, build, isolated_git) -> None:
    """GitHub Pages' "deploy from /docs": the site in okrs/, its output in the repository's docs/."""
    repo = init(tmp_path / "repo")
    root = make_site(repo / "okrs", {OBJ: GROW}, CONFIG + "output_dir: ../docs\n")
    assert build(root)[0] == 0
    assert (repo / "docs/index.html").is_file()


@pytest.mark.parametrize("linked", [".okrsite-cache", ".okrsite-cache/pages"])
def test_a_cache_link_committed_to_the_repository_is_an_error_one_of_your_own_is_used(
        tmp_path: Path, build, isolated_git, linked: str) -> None:
    """A committed link would lead the cache's reads and writes where it points (and the page cache
    would be pruned there of files it did not write): refused. The same link made by the person
    building (a cache on another disk) is theirs, and used."""
    root = init(make_site(tmp_path / "site", {OBJ: GROW}))
    target = tmp_path / "target"
    (target / "pages").mkdir(parents=True)
    (target / "pages/precious.html.z").write_bytes(b"mine")
    (root / linked).parent.mkdir(parents=True, exist_ok=True)
    (root / linked).symlink_to(target if linked == ".okrsite-cache" else target / "pages")
    git(root, "add", "-f", linked)
    commit(root, "A link", "2026-02-01")
    code, lines = build(root)
    assert code == 1 and diagnostics(lines) == [
        f"{linked}:1:1: error: the cache holds 1 file(s) tracked by git, such as {linked}: a cache must never come "
        "from the repository; run git rm -r --cached .okrsite-cache, add .okrsite-cache/ to .gitignore, and commit"]
    assert sorted(str(path.relative_to(target)) for path in target.rglob("*")) == ["pages", "pages/precious.html.z"]
    assert not (root / "output").exists()
    git(root, "rm", "-q", "--cached", linked)
    assert build(root)[0] == 0 and (root / "output/index.html").is_file()


def test_a_cache_committed_to_the_repository_is_an_error(tmp_path: Path, build, isolated_git) -> None:
    """Pages in a committed cache would be published as they are (a script in each): a build
    refuses to use a cache git tracks."""
    root = init(make_site(tmp_path / "site", {OBJ: GROW}))
    assert build(root)[0] == 0
    commit(root, "Everything, the cache too", "2026-02-01")
    shutil.rmtree(root / "output")
    code, lines = build(root)
    first = sorted(str(path.relative_to(root)) for path in (root / ".okrsite-cache").rglob("*") if path.is_file())[0]
    count = len(git(root, "ls-files", ".okrsite-cache").splitlines())
    assert code == 1 and diagnostics(lines) == [
        f"{first}:1:1: error: the cache holds {count} file(s) tracked by git, such as {first}: a cache must never "
        "come from the repository; run git rm -r --cached .okrsite-cache, add .okrsite-cache/ to .gitignore, and "
        "commit"]
    assert not (root / "output").exists()
    git(root, "rm", "-r", "-q", "--cached", ".okrsite-cache")
    assert build(root)[0] == 0


def test_a_link_planted_in_the_page_cache_is_never_written_through(tmp_path: Path, build) -> None:
    """The page cache's packs have names anyone can guess (the same in every folder): a link
    committed under such a name is removed, and what it leads to left alone."""
    root = make_site(tmp_path / "site", {OBJ: GROW})
    assert build(root)[0] == 0
    pages = root / ".okrsite-cache/pages"
    planted = sorted(pages.iterdir())
    assert planted and all(path.name.endswith(".pack") for path in planted)
    victim = tmp_path / "victim"
    victim.write_text("ORIGINAL")
    shutil.rmtree(root / "output")
    for path in planted:  # as in a fresh clone: the same names, a link in each pack's place
        path.unlink()
        path.symlink_to(victim)
    assert build(root)[0] == 0
    assert victim.read_text() == "ORIGINAL"
    assert not any(path.is_symlink() for path in pages.iterdir())
    assert (root / "output/index.html").is_file()


# --- limits, and values at the ends of their range ---------------------------------

KR_LINE = "    current: 150"


@pytest.mark.parametrize(("value", "message"), [
    ("1.0e+400", "'current': expected a finite number, got inf"),
    ("9" * 400, "'current': expected a number from -10^15 to 10^15, got a whole number of 400 digits"),
    pytest.param("0x" + "f" * 5000, "'current': expected a number from -10^15 to 10^15, got a whole number of "
                 "6021 digits", id="5000-hex-digits"),
    ("-2.0e+16", "'current': expected a number from -10^15 to 10^15, got -2e+16"),
])
def test_numbers_too_large_are_errors_at_their_line(tmp_path: Path, build, value: str, message: str) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace(KR_LINE, f"    current: {value}")})
    code, lines = build(root)
    assert code == 1 and diagnostics(lines) == [f"{OBJ}:10:14: error: {message}"]


def test_a_huge_hex_number_where_text_goes_is_an_error_not_a_traceback(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("title: Grow", "title: 0x" + "f" * 5000, 1)})
    code, lines = build(root)
    assert code == 1 and diagnostics(lines) == [
        f"{OBJ}:2:8: error: 'title': expected text, got a whole number of 6021 digits"]


@pytest.mark.parametrize(("files", "config", "expected"), [
    pytest.param({OBJ: GROW.replace("2026-Q1", "9999-Q4")}, CONFIG,
                 f"{OBJ}:3:9: error: unknown period '9999-Q4'", id="built-in-period-in-year-9999"),
    pytest.param({OBJ: GROW.replace("2026-Q1", "0001-Q1")}, CONFIG,
                 f"{OBJ}:3:9: error: unknown period '0001-Q1'", id="built-in-period-in-year-1"),
    pytest.param({OBJ: GROW}, CONFIG.replace("2026-02-15", "9999-12-31"),
                 "okrsite.yaml:2:8: error: 'as_of': expected a date from 1900-01-01 to 2999-12-31, got 9999-12-31",
                 id="as-of-9999-12-31"),
    pytest.param({OBJ: GROW}, CONFIG + "periods:\n  - {id: all, start: 0001-01-01, end: 9999-12-31}\n",
                 "okrsite.yaml:4:22: error: 'start': expected a date from 1900-01-01 to 2999-12-31, got 0001-01-01",
                 id="custom-period-from-year-1"),
    pytest.param({OBJ: GROW, "content/projects/p.md": "---\ntitle: P\ndue: 9999-12-31\nkey_results: grow\n---\n"},
                 CONFIG, "content/projects/p.md:3:6: error: 'due': expected a date from 1900-01-01 to 2999-12-31, "
                 "got 9999-12-31", id="due-9999-12-31"),
])
def test_dates_at_the_ends_of_the_calendar_are_errors_at_their_line(tmp_path: Path, build, files, config,
                                                                   expected: str) -> None:
    root = make_site(tmp_path / "site", files, config)
    code, lines = build(root)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), lines


@pytest.mark.parametrize(("args", "message"), [
    (["build", "--as-of", "9999-12-31"], "expected a date from 1900-01-01 to 2999-12-31, got '9999-12-31'"),
    (["serve", "--port", "99999"], "argument --port: expected a port from 0 to 65535, got '99999'"),
])
def test_an_option_out_of_its_range_is_a_usage_error(tmp_path: Path, capsys, args: list[str], message: str) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW})
    with pytest.raises(SystemExit) as stop:
        main([*args, "--config", str(root / "okrsite.yaml")])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_a_source_date_epoch_that_is_no_date_gives_today_and_the_build_says_so(tmp_path: Path, monkeypatch,
                                                                               capsys) -> None:
    """It was ignored without a word: a CI job whose variable was wrong published today's report."""
    for epoch in ("9" * 30, "99999999999", "1771113600.5", "٣٣", "yesterday"):  # (99999999999: year 5138)
        before = dt.date.today()
        got = default_as_of({"SOURCE_DATE_EPOCH": epoch})
        assert got in {before, dt.date.today()}  # today, whichever side of midnight the call fell
        assert unusable_epoch({"SOURCE_DATE_EPOCH": epoch})
    assert default_as_of({"SOURCE_DATE_EPOCH": "1771113600"}) == dt.date(2026, 2, 15)
    assert unusable_epoch({"SOURCE_DATE_EPOCH": "1771113600"}) is None and unusable_epoch({}) is None
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", GROW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2026-02-15")
    assert main(["build", "--config", str(root / "okrsite.yaml")]) == 0
    assert "okrsite.yaml:1:1: warning: SOURCE_DATE_EPOCH is '2026-02-15', not a whole number of seconds since " \
           "1970-01-01 UTC" in capsys.readouterr().err
    write(root, "okrsite.yaml", "title: T\ncharts: {enabled: false}\nas_of: 2026-02-15\n")  # not read: no warning
    assert main(["build", "--config", str(root / "okrsite.yaml")]) == 0
    assert "SOURCE_DATE_EPOCH" not in capsys.readouterr().err


def chain(root: Path, length: int) -> None:
    for i in range(length):
        parent = f"parent: o{i - 1}\n" if i else ""
        krs = "key_results:\n  - {title: V, start: 0, target: 10, current: 5}\n" if i == length - 1 else ""
        write(root, f"content/objectives/o{i}.md", f"---\ntitle: O{i}\nperiod: 2026-Q1\n{parent}{krs}---\n")


def test_a_parent_chain_thousands_long_is_an_error_at_the_first_objective_too_deep(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {})
    chain(root, 3000)
    code, lines = build(root, "check")
    assert code == 1
    assert diagnostics(lines) == ["content/objectives/o32.md:4:9: error: objective 'o32' is nested 33 levels deep; "
                                  "a chain of parents may have at most 32 levels"]


def test_a_parent_chain_32_levels_deep_builds_and_rolls_up(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {})
    chain(root, 32)
    assert build(root)[0] == 0
    objectives = {o["id"]: o for o in json.loads((root / "output/okrs.json").read_text())["objectives"]}
    assert objectives["o0"]["progress"] == 0.5 and objectives["o0"]["children"] == ["o1"]
    assert "O31" in (root / "output/alignment/index.html").read_text()


def test_a_team_chain_deeper_than_32_levels_is_an_error(tmp_path: Path, build) -> None:
    teams = "- id: marketing\n" + "".join(f"- {{id: t{i}{f', parent: t{i - 1}' if i else ''}}}\n" for i in range(40))
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/teams.yaml": teams})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == ["content/teams.yaml:34:21: error: team 't32' is nested 33 levels deep; "
                                  "a chain of parents may have at most 32 levels"]


def test_chart_dpi_outside_50_to_600_is_an_error_at_its_line(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW}, CONFIG + "charts: {format: png, dpi: 100000}\n")
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == ["okrsite.yaml:3:28: error: 'dpi': expected a number from 50 to 600, got 100000"]


def test_a_content_file_over_2_mb_is_an_error_at_its_first_line(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW + "x" * (2 * 1024 * 1024)})
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    assert line.startswith(f"{OBJ}:1:1: error: the file has 2,097,") and line.endswith("at most 2,097,152 (2 MB)")


def test_more_than_100_key_results_is_an_error_at_the_list(tmp_path: Path, build) -> None:
    krs = "".join(f"  - {{title: K{i}, start: 0, target: 1}}\n" for i in range(101))
    root = make_site(tmp_path / "site", {OBJ: f"---\ntitle: Grow\nperiod: 2026-Q1\nkey_results:\n{krs}---\n"})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == [f"{OBJ}:5:3: error: 'key_results': expected at most 100 entries, got 101"]


def test_more_than_1000_checkins_is_an_error_at_the_list(tmp_path: Path, build) -> None:
    checkins = "".join("      - {date: 2026-01-05, value: 1}\n" for _ in range(1001))
    root = make_site(tmp_path / "site", {OBJ: GROW.replace(KR_LINE, KR_LINE + "\n    checkins:\n" + checkins)})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == [f"{OBJ}:12:7: error: 'checkins': expected at most 1000 entries, got 1001"]


def test_control_characters_in_titles_leave_charts_and_the_feed_valid_xml(tmp_path: Path, build) -> None:
    """Also the two noncharacters XML forbids, U+FFFE and U+FFFF."""
    objective = GROW.replace("title: Grow", 'title: "Gr\\x01ow\\x1b[31m\\uFFFE"').replace(
        "title: Views from 100 to 200", 'title: "Views\\x02 \\x0c\\uFFFF"\n    unit: "\\x03"').replace(
        KR_LINE, KR_LINE + '\n    checkins: [{date: 2026-01-05, value: 120, note: "n\\x04\\ttab\\uFFFE"}]')
    root = make_site(tmp_path / "site", {OBJ: objective})
    assert build(root)[0] == 0
    svgs = sorted((root / "output/charts").rglob("*.svg"))
    assert len(svgs) == 4  # the KR's trend, the period's overview, wide and narrow
    for path in [*svgs, root / "output/feed.xml"]:
        ElementTree.parse(path)  # raises on invalid XML
    for path in (root / "output").rglob("*"):
        if path.is_file() and path.suffix != ".pdf":  # a PDF is binary (test_scorecard reads its text)
            assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]", path.read_bytes()), path
    assert '"title":"Grow[31m"' in (root / "output/okrs.json").read_text()


# --- a chart that cannot be made only warns ---------------------------------------------

def built_without_the_kr_chart(root: Path, build, warning: str) -> None:
    """The build succeeds with one warning; the KR's page shows no chart, the period's chart is there."""
    code, lines = build(root)
    assert code == 0 and diagnostics(lines) == [f"{OBJ}:1:1: warning: {warning}"]
    assert "kr-views.svg" not in (root / "output/objectives/grow/index.html").read_text()
    assert sorted(p.name for p in (root / "output/charts").rglob("*.svg")) == ["2026-Q1-narrow.svg", "2026-Q1.svg"]


def test_a_chart_that_cannot_be_planned_only_warns(tmp_path: Path, build, monkeypatch) -> None:
    from okrsite.site.charts import specs

    def broken(*_):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(specs, "kr_trend", broken)
    built_without_the_kr_chart(make_site(tmp_path / "site", {OBJ: GROW}), build,
                               "chart of key result grow/views could not be drawn: OverflowError: date value out of range")


def test_a_chart_whose_drawing_cannot_be_finished_only_warns(tmp_path: Path, build, monkeypatch) -> None:
    from okrsite.site.charts import files

    real = files.finish_svg

    def finish(raw, palette, title):
        if title.startswith("Views"):
            raise ValueError("substring not found")
        return real(raw, palette, title)

    monkeypatch.setattr(files, "finish_svg", finish)
    built_without_the_kr_chart(make_site(tmp_path / "site", {OBJ: GROW}), build,
                               "chart objectives/grow/kr-views could not be drawn: substring not found")


def test_a_drawing_library_that_cannot_load_fails_each_chart_with_a_warning(tmp_path: Path, build,
                                                                            monkeypatch) -> None:
    from okrsite.site import charts

    monkeypatch.setitem(sys.modules, "okrsite.site.charts.draw", None)  # `import` raises ImportError
    monkeypatch.delattr(charts, "draw", raising=False)
    root = make_site(tmp_path / "site", {OBJ: GROW})
    code, lines = build(root)
    assert code == 0
    warnings = diagnostics(lines)
    assert len(warnings) == 2 and all("could not be drawn: ModuleNotFoundError: import of okrsite.site.charts.draw halted" in w
                                          for w in warnings)
    assert not (root / "output/charts").exists()


# --- messages in the contract's form -------------------------------------------------

def test_duplicate_ids_in_one_file_name_the_file_of_the_first(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW, "content/teams.yaml": "- id: marketing\n- id: sales\n- id: sales\n"})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == ["content/teams.yaml:3:7: error: duplicate team id 'sales' "
                                  "(also at content/teams.yaml:2:7)"]


def test_a_diagnostic_stays_on_one_line_whatever_the_content_holds(tmp_path: Path, build) -> None:
    root = make_site(tmp_path / "site", {OBJ: GROW.replace("title: Grow", 'title: Grow\n"a\\nb\\x1b[2J": 1')})
    code, lines = build(root)
    assert code == 1
    assert diagnostics(lines) == [f"{OBJ}:3:1: error: unknown field 'a\\nb\\x1b[2J' in an objective"]


def test_an_error_inside_the_built_in_theme_is_reported_at_okrsite_yaml_naming_the_template(
        tmp_path: Path, build, monkeypatch) -> None:
    from okrsite.site import widgets

    def broken(*_, **__):
        raise RuntimeError("helper failed")

    monkeypatch.setitem(widgets.HELPERS, "badge", broken)
    root = make_site(tmp_path / "site", {OBJ: GROW})
    code, lines = build(root)
    assert code == 1
    [line] = diagnostics(lines)
    assert re.fullmatch(r"okrsite\.yaml:1:1: error: template error in the built-in theme, "
                        r"templates/[a-z_]+\.html:\d+: helper failed \(making [a-z0-9/._-]+\)", line), line


def test_a_kept_page_whose_folder_became_a_link_leading_outside_stops_a_few_files_write(tmp_path: Path) -> None:
    """One page changes and another is kept, but the kept page's folder was moved out and linked
    back by hand: the link is neither written through, nor removed with the page silently lost."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write_site(many_files(40), out)
    shutil.move(out / "objectives/o3", elsewhere)  # sizes and mtimes kept: the page still looks intact
    (out / "objectives/o3").symlink_to(elsewhere)
    files: dict[str, bytes | output.Kept] = {**many_files(40), "objectives/o1/index.html": b"changed"}
    files["objectives/o3/index.html"] = output.KEPT
    before = tree(out)
    with pytest.raises(UnsafeOutput, match="'objectives/o3': it leads out of the output folder"):
        write_site(files, out)
    assert tree(out) == before and (elsewhere / "index.html").read_bytes() == b"new 3"


@pytest.mark.parametrize(("real", "root", "inside"), [
    ("/site", "/site", True),
    ("/site/content/a.md", "/site", True),
    ("/site/content/a.md", "/site/", True),
    ("/site-other/a.md", "/site", False),  # a sibling whose name starts with the folder's
    ("/etc/passwd", "/site", False),
    ("/", "/site", False),
    ("/anything", "/", True),
])
def test_inside_means_the_folder_itself_or_below_it(real: str, root: str, inside: bool) -> None:
    assert is_inside(real, root) is inside


def test_a_path_leads_where_its_links_lead(tmp_path: Path, secret: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content/out").symlink_to(secret.parent)
    (site / "content/in").symlink_to(site / "content")
    assert not leads_inside(site / "content/out/passwd", site)
    assert leads_inside(site / "content/in/../content", site)  # '..' after a link inside: still inside
    assert not leads_inside(site / "content/../../secret/passwd", site)


def test_ids_that_windows_keeps_for_devices_are_warned_of_where_they_are_written(tmp_path: Path, build) -> None:
    """`id: con` built on Linux, but no file or folder may be called CON (or AUX, NUL, COM1,
    LPT1..., with any extension) on Windows: the site could be neither built nor checked out
    there. A warning names the file and line that make such a name, whatever makes it: an id, a
    file or folder name, a team's name, a period of okrsite.yaml; each once."""
    root = make_site(tmp_path / "site", {
        "content/objectives/con.md": GROW.replace("team: marketing", "team: Nul"),
        "content/objectives/other.md": GROW.replace("title: Grow", "id: aux\ntitle: Other"),
        "content/objectives/prn/fine.md": GROW.replace("title: Grow", "id: fine\ntitle: Fine"),
        "content/pages/lpt1.md": "---\ntitle: A page\n---\nText.\n",
        "content/assets/nul.png": "not a picture\n",
        "content/projects/ok.md": "---\ntitle: Fine\nid: com1x\n---\n"},
        CONFIG + "periods:\n  - {id: com2, start: 2026-01-01, end: 2026-12-31}\n")
    code, lines = build(root)
    assert code == 0
    device = ("is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9), which no file or folder may "
              "have there")
    assert [line for line in diagnostics(lines) if "device name" in line] == [
        f"content/assets/nul.png:1:1: warning: the name 'nul.png' {device}; rename it",
        f"content/objectives/con.md:1:1: warning: the name 'con.md' {device}; rename it",
        f"content/objectives/con.md:4:7: warning: 'team': the team's name makes its id, and 'nul' {device}; list the "
        "team in teams.yaml with another id",
        f"content/objectives/other.md:2:5: warning: the id 'aux' {device}; choose another",
        f"content/objectives/prn:1:1: warning: the name 'prn' {device}; rename it",
        f"content/pages/lpt1.md:1:1: warning: the name 'lpt1.md' {device}; rename it",
        f"okrsite.yaml:{CONFIG.count(chr(10)) + 2}:10: warning: the id 'com2' {device}; choose another"]
    assert build(root, "build", "--strict")[0] == 1
