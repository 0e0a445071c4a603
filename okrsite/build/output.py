"""Write a built site: staged beside the output folder, then swapped in.

A failed build never gets here (everything is rendered in memory first), so
the previous output stays as it was. Files whose bytes did not change are
never rewritten (mtimes and inodes stay). Writing is all or nothing too: when
the disk fills up or a name is refused half-way, everything done so far is undone
and the staging folder removed, so the output is the previous one, byte for byte.
Every path is checked before anything is written: none may leave the output folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from okrsite.filesystem.realpaths import OUTPUT_MARKER, is_inside, leads_inside

MARKER = OUTPUT_MARKER  # marks a folder okrsite may replace
WRITERS = 4  # threads staging a whole output folder
# A link to a cache file is made without following it where the platform can say so (elsewhere,
# Windows, the check that it is a regular file, just before, is what holds).
_NOT_FOLLOWING = {"follow_symlinks": False} if os.link in os.supports_follow_symlinks else {}


class Kept:
    """In place of a file's bytes: the file as the last build wrote it (checked unchanged since)."""

    def __repr__(self) -> str:
        return "KEPT"


KEPT = Kept()


@dataclass(frozen=True)
class Linked:
    """In place of a file's bytes: a file in the cache with exactly those bytes (a chart), linked
    into the output rather than written again (a link makes no new inode, which is most of what
    writing ten thousand small files costs), or copied where it cannot be linked (another file
    system). Cache files are only ever replaced whole, never changed in place, so the output's
    file keeps its bytes."""

    path: Path


Content = bytes | Kept | Linked


class UnsafeOutput(Exception):
    """The output folder would overwrite or delete something that is not a built site,
    or a file's path would lead out of it."""


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    changed: tuple[str, ...] = ()  # written or removed paths, for the preview's reload decision


def check_output_dir(output: Path, site_root: Path, sources: list[Path], home: Path | None = None) -> None:
    """Refuse an output folder that is the site root, contains it, lies inside a source
    folder (content, themes), or already holds files okrsite did not write; and, when the
    site's own files chose it (okrsite.yaml, a committed `output` link), one that leads out of
    `home`: the site's repository, or the site folder outside git (`output_home`)."""
    output = output.resolve()
    if home is not None and not leads_inside(output, home):
        where = "the site's git repository" if home != site_root.resolve() else "the site folder"
        raise UnsafeOutput(f"the output folder {output} lies outside {where} ({home}), links followed: the site's "
                           "files may only send a build's writes inside it; to build elsewhere, run okrsite build "
                           "--output DIR")
    if leads_inside(site_root, output):
        raise UnsafeOutput(f"the output folder {output} is the site folder or one of its parents: "
                           "choose a folder of its own, such as 'output'")
    for source in sources:
        if leads_inside(output, source) or leads_inside(source, output):
            raise UnsafeOutput(f"the output folder {output} overlaps the source folder {source}: "
                               "choose a folder outside it")
    for folder in output.parents:
        if folder.is_file():
            raise UnsafeOutput(f"the output folder {output} cannot be made: {folder} is a file")
    if output.is_file() or (output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists()):
        raise UnsafeOutput(f"the output folder {output} holds files okrsite did not write; "
                           "empty it or choose another folder")


