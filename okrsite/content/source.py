"""Files to documents: front matter split, YAML parsed with line numbers (see
okrsite.content.yamlload), the files of a site found, and parsed documents cached."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from okrsite import __version__
from okrsite.filesystem.cachefiles import read_cache, write_cache
from okrsite.diagnostics import Diagnostic
from okrsite.filesystem.realpaths import home_or_hidden, is_inside
from okrsite.filesystem.names import device_name_problem
from okrsite.filesystem.stamps import Stamp, input_stamp
from okrsite.content.yamlload import (KeyPath, Memo, Positions, SourceError, load_yaml, positions_of, source_error,
                                      unpack_positions)

__all__ = ["Cached", "Document", "DocumentCache", "DumpedMeta", "KeyPath", "MAX_FILE_BYTES", "Positions",
           "SourceError", "SourceFiles", "content_digest", "decode", "discover", "dump_checked", "dump_meta",
           "is_ignored", "label", "load_meta", "load_yaml", "parse_markdown_document", "parse_yaml_document",
           "site_files", "split_front_matter", "written_text"]

MAX_FILE_BYTES = 2 * 1024 * 1024  # one content file (README, "Safety"): far above any real objective


@dataclass(frozen=True)
class Document:
    """One content file: its parsed front matter (or YAML data) and its Markdown body."""

    path: str
    meta: Any
    body: str
    positions: Positions

    @classmethod
    def restored(cls, path: str, meta: DumpedMeta, body: str, positions: Positions) -> Document:
        """A document from the cache whose front matter is decoded when first asked for: a build
        or check that finds its checked fields cached too (model.remembered) never asks."""
        doc = cls.__new__(cls)
        for name, value in (("path", path), ("body", body), ("positions", positions), ("_dumped", meta)):
            object.__setattr__(doc, name, value)
        return doc

    def __getattr__(self, name: str) -> Any:
        """Only asked for an attribute the instance lacks: the front matter of a restored document,
        not decoded yet."""
        dumped = self.__dict__.get("_dumped") if name == "meta" else None
        if dumped is None:
            raise AttributeError(name)
        meta = dumped.load()
        object.__setattr__(self, "meta", meta)
        del self.__dict__["_dumped"]
        return meta

    def dumped_meta(self) -> str:
        """The front matter as dump_meta writes it (as restored, when it was never decoded)."""
        dumped = self.__dict__.get("_dumped")
        return dumped.text if dumped is not None else dump_meta(self.meta)


@dataclass(frozen=True)
class DumpedMeta:
    """Front matter as the document cache keeps it (dump_meta), and the file it came from: its
    site's folder and its label there (the path is made only if it is read again: making 1,800
    paths was 4 % of a one-file rebuild)."""

    text: str
    root: Path
    label: str

    def load(self) -> Any:
        """The front matter; from the file again if the text is not what dump_meta wrote."""
        try:
            return load_meta(self.text)
        except ValueError:
            pass
        try:
            return load_yaml(*_yaml_again(self.root / self.label, self.label))[0]
        except (OSError, SourceError):
            return None


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return (front matter YAML, Markdown body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise source_error(path, 1, 1, "missing front matter: the file must start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise source_error(path, 1, 1, "front matter is not closed: add a '---' line after it")


# The first line git writes where a merge left both sides of a conflict (and the last): "<<<<<<< HEAD".
_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text with a BOM removed and newlines made uniform; a merge conflict's markers are an
    error at their line (YAML read them as a key without its ': ', a line further down)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise source_error(path, line, 1, "the file is not valid UTF-8 text; save it as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if conflict := _CONFLICT.search(text):
        raise source_error(path, text.count("\n", 0, conflict.start()) + 1, 1,
                           "a merge left a conflict here: keep the lines you want, and remove the <<<<<<<, ======= "
                           "and >>>>>>> lines git wrote around both sides")
    return text


def parse_markdown_document(raw: bytes, path: str, memo: Memo | None = None) -> tuple[Document, list[Diagnostic]]:
    """A Markdown file with YAML front matter (front matter starts on line 2)."""
    text = decode(raw, path)
    front, body, _ = split_front_matter(text, path)
    meta, positions, problems = load_yaml(front, path, line_offset=1, memo=memo)
    return Document(path, meta, body, positions), problems


def parse_yaml_document(raw: bytes, path: str, memo: Memo | None = None) -> tuple[Document, list[Diagnostic]]:
    """A plain YAML data file such as teams.yaml."""
    meta, positions, problems = load_yaml(decode(raw, path), path, memo=memo)
    return Document(path, meta, "", positions), problems


# --- finding the files of a site -------------------------------------------

_EDITOR_LITTER = re.compile(r"(^\.|^#|~$|\.swp$|\.swx$|\.tmp$|\.bak$|^4913$)")


def is_ignored(name: str) -> bool:
    """Hidden files and the swap, backup and probe files editors leave behind."""
    return bool(_EDITOR_LITTER.search(name))


@dataclass(frozen=True)
class SourceFiles:
    objectives: tuple[Path, ...]
    projects: tuple[Path, ...]
    pages: tuple[Path, ...]
    teams: Path | None
    assets: tuple[Path, ...]
    skipped: tuple[Diagnostic, ...] = ()  # warnings: links leading out, FIFOs, undecodable names


def label(path: Path | str, root: Path) -> str:
    """A path as diagnostics show it: relative to the site folder, symbolic links not resolved."""
    text, top = os.fspath(path), os.fspath(root)
    if text.startswith(top + os.sep) and os.path.isabs(top) and _PLAIN_PATH.fullmatch(text):
        return text[len(top) + 1:]  # what relpath gives, at a fifth of its cost
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


# A POSIX path that relpath would not change: no '.' or '..' step, no doubled or final '/' (elsewhere: none).
_PLAIN_PATH = re.compile(r"(?!.*(?:^|/)\.\.?(?:/|$))(?!.*//)(?!.*/$).*", re.DOTALL) if os.sep == "/" \
    else re.compile(r"(?!)")


_HOME_OR_HIDDEN = ("a symbolic link that leads to the site folder itself, to a hidden file or folder in it "
                   "(.git, the cache) or into a built site (the output folder) is not followed")


def _admit(entry: os.DirEntry[str], real_root: str, skipped: list[Diagnostic], root: Path) -> str | None:
    """'dir' or 'file' for an entry to read, None (with a warning where it matters) for one to skip.

    A symbolic link is followed when it leads inside the site folder and refused when it
    leads outside: a link to /etc/passwd under assets/ must never be read, let alone published.
    Nor is one followed into a hidden file or folder of the site, which a build never reads
    itself: `.git` (its config may hold a token), the cache. A FIFO, socket or device would
    block a read or never end it.
    """
    def skip(why: str) -> None:
        skipped.append(Diagnostic(label(entry.path, root), 1, 1, "warning", f"{why}: skipped"))

    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        skip("the file name is not valid UTF-8 (rename it)")
        return None
    try:
        if entry.is_symlink():
            real = os.path.realpath(entry.path)
            if not is_inside(real, real_root):
                skip("a symbolic link that leads outside the site folder is not followed")
                return None
            if home_or_hidden(real, real_root):
                skip(_HOME_OR_HIDDEN)
                return None
        kind = "dir" if entry.is_dir() else "file" if entry.is_file() else None
        if kind is not None:
            if problem := device_name_problem(entry.name):  # read all the same: it builds here
                skipped.append(Diagnostic(label(entry.path, root), 1, 1, "warning", f"the name {problem}; rename it"))
            return kind
    except OSError:
        pass
    skip("not a regular file (a FIFO, socket, device or broken link)")
    return None


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder, links followed; False for a link that leads nowhere or in a
    loop (a -> b -> a), which `_admit` skips with a warning where the build would read it."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def site_files(folder: Path, root: Path, suffix: str | None = None,
               skipped: list[Diagnostic] | None = None, role: str = "") -> tuple[Path, ...]:
    """Every regular file below `folder` ending in `suffix`, sorted; hidden files and editor
    litter left out, links leading outside `root` (the site folder) and special files
    skipped with a warning in `skipped`. A folder reached twice through links is read once.
    `role` ("objective"): every file is meant to be one, so one named otherwise is skipped
    with a warning (`x.MD`, `x.markdown`: the objective would vanish without a word)."""
    return tuple(sorted(map(Path, site_paths(folder, root, suffix, skipped, role))))


# Files a content folder may hold beside its documents without being one: notes for its readers,
# pictures, what an operating system or a merge leaves behind.
_NOT_CONTENT = re.compile(r"^(readme|licen[cs]e|notes|changelog)(\.[^.]*)?$|^(thumbs\.db|desktop\.ini)$"
                          r"|\.(png|jpe?g|gif|svg|webp|pdf|orig|rej)$", re.IGNORECASE)
_MARKDOWN_NAME = re.compile(r"(.+?)\.(md|markdown|mdown|mkdn?|mdwn|mdtext)(\.txt)?", re.IGNORECASE)


def _misnamed(name: str, suffix: str, role: str) -> str | None:
    """Why a file of a folder of `role` documents is not read, when it is one written under another
    name (Markdown as `x.MD` or `x.markdown`, fields as YAML); None for any other file (a README, a
    picture, the sheet the objectives were imported from), which a folder may hold unread."""
    if _NOT_CONTENT.search(name):
        return None
    stem, _, extension = name.rpartition(".")
    if markdown := _MARKDOWN_NAME.fullmatch(name):
        return f"not read: {role} files end in {suffix} (rename it to {markdown[1]}{suffix})"
    if stem and extension.lower() in ("yaml", "yml"):
        return (f"not read: {role} files end in {suffix} (its fields go in the front matter of a Markdown file, "
                f"between '---' lines: {stem}{suffix})")
    return None


def site_paths(folder: Path, root: Path, suffix: str | None = None,
               skipped: list[Diagnostic] | None = None, role: str = "") -> list[str]:
    """The files `site_files` finds, as paths in no particular order (the up-to-date check of
    every build stamps thousands: Path objects and their sorting would double its time)."""
    if not folder.is_dir():
        return []
    skipped = [] if skipped is None else skipped
    real_root = os.path.realpath(root)
    real_folder = os.path.realpath(folder)
    if not is_inside(real_folder, real_root):
        skipped.append(Diagnostic(label(folder, root), 1, 1, "warning",
                                  "a folder that leads outside the site folder is not read: skipped"))
        return []
    # The folder itself reached through a link (content/assets -> ../.git): checked as a link inside it is.
    lexical = os.path.join(real_root, os.path.relpath(os.path.abspath(folder), os.path.abspath(root)))
    if real_folder != os.path.normpath(lexical) and home_or_hidden(real_folder, real_root):
        skipped.append(Diagnostic(label(folder, root), 1, 1, "warning", f"{_HOME_OR_HIDDEN}: skipped"))
        return []
    seen = {real_folder}
    found: list[str] = []
    stack: list[str | Path] = [folder]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:  # its files would vanish from the site in silence
            skipped.append(Diagnostic(label(here, root), 1, 1, "error",
                                      f"cannot read the folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if is_ignored(entry.name):
                continue
            if suffix and not entry.name.endswith(suffix) and not _is_folder(entry):
                if role and (why := _misnamed(entry.name, suffix, role)) and _admit(entry, real_root, skipped, root):
                    skipped.append(Diagnostic(label(entry.path, root), 1, 1, "warning", why))
                continue
            kind = _admit(entry, real_root, skipped, root)
            if kind == "file":
                found.append(entry.path)
            elif kind == "dir" and (real := os.path.realpath(entry.path)) not in seen:
                seen.add(real)
                stack.append(entry.path)
    return found


def teams_file(content_dir: Path, root: Path, skipped: list[Diagnostic]) -> Path | None:
    """The content folder's teams.yaml (or teams.yml), when it is a file the build reads."""
    names = ("teams.yaml", "teams.yml")
    try:
        with os.scandir(content_dir) as scan:
            entries = {entry.name: entry for entry in scan if entry.name in names}
    except OSError:
        return None
    for name in names:
        if name in entries and _admit(entries[name], os.path.realpath(root), skipped, root) == "file":
            return Path(entries[name].path)
    return None


