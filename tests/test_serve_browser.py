"""`okrsite serve` in a real headless Chromium: edits show up by themselves, errors as an overlay."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions
from okrsite.commands.serve import Preview
from tests.browser import browser, page, requires_browser  # noqa: F401 - fixtures
from tests.conftest import REPO

pytestmark = requires_browser

OBJECTIVE = "content/objectives/2026-Q1/marketing-seo-visibility.md"
TITLE = "Improve the SEO of the website content to improve its visibility in SERPs"
OVERLAY = "#okrsite-error-overlay"


@pytest.fixture
def preview(demo_site_with_cache: Path) -> Iterator[Preview]:
    """The demo site served in-process on a free port, with a site theme whose CSS tests may edit."""
    css = demo_site_with_cache / "themes/default/static/style.css"
    css.parent.mkdir(parents=True)
    shutil.copy(REPO / "themes/default/static/style.css", css)
    with Preview(BuildOptions(demo_site_with_cache / "okrsite.yaml"), port=0, quiet=True) as running:
        yield running


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_edited_title_appears_without_navigating(preview: Preview, demo_site_with_cache: Path, page) -> None:
    page.goto(preview.url + "objectives/seo-visibility/")
    assert page.locator("h1").inner_text() == TITLE
    scrolled = page.evaluate("""() => {
        window.__okrsiteMarker = 1;
        window.scrollTo(0, 200);
        return window.scrollY;
    }""")
    assert scrolled > 0, "the page should be tall enough to scroll"
    deadline = time.monotonic() + 10  # the page names itself on the reload channel: rebuilds render it first
    while preview.state.open_pages() != ["objectives/seo-visibility/index.html"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert preview.state.open_pages() == ["objectives/seo-visibility/index.html"]

    edit(demo_site_with_cache / OBJECTIVE, f"title: {TITLE}", "title: Rank first for OKR software")

    page.locator("h1", has_text="Rank first for OKR software").wait_for()
    assert page.url == preview.url + "objectives/seo-visibility/"
    assert page.evaluate("window.__okrsiteMarker") is None, "the page reloaded itself"
    page.wait_for_function("window.scrollY === %d" % scrolled)


def test_broken_yaml_shows_an_overlay_that_goes_when_it_is_fixed(preview: Preview, demo_site_with_cache: Path,
                                                                 page) -> None:
    page.goto(preview.url + "objectives/seo-visibility/")
    objective = demo_site_with_cache / OBJECTIVE
    good = objective.read_text()

    objective.write_text(good.replace("period: 2026-Q1", "period: [2026-Q1", 1))
    overlay = page.locator(f"{OVERLAY} li", has_text=OBJECTIVE)
    overlay.wait_for()
    assert "invalid YAML" in overlay.first.inner_text()
    assert page.locator("h1").inner_text() == TITLE, "the last good page stays under the overlay"

    objective.write_text(good)
    page.locator(OVERLAY).wait_for(state="detached")
    assert page.locator("h1").inner_text() == TITLE


def test_a_css_change_applies_without_a_reload(preview: Preview, demo_site_with_cache: Path, page) -> None:
    page.goto(preview.url + "objectives/seo-visibility/")
    page.evaluate("window.__okrsiteMarker = 1")
    css = demo_site_with_cache / "themes/default/static/style.css"
    css.write_text(css.read_text() + "\n:root { --okrsite-probe: 42; }\n")

    page.wait_for_function(
        "getComputedStyle(document.documentElement).getPropertyValue('--okrsite-probe').trim() === '42'")
    assert page.evaluate("window.__okrsiteMarker") == 1, "a stylesheet change must not reload the page"
    assert page.locator('link[rel="stylesheet"]').count() == 1


def test_a_slow_build_shows_a_sign_until_it_ends(preview: Preview, demo_site_with_cache: Path, page,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that takes a while (a theme change at thousands of objectives) says so on the open
    page, and the sign goes when the build ends."""
    page.goto(preview.url + "objectives/seo-visibility/")
    page.evaluate("window.__okrsiteMarker = 1")
    build = preview.builder.build

    def slow_build(*args, **kwargs):
        time.sleep(1.5)
        return build(*args, **kwargs)

    monkeypatch.setattr(preview.builder, "build", slow_build)
    css = demo_site_with_cache / "themes/default/static/style.css"
    css.write_text(css.read_text() + "\n:root { --okrsite-probe: 7; }\n")
    sign = page.locator("#okrsite-busy [role=status]")
    sign.wait_for()
    assert sign.inner_text() == "Updating the preview\u2026"
    sign.wait_for(state="detached")
    page.wait_for_function(
        "getComputedStyle(document.documentElement).getPropertyValue('--okrsite-probe').trim() === '7'")
    assert page.evaluate("window.__okrsiteMarker") == 1, "no reload for a stylesheet"


