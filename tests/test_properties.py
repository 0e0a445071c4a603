"""Property: whatever the content, a build ends in the contract's way.

Hypothesis writes small sites with generated front matter (random YAML trees, wrong types,
extreme numbers and dates, unicode, odd ids and file names) and Markdown, over a previous
output, and builds each in-process with `--jobs 1`. Whatever it generates, the build:

- never raises, and exits 0 or 1;
- prints only `path:line:col: (error|warning): message` lines (path relative to the site)
  and okrsite's own summary lines;
- writes nothing but its output folder and `.okrsite-cache/`, leaves no staging folder;
- on failure, leaves the previous output byte for byte as it was.

A normal run tries a few dozen sites (about 15 s); OKRSITE_HYPOTHESIS_EXAMPLES=2000 tries
more. Under CI=true the examples are derandomized, so a CI run is reproducible. Elsewhere each run
draws new ones, and none is kept (no example database): a failure prints the
`@reproduce_failure(...)` line that replays it, to put above the test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from okrsite.commands.cli import main
from tests.conftest import MINIMAL_CONFIG, MINIMAL_OBJECTIVE, write

EXAMPLES = int(os.environ.get("OKRSITE_HYPOTHESIS_EXAMPLES", "30"))
DIAGNOSTIC = re.compile(r"^(?!/)(?!\.\./)[^\n]*?:\d+:\d+: (error|warning): .+$")
SUMMARY = re.compile(r"^okrsite: (build failed|check failed): ")

# --- what content may hold ----------------------------------------------------------

texts = st.text(max_size=30)  # any unicode but lone surrogates, control characters included
odd_ids = st.sampled_from(["grow", "kr-1", "2026-Q1", "2026", "2026-H2", "9999-Q4", "0001-Q1", "Sprint_1",
                           "../x", "../../../x", "a/b", "a\\b", "/abs", ".", "", " ", "x" * 101, "UPPER",
                           "é", "a\x00b", "q1\n", "con", "index.html"])
good_ids = st.one_of(st.from_regex(r"[a-z0-9]([a-z0-9_-]{0,6}[a-z0-9])?", fullmatch=True), st.just("x" * 100))
good_periods = st.sampled_from(["2026-Q1", "2026-Q2", "2026-H1", "2026", "1900-Q1", "2999-Q4", "sprint"])
numbers = st.one_of(st.integers(-(10 ** 20), 10 ** 20), st.just(10 ** 400), st.just(-(10 ** 400)),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, 1, -1, 1e15, 5e-324]))
good_numbers = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6),
                         st.sampled_from([1e15, -1e15, 5e-324, 0.1, 1e-300]))
dates = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
good_dates = st.one_of(st.dates(dt.date(2025, 10, 1), dt.date(2026, 12, 31)),
                       st.sampled_from([dt.date(1900, 1, 1), dt.date(2999, 12, 31)]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts, dates, odd_ids)
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.one_of(texts, odd_ids), inner, max_size=3)),
                     max_leaves=12)


@st.composite
def site_kinds(draw: st.DrawFn) -> dict[str, st.SearchStrategy[Any]]:
    """How wild this site is: plausible values only (it should build), a few bad ones, or many."""
    garbage = draw(st.sampled_from([0, 0, 1, 4]))  # bad values among 12 choices per field

    def either(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any] = trees) -> st.SearchStrategy[Any]:
        return st.one_of(*[good] * (12 - garbage), *[st.one_of(bad, trees)] * garbage) if garbage else good

    ids, period_ids = either(good_ids, odd_ids), either(good_periods, odd_ids)
    values, days = either(good_numbers, numbers), either(good_dates, dates)
    checkin = st.fixed_dictionaries({"date": days}, optional={
        "value": values, "confidence": either(st.floats(0, 1)), "note": either(texts)})
    milestone = st.fixed_dictionaries({"title": either(texts)}, optional={"done": either(st.booleans()), "due": days})
    common = {"id": ids, "unit": either(texts), "weight": either(st.floats(0.1, 10), numbers),
              "owner": either(texts), "checkins": either(st.lists(checkin, max_size=4))}
    key_result = st.one_of(
        st.builds(lambda kr, ends: {**kr, "start": ends[0], "target": ends[1]},
                  st.fixed_dictionaries({"title": either(texts)}, optional={**common, "current": values}),
                  st.tuples(values, values) if garbage else
                  st.builds(lambda start, step: (start, start + step), values, st.sampled_from([1, -3, 0.5, 1e6]))),
        st.fixed_dictionaries({"title": either(texts), "type": either(st.just("boolean")),
                               "done": either(st.booleans())}, optional=common),
        st.fixed_dictionaries({"title": either(texts), "type": either(st.just("milestones")),
                               "milestones": either(st.lists(milestone, min_size=1, max_size=3))}, optional=common))
    objective = st.fixed_dictionaries({"title": either(texts), "key_results": either(
        st.lists(key_result, min_size=1, max_size=3))}, optional={
        "id": ids, "period": period_ids, "owner": either(texts), "team": either(texts), "parent": either(st.none(), ids)})
    project = st.fixed_dictionaries({"title": either(texts)}, optional={
        "id": ids, "status": either(st.sampled_from(["planned", "active", "done"]), st.just("late")),
        "start": days, "due": days, "key_results": either(st.lists(ids, max_size=2)),
        "budget": either(st.fixed_dictionaries({}, optional={"planned": values, "spent": values})),
        "tasks": either(st.lists(milestone, max_size=3)),
        "updates": either(st.lists(st.fixed_dictionaries({"date": days, "note": either(texts)}), max_size=2))})
    sprint = st.builds(lambda start, days: {"id": "sprint", "start": start, "end": start + dt.timedelta(days)},
                       st.dates(dt.date(2025, 10, 1), dt.date(2026, 12, 31)), st.integers(0, 120))
    period = either(sprint, st.fixed_dictionaries({"id": odd_ids, "start": days, "end": days}))
    config = st.fixed_dictionaries({"title": either(texts), "as_of": days,
                                    "periods": either(st.lists(period, min_size=1, max_size=1))}, optional={
        "default_period": period_ids,
        "charts": either(st.fixed_dictionaries({}, optional={
            "dpi": either(st.integers(50, 100), numbers), "format": st.sampled_from(["svg", "png"]),
            "enabled": st.booleans()}))})
    if garbage:
        objective = st.one_of(objective, objective, objective, trees)  # sometimes not a mapping at all
    return {"objective": objective, "project": project, "config": config, "wild": st.just(garbage > 1)}


markdown = st.one_of(texts, st.sampled_from(["# Why\n\n[x](javascript:alert(1)) <script>x</script>\n",
                                             "```\n" + "a" * 500 + "\n", "<!--", "---\n---\n", "* " * 200]))
file_names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1,
                     max_size=40).filter(lambda n: n not in (".", "..") and len(os.fsencode(n)) < 200)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def sites(draw: st.DrawFn) -> dict[str, str]:
    """The files of one site: okrsite.yaml and a few content files."""
    kinds = draw(site_kinds())
    wild = draw(kinds["wild"])
    text_or = (lambda data: st.one_of(st.just(dump(data)), texts)) if wild else (lambda data: st.just(dump(data)))
    files = {"okrsite.yaml": draw(text_or(draw(kinds["config"])))}  # sometimes not YAML at all
    names = draw(st.lists(st.one_of(good_ids, file_names) if wild else good_ids, min_size=1, max_size=3,
                          unique=True))
    for name in names:
        files[f"content/objectives/{name}.md"] = f"---\n{draw(text_or(draw(kinds['objective'])))}---\n{draw(markdown)}"
    if draw(st.booleans()):
        files["content/projects/p.md"] = f"---\n{dump(draw(kinds['project']))}---\n{draw(markdown)}"
    if wild and draw(st.booleans()):
        files["content/teams.yaml"] = dump(draw(trees))
    if draw(st.booleans()):
        files[f"content/pages/{draw(file_names)}.md"] = f"---\n{dump({'title': draw(texts)})}---\n{draw(markdown)}"
    return files


# --- the property ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder a good build left, copied into each example's site."""
    root = tmp_path_factory.mktemp("previous")
    write(root, "okrsite.yaml", MINIMAL_CONFIG)
    write(root, "content/objectives/grow.md", MINIMAL_OBJECTIVE)
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", "--config", str(root / "okrsite.yaml"), "--jobs", "1"]) == 0
    return root / "output"


