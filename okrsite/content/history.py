"""The git history of objective files, read at the edge and handed on as plain data.

One `git log` over the objectives folder gives every commit that touched it, with the
blob id of each file it changed; one `git cat-file --batch` reads those blobs (content
stage: files -> documents). A version equal to the work tree's file takes the front matter
the build parsed already; an older one is built from the newer version beside it when only
values on their own lines changed (content/yamlpatch.py: a commit that moves `current:`),
else parsed with the project's loader. Of each version, what key results' histories are
made of is kept (see _kept), cached by blob id in .okrsite-cache/history.json with the log
(JSON, never pickle): with the same HEAD nothing is asked of git but HEAD itself, nothing
is parsed but uncommitted changes, and after new commits only those are logged and read.

Choices (see README, "History from git"):
- First parent only: a merge counts once, on its own date, with everything it brought
  (the branch's own commits are not on the report's line); its author is the merger's.
- Renames inside the objectives folder are followed (git's rename detection, one pass for
  all files); a file deleted and added again starts a new history.
- Commits dated (committer date, in the committer's time zone) after `as_of` are left out;
  the work tree's text, where it differs from HEAD, is the last version, dated `as_of`, unless
  the file changed in a commit after `as_of` (its text then holds values not known yet).
- A shallow clone gives the commits it has, and says so once (`partial`).
- A version whose front matter does not parse is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from okrsite import __version__
from okrsite.filesystem.cachefiles import read_cache, write_cache
from okrsite.content.config import SiteConfig
from okrsite.content.git import GitError, git, in_work_tree, read_blobs
from okrsite.content.provenance import SHORT_HASH
from okrsite.content.source import (SourceError, content_digest, decode, discover, dump_meta, is_ignored, load_meta,
                                   split_front_matter)
from okrsite.content.yamlload import Memo, load_yaml
from okrsite.content.yamlpatch import ValueLines, patched, value_lines
from okrsite.filesystem.stamps import Stamp, input_stamp

HISTORY_FILE = "history.json"
_CACHE_FORMAT = f"okrsite-history-{__version__}-kr-fields-4"  # a new okrsite may parse or keep differently (4: 1:30 is text)
UNCOMMITTED = ""  # the commit of a work tree version
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class Version:
    """One state of a file: after a commit, or as it stands uncommitted in the work tree."""

    commit: str  # short id (7 hex digits), or UNCOMMITTED
    date: dt.date  # the commit date; as_of for the work tree
    author: str
    meta: Any  # what the history is made of: the front matter's key results, see _kept
    baseline: bool = False  # a shallow clone's oldest commit: what the file said then, not a change made then


@dataclass(frozen=True)
class History:
    """Each objective file (path relative to the site root, as diagnostics name it) and its
    versions, oldest first; only files in the work tree now."""

    files: dict[str, tuple[Version, ...]]
    partial: bool = False  # a shallow clone: older commits are missing
    problem: str | None = None  # git failed in a repository: why there is no history


NO_HISTORY = History({})

# A commit as the log gives it: [id, date (ISO), author, changes], each change
# [status letter, old path, new path, new blob id] (paths from the top of the repository).
Commit = list[Any]


@dataclass
class KeptHistory:
    """What a read found, for the next read of the same site in the same process (the preview's
    builds): the committed versions at a HEAD, and the text of each work tree file by its size
    and mtime. The next read with the same HEAD asks git nothing but HEAD, and reads only the
    files that changed since (a save in the preview: one)."""

    key: tuple[Any, ...] = ()  # HEAD, the folder, shallow, as_of, the site: what `committed` holds for
    committed: dict[str, tuple[Version, ...]] = field(default_factory=dict)  # by label
    at_head: dict[str, str] = field(default_factory=dict)  # blob id at HEAD, by path from the top
    later: frozenset[str] = frozenset()  # paths changed in a commit after as_of
    texts: dict[str, tuple[Stamp, _Text]] = field(default_factory=dict)  # by path from the top


def read_history(config: SiteConfig, known: Mapping[str, Any] | None = None,
                 objectives: Iterable[Path] | None = None, kept: KeptHistory | None = None) -> History:
    """The history of the site's objective files; NO_HISTORY outside git (no process started).
    `known`: front matter the build has already parsed, by content_digest of the file's bytes
    (the work tree's versions, most of them also the versions at HEAD, are not parsed again);
    `objectives`: the objective files, as the build found them; `kept`: what the last read of
    this site in this process found, brought up to date for the next."""
    if not in_work_tree(config.root):
        return NO_HISTORY
    try:
        top_text, shallow_text, head = git(config.root, "rev-parse", "--show-toplevel", "--is-shallow-repository",
                                           "HEAD").decode().split("\n")[:3]
    except (GitError, ValueError, UnicodeDecodeError):
        return NO_HISTORY  # no commit yet, or not a repository after all
    top = Path(top_text).resolve()
    try:
        spec = (config.content_dir / "objectives").resolve().relative_to(top).as_posix()
    except ValueError:
        return NO_HISTORY  # content outside the repository
    shallow = shallow_text == "true"
    # A shallow clone's edge, by its commits: when it moves (a deeper fetch, a new clone with the
    # cache restored), the cached log is read again, and the versions at the edge are baselines.
    cut = _shallow_ends(top) if shallow else frozenset()
    kept = kept if kept is not None else KeptHistory()
    work_tree = _work_tree(top, discover(config.content_dir).objectives if objectives is None else objectives,
                           known or {}, kept)
    key = (head, spec, cut, config.as_of, str(config.root))
    if kept.key == key:
        at_head, later = kept.at_head, kept.later
    else:
        cached = read_cache(config.cache_dir / HISTORY_FILE, _CACHE_FORMAT)
        try:
            try:
                files, at_head, later = _committed(config, top, spec, head, cut,
                                                   cached if isinstance(cached, dict) else {}, work_tree)
            except (ValueError, TypeError, KeyError, IndexError):  # a damaged cache: read everything again
                files, at_head, later = _committed(config, top, spec, head, cut, {}, work_tree)
        except GitError as exc:
            kept.key = ()
            return History({}, shallow, f"git history not read: {exc}")
        kept.key, kept.at_head, kept.later = key, at_head, later
        kept.committed = {label: tuple(versions) for label, versions in files.items()}
    # A file without uncommitted changes keeps its tuple of versions from one read to the next (the
    # preview's): the model knows it by that, and works out its KRs' history once (model.remembered).
    versions_of = dict(kept.committed)
    for path, version in work_tree.items():
        if version.blob != at_head.get(path) and path not in later:
            meta = version.meta if version.meta is not _UNKNOWN else _parse(version.data)
            if meta is not None:
                label = _label(config, top / path)
                versions_of[label] = (*versions_of.get(label, ()), Version(UNCOMMITTED, config.as_of, "", _kept(meta)))
    return History({label: versions_of[label] for label in sorted(versions_of) if versions_of[label]}, shallow)


_UNKNOWN = object()


@dataclass(frozen=True)
class _Text:
    """A version's bytes, its blob id, and where the build's own parse of them may be found."""

    data: bytes
    blob: str
    digest: str = ""  # content_digest of a work tree file's bytes ("": a blob read from git)
    known: Mapping[str, Any] = field(default_factory=dict)  # front matter the build parsed, by digest

    @property
    def meta(self) -> Any:
        """The front matter as the build parsed it, else _UNKNOWN (looked up when asked: a
        document restored from the build's cache decodes it then)."""
        return self.known.get(self.digest, _UNKNOWN) if self.digest else _UNKNOWN


def _work_tree(top: Path, objectives: Iterable[Path], known: Mapping[str, Any],
               kept: KeptHistory) -> dict[str, _Text]:
    """Each objective file in the work tree by its path from the top of the repository; a file
    whose stamp is that of the last read (`kept`: okrsite.filesystem.stamps) is not read again."""
    files, texts = {}, {}
    for path in objectives:
        where = path.relative_to(top).as_posix()
        try:
            status = path.stat()
            stamp = input_stamp(status)
            last = kept.texts.get(where)
            if last is not None and last[0] == stamp:
                text = replace(last[1], known=known)
            else:
                data = path.read_bytes()
                text = _Text(data, _blob_id(data), content_digest(data), known)
        except OSError:
            continue  # gone since the folder was listed
        files[where], texts[where] = text, (stamp, text)
    kept.texts = texts
    return files


def _committed(config: SiteConfig, top: Path, spec: str, head: str, cut: frozenset[str], cached: dict[str, Any],
               work_tree: dict[str, _Text]) -> tuple[dict[str, list[Version]], dict[str, str], frozenset[str]]:
    """The committed versions of each objective file at HEAD, each file's blob id at HEAD, and the
    files changed after as_of;
    the cache brought up to date. The cache holds what is kept of every version, those at HEAD
    too: a build that finds them there decodes no front matter of the work tree's (a version
    not cached yet that is the work tree's takes the build's own parse)."""
    edge = " ".join(sorted(cut))  # a shallow clone's edge: the cache holds the log down to it
    commits, metas, changed = _commits(top, spec, head, edge, cached)
    lines, at_head, later = _replay(commits, config.as_of)
    needed = sorted({blob for versions in lines.values() for _, blob in versions})
    texts = {version.blob: version for path, version in work_tree.items()
             if at_head.get(path) == version.blob and version.blob not in metas}
    parsed = {blob: meta for blob, text in texts.items() if (meta := text.meta) is not _UNKNOWN}
    missing = [blob for blob in needed if blob not in metas and blob not in texts]
    texts.update((blob, _Text(data, blob)) for blob, data in read_blobs(top, missing).items())
    _fill(lines.values(), texts, parsed)
    kept = {blob: _kept(meta) for blob, meta in parsed.items()}
    for blob in kept:
        metas[blob] = _as_json(kept[blob])
        if metas[blob] is None:
            kept[blob] = None  # not in the cache either: left out alike, read fresh or cached
    if changed or kept or metas.keys() != set(needed):
        try:
            write_cache(config.cache_dir / HISTORY_FILE, _CACHE_FORMAT, {
                "head": head, "spec": spec, "shallow": edge, "commits": commits,
                "metas": {blob: metas[blob] for blob in needed}})
        except OSError:
            pass  # a cache costs time, never correctness
    files = {}
    for path, versions in lines.items():
        files[_label(config, top / path)] = [
            Version(commits[index][0][:SHORT_HASH], dt.date.fromisoformat(commits[index][1][:10]), commits[index][2],
                    meta, commits[index][0] in cut) for index, blob in versions
            if (meta := kept[blob] if blob in kept else load_meta(metas[blob]) if metas[blob] else None) is not None]
    return files, at_head, later


def _shallow_ends(top: Path) -> frozenset[str]:
    """The commits a shallow clone has without their parents (git lists them in its `shallow`
    file): each shows every file as added, though the files are older."""
    try:
        where = Path(git(top, "rev-parse", "--git-path", "shallow").decode().strip())
        return frozenset((where if where.is_absolute() else top / where).read_text(encoding="ascii").split())
    except (GitError, OSError, UnicodeDecodeError):
        return frozenset()


def _fill(lines: Iterable[list[tuple[int, str]]], texts: dict[str, _Text], parsed: dict[str, Any]) -> None:
    """The front matter of each version read from git: built from the newer version of its file
    beside it when only values on their own lines changed (okrsite.content.yamlpatch), else parsed."""
    memo = Memo()
    for versions in lines:
        # The newer version: its front matter text, its data, and its value lines once walked
        # (None: not yet; {}: YAML the walk does not follow, so nothing on its lines is patched).
        newer: tuple[str, Any, ValueLines | None] | None = None
        for _, blob in reversed(versions):
            text = texts.get(blob)
            front = _front(text.data) if text is not None else None
            if front is None:  # its data is cached, or it has no front matter
                if text is not None:
                    parsed[blob] = None
                newer = None
                continue
            paths = None
            if blob not in parsed:
                done = False
                if newer is not None and newer[1] is not None:
                    paths = newer[2] if newer[2] is not None else value_lines(newer[0]) or {}
                    done, parsed[blob] = patched(newer[0], newer[1], front, memo, paths)
                if not done:
                    paths = None
                    parsed[blob] = _meta(front, memo)
            newer = (front, parsed[blob], paths)


def _commits(top: Path, spec: str, head: str, edge: str,
             cached: dict[str, Any]) -> tuple[list[Commit], dict[str, str | None], bool]:
    """Every commit that touched the folder, oldest first; the cached front matter of blobs;
    whether the log was read (not all from the cache)."""
    metas: dict[str, str | None] = cached["metas"] if isinstance(cached.get("metas"), dict) else {}
    if cached.get("spec") != spec or cached.get("shallow") != edge or not isinstance(cached.get("commits"), list):
        return _log(top, head, spec), metas, True
    old = cached.get("head")
    if old == head:
        return cached["commits"], metas, False
    if not isinstance(old, str) or not _COMMIT_ID.fullmatch(old):  # a cache is data, never git's options
        return _log(top, head, spec), metas, True
    # Only the commits since the cached HEAD, when that is on HEAD's first-parent line.
    try:
        chain = git(top, "rev-list", "--first-parent", "--reverse", "--parents", "--end-of-options", f"{old}..{head}")
    except GitError:  # the old HEAD is gone (history rewritten and collected)
        chain = b""
    if chain.split(b"\n", 1)[0].split()[1:2] == [str(old).encode()]:
        return cached["commits"] + _log(top, f"{old}..{head}", spec), metas, True
    return _log(top, head, spec), metas, True


def _log(top: Path, revisions: str, spec: str) -> list[Commit]:
    """The commits of `revisions` that touch `spec`, oldest first. The author is the name the
    commit records (%an), not the one a .mailmap gives (%aN): a .mailmap (or a git setting)
    changed later would leave the names cached, and the same commits would make other pages."""
    out = git(top, "log", "-z", "--raw", "--no-abbrev", "-m", "--first-parent", "--root", "--find-renames",
              "--reverse", "--format=%x01%H%x00%cI%x00%an", "--end-of-options", revisions, "--", f":(literal){spec}")
    commits: list[Commit] = []
    for chunk in out.decode("utf-8", "replace").split("\x01")[1:]:
        fields = chunk.split("\x00")
        changes = []
        rest = iter(fields[3:])
        for token in rest:
            meta = token.lstrip("\n").split()
            if len(meta) != 5 or not meta[0].startswith(":"):
                continue
            status = meta[4][0]
            old = next(rest)
            new = next(rest) if status in "RC" else old
            changes.append([status, old, new, meta[3]])
        commits.append([fields[0], fields[1], fields[2], changes])
    return commits


def _replay(commits: list[Commit],
            as_of: dt.date) -> tuple[dict[str, list[tuple[int, str]]], dict[str, str], frozenset[str]]:
    """Follow each file through adds, changes, renames and deletions, oldest first: for each
    objective file at HEAD, the (commit index, blob id) of its versions known on `as_of`; each
    file's blob id at HEAD; and the files whose text at HEAD is not known on `as_of`."""
    known_by = as_of.isoformat()
    lines: dict[str, list[tuple[int, str]]] = {}
    at_head: dict[str, str] = {}
    for index, (_, date, _, changes) in enumerate(commits):
        for status, old, new, blob in changes:
            if status in "RD":
                versions = lines.pop(old, [])
                at_head.pop(old, None)
            else:  # a file added again starts a new history
                versions = [] if status == "A" else lines.get(new, [])
            if status == "D" or not _is_objective(new):
                continue
            if date[:10] <= known_by and (not versions or versions[-1][1] != blob):
                versions.append((index, blob))
            lines[new] = versions
            at_head[new] = blob
    later = frozenset(path for path, blob in at_head.items() if not lines.get(path) or lines[path][-1][1] != blob)
    return {path: versions for path, versions in lines.items() if versions}, at_head, later


def _parse(data: bytes) -> Any:
    """A version's front matter as the project's loader reads it; None when it does not parse."""
    front = _front(data)
    return None if front is None else _meta(front)


def _meta(front: str, memo: Memo | None = None) -> Any:
    """Front matter text as parse_markdown_document reads it (it starts on line 2)."""
    try:
        return load_yaml(front, "history", line_offset=1, memo=memo)[0]
    except SourceError:
        return None


# The fields of a key result that set its value and its bounds (okrsite.model.history reads
# them); titles, notes and check-ins themselves are left out, so the cache stays small and
# reads quickly. Changing them changes what a cached version holds: _CACHE_FORMAT says so.
_KR_FIELDS = ("id", "type", "start", "target", "current", "done", "zone")


def _kept(meta: Any) -> Any:
    """Of a version's front matter, what its key results' history is made of: for each item of
    `key_results` (in place, so ids by position stay), its value and bound fields, its
    milestones' `done`, and whether it has check-ins. Anything else reads as no key results;
    None (front matter that does not parse) stays None, and the version is left out."""
    if meta is None:
        return None
    items = meta.get("key_results") if isinstance(meta, dict) else None
    if not isinstance(items, list):
        return {}
    return {"key_results": [
        {**{field: kr[field] for field in _KR_FIELDS if field in kr},
         "milestones": [{"done": m.get("done")} if isinstance(m, dict) else None for m in kr["milestones"]]
         if isinstance(kr.get("milestones"), list) else kr.get("milestones"),
         "checkins": bool(kr.get("checkins"))} if isinstance(kr, dict) else None
        for kr in items]}


def _front(data: bytes) -> str | None:
    """A version's front matter text; None without one."""
    try:
        return split_front_matter(decode(data, "history"), "history")[0]
    except SourceError:
        return None


def _as_json(meta: Any) -> str | None:
    """Front matter for the cache (see source.dump_meta); None for what JSON cannot hold."""
    try:
        return None if meta is None else dump_meta(meta)
    except TypeError:
        return None


def _label(config: SiteConfig, path: Path) -> str:
    """config.relative for a path already resolved (resolving each costs more than the rest)."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return path.as_posix()


def _is_objective(path: str) -> bool:
    """As the build finds objective files: Markdown, no hidden or editor files on the way."""
    return path.endswith(".md") and not any(is_ignored(part) for part in path.split("/"))


def _blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()
