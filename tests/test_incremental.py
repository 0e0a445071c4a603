"""Rebuilds: what a build may skip because nothing that shapes the output changed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from okrsite.build import builder
from okrsite.build.builder import Builder, BuildOptions, build
from okrsite.build.state import input_fingerprint, load_state, output_stamps
from okrsite.diagnostics import BuildFailed, Diagnostics
from okrsite.site.pages import page_alone, site_map
from tests.conftest import REPO, write


def again(root: Path, **options) -> object:
    return build(BuildOptions(root / "okrsite.yaml", **options))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_unchanged_site_is_up_to_date_and_keeps_its_warnings(demo_site_with_cache: Path) -> None:
    first = again(demo_site_with_cache)
    second = again(demo_site_with_cache)
    assert not first.up_to_date and second.up_to_date
    assert second.written == 0 and second.unchanged == first.files
    assert second.warnings == first.warnings and second.warnings  # the demo's unaligned projects


def test_strict_still_fails_on_the_warnings_of_an_up_to_date_site(demo_site_with_cache: Path) -> None:
    again(demo_site_with_cache)
    with pytest.raises(BuildFailed) as failed:
        again(demo_site_with_cache, strict=True)
    assert any("wiki-migration" in str(d) for d in failed.value.diagnostics)


@pytest.mark.parametrize("change", ["content", "config", "site-theme", "as-of", "asset"])
def test_any_input_change_rebuilds(demo_site_with_cache: Path, change: str) -> None:
    again(demo_site_with_cache)
    options = {}
    if change == "content":
        path = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
        path.write_text(path.read_text().replace("Improve the SEO", "Improve the SEO now"))
    elif change == "config":
        path = demo_site_with_cache / "okrsite.yaml"
        path.write_text(path.read_text() + "\nstatus_thresholds: {at_risk: 0.05, off_track: 0.1}\n")
    elif change == "site-theme":
        write(demo_site_with_cache, "themes/default/static/extra.css", "p { color: red }\n")
    elif change == "as-of":
        options["as_of"] = __import__("datetime").date(2026, 6, 1)
    elif change == "asset":
        write(demo_site_with_cache, "content/assets/new.txt", "hello\n")
    report = again(demo_site_with_cache, **options)
    assert not report.up_to_date and report.written > 0


@pytest.mark.parametrize("library", ["jinja2", "babel", "fonttools"])
def test_another_version_of_a_library_rebuilds_every_page(demo_site_with_cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                          library: str) -> None:
    """YAML's, markdown-it's, Babel's, Jinja's, matplotlib's and fontTools's versions shape the
    output (a new Babel can format a number otherwise, a new fontTools writes other PDF bytes);
    they are read from the installed distributions, so a build with nothing to do imports none."""
    again(demo_site_with_cache)
    installed = builder.installed_version
    monkeypatch.setattr(builder, "installed_version", lambda name: "99.0" if name == library else installed(name))
    report = again(demo_site_with_cache)
    assert not report.up_to_date and report.pages_kept == 0


def _modules_loaded(site: Path, *command: str) -> set[str]:
    """The modules a fresh `okrsite COMMAND` process had imported when it ended (successfully)."""
    code = ("import sys\n"
            "from okrsite.commands.cli import main\n"  # what `okrsite` runs, before its process ends (cli.run)
            "assert not main(sys.argv[1:])\n"
            "print('loaded:', *sorted(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, *command, "--config", str(site / "okrsite.yaml")], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return set(out.splitlines()[-1].split()[1:])


RENDERING = {"jinja2", "markdown_it", "matplotlib", "okrsite.site.render", "okrsite.site.charts", "okrsite.site.pages"}


def test_a_build_with_nothing_to_do_loads_no_stage(demo_site_with_cache: Path) -> None:
    """No template engine, Markdown, charts or model: a third of such a build's time was imports."""
    again(demo_site_with_cache)
    loaded = _modules_loaded(demo_site_with_cache, "build", "--quiet")
    assert "okrsite.build.builder" in loaded
    assert not loaded & (RENDERING | {"okrsite.model.assemble", "okrsite.content.history", "importlib.metadata"})


@pytest.mark.parametrize("name", ["jinja2", "markdown-it-py", "matplotlib", "PyYAML", "markdown_it_py", "Jinja2",
                                  "no-such-library"])
def test_a_library_version_is_the_one_importlib_metadata_gives(name: str) -> None:
    """Read from the distribution's folder name, without importing importlib.metadata (a tenth of
    a build with nothing to do): the same version, whatever the spelling of the name."""
    import importlib.metadata

    from okrsite import installed_version

    try:
        expected = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        expected = "unknown"
    assert installed_version(name) == expected


