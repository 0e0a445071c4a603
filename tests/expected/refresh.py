#!/usr/bin/env python3
"""Rebuild tests/expected/demo/ from the bundled demo site, on purpose.

    python tests/expected/refresh.py

Run it when a change is meant to alter the built demo site, then read
`git diff tests/expected/` before committing: the diff is what a reader of the
site will see change. tests/test_expected_output.py fails until the folder
matches a fresh build.

The demo is built from a copy outside git (no commit in the footer), with
`--jobs 1`. Text files are kept as they are; charts (binary or very long SVG)
are kept as one manifest of SHA-256 hashes, `charts.sha256`, headed by the
versions of matplotlib, which drew them, and fontTools, which wrote the scorecard
PDFs' font subsets (other versions write other bytes); the PDFs are in it too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EXPECTED = HERE / "demo"
MANIFEST = "charts.sha256"
TEXT_SUFFIXES = (".html", ".json", ".xml")


def build_demo(into: Path) -> Path:
    """The demo site built in a fresh folder outside git; returns its output folder."""
    site = into / "demo"
    site.mkdir()
    shutil.copy(REPO / "okrsite.yaml", site / "okrsite.yaml")
    shutil.copytree(REPO / "content", site / "content")
    subprocess.run([sys.executable, "-m", "okrsite", "build", "--quiet", "--jobs", "1",
                    "--config", str(site / "okrsite.yaml")], check=True, cwd=site,
                   env={**os.environ, "PYTHONPATH": str(REPO)})  # this repository's okrsite, whatever is installed
    return site / "output"


def drawing_versions() -> str:
    """The versions whose bytes the charts and PDFs are: the manifest's first line."""
    from okrsite import installed_version
    return f"# matplotlib {installed_version('matplotlib')}, fonttools {installed_version('fonttools')}"


def expected_files(output: Path) -> dict[str, bytes]:
    """What the expected folder holds for a built site: its text files, and the chart manifest."""
    files: dict[str, bytes] = {}
    charts: list[str] = []
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        rel = path.relative_to(output).as_posix()
        if rel.startswith("charts/") or rel.endswith(".pdf"):  # drawn by matplotlib: the scorecards too
            charts.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}")
        elif rel.endswith(TEXT_SUFFIXES):
            files[rel] = path.read_bytes()
    files[MANIFEST] = ("\n".join([drawing_versions(), *charts]) + "\n").encode()
    return files


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = expected_files(build_demo(Path(tmp)))
    if EXPECTED.exists():
        shutil.rmtree(EXPECTED)
    for rel, data in files.items():
        target = EXPECTED / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(files)} files to {EXPECTED.relative_to(REPO)}; review them with: git diff --stat tests/expected/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
