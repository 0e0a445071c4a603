"""The preview's HTTP side: files of the output folder, the reload script, the reload channel.

Files are found by path at request time, because a build swaps a new output
folder in by renaming: a handle on the old folder would serve stale files.
Only files inside the output folder are served (no `..`, encoded or not, no
backslashes or absolute paths, no symlinks leading out), to GET and HEAD only.
HTML responses get the reload script as they are served; files never do.

The reload channel (`/__okrsite__/events`, Server-Sent Events) sends every open
page the newest `PreviewState`: counters for pages and stylesheets, and the
diagnostics of a failed build. A stream names the pages it serves (`?page=`, one
each: a browser's pages share one stream, livereload.WORKER_JS), so the preview
knows which pages are open: a rebuild renders those first and
they reload at once, served from memory until the build has written them;
meanwhile every other page and chart waits for the build (the theme's static
files do not), so nothing older than what the reloaded page shows is served.
"""

from __future__ import annotations

import dataclasses
import errno
import ipaddress
import json
import os
import secrets
import select
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
import weakref
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from okrsite.commands import livereload
from okrsite.diagnostics import Diagnostic
from okrsite.filesystem.realpaths import is_inside

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PORT_TRIES = 20  # with the default port, try 8000..8019
KEEPALIVE_SECONDS = 15  # a comment on idle event streams finds closed connections
MAX_OPEN_PAGES = 100  # pages one event stream may name (a browser's open tabs)
HELD_SECONDS = 30  # the longest a request waits for the build behind pages shown first

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
    ".pdf": "application/pdf", ".woff2": "font/woff2", ".woff": "font/woff", ".csv": "text/csv; charset=utf-8",
}


class PortBusy(Exception):
    """No port to listen on: the one asked for, or every one tried, is in use."""

    def __init__(self, ports: range):
        self.ports = ports
        which = (f"port {ports[0]} is" if len(ports) == 1 else f"ports {ports[0]}-{ports[-1]} are")
        super().__init__(f"{which} already in use" + (": choose another with --port" if len(ports) == 1 else ""))


class BadPath(ValueError):
    """A request path that cannot name a file of the site."""


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_parts(target: str) -> tuple[str, ...]:
    """The path segments of a request target, decoded once; BadPath for anything that could
    leave the site folder: `..` (also encoded), backslashes, NUL, drive letters, non-paths."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        raise BadPath("the path must start with a single '/'")
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise BadPath("the path is not UTF-8") from None
    if "\\" in decoded or "\0" in decoded or decoded.startswith("//"):
        raise BadPath("the path holds a backslash, a NUL or '//'")
    parts = tuple(part for part in decoded.split("/") if part)
    for part in parts:
        if part in (".", "..") or (len(part) >= 2 and part[1] == ":" and part[0].isalpha()):
            raise BadPath(f"the path segment {part!r} is not allowed")
    return parts


def find_in(folder: Path, parts: Iterable[str]) -> Path | None:
    """The file or folder `parts` names inside `folder`, after symlinks; None when it is missing
    or lies outside."""
    root = os.path.realpath(folder)
    real = os.path.realpath(os.path.join(root, *parts))
    if not is_inside(real, root):
        return None
    return Path(real) if os.path.exists(real) else None


def page_path(parts: tuple[str, ...], path: str) -> str:
    """The output path a request for `parts` names: a folder's index.html, else the file."""
    return "/".join((*parts, "index.html")) if not parts or path.endswith("/") else "/".join(parts)


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


@dataclasses.dataclass(frozen=True)
class Snapshot:
    serial: int  # bumped by every change below, so the event streams send it
    pages: int
    styles: int
    errors: tuple[Diagnostic, ...]
    building: bool  # a build runs (the pages show a sign when it takes a while)
    builds: int  # builds ended


