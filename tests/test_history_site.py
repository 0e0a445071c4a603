"""History from git in the built site: a KR with only `current:` gets a point per commit that
changed it (dated by the commit, with its author and short id), targets changed after the period
started are listed (eased ones flagged), and `history: false` or no git changes nothing."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from okrsite.content import history as history_module
from okrsite.diagnostics import BuildFailed
from tests.conftest import write
from tests.gitrepo import commit, init

pytestmark = pytest.mark.usefixtures("isolated_git")

OBJECTIVE = """---
title: Grow
period: 2026-Q1
key_results:
  - id: views
    title: Views from 100 to 200
    start: 100
    target: {target}
    current: {current}
---
"""


def site(root: Path, config: str = "") -> Path:
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n" + config)
    write(root, ".gitignore", "/output/\n/.okrsite-cache/\n")
    return root


def weekly(root: Path, values: list[tuple[str, int, int, str]]) -> list[str]:
    """Commit the objective with each (date, current, target, author); the short ids."""
    ids = []
    for date, current, target, author in values:
        write(root, "content/objectives/grow.md", OBJECTIVE.format(current=current, target=target))
        ids.append(commit(root, f"Check-in {date}", date, author)[:7])
    return ids


def kr_json(root: Path) -> dict:
    return json.loads((root / "output/okrs.json").read_text())["objectives"][0]["key_results"][0]


def test_commits_that_change_a_value_make_its_history(tmp_path: Path) -> None:
    root = site(init(tmp_path / "repo"))
    ids = weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-01-12", 120, 200, "Ben"),
                        ("2026-01-19", 120, 200, "Ben"),  # only the date changed: no new point
                        ("2026-02-02", 150, 200, "Ana"), ("2026-03-02", 190, 200, "Ana")])  # after as_of
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    kr = kr_json(root)
    assert [(h["date"], h["value"], h["source"]) for h in kr["history"]] == [
        ("2026-01-05", 100, f"git:{ids[0]}"), ("2026-01-12", 120, f"git:{ids[1]}"), ("2026-02-02", 150, f"git:{ids[3]}")]
    assert kr["last_update"] == "2026-02-02" and not kr["stale"]
    page = (root / "output/objectives/grow/index.html").read_text()
    assert "History from git" in page and f"<code>{ids[1]}</code> <span class=\"muted\">Ben</span>" in page
    assert "kr-views.svg" in page  # a real trend chart, from the commits


def test_authors_are_as_the_commits_record_them_whatever_a_mailmap_says(tmp_path: Path) -> None:
    """A .mailmap added later left the names a cache held: an incremental build and a cold one
    (or CI's, with the cache restored) made different pages of the same commits."""
    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Rev"), ("2026-01-12", 120, 200, "Rev")])
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    write(root, ".mailmap", "Renamed Person <test@example.com> Rev <test@example.com>\n")
    commit(root, "Names", "2026-01-13")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    incremental = (root / "output/objectives/grow/index.html").read_text()
    shutil.rmtree(root / ".okrsite-cache")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert (root / "output/objectives/grow/index.html").read_text() == incremental
    assert '<span class="muted">Rev</span>' in incremental and "Renamed Person" not in incremental


def test_an_uncommitted_edit_counts_as_of_the_report_date(tmp_path: Path) -> None:
    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Ana")])
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=140, target=200))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    history = kr_json(root)["history"]
    assert (history[-1]["date"], history[-1]["value"], history[-1]["source"]) == ("2026-02-15", 140, "git:uncommitted")
    # in words on the pages: "commit uncommitted" read as a commit's name
    page = (root / "output/objectives/grow/index.html").read_text()
    assert '<td data-label="Commit">not committed yet</td>' in page and "<code>uncommitted</code>" not in page
    changes = (root / "output/changes/index.html").read_text()
    assert "not committed yet" in changes and "<code>uncommitted</code>" not in changes
    assert "commit uncommitted" not in (root / "output/feed.xml").read_text()


def test_an_uncommitted_edit_of_a_file_changed_after_the_report_date_reveals_nothing_of_that_change(
        tmp_path: Path) -> None:
    """The work tree's text holds the commits after as_of: a title edited there made the value of
    2 March a point of 15 February (and `okrsite diff` a move to it)."""
    root = site(init(tmp_path / "repo"))
    ids = weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-03-02", 190, 200, "Ana")])  # after as_of
    write(root, "content/objectives/grow.md", OBJECTIVE.replace("title: Grow", "title: Grow more").format(
        current=190, target=200))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    kr = kr_json(root)
    assert [(h["date"], h["value"], h["source"]) for h in kr["history"]] == [("2026-01-05", 100, f"git:{ids[0]}")]
    assert kr["current"] == 100


