#!/usr/bin/env python3
"""Markdown tables from one run of benchmarks/run.py: what it prints, from its --json file.

    python benchmarks/report.py bench.json                            # print the report again
    python benchmarks/report.py bench.json --update docs/performance.md

With --update, each file's text between `<!-- benchmarks/report.py: full -->` (or `: targets`,
the targets table alone) and `<!-- benchmarks/report.py: end -->` is replaced by the report,
so documentation quotes one run's output rather than figures copied by hand. The targets are
issue 17's, at 1,000 objectives; at larger sizes every figure should grow at most linearly.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import statistics
import sys
from dataclasses import dataclass

from scenarios import CHECK, CLONE, COLD, COLD_ONE, DIFF, EDIT, NOOP, SERVE, SEARCH_INDEX, named

TARGET_SIZE = 1000
TARGET_COMMITS = 500  # issue 17's repository, named when a run made none (--commits 0)
DASH = "–"
PAGE_ONLY = named(COLD, False)  # peers are shown as ratios to it


@dataclass(frozen=True)
class Stats:
    """A scenario's good runs: median and range of wall time, median CPU, peak memory."""

    median: float
    low: float
    high: float
    cpu: float | None
    peak_mb: float  # RSS: the summed tree's, or the command's own when larger
    last: dict  # the last good run's figures (summary line, output size)
    pss_mb: float | None = None  # the summed tree's PSS (pages shared by forked workers counted once)


def _good(scenario: dict) -> list[dict]:
    return [] if scenario["error"] else [r for r in scenario["runs"] if r["returncode"] == 0]


def stats(scenario: dict | None) -> Stats | None:
    good = _good(scenario) if scenario else []
    if not good:
        return None
    walls = [r["wall_s"] for r in good]
    cpus = [r["cpu_s"] for r in good if r.get("cpu_s") is not None]
    pss = [r["tree_pss_mb"] for r in good if r.get("tree_pss_mb")]
    return Stats(statistics.median(walls), min(walls), max(walls), statistics.median(cpus) if cpus else None,
                 max(max(r["maxrss_mb"], r["tree_peak_mb"]) for r in good), good[-1], max(pss) if pss else None)


def _most(scenario: dict | None, key: str) -> int | None:
    values = [r[key] for r in _good(scenario) if r.get(key) is not None] if scenario else []
    return max(values) if values else None


def _median(size: dict, name: str) -> float | None:
    found = stats(_scenario(size, name))
    return found.median if found else None


def _scenario(size: dict, name: str) -> dict | None:
    return next((sc for sc in size["scenarios"] if sc["name"] == name), None)


def figures(size: dict) -> dict[str, float | None]:
    """The figures issue 17 names, for one size (seconds, MB), and the cold build's speed-up
    from one process to the default; None where not measured."""
    history = (size.get("git") or {}).get("history_read", False)
    found_all = [found for sc in size["scenarios"] if sc["tool"] == "okrsite" and (found := stats(sc))]
    peaks = [found.peak_mb for found in found_all]
    # What the processes hold together: PSS where it was sampled (runs before it: the RSS sum).
    held = [found.pss_mb for found in found_all if found.pss_mb is not None]
    index = (size.get("search_index") or {}).get(SEARCH_INDEX)
    figure: dict[str, float | None] = {
        "edit": _median(size, named(EDIT, True)),
        "noop_history": _median(size, named(NOOP, True)) if history else None,
        "fresh_clone": _median(size, named(CLONE, True)),
        "cold": _median(size, named(COLD, True)),
        "check": _median(size, CHECK),
        "diff": _median(size, DIFF),
        "serve": _median(size, SERVE),
        "peak_memory": max(held) if held else max(peaks) if peaks else None,
        "peak_memory_rss": max(peaks) if peaks else None,
        "search_index": None if index is None else index / 1e6,
        "search_query": max(queries.values()) if (queries := size.get("search_query")) else None,
    }
    one, default = stats(_scenario(size, COLD_ONE)), stats(_scenario(size, named(COLD, True)))
    figure["speedup_wall"] = one.median / default.median if one and default else None
    figure["speedup_cpu"] = default.cpu / one.cpu if one and default and one.cpu and default.cpu else None
    return figure


