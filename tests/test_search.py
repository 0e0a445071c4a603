"""The search index a site publishes (search.json, search.js): every objective, key result,
project, team, period and free page with the title, status and owners the pages show, body words
findable, and small enough for a 1,000-objective company."""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from benchmarks.generate import generate
from okrsite.build.background import can_fork
from okrsite.build.builder import BuildOptions, Builder, build
from okrsite.build.host import BuildHost
from okrsite.diagnostics import Diagnostics
from okrsite.site import search
from tests.conftest import REPO, write, write_objective

MAX_INDEX_BYTES = 1_500_000


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil
    from tests.conftest import REPO
    root = tmp_path_factory.mktemp("search") / "demo"
    root.mkdir()
    shutil.copy(REPO / "okrsite.yaml", root / "okrsite.yaml")
    shutil.copytree(REPO / "content", root / "content")
    (root / "okrsite.yaml").write_text((root / "okrsite.yaml").read_text() + "charts: {enabled: false}\n")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    return root / "output"


def entries(index: dict) -> dict[tuple[str, str], list]:
    """The entries by (kind, id); a key result's id is its objective's id / its own."""
    found = {}
    for entry in index["entries"]:
        kind = index["kinds"][entry[0]]
        key = entry[1] if kind != "kr" else index["entries"][entry[6]][1] + "/" + entry[1]
        found[kind, key] = entry
    return found


def status_of(index: dict, entry: list) -> str | None:
    return index["statuses"][entry[3]][0] if len(entry) > 3 and entry[3] >= 0 else None


def people_of(index: dict, entry: list) -> list[str]:
    return [index["people"][i] for i in entry[5]] if len(entry) > 5 else []


def holding(index: dict, word: str) -> set[int]:
    """The entries whose body holds a word, decoded from the base-36 gaps."""
    vocabulary = index["words"].split(" ")
    if word not in vocabulary:
        return set()
    at, found = 0, set()
    for gap in index["postings"][vocabulary.index(word)].split(" "):
        at += int(gap, 36)
        found.add(at)
    return found


def test_every_objective_key_result_and_project_is_in_the_index_as_okrs_json_has_it(demo_output: Path) -> None:
    okrs = json.loads((demo_output / "okrs.json").read_text())
    index = json.loads((demo_output / "search.json").read_text())
    found = entries(index)
    ended = {p["id"] for p in okrs["periods"] if p["ended"]}
    shown = {"on-track": "not-done", "at-risk": "not-done", "off-track": "not-done"}
    for objective in okrs["objectives"]:
        entry = found["objective", objective["id"]]
        state = shown.get(objective["status"], objective["status"]) if objective["period"] in ended else objective["status"]
        assert (entry[2], status_of(index, entry), people_of(index, entry)) == \
               (objective["title"], state, objective["owners"])
        assert index["periods"][entry[4]][0] == objective["period"]
        for kr in objective["key_results"]:
            entry = found["kr", kr["ref"]]
            state = shown.get(kr["status"], kr["status"]) if objective["period"] in ended else kr["status"]
            assert (entry[2], status_of(index, entry)) == (kr["title"], state)
    for project in okrs["projects"]:
        entry = found["project", project["id"]]
        assert (entry[2], status_of(index, entry), people_of(index, entry)) == \
               (project["title"], project["status"], [project["owner"]])
    assert {key for kind, key in found if kind == "team"} == {t["id"] for t in okrs["teams"]}
    assert {key for kind, key in found if kind == "period"} == {p["id"] for p in okrs["periods"]}
    assert found["page", "glossary"][2] == "Glossary"


def test_the_index_has_status_labels_and_icons_as_the_badges_show_them(demo_output: Path) -> None:
    index = json.loads((demo_output / "search.json").read_text())
    assert ["at-risk", "At risk", "▲"] in index["statuses"]
    assert ["not-done", "Not done", "◑"] in index["statuses"]  # an ended period's objectives
    page = (demo_output / "index.html").read_text()
    assert '<span class="badge badge--at-risk"><span class="badge__icon" aria-hidden="true">▲</span> At risk</span>' in page


def test_search_js_assigns_the_same_index_as_search_json(demo_output: Path) -> None:
    script = (demo_output / "search.js").read_text()
    prefix = f"window.{search.GLOBAL}="
    assert script.startswith(prefix) and script.endswith(";\n")
    assert json.loads(script[len(prefix):-2]) == json.loads((demo_output / "search.json").read_text())


def test_every_page_has_the_search_box_pointing_at_the_index_relative_to_it(demo_output: Path) -> None:
    home = (demo_output / "index.html").read_text()
    deep = (demo_output / "objectives/expand-pipeline/index.html").read_text()
    assert 'data-search-index="search.js"' in home and 'src="static/search-box.js"' in home
    assert 'data-search-index="../../search.js"' in deep and 'src="../../static/search-box.js"' in deep
    assert '<div class="search" role="search" hidden' in home  # shown by the script: hidden without JavaScript