def tree(folder: Path) -> dict[str, bytes | str | None]:
    """Every entry below `folder`, links not followed: bytes of files, targets of links."""
    result: dict[str, bytes | str | None] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                result[rel] = "link:" + os.readlink(path)
            elif os.path.isfile(path):
                result[rel] = Path(path).read_bytes()
            else:
                result[rel] = None
    return result


def build_and_check(files: dict[str, str], previous: Path, base: Path) -> None:
    # Deep inside the temporary folder, so a path that climbs out of the site still lands in the snapshot.
    root = base / "a" / "b" / "c" / "d" / "site"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(previous, root / "output")
    before = tree(base)
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["build", "--config", str(root / "okrsite.yaml"), "--jobs", "1"])
    assert code in (0, 1)
    event(f"exit {code}")  # --hypothesis-show-statistics: how many sites built
    for line in err.getvalue().splitlines():
        assert DIAGNOSTIC.match(line) or SUMMARY.match(line), line
    after = tree(base)
    site = os.path.relpath(root, base)
    output, cache = os.path.join(site, "output"), os.path.join(site, ".okrsite-cache")
    touched = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
    assert all(within(rel, output) or within(rel, cache) for rel in touched), touched
    assert not any("okrsite-staging" in rel or "okrsite-old" in rel for rel in after)
    if code == 1:
        assert {rel: data for rel, data in after.items() if within(rel, output)} == \
               {rel: data for rel, data in before.items() if within(rel, output)}


def within(rel: str, folder: str) -> bool:
    return rel == folder or rel.startswith(folder + os.sep)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true", database=None,
          print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=sites())
def test_any_content_builds_or_fails_cleanly_and_writes_only_its_output(previous: Path,
                                                                        files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="okrsite-property-") as base:
        build_and_check(files, previous, Path(base))
