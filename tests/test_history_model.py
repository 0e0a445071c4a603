"""From an objective file's versions to each KR's derived history points and target changes
(pure), and from a real repository to the same, end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from okrsite.content.config import load_config
from okrsite.content.history import Version, read_history
from okrsite.content.source import parse_markdown_document
from okrsite.diagnostics import Diagnostics
from okrsite.model.history import HistoryPoint, KrHistory, TargetChange, is_eased, kr_histories
from tests.conftest import write
from tests.gitrepo import commit, init

Q1 = dt.date(2026, 1, 1)


def meta(body: str):
    return parse_markdown_document(f"---\ntitle: T\nkey_results:\n{body}---\n".encode(), "x")[0].meta


def version(day: int, body: str, author: str = "Dana") -> Version:
    return Version(f"c{day:06d}", dt.date(2026, 1, day), author, meta(body))


def metric(current: float | None = None, target: float = 200, start: float = 100, kr_id: str = "views",
           extra: str = "") -> str:
    lines = f"  - id: {kr_id}\n    title: V\n    start: {start}\n    target: {target}\n"
    return lines + (f"    current: {current}\n" if current is not None else "") + extra


def point(day: int, value, author: str = "Dana", zone: str | None = None, added: bool = False) -> HistoryPoint:
    return HistoryPoint(dt.date(2026, 1, day), value, zone, f"git:c{day:06d}", author, added)


def test_each_version_that_changes_the_value_is_a_point_the_first_included() -> None:
    found = kr_histories([version(2, metric()), version(5, metric(120), author="Sam"), version(6, metric(120)),
                          version(9, metric(150))], Q1)
    assert found["views"].points == (point(2, 100, added=True), point(5, 120, "Sam"), point(9, 150))
    assert found["views"].target_changes == ()


def test_the_version_a_kr_first_appears_in_added_it_whatever_its_value_was_then() -> None:
    other = metric(5, kr_id="other")
    found = kr_histories([
        Version("c000001", dt.date(2026, 1, 1), "Dana", meta(other), baseline=True),  # a shallow clone's oldest
        version(2, other + metric(kr_id="views")),  # added with the value it starts from
        version(3, metric(7, kr_id="other") + metric(120, kr_id="views")),
        version(4, metric(7, kr_id="other") + metric(120, kr_id="views") + metric(kr_id="later", start=None)),
        version(6, metric(7, kr_id="other") + metric(120, kr_id="views") + metric(kr_id="later", start=3))], Q1)
    assert found["views"].points == (point(2, 100, added=True), point(3, 120))
    assert found["other"].points == (point(3, 7),)  # it was there before the history starts
    assert found["later"].points == (point(6, 3),)  # added on the 4th without a value: its first is an update


def test_done_milestones_and_zones_are_values_too() -> None:
    def kinds(done: str, steps: str, zone: str) -> str:
        return (f"  - id: ship\n    title: S\n    type: boolean\n    done: {done}\n"
                f"  - id: steps\n    title: M\n    type: milestones\n    milestones: {steps}\n"
                f"  - id: comms\n    title: C\n    type: zones\n{zone}")
    found = kr_histories([
        version(2, kinds("false", "[{title: A}, {title: B}]", "")),
        version(4, kinds("true", "[{title: A, done: true}, {title: B}]", "    zone: commit\n")),
        version(8, kinds("true", "[{title: A, done: true}, {title: B, done: true}]", "    zone: commit\n"))], Q1)
    assert found["ship"].points == (point(2, 0, added=True), point(4, 1))
    assert found["steps"].points == (point(2, 0, added=True), point(4, 1), point(8, 2))
    assert found["comms"].points == (point(2, None, zone="fail", added=True), point(4, None, zone="commit"))


def test_a_kr_with_checkins_of_its_own_gets_no_derived_points() -> None:
    checkins = "    checkins:\n      - {date: 2026-01-03, value: 110}\n"
    found = kr_histories([version(2, metric(105)), version(5, metric(120, extra=checkins))], Q1)
    assert found["views"] == KrHistory()


def test_target_changes_after_the_period_start_and_whether_they_ease() -> None:
    found = kr_histories([version(1, metric(110, target=200)), version(3, metric(110, target=180)),
                          version(4, metric(110, target=220, start=90))], Q1)
    assert found["views"].target_changes == (
        TargetChange(dt.date(2026, 1, 3), "target", 200, 180, True, "c000003", "Dana"),
        TargetChange(dt.date(2026, 1, 4), "target", 180, 220, False, "c000004", "Dana"),
        TargetChange(dt.date(2026, 1, 4), "start", 100, 90, True, "c000004", "Dana"))


def test_changes_on_or_before_the_period_start_are_planning_not_target_changes() -> None:
    found = kr_histories([version(1, metric(target=200)), version(2, metric(target=250))], dt.date(2026, 1, 2))
    assert found["views"].target_changes == ()


@pytest.mark.parametrize("field, start, target, new, eased", [
    ("target", 100, 200, 180, True), ("target", 100, 200, 220, False),  # increasing
    ("target", 10, 4, 5, True), ("target", 10, 4, 3, False),  # decreasing (bounce rate)
    ("start", 100, 200, 90, True), ("start", 100, 200, 110, False),
    ("start", 10, 4, 11, True), ("start", 10, 4, 9, False),
])
def test_eased_means_the_same_value_counts_for_more(field, start, target, new, eased) -> None:
    assert is_eased(field, start, target, new) is eased


def test_versions_without_key_results_and_values_that_are_not_numbers_are_skipped() -> None:
    empty = Version("c000004", dt.date(2026, 1, 4), "Dana", None)
    found = kr_histories([version(2, metric(110)), version(3, metric("lots")), empty, version(5, metric(130))], Q1)
    assert found["views"].points == (point(2, 110, added=True), point(5, 130))


def test_krs_without_ids_are_known_by_position_and_uncommitted_changes_by_their_source() -> None:
    body = "  - title: V\n    start: 0\n    target: 5\n    current: {}\n"
    work_tree = Version("", dt.date(2026, 2, 15), "", meta(body.format(2)))
    found = kr_histories([version(1, body.format(1)), work_tree], Q1)
    assert found["kr-1"].points == (point(1, 1, added=True), HistoryPoint(dt.date(2026, 2, 15), 2, None, "git:uncommitted", ""))


def test_from_a_repository_to_points_and_eased_targets(tmp_path: Path, isolated_git) -> None:
    root = init(tmp_path / "repo")
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    head = "---\ntitle: G\nperiod: 2026-Q1\nkey_results:\n"
    write(root, "content/objectives/grow.md", head + metric(100) + "---\n")
    first = commit(root, "Plan", "2025-12-20", "Dana")[:7]
    write(root, "content/objectives/grow.md", head + metric(130) + "---\n")
    short = commit(root, "Week 3", "2026-01-19", "Sam")[:7]
    write(root, "content/objectives/grow.md", head + metric(130, 160) + "---\n")
    eased = commit(root, "Lower the bar", "2026-02-02", "Lee")[:7]
    config = load_config(root / "okrsite.yaml", Diagnostics())
    found = kr_histories(read_history(config).files["content/objectives/grow.md"], Q1)
    assert [(p.date.isoformat(), p.value, p.source, p.author) for p in found["views"].points] == [
        ("2025-12-20", 100, f"git:{first}", "Dana"), ("2026-01-19", 130, f"git:{short}", "Sam")]
    assert found["views"].target_changes == (
        TargetChange(dt.date(2026, 2, 2), "target", 200, 160, True, eased, "Lee"),)
