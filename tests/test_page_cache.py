"""The page cache: a commit alone, or a fresh clone with the cache restored, renders no page again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from okrsite.build import pagecache
from okrsite.build.builder import Builder, BuildOptions, build
from okrsite.build.pagecache import MAX_PACKS, SUFFIX, PageCache
from okrsite.diagnostics import Diagnostics
from okrsite.site import charts
from okrsite.site.pages import site_map
from tests.conftest import write

pytestmark = pytest.mark.usefixtures("isolated_git")


def git(repo: Path, *args: str, when: str = "2026-02-10T09:30:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env,
                          timeout=120).stdout.strip()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def self_contained(root: Path) -> int:
    return sum(page.depends == "context"
               for page in site_map(Builder(BuildOptions(root / "okrsite.yaml")).load(Diagnostics())))


def committed(site: Path, message: str, when: str) -> str:
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", message, when=when)
    return git(site, "rev-parse", "HEAD")


@pytest.fixture
def repo(small_site: Path) -> Path:
    git(small_site, "init", "-q")
    write(small_site, ".gitignore", "/output/\n/.okrsite-cache/\n")
    committed(small_site, "Site", "2026-02-10T09:30:00+00:00")
    return small_site


def test_a_commit_alone_renders_no_page_again_and_every_footer_names_it(repo: Path, tmp_path: Path) -> None:
    build(BuildOptions(repo / "okrsite.yaml"))
    write(repo, "README.md", "Our OKRs.\n")  # outside content/: the pages do not change, the commit does
    full = committed(repo, "Readme", "2026-02-12T10:00:00+00:00")
    report = build(BuildOptions(repo / "okrsite.yaml"))
    assert report.pages_kept == 0 and report.pages_cached == self_contained(repo)
    pages = {rel: data for rel, data in tree(repo / "output").items() if rel.endswith(".html")}
    assert all(f'<code title="{full}">{full[:7]}</code> of 12 Feb 2026'.encode() in page for page in pages.values())
    assert not any(b"okrsite:build" in page for page in pages.values())
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", repo.as_uri(), str(clone))
    build(BuildOptions(clone / "okrsite.yaml"))  # from scratch, no cache
    assert tree(clone / "output") == tree(repo / "output")


def test_a_fresh_clone_with_the_cache_restored_takes_its_pages_from_it(repo: Path, tmp_path: Path) -> None:
    build(BuildOptions(repo / "okrsite.yaml"))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", repo.as_uri(), str(clone))
    shutil.copytree(repo / ".okrsite-cache", clone / ".okrsite-cache")
    report = build(BuildOptions(clone / "okrsite.yaml"))
    assert report.pages_cached == self_contained(repo) and report.pages_kept == 0
    assert tree(clone / "output") == tree(repo / "output")


def test_a_site_theme_checked_out_again_keeps_the_cached_pages(repo: Path, tmp_path: Path) -> None:
    """A clone gives every file of a site theme another time (so would a reinstall of okrsite):
    the pages' digests read what the theme's files hold, not when they were written."""
    write(repo, "okrsite.yaml", (repo / "okrsite.yaml").read_text() + "theme: ours\n")
    write(repo, "themes/ours/static/ours.css", ".ours { color: teal }\n")
    committed(repo, "Our theme", "2026-02-11T09:30:00+00:00")
    build(BuildOptions(repo / "okrsite.yaml"))
    clone = _cloned_with_cache(repo, tmp_path)
    os.utime(clone / "themes/ours/static/ours.css", (1_900_000_000, 1_900_000_000))
    report = build(BuildOptions(clone / "okrsite.yaml"))
    assert report.pages_cached == self_contained(repo) and report.pages_kept == 0
    assert tree(clone / "output") == tree(repo / "output")


def test_a_theme_file_linked_from_elsewhere_in_the_site_counts_for_the_pages(repo: Path) -> None:
    """A site theme's file may be a link to a file elsewhere in the site (a build reads it): the
    pages' digests read it too, so editing it renders them again rather than keeping them."""
    write(repo, "okrsite.yaml", (repo / "okrsite.yaml").read_text() + "theme: ours\n")
    write(repo, "shared/ours.css", ".ours { color: teal }\n")
    (repo / "themes/ours/static").mkdir(parents=True)
    (repo / "themes/ours/static/ours.css").symlink_to("../../../shared/ours.css")
    build(BuildOptions(repo / "okrsite.yaml"))
    (repo / "shared/ours.css").write_text(".ours { color: navy }\n")
    report = build(BuildOptions(repo / "okrsite.yaml"))
    assert report.pages_kept == 0 and report.pages_cached == 0
    assert (repo / "output/static/ours.css").read_text() == ".ours { color: navy }\n"