@dataclass(frozen=True)
class Target:
    key: str  # in figures()
    label: str  # issue 17's words; {commits}: the repository's
    limit: float
    unit: str  # "s", "ms" or "MB"

    def text(self, value: float | None) -> str:
        if value is None:
            return DASH
        if self.unit == "ms":
            return f"{value:.1f} ms"
        return f"{value:,.0f} MB" if self.unit == "MB" and value >= 100 else f"{value:.2f} {self.unit}"

    def limit_text(self) -> str:
        return "1 GB" if self.key == "peak_memory" else f"{self.limit:g} {self.unit}"


TARGETS = (
    Target("edit", "one objective edited (one check-in added), with charts", 1.0, "s"),
    Target("noop_history", "no-op rebuild, history on, in a git repo of {commits} commits", 0.4, "s"),
    Target("fresh_clone", "fresh clone, `.okrsite-cache/` restored (the CI path)", 2.0, "s"),
    Target("cold", "cold build with charts, every v2 feature on", 25.0, "s"),
    Target("check", "`okrsite check`, every rule", 1.0, "s"),
    Target("diff", "`okrsite diff` between two commits a week apart", 3.0, "s"),
    Target("serve", "save → reload in `okrsite serve` (one check-in)", 0.5, "s"),
    Target("peak_memory", "peak memory, all processes (PSS)", 1024.0, "MB"),
    Target("search_index", "search index (`search.js`, 1 MB = 10⁶ bytes)", 1.5, "MB"),
    Target("search_query", "search: slowest answer of 10 queries in Chromium", 50.0, "ms"),
)


def met(target: Target, value: float | None) -> bool | None:
    return None if value is None else value <= target.limit


def mark(ok: bool | None) -> str:
    return "?" if ok is None else "✓" if ok else "✗"


def _ratio(large: float | None, small: float | None, sizes: tuple[int, int]) -> str:
    """large / small, ✓ when it grew at most as the number of objectives did."""
    if large is None or not small:
        return DASH
    ratio = large / small
    return f"{ratio:.2f}× {mark(ratio <= sizes[1] / sizes[0])}"


def _pairs(sizes: list[dict]) -> list[tuple[dict, dict]]:
    return list(zip(sizes, sizes[1:]))


def _n(size: dict) -> str:
    return f"{size['objectives']:,}"


def _bytes(value: int) -> str:
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.0f} KB"


def _num(value, fmt: str = "{:,}") -> str:
    return DASH if value is None else fmt.format(value)


