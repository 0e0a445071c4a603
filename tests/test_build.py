"""Building whole sites: the spec's output layout, links, determinism, theme overrides."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from okrsite.commands.cli import main
from tests.conftest import REPO, copy_demo, write
from tests.sitecrawl import crawl


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built_demo(reference_demo: Path) -> Path:
    """The demo's output (the session's: read only)."""
    return reference_demo


SPEC_OUTPUTS = [
    "index.html", "objectives/seo-visibility/index.html", "projects/blog-push/index.html",
    "teams/marketing/index.html", "periods/2026-Q1/index.html", "periods/2026-Q2/index.html",
    "alignment/index.html", "changes/index.html", "pages/how-we-run-okrs/index.html", "okrs.json", "feed.xml",
    "sitemap.xml", "404.html", ".nojekyll", "assets/logo.svg",
]


@pytest.mark.parametrize("rel", SPEC_OUTPUTS)
def test_demo_build_writes_every_output_of_the_spec(built_demo: Path, rel: str) -> None:
    assert (built_demo / rel).is_file()


def test_every_objective_project_team_and_period_has_a_page(built_demo: Path) -> None:
    data = json.loads((built_demo / "okrs.json").read_text())
    expected = ([f"objectives/{o['id']}" for o in data["objectives"]]
                + [f"projects/{p['id']}" for p in data["projects"]]
                + [f"teams/{t['id']}" for t in data["teams"]]
                + [f"periods/{p['id']}" for p in data["periods"]])
    missing = [rel for rel in expected if not (built_demo / rel / "index.html").is_file()]
    assert missing == []


def test_every_internal_link_of_the_demo_resolves(built_demo: Path) -> None:
    reached, broken = crawl(built_demo)
    assert broken == []
    pages = {p for p in built_demo.rglob("*.html") if p.name != "404.html"}
    assert pages - reached == set(), "pages no link leads to"


def test_links_point_at_index_html_without_pretty_urls(demo_site_with_cache: Path) -> None:
    config = demo_site_with_cache / "okrsite.yaml"
    config.write_text(config.read_text() + "\npretty_urls: false\n")
    build(BuildOptions(config))
    html = (demo_site_with_cache / "output/objectives/seo-visibility/index.html").read_text()
    assert 'href="../../projects/blog-push/index.html"' in html
    assert crawl(demo_site_with_cache / "output")[1] == []
    # links written in Markdown bodies too: a folder opened as a file shows its listing, not its page
    body = (demo_site_with_cache / "output/objectives/reliable-platform/index.html").read_text()
    assert '<a href="../reliable-ingestion/index.html">Q1</a>' in body
    folders = {f"{page.relative_to(demo_site_with_cache / 'output')}: {href}"
               for page in (demo_site_with_cache / "output").rglob("*.html")
               for href in re.findall(r'href="([^"]*)"', page.read_text())
               if not re.match(r"[a-z]+:|/|#", href) and href.split("#")[0].split("?")[0].endswith("/")}
    assert folders == set()


def test_two_builds_of_the_same_input_are_byte_identical(demo_site: Path, tmp_path: Path) -> None:
    """Each cold, in a process of its own with another hash seed: an order taken from a set or a
    dict of strings would differ between them (two builds in one process share the seed)."""
    other = copy_demo(tmp_path / "other")
    for site, seed in ((demo_site, "1"), (other, "2")):
        subprocess.run([sys.executable, "-m", "okrsite", "build", "--quiet"], cwd=site, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)})
    assert tree(demo_site / "output") == tree(other / "output")


def test_a_rebuild_with_nothing_changed_rewrites_no_file(demo_site_with_cache: Path) -> None:
    config = demo_site_with_cache / "okrsite.yaml"
    first = build(BuildOptions(config))
    stamps = {p: p.stat().st_mtime_ns for p in (demo_site_with_cache / "output").rglob("*") if p.is_file()}
    again = build(BuildOptions(config))
    assert first.written == first.files and again.written == 0 and again.unchanged == first.files
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_a_build_writes_only_its_output_folder(demo_site: Path) -> None:
    before = tree(demo_site)
    build(BuildOptions(demo_site / "okrsite.yaml"))
    after = {k: v for k, v in tree(demo_site).items()
             if not k.startswith(("output/", ".okrsite-cache/"))}
    assert after == before
    assert {p.name for p in demo_site.iterdir()} <= {".okrsite-cache", "content", "okrsite.yaml", "output"}


def test_a_removed_project_disappears_from_the_output(demo_site_with_cache: Path) -> None:
    config = demo_site_with_cache / "okrsite.yaml"
    build(BuildOptions(config))
    output = demo_site_with_cache / "output"
    def its_files() -> list[str]:
        files = (p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
        return sorted(rel for rel in files if "wiki-migration" in rel)

    before = its_files()
    assert before == ["charts/projects/wiki-migration-narrow.svg", "charts/projects/wiki-migration.svg",
                      "projects/wiki-migration/index.html"]
    (demo_site_with_cache / "content/projects/wiki-migration.md").unlink()
    report = build(BuildOptions(config))
    assert its_files() == [] and not (output / "projects/wiki-migration").exists()  # its page and its charts
    assert report.removed == len(before)


def test_okrs_json_has_the_spec_keys_sorted_by_id(built_demo: Path) -> None:
    data = json.loads((built_demo / "okrs.json").read_text())
    assert data["site"]["title"] == "Northwind Analytics OKRs"
    assert data["as_of"] == "2026-05-14"
    for key in ("periods", "teams", "objectives", "projects"):
        ids = [item["id"] for item in data[key]]
        assert ids == sorted(ids) or key == "periods"
    seo = next(o for o in data["objectives"] if o["id"] == "seo-visibility")
    assert {"id", "title", "period", "team", "owner", "parent", "progress", "expected", "status", "grade",
            "key_results"} <= set(seo)
    bounce = next(kr for kr in seo["key_results"] if kr["id"] == "bounce-rate")
    assert (bounce["start"], bounce["target"], bounce["current"], bounce["progress"]) == (10, 4, 7, 0.5)
    assert {"id", "title", "type", "start", "target", "current", "unit", "progress", "status"} <= set(bounce)
    blog = next(p for p in data["projects"] if p["id"] == "blog-push")
    assert blog["key_results"] == ["seo-visibility/backlinked-posts"]
    assert blog["late"] is True and blog["over_budget"] is False


def test_the_sitemap_lists_absolute_urls_only_when_site_url_is_set(demo_site_with_cache: Path) -> None:
    config = demo_site_with_cache / "okrsite.yaml"
    build(BuildOptions(config))
    sitemap = (demo_site_with_cache / "output/sitemap.xml").read_text()
    assert "<loc>https://northwind.github.io/northwind-okrs/objectives/seo-visibility/</loc>" in sitemap
    # each page at its canonical address: alignment/ and portfolio/ are the default period's pages
    base = "https://northwind.github.io/northwind-okrs/"
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert base + "alignment/2026-Q2/" in locs and base + "alignment/" not in locs and base + "portfolio/" not in locs
    for loc in locs:
        page = (demo_site_with_cache / "output" / loc.removeprefix(base) / "index.html").read_text()
        assert f'<link rel="canonical" href="{loc}">' in page, loc
    config.write_text("\n".join(line for line in config.read_text().splitlines()
                                if not line.startswith("site_url")))
    build(BuildOptions(config))
    assert not (demo_site_with_cache / "output/sitemap.xml").exists()
    # without an address, the feed's id is still an IRI (no spaces)
    assert "<id>urn:okrsite:Northwind%20Analytics%20OKRs</id>" in (demo_site_with_cache / "output/feed.xml").read_text()


def test_the_404_page_links_from_the_site_url_path(built_demo: Path) -> None:
    html = (built_demo / "404.html").read_text()
    assert 'href="/northwind-okrs/static/style.css"' in html


def test_the_feed_is_atom_with_check_ins_and_updates(built_demo: Path) -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(built_demo / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert any(t.startswith("Check-in:") for t in titles) and any(t.startswith("Project update:") for t in titles)
    # Nothing dated after the report date reaches the feed.
    assert all(e.findtext("a:updated", namespaces=ns) <= "2026-05-14T00:00:00Z"
               for e in root.findall("a:entry", ns))


def test_a_site_theme_overrides_the_built_in_theme_file_by_file(small_site: Path) -> None:
    write(small_site, "themes/default/static/style.css", "body { color: rebeccapurple; }\n")
    write(small_site, "themes/default/templates/page.html", "unused\n")
    build(BuildOptions(small_site / "okrsite.yaml"))
    out = small_site / "output"
    assert (out / "static/style.css").read_text() == "body { color: rebeccapurple; }\n"
    # Files the site theme does not override still come from the built-in theme.
    assert "<nav" in (out / "index.html").read_text()


def test_a_named_site_theme_overrides_one_template(small_site: Path) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text() + "theme: acme\n")
    write(small_site, "themes/acme/templates/404.html", "<p>Lost at ACME</p>\n")
    build(BuildOptions(config))
    assert (small_site / "output/404.html").read_text() == "<p>Lost at ACME</p>\n"
    assert (small_site / "output/static/style.css").is_file()


UNSAFE_BODY = """
---
title: "<script>alert('title')</script> Grow"
period: 2026-Q1
key_results:
  - title: "Views <img src=x onerror=alert(1)>"
    start: 0
    target: 10
    checkins:
      - {date: 2026-01-10, value: 2, note: "<script>alert('note')</script>"}
