"""Large sites: rendering in worker processes gives the same bytes as rendering in one."""

from __future__ import annotations

import importlib.util
import multiprocessing
import time
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from okrsite.diagnostics import BuildFailed
from okrsite.site import exports, render
from okrsite.site.pages import Page
from okrsite.site.render import BYTES_PER_WORKER, PAGE_BYTES, shares

REPO = Path(__file__).resolve().parent.parent


def generate(root: Path, objectives: int) -> dict:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(root, objectives)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_one_and_two_processes_build_byte_identical_sites(tmp_path: Path) -> None:
    generate(tmp_path / "site", 180)
    config = tmp_path / "site/okrsite.yaml"
    config.write_text(config.read_text() + "\ncharts: {enabled: false}\n")
    one = build(BuildOptions(config, output=tmp_path / "one", jobs=1))
    two = build(BuildOptions(config, output=tmp_path / "two", jobs=2))
    assert one.pages * PAGE_BYTES >= 2 * BYTES_PER_WORKER
    assert (one.pages_workers, two.pages_workers) == (1, 2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_pages_are_dealt_to_workers_by_weight_heaviest_first() -> None:
    pages = [Page(f"p{index}/index.html", "page.html", "", {}) for index in range(6)]
    sizes = {"p0/index.html": 2_000_000, "p1/index.html": 1_900_000, "p2/index.html": 50_000,
             "p3/index.html": 40_000, "p4/index.html": 30_000, "p5/index.html": 1_000_000}
    dealt = shares(pages, 2, lambda page: sizes[page.url])
    assert [[page.url.split("/")[0] for page in share] for share in dealt] == [["p0", "p2", "p3", "p4"], ["p1", "p5"]]


def test_a_page_and_its_copy_are_dealt_to_one_worker_the_page_first() -> None:
    pages = [Page("alignment/index.html", "a.html", "", {}, copy_of="alignment/q2/index.html"),
             Page("p1/index.html", "page.html", "", {}), Page("alignment/q2/index.html", "a.html", "", {}),
             Page("p2/index.html", "page.html", "", {})]
    sizes = {"alignment/index.html": 3_000_000, "alignment/q2/index.html": 2_000_000, "p1/index.html": 1_500_000,
             "p2/index.html": 1_000_000}
    dealt = shares(pages, 2, lambda page: sizes[page.url])
    assert [[page.url for page in share] for share in dealt] == [
        ["alignment/q2/index.html", "alignment/index.html"], ["p1/index.html", "p2/index.html"]]
    alone = shares(pages[:2], 2, lambda page: sizes[page.url])  # its page kept from the last build
    assert [[page.url for page in share] for share in alone] == [["alignment/index.html"], ["p1/index.html"]]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_page_shown_at_two_addresses_is_rendered_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        jobs: int) -> None:
    """alignment/ and portfolio/ are their default period's pages: each template runs once a
    period, in one process or in workers (their bytes: tests/expected/demo, test_alignment)."""
    generate(tmp_path / "site", 20)
    config = tmp_path / "site/okrsite.yaml"
    config.write_text(config.read_text() + "\ncharts: {enabled: false}\n")
    monkeypatch.setattr(render, "BYTES_PER_WORKER", 1)  # two workers even for a small site
    rendered = multiprocessing.get_context("fork").SimpleQueue()
    original = render.render_page

    def counted(env, page, *args, **kwargs):  # noqa: ANN001, ANN202 - the wrapped function's own
        rendered.put(page.url)
        return original(env, page, *args, **kwargs)

    monkeypatch.setattr(render, "render_page", counted)
    report = build(BuildOptions(config, jobs=jobs))
    urls = []
    while not rendered.empty():
        urls.append(rendered.get())
    assert report.pages_workers == jobs
    assert len(urls) == report.pages - 2 and len(set(urls)) == len(urls)
    assert "alignment/index.html" not in urls and "portfolio/index.html" not in urls
    assert {"alignment/2026-Q2/index.html", "portfolio/2026-Q2/index.html"} <= set(urls)
    output = tmp_path / "site/output"
    for folder in ("alignment", "portfolio"):
        main, period = (output / folder / "index.html").read_text(), (output / folder / "2026-Q2/index.html").read_text()
        assert main == period.replace('"../../', '"../')  # no site_url, so no canonical link


def test_an_edit_that_changes_the_large_lists_renders_them_in_two_processes(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The lists of a large site weigh megabytes: the last build's sizes send an edit's few pages to two
    processes, and the bytes are those of a build from scratch. (A site of 180 objectives, whose
    lists weigh 3 MB, with a worker's share made a quarter: the edit's ~20 pages at the size
    assumed for a page not built yet would be one worker's.)"""
    monkeypatch.setattr(render, "BYTES_PER_WORKER", BYTES_PER_WORKER // 4)
    generate(tmp_path / "site", 180)
    config = tmp_path / "site/okrsite.yaml"
    config.write_text(config.read_text() + "\ncharts: {enabled: false}\n")
    build(BuildOptions(config, jobs=2))
    edited = sorted((tmp_path / "site/content/objectives/2026-Q2").rglob("*.md"))[0]  # the dashboard's period
    edited.write_text(edited.read_text().replace("title: ", "title: Edited ", 1))
    again = build(BuildOptions(config, jobs=2))
    assert again.pages_kept > 0.9 * again.pages
    assert again.pages_workers == 2
    cold = build(BuildOptions(config, output=tmp_path / "cold", jobs=1))
    assert cold.pages_workers == 1
    assert tree(tmp_path / "site/output") == tree(tmp_path / "cold")


def test_a_build_that_fails_while_exports_are_made_beside_it_leaves_no_process(tmp_path: Path, monkeypatch) -> None:
    """okrs.json, the feed and the search index are made in a forked process from the moment the
    model is ready; a template error after that fails the build at once and stops that process
    (here making an export that would take half a minute)."""
    monkeypatch.setitem(exports.EXPORTS, "slow.txt", lambda site: time.sleep(30) or b"")
    generate(tmp_path / "site", 20)
    root = tmp_path / "site"
    (root / "okrsite.yaml").write_text((root / "okrsite.yaml").read_text() + "\ncharts: {enabled: false}\n")
    (root / "themes/default/templates").mkdir(parents=True)
    (root / "themes/default/templates/404.html").write_text("<p>{{ no_such_value }}</p>\n")
    started = time.monotonic()
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(root / "okrsite.yaml", jobs=2))
    assert any("'no_such_value' is undefined" in str(d) for d in failed.value.diagnostics)
    assert time.monotonic() - started < 25  # the failure did not wait for the export
    assert multiprocessing.active_children() == [] and not (root / "output").exists()
