"""The theme's Python helpers (okrsite/widgets.py), called from templates as theme authors call them."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from markupsafe import Markup, escape

from okrsite.model.site import ChecklistItem, KeyResult, Objective, Project, Team
from okrsite.site.formatting import pace_points, percent
from okrsite.site.pages import Page
from okrsite.model.vocabulary import OKR_STATUSES, PROJECT_STATUSES
from okrsite.site.markup import escape_output
from okrsite.site.render import make_environment, relative_url
from tests.conftest import REPO

HOSTILE = '<script>alert("x")</script> & "quotes"'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;"
SITE = SimpleNamespace(teams={"ops": Team(id="ops", name="Ops & Infra"), "bad": Team(id="bad", name=HOSTILE)})  # helpers read teams only
ENV = make_environment([], {})


def render(source: str, page_url: str = "objectives/grow/index.html", pretty: bool = True, **values: Any) -> str:
    """Render a template snippet on a page, with the site and url() every page gets."""
    page = Page(url=page_url, template="snippet", title="Snippet")
    return ENV.from_string(source).render(site=SITE, url=relative_url(page, pretty), **values)


def text(fragment: str) -> str:
    """What a reader sees (and a screen reader reads): tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def kr(**fields: Any) -> KeyResult:
    base: dict[str, Any] = {"id": "views", "objective_id": "grow", "title": "Views", "type": "metric",
                            "progress": 0.4, "expected": 0.5, "status": "on-track",
                            "start": 100, "current": 140, "target": 200, "unit": "views"}
    return KeyResult(**{**base, **fields})


def project(**fields: Any) -> Project:
    base: dict[str, Any] = {"id": "blog", "title": "Blog", "status": "active", "progress": 0.5, "late": False,
                            "over_budget": False, "over_hours": False, "schedule_elapsed": 0.6, "health": "on-track",
                            "source": "projects/blog.md", "key_results": ("grow/views",)}
    return Project(**{**base, **fields})


# ---------- amounts ----------

@pytest.mark.parametrize(("value", "unit", "shown"), [
    (1720, "views", "1,720 views"), (7, "%", "7%"), (12000.0, "USD", "12,000 USD"), (0.5, "", "0.5"),
    (3, None, "3"), (None, "views", "– views"), (4.6, "/5", "4.6/5"), (1, "day", "1 day"),
])
def test_amount_writes_the_number_with_its_unit(value: float | None, unit: str | None, shown: str) -> None:
    assert render("{{ amount(v, u) }}", v=value, u=unit) == shown


def test_amount_escapes_the_unit() -> None:
    assert render("{{ amount(5, u) }}", u=HOSTILE) == f"5 {ESCAPED}"


# ---------- links ----------

def test_links_are_relative_to_the_page_and_escape_titles() -> None:
    objective = Objective(id="grow", title=HOSTILE, period="2026-Q1", kind="committed", progress=0.4, expected=0.5, status="on-track",
                          grade=None, source="objectives/grow.md")
    assert render("{{ objective_link(o) }}", page_url="teams/ops/index.html", o=objective) == \
        f'<a href="../../objectives/grow/">{ESCAPED}</a>'
    assert render("{{ project_link(p) }}", p=project(title=HOSTILE)) == f'<a href="../../projects/blog/">{ESCAPED}</a>'


def test_a_theme_gets_the_build_s_page_paths_for_url() -> None:
    """A site theme wrote 'teams/' ~ id ~ '/' as the built-in templates did: the paths come from the
    build now, and url() makes them relative to the page."""
    assert render("{{ url(team_url('ops')) }} {{ url(period_url('2026-Q1') ~ 'scorecard.pdf') }} "
                  "{{ url(objective_url('grow')) }} {{ url(project_url('blog')) }} {{ url(link_url('grow/views')) }}",
                  page_url="teams/ops/index.html") == \
        "../../teams/ops/ ../../periods/2026-Q1/scorecard.pdf ../../objectives/grow/ ../../projects/blog/ "\
        "../../objectives/grow/#kr-views"


def test_kr_link_points_at_the_key_result_on_its_objective_page() -> None:
    assert render("{{ kr_link(k) }}", k=kr(title="Views <up>")) == \
        '<a href="../../objectives/grow/#kr-views">Views &lt;up&gt;</a>'


