"""Take the README's screenshots of the demo site: `python docs/screenshots.py`.

Builds the demo (content/) into a temporary folder and photographs the main pages with
Debian's Chromium through Playwright (never `playwright install`), as a desktop and a
phone would show them, into docs/img/. JPEG at quality 70 keeps each under ~150 kB.
Run it after a change to the theme or the demo, and commit the pictures it writes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"

# (file name, page of the demo, viewport width, height, colour scheme)
SHOTS = (
    ("dashboard", "index.html", 1280, 900, "light"),
    ("objective", "objectives/faster-queries/index.html", 1280, 900, "light"),
    ("portfolio", "portfolio/index.html", 1280, 900, "dark"),
    ("alignment", "alignment/index.html", 1280, 900, "light"),
    ("phone", "objectives/reliable-platform/index.html", 390, 844, "light"),
)


def build_demo(into: Path) -> Path:
    """The demo site built with links that work from disk (file://)."""
    site = into / "site"
    shutil.copytree(REPO / "content", site / "content")
    config = (REPO / "okrsite.yaml").read_text() + "\npretty_urls: false\n"
    (site / "okrsite.yaml").write_text(config)
    subprocess.run([sys.executable, "-m", "okrsite", "build", "--quiet", "--config", str(site / "okrsite.yaml")],
                   check=True)
    return site / "output"


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        output = build_demo(Path(tmp))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            for name, page_path, width, height, scheme in SHOTS:
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                              device_scale_factor=1)
                page = context.new_page()
                page.goto((output / page_path).as_uri())
                target = OUT / f"{name}.jpg"
                page.screenshot(path=str(target), type="jpeg", quality=70)
                print(f"{target.relative_to(REPO)}: {target.stat().st_size // 1024} kB")
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
