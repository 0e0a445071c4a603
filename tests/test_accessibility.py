"""What a reader sees in a real browser: no serious or critical axe-core violation on any kind of
page (of the demo, the largest and the smallest page of each template, in the light and the dark
scheme, on a desktop and on a phone; of a 100-objective company, the largest, with the longest
lists, on a desktop in the light scheme; tests/pagesample.py); charts that fill their card and
whose text can be read.

axe-core is vendored in tests/data/axe-core/ (see its README). The sites are served over HTTP
(the 404 page's links start at the site root, as on GitHub Pages).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.browser import TIMEOUT_MS, browser, requires_browser  # noqa: F401 - fixtures
from tests.conftest import REPO
from tests.pagesample import sample_pages

pytestmark = requires_browser

AXE = REPO / "tests/data/axe-core/axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MIN_TEXT_PX = 11


class _Site(http.server.SimpleHTTPRequestHandler):
    """A built site at the path of its site_url (where its 404 page's links start), quietly."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def log_message(self, *args: object) -> None:
        pass


def site_path(output: Path) -> str:
    """The path of the site's site_url ("/northwind-okrs/"), "/" without one."""
    config = yaml.safe_load((output.parent / "okrsite.yaml").read_text(encoding="utf-8"))
    path = urllib.parse.urlsplit(config.get("site_url") or "/").path or "/"
    return path if path.endswith("/") else path + "/"


@pytest.fixture(scope="module")
def served(reference_sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Each reference site on a local HTTP server: name -> the URL of its home page."""
    servers, urls = [], {}
    for name, folder in reference_sites.items():
        prefix = site_path(folder)
        handler = type("Handler", (_Site,), {"prefix": prefix})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_port}{prefix}"
    try:
        yield urls
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def axe_problems(page, url: str, rules: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> list[str]:
    """The serious and critical violations axe-core finds on a page (its context loads axe: `with_axe`),
    by all its rules or by those named, less those skipped."""
    page.goto(url)
    options = {"resultTypes": ["violations"], **({"runOnly": {"type": "rule", "values": list(rules)}} if rules else {}),
               "rules": {rule: {"enabled": False} for rule in skip}}
    violations = page.evaluate("""async options => (await axe.run(document, options))
        .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': '
            + (n.any.concat(n.all, n.none)[0] || {message: v.help}).message).join(' | ')}`)""", options)
    return [f"{url}: {v}" for v in violations]


def with_axe(browser, **options):
    """A browser context whose pages load axe-core before their own scripts."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS * 3)
    context.add_init_script(path=str(AXE))
    return context


# What the dark scheme changes is colour: there, the rules that read colours (the others gave the
# same answers in the light scheme, at the same size, and take as long again).
COLOUR_RULES = ("color-contrast", "link-in-text-block")


@pytest.fixture(scope="module")
def checked_pages(reference_sites: dict[str, Path]) -> dict[str, list[str]]:
    """The pages axe checks, by site: the demo's largest and smallest of each template, the company's largest."""
    return {name: sample_pages(output, smallest=name == "demo") for name, output in reference_sites.items()}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_no_kind_of_page_has_a_serious_or_critical_axe_violation(browser, served, checked_pages, scheme: str,
                                                                 size: str) -> None:
    """The company's pages are the demo's templates with longer lists (more rows, badges, links):
    they are checked once, in the light scheme on a desktop (a phone and the dark scheme change
    the same templates the demo shows there), by every rule but the colour rules: the same
    classes give the same colours in a longer list, and the demo's pages show each of them in both
    schemes (colour contrast was half of the company's ~13 s of axe)."""
    context = with_axe(browser, viewport=VIEWPORTS[size], color_scheme=scheme)
    problems: list[str] = []
    sites = list(served) if (size, scheme) == ("desktop", "light") else ["demo"]
    try:
        page = context.new_page()
        for name in sites:
            base = served[name]
            for path in checked_pages[name]:
                problems += axe_problems(page, base + path, COLOUR_RULES if scheme == "dark" else (),
                                         COLOUR_RULES if name == "company" else ())
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_chart_data_tables_that_scroll_on_a_phone_can_be_scrolled_from_the_keyboard(browser, served) -> None:
    """Opened on a phone, a chart's data table wider than the screen scrolls sideways: with nothing
    focusable in it, a keyboard could not scroll it (axe: scrollable-region-focusable)."""
    context = with_axe(browser, viewport=VIEWPORTS["phone"])
    try:
        page = context.new_page()
        page.goto(served["demo"] + "projects/columnar-query-cache/")
        page.evaluate("() => document.querySelectorAll('details.chart__data').forEach(d => d.open = true)")
        wraps = page.locator(".chart__data .table-wrap")
        assert page.evaluate("() => [...document.querySelectorAll('.chart__data .table-wrap')]"
                             ".some(w => w.scrollWidth > w.clientWidth)")  # the case this is about
        assert wraps.first.get_attribute("aria-label").startswith("Data of the chart")
        violations = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'rule',
            values: ['scrollable-region-focusable']}})).violations.map(v => v.id)""")
        assert violations == []
    finally:
        context.close()


def test_axe_finds_text_without_contrast(browser, tmp_path: Path) -> None:
    (tmp_path / "low.html").write_text('<!doctype html><html lang="en"><title>x</title><main>'
                                       '<p style="color: #bbb; background: #fff">Hard to read</p></main></html>')
    context = with_axe(browser)
    try:
        page, url = context.new_page(), (tmp_path / "low.html").as_uri()
        assert any("color-contrast" in p for p in axe_problems(page, url))
        assert axe_problems(page, url, skip=COLOUR_RULES) == []  # what the company's pages skip is not run
    finally:
        context.close()


CHART_PAGES = ["index.html", "objectives/expand-pipeline/index.html", "objectives/seo-visibility/index.html",
               "projects/blog-push/index.html", "periods/2026-Q1/index.html"]


def charts_on(page, url: str) -> list[dict]:
    """Each chart image of the page, loaded, with the file it shows and its rendered width."""
    page.goto(url)
    return page.evaluate("""() => Promise.all([...document.querySelectorAll('.chart__image')].map(async img => {
        img.loading = 'eager';
        await img.decode();
        return {src: img.currentSrc, width: img.getBoundingClientRect().width,
                card: img.closest('.chart').getBoundingClientRect().width};
    }))""")


def smallest_text_px(svg: str, width: float) -> float:
    """The smallest text of an SVG chart in CSS pixels when the image is `width` pixels wide."""
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
    return min(sizes) * width / view_width


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_chart_text_is_at_least_11_px_and_charts_fill_their_card(browser, served, reference_sites,
                                                                  size: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[size])
    context.set_default_timeout(TIMEOUT_MS)
    output, base = reference_sites["demo"], served["demo"]
    seen = []
    try:
        page = context.new_page()
        for path in CHART_PAGES:
            for chart in charts_on(page, base + path):
                name = chart["src"].removeprefix(base)
                text = smallest_text_px((output / name).read_text(), chart["width"])
                seen.append((name, round(text, 1), round(chart["width"] / chart["card"], 2)))
    finally:
        context.close()
    assert len(seen) >= 8
    narrow = [name for name, _, _ in seen if name.endswith("-narrow.svg")]
    assert narrow == ([name for name, _, _ in seen] if size == "phone" else [])
    assert [s for s in seen if s[1] < MIN_TEXT_PX] == []
    assert [s for s in seen if s[2] < 0.9] == []  # a chart takes (nearly) the width of its card