class PreviewState:
    """What the server, the event streams and the watcher share, behind one condition."""

    def __init__(self, output: Path, base: tuple[str, ...] = (), serving: bool = True):
        """`serving`: whether `output` may be served before a build has written it (the folder an
        earlier build left); False when its setting could lead anywhere (a committed `output`
        link to `/`), and then nothing is served until a build succeeds."""
        self.server_id = secrets.token_hex(4)
        self.output = output
        self.serving = serving
        self.base = base  # the path of site_url, as url_parts: ("northwind-okrs",)
        self._cond = threading.Condition()
        self._serial = 0
        self._pages = self._styles = 0
        self._errors: tuple[Diagnostic, ...] = ()
        self._building = False
        self._builds = 0
        self._closed = False
        self._open: dict[socket.socket, tuple[str, ...]] = {}  # an event stream -> its open pages' output paths
        self._first: dict[str, bytes] | None = None  # pages shown ahead of the build running now
        self._unchanged: dict[str, bytes] = {}  # open pages the running build found as served, at first

    def opened(self, stream: socket.socket, pages: tuple[str, ...]) -> None:
        with self._cond:
            self._open[stream] = pages

    def closed(self, stream: socket.socket) -> None:
        with self._cond:
            self._open.pop(stream, None)

    def open_pages(self) -> list[str]:
        """The output paths of the pages open now: those whose event stream is still connected (a
        page that went away is seen at once, not at the stream's next write)."""
        with self._cond:
            streams = list(self._open.items())
        return sorted({page for stream, pages in streams if not _hung_up(stream) for page in pages})

    def show_first(self, pages: dict[str, bytes], asked: Iterable[str] = ()) -> None:
        """Pages a running build rendered ahead of the rest (the open ones, `asked`, with their
        charts): when any differs from what is served now, they are served from here until the
        build ends, every other file held until then, and the open pages reload now. When all are
        as served and none asked for is missing, the open pages are current: they reload neither
        now nor when the build ends (unless it changes a file they load, `built`)."""
        if all(_holds(self.output, path, page) for path, page in pages.items()):
            if set(asked) <= set(pages):  # (a page asked for and not made: gone, it reloads at the end)
                with self._cond:
                    self._first, self._unchanged = {}, dict(pages)
            return
        with self._cond:
            self._first = dict(pages)
            self._pages += 1
            self._serial += 1
            self._cond.notify_all()

    def first_file(self, path: str) -> tuple[bytes, Snapshot] | None:
        """A page (or one of its charts) shown ahead of the running build, with the state it belongs to."""
        with self._cond:
            shown = self._first.get(path) if self._first is not None else None
            return None if shown is None else (shown, self._snapshot())

    def wait_first(self, path: str) -> None:
        """While pages shown ahead of a build are out, every other file but the theme's static
        ones (which a content save never changes) waits for that build: no page or chart older
        than what the reloaded pages show is served."""
        with self._cond:
            self._cond.wait_for(lambda: self._first is None or not self._building or self._closed
                                or path.startswith("static/"), HELD_SECONDS)

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        return Snapshot(self._serial, self._pages, self._styles, self._errors, self._building, self._builds)

    def building(self) -> None:
        with self._cond:
            self._building = True
            self._serial += 1
            self._cond.notify_all()

    def built(self, output: Path, changed: Iterable[str]) -> None:
        """A good build: pages reload when anything but stylesheets changed, unless the open pages
        are current: shown first as the build then wrote them (what else they load waited for it),
        or found unchanged, and no theme file or content asset that a page loads changed."""
        changed = list(changed)
        with self._cond:
            shown, unchanged = self._first, self._unchanged
        others = [path for path in changed if not path.endswith(".css")]
        # (pages found unchanged at first are current if the build wrote them so: its navigation may differ)
        current = shown is not None and not any(path.startswith(("static/", "assets/")) for path in others) \
            and all(_holds(output, path, page) for path, page in {**unchanged, **shown}.items())
        with self._cond:
            self.output, self.serving = output, True
            if others and not current:
                self._pages += 1
            elif any(path.endswith(".css") for path in changed):
                self._styles += 1
            self._finish(())

    def failed(self, diagnostics: Iterable[Diagnostic]) -> None:
        with self._cond:
            self._finish(tuple(diagnostics))

    def _finish(self, errors: tuple[Diagnostic, ...]) -> None:
        self._errors = errors
        self._building = False
        self._builds += 1
        self._first, self._unchanged = None, {}
        self._serial += 1
        self._cond.notify_all()

    def wait_built(self, timeout: float) -> None:
        """Wait while a build runs (its output swap may hide a file for a moment)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._building or self._closed, timeout)

    def wait_change(self, serial: int | None, timeout: float) -> Snapshot | None:
        """The state once it differs from `serial` or `timeout` passed; None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._serial != serial or self._closed, timeout)
            if self._closed:
                return None
            return self._snapshot()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def _hung_up(stream: socket.socket) -> bool:
    """The other end of an event stream has closed it: a page sends nothing after its request, so
    a stream with something to read has reached its end."""
    try:
        readable, _, _ = select.select([stream], [], [], 0)
        return bool(readable) and stream.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):  # closed on this side already
        return True