def test_links_point_at_index_html_without_pretty_urls() -> None:
    assert render("{{ kr_link(k) }}", pretty=False, k=kr()) == \
        '<a href="../../objectives/grow/index.html#kr-views">Views</a>'


def test_team_link_names_a_known_team_and_shows_an_unknown_id_as_text() -> None:
    assert render("{{ team_link('ops') }}") == '<a href="../../teams/ops/">Ops &amp; Infra</a>'
    assert render("{{ team_link('bad') }}") == f'<a href="../../teams/bad/">{ESCAPED}</a>'
    assert render("{{ team_link(t) }}", t=HOSTILE) == ESCAPED
    assert render("{{ team_link(none) }}") == '<span class="muted">No team</span>'


@pytest.mark.parametrize(("team_id", "shown"), [("ops", "Ops &amp; Infra"), ("nobody", "nobody"), (None, "No team"),
                                                ("", "No team"), (HOSTILE, ESCAPED)])
def test_team_name_is_plain_text(team_id: str | None, shown: str) -> None:
    assert render("{{ team_name(t) }}", t=team_id) == shown


def test_a_helper_needing_the_page_fails_as_a_template_error_without_it() -> None:
    """Called from a macro file imported without context: reported like any template error."""
    with pytest.raises(jinja2.UndefinedError, match="'url' is undefined"):
        ENV.from_string("{{ kr_link(k) }}").render(site=SITE, k=kr())


# ---------- status ----------

@pytest.mark.parametrize("status", sorted({*OKR_STATUSES, *PROJECT_STATUSES}))
def test_badge_shows_an_icon_and_the_status_in_words(status: str) -> None:
    badge = render("{{ badge(s) }}", s=status)
    words = OKR_STATUSES.get(status) or PROJECT_STATUSES[status]
    assert f'class="badge badge--{status}"' in badge
    assert text(badge) == f"{words.icon} {words.label}"


def test_badge_of_an_unknown_status_reads_as_words_and_is_escaped() -> None:
    assert text(render("{{ badge('needs-review') }}")) == "• Needs review"
    assert "<script>" not in render("{{ badge(s) }}", s=HOSTILE)


def test_flags_say_what_is_wrong_in_words() -> None:
    p = project(late=True, over_budget=True, over_hours=True, key_results=())
    assert text(render("{{ flags(p) }}", p=p)) == "⚑ Late ¤ Over budget ◴ Over hours "
    assert text(render("{{ flags(p, unaligned=true) }}", p=p)) == "⚑ Late ¤ Over budget ◴ Over hours ∅ No OKR"
    assert render("{{ flags(p, unaligned=true) }}", p=project(progress=0.6)) == ""
    # work done (50 %) trails time elapsed (60 %); a late project is late, not merely behind
    assert text(render("{{ flags(p) }}", p=project())) == "◔ Behind schedule "
    assert "Behind" not in render("{{ flags(p) }}", p=project(late=True))


@pytest.mark.parametrize(("grade", "shown"), [(0.75, "Grade 0.75"), (1, "Grade 1.00"), (0.9, "Grade 0.90"), (None, "Grade –")])
def test_grade_chip(grade: float | None, shown: str) -> None:
    assert text(render("{{ grade_chip(g) }}", g=grade)) == shown


# ---------- bars ----------

def test_progress_bar_marks_the_expected_pace_in_the_bar_and_in_words() -> None:
    bar = render("{{ progress(0.4, 0.5, 'at-risk') }}")
    assert 'class="bar bar--at-risk" role="img" aria-label="Progress: 40% (expected 50%)"' in bar
    assert 'style="width: 40%"' in bar
    assert '<span class="bar__marker" style="left: 50%"></span>' in bar
    assert text(bar).split() == ["40%", "(expected", "50%)"]


def test_progress_bar_without_expected_pace_has_no_marker() -> None:
    bar = render("{{ progress(0.4, none, compact=true) }}")
    assert "bar__marker" not in bar and "expected" not in bar
    assert 'class="progress progress--compact"' in bar and "bar--neutral" in bar
    assert 'aria-label="Progress: 40%"' in bar