def _same_bytes(path: Path, data: bytes | Linked) -> bool:
    try:
        if isinstance(data, Linked):
            if os.path.samefile(path, data.path):
                return True
            data = data.path.read_bytes()
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_site(files: dict[str, Content], output: Path) -> WriteReport:
    """Make `output` hold exactly `files` (relative posix path -> bytes, KEPT, or a Linked file).

    The first build, and any build that changes most of the site, stages a whole
    new folder and swaps it in. A rebuild that changes a few files stages just
    those and swaps each into place (one rename each, so a file is never seen
    half-written), instead of relinking thousands of unchanged ones.
    """
    for rel in files:
        _check_path(rel)
    output = output.resolve()
    # Before reading an old file to compare, or linking one: the folders of files with bytes now,
    # and of kept ones only if the whole folder is staged (a few folders after an edit, not thousands).
    # A first build, or one in a fresh clone (CI), has no output to compare with or to look at for
    # links: 12,000 files' stat calls and 3,000 folders' realpath spared (~0.15 s at 1,000 objectives).
    first = not output.is_dir()
    fresh = [rel for rel, data in files.items() if not isinstance(data, Kept)]
    if not first:
        _check_inside(output, fresh)
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{output.name}.okrsite-staging"
    retired = parent / f".{output.name}.okrsite-old"
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    existing = _existing_files(output)
    changed = sorted(rel for rel, data in files.items()
                     if not isinstance(data, Kept) and (first or not _same_bytes(output / rel, data)))
    removed = sorted(existing - files.keys())
    unchanged = len(files) - len(changed)
    # A few files are swapped in place, unless something to remove stands where the site needs a
    # folder (a link put there by hand): then the whole folder is staged, kept files checked.
    if (output / MARKER).exists() and len(changed) + len(removed) <= len(files) // 4 \
            and not (removed and _folders_of(files).intersection(removed)):
        _swap_files(files, changed, removed, output, staging)
    else:
        _check_inside(output, [rel for rel, data in files.items() if isinstance(data, Kept)])
        _swap_folder(files, set(changed), output, staging, retired)
    return WriteReport(len(changed), unchanged, len(removed), tuple(sorted(changed + removed)))


MAX_NAME_BYTES = 255  # a file or folder name, on every common file system