# What the top of a content folder holds that a build reads.
_CONTENT_FOLDERS = ("objectives", "projects", "pages", "assets")
_CONTENT_FILES = ("teams.yaml", "teams.yml")


def unread_entries(content_dir: Path, root: Path, skipped: list[Diagnostic]) -> None:
    """A warning for each entry at the top of the content folder that the build does not read
    and that looks like content put in the wrong place: a name a slip away from one it reads
    (`objective/`, `Projects/`, `team.yaml`), a Markdown file, or a folder of Markdown files
    (`okrs/`). Without it, an objective or the whole team tree vanished without a word. Notes,
    pictures and editor litter are left alone, as in the folders it reads."""
    try:
        with os.scandir(content_dir) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name in _CONTENT_FOLDERS + _CONTENT_FILES or is_ignored(name) or _NOT_CONTENT.search(name) \
                or _read_as(entry, content_dir / name.lower()):
            continue
        folder = _is_folder(entry)
        near = difflib.get_close_matches(name.lower(), _CONTENT_FOLDERS if folder else _CONTENT_FILES, n=1,
                                         cutoff=0.75)
        if near:
            why = (f"did you mean {near[0]}{'/' if folder else ''}? (okrsite reads objectives/, projects/, "
                   "pages/, assets/ and teams.yaml here)")
        elif not folder and name.lower().endswith(".md"):
            why = "an objective goes in objectives/, a project in projects/, a page in pages/"
        elif folder and _holds_markdown(entry.path):
            why = "it holds Markdown files, and objectives go in objectives/, projects in projects/, pages in pages/"
        else:
            continue
        skipped.append(Diagnostic(label(entry.path, root), 1, 1, "warning", f"not read: {why}"))


