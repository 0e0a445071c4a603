"""The alignment view, read as a manager reads it: which projects move which key results,
which key results nothing moves, which projects support no OKR; one page per period."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from tests.conftest import write
from tests.sitecrawl import page_refs, resolve


def section(page: str, anchor: str) -> str:
    """The text of the <section> whose heading has this id (tags dropped, entities decoded)."""
    match = re.search(rf'<section[^>]*aria-labelledby="{anchor}".*?</section>', page, re.S)
    assert match, f"no section {anchor}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))))


@pytest.fixture
def built(reference_demo: Path) -> Path:
    """The demo's output (the session's: read only)."""
    return reference_demo


def test_the_main_page_is_the_default_period_and_links_every_other(built: Path) -> None:
    page = (built / "alignment/index.html").read_text()
    tree = section(page, "tree-heading")
    assert "Objectives of Q2 2026" in tree and "Make every dashboard feel instant" in tree
    assert "Get new customers to value in weeks" not in tree  # a Q1 objective
    main, q1, q2 = (built / "alignment/index.html", built / "alignment/2026-Q1/index.html",
                    built / "alignment/2026-Q2/index.html")
    # the default period's page also has a URL that stays its own
    assert section(q2.read_text(), "tree-heading") == tree
    assert (q1, "") in [resolve(built, main, ref) for ref in page_refs(page)[0]]
    q1_page = q1.read_text()
    assert "Get new customers to value in weeks" in section(q1_page, "tree-heading")
    assert (q2, "") in [resolve(built, q1, ref) for ref in page_refs(q1_page)[0]]  # and back to Q2
    period_page = built / "periods/2026-Q1/index.html"
    assert (q1, "") in [resolve(built, period_page, ref) for ref in page_refs(period_page.read_text())[0]]


def test_the_main_page_is_its_periods_page_at_a_shorter_address(built: Path) -> None:
    """alignment/ and portfolio/ show the default period's page (rendered once for both
    addresses): the same links, each landing on a page, and the canonical link
    names the period's address, which keeps showing that period."""
    for folder in ("alignment", "portfolio"):
        main, period = built / folder / "index.html", built / folder / "2026-Q2/index.html"
        main_refs, period_refs = page_refs(main.read_text())[0], page_refs(period.read_text())[0]
        assert len(main_refs) == len(period_refs) > 40
        # links climb to the site's root and down: the same links, one level less to climb
        assert main_refs == [re.sub(r"^\.\./\.\./", "../", ref) for ref in period_refs]
        assert all(resolve(built, main, ref) is None or resolve(built, main, ref)[0].is_file() for ref in main_refs)
        canonical = f'<link rel="canonical" href="https://northwind.github.io/northwind-okrs/{folder}/2026-Q2/">'
        assert canonical in main.read_text() and canonical in period.read_text()


def test_each_key_result_shows_the_projects_behind_it_or_none(built: Path) -> None:
    tree = section((built / "alignment/index.html").read_text(), "tree-heading")
    assert re.search(r"Cut p95 dashboard query latency .*? Projects: Columnar cache for aggregate dashboard "
                     r"queries", tree)
    assert re.search(r"Reduce deploy lead time from 5 days to 1 day \d+% \S+ \w[\w ]* No project", tree)
    unsupported = section((built / "alignment/index.html").read_text(), "unsupported-heading")
    assert "Reduce deploy lead time from 5 days to 1 day" in unsupported
    assert "Cut p95 dashboard query latency" not in unsupported


def test_projects_that_support_no_okr_are_listed(built: Path) -> None:
    page = (built / "alignment/index.html").read_text()
    unaligned = section(page, "unaligned-heading")
    assert "Projects that support no OKR (all periods, neither done nor cancelled) 2" in unaligned
    assert "Move the engineering wiki to the docs-as-code repository" in unaligned


def test_a_cancelled_project_that_supports_no_okr_is_counted_on_no_page(demo_site: Path) -> None:
    """The dashboard left a cancelled project out of its count, the alignment page listed it: two
    figures for one question."""
    path = demo_site / "content/projects/wiki-migration.md"
    path.write_text(path.read_text().replace("status: on-hold", "status: cancelled"))
    built = build(BuildOptions(demo_site / "okrsite.yaml", jobs=1)).output
    unaligned = section((built / "alignment/index.html").read_text(), "unaligned-heading")
    assert "(all periods, neither done nor cancelled) 1" in unaligned and "engineering wiki" not in unaligned
    dashboard = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (built / "index.html").read_text())))
    assert " 1 project supporting no OKR " in dashboard


def test_a_supporting_objective_is_nested_under_its_parent(built: Path) -> None:
    page = (built / "alignment/index.html").read_text()
    parent = page.index("Become the analytics platform mid-market retailers choose first")
    child = page.index("Build a mid-market pipeline that covers next quarter")
    assert parent < child and '<ul class="tree">' in page[parent:child]


def test_an_edit_in_one_period_leaves_the_other_periods_page_as_it_was(demo_site_with_cache: Path) -> None:
    built = build(BuildOptions(demo_site_with_cache / "okrsite.yaml")).output
    q1, q2 = built / "alignment/2026-Q1/index.html", built / "alignment/2026-Q2/index.html"
    before = q1.stat().st_mtime_ns, q2.read_bytes()
    path = demo_site_with_cache / "content/objectives/2026-Q2/engineering-faster-queries.md"
    write(demo_site_with_cache, "content/objectives/2026-Q2/engineering-faster-queries.md",
          path.read_text().replace("Make every dashboard feel instant", "Make every dashboard feel instant again"))
    build(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    assert q1.stat().st_mtime_ns == before[0]
    assert q2.read_bytes() != before[1] and "feel instant again" in q2.read_text()


def test_a_period_with_no_objectives_yet_says_so(demo_site_with_cache: Path) -> None:
    build(BuildOptions(demo_site_with_cache / "okrsite.yaml", as_of=__import__("datetime").date(2026, 8, 1)))
    page = (demo_site_with_cache / "output/alignment/index.html").read_text()
    assert "No objectives in Q3 2026 yet" in section(page, "tree-heading")
    assert "Q3 2026 has no key results yet" in section(page, "unsupported-heading")
    assert "Every key result" not in page


def test_parents_and_children_in_other_periods_are_named(demo_site_with_cache: Path) -> None:
    """A Q2 objective that supports a Q1 roll-up: neither page draws it twice, both name it."""
    path = demo_site_with_cache / "content/objectives/2026-Q2/engineering-faster-queries.md"
    path.write_text(path.read_text().replace("period: 2026-Q2\n", "period: 2026-Q2\nparent: grow-inbound\n", 1))
    build(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    q1 = section((demo_site_with_cache / "output/alignment/2026-Q1/index.html").read_text(), "tree-heading")
    assert re.search(r"Make inbound the engine of our new business .*? Also supported by, in other periods: "
                     r"Make every dashboard feel instant \(2026-Q2, \d+%\)", q1)
    q2 = section((demo_site_with_cache / "output/alignment/2026-Q2/index.html").read_text(), "tree-heading")
    assert "Supports, in 2026-Q1: Make inbound the engine of our new business" in q2
