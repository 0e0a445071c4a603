"""A headless Chromium for tests: Playwright for Python driving Debian's /usr/bin/chromium.

Import the fixtures into a test module (`from tests.browser import browser, page`).
Without Chromium or Playwright the tests are skipped with the reason, except under
CI (CI=true), where a missing browser is a failure: CI must run them.
Never run `playwright install`: the system Chromium is the one we test with.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright; do not run 'playwright install')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def _skip_here() -> bool:
    return missing_browser() is not None and os.environ.get("CI") != "true"


# Mark browser test modules with this: skipped, with the reason, only outside CI.
requires_browser = pytest.mark.skipif(_skip_here(), reason=str(missing_browser()))


# Per module, not per session: Playwright keeps a thread running, and a process with other threads
# renders pages without forking workers (tests/test_parallel.py counts them).
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    reason = missing_browser()
    if reason is not None:  # under CI (elsewhere requires_browser has skipped the test)
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page in its own context (no shared storage), small enough to scroll."""
    context = browser.new_context(viewport={"width": 1000, "height": 500})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