def test_check_loads_the_model_but_nothing_that_renders(demo_site_with_cache: Path) -> None:
    """(markdown-it reads the links of the demo's one body that links within the site: broken-link)"""
    loaded = _modules_loaded(demo_site_with_cache, "check")
    assert "okrsite.model.assemble" in loaded and "okrsite.model.checks" in loaded
    assert not loaded & (RENDERING - {"markdown_it"})


def test_a_damaged_output_is_rebuilt(demo_site_with_cache: Path) -> None:
    again(demo_site_with_cache)
    page = demo_site_with_cache / "output/objectives/seo-visibility/index.html"
    original = page.read_bytes()
    page.write_text("edited by hand")
    report = again(demo_site_with_cache)
    assert not report.up_to_date and page.read_bytes() == original
    (demo_site_with_cache / "output/okrs.json").unlink()
    assert not again(demo_site_with_cache).up_to_date and (demo_site_with_cache / "output/okrs.json").is_file()


def test_a_corrupt_cache_only_costs_a_full_build(demo_site_with_cache: Path) -> None:
    first = again(demo_site_with_cache)
    for name in os.listdir(demo_site_with_cache / ".okrsite-cache"):
        path = demo_site_with_cache / ".okrsite-cache" / name
        if path.is_file():
            path.write_text("{not json")
    report = again(demo_site_with_cache)
    assert not report.up_to_date and report.written == 0 and report.files == first.files


def test_what_a_stopped_build_left_beside_a_cache_file_is_removed_once_old(demo_site_with_cache: Path) -> None:
    """A build stopped while it wrote state.json (or another cache file) leaves its temporary file;
    the next build that writes that file removes it once it is old enough to be no build's under
    way, and leaves whatever else the folder holds."""
    cache = demo_site_with_cache / ".okrsite-cache"
    old, recent = cache / ".state.json.0123456789ab.tmp", cache / ".documents.json.456789abcdef.tmp"
    others = [cache / ".state.json.old.tmp", cache / "state.json.0123456789ab.tmp", cache / "notes.tmp"]
    for path in (old, recent, *others):
        path.write_bytes(b"half a file")
        if path is not recent:
            os.utime(path, (1_000_000_000, 1_000_000_000))
    again(demo_site_with_cache)
    assert not old.exists() and recent.exists() and all(path.exists() for path in others)


