"""The reader's language: `language:` in okrsite.yaml gives every word, date and number of the
theme in that language, in pages, charts and the feed; okrs.json and the content stay as they are."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from okrsite.build.builder import Builder, BuildOptions, build
from okrsite.content.config import LANGUAGES
from okrsite.diagnostics import BuildFailed
from okrsite.site import formatting
from okrsite.site.language import ENGLISH, current, load_language, speaking
from okrsite.site.render import builtin_theme_dir
from tests.conftest import REPO, write

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


def _read(output: Path, rel: str) -> str:
    return (output / rel).read_text(encoding="utf-8")


# ---------- the German demo ----------

def test_the_german_dashboard_reads_in_german(german: Path) -> None:
    page = _read(german, "index.html")
    assert '<html lang="de">' in page
    assert "Bericht zum <strong>14. Mai 2026</strong>" in page
    assert f'<p class="stat__value">55{NBSP}%</p>' in page  # German puts a space before %
    for words in (">Übersicht</a>", ">Gesamtfortschritt<", ">Ziele nach Status<", "Neueste Check-ins und Projektneuigkeiten",
                  "Schlüsselergebnisse am weitesten hinter dem Tempo"):
        assert words in page
    for english in ("Report as of", "Overall progress", "Key results most behind pace", ">Dashboard<"):
        assert english not in page


def test_the_content_stays_as_written(german: Path) -> None:
    page = _read(german, "index.html")
    assert "Northwind Analytics OKRs" in page
    assert "Make every dashboard feel instant" in page  # an objective's title, in English as the file has it


def test_german_numbers_group_thousands_with_a_dot(german: Path) -> None:
    portfolio = _read(german, "portfolio/index.html")
    assert "120.200 USD" in portfolio
    assert "120,200" not in portfolio


def test_a_chart_speaks_german_in_its_alt_text_caption_tables_and_image(german: Path) -> None:
    page = _read(german, "index.html")
    assert (f'alt="Q2 2026: 8 Ziele, 1 im Verzug, 2 gefährdet, 4 im Plan, 0 nicht begonnen, 1 erledigt (und 1 Entwurf '
            f'noch ohne Schlüsselergebnisse); erwartet 47{NBSP}% bis 14. Mai 2026;') in page
    assert "<caption>Ziele von Q2 2026 nach Status</caption>" in page
    assert "<summary>Daten</summary>" in page
    image = _read(german, "charts/periods/2026-Q2.svg")
    assert f"erwartet 47{NBSP}%" in image and "im Verzug" in image
    trend = _read(german, "charts/objectives/reliable-platform/kr-incident-communication.svg")
    assert "Übertroffen" in trend and "Stand 14. Mai" in trend  # zone names and the report date's label


def test_the_feed_and_the_changes_page_speak_german(german: Path) -> None:
    feed = _read(german, "feed.xml")
    assert f"<title>Check-in: Reduce monthly gross churn from 2.1% to 1.4%: 1,8{NBSP}%</title>" in feed
    assert f"<summary>Zuversicht 60{NBSP}% · Ziel: Keep the customers we have, and make them fans</summary>" in feed
    assert "<title>Projektneuigkeit:" in feed and "<title>Project update:" not in feed
    changes = _read(german, "changes/index.html")
    assert "<h1>Was sich geändert hat</h1>" in changes and "Woche vom 11. Mai 2026" in changes


def test_okrs_json_is_the_same_in_every_language(german: Path, tmp_path: Path) -> None:
    english = _demo(tmp_path / "en", "en")
    build(BuildOptions(english / "okrsite.yaml", jobs=1))
    assert json.loads(_read(german, "okrs.json")) == json.loads(_read(english / "output", "okrs.json"))


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
        assert formatting.compact(3e9) == f"3.000{NBSP}M"  # Spanish counts billions in millions (as Babel groups)
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
    assert '<span class="badge__icon" aria-hidden="true">■</span> Off track</span>' in page  # badges are not cached across


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
    ('msgid "Objectives"\n', 1, "cannot read the catalog: missing msgstr for msgid 'Objectives'"),
    ('# A site theme\'s words\n\nmsgid "Objectives of %(team)s"\nmsgstr "Ziele von %(tem)s"\n', 3,
     "the translation of 'Objectives of %(team)s' does not fit it: unknown named placeholder 'tem'"),
])
def test_a_broken_site_catalog_is_an_error_at_its_file(small_site: Path, po: str, line: int, message: str) -> None:
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\ntheme: mine\n", encoding="utf-8")
    write(small_site, "themes/mine/locale/de/LC_MESSAGES/messages.po", po)
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(config))
    (problem,) = failed.value.diagnostics
    assert (problem.path, problem.line, problem.severity) == ("themes/mine/locale/de/LC_MESSAGES/messages.po", line,
                                                               "error")
    assert problem.message.startswith(message)
    assert not (small_site / "output").exists()