def _holds(output: Path, path: str, data: bytes) -> bool:
    """The file at `path` in `output` holds `data`."""
    found = find_in(output, path.split("/"))
    try:
        return found is not None and found.read_bytes() == data
    except OSError:
        return False


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the output folder's files; the reload script and channel."""

    server: PreviewServer
    server_version = "okrsite-preview"
    timeout = 60  # an idle or stuck connection cannot hold a thread forever

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.command not in ("GET", "HEAD"):
            self._send_text(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are allowed",
                            {"Allow": "GET, HEAD"})
            return False
        if not self._host_allowed():
            self._send_text(HTTPStatus.FORBIDDEN, "unexpected Host header: open the preview through "
                                                  "localhost or 127.0.0.1")
            return False
        return True

    def _host_allowed(self) -> bool:
        """On loopback, answer only pages opened as localhost (no DNS rebinding onto the preview)."""
        host = self.headers.get("Host")
        if not self.server.loopback or not host:
            return True
        name = urllib.parse.urlsplit("//" + host).hostname or ""
        return is_loopback(name)

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        state = self.server.state
        path = self.path.split("?", 1)[0]
        if path == livereload.EVENTS_PATH:
            return self._events(body)
        if path == livereload.SCRIPT_PATH:
            return self._send(HTTPStatus.OK, livereload.CLIENT_JS, CONTENT_TYPES[".js"], body)
        if path == livereload.WORKER_PATH:
            return self._send(HTTPStatus.OK, livereload.WORKER_JS, CONTENT_TYPES[".js"], body)
        try:
            parts = self._site_parts(self.path)
        except BadPath as exc:
            return self._send_text(HTTPStatus.BAD_REQUEST, f"bad path: {exc}", body=body)
        wanted = page_path(parts, path)
        first = state.first_file(wanted)
        if first is not None:
            data, seen = first
            kind = content_type(Path(wanted))
            return self._send(HTTPStatus.OK, self._with_script(data, seen) if kind.startswith("text/html") else data,
                              kind, body)
        state.wait_first(wanted)
        seen = state.snapshot()  # before reading: a page never claims a newer build than it shows
        if not state.serving:  # nothing a build vouched for yet: the overlay tells why
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._with_script(livereload.placeholder_page(), seen),
                              CONTENT_TYPES[".html"], body)
        found = find_in(state.output, parts)
        if found is None:
            state.wait_built(timeout=10)
            found = find_in(state.output, parts)
        if found is not None and found.is_dir():
            if not path.endswith("/"):
                query = self.path[len(path):]
                return self._redirect(path + "/" + query)
            found = find_in(found, ["index.html"])
        if found is not None and found.is_file():
            return self._send_file(HTTPStatus.OK, found, seen, body)
        not_found = find_in(state.output, ["404.html"])
        if not_found is not None and not_found.is_file():
            return self._send_file(HTTPStatus.NOT_FOUND, not_found, seen, body)
        if not Path(state.output).is_dir():  # never built: the overlay tells why
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._with_script(livereload.placeholder_page(), seen),
                              CONTENT_TYPES[".html"], body)
        return self._send_text(HTTPStatus.NOT_FOUND, "not found", body=body)

    def _site_parts(self, target: str) -> tuple[str, ...]:
        """The path of a request (or of a page) in the output folder, as url_parts."""
        state = self.server.state
        parts = url_parts(target)
        if state.base and parts[:len(state.base)] == state.base and find_in(state.output, parts) is None:
            parts = parts[len(state.base):]  # links made from site_url's path (the 404 page's) work here too
        return parts

    def _send_file(self, status: HTTPStatus, path: Path, seen: Snapshot, body: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:  # swapped away between finding and reading it
            return self._send_text(HTTPStatus.SERVICE_UNAVAILABLE, "the site is being rebuilt: reload",
                                   body=body)
        kind = content_type(path)
        if kind.startswith("text/html"):
            data = self._with_script(data, seen)
        self._send(status, data, kind, body)

    def _with_script(self, page: bytes, seen: Snapshot) -> bytes:
        return livereload.inject(page, livereload.script_tag(self.server.state.server_id, seen.pages, seen.styles))

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send_text(self, status: HTTPStatus, text: str, headers: dict[str, str] | None = None,
                   body: bool = True) -> None:
        self.close_connection = True
        self._send(status, f"{status.value} {status.phrase}: {text}\n".encode(), CONTENT_TYPES[".txt"],
                   body and self.command != "HEAD", headers)

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", CONTENT_TYPES[".txt"], False, {"Location": location})

    def _events(self, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not body:
            return
        state = self.server.state
        serial: int | None = None
        state.opened(self.connection, self._open_pages())
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                snap = state.wait_change(serial, KEEPALIVE_SECONDS)
                if snap is None:
                    return
                if snap.serial == serial:
                    self.wfile.write(b": keep-alive\n\n")
                    continue
                serial = snap.serial
                message = {"server": state.server_id, "pages": snap.pages, "styles": snap.styles,
                           "building": snap.building, "errors": [dataclasses.asdict(d) for d in snap.errors]}
                self.wfile.write(b"data: " + json.dumps(message).encode() + b"\n\n")
        except OSError:  # the page went away
            return
        finally:
            state.closed(self.connection)

    def _open_pages(self) -> tuple[str, ...]:
        """The output paths of the pages whose stream this is (`?page=` each page's path)."""
        found = []
        for named in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("page", ())[:MAX_OPEN_PAGES]:
            try:
                found.append(page_path(self._site_parts(named), named))
            except BadPath:
                continue
        return tuple(found)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: a preview that prints every request hides the build messages."""


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that can close its open connections when it stops."""

    daemon_threads = True
    allow_reuse_address = os.name != "nt"  # on Windows it would let two servers share a port

    def __init__(self, address: tuple[str, int], state: PreviewState, family: int):
        self.address_family = family
        self.state = state
        self.loopback = is_loopback(address[0])
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._handlers: weakref.WeakSet[threading.Thread] = weakref.WeakSet()  # each request's thread
        self._running = 0  # requests handed to a thread that has not finished yet (started or not)
        self._finished = threading.Condition(self._connections_lock)
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host (slow on some networks)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request, client_address) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.add(request)
            self._running += 1
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._handlers.add(threading.current_thread())
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._running -= 1
                self._finished.notify_all()

    def shutdown_request(self, request) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self, wait: float = 2.0) -> None:
        """Unblock every handler (browsers keep idle connections open) and wait, `wait` seconds at
        most, for their threads to end (daemon threads: the server's close does not join them,
        and one still running under load outlived the preview's stop)."""
        deadline = time.monotonic() + wait
        with self._connections_lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            # a thread may not have started yet: wait until each request's thread has run
            self._finished.wait_for(lambda: self._running <= 0, max(0.0, deadline - time.monotonic()))
            handlers = list(self._handlers)
        for thread in handlers:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def listen(host: str, port: int | None, state: PreviewState) -> PreviewServer:
    """A server on `port`, or on the first free port from DEFAULT_PORT when none was given."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    ports = range(port, port + 1) if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES)
    for candidate in ports:
        try:
            return PreviewServer((host.strip("[]"), candidate), state, family)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise PortBusy(ports)