def _read_as(entry: os.DirEntry[str], known: Path) -> bool:
    """Whether the entry is the one a name the build reads finds (`Projects/` on a file system that
    ignores case: it is read as projects/)."""
    try:
        return known.name in _CONTENT_FOLDERS + _CONTENT_FILES and os.path.samefile(entry.path, known)
    except OSError:
        return False


def _holds_markdown(folder: str) -> bool:
    """Whether a Markdown file lies anywhere below the folder (links not followed)."""
    for _, _, names in os.walk(folder):
        if any(name.lower().endswith(".md") and not is_ignored(name) for name in names):
            return True
    return False


def discover(content_dir: Path, root: Path | None = None) -> SourceFiles:
    """Every file of a site's content folder, by role, in a stable order. `root` is the site
    folder (default: the content folder's parent): links may not lead out of it."""
    root = content_dir.parent if root is None else root
    skipped: list[Diagnostic] = []
    unread_entries(content_dir, root, skipped)
    return SourceFiles(
        objectives=site_files(content_dir / "objectives", root, ".md", skipped, "objective"),
        projects=site_files(content_dir / "projects", root, ".md", skipped, "project"),
        pages=site_files(content_dir / "pages", root, ".md", skipped),
        teams=teams_file(content_dir, root, skipped),
        assets=site_files(content_dir / "assets", root, None, skipped),
        skipped=tuple(skipped),
    )