def _cloned_with_cache(repo: Path, tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", repo.as_uri(), str(clone))
    shutil.copytree(repo / ".okrsite-cache", clone / ".okrsite-cache")
    return clone


def _digests(site: Path) -> set[str]:
    """The digests of the last build's self-contained pages, from its state."""
    return set(json.loads((site / ".okrsite-cache/state.json").read_text())["payload"]["extra"]["pages"].values())


def _rewrite_records(site: Path, change: Callable[[list[list[str]]], None]) -> None:
    """Every chart record of the site's page cache, changed and packed again."""
    folder = site / ".okrsite-cache/pages"
    cache, digests = PageCache(folder), _digests(site)
    pages = {digest: cache.get(digest) for digest in digests}
    records = {}
    for digest in digests:
        rows = [[path, key, alt] for path, (key, alt) in sorted(cache.charts(digest).items())]
        if rows:
            change(rows)
            records[digest] = {path: (key, alt) for path, key, alt in rows}
    for pack in folder.iterdir():
        pack.unlink()
    PageCache(folder).keep(digests, pages, records)


def _specified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The chart subjects specified from now on."""
    subjects: list[tuple[str, str]] = []
    chart_spec = charts.chart_spec
    monkeypatch.setattr(charts, "chart_spec", lambda site, subject, look: subjects.append(subject)
                        or chart_spec(site, subject, look))
    return subjects


def test_a_fresh_clone_makes_the_charts_of_pages_from_the_cache_without_specifying_them(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page comes from the page cache (the period page and the dashboard too), its charts from
    the drawings its record names: no chart is specified."""
    build(BuildOptions(repo / "okrsite.yaml"))
    clone = _cloned_with_cache(repo, tmp_path)
    specified = _specified(monkeypatch)
    report = build(BuildOptions(clone / "okrsite.yaml"))
    assert specified == []
    assert report.pages_cached == self_contained(clone) == len(site_map(Builder(BuildOptions(
        clone / "okrsite.yaml")).load(Diagnostics())))  # every page
    assert report.charts_drawn == 0 and tree(clone / "output") == tree(repo / "output")
    # The next build keeps those pages, and the chart files they restored with them; a page whose
    # file is gone comes from the page cache again.
    (clone / "output/index.html").unlink()
    report = build(BuildOptions(clone / "okrsite.yaml"))
    assert (report.pages_kept, report.pages_cached) == (self_contained(clone) - 1, 1)
    assert tree(clone / "output") == tree(repo / "output")


@pytest.mark.parametrize("damage", ["drawings pruned", "a key leading out of the cache", "records not okrsite's"])
def test_charts_the_cache_cannot_give_back_are_specified_and_drawn_again(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    build(BuildOptions(repo / "okrsite.yaml"))
    clone = _cloned_with_cache(repo, tmp_path)
    if damage == "drawings pruned":
        shutil.rmtree(clone / ".okrsite-cache/charts")
    elif damage == "a key leading out of the cache":  # to a drawing of someone else's beside the site
        def planted(rows: list[list[str]]) -> None:
            drawing = next((clone / ".okrsite-cache/charts").glob(f"{rows[0][1]}.*"))
            (tmp_path / f"planted{drawing.suffix}").write_bytes(drawing.read_bytes().replace(b"<g", b"<g><g", 1))
            rows[0][1] = "../../../planted"
        _rewrite_records(clone, planted)
    else:  # the records and the last build's state agree on a chart file leading out of charts/
        state = json.loads((clone / ".okrsite-cache/state.json").read_text())
        shown = state["payload"]["extra"]["charts"]

        def out_of_charts(rows: list[list[str]]) -> None:
            real, rows[0][0] = rows[0][0], "charts/../index.svg"
            for url, paths in shown.items():
                shown[url] = [rows[0][0] if path == real else path for path in paths]
        _rewrite_records(clone, out_of_charts)
        (clone / ".okrsite-cache/state.json").write_text(json.dumps(state))
    specified = _specified(monkeypatch)
    build(BuildOptions(clone / "okrsite.yaml"))
    assert {subject for subject in specified if subject[0] != "period"}
    assert tree(clone / "output") == tree(repo / "output")


def test_a_chart_whose_spec_fails_is_reported_again_by_a_fresh_clone(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its page is never kept or taken from the cache, so `okrsite build --strict` in CI fails as
    a cold build does."""
    from okrsite.site.charts import specs

    monkeypatch.setattr(specs, "kr_trend", lambda *_: 1 / 0)
    first = build(BuildOptions(repo / "okrsite.yaml"))
    again = build(BuildOptions(_cloned_with_cache(repo, tmp_path) / "okrsite.yaml"))
    for report in (first, again):
        assert [w.message for w in report.warnings if "could not be drawn" in w.message] == [
            "chart of key result grow/views could not be drawn: ZeroDivisionError: division by zero"]


def test_the_page_cache_holds_the_last_builds_pages_only(small_site: Path) -> None:
    """Packed, and beside each page that shows charts, where its chart files come from."""
    build(BuildOptions(small_site / "okrsite.yaml"))
    pages = small_site / ".okrsite-cache/pages"
    held = _digests(small_site)
    assert len(held) == self_contained(small_site) and [p.suffix for p in pages.iterdir()] == [SUFFIX]
    cache = PageCache(pages)
    assert all(cache.get(digest) for digest in held) and any(cache.charts(digest) for digest in held)
    grow = small_site / "content/objectives/grow.md"
    grow.write_text(grow.read_text().replace("current: 150", "current: 160"))
    report = build(BuildOptions(small_site / "okrsite.yaml"))
    after = _digests(small_site)
    assert 0 < len(after - held) < report.pages - report.pages_kept + 1
    cache = PageCache(pages)
    assert all(cache.get(digest) for digest in after) and not any(cache.get(digest) for digest in held - after)


def test_edits_leave_few_packs_and_no_page_of_an_earlier_build(small_site: Path) -> None:
    """Each build packs what it made; a pack mostly outlived is carried into the new one, and
    beyond MAX_PACKS the smallest are: the folder stays small however many builds ran."""
    build(BuildOptions(small_site / "okrsite.yaml"))
    grow = small_site / "content/objectives/grow.md"
    text = grow.read_text()
    pages = small_site / ".okrsite-cache/pages"
    for value in (151, 150, 152, 150, 153):  # edits, and edits undone (the first build's pages again)
        grow.write_text(text.replace("current: 150", f"current: {value}"))
        build(BuildOptions(small_site / "okrsite.yaml"))
        cache = PageCache(pages)
        packs = cache._read_packs()
        assert 0 < len(packs) <= MAX_PACKS
        assert cache._where.keys() == _digests(small_site)  # every pack holds some page of the last build only
        assert all(any(cache._where[digest] is pack for digest in pack.entries) for pack in packs)
    shutil.rmtree(small_site / "output")
    assert build(BuildOptions(small_site / "okrsite.yaml")).pages_cached == self_contained(small_site)


def test_a_damaged_page_cache_entry_costs_a_render_not_a_wrong_page(repo: Path, tmp_path: Path) -> None:
    build(BuildOptions(repo / "okrsite.yaml"))
    for path in (repo / ".okrsite-cache/pages").iterdir():
        path.write_bytes(b"not zlib")
    shutil.rmtree(repo / "output")
    report = build(BuildOptions(repo / "okrsite.yaml"))
    assert report.pages_cached == 0
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", repo.as_uri(), str(clone))
    build(BuildOptions(clone / "okrsite.yaml"))
    assert tree(clone / "output") == tree(repo / "output")


@pytest.mark.parametrize("damage", ["cut short", "a page's bytes changed"])
def test_a_damaged_pack_is_rendered_again_and_packed_whole(repo: Path, tmp_path: Path, damage: str) -> None:
    """A pack is renamed into place whole, so one cut short was copied in part (a cache restored
    from a broken upload): it does not read as a pack. One whose page fails zlib's checksum is
    removed when that page is looked up. Either costs renders, never a wrong page."""
    build(BuildOptions(repo / "okrsite.yaml"))
    expected = tree(repo / "output")
    [pack] = (repo / ".okrsite-cache/pages").iterdir()
    whole = pack.read_bytes()
    if damage == "cut short":
        pack.write_bytes(whole[:len(whole) // 2])
    else:
        pack.write_bytes(whole[:40] + bytes(b ^ 0xFF for b in whole[40:50]) + whole[50:])  # in the first page
    shutil.rmtree(repo / "output")
    report = build(BuildOptions(repo / "okrsite.yaml"))
    assert report.pages_cached < self_contained(repo) and tree(repo / "output") == expected
    assert [p.suffix for p in (repo / ".okrsite-cache/pages").iterdir()] == [SUFFIX]
    shutil.rmtree(repo / "output")
    assert build(BuildOptions(repo / "okrsite.yaml")).pages_cached == self_contained(repo)
    assert tree(repo / "output") == expected


def test_pages_cached_by_an_earlier_okrsite_one_file_each_are_removed(small_site: Path) -> None:
    pages = small_site / ".okrsite-cache/pages"
    write(small_site, ".okrsite-cache/pages/0123abcd.html.z", "old")
    write(small_site, ".okrsite-cache/pages/0123abcd.charts.json", "[]")
    build(BuildOptions(small_site / "okrsite.yaml"))
    assert [p.suffix for p in pages.iterdir()] == [SUFFIX]


def test_a_site_theme_showing_the_commit_itself_gets_every_page_rendered_after_a_commit(repo: Path) -> None:
    write(repo, "themes/default/templates/page.html",
          '{% extends "base.html" %}{% block content %}<p class="commit">{{ build_info.commit }}</p>'
          '{{ free_page.title }}{% endblock %}')
    write(repo, "content/pages/about.md", "---\ntitle: About\n---\nHello.\n")
    committed(repo, "Theme", "2026-02-11T10:00:00+00:00")
    build(BuildOptions(repo / "okrsite.yaml"))
    write(repo, "NOTES", "x\n")
    full = committed(repo, "Notes", "2026-02-12T10:00:00+00:00")
    report = build(BuildOptions(repo / "okrsite.yaml"))
    assert report.pages_cached == 0 and report.pages_kept == 0
    assert f'<p class="commit">{full[:7]}</p>' in (repo / "output/pages/about/index.html").read_text()


# --- the pack itself, two writers, crafted packs ---------------------------------------

def _page(n: int) -> tuple[str, bytes]:
    return f"{n:032x}", f"<p>page {n}</p>".encode() * (n + 1)


def test_two_builds_packing_at_once_never_give_one_page_for_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook's build while the preview builds: both number their pack 2 (each listed the folder
    before the other wrote), neither replaces the other's, and a reader of one never gets the
    other's bytes."""
    folder = tmp_path / "pages"
    PageCache(folder).keep({_page(1)[0]}, dict([_page(1)]))
    first, second = PageCache(folder), PageCache(folder)
    listed = second._names()
    first.keep({_page(1)[0], _page(2)[0]}, dict([_page(2)]))
    reader = PageCache(folder)
    assert reader.get(_page(2)[0]) == _page(2)[1]
    monkeypatch.setattr(second, "_names", lambda: listed)  # as if it had listed the folder first
    second.keep({_page(1)[0], _page(3)[0]}, dict([_page(3)]))
    assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == ["00000001", "00000002", "00000002"]
    assert reader.get(_page(2)[0]) == _page(2)[1] and reader.get(_page(1)[0]) == _page(1)[1]
    after = PageCache(folder)
    assert [after.get(_page(n)[0]) for n in (1, 2, 3)] == [_page(n)[1] for n in (1, 2, 3)]


def _resized(data: bytes, index: dict[str, list[int]], digest: str, entry: bytes) -> tuple[bytes, int]:
    """The pack's entries (`data`, up to its index) with the page of `digest` replaced by `entry`,
    the spans after it moved (changed in `index`); and where the index now starts."""
    start, length = index[digest][0], index[digest][1]
    shift = len(entry) - length
    for span in index.values():
        if span[0] > start:
            span[0] += shift
        span[2] += shift * (span[2] > start)
    index[digest][1] = len(entry)
    return data[:start] + entry + data[start + length:], len(data) + shift


@pytest.mark.parametrize("craft", ["spans swapped", "spans overlapping", "a key that is no digest",
                                   "an index far too large", "bytes after a page's stream", "a page far too large",
                                   "an entry far too long"])
def test_a_crafted_pack_gives_no_page(tmp_path: Path, craft: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pages"
    one, two = _page(1)[0], _page(2)[0]
    PageCache(folder).keep({one, two}, dict([_page(1), _page(2)]))
    assert PageCache(folder).get(one) == _page(1)[1]  # as written, it gives its pages
    [pack] = folder.iterdir()
    data = pack.read_bytes()
    start = int(data[-12:])
    index = json.loads(data[start:-len(pagecache.MAGIC) - 12])
    data = data[:start]
    if craft == "spans swapped":  # the index names the other page's bytes: their digest says so
        index[one], index[two] = index[two], index[one]
    elif craft == "spans overlapping":  # one's span runs on into two's
        index[one][1] += index[two][1]
    elif craft == "a key that is no digest":
        index["../../x"] = index.pop(one)
    elif craft == "bytes after a page's stream":  # zlib would unpack the first stream and stop
        data, start = _resized(data, index, one, data[index[one][0]:index[one][0] + index[one][1]] + b"junk")
    elif craft == "a page far too large":  # a few kilobytes that unpack past the limit (a bomb: gigabytes)
        monkeypatch.setattr(pagecache, "MAX_PAGE", 1 << 20)
        data, start = _resized(data, index, one, one.encode() + zlib.compress(b"\0" * (pagecache.MAX_PAGE + 1), 9))
    elif craft == "an entry far too long":  # to be read whole (a sparse file: gigabytes)
        monkeypatch.setattr(pagecache, "MAX_ENTRY", len(one) + 8)
    listed = json.dumps(index, separators=(",", ":")).encode()
    if craft == "an index far too large":
        listed = listed[:-1] + b"," + b",".join(b'"%032x":[0,0,0,0]' % n for n in range(10, 10 + 200_000)) + b"}"
        monkeypatch.setattr(pagecache, "MAX_INDEX", len(listed) - 1)
    pack.write_bytes(data + listed + pagecache.MAGIC + b"%012d" % start)
    cache = PageCache(folder)
    assert cache.get(one) is None
    # The other page: gone with a pack that is no pack, or whose spans were swapped; else as written.
    intact = craft in ("bytes after a page's stream", "a page far too large")
    assert cache.get(two) == (_page(2)[1] if intact else None)


def test_pack_numbers_grow_past_eight_digits(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    PageCache(folder).keep({_page(1)[0]}, dict([_page(1)]))
    [pack] = folder.iterdir()
    pack.rename(folder / "99999999-00000000.pack")
    PageCache(folder).keep({_page(1)[0], _page(2)[0]}, dict([_page(2)]))
    assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == ["100000000", "99999999"]
    assert PageCache(folder).get(_page(2)[0]) == _page(2)[1]


def test_what_a_stopped_write_left_is_removed_once_old_and_no_file_at_a_packs_name_stops_the_cache(
        tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "00000001-00000000.pack").mkdir()  # not a pack, and cannot be removed as one
    os.mkfifo(folder / "00000002-00000000.pack")  # nor is a named pipe, which must not be waited on
    old, recent = folder / ".00000001-00000000.pack.0123456789ab.tmp", folder / ".00000002-00000000.pack.456789abcdef.tmp"
    old.write_bytes(b"half a pack")
    recent.write_bytes(b"a build writing now")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    PageCache(folder).keep({_page(1)[0]}, dict([_page(1)]))
    assert not old.exists() and recent.exists()
    assert PageCache(folder).get(_page(1)[0]) == _page(1)[1]


def test_a_build_that_makes_nothing_new_writes_no_pack(tmp_path: Path) -> None:
    """Even with the folder at MAX_PACKS: room is made only for a pack that is written."""
    folder = tmp_path / "pages"
    held = set()
    for n in range(MAX_PACKS):
        held.add(_page(n)[0])
        PageCache(folder).keep(set(held), dict([_page(n)]))
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == MAX_PACKS
    PageCache(folder).keep(set(held), {})
    assert sorted(p.name for p in folder.iterdir()) == names
    PageCache(folder).keep(held | {_page(99)[0]}, dict([_page(99)]))
    assert len(list(folder.iterdir())) <= MAX_PACKS
    cache = PageCache(folder)
    assert all(cache.get(digest) == page for digest, page in map(_page, [*range(MAX_PACKS), 99]))
