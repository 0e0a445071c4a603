"""The wheel carries everything a site needs: a wheel installed into a fresh virtualenv,
run from outside the source tree, builds the demo site and a new `okrsite init` site; and it
declares every library okrsite imports."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

SOURCES = ("pyproject.toml", "README.md", "okrsite", "themes")


def run(*args: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env)


def build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of the sources, so the repository gets no build/ or egg-info folders."""
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy(REPO / name, source / name)
    dist = tmp_path / "dist"
    result = run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, source, cwd=tmp_path)
    if result.returncode != 0:  # no index to fetch the build requirements from: use the installed ones
        result = run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check",
                     "--outdir", dist, source, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = dist.glob("okrsite-*.whl")
    return wheel


def make_venv(tmp_path: Path, wheel: Path) -> Path:
    """A fresh virtualenv holding the wheel. Its dependencies are this interpreter's: a .pth file in
    the venv names the folders they are installed in (installing them from the package index took
    ~20 s of the suite and needed the network; that the wheel declares each one is checked from its
    metadata, below). Folders named in a .pth file come after the venv's own, so the wheel's okrsite
    shadows any other one there (checked by the test)."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir)  # no pip of its own: this interpreter's installs into it
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    own = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).stdout.strip()
    libraries = [entry for entry in sys.path if Path(entry).is_dir() and Path(entry).name in ("site-packages",
                                                                                              "dist-packages")]
    (Path(own) / "this-interpreters-libraries.pth").write_text("\n".join(libraries) + "\n", encoding="utf-8")
    result = run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
                 "--no-deps", "--ignore-installed", wheel, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return python


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_an_installed_wheel_builds_the_demo_site_with_its_own_theme(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("okrsite/_themes/default/templates/base.html", "okrsite/_themes/default/static/style.css",
                 "okrsite/commands/scaffold_site/okrsite.yaml", "okrsite/commands/scaffold_site/dot-gitignore",
                 "okrsite/commands/scaffold_site/dot-github/workflows/okrsite.yml.in",
                 "okrsite/commands/scaffold_site/content/pages/how-we-run-okrs.md"):
        assert name in names, name
    assert not any(name.startswith(("tests/", "content/", "themes/")) for name in names)

    python = make_venv(tmp_path, wheel)
    where = run(python, "-c", "import okrsite.site.themes as t; print(t.builtin_theme_dir())", cwd=tmp_path)
    theme = Path(where.stdout.strip())
    assert theme.is_relative_to(tmp_path / "venv"), theme  # the wheel's copy, not the source tree's

    site = tmp_path / "demo"
    site.mkdir()
    shutil.copy(REPO / "okrsite.yaml", site / "okrsite.yaml")
    shutil.copytree(REPO / "content", site / "content")
    result = run(python, "-m", "okrsite", "build", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "output/index.html").is_file()
    assert (site / "output/static/style.css").read_bytes() == (theme / "static/style.css").read_bytes()

    new = tmp_path / "new-site"
    result = run(python, "-m", "okrsite", "init", new, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (new / ".gitignore").is_file() and (new / ".github/workflows/okrsite.yml").is_file()
    result = run(python, "-m", "okrsite", "build", "--strict", cwd=new)
    assert result.returncode == 0 and result.stderr == "", result.stdout + result.stderr


def test_the_wheel_holds_every_module_theme_and_starter_file_of_the_source_tree(wheel: Path) -> None:
    """A module, theme file or starter file missed by the packaging configuration would only
    show up after a release: compare the wheel with the source tree."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"okrsite/_themes/{p.relative_to(REPO / 'themes').as_posix()}"
                for p in (REPO / "themes").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    expected |= {f"okrsite/{p.relative_to(REPO / 'okrsite').as_posix()}"
                 for p in (REPO / "okrsite").rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts and "_themes" not in p.parts
                 and (p.suffix == ".py" or "scaffold_site" in p.parts)}
    assert sorted(expected - names) == []


def _distribution(requirement: str) -> str:
    """A requirement's distribution name, normalised ("PyYAML>=6; extra == 'x'" -> "pyyaml")."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def test_the_wheel_declares_every_library_okrsite_imports(wheel: Path) -> None:
    """A library imported but not declared works here (installed for another reason) and breaks a
    user's install: each third-party module okrsite's code imports belongs to a declared dependency."""
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        requires = [line.split(":", 1)[1].strip() for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
    declared = {_distribution(req) for req in requires if "extra ==" not in req}
    imported = set()
    for path in (REPO / "okrsite").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.partition(".")[0])
    libraries = sorted(name for name in imported if name not in sys.stdlib_module_names and name != "okrsite")
    providers = importlib.metadata.packages_distributions()
    undeclared = {name: providers.get(name) for name in libraries
                  if not {_distribution(dist) for dist in providers.get(name, [])} & declared}
    assert len(libraries) >= 7 and undeclared == {}
