"""A sample of a built site's pages that still holds every page kind, for the checks too slow to run on
every page (the HTML validator, axe-core in four variants): pages are grouped by their template in the
site's page plan (okrsite.site.pages.site_map), so a new kind of page is sampled without a test naming it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from okrsite.build.builder import BuildOptions, Builder
from okrsite.diagnostics import Diagnostics
from okrsite.site.pages import site_map


def pages_by_template(output: Path) -> dict[str, list[str]]:
    """The built pages (output paths) of each template, smallest file first; the site's okrsite.yaml is
    beside its output folder. HTML files outside the plan (a theme's own pages) come under their path."""
    plan = site_map(Builder(BuildOptions(output.parent / "okrsite.yaml")).load(Diagnostics()))
    kinds: dict[str, list[str]] = defaultdict(list)
    for page in plan:
        kinds[page.template].append(page.url)
    planned = {page.url for page in plan}
    for path in output.rglob("*.html"):
        if (url := path.relative_to(output).as_posix()) not in planned:
            kinds[url].append(url)
    return {template: sorted(urls, key=lambda url: ((output / url).stat().st_size, url))
            for template, urls in sorted(kinds.items())}


def sample_pages(output: Path, smallest: bool = True) -> list[str]:
    """Per template, its largest page (the most of what the template can show: every widget, the longest
    lists) and, unless `smallest` is False, its smallest (the empty states); sorted."""
    kinds = pages_by_template(output).values()
    return sorted({urls[-1] for urls in kinds} | ({urls[0] for urls in kinds} if smallest else set()))