def test_an_edit_of_the_same_size_with_its_old_mtime_is_seen_by_check_and_build(demo_site_with_cache: Path) -> None:
    """A file copied in with `cp -p` (or `rsync -a`, `tar`) keeps its source's mtime, and a
    check-in keeps the size: the build said "up to date" and showed the old value, and `okrsite
    check` passed a value it rejects."""
    first = again(demo_site_with_cache)
    path = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    before, text = path.stat(), path.read_text()
    time.sleep(0.02)  # file times move by the kernel's tick
    path.write_text(text.replace("value: 1720", "value: 17x0", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    checked = subprocess.run([sys.executable, "-m", "okrsite", "check"], cwd=demo_site_with_cache,
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert re.search(r"^content/objectives/2026-Q1/marketing-seo-visibility\.md:\d+:\d+: error: .*'17x0'", checked.stderr,
                     re.M), checked.stdout + checked.stderr
    path.write_text(text.replace("value: 1720", "value: 1750", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    rebuilt = again(demo_site_with_cache)
    assert not rebuilt.up_to_date and rebuilt.written and rebuilt.documents_parsed == 1
    assert rebuilt.files == first.files
    page = (demo_site_with_cache / "output/objectives/seo-visibility/index.html").read_text()
    assert "1,750" in page and "1,720" not in page


def test_an_edit_reparses_only_the_edited_file(demo_site_with_cache: Path) -> None:
    again(demo_site_with_cache)
    path = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    path.write_text(path.read_text().replace("Improve the SEO", "Improve the SEO now"))
    report = again(demo_site_with_cache)
    assert report.documents_parsed == 1 and report.documents_cached > 20
    html = (demo_site_with_cache / "output/objectives/seo-visibility/index.html").read_text()
    assert "Improve the SEO now" in html


def test_an_incremental_build_equals_a_cold_build_of_the_same_content(demo_site_with_cache: Path,
                                                                      tmp_path: Path) -> None:
    again(demo_site_with_cache)
    # Edits that reach other pages: a KR's check-in (its parent's roll-up, the dashboard),
    # a team's name (every page naming the team), a project's status.
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    teams = demo_site_with_cache / "content/teams.yaml"
    teams.write_text(teams.read_text().replace("name: Marketing", "name: Growth Marketing"))
    blog = demo_site_with_cache / "content/projects/blog-push.md"
    blog.write_text(blog.read_text().replace("status: active", "status: on-hold"))
    incremental = again(demo_site_with_cache)
    cold = build(BuildOptions(demo_site_with_cache / "okrsite.yaml", output=tmp_path / "cold"))
    assert incremental.pages == cold.pages
    assert tree(demo_site_with_cache / "output") == tree(tmp_path / "cold")
    assert "Growth Marketing" in (demo_site_with_cache / "output/projects/blog-push/index.html").read_text()


def test_an_edit_renders_only_the_pages_whose_inputs_changed(demo_site_with_cache: Path) -> None:
    first = again(demo_site_with_cache)
    path = demo_site_with_cache / "content/projects/wiki-migration.md"
    path.write_text(path.read_text().replace("title: ", "title: Renamed ", 1))
    report = again(demo_site_with_cache)
    assert report.pages_kept > first.pages / 2
    assert "Renamed" in (demo_site_with_cache / "output/projects/wiki-migration/index.html").read_text()


def test_an_edit_rewrites_only_the_files_that_changed(demo_site_with_cache: Path) -> None:
    again(demo_site_with_cache)
    out = demo_site_with_cache / "output"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    path = demo_site_with_cache / "content/projects/wiki-migration.md"
    path.write_text(path.read_text().replace("title: ", "title: Renamed ", 1))
    report = again(demo_site_with_cache)
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    rewritten = {p.relative_to(out).as_posix() for p in after if after[p] != before.get(p)}
    assert rewritten == set(report.changed) and 0 < len(rewritten) == report.written
    # the project, the lists that name it (alignment pages list unaligned projects), the exports
    assert "projects/wiki-migration/index.html" in rewritten
    assert not any(p.startswith("objectives/") for p in rewritten)
    # its title: in its own chart, and in the portfolio charts of every period (it supports no OKR), in both layouts
    assert {p for p in rewritten if p.startswith("charts/")} == {
        f"charts/{name}{layout}.svg" for name in ("projects/wiki-migration", "portfolio/2026-Q1", "portfolio/2026-Q2")
        for layout in ("", "-narrow")}
    assert not any(p.name.startswith(".output.okrsite") for p in demo_site_with_cache.iterdir())


def test_the_state_records_the_output_as_the_build_leaves_it(demo_site_with_cache: Path) -> None:
    """The stamps of an edit's kept files are taken from the last build, the others looked at:
    files touched by hand (same bytes, so not rewritten) must be recorded as they are now."""
    again(demo_site_with_cache)
    out = demo_site_with_cache / "output"
    path = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    path.write_text(path.read_text().replace("value: 1720", "value: 2100"))
    for touched in ("index.html", "projects/wiki-migration/index.html", "okrs.json"):
        os.utime(out / touched, ns=(10**18, 10**18))
    report = again(demo_site_with_cache)
    assert report.pages_kept > 0 and report.written > 0
    assert load_state(demo_site_with_cache / ".okrsite-cache").outputs == output_stamps(out)
    assert again(demo_site_with_cache).up_to_date


def test_a_builder_kept_between_builds_sees_an_edited_template(demo_site_with_cache: Path) -> None:
    """The preview keeps one Builder (and its Jinja environment) for the whole session."""
    builder = Builder(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    builder.build()
    write(demo_site_with_cache, "themes/default/templates/404.html", "<p>Lost, version 1</p>\n")
    builder.build()
    assert (demo_site_with_cache / "output/404.html").read_text() == "<p>Lost, version 1</p>\n"
    write(demo_site_with_cache, "themes/default/templates/404.html", "<p>Lost, version 2</p>\n")
    builder.build()
    assert (demo_site_with_cache / "output/404.html").read_text() == "<p>Lost, version 2</p>\n"


@pytest.mark.parametrize("jobs", [None, 1])
def test_a_process_that_builds_again_compiles_the_templates_once_and_again_when_one_changes(
        demo_site_with_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int | None) -> None:
    """A program that builds in turn, each time with a Builder of its own, compiles the templates
    once: later builds compile none, or only a template file that changed (as the preview does
    after a template is saved). Compiled in a forked process (the default) or as pages ask for
    them (`--jobs 1`)."""
    from okrsite.site import render

    log = tmp_path / "compiled.log"  # forked processes write here too
    original = render._Environment.compile

    def compile_(self, source, name=None, filename=None, *args, **kwargs):
        with log.open("a", encoding="utf-8") as notes:
            notes.write(f"{name}\n")
        return original(self, source, name, filename, *args, **kwargs)
    monkeypatch.setattr(render._Environment, "compile", compile_)
    monkeypatch.setattr(builder, "_compiled_last", {})
    options = BuildOptions(demo_site_with_cache / "okrsite.yaml", jobs=jobs)
    write(demo_site_with_cache, "themes/default/templates/404.html", "<p>Lost</p>\n")  # a site theme

    def compiled_by(build_again: Callable[[], object]) -> list[str]:
        log.unlink(missing_ok=True)
        build_again()
        return log.read_text(encoding="utf-8").split() if log.exists() else []
    assert "objective.html" in compiled_by(Builder(options).build)
    path = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    path.write_text(path.read_text().replace("Improve the SEO", "Improve the SEO now"))
    assert compiled_by(Builder(options).build) == []
    write(demo_site_with_cache, "themes/default/templates/404.html", "<p>Lost again</p>\n")
    assert compiled_by(Builder(options).build) == ["404.html"]
    assert (demo_site_with_cache / "output/404.html").read_text() == "<p>Lost again</p>\n"
    kept = Builder(options)  # the preview's: a template saved while it runs
    assert compiled_by(kept.build) == []
    write(demo_site_with_cache, "themes/default/templates/404.html", "<p>Lost for good</p>\n")
    assert compiled_by(kept.build) == ["404.html"]

# --- the page plan: declarations, not template names ----------------------------------------

def test_a_page_keeps_its_charts_when_its_template_is_renamed(demo_site_with_cache: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts follow the page's declaration (Page.charts), whatever template lays it out."""
    from okrsite.site import pages

    templates = demo_site_with_cache / "themes" / "renamed" / "templates"
    templates.mkdir(parents=True)
    (templates / "okr.html").write_text((REPO / "themes/default/templates/objective.html").read_text())
    config = demo_site_with_cache / "okrsite.yaml"
    config.write_text(config.read_text() + "theme: renamed\n")
    declared = pages.objective_page
    monkeypatch.setattr(pages, "objective_page",
                        lambda site, objective: dataclasses.replace(declared(site, objective), template="okr.html"))
    build(BuildOptions(config, jobs=1))
    page = (demo_site_with_cache / "output/objectives/launch-partner-program/index.html").read_text()
    assert 'src="../../charts/objectives/launch-partner-program/overview.svg"' in page
    assert 'src="../../charts/objectives/launch-partner-program/kr-partner-leads.svg"' in page


def test_a_site_template_reading_beyond_its_page_is_rendered_again_on_each_build(demo_site_with_cache: Path) -> None:
    """An objective page whose site template reads site.objectives is not kept: it stays right."""
    templates = demo_site_with_cache / "themes" / "counts" / "templates"
    templates.mkdir(parents=True)
    own = (REPO / "themes/default/templates/objective.html").read_text()
    (templates / "objective.html").write_text(own.replace(
        "{% block content %}", "{% block content %}<p id=\"total\">{{ site.objectives|length }} objectives</p>", 1))
    config = demo_site_with_cache / "okrsite.yaml"
    config.write_text(config.read_text() + "theme: counts\n")
    first = build(BuildOptions(config, jobs=1))
    page = demo_site_with_cache / "output/objectives/grow-inbound/index.html"
    before = len(list((demo_site_with_cache / "content/objectives").rglob("*.md")))
    assert f'<p id="total">{before} objectives</p>' in page.read_text()
    extra = demo_site_with_cache / "content/objectives/extra.md"
    extra.write_text("---\ntitle: Extra\nperiod: 2026-Q2\nkey_results:\n  - {title: X, start: 0, target: 1}\n---\n")
    second = build(BuildOptions(config, jobs=1))
    assert f'<p id="total">{before + 1} objectives</p>' in page.read_text()
    assert second.pages_kept > 0 and first.pages_kept == 0  # the pages that stay in their context are still kept


def test_the_default_theme_keeps_every_self_contained_page_within_its_context(demo_site_with_cache: Path) -> None:
    """No page the plan declares self-contained reaches beyond its context, so all can be kept."""
    config = demo_site_with_cache / "okrsite.yaml"
    build(BuildOptions(config, jobs=1))
    site = Builder(BuildOptions(config)).load(Diagnostics())
    contained = [page for page in site_map(site) if page.depends == "context"]
    touch = demo_site_with_cache / "content/pages/how-we-run-okrs.md"
    touch.write_text(touch.read_text() + "\nOne more line.\n")
    report = build(BuildOptions(config, jobs=1))
    assert report.pages_kept == len(contained) - 1  # all but the edited page


def test_a_fresh_clone_with_the_cache_restored_parses_nothing_and_draws_no_chart(demo_site: Path,
                                                                                 tmp_path: Path) -> None:
    """CI: a new checkout (every mtime new, another folder, no output/) with .okrsite-cache/ restored."""
    first = again(demo_site)
    assert first.charts_drawn > 0
    clone = tmp_path / "runner/work/okrs"
    shutil.copytree(demo_site, clone, copy_function=shutil.copyfile, ignore=shutil.ignore_patterns("output"))
    for path in (clone / "content").rglob("*"):
        os.utime(path, ns=(1, 1))  # certainly not the stamps the cache holds
    report = again(clone)
    assert not report.up_to_date
    assert report.documents_parsed == 0 and report.documents_cached == first.documents_parsed
    assert report.charts_drawn == 0 and report.charts_cached == first.charts_drawn + first.charts_cached
    assert report.pages_cached == sum(page.depends == "context" for page in _pages(clone))  # none rendered again
    assert tree(clone / "output") == tree(demo_site / "output")
    assert again(clone).up_to_date
    seo = clone / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("Improve the SEO", "Improve the SEO now"))
    assert again(clone).pages_kept > 20  # the fresh build recorded every page's digest for the next


def _pages(root: Path) -> list:
    return site_map(Builder(BuildOptions(root / "okrsite.yaml")).load(Diagnostics()))


def test_bytecode_written_during_a_build_does_not_change_what_the_next_build_sees(tmp_path: Path) -> None:
    """okrsite's own code is an input (another version renders differently); Python writes a
    module's bytecode when a build first imports it, after the stamps were taken: it must not
    make the next build render every page again. The sources' stamps still count."""
    code = tmp_path / "code"
    write(code, "module.py", "VALUE = 1\n")
    before = input_fingerprint({}, [code], [])
    write(code, "__pycache__/module.cpython-311.pyc", "bytecode")
    assert input_fingerprint({}, [code], []) == before
    write(code, "module.py", "VALUE = 22\n")
    assert input_fingerprint({}, [code], []) != before


# --- the model: what a rebuild with the same Builder (okrsite serve) works out again ------------

def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Which content files the model checks, and which objectives' key results it scores, from now on
    (okrsite.yaml is read, and checked, by every build)."""
    from okrsite.content import schema
    from okrsite.model import keyresults

    seen: dict[str, list[str]] = {"checked": [], "scored": []}
    check_fields, key_results = schema.check_fields, keyresults.key_results

    def checking(value, fields, cursor, *args, **kwargs):  # noqa: ANN001, ANN202 - as wrapped
        if not cursor.key_path and cursor.positions.path.startswith("content/"):
            seen["checked"].append(cursor.positions.path)
        return check_fields(value, fields, cursor, *args, **kwargs)

    def scoring(item_id, *args, **kwargs):  # noqa: ANN001, ANN202 - as wrapped
        seen["scored"].append(item_id)
        return key_results(item_id, *args, **kwargs)

    monkeypatch.setattr(schema, "check_fields", checking)
    monkeypatch.setattr(keyresults, "key_results", scoring)
    return seen


def test_a_rebuild_checks_and_scores_only_what_changed_and_equals_a_cold_build(
        demo_site_with_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview's Builder keeps what the model made of each unchanged file: a check-in checks
    that one file and scores that one objective's key results; the site is a cold build's."""
    builder = Builder(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    builder.build()
    seen = _counting(monkeypatch)
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    builder.build()
    assert seen == {"checked": ["content/objectives/2026-Q1/marketing-seo-visibility.md"],
                    "scored": ["seo-visibility"]}
    cold = build(BuildOptions(demo_site_with_cache / "okrsite.yaml", output=tmp_path / "cold"))
    assert tree(demo_site_with_cache / "output") == tree(tmp_path / "cold")
    assert cold.pages > 30


def test_a_builder_that_found_the_site_built_primes_itself_and_the_first_save_checks_one_file(
        demo_site_with_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`okrsite serve` started on a site built before: its first build has nothing to do and works
    nothing out, so its builder primes itself (the model, the page digests, the templates), writing
    nothing; the first save then checks and scores only what it changed. A prime that finds
    something changed does nothing: the build after it works it all out."""
    config = demo_site_with_cache / "okrsite.yaml"
    build(BuildOptions(config))
    output, cache = demo_site_with_cache / "output", demo_site_with_cache / ".okrsite-cache"
    written = output_stamps(output), {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    builder = Builder(BuildOptions(config))
    assert builder.build().up_to_date and builder.remembered is None
    builder.prime()
    assert builder.remembered is not None and builder.digested and builder.environment is not None
    after = output_stamps(output), {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert [str(p) for p in after[1] if after[1][p] != written[1].get(p)] == [] and after == written
    seen = _counting(monkeypatch)
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    assert not builder.build().up_to_date
    assert seen == {"checked": ["content/objectives/2026-Q1/marketing-seo-visibility.md"],
                    "scored": ["seo-visibility"]}
    build(BuildOptions(config, output=tmp_path / "cold"))
    assert tree(output) == tree(tmp_path / "cold")

    seo.write_text(seo.read_text().replace("value: 2100", "value: 2200"))  # saved before the prime
    stamps = output_stamps(output)
    late = Builder(BuildOptions(config))
    late.prime()
    assert late.remembered is None and output_stamps(output) == stamps


def test_a_new_process_checks_no_unchanged_file_again_and_makes_the_model_a_full_check_makes(
        demo_site_with_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`okrsite check` and every build start in a new process (a new Builder): the fields the last
    build checked come back with its document cache, under the code that checked them."""
    config = demo_site_with_cache / "okrsite.yaml"
    seen = _counting(monkeypatch)
    kept = Builder(BuildOptions(config)).check()
    model = repr(Builder(BuildOptions(config)).load(Diagnostics()))
    assert seen["checked"] == [] and kept.objectives > 10
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    Builder(BuildOptions(config)).check()
    assert seen["checked"] == ["content/objectives/2026-Q1/marketing-seo-visibility.md"]
    seo.write_text(seo.read_text().replace("value: 2100", "value: 1720"))
    monkeypatch.setattr(builder, "__version__", "another")  # other code: everything is checked again
    assert Builder(BuildOptions(config)).check().warnings == kept.warnings
    assert len(seen["checked"]) == 1 + kept.objectives + kept.projects + kept.pages
    monkeypatch.undo()
    (demo_site_with_cache / ".okrsite-cache/documents.json").unlink()
    assert repr(Builder(BuildOptions(config)).load(Diagnostics())) == model


def test_checked_fields_edited_by_hand_in_the_cache_cost_a_full_check_not_a_traceback(
        demo_site_with_cache: Path) -> None:
    """The cache is JSON anyone can edit: checked fields the model cannot use are forgotten, every
    file is checked again, and the result is the one a check from nothing gives."""
    config = demo_site_with_cache / "okrsite.yaml"
    expected = Builder(BuildOptions(config)).check()
    cache = demo_site_with_cache / ".okrsite-cache/documents.json"
    data = json.loads(cache.read_text())
    row = next(row for row in data["payload"] if row[0].endswith("marketing-seo-visibility.md"))
    assert '"start": 1200' in row[6]
    row[6] = row[6].replace('"start": 1200', '"start": "twelve hundred"')
    cache.write_text(json.dumps(data))
    assert Builder(BuildOptions(config)).check().warnings == expected.warnings
    report = build(BuildOptions(config))
    assert report.pages > 30 and '"twelve hundred"' not in cache.read_text()


def test_a_rebuild_scores_every_key_result_again_when_the_report_date_changes(
        demo_site_with_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builder = Builder(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    first = builder.build()
    seen = _counting(monkeypatch)
    config = demo_site_with_cache / "okrsite.yaml"
    config.write_text(config.read_text().replace("as_of: 2026-05-14", "as_of: 2026-06-01"))
    builder.build()
    objectives = list((demo_site_with_cache / "content/objectives").rglob("*.md"))
    assert seen["checked"] == [] and len(seen["scored"]) == len(objectives) > 5
    build(BuildOptions(config, output=tmp_path / "cold"))
    assert tree(demo_site_with_cache / "output") == tree(tmp_path / "cold")
    assert first.pages > 30


def test_a_file_with_a_problem_is_checked_and_reported_on_every_rebuild(demo_site_with_cache: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    write(demo_site_with_cache, "content/objectives/2026-Q2/odd.md",
          "---\ntitle: Odd\nperiod: 2026-Q2\nteam: marketing\n"
          "key_results:\n  - {id: launched, title: Launched, type: boolean, done: false, target: 3}\n---\n")
    builder = Builder(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    warned = [w.message for w in builder.build().warnings if w.path.endswith("odd.md")]
    assert warned == ["'target' is ignored on a boolean key result"]
    seen = _counting(monkeypatch)
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    again_warned = [w.message for w in builder.build().warnings if w.path.endswith("odd.md")]
    assert again_warned == warned
    assert sorted(seen["scored"]) == ["odd", "seo-visibility"]


def test_a_rebuild_keeps_the_model_objects_of_unchanged_files_and_digests_only_the_others(
        demo_site_with_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page digests of the preview's rebuilds: an object made of unchanged files is the last
    build's object, so only the edited objective (and what its numbers change) is digested again."""
    from okrsite.build import incremental

    digested: list[str] = []

    def blake2b(data: bytes, **kwargs):  # noqa: ANN202 - hashlib's
        if re.match(rb"[A-Z]\w*\(", data):  # a model object's repr (a page's starts with a digest)
            digested.append(data.decode().split(",", 1)[0])
        return hashlib.blake2b(data, **kwargs)

    monkeypatch.setattr(incremental, "hashlib", types.SimpleNamespace(blake2b=blake2b))
    sites = []
    load_site = Builder._load_site
    monkeypatch.setattr(Builder, "_load_site", lambda self, *args: sites.append(load_site(self, *args)) or sites[-1])
    builder = Builder(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    builder.build()
    first = [d for d in digested if d.startswith(("Objective(", "KeyResult(", "Project("))]
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    digested.clear()
    builder.build()
    before, after = sites
    assert after.objectives["seo-visibility"] is not before.objectives["seo-visibility"]
    unchanged = [o for o in after.objectives if o not in ("seo-visibility", "grow-inbound")]
    assert all(after.objectives[o] is before.objectives[o] for o in unchanged) and len(unchanged) > 5
    assert all(after.projects[p] is before.projects[p] for p in after.projects if p != "blog-push")
    model = [d for d in digested if d.startswith(("Objective(", "KeyResult(", "Project("))]
    assert sorted(d for d in model if not d.startswith("KeyResult(")) == [
        "Objective('grow-inbound'", "Objective('seo-visibility'"]  # its roll-up too
    # (a key result whose text is short is written out in its objective's, not digested apart)
    assert "KeyResult('page-views'" in model and {d for d in model if d.startswith("KeyResult(")} <= {
        "KeyResult('backlinked-posts'", "KeyResult('bounce-rate'", "KeyResult('page-views'"}
    assert len(first) > 40


def test_a_main_page_rendered_without_its_period_page_is_what_a_cold_build_makes(demo_site_with_cache: Path,
                                                                                  tmp_path: Path) -> None:
    """alignment/ is its period's page at a second address: rendered alone (its period page kept,
    its own file damaged and the page cache gone), it still names the period's address as canonical."""
    again(demo_site_with_cache)
    shutil.rmtree(demo_site_with_cache / ".okrsite-cache/pages")
    (demo_site_with_cache / "output/alignment/index.html").write_text("damaged")
    report = again(demo_site_with_cache)
    assert report.written == 1 and report.changed == ("alignment/index.html",)
    build(BuildOptions(demo_site_with_cache / "okrsite.yaml", output=tmp_path / "cold"))
    assert tree(demo_site_with_cache / "output") == tree(tmp_path / "cold")


def test_a_site_theme_that_transforms_urls_gets_each_address_its_own_links(demo_site_with_cache: Path) -> None:
    """A page and its copy are rendered once, their links made with a marker: a theme that encodes
    url()'s result (|tojson, |urlencode) would carry it, so then each is rendered on its own."""
    write(demo_site_with_cache, "themes/default/templates/alignment.html",
          "<p data-json='{{ url(\"alignment/\")|tojson }}' data-query=\"{{ url('static/style.css')|urlencode }}\">"
          "{{ page.url }}</p>\n")
    again(demo_site_with_cache)
    main = (demo_site_with_cache / "output/alignment/index.html").read_text()
    period = (demo_site_with_cache / "output/alignment/2026-Q2/index.html").read_text()
    # its own links; its `page` is the period's page, as always (README, "Themes")
    assert main == "<p data-json='\"../alignment/\"' data-query=\"../static/style.css\">alignment/2026-Q2/index.html</p>\n"
    assert period == ("<p data-json='\"../../alignment/\"' data-query=\"../../static/style.css\">"
                      "alignment/2026-Q2/index.html</p>\n")


def test_the_pages_looked_at_are_shown_first_with_the_bytes_the_build_then_writes(demo_site_with_cache: Path) -> None:
    """The preview's open pages (Builder.build's `first`) are rendered as soon as the page plan is
    made and handed over before anything is written, as the build then writes them, charts shown;
    a page the plan does not have is left out, and a build whose content fails hands nothing over.
    Their charts come with them, drawn first where this process has loaded what draws (the
    preview's build process has)."""
    from okrsite.site.charts import workers

    config = demo_site_with_cache / "okrsite.yaml"
    output = demo_site_with_cache / "output"
    builder = Builder(BuildOptions(config))
    builder.build()
    workers.load_drawing()
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100"))
    shown: list[tuple[dict[str, bytes], dict[str, bytes | None]]] = []

    def show(files: dict[str, bytes]) -> None:
        shown.append((files, {path: (output / path).read_bytes() if (output / path).exists() else None
                              for path in files}))

    first = ["objectives/seo-visibility/index.html", "periods/2026-Q1/index.html", "index.html",
             "objectives/gone/index.html"]
    builder.build(first, show)
    [(files, on_disk_then)] = shown
    pages = {path: data for path, data in files.items() if path.endswith(".html")}
    charts = {path: data for path, data in files.items() if path not in pages}
    assert sorted(pages) == sorted(first[:3])
    # handed over before the output was written (the dashboard shows another period: unchanged)
    assert sorted(url for url in pages if pages[url] != on_disk_then[url]) == sorted(first[:2])
    assert "charts/objectives/seo-visibility/kr-page-views.svg" in [
        path for path in charts if charts[path] != on_disk_then[path]]
    shows = re.findall(rb'src="../../(charts/[^"]+)"', pages["objectives/seo-visibility/index.html"])
    assert shows and {path.decode() for path in shows} <= set(charts)
    assert {path: (output / path).read_bytes() for path in files} == files

    shown.clear()
    seo.write_text(seo.read_text().replace("period: 2026-Q1", "period: [2026-Q1", 1))
    with pytest.raises(BuildFailed):
        builder.build(first, show)
    assert shown == []


def test_a_page_made_alone_is_the_page_the_plan_makes(demo_site: Path) -> None:
    """What the preview shows before the plan is made: every page of the plan, of every kind, made
    alone, equals the plan's; a page the site does not have is none."""
    site = Builder(BuildOptions(demo_site / "okrsite.yaml")).load(Diagnostics())
    plan = site_map(site)
    assert {page.url.split("/")[0] for page in plan} == {
        "index.html", "404.html", "attention", "alignment", "portfolio", "periods", "teams", "projects", "changes",
        "objectives", "pages"}
    assert [page_alone(site, page.url) for page in plan] == plan
    for gone in ("objectives/gone/index.html", "periods/1999-Q1/index.html", "alignment/1999-Q1/index.html",
                 "nowhere/index.html", "objectives/seo-visibility/index.htm"):
        assert page_alone(site, gone) is None


def test_open_pages_are_shown_before_the_plan_with_the_last_navigation(
        demo_site_with_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Open pages (an objective's, and a list: alignment) are rendered before the page plan is made,
    with the last build's navigation, as the build then writes them; a builder that has made no
    plan yet shows nothing first."""
    config = demo_site_with_cache / "okrsite.yaml"
    output = demo_site_with_cache / "output"
    seo = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    first = ["objectives/seo-visibility/index.html", "alignment/2026-Q1/index.html"]
    shown: list[tuple[dict[str, bytes], list[str]]] = []
    planned: list[str] = []
    builder = Builder(BuildOptions(config))
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2100", 1))
    builder.build(first, lambda pages: shown.append((pages, list(planned))))
    assert shown == []  # no plan made yet: no navigation to show them with
    monkeypatch.setattr("okrsite.site.pages.site_map", lambda site: (planned.append("plan"), site_map(site))[1])
    for value in ("2200", "2300"):
        seo.write_text(re.sub(r"value: (2100|2200)\b", f"value: {value}", seo.read_text(), count=1))
        shown.clear()
        planned.clear()
        builder.build(first, lambda pages: shown.append((pages, list(planned))))
        [(files, planned_then)] = shown
        pages = {path: data for path, data in files.items() if path.endswith(".html")}
        assert sorted(pages) == sorted(first) and planned_then == []
        assert files == {path: (output / path).read_bytes() for path in files}
        assert f"{value[0]},{value[1:]}".encode() in pages[first[0]]


@dataclasses.dataclass(frozen=True)
class _Leaf:
    value: float
    note: str = ""


@dataclasses.dataclass(frozen=True)
class _Node:
    title: str
    leaves: tuple[_Leaf, ...]
    parent: object = None


def test_a_context_digest_changes_with_any_value_it_holds_however_deep() -> None:
    """A page's digest is made from its context's text, with large model objects written as their
    own digests (made once) and small ones written out: a change anywhere inside must show."""
    from okrsite.build.incremental import ContextDigests
    from okrsite.site.pages import Page

    def digest(context: dict) -> str:
        return ContextDigests("shared").page(Page("x/index.html", "page.html", "X", context))

    leaves = tuple(_Leaf(float(n), "a note long enough to make its node large " * (n == 3)) for n in range(8))
    node = _Node("an objective", leaves)
    base = digest({"objective": node, "all": [node]})
    assert digest({"objective": _Node("an objective", leaves), "all": [node]}) == base  # equal values, equal digest
    for changed in (_Node("another", leaves), _Node("an objective", leaves[:-1]),
                    _Node("an objective", (*leaves[:3], _Leaf(3.0, "other"), *leaves[4:])),
                    _Node("an objective", (*leaves[:5], _Leaf(5.5), *leaves[6:]))):
        assert digest({"objective": changed, "all": [node]}) != base
    assert digest({"objective": node, "all": [node, node]}) != base  # lists keep their length
    looped = _Node("loop", ())
    object.__setattr__(looped, "parent", looped)  # met inside itself: "...", as a repr writes it
    assert digest({"loop": looped}) == digest({"loop": looped})