Parser = Callable[[bytes, str, Memo | None], tuple[Document, list[Diagnostic]]]


Checked = str | Callable[[], str]  # the text a field check's values are kept as, or what writes it


@dataclass(frozen=True)
class Cached:
    """A parsed document and what its file was: its stamp to trust it at a glance, and a digest
    of its bytes to recognise it when only the stamp changed (a fresh clone)."""

    stamp: Stamp
    digest: str
    doc: Document
    checked: Checked = ""  # what the model's field check made of the document, as the model writes it


def _written(write: Callable[[], str]) -> str:
    """What a kept field check writes; nothing for values JSON cannot hold as they are (dump_checked)."""
    try:
        return write()
    except TypeError:
        return ""


def content_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@dataclass
class DocumentCache:
    """Parsed documents by their site-relative path: a rebuild re-reads only changed files.

    A file whose stamp (size, mtime and ctime: okrsite.filesystem.stamps) is as cached
    is not read at all. One whose stamp differs is read and hashed: the same bytes (a fresh clone, a checkout, a `touch`)
    are a hit that refreshes the stamp, so a cache restored in CI, in another folder,
    still spares every parse. Keys and the saved file hold no absolute path.
    """

    entries: dict[str, Cached] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    unsaved: int = 0  # entries parsed or re-stamped since the cache was last saved or restored
    memo: Memo = field(default_factory=Memo)  # scalars seen by this cache's parses

    def load(self, path: Path, label: str, parser: Parser) -> tuple[Document, list[Diagnostic]]:
        """The document of `path` (shown as `label`, relative to the site folder); raises
        SourceError for a file that cannot be parsed (never cached)."""
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            raise source_error(label, 1, 1, f"the file has {stat.st_size:,} bytes; a content file may have "
                                            f"at most {MAX_FILE_BYTES:,} (2 MB)")
        stamp = input_stamp(stat)
        cached = self.entries.get(label)
        if cached is not None and cached.stamp == stamp:
            self.hits += 1
            return cached.doc, []
        raw = path.read_bytes()
        digest = content_digest(raw)
        self.unsaved += 1
        if cached is not None and cached.digest == digest:
            self.hits += 1
            self.entries[label] = replace(cached, stamp=stamp)
            return cached.doc, []
        self.misses += 1
        doc, problems = parser(raw, label, self.memo)
        doc.positions.source = written_text(path, label)
        if not problems:
            self.entries[label] = Cached(stamp, digest, doc)
        return doc, problems

    def substitute(self, path: Path, label: str, doc: Document) -> None:
        """Until the file changes, read it as `doc` (okrsite checkin loads the site with an edit
        before writing it)."""
        stat = path.stat()
        self.entries[label] = Cached(input_stamp(stat), "", doc)

    def moved(self, root: Path) -> DocumentCache:
        """The same documents for a copy of the site at `root` (okrsite diff's revisions): a
        file there whose bytes are as cached is a hit, and positions are read from it."""
        return DocumentCache({label: replace(cached, doc=replace(
            cached.doc, positions=_restored_positions(cached.doc.positions.pack(), root, label)))
            for label, cached in self.entries.items()})

    def front_matter(self, folder: str) -> Mapping[str, Any]:
        """The front matter of the cached documents below `folder` (a label and '/'), by digest of
        their bytes; each decoded when looked up (okrsite.content.history looks up a few)."""
        return _FrontMatter({cached.digest: cached.doc for label, cached in self.entries.items()
                             if cached.digest and label.startswith(folder)})

    def checked(self, doc: Document) -> str:
        """What was kept of this document's field check (keep_checked), or ""."""
        cached = self.entries.get(doc.path)
        if cached is None or cached.doc is not doc:
            return ""
        if callable(cached.checked):
            cached = self.entries[doc.path] = replace(cached, checked=_written(cached.checked))
        return cached.checked  # type: ignore[return-value]

    def keep_checked(self, doc: Document, checked: Checked) -> None:
        """Keep what the field check made of a cached document, with it, until its file changes:
        the text, or what writes it when the cache is saved (a cold build writes ~1,800 of them
        while its pages render, not while its model is made)."""
        cached = self.entries.get(doc.path)
        if cached is not None and cached.doc is doc and cached.checked != checked:
            self.entries[doc.path] = replace(cached, checked=checked)
            self.unsaved += 1

    def forget_checked(self) -> None:
        """Forget every kept field check (the model found one it could not use)."""
        self.entries = {label: replace(cached, checked="") for label, cached in self.entries.items()}
        self.unsaved += 1

    def retain(self, labels: set[str]) -> None:
        """Forget all but these files (those a build read), so the saved cache does not grow."""
        for label in [key for key in self.entries if key not in labels]:
            del self.entries[label]

    def save(self, file: Path) -> None:
        """Keep parsed documents, and where their values stand, for the next run."""
        rows = []
        for label, cached in sorted(self.entries.items()):
            try:
                meta = cached.doc.dumped_meta()
            except TypeError:
                continue  # a YAML type we do not round-trip (!!binary, !!set): parse it again next time
            checked = _written(cached.checked) if callable(cached.checked) else cached.checked
            rows.append([label, list(cached.stamp), cached.digest, cached.doc.body, meta, cached.doc.positions.pack(),
                         checked])
        write_cache(file, _CACHE_FORMAT, rows)
        self.unsaved = 0

    @classmethod
    def restore(cls, file: Path, root: Path) -> DocumentCache:
        """The documents a previous run saved for the site in `root` (which may have been in
        another folder then); an empty cache when there is none or it is stale."""
        entries = {}
        try:
            for label, stamp, digest, body, meta, packed, checked in read_cache(file, _CACHE_FORMAT) or ():
                if not isinstance(packed, str) or not isinstance(checked, str):
                    raise TypeError("positions")
                if not isinstance(meta, str):
                    raise TypeError("meta")
                positions = _restored_positions(packed, root, label)
                entries[label] = Cached(tuple(stamp), digest, Document.restored(
                    label, DumpedMeta(meta, root, label), body, positions), checked)
        except (ValueError, TypeError, KeyError):
            return cls()
        return cls(entries)


