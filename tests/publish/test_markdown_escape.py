"""Labels escaped for Markdown and HTML: rendered by a Markdown renderer with raw HTML on (as blog
platforms do), a label is its own text and nothing else."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from publish.articles.render import escape_markdown, markdown_context

# SYNTHETIC labels
HOSTILE = (
    "![x](http://example.invalid/t.png)",
    "[a](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "a|b",
    "`code` *em* __strong__ ~~gone~~",
    "# heading",
    "<https://example.invalid>",
    "line\nbreak\r\n| x | y |",
    "&lt;b&gt; and \\[escaped\\]",
)
RENDER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _html_text(html: str) -> str:
    """The text a reader sees in one rendered paragraph."""
    from html import unescape

    assert html.startswith("<p>") and html.endswith("</p>\n"), html
    inner = html[3:-5]
    assert "<" not in inner, html  # no tag at all, only text
    return unescape(inner)


@pytest.mark.parametrize("label", HOSTILE)
def test_a_hostile_label_renders_as_its_own_text(label):
    escaped = escape_markdown(label)
    assert "<" not in escaped and "\n" not in escaped
    shown = _html_text(RENDER.render(f"Largest: {escaped}."))
    assert shown == "Largest: " + " ".join(label.split()) + "."


@pytest.mark.parametrize("label", HOSTILE)
def test_a_hostile_label_stays_in_its_table_cell(label):
    table = f"| unit | women |\n|---|---:|\n| {escape_markdown(label)} | 12 |\n"
    html = RENDER.render(table)
    assert html.count("<td") == 2 and "<img" not in html and "<a " not in html
    assert "<script" not in html


def test_ordinary_labels_are_unchanged():
    for label in (
        "Tekniikan alat",
        "Kauppa, hallinto ja oikeustieteet (pl. ICT)",
        "Sosiaali- ja terveysalat",
        "wage_earners_in_families",
        "R&D 12,3 %",
        "Ammatit: johtajat",
    ):
        assert escape_markdown(label) == label


def test_the_context_copy_escapes_strings_keeps_source_links_and_identity():
    shared = {"name": "a|b", "url": "https://pxdata.stat.fi/PxWeb/x__y.px/"}
    context = {"units": [shared, {"name": "<b>"}], "chosen": shared, "pair": (2019, "*x*")}
    copy = markdown_context(context)
    assert copy["units"][0]["name"] == "a\\|b" and copy["units"][1]["name"] == "&lt;b&gt;"
    assert copy["units"][0]["url"] == shared["url"]  # written as an autolink by the templates
    assert copy["chosen"] is copy["units"][0]  # a template's `is sameas` still holds
    assert copy["pair"] == (2019, "\\*x\\*")
    assert context["units"][0]["name"] == "a|b"  # charts keep drawing the labels as they are
    # Under "url" only a plain http(s) URL is let through; anything else is a label.
    assert markdown_context({"url": "[a](javascript:x)"})["url"] == "\\[a\\](javascript:x)"
