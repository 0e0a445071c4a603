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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from okrsite import __version__
from okrsite.filesystem.cachefiles import read_cache, remove_cache, write_cache
from okrsite.build.output import MARKER, Content, Kept, files_below
from okrsite.content.source import site_paths
from okrsite.diagnostics import Diagnostic
from okrsite.filesystem.realpaths import leads_inside
from okrsite.filesystem.stamps import Stamp, input_stamp

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


def _tree_stamps(folder: Path, into: list[str], within: Path | None = None) -> None:
    """Append 'path size mtime ctime' for every file below folder, in a stable order, as the build reads
    the folder (source.site_files: links followed where they lead into it, or into `within`, the
    site folder), and each entry the build skips: a file edited in a linked folder, or a new link
    that leads nowhere, changes the fingerprint (a warm build said "up to date" and skipped the
    warning). Python's bytecode is left out: it is made from the sources (stamped), and a module
    first imported during a build writes it after the stamps were taken."""
    if not folder.is_dir():
        into.append(f"{folder} absent")
        return
    paths, skipped = _tree_files(folder, within)
    for path in paths:
        into.append(_input_line(path))
    into.extend(f"{item.path} {item.message}" for item in skipped)


def _input_line(path: str | Path, missing: str = "gone") -> str:
    """'path size mtime ctime' of an input file (okrsite.filesystem.stamps), or 'path `missing`'."""
    try:
        return "{} {} {} {}".format(path, *input_stamp(os.stat(path)))
    except OSError:
        return f"{path} {missing}"


def _tree_files(folder: Path, within: Path | None) -> tuple[list[str], list[Diagnostic]]:
    """The files below `folder` as a build reads them, sorted, without Python's bytecode; and
    the entries it skips."""
    inside = within is not None and leads_inside(folder, within)
    skipped: list[Diagnostic] = []
    paths = sorted(site_paths(folder, within if inside and within is not None else folder, skipped=skipped))
    return [path for path in paths if f"{os.sep}__pycache__{os.sep}" not in path], skipped


def contents_digest(folders: list[Path], within: Path | None = None) -> str:
    """A digest of what the files below these folders hold, named by their paths inside each
    folder (links followed as a build reads them: into the folder, or into `within`, the site
    folder): the same theme and the same okrsite give the same digest in any folder, after any
    checkout or reinstall (which give every file another time), so a fresh clone in CI takes
    its unchanged pages from the restored cache. Each file is read once a process while its
    size and time stay (the preview's rebuilds): ~10 ms for okrsite's code and its theme."""
    digest = hashlib.blake2b(digest_size=20)
    for index, folder in enumerate(folders):
        if not folder.is_dir():
            digest.update(f"{index} absent\0".encode())
            continue
        paths, skipped = _tree_files(folder, within)
        for path in paths:
            digest.update(f"{index} {os.path.relpath(path, folder)} ".encode("utf-8", "surrogateescape")
                          + _file_digest(path) + b"\0")
        for item in skipped:
            digest.update(f"{index} {item.path} {item.message}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


_FILE_DIGESTS: dict[str, tuple[Stamp, bytes]] = {}  # path -> its stamp and digest, as last read


def _file_digest(path: str) -> bytes:
    try:
        stamp = input_stamp(os.stat(path))
        known = _FILE_DIGESTS.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        with open(path, "rb") as stream:
            made = hashlib.file_digest(stream, "blake2b").digest()
    except OSError:
        return b"gone"
    _FILE_DIGESTS[path] = (stamp, made)
    return made


def input_fingerprint(inputs: dict[str, Any], folders: list[Path], files: list[Path],
                      within: Path | None = None) -> str:
    """A digest of the settings that shape the output and of every input file's stamp (links
    followed into their folder or `within`)."""
    lines = [json.dumps(inputs, sort_keys=True, default=str)]
    for folder in folders:
        _tree_stamps(folder, lines, within)
    lines.extend(_input_line(path, "absent") for path in files)
    # surrogateescape: a file name that is not UTF-8 (skipped by the build) still has a stamp
    return hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def file_stamp(path: str) -> list[int] | None:
    """[size, mtime_ns] of a file named by its path, or None when it cannot be looked at."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def output_stamps(output: Path) -> Stamps:
    if not output.is_dir():
        return {}
    return {rel: stamp for rel, entry in files_below(output) if (stamp := _stamp(entry)) is not None}


def written_stamps(output: Path, files: Mapping[str, Content], before: Stamps) -> Stamps:
    """What output_stamps() gives once write_site(files, output) is done, without looking at
    every file: a kept file's stamp is the last build's (checked just before the write, which
    never touches such a file, or links it whole), only the others are looked at (after an edit,
    a few dozen of 12,000)."""
    folder = f"{output}{os.sep}"
    stamps = {}
    for rel in (*files, MARKER):
        stamp = (before.get(rel) if isinstance(files.get(rel), Kept) else None) or file_stamp(folder + rel)
        if stamp is not None:
            stamps[rel] = stamp
    return stamps


def load_state(cache_dir: Path) -> BuildState | None:
    data = read_cache(cache_dir / STATE_FILE, _FORMAT)
    try:
        data["warnings"] = tuple(Diagnostic(**d) for d in data["warnings"])
        return BuildState(**data)
    except (TypeError, KeyError):
        return None


def save_state(cache_dir: Path, state: BuildState) -> None:
    # Not asdict(state): it would copy the ~25,000 stamps and digests of a large site first (~0.1 s).
    data = {f.name: getattr(state, f.name) for f in fields(state)}
    data["warnings"] = [asdict(warning) for warning in state.warnings]
    write_cache(cache_dir / STATE_FILE, _FORMAT, data)


def forget_state(cache_dir: Path) -> None:
    """Before writing the output: an interrupted write must not look up to date."""
    remove_cache(cache_dir / STATE_FILE)
