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
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from okrsite import __version__
from okrsite.build.cachefiles import read_cache, remove_cache, write_cache
from okrsite.diagnostics import Diagnostic
from okrsite.build.output import files_below

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


def _stamp(entry: os.DirEntry[str]) -> list[int] | None:
    """[size, mtime_ns] of a listed file, or None when it is gone since the folder was listed."""
    try:
        stat = entry.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _tree_stamps(folder: Path, into: list[str]) -> None:
    """Append 'path size mtime' for every file below folder, in a stable order."""
    if not folder.is_dir():
        into.append(f"{folder} absent")
        return
    for rel, entry in sorted(files_below(folder)):
        stamp = _stamp(entry)
        if stamp is not None:
            into.append(f"{folder}/{rel} {stamp[0]} {stamp[1]}")


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
    # surrogateescape: a file name that is not UTF-8 (skipped by the build) still has a stamp
    return hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def output_stamps(output: Path) -> Stamps:
    if not output.is_dir():
        return {}
    return {rel: stamp for rel, entry in files_below(output) if (stamp := _stamp(entry)) is not None}


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


class ContextDigests:
    """What each self-contained page's bytes depend on, as a digest of its context.

    A context's repr is deterministic (frozen dataclasses, dicts in build order, ISO
    dates). Model objects appear in many contexts (a project on every objective page
    it supports, an objective on its team's page), so each is repr'd and hashed once.
    """

    def __init__(self, shared: str) -> None:
        self.shared = shared  # site-wide settings, team names, theme and okrsite itself
        self._objects: dict[int, tuple[object, str]] = {}  # keeps each object alive, so ids stay unique

    def page(self, url: str, template: str, context: dict[str, Any]) -> str:
        text = f"{self.shared}\n{url}\n{template}\n{self._text(context)}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _text(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ",".join(f"{key!r}:{self._text(item)}" for key, item in value.items()) + "}"
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(self._text(item) for item in value) + "]"
        if is_dataclass(value):
            known = self._objects.get(id(value))
            if known is None:
                digest = hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()
                known = self._objects[id(value)] = (value, digest)
            return known[1]
        return repr(value)


@dataclass(frozen=True)
class PreviousPages:
    """The pages the last build wrote, for keeping those whose inputs did not change."""

    output: Path
    digests: dict[str, str]  # page -> digest of its context
    charts: dict[str, list[str]]  # page -> the chart files it shows
    outputs: Stamps

    def unchanged(self, url: str, digest: str) -> bool:
        """The page's digest is the same, and its file and its charts' files are as written."""
        if self.digests.get(url) != digest:
            return False
        return all(self._intact(path) for path in (url, *self.charts.get(url, ())))

    def _intact(self, path: str) -> bool:
        try:
            stat = os.stat(self.output / path)
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == self.outputs.get(path)