def test_progress_bar_clamps_its_width_but_says_the_value() -> None:
    bar = render("{{ progress(1.3) }}")
    assert 'style="width: 100%"' in bar and "<strong>130%</strong>" in bar


def test_progress_bar_escapes_its_labels() -> None:
    bar = render("{{ progress(0.4, 0.5, s, label=h, expected_label=h) }}", s=HOSTILE, h=HOSTILE)
    assert "<script>" not in bar
    assert f'aria-label="{ESCAPED}: 40% ({ESCAPED} 50%)"' in bar


def test_usage_bar_shows_use_of_the_plan_with_units_and_may_run_over() -> None:
    bar = render("{{ usage(1500, 1000, 'USD', 'Budget spent') }}")
    assert 'class="bar bar--off-track" role="img" aria-label="Budget spent: 1,500 USD of 1,000 USD (150%)"' in bar
    assert 'style="width: 100%"' in bar and text(bar).split() == ["150%", "of", "plan"]


def test_usage_bar_of_an_amount_not_reported_is_empty_and_says_no_share() -> None:
    """Nothing reported is not 0 % of the plan (a project without `spent` read as spending nothing)."""
    bar = render("{{ usage(none, 40, 'h') }}")
    assert "bar--neutral" in bar and "<strong>–</strong>" in bar and "(–)" in bar and "<strong>0%" not in bar
    assert "<strong>0%</strong>" in render("{{ usage(0, 40, 'h') }}")


@pytest.mark.parametrize("planned", [None, 0])
def test_usage_bar_needs_a_plan(planned: float | None) -> None:
    assert render("{{ usage(5, p) }}", p=planned) == ""


def test_usage_bar_escapes_label_and_unit() -> None:
    bar = render("{{ usage(5, 10, h, h) }}", h=HOSTILE)
    assert "<script>" not in bar and f"{ESCAPED}: 5 {ESCAPED} of 10 {ESCAPED} (50%)" in bar


# ---------- key results ----------

def test_metric_value_reads_start_now_target_and_the_unit_once() -> None:
    assert text(render("{{ kr_value(k) }}", k=kr())) == "From 100 →, now 140 →, target 200 views"


def test_percent_key_result_shows_percent_on_every_number() -> None:
    assert text(render("{{ kr_value(k) }}", k=kr(unit="%", start=5, current=6.5, target=10))) == \
        "From 5% →, now 6.5% →, target 10%"


def test_a_rate_kept_as_a_fraction_reads_as_written_not_as_zero() -> None:
    """0.004 to 0.001 read "From 0 →, now 0 →, target 0" (two decimals): a value below 0.1 keeps
    two significant digits, a larger one its two decimals."""
    assert text(render("{{ kr_value(k) }}", k=kr(unit="", start=0.004, current=0.0035, target=0.001))) == \
        "From 0.004 →, now 0.0035 →, target 0.001"
    assert text(render("{{ kr_value(k) }}", k=kr(unit="%", start=0.021, current=0.0375, target=0.055))) == \
        "From 0.021% →, now 0.037% →, target 0.055%"
    assert [render("{{ amount(v, '') }}", v=v) for v in (0.125, 2.5, 1e-12, -0.0042)] == ["0.12", "2.5", "0", "-0.0042"]


def test_metric_value_without_a_unit_or_a_reading() -> None:
    assert text(render("{{ kr_value(k) }}", k=kr(unit="", current=None))) == "From 100 →, now – →, target 200"


def test_metric_value_escapes_the_unit() -> None:
    value = render("{{ kr_value(k) }}", k=kr(unit=HOSTILE))
    assert "<script>" not in value and value.endswith(f" 200 {ESCAPED}</span>")


@pytest.mark.parametrize(("done", "shown"), [(True, "Done"), (False, "Not done")])
def test_boolean_value(done: bool, shown: str) -> None:
    assert text(render("{{ kr_value(k) }}", k=kr(type="boolean", done=done))) == shown


def test_milestones_value_counts_the_done_ones() -> None:
    k = kr(type="milestones", milestones=(ChecklistItem(title="a", done=True), ChecklistItem(title="b")))
    assert text(render("{{ kr_value(k) }}", k=k)) == "1/2 milestones"


