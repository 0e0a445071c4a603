#!/usr/bin/env python3
"""How long the search box takes to answer, in Chromium, on a built site.

    python benchmarks/search_query.py OUTPUT_DIR

Opens the site's home page from file:// in headless Chromium (Playwright for Python driving
Debian's /usr/bin/chromium), loads the search index, and times in the page how long the box
takes to search and show the results for each query of QUERIES (after one query to warm up):
what a reader waits for after a key press. `benchmarks/run.py` runs it on the cold build with
charts of each size. Without Playwright or Chromium it says so and measures nothing.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys

CHROMIUM = pathlib.Path("/usr/bin/chromium")
# Short and long, common and rare, an owner, an id, a period, a word in no entry.
QUERIES = ("a", "re", "revenue", "churn rate", "ines patel", "improve the visibility", "q2 churn", "the",
           "seo-visibility-175", "xyzzy")
_ANSWER = """queries => {
    const input = document.getElementById('search-input');
    const answer = q => {
        const start = performance.now();
        input.value = q;
        input.dispatchEvent(new Event('input'));  // searches and shows the results, at once
        return [q, performance.now() - start];
    };
    answer('warm up');
    return queries.map(answer);
}"""


def missing() -> str | None:
    """Why the answer time cannot be measured here, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM}"
    return None


def query_times(output: pathlib.Path) -> dict[str, float] | None:
    """Milliseconds from a query typed to its results shown, by query; None when it cannot be measured."""
    if missing() is not None:
        return None
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
            try:
                page = browser.new_page()
                page.goto((output / "index.html").as_uri())
                page.focus("#search-input")  # the box loads search.js when first used
                page.wait_for_function("window.okrsiteSearchIndex !== undefined", timeout=60_000)
                return {query: ms for query, ms in page.evaluate(_ANSWER, list(QUERIES))}
            finally:
                browser.close()
    except Error as exc:  # Chromium would not start, or the page has no search box: a figure less
        print(f"search box not measured: {exc}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=pathlib.Path, help="a built site's output folder")
    args = parser.parse_args(argv)
    times = query_times(args.output)
    if times is None:
        print(f"not measured: {missing() or 'see the message above'}")
        return 1
    for query, ms in times.items():
        print(f"{ms:7.2f} ms  {query}")
    print(f"slowest {max(times.values()):.2f} ms, median {statistics.median(times.values()):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
