"""Large sites: rendering in worker processes gives the same bytes as rendering in one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from okrsite.build.builder import BuildOptions, build
from okrsite.site.render import MIN_PAGES_PER_WORKER

REPO = Path(__file__).resolve().parent.parent


def generate(root: Path, objectives: int) -> dict:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(root, objectives)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_one_and_two_processes_build_byte_identical_sites(tmp_path: Path) -> None:
    generate(tmp_path / "site", 180)
    config = tmp_path / "site/okrsite.yaml"
    config.write_text(config.read_text() + "\ncharts: {enabled: false}\n")
    one = build(BuildOptions(config, output=tmp_path / "one", jobs=1))
    two = build(BuildOptions(config, output=tmp_path / "two", jobs=2))
    assert one.pages >= 2 * MIN_PAGES_PER_WORKER
    assert (one.pages_workers, two.pages_workers) == (1, 2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