def test_a_hidden_overlay_stays_hidden_while_the_fix_builds(preview: Preview, demo_site_with_cache: Path, page,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A build starting is no news of the errors: the overlay a reader hid does not come back with
    the old errors while the save that fixes them builds."""
    page.goto(preview.url + "objectives/seo-visibility/")
    objective = demo_site_with_cache / OBJECTIVE
    good = objective.read_text()
    objective.write_text(good.replace("period: 2026-Q1", "period: [2026-Q1", 1))
    page.locator(f"{OVERLAY} li", has_text=OBJECTIVE).wait_for()
    page.locator(f"{OVERLAY} button").click()
    assert page.locator(OVERLAY).count() == 0
    build = preview.builder.build

    def slow_build(*args, **kwargs):
        time.sleep(1.5)
        return build(*args, **kwargs)

    monkeypatch.setattr(preview.builder, "build", slow_build)
    objective.write_text(good)
    page.locator("#okrsite-busy [role=status]").wait_for()
    assert page.locator(OVERLAY).count() == 0, "the old errors came back while the fix built"
    page.wait_for_function("!document.getElementById('okrsite-busy') && !document.getElementById('okrsite-error-overlay')"
                           " && document.readyState === 'complete'")
    assert page.locator("h1").inner_text() == TITLE


def test_an_initial_build_error_shows_on_a_placeholder_until_fixed(demo_site_with_cache: Path, page) -> None:
    objective = demo_site_with_cache / OBJECTIVE
    good = objective.read_text()
    objective.write_text(good.replace("period: 2026-Q1", "period: [2026-Q1", 1))
    with Preview(BuildOptions(demo_site_with_cache / "okrsite.yaml"), port=0, quiet=True) as running:
        page.goto(running.url)
        page.locator(f"{OVERLAY} li", has_text=OBJECTIVE).wait_for()
        note = page.locator(f"{OVERLAY} p").inner_text()
        assert note.startswith("The site has not been built yet.") and "last good build" not in note
        objective.write_text(good)
        page.locator("h1", has_text="Northwind").first.wait_for()
        assert page.locator(OVERLAY).count() == 0


def test_seven_open_pages_of_one_browser_all_reload_after_a_save(preview: Preview, demo_site_with_cache: Path,
                                                                 page) -> None:
    """A browser opens six connections to an HTTP/1 server: with a stream each, six pages left none
    for a seventh page, or for their own reloads. The pages share one stream (a shared worker), which
    names them all, so each is rendered first."""
    urls = ["objectives/seo-visibility/", "", "teams/", "periods/", "projects/", "alignment/", "changes/"]
    pages = [page] + [page.context.new_page() for _ in urls[1:]]
    for tab, url in zip(pages, urls):
        tab.goto(preview.url + url, timeout=15_000)
        tab.evaluate("window.__okrsiteMarker = 1")
    deadline = time.monotonic() + 10
    while len(preview.state.open_pages()) < len(urls) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(preview.state.open_pages()) == len(urls)

    edit(demo_site_with_cache / OBJECTIVE, f"title: {TITLE}", "title: Rank first for OKR software")

    pages[0].locator("h1", has_text="Rank first for OKR software").wait_for(timeout=30_000)
    for tab in pages[1:]:
        tab.wait_for_function("window.__okrsiteMarker === undefined && document.readyState === 'complete'",
                              timeout=30_000)


def test_the_overlay_lists_the_error_before_the_warnings_with_their_rules(preview: Preview, demo_site_with_cache: Path,
                                                                         page) -> None:
    """A template error came after the content's warnings, and the warnings lost their rule."""
    page.goto(preview.url + "teams/")
    broken = demo_site_with_cache / "themes/default/templates/teams.html"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text('{% extends "base.html" %}{% block content %}{{ no_such_helper() }}{% endblock %}\n')
    page.locator(f"{OVERLAY} li").first.wait_for()
    items = page.locator(f"{OVERLAY} li").all_inner_texts()
    assert "error: template error" in items[0] and "no_such_helper" in items[0]
    assert all(": warning: " in item for item in items[1:]), items
    assert any(item.endswith("[unaligned-project]") for item in items[1:]), items
