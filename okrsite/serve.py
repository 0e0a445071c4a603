"""`okrsite serve`: the built site over HTTP, rebuilt and reloaded as its sources change.

Three parts share one `BuildState`:

- the HTTP server serves files of the output folder, found by path at request
  time (a build swaps in a new folder by renaming), and adds the reload script
  to HTML responses (never to the files);
- the reload channel (`/__okrsite__/events`, Server-Sent Events) sends the
  newest state to every open page: counters for pages and stylesheets, and
  the diagnostics of a failed build;
- the watcher thread waits for changes under the site folder and calls the
  same `Builder` again, so a rebuild re-reads only the files that changed.

The preview never renders on its own: what it serves is what `okrsite build`
writes.
"""

from __future__ import annotations

import dataclasses
import errno
import ipaddress
import json
import os
import secrets
import socket
import socketserver
import sys
import threading
import traceback
import urllib.parse
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from okrsite import livereload
from okrsite.build import Builder, BuildOptions
from okrsite.config import load_config
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics
from okrsite.source import is_ignored

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PORT_TRIES = 20  # with the default port, try 8000..8019
KEEPALIVE_SECONDS = 15  # a comment on idle event streams finds closed connections
STEP_MS = 50  # a save is handled once no other change came for this long ...
DEBOUNCE_MS = 1600  # ... or after this long, when changes keep coming

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
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return Path(real) if os.path.exists(real) else None


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


@dataclasses.dataclass(frozen=True)
class Snapshot:
    serial: int
    pages: int
    styles: int
    errors: tuple[Diagnostic, ...]


