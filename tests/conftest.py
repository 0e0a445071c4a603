"""Shared fixtures: small sites built in tmp_path, and the bundled demo site."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def write(root: Path, rel: str, text: str) -> Path:
    """Write a file of a test site, dedenting the text so tests read naturally."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


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


@pytest.fixture(scope="session")
def reference_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built once per test session, outside git: its output folder, for tests that only read it."""
    from okrsite.build.builder import BuildOptions, build

    root = copy_demo(tmp_path_factory.mktemp("reference") / "demo")
    return build(BuildOptions(root / "okrsite.yaml")).output


@pytest.fixture(scope="session")
def reference_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic 100-objective company (benchmarks/generate.py) built once per test session: its output folder."""
    from benchmarks.generate import generate
    from okrsite.build.builder import BuildOptions, build

    root = tmp_path_factory.mktemp("reference") / "company"
    generate(root, 100, seed=0)
    return build(BuildOptions(root / "okrsite.yaml")).output


@pytest.fixture(scope="session")
def reference_sites(reference_demo: Path, reference_company: Path) -> dict[str, Path]:
    """The output folders the validity and accessibility checks read, by name."""
    return {"demo": reference_demo, "company": reference_company}
