"""Shared fixtures: small sites built in tmp_path, and the bundled demo site.

A test of what follows a first build (an edit, the preview, a rebuild) takes
`demo_site_with_cache`, whose first build draws and parses nothing; a test of the first
build itself takes `demo_site`. Reference builds that tests only read are built once a run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give a user (022), whatever the test runner's; restored after."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return path.lstat().st_mode & 0o777


def write(root: Path, rel: str, text: str) -> Path:
    """Write a file of a test site, dedenting the text so tests read naturally."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def write_objective(root: Path, key: str, title: str, body: str = "", fields: str = "") -> Path:
    """An objective of 2026-Q1 with one key result half way (5 of 0 → 10): the many a test needs,
    each with its title, its body and any other `fields` (YAML lines)."""
    return write(root, f"content/objectives/{key}.md", f"---\ntitle: {title}\nperiod: 2026-Q1\n{fields}"
                 f"key_results: [{{id: k, title: K, start: 0, target: 10, current: 5}}]\n---\n{body}\n")


def copy_demo(root: Path) -> Path:
    """A copy of the bundled demo site (content/ and okrsite.yaml) in a new folder `root`."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "okrsite.yaml", root / "okrsite.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture
def demo_site(tmp_path: Path) -> Path:
    """A copy of the bundled demo site, safe to edit."""
    return copy_demo(tmp_path / "demo")


MINIMAL_CONFIG = """
title: Test OKRs
as_of: 2026-02-15
"""

MINIMAL_OBJECTIVE = """
---
title: Grow
period: 2026-Q1
team: marketing
key_results:
  - id: views
    title: Views from 100 to 200
    start: 100
    target: 200
    current: 150
---
Why we grow.
"""


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    """The smallest valid site: one objective with one KR."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", MINIMAL_CONFIG)
    write(root, "content/objectives/grow.md", MINIMAL_OBJECTIVE)
    return root


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git configuration (a machine-wide core.hooksPath, say) leaks in."""
    global_config = tmp_path / "gitconfig"
    global_config.write_text("[user]\n\tname = Test\n\temail = test@example.com\n[commit]\n\tgpgsign = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(global_config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"):
        monkeypatch.delenv(name, raising=False)


def built_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """What `make` builds in a new folder `name`, built once for the whole test run: the test
    processes (pytest-xdist) share it, the first to ask builds it while the others wait."""
    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each process's own
    done = shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_text(str(make(shared / name)), encoding="utf-8")
    return Path(done.read_text(encoding="utf-8"))


def _built(root: Path) -> Path:
    from okrsite.build.builder import BuildOptions, build

    return build(BuildOptions(root / "okrsite.yaml")).output


@pytest.fixture(scope="session")
def reference_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built once per test run, outside git: its output folder, for tests that only read it."""
    return built_once(tmp_path_factory, "reference-demo", lambda folder: _built(copy_demo(folder)))


@pytest.fixture(scope="session")
def reference_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic 100-objective company (benchmarks/generate.py) built once per test run: its output folder."""
    from benchmarks.generate import generate

    def make(folder: Path) -> Path:
        generate(folder, 100, seed=0)
        return _built(folder)
    return built_once(tmp_path_factory, "reference-company", make)


@pytest.fixture
def demo_site_with_cache(tmp_path: Path, reference_demo: Path) -> Path:
    """A copy of the demo site with the cache a build of it left (charts, scorecard PDFs, parsed
    documents and pages; not its state), as CI restores it on a fresh clone: its first build
    parses no file and draws no chart, in a quarter of a cold build's time. For tests of what
    comes after a first build; a test of the first build itself takes `demo_site`."""
    root = copy_demo(tmp_path / "demo")
    shutil.copytree(reference_demo.parent / ".okrsite-cache", root / ".okrsite-cache",
                    ignore=shutil.ignore_patterns("state.json"))
    return root


@pytest.fixture(scope="session")
def reference_sites(reference_demo: Path, reference_company: Path) -> dict[str, Path]:
    """The output folders the validity and accessibility checks read, by name."""
    return {"demo": reference_demo, "company": reference_company}
