"""`okrsite serve` over raw HTTP: what it serves, what it refuses, rebuilds, ports and shutdown."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrsite.commands import server as preview_server
from okrsite.build.builder import BuildOptions
from okrsite.commands.cli import main
from okrsite.commands.server import BadPath, url_parts
from okrsite.commands.serve import Preview
from tests.conftest import REPO, write
from tests.sse import EventStream

OBJECTIVE = "content/objectives/2026-Q1/marketing-seo-visibility.md"
OBJECTIVE_URL = "/objectives/seo-visibility/"


# --- helpers ---------------------------------------------------------------

def request(port: int, raw: bytes | str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send one raw request; return status, headers (lower-case names) and body."""
    data = raw.encode() if isinstance(raw, str) else raw
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def get(port: int, target: str, method: str = "GET", host: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    return request(port, f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n")


def preview_of(site: Path, **kwargs) -> Preview:
    """A quiet preview on a free port; `with` starts and stops it."""
    return Preview(BuildOptions(site / "okrsite.yaml"), port=0, quiet=True, **kwargs)


def port_of(preview: Preview) -> int:
    return int(preview.url.rsplit(":", 1)[1].strip("/"))


@pytest.fixture(scope="module")
def demo_preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One served demo copy for the tests that only read from it."""
    site = tmp_path_factory.mktemp("served") / "demo"
    site.mkdir()
    shutil.copy(REPO / "okrsite.yaml", site / "okrsite.yaml")
    shutil.copytree(REPO / "content", site / "content")
    with preview_of(site) as preview:
        yield preview


@pytest.fixture(scope="module")
def port(demo_preview: Preview) -> int:
    return port_of(demo_preview)


# --- paths -------------------------------------------------------------------

@pytest.mark.parametrize("target, parts", [
    ("/", ()), ("/objectives/x/", ("objectives", "x")), ("/a%20b.html?x=1#y", ("a b.html",)),
    ("/static/style.css?okrsite-reload=3", ("static", "style.css")), ("/%252e%252e/", ("%2e%2e",)),
])
def test_url_parts_decodes_a_path_once(target: str, parts: tuple[str, ...]) -> None:
    assert url_parts(target) == parts


@pytest.mark.parametrize("target", [
    "/../okrsite.yaml", "/%2e%2e/okrsite.yaml", "/%2E%2E%2Fokrsite.yaml", "/..%2fokrsite.yaml",
    "/static/../../okrsite.yaml", "//etc/passwd", "/%2F%2Fetc/passwd", "/..\\okrsite.yaml",
    "/%5c..%5cokrsite.yaml", "/a%00.html", "/C:/Windows/win.ini", "http://evil.example/../okrsite.yaml",
    "okrsite.yaml", "/%ff%fe",
])
def test_url_parts_refuses_what_could_leave_the_site(target: str) -> None:
    with pytest.raises(BadPath):
        url_parts(target)


@pytest.mark.parametrize("target", [
    "/../okrsite.yaml", "/%2e%2e/okrsite.yaml", "/%2e%2e/", "/..%2fokrsite.yaml", "/..%2f..%2f..%2fetc/passwd",
    "//etc/passwd", "/..\\okrsite.yaml", "/%5c..%5cokrsite.yaml", "/static/%2e%2e/%2e%2e/okrsite.yaml",
    "/okrs.json%00.html", "http://127.0.0.1/../okrsite.yaml", "/.%2e/okrsite.yaml",
])
def test_traversal_requests_never_reach_files_outside_the_site(port: int, target: str) -> None:
    status, _, body = get(port, target)
    assert status in (400, 404)
    assert b"Northwind Analytics OKRs\ndescription" not in body and b"root:" not in body


def test_symlinks_leading_outside_the_site_are_not_followed(demo_preview: Preview, port: int) -> None:
    output = demo_preview.state.output
    links = {"leak.yaml": output.parent / "okrsite.yaml", "etc": Path("/etc"), "inside.json": output / "okrs.json"}
    for name, target in links.items():
        (output / name).symlink_to(target)
    try:
        assert get(port, "/leak.yaml")[0] == 404
        assert get(port, "/etc/passwd")[0] == 404
        assert get(port, "/inside.json")[0] == 200
    finally:
        for name in links:
            (output / name).unlink()


# --- what is served ------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"])
def test_only_get_and_head_are_allowed(port: int, method: str) -> None:
    status, headers, _ = get(port, "/", method=method)
    assert status == 405
    assert headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("target, expected", [
    ("/", "text/html; charset=utf-8"),
    (OBJECTIVE_URL, "text/html; charset=utf-8"),
    ("/static/style.css", "text/css; charset=utf-8"),
    ("/static/favicon.svg", "image/svg+xml"),
    ("/assets/logo.svg", "image/svg+xml"),
    ("/okrs.json", "application/json"),
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/__okrsite__/livereload.js", "text/javascript; charset=utf-8"),
])
def test_files_are_served_with_their_content_type(port: int, target: str, expected: str) -> None:
    status, headers, body = get(port, target)
    assert (status, headers["content-type"]) == (200, expected)
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body) > 0


def test_files_are_served_as_built(demo_preview: Preview, port: int) -> None:
    output = demo_preview.state.output
    assert get(port, "/okrs.json")[2] == (output / "okrs.json").read_bytes()
    assert get(port, "/static/style.css")[2] == (output / "static/style.css").read_bytes()


def test_a_missing_path_gets_the_sites_404_page_with_status_404(demo_preview: Preview, port: int) -> None:
    status, headers, body = get(port, "/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    built = (demo_preview.state.output / "404.html").read_bytes()
    assert body.replace(b"</body>", b"").startswith(built.split(b"</body>")[0])


def test_the_404_pages_links_from_site_urls_path_resolve_in_the_preview(port: int) -> None:
    """The demo's site_url ends in /northwind-okrs/; its 404 page links from that path."""
    status, _, page = get(port, "/no/such/page/")
    assert status == 404 and b'href="/northwind-okrs/static/style.css"' in page
    status, headers, css = get(port, "/northwind-okrs/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b"--on-track" in css
    assert get(port, "/northwind-okrs/objectives/seo-visibility/")[0] == 200


def test_a_folder_without_its_slash_is_redirected(port: int) -> None:
    status, headers, _ = get(port, "/objectives/seo-visibility?x=1")
    assert (status, headers["location"]) == (301, "/objectives/seo-visibility/?x=1")


def test_head_sends_the_headers_of_get_without_a_body(port: int) -> None:
    status, headers, body = get(port, OBJECTIVE_URL, method="HEAD")
    _, get_headers, get_body = get(port, OBJECTIVE_URL)
    assert (status, body) == (200, b"")
    assert headers["content-type"] == get_headers["content-type"]
    assert int(headers["content-length"]) == len(get_body)


def test_a_foreign_host_header_is_refused_on_loopback(port: int) -> None:
    assert get(port, "/", host="evil.example")[0] == 403
    assert get(port, "/", host="localhost")[0] == 200


def test_the_reload_script_is_added_to_served_html_only(demo_preview: Preview, port: int) -> None:
    _, _, body = get(port, OBJECTIVE_URL)
    assert body.count(b"/__okrsite__/livereload.js") == 1
    assert body.rstrip().endswith(b"</html>")
    built = (demo_preview.state.output / "objectives/seo-visibility/index.html").read_bytes()
    assert b"__okrsite__" not in built
    assert b"__okrsite__" not in get(port, "/okrs.json")[2]


def test_okrsite_build_output_has_no_trace_of_the_preview(demo_site_with_cache: Path) -> None:
    assert main(["build", "--quiet", "--config", str(demo_site_with_cache / "okrsite.yaml")]) == 0
    for path in (demo_site_with_cache / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for trace in (b"__okrsite__", b"livereload", b"EventSource", b"okrsite-error-overlay"):
                assert trace not in data, f"{path} contains {trace!r}"


# --- the reload channel ------------------------------------------------------------

def test_a_content_change_bumps_the_page_version_and_a_css_change_only_the_style_version(
        demo_site_with_cache: Path) -> None:
    write(demo_site_with_cache, "themes/default/static/style.css",
          (REPO / "themes/default/static/style.css").read_text())
    with preview_of(demo_site_with_cache) as preview:
        events = EventStream(port_of(preview))
        first = events.next()
        assert first["errors"] == []

        css = demo_site_with_cache / "themes/default/static/style.css"
        css.write_text(css.read_text() + "\n.probe { color: red }\n")
        styled = events.next()
        assert (styled["pages"], styled["styles"]) == (first["pages"], first["styles"] + 1)

        objective = demo_site_with_cache / OBJECTIVE
        objective.write_text(objective.read_text().replace("title: Improve", "title: Really improve", 1))
        edited = events.next()
        assert (edited["pages"], edited["styles"]) == (first["pages"] + 1, styled["styles"])

        objective.touch()  # a save without a change: rebuilt, but the versions stay
        again = events.next()
        assert (again["pages"], again["styles"]) == (edited["pages"], edited["styles"])
        events.close()


def test_the_preview_knows_which_pages_are_open_and_forgets_a_closed_one_at_once(demo_preview: Preview) -> None:
    """Pages name themselves on the reload channel (as output paths: a folder's index.html); a page
    that closes its stream is no longer open, before the stream's next write; a name that could
    leave the site is no page."""
    port = port_of(demo_preview)
    objective = EventStream(port, page=OBJECTIVE_URL)
    dashboard = EventStream(port, page="/")
    outside = EventStream(port, page="/../../etc/passwd")
    objective.next(), dashboard.next(), outside.next()
    assert demo_preview.state.open_pages() == ["index.html", "objectives/seo-visibility/index.html"]
    objective.close()
    deadline = time.monotonic() + 5
    while len(demo_preview.state.open_pages()) > 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert demo_preview.state.open_pages() == ["index.html"]
    dashboard.close(), outside.close()


@pytest.mark.parametrize("forks", [True, False], ids=["build-process", "no-fork"])
def test_an_open_page_reloads_as_soon_as_it_is_rendered_and_the_rest_follows(demo_site_with_cache: Path, forks: bool,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A page names itself on the reload channel; a save renders it first, and its reload comes
    before the build has written the rest. The page it then gets is the one the build writes, the
    other pages show the same save, and the end of the build reloads nothing again. Where the
    preview cannot fork a build process, it builds in its own, and shows the page's new charts
    first as well (it had not loaded what draws them)."""
    if not forks:
        monkeypatch.setattr("okrsite.build.host.can_fork", lambda: False)
    objective = demo_site_with_cache / OBJECTIVE
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        events = EventStream(port, page=OBJECTIVE_URL)
        first = events.next()
        shown: list[list[str]] = []
        show_first = preview.state.show_first
        preview.state.show_first = lambda pages, asked: (  # type: ignore[method-assign]
            shown.append(sorted(pages)), show_first(pages, asked))
        assert preview.state.open_pages() == ["objectives/seo-visibility/index.html"]

        objective.write_text(objective.read_text().replace("title: Improve", "title: Really improve", 1))
        edited = events.next()
        assert edited["pages"] == first["pages"] + 1 and len(shown) == 1
        assert [path for path in shown[0] if path.endswith(".html")] == ["objectives/seo-visibility/index.html"]
        assert "charts/objectives/seo-visibility/overview.svg" in shown[0]  # its charts with it
        page = get(port, OBJECTIVE_URL)[2].decode()
        assert "Really improve" in page and f'data-pages="{edited["pages"]}"' in page
        assert "Really improve" in get(port, "/periods/2026-Q1/")[2].decode()  # waited for the build
        preview.state.wait_built(timeout=30)
        written = (preview.state.output / "objectives/seo-visibility/index.html").read_text()
        assert livereload_free(page) == written
        assert preview.state.snapshot().pages == edited["pages"]  # nothing to reload once written
        events.close()


def livereload_free(page: str) -> str:
    """A served page as the build wrote it: without the reload script the preview adds."""
    return re.sub(r'<script src="/__okrsite__/livereload.js"[^>]*></script>', "", page)


def test_while_pages_are_shown_first_other_pages_wait_for_the_build_and_static_files_do_not(
        demo_site_with_cache: Path) -> None:
    """Between a build's first pages and its end: the first pages come from memory, another page
    (and a chart) waits for the build, the theme's static files do not; a build that writes the
    first pages as shown reloads nothing more, one that writes them otherwise reloads them again.
    A page the build shows as it is already served reloads nothing."""
    with preview_of(demo_site_with_cache) as preview:
        port, state = port_of(preview), preview.state
        dashboard = state.output / "index.html"
        pages = state.snapshot().pages
        state.building()
        state.show_first({"index.html": dashboard.read_bytes()})
        assert state.snapshot().pages == pages and state.first_file("index.html") is None

        state.show_first({"index.html": b"<html><body>early</body></html>", "charts/periods/2026-Q1.svg": b"<svg/>"})
        assert state.snapshot().pages == pages + 1
        status, _, body = get(port, "/")
        assert status == 200 and body.startswith(b"<html><body>early") and b"livereload.js" in body
        status, headers, body = get(port, "/charts/periods/2026-Q1.svg")  # a chart of it, shown first too
        assert (status, headers["content-type"], body) == (200, "image/svg+xml", b"<svg/>")
        held: dict[str, bytes] = {}
        waiting = [threading.Thread(target=lambda target=target: held.update({target: get(port, target)[2]}))
                   for target in ("/periods/", "/charts/periods/2026-Q1-narrow.svg")]
        for thread in waiting:
            thread.start()
        assert get(port, "/static/style.css")[0] == 200
        time.sleep(0.5)
        assert held == {}
        dashboard.write_bytes(b"<html><body>early</body></html>")
        (state.output / "charts/periods/2026-Q1.svg").write_bytes(b"<svg/>")
        state.built(state.output, ["index.html", "periods/index.html"])
        for thread in waiting:
            thread.join(10)
        assert sorted(held) == ["/charts/periods/2026-Q1-narrow.svg", "/periods/"] and state.snapshot().pages == pages + 1

        state.building()
        state.show_first({"index.html": b"<html><body>shown</body></html>"})
        state.built(state.output, ["index.html"])  # the build wrote it otherwise (the file did not change)
        assert state.snapshot().pages == pages + 3


def test_an_open_page_the_save_did_not_change_does_not_reload(demo_site_with_cache: Path) -> None:
    """The open pages found as served (another page edited): no reload, neither at once nor when the
    build ends; but a page asked for and not made (gone) reloads at the end, and so do all when a
    theme file or a content asset they load changed."""
    with preview_of(demo_site_with_cache) as preview:
        state = preview.state
        dashboard = (state.output / "index.html").read_bytes()
        pages = state.snapshot().pages
        for asked, changed, reloads in (
                (["index.html"], ["objectives/seo-visibility/index.html"], False),
                (["index.html", "objectives/gone/index.html"], ["objectives/gone/index.html"], True),
                (["index.html"], ["static/search-box.js", "objectives/seo-visibility/index.html"], True),
                (["index.html"], ["assets/logo.svg"], True),
                (["index.html"], ["static/style.css"], False)):
            state.building()
            state.show_first({"index.html": dashboard}, asked)
            assert state.snapshot().pages == pages and state.first_file("index.html") is None
            state.built(state.output, changed)
            pages, was = state.snapshot().pages, pages
            assert pages == was + reloads, (asked, changed)


def test_a_free_page_added_or_a_language_changed_reloads_the_open_pages_once_with_the_new_menu(
        demo_site_with_cache: Path) -> None:
    """The open pages are shown first with the last menu: a new free page left them as served (no
    reload at all, the menu stale); a new language showed a German page under an English menu,
    then reloaded again. Such a change waits for the build, and the open pages reload once."""
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        events = EventStream(port, page="/teams/")
        first = events.next()
        write(demo_site_with_cache, "content/pages/handbook.md", "---\ntitle: Our OKR handbook\n---\nHow we work.\n")
        added = events.next()
        assert added["pages"] == first["pages"] + 1
        assert "Our OKR handbook" in get(port, "/teams/")[2].decode()
        preview.state.wait_built(timeout=30)
        config = demo_site_with_cache / "okrsite.yaml"
        config.write_text(config.read_text() + "language: de\n")
        german = events.next()
        assert german["pages"] == added["pages"] + 1
        page = get(port, "/teams/")[2].decode()
        assert '<html lang="de" ' in page and ">Teams</a>" in page and ">Dashboard</a>" not in page
        preview.state.wait_built(timeout=30)
        assert preview.state.snapshot().pages == german["pages"]  # the end of the build reloads nothing again
        events.close()


def test_the_channel_says_when_a_build_starts_and_when_it_ends(demo_site_with_cache: Path) -> None:
    """The pages show a sign while a build takes a while: the channel says when one starts."""
    with preview_of(demo_site_with_cache) as preview:
        events = EventStream(port_of(preview))
        first = events.next(signs=True)
        assert first["building"] is False
        objective = demo_site_with_cache / OBJECTIVE
        objective.write_text(objective.read_text().replace("title: Improve", "title: Really improve", 1))
        started = events.next(signs=True)
        assert started["building"] is True and (started["pages"], started["errors"]) == (first["pages"], [])
        ended = events.next(signs=True)
        assert ended["building"] is False and ended["pages"] == first["pages"] + 1
        assert preview.state.snapshot().builds == 2  # the first build, and this one
        events.close()


def test_a_failed_build_sends_its_diagnostics_and_keeps_the_last_good_site(demo_site_with_cache: Path) -> None:
    objective = demo_site_with_cache / OBJECTIVE
    good = objective.read_text()
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        events = EventStream(port)
        events.next()
        before = get(port, OBJECTIVE_URL)[2]
        objective.write_text(good.replace("period: 2026-Q1", "period: [2026-Q1", 1))
        failed = events.next()
        yaml_error = [e for e in failed["errors"] if e["path"] == OBJECTIVE]
        assert yaml_error and yaml_error[0]["severity"] == "error" and yaml_error[0]["line"] > 1
        assert "YAML" in yaml_error[0]["message"]
        assert get(port, OBJECTIVE_URL)[2] == before

        objective.write_text(good)
        assert events.next()["errors"] == []
        events.close()


@pytest.mark.parametrize("setting", ["link", "output_dir"])
def test_an_output_folder_leading_out_of_the_site_is_never_served(small_site: Path, tmp_path: Path,
                                                                   setting: str) -> None:
    """A committed `output` link (or output_dir) leading to `/` made the preview serve /etc/passwd:
    the build refused the folder, the server served it. Until a build succeeds, nothing is."""
    outside = tmp_path / "secrets"
    write(outside, "secret.txt", "a token")
    if setting == "link":
        (small_site / "output").symlink_to(outside)
    else:
        write(small_site, "okrsite.yaml", (small_site / "okrsite.yaml").read_text() + f"output_dir: {outside}\n")
    with preview_of(small_site) as preview:
        port = port_of(preview)
        status, _, body = get(port, "/secret.txt")
        assert status == 503 and b"a token" not in body and b"/__okrsite__/livereload.js" in body
        events = EventStream(port)
        [error] = events.next()["errors"]
        assert f"the output folder {outside.resolve()} lies outside the site folder" in error["message"]
        events.close()
    assert sorted(path.name for path in outside.iterdir()) == ["secret.txt"]


def test_an_initial_build_that_fails_still_serves_a_placeholder(small_site: Path) -> None:
    write(small_site, "content/objectives/grow.md", "---\ntitle: [oops\n---\n")
    with preview_of(small_site) as preview:
        port = port_of(preview)
        status, headers, body = get(port, "/")
        assert status == 503 and b"/__okrsite__/livereload.js" in body
        events = EventStream(port)
        assert events.next()["errors"][0]["path"] == "content/objectives/grow.md"
        events.close()


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_the_watcher_rebuilds_once_for_a_burst_of_saves_and_ignores_editor_litter(demo_site_with_cache: Path,
                                                                                   poll: bool) -> None:
    objective = demo_site_with_cache / OBJECTIVE
    text = objective.read_text()
    with preview_of(demo_site_with_cache, poll=poll) as preview:
        events = EventStream(port_of(preview))
        first = events.next()
        builds = preview.state.snapshot().builds
        folder = objective.parent
        for name in (".marketing-seo-visibility.md.swp", "marketing-seo-visibility.md~", "4913",
                     ".#marketing-seo-visibility.md", "notes.tmp"):
            (folder / name).write_text("litter")
        (preview.state.output / "index.html").write_text("touched by hand")
        (demo_site_with_cache / "serve.log").write_text("okrsite serve > serve.log")  # not read by a build
        (demo_site_with_cache / ".git").mkdir()
        (demo_site_with_cache / ".git" / "index").write_text("a commit")
        (demo_site_with_cache / ".okrsite-cache").mkdir(exist_ok=True)
        (demo_site_with_cache / ".okrsite-cache" / "chart.svg").write_text("<svg/>")
        time.sleep(0.7)  # the watcher would have rebuilt by now (polling: twice over), had it not ignored all that
        for n in range(5):  # five vim-style saves: write a temporary file, rename it over the original
            tmp = folder / f"save-{n}.tmp"
            tmp.write_text(text.replace("title: Improve", f"title: Edit {n} -", 1))
            os.replace(tmp, objective)
        changed = events.next()
        assert changed["pages"] == first["pages"] + 1
        assert "Edit 4 -" in get(port_of(preview), OBJECTIVE_URL)[2].decode()
        time.sleep(0.7)  # a second rebuild (of the burst, or of the build's own output) would show now
        assert preview.state.snapshot().builds == builds + 1
        events.close()


def test_a_late_event_for_a_change_already_built_rebuilds_nothing(demo_site_with_cache: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A save's writes may reach the watcher in two batches, the second while the rebuild of the
    first runs: an event for a file as that rebuild read it starts no other rebuild; a file changed
    since does."""
    objective = demo_site_with_cache / OBJECTIVE
    batches = Preview._batches

    def twice(preview: Preview, folders: list[str]):
        for changes in batches(preview, folders):
            yield changes
            if changes:
                yield set(changes)  # the same event again, after the rebuild it started

    monkeypatch.setattr(Preview, "_batches", twice)
    with preview_of(demo_site_with_cache) as preview:
        events = EventStream(port_of(preview))
        first = events.next()
        builds = preview.state.snapshot().builds
        objective.write_text(objective.read_text().replace("title: Improve", "title: Really improve", 1))
        assert events.next()["pages"] == first["pages"] + 1
        time.sleep(0.7)
        assert preview.state.snapshot().builds == builds + 1
        events.close()


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_the_watcher_picks_up_new_and_deleted_files(demo_site_with_cache: Path, poll: bool) -> None:
    with preview_of(demo_site_with_cache, poll=poll) as preview:
        port = port_of(preview)
        events = EventStream(port)
        events.next()
        page = write(demo_site_with_cache, "content/pages/new-page.md", "---\ntitle: A new page\n---\nHello.\n")
        events.next()
        assert get(port, "/pages/new-page/")[0] == 200
        page.unlink()
        events.next()
        assert get(port, "/pages/new-page/")[0] == 404
        events.close()


def test_polling_sees_a_second_save_within_the_same_second(demo_site_with_cache: Path) -> None:
    objective = demo_site_with_cache / OBJECTIVE
    text = objective.read_text()
    with preview_of(demo_site_with_cache, poll=True) as preview:
        port = port_of(preview)
        events = EventStream(port)
        events.next()
        second = (int(time.time()) + 5) * 10**9  # both saves carry mtimes in one whole second
        for n, nanoseconds in ((1, 100_000_000), (2, 600_000_000)):
            objective.write_text(text.replace("title: Improve", f"title: Save {n} -", 1))
            os.utime(objective, ns=(second + nanoseconds, second + nanoseconds))
            events.next()
            assert f"Save {n} -" in get(port, OBJECTIVE_URL)[2].decode()
        events.close()


def test_okrsite_yaml_replaced_by_rename_is_followed_every_time(demo_site_with_cache: Path) -> None:
    config = demo_site_with_cache / "okrsite.yaml"
    text = config.read_text()
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        events = EventStream(port)
        events.next()
        for title in ("First Title", "Second Title"):
            tmp = demo_site_with_cache / "okrsite.yaml.tmp"
            tmp.write_text(text.replace("title: Northwind Analytics OKRs", f"title: {title}", 1))
            os.replace(tmp, config)
            events.next()
            assert f"<title>{title}</title>" in get(port, "/")[2].decode()
        events.close()


def test_a_themes_folder_created_while_serving_is_watched(demo_site_with_cache: Path) -> None:
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        events = EventStream(port)
        first = events.next()
        css = (REPO / "themes/default/static/style.css").read_text() + "\n.probe { color: red }\n"
        write(demo_site_with_cache, "themes/default/static/style.css", css)
        styled = events.next()
        assert (styled["pages"], styled["styles"]) == (first["pages"], first["styles"] + 1)
        write(demo_site_with_cache, "themes/default/static/style.css", css + ".probe { color: blue }\n")
        assert events.next()["styles"] == first["styles"] + 2
        assert b"color: blue" in get(port, "/static/style.css")[2]
        events.close()


def test_a_content_folder_replaced_by_another_is_watched_from_then_on(demo_site_with_cache: Path) -> None:
    """A branch switched or a backup restored puts another folder where content/ was: file events
    followed the old one (now content.old), so no later save was seen."""
    content = demo_site_with_cache / "content"
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        assert b"Improve the SEO" in get(port, OBJECTIVE_URL)[2]
        content.rename(demo_site_with_cache / "content.old")
        shutil.copytree(demo_site_with_cache / "content.old", content)
        time.sleep(1.5)  # the swap is seen (a rebuild of the same content) before the save
        objective = content / "objectives/2026-Q1/marketing-seo-visibility.md"
        objective.write_text(objective.read_text().replace("title: Improve the SEO", "title: Improve the search", 1))
        deadline = time.monotonic() + 30
        while b"Improve the search" not in get(port, OBJECTIVE_URL)[2] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert b"Improve the search" in get(port, OBJECTIVE_URL)[2]


def test_a_preview_whose_okrsite_changed_on_disk_says_to_restart_it(demo_site_with_cache: Path, monkeypatch) -> None:
    """Its loaded code would build with the new version's templates (an upgrade, a git pull of an
    editable install): every build failed with errors of okrsite's own making."""
    from okrsite.commands import serve

    objective = demo_site_with_cache / OBJECTIVE
    with preview_of(demo_site_with_cache) as preview:
        port = port_of(preview)
        events = EventStream(port)
        events.next()
        monkeypatch.setattr(serve, "_own_code", lambda: "another version")
        objective.write_text(objective.read_text().replace("title: Improve", "title: Really improve", 1))
        errors = events.next()["errors"]
        assert [e["message"] for e in errors] == [
            "okrsite changed on disk since this preview started (an upgrade, a git pull): stop it and run okrsite "
            "serve again"]
        assert "Really improve" not in get(port, OBJECTIVE_URL)[2].decode()  # the last good build stays
        events.close()


# --- ports and shutdown ------------------------------------------------------------

def test_stop_frees_the_port_and_joins_every_thread(demo_site_with_cache: Path) -> None:
    before = set(threading.enumerate())
    preview = preview_of(demo_site_with_cache)
    preview.start()
    port = port_of(preview)
    events = EventStream(port)
    events.next()
    idle = socket.create_connection(("127.0.0.1", port))  # like a browser's pre-opened connection
    started = time.monotonic()
    preview.stop()
    assert time.monotonic() - started < 3
    assert set(threading.enumerate()) - before == set()
    with pytest.raises(EOFError):
        events.next()
    idle.close()
    with socket.socket() as again:  # a new server can bind the port at once
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()


def test_ctrl_c_during_a_build_cancels_it_and_leaves_the_output_as_it_was(demo_site_with_cache: Path) -> None:
    """Ctrl-C waited for a build under way to end (a changed report date: every page and chart
    again, minutes on a large site). The build is cancelled now, as Ctrl-C cancels okrsite build:
    nothing of it is written, and none of its processes (the build's, the chart workers) lives on."""
    from tests.test_errors import snapshot

    proc, port = _serving(demo_site_with_cache)
    try:
        events = EventStream(port)
        events.next(signs=True)
        before = snapshot(demo_site_with_cache / "output")
        config = demo_site_with_cache / "okrsite.yaml"
        config.write_text(config.read_text().replace("as_of: 2026-05-14", "as_of: 2026-05-15"))
        assert events.next(signs=True)["building"] is True
        deadline = time.monotonic() + 20
        while len(building := _descendants(proc.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # the build's process, and the processes drawing its charts
        assert len(building) >= 3
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert snapshot(demo_site_with_cache / "output") == before
    assert [pid for pid in building if not _gone(pid, 5)] == []
    events.close()


def _descendants(pid: int) -> list[int]:
    found = _children(pid)
    return found + [grandchild for child in found for grandchild in _descendants(child)]


def test_a_busy_port_given_explicitly_is_one_line_and_exit_2(demo_site_with_cache: Path, capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--config", str(demo_site_with_cache / "okrsite.yaml"), "--port", str(port)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and str(port) in err[0] and "in use" in err[0]


def test_a_busy_default_port_moves_on_to_the_next(demo_site_with_cache: Path, monkeypatch) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        monkeypatch.setattr(preview_server, "DEFAULT_PORT", taken)
        preview = Preview(BuildOptions(demo_site_with_cache / "okrsite.yaml"), quiet=True)
        preview.start()
        try:
            assert taken < port_of(preview) < taken + preview_server.PORT_TRIES
        finally:
            preview.stop()


def _serving(site: Path) -> tuple[subprocess.Popen[str], int]:
    """`okrsite serve` started in `site`, and its port once it serves."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "okrsite", "serve", "--port", "0", "--host", "127.0.0.1"],
                            cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("serving "):
            break
    port = int(line.split()[1].rsplit(":", 1)[1].strip("/"))
    assert get(port, "/")[0] == 200
    return proc, port


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux: /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _gone(pid: int, seconds: float) -> bool:
    """Whether process `pid` ends (or is a zombie) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def _port_free(port: int) -> None:
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "kill", "hang-up"])
def test_serve_command_prints_the_url_and_stops_cleanly_on_ctrl_c_or_kill(demo_site_with_cache: Path,
                                                                          stop: signal.Signals) -> None:
    """`kill`, `timeout` or a closed terminal stop it as Ctrl-C does: its builder process ends too
    (it lived on, holding the port, after a kill)."""
    proc, port = _serving(demo_site_with_cache)
    try:
        builders = _children(proc.pid)
        assert builders
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped" in out
    assert all(_gone(pid, 5) for pid in builders)
    _port_free(port)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the builder process through /proc")
def test_a_preview_killed_outright_leaves_no_builder_behind_and_the_port_free(demo_site_with_cache: Path) -> None:
    """SIGKILL runs no cleanup: the builder process sees its caller gone and ends by itself, and it
    never held the server's socket."""
    proc, port = _serving(demo_site_with_cache)
    try:
        builders = _children(proc.pid)
        assert builders
        proc.kill()
        proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert all(_gone(pid, 10) for pid in builders)
    _port_free(port)


def test_a_host_beyond_loopback_prints_a_warning(demo_site_with_cache: Path, capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        main(["serve", "--config", str(demo_site_with_cache / "okrsite.yaml"), "--host", "0.0.0.0",
              "--port", str(port)])
    assert "warning: serving on 0.0.0.0" in capsys.readouterr().err


BUILDS_APART = """
import multiprocessing, sys
from pathlib import Path
from okrsite.build.builder import BuildOptions
from okrsite.commands.serve import Preview

site = Path(sys.argv[1])
preview = Preview(BuildOptions(site / "okrsite.yaml"), port=0, quiet=True)
preview.start()
print("separate", preview.builder.separate, [p.name for p in multiprocessing.active_children()])
objective = site / "content/objectives/2026-Q2/sales-expand-pipeline.md"
objective.write_text(objective.read_text().replace("title: ", "title: Renamed ", 1))
preview.rebuild()
print("rebuilt", "Renamed" in (site / "output/objectives/expand-pipeline/index.html").read_text())
preview.stop()
print("after", [p.name for p in multiprocessing.active_children()])
"""


def test_the_preview_builds_in_a_process_of_its_own_that_ends_with_it(demo_site_with_cache: Path) -> None:
    """Started with one thread, the preview forks its builder before serving, so its builds may
    fork workers as `okrsite build` does; stopping the preview ends that process."""
    run = subprocess.run([sys.executable, "-c", BUILDS_APART, str(demo_site_with_cache)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["separate True ['okrsite-builder']", "rebuilt True", "after []"]


def test_a_preview_started_beside_other_threads_builds_in_its_own_process(demo_site_with_cache: Path) -> None:
    """Forking beside running threads is unsafe: then the builds run in the caller's process."""
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        with preview_of(demo_site_with_cache) as preview:
            assert not preview.builder.separate
            assert get(port_of(preview), "/")[0] == 200
    finally:
        done.set()
        other.join()
