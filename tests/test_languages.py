"""The reader's language: `language:` in okrsite.yaml gives every word, date and number of the
theme in that language, in pages, charts and the feed; okrs.json and the content stay as they are."""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from okrsite import __version__
from okrsite.build.background import can_fork
from okrsite.build.builder import Builder, BuildOptions, build, check
from okrsite.content.config import LANGUAGES
from okrsite.diagnostics import BuildFailed
from okrsite.site import formatting, search
from okrsite.site.charts.draw import has_glyphs
from okrsite.site.language import ENGLISH, current, load_language, speaking
from okrsite.site.themes import builtin_theme_dir
from okrsite.site.scorecard import TOP_OBJECTIVES
from tests.browser import browser, requires_browser  # noqa: F401 - fixtures
from tests.conftest import REPO, write
from tests.test_scorecard import pdf_text, requires_poppler

NBSP, NNBSP = "\u00a0", "\u202f"


def _catalogs():
    """docs/catalogs.py, the maintainer's script that extracts the theme's messages with Babel."""
    spec = importlib.util.spec_from_file_location("docs_catalogs", REPO / "docs" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_catalogs"] = module
    spec.loader.exec_module(module)
    return module


def _demo(root: Path, language: str) -> Path:
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    config = (REPO / "okrsite.yaml").read_text(encoding="utf-8")
    (root / "okrsite.yaml").write_text(config + f"language: {language}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built with `language: de` (charts and all)."""
    root = _demo(tmp_path_factory.mktemp("de") / "demo", "de")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    return root / "output"


@pytest.fixture(scope="module")
def english(reference_demo: Path) -> Path:
    """The same demo in English, its default language (the session's build), to set the German one against."""
    return reference_demo


def _read(output: Path, rel: str) -> str:
    return (output / rel).read_text(encoding="utf-8")


# ---------- the German demo ----------

def test_the_german_dashboard_reads_in_german(german: Path) -> None:
    page = _read(german, "index.html")
    assert '<html lang="de" ' in page
    assert "Bericht zum <strong>14. Mai 2026</strong>" in page
    assert f'<p class="stat__value">55{NBSP}%</p>' in page  # German puts a space before %
    for words in (">Übersicht</a>", ">Gesamtfortschritt<", ">Ziele nach Status<", "Neueste Check-ins und Projektneuigkeiten",
                  "Schlüsselergebnisse mit dem größten Rückstand"):
        assert words in page
    for english in ("Report as of", "Overall progress", "Key results most behind pace", ">Dashboard<"):
        assert english not in page


def test_the_content_stays_as_written(german: Path) -> None:
    page = _read(german, "index.html")
    assert "Northwind Analytics OKRs" in page
    assert "Make every dashboard feel instant" in page  # an objective's title, in English as the file has it


def test_german_numbers_group_thousands_with_a_dot(german: Path) -> None:
    portfolio = _read(german, "portfolio/index.html")
    assert "124.700 USD" in portfolio
    assert "124,700" not in portfolio


def test_every_count_beside_a_heading_is_a_number_of_the_sites_language() -> None:
    """A heading's count badge reads "1.000" on a German page of 1,000 objectives, not "1000": the
    theme passes each through `number`, as every other figure."""
    counts = [span for path in sorted((builtin_theme_dir() / "templates").glob("*.html"))
              for span in re.findall(r'<span class="count">(.*?)</span>', path.read_text(encoding="utf-8"))]
    figures = [figure for span in counts for figure in re.findall(r"\{\{(.*?)\}\}", span)]
    assert len(counts) > 20 and len(figures) >= len(counts)
    assert [figure for figure in figures if not figure.strip().endswith("|number")] == []


def test_a_lane_named_in_a_sentence_takes_the_languages_punctuation(german: Path) -> None:
    """The portfolio chart's alt text joined a lane and its projects with ": " in code, so French
    read "Arrêter ?: ..." and German "Stoppen?: ..."; the catalogs now set it."""
    alt = re.search(r'src="../../charts/portfolio/2026-Q2.svg" alt="([^"]*)"',
                    (german / "portfolio/2026-Q2/index.html").read_text())[1]
    assert "„Stoppen?“: " in html.unescape(alt) and "Stoppen?: " not in html.unescape(alt)


def test_a_chart_speaks_german_in_its_alt_text_caption_tables_and_image(german: Path) -> None:
    page = _read(german, "index.html")
    assert (f'alt="Q2 2026: 8 Ziele, 1 im Verzug, 2 gefährdet, 4 im Plan, 0 nicht begonnen, 1 erledigt (und 1 Entwurf '
            f'noch ohne Schlüsselergebnisse); erwartet 47{NBSP}% bis 14. Mai 2026;') in page
    assert "<caption>Ziele von Q2 2026 nach Status</caption>" in page
    assert ('<summary><span aria-hidden="true">Daten</span><span class="visually-hidden">Daten: Ziele von Q2 2026 nach '
            'Status</span></summary>') in page
    image = _read(german, "charts/periods/2026-Q2.svg")
    assert f"erwartet 47{NBSP}%" in image and "im Verzug" in image
    trend = _read(german, "charts/objectives/reliable-platform/kr-incident-communication.svg")
    assert "Übertroffen" in trend and "Stand 14. Mai" in trend  # zone names and the report date's label


def test_the_feed_and_the_changes_page_speak_german(german: Path) -> None:
    feed = _read(german, "feed.xml")
    assert f"<title>Check-in: Reduce monthly gross churn from 2.1% to 1.4%: 1,8{NBSP}%</title>" in feed
    assert f"<summary>Zuversicht 60{NBSP}% · Ziel: Keep the customers we have, and make them fans</summary>" in feed
    assert "<title>Projektneuigkeit:" in feed and "<title>Project update:" not in feed
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">' in feed  # a reader knows the language
    changes = _read(german, "changes/index.html")
    assert "<h1>Was sich geändert hat</h1>" in changes and "Woche vom 11. Mai 2026" in changes


@requires_browser
@pytest.mark.parametrize("path", ["projects/index.html", "portfolio/index.html", "teams/engineering/index.html"])
def test_german_tables_fit_a_desktop_without_scrolling(browser, german: Path, path: str) -> None:
    """German flags ("Stunden überschritten") and the work done's words are longer than English:
    kept on one line, they pushed the flags column past the table's frame at 1280 px, clipped."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto((german / path).as_uri())
        overflow = page.evaluate("() => [...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth - w.clientWidth)")
        assert overflow and max(overflow) <= 0
    finally:
        context.close()


def test_okrs_json_is_the_same_in_every_language(german: Path, english: Path) -> None:
    assert json.loads(_read(german, "okrs.json")) == json.loads(_read(english, "okrs.json"))


@pytest.mark.parametrize(("language", "quarter", "half"), [
    ("fr", "T2 2026", "S1 2026"), ("es", "T2 2026", "S1 2026"), ("nb", "2. kvartal 2026", "1. halvår 2026"),
    ("de", "Q2 2026", "H1 2026")])
def test_a_built_in_periods_title_is_written_as_the_language_writes_it(
        tmp_path: Path, english: Path, language: str, quarter: str, half: str) -> None:
    """"H1 2026" read oddly in French ("S1", semestre) and "Q2" in Norwegian: built-in quarters and
    halves are titled by the catalog wherever a page, chart or feed names them; a custom period keeps
    its own title, and okrs.json, the same data in every language, the model's."""
    root = _demo(tmp_path / "demo", language)
    config = root / "okrsite.yaml"
    charts = "" if language == "fr" else "charts: {enabled: false}\n"  # one language's charts and PDF read too
    config.write_text(config.read_text() + charts + "periods:\n"
                      "  - {id: launch, start: 2026-05-01, end: 2026-05-31, title: Launch month}\n"
                      "  - {id: 2026-Q1, start: 2026-01-05, end: 2026-03-31}\n")  # takes the built-in title
    write(root, "content/objectives/half.md", "---\ntitle: A goal for the half\nperiod: 2026-H1\n"
                                              "key_results:\n  - {id: one, title: One thing, type: boolean}\n---\n")
    write(root, "content/objectives/launch.md", "---\ntitle: A launch goal\nperiod: launch\n"
                                                "key_results:\n  - {id: one, title: One thing, type: boolean}\n---\n")
    build(BuildOptions(config, jobs=1))
    output = root / "output"
    assert f"<h1>{quarter}</h1>" in _read(output, "periods/2026-Q2/index.html")
    assert f"<h1>{half}</h1>" in _read(output, "periods/2026-H1/index.html")
    assert "<h1>Launch month</h1>" in _read(output, "periods/launch/index.html")
    assert f"<h1>{quarter.replace('2', '1', 1)}</h1>" in _read(output, "periods/2026-Q1/index.html")
    assert f"{quarter}</a>" in _read(output, "objectives/scale-mid-market/index.html")
    if language != "de":  # German writes them as English does
        pages = [p.read_text(encoding="utf-8") for p in (*output.rglob("*.html"), *output.rglob("*.svg"))]
        pages += [_read(output, "feed.xml"), _read(output, "search.json")]
        assert not any(re.search(r"\b[QH][12] 2026", page) for page in pages)
    if language == "fr":
        assert f"<title>{quarter} : " in _read(output, "charts/periods/2026-Q2.svg").replace(NBSP, " ")
        # French grammar and typography where code put words together
        assert "l'avancement des 8 objectifs face" in html.unescape(_read(output, "index.html"))  # not "de les"
        assert ">1 fait<" in _read(output, "charts/objectives/faster-onboarding/kr-onboarding-playbooks.svg")
        assert f'aria-label="Terminé{NBSP}: 50{NBSP}%' in _read(output, "projects/index.html")
        period = html.unescape(_read(output, "periods/2026-Q2/index.html"))
        assert "Objectifs en passe d'être manqués" in period and "↘ </span>En passe d'être manqué<" in period
    titles = {p["id"]: p["title"] for p in json.loads(_read(output, "okrs.json"))["periods"]}
    assert titles == {"2026-Q1": "Q1 2026", "2026-Q2": "Q2 2026", "2026-H1": "H1 2026", "launch": "Launch month"}


# ---------- the search box and the scorecard ----------

def _english_words_left(english_text: str, german_text: str, content: str) -> set[str]:
    """The words of the English text that the German one has too, but for the content's words (titles,
    names), which stay as written, and words cut short with "…" (a long title's)."""
    def words(text: str) -> set[str]:
        text = re.sub(r"https?://\S+|\S*…", " ", text)
        return {word.lower() for word in re.findall(r"[^\W\d_]{2,}", text)}
    return (words(english_text) & words(german_text)) - words(content)


def _content(output: Path) -> str:
    """Every text of the content (titles, names, ids), as okrs.json has it, and the site's title."""
    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [text for item in value.values() for text in strings(item)]
        if isinstance(value, list):
            return [text for item in value for text in strings(item)]
        return [value] if isinstance(value, str) else []
    return " ".join(strings(json.loads(_read(output, "okrs.json")))) + " Northwind Analytics OKRs"


def _shown(page: str) -> str:
    """What a reader of a page sees and hears: its title, the text of <main>, and its labels."""
    main = page[page.index("<main"):page.index("</main>")]
    labels = re.findall(r'(?:aria-label|title|data-label|alt|placeholder)="([^"]*)"', main)
    return html.unescape(" ".join([re.search(r"<title>(.*?)</title>", page).group(1), re.sub(r"<[^>]+>", " ", main),
                                   *labels]))


# German words that are English words too
SAME_IN_GERMAN = {"scorecard", "status", "pdf", "portfolio", "apr", "jan", "okrsite"}


def test_the_search_box_speaks_german(german: Path) -> None:
    page = _read(german, "index.html")
    box = re.search(r'<div class="search" [^>]*>', page).group(0)
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', box))
    assert attributes == {
        "search-index": "search.js", "kind-period": "Zeitraum", "kind-team": "Team", "kind-objective": "Ziel",
        "kind-kr": "Schlüsselergebnis", "kind-project": "Projekt", "kind-page": "Seite", "loading": "Wird geladen…",
        "unavailable": "Die Suche ist nicht verfügbar", "none": "Keine Ergebnisse", "one": "1 Ergebnis",
        "many": "{n} Ergebnisse", "first": "{all}, davon {shown} angezeigt"}
    assert 'placeholder="Suchen"' in page and ">Website durchsuchen</label>" in page
    assert 'aria-label="Suchergebnisse"' in page
    # the box's script shows no word of its own: every one it reads is an attribute of the box
    script = (builtin_theme_dir() / "static" / "search-box.js").read_text(encoding="utf-8")
    read = {re.sub("[A-Z]", lambda upper: "-" + upper.group(0).lower(), name)
            for name in re.findall(r"(?<![.\w])words\.(\w+)", script)}  # not the index's data.words
    assert "kind-" not in read and 'words["kind" +' in script  # a result's kind: words["kind" + Kind]
    assert read | {f"kind-{kind}" for kind in search.KINDS} <= attributes.keys()
    statuses = json.loads(_read(german, "search.json"))["statuses"]  # the badges of the results
    assert ["off-track", "Im Verzug", "■"] in statuses and ["on-hold", "Pausiert", "❚❚"] in statuses


def test_the_scorecard_page_speaks_german(german: Path, english: Path) -> None:
    page = _read(german, "periods/2026-Q2/scorecard/index.html")
    for words in ("<title>Scorecard: Q2 2026 · Northwind Analytics OKRs</title>", ">Zeiträume</a>",
                  '<p class="eyebrow">Scorecard · 1. Apr. – 30. Juni 2026</p>',
                  f"47{NBSP}% des Zeitraums verstrichen", "· Bericht zum 14. Mai 2026", ">Vollständiger Bericht</a>",
                  ">PDF, eine Seite</a>", f'<p class="stat__note">aus 3 übergeordneten Zielen<br>erwartet 47{NBSP}%</p>', ">8 Ziele nach Status</p>",
                  '>Übergeordnete Ziele <span class="count">3</span>',
                  ">Unterstützende Ziele von Q2 2026, nach Priorität, dann die schwächsten zuerst</caption>",
                  '<th scope="col">Ziel</th><th scope="col" class="col-bar">Fortschritt</th>',
                  '>Schlüsselergebnisse am weitesten zurück <span class="count">10</span>',
                  f"<strong>0{NBSP}%</strong>", ">47 Pkt. zurück<", '>und 1 weiteres Schlüsselergebnis: 1 <span class="badge badge--at-risk">',
                  ">Projekte mit Verspätung oder über Budget <span", ">6 Tage verspätet<", f">Budget bei 116{NBSP}%<",
                  f">Stunden bei 117{NBSP}%<", ">Empfehlungen des Portfolios</h2>", "und 1 weiteres</span>",
                  "<strong>1 Projekt</strong>", "<strong>3 Projekte</strong>", ">Das Portfolio, mit dem Grund für jede Empfehlung</a>"):
        assert words in page
    ended = _read(german, "periods/2026-Q1/scorecard/index.html")
    for words in ("Beendet am 31. März 2026: Endbewertungen", ">Mittlere Bewertung</p>", ">0,68</p>",
                  f">aus allen 6 Zielen<br>übergeordnete Ziele: 67{NBSP}%</p>", ">6 Ziele nach Stand</p>", '<th scope="col" class="col-status">Stand</th>',
                  'class="cell-num col-grade">Bewertung</th>', 'data-label="Bewertung"',
                  '>Nicht erledigte Schlüsselergebnisse <span class="count">10</span>'):
        assert words in ended
    for period in ("2026-Q1", "2026-Q2"):
        path = f"periods/{period}/scorecard/index.html"
        assert _english_words_left(_shown(_read(english, path)), _shown(_read(german, path)),
                                   _content(german)) <= SAME_IN_GERMAN, period


@requires_poppler
def test_the_scorecard_pdf_speaks_german_with_german_dates_and_numbers(german: Path, english: Path) -> None:
    text = pdf_text(german / "periods/2026-Q2/scorecard.pdf").replace(NBSP, " ")
    for words in ("SCORECARD · NORTHWIND ANALYTICS OKRS", "GESAMTFORTSCHRITT", "55 %",
                  "1. Apr. 2026 – 30. Juni 2026 · Bericht zum 14. Mai 2026 · 47 % des Zeitraums verstrichen",
                  "erwartet 47 %", "1 im Verzug", "2 gefährdet", "4 im Plan", "0 nicht begonnen", "1 erledigt",
                  "1 Entwurf ohne Schlüsselergebnisse, ungezählt", "Übergeordnete Ziele (3)", "Unterstützende Ziele (5)",
                  "Fortschritt; | wo er jetzt sein sollte", "11 Pkt. zurück", "40 Pkt. voraus",
                  "Schlüsselergebnisse am weitesten zurück (10)", "und 2 weitere Schlüsselergebnisse: 2 gefährdet",
                  "Projekte mit Verspätung oder über Budget (2)", "6 Tage verspätet, Budget bei 116 %, Stunden bei 117 %",
                  "Empfehlungen des Portfolios", "Stoppen?", "Vorantreiben", f"okrsite {__version__} · der vollständige Bericht: "):
        assert words in text
    ended = pdf_text(german / "periods/2026-Q1/scorecard.pdf").replace(NBSP, " ")
    for words in ("MITTLERE BEWERTUNG", "0,68", "aus allen 6 Zielen", "übergeordnete Ziele: 67 %", "beendet am 31. März 2026: Endbewertungen",
                  "5 nicht erledigt", "Bewertung und Fortschritt am Ende", "Nicht erledigte Schlüsselergebnisse (10)",
                  "Budget bei 108 %, Stunden bei 121 %"):
        assert words in ended
    # the words beside the bars take the room they need: "nicht erledigt, 43 %", not "nicht erledigt,…"
    assert len(re.findall(r"nicht erledigt, \d+ %", ended)) == 5 and "erledigt, 100 %" in ended
    # the document says its language (screen readers speak it in German) and its title is shown
    catalog = re.search(rb"/Type /Catalog .*?/Lang <FEFF([0-9A-F]+)>.*?>>", (german / "periods/2026-Q2/scorecard.pdf").read_bytes())
    assert catalog and bytes.fromhex(catalog.group(1).decode()).decode("utf-16-be") == "de"
    assert b"/DisplayDocTitle true" in catalog.group(0)
    for period in ("2026-Q1", "2026-Q2"):
        path = f"periods/{period}/scorecard.pdf"
        assert _english_words_left(pdf_text(english / path), pdf_text(german / path),
                                   _content(german)) <= SAME_IN_GERMAN, period


@requires_poppler
def test_a_german_scorecard_says_how_many_more_by_status_in_german(tmp_path: Path) -> None:
    """More objectives than the page lists (30 in the period; that 100 still fit one page is
    test_scorecard's): the rest counted by status, in German."""
    generate(tmp_path / "company", 60, seed=1)
    config = tmp_path / "company/okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    build(BuildOptions(config))
    okrs = json.loads(_read(tmp_path / "company/output", "okrs.json"))
    counted = [o for o in okrs["objectives"] if o["period"] == "2026-Q2" and o["status"] != "draft"]
    words = {"off-track": "im Verzug", "at-risk": "gefährdet", "on-track": "im Plan", "not-started": "nicht begonnen",
             "done": "erledigt"}
    text = pdf_text(tmp_path / "company/output/periods/2026-Q2/scorecard.pdf")
    more = re.findall(r"und (\d+) weitere Ziele: (.*?)(?: {2,}|$)", text, re.MULTILINE)  # the right column after 2+ spaces
    assert more and sum(int(n) for n, _ in more) == len(counted) - TOP_OBJECTIVES
    for _n, listing in more:  # "und 84 weitere Ziele: 20 im Verzug, 30 gefährdet, ..."
        assert re.fullmatch(rf"\d+ ({'|'.join(words.values())})(, \d+ ({'|'.join(words.values())}))*", listing.strip())
    page = _read(tmp_path / "company/output", "periods/2026-Q2/scorecard/index.html")
    shown = re.findall(r'<p class="scorecard__more">und (\d+) weitere Ziele: (.*?)</p>', page)
    assert [n for n, _ in shown] == [n for n, _ in more]
    assert all('<span class="badge badge--' in listing for _, listing in shown)


# ---------- formatting ----------

def test_numbers_dates_and_percentages_follow_the_language() -> None:
    dirs = [builtin_theme_dir()]
    day = dt.date(2026, 5, 14)
    with speaking(load_language("de", dirs)):
        assert (formatting.number(2_400_000), formatting.number(1720.5), formatting.grade(0.9)) == ("2.400.000", "1.720,5",
                                                                                                    "0,90")
        assert formatting.compact(2_680_000) == f"2,68{NBSP}Mio."
        assert formatting.compact(250_000) == "250.000"  # German writes thousands in full
        assert formatting.percent(0.55) == f"55{NBSP}%"
        assert (formatting.date(day), formatting.date(day, "short")) == ("14. Mai 2026", "14. Mai")
        assert formatting.value_text(7, "%") == f"7{NBSP}%"
    with speaking(load_language("fr", dirs)):
        assert formatting.number(2_400_000) == f"2{NNBSP}400{NNBSP}000"
        assert formatting.date(day) == "14 mai 2026"
        assert formatting.compact(250_000) == f"250{NBSP}k"
    with speaking(load_language("es", dirs)):
        assert formatting.compact(3e9) == f"3000{NBSP}M"  # Spanish counts billions in millions
        # and groups a whole part of five digits or more (CLDR's minimum grouping digits, 2; the RAE's rule)
        assert [formatting.number(n) for n in (1040, 10400, 1040.5)] == ["1040", "10.400", "1040,5"]
        assert formatting.date(day) == "14 may 2026"
    with speaking(load_language("nb", dirs)):
        assert formatting.number(-5) == "−5"
        assert formatting.money(46500.4, "NOK") == f"46{NBSP}500 NOK"


def test_english_is_written_as_it_always_was() -> None:
    assert (formatting.number(2_400_000), formatting.compact(2_680_000), formatting.compact(250_000)) == (
        "2,400,000", "2.68M", "250k")
    assert (formatting.percent(0.55), formatting.date(dt.date(2026, 2, 15))) == ("55%", "15 Feb 2026")


def test_one_rounding_rule_in_every_language() -> None:
    """The language changes how a number is written, never the number: 0.125 is 13% everywhere."""
    with speaking(load_language("de", [builtin_theme_dir()])):
        assert formatting.percent(0.125) == f"13{NBSP}%"
        assert formatting.grade(0.625) == "0,63"


def test_plural_forms_follow_the_language() -> None:
    dirs = [builtin_theme_dir()]
    with speaking(load_language("fr", dirs)):  # French counts 0 as one
        assert formatting.ngettext("%(num)s objective", "%(num)s objectives", 0) == "0 objectif"
        assert formatting.ngettext("%(num)s objective", "%(num)s objectives", 2) == "2 objectifs"
    with speaking(load_language("de", dirs)):
        assert formatting.ngettext("%(num)s day", "%(num)s days", 1200) == "1.200 Tage"


def test_parts_of_a_sentence_joined_in_code_take_the_languages_punctuation() -> None:
    """Alt texts, aria labels and feed titles joined a title and its words with ": " and parts with
    "; " in code: French read "Terminé: 50 %" and "… (38 %); en retard"."""
    dirs = [builtin_theme_dir()]
    with speaking(load_language("fr", dirs)):
        assert formatting.titled("Terminé", "50 %") == f"Terminé{NBSP}: 50 %"
        assert formatting.in_turn(["budget dépensé", "en retard"]) == f"budget dépensé{NNBSP}; en retard"
    with speaking(load_language("de", dirs)):
        assert (formatting.titled("Erledigt", "50 %"), formatting.in_turn(["a", "b"])) == ("Erledigt: 50 %", "a; b")
    assert (formatting.titled("Done", "50%"), formatting.in_turn(["a", "b", "c"])) == ("Done: 50%", "a; b; c")


def test_a_count_of_one_reads_in_the_singular_in_every_language() -> None:
    """A milestones chart labelled one milestone done "1 faits", "1 hechos", "1 ferdige"."""
    dirs = [builtin_theme_dir()]
    for code, one in (("fr", "1 fait"), ("es", "1 completado"), ("nb", "1 ferdig"), ("de", "1 erledigt")):
        with speaking(load_language(code, dirs)):
            assert formatting.ngettext("%(num)s done", "%(num)s done", 1) == one


def test_the_language_is_the_builds_and_ends_with_it(demo_site: Path) -> None:
    """The preview builds again and again in one process: a German build leaves nothing behind."""
    config = demo_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\ncharts: {enabled: false}\n", encoding="utf-8")
    builder = Builder(BuildOptions(config, jobs=1))
    builder.build()
    assert current() is ENGLISH
    assert "Bericht zum" in (demo_site / "output" / "index.html").read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace("language: de", "language: en"), encoding="utf-8")
    builder.build()
    page = (demo_site / "output" / "index.html").read_text(encoding="utf-8")
    assert "Report as of <strong>14 May 2026</strong>" in page and "Bericht" not in page
    # a fixed word is put into the template as it is compiled (render.FixedWords): not the last build's
    assert '<p class="stat__label">Overall progress</p>' in page and "Gesamtfortschritt" not in page
    assert '<span class="badge__icon" aria-hidden="true">■</span> Off track</span>' in page  # badges are not cached across


@pytest.mark.skipif(not can_fork(), reason="templates are compiled beside the build only where a process can fork")
def test_templates_compiled_in_another_process_speak_the_builds_language(small_site: Path) -> None:
    """The templates are compiled in a forked process while the content is read, with the theme's
    fixed words put in as text: in the build's language, also when a catalog of the site changes."""
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\ntheme: mine\ncharts: {enabled: false}\n",
                      encoding="utf-8")
    catalog = "themes/mine/locale/de/LC_MESSAGES/messages.po"
    write(small_site, catalog, SITE_THEME_PO)
    builder = Builder(BuildOptions(config, jobs=2))
    builder.build()
    dashboard = (small_site / "output" / "index.html").read_text(encoding="utf-8")
    assert '<p class="stat__label">Gesamtfortschritt</p>' in dashboard
    assert "<dt>Zeitraum</dt>" in (small_site / "output/objectives/grow/index.html").read_text(encoding="utf-8")
    write(small_site, catalog, SITE_THEME_PO + '\nmsgid "Overall progress"\nmsgstr "Alles zusammen"\n')
    builder.build()
    dashboard = (small_site / "output" / "index.html").read_text(encoding="utf-8")
    assert '<p class="stat__label">Alles zusammen</p>' in dashboard