---
<script>alert('body')</script>

[click me](javascript:alert('link')) and [ok](https://example.com)
"""


def test_script_tags_and_javascript_links_from_content_do_not_survive(small_site: Path) -> None:
    write(small_site, "content/objectives/unsafe.md", UNSAFE_BODY)
    build(BuildOptions(small_site / "okrsite.yaml"))
    out = small_site / "output"
    for page in out.rglob("*.html"):
        html = page.read_text().lower()
        assert "<script>alert" not in html, page
        assert "javascript:" not in html.replace("[click me](javascript:", ""), page
        assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", ""), page
    html = (out / "objectives/unsafe/index.html").read_text()
    assert "&lt;script&gt;alert('body')&lt;/script&gt;" in html
    assert 'href="https://example.com"' in html


def test_the_cli_builds_the_demo_site_from_its_folder(demo_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(demo_site)
    assert main(["build"]) == 0
    out = capsys.readouterr()
    assert "built" in out.out and (demo_site / "output/index.html").is_file()
    assert "content/projects/wiki-migration.md" in out.err  # the unaligned-project warning


def test_strict_fails_on_warnings_and_keeps_the_old_output(demo_site_with_cache: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(demo_site_with_cache)
    assert main(["build"]) == 0
    before = tree(demo_site_with_cache / "output")
    assert main(["build", "--strict", "--as-of", "2026-05-20"]) == 1
    assert "warning: project 'wiki-migration' supports no objective" in capsys.readouterr().err
    assert tree(demo_site_with_cache / "output") == before
    assert not any(p.name.startswith(".output.") for p in demo_site_with_cache.iterdir())
    assert os.listdir(demo_site_with_cache / "output")


@pytest.mark.parametrize(("template", "message"), [
    ("<p>{{ no_such_value }}</p>\n", "template error: 'no_such_value' is undefined (making 404.html)"),
    ("<p>\n{{ badge() }}</p>\n",
     "template error: badge() missing 1 required positional argument: 'status' (making 404.html)"),
])
def test_an_error_in_a_site_template_names_the_file_and_line(small_site: Path, template: str, message: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    write(small_site, "themes/default/templates/404.html", template)
    assert main(["build", "--config", str(small_site / "okrsite.yaml")]) == 1
    err = capsys.readouterr().err
    line = 2 if template.startswith("<p>\n") else 1
    assert f"themes/default/templates/404.html:{line}:1: error: {message}" in err.splitlines()
    assert "Traceback" not in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_site_template_that_is_not_utf8_names_the_file_and_line(small_site: Path, jobs: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """With the default jobs the templates' compiling process died on it (EOFError, then the
    UnicodeDecodeError as a traceback); with one job the error named a built-in template."""
    (small_site / "themes/default/templates").mkdir(parents=True)
    (small_site / "themes/default/templates/404.html").write_bytes(b"<p>\n\xff\xfe</p>\n")
    assert main(["build", "--jobs", jobs, "--config", str(small_site / "okrsite.yaml")]) == 1
    err = capsys.readouterr().err
    assert "themes/default/templates/404.html:2:1: error: template error: the file is not valid UTF-8 text " \
           "(byte 0xff)" in err.splitlines()
    assert "Traceback" not in err


def test_a_site_theme_copied_before_a_helper_changed_still_builds_the_same_page(demo_site_with_cache: Path) -> None:
    """Templates copied into a site theme keep calling the helpers as they were: `stale_flag(kr)`
    (now `stale_since(kr, site.as_of)` in the built-in theme) still draws the same flag."""
    build(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    page = "output/objectives/soc2-type-ii/index.html"
    before = (demo_site_with_cache / page).read_text()
    assert "Never updated" in before
    builtin = (REPO / "themes/default/templates/objective.html").read_text()
    assert "stale_since(kr, site.as_of)" in builtin
    write(demo_site_with_cache, "themes/acme/templates/objective.html",
          builtin.replace("stale_since(kr, site.as_of)", "stale_flag(kr)"))
    config = demo_site_with_cache / "okrsite.yaml"
    config.write_text(config.read_text() + "\ntheme: acme\n")
    build(BuildOptions(config))
    assert (demo_site_with_cache / page).read_text() == before


def test_a_unit_with_an_ampersand_reads_as_written_in_a_maintain_key_result_s_band(small_site: Path) -> None:
    """"at least 1 R&D hours" showed as "at least 1 R&amp;D hours": the band's words were escaped twice."""
    write(small_site, "content/objectives/grow.md", """
---
title: Grow
period: 2026-Q1
key_results:
  - {id: research, title: Keep research time, type: maintain, floor: 1, ceiling: 5, current: 3, unit: R&D hours}
  - {id: lab, title: Keep lab time, type: maintain, floor: 1, current: 3, unit: R&D hours}
---
""")
    build(BuildOptions(small_site / "okrsite.yaml", jobs=1))
    html = (small_site / "output/objectives/grow/index.html").read_text()
    assert "(1 R&amp;D hours to 5 R&amp;D hours)" in html and "(at least 1 R&amp;D hours)" in html
    assert "&amp;amp;" not in html


