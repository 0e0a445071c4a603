"""The demo site served under a sub-path, the way GitHub Pages serves a project site.

A local stdlib server maps /northwind-okrs/... to the output folder and answers a
missing path with the root 404.html and status 404, as GitHub Pages does. From
the entry page, every link and asset must answer 200; the 404 page, shown at any
depth, must still find its stylesheet.
"""

from __future__ import annotations

import http.client
import mimetypes
import threading
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PREFIX = "/northwind-okrs/"  # the path of the demo's site_url


class PagesLikeHandler(BaseHTTPRequestHandler):
    output: Path

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == PREFIX.rstrip("/"):
            return self._redirect(PREFIX)
        if not path.startswith(PREFIX):
            return self._not_found()
        target = (self.output / path[len(PREFIX):]).resolve()
        if not target.is_relative_to(self.output):
            return self._not_found()
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        self._send(200, target)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self) -> None:
        self._send(404, self.output / "404.html")

    def _send(self, status: int, file: Path) -> None:
        body = file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass


class Refs(HTMLParser):
    """Every URL a browser would follow or load: links, stylesheets, icons, images, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.refs.append((tag, name, value))


def refs_of(html: str) -> list[tuple[str, str, str]]:
    parser = Refs()
    parser.feed(html)
    return parser.refs


@pytest.fixture(scope="module")
def server(reference_demo: Path) -> Iterator[str]:
    """The built demo under http://127.0.0.1:<port>/northwind-okrs/."""
    handler = type("Handler", (PagesLikeHandler,), {"output": reference_demo.resolve()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def fetch(base: str, path: str) -> tuple[int, str, bytes]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def internal_path(page: str, ref: str) -> str | None:
    """The server path a reference on `page` points at; None for other sites and schemes."""
    absolute = urllib.parse.urljoin("http://site.test" + page, ref)
    parts = urllib.parse.urlsplit(absolute)
    if parts.scheme != "http" or parts.netloc != "site.test":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_every_link_and_asset_answers_200_under_the_sub_path(server: str) -> None:
    seen: dict[str, int] = {}
    broken: list[str] = []
    todo = [PREFIX]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        status, content_type, body = fetch(server, path)
        seen[path] = status
        if status != 200:
            continue
        if content_type.startswith("text/html"):
            for tag, attribute, ref in refs_of(body.decode("utf-8")):
                target = internal_path(path, ref)
                if target is None:
                    continue
                if not target.startswith(PREFIX):
                    broken.append(f"{path}: <{tag} {attribute}={ref!r}> leaves the site's path")
                todo.append(target)
    broken += [f"{path}: {status}" for path, status in sorted(seen.items()) if status != 200]
    assert broken == []
    pages = [p for p in seen if p.endswith("/")]
    assert len(pages) >= 30  # the crawl reached the whole demo, not just the entry page
    for must in ("static/style.css", "feed.xml", "alignment/", "projects/", "teams/", "periods/"):
        assert PREFIX + must in seen, must


def test_a_missing_url_at_any_depth_shows_the_404_page_with_its_stylesheet(server: str) -> None:
    missing = PREFIX + "a/b/c/"
    status, content_type, body = fetch(server, missing)
    assert status == 404 and content_type.startswith("text/html")
    refs = refs_of(body.decode("utf-8"))
    [stylesheet] = [ref for tag, attr, ref in refs if tag == "link" and ref.endswith("style.css")]
    css_status, css_type, css = fetch(server, internal_path(missing, stylesheet))
    assert css_status == 200 and css_type == "text/css" and len(css) > 1000
    for tag, attribute, ref in refs:  # its links lead back into the site, too
        if ref.startswith("#"):
            continue  # within the page itself (the skip link)
        target = internal_path(missing, ref)
        if target is not None:
            assert fetch(server, target)[0] == 200, f"<{tag} {attribute}={ref!r}>"