def test_speaking_ends_even_when_the_build_fails() -> None:
    with pytest.raises(RuntimeError), speaking(load_language("de", [builtin_theme_dir()])):
        raise RuntimeError("a build that fails")
    assert current() is ENGLISH


# ---------- okrsite.yaml ----------

def test_an_unknown_language_is_an_error_that_lists_the_known_ones(small_site: Path) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: xx\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(config))
    messages = [str(d) for d in failed.value.diagnostics]
    assert messages == ["okrsite.yaml:3:11: error: 'language': expected one of de, en, es, fr, nb; got 'xx'"]
    assert not (small_site / "output").exists()


# ---------- catalogs ----------

def test_every_message_of_the_theme_is_translated_in_every_language() -> None:
    """Babel extracts the templates' and the site code's messages: a new string without a
    translation fails here (run `python docs/catalogs.py`, then translate it)."""
    catalogs = _catalogs()
    template = catalogs.theme_messages()
    assert len(template) > 400
    for code in catalogs.languages():
        assert catalogs.untranslated(template, catalogs.read(code)) == [], code


def test_every_translation_and_every_date_and_number_can_be_drawn_in_the_charts_and_pdf_font() -> None:
    """The scorecard PDF leaves out characters its font lacks (a title in another script): none of
    the theme's own words, dates or numbers may be one of them, in any language."""
    catalogs = _catalogs()
    for code in catalogs.languages():
        texts = [text for message in catalogs.read(code) if message.id
                 for text in (message.string if isinstance(message.string, (tuple, list)) else [message.string])]
        with speaking(load_language(code, [builtin_theme_dir()])):
            texts += [formatting.date(dt.date(2026, month, 1)) for month in range(1, 13)]
            texts += [formatting.number(-1_234_567.5), formatting.percent(0.55), formatting.compact(2_680_000),
                      formatting.grade(0.9), formatting.money(46_500, "EUR")]
        assert [text for text in texts if not has_glyphs(text)] == [], code