def test_a_target_lowered_after_the_period_started_is_an_eased_target(tmp_path: Path) -> None:
    root = site(init(tmp_path / "repo"))
    ids = weekly(root, [("2025-12-20", 100, 220, "Ana"), ("2025-12-28", 100, 210, "Ana"),  # before the period
                        ("2026-01-20", 130, 180, "Ben"), ("2026-02-05", 140, 190, "Ana")])
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    changes = kr_json(root)["target_changes"]
    assert changes == [
        {"date": "2026-01-20", "field": "target", "from": 210, "to": 180, "eased": True, "commit": ids[2]},
        {"date": "2026-02-05", "field": "target", "from": 180, "to": 190, "eased": False, "commit": ids[3]}]
    page = (root / "output/objectives/grow/index.html").read_text()
    assert "Target changed from 210 to 180 on 20 Jan 2026" in page and "Eased" in page


def test_history_false_reads_no_git(tmp_path: Path) -> None:
    root = site(init(tmp_path / "repo"), "history: false\n")
    weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-01-12", 120, 200, "Ben")])
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    kr = kr_json(root)
    assert kr["history"] == [] and kr["target_changes"] == [] and kr["stale"]  # never updated, as far as it knows


def test_outside_git_there_is_no_history_and_no_error(tmp_path: Path) -> None:
    root = site(tmp_path / "plain")
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=120, target=200))
    report = build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert not report.warnings and kr_json(root)["history"] == []


def test_a_history_point_resets_staleness(tmp_path: Path) -> None:
    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-01-10", 110, 200, "Ana")])
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert kr_json(root)["stale"]  # 36 days
    weekly(root, [("2026-02-10", 130, 200, "Ana")])
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert not kr_json(root)["stale"]


LAUNCH = """---
title: Launch
period: 2026-Q1
key_results:
  - id: live
    title: Trial live
    type: boolean
    done: {done}
    checkins:
      - {{date: 2026-01-07, confidence: 0.6, note: Vendor chosen}}
---
"""


def test_the_commit_that_marks_a_boolean_kr_with_check_ins_done_is_its_update(tmp_path: Path) -> None:
    """Its check-ins carry confidence and notes, not its state: the commit that set `done` (as
    `okrsite checkin --done` does) is in its history, on the changes page, and resets staleness."""
    root = site(init(tmp_path / "repo"))
    write(root, "content/objectives/launch.md", LAUNCH.format(done="false"))
    commit(root, "Q1", "2026-01-05", "Ana")
    write(root, "content/objectives/launch.md", LAUNCH.format(done="true"))
    done = commit(root, "Trial is live", "2026-02-09", "Ben")[:7]
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    kr = kr_json(root)
    assert [(h["date"], h["value"], h["note"], h["source"]) for h in kr["history"]] == [
        ("2026-01-05", 0, "", kr["history"][0]["source"]), ("2026-01-07", None, "Vendor chosen", "checkin"),
        ("2026-02-09", 1, "", f"git:{done}")]
    assert kr["last_update"] == "2026-02-09" and not kr["stale"]
    changes = (root / "output/changes/index.html").read_text()
    week = changes.split("Week of 9 Feb")[1].split("Week of")[0]
    assert "Trial live" in week and "Done" in week and "Ben" in week
    page = (root / "output/objectives/launch/index.html").read_text()
    table = page.split("Check-ins and commits")[1].split("</table>")[0]
    assert '<th scope="col">State</th>' in table and '<td data-label="State">Done</td>' in table
    assert f"<code>{done}</code> <span class=\"muted\">Ben</span>" in table and "Vendor chosen" in table


def test_history_read_beside_the_content_is_the_history_read_in_turn(tmp_path: Path, monkeypatch) -> None:
    """With processes to spare, git is read in a forked process while the content is parsed
    (taking the last build's parsed documents): the site is the one a single process makes."""
    readers = tmp_path / "readers"
    original = history_module.read_history

    def noted(*args, **kwargs):
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return original(*args, **kwargs)

    monkeypatch.setattr(history_module, "read_history", noted)
    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-01-12", 120, 180, "Ben")])
    build(BuildOptions(root / "okrsite.yaml", jobs=2, output=tmp_path / "two"))
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=150, target=180))  # not in the last build
    for output in ("two", "one"):
        build(BuildOptions(root / "okrsite.yaml", jobs=2 if output == "two" else 1, output=tmp_path / output))
    one, two = ((tmp_path / output / "okrs.json").read_bytes() for output in ("one", "two"))
    assert one == two and [h["value"] for h in json.loads(one)["objectives"][0]["key_results"][0]["history"]] == [
        100, 120, 150]
    pids = readers.read_text().split()
    assert len(pids) == 3 and pids[0] != str(os.getpid()) and pids[1] != str(os.getpid()) \
        and pids[2] == str(os.getpid())  # jobs=2 read it in another process, jobs=1 in this one


def test_content_that_fails_first_leaves_no_history_process(tmp_path: Path, monkeypatch) -> None:
    """The build fails on its teams file while git is being read (here, for a minute): the
    reading process is stopped with it."""
    monkeypatch.setattr(history_module, "read_history", lambda *args, **kwargs: time.sleep(60))
    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Ana")])
    write(root, "content/teams.yaml", "- id: [unclosed\n")
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(root / "okrsite.yaml", jobs=2))
    assert str(failed.value.diagnostics[0]).startswith("content/teams.yaml:")
    assert multiprocessing.active_children() == []


