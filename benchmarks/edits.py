"""One objective file edited and restored in turn: the edit the build and serve benchmarks time."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import re
import time
from collections.abc import Callable


def _as_of(site: pathlib.Path) -> dt.date:
    """The site's `as_of` from its okrsite.yaml (today when it names none)."""
    match = re.search(r"^as_of:\s*(\d{4}-\d\d-\d\d)", (site / "okrsite.yaml").read_text(encoding="utf-8"), re.M)
    return dt.date.fromisoformat(match.group(1)) if match else dt.date.today()


class ObjectiveEdit:
    """One objective file, edited and restored in turn, each time with a later mtime (unless
    `later_mtimes` is off: an editor's save, for the preview's watcher). Each edit is a
    different one (the n-th appends a different value), so its charts are really drawn again
    rather than found in the chart cache from the previous run."""

    def __init__(self, site: pathlib.Path, later_mtimes: bool = True):
        self.path, self.edited, self.description = self._choose(site, _as_of(site))
        self.later_mtimes = later_mtimes
        self.original = self.path.read_bytes()
        self.mtime_ns = max(self.path.stat().st_mtime_ns, time.time_ns())
        self.count = 0

    @staticmethod
    def _choose(site: pathlib.Path, as_of: dt.date) -> tuple[pathlib.Path, Callable[[int], bytes], str]:
        """Append a check-in dated as_of to the first metric KR (in file order) of an objective
        in as_of's quarter whose last check-in is earlier; else change the first title."""
        quarter = f"period: {as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
        checkin = re.compile(r"^(\s+)- \{date: (\d{4}-\d\d-\d\d), value: (-?[\d.]+)")
        paths = sorted((site / "content" / "objectives").rglob("*.md"))
        for path in paths:
            lines = path.read_text(encoding="utf-8").split("\n")
            if quarter not in lines:
                continue
            for i, line in enumerate(lines):
                match = checkin.match(line)
                if not match or (i + 1 < len(lines) and checkin.match(lines[i + 1])):
                    continue  # not the last check-in of its list
                following = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
                if dt.date.fromisoformat(match.group(2)) >= as_of or following.startswith("- {"):
                    continue  # dated as_of already, or followed by a check-in without a value
                value = float(match.group(3))
                step = max(abs(value) * 0.01, 0.01)

                def edited(n: int, lines=lines, i=i, indent=match.group(1), value=value, step=step) -> bytes:
                    added = (f"{indent}- {{date: {as_of.isoformat()}, value: {round(value + step * n, 2):g}, "
                             f"confidence: 0.5, note: \"benchmark edit\"}}")
                    return "\n".join(lines[:i + 1] + [added] + lines[i + 1:]).encode("utf-8")

                rel = path.relative_to(site).as_posix()
                return path, edited, f"one check-in appended in {rel} (another value each run)"
        path = paths[0]
        text = path.read_text(encoding="utf-8")

        def retitled(n: int) -> bytes:
            return re.sub(r'^title: "?(.*?)"?$', rf'title: "\1 (edited {n})"', text, count=1, flags=re.M).encode()

        return path, retitled, f"title changed in {path.relative_to(site).as_posix()}"

    def _write(self, data: bytes) -> None:
        # always later, never equal, also after another process (the serve benchmark) edited it
        self.mtime_ns = max(self.mtime_ns, time.time_ns(), self.path.stat().st_mtime_ns) + 2_000_000_000
        self.path.write_bytes(data)
        if self.later_mtimes:
            os.utime(self.path, ns=(self.mtime_ns, self.mtime_ns))

    def apply(self) -> None:
        self.count += 1
        self._write(self.edited(self.count))

    def restore(self) -> None:
        self._write(self.original)