@pytest.mark.parametrize(("progress", "expected", "status", "shown"), [
    (0.2, 0.5, "off-track", '<span class="pace pace--off-track">30 pts behind</span>'),
    (0.25, 0.5, "at-risk", '<span class="pace pace--at-risk">25 pts behind</span>'),
    (0.4, 0.5, "on-track", '<span class="pace pace--on-track">10 pts behind</span>'),
    (0.49, 0.5, "on-track", '<span class="pace pace--on-track">1 pt behind</span>'),
    (0.7, 0.5, "on-track", '<span class="pace pace--on-track">20 pts ahead</span>'),
    (0.5, 0.502, "on-track", '<span class="pace pace--on-track">on pace</span>'),
])
def test_behind_by_says_points_behind_or_ahead_of_pace_in_the_colour_of_the_status(
        progress: float, expected: float, status: str, shown: str) -> None:
    """An at-risk KR is never printed in the off-track red; an on-track one behind the line says so."""
    assert render("{{ behind_by(k) }}", k=kr(progress=progress, expected=expected, status=status)) == shown


def test_the_stylesheet_colours_pace_by_status_not_all_behind_in_red() -> None:
    css = (REPO / "themes/default/static/style.css").read_text()
    assert ".pace--at-risk { color: var(--at-risk-text)" in css
    assert ".pace--off-track { color: var(--off-track-text)" in css
    assert ".behind" not in css
    # an SPI or CPI below 0.85 (portfolio, project page) is bold: colour is not the only signal
    assert ".cell-warn { color: var(--at-risk-text); font-weight: 700; }" in css


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (1, "days", "1 day"), (2, "days", "2 days"), (1, "views", "1 view"), (1, "ms", "1 ms"), (1, "%", "1%"),
    (1, "USD", "1 USD"), (1, "stories", "1 stories"), (1.5, "days", "1.5 days"), (1, "kbps", "1 kbps"),
])
def test_an_amount_of_one_takes_the_singular_of_a_plural_word_unit(value: float, unit: str, shown: str) -> None:
    assert text(render("{{ amount(v, u) }}", v=value, u=unit)) == shown


def test_templates_that_call_the_former_macros_keep_working() -> None:
    """A site theme copied from okrsite 0.1 calls m.badge(...), m.objective_link(...)."""
    theme_env = make_environment([REPO / "themes/default"], {})
    page = Page(url="teams/ops/index.html", template="snippet", title="Snippet")
    objective = Objective(id="grow", title="Grow <fast>", period="2026-Q1", kind="committed", progress=0.5, expected=0.5,
                          status="on-track", grade=None, source="content/objectives/grow.md")
    html_ = theme_env.from_string(
        '{% import "_macros.html" as m with context %}{{ m.badge("at-risk") }} {{ m.objective_link(o) }}'
    ).render(site=SITE, url=relative_url(page, True), o=objective)
    assert text(html_) == "▲ At risk Grow <fast>"
    assert 'href="../../objectives/grow/"' in html_


# ---------- one rounding rule ----------

@pytest.mark.parametrize(
    ("progress", "expected", "shown", "pace"),
    [
        pytest.param(0.125, 0.2, ("13%", "20%"), "7 pts behind", id="half-up-percent-and-points-agree"),
        pytest.param(0.135, 0.2, ("14%", "20%"), "6 pts behind", id="0.135-is-14"),
        pytest.param(0.2, 0.125, ("20%", "13%"), "7 pts ahead", id="ahead"),
        pytest.param(0.4449, 0.4451, ("44%", "45%"), "1 pt behind", id="a-hair-apart-across-a-rounding-edge"),
        pytest.param(0.446, 0.4549, ("45%", "45%"), "on pace", id="equal-when-shown-equal"),
        pytest.param(0.005, 0.0, ("1%", "0%"), "1 pt ahead", id="half-a-percent-is-one"),
    ],
)
def test_percentages_and_points_on_one_page_agree(progress: float, expected: float, shown: tuple[str, str],
                                                   pace: str) -> None:
    k = kr(progress=progress, expected=expected, status="at-risk")
    assert (percent(progress), percent(expected)) == shown
    assert text(render("{{ behind_by(k) }}", k=k)) == pace
    assert int(shown[1][:-1]) - int(shown[0][:-1]) == pace_points(progress, expected)