def test_translations_keep_their_placeholders() -> None:
    catalogs = _catalogs()
    for code in catalogs.languages():
        problems = [(message.id, errors) for message, errors in catalogs.read(code).check()]
        assert problems == [], code


def test_the_known_languages_are_english_and_those_with_a_catalog() -> None:
    assert sorted(LANGUAGES) == sorted(["en", *_catalogs().languages()])


def test_a_new_template_string_without_a_translation_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogs = _catalogs()
    theme = tmp_path / "themes" / "default"
    shutil.copytree(REPO / "themes" / "default", theme)
    (theme / "templates" / "extra.html").write_text('<p>{{ _("A brand new sentence") }}</p>\n', encoding="utf-8")
    monkeypatch.setattr(catalogs, "SOURCES", [(str(theme / "templates"), *catalogs.SOURCES[0][1:]),
                                              *catalogs.SOURCES[1:]])
    monkeypatch.setattr(catalogs, "REPO", REPO)
    missing = catalogs.untranslated(catalogs.theme_messages(), catalogs.read("de"))
    assert missing == ["A brand new sentence"]


# ---------- a site theme's catalog ----------

SITE_THEME_PO = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: de\\n"

msgid "Objectives"
msgstr "OKR-Ziele"
"""


def test_a_site_theme_overrides_a_word_and_keeps_the_rest(small_site: Path) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\ntheme: mine\ncharts: {enabled: false}\n",
                      encoding="utf-8")
    write(small_site, "themes/mine/locale/de/LC_MESSAGES/messages.po", SITE_THEME_PO)
    build(BuildOptions(config, jobs=1))
    page = (small_site / "output" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="objectives-heading">OKR-Ziele <span' in page
    assert "Gesamtfortschritt" in page  # from the built-in catalog


def test_a_site_theme_can_rename_english_words(small_site: Path) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: mine\ncharts: {enabled: false}\n", encoding="utf-8")
    write(small_site, "themes/mine/locale/en/LC_MESSAGES/messages.po",
          SITE_THEME_PO.replace("Language: de", "Language: en").replace("OKR-Ziele", "Goals"))
    build(BuildOptions(config, jobs=1))
    page = (small_site / "output" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="objectives-heading">Goals <span' in page and "Overall progress" in page


@pytest.mark.parametrize("po, line, message", [
    ('msgid "Objectives"\n', 1, "cannot read the catalog: missing msgstr for msgid 'Objectives'$"),
    ('msgid "Dashboard"\nmsgstr "Übersicht"\n\nmsgid "Objectives"\nmsgstr "Ziele"\nZiele der Teams\n', 6,
     # at the line, not "… on 6" at line 1; in Babel's words (2.17's, then 2.18's)
     "cannot read the catalog: (Unknown or misformatted keyword|Start of line didn't match any expected keyword)"),
    ('# A site theme\'s words\n\nmsgid "Objectives of %(team)s"\nmsgstr "Ziele von %(tem)s"\n', 3,
     r"the translation of 'Objectives of %\(team\)s' does not fit it: unknown named placeholder 'tem'"),
    # a message without values: Babel checks none of its translation; the dashboard failed at okrsite.yaml:1:1
    ('msgid "Dashboard"\nmsgstr "Übersicht"\n\nmsgid "Objectives"\nmsgstr "Ziele von %(team)s"\n', 4,
     r"the translation of 'Objectives' does not fit it: unknown named placeholder 'team'$"),
    ('msgid "Objectives"\nmsgstr "100% Ziele"\n', 1,
     r"the translation of 'Objectives' does not fit it: a '%' that is none of its values \(a '%' of the text is "
     r"written '%%'\)$"),
])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_broken_site_catalog_is_an_error_at_its_file(small_site: Path, po: str, line: int, message: str,
                                                       command: str) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\ntheme: mine\n", encoding="utf-8")
    write(small_site, "themes/mine/locale/de/LC_MESSAGES/messages.po", po)
    with pytest.raises(BuildFailed) as failed:
        (build if command == "build" else check)(BuildOptions(config))
    (problem,) = [problem for problem in failed.value.diagnostics if problem.severity == "error"]
    assert (problem.path, problem.line, problem.severity) == ("themes/mine/locale/de/LC_MESSAGES/messages.po", line,
                                                               "error")
    assert re.match(message, problem.message), problem.message
    assert not (small_site / "output").exists()


def test_a_percent_sign_written_twice_in_a_translation_reads_once(small_site: Path) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: mine\ncharts: {enabled: false}\n", encoding="utf-8")
    write(small_site, "themes/mine/locale/en/LC_MESSAGES/messages.po", 'msgid "Objectives"\nmsgstr "100%% goals"\n')
    build(BuildOptions(config, jobs=1))
    assert '<h2 id="objectives-heading">100% goals <span' in (small_site / "output/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("code, caption, counts, not_started", [
    ("de", "Ausgegebenes Geld (USD) je Ziel von ", "5 nicht erledigt", "0 nicht begonnen"),
    ("fr", "Argent dépensé (USD) par objectif de ", "non terminé\u00a0: 5", "pas commencé\u00a0: 0"),
    ("es", "Dinero gastado (USD) por objetivo de ", "no completado: 5", "sin empezar: 0"),
    ("nb", "Penger brukt (USD) per mål i ", "ikke ferdig: 5", "ikke startet: 0"),
])
@requires_poppler
def test_translated_sentences_built_of_words_read_right(demo_site: Path, code: str, caption: str,
                                                        counts: str, not_started: str) -> None:
    """A review of the demo in each language: "Das ausgegebenes Geld", "Les argent dépensé", "Las dinero
    gastado" (an article before a measure it did not fit), "penger brukt" starting a sentence, and
    "3 terminé", "3 hecho", "5 ikke ferdig" (a count before a status word that does not take the
    plural). The scorecard PDF wrote its counts so whatever the catalog said ("5 non terminé"), and
    cut French's last one ("pas commencé…")."""
    site = demo_site
    config = site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nlanguage: {code}\n", encoding="utf-8")
    build(BuildOptions(config))
    page = html.unescape((site / "output/portfolio/index.html").read_text(encoding="utf-8"))
    assert caption in page
    alts = html.unescape((site / "output/periods/2026-Q1/index.html").read_text(encoding="utf-8"))
    assert counts in alts
    assert counts.replace(NBSP, " ") in pdf_text(site / "output/periods/2026-Q1/scorecard.pdf").replace(NBSP, " ")
    assert not_started.replace(NBSP, " ") in pdf_text(site / "output/periods/2026-Q2/scorecard.pdf").replace(NBSP, " ")