class _FrontMatter(Mapping[str, Any]):
    """Documents' front matter by digest, decoded when looked up."""

    def __init__(self, docs: dict[str, Document]) -> None:
        self._docs = docs

    def __getitem__(self, digest: str) -> Any:
        return self._docs[digest].meta

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)


# 2: keyed by site-relative path, with a digest; 3: with the positions of values, packed; 4: and the
# checked values; 5: positions packed as JSON objects; 6: 1:30 read as text, not 90 (yamlload)
_CACHE_FORMAT = f"okrsite-documents-6-{__version__}"


def _restored_positions(packed: str, root: Path, label: str) -> Positions:
    positions = Positions(label, recompute=_unpack(packed, root, label), packed=packed)
    positions.source = written_text(root / label, label)
    return positions


def written_text(path: Path, label: str) -> Callable[[], str]:
    """The text of the file at `path` (shown as `label`), read again when called: what
    `Positions.source` is for a file, so that a hint can quote a line as written."""
    return lambda: decode(path.read_bytes(), label)


def _unpack(packed: str, root: Path, label: str) -> Callable[[], Positions]:
    """The positions kept in the cache; from the file (`root / label`) again if they are not what
    `pack` wrote."""
    def positions() -> Positions:
        try:
            return unpack_positions(label, packed)
        except (ValueError, TypeError, IndexError):
            pass
        try:
            return positions_of(*_yaml_again(root / label, label))
        except (OSError, SourceError):
            return Positions(label)
    return positions


