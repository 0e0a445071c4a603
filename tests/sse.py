"""A client of the preview's reload channel (Server-Sent Events), as a page reads it.

Shared by the serve tests and benchmarks/serve_latency.py.
"""

from __future__ import annotations

import json
import socket
import urllib.parse


class EventStream:
    """The reload channel as a page sees it: one JSON state per `data:` event."""

    def __init__(self, port: int, timeout: float = 15, page: str | None = None):
        """`page`: the path of the page this stream belongs to (a browser's page names itself)."""
        self.conn = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        query = f"?page={urllib.parse.quote(page)}" if page is not None else ""
        self.conn.sendall(f"GET /__okrsite__/events{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        self.buffer = b""
        self.last: dict | None = None
        head = self._until(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n")[0] and b"text/event-stream" in head

    def _until(self, mark: bytes) -> bytes:
        while mark not in self.buffer:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise EOFError("the event stream closed")
            self.buffer += chunk
        item, _, self.buffer = self.buffer.partition(mark)
        return item

    def next(self, signs: bool = False) -> dict:
        """The next state; one that only says a build has started (the page's "Updating" sign)
        is passed over unless `signs`."""
        while True:
            state = self._state()
            if signs or not state.get("building") or self.last is None or \
                    any(state[key] != self.last[key] for key in ("server", "pages", "styles", "errors")):
                self.last = state
                return state

    def _state(self) -> dict:
        while True:
            event = self._until(b"\n\n")
            for line in event.split(b"\n"):
                if line.startswith(b"data: "):
                    return json.loads(line[6:])

    def close(self) -> None:
        self.conn.close()