class BuildState:
    """What the server, the event streams and the watcher share, behind one condition."""

    def __init__(self, output: Path):
        self.server_id = secrets.token_hex(4)
        self.output = output
        self._cond = threading.Condition()
        self._serial = 0
        self._pages = self._styles = 0
        self._errors: tuple[Diagnostic, ...] = ()
        self._building = False
        self._closed = False

    def snapshot(self) -> Snapshot:
        with self._cond:
            return Snapshot(self._serial, self._pages, self._styles, self._errors)

    def building(self) -> None:
        with self._cond:
            self._building = True

    def built(self, output: Path, changed: Iterable[str]) -> None:
        """A good build: pages reload when anything but stylesheets changed."""
        changed = list(changed)
        with self._cond:
            self.output = output
            if any(not path.endswith(".css") for path in changed):
                self._pages += 1
            elif changed:
                self._styles += 1
            self._finish(())

    def failed(self, diagnostics: Iterable[Diagnostic]) -> None:
        with self._cond:
            self._finish(tuple(diagnostics))

    def _finish(self, errors: tuple[Diagnostic, ...]) -> None:
        self._errors = errors
        self._building = False
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
            return Snapshot(self._serial, self._pages, self._styles, self._errors)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


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
        try:
            parts = url_parts(self.path)
        except BadPath as exc:
            return self._send_text(HTTPStatus.BAD_REQUEST, f"bad path: {exc}", body=body)
        seen = state.snapshot()  # before reading: a page never claims a newer build than it shows
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
                           "errors": [dataclasses.asdict(d) for d in snap.errors]}
                self.wfile.write(b"data: " + json.dumps(message).encode() + b"\n\n")
        except OSError:  # the page went away
            return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: a preview that prints every request hides the build messages."""


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that can close its open connections when it stops."""

    daemon_threads = True
    allow_reuse_address = os.name != "nt"  # on Windows it would let two servers share a port

    def __init__(self, address: tuple[str, int], state: BuildState, family: int):
        self.address_family = family
        self.state = state
        self.loopback = is_loopback(address[0])
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host (slow on some networks)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request, client_address) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Unblock every handler (browsers keep idle connections open) so threads can be joined."""
        with self._connections_lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def listen(host: str, port: int | None, state: BuildState) -> PreviewServer:
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


class Preview:
    """Build, serve and rebuild one site until stopped. `start()`, then `stop()` (or use `with`)."""

    def __init__(self, options: BuildOptions, host: str = DEFAULT_HOST, port: int | None = None, *,
                 poll: bool = False, quiet: bool = False, step_ms: int = STEP_MS, debounce_ms: int = DEBOUNCE_MS):
        self.builder = Builder(options)
        self.host, self.port, self.poll, self.quiet = host, port, poll, quiet
        self.step_ms, self.debounce_ms = step_ms, debounce_ms
        self.root = options.config_path.resolve().parent
        output, content_dir, self._cache_dir = self._site_folders()
        self.state = BuildState(output)
        # the config file's folder (okrsite.yaml, content, themes), and the content folder if it lies elsewhere
        self._roots = [self.root] + ([] if self.root in content_dir.parents else [content_dir])
        self._stop = threading.Event()
        self._build_lock = threading.Lock()
        self._server: PreviewServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the preview first"
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        shown = f"[{host.strip('[]')}]" if ":" in host else host
        return f"http://{shown}:{self._server.server_address[1]}/"

    def start(self) -> None:
        """Listen (PortBusy or OSError when it cannot), build once, then serve and watch."""
        self._server = listen(self.host, self.port, self.state)
        try:
            self.rebuild()
            self._spawn("okrsite-http", lambda: self._server.serve_forever(poll_interval=0.1))
            self._spawn("okrsite-watch", self._watch)
        except BaseException:
            self.stop()
            raise

    def wait(self) -> None:
        """Block until stop() (from another thread) or Ctrl-C (KeyboardInterrupt)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, end the event streams, close the server; join every thread."""
        self._stop.set()
        self.state.close()
        if self._server is not None:
            if any(t.name == "okrsite-http" for t in self._threads):
                self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def __enter__(self) -> Preview:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def rebuild(self) -> None:
        """Build with the same Builder; on failure keep the last good site and report why."""
        with self._build_lock:  # one build at a time: they share the cache and the output folder
            self._rebuild()

    def _rebuild(self) -> None:
        self.state.building()
        try:
            report = self.builder.build()
        except BuildFailed as failed:
            self._say("\n".join(map(str, failed.diagnostics)), err=True)
            errors = sum(d.severity == "error" for d in failed.diagnostics)
            self._say(f"okrsite: build failed: {errors} error(s); still serving the last good build", err=True)
            self.state.failed(failed.diagnostics)
            return
        except Exception as exc:  # a bug in a build must not take the preview down with it
            traceback.print_exc()
            self.state.failed([Diagnostic(self.builder.options.config_path.name, 1, 1, "error",
                                          f"internal error while building: {exc!r}")])
            return
        for warning in report.warnings:
            self._say(str(warning), err=True)
        self._say(report.summary())
        self.state.built(report.output, report.changed)

    def _site_folders(self) -> tuple[Path, Path, Path]:
        """The output, content and cache folders, as the configuration says (defaults while it is broken)."""
        options = self.builder.options
        config = load_config(options.config_path, Diagnostics(), output=options.output, as_of=options.as_of)
        if config is None:
            return ((options.output or self.root / "output").resolve(), self.root / "content",
                    self.root / ".okrsite-cache")
        return config.output_dir, config.content_dir, config.cache_dir

    def _ignored(self, _change: watchfiles.Change, path: str) -> bool:
        """Our own writes (output, its staging folders, caches), VCS data and editor litter."""
        output = str(self.state.output)
        parent, name = os.path.split(output)
        own = (output, os.path.join(parent, f".{name}.okrsite-staging"), os.path.join(parent, f".{name}.okrsite-old"),
               str(self._cache_dir))
        if any(path == folder or path.startswith(folder + os.sep) for folder in own):
            return True
        for root in self._roots:
            if path.startswith(str(root) + os.sep):
                return any(is_ignored(part) for part in os.path.relpath(path, root).split(os.sep))
        return is_ignored(os.path.basename(path))

    def _watch(self) -> None:
        try:
            for changes in watchfiles.watch(*self._roots, watch_filter=lambda c, p: not self._ignored(c, p),
                                            stop_event=self._stop, debounce=self.debounce_ms, step=self.step_ms,
                                            force_polling=self.poll, raise_interrupt=False, rust_timeout=1000):
                if self._stop.is_set():
                    return
                names = sorted(os.path.relpath(path, self.root) for _, path in changes)
                self._say(f"changed: {', '.join(names[:3])}" + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
                self.rebuild()
        except Exception as exc:  # the server stays up; say why pages stopped reloading
            self._say(f"okrsite: error: watching for changes stopped: {exc}", err=True)

    def _spawn(self, name: str, target) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _say(self, text: str, err: bool = False) -> None:
        if not self.quiet and text:
            print(text, file=sys.stderr if err else sys.stdout, flush=True)