# ---------- the theme's fixed words (render.FixedWords) ----------

@pytest.mark.parametrize("source, shown", [
    ('{{ _("Owner") }}|{{ gettext("Team") }}', "Owner|Team"),
    ('{{ _("100%% done") }}', "100% done"),  # as the call gives it: '%%' is one '%'
    ('{{ _("Cost & time <b>") }}', "Cost & time <b>"),  # a translation is the theme's markup, not escaped
    ('{{ _("Owner")|upper }} {{ _("Owner")[0] }} {{ _("Owner") ~ "s" }} {{ _("Owner").lower() }}', "OWNER O Owners owner"),
    ('{{ _("Hello %(name)s", name="<b>") }}', "Hello &lt;b&gt;"),  # with values: a call, values escaped
    ('{{ _("a") + "<b>" }}|{% autoescape false %}{{ _("a") + "<b>" }}{% endautoescape %}', "a&lt;b&gt;|a<b>"),  # text where off
])
def test_a_fixed_word_is_put_into_the_template_as_the_call_would_give_it(source: str, shown: str) -> None:
    assert render(source) == shown


def test_only_calls_of_the_theme_words_function_with_one_text_become_text() -> None:
    """Compiled code holds a fixed word as text (no call); `x._("...")`, a call with values, or a message
    with a placeholder and no value stays a call (which fails when used, as it always did)."""
    code = ENV.compile('{{ _("Owner") }}', raw=True)
    assert "'Owner'" in code and "context.call" not in code
    for source in ('{{ x._("Owner") }}', '{{ _("Hi %(n)s", n=1) }}', '{{ _("Hi %(n)s") }}', '{{ _(word) }}'):
        assert "context.call" in ENV.compile(source, raw=True), source
    assert render('{{ x._("Owner") }}', x=SimpleNamespace(_=lambda word: word.upper())) == "OWNER"
    with pytest.raises(KeyError):
        render('{{ _("Hi %(n)s") }}')


# ---------- what a template prints (render.escape_output) ----------

class _HasHtml:
    def __html__(self) -> str:
        return "<i>its own markup</i>"

    def __repr__(self) -> str:  # the test's id: the same in every process that collects it
        return "_HasHtml()"


class _MarkupKind(Markup):
    pass


@pytest.mark.parametrize("value", [HOSTILE, "plain", "", Markup("<b>kept</b>"), _MarkupKind("<u>x</u>"), _HasHtml(),
                                   42, 0.5, None, ["<li>"]], ids=repr)
def test_what_a_template_prints_is_escaped_as_markupsafe_escapes_it(value: Any) -> None:
    assert escape_output(value) == escape(value) and type(escape_output(value)) is Markup
    assert render("{{ v }}", v=value) == str(escape(value))


def test_templates_print_through_escape_output_only_where_autoescape_is_on() -> None:
    assert "environment.escape_output(" in ENV.compile("{{ x }}", raw=True)
    unescaped = ENV.compile("{% autoescape false %}{{ x }}{% endautoescape %}", raw=True)
    assert "escape_output" not in unescaped and render("{% autoescape false %}{{ x }}{% endautoescape %}",
                                                       x="<b>") == "<b>"


def test_every_flag_glyph_is_in_the_themes_font() -> None:
    """A flag's glyph is plain text in DejaVu Sans, as the badges' are: "⌛" (stale) is an emoji,
    drawn in colour on a Mac and as an empty box where no emoji font is installed."""
    from okrsite.site.charts.draw import has_glyphs
    from okrsite.site.widgets import STALE_ICON

    sources = [path.read_text(encoding="utf-8") for path in (REPO / "okrsite/site").glob("*.py")]
    templates = [path.read_text(encoding="utf-8") for path in (REPO / "themes/default/templates").glob("*.html")]
    glyphs = {STALE_ICON, *(g for text in sources for g in re.findall(r'_flag\("[a-z]+", "([^"]+)"', text)),
              *(g.strip() for text in templates for g in re.findall(r'aria-hidden="true">([^<\w]{1,2}) ?<', text))}
    assert len(glyphs) >= 8 and "⌛" not in glyphs
    assert [glyph for glyph in sorted(glyphs) if not has_glyphs(glyph)] == []
