"""What one build leaves for the next: the fingerprint of its inputs and the stamps of its output.

A build whose inputs (okrsite, the configuration, every content and theme file,
the report date, the commit) and output folder are exactly as the last build
left them has nothing to do: the output is a pure function of those inputs.
Stat calls answer that in milliseconds where rendering takes seconds.
A missing or foreign state file means "build".
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from okrsite import __version__
from okrsite.cachefiles import read_cache, remove_cache, write_cache
from okrsite.diagnostics import Diagnostic

STATE_FILE = "state.json"
_FORMAT = f"okrsite-state-{__version__}"

Stamps = dict[str, list[int]]


@dataclass(frozen=True)
class BuildState:
    fingerprint: str
    outputs: Stamps  # output path -> [size, mtime_ns]
    warnings: tuple[Diagnostic, ...] = ()
    pages: int = 0
    charts: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _tree_stamps(folder: Path, into: list[str]) -> None:
    """Append 'path size mtime' for every file below folder, in a stable order."""
    if not folder.is_dir():
        into.append(f"{folder} absent")
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            into.append(f"{path} {stat.st_size} {stat.st_mtime_ns}")


def input_fingerprint(inputs: dict[str, Any], folders: list[Path], files: list[Path]) -> str:
    """A digest of the settings that shape the output and of every input file's stamp."""
    lines = [json.dumps(inputs, sort_keys=True, default=str)]
    for folder in folders:
        _tree_stamps(folder, lines)
    for path in files:
        try:
            stat = path.stat()
            lines.append(f"{path} {stat.st_size} {stat.st_mtime_ns}")
        except OSError:
            lines.append(f"{path} absent")
    return hashlib.blake2b("\n".join(lines).encode(), digest_size=20).hexdigest()


def output_stamps(output: Path) -> Stamps:
    stamps: Stamps = {}
    if not output.is_dir():
        return stamps
    for dirpath, _, filenames in os.walk(output):
        for name in filenames:
            path = os.path.join(dirpath, name)
            stat = os.stat(path)
            stamps[os.path.relpath(path, output).replace(os.sep, "/")] = [stat.st_size, stat.st_mtime_ns]
    return stamps


def load_state(cache_dir: Path) -> BuildState | None:
    data = read_cache(cache_dir / STATE_FILE, _FORMAT)
    try:
        data["warnings"] = tuple(Diagnostic(**d) for d in data["warnings"])
        return BuildState(**data)
    except (TypeError, KeyError):
        return None


def save_state(cache_dir: Path, state: BuildState) -> None:
    write_cache(cache_dir / STATE_FILE, _FORMAT, asdict(state))


def forget_state(cache_dir: Path) -> None:
    """Before writing the output: an interrupted write must not look up to date."""
    remove_cache(cache_dir / STATE_FILE)


def page_digest(shared: str, url: str, template: str, context: dict[str, Any]) -> str:
    """What a self-contained page's bytes depend on; its context's repr is deterministic
    (frozen dataclasses, sorted dicts, ISO dates)."""
    text = f"{shared}\n{url}\n{template}\n{context!r}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class PreviousPages:
    """The pages the last build wrote, for keeping those whose inputs did not change."""

    output: Path
    digests: dict[str, str]
    outputs: Stamps

    def keep(self, url: str, digest: str) -> bytes | None:
        """The old bytes, if the page's digest is the same and its file was not touched since."""
        if self.digests.get(url) != digest:
            return None
        path = self.output / url
        try:
            stat = path.stat()
            if [stat.st_size, stat.st_mtime_ns] != self.outputs.get(url):
                return None
            return path.read_bytes()
        except OSError:
            return None