def test_ctrl_c_stops_a_build_at_once_and_leaves_the_output_as_it_was(demo_site_with_cache: Path) -> None:
    """Ctrl-C in the terminal (SIGINT to the build and every process it started) ends the build
    with one line and exit 130: no traceback, nothing of it written, no process left behind."""
    from tests.test_errors import snapshot
    from tests.test_serve import _descendants, _gone

    assert main(["build", "--config", str(demo_site_with_cache / "okrsite.yaml")]) == 0
    before = snapshot(demo_site_with_cache / "output")
    config = demo_site_with_cache / "okrsite.yaml"
    config.write_text(config.read_text().replace("as_of: 2026-05-14", "as_of: 2026-05-15"))  # every page and chart
    proc = subprocess.Popen([sys.executable, "-m", "okrsite", "build"], cwd=demo_site_with_cache,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while len(building := _descendants(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the processes drawing its charts
        assert len(building) >= 2
        os.killpg(proc.pid, signal.SIGINT)
        err = proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
    assert (proc.returncode, err) == (130, "okrsite: interrupted\n")
    assert snapshot(demo_site_with_cache / "output") == before
    assert [pid for pid in building if not _gone(pid, 5)] == []


def _okrsite_build(site: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "okrsite", "build"], cwd=site, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_builds_of_one_site_at_once_take_turns_and_each_succeeds(demo_site: Path, tmp_path: Path) -> None:
    """Three builds started at once shared one staging folder: each failed with "cannot write the
    output folder (.output.okrsite-staging/…)". They take turns now, and the site is a serial build's."""
    builds = [_okrsite_build(demo_site) for _ in range(3)]
    for running in builds:
        out, err = running.communicate(timeout=300)
        assert running.returncode == 0, err
    alone = copy_demo(tmp_path / "alone")
    build(BuildOptions(alone / "okrsite.yaml"))
    assert tree(demo_site / "output") == tree(alone / "output")


def test_a_build_waits_while_another_build_of_the_site_writes(small_site: Path) -> None:
    """The other build holds the site's lock until its output and state are written; this one
    then starts from what that one wrote."""
    from okrsite.build.lock import one_build_at_a_time

    build(BuildOptions(small_site / "okrsite.yaml"))
    waited: list[str] = []
    with one_build_at_a_time(small_site / ".okrsite-cache", waited.append) as other_waited:
        assert not other_waited and not waited
        objective = small_site / "content/objectives/grow.md"
        objective.write_text(objective.read_text().replace("title: Grow", "title: Grow more"))
        running = _okrsite_build(small_site)
        time.sleep(2)
        assert running.poll() is None  # waiting for the lock this test holds
    out, err = running.communicate(timeout=120)
    assert running.returncode == 0 and "Grow more" in (small_site / "output/objectives/grow/index.html").read_text()
