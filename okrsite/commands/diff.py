"""`okrsite diff BASE [HEAD]`: what changed in the OKRs between two git revisions.

Each side is loaded as a build loads it (Builder.load): the work tree where it is, a
revision from its okrsite.yaml and content folder written into a temporary folder (read
with ls-tree and cat-file; assets and themes are not needed for the model). Both sides
start from the site's document cache, read and never written: a file whose bytes are as
cached is not parsed again, whichever side it is on. Both sides are scored with HEAD's
as_of. The comparison is okrsite.model.compare, the report okrsite.site.diff_report.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from okrsite.build.builder import DOCUMENTS_FILE, BuildOptions, Builder
from okrsite.content.config import default_as_of, load_config
from okrsite.content.git import GitError, export_files, git, in_work_tree
from okrsite.content.schema import is_slug
from okrsite.content.source import DocumentCache, SourceError, parse_yaml_document
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics
from okrsite.model.compare import compare
from okrsite.model.site import Site
from okrsite.site.diff_report import Revision, as_json, markdown
from okrsite.commands.exits import EXIT_CONTENT, EXIT_OK, EXIT_USAGE

MEMORY = Path("/dev/shm")  # Linux's file system in memory, where it has one
MEMORY_ROOM = 512 * 2**20  # free space it must have to take both revisions


class _Unusable(Exception):
    """A revision whose site cannot even be written out (its content folder outside the repository, say)."""


class _NoSite(_Unusable):
    """A revision without the site's okrsite.yaml: before the site was added (the pull request that adds it)."""


@dataclass(frozen=True)
class Side:
    name: str  # "base" or "head"
    revision: Revision
    site: Site | None
    diagnostics: tuple[Diagnostic | str, ...] = ()
    absent: bool = False  # the revision has no site: compared as an empty one

    @property
    def title(self) -> str:
        return f"{self.name} {self.revision.label}"


def run(base: str, head: str | None, report_format: str, config_path: Path) -> int:
    config_path = config_path.resolve()
    root = config_path.parent
    if not in_work_tree(root):
        return _usage(f"{root} is not in a git repository: okrsite diff compares git revisions")
    try:
        top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
        revisions = [Revision(name, _commit(top, name)) if name is not None else Revision(None, None)
                     for name in (base, head)]
    except GitError as exc:
        return _usage(str(exc))
    config_rel = config_path.relative_to(top).as_posix()
    site_config = load_config(config_path, Diagnostics())
    documents = DocumentCache.restore(site_config.cache_dir / DOCUMENTS_FILE, root) if site_config else DocumentCache()
    with tempfile.TemporaryDirectory(prefix="okrsite-diff-", dir=_scratch_parent()) as scratch:
        head_side = _side("head", revisions[1], top, config_rel, Path(scratch) / "head", None, documents)
        as_of = head_side.site.as_of if head_side.site else default_as_of()  # without a head, nothing is compared
        base_side = _side("base", revisions[0], top, config_rel, Path(scratch) / "base", as_of, documents)
    if base_side.absent and head_side.site is not None:  # the pull request that adds the site: all of it is new
        base_side = Side("base", base_side.revision, _empty(head_side.site), base_side.diagnostics, absent=True)
    # a base without the site is an empty site, whatever the head: only a site that is there can fail
    failed = [side for side in (base_side, head_side) if side.site is None and not (side is base_side and side.absent)]
    for side in failed:
        print(f"okrsite: diff: the {side.title} does not build:", file=sys.stderr)
        for item in side.diagnostics:
            print(item, file=sys.stderr)
    if failed:
        which = " and the ".join(side.title for side in failed)
        print(f"okrsite: diff failed: the {which} did not build", file=sys.stderr)
        if report_format != "json":  # a pull request's summary (the workflow's step) says so, not nothing
            sys.stdout.write(f"OKR changes not compared: the {which} {'do' if len(failed) > 1 else 'does'} not "
                             "build; the command's log names the errors.\n")
        return EXIT_CONTENT
    assert base_side.site and head_side.site
    changes = compare(base_side.site, head_side.site)
    if base_side.absent:
        print(f"okrsite: diff: the {base_side.title} has no {config_rel}: every objective is new", file=sys.stderr)
    render = as_json if report_format == "json" else markdown
    sys.stdout.write(render(changes, base_side.revision, head_side.revision, as_of))
    return EXIT_OK