def test_a_plural_changed_in_a_catalog_reads_the_same_in_every_form_the_language_counts() -> None:
    """Spanish counts three forms (a million apart): the attention page's "late projects" changed
    in two and still said "proyectos vencidos" for 2 or more."""
    with speaking(load_language("es", [builtin_theme_dir()])):
        assert [formatting.ngettext("late project", "late projects", n) for n in (1, 2, 1_000_000)] == [
            "proyecto retrasado", "proyectos retrasados", "proyectos retrasados"]


def test_a_catalog_copied_in_with_its_old_mtime_is_read_again(tmp_path: Path) -> None:
    """The preview keeps catalogs by their stamp: `cp -p` of a catalog of the same size kept the old words."""
    theme = tmp_path / "theme"
    po = theme / "locale/de/LC_MESSAGES/messages.po"
    write(theme, "locale/de/LC_MESSAGES/messages.po", 'msgid ""\nmsgstr ""\n\nmsgid "Late"\nmsgstr "Spaet1"\n')
    before = po.stat()
    with speaking(load_language("de", [theme, builtin_theme_dir()])):
        assert formatting._("Late") == "Spaet1"
    time.sleep(0.02)  # file times move by the kernel's tick
    po.write_text(po.read_text().replace("Spaet1", "Spaet2"))
    os.utime(po, ns=(before.st_atime_ns, before.st_mtime_ns))
    with speaking(load_language("de", [theme, builtin_theme_dir()])):
        assert formatting._("Late") == "Spaet2"