def scenario_table(size: dict) -> str:
    reference = _median(size, PAGE_ONLY)
    rows = ["| scenario | median s | min–max s | CPU s | peak RSS MB | peak PSS MB | charts drawn | files written "
            "| output | × okrsite page-only |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for sc in size["scenarios"]:
        found = stats(sc)
        if found is None:
            rows.append(f"| {sc['name']} | {sc['error'] or 'no run'} | | | | | | | | |")
            continue
        last = found.last
        output = (f"{last['output_mb']:.1f} MB, {last['output_files']:,} files" if last.get("output_files")
                  else DASH)
        ratio = f"{found.median / reference:.2f}×" if reference else DASH
        rows.append(f"| {sc['name']} | {found.median:.2f} | {found.low:.2f}–{found.high:.2f} "
                    f"| {_num(found.cpu, '{:.2f}')} | {found.peak_mb:.0f} | {_num(found.pss_mb, '{:.0f}')} "
                    f"| {_num(_most(sc, 'charts_drawn'))} "
                    f"| {_num(_most(sc, 'written'))} | {output} | {ratio} |")
    return "\n".join(rows)


def speedup_text(size: dict) -> str | None:
    """The cold build with charts from one process to the default (one per core)."""
    found = figures(size)
    one, default = stats(_scenario(size, COLD_ONE)), stats(_scenario(size, named(COLD, True)))
    if not (found["speedup_wall"] and one and default):
        return None
    return (f"Cold build with charts, 1 process → the default (one per core): {found['speedup_wall']:.2f}× "
            f"faster ({one.median:.1f} → {default.median:.1f} s wall)"
            + (f", {found['speedup_cpu']:.2f}× the CPU ({one.cpu:.1f} → {default.cpu:.1f} s)"
               if found["speedup_cpu"] else "") + ".")


def size_notes(size: dict) -> list[str]:
    """What each scenario did, in words: the edit, the diff's commits, the saves, the index."""
    notes = [f"Edit: {size['edit']}."]
    for label, name in (("Diff", DIFF), ("Serve", SERVE)):
        sc = _scenario(size, name)
        if sc and sc["note"]:
            notes.append(f"{label}: {sc['note']}.")
    check = _scenario(size, CHECK)
    if _most(check, "findings") is not None:
        notes.append(f"Check: {_most(check, 'findings'):,} findings.")
    index = size.get("search_index") or {}
    if index:
        notes.append("Search index: " + ", ".join(f"{name} {_bytes(value)}" for name, value in index.items()) + ".")
    queries = size.get("search_query") or {}
    if queries:
        slowest = max(queries, key=queries.__getitem__)
        median = statistics.median(queries.values())
        notes.append(f"Search box: {len(queries)} queries answered in a median {median:.1f} ms, the slowest "
                     f"('{slowest}') in {queries[slowest]:.1f} ms (headless Chromium, the page's own clock).")
    speedup = speedup_text(size)
    if speedup:
        notes.append(speedup)
    memory = figures(size)
    if memory["peak_memory"] is not None and memory["peak_memory"] != memory["peak_memory_rss"]:
        notes.append(f"Peak memory: {memory['peak_memory']:,.0f} MB PSS (what the processes hold together); "
                     f"{memory['peak_memory_rss']:,.0f} MB as the sum of each process's RSS, which counts a page "
                     "that forked workers share with their parent once in each.")
    if size.get("plain_pages") is not None:
        notes.append(f"Peers: {size['plain_pages']:,} plain pages (one per objective and project), cold.")
    return notes


def _commits(sizes: list[dict]) -> str:
    git = next((s["git"] for s in sizes if s.get("git")), None)
    return f"{git['commits'] if git else TARGET_COMMITS:,}"


def targets_table(sizes: list[dict]) -> str:
    """Issue 17's targets: each size's figure side by side, ✓/✗ at 1,000 objectives, and the
    growth from one size to the next (✓: at most linear)."""
    head = "| scenario | target | " + " | ".join(f"{_n(s)} objectives" for s in sizes) + "".join(
        f" | {_n(b)} / {_n(a)}" for a, b in _pairs(sizes)) + " |"
    rows = [head, "|---|---|" + "---:|" * (len(sizes) + len(_pairs(sizes)))]
    for target in TARGETS:
        cells = []
        for size in sizes:
            value = figures(size)[target.key]
            shown = target.text(value)
            cells.append(f"{mark(met(target, value))} {shown}" if size["objectives"] == TARGET_SIZE and value
                         is not None else shown)
        cells += [_ratio(figures(b)[target.key], figures(a)[target.key], (a["objectives"], b["objectives"]))
                  for a, b in _pairs(sizes)]
        rows.append(f"| {target.label.format(commits=_commits(sizes))} | ≤ {target.limit_text()} | "
                    + " | ".join(cells) + " |")
    return "\n".join(rows)


def target_results(sizes: list[dict]) -> list[dict]:
    """For --json: each target with its figure per size and whether it is met at 1,000 objectives
    (and, at larger sizes, whether the figure grew at most linearly from 1,000)."""
    base = next((s for s in sizes if s["objectives"] == TARGET_SIZE), None)
    results = []
    for target in TARGETS:
        values = {str(s["objectives"]): figures(s)[target.key] for s in sizes}
        item = {"key": target.key, "label": target.label.format(commits=_commits(sizes)), "limit": target.limit,
                "unit": target.unit,
                "figures": values, "met": met(target, figures(base)[target.key]) if base else None}
        for size in sizes:
            small, large = values[str(TARGET_SIZE)] if base else None, values[str(size["objectives"])]
            if base and size["objectives"] > TARGET_SIZE and small and large is not None:
                item[f"linear_to_{size['objectives']}"] = large / small <= size["objectives"] / TARGET_SIZE
        results.append(item)
    return results


def other_checks(size: dict) -> list[tuple[bool | None, str]]:
    """What still holds from issues 6 and 12: a rebuild with nothing changed writes nothing, a
    fresh clone draws nothing, the page-only build beats Pelican."""
    lines = []
    noop = _scenario(size, named(NOOP, True))
    if stats(noop):
        written, drawn = _most(noop, "written"), _most(noop, "charts_drawn")
        lines.append((written == 0 and not drawn, f"no-op rebuild draws no chart and rewrites no file: "
                      f"{_num(written)} files written, {_num(drawn)} charts drawn"))
    clone = _scenario(size, named(CLONE, True))
    if stats(clone):
        drawn = _most(clone, "charts_drawn")
        lines.append((drawn == 0, f"fresh clone with the cache restored draws no chart: {_num(drawn)} drawn"))
    page_only, pelican = _median(size, PAGE_ONLY), _median(size, "pelican (plain Markdown pages)")
    if page_only is not None and pelican is not None:
        lines.append((page_only < pelican, f"page-only build faster than Pelican: okrsite {page_only:.2f} s, "
                      f"Pelican {pelican:.2f} s"))
    return lines


def scaling_table(sizes: list[dict]) -> str:
    """Every scenario's median (and the peak memory) at each size, and the growth between sizes."""
    names = list(dict.fromkeys(sc["name"] for size in sizes for sc in size["scenarios"]))
    head = "| scenario | " + " | ".join(f"{_n(s)} s" for s in sizes) + "".join(
        f" | {_n(b)} / {_n(a)}" for a, b in _pairs(sizes)) + " |"
    rows = [head, "|---|" + "---:|" * (len(sizes) + len(_pairs(sizes)))]
    for name in names:
        values = [_median(size, name) for size in sizes]
        rows.append(f"| {name} | " + " | ".join(_num(v, "{:.2f}") for v in values) + "".join(
            f" | {_ratio(vb, va, (a['objectives'], b['objectives']))}"
            for (a, b), va, vb in zip(_pairs(sizes), values, values[1:])) + " |")
    return "\n".join(rows)


def header(data: dict) -> list[str]:
    m = data["machine"]
    git = next((s["git"] for s in data["sizes"] if s.get("git")), None)
    site = ("in a git repository of {:,} commits (history on), every check rule on".format(git["commits"])
            if git else "not in a git repository (history off), every check rule on")
    busy = max(m["load_before"], m["load_after"]) > 0.5 * m["nproc"]
    lines = [f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, {m['platform']}",
             f"Python: {m['python']}; {m['okrsite']} at {m['okrsite_commit']}; {m['date']}",
             f"Command: `{data.get('command', 'python benchmarks/run.py')}`",
             f"Site: the synthetic company of benchmarks/generate.py, {site}; language: "
             f"{data.get('language', 'en')}."]
    if m.get("peers"):
        lines.append("Peers: " + "; ".join(f"{name}: {v}" for name, v in m["peers"].items()))
    lines.append(f"Medians of {data['runs']} run(s) (serve: of {data.get('saves', '?')} saves); wall time includes "
                 "Python's start-up; CPU s is user + system time of the command and its child processes. "
                 f"The benchmark took {data.get('took_s', 0):.0f} s; load average {m['load_before']} before, "
                 f"{m['load_after']} after" + (" (other work was running: wall times are inflated)" if busy else "")
                 + ".")
    return lines


def _counts(size: dict) -> str:
    c = size["counts"]
    return (f"{c['key_results']:,} KRs, {c['projects']:,} projects, {c['checkins']:,} check-ins, "
            f"{c['files']:,} source files")


def targets_part(data: dict) -> list[str]:
    sizes = data["sizes"]
    base = next((s for s in sizes if s["objectives"] == TARGET_SIZE), None)
    out = [f"Issue 17's targets ({'✓/✗ at' if base else 'they apply at'} {TARGET_SIZE:,} objectives"
           + ("" if base else ", not measured here")
           + ("; between sizes, ✓ when a figure grew at most as the number of objectives did" if len(sizes) > 1
              else "") + "):", "", targets_table(sizes)]
    if base:
        also = [f"- {mark(ok)} {text}" for ok, text in other_checks(base) + linear(sizes, base)]
        speedup = speedup_text(base)
        out += ["", f"Also at {TARGET_SIZE:,} objectives:", ""] + also + ([f"- {speedup}"] if speedup else [])
    return out


def linear(sizes: list[dict], base: dict) -> list[tuple[bool | None, str]]:
    """Issue 17 at larger sizes: every target's figure at most (size / 1,000) times its figure at 1,000."""
    lines = []
    small = figures(base)
    for size in sizes:
        n = size["objectives"]
        if n <= TARGET_SIZE:
            continue
        large = figures(size)
        steeper = [t.key for t in TARGETS if large[t.key] is not None and small[t.key]
                   and large[t.key] / small[t.key] > n / TARGET_SIZE]
        lines.append((not steeper, f"from {TARGET_SIZE:,} to {n:,} objectives every figure grew at most "
                      f"{n / TARGET_SIZE:g}×" + (f"; not: {', '.join(steeper)}" if steeper else "")))
    return lines


def render(data: dict, part: str = "full") -> str:
    """The report: `full` (machine, each size's scenarios, the targets, the growth between sizes)
    or `targets` (the machine and the targets alone)."""
    out = [f"- {line}" for line in header(data)]  # one line each, in Markdown too
    if part == "full":
        for size in data["sizes"]:
            out += ["", f"### {_n(size)} objectives ({_counts(size)})", "", scenario_table(size), ""]
            out += [f"- {note}" for note in size_notes(size)]
    out += [""] + (["### Targets", ""] if part == "full" else []) + targets_part(data)
    if part == "full" and len(data["sizes"]) > 1:
        out += ["", "### By size", "", "Every scenario's median, side by side, and its growth from one size to "
                "the next (✓: at most as the number of objectives grew).", "", scaling_table(data["sizes"])]
    return "\n".join(out) + "\n"


MARKER = re.compile(r"(<!-- benchmarks/report\.py: (full|targets) -->\n).*?(<!-- benchmarks/report\.py: end -->)",
                    re.S)


def update(path: pathlib.Path, data: dict) -> int:
    """Replace each marked part of `path` with the report; how many parts there were."""
    text = path.read_text(encoding="utf-8")
    new, count = MARKER.subn(lambda m: m.group(1) + render(data, m.group(2)) + m.group(3), text)
    if count:
        path.write_text(new, encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", type=pathlib.Path, help="the file `run.py --json PATH` wrote")
    parser.add_argument("--update", type=pathlib.Path, nargs="+", metavar="FILE",
                        help="replace the marked parts of these files instead of printing")
    args = parser.parse_args(argv)
    data = json.loads(args.json.read_text(encoding="utf-8"))
    if not args.update:
        sys.stdout.write(render(data))
        return 0
    for path in args.update:
        if not update(path, data):
            print(f"{path}: no `<!-- benchmarks/report.py: full -->` … `<!-- benchmarks/report.py: end -->` "
                  "part to replace", file=sys.stderr)
            return 1
        print(f"updated {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