def _yaml_again(path: Path, label: str) -> tuple[str, str, int]:
    """A cached document's YAML read from its file again, as parse_markdown_document (front matter,
    from line 2) or parse_yaml_document (the whole file) reads it: text, label, line offset."""
    text = decode(path.read_bytes(), label)
    if path.suffix in (".yaml", ".yml"):
        return text, label, 0
    return split_front_matter(text, label)[0], label, 1


def dump_meta(meta: Any) -> str:
    """Parsed YAML as JSON, dates kept apart from text; TypeError for types JSON cannot hold."""
    return json.dumps(meta, default=_encode_value)


def dump_checked(values: Any) -> str:
    """Checked values as JSON: tuples kept apart from lists, dates from text; TypeError for any
    other type (what holds one is checked again next time)."""
    return json.dumps(_tagged(values), default=_encode_value)


def load_meta(text: str) -> Any:
    """The data dump_meta or dump_checked wrote, dates and tuples as they were."""
    return _DECODER.decode(text)


_TAGS = ("\u0000date", "\u0000datetime", "\u0000tuple")
_PLAIN = frozenset((str, int, float, bool, type(None), dt.date))


def _tagged(value: Any) -> Any:
    """The value with its tuples tagged (JSON writes tuples and lists alike); exact types only,
    so that what is read back is what was written."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dt.datetime and not value.fold:  # isoformat() does not say which of a repeated hour
        return value
    if kind is tuple:
        return {"\u0000tuple": [_tagged(item) for item in value]}
    if kind is list:
        return [_tagged(item) for item in value]
    if kind is dict and all(type(key) is str for key in value) and not (len(value) == 1 and next(iter(value)) in _TAGS):
        return {key: _tagged(item) for key, item in value.items()}
    raise TypeError(kind.__name__)


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"\u0000datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"\u0000date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode_value(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "\u0000date" in obj:
            return dt.date.fromisoformat(obj["\u0000date"])
        if "\u0000datetime" in obj:
            return dt.datetime.fromisoformat(obj["\u0000datetime"])
        if "\u0000tuple" in obj:
            return tuple(obj["\u0000tuple"])
    return obj


_DECODER = json.JSONDecoder(object_hook=_decode_value)  # one for every document: json.loads makes one a call