def test_body_words_are_findable_but_link_targets_tag_names_and_short_words_are_not(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", """
        ---
        title: Grow
        period: 2026-Q1
        key_results:
          - {id: views, title: Views, start: 0, target: 10, current: 5, description: "Measured in Zürich"}
        ---
        Our **Café** partners, see [the plan](https://example.com/secretword) and <span>shownword</span>.
        Also https://example.org/hiddenpath, an ox and a &amp; sign.
        """)
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    index = json.loads((root / "output/search.json").read_text())
    objective = next(n for n, e in enumerate(index["entries"]) if e[1] == "grow")
    kr = next(n for n, e in enumerate(index["entries"]) if e[1] == "views")
    assert holding(index, "cafe") == holding(index, "plan") == holding(index, "shownword") == {objective}
    assert holding(index, "zurich") == {kr}  # a key result's description, accents folded
    for gone in ("secretword", "example", "hiddenpath", "https", "span", "amp", "ox"):
        assert gone not in index["words"].split(" "), gone


def cjk_site(root: Path) -> Path:
    """A site in Chinese, Japanese and Korean (and one English objective); its okrsite.yaml."""
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/teams.yaml", "- {id: tokyo-sales, name: 東京営業部, lead: 山田花子}\n")
    for key, title, body in (
            ("china-partners", "在中国建立合作伙伴生态系统", "我们要在华东地区签约十家合作伙伴。"),
            ("japan-market", "日本市場で売上を伸ばす", "データ分析で顧客を理解する。"),
            ("japan-revenue", "日本の売上を倍にする", ""),
            ("satisfaction", "顧客満足度を高める", ""),
            ("korea", "고객만족도 높이기", "한국시장에서 매출을 늘린다."),
            ("europe", "Grow partner revenue in Europe", "Partners in Zürich and Paris.")):
        write_objective(root, key, title, body, fields="team: tokyo-sales\n")
    return root / "okrsite.yaml"


def found_in_bodies(index: dict, query: str) -> set[int]:
    """The entries whose body holds a CJK query, as the box finds them: those that hold each pair of
    its characters."""
    return set.intersection(*(holding(index, pair) for pair in search.bigrams(search.fold(query))))


def test_chinese_japanese_and_korean_text_is_kept_as_pairs_of_characters_that_a_two_character_word_finds(
        tmp_path: Path) -> None:
    """Written without spaces, a whole CJK sentence was one word (or none, over 24 characters), and
    the most common CJK words, of two characters, found nothing inside it."""
    build(BuildOptions(cjk_site(tmp_path / "site"), jobs=1))
    index = json.loads((tmp_path / "site/output/search.json").read_text(encoding="utf-8"))
    at = {e[1]: n for n, e in enumerate(index["entries"]) if index["kinds"][e[0]] == "objective"}
    assert holding(index, "伙伴") == holding(index, "华东") == {at["china-partners"]}
    assert found_in_bodies(index, "合作伙伴") == {at["china-partners"]}
    assert holding(index, "分析") == holding(index, "顧客") == {at["japan-market"]}
    assert found_in_bodies(index, "データ") == {at["japan-market"]}  # kana with a voiced mark kept whole
    assert holding(index, "시장") == holding(index, "매출") == {at["korea"]}  # Hangul syllables, not jamo
    assert holding(index, "partners") == holding(index, "zurich") == {at["europe"]}
    assert not {"我们要在华东地区签约十家合作伙伴", "中", "國"} & set(index["words"].split(" "))


def test_titles_and_names_fold_as_the_box_folds_them_cjk_kept_whole() -> None:
    assert search.fold("データ分析 한국 ガバナンス") == "データ分析 한국 ガバナンス"  # not taken apart by NFD
    assert search.bigrams("在中国") == ["在中", "中国"] and search.bigrams("社") == ["社"]


def test_words_without_cjk_are_kept_and_folded_as_before() -> None:
    """Latin, Greek, Cyrillic, Arabic and Hebrew text: the same words as before CJK was split."""
    text = ("Grow ARR 2026 in Zürich, São Paulo and Kraków; ox the 1234567890123456789012345 "
            "Ελληνικά Москва йогурт أهداف المبيعات الإقليمية שלום עולם הַמְּכִירוֹת")

    def before(text: str) -> str:
        return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", text)).lower()
    assert search.fold(text) == before(text)
    assert search.body_words(text) == {w for w in re.findall(r"[^\W_]+", before(text))
                                       if search.MIN_WORD <= len(w) <= search.MAX_WORD}


def test_the_box_and_the_index_agree_on_what_is_cjk() -> None:
    script = (REPO / "themes/default/static/search-box.js").read_text(encoding="utf-8")
    source = re.search(r'var CJK = ((?:"[^"]*"\s*\+?\s*)+);', script)[1]
    ranges = "".join(re.findall(r'"([^"]*)"', source)).replace("\\\\", "\\")  # the string's value: a regex
    as_python = re.sub(r"\\u\{([0-9a-f]+)\}|\\u([0-9a-f]{4})", lambda m: chr(int(m[1] or m[2], 16)), ranges)
    assert as_python == search.CJK


def test_the_box_and_the_index_put_together_again_what_nfd_takes_apart_alike() -> None:
    script = (REPO / "themes/default/static/search-box.js").read_text(encoding="utf-8")
    pattern = re.search(r"var TAKEN_APART = /(.*)/g;", script)[1]
    as_python = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), pattern)
    assert as_python == search._TAKEN_APART.pattern


def test_words_in_more_than_half_of_many_bodies_are_left_out(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    for n in range(search.COMMON_FROM):
        write_objective(root, f"o{n}", f"Objective {n}", f"Everywhere{' sometimes' if n % 2 else ''}"
                                                         f"{' rarely' if n == 3 else ''}.")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    index = json.loads((root / "output/search.json").read_text())
    vocabulary = index["words"].split(" ")
    assert "everywhere" not in vocabulary
    assert len(holding(index, "sometimes")) == search.COMMON_FROM // 2  # exactly half: kept
    assert holding(index, "rarely") == {next(n for n, e in enumerate(index["entries"]) if e[1] == "o3")}


def test_the_index_of_a_1000_objective_company_is_under_1_5_mb(tmp_path: Path) -> None:
    counts = generate(tmp_path / "company", 1000, seed=0)
    site = Builder(BuildOptions(tmp_path / "company/okrsite.yaml")).load(Diagnostics())
    files = search.index_files(site)
    index = json.loads(files["search.json"])
    assert len(index["entries"]) == (counts["objectives"] + counts["key_results"] + counts["projects"]
                                     + counts["teams"] + len(site.periods) + len(site.pages))
    assert len(files["search.json"]) < MAX_INDEX_BYTES and len(files["search.js"]) < MAX_INDEX_BYTES


@pytest.mark.skipif(not can_fork(), reason="the preview's builds run in a forked process")
def test_the_previews_index_after_a_save_reads_only_the_changed_text_and_is_what_a_build_makes(
        demo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """okrsite serve: a build's search index, made in a process forked from the preview's build
    process, reads only the text that changed since: the others' words are kept in the cache
    folder (search.index_files)."""
    log = tmp_path / "reads.log"
    read_words = search.body_words

    def noted(markdown: str) -> frozenset[str]:
        with log.open("a", encoding="utf-8") as notes:
            notes.write(f"{os.getpid()} {'zebrafinch' in markdown}\n")
        return read_words(markdown)
    monkeypatch.setattr(search, "body_words", noted)
    objective = demo_site / "content/objectives/2026-Q2/marketing-launch-partner-program.md"
    host = BuildHost(BuildOptions(demo_site / "okrsite.yaml"))
    try:
        host.build()
        objective.write_text(objective.read_text() + "\nA zebrafinch joined the plan.\n")
        host.build()
        host_pid = host._process.pid
    finally:
        host.stop()
    reads = [line.split() for line in log.read_text().splitlines()]
    pids = list(dict.fromkeys(pid for pid, _ in reads))  # first build's index, second build's index
    assert len(pids) == 2 and str(host_pid) not in pids
    first = [changed for pid, changed in reads if pid == pids[0]]
    second = [changed for pid, changed in reads if pid == pids[1]]
    assert len(first) > 20
    assert second == ["True"]  # the changed body alone
    served = (demo_site / "output/search.json").read_bytes()
    assert b"zebrafinch" in served
    shutil.copytree(demo_site / "content", tmp_path / "fresh/content")
    shutil.copy(demo_site / "okrsite.yaml", tmp_path / "fresh/okrsite.yaml")
    build(BuildOptions(tmp_path / "fresh/okrsite.yaml", jobs=1))
    assert (tmp_path / "fresh/output/search.json").read_bytes() == served


def test_a_build_reads_the_words_only_of_bodies_that_changed_since_the_last(demo_site: Path) -> None:
    """The words of each body are kept in the cache folder by the digest of its text: the next
    build (another process) takes them from there, and reads a changed body again; a damaged file
    costs time, never a word."""
    config = demo_site / "okrsite.yaml"
    build(BuildOptions(config, jobs=1))
    kept_file = demo_site / ".okrsite-cache" / search.WORDS_FILE
    kept = json.loads(kept_file.read_text(encoding="utf-8"))
    words = kept["payload"]
    assert len(words) > 20 and all(isinstance(joined, str) for joined in words.values())
    marked = next(digest for digest, joined in words.items() if joined)  # an unchanged body, marked
    words[marked] += " quokkamarker"
    kept_file.write_text(json.dumps(kept), encoding="utf-8")
    objective = demo_site / "content/objectives/2026-Q2/marketing-launch-partner-program.md"
    objective.write_text(objective.read_text() + "\nA zebrafinch joined the plan.\n")
    build(BuildOptions(config, jobs=1))
    index = (demo_site / "output/search.json").read_text(encoding="utf-8")
    assert "quokkamarker" in index and "zebrafinch" in index  # kept words taken, the changed body read
    kept_file.write_text("{not json", encoding="utf-8")
    objective.write_text(objective.read_text() + "\nAnd a wombatling.\n")
    build(BuildOptions(config, jobs=1))
    index = (demo_site / "output/search.json").read_text(encoding="utf-8")
    assert "wombatling" in index and "zebrafinch" in index and "quokkamarker" not in index
