"""A one-line progress display for long builds on a terminal.

A build that takes more than a moment says what it is doing (stage, counts,
charts drawn vs cached) on one line that is rewritten in place and cleared at
the end. Logs (no terminal) get only the summary, so nothing here is used there.
"""

from __future__ import annotations

import time
from typing import TextIO

SHOW_AFTER = 1.0  # seconds: quick builds print nothing but their summary
EVERY = 0.1  # seconds between redraws


class Progress:
    def __init__(self, stream: TextIO, show_after: float = SHOW_AFTER):
        self.stream = stream
        self.show_after = show_after
        self.started = time.perf_counter()
        self.last = float("-inf")
        self.shown = False

    def __call__(self, text: str) -> None:
        now = time.perf_counter()
        if now - self.started < self.show_after or now - self.last < EVERY:
            return
        self.last = now
        self.stream.write(f"\r\x1b[K[{now - self.started:5.1f} s] {text}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
