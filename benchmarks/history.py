#!/usr/bin/env python3
"""Reading the git history of a company-sized site: cold, cached, after one more commit.

    python benchmarks/history.py                      # 1,000 objectives, 500 commits, in a temporary folder
    python benchmarks/history.py --objectives 200 --commits 100 --keep /tmp/history-200
    python benchmarks/history.py --builds 7          # and what history adds to a cold build

Writes the synthetic site (benchmarks/generate.py), commits it on 2026-01-02, then makes
--commits commits at fixed dates up to 2026-05-13 (git fast-import: one process), each
changing the `current:` value of a key result in three objective files (every
20th commit a `target:` too). Then times
okrsite.content.history.read_history as a build calls it, with the front matter the build
has parsed already (the work tree's files, parsed untimed before each run): git log +
cat-file, the cache written; the same
again (the cache, same HEAD), after one more commit (only that commit logged), and the
pure derivation of every KR's history points and target changes (okrsite.model.history).
With --builds N, then N pairs of cold builds (`okrsite build`, charts off, no cache) of the
repository, history on and `history: false`, one right after the other, which goes first
alternating (this machine's speed drifts; a pair shares it): the median of each, and of the pairs' differences.
Standard library and okrsite only; the same arguments make the same repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

AUTHORS = ("Dana Smith", "Sam Lee", "Maya Okafor", "Tom Becker", "Lena Fischer")
CURRENT = re.compile(r"^(    current: )(-?[0-9.]+)$", re.MULTILINE)
TARGET = re.compile(r"^(    target: )(-?[0-9.]+)$", re.MULTILINE)
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": "/nonexistent",
           "GIT_AUTHOR_NAME": "Dana Smith", "GIT_AUTHOR_EMAIL": "dana@example.com",
           "GIT_COMMITTER_NAME": "Dana Smith", "GIT_COMMITTER_EMAIL": "dana@example.com",
           "GIT_AUTHOR_DATE": "2026-05-13T20:00:00+00:00", "GIT_COMMITTER_DATE": "2026-05-13T20:00:00+00:00"}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    """Run git in `repo` with a fixed identity and no user configuration; its standard output."""
    return subprocess.run(["git", *args], cwd=repo, input=stdin, check=True, capture_output=True,
                          env={**os.environ, **GIT_ENV}).stdout.decode()


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n%s\n" % (len(raw), raw)


def _commit(stream: list[bytes], when: dt.datetime, author: str, message: str, files: dict[str, str]) -> None:
    stamp = f"{author} <{author.split()[0].lower()}@example.com> {int(when.timestamp())} +0000"
    stream.append(f"commit refs/heads/main\nauthor {stamp}\ncommitter {stamp}\n".encode())
    stream.append(_data(message))
    for path, text in sorted(files.items()):
        stream.append(f"M 100644 inline {path}\n".encode() + _data(text))


def make_repository(root: Path, objectives: int, commits: int) -> int:
    """The synthetic site and its history; returns how many objective files the commits changed."""
    from generate import generate

    generate(root, objectives)
    return commit_history(root, commits)


def commit_history(root: Path, commits: int, seed: int = 0) -> int:
    """Make the site in `root` a git repository: everything committed on 2026-01-02, then `commits`
    commits at even steps up to 2026-05-13, each changing the `current:` value of a key result in
    three objective files (every 20th a `target:` too), the last one checked out. Returns how many
    objective files the commits changed. The same site and seed give the same repository."""
    rng = random.Random(seed)
    files = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*"))
             if p.is_file()}
    files[".gitignore"] = "/.okrsite-cache/\n/output/\n"
    valued = [path for path, text in files.items() if path.startswith("content/objectives/") and CURRENT.search(text)]
    stream: list[bytes] = []
    start = dt.datetime(2026, 1, 2, 9, tzinfo=dt.timezone.utc)
    _commit(stream, start, AUTHORS[0], "The site", files)
    span = dt.datetime(2026, 5, 13, 18, tzinfo=dt.timezone.utc) - start
    changed: set[str] = set()
    for number in range(1, commits + 1):
        edits = {}
        for path in rng.sample(valued, min(3, len(valued))):
            text = edits.get(path, files[path])
            hits = list(CURRENT.finditer(text))
            hit = rng.choice(hits)
            value = float(hit.group(2)) * rng.uniform(1.0, 1.08)
            text = text[:hit.start(2)] + f"{value:.1f}" + text[hit.end(2):]
            if number % 20 == 0:  # now and then a target moves too
                hit = rng.choice(list(TARGET.finditer(text)))
                text = text[:hit.start(2)] + f"{float(hit.group(2)) * rng.uniform(0.9, 1.1):.1f}" + text[hit.end(2):]
            edits[path] = files[path] = text
        changed.update(edits)
        _commit(stream, start + span * number / commits, rng.choice(AUTHORS), f"Week values {number}", edits)
    git(root, "init", "-q", "-b", "main")
    git(root, "fast-import", "--quiet", stdin=b"".join(stream))
    git(root, "reset", "-q", "--hard")
    return len(changed)


def commits_apart(root: Path, days: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """HEAD and the newest commit at least `days` days older than it, as (commit id, date)
    pairs, oldest first: the two sides of an `okrsite diff` a week apart."""
    def commit(*args: str) -> tuple[str, str]:
        sha, date = git(root, "log", "-1", "--first-parent", "--format=%H %cI", *args, "HEAD").split()
        return sha, date

    head = commit()
    before = dt.datetime.fromisoformat(head[1]) - dt.timedelta(days=days)
    return commit(f"--before={before.isoformat()}"), head


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (the median is shown)")
    parser.add_argument("--builds", type=int, default=0, metavar="N",
                        help="also time N pairs of cold builds, history on and off")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="make the repository here and keep it")
    args = parser.parse_args()

    from okrsite.content.config import load_config
    from okrsite.content.history import HISTORY_FILE, read_history
    from okrsite.content.source import DocumentCache, discover, parse_markdown_document
    from okrsite.diagnostics import Diagnostics
    from okrsite.model.history import kr_histories

    root = args.keep or Path(tempfile.mkdtemp(prefix="okrsite-history-"))
    try:
        started = time.perf_counter()
        touched = make_repository(root, args.objectives, args.commits)
        print(f"repository: {args.objectives} objectives, {args.commits} commits changing {touched} objective files, "
              f"made in {time.perf_counter() - started:.1f} s")
        config = load_config(root / "okrsite.yaml", Diagnostics())
        assert config is not None
        cache = config.cache_dir / HISTORY_FILE

        def as_built() -> tuple[dict[str, object], tuple[Path, ...]]:
            """What the build hands to read_history: the parsed work tree, by content digest."""
            objectives = discover(config.content_dir).objectives
            documents = DocumentCache()
            for path in objectives:
                documents.load(path, config.relative(path), parse_markdown_document)
            return {cached.digest: cached.doc.meta for cached in documents.entries.values()}, objectives

        def timed(prepare=None) -> tuple[float, object]:
            times, result = [], None
            for _ in range(args.runs):
                if prepare:
                    prepare()
                known, objectives = as_built()
                began = time.perf_counter()
                result = read_history(config, known, objectives)
                times.append(time.perf_counter() - began)
            return statistics.median(times), result

        cold, history = timed(lambda: cache.unlink(missing_ok=True))
        versions = sum(len(v) for v in history.files.values())
        print(f"cold (git log + cat-file, cache written): {cold * 1000:7.0f} ms  "
              f"({len(history.files)} files, {versions} versions)")
        cached, _ = timed()
        print(f"cached, same HEAD:                        {cached * 1000:7.0f} ms  (cache {cache.stat().st_size / 1e6:.1f} MB)")

        def one_more_commit() -> None:
            read_history(config, *as_built())  # the cache at the current HEAD
            path = next(p for p in sorted((root / "content/objectives").rglob("*.md")) if "current:" in p.read_text())
            path.write_text(CURRENT.sub(lambda m: m.group(1) + str(float(m.group(2)) + 1), path.read_text(), 1))
            git(root, "commit", "-q", "-am", "One more")
        incremental, _ = timed(one_more_commit)
        print(f"after one more commit (only it logged):   {incremental * 1000:7.0f} ms")

        periods = {"2026-Q1": dt.date(2026, 1, 1), "2026-Q2": dt.date(2026, 4, 1)}
        began = time.perf_counter()
        points = changes = 0
        for path, file_versions in history.files.items():
            for kr in kr_histories(file_versions, periods[path.split("/")[2]]).values():
                points += len(kr.points)
                changes += len(kr.target_changes)
        derive = time.perf_counter() - began
        print(f"derive KR histories (model, pure):         {derive * 1000:7.0f} ms  ({points} points, {changes} target changes)")
        if args.builds:
            cold_builds(root, args.builds)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def cold_builds(root: Path, pairs: int) -> None:
    """Pairs of cold page-only builds, history on and off; what history adds, in wall time."""
    from measure import okrsite_env

    env = okrsite_env()
    base = (root / "okrsite.yaml").read_text()
    for name, extra in (("on", ""), ("off", "history: false\n")):
        (root / f"okrsite-history-{name}.yaml").write_text(base + "charts: {enabled: false}\n" + extra)

    def build(name: str) -> float:
        shutil.rmtree(root / ".okrsite-cache", ignore_errors=True)
        shutil.rmtree(root / "output", ignore_errors=True)
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "okrsite", "build", "--quiet", "--config",
                        str(root / f"okrsite-history-{name}.yaml")], check=True, env=env, cwd=root)
        return time.perf_counter() - began

    times = []
    for pair in range(pairs):  # in turn, which goes first alternating
        first, second = ("on", "off") if pair % 2 == 0 else ("off", "on")
        took = {first: build(first), second: build(second)}
        times.append((took["on"], took["off"]))
    on, off = (statistics.median(t[i] for t in times) for i in (0, 1))
    added = statistics.median(t[0] - t[1] for t in times)
    print(f"cold build, charts off, history on:       {on:7.2f} s   off: {off:.2f} s  ({pairs} pairs)")
    print(f"history adds to a cold build (median of the pairs' differences): {added:+.2f} s "
          f"(pairs from {min(t[0] - t[1] for t in times):+.2f} to {max(t[0] - t[1] for t in times):+.2f} s)")


if __name__ == "__main__":
    sys.exit(main())