def _empty(site: Site) -> Site:
    """A site with nothing in it, as of the other's date: what a revision before the site was added holds."""
    return Site(config=site.config, as_of=site.as_of, default_period=site.default_period, periods={}, teams={},
                objectives={}, projects={})


def _scratch_parent() -> str | None:
    """Where the revisions are written out: in memory when the system has room there, since
    creating a site's files on disk is most of what a diff costs (the 1,000-objective company's
    1,800 files a side: 0.5-2 s on ext4, 0.2 s in memory); else the temporary folder, as when
    TMPDIR names one."""
    if os.environ.get("TMPDIR"):
        return None
    try:
        room = os.statvfs(MEMORY)
    except OSError:
        return None
    usable = room.f_bavail * room.f_frsize >= MEMORY_ROOM and os.access(MEMORY, os.W_OK | os.X_OK)
    return str(MEMORY) if usable else None


def _usage(message: str) -> int:
    print(f"okrsite: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _commit(top: Path, name: str) -> str:
    try:
        return git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}").decode().strip()
    except GitError:
        if ".." in name:  # a range, as git log takes it
            base, _, head = name.partition("..")
            raise GitError(f"'{name}' is a range: give the two revisions apart, okrsite diff {base.strip('.') or 'BASE'} "
                           f"{head.strip('.') or 'HEAD'}") from None
        if not _has_commits(top):
            raise GitError(f"unknown revision '{name}': this repository has no commit yet (commit the site "
                           "first; okrsite diff compares commits, or a commit with the work tree)") from None
        raise GitError(f"unknown revision '{name}' (a branch, tag or commit of this repository)") from None


def _has_commits(top: Path) -> bool:
    try:
        git(top, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return False
    return True


def _side(name: str, revision: Revision, top: Path, config_rel: str, scratch: Path,
          as_of: dt.date | None, documents: DocumentCache) -> Side:
    """One side's model, or the diagnostics that kept it from loading. `documents`: the site's
    document cache (a file is looked up by its path in the site and its bytes' digest)."""
    try:
        config_path = _write_out(top, revision.commit, config_rel, scratch) if revision.commit else top / config_rel
    except (_Unusable, GitError) as exc:
        return Side(name, revision, None, (str(exc),), absent=isinstance(exc, _NoSite))
    diagnostics = Diagnostics()
    builder = Builder(BuildOptions(config_path, as_of=as_of))
    builder.documents = documents.moved(config_path.parent)  # positions are read from this side's files
    try:
        site = builder.load(diagnostics)
    except BuildFailed as failed:
        return Side(name, revision, None, tuple(failed.diagnostics))
    return Side(name, revision, site)


def _write_out(top: Path, commit: str, config_rel: str, into: Path) -> Path:
    """The revision's okrsite.yaml and content folder under `into`, at their paths in the repository."""
    try:
        raw = git(top, "cat-file", "blob", f"{commit}:{config_rel}")
    except GitError:
        raise _NoSite(f"there is no {config_rel} in commit {commit[:7]}") from None
    config_path = into / config_rel
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_bytes(raw)
    try:
        meta = parse_yaml_document(raw, config_rel)[0].meta
    except SourceError:
        meta = None  # loading reports it
    meta = meta if isinstance(meta, dict) else {}
    content = meta.get("content_dir") if isinstance(meta.get("content_dir"), str) else "content"
    content_rel = posixpath.normpath(posixpath.join(posixpath.dirname(config_rel), content))
    if content_rel == ".." or content_rel.startswith("../"):
        raise _Unusable(f"the content folder {content} of commit {commit[:7]} is outside the repository")
    assets = content_rel + "/assets/"
    export_files(top, commit, content_rel, into, keep=lambda path: not path.startswith(assets))
    theme = meta.get("theme")
    # The model needs no theme, only that it is there; a theme that is no id is reported by loading
    # (and never names a folder: '../..' or an absolute path would make one anywhere).
    if isinstance(theme, str) and theme != "default" and is_slug(theme):
        (config_path.parent / "themes" / theme).mkdir(parents=True, exist_ok=True)
    return config_path