# A path every part of which starts with a letter, digit or underscore and is short: what a build
# makes of its slugs (checked in one step; any other path is looked at part by part).
_PLAIN_PATH = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}/)*[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


def _check_path(rel: str) -> None:
    """Refuse a relative path that could name anything outside the folder it is written to,
    whatever the caller passes: ids are checked at load, this is the last line."""
    if isinstance(rel, str) and _PLAIN_PATH.fullmatch(rel):
        return
    problem = None
    try:
        parts = rel.split("/")
        sizes = [len(os.fsencode(part)) for part in parts]
    except (AttributeError, UnicodeEncodeError):
        problem = "it is not a file name"
    else:
        if not rel or "\0" in rel or "\\" in rel:
            problem = "it is empty or holds a NUL or a backslash"
        elif rel.startswith("/") or (len(rel) >= 2 and rel[1] == ":"):
            problem = "it is an absolute path"
        elif any(part in ("", ".", "..") for part in parts):
            problem = "it has an empty, '.' or '..' segment"
        elif max(sizes) > MAX_NAME_BYTES:
            problem = f"a name in it is longer than {MAX_NAME_BYTES} bytes"
    if problem:
        raise UnsafeOutput(f"refusing to write {rel!r} in the output folder: {problem}")


def _check_inside(root: Path, rels: Iterable[str]) -> None:
    """Refuse paths whose folder, after symbolic links, is not inside `root` (an output folder
    someone changed by hand)."""
    real_root = os.path.realpath(root)
    for folder in sorted({os.path.dirname(rel) for rel in rels}):
        if not is_inside(os.path.realpath(os.path.join(real_root, folder)), real_root):
            raise UnsafeOutput(f"refusing to write in {folder!r}: it leads out of the output folder {root}")


def _write_file(path: Path, data: bytes | Linked) -> None:
    """The one place a file of the site is written (tests make it fail part-way)."""
    if isinstance(data, Linked):
        if not stat.S_ISREG(os.lstat(data.path).st_mode):  # never a link leading out of the cache
            raise UnsafeOutput(f"refusing to link {data.path} into the output: it is not a file")
        try:
            os.link(data.path, path, **_NOT_FOLLOWING)
        except OSError:
            shutil.copyfile(data.path, path)
        return
    path.write_bytes(data)


def files_below(folder: Path | str, prefix: str = "") -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file below a folder as (relative posix path, directory entry): a built site has
    thousands, and scandir's entries spare a path join and a lookup for each."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from files_below(entry.path, f"{prefix}{entry.name}/")
            else:
                yield prefix + entry.name, entry


def _folders_of(rels: Iterable[str]) -> set[str]:
    """Every folder the paths lie in, their parents' too."""
    found: set[str] = set()
    for rel in rels:
        folder = os.path.dirname(rel)
        while folder and folder not in found:
            found.add(folder)
            folder = os.path.dirname(folder)
    return found


def _existing_files(output: Path) -> set[str]:
    if not output.is_dir():
        return set()
    return {rel for rel, _ in files_below(output) if rel != MARKER}


def _swap_files(files: dict[str, Content], changed: list[str], removed: list[str],
                output: Path, staging: Path) -> None:
    """Stage every changed file, then rename each into place with the old one set aside (one
    rename each, so a file is never seen half-written); a failure renames everything back."""
    fresh, aside = staging / "new", staging / "old"
    moved: list[tuple[Path, Path | None]] = []  # (file in the output, its old version set aside)
    made: list[Path] = []  # folders created in the output
    try:
        fresh.mkdir(parents=True)
        aside.mkdir()
        for index, rel in enumerate(changed):
            data = files[rel]
            assert not isinstance(data, Kept), "a kept file is never a changed one"
            _write_file(fresh / str(index), data)
        for index, rel in enumerate(changed):
            target = output / rel
            _make_folders(target.parent, output, made)
            old = aside / str(index)
            if os.path.lexists(target):
                os.replace(target, old)
                moved.append((target, old))
            else:
                moved.append((target, None))
            os.replace(fresh / str(index), target)
        for index, rel in enumerate(removed):
            os.replace(output / rel, aside / f"removed-{index}")
            moved.append((output / rel, aside / f"removed-{index}"))
    except BaseException:
        _put_back(moved, made)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for rel in removed:  # the swap is done: what follows only tidies up
        folder = (output / rel).parent
        with contextlib.suppress(OSError):
            while folder != output and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    shutil.rmtree(staging, ignore_errors=True)


def _make_folders(folder: Path, output: Path, made: list[Path]) -> None:
    """Create a folder and its missing parents inside the output, remembering each for undoing."""
    missing = []
    while folder != output and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir()
        made.append(new)


def _put_back(moved: list[tuple[Path, Path | None]], made: list[Path]) -> None:
    """Undo a partial swap: old versions back in place, new files and folders gone."""
    for target, old in reversed(moved):
        with contextlib.suppress(OSError):
            if old is not None:
                os.replace(old, target)
            else:
                target.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


_T = TypeVar("_T")


def side_by_side(work: Callable[[list[_T]], None], items: Sequence[_T]) -> None:
    """`work` done on WRITERS shares of `items`, each in a thread of its own. Creating thousands
    of files is a wait on the file system for each, which threads spend side by side (3-5x
    faster on a busy disk); the first exception a share raises is raised here, once all are done."""
    with ThreadPoolExecutor(WRITERS) as pool:  # leaving the block waits for every thread
        list(pool.map(work, [list(items[i::WRITERS]) for i in range(WRITERS)]))


def _swap_folder(files: dict[str, Content], changed: set[str], output: Path, staging: Path,
                 retired: Path) -> None:
    """Stage a complete new output (unchanged files hard-linked from the old one) and swap it in.

    Folders and files are made by a few threads side by side; the result is the same.
    """
    entries = sorted(files.items())
    folders = sorted({staging, *((staging / rel).parent for rel in files)})

    def make_folders(share: list[Path]) -> None:
        for folder in share:
            folder.mkdir(parents=True, exist_ok=True)  # parents first within a share; races are fine

    def stage(share: list[tuple[str, Content]]) -> None:
        for rel, data in share:
            target, old = staging / rel, output / rel
            if isinstance(data, Kept) or rel not in changed:  # the old file has these bytes
                try:
                    os.link(old, target)
                except OSError:
                    shutil.copy2(old, target)
            else:
                _write_file(target, data)

    try:
        side_by_side(make_folders, folders)
        side_by_side(stage, entries)
        _write_file(staging / MARKER, b"")
        if output.exists():
            os.replace(output, retired)
        os.replace(staging, output)
    except BaseException:
        if retired.exists() and not output.exists():
            os.replace(retired, output)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)  # what is left is removed by the next build
