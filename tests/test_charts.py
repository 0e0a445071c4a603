"""Charts in built sites, checked as a reader would: the files parse, say the right numbers,
match okrs.json, survive `$` and non-Latin titles, come from the cache when nothing changed,
and are the same bytes however many processes drew them."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import string
import struct
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from okrsite.build import background
from okrsite.build.background import can_fork
from okrsite.build.builder import BuildOptions, BuildReport, build
from okrsite.commands.cli import main
from okrsite.site.formatting import grade, number, percent, unit_for
from okrsite.site.charts.layout import LAYOUTS
from tests.conftest import REPO, mode_of, write

SVG = "{http://www.w3.org/2000/svg}"


def charts_of(output: Path) -> dict[str, bytes]:
    folder = output / "charts"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_site(root: Path, **options) -> BuildReport:
    return build(BuildOptions(root / "okrsite.yaml", **options))


class Figures(HTMLParser):
    """The charts of a page: image attributes (and the narrow layout's source), caption and data table cells."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict] = []
        self._in_figure = False
        self._cell: list[str] | None = None
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "div" and "chart" in (attributes.get("class") or "").split():
            self._in_figure = True
            self.figures.append({"img": None, "source": None, "print": None, "caption": "", "rows": []})
        elif not self._in_figure:
            return
        elif tag == "img":
            self.figures[-1]["print" if attributes.get("class") == "chart__print" else "img"] = attributes
        elif tag == "source":
            self.figures[-1]["source"] = attributes
        elif tag == "figcaption":
            self._caption = True
        elif tag == "tr":
            self.figures[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":  # the data tables close a chart
            self._in_figure = False
        elif tag == "figcaption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None and self._in_figure:
            self.figures[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption:
            self.figures[-1]["caption"] += data


def figures(html_path: Path) -> list[dict]:
    parser = Figures()
    parser.feed(html_path.read_text())
    return parser.figures


@pytest.fixture
def built_demo(reference_demo: Path) -> Path:
    """The demo's output (the session's: read only)."""
    return reference_demo


def test_every_svg_chart_parses_and_has_a_title(built_demo: Path) -> None:
    charts = charts_of(built_demo)
    assert len(charts) > 40
    for name, data in charts.items():
        root = ET.fromstring(data)
        assert root.tag == SVG + "svg", name
        title = root.find(SVG + "title")
        assert title is not None and title.text, name
        text = data.decode()
        assert "prefers-color-scheme: dark" in text and "var(--okr-" in text, name
        used = set(re.findall(r"var\((--okr-[\w-]+)\)", text))
        assert all(f"{variable}:" in text for variable in used), f"{name}: a colour the style does not define"
        assert not re.search(r"#0c0a[0-9a-f]{2}", text), f"{name}: a placeholder colour was left"
        assert "<metadata" not in text and "Date" not in text


def test_a_done_key_result_shows_no_forecast_but_okrs_json_keeps_it(built_demo: Path) -> None:
    """SOC 2's control coverage, done at 96% of 95%, "would reach 177.1%" on its trend: a coverage
    past 100%, on a chart scaled to 200%. The pages leave a done KR's forecast out; okrs.json keeps
    it as the spec defines it."""
    okrs = json.loads((built_demo / "okrs.json").read_text())
    (soc2,) = [o for o in okrs["objectives"] if o["id"] == "soc2-type-ii"]
    (coverage,) = [kr for kr in soc2["key_results"] if kr["id"] == "control-coverage"]
    assert coverage["status"] == "done" and coverage["forecast"]["value"] > 100
    page = (built_demo / "objectives/soc2-type-ii/index.html").read_text()
    card = page[page.index('id="kr-control-coverage"'):]
    card = card[:card.index("</article>")]
    assert "Forecast" not in card and "177" not in card
    for name in ("kr-control-coverage", "kr-control-coverage-narrow"):
        svg = (built_demo / f"charts/objectives/soc2-type-ii/{name}.svg").read_text()
        assert "forecast" not in svg and "would reach" not in svg and "177" not in svg
    other = (built_demo / "objectives/faster-queries/index.html").read_text()  # a KR not done keeps its forecast
    assert "would reach <strong>1,967 ms</strong>" in other


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.suffix or "wide")
def test_a_forecasts_label_crosses_neither_the_target_line_nor_the_plots_edge(reference_demo: Path, layout) -> None:
    """"forecast 2.94M USD" sat above its line's end, on the target's line (its halo cut the line),
    and "forecast 0.11 days" below its end, on the dates' axis: each now takes the other side."""
    from okrsite.build.builder import Builder
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look, kr_trend

    site = Builder(BuildOptions(reference_demo.parent / "okrsite.yaml")).load(Diagnostics())
    look = Look("svg", 144, default_palette(), layout)
    for objective_id, kr_id in (("scale-mid-market", "arr"), ("scale-mid-market", "new-logos"),
                                ("faster-queries", "deploy-lead-time")):
        objective = site.objectives[objective_id]
        (kr,) = [kr for kr in objective.key_results if kr.id == kr_id]
        spec = kr_trend(kr, objective, site.periods[objective.period], site.as_of, look)
        assert spec is not None and spec.data.forecast is not None
        draw.draw(spec)
        chart = draw._template("trend", layout)
        renderer = draw.measuring()
        label, plot = chart.forecast_text.get_window_extent(renderer), chart.ax.get_window_extent(renderer)
        target = chart.ax.transData.transform((0, spec.data.target))[1]
        assert chart.forecast_text.get_visible() and chart.forecast_text.get_text().startswith("forecast ")
        assert not label.y0 - 2 < target < label.y1 + 2, (kr_id, label, target)
        assert plot.y0 <= label.y0 and label.y1 <= plot.y1, (kr_id, label, plot)


def test_pages_show_charts_with_alt_text_stating_the_numbers(built_demo: Path) -> None:
    figs = figures(built_demo / "objectives/faster-queries/index.html")
    srcs = [f["img"]["src"] for f in figs]
    assert srcs == ["../../charts/objectives/faster-queries/overview.svg",
                    "../../charts/objectives/faster-queries/kr-p95-latency.svg",
                    "../../charts/objectives/faster-queries/kr-deploy-lead-time.svg",
                    "../../charts/objectives/faster-queries/kr-query-timeouts.svg"]
    p95 = figs[1]["img"]
    assert p95["alt"] == ("Cut p95 dashboard query latency from 2400 ms to 800 ms: 2,200 ms, down from 2,400 ms "
                          "toward 800 ms, 13% of the way, expected 47% by 14 May 2026; off track, "
                          "34 points behind the expected pace; on its trend it would reach 1,967 ms by "
                          "30 Jun 2026 (27% of the way).")
    assert (p95["width"], p95["height"], p95["loading"]) == ("960", "250", "lazy")
    assert figs[1]["source"] == {"media": "screen and (max-width: 60rem)",
                                 "srcset": "../../charts/objectives/faster-queries/kr-p95-latency-narrow.svg"}
    printed = figs[1]["print"]  # paper shows the narrow layout (the picture's source is chosen for screens)
    assert (printed["src"], printed["alt"], printed["width"]) == (figs[1]["source"]["srcset"], p95["alt"], "340")
    for name in ("kr-p95-latency", "kr-p95-latency-narrow"):
        svg = ET.fromstring((built_demo / f"charts/objectives/faster-queries/{name}.svg").read_bytes())
        assert svg.find(SVG + "title").text == p95["alt"]
        assert "width" not in svg.attrib and svg.attrib["viewBox"].startswith("0 0 ")  # it scales with its card
    for page in ("index.html", "periods/2026-Q1/index.html", "projects/blog-push/index.html"):
        (fig,) = figures(built_demo / page)
        assert fig["img"]["alt"] and fig["caption"] and fig["rows"], page


def test_the_data_tables_match_okrs_json(built_demo: Path) -> None:
    data = json.loads((built_demo / "okrs.json").read_text())
    checked = 0
    for objective in data["objectives"]:
        page = figures(built_demo / "objectives" / objective["id"] / "index.html")
        tables = {f["img"]["src"].rsplit("/", 1)[1]: f["rows"] for f in page}
        for kr in objective["key_results"]:
            unit = kr["unit"]

            def shown(value: float) -> str:
                text = number(int(value) if float(value).is_integer() else value)
                return text + "%" if unit == "%" else f"{text} {unit_for(value, unit)}".strip()  # 1 day, 5 days

            rows = tables.get(f"kr-{kr['id']}.svg")
            if kr["type"] != "metric" or rows is None:
                continue
            values = [row[1] for row in rows[1:]]  # the header row first
            assert values[0] == shown(kr["start"]) and rows[-1][2] == shown(kr["target"])
            known = sorted((c["date"], c["value"]) for c in kr["checkins"]
                           if c["value"] is not None and c["date"] <= data["as_of"])
            assert values[1:-1] == [shown(v) for v in ([v for _, v in known] or [kr["current"]])]
            checked += 1
        if "overview.svg" in tables:
            rows = tables["overview.svg"][1:]
            items = ([kr for kr in objective["key_results"] if kr["dropped"] is None]  # dropped KRs: in no overview
                     or [o for o in data["objectives"] if o["id"] in objective["children"] and o["status"] != "draft"])
            shown_progress = percent if objective["grade"] is None else grade  # an ended period's: its grade
            assert [(r[0], r[1]) for r in rows] == [(i["title"], shown_progress(i["progress"])) for i in items]
    assert checked >= 20


def site_with_titles(tmp_path: Path, titles: list[str]) -> Path:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: Test\nas_of: 2026-02-15\n")
    krs = "".join(f"""
  - id: k{index}
    title: "{title}"
    start: 100
    target: 200
    unit: "$"
    checkins:
      - {{date: 2026-01-20, value: 120}}
      - {{date: 2026-02-10, value: 150}}
""" for index, title in enumerate(titles))
    write(root, "content/objectives/grow.md", f"---\nid: grow\ntitle: Grow $ and Ωmega\nperiod: 2026-Q1\n"
                                              f"key_results:{krs}---\n")
    return root


def test_dollar_signs_never_turn_into_mathtext(tmp_path: Path) -> None:
    root = site_with_titles(tmp_path, ["Revenue $2M to $5M", "Cut CAC $50% to $35%"])
    report = build_site(root, jobs=1)
    assert report.charts_drawn == 6  # three charts, wide and narrow
    overview = (root / "output/charts/objectives/grow/overview.svg").read_text()
    assert ">Revenue $2M to $5M</text>" in overview and ">Cut CAC $50% to $35%</text>" in overview
    trend = (root / "output/charts/objectives/grow/kr-k1.svg").read_text()
    assert ">Target 200 $</text>" in trend
    html = (root / "output/objectives/grow/index.html").read_text()
    assert 'alt="Cut CAC $50% to $35%: 150 of 200 $' in html


def test_non_latin_titles_draw_without_tofu_or_warnings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    japanese, greek = "ページビューを増やす", "Αύξηση επισκεψιμότητας"
    root = site_with_titles(tmp_path, [japanese, greek])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = build_site(root, jobs=1)  # in this process, so its warnings are seen here
    assert report.charts_drawn == 6
    assert [str(w.message) for w in caught if "glyph" in str(w.message).lower()] == []
    assert [r for r in caplog.records if "glyph" in r.getMessage().lower()] == []
    drawn = [t.text for t in ET.parse(root / "output/charts/objectives/grow/overview.svg").iter(SVG + "text")]
    assert "k0" in drawn and not any(japanese in text for text in drawn)  # the font lacks it: the id instead
    assert greek in drawn  # DejaVu Sans has Greek
    html = (root / "output/objectives/grow/index.html").read_text()
    assert f'alt="{japanese}: 150 of 200 $' in html  # the page carries the title


def test_a_wrapped_right_to_left_label_ends_its_lines_where_its_reader_starts_them(tmp_path: Path) -> None:
    """On a phone, a bar's label wraps above its bar, its lines starting at the left after the icon: an
    Arabic title's second line stood at the left, under the end of the first, where its reader ends."""
    arabic, english = "زيادة عدد الشركاء من 5 إلى 25 شريكًا في الخليج", "Raise the number of partners from 5 to 25 in the Gulf"
    root = site_with_titles(tmp_path, [arabic, english])
    build_site(root, jobs=1)
    texts = [t for t in ET.parse(root / "output/charts/objectives/grow/overview-narrow.svg").iter(SVG + "text")
             if t.text and (t.text[0] in arabic + english)]
    lines = {language: [(float(t.get("x")), "text-anchor: end" in t.get("style")) for t in texts if t.text in title]
             for language, title in (("ar", arabic), ("en", english))}
    assert len(lines["ar"]) == 2 and len(lines["en"]) == 2, lines  # each wraps
    assert lines["en"][0] == lines["en"][1] and not lines["en"][0][1]  # from the same left edge
    assert lines["ar"][0] == lines["ar"][1] and lines["ar"][0][1]  # to the same right edge ...
    assert lines["ar"][0][0] > lines["en"][0][0] + 100  # ... its longest line's end, far right of the start


def test_a_unit_the_font_lacks_is_left_out_of_the_target_and_the_forecast_alike(tmp_path: Path) -> None:
    """The target read "Target 200" and the forecast "forecast 190 円", drawn with a box's width and a
    warning of matplotlib's in the build's output."""
    root = site_with_titles(tmp_path, ["Revenue"])
    objective = root / "content/objectives/grow.md"
    objective.write_text(objective.read_text().replace('unit: "$"', "unit: 円"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_site(root, jobs=1)
    assert [str(w.message) for w in caught if "glyph" in str(w.message).lower()] == []
    drawn = [t.text for t in ET.parse(root / "output/charts/objectives/grow/kr-k0.svg").iter(SVG + "text")]
    assert "Target 200" in drawn and any(text.startswith("forecast ") for text in drawn), drawn
    assert not any("円" in text for text in drawn if text)


def test_a_second_build_draws_no_chart(demo_site: Path) -> None:
    first = build_site(demo_site)
    again = build_site(demo_site)
    assert first.charts_drawn > 40 and first.charts_cached == 0
    assert again.charts_drawn == 0 and again.charts_cached == first.charts_drawn
    assert f"0 charts drawn, {first.charts_drawn} cached" in again.summary()
    cached = list((demo_site / ".okrsite-cache/charts").iterdir())
    assert len(cached) == first.charts_drawn  # one file per distinct picture, no temporaries


def test_after_an_edit_the_summary_counts_each_chart_file_once(demo_site: Path) -> None:
    """A chart on a kept page and on a page rendered again (a period's overview, on its page and
    the dashboard) was counted as two."""
    build_site(demo_site)
    objective = demo_site / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    objective.write_text(objective.read_text().replace("title: Improve", "title: Really improve", 1))
    again = build_site(demo_site)
    assert again.charts_drawn + again.charts_cached == len(charts_of(demo_site / "output"))


def test_the_outputs_chart_files_are_the_caches_files_linked_and_copied_where_links_fail(
        demo_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten thousand chart files cost their inodes more than their bytes: the output links the
    cache's; where it cannot (another file system), it copies them, the same bytes."""
    first = build_site(demo_site)
    cached = {path.stat().st_ino for path in (demo_site / ".okrsite-cache/charts").iterdir()}
    shown = charts_of(demo_site / "output")
    assert len(shown) > 40
    assert all((demo_site / "output/charts" / name).stat().st_ino in cached for name in shown)

    shutil.rmtree(demo_site / "output")  # as in a fresh clone with the cache restored
    monkeypatch.setattr(os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(OSError(18, "cross-device link")))
    again = build_site(demo_site)
    assert again.charts_drawn == 0 and again.charts_cached == first.charts_drawn
    assert charts_of(demo_site / "output") == shown
    assert not any((demo_site / "output/charts" / name).stat().st_ino in cached for name in shown)


def test_a_web_server_running_as_another_user_can_read_every_file_a_build_writes(
        demo_site: Path, usual_umask: None) -> None:
    """The output is served by another user (a web server on the intranet, rsync to its folder):
    under the usual umask each file the build makes is readable by all, the charts linked from
    the cache included (a temporary file's 0600 was theirs until charts FORMAT_VERSION 6)."""
    build_site(demo_site)
    made = [path for folder in ("output", ".okrsite-cache") for path in (demo_site / folder).rglob("*")
            if path.is_file()]
    assert len(charts_of(demo_site / "output")) > 40 and len(made) > 200
    assert {path.relative_to(demo_site).as_posix(): oct(mode_of(path)) for path in made
            if mode_of(path) != 0o644} == {}


def test_one_changed_checkin_redraws_only_its_own_charts(demo_site_with_cache: Path) -> None:
    build_site(demo_site_with_cache)
    before = charts_of(demo_site_with_cache / "output")
    source = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    source.write_text(source.read_text().replace("value: 1720", "value: 1800"))
    report = build_site(demo_site_with_cache)
    after = charts_of(demo_site_with_cache / "output")
    changed = sorted(name for name in after if after[name] != before[name])
    # its trend, its objective's overview, the roll-up it supports, and its period's overview, each
    # wide and narrow
    assert changed == ["objectives/grow-inbound/overview-narrow.svg", "objectives/grow-inbound/overview.svg",
                       "objectives/seo-visibility/kr-page-views-narrow.svg",
                       "objectives/seo-visibility/kr-page-views.svg",
                       "objectives/seo-visibility/overview-narrow.svg", "objectives/seo-visibility/overview.svg",
                       "periods/2026-Q1-narrow.svg", "periods/2026-Q1.svg"]
    assert report.charts_drawn == 8


def test_output_is_the_same_bytes_for_one_or_two_processes(demo_site: Path, tmp_path: Path) -> None:
    cache = demo_site / ".okrsite-cache"
    one = build_site(demo_site, output=tmp_path / "one", jobs=1)
    shutil.rmtree(cache)
    two = build_site(demo_site, output=tmp_path / "two", jobs=2)
    shutil.rmtree(cache)
    again = build_site(demo_site, output=tmp_path / "again", jobs=1)
    assert (one.charts_workers, two.charts_workers) == (1, 2)
    assert one.charts_drawn == two.charts_drawn == again.charts_drawn > 40
    assert charts_of(tmp_path / "one") == charts_of(tmp_path / "two") == charts_of(tmp_path / "again")


def _demo_specs(site_folder: Path) -> list:
    """Every SVG chart of a site's pages, in each layout (so each kind of figure in each)."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import page_specs
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look
    from okrsite.site.pages import site_map

    diagnostics = Diagnostics()
    config = load_config(site_folder / "okrsite.yaml", diagnostics)
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    return [spec for layout in LAYOUTS
            for spec in page_specs(site, site_map(site), Look("svg", 144, default_palette(), layout)).values()]


def test_a_reused_figure_draws_the_same_bytes_as_a_fresh_one(demo_site: Path) -> None:
    """Figures, text metrics and layouts are kept across charts for speed; none may change a byte."""
    from okrsite.site.charts import draw

    specs = _demo_specs(demo_site)
    draw._templates.clear()
    fresh = [draw.draw(spec) for spec in specs[:1]] + [None] * (len(specs) - 1)
    for index, spec in enumerate(specs[1:], start=1):
        draw._templates.clear()
        for kept in (draw._METRICS, draw._LAYOUTS, draw._SIZES):  # and text measured and laid out afresh
            kept.clear()
        fresh[index] = draw.draw(spec)
    reused = [draw.draw(spec) for spec in reversed(specs)][::-1]  # metrics measured by other charts
    assert reused == fresh


def test_charts_measured_from_glyphs_are_the_bytes_matplotlib_measuring_each_text_draws(
        demo_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chart of the demo, both layouts, drawn with text measured from cached glyphs
    (okrsite.site.charts.glyphs) and with every text measured by matplotlib: the same bytes."""
    from okrsite.site.charts import draw, glyphs

    specs = _demo_specs(demo_site)
    measured = []

    def counted(text: str, prop: object) -> object:
        found = glyphs.text_metrics(text, prop)
        measured.append(found is not None)
        return found

    def drawn() -> list[bytes]:
        for kept in (draw._METRICS, draw._LAYOUTS, draw._SIZES, glyphs._FONTS):
            kept.clear()
        return draw.draw_many(specs)

    monkeypatch.setattr(draw, "text_metrics", counted)
    from_glyphs = drawn()
    assert sum(measured) > 0.9 * len(measured) > 100  # most texts are measured from their glyphs
    monkeypatch.setattr(draw, "text_metrics", lambda text, prop: None)
    assert drawn() == from_glyphs


@contextlib.contextmanager
def _short_ways_counted() -> Iterator[dict[str, int]]:
    """While the block runs, how many texts and lines okrsite's short ways wrote to an SVG."""
    from okrsite.site.charts import plain_svg

    written = {"text": 0, "line": 0}

    def counted(kind: str, short_way: Callable[[object, object], bool]) -> Callable[[object, object], bool]:
        def writing(artist: object, renderer: object) -> bool:
            done = short_way(artist, renderer)
            written[kind] += done and artist.get_visible()
            return done
        return writing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plain_svg, "write_text", counted("text", plain_svg.write_text))
        patch.setattr(plain_svg.Line, "write_path", counted("line", plain_svg.Line.write_path))
        yield written


@contextlib.contextmanager
def _drawn_by_matplotlib() -> Iterator[None]:
    """While the block runs, okrsite's texts and lines are drawn by matplotlib's own Text and Line2D."""
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    from okrsite.site.charts import draw, plain_svg

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(draw._Label, "draw", Text.draw)
        patch.setattr(plain_svg.Line, "draw", Line2D.draw)
        yield


def test_plain_texts_and_lines_written_straight_to_the_svg_are_the_bytes_matplotlib_writes(demo_site: Path) -> None:
    """Every chart of the demo, both layouts, with its plain texts and lines written by okrsite's
    short ways (okrsite.site.charts.plain_svg) and drawn by matplotlib's
    own Text and Line2D: the same bytes. Bold, halo and right-aligned texts, dashed, dotted and
    round-capped lines are among them; the portfolio's turned axis title and the lines with
    markers are left to matplotlib."""
    from okrsite.site.charts import draw

    specs = _demo_specs(demo_site)
    with _short_ways_counted() as written:
        short = draw.draw_many(specs)
    assert written["text"] > 1000 and written["line"] > 300  # the short ways wrote the demo's
    with _drawn_by_matplotlib():
        drawn_by_matplotlib = draw.draw_many(specs)
    assert [len(chart) for chart in short] == [len(chart) for chart in drawn_by_matplotlib]
    assert short == drawn_by_matplotlib
    assert any(b'font-weight: 700' in chart and b'text-anchor: end' in chart for chart in short)
    assert any(b'stroke-dasharray' in chart and b'stroke-linecap: round' in chart for chart in short)


def _plain_texts() -> st.SearchStrategy[str]:
    """Chart words, numbers and dates, with ligatures, marks, tabs and text outside the font."""
    pieces = st.sampled_from([*string.printable[:95], *"éüßñ€–—…°±×→␢“”«» \u202f\u00ad日\t", "ff", "fi", "fl", "To",
                              "e\u0301", "A\u20d7"])
    return st.lists(pieces, min_size=1, max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_plain_texts(), size=st.sampled_from([7.5, 10.0, 13.3]), bold=st.booleans())
@example(text="0“r”", size=7.5, bold=False)  # libraqm ran "r”" apart from "0“": no kerning across (found by this test)
@example(text="’.«Y»", size=7.5, bold=False)
def test_plain_text_is_measured_from_its_glyphs_as_matplotlib_measures_it(text: str, size: float, bold: bool) -> None:
    """Width, height and descent exactly matplotlib's (a rotated label's place follows from its
    width, so anything else would change a chart's bytes); or no answer, and matplotlib measures it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from okrsite.site.charts import draw, glyphs

    prop = FontProperties(family=draw.FONT, size=size, weight="bold" if bold else "normal")
    found = glyphs.text_metrics(text, prop)
    if found is not None:
        assert found == TextToPath().get_text_width_height_descent(text, prop, ismath=False)


def test_what_the_glyphs_cannot_say_is_left_to_matplotlib() -> None:
    from matplotlib.font_manager import FontProperties

    from okrsite.site.charts import draw, glyphs

    prop = FontProperties(family=draw.FONT, size=10)
    for text in ("12 Mar 2026 · 47 % → 1,234.5 €", 'To Tö Te ta: "Q3"'):  # kerned pairs, one with straight quotes
        assert glyphs.text_metrics(text, prop) is not None, text
    for text in ("office", "final", "cafe\u0301", "A\u20d7", "\u65e5\u672c", "   ", "a\tb", "To “Q3”", "«Q3»"):
        assert glyphs.text_metrics(text, prop) is None, text  # ligatures, marks, CJK, no ink, a tab, paired quotes


@pytest.mark.parametrize("words", ["Reduce p95 latency of the checkout service to 300 ms", "forecast 2.94M USD",
                                   "Heures consommées", "إطلاق المنصة"])  # plain, accented, shaped
def test_a_chart_s_layout_measures_a_text_as_its_svg_sets_it(words: str) -> None:
    """The room before a bar chart's bars, a forecast's side and the bubble labels' places are
    worked out from `text_size`, which measured with the figure's raster renderer: it hints the
    glyphs, and the first text here came out 6 px narrower than the SVG sets it, and its height
    was its ink's, shorter than the line matplotlib lays it in (a forecast's label took the side
    of its line's end where its box crossed the target's line). It is now the text's box in the
    SVG: as wide as matplotlib's SVG writer measures it, as tall as a line of the font (its
    ascender to its descender, or further where the ink reaches)."""
    from matplotlib.font_manager import FontProperties, findfont, get_font
    from matplotlib.textpath import TextToPath

    from okrsite.site.charts import draw

    font = get_font(findfont(FontProperties(family=draw.FONT)))
    table = font.get_sfnt_table("OS/2")
    ascender, descender = (table[name] / font.units_per_EM for name in ("sTypoAscender", "sTypoDescender"))
    template = draw._template("bars", LAYOUTS[0])
    with draw._drawing():  # as a chart is drawn: its settings, a plain text measured from its glyphs
        for size in (draw.SIZE, template.small):
            width, height, depth = TextToPath().get_text_width_height_descent(
                words, FontProperties(family=draw.FONT, size=size), ismath=False)
            line = max(height - depth, ascender * size) + max(depth, -descender * size)
            assert draw.text_size(template, words, size) == pytest.approx((width, line), rel=1e-4)


def test_a_kept_text_layout_is_the_one_matplotlib_works_out_for_that_text() -> None:
    """The same words in another size, weight, alignment, rotation or line spacing, or at
    another resolution, are laid out on their own; only the position may be shared, and one
    line's layout with another line of the same size (each with its own words)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.figure import Figure

    from okrsite.site.charts import draw

    styles = [{}, {"fontsize": 7}, {"fontweight": "bold"}, {"ha": "right"}, {"ha": "center", "va": "top"},
              {"rotation": 90}, {"va": "center_baseline"}, {"linespacing": 2.0}, {"multialignment": "right"}]
    draw._LAYOUTS.clear()
    for dpi in (72, 144):
        fig = Figure(dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        for renderer in (fig.canvas.get_renderer(), RendererSVG(100, 100, io.StringIO())):
            for words in ("Q2 target", "47 %", "48 %", "two\nlines here"):  # 47 % and 48 %: the same size
                for style in styles:
                    for x in (0.1, 0.7):
                        kept = draw.chart_text(ax, x, 0.5, **style)
                        kept.set_text(words)
                        plain = ax.text(x, 0.5, words, **style)
                        assert repr(kept._get_layout(renderer)) == repr(plain._get_layout(renderer)), (words, style)
    # each resolution, renderer, style and size of one line, or words of two lines, once
    assert len(draw._LAYOUTS) == 2 * 2 * 3 * len(styles)


_COLOURS = ["#0c0a03", "#1b2330", "#000000", "#11223380", "C1", (0.2, 0.4, 0.6, 1.0), ([0.1, 0.2, 0.3], 0.5)]


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.tuples(_plain_texts(), st.sampled_from([7.5, 10.0, 13.3]), st.booleans(),
                                st.sampled_from(["left", "center", "right"]),
                                st.sampled_from(["baseline", "bottom", "top", "center", "center_baseline"]),
                                st.sampled_from(_COLOURS), st.floats(-0.2, 1.2), st.floats(-0.2, 1.2),
                                st.sampled_from([None, "okr-halo-now"])), max_size=6),
       lines=st.lists(st.tuples(st.lists(st.floats(-1, 2), min_size=0, max_size=5), st.sampled_from([0.0, 1.0, 1.6, 2.2]),
                                st.sampled_from(["-", "--", ":", "none", (0, (1, 2.5)), (2, (5, 3))]),
                                st.sampled_from(["butt", "round", "projecting"]),
                                st.sampled_from(["miter", "round", "bevel"]), st.sampled_from(_COLOURS)), max_size=4))
def test_any_plain_text_or_line_written_the_short_way_is_the_svg_matplotlib_writes(texts: list, lines: list) -> None:
    """Texts of any words, size, weight, alignment, colour (with an alpha of its own too) and place,
    in the figure or out of it, and lines of any points, width, dashes, caps, joins and colour: the
    same SVG written the short way as by matplotlib's Text and Line2D."""
    from okrsite.site.charts import draw, plain_svg

    def figure(fig: object, ax: object) -> None:
        for words, size, bold, ha, va, colour, x, y, gid in texts:
            text = draw.chart_text(ax, x, y, fontsize=size, fontweight="bold" if bold else "normal", ha=ha, va=va,
                                   color=colour, gid=gid)
            text.set_text(words)
        for ys, width, style, cap, join, colour in lines:
            ax.add_line(plain_svg.Line(list(range(len(ys))), ys, clip_on=False, linewidth=width, linestyle=style,
                                   solid_capstyle=cap, dash_capstyle=cap, solid_joinstyle=join, dash_joinstyle=join,
                                   color=colour, transform=ax.transAxes))

    with _short_ways_counted() as written:
        short = _figure_svg(figure)
    assert sum(written.values()) == len(texts) + len(lines)  # each of them written the short way
    with _drawn_by_matplotlib():
        assert short == _figure_svg(figure)


def _figure_svg(draw_on: Callable[[object, object], None], rc: dict | None = None) -> str:
    """The SVG of a small chart figure `draw_on(fig, ax)` fills, as a chart's SVG is written."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from okrsite.site.charts import draw

    with matplotlib.rc_context({**draw.RC, **(rc or {})}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from font")  # boxes, both ways alike
        draw.ready()  # (as a chart process does before its first chart)
        fig = Figure(figsize=(4, 2), dpi=draw.SVG_DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        draw_on(fig, ax)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata=draw.SVG_METADATA)
    return draw.svg_variables(out.getvalue())


def test_a_matplotlib_that_writes_otherwise_than_the_short_ways_draws_every_text_and_line_itself(
        demo_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chart process draws a probe figure both ways before its first chart: with this
    matplotlib the short ways are on; with one that writes a text otherwise (here, a short way
    made to write another style), they are off, and every chart is matplotlib's."""
    from okrsite.site.charts import draw, plain_svg

    specs = _demo_specs(demo_site)[:12]
    draw.draw_many(specs[:1])
    assert plain_svg.on is True  # the installed matplotlib writes what the short ways write
    with _drawn_by_matplotlib():
        drawn_by_matplotlib = draw.draw_many(specs)
    monkeypatch.setattr(plain_svg, "text_style", lambda font, align, rgba: "font-size: 99px")
    monkeypatch.setattr(plain_svg, "_TEXT_STYLES", {})
    monkeypatch.setattr(plain_svg, "on", None)  # a new process
    assert draw.draw_many([]) == [] and plain_svg.on is False  # its check, before its first chart
    with _short_ways_counted() as written:
        assert draw.draw_many(specs) == drawn_by_matplotlib
    assert written == {"text": 0, "line": 0}


def test_what_the_short_ways_leave_to_matplotlib_is_drawn_as_matplotlib_draws_it() -> None:
    """A "C1" colour under another colour cycle than the last text's, a family name holding a quote,
    dashes matplotlib refuses, a filter over a line's pixels: as matplotlib's Text and Line2D make them."""
    import matplotlib
    from cycler import cycler

    from okrsite.site.charts import draw, plain_svg

    def cycled(fig: object, ax: object) -> None:
        draw.chart_text(ax, 0.5, 0.5, color="C1").set_text("C1 text")

    def odd_family(fig: object, ax: object) -> None:
        draw.chart_text(ax, 0.5, 0.5, fontfamily=["Tom's Sans", "A;B", draw.FONT]).set_text("family")

    def filtered(fig: object, ax: object) -> None:
        line = plain_svg.Line([0, 1], [0, 1], clip_on=False, transform=ax.transAxes, linewidth=4)
        line.set_agg_filter(lambda pixels, dpi: (pixels * [1, 1, 1, 0.5], 0, 0))
        ax.add_line(line)

    green = {"axes.prop_cycle": cycler(color=["#00aa00", "#00aa00"])}
    for figure, rc in ((cycled, None), (cycled, green), (odd_family, None)):
        short = _figure_svg(figure, rc)
        with _drawn_by_matplotlib():
            assert short == _figure_svg(figure, rc), (figure.__name__, rc)
    assert "#00aa00" in _figure_svg(cycled, green)

    def png(figure: Callable[[object, object], None]) -> bytes:
        fig = matplotlib.figure.Figure(figsize=(2, 2), dpi=72)
        matplotlib.backends.backend_agg.FigureCanvasAgg(fig)
        figure(fig, fig.add_axes((0, 0, 1, 1)))
        out = io.BytesIO()
        fig.savefig(out, format="png", transparent=True)
        return out.getvalue()

    short = png(filtered)
    with _drawn_by_matplotlib():
        assert short == png(filtered)  # the filter applied once

    def refused(fig: object, ax: object) -> None:
        ax.add_line(plain_svg.Line([0, 1], [0, 1], linestyle=(0, (4, -2)), transform=ax.transAxes))

    with pytest.raises(ValueError, match="non-negative"):
        _figure_svg(refused)


def test_charts_can_be_turned_off(demo_site: Path) -> None:
    config = demo_site / "okrsite.yaml"
    config.write_text(config.read_text() + "\ncharts: {enabled: false}\n")
    report = build_site(demo_site)
    assert report.charts_drawn == report.charts_cached == 0
    assert not (demo_site / "output/charts").exists()
    assert not (demo_site / ".okrsite-cache/charts").exists()
    assert "<figure" not in (demo_site / "output/objectives/seo-visibility/index.html").read_text()


def test_png_charts_have_the_configured_resolution(demo_site: Path) -> None:
    config = demo_site / "okrsite.yaml"
    config.write_text(config.read_text() + "\ncharts: {format: png, dpi: 192}\n")
    build_site(demo_site)
    charts = charts_of(demo_site / "output")
    assert charts and all(name.endswith(".png") for name in charts)
    data = charts["objectives/seo-visibility/kr-page-views.png"]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (960 * 2, 250 * 2)  # CSS pixels × 192/96
    html = (demo_site / "output/objectives/seo-visibility/index.html").read_text()
    assert 'src="../../charts/objectives/seo-visibility/kr-page-views.png"' in html
    assert 'srcset="../../charts/objectives/seo-visibility/kr-page-views-narrow.png"' in html
    assert 'width="960" height="250"' in html


def test_a_site_theme_recolours_the_charts(demo_site: Path) -> None:
    css = (REPO / "themes/default/static/style.css").read_text().replace("--on-track: #1f883d", "--on-track: #123456")
    write(demo_site, "themes/default/static/style.css", css)
    build_site(demo_site)
    svg = (demo_site / "output/charts/periods/2026-Q2.svg").read_text()
    assert "--okr-on-track:#123456" in svg
    # each chart file carries the colours it uses, not all of them (21 roles in two schemes were a
    # third of a trend chart's bytes): the ended Q1 shows done and not done, never on track
    ended = (demo_site / "output/charts/periods/2026-Q1.svg").read_text()
    assert "--okr-not-done:" in ended and "--okr-on-track:" not in ended
    for path in (demo_site / "output/charts").rglob("*.svg"):
        text = path.read_text()
        assert all(f"--okr-{role}:" in text for role in re.findall(r"var\(--okr-([a-z-]+)\)", text)), path


def _build_in_subprocess(site: Path, jobs: int | None = None) -> list[str]:
    """Charts drawn by a build in a fresh interpreter, and whether that process imported matplotlib."""
    code = ("import sys; from pathlib import Path; from okrsite.build.builder import BuildOptions, build; "
            f"r = build(BuildOptions(Path({str(site / 'okrsite.yaml')!r}), jobs={jobs!r})); "
            "print(r.charts_drawn, 'matplotlib' in sys.modules)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          check=True).stdout.split()


def test_a_warm_build_never_imports_matplotlib(demo_site: Path) -> None:
    cold = _build_in_subprocess(demo_site, jobs=1)  # --jobs 1: everything in the one process
    assert cold[1] == "True" and int(cold[0]) > 40
    assert _build_in_subprocess(demo_site) == ["0", "False"]


def test_a_few_missing_charts_are_drawn_beside_the_build(demo_site: Path) -> None:
    """Too few to start a pool: one background process draws them while the pages render."""
    drawn, imported = _build_in_subprocess(demo_site)
    assert int(drawn) > 40 and imported == "False"
    assert len(list((demo_site / "output/charts").rglob("*.svg"))) == int(drawn)


def _recording(module: object, name: str, log: Path) -> None:
    """Replace module.name by a wrapper (picklable by the same name) that notes in `log` that it ran,
    in which process and at which priority (its niceness)."""
    original = getattr(module, name)

    def wrapper(*args: object) -> object:
        with log.open("a", encoding="utf-8") as notes:
            notes.write(f"{name} {os.getpid()} {os.nice(0)}\n")
        return original(*args)
    wrapper.__module__, wrapper.__qualname__ = original.__module__, original.__qualname__
    setattr(module, name, wrapper)


@pytest.mark.skipif(not can_fork(), reason="the drawing process is forked")
def test_an_edits_charts_and_scorecard_pdf_are_drawn_where_matplotlib_is_loaded_already(
        demo_site_with_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process that draws an edit's few charts and its period's scorecard PDF is forked as the
    build starts and loads matplotlib (load_drawing) before they come: all three in that process, in
    that order, and the chart files made of the drawings are stored in the cache there too.
    (Whether matplotlib is in sys.modules says nothing: this test process may have it.)"""
    from okrsite.site import scorecard_pdf
    from okrsite.site.charts import workers
    from okrsite.site.charts.cache import ChartCache

    config = demo_site_with_cache / "okrsite.yaml"
    build(BuildOptions(config))
    objective = demo_site_with_cache / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    objective.write_text(objective.read_text().replace("value: 1720,", "value: 1790,"))
    log = tmp_path / "jobs.log"
    monkeypatch.setattr(workers, "_draw_batch", workers._draw_batch)  # put back when the test ends
    monkeypatch.setattr(scorecard_pdf, "draw_pdfs", scorecard_pdf.draw_pdfs)
    monkeypatch.setattr(workers, "load_drawing", workers.load_drawing)
    monkeypatch.setattr(ChartCache, "put", ChartCache.put)
    for module, name in ((workers, "load_drawing"), (scorecard_pdf, "draw_pdfs"), (workers, "_draw_batch"),
                         (ChartCache, "put")):
        _recording(module, name, log)
    report = build(BuildOptions(config))
    assert 0 < report.charts_drawn < workers.MIN_PER_WORKER
    jobs = [line.split()[:2] for line in log.read_text().splitlines()]
    assert [name for name, _ in jobs if name != "put"] == ["load_drawing", "draw_pdfs", "_draw_batch"]
    assert len({pid for _, pid in jobs}) == 1 and jobs[0][1] != str(os.getpid())
    # ... which yields the processor to the build's own process, the slow lane, whose page plan comes
    # before any of them is wanted (on two cores they shared one: ~0.1 s of an edit at 1,000 objectives)
    assert {line.split()[2] for line in log.read_text().splitlines()} == {str(min(19, os.nice(0) + background.LATER))}
    # the chart files too are made and stored there (a PDF's first): the build only links them
    stored = [name for name, _ in jobs[jobs.index(["_draw_batch", jobs[0][1]]):]].count("put")
    assert stored == report.charts_drawn  # a file per image drawn (here no two files share an image)


@pytest.mark.skipif(not can_fork(), reason="the drawing process is forked")
def test_a_build_whose_charts_and_pdfs_are_all_cached_asks_the_drawing_process_for_nothing(
        demo_site_with_cache: Path, reference_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone with its cache restored: the scorecard PDFs are read from the cache by the
    build's own process, so the build never waits for the drawing process (nor its matplotlib);
    the PDFs are the ones a cold build made."""
    from okrsite.site import scorecard_pdf
    from okrsite.site.charts import workers

    log = tmp_path / "jobs.log"
    monkeypatch.setattr(scorecard_pdf, "draw_pdfs", scorecard_pdf.draw_pdfs)
    monkeypatch.setattr(workers, "_draw_batch", workers._draw_batch)
    _recording(scorecard_pdf, "draw_pdfs", log)
    _recording(workers, "_draw_batch", log)
    report = build(BuildOptions(demo_site_with_cache / "okrsite.yaml"))
    assert report.charts_drawn == 0 and report.charts_cached > 100
    assert not log.exists()
    pdfs = sorted(p.relative_to(reference_demo).as_posix() for p in reference_demo.rglob("*.pdf"))
    assert pdfs and all((demo_site_with_cache / "output" / p).read_bytes() == (reference_demo / p).read_bytes()
                        for p in pdfs)


@pytest.mark.skipif(not can_fork(), reason="the preview's builder runs in a forked process")
def test_the_previews_builder_loads_the_drawing_while_it_waits_and_forks_its_drawing_processes_with_it(
        demo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """okrsite serve: after a build that shows charts, the builder's own process loads matplotlib
    (load_drawing) while the preview waits for a save, once; each later build forks its drawing
    process from it. With charts off, it loads nothing."""
    from okrsite.build.host import BuildHost
    from okrsite.site.charts import workers

    log = tmp_path / "loads.log"
    monkeypatch.setattr(workers, "load_drawing", workers.load_drawing)
    _recording(workers, "load_drawing", log)
    config = demo_site / "okrsite.yaml"
    objective = demo_site / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    host = BuildHost(BuildOptions(config))
    try:
        host.build()
        for value in ("1790", "1800"):
            objective.write_text(re.sub(r"value: 17\d0,", f"value: {value},", objective.read_text(), count=1))
            assert host.build().charts_drawn > 0
        builder_pid = host._process.pid
    finally:
        host.stop()
    pids = [line.split()[1] for line in log.read_text().splitlines()]
    assert len(pids) == 4 and pids[1] == str(builder_pid) and str(builder_pid) not in (pids[0], *pids[2:])
    assert len(set(pids)) == 4  # each build's drawing process is one of its own
    log.unlink()
    config.write_text(config.read_text() + "\ncharts: {enabled: false}\n")
    host = BuildHost(BuildOptions(config))
    try:
        host.build()
        host.build()
    finally:
        host.stop()
    assert not log.exists()


def test_the_cli_takes_jobs_and_verbose(demo_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--config", str(demo_site / "okrsite.yaml"), "--jobs", "1", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"charts: \d+ drawn \(1 process\), 0 from the cache", out)
    assert re.search(r"\d+ charts drawn, 0 cached", out)
    with pytest.raises(SystemExit):
        main(["build", "--config", str(demo_site / "okrsite.yaml"), "--jobs", "0"])


@pytest.mark.parametrize("jobs", [1, None], ids=["in-process", "background"])
def test_a_chart_that_cannot_be_drawn_is_left_out_with_a_warning_and_retried(
        demo_site: Path, monkeypatch: pytest.MonkeyPatch, jobs: int | None) -> None:
    from okrsite.site.charts import draw, workers

    original = draw._draw
    monkeypatch.setattr(workers, "MIN_PER_WORKER", 10_000)  # no pool: in this process, or one forked from it

    def failing(spec):  # one chart fails, as a drawing bug would make it
        if spec.name == "objectives/seo-visibility/kr-page-views":
            raise ValueError("no room for the labels")
        return original(spec)

    monkeypatch.setattr(draw, "_draw", failing)
    report = build_site(demo_site, jobs=jobs)
    assert report.charts_drawn == len(list((demo_site / "output/charts").rglob("*.svg")))  # the drawn, not the tried
    warning, = [w for w in report.warnings if "could not be drawn" in w.message]
    assert warning.path == "content/objectives/2026-Q1/marketing-seo-visibility.md"
    assert "kr-page-views" in warning.message and "no room for the labels" in warning.message
    page = (demo_site / "output/objectives/seo-visibility/index.html").read_text()
    assert "kr-page-views.svg" not in page and "overview.svg" in page
    assert not (demo_site / "output/charts/objectives/seo-visibility/kr-page-views.svg").exists()

    monkeypatch.setattr(draw, "_draw", original)
    report = build_site(demo_site, jobs=jobs)  # nothing changed, yet the missing chart is tried again
    assert not report.up_to_date
    assert report.charts_drawn == 1 and not [w for w in report.warnings if "could not be drawn" in w.message]
    page = (demo_site / "output/objectives/seo-visibility/index.html").read_text()
    assert "kr-page-views.svg" in page
    assert (demo_site / "output/charts/objectives/seo-visibility/kr-page-views.svg").is_file()


def test_a_build_marks_the_cached_charts_it_uses_so_the_others_can_be_pruned(demo_site: Path) -> None:
    first = build_site(demo_site)
    cache = demo_site / ".okrsite-cache/charts"
    for path in cache.iterdir():
        os.utime(path, ns=(1, 1))  # drawn long ago
    shutil.rmtree(demo_site / "output")  # as in CI: every page shown, so every chart asked for
    source = demo_site / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    source.write_text(source.read_text().replace("value: 1720", "value: 1800"))
    report = build_site(demo_site)
    unused = [path for path in cache.iterdir() if path.stat().st_mtime_ns == 1]
    assert report.charts_drawn == 8 and len(unused) == 8  # the four pictures the edit replaced, in both layouts
    assert len(list(cache.iterdir())) == first.charts_drawn + 8


def test_a_value_just_under_its_target_is_labelled_clear_of_the_target(demo_site: Path) -> None:
    """A check-in just under its target (2,400 of 2,500 page views), labelled above its dot, ran
    into "Target 2,500 views" on a phone: its label goes below the dot there, to the right of the
    line coming in, and stays above where it fits (the wide layout)."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look, chart_spec

    seo = demo_site / "content/objectives/2026-Q1/marketing-seo-visibility.md"
    seo.write_text(seo.read_text().replace("value: 1720", "value: 2400", 1))
    diagnostics = Diagnostics()
    config = load_config(demo_site / "okrsite.yaml", diagnostics)
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    below = {}
    for layout in LAYOUTS:
        spec = chart_spec(site, ("kr", "seo-visibility/page-views"), Look("svg", 144, default_palette(), layout))
        assert spec.data.now_label == "2,400" and spec.data.target_label.text == "Target 2,500 views"
        draw.draw(spec)
        trend = draw._template("trend", layout)
        assert trend.now_text.get_text() == "2,400" and not trend._covers(trend.now_text, trend.target_text)
        below[layout.suffix] = (trend.now_text.get_verticalalignment(), trend.now_text.get_horizontalalignment())
    assert below == {"": ("bottom", "center"), "-narrow": ("top", "left")}  # right of the line coming in


def test_the_latest_value_is_labelled_clear_of_the_line_coming_into_it(demo_site: Path) -> None:
    """"99.82%" centred above a dot its line falls into was struck through by that line (the
    uptime KR), as "2.65M" below a dot its line rises to, and "99.93%" at the right end, left of
    its dot; the label goes to the other side where there is room, else right of a centred dot."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look, chart_spec

    diagnostics = Diagnostics()
    config = load_config(demo_site / "okrsite.yaml", diagnostics)
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    for layout in LAYOUTS:
        look = Look("svg", 144, default_palette(), layout)
        for kr, label in (("reliable-platform/uptime", "99.82%"), ("reliable-platform/failed-syncs", "0.35%"),
                          ("scale-mid-market/arr", "2.65M"),  # below a dot its line rises to
                          ("reliable-ingestion/uptime", "99.93%"),  # at the right end, left of the dot
                          ("reduce-churn/gross-churn", "1.8%")):  # bold: wider than the regular text
            spec = chart_spec(site, ("kr", kr), look)
            draw.draw(spec)
            trend = draw._template("trend", layout)
            assert trend.now_text.get_text() == label
            box = trend.now_text.get_window_extent(draw.measuring())
            before = [point for point in spec.data.actual if point[0] < spec.data.now[0]][-1]
            (x0, y0), (x1, y1) = trend.ax.transData.transform([before, spec.data.now])
            along = [(x0 + (x1 - x0) * i / 200, y0 + (y1 - y0) * i / 200) for i in range(201)]
            assert not any(box.contains(x, y) for x, y in along), (kr, layout.suffix)
    # and every value's label stands on a halo of the background, wide enough to close the gap
    # between its words: at 3 px the forecast's dots showed between "expected" and "1.77%"
    from okrsite.site.charts.files import HALO_PX, finish_svg
    svg = finish_svg(draw.draw(spec), default_palette(), "t").decode()
    assert 'id="okr-halo-now"' in svg and 'id="okr-halo-expected"' in svg
    assert f'[id^="okr-halo-"] text{{paint-order:stroke;stroke:var(--okr-surface);stroke-width:{HALO_PX}px' in svg
    text = draw._template("trend", LAYOUTS[0]).expected_text
    renderer = draw.measuring()
    def width(words: str) -> float:
        text.set_text(words)
        return text.get_window_extent(renderer).width
    space = width("expected 1.77%") - width("expected") - width("1.77%")  # 3 px at the label's size
    # twice the space: the ink's gap is wider by the glyphs' side bearings, and a line has a width
    # (3 and 5 px left the forecast's dots visible between the words, 7 does not)
    assert 0 < 2 * space <= HALO_PX


@pytest.mark.parametrize("suffix", ["", "-narrow"])
def test_the_bubble_chart_s_names_and_captions_stand_on_a_halo_the_lines_do_not_cross(built_demo: Path,
                                                                                      suffix: str) -> None:
    """On a phone the SPI 1.0 line and the review threshold ran through the projects' names and the
    "ahead of schedule, under budget" caption: struck through, they were hard to read."""
    svg = ET.parse(built_demo / f"charts/portfolio/2026-Q2{suffix}.svg")
    haloed = {text.text for group in svg.iter(SVG + "g") if group.get("id", "").startswith("okr-halo-")
              for text in group.iter(SVG + "text")}
    ids = [group.get("id") for group in svg.iter(SVG + "g") if group.get("id")]
    assert len(ids) == len(set(ids))  # one group each
    assert {"ahead of schedule, under budget", "behind schedule, over budget"} <= haloed
    assert any(name.startswith("Self-serve") for name in haloed) and any(name.startswith("Columnar") for name in haloed)
    assert not any(name.startswith("Review") or "SPI" in name for name in haloed)  # the legend and axes need none


def test_a_bar_with_a_pace_of_its_own_gets_its_tick_there(demo_site: Path) -> None:
    """The demo's aspirational objective (reliable-platform) expects 70 % of Q2's pace: on the period
    chart a tick crosses its bar at its own pace; on a phone, where the chart's mark is a tick through
    each bar, its bar has that tick only."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.layout import NARROW, WIDE
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look, chart_spec

    diagnostics = Diagnostics()
    config = load_config(demo_site / "okrsite.yaml", diagnostics)
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    objective = site.objectives["reliable-platform"]
    assert objective.kind == "aspirational"
    for layout in (WIDE, NARROW):
        spec = chart_spec(site, ("period", objective.period), Look("svg", 144, default_palette(), layout))
        row = next(i for i, r in enumerate(spec.data.rows) if r.label.fallback == objective.id)
        draw.draw(spec)
        bars = draw._template("bars", layout)
        (tick,) = bars.paces.get_segments()
        assert tick[0][0] == tick[1][0] == pytest.approx(objective.expected)  # at its own pace
        assert tick[0][1] < row + 0.5 < tick[1][1] + 1  # across its own bar
        assert spec.data.marks[0].x > objective.expected + 0.1
        line = bars.marks[0][0]
        ys = [y for y in line.get_ydata() if y == y]
        if layout is NARROW:  # a tick through every other bar, none through this one
            assert len(ys) == 2 * (len(spec.data.rows) - 1)
            assert not any(row - 0.5 < y < row + 0.5 for y in ys)
        else:  # the line through every row
            assert len(ys) == 2
    # its own overview's key results share its pace: no tick of their own is drawn
    spec = chart_spec(site, ("objective", objective.id), Look("svg", 144, default_palette(), WIDE))
    draw.draw(spec)
    assert not draw._template("bars", WIDE).paces.get_visible()


def test_a_phones_burn_chart_names_its_series_under_the_plot(demo_site: Path) -> None:
    """At the right of the plot, as on a desktop, the series' names ("■ Budget spent 116%") took two
    fifths of a phone's chart: there they go under the dates, in two columns, inside the chart."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.layout import NARROW, WIDE
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look, chart_spec

    diagnostics = Diagnostics()
    config = load_config(demo_site / "okrsite.yaml", diagnostics)
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    shares = {}
    for layout in (WIDE, NARROW):
        spec = chart_spec(site, ("burn", "columnar-query-cache"), Look("svg", 144, default_palette(), layout))
        draw.draw(spec)
        burn = draw._template("burn", layout)
        renderer = draw.measuring()
        plot, page = burn.ax.get_window_extent(renderer), burn.fig.bbox
        names = [text for text in burn._texts["series-label"] if text.get_visible()]
        assert [text.get_text() for text in names] == ["● Work done 50%", "■ Budget spent 116%",
                                                        "▲ Hours used 117%", "┄ Plan"]
        boxes = [text.get_window_extent(renderer) for text in names]
        assert all(page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 for box in boxes)
        assert not any(box.overlaps(other) for i, box in enumerate(boxes) for other in boxes[i + 1:])
        shares[layout.suffix] = (plot.width / page.width, all(box.y1 < plot.y0 for box in boxes))
    assert not shares[""][1] and shares["-narrow"][1]  # at the right on a desktop, under the plot on a phone
    assert shares["-narrow"][0] > 0.75  # the plot keeps the phone's width (it had 0.4 of it)
    assert spec.height > NARROW.trend_height  # the names' rows are added to the phone's chart

    # longer names ("■ Budget ausgegeben 116 %") take a column each, inside the chart
    from okrsite.site.language import load_language, speaking
    from okrsite.site.themes import theme_dirs
    for code, longest in (("de", "Budget ausgegeben"), ("fr", "Heures consommées"), ("es", "Presupuesto gastado")):
        with speaking(load_language(code, theme_dirs(config.theme_dir))):
            spec = chart_spec(site, ("burn", "columnar-query-cache"), Look("svg", 144, default_palette(), NARROW))
            draw.draw(spec)
        burn = draw._template("burn", NARROW)
        renderer = draw.measuring()
        names = [text for text in burn._texts["series-label"] if text.get_visible()]
        assert any(longest in text.get_text() for text in names)
        boxes = [text.get_window_extent(renderer) for text in names]
        assert all(burn.fig.bbox.x0 <= box.x0 and box.x1 <= burn.fig.bbox.x1 and burn.fig.bbox.y0 <= box.y0
                   for box in boxes), code
        assert not any(box.overlaps(other) for i, box in enumerate(boxes) for other in boxes[i + 1:]), code


def test_forecast_and_burn_labels_stand_clear_of_each_other_and_of_the_edge(demo_site: Path) -> None:
    """Seen on a phone: "forecast 1.34M USD" just above "expected 1.17M" (read as one label of two
    lines), "forecast 1,967 ms" on its own falling line, "Budget spent 116%" cut at the burn chart's
    right edge and "as of 14 May" on the hours line."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import SHORT_VALUE, Look, chart_spec
    from matplotlib.text import Text

    diagnostics = Diagnostics()
    config = load_config(demo_site / "okrsite.yaml", diagnostics)
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    for layout in LAYOUTS:
        look = Look("svg", 144, default_palette(), layout)
        draw.draw(chart_spec(site, ("kr", "expand-pipeline/qualified-pipeline"), look))
        trend = draw._template("trend", layout)
        assert trend.forecast_text.get_text() == "forecast 1.34M USD"
        gap = 4 * trend.fig.dpi / 72
        assert not trend._covers(trend.forecast_text, trend.expected_text, gap)
        assert not trend._covers(trend.forecast_text, trend.now_text, gap)
        draw.draw(chart_spec(site, ("kr", "faster-queries/p95-latency"), look))
        assert trend.forecast_text.get_text() == "forecast 1,967 ms"
        assert trend.forecast_text.get_verticalalignment() == "top"  # below the end of its falling line

        draw.draw(chart_spec(site, ("burn", "columnar-query-cache"), look))
        burn = draw._template("burn", layout)
        renderer = draw.measuring()
        page = burn.fig.bbox
        shown = [text for text in burn.fig.findobj(Text) if text.get_visible() and text.get_text()]
        assert "Budget spent 116%" in " ".join(text.get_text() for text in shown)
        outside = [text.get_text() for text in shown if not (page.x0 <= text.get_window_extent(renderer).x0
                                                                and text.get_window_extent(renderer).x1 <= page.x1)]
        assert outside == [], layout.suffix
        assert burn.asof_text.get_verticalalignment() == "bottom"  # the series end high: the date at the foot

        # "96%" just over "Target 95%" covered it: now to the right of its dot
        draw.draw(chart_spec(site, ("kr", "soc2-type-ii/control-coverage"), look))
        assert trend.now_text.get_text() == "96%" and not trend._covers(trend.now_text, trend.target_text)
        # the report date's label goes left of its line where the room on its right is short (it ran into "Plan")
        draw.draw(chart_spec(site, ("burn", "dashboard-builder"), look))
        names = [text for text in burn._texts["series-label"] if text.get_visible()]
        assert not any(burn._covers(burn.asof_text, name) for name in names), layout.suffix
        # stacked, a bar's label leaves its line room for a long value ("46,500 USD · 39%" ran into it)
        spend = chart_spec(site, ("spend", "2026-Q2"), look)
        for row in spend.data.rows:
            room = layout.label_chars + (SHORT_VALUE - len(row.value_label.text) if layout.stacked else 0)
            assert all(len(line) <= room for line in row.label.text.splitlines()), row.label.text


@pytest.mark.parametrize("code", ["fr", "es", "de", "nb"])
def test_a_bar_label_in_any_language_stays_inside_the_chart(demo_site: Path, code: str) -> None:
    """A project chart's labels sat right-aligned in 140 px: "Heures consommées" and "Presupuesto
    gastado" ran past the chart's left edge, cut to "leures consommées". The label room grows to
    the widest label."""
    from okrsite.build.builder import Builder
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.charts import draw
    from okrsite.site.charts.palette import default_palette
    from okrsite.site.charts.specs import Look, chart_spec
    from okrsite.site.formatting import in_language
    from okrsite.site.language import load_language, speaking
    from okrsite.site.themes import theme_dirs

    config_file = demo_site / "okrsite.yaml"
    config_file.write_text(config_file.read_text() + f"\nlanguage: {code}\n")
    diagnostics = Diagnostics()
    config = load_config(config_file, diagnostics)
    with speaking(load_language(code, theme_dirs(config.theme_dir))):
        site = in_language(Builder(BuildOptions(config.path))._load_site(config, diagnostics))
        look = Look("svg", 144, default_palette(), LAYOUTS[0])
        for project in site.projects:
            spec = chart_spec(site, ("project", project), look)
            if spec is None:
                continue
            draw.draw(spec)
            chart = draw._template("bars", LAYOUTS[0])
            renderer = draw.measuring()
            for text in chart._texts["label"]:
                if text.get_visible() and text.get_text():
                    assert text.get_window_extent(renderer).x0 >= 0, (project, text.get_text())