def test_a_new_process_decodes_the_front_matter_of_no_unchanged_file(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The next `okrsite build` or `check` finds each unchanged file's checked fields in the
    document cache and its history's versions in history.json: the front matter the cache
    also keeps is never decoded. An edited file is parsed, and only it."""
    from okrsite.build.builder import Builder
    from okrsite.content import source

    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-01-12", 120, 200, "Ben")])
    write(root, "content/objectives/other.md", OBJECTIVE.format(current=5, target=10).replace("Grow", "Other"))
    write(root, "content/projects/ship.md", "---\ntitle: Ship\nkey_results: [grow/views]\n---\n")
    commit(root, "More", "2026-01-13", "Ben")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    decoded: list[str] = []
    load = source.DumpedMeta.load
    monkeypatch.setattr(source.DumpedMeta, "load", lambda self: decoded.append(self.label) or load(self))
    checked = Builder(BuildOptions(root / "okrsite.yaml", jobs=1)).check()
    assert (checked.objectives, checked.projects, decoded) == (2, 1, [])
    write(root, "content/objectives/other.md", OBJECTIVE.format(current=7, target=10).replace("Grow", "Other"))
    report = build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert decoded == [] and report.documents_parsed == 1
    assert [point["value"] for point in kr_json(root)["history"]] == [100, 120]


def test_the_previews_builder_reads_only_what_a_save_changed_and_builds_the_same_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between saves the preview's builder keeps what its last read of git found: the next build,
    with the same HEAD, reads the saved file and no other, asks git nothing but HEAD, and makes
    the okrs.json a build from nothing makes. A commit in between is read as a build reads it."""
    from okrsite.build.builder import Builder
    from okrsite.content import history as read
    from okrsite.model import assemble

    root = site(init(tmp_path / "repo"))
    ids = weekly(root, [("2026-01-05", 100, 200, "Ana"), ("2026-01-12", 120, 180, "Ben")])
    write(root, "content/objectives/other.md", OBJECTIVE.format(current=5, target=10).replace("Grow", "Other"))
    commit(root, "Other", "2026-01-13", "Ben")
    preview = Builder(BuildOptions(root / "okrsite.yaml", jobs=2))
    preview.build()
    preview.keep_history()
    files_read: list[str] = []
    logs: list[str] = []
    blob_id, log, read_cache = read._blob_id, read._log, read.read_cache
    monkeypatch.setattr(read, "_blob_id", lambda data: files_read.append(data.decode()) or blob_id(data))
    monkeypatch.setattr(read, "_log", lambda *args: logs.append(args[1]) or log(*args))
    monkeypatch.setattr(read, "read_cache", lambda *args: logs.append("history.json") or read_cache(*args))
    worked_out: list[int] = []  # the versions of each file whose KRs' history the model works out
    kr_histories = assemble.kr_histories
    monkeypatch.setattr(assemble, "kr_histories", lambda versions, since: worked_out.append(
        len(versions)) or kr_histories(versions, since))
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=150, target=180))
    preview.build()
    assert [text.count("current: 150") for text in files_read] == [1] and logs == []
    worked_out.clear()
    preview.keep_history()  # as the preview does after each build
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=150, target=180) + "\n")  # saved again
    preview.build()
    assert worked_out == [3]  # grow.md's; other.md's versions are the last read's, and so is its history
    kept = (root / "output/okrs.json").read_bytes()
    build(BuildOptions(root / "okrsite.yaml", jobs=1, output=tmp_path / "fresh"))
    assert kept == (tmp_path / "fresh/okrs.json").read_bytes()
    assert [point["value"] for point in kr_json(root)["history"]] == [100, 120, 150]

    moved = commit(root, "Check-in 2026-01-19", "2026-01-19", "Cy")  # HEAD moves: the new commit is logged
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=160, target=180))
    worked_out.clear()
    preview.build()
    assert sorted(worked_out) == [1, 4]  # both read from git again (HEAD moved): both worked out again
    sources = [(point["value"], point["source"]) for point in kr_json(root)["history"]]
    assert logs and sources[:2] == [(100, f"git:{ids[0]}"), (120, f"git:{ids[1]}")]
    assert sources[2:] == [(150, f"git:{moved[:7]}"), (160, "git:uncommitted")]


def test_a_kr_not_updated_since_the_commit_that_added_it_is_said_to_be_so(tmp_path: Path, capsys) -> None:
    """"no update for 41 days, since 2026-01-05" read as a measurement taken on 5 Jan; the commit
    added the key result, and a commit that changes its value is an update."""
    from okrsite.commands.cli import main
    root = site(init(tmp_path / "repo"))
    weekly(root, [("2026-01-05", 100, 200, "Ana")])
    assert main(["check", "--config", str(root / "okrsite.yaml")]) == 0
    assert ("warning: key result 'grow/views' has had no update for 41 days, since it was added on 2026-01-05 "
            "(stale after 14 days) [stale-kr]") in capsys.readouterr().err
    weekly(root, [("2026-01-12", 120, 200, "Ben")])
    assert main(["check", "--config", str(root / "okrsite.yaml")]) == 0
    assert "has had no update for 34 days, since 2026-01-12 (stale" in capsys.readouterr().err
