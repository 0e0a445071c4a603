"""Write a built site: staged beside the output folder, then swapped in.

A failed build never gets here, so the previous output stays as it was. Files
whose bytes did not change are hard-linked from the old output instead of
rewritten, so a no-op rebuild rewrites nothing (mtimes and inodes stay).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MARKER = ".okrsite-output"  # marks a folder okrsite may replace


class UnsafeOutput(Exception):
    """The output folder would overwrite or delete something that is not a built site."""


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    changed: tuple[str, ...] = ()  # written or removed paths, for the preview's reload decision


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_dir(output: Path, site_root: Path, sources: list[Path]) -> None:
    """Refuse an output folder that is the site root, contains it, lies inside a source
    folder (content, themes), or already holds files okrsite did not write."""
    output = output.resolve()
    if _is_within(site_root.resolve(), output):
        raise UnsafeOutput(f"the output folder {output} is the site folder or one of its parents: "
                           "choose a folder of its own, such as 'output'")
    for source in sources:
        if _is_within(output, source.resolve()) or _is_within(source.resolve(), output):
            raise UnsafeOutput(f"the output folder {output} overlaps the source folder {source}: "
                               "choose a folder outside it")
    for folder in output.parents:
        if folder.is_file():
            raise UnsafeOutput(f"the output folder {output} cannot be made: {folder} is a file")
    if output.is_file() or (output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists()):
        raise UnsafeOutput(f"the output folder {output} holds files okrsite did not write; "
                           "empty it or choose another folder")


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_site(files: dict[str, bytes], output: Path) -> WriteReport:
    """Replace `output` with exactly `files` (relative posix path -> bytes)."""
    output = output.resolve()
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{output.name}.okrsite-staging"
    retired = parent / f".{output.name}.okrsite-old"
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    unchanged = 0
    written: list[str] = []
    made_dirs: set[Path] = set()
    for rel, data in sorted({**files, MARKER: b""}.items()):
        counted = rel != MARKER
        target = staging / rel
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        old = output / rel
        if _same_bytes(old, data):
            try:
                os.link(old, target)
            except OSError:
                shutil.copy2(old, target)
            unchanged += counted
        else:
            target.write_bytes(data)
            if counted:
                written.append(rel)
    removed: list[str] = []
    if output.exists():
        removed = [rel for p in output.rglob("*") if p.is_file() and p.name != MARKER
                   and (rel := p.relative_to(output).as_posix()) not in files]
        os.replace(output, retired)
    os.replace(staging, output)
    if retired.exists():
        shutil.rmtree(retired)
    return WriteReport(len(written), unchanged, len(removed), tuple(sorted(written + removed)))
