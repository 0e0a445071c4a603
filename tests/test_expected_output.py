"""The built demo site against tests/expected/demo/ (Pelican's functional-test pattern).

A change that alters what readers see shows up here as a readable diff. When the
change is meant, refresh the folder and commit it with the change:

    python tests/expected/refresh.py
"""

from __future__ import annotations

import difflib

import pytest

from tests.expected.refresh import EXPECTED, MANIFEST, build_demo, expected_files

REFRESH = "if the change is meant, run: python tests/expected/refresh.py (then review git diff tests/expected/)"
MAX_DIFF_LINES = 60


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return expected_files(build_demo(tmp_path_factory.mktemp("expected")))


def _stored() -> dict[str, bytes]:
    return {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in EXPECTED.rglob("*") if p.is_file()}


def _diff(rel: str, old: bytes, new: bytes) -> str:
    # Pages are long single lines in places: split on tags too, so a diff shows the changed part.
    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").replace("><", ">\n<").splitlines()
    diff = list(difflib.unified_diff(lines(old), lines(new), f"expected/{rel}", f"built/{rel}", lineterm="", n=1))
    if len(diff) > MAX_DIFF_LINES:
        diff = diff[:MAX_DIFF_LINES] + [f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)"]
    return "\n".join(diff)


def test_the_built_demo_site_matches_the_expected_pages_and_exports(built: dict[str, bytes]) -> None:
    stored = _stored()
    pages = {rel for rel in built if rel != MANIFEST}
    missing = sorted(pages - stored.keys())
    extra = sorted(stored.keys() - pages - {MANIFEST})
    changed = sorted(rel for rel in pages & stored.keys() if built[rel] != stored[rel])
    report = [f"new files, not in tests/expected/demo: {missing}"] if missing else []
    report += [f"files no longer built: {extra}"] if extra else []
    report += [_diff(rel, stored[rel], built[rel]) for rel in changed[:5]]
    report += [f"... and {len(changed) - 5} more changed files: {changed[5:]}"] if len(changed) > 5 else []
    assert not report, "\n\n".join([*report, REFRESH])


def test_the_demo_charts_match_the_expected_hashes(built: dict[str, bytes]) -> None:
    """The same chart files, always; the same bytes when the same matplotlib and fontTools drew them
    (other versions draw other bytes, so then only the files are compared)."""
    stored = (EXPECTED / MANIFEST).read_text().splitlines()
    fresh = built[MANIFEST].decode().splitlines()
    if stored[0] != fresh[0]:  # "# matplotlib X.Y, fonttools Z": compare the charts' paths, not their hashes
        stored, fresh = [line.split("  ", 1)[-1] for line in stored[1:]], [line.split("  ", 1)[-1] for line in fresh[1:]]
    gone = sorted(set(stored) - set(fresh))
    new = sorted(set(fresh) - set(stored))
    assert not (gone or new), "\n".join(["charts that differ:", *(f"- {g}" for g in gone), *(f"+ {n}" for n in new),
                                          REFRESH])
