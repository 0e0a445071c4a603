"""Behaviour of okrsite.site.markdown: safe, shifted, Jinja-ready HTML."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markupsafe import Markup

from okrsite.site.markdown import render_inline, render_markdown

Render = Callable[[str], Markup]

UNSAFE_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](< javascript:alert(1)>)",
    "[x](<java\tscript:alert(1)>)",
    "[x](java&#9;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x4A;avascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](%20javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![i](javascript:alert(1))",
    "![i](data:image/svg+xml;base64,PHN2Zz4=)",
]

SAFE_LINKS = [
    ("[x](https://example.com/a?b=1)", '<a href="https://example.com/a?b=1">x</a>'),
    ("[x](http://intranet/okr)", '<a href="http://intranet/okr">x</a>'),
    ("[x](../projects/alpha/)", '<a href="../projects/alpha/">x</a>'),
    ("[x](#key-results)", '<a href="#key-results">x</a>'),
    ("[x](mailto:okr@example.com)", '<a href="mailto:okr@example.com">x</a>'),
    ("<https://example.com>", '<a href="https://example.com">https://example.com</a>'),
    ("![i](data:image/png;base64,AAAA)", '<img src="data:image/png;base64,AAAA" alt="i" />'),
    ("![i](img/chart.png)", '<img src="img/chart.png" alt="i" />'),
]


@pytest.mark.parametrize("render", [render_markdown, render_inline])
@pytest.mark.parametrize("source", UNSAFE_LINKS)
def test_unsafe_link_schemes_are_dropped_to_plain_text(render: Render, source: str) -> None:
    html = str(render(source))
    assert "<a " not in html
    assert "<img" not in html
    assert not re.search(r"(href|src)\s*=", html, re.IGNORECASE)
    assert not re.search(r"(java|vb)script:[^<]*</a>", html, re.IGNORECASE)


@pytest.mark.parametrize("render", [render_markdown, render_inline])
@pytest.mark.parametrize(("source", "expected"), SAFE_LINKS)
def test_safe_links_and_images_survive(render: Render, source: str, expected: str) -> None:
    assert expected in render(source)


def test_safe_reference_links_survive_in_bodies() -> None:
    html = render_markdown("[x][r]\n\n[r]: https://example.com")
    assert '<a href="https://example.com">x</a>' in html


@pytest.mark.parametrize("render", [render_markdown, render_inline])
def test_raw_html_is_escaped_and_shown_as_text(render: Render) -> None:
    html = str(render('<script>alert(1)</script> <img src=x onerror="alert(1)">'))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()


def test_raw_html_block_is_escaped() -> None:
    html = str(render_markdown("<div onclick=\"x()\">\nhi\n</div>\n"))
    assert "<div" not in html
    assert "&lt;div onclick=&quot;x()&quot;&gt;" in html


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# Title", "h2"), ("## Sub", "h3"), ("Title\n=====", "h2"),
     ("##### Five", "h6"), ("###### Six", "h6")],
)
def test_body_headings_are_shifted_one_level_down(source: str, tag: str) -> None:
    text = source.lstrip("# ").split("\n")[0]
    assert render_markdown(source) == Markup(f"<{tag}>{text}</{tag}>\n")


def test_no_h1_in_a_body() -> None:
    assert "<h1" not in render_markdown("# A\n\ntext\n\n# B\n")


def test_tables_render() -> None:
    html = str(render_markdown("| KR | Progress |\n|---|---:|\n| Revenue | 40% |\n"))
    assert "<table>" in html
    assert "<th>KR</th>" in html
    assert '<td style="text-align:right">40%</td>' in html


def test_strikethrough_renders() -> None:
    assert "<s>dropped</s>" in render_markdown("~~dropped~~")


def test_inline_rendering_has_no_paragraph_wrapper() -> None:
    assert render_inline("Shipped **v2** to [beta](https://example.com)") == Markup(
        'Shipped <strong>v2</strong> to <a href="https://example.com">beta</a>'
    )


def test_inline_rendering_keeps_block_syntax_literal() -> None:
    assert render_inline("# not a heading") == Markup("# not a heading")


@pytest.mark.parametrize("render", [render_markdown, render_inline])
@pytest.mark.parametrize(
    "text",
    ["Revenue $2M to $5M", "Cut CAC $50% to $35%", "Umsatz steigern: größer",
     "売上を二倍にする", "Выручка растёт", "نمو الإيرادات", "🚀 launch"],
)
def test_plain_text_passes_through_unchanged(render: Render, text: str) -> None:
    assert text in render(text)


@pytest.mark.parametrize("render", [render_markdown, render_inline])
@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_empty_text_gives_empty_markup(render: Render, text: str) -> None:
    result = render(text)
    assert isinstance(result, Markup)
    assert result == ""


@pytest.mark.parametrize("render", [render_markdown, render_inline])
def test_result_is_markup_so_jinja_does_not_escape_it_again(render: Render) -> None:
    result = render("a & b *c*")
    assert isinstance(result, Markup)
    assert "a &amp; b <em>c</em>" in result
    assert Markup("{}").format(result) == result


def test_a_table_a_link_and_a_strikethrough_render_as_html_under_the_page_s_heading() -> None:
    """(A body's `#` is an h2: the page's h1 is the objective's title.)"""
    source = "# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[x](https://e.com) ~~y~~\n"
    assert render_markdown(source) == (
        "<h2>T</h2>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
        "<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n<p><a href=\"https://e.com\">x</a> <s>y</s></p>\n")


@pytest.mark.parametrize("render", [render_markdown, render_inline])
def test_control_characters_reach_the_page_as_a_replacement_character(render: Render) -> None:
    """An ESC pasted into a body (a terminal's colour code) reached the HTML, which no page may hold:
    the HTML parser reports each. Tabs and line breaks stay white space."""
    html = str(render("Green \x1b[32mOK\x1b[0m, bell\x07, NEL\x85, DEL\x7f\tand a tab"))
    assert not any(0 < ord(char) < 32 and char not in "\t\n\r\x0c" or 0x7f <= ord(char) <= 0x9f for char in html)
    assert html.count("\ufffd") == 5 and "\tand a tab" in html
